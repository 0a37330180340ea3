//! Any request that may change data (a form sent, anything but GET, HEAD, OPTIONS or TRACE)
//! makes the whole pages and public answers kept for visitors stale, once it has finished, on
//! this server and (through the store) on every other server of the same database (see
//! [`crate::cache::PageCache`], decision 0031). Being generous here is cheap: a page is rebuilt on its next
//! visit; being stingy would show someone an out-of-date plan.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;

pub async fn middleware(State(state): State<AppState>, req: Request, next: Next) -> Response {
    // Only a signed-in person's form can change what public pages show (a visitor's sign-in,
    // contact message, sign-up or password reset cannot): a visitor's accepted form must not
    // empty every server's caches at will (the forged-token sign-out once did).
    let signed_in = !matches!(
        req.extensions().get::<mir_app::Actor>(),
        None | Some(mir_app::Actor::Anonymous)
    );
    let may_change = signed_in && !req.method().is_safe();
    let response = next.run(req).await;
    // Only a request that was accepted (a page, or a redirect after a form was saved) can have
    // changed anything; a refused one (a wrong form token, a form with mistakes, a page that is
    // not there) must not let anyone empty the cache at will (finding 8).
    let accepted = response.status().is_success() || response.status().is_redirection();
    if may_change && accepted {
        state.store.announce_change().await;
    }
    response
}
