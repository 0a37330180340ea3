//! Accounts and signing in with a one-time link (WCAG 2.2 accessible authentication: nothing to
//! remember or transcribe). Sign-up, passwords and email delivery arrive with the accounts work.

use mir_domain::feedback::looks_like_email;
use mir_domain::validation::FieldErrors;
use mir_store::{PeopleRepo, Person};
use sha2::{Digest, Sha256};

use crate::AppError;
use crate::policy::{Action, Actor, authorize};

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

fn is_token(token: &str) -> bool {
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
    let token = hex::encode(rand::random::<[u8; 32]>());
    let expires_at = now + SIGN_IN_LINK_MINUTES * 60;
    store
        .insert_sign_in_token(&hash_token(&token), person.id, expires_at, now)
        .await?;
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
    let Some(person_id) = store
        .consume_sign_in_token(&hash_token(token), mir_store::now())
        .await?
    else {
        return Ok(None);
    };
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
