//! The name a person is shown by: chosen by them, with optional pronouns, and their consent to
//! be named on the public plan while they are a co-chair.

use mir_domain::person::{PersonName, check_name};
use mir_store::{AuditRepo, PeopleRepo};

use super::my_account;
use crate::AppError;
use crate::policy::Actor;

/// The name form as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct NameInput {
    pub display_name: String,
    pub pronouns: String,
    /// "yes" when ticked.
    pub name_public: String,
}

impl From<PersonName> for NameInput {
    fn from(name: PersonName) -> Self {
        NameInput {
            display_name: name.display_name,
            pronouns: name.pronouns,
            name_public: if name.name_public {
                "yes".into()
            } else {
                String::new()
            },
        }
    }
}

/// The person's chosen name (empty when none yet).
pub async fn my_name(store: &impl PeopleRepo, actor: &Actor) -> Result<PersonName, AppError> {
    let me = my_account(store, actor).await?;
    Ok(store.person_name(me.id).await?)
}

/// Saves the person's name, pronouns and consent.
pub async fn set_my_name(
    store: &(impl PeopleRepo + AuditRepo),
    actor: &Actor,
    input: &NameInput,
) -> Result<PersonName, AppError> {
    let me = my_account(store, actor).await?;
    let name = check_name(
        &input.display_name,
        &input.pronouns,
        input.name_public == "yes",
    )
    .map_err(AppError::Invalid)?;
    store.set_person_name(me.id, &name).await?;
    // The record says the name changed, not what it is (it is in the person's own data).
    crate::audit::record(
        store,
        None,
        actor,
        "name changed",
        serde_json::json!({"named_on_public_plan": name.name_public}),
    )
    .await?;
    Ok(name)
}
