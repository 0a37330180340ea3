//! What every page's layout needs, and the one function that renders a page.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use crate::assets;
use crate::error::WebError;
use crate::middleware::csrf::CsrfToken;
use crate::middleware::session::Session;
use crate::middleware::view_mode::{self, ViewMode};

/// The request id header set by the router's first layer.
pub const REQUEST_ID: &str = "x-request-id";

/// A new request id: 128 random bits in hex from the thread's generator (no system call per
/// request, unlike a UUID from the operating system's source).
pub fn new_request_id() -> Option<axum::http::HeaderValue> {
    axum::http::HeaderValue::from_str(&format!("{:032x}", rand::random::<u128>())).ok()
}

/// Marks a response whose body is a rendered page, so the error-page middleware leaves it be.
#[derive(Debug, Clone, Copy)]
pub struct Rendered;

/// The layout's view model: Easy Read mode, the view toggle, asset URLs, the one-time message,
/// and the form token. Every page template has one as `ctx`.
#[derive(Debug, Clone)]
pub struct PageContext {
    pub easy: bool,
    pub path: String,
    pub toggle_href: String,
    pub css_url: String,
    pub js_url: String,
    pub favicon_url: String,
    pub easy_icon_url: String,
    pub request_id: Option<String>,
    /// Someone is signed in: the header offers "Sign out".
    pub signed_in: bool,
    /// A national administrator is signed in: the header links to the admin pages.
    pub is_admin: bool,
    session: Option<Session>,
    csrf: Option<CsrfToken>,
}

impl PageContext {
    /// A context without session or form token: for error pages.
    pub fn bare(view: ViewMode, uri: &Uri, headers: &HeaderMap) -> PageContext {
        PageContext {
            easy: view == ViewMode::EasyRead,
            path: uri.path().to_owned(),
            toggle_href: view_mode::toggle_href(uri, view),
            css_url: assets::url("mir.css"),
            js_url: assets::url("mir.js"),
            favicon_url: assets::url("favicon.svg"),
            easy_icon_url: assets::url("picture-easy-read.svg"),
            request_id: headers
                .get(REQUEST_ID)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            signed_in: false,
            is_admin: false,
            session: None,
            csrf: None,
        }
    }

    /// Whether a navigation link points at this page (`aria-current="page"`).
    pub fn is_current(&self, path: &str) -> bool {
        self.path == path
    }

    /// Whether this page is within a part of the site (`/frameworks/...`).
    pub fn in_section(&self, prefix: &str) -> bool {
        self.path == prefix || self.path.starts_with(&format!("{prefix}/"))
    }

    /// The key under which this page may be kept in the page cache, or `None` if it is for
    /// this visitor alone (signed in, or with a message or draft waiting).
    pub fn page_cache_key(&self, uri: &Uri) -> Option<String> {
        let own_state = self.signed_in || self.session.as_ref().is_some_and(|s| !s.is_empty());
        (!own_state)
            .then(|| crate::cache::page_key(self.easy, uri))
            .flatten()
    }

    /// [`PageContext::page_cache_key`], or `None` when the page holds something typed that may
    /// be personal (a place, a postcode): such a page is never kept.
    pub fn page_cache_key_unless(&self, personal: bool, uri: &Uri) -> Option<String> {
        if personal {
            None
        } else {
            self.page_cache_key(uri)
        }
    }

    /// The one-time message left by the previous request, shown once.
    pub fn flash(&self) -> Option<crate::middleware::session::Flash> {
        self.session.as_ref().and_then(Session::take_flash)
    }

    /// The value for a form's hidden `csrf_token` field.
    pub fn csrf_token(&self) -> &str {
        self.csrf.as_ref().map_or("", CsrfToken::value)
    }

    /// The URL of an embedded picture or file.
    pub fn asset(&self, name: &str) -> String {
        assets::url(name)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PageContext {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let view = parts
            .extensions
            .get::<ViewMode>()
            .copied()
            .unwrap_or_default();
        let mut ctx = PageContext::bare(view, &parts.uri, &parts.headers);
        ctx.session = parts.extensions.get::<Session>().cloned();
        ctx.csrf = parts.extensions.get::<CsrfToken>().cloned();
        if let Some(mir_app::Actor::Person { national_admin, .. }) = parts.extensions.get() {
            ctx.signed_in = true;
            ctx.is_admin = *national_admin;
        }
        Ok(ctx)
    }
}

/// Renders a template as an HTML response with the given status.
pub fn render(status: StatusCode, template: &impl askama::Template) -> Result<Response, WebError> {
    Ok(html(status, template.render()?))
}

/// An HTML page already rendered (or kept in the page cache) as a response.
pub fn html(status: StatusCode, body: impl Into<axum::body::Body>) -> Response {
    let mut response = (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body.into(),
    )
        .into_response();
    response.extensions_mut().insert(Rendered);
    response
}

/// A template that has a page context, so pages can be rendered generically.
pub fn ok(template: &impl askama::Template) -> Result<Response, WebError> {
    render(StatusCode::OK, template)
}
