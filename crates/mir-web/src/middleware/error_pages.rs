//! Turns every error status that no template rendered into a friendly page.

use askama::Template;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use super::view_mode;
use crate::error::ErrorReason;
use crate::page::{PageContext, Rendered, render};

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
        };
        key == name
    }
}

pub async fn middleware(req: Request, next: Next) -> Response {
    let view = view_mode::for_request(&req);
    let uri = req.uri().clone();
    let request_headers = req.headers().clone();
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
        tracing::error!(
            status = status.as_u16(),
            path = uri.path(),
            "server error page shown"
        );
    }
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
