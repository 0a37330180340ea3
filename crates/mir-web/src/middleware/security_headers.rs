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

pub async fn middleware(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let embed = req.uri().path().starts_with(EMBED_PREFIX);
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    if embed {
        // Framed on other sites: no cookies at all (no session, no form token, no view mode).
        headers.remove(header::SET_COOKIE);
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(EMBED_CONTENT_SECURITY_POLICY),
        );
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=300"),
        );
    }
    let mut fill = |name: HeaderName, value: &'static str| {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    };
    fill(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
    fill(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    fill(header::REFERRER_POLICY, "strict-origin-when-cross-origin");
    fill(
        HeaderName::from_static("permissions-policy"),
        PERMISSIONS_POLICY,
    );
    if !embed {
        fill(header::X_FRAME_OPTIONS, "DENY");
    }
    fill(
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    // Pages may hold personal data once signed in: browsers revalidate, proxies never store.
    fill(header::CACHE_CONTROL, "no-cache, private");
    if state.config.https {
        fill(
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    response
}
