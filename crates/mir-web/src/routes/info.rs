//! The statements every public service publishes: accessibility, privacy and cookies.

use askama::Template;
use axum::response::Response;
use mir_app::policy::{Action, authorize};

use super::CurrentActor;
use crate::error::WebError;
use crate::page::{PageContext, ok};

#[derive(Template)]
#[template(path = "accessibility.html")]
struct AccessibilityPage {
    ctx: PageContext,
}

#[derive(Template)]
#[template(path = "privacy.html")]
struct PrivacyPage {
    ctx: PageContext,
}

#[derive(Template)]
#[template(path = "cookies.html")]
struct CookiesPage {
    ctx: PageContext,
}

pub async fn accessibility(
    CurrentActor(actor): CurrentActor,
    ctx: PageContext,
) -> Result<Response, WebError> {
    authorize(&actor, Action::ViewPublicPages)?;
    ok(&AccessibilityPage { ctx })
}

pub async fn privacy(
    CurrentActor(actor): CurrentActor,
    ctx: PageContext,
) -> Result<Response, WebError> {
    authorize(&actor, Action::ViewPublicPages)?;
    ok(&PrivacyPage { ctx })
}

pub async fn cookies(
    CurrentActor(actor): CurrentActor,
    ctx: PageContext,
) -> Result<Response, WebError> {
    authorize(&actor, Action::ViewPublicPages)?;
    ok(&CookiesPage { ctx })
}
