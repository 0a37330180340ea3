//! Handlers, one module per area of the site. Each handler is thin: extract, call a use-case,
//! render a template.

pub mod contact;
pub mod frameworks;
pub mod home;
pub mod info;
pub mod ops;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use mir_app::Actor;

use crate::error::WebError;

/// Who is making the request, for the policy. Everyone is anonymous until signing in lands.
#[derive(Debug, Clone)]
pub struct CurrentActor(pub Actor);

impl<S: Send + Sync> FromRequestParts<S> for CurrentActor {
    type Rejection = WebError;

    async fn from_request_parts(_parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(CurrentActor(Actor::Anonymous))
    }
}
