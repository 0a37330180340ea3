//! Operations: health and metrics, for load balancers and monitoring.

use std::time::Duration;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use mir_app::policy::{Action, authorize};

use super::CurrentActor;
use crate::AppState;
use crate::error::WebError;
use crate::page::Rendered;

/// `GET /healthz`: 200 when the database answers within two seconds, 503 otherwise.
pub async fn healthz(State(state): State<AppState>) -> Response {
    let answer = tokio::time::timeout(Duration::from_secs(2), state.store.ping()).await;
    let (status, body) = match answer {
        Ok(Ok(())) => (StatusCode::OK, "ok\n"),
        Ok(Err(error)) => {
            tracing::warn!(%error, "health check: database did not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
        }
        Err(_) => {
            tracing::warn!("health check: database timed out");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
        }
    };
    let mut response = (
        status,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response();
    // Monitoring reads this body; it is not a page for people.
    response.extensions_mut().insert(Rendered);
    response
}

/// `GET /metrics`: Prometheus text format.
pub async fn metrics(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
) -> Result<Response, WebError> {
    authorize(&actor, Action::ViewMetrics)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        state.metrics.render(),
    )
        .into_response())
}
