//! Turns every error status that no template rendered into a friendly page.

use askama::Template;
use axum::body::Body;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderMap, HeaderName, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use super::view_mode;
use crate::error::{ErrorDetail, ErrorReason};
use crate::page::{PageContext, REQUEST_ID, Rendered, render};

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    ctx: PageContext,
    reason: ErrorReason,
    status: u16,
}

impl ErrorPage {
    fn title(&self) -> &'static str {
        match self.reason {
            ErrorReason::NotFound => "Page not found",
            ErrorReason::MethodNotAllowed => "This page cannot do that",
            ErrorReason::BadRequest => "Sorry, we could not understand that",
            ErrorReason::Forbidden => "You cannot see or do this",
            ErrorReason::CsrfRejected => "Your form could not be sent",
            ErrorReason::TooLarge => "What you sent is too large",
            ErrorReason::TooManyRequests => "Too many attempts",
            ErrorReason::Unavailable => "Sorry, the service is busy",
            ErrorReason::Internal => "Sorry, there is a problem with the service",
            ErrorReason::Conflict => "This cannot be done now",
        }
    }

    fn is(&self, name: &str) -> bool {
        let key = match self.reason {
            ErrorReason::NotFound => "not-found",
            ErrorReason::MethodNotAllowed => "method",
            ErrorReason::BadRequest => "bad-request",
            ErrorReason::Forbidden => "forbidden",
            ErrorReason::CsrfRejected => "csrf",
            ErrorReason::TooLarge => "too-large",
            ErrorReason::TooManyRequests => "too-many",
            ErrorReason::Unavailable => "unavailable",
            ErrorReason::Internal => "internal",
            ErrorReason::Conflict => "conflict",
        };
        key == name
    }
}

pub async fn middleware(req: Request, next: Next) -> Response {
    // Keep only what an error page needs (the address, the view cookie, the request id):
    // this runs for every request and almost none of them fail.
    let uri = req.uri().clone();
    let mut request_headers = HeaderMap::new();
    for name in [header::COOKIE, HeaderName::from_static(REQUEST_ID)] {
        for value in req.headers().get_all(&name) {
            request_headers.append(name.clone(), value.clone());
        }
    }
    let route = req.extensions().get::<MatchedPath>().cloned();
    let is_head = req.method() == axum::http::Method::HEAD;
    let response = next.run(req).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error())
        || response.extensions().get::<Rendered>().is_some()
    {
        return response;
    }
    let reason = response
        .extensions()
        .get::<ErrorReason>()
        .copied()
        .unwrap_or_else(|| ErrorReason::from_status(status));
    if reason == ErrorReason::Internal {
        // The route, not the path: paths can hold tokens (sign-in links, invitations).
        tracing::error!(
            status = status.as_u16(),
            route = route.as_ref().map_or("unmatched", MatchedPath::as_str),
            request_id = request_headers
                .get(REQUEST_ID)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-"),
            error = response
                .extensions()
                .get::<ErrorDetail>()
                .map_or("(no detail)", |d| d.0.as_str()),
            "server error page shown"
        );
    }
    let view = view_mode::for_parts(&uri, &request_headers);
    let page = ErrorPage {
        ctx: PageContext::bare(view, &uri, &request_headers),
        reason,
        status: status.as_u16(),
    };
    let (parts, _) = response.into_parts();
    let mut friendly = match render(status, &page) {
        Ok(friendly) => friendly,
        Err(_) => {
            let mut plain =
                Response::new(Body::from("Sorry, there is a problem with the service."));
            *plain.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            plain
        }
    };
    // Keep what the original response said about itself (Allow, Retry-After, cookies).
    for (name, value) in parts.headers.iter() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            friendly.headers_mut().append(name.clone(), value.clone());
        }
    }
    if is_head {
        *friendly.body_mut() = Body::empty();
    }
    friendly
}
