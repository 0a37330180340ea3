//! A signed-out visitor opening a link to a group's page (from an email, say) is asked to sign
//! in and is then brought back to it, instead of being told the page is not there. Every such
//! address answers the same, so this says nothing about whether a group exists. Pages only
//! (GET): forms keep their own rules (an answer form's words are kept; others are refused).

use axum::extract::{FromRequestParts, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use mir_app::Actor;
use mir_app::rate_limit::{self, Limit};

use super::session::Session;
use crate::AppState;
use crate::routes::Client;

/// Where a group's own pages live.
const GROUP_PAGES: &str = "/manage/organisations/";
/// Remembering where to come back to writes the visitor's session: a client may ask this many
/// times in 15 minutes; beyond that they are still sent to sign in, but nothing is written.
const REMEMBERED_PER_CLIENT: i64 = 30;

pub async fn middleware(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let signed_in = matches!(req.extensions().get::<Actor>(), Some(Actor::Person { .. }));
    if req.method() != Method::GET || signed_in || !req.uri().path().starts_with(GROUP_PAGES) {
        return next.run(req).await;
    }
    let (mut parts, _) = req.into_parts();
    if let Ok(Client(client)) = Client::from_request_parts(&mut parts, &state).await
        && let Some(session) = parts.extensions.get::<Session>()
    {
        let limit = Limit::per_client("sign-in-first", &client, REMEMBERED_PER_CLIENT);
        match rate_limit::check(&state.store, &[limit]).await {
            Ok(()) => {
                session.set_return_to(parts.uri.path());
                session.set_notice("Sign in to see that page. You will go straight back to it.");
            }
            Err(mir_app::AppError::RateLimited) => {}
            Err(error) => tracing::warn!(%error, "could not count a sign-in-first visit"),
        }
    }
    Redirect::to("/sign-in").into_response()
}
