//! Strict security headers on every response. A route may set its own value first; these fill
//! in whatever is missing. The embed pages (`/embed/…`) are the one exception: any site may
//! frame them, and they never set a cookie.

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;

/// Scripts and styles only from this server, no inline script, no framing, forms post here.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
    style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
    manifest-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The embed pages: the same, except that any site may frame them.
pub const EMBED_CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; \
    img-src 'self'; form-action 'none'; frame-ancestors *; base-uri 'none'";

/// Where the frameable pages live.
pub const EMBED_PREFIX: &str = "/embed/";

const PERMISSIONS_POLICY: &str = "accelerometer=(), camera=(), geolocation=(), gyroscope=(), \
    magnetometer=(), microphone=(), payment=(), usb=(), interest-cohort=()";

// The values are built once, at compile time: this runs on every response.
const PERMISSIONS_POLICY_HEADER: HeaderName = HeaderName::from_static("permissions-policy");
const OPENER_POLICY_HEADER: HeaderName = HeaderName::from_static("cross-origin-opener-policy");
const EVERY_RESPONSE: [(HeaderName, HeaderValue); 6] = [
    (
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    ),
    (
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    ),
    (
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    ),
    (
        PERMISSIONS_POLICY_HEADER,
        HeaderValue::from_static(PERMISSIONS_POLICY),
    ),
    (
        OPENER_POLICY_HEADER,
        HeaderValue::from_static("same-origin"),
    ),
    (
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-cache, private"),
    ),
];
const NO_FRAMING: HeaderValue = HeaderValue::from_static("DENY");
const HSTS: HeaderValue = HeaderValue::from_static("max-age=31536000; includeSubDomains");

pub async fn middleware(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let embed = req.uri().path().starts_with(EMBED_PREFIX);
    // A signed-in person's pages (and any answer that sets a session) are personal: no copy
    // may be kept anywhere, not even in the browser's history cache (finding 9).
    let personal =
        crate::middleware::cookies::read(req.headers(), crate::middleware::session::COOKIE)
            .is_some();
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    let sets_session = headers.get_all(header::SET_COOKIE).iter().any(|v| {
        v.as_bytes()
            .starts_with(crate::middleware::session::COOKIE.as_bytes())
    });
    // Shared assets (marked public by their handler) are the same for everyone.
    let shared = headers
        .get(header::CACHE_CONTROL)
        .is_some_and(|v| v.as_bytes().starts_with(b"public"));
    if (personal || sets_session) && !embed && !shared {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    // An answer that sets a cookie (the view chosen with `?view=easy`) is for this visitor:
    // no shared cache may keep it, whatever the page is.
    if shared && !embed && headers.contains_key(header::SET_COOKIE) {
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache, private"),
        );
    }
    if embed {
        headers.remove(header::SET_COOKIE);
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(EMBED_CONTENT_SECURITY_POLICY),
        );
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=300"),
        );
    } else {
        headers.entry(header::X_FRAME_OPTIONS).or_insert(NO_FRAMING);
    }
    for (name, value) in EVERY_RESPONSE {
        headers.entry(name).or_insert(value);
    }
    if state.config.https {
        headers
            .entry(header::STRICT_TRANSPORT_SECURITY)
            .or_insert(HSTS);
    }
    response
}
