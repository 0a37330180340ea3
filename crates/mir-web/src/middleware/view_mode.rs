//! Easy Read mode: `?view=easy` (or `?view=standard`) on any page switches, and a cookie
//! remembers the choice for later pages.

use axum::extract::{Request, State};
use axum::http::Uri;
use axum::middleware::Next;
use axum::response::Response;
use cookie::SameSite;

use super::cookies::{self, CookieSpec};
use crate::AppState;

pub const COOKIE: &str = "mir_view";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ViewMode {
    #[default]
    Standard,
    EasyRead,
}

impl ViewMode {
    fn parse(value: &str) -> Option<ViewMode> {
        match value {
            "easy" => Some(ViewMode::EasyRead),
            "standard" => Some(ViewMode::Standard),
            _ => None,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            ViewMode::Standard => "standard",
            ViewMode::EasyRead => "easy",
        }
    }

    pub fn other(self) -> ViewMode {
        match self {
            ViewMode::Standard => ViewMode::EasyRead,
            ViewMode::EasyRead => ViewMode::Standard,
        }
    }
}

/// The mode asked for in the query string, if any.
pub fn from_query(uri: &Uri) -> Option<ViewMode> {
    let query = uri.query()?;
    serde_urlencoded::from_str::<Vec<(String, String)>>(query)
        .ok()?
        .into_iter()
        .find(|(key, _)| key == "view")
        .and_then(|(_, value)| ViewMode::parse(&value))
}

/// The mode for this request: the query string wins over the remembered choice.
pub fn for_request(req: &Request) -> ViewMode {
    for_parts(req.uri(), req.headers())
}

/// [`for_request`] from the address and headers alone.
pub fn for_parts(uri: &Uri, headers: &axum::http::HeaderMap) -> ViewMode {
    from_query(uri)
        .or_else(|| cookies::read(headers, COOKIE).and_then(|v| ViewMode::parse(&v)))
        .unwrap_or_default()
}

/// The same page's URL in the other mode, keeping any other query parameters.
pub fn toggle_href(uri: &Uri, current: ViewMode) -> String {
    let mut pairs: Vec<(String, String)> = uri
        .query()
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default();
    pairs.retain(|(key, _)| key != "view");
    pairs.push(("view".into(), current.other().key().into()));
    let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    // Only the query: a browser keeps the current path. The path is request text, and written
    // back into a link it could point elsewhere (`//other.example/x` is another site).
    format!("?{query}")
}

/// Remembers a mode on this device (the choice of the query string, or of a person who chose
/// Easy Read for good when they sign in).
pub fn remember(headers: &mut axum::http::HeaderMap, mode: ViewMode, https: bool) {
    let spec = CookieSpec {
        same_site: SameSite::Lax,
        secure: https,
        max_age: Some(time::Duration::days(365)),
    };
    cookies::set(headers, COOKIE, mode.key(), spec);
}

pub async fn middleware(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let mode = for_request(&req);
    let asked = from_query(req.uri());
    req.extensions_mut().insert(mode);
    let mut response = next.run(req).await;
    if let Some(asked) = asked {
        remember(response.headers_mut(), asked, state.config.https);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toggles_keep_other_parameters() {
        let uri: Uri = "/search?q=care&view=easy".parse().expect("uri");
        assert_eq!(from_query(&uri), Some(ViewMode::EasyRead));
        assert_eq!(
            toggle_href(&uri, ViewMode::EasyRead),
            "?q=care&view=standard"
        );
        let plain: Uri = "/".parse().expect("uri");
        assert_eq!(toggle_href(&plain, ViewMode::Standard), "?view=easy");
        let elsewhere: Uri = "//evil.example/x".parse().expect("uri");
        assert_eq!(toggle_href(&elsewhere, ViewMode::Standard), "?view=easy");
        let odd: Uri = "/?view=%ZZ".parse().expect("uri");
        assert_eq!(from_query(&odd), None);
    }
}
