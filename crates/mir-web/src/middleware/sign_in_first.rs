//! A signed-out visitor opening a link to a group's page (from an email, say) is asked to sign
//! in and is then brought back to it, instead of being told the page is not there. Every such
//! address answers the same, so this says nothing about whether a group exists. Pages only
//! (GET): forms keep their own rules (an answer form's words are kept; others are refused).

use axum::extract::Request;
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use mir_app::Actor;

use super::session::Session;

/// Where a group's own pages live.
const GROUP_PAGES: &str = "/manage/organisations/";

pub async fn middleware(req: Request, next: Next) -> Response {
    let signed_in = matches!(req.extensions().get::<Actor>(), Some(Actor::Person { .. }));
    let path = req.uri().path();
    if req.method() == Method::GET
        && !signed_in
        && path.starts_with(GROUP_PAGES)
        && let Some(session) = req.extensions().get::<Session>()
    {
        session.set_return_to(path);
        session.set_flash("Sign in to see that page. You will go straight back to it.");
        return Redirect::to("/sign-in").into_response();
    }
    next.run(req).await
}
