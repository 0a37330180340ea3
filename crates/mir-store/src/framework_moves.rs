//! Moving an organisation to a newer version of its framework: each co-chair's agreement,
//! and the move itself (the draft's priorities follow the mapping, in one transaction).

use std::future::Future;

use crate::plans::bump;
use crate::{Store, StoreError, UnixTime, lock_organisation};

/// A co-chair's agreement to move to a version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoveApproval {
    pub framework_slug: String,
    pub to_version: String,
    pub person_id: i64,
    pub role: String,
    pub approved_at: UnixTime,
}

pub trait FrameworkMoveRepo {
    fn move_approvals(
        &self,
        organisation_id: i64,
    ) -> impl Future<Output = Result<Vec<MoveApproval>, StoreError>> + Send;
    /// Records a co-chair's agreement, only while the organisation is still on `from_version`
    /// (checked with the organisation taken, so a move and an agreement never cross); an
    /// earlier agreement by the same person is replaced. `false`: it had moved meanwhile.
    fn approve_move(
        &self,
        organisation_id: i64,
        from_version: &str,
        approval: &MoveApproval,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Moves the organisation to `(slug, version)`, but only if it is still on `from_version`
    /// (`false` otherwise: someone moved it meanwhile). Each draft priority gets the given
    /// statements. The agreements to move are cleared. `framework` is `(slug, from, to)`.
    fn complete_move(
        &self,
        organisation_id: i64,
        framework: (&str, &str, &str),
        priorities: &[(i64, Vec<String>)],
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
}

impl FrameworkMoveRepo for Store {
    async fn move_approvals(&self, organisation_id: i64) -> Result<Vec<MoveApproval>, StoreError> {
        let rows: Vec<(String, String, i64, String, i64)> = sqlx::query_as(
            "SELECT framework_slug, to_version, person_id, role, approved_at FROM framework_move_approvals \
             WHERE organisation_id = $1 ORDER BY approved_at, person_id",
        )
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(framework_slug, to_version, person_id, role, approved_at)| MoveApproval {
                    framework_slug,
                    to_version,
                    person_id,
                    role,
                    approved_at,
                },
            )
            .collect())
    }

    async fn approve_move(
        &self,
        organisation_id: i64,
        from_version: &str,
        a: &MoveApproval,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        lock_organisation(&mut tx, organisation_id).await?;
        let still: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM organisations WHERE id = $1 AND framework_slug = $2 AND framework_version = $3",
        )
        .bind(organisation_id)
        .bind(&a.framework_slug)
        .bind(from_version)
        .fetch_optional(&mut *tx)
        .await?;
        if still.is_none() {
            return Ok(false);
        }
        let added = sqlx::query(
            "INSERT INTO framework_move_approvals (organisation_id, framework_slug, to_version, person_id, role, approved_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (organisation_id, framework_slug, to_version, person_id) \
             DO UPDATE SET role = excluded.role, approved_at = excluded.approved_at",
        )
        .bind(organisation_id)
        .bind(&a.framework_slug)
        .bind(&a.to_version)
        .bind(a.person_id)
        .bind(&a.role)
        .bind(a.approved_at)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        tx.commit().await?;
        Ok(added)
    }

    async fn complete_move(
        &self,
        organisation_id: i64,
        (slug, from_version, to_version): (&str, &str, &str),
        priorities: &[(i64, Vec<String>)],
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        lock_organisation(&mut tx, organisation_id).await?;
        let moved = sqlx::query(
            "UPDATE organisations SET framework_version = $1 \
             WHERE id = $2 AND framework_slug = $3 AND framework_version = $4",
        )
        .bind(to_version)
        .bind(organisation_id)
        .bind(slug)
        .bind(from_version)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if !moved {
            return Ok(false);
        }
        for (id, statements) in priorities {
            sqlx::query(
                "UPDATE priorities SET statements = $1 WHERE id = $2 AND organisation_id = $3",
            )
            .bind(statements.join(" "))
            .bind(id)
            .bind(organisation_id)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("DELETE FROM framework_move_approvals WHERE organisation_id = $1")
            .bind(organisation_id)
            .execute(&mut *tx)
            .await?;
        bump(&mut tx, organisation_id).await?;
        tx.commit().await?;
        Ok(true)
    }
}
