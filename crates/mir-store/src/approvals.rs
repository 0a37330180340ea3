//! Approving the plan and publishing it: each co-chair's approval of the draft at a revision,
//! and, when the co-chairs agree, the immutable published version (in one transaction).

use std::future::Future;

use crate::directory::{PublishedPriority, write_published_priorities};
use crate::{Store, StoreError, UnixTime};

/// One co-chair's approval of the draft plan as it stood at `revision` (the revision shown on
/// the page they read).
#[derive(Debug, Clone)]
pub struct PlanApproval {
    pub organisation_id: i64,
    pub revision: i64,
    pub person_id: i64,
    pub role: String,
    pub now: UnixTime,
    /// Audit detail for "plan approved by a co-chair".
    pub audit_detail: String,
}

/// What publishing the draft at that revision writes, if the approvals are now enough.
#[derive(Debug, Clone)]
pub struct PlanPublication {
    pub snapshot: String,
    pub findable: Vec<PublishedPriority>,
}

/// The outcome of [`PlanRepo::approve_and_publish`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApprovalOutcome {
    /// The draft changed after the co-chair read it: nothing was recorded.
    DraftChanged,
    /// Recorded; the other co-chair has not approved this revision yet.
    Waiting,
    /// Recorded, and both co-chairs have approved: this version number is public.
    Published(i64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRow {
    pub number: i64,
    pub snapshot: String,
    pub approved_by: String,
    pub published_at: UnixTime,
}

pub trait ApprovalRepo {
    fn approve_plan(
        &self,
        organisation_id: i64,
        revision: i64,
        person_id: i64,
        role: &str,
        now: UnixTime,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Records an approval and, if `decide` (given the current co-chairs' approvals of this
    /// revision as `(person id, role, when)`) returns the "approved by" record, publishes
    /// `publication` — approval, audit entries, the version, its updates going public and the
    /// directory's copy, in one transaction, and only if the draft is still at that revision.
    fn approve_and_publish<F>(
        &self,
        approval: &PlanApproval,
        publication: &PlanPublication,
        decide: F,
    ) -> impl Future<Output = Result<ApprovalOutcome, StoreError>> + Send
    where
        F: FnOnce(&[(i64, String, UnixTime)]) -> Option<String> + Send;
    /// `(person id, role, when)` for one revision.
    fn plan_approvals(
        &self,
        organisation_id: i64,
        revision: i64,
    ) -> impl Future<Output = Result<Vec<(i64, String, UnixTime)>, StoreError>> + Send;
    /// Adds the next published version and makes every waiting update public with it.
    /// Returns the version number.
    fn publish_version(
        &self,
        organisation_id: i64,
        snapshot: &str,
        approved_by: &str,
        now: UnixTime,
    ) -> impl Future<Output = Result<i64, StoreError>> + Send;
    /// Newest first.
    fn versions(
        &self,
        organisation_id: i64,
    ) -> impl Future<Output = Result<Vec<VersionRow>, StoreError>> + Send;
}

impl ApprovalRepo for Store {
    async fn approve_plan(
        &self,
        organisation_id: i64,
        revision: i64,
        person_id: i64,
        role: &str,
        now: UnixTime,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO plan_approvals (organisation_id, revision, person_id, role, approved_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (organisation_id, revision, person_id) DO NOTHING",
        )
        .bind(organisation_id)
        .bind(revision)
        .bind(person_id)
        .bind(role)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn approve_and_publish<F>(
        &self,
        approval: &PlanApproval,
        publication: &PlanPublication,
        decide: F,
    ) -> Result<ApprovalOutcome, StoreError>
    where
        F: FnOnce(&[(i64, String, UnixTime)]) -> Option<String> + Send,
    {
        let a = approval;
        let mut tx = self.begin_write().await?;
        // Takes the organisation's row (a lock on PostgreSQL) and checks the revision: an edit
        // after the co-chair read the draft bumps it, and then this approval is refused.
        let same = sqlx::query(
            "UPDATE organisations SET plan_revision = plan_revision WHERE id = $1 AND plan_revision = $2",
        )
        .bind(a.organisation_id)
        .bind(a.revision)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if same == 0 {
            tx.rollback().await?;
            return Ok(ApprovalOutcome::DraftChanged);
        }
        sqlx::query(
            "INSERT INTO plan_approvals (organisation_id, revision, person_id, role, approved_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (organisation_id, revision, person_id) DO NOTHING",
        )
        .bind(a.organisation_id)
        .bind(a.revision)
        .bind(a.person_id)
        .bind(&a.role)
        .bind(a.now)
        .execute(&mut *tx)
        .await?;
        audit_in(&mut tx, a, "plan approved by a co-chair", &a.audit_detail).await?;
        let given: Vec<(i64, String, UnixTime)> = sqlx::query_as(
            "SELECT a.person_id, m.role, a.approved_at FROM plan_approvals a \
             JOIN memberships m ON m.organisation_id = a.organisation_id AND m.person_id = a.person_id \
             WHERE a.organisation_id = $1 AND a.revision = $2 AND m.is_co_chair = 1 \
             ORDER BY a.approved_at, a.person_id",
        )
        .bind(a.organisation_id)
        .bind(a.revision)
        .fetch_all(&mut *tx)
        .await?;
        let Some(approved_by) = decide(&given) else {
            tx.commit().await?;
            return Ok(ApprovalOutcome::Waiting);
        };
        let last: Option<i64> =
            sqlx::query_scalar("SELECT MAX(number) FROM plan_versions WHERE organisation_id = $1")
                .bind(a.organisation_id)
                .fetch_one(&mut *tx)
                .await?;
        let number = last.unwrap_or(0) + 1;
        sqlx::query(
            "INSERT INTO plan_versions (organisation_id, number, snapshot, approved_by, published_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(a.organisation_id)
        .bind(number)
        .bind(&publication.snapshot)
        .bind(&approved_by)
        .bind(a.now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE progress_updates SET published_at = $1 WHERE organisation_id = $2 AND published_at IS NULL",
        )
        .bind(a.now)
        .bind(a.organisation_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE organisations SET last_public_change = $1 WHERE id = $2")
            .bind(a.now)
            .bind(a.organisation_id)
            .execute(&mut *tx)
            .await?;
        write_published_priorities(&mut tx, a.organisation_id, &publication.findable).await?;
        audit_in(
            &mut tx,
            a,
            "plan published",
            &format!("{{\"version\":{number}}}"),
        )
        .await?;
        tx.commit().await?;
        self.forget_public_index();
        Ok(ApprovalOutcome::Published(number))
    }

    async fn plan_approvals(
        &self,
        organisation_id: i64,
        revision: i64,
    ) -> Result<Vec<(i64, String, UnixTime)>, StoreError> {
        Ok(sqlx::query_as(
            // Only people who are co-chairs now: an approval given before someone left or lost
            // the co-chair mark does not count (finding 12). The role is the current one.
            "SELECT a.person_id, m.role, a.approved_at FROM plan_approvals a \
             JOIN memberships m ON m.organisation_id = a.organisation_id AND m.person_id = a.person_id \
             WHERE a.organisation_id = $1 AND a.revision = $2 AND m.is_co_chair = 1 \
             ORDER BY a.approved_at, a.person_id",
        )
        .bind(organisation_id)
        .bind(revision)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn publish_version(
        &self,
        organisation_id: i64,
        snapshot: &str,
        approved_by: &str,
        now: UnixTime,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        let last: Option<i64> =
            sqlx::query_scalar("SELECT MAX(number) FROM plan_versions WHERE organisation_id = $1")
                .bind(organisation_id)
                .fetch_one(&mut *tx)
                .await?;
        let number = last.unwrap_or(0) + 1;
        sqlx::query(
            "INSERT INTO plan_versions (organisation_id, number, snapshot, approved_by, published_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(organisation_id)
        .bind(number)
        .bind(snapshot)
        .bind(approved_by)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE progress_updates SET published_at = $1 WHERE organisation_id = $2 AND published_at IS NULL",
        )
        .bind(now)
        .bind(organisation_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE organisations SET last_public_change = $1 WHERE id = $2")
            .bind(now)
            .bind(organisation_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.forget_public_index();
        Ok(number)
    }

    async fn versions(&self, organisation_id: i64) -> Result<Vec<VersionRow>, StoreError> {
        let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(
            "SELECT number, snapshot, approved_by, published_at FROM plan_versions WHERE organisation_id = $1 ORDER BY number DESC",
        )
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(number, snapshot, approved_by, published_at)| VersionRow {
                number,
                snapshot,
                approved_by,
                published_at,
            })
            .collect())
    }
}

/// An audit entry written inside the approval's transaction.
async fn audit_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    a: &PlanApproval,
    action: &str,
    detail: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit_events (organisation_id, actor_person_id, action, detail, at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(a.organisation_id)
    .bind(a.person_id)
    .bind(action)
    .bind(detail)
    .bind(a.now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
