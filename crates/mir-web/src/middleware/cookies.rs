//! Reading and writing cookies. Every cookie mir sets is HttpOnly, SameSite and, over HTTPS,
//! Secure; the cookies page lists them all.

use axum::http::{HeaderMap, HeaderValue, header};
use cookie::{Cookie, SameSite};
use time::Duration;

/// The value of one cookie from the request, if present.
pub fn read(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

/// How a cookie should be set.
#[derive(Debug, Clone, Copy)]
pub struct CookieSpec {
    pub same_site: SameSite,
    pub secure: bool,
    /// `None` for a cookie that ends when the browser closes.
    pub max_age: Option<Duration>,
}

/// Adds a `Set-Cookie` header.
pub fn set(headers: &mut HeaderMap, name: &str, value: &str, spec: CookieSpec) {
    set_at(headers, name, value, spec, "/");
}

/// Adds a `Set-Cookie` header for the addresses under `path` only.
pub fn set_at(headers: &mut HeaderMap, name: &str, value: &str, spec: CookieSpec, path: &str) {
    let mut cookie = Cookie::build((name.to_owned(), value.to_owned()))
        .path(path.to_owned())
        .http_only(true)
        .same_site(spec.same_site)
        .secure(spec.secure)
        .build();
    if let Some(max_age) = spec.max_age {
        cookie.set_max_age(max_age);
    }
    if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
        headers.append(header::SET_COOKIE, value);
    }
}

/// Tells the browser to forget a cookie.
pub fn remove(headers: &mut HeaderMap, name: &str, secure: bool) {
    set(
        headers,
        name,
        "",
        CookieSpec {
            same_site: SameSite::Lax,
            secure,
            max_age: Some(Duration::ZERO),
        },
    );
}

/// 32 random bytes as 64 hex digits: session and CSRF tokens.
pub fn random_token() -> String {
    let bytes: [u8; 32] = rand::random();
    hex::encode(bytes)
}

pub fn is_token(value: &str) -> bool {
    value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit())
}
