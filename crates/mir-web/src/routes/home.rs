use askama::Template;
use axum::extract::State;
use axum::response::Response;
use mir_app::home::{HomeSummary, home_summary};

use super::CurrentActor;
use crate::AppState;
use crate::error::WebError;
use crate::page::{PageContext, ok};

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    ctx: PageContext,
    summary: HomeSummary,
}

/// `GET /`: what Making it Real is, and the organisations taking part.
pub async fn show(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let summary = home_summary(&state.store, &actor).await?;
    ok(&HomePage { ctx, summary })
}
