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

pub async fn middleware(req: Request, next: Next) -> Response {
    // The route template ("/organisations/{slug}"), never the raw path: bounded label values
    // and no personal data in metrics.
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = req.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!(DURATION, "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}
