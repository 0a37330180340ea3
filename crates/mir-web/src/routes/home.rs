use askama::Template;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use mir_app::home::{HomeSummary, home_summary};

use super::CurrentActor;
use crate::AppState;
use crate::error::WebError;
use crate::page::PageContext;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    ctx: PageContext,
    summary: HomeSummary,
}

/// `GET /`: what Making it Real is, and the organisations taking part. Kept for visitors
/// who are not signed in (see `cache::PageCache`).
pub async fn show(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    uri: Uri,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let key = ctx.page_cache_key(&uri);
    state
        .caches
        .pages
        .serve(key, || async {
            let summary = home_summary(&state.store, &actor).await?;
            Ok(HomePage { ctx, summary }.render()?)
        })
        .await
}
