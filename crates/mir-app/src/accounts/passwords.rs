//! Passwords (Argon2id; length the only rule) and emailed links: signing in with a password,
//! asking for a sign-in link, and setting a new password after forgetting it. Every answer is
//! the same whether or not the address has an account.

use mir_domain::validation::FieldErrors;
use mir_store::{PeopleRepo, Person};

use super::{
    SIGN_IN_LINK_MINUTES, hash_token, is_token, new_token, normalise_email, verify_password,
};
use crate::AppError;
use crate::mail::{Mailer, OutgoingEmail};
use crate::rate_limit::{self, Limit};
use argon2::{Argon2, PasswordHasher};
use mir_store::{RateLimitRepo, SessionRepo, TokenPurpose};

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
pub async fn hash_password(password: &str) -> Result<String, AppError> {
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
        // Nor does a success count against the client: a room of people signing in on one
        // shared network is not a guessing attack. Only failures use up the client's 30.
        store
            .forget_newest_attempt(&Limit::per_client("password", client, 30).bucket)
            .await?;
        store
            .forget_newest_attempt(&Limit::per_email("password", &email, 50).bucket)
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
                reply_to: None,
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

/// Whether a password-reset link would work now, without using it: the page says at once
/// when it does not, rather than after a new password is typed.
pub async fn reset_link_works(store: &impl PeopleRepo, token: &str) -> Result<bool, AppError> {
    if !is_token(token) {
        return Ok(false);
    }
    let purpose = TokenPurpose::ResetPassword;
    Ok(store
        .token_works(&hash_token(token), purpose, mir_store::now())
        .await?)
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

#[cfg(test)]
mod password_tests {
    use super::*;
    use crate::accounts::*;
    use crate::policy::Actor;
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
