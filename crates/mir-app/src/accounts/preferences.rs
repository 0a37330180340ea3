//! Which emails a person gets: reminders and digests they may turn off.

use mir_store::PeopleRepo;

use super::my_account;
use crate::AppError;
use crate::jobs::EmailKind;
use crate::policy::Actor;

/// The emails a person may turn off: `(kind, what it is, on)`.
pub async fn email_preferences(
    store: &(impl PeopleRepo + mir_store::EmailPreferenceRepo),
    actor: &Actor,
) -> Result<Vec<(&'static str, &'static str, bool)>, AppError> {
    let me = my_account(store, actor).await?;
    let mut out = Vec::new();
    for kind in EmailKind::ALL {
        let on = store.email_enabled(me.id, kind.key()).await?;
        out.push((kind.key(), kind.label(), on));
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
    for kind in EmailKind::ALL {
        let wanted = on.iter().any(|k| k == kind.key());
        store.set_email_enabled(me.id, kind.key(), wanted).await?;
    }
    Ok(())
}

/// Whether the signed-in person chose Easy Read for pages and emails.
pub async fn easy_read_chosen(store: &impl PeopleRepo, actor: &Actor) -> Result<bool, AppError> {
    let me = my_account(store, actor).await?;
    Ok(store.easy_read(me.id).await?)
}

/// Chooses Easy Read (or standard) for good: pages when signing in on any device, and emails
/// that ask for the person's part.
pub async fn choose_easy_read(
    store: &impl PeopleRepo,
    actor: &Actor,
    on: bool,
) -> Result<(), AppError> {
    let me = my_account(store, actor).await?;
    Ok(store.set_easy_read(me.id, on).await?)
}

/// Whether someone who just signed in chose Easy Read.
pub async fn prefers_easy_read(store: &impl PeopleRepo, person_id: i64) -> Result<bool, AppError> {
    Ok(store.easy_read(person_id).await?)
}
