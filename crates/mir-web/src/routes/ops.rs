//! Operations: health and metrics, for load balancers and monitoring.

use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use mir_app::policy::{Action, authorize};
use sha2::{Digest, Sha256};

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

/// `GET /metrics` on the site's own address: Prometheus text format, only for a monitor that
/// sends `Authorization: Bearer <--metrics-token>`. Without a token set, or with a wrong one,
/// it is not there (404): the figures show how busy the site is and are not for everyone. A
/// separate, private address (`--metrics-addr`) needs no token ([`metrics_only`]).
pub async fn metrics(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    authorize(&actor, Action::ViewMetrics)?;
    let Some(expected) = state
        .config
        .metrics_token
        .as_ref()
        .map(crate::state::Secret::expose)
    else {
        return Err(WebError::NotFound);
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .unwrap_or_default();
    // Compared as digests, so the time taken says nothing about how much of it matched.
    if Sha256::digest(given.as_bytes()) != Sha256::digest(expected.as_bytes()) {
        return Err(WebError::NotFound);
    }
    Ok(metrics_response(&state).await)
}

/// The figures, with the gauges that are read when asked for (memory, the mail outbox).
async fn metrics_response(state: &AppState) -> Response {
    #[allow(clippy::cast_precision_loss)] // bytes and counts far below 2^52
    {
        if let Some(bytes) = crate::middleware::metrics::resident_bytes() {
            metrics::gauge!("mir_process_resident_bytes").set(bytes as f64);
        }
        // The server itself asks (the operator actor), for its monitoring.
        match mir_app::mail::outbox_report(&state.store, &mir_app::Actor::Operator).await {
            Ok(report) => {
                metrics::gauge!("mir_mail_waiting").set(report.waiting as f64);
                metrics::gauge!("mir_mail_stuck").set(report.stuck.len() as f64);
            }
            Err(error) => tracing::warn!(%error, "metrics: could not read the mail outbox"),
        }
    }
    (
        [
            (
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        state.metrics.render(),
    )
        .into_response()
}

/// The router for `--metrics-addr`: `/metrics` and nothing else, no token (the address is
/// meant to be reachable only by the monitoring system).
pub fn metrics_only(state: AppState) -> axum::Router {
    axum::Router::new()
        .route(
            "/metrics",
            axum::routing::get(|State(state): State<AppState>| async move {
                metrics_response(&state).await
            }),
        )
        .with_state(state)
}
