//! Request counts and latencies by route, exported at `/metrics` in Prometheus format.

use std::collections::HashMap;
use std::sync::{LazyLock, OnceLock, RwLock};
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
            keep_histograms_drained(handle.clone());
            // Fails only if another recorder was installed first; then ours still renders
            // (empty), which the metrics test would catch.
            let _ = metrics::set_global_recorder(recorder);
            describe();
            handle
        })
        .clone()
}

/// How often the samples recorded since the last look are folded into the histograms.
const UPKEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// A histogram's samples wait in a queue until they are folded into its buckets, which
/// happens only when `/metrics` is read or on upkeep; a recorder made with `build_recorder`
/// has no upkeep of its own. Unscraped, every answered request left its sample there for the
/// life of the process (about 20 bytes a request: 6 MB for each 5-second benchmark run of one
/// page). A thread of its own, so it runs whatever runtime (or none) the process has.
fn keep_histograms_drained(handle: PrometheusHandle) {
    let started = std::thread::Builder::new()
        .name("metrics-upkeep".into())
        .spawn(move || {
            loop {
                std::thread::sleep(UPKEEP_EVERY);
                handle.run_upkeep();
            }
        });
    if let Err(error) = started {
        tracing::warn!(%error, "metrics upkeep thread not started: histograms drain only when /metrics is read");
    }
}

/// The method as a metrics label and in the log: one of the standard ones, else `OTHER`. A
/// visitor chooses the method's text, and every distinct label is a new series kept for the
/// life of the process: 21 requests with made-up 380 KB methods once added 43 MB.
pub fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        Method::CONNECT => "CONNECT",
        Method::TRACE => "TRACE",
        _ => "OTHER",
    }
}

/// Names and meanings for `/metrics` (`# HELP` lines), and the counters that should read 0
/// rather than be missing before their first event, so alerts on them work from the start.
pub fn describe() {
    metrics::describe_counter!(
        "http_requests_total",
        "Requests answered, by method, route template and status"
    );
    metrics::describe_histogram!(
        DURATION,
        metrics::Unit::Seconds,
        "Time to answer a request, by method and route template"
    );
    metrics::describe_counter!(
        "mir_page_cache_hits_total",
        "Public pages served from memory"
    );
    metrics::describe_counter!(
        "mir_page_cache_misses_total",
        "Public pages built because none was kept"
    );
    metrics::describe_counter!(
        "mir_page_cache_evictions_total",
        "Kept pages dropped to stay within the page cache's budget"
    );
    metrics::describe_gauge!(
        "mir_page_cache_bytes",
        metrics::Unit::Bytes,
        "Bytes of public pages kept (all their forms)"
    );
    metrics::describe_gauge!("mir_page_cache_pages", "Public pages kept");
    metrics::describe_gauge!(
        "mir_process_resident_bytes",
        metrics::Unit::Bytes,
        "Memory the server process holds (resident set size)"
    );
    metrics::describe_gauge!(
        "mir_mail_waiting",
        "Emails in the outbox waiting to be sent (including retries)"
    );
    metrics::describe_gauge!(
        "mir_mail_stuck",
        "Emails given up after every try (listed on the admin page)"
    );
    for counter in [
        "mir_page_cache_hits_total",
        "mir_page_cache_misses_total",
        "mir_page_cache_evictions_total",
    ] {
        metrics::counter!(counter).increment(0);
    }
}

/// The process's resident memory in bytes (Linux; `None` elsewhere).
pub fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// Counts and times every request, and writes the one access-log line for it. The line names
/// the route (`/sign-in/link/{token}`), never the path, so no token reaches the log.
pub async fn middleware(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = method_label(req.method());
    let request_id = req.headers().get(crate::page::REQUEST_ID).cloned();
    let started = Instant::now();
    let response = next.run(req).await;
    record(
        method,
        route,
        response.status(),
        started,
        request_id.as_ref(),
    );
    response
}

/// Counts and times one answered request and writes its access-log line.
pub fn record(
    method: &'static str,
    route: String,
    status: axum::http::StatusCode,
    started: Instant,
    request_id: Option<&axum::http::HeaderValue>,
) {
    let elapsed = started.elapsed();
    let status = status.as_u16();
    access_log(method, &route, status, elapsed, request_id);
    metrics::counter!("http_requests_total", "method" => method, "route" => route.clone(), "status" => status_label(status))
        .increment(1);
    metrics::histogram!(DURATION, "method" => method, "route" => route)
        .record(elapsed.as_secs_f64());
}

/// The series a kept page's answers are counted in, per route and status, found once: the
/// short way ([`super::kept_pages`]) answers tens of thousands a second, and looking each
/// series up by its labels was a tenth of its work.
type KeptSeries = HashMap<String, HashMap<u16, (metrics::Counter, metrics::Histogram)>>;
static KEPT_SERIES: LazyLock<RwLock<KeptSeries>> = LazyLock::new(RwLock::default);

/// [`record`] for a GET answered from a kept page.
pub fn record_kept(
    route: &str,
    status: axum::http::StatusCode,
    started: Instant,
    request_id: Option<&axum::http::HeaderValue>,
) {
    let elapsed = started.elapsed();
    let status = status.as_u16();
    access_log("GET", route, status, elapsed, request_id);
    let found = KEPT_SERIES
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .get(route)
        .and_then(|by_status| by_status.get(&status))
        .cloned();
    let (count, duration) = found.unwrap_or_else(|| {
        let series = (
            metrics::counter!("http_requests_total", "method" => "GET", "route" => route.to_owned(), "status" => status_label(status)),
            metrics::histogram!(DURATION, "method" => "GET", "route" => route.to_owned()),
        );
        KEPT_SERIES
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .entry(route.to_owned())
            .or_default()
            .insert(status, series.clone());
        series
    });
    count.increment(1);
    duration.record(elapsed.as_secs_f64());
}

/// The common answers' labels without making a string each time.
fn status_label(status: u16) -> std::borrow::Cow<'static, str> {
    match status {
        200 => std::borrow::Cow::Borrowed("200"),
        304 => std::borrow::Cow::Borrowed("304"),
        404 => std::borrow::Cow::Borrowed("404"),
        other => std::borrow::Cow::Owned(other.to_string()),
    }
}

/// The one access-log line of a request (target `mir::access`).
fn access_log(
    method: &str,
    route: &str,
    status: u16,
    elapsed: std::time::Duration,
    request_id: Option<&axum::http::HeaderValue>,
) {
    tracing::info!(
        target: "mir::access",
        method,
        route,
        status,
        ms = elapsed.as_secs_f64() * 1000.0,
        // A visitor may send their own id: at most 64 characters of it reach the log.
        request_id = request_id
            .and_then(|v| v.to_str().ok())
            .filter(|id| id.len() <= 64)
            .unwrap_or("-"),
    );
}
