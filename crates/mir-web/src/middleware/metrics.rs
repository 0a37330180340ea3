//! Request counts and latencies by route, exported at `/metrics` in Prometheus format.

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

const DURATION: &str = "http_request_duration_seconds";

/// The process-wide metrics recorder, installed on first use.
pub fn handle() -> PrometheusHandle {
    HANDLE
        .get_or_init(|| {
            let buckets = [
                0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
            ];
            let builder = PrometheusBuilder::new();
            let recorder =
                match builder.set_buckets_for_metric(Matcher::Full(DURATION.into()), &buckets) {
                    Ok(builder) => builder.build_recorder(),
                    Err(_) => PrometheusBuilder::new().build_recorder(),
                };
            let handle = recorder.handle();
            // Fails only if another recorder was installed first; then ours still renders
            // (empty), which the metrics test would catch.
            let _ = metrics::set_global_recorder(recorder);
            handle
        })
        .clone()
}

/// Counts and times every request, and writes the one access-log line for it. The line names
/// the route (`/sign-in/link/{token}`), never the path, so no token reaches the log.
pub async fn middleware(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = req.method().as_str().to_owned();
    let request_id = req.headers().get(crate::page::REQUEST_ID).cloned();
    let started = Instant::now();
    let response = next.run(req).await;
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    tracing::info!(
        target: "mir::access",
        method,
        route,
        status,
        ms = elapsed.as_secs_f64() * 1000.0,
        request_id = request_id.as_ref().and_then(|v| v.to_str().ok()).unwrap_or("-"),
    );
    metrics::counter!("http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status.to_string())
        .increment(1);
    metrics::histogram!(DURATION, "method" => method, "route" => route)
        .record(elapsed.as_secs_f64());
    response
}
