//! The short way to a kept page. A visitor who is not signed in, asking with GET for a page
//! kept in the page cache, is answered from it before any other layer runs: the
//! headers are the ones the whole stack of layers gave the same page the first time
//! ([`Variants::remember_headers`]), so the answer is the same, without a dozen layers'
//! work per request: a kept plan page with gzip went from 0.77 to 0.95–0.99 of nginx
//! `gzip_static` in the same runs (decision 0033).
//!
//! Anything else, or a page not kept yet, goes the long way, and a kept page's first complete
//! answer is remembered on its way out.

use std::convert::Infallible;
use std::future::{Future, ready};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::{Method, Response as HttpResponse, StatusCode, header};
use axum::response::Response;
use tower::{Layer, Service};

use super::{cookies, metrics, session, view_mode};
use crate::AppState;
use crate::cache::page_key;
use crate::negotiate::{self, Variants};

/// The page-cache key of a request that may take the short way: a GET with no session cookie
/// and no credentials, so it is certainly answered as for any visitor who is not signed in
/// (the long way would use the same key for it), and no `view` choice in the query (that
/// answer sets a cookie, [`view_mode`]).
fn short_way_key(request: &Request) -> Option<String> {
    let headers = request.headers();
    let chooses_view = request.uri().query().is_some_and(|q| {
        q.split('&')
            .any(|pair| pair.split('=').next() == Some("view"))
    });
    let anonymous = request.method() == Method::GET
        && !chooses_view
        && !headers.contains_key(header::AUTHORIZATION)
        && cookies::read(headers, session::COOKIE).is_none();
    anonymous
        .then(|| {
            let mode = view_mode::for_parts(request.uri(), headers);
            page_key(mode == view_mode::ViewMode::EasyRead, request.uri())
        })
        .flatten()
}

/// The layer that puts [`KeptPages`] around the rest.
#[derive(Clone)]
pub struct KeptPagesLayer {
    state: AppState,
}

impl KeptPagesLayer {
    pub fn new(state: AppState) -> KeptPagesLayer {
        KeptPagesLayer { state }
    }
}

impl<S> Layer<S> for KeptPagesLayer {
    type Service = KeptPages<S>;

    fn layer(&self, inner: S) -> KeptPages<S> {
        KeptPages {
            inner,
            state: self.state.clone(),
        }
    }
}

/// A service rather than a `from_fn` middleware: that would copy the whole stack of layers
/// inside it for every request, the short way's included.
#[derive(Clone)]
pub struct KeptPages<S> {
    inner: S,
    state: AppState,
}

type Answer = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

impl<S, B> Service<Request> for KeptPages<S>
where
    S: Service<Request, Response = HttpResponse<B>, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: axum::body::HttpBody<Data = bytes::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Answer;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request) -> Self::Future {
        // A visitor's own request id is sent back (both ways) only if it looks like one: a
        // shared cache in front keeps a public page's headers for everyone (review finding).
        let odd_id = request
            .headers()
            .get(crate::page::REQUEST_ID)
            .is_some_and(|id| !plausible_request_id(id.as_bytes()));
        if odd_id {
            request.headers_mut().remove(crate::page::REQUEST_ID);
        }
        let key = short_way_key(&request);
        if let Some(key) = &key
            && let Some(variants) = self.state.caches.pages.get_variants(key)
            && let Some(headers) = variants.sent_headers()
        {
            let answer = answer_kept(&request, &variants, headers);
            return Box::pin(ready(Ok(answer)));
        }
        // The long way: the service that was made ready is used, a copy stays for next time.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        Box::pin(async move {
            let response = inner.call(request).await?.map(axum::body::Body::new);
            // The first complete answer of a kept page: remember its headers for the short way.
            if key.is_some()
                && response.status() == StatusCode::OK
                && !response.headers().contains_key(header::SET_COOKIE)
                && let Some(variants) = response.extensions().get::<Arc<Variants>>()
            {
                variants.remember_headers(response.headers());
            }
            Ok(response)
        })
    }
}

/// At most 64 letters, digits, `-`, `_` or `.`.
fn plausible_request_id(id: &[u8]) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// What the long way would answer for a kept page, as the request-id, metrics and
/// negotiation layers would have made it.
fn answer_kept(
    request: &Request,
    variants: &Variants,
    headers: &axum::http::HeaderMap,
) -> Response {
    let started = Instant::now();
    ::metrics::counter!("mir_page_cache_hits_total").increment(1);
    // A browser revalidating gets its 304 without a copy of every header.
    let mut response = negotiate::not_modified(request.headers(), headers, variants)
        .unwrap_or_else(|| {
            let (mut parts, ()) = HttpResponse::new(()).into_parts();
            parts.headers = headers.clone();
            negotiate::answer(request.headers(), parts, variants)
        });
    // As the request-id layers do: the visitor's own id is kept, else a new one is made.
    let request_id = request
        .headers()
        .get(crate::page::REQUEST_ID)
        .cloned()
        .or_else(crate::page::new_request_id);
    if let Some(id) = &request_id {
        response
            .headers_mut()
            .insert(crate::page::REQUEST_ID, id.clone());
    }
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str);
    metrics::record_kept(route, response.status(), started, request_id.as_ref());
    response
}
