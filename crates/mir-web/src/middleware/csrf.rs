//! Protection against cross-site request forgery, in two layers:
//!
//! 1. `tower_http::csrf::CsrfLayer` (in the router) refuses unsafe requests that the browser
//!    marks as cross-site (`Sec-Fetch-Site`, or an `Origin` that is not this host).
//! 2. Every form carries a token that must match the `mir_csrf` cookie (a double-submit token,
//!    for browsers that send neither header). [`CsrfForm`] checks it before a handler sees the
//!    form; the cookie is set only on pages that show a form.

use std::sync::{Arc, OnceLock};

use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use bytes::Bytes;
use cookie::SameSite;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use subtle::ConstantTimeEq;

use super::cookies::{self, CookieSpec};
use crate::AppState;
use crate::error::{Internal, WebError};

pub const COOKIE: &str = "mir_csrf";
pub const FIELD: &str = "csrf_token";

/// The token to put in this page's forms. A visitor without one gets a new token only if the
/// page shows a form (most pages do not, and making one costs time on every request).
#[derive(Debug, Clone)]
pub struct CsrfToken {
    existing: Option<Arc<str>>,
    new: Arc<OnceLock<String>>,
}

impl CsrfToken {
    /// The value for the hidden field. Using it makes sure the cookie is sent with the page.
    pub fn value(&self) -> &str {
        match &self.existing {
            Some(existing) => existing,
            None => self.new.get_or_init(cookies::random_token),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CsrfToken {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<CsrfToken>()
            .cloned()
            .ok_or_else(|| WebError::Internal(Internal::MissingLayer("form token")))
    }
}

pub async fn middleware(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let token = CsrfToken {
        existing: cookies::read(req.headers(), COOKIE)
            .filter(|t| cookies::is_token(t))
            .map(Arc::from),
        new: Arc::default(),
    };
    req.extensions_mut().insert(token.clone());
    let session = req
        .extensions()
        .get::<crate::middleware::session::Session>()
        .cloned();
    let mut response = next.run(req).await;
    // Signing in or out renews the form token, so one known before sign-in is worthless after.
    if session.is_some_and(|s| s.rotated()) && token.new.get().is_none() {
        let _ = token.new.set(cookies::random_token());
    }
    if let Some(new) = token.new.get() {
        let spec = CookieSpec {
            same_site: SameSite::Strict,
            secure: state.config.https,
            max_age: None,
        };
        cookies::set(response.headers_mut(), COOKIE, new, spec);
    }
    response
}

/// Checks a form's token against the cookie; for forms read another way (file uploads).
pub fn verify(cookie: Option<&str>, sent: Option<&str>) -> Result<(), WebError> {
    let matches = match (cookie, sent) {
        (Some(cookie), Some(sent)) if cookies::is_token(cookie) => {
            bool::from(cookie.as_bytes().ct_eq(sent.as_bytes()))
        }
        _ => false,
    };
    if matches {
        Ok(())
    } else {
        Err(WebError::CsrfRejected)
    }
}

/// A URL-encoded form whose CSRF token has been checked. Use it for every form that changes
/// something; form structs should default missing fields so empty input reaches validation.
#[derive(Debug)]
pub struct CsrfForm<T>(pub T);

#[derive(Deserialize)]
struct TokenField {
    csrf_token: Option<String>,
}

impl<T, S> FromRequest<S> for CsrfForm<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = WebError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let cookie = cookies::read(req.headers(), COOKIE);
        let body = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                WebError::TooLarge
            } else {
                WebError::BadRequest
            }
        })?;
        let sent: TokenField = read_form(&body)?;
        verify(cookie.as_deref(), sent.csrf_token.as_deref())?;
        Ok(CsrfForm(read_form(&body)?))
    }
}

/// Reads a form as browsers send it: a field repeated (ticked boxes) fills a `Vec` field. A
/// field that is not a list but was sent twice (no browser does; a hand-made request may)
/// counts once, its first value, as everywhere else: the form is answered, not refused.
fn read_form<T: DeserializeOwned>(body: &[u8]) -> Result<T, WebError> {
    serde_html_form::from_bytes(body).or_else(|_| {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_bytes(body).map_err(|_| WebError::BadRequest)?;
        // A set of the keys seen, so a body of thousands of fields costs linear time.
        let mut seen = std::collections::HashSet::with_capacity(pairs.len());
        let first: Vec<(String, String)> = pairs
            .into_iter()
            .filter(|(key, _)| seen.insert(key.clone()))
            .collect();
        let once = serde_urlencoded::to_string(&first).map_err(|_| WebError::BadRequest)?;
        serde_html_form::from_str(&once).map_err(|_| WebError::BadRequest)
    })
}

#[cfg(test)]
mod tests {
    use super::read_form;

    #[derive(Debug, Default, serde::Deserialize, PartialEq)]
    #[serde(default)]
    struct Priority {
        title: String,
        statements: Vec<String>,
    }

    #[test]
    fn ticked_boxes_fill_a_list_and_a_field_sent_twice_counts_once() {
        let ticked: Priority =
            read_form(b"title=Homes&statements=WB-I1&statements=WB-I2").expect("a browser's form");
        assert_eq!(ticked.statements, ["WB-I1", "WB-I2"]);
        let twice: Priority =
            read_form(b"title=First&title=Second&statements=WB-I1").expect("answered");
        assert_eq!(twice.title, "First");
    }
}
