//! Recording changes in the audit log, and reading it.

use mir_store::{AuditEvent, AuditRepo};

use crate::AppError;
use crate::policy::{Action, Actor, authorize};

/// Appends one event; `detail` holds what changed (before and after where there is one).
pub async fn record(
    store: &impl AuditRepo,
    organisation_id: Option<i64>,
    actor: &Actor,
    action: &str,
    detail: serde_json::Value,
) -> Result<(), AppError> {
    let actor_id = match actor {
        Actor::Person { id, .. } => Some(*id),
        _ => None,
    };
    store
        .record(
            organisation_id,
            actor_id,
            action,
            &detail.to_string(),
            mir_store::now(),
        )
        .await?;
    Ok(())
}

/// The newest events across all organisations, for the national programme team.
pub async fn national_log(
    store: &impl AuditRepo,
    actor: &Actor,
) -> Result<Vec<AuditEvent>, AppError> {
    authorize(actor, Action::ViewAdmin)?;
    Ok(store.audit_events(None, 200).await?)
}
