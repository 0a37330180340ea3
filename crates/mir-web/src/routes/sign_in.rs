//! Signing in with a one-time link, and signing out.
//!
//! Opening a link shows a page with a "Sign in" button; only pressing it uses the link. Email
//! scanners that open links therefore cannot use them up.

use crate::params::{Path, Token};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::AppState;
use crate::error::WebError;
use crate::middleware::csrf::CsrfForm;
use crate::middleware::session::Session;
use crate::page::{PageContext, render};

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
            Ok(Redirect::to(&next).into_response())
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
pub async fn sign_out(session: Session, CsrfForm(_): CsrfForm<Confirm>) -> Response {
    session.sign_out();
    session.set_flash("You are signed out.");
    Redirect::to("/").into_response()
}
