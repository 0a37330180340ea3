//! Changing an email address: confirmed from the new address, needing the password or a recent
//! sign-in, ending every session, and with a link to the old address that undoes it.

use mir_domain::validation::FieldErrors;
use mir_store::{PeopleRepo, Person};

use super::{
    SIGN_IN_LINK_MINUTES, hash_token, is_token, new_token, new_token_lasting, normalise_email,
    partly_hidden, signed_in, verify_password,
};
use crate::AppError;
use crate::mail::{Mailer, OutgoingEmail};
use crate::policy::Actor;
use crate::rate_limit::{self, Limit};
use mir_store::{RateLimitRepo, SessionRepo, TokenPurpose};

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
                reply_to: None,
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
            reply_to: None,
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
                reply_to: None,
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
            reply_to: None,
        })
        .await?;
    tracing::info!(person_id = used.person_id, "email address changed");
    Ok(store.person(used.person_id).await?)
}
