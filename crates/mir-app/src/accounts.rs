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

// ---------------------------------------------------------------- Passwords and emailed links

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use mir_store::{RateLimitRepo, SessionRepo, TokenPurpose};

use crate::mail::{Mailer, OutgoingEmail};
use crate::rate_limit::{self, Limit};

/// Passphrases welcome: length is the only rule (no composition rules), and paste is allowed.
pub const PASSWORD_MIN_CHARS: usize = 8;
pub const PASSWORD_MAX_CHARS: usize = 256;

/// Checks a new password; the error names the field `field`.
pub fn check_new_password(field: &'static str, password: &str) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    let length = password.chars().count();
    if password.is_empty() {
        errors.add(field, "Enter a password");
    } else if length < PASSWORD_MIN_CHARS {
        errors.add(field, format!("Your password must be {PASSWORD_MIN_CHARS} characters or more. A few words together make a good one"));
    } else if length > PASSWORD_MAX_CHARS {
        errors.add(
            field,
            format!("Your password must be {PASSWORD_MAX_CHARS} characters or fewer"),
        );
    }
    errors.into_result(|| ())
}

/// Hashes with Argon2id (default parameters) off the async threads.
pub(crate) async fn hash_password(password: &str) -> Result<String, AppError> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|hash| hash.to_string())
            .map_err(|e| AppError::Conflict(format!("could not hash the password: {e}")))
    })
    .await
    .map_err(|e| AppError::Conflict(format!("password hashing stopped: {e}")))?
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

/// Signs in with email and password. `None` for any wrong combination (no hint which part).
pub async fn sign_in_with_password(
    store: &(impl PeopleRepo + RateLimitRepo),
    email: &str,
    password: &str,
    client: &str,
) -> Result<Option<Person>, AppError> {
    let email = normalise_email(email).map_err(AppError::Invalid)?;
    if password.is_empty() {
        let mut errors = FieldErrors::new();
        errors.add("password", "Enter your password");
        return Err(AppError::Invalid(errors));
    }
    rate_limit::check(
        store,
        &[
            Limit::per_email_from("password", &email, client, 5),
            Limit::per_email("password", &email, 50),
            Limit::per_client("password", client, 30),
        ],
    )
    .await?;
    let person = store.person_by_email(&email).await?;
    let stored = match &person {
        Some(person) => store.password_hash(person.id).await?,
        None => None,
    };
    if verify_password(password, stored).await {
        // The right password from this client: its own count for this address starts again,
        // so someone who signs in on several devices is never stopped by their successes.
        store
            .forget_attempts(&Limit::per_email_from("password", &email, client, 5).bucket)
            .await?;
        Ok(person)
    } else {
        Ok(None)
    }
}

/// Emails a link of `purpose` to the address if it has an account, after the rate limits for
/// `action`. The answer is the same either way, so nobody can find out who has an account.
async fn email_link_if_account(
    store: &(impl PeopleRepo + RateLimitRepo),
    mailer: &Mailer,
    email: &str,
    client: &str,
    action: &str,
    purpose: TokenPurpose,
    write: impl FnOnce(&str) -> (String, String),
) -> Result<(), AppError> {
    let email = normalise_email(email).map_err(AppError::Invalid)?;
    rate_limit::check(
        store,
        &[
            Limit::per_email_from(action, &email, client, 3),
            Limit::per_email(action, &email, 10),
            Limit::per_client(action, client, 20),
        ],
    )
    .await?;
    if let Some(person) = store.person_by_email(&email).await? {
        let token = new_token(store, person.id, purpose, None).await?;
        let (subject, body) = write(&token);
        mailer
            .send(OutgoingEmail {
                to: person.email,
                subject,
                body,
            })
            .await?;
    }
    Ok(())
}

/// Emails a one-time sign-in link if the address has an account.
pub async fn request_sign_in_link(
    store: &(impl PeopleRepo + RateLimitRepo),
    mailer: &Mailer,
    email: &str,
    client: &str,
    base_url: &str,
) -> Result<(), AppError> {
    email_link_if_account(store, mailer, email, client, "link", TokenPurpose::SignIn, |token| {
        (
            "Your link to sign in to Making it Real".into(),
            format!(
                "Use this link to sign in. It works once, for {SIGN_IN_LINK_MINUTES} minutes:\n\n\
                 {base_url}/sign-in/link/{token}\n\n\
                 If you did not ask to sign in, you can ignore this email.\n"
            ),
        )
    })
    .await
}

/// Emails a password reset link if the address has an account.
pub async fn request_password_reset(
    store: &(impl PeopleRepo + RateLimitRepo),
    mailer: &Mailer,
    email: &str,
    client: &str,
    base_url: &str,
) -> Result<(), AppError> {
    email_link_if_account(store, mailer, email, client, "reset", TokenPurpose::ResetPassword, |token| {
        (
            "Reset your Making it Real password".into(),
            format!(
                "Use this link to choose a new password. It works once, for {SIGN_IN_LINK_MINUTES} minutes:\n\n\
                 {base_url}/password-reset/{token}\n\n\
                 If you did not ask for this, you can ignore this email: your password has not changed.\n"
            ),
        )
    })
    .await
}

/// Sets a new password with a reset link; signs the person out everywhere. `None` if the
/// link does not work (unknown, used or expired).
pub async fn reset_password(
    store: &(impl PeopleRepo + SessionRepo),
    token: &str,
    new_password: &str,
) -> Result<Option<Person>, AppError> {
    check_new_password("password", new_password).map_err(AppError::Invalid)?;
    if !is_token(token) {
        return Ok(None);
    }
    let Some(used) = store
        .consume_token(
            &hash_token(token),
            TokenPurpose::ResetPassword,
            mir_store::now(),
        )
        .await?
    else {
        return Ok(None);
    };
    let hash = hash_password(new_password).await?;
    store.set_password_hash(used.person_id, &hash).await?;
    store.delete_sessions_for_person(used.person_id).await?;
    tracing::info!(person_id = used.person_id, "password reset");
    Ok(store.person(used.person_id).await?)
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

/// Sends a confirmation link to a new address; the change happens when it is used. If the new
/// address already has an account, its owner is told instead (the screen says the same).
pub async fn request_email_change(
    store: &(impl PeopleRepo + RateLimitRepo),
    mailer: &Mailer,
    actor: &Actor,
    change: &EmailChange<'_>,
    base_url: &str,
) -> Result<(), AppError> {
    let id = signed_in(actor)?;
    let new_email = normalise_email(change.new_email).map_err(AppError::Invalid)?;
    let me = store.person(id).await?.ok_or(AppError::Forbidden)?;
    if new_email == me.email {
        let mut errors = FieldErrors::new();
        errors.add("email", "This is already your email address");
        return Err(AppError::Invalid(errors));
    }
    rate_limit::check(
        store,
        &[Limit::per_client("email-change", &id.to_string(), 5)],
    )
    .await?;
    // Whoever holds a session is not yet proven to be its owner (a stolen session, a shared
    // computer): the password, or without one a sign-in by emailed link in the last 15
    // minutes, is needed to move the account to another address (finding 5).
    match store.password_hash(id).await? {
        Some(hash) => {
            if !verify_password(change.current_password, Some(hash)).await {
                let mut errors = FieldErrors::new();
                errors.add(
                    "current_password",
                    if change.current_password.is_empty() {
                        "Enter your current password"
                    } else {
                        "Your current password is not right"
                    },
                );
                return Err(AppError::Invalid(errors));
            }
        }
        None => {
            let recent = change
                .signed_in_at
                .is_some_and(|at| mir_store::now() - at <= RECENT_SIGN_IN_SECS);
            if !recent {
                let mut errors = FieldErrors::new();
                errors.add(
                    "email",
                    "For your safety, sign in again with a link sent to your email address, then change it within 15 minutes",
                );
                return Err(AppError::Invalid(errors));
            }
        }
    }
    if store.person_by_email(&new_email).await?.is_some() {
        mailer
            .send(OutgoingEmail {
                to: new_email,
                subject: "Someone tried to use your email address on Making it Real".into(),
                body:
                    "Someone asked to move another Making it Real account to this email address. \
                       This address already has an account, so nothing was changed.\n"
                        .into(),
            })
            .await?;
        return Ok(());
    }
    let token = new_token(store, id, TokenPurpose::ChangeEmail, Some(&new_email)).await?;
    mailer
        .send(OutgoingEmail {
            to: new_email,
            subject: "Confirm your new email address for Making it Real".into(),
            body: format!(
                "Use this link to confirm this is your new email address. It works once, for {SIGN_IN_LINK_MINUTES} minutes:\n\n\
                 {base_url}/account/email/confirm/{token}\n\n\
                 If you did not ask for this, you can ignore this email.\n"
            ),
        })
        .await?;
    Ok(())
}

/// What the "change your email address" form sends, and how recently the person signed in.
#[derive(Debug, Clone, Copy)]
pub struct EmailChange<'a> {
    pub new_email: &'a str,
    pub current_password: &'a str,
    /// When this session signed in (for people without a password).
    pub signed_in_at: Option<i64>,
}

/// How recent a sign-in by link must be to change the email address without a password.
pub const RECENT_SIGN_IN_SECS: i64 = 15 * 60;

/// How long the old address can undo a change of email address.
pub const UNDO_EMAIL_CHANGE_DAYS: i64 = 7;

/// Uses an email change link. `None` if it does not work. Every session of the person ends
/// (the caller signs this browser in again), and the old address gets a link that puts it
/// back for 7 days: a stolen session cannot quietly become a stolen account.
pub async fn confirm_email_change(
    store: &(impl PeopleRepo + SessionRepo),
    mailer: &Mailer,
    token: &str,
    base_url: &str,
) -> Result<Option<Person>, AppError> {
    if !is_token(token) {
        return Ok(None);
    }
    let now = mir_store::now();
    let hash = hash_token(token);
    let (used, undo) = match store
        .consume_token(&hash, TokenPurpose::ChangeEmail, now)
        .await?
    {
        Some(used) => (used, false),
        None => match store
            .consume_token(&hash, TokenPurpose::UndoEmailChange, now)
            .await?
        {
            Some(used) => (used, true),
            None => return Ok(None),
        },
    };
    let Some(new_email) = used.new_email else {
        return Ok(None);
    };
    let Some(before) = store.person(used.person_id).await? else {
        return Ok(None);
    };
    match store.set_email(used.person_id, &new_email).await {
        Ok(()) => {}
        Err(mir_store::StoreError::AlreadyExists(message)) => {
            return Err(AppError::Conflict(message));
        }
        Err(other) => return Err(other.into()),
    }
    store.delete_sessions_for_person(used.person_id).await?;
    if undo {
        // Putting an address back sends no further undo: the address that was removed is the
        // one that took the account, and must not be able to take it back.
        mailer
            .send(OutgoingEmail {
                to: new_email.clone(),
                subject: "Your Making it Real email address is back".into(),
                body: format!(
                    "This address is the email address for your Making it Real account again, and every device was signed out.\n\n\
                     Whoever changed it may have known your password: set a new one now at {base_url}/password-reset\n"
                ),
            })
            .await?;
        tracing::info!(person_id = used.person_id, "email address change undone");
        return Ok(store.person(used.person_id).await?);
    }
    // Tell the old address, with a way back, in case this was not its owner.
    let undo_token = new_token_lasting(
        store,
        used.person_id,
        TokenPurpose::UndoEmailChange,
        Some(&before.email),
        UNDO_EMAIL_CHANGE_DAYS * 24 * 60 * 60,
    )
    .await?;
    mailer
        .send(OutgoingEmail {
            to: before.email,
            subject: "Your Making it Real email address was changed".into(),
            body: format!(
                "The email address for your Making it Real account was changed to {}, and every device was signed out.\n\n\
                 If this was not you, use this link within {UNDO_EMAIL_CHANGE_DAYS} days to put this address back (it signs out everyone else again, and the other address cannot undo it):\n\n\
                 {base_url}/account/email/confirm/{undo_token}\n\n\
                 Then set a new password at {base_url}/password-reset\n\n\
                 If it was you, you do not need to do anything.\n",
                partly_hidden(&new_email)
            ),
        })
        .await?;
    tracing::info!(person_id = used.person_id, "email address changed");
    Ok(store.person(used.person_id).await?)
}

#[cfg(test)]
mod password_tests {
    use super::*;
    use mir_store::testing::TestDb;

    fn mailer(dir: &tempfile::TempDir) -> Mailer {
        Mailer::new(
            None,
            dir.path().to_path_buf(),
            "Making it Real <noreply@example.org>",
        )
        .expect("mailer")
    }

    /// The bodies of the emails written to the folder.
    fn mails(dir: &tempfile::TempDir) -> Vec<String> {
        std::fs::read_dir(dir.path())
            .expect("dir")
            .filter_map(Result::ok)
            .map(|e| std::fs::read_to_string(e.path()).expect("read"))
            .collect()
    }

    fn link_in(mail: &str, path: &str) -> String {
        let unfolded = mail.replace("=\r\n", "").replace("=\n", "");
        let start = unfolded.find(path).expect("link");
        unfolded[start + path.len()..].chars().take(64).collect()
    }

    #[tokio::test]
    async fn passwords_sign_in_and_wrong_ones_are_rate_limited() {
        let db = TestDb::sqlite().await.expect("db");
        let link = create_sign_in_link(&db.store, &Actor::Operator, "p@example.org", false)
            .await
            .expect("account");
        let actor = Actor::Person {
            id: link.person.id,
            national_admin: false,
        };
        let short = change_password(&db.store, &actor, "", "short").await;
        assert!(matches!(short, Err(AppError::Invalid(_))));
        change_password(&db.store, &actor, "", "correct horse battery staple")
            .await
            .expect("set");
        let ok = sign_in_with_password(
            &db.store,
            "P@Example.org",
            "correct horse battery staple",
            "c1",
        )
        .await
        .expect("sign in");
        assert_eq!(ok.map(|p| p.id), Some(link.person.id));
        assert_eq!(
            sign_in_with_password(&db.store, "p@example.org", "wrong", "c1")
                .await
                .expect("wrong"),
            None
        );
        assert_eq!(
            sign_in_with_password(&db.store, "nobody@example.org", "wrong", "c1")
                .await
                .expect("nobody"),
            None
        );
        // Five attempts per address from one client in 15 minutes; the sixth is refused even
        // with the right password.
        for _ in 0..5 {
            let _ = sign_in_with_password(&db.store, "p@example.org", "wrong", "c2").await;
        }
        let limited = sign_in_with_password(
            &db.store,
            "p@example.org",
            "correct horse battery staple",
            "c2",
        )
        .await;
        assert!(matches!(limited, Err(AppError::RateLimited)));
        // The owner, elsewhere, is not locked out by someone else's guesses.
        let owner = sign_in_with_password(
            &db.store,
            "p@example.org",
            "correct horse battery staple",
            "c3",
        )
        .await
        .expect("not locked out");
        assert!(owner.is_some());
        // Successes do not use up the owner's attempts.
        for _ in 0..8 {
            let again = sign_in_with_password(
                &db.store,
                "p@example.org",
                "correct horse battery staple",
                "c3",
            )
            .await
            .expect("signing in again and again is not limited");
            assert!(again.is_some());
        }
        // Guesses spread over many clients stop at 50 per address.
        for n in 0..50 {
            let _ =
                sign_in_with_password(&db.store, "p@example.org", "wrong", &format!("d{n}")).await;
        }
        let spread = sign_in_with_password(
            &db.store,
            "p@example.org",
            "correct horse battery staple",
            "c4",
        )
        .await;
        assert!(matches!(spread, Err(AppError::RateLimited)));
        // Changing it needs the current one.
        let missing = change_password(&db.store, &actor, "", "another long passphrase").await;
        assert!(
            matches!(missing, Err(AppError::Invalid(e)) if e.for_field("current_password").is_some())
        );
        db.cleanup().await;
    }

    #[tokio::test]
    async fn links_are_emailed_only_to_accounts_and_the_answer_is_the_same() {
        let db = TestDb::sqlite().await.expect("db");
        let dir = tempfile::tempdir().expect("dir");
        let mailer = mailer(&dir);
        create_sign_in_link(&db.store, &Actor::Operator, "has@example.org", false)
            .await
            .expect("account");
        request_sign_in_link(&db.store, &mailer, "nobody@example.org", "c", "http://x")
            .await
            .expect("same answer");
        assert!(
            mails(&dir).is_empty(),
            "no email to an address without an account"
        );
        request_sign_in_link(&db.store, &mailer, "has@example.org", "c", "http://x")
            .await
            .expect("sent");
        let sent = mails(&dir);
        assert_eq!(sent.len(), 1);
        let token = link_in(&sent[0], "http://x/sign-in/link/");
        assert!(
            sign_in_with_link(&db.store, &token)
                .await
                .expect("use")
                .is_some()
        );
        for _ in 0..2 {
            request_sign_in_link(&db.store, &mailer, "has@example.org", "c", "http://x")
                .await
                .expect("sent");
        }
        let limited =
            request_sign_in_link(&db.store, &mailer, "has@example.org", "c", "http://x").await;
        assert!(
            matches!(limited, Err(AppError::RateLimited)),
            "three links per address per 15 minutes"
        );
        db.cleanup().await;
    }

    #[tokio::test]
    async fn without_a_password_only_a_recent_sign_in_may_change_the_email_address() {
        let db = TestDb::sqlite().await.expect("db");
        let dir = tempfile::tempdir().expect("dir");
        let mailer = mailer(&dir);
        let person = db
            .store
            .upsert_person("nopw@example.org", false, 1)
            .await
            .expect("person");
        let actor = Actor::Person {
            id: person.id,
            national_admin: false,
        };
        let stale = EmailChange {
            new_email: "elsewhere@example.org",
            current_password: "",
            signed_in_at: Some(mir_store::now() - RECENT_SIGN_IN_SECS - 1),
        };
        match request_email_change(&db.store, &mailer, &actor, &stale, "http://x").await {
            Err(AppError::Invalid(errors)) => {
                assert!(
                    errors
                        .for_field("email")
                        .is_some_and(|m| m.contains("sign in again"))
                );
            }
            other => panic!("expected a request to sign in again, got {other:?}"),
        }
        let unknown = EmailChange {
            signed_in_at: None,
            ..stale
        };
        assert!(
            request_email_change(&db.store, &mailer, &actor, &unknown, "http://x")
                .await
                .is_err()
        );
        let fresh = EmailChange {
            signed_in_at: Some(mir_store::now() - 60),
            ..stale
        };
        request_email_change(&db.store, &mailer, &actor, &fresh, "http://x")
            .await
            .expect("a sign-in a minute ago is enough");
        db.cleanup().await;
    }

    #[tokio::test]
    async fn reset_and_email_change_work_once_through_emailed_links() {
        let db = TestDb::sqlite().await.expect("db");
        let dir = tempfile::tempdir().expect("dir");
        let mailer = mailer(&dir);
        let link = create_sign_in_link(&db.store, &Actor::Operator, "r@example.org", false)
            .await
            .expect("account");
        request_password_reset(&db.store, &mailer, "r@example.org", "c", "http://x")
            .await
            .expect("sent");
        let token = link_in(&mails(&dir)[0], "http://x/password-reset/");
        assert!(matches!(
            reset_password(&db.store, &token, "short").await,
            Err(AppError::Invalid(_))
        ));
        let person = reset_password(&db.store, &token, "a long new passphrase")
            .await
            .expect("reset")
            .expect("person");
        assert_eq!(person.id, link.person.id);
        assert_eq!(
            reset_password(&db.store, &token, "a long new passphrase")
                .await
                .expect("again"),
            None,
            "once"
        );
        // A reset link is not a sign-in link.
        assert_eq!(
            sign_in_with_link(&db.store, &token)
                .await
                .expect("wrong purpose"),
            None
        );

        let actor = Actor::Person {
            id: person.id,
            national_admin: false,
        };
        std::fs::remove_dir_all(dir.path()).expect("clear");
        std::fs::create_dir_all(dir.path()).expect("mkdir");
        let stale = EmailChange {
            new_email: "new@example.org",
            current_password: "",
            signed_in_at: Some(mir_store::now() - RECENT_SIGN_IN_SECS - 1),
        };
        assert!(
            matches!(
                request_email_change(&db.store, &mailer, &actor, &stale, "http://x").await,
                Err(AppError::Invalid(_))
            ),
            "the password is needed: a sign-in, however recent, is not enough"
        );
        let fresh = EmailChange {
            current_password: "a long new passphrase",
            ..stale
        };
        request_email_change(&db.store, &mailer, &actor, &fresh, "http://x")
            .await
            .expect("sent");
        let token = link_in(&mails(&dir)[0], "http://x/account/email/confirm/");
        let changed = confirm_email_change(&db.store, &mailer, &token, "http://x")
            .await
            .expect("confirm")
            .expect("person");
        assert_eq!(changed.email, "new@example.org");
        assert_eq!(mails(&dir).len(), 2, "the old address is told");
        assert_eq!(
            confirm_email_change(&db.store, &mailer, &token, "http://x")
                .await
                .expect("again"),
            None
        );
        db.cleanup().await;
    }
}

// ---------------------------------------------------------------- Privacy: my data, deletion

/// Everything mir holds about the signed-in person, as JSON.
pub async fn my_data(
    store: &(impl PeopleRepo + mir_store::SignUpRepo + mir_store::PersonalDataRepo),
    actor: &Actor,
) -> Result<String, AppError> {
    let me = my_account(store, actor).await?;
    let has_password = store.password_hash(me.id).await?.is_some();
    let memberships = store.memberships_of(me.id).await?;
    let memberships: Vec<serde_json::Value> = memberships
        .iter()
        .map(|m| {
            serde_json::json!({
                "organisation": m.organisation_name,
                "role": m.role,
                "co_chair": m.is_co_chair,
            })
        })
        .collect();
    // Everything they wrote or that names them (finding 7), with dates as Unix seconds.
    let r = store.personal_records(me.id, &me.email).await?;
    let views: Vec<serde_json::Value> = r
        .views
        .iter()
        .map(|v| {
            serde_json::json!({
                "organisation": v.organisation, "review": v.review, "statement": v.statement,
                "perspective": v.perspective, "level": v.level,
                "what_is_working": v.working, "what_should_change": v.to_change,
                "saved_at": v.updated_at,
            })
        })
        .collect();
    let data = serde_json::json!({
        "account": {
            "email": me.email,
            "national_administrator": me.is_national_admin,
            "has_password": has_password,
        },
        "memberships": memberships,
        "review_views": views,
        "anonymity_choices": r.anonymity.iter().map(|(o, review, anonymous)| serde_json::json!({"organisation": o, "review": review, "anonymous": anonymous})).collect::<Vec<_>>(),
        "stories": r.stories.iter().map(|(o, title, body, at)| serde_json::json!({"organisation": o, "title": title, "story": body, "published_at": at})).collect::<Vec<_>>(),
        "progress_updates": r.updates.iter().map(|(o, note, at)| serde_json::json!({"organisation": o, "note": note, "written_at": at})).collect::<Vec<_>>(),
        "plan_approvals": r.plan_approvals.iter().map(|(o, revision, role, at)| serde_json::json!({"organisation": o, "draft_revision": revision, "as": role, "approved_at": at})).collect::<Vec<_>>(),
        "position_confirmations": r.confirmations.iter().map(|(o, review, statement, role, at)| serde_json::json!({"organisation": o, "review": review, "statement": statement, "as": role, "confirmed_at": at})).collect::<Vec<_>>(),
        "audit_entries": r.audit.iter().map(|(action, detail, at)| serde_json::json!({"action": action, "detail": serde_json::from_str::<serde_json::Value>(detail).unwrap_or_else(|_| serde_json::Value::String(detail.clone())), "at": at})).collect::<Vec<_>>(),
        "invitations": r.invitations.iter().map(|(o, role, at, accepted)| serde_json::json!({"organisation": o, "role": role, "sent_at": at, "accepted": accepted})).collect::<Vec<_>>(),
        "messages_to_the_national_team": r.feedback.iter().map(|(message, at)| serde_json::json!({"message": message, "sent_at": at})).collect::<Vec<_>>(),
        "about": "Everything Making it Real holds that you wrote or that names you. Passwords are stored only as a one-way hash, which is not included. Times are seconds since 1 January 1970 (UTC).",
    });
    serde_json::to_string_pretty(&data).map_err(|e| AppError::Conflict(e.to_string()))
}

/// Deletes the signed-in person's account. Refused while they are the only administrator of
/// an organisation or of the national programme team (it would be left with nobody to run it).
pub async fn delete_my_account(
    store: &(impl PeopleRepo + mir_store::SignUpRepo + mir_store::MemberRepo + mir_store::AuditRepo),
    actor: &Actor,
) -> Result<(), AppError> {
    let me = my_account(store, actor).await?;
    if me.is_national_admin {
        let people = store.people().await?;
        if people.iter().filter(|(p, _)| p.is_national_admin).count() == 1 {
            return Err(AppError::Conflict(
                "you are the national programme team's only administrator: make someone else a national administrator first".into(),
            ));
        }
    }
    for m in store.memberships_of(me.id).await? {
        // A declined sign-up needs nobody to run it: its only administrator may go (an
        // address someone else signed up can always be freed this way, finding 11).
        if m.role == "admin" && m.status != mir_domain::organisation::OrganisationStatus::Declined {
            let members = store.members(m.organisation_id).await?;
            let admins = members
                .iter()
                .filter(|x| x.role == mir_domain::organisation::Role::Admin)
                .count();
            if admins == 1 {
                return Err(AppError::Conflict(format!(
                    "you are the only administrator of {}: make another member administrator first",
                    m.organisation_name
                )));
            }
        }
    }
    // Each organisation's record says a member left; the events keep no name once deleted.
    for m in store.memberships_of(me.id).await? {
        crate::audit::record(
            store,
            Some(m.organisation_id),
            actor,
            "member deleted their account",
            serde_json::json!({"role": m.role}),
        )
        .await?;
    }
    store.delete_person(me.id).await?;
    tracing::info!(person_id = me.id, "account deleted");
    Ok(())
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

// ---------------------------------------------------------------- Email preferences

/// The emails a person may turn off: `(kind, what it is, on)`.
pub async fn email_preferences(
    store: &(impl PeopleRepo + mir_store::PlanRepo),
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
    store: &(impl PeopleRepo + mir_store::PlanRepo),
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
