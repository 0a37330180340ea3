//! Which emails a person gets: reminders and digests they may turn off.

use mir_store::PeopleRepo;

use super::my_account;
use crate::AppError;
use crate::policy::Actor;

/// The emails a person may turn off: `(kind, what it is, on)`.
pub async fn email_preferences(
    store: &(impl PeopleRepo + mir_store::EmailPreferenceRepo),
    actor: &Actor,
) -> Result<Vec<(&'static str, &'static str, bool)>, AppError> {
    let me = my_account(store, actor).await?;
    let mut out = Vec::new();
    for (kind, label) in [
        (
            crate::jobs::REMINDERS,
            "Reminders for groups you lead: actions due, plans with no update for 90 days, the next review",
        ),
        (
            crate::jobs::DIGEST,
            "A weekly email about what happened to priorities that came from your views",
        ),
    ] {
        out.push((kind, label, store.email_enabled(me.id, kind).await?));
    }
    Ok(out)
}

/// Saves which emails the person wants; kinds not in `on` are turned off.
pub async fn set_email_preferences(
    store: &(impl PeopleRepo + mir_store::EmailPreferenceRepo),
    actor: &Actor,
    on: &[String],
) -> Result<(), AppError> {
    let me = my_account(store, actor).await?;
    for kind in [crate::jobs::REMINDERS, crate::jobs::DIGEST] {
        store
            .set_email_enabled(me.id, kind, on.iter().any(|k| k == kind))
            .await?;
    }
    Ok(())
}
