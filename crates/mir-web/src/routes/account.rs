//! The signed-in person's own account: the account page, changing password and email address,
//! signing out everywhere, email choices, downloading their data and deleting the account.
//! Signing in, and setting a new password after forgetting it, are in `sign_in.rs`.

use crate::params::{Path, Token};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mir_app::Actor;
use mir_app::accounts;
use mir_domain::validation::FieldErrors;
use serde::Deserialize;

use super::CurrentActor;
use super::sign_in::CheckEmailPage;
use crate::AppState;
use crate::error::WebError;
use crate::form::{self, Outcome};
use crate::middleware::csrf::CsrfForm;
use crate::middleware::session::Session;
use crate::page::{PageContext, ok, render};

// ---------------------------------------------------------------- The account page

#[derive(Template)]
#[template(path = "account/account.html")]
struct AccountPage {
    ctx: PageContext,
    email: String,
    name: mir_domain::person::PersonName,
    easy_read: bool,
    has_password: bool,
    memberships: Vec<mir_store::MembershipSummary>,
    waiting: Vec<mir_app::waiting::Waiting>,
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
    let waiting = mir_app::waiting::for_person(&state.store, &actor).await?;
    let name = accounts::my_name(&state.store, &actor).await?;
    let easy_read = accounts::easy_read_chosen(&state.store, &actor).await?;
    ok(&AccountPage {
        ctx,
        email: me.email,
        name,
        easy_read,
        has_password,
        memberships,
        waiting,
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

// ---------------------------------------------------------------- The name others see

#[derive(Template)]
#[template(path = "account/name.html")]
struct NamePage {
    ctx: PageContext,
    form: accounts::NameInput,
    errors: FieldErrors,
}

/// `GET /account/name`
pub async fn name(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ctx: PageContext,
) -> Result<Response, WebError> {
    if let Some(redirect) = sign_in_first(&actor) {
        return Ok(redirect);
    }
    let form = accounts::my_name(&state.store, &actor).await?.into();
    ok(&NamePage {
        ctx,
        form,
        errors: FieldErrors::new(),
    })
}

/// `POST /account/name`
pub async fn save_name(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    session: Session,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<accounts::NameInput>,
) -> Result<Response, WebError> {
    if let Some(redirect) = sign_in_first(&actor) {
        return Ok(redirect);
    }
    match form::answer(
        accounts::set_my_name(&state.store, &actor, &form).await,
        "display_name",
    )? {
        Outcome::Done(name) => Ok(form::saved(
            &session,
            format!(
                "Your name is saved. Others in your groups now see you as {}.",
                name.display_name
            ),
            "/account",
        )),
        Outcome::Rejected(rejection) => render(
            rejection.status,
            &NamePage {
                ctx,
                form,
                errors: rejection.errors,
            },
        ),
    }
}

// ---------------------------------------------------------------- Easy Read for good

#[derive(Template)]
#[template(path = "account/easy_read.html")]
struct EasyReadPage {
    ctx: PageContext,
    on: bool,
}

/// `GET /account/easy-read`
pub async fn easy_read(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ctx: PageContext,
) -> Result<Response, WebError> {
    if let Some(redirect) = sign_in_first(&actor) {
        return Ok(redirect);
    }
    let on = accounts::easy_read_chosen(&state.store, &actor).await?;
    ok(&EasyReadPage { ctx, on })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EasyReadForm {
    easy_read: String,
}

/// `POST /account/easy-read`: the choice is kept for the person and set on this device.
pub async fn save_easy_read(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    session: Session,
    CsrfForm(form): CsrfForm<EasyReadForm>,
) -> Result<Response, WebError> {
    if let Some(redirect) = sign_in_first(&actor) {
        return Ok(redirect);
    }
    let on = form.easy_read == "yes";
    accounts::choose_easy_read(&state.store, &actor, on).await?;
    let mut response = form::saved(
        &session,
        if on {
            "Easy Read is on. Pages open in Easy Read when you sign in, and emails that need you come in Easy Read."
        } else {
            "Easy Read is off. You can still switch any page with the link at the top."
        },
        "/account",
    );
    let mode = if on {
        crate::middleware::view_mode::ViewMode::EasyRead
    } else {
        crate::middleware::view_mode::ViewMode::Standard
    };
    crate::middleware::view_mode::remember(response.headers_mut(), mode, state.config.https);
    Ok(response)
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
