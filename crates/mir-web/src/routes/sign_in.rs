//! Signing in (with a password, or with a one-time link sent by email), signing out, and
//! setting a new password after forgetting it.
//!
//! Opening a link shows a page with a "Sign in" button; only pressing it uses the link. Email
//! scanners that open links therefore cannot use them up. Every answer about an email address
//! is the same whether or not it has an account.

use crate::params::{Path, Token};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mir_app::accounts;
use mir_domain::validation::FieldErrors;
use serde::Deserialize;

use super::Client;
use crate::AppState;
use crate::error::WebError;
use crate::form::{self, Outcome};
use crate::middleware::csrf::CsrfForm;
use crate::middleware::session::Session;
use crate::page::{PageContext, ok, render};

#[derive(Template)]
#[template(path = "sign_in_link.html")]
struct LinkPage {
    ctx: PageContext,
    token: Token,
    failed: bool,
}

/// No fields besides the token: the form only confirms.
#[derive(Debug, Default, Deserialize)]
pub struct Confirm {}

/// `GET /sign-in/link/{token}`
pub async fn show(Path(token): Path<Token>, ctx: PageContext) -> Result<Response, WebError> {
    render(
        StatusCode::OK,
        &LinkPage {
            ctx,
            token,
            failed: false,
        },
    )
}

/// `POST /sign-in/link/{token}`
pub async fn use_link(
    State(state): State<AppState>,
    Path(token): Path<Token>,
    session: Session,
    ctx: PageContext,
    CsrfForm(_): CsrfForm<Confirm>,
) -> Result<Response, WebError> {
    match mir_app::accounts::sign_in_with_link(&state.store, &token).await? {
        Some(person) => {
            session.sign_in(person.id);
            session.set_flash("You are signed in.");
            let next = session.take_return_to().unwrap_or_else(|| {
                if person.is_national_admin {
                    "/admin".to_owned()
                } else {
                    "/".to_owned()
                }
            });
            signed_in_to(&state, person.id, &next).await
        }
        None => render(
            StatusCode::BAD_REQUEST,
            &LinkPage {
                ctx,
                token,
                failed: true,
            },
        ),
    }
}

/// `POST /sign-out`
pub async fn sign_out(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    session: Session,
    CsrfForm(_): CsrfForm<Confirm>,
) -> Result<Response, WebError> {
    session.sign_out();
    let mut response = form::saved(&session, "You are signed out.", "/");
    super::reviews::forget_kept_form(&state, &headers, &mut response).await?;
    Ok(response)
}

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

/// Goes on after signing in; a person who chose Easy Read gets it on this device too.
async fn signed_in_to(state: &AppState, person_id: i64, next: &str) -> Result<Response, WebError> {
    let mut response = Redirect::to(next).into_response();
    if accounts::prefers_easy_read(&state.store, person_id).await? {
        crate::middleware::view_mode::remember(
            response.headers_mut(),
            crate::middleware::view_mode::ViewMode::EasyRead,
            state.config.https,
        );
    }
    Ok(response)
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
            return signed_in_to(&state, person.id, &next).await;
        }
        Outcome::Done(None) => {
            let mut errors = FieldErrors::new();
            errors.add(
                "email",
                "Enter a correct email address and password. Or get a sign-in link by email below.",
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
pub(super) struct CheckEmailPage {
    pub(super) ctx: PageContext,
    pub(super) what: &'static str,
}

/// `GET /sign-in/check-email`
pub async fn check_email(ctx: PageContext) -> Result<Response, WebError> {
    ok(&CheckEmailPage {
        ctx,
        what: "sign-in",
    })
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

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ResetRequestForm {
    email: String,
}

/// `POST /password-reset`
pub async fn send_reset(
    State(state): State<AppState>,
    Client(client): Client,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<ResetRequestForm>,
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
pub async fn reset(
    State(state): State<AppState>,
    Path(token): Path<Token>,
    ctx: PageContext,
) -> Result<Response, WebError> {
    // A used or expired link says so at once, not after a new password is typed.
    let works = accounts::reset_link_works(&state.store, &token).await?;
    let status = if works {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let page = ResetPage {
        ctx,
        token,
        errors: FieldErrors::new(),
        failed: !works,
    };
    render(status, &page)
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
