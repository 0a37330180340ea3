//! Accounts: signing in with a one-time link (WCAG 2.2 accessible authentication: nothing to
//! remember or transcribe), who is asking ([`actor_for`]), the account itself, and the national
//! programme team's people. Passwords and emailed links, changing an email address, privacy
//! and email choices each have a module here; everything is re-exported, so callers write
//! `accounts::change_password` wherever it lives.

use mir_domain::feedback::looks_like_email;
use mir_domain::validation::FieldErrors;
use mir_store::{PeopleRepo, Person};
use sha2::{Digest, Sha256};

use crate::AppError;
use crate::policy::{Action, Actor, authorize};
use crate::rate_limit::{self, Limit};
use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use mir_store::{RateLimitRepo, SessionRepo, TokenPurpose};

mod email_change;
mod name;
mod passwords;
mod preferences;
mod privacy;

pub use email_change::*;
pub use name::*;
pub use passwords::*;
pub use preferences::*;
pub use privacy::*;

/// How long a sign-in link works.
pub const SIGN_IN_LINK_MINUTES: i64 = 15;

/// A fresh sign-in link's token (only ever shown once) and whose it is.
#[derive(Debug, Clone)]
pub struct SignInLink {
    pub token: String,
    pub person: Person,
    pub expires_at: i64,
}

/// Tokens are stored hashed: the database never holds a working link.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn is_token(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Creates the account if needed and a one-time sign-in link for it.
pub async fn create_sign_in_link(
    store: &impl PeopleRepo,
    actor: &Actor,
    email: &str,
    national_admin: bool,
) -> Result<SignInLink, AppError> {
    authorize(actor, Action::CreateAccounts)?;
    let email = email.trim().to_lowercase();
    if !looks_like_email(&email) {
        let mut errors = FieldErrors::new();
        errors.add(
            "email",
            "Enter an email address in the correct format, like name@example.com",
        );
        return Err(AppError::Invalid(errors));
    }
    let now = mir_store::now();
    let person = store.upsert_person(&email, national_admin, now).await?;
    let token = new_token(store, person.id, TokenPurpose::SignIn, None).await?;
    let expires_at = now + SIGN_IN_LINK_MINUTES * 60;
    tracing::info!(
        person_id = person.id,
        national_admin = person.is_national_admin,
        "sign-in link created"
    );
    Ok(SignInLink {
        token,
        person,
        expires_at,
    })
}

/// Uses a sign-in link. `None` when it is unknown, already used or expired (the same answer
/// for each, so a link cannot be probed).
pub async fn sign_in_with_link(
    store: &impl PeopleRepo,
    token: &str,
) -> Result<Option<Person>, AppError> {
    if !is_token(token) {
        return Ok(None);
    }
    let Some(used) = store
        .consume_token(&hash_token(token), TokenPurpose::SignIn, mir_store::now())
        .await?
    else {
        return Ok(None);
    };
    let person_id = used.person_id;
    let person = store.person(person_id).await?;
    if let Some(person) = &person {
        tracing::info!(person_id = person.id, "signed in with a link");
    }
    Ok(person)
}

/// The actor for a signed-in person's id, as the web layer resolves a session.
pub async fn actor_for(store: &impl PeopleRepo, person_id: i64) -> Result<Actor, AppError> {
    Ok(match store.person(person_id).await? {
        Some(person) => Actor::Person {
            id: person.id,
            national_admin: person.is_national_admin,
        },
        None => Actor::Anonymous,
    })
}

/// An address with most of its first part hidden (`a***@example.org`): enough for the owner to
/// recognise, not enough to hand someone else's address around.
pub fn partly_hidden(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_owned(),
    }
}

/// Whether the signed-in person has a password (the account page says so).
pub async fn has_password(store: &impl PeopleRepo, actor: &Actor) -> Result<bool, AppError> {
    let id = signed_in(actor)?;
    Ok(store.password_hash(id).await?.is_some())
}

fn signed_in(actor: &Actor) -> Result<i64, AppError> {
    match actor {
        Actor::Person { id, .. } => Ok(*id),
        _ => Err(AppError::Forbidden),
    }
}

/// The signed-in person's own account.
pub async fn my_account(store: &impl PeopleRepo, actor: &Actor) -> Result<Person, AppError> {
    store
        .person(signed_in(actor)?)
        .await?
        .ok_or(AppError::Forbidden)
}

/// Sets or changes the signed-in person's password. If one is set, the current one is needed.
/// Every session of the person ends; the caller signs the current browser in again.
pub async fn change_password(
    store: &(impl PeopleRepo + SessionRepo + RateLimitRepo),
    actor: &Actor,
    current: &str,
    new_password: &str,
) -> Result<(), AppError> {
    let id = signed_in(actor)?;
    let stored = store.password_hash(id).await?;
    let mut errors = FieldErrors::new();
    if stored.is_some() && current.is_empty() {
        errors.add("current_password", "Enter your current password");
    }
    if let Err(more) = check_new_password("new_password", new_password) {
        for e in more.iter() {
            errors.add(e.field.clone(), e.message.clone());
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    if stored.is_some() {
        rate_limit::check(
            store,
            &[Limit::per_client("password-change", &id.to_string(), 5)],
        )
        .await?;
        if !verify_password(current, stored).await {
            let mut errors = FieldErrors::new();
            errors.add("current_password", "Your current password is not right");
            return Err(AppError::Invalid(errors));
        }
    }
    let hash = hash_password(new_password).await?;
    store.set_password_hash(id, &hash).await?;
    store.delete_sessions_for_person(id).await?;
    tracing::info!(person_id = id, "password changed");
    Ok(())
}

/// Ends every session of the signed-in person, on every device.
pub async fn sign_out_everywhere(store: &impl SessionRepo, actor: &Actor) -> Result<u64, AppError> {
    let id = signed_in(actor)?;
    Ok(store.delete_sessions_for_person(id).await?)
}

// ---------------------------------------------------------------- The national programme team

/// Everyone with an account, for the national programme team.
pub async fn all_people(
    store: &impl PeopleRepo,
    actor: &Actor,
) -> Result<Vec<(Person, i64)>, AppError> {
    authorize(actor, Action::ManageNationalAdmins)?;
    Ok(store.people().await?)
}

/// Makes someone a national administrator or stops them being one; the team always keeps at
/// least one.
pub async fn set_national_admin(
    store: &(impl PeopleRepo + mir_store::AuditRepo),
    actor: &Actor,
    person_id: i64,
    national_admin: bool,
) -> Result<(), AppError> {
    authorize(actor, Action::ManageNationalAdmins)?;
    let people = store.people().await?;
    let target = people
        .iter()
        .find(|(p, _)| p.id == person_id)
        .ok_or(AppError::NotFound)?;
    let admins = people.iter().filter(|(p, _)| p.is_national_admin).count();
    if !national_admin && target.0.is_national_admin && admins == 1 {
        return Err(AppError::Conflict(
            "the national programme team must keep at least one administrator".into(),
        ));
    }
    store.set_national_admin(person_id, national_admin).await?;
    let detail = serde_json::json!({"email": target.0.email, "before": target.0.is_national_admin, "after": national_admin});
    crate::audit::record(store, None, actor, "national administrator changed", detail).await?;
    Ok(())
}

/// Verifies off the async threads. With no stored hash, a dummy one is checked so that the
/// answer takes as long whether or not the account exists.
async fn verify_password(password: &str, stored: Option<String>) -> bool {
    static DUMMY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        Argon2::default()
            .hash_password(b"no account has this password")
            .map(|h| h.to_string())
            .unwrap_or_default()
    });
    let password = password.to_owned();
    let has_account = stored.is_some();
    let hash = stored.unwrap_or_else(|| DUMMY.clone());
    let matched = tokio::task::spawn_blocking(move || {
        Argon2::default()
            .verify_password(password.as_bytes(), hash.as_str())
            .is_ok()
    })
    .await
    .unwrap_or(false);
    matched && has_account
}

fn normalise_email(email: &str) -> Result<String, FieldErrors> {
    let email = email.trim().to_lowercase();
    if email.is_empty() {
        let mut errors = FieldErrors::new();
        errors.add("email", "Enter your email address");
        return Err(errors);
    }
    if !looks_like_email(&email) {
        let mut errors = FieldErrors::new();
        errors.add(
            "email",
            "Enter an email address in the correct format, like name@example.com",
        );
        return Err(errors);
    }
    Ok(email)
}

/// Stores a token of `purpose` for `person_id` and returns the token for the link.
async fn new_token(
    store: &impl PeopleRepo,
    person_id: i64,
    purpose: TokenPurpose,
    new_email: Option<&str>,
) -> Result<String, AppError> {
    new_token_lasting(
        store,
        person_id,
        purpose,
        new_email,
        SIGN_IN_LINK_MINUTES * 60,
    )
    .await
}

/// Like [`new_token`], working for `seconds`.
async fn new_token_lasting(
    store: &impl PeopleRepo,
    person_id: i64,
    purpose: TokenPurpose,
    new_email: Option<&str>,
    seconds: i64,
) -> Result<String, AppError> {
    let token = hex::encode(rand::random::<[u8; 32]>());
    let now = mir_store::now();
    store
        .insert_token(
            &hash_token(&token),
            person_id,
            purpose,
            new_email,
            now + seconds,
            now,
        )
        .await?;
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use mir_store::testing::TestDb;

    #[tokio::test]
    async fn a_link_signs_in_once() {
        let db = TestDb::sqlite().await.expect("db");
        let refused = create_sign_in_link(&db.store, &Actor::Anonymous, "a@b.org", true).await;
        assert!(matches!(refused, Err(AppError::Forbidden)));
        let bad = create_sign_in_link(&db.store, &Actor::Operator, "nope", true).await;
        assert!(matches!(bad, Err(AppError::Invalid(_))));
        let link = create_sign_in_link(&db.store, &Actor::Operator, " Admin@Example.ORG ", true)
            .await
            .expect("link");
        assert_eq!(link.person.email, "admin@example.org");
        let person = sign_in_with_link(&db.store, &link.token)
            .await
            .expect("sign in")
            .expect("person");
        assert!(person.is_national_admin);
        assert_eq!(
            sign_in_with_link(&db.store, &link.token)
                .await
                .expect("again"),
            None,
            "one use only"
        );
        assert_eq!(
            sign_in_with_link(&db.store, "not-a-token")
                .await
                .expect("junk"),
            None
        );
        let actor = actor_for(&db.store, person.id).await.expect("actor");
        assert_eq!(
            actor,
            Actor::Person {
                id: person.id,
                national_admin: true
            }
        );
        db.cleanup().await;
    }
}
