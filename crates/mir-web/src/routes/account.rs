//! Signing in (password or emailed link), the account page, changing password and email,
//! resetting a password, and signing out everywhere.
//!
//! Every answer about an email address is the same whether or not it has an account.

use crate::params::{Path, Token};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mir_app::Actor;
use mir_app::accounts;
use mir_domain::validation::FieldErrors;
use serde::Deserialize;

use super::{Client, CurrentActor};
use crate::AppState;
use crate::error::WebError;
use crate::form::{self, Outcome};
use crate::middleware::csrf::CsrfForm;
use crate::middleware::session::Session;
use crate::page::{PageContext, ok, render};

/// Moves field errors to the names a page uses (two forms on one page share "email").
fn renamed(errors: &FieldErrors, from: &str, to: &'static str) -> FieldErrors {
    let mut out = FieldErrors::new();
    for e in errors.iter() {
        out.add(
            if e.field == from {
                to.into()
            } else {
                e.field.clone()
            },
            e.message.clone(),
        );
    }
    out
}

// ---------------------------------------------------------------- Sign in

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PasswordForm {
    email: String,
    password: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LinkForm {
    link_email: String,
}

#[derive(Template)]
#[template(path = "account/sign_in.html")]
struct SignInPage {
    ctx: PageContext,
    email: String,
    link_email: String,
    errors: FieldErrors,
}

/// `GET /sign-in`
pub async fn sign_in(ctx: PageContext) -> Result<Response, WebError> {
    ok(&SignInPage {
        ctx,
        email: String::new(),
        link_email: String::new(),
        errors: FieldErrors::new(),
    })
}

fn after_sign_in(actor_is_admin: bool) -> &'static str {
    if actor_is_admin { "/admin" } else { "/account" }
}

/// `POST /sign-in`: email and password.
pub async fn sign_in_with_password(
    State(state): State<AppState>,
    Client(client): Client,
    session: Session,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> Result<Response, WebError> {
    let signed_in =
        accounts::sign_in_with_password(&state.store, &form.email, &form.password, &client).await;
    let (status, errors) = match form::answer(signed_in, "email")? {
        Outcome::Done(Some(person)) => {
            session.sign_in(person.id);
            session.set_flash("You are signed in.");
            let next = session
                .take_return_to()
                .unwrap_or_else(|| after_sign_in(person.is_national_admin).to_owned());
            return Ok(Redirect::to(&next).into_response());
        }
        Outcome::Done(None) => {
            let mut errors = FieldErrors::new();
            errors.add(
                "email",
                "Enter a correct email address and password. Or get a sign-in link by email below",
            );
            (StatusCode::UNPROCESSABLE_ENTITY, errors)
        }
        Outcome::Rejected(rejection) => (rejection.status, rejection.errors),
    };
    let page = SignInPage {
        ctx,
        email: form.email,
        link_email: String::new(),
        errors,
    };
    render(status, &page)
}

/// `POST /sign-in/email-link`
pub async fn request_link(
    State(state): State<AppState>,
    Client(client): Client,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<LinkForm>,
) -> Result<Response, WebError> {
    let base = &state.config.base_url;
    let sent = accounts::request_sign_in_link(
        &state.store,
        &state.mailer,
        &form.link_email,
        &client,
        base,
    )
    .await;
    match form::answer(sent, "link_email")? {
        Outcome::Done(()) => Ok(Redirect::to("/sign-in/check-email").into_response()),
        Outcome::Rejected(rejection) => {
            let page = SignInPage {
                ctx,
                email: String::new(),
                link_email: form.link_email,
                errors: renamed(&rejection.errors, "email", "link_email"),
            };
            render(rejection.status, &page)
        }
    }
}

#[derive(Template)]
#[template(path = "account/check_email.html")]
struct CheckEmailPage {
    ctx: PageContext,
    what: &'static str,
}

/// `GET /sign-in/check-email`
pub async fn check_email(ctx: PageContext) -> Result<Response, WebError> {
    ok(&CheckEmailPage {
        ctx,
        what: "sign-in",
    })
}

// ---------------------------------------------------------------- The account page

#[derive(Template)]
#[template(path = "account/account.html")]
struct AccountPage {
    ctx: PageContext,
    email: String,
    has_password: bool,
    memberships: Vec<mir_store::MembershipSummary>,
}

impl AccountPage {
    fn role_label(&self, role: &str) -> &'static str {
        match role {
            "admin" => "Administrator",
            "staff" => "Staff",
            "expert" => "Expert by Experience",
            "carer" => "Carer",
            _ => "Member",
        }
    }
}

/// A redirect to the sign-in page for anyone not signed in.
fn sign_in_first(actor: &Actor) -> Option<Response> {
    match actor {
        Actor::Person { .. } => None,
        _ => Some(Redirect::to("/sign-in").into_response()),
    }
}

/// `GET /account`
pub async fn account(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ctx: PageContext,
) -> Result<Response, WebError> {
    if let Some(redirect) = sign_in_first(&actor) {
        return Ok(redirect);
    }
    let me = accounts::my_account(&state.store, &actor).await?;
    let has_password = accounts::has_password(&state.store, &actor).await?;
    let memberships = mir_app::organisations::my_memberships(&state.store, &actor).await?;
    ok(&AccountPage {
        ctx,
        email: me.email,
        has_password,
        memberships,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct Confirm {}

/// `POST /account/sign-out-everywhere`
pub async fn sign_out_everywhere(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    session: Session,
    CsrfForm(_): CsrfForm<Confirm>,
) -> Result<Response, WebError> {
    if let Some(redirect) = sign_in_first(&actor) {
        return Ok(redirect);
    }
    accounts::sign_out_everywhere(&state.store, &actor).await?;
    session.sign_out();
    Ok(form::saved(
        &session,
        "You are signed out on every device.",
        "/sign-in",
    ))
}

// ---------------------------------------------------------------- Password

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PasswordChangeForm {
    current_password: String,
    new_password: String,
}

#[derive(Template)]
#[template(path = "account/password.html")]
struct PasswordPage {
    ctx: PageContext,
    has_password: bool,
    errors: FieldErrors,
}

/// `GET /account/password`
pub async fn password(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ctx: PageContext,
) -> Result<Response, WebError> {
    if let Some(redirect) = sign_in_first(&actor) {
        return Ok(redirect);
    }
    let has_password = accounts::has_password(&state.store, &actor).await?;
    ok(&PasswordPage {
        ctx,
        has_password,
        errors: FieldErrors::new(),
    })
}

/// `POST /account/password`
pub async fn change_password(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    session: Session,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<PasswordChangeForm>,
) -> Result<Response, WebError> {
    if let Some(redirect) = sign_in_first(&actor) {
        return Ok(redirect);
    }
    let changed = accounts::change_password(
        &state.store,
        &actor,
        &form.current_password,
        &form.new_password,
    )
    .await;
    match form::answer(changed, "new_password")? {
        Outcome::Done(()) => {
            // Every session ended; this browser stays signed in with a fresh one.
            if let Actor::Person { id, .. } = actor {
                session.sign_in(id);
            }
            Ok(form::saved(
                &session,
                "Your password is saved. You have been signed out on your other devices.",
                "/account",
            ))
        }
        Outcome::Rejected(rejection) => {
            let has_password = accounts::has_password(&state.store, &actor).await?;
            let errors = rejection.errors;
            render(
                rejection.status,
                &PasswordPage {
                    ctx,
                    has_password,
                    errors,
                },
            )
        }
    }
}

// ---------------------------------------------------------------- Email address

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EmailForm {
    email: String,
    current_password: String,
}

#[derive(Template)]
#[template(path = "account/email.html")]
struct EmailPage {
    ctx: PageContext,
    email: String,
    has_password: bool,
    errors: FieldErrors,
}

/// `GET /account/email`
pub async fn email(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ctx: PageContext,
) -> Result<Response, WebError> {
    if let Some(redirect) = sign_in_first(&actor) {
        return Ok(redirect);
    }
    ok(&EmailPage {
        ctx,
        email: String::new(),
        has_password: accounts::has_password(&state.store, &actor).await?,
        errors: FieldErrors::new(),
    })
}

/// `POST /account/email`: sends a confirmation link to the new address.
pub async fn change_email(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    session: Session,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<EmailForm>,
) -> Result<Response, WebError> {
    if let Some(redirect) = sign_in_first(&actor) {
        return Ok(redirect);
    }
    let base = &state.config.base_url;
    let change = accounts::EmailChange {
        new_email: &form.email,
        current_password: &form.current_password,
        signed_in_at: session.signed_in_at(),
    };
    let asked =
        accounts::request_email_change(&state.store, &state.mailer, &actor, &change, base).await;
    match form::answer(asked, "email")? {
        Outcome::Done(()) => ok(&CheckEmailPage {
            ctx,
            what: "email-change",
        }),
        Outcome::Rejected(rejection) => render(
            rejection.status,
            &EmailPage {
                ctx,
                email: form.email,
                has_password: accounts::has_password(&state.store, &actor).await?,
                errors: rejection.errors,
            },
        ),
    }
}

#[derive(Template)]
#[template(path = "account/confirm_link.html")]
struct ConfirmLinkPage {
    ctx: PageContext,
    action: String,
    heading: &'static str,
    button: &'static str,
    failed: bool,
}

/// `GET /account/email/confirm/{token}`: a button, so mail scanners cannot use the link.
pub async fn confirm_email(
    Path(token): Path<Token>,
    ctx: PageContext,
) -> Result<Response, WebError> {
    ok(&ConfirmLinkPage {
        ctx,
        action: format!("/account/email/confirm/{token}"),
        heading: "Confirm the change of your email address",
        button: "Confirm",
        failed: false,
    })
}

/// `POST /account/email/confirm/{token}`
pub async fn use_email_link(
    State(state): State<AppState>,
    Path(token): Path<Token>,
    session: Session,
    ctx: PageContext,
    CsrfForm(_): CsrfForm<Confirm>,
) -> Result<Response, WebError> {
    let failed = |ctx| ConfirmLinkPage {
        ctx,
        action: format!("/account/email/confirm/{token}"),
        heading: "This link does not work",
        button: "Confirm",
        failed: true,
    };
    let base = &state.config.base_url;
    let confirmed = accounts::confirm_email_change(&state.store, &state.mailer, &token, base).await;
    match form::answer(confirmed, "email")? {
        Outcome::Done(Some(person)) => {
            // Every session ended; this browser, which holds the link, is signed in again.
            session.sign_in(person.id);
            Ok(form::saved(
                &session,
                format!(
                    "Your email address is now {}. Every other device is signed out. If someone else changed it, set a new password now.",
                    person.email
                ),
                "/account",
            ))
        }
        // Used, expired, or the address was taken meanwhile: the link does not work.
        Outcome::Done(None) | Outcome::Rejected(_) => render(StatusCode::BAD_REQUEST, &failed(ctx)),
    }
}

// ---------------------------------------------------------------- Password reset

#[derive(Template)]
#[template(path = "account/reset_request.html")]
struct ResetRequestPage {
    ctx: PageContext,
    email: String,
    errors: FieldErrors,
}

/// `GET /password-reset`
pub async fn reset_request(ctx: PageContext) -> Result<Response, WebError> {
    ok(&ResetRequestPage {
        ctx,
        email: String::new(),
        errors: FieldErrors::new(),
    })
}

/// `POST /password-reset`
pub async fn send_reset(
    State(state): State<AppState>,
    Client(client): Client,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<EmailForm>,
) -> Result<Response, WebError> {
    let base = &state.config.base_url;
    let sent =
        accounts::request_password_reset(&state.store, &state.mailer, &form.email, &client, base)
            .await;
    match form::answer(sent, "email")? {
        Outcome::Done(()) => ok(&CheckEmailPage { ctx, what: "reset" }),
        Outcome::Rejected(rejection) => render(
            rejection.status,
            &ResetRequestPage {
                ctx,
                email: form.email,
                errors: rejection.errors,
            },
        ),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewPasswordForm {
    password: String,
}

#[derive(Template)]
#[template(path = "account/reset.html")]
struct ResetPage {
    ctx: PageContext,
    token: Token,
    errors: FieldErrors,
    failed: bool,
}

/// `GET /password-reset/{token}`
pub async fn reset(Path(token): Path<Token>, ctx: PageContext) -> Result<Response, WebError> {
    ok(&ResetPage {
        ctx,
        token,
        errors: FieldErrors::new(),
        failed: false,
    })
}

/// `POST /password-reset/{token}`
pub async fn set_new_password(
    State(state): State<AppState>,
    Path(token): Path<Token>,
    session: Session,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<NewPasswordForm>,
) -> Result<Response, WebError> {
    let reset = accounts::reset_password(&state.store, &token, &form.password).await;
    let (status, errors, failed) = match form::answer(reset, "password")? {
        Outcome::Done(Some(person)) => {
            session.sign_in(person.id);
            return Ok(form::saved(
                &session,
                "Your new password is saved and you are signed in. Other devices have been signed out.",
                "/account",
            ));
        }
        Outcome::Done(None) => (StatusCode::BAD_REQUEST, FieldErrors::new(), true),
        Outcome::Rejected(rejection) => (rejection.status, rejection.errors, false),
    };
    let page = ResetPage {
        ctx,
        token,
        errors,
        failed,
    };
    render(status, &page)
}

// ---------------------------------------------------------------- Privacy

/// `GET /account/data.json`: everything held about me, as a download.
pub async fn my_data(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
) -> Result<Response, WebError> {
    if let Some(redirect) = sign_in_first(&actor) {
        return Ok(redirect);
    }
    let json = accounts::my_data(&state.store, &actor).await?;
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/json; charset=utf-8",
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"my-making-it-real-data.json\"",
            ),
            (axum::http::header::CACHE_CONTROL, "no-store"),
        ],
        json,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "account/delete.html")]
struct DeletePage {
    ctx: PageContext,
    problem: Option<String>,
}

/// `GET /account/delete`
pub async fn delete_page(
    CurrentActor(actor): CurrentActor,
    ctx: PageContext,
) -> Result<Response, WebError> {
    if let Some(redirect) = sign_in_first(&actor) {
        return Ok(redirect);
    }
    ok(&DeletePage { ctx, problem: None })
}

/// `POST /account/delete`
pub async fn delete_account(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    session: Session,
    ctx: PageContext,
    CsrfForm(_): CsrfForm<Confirm>,
) -> Result<Response, WebError> {
    if let Some(redirect) = sign_in_first(&actor) {
        return Ok(redirect);
    }
    match form::answer(
        accounts::delete_my_account(&state.store, &actor).await,
        "delete",
    )? {
        Outcome::Done(()) => {
            session.sign_out();
            Ok(form::saved(&session, "Your account is deleted.", "/"))
        }
        Outcome::Rejected(rejection) => render(
            rejection.status,
            &DeletePage {
                ctx,
                problem: Some(rejection.message()),
            },
        ),
    }
}

// ---------------------------------------------------------------- Email preferences

#[derive(Template)]
#[template(path = "account/emails.html")]
struct EmailsPage {
    ctx: PageContext,
    preferences: Vec<(&'static str, &'static str, bool)>,
}

/// `GET /account/emails`
pub async fn emails(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ctx: PageContext,
) -> Result<Response, WebError> {
    if let Some(redirect) = sign_in_first(&actor) {
        return Ok(redirect);
    }
    let preferences = accounts::email_preferences(&state.store, &actor).await?;
    ok(&EmailsPage { ctx, preferences })
}

/// `POST /account/emails`
pub async fn save_emails(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    session: Session,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    if let Some(redirect) = sign_in_first(&actor) {
        return Ok(redirect);
    }
    let on: Vec<String> = pairs
        .into_iter()
        .filter(|(k, _)| k == "emails")
        .map(|(_, v)| v)
        .collect();
    accounts::set_email_preferences(&state.store, &actor, &on).await?;
    Ok(form::saved(
        &session,
        "Your email choices are saved.",
        "/account",
    ))
}

#[cfg(test)]
mod tests {
    use crate::routes::client_behind_proxies;
    use axum::http::HeaderMap;

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append("x-forwarded-for", v.parse().expect("header value"));
        }
        headers
    }

    #[test]
    fn the_client_is_counted_from_the_right_by_the_number_of_proxies() {
        let two_hops = forwarded(&["1.1.1.1, 10.0.0.1", "10.0.0.2"]);
        let ip = |s: &str| s.parse::<std::net::IpAddr>().ok();
        assert_eq!(client_behind_proxies(&two_hops, 1), ip("10.0.0.2"));
        assert_eq!(client_behind_proxies(&two_hops, 2), ip("10.0.0.1"));
        assert_eq!(client_behind_proxies(&two_hops, 3), ip("1.1.1.1"));
        assert_eq!(client_behind_proxies(&two_hops, 4), None, "too few hops");
        assert_eq!(
            client_behind_proxies(&two_hops, 0),
            None,
            "no proxy trusted"
        );
        assert_eq!(client_behind_proxies(&forwarded(&["not-an-ip"]), 1), None);
        assert_eq!(
            client_behind_proxies(&forwarded(&["2001:db8::1"]), 1),
            ip("2001:db8::1")
        );
    }
}
