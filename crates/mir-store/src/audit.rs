//! The audit log: append-only, so there is no update or delete here.

use std::future::Future;

use crate::{Store, StoreError, UnixTime};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub organisation: Option<String>,
    /// `None` when the person has since deleted their account, or for the system.
    pub actor_email: Option<String>,
    /// The name the person chose (empty if none).
    pub actor_name: String,
    pub action: String,
    pub detail: String,
    pub at: UnixTime,
}

/// organisation name, actor email, actor name, action, detail, time
type EventRow = (
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    String,
    i64,
);

pub trait AuditRepo {
    fn record(
        &self,
        organisation_id: Option<i64>,
        actor_person_id: Option<i64>,
        action: &str,
        detail: &str,
        now: UnixTime,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Newest first; all organisations when `organisation_id` is `None`.
    fn audit_events(
        &self,
        organisation_id: Option<i64>,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<AuditEvent>, StoreError>> + Send;
}

impl AuditRepo for Store {
    async fn record(
        &self,
        organisation_id: Option<i64>,
        actor_person_id: Option<i64>,
        action: &str,
        detail: &str,
        now: UnixTime,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO audit_events (organisation_id, actor_person_id, action, detail, at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(organisation_id)
        .bind(actor_person_id)
        .bind(action)
        .bind(detail)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn audit_events(
        &self,
        organisation_id: Option<i64>,
        limit: i64,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        let rows: Vec<EventRow> = sqlx::query_as(
            "SELECT o.name, p.email, p.display_name, e.action, e.detail, e.at FROM audit_events e \
             LEFT JOIN organisations o ON o.id = e.organisation_id \
             LEFT JOIN people p ON p.id = e.actor_person_id \
             WHERE ($1 = 0 OR e.organisation_id = $1) ORDER BY e.at DESC, e.id DESC LIMIT $2",
        )
        .bind(organisation_id.unwrap_or(0))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(organisation, actor_email, actor_name, action, detail, at)| AuditEvent {
                    organisation,
                    actor_email,
                    actor_name: actor_name.unwrap_or_default(),
                    action,
                    detail,
                    at,
                },
            )
            .collect())
    }
}
