//! The background jobs' storage: a run-once ledger (so a job runs once however many servers
//! there are) and the questions reminders and digests ask.

use std::future::Future;

use crate::{Store, StoreError, UnixTime};

pub trait JobRepo {
    /// Records that a job ran; `false` if it had already (on this or another server).
    fn claim_job(
        &self,
        kind: &str,
        key: &str,
        now: UnixTime,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Actions not done or dropped whose due or review date is within `[from, to]`.
    fn actions_dated_between(
        &self,
        from: &str,
        to: &str,
    ) -> impl Future<Output = Result<Vec<DatedAction>, StoreError>> + Send;
    /// Organisations with a published plan whose last version and last public update are
    /// both older than `before`.
    fn quiet_plans(
        &self,
        before: UnixTime,
    ) -> impl Future<Output = Result<Vec<i64>, StoreError>> + Send;
    /// `(organisation id, cadence in months, when its last review opened)` for organisations
    /// with a cadence and at least one review.
    fn review_cadences(
        &self,
    ) -> impl Future<Output = Result<Vec<(i64, i64, UnixTime)>, StoreError>> + Send;
    /// Open reviews closing within `[from, to]` (`YYYY-MM-DD`): `(review id, organisation id,
    /// title, closing date)`.
    fn reviews_closing_between(
        &self,
        from: &str,
        to: &str,
    ) -> impl Future<Output = Result<Vec<(i64, i64, String, String)>, StoreError>> + Send;
    /// Public updates since `since` on priorities linked to reviews each person gave views in.
    fn digest_items(
        &self,
        since: UnixTime,
        until: UnixTime,
    ) -> impl Future<Output = Result<Vec<DigestItem>, StoreError>> + Send;
}

impl JobRepo for Store {
    async fn claim_job(&self, kind: &str, key: &str, now: UnixTime) -> Result<bool, StoreError> {
        let inserted = sqlx::query(
            "INSERT INTO job_runs (kind, key, ran_at) VALUES ($1, $2, $3) ON CONFLICT (kind, key) DO NOTHING",
        )
        .bind(kind)
        .bind(key)
        .bind(now)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(inserted == 1)
    }

    async fn reviews_closing_between(
        &self,
        from: &str,
        to: &str,
    ) -> Result<Vec<(i64, i64, String, String)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, organisation_id, title, closes_on FROM reviews \
             WHERE status = 'open' AND closes_on >= $1 AND closes_on <= $2 ORDER BY id",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn actions_dated_between(
        &self,
        from: &str,
        to: &str,
    ) -> Result<Vec<DatedAction>, StoreError> {
        let rows: Vec<(i64, i64, String, String, String)> = sqlx::query_as(
            "SELECT p.organisation_id, a.id, a.what, 'due', a.due_on FROM plan_actions a JOIN priorities p ON p.id = a.priority_id \
             WHERE a.due_on >= $1 AND a.due_on <= $2 AND a.status NOT IN ('done', 'dropped') \
             UNION ALL \
             SELECT p.organisation_id, a.id, a.what, 'review', a.review_on FROM plan_actions a JOIN priorities p ON p.id = a.priority_id \
             WHERE a.review_on >= $1 AND a.review_on <= $2 AND a.status NOT IN ('done', 'dropped') \
             ORDER BY 1, 2",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(organisation_id, action_id, what, which, on)| DatedAction {
                    organisation_id,
                    action_id,
                    what,
                    which,
                    on,
                },
            )
            .collect())
    }

    async fn quiet_plans(&self, before: UnixTime) -> Result<Vec<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT v.organisation_id FROM plan_versions v GROUP BY v.organisation_id \
             HAVING MAX(v.published_at) < $1 AND NOT EXISTS (SELECT 1 FROM progress_updates u \
             WHERE u.organisation_id = v.organisation_id AND u.published_at >= $1) ORDER BY v.organisation_id",
        )
        .bind(before)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn review_cadences(&self) -> Result<Vec<(i64, i64, UnixTime)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT o.id, o.review_cadence_months, MAX(r.created_at) FROM organisations o JOIN reviews r ON r.organisation_id = o.id \
             WHERE o.review_cadence_months IS NOT NULL GROUP BY o.id, o.review_cadence_months ORDER BY o.id",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    async fn digest_items(
        &self,
        since: UnixTime,
        until: UnixTime,
    ) -> Result<Vec<DigestItem>, StoreError> {
        let rows: Vec<DigestRow> = sqlx::query_as(
            "SELECT DISTINCT v.person_id, pe.email, o.name, o.slug, p.title, u.note, u.published_at, pe.easy_read              FROM progress_updates u JOIN priorities p ON p.id = u.priority_id              JOIN organisations o ON o.id = u.organisation_id              JOIN review_views v ON v.review_id = p.review_id JOIN people pe ON pe.id = v.person_id              WHERE u.published_at >= $1 AND u.published_at < $2 ORDER BY v.person_id, u.published_at",
        )
        .bind(since)
        .bind(until)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(
                    person_id,
                    email,
                    organisation,
                    slug,
                    priority,
                    note,
                    published_at,
                    easy_read,
                )| {
                    DigestItem {
                        person_id,
                        email,
                        organisation,
                        slug,
                        priority,
                        note,
                        published_at,
                        easy_read: easy_read != 0,
                    }
                },
            )
            .collect())
    }
}

/// A digest line as read: person, address, organisation, slug, priority, note, published at,
/// Easy Read.
type DigestRow = (i64, String, String, String, String, String, i64, i64);

/// One line of a weekly digest: a public update on a priority that came from a review the
/// person gave views in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestItem {
    pub person_id: i64,
    pub email: String,
    pub organisation: String,
    pub slug: String,
    pub priority: String,
    pub note: String,
    pub published_at: UnixTime,
    /// They chose Easy Read: the digest comes in Easy Read.
    pub easy_read: bool,
}

/// An action whose due or review date falls in a window, for reminders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatedAction {
    pub organisation_id: i64,
    pub action_id: i64,
    pub what: String,
    /// `due` or `review`.
    pub which: String,
    pub on: String,
}
