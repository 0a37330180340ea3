//! Priorities and action plans: the group's draft (members), approval by both co-chairs, and
//! the public plan page, its version history, Atom feed and embeddable summary.

use std::borrow::Borrow;

use crate::params::{Path, Slug};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use mir_app::Actor;
use mir_app::plans::{self, Approved, PlanWorkspace};
use mir_domain::plan::{ActionStatus, PriorityStatus};
use mir_domain::validation::FieldErrors;

use super::{CurrentActor, Pairs, field};
use crate::AppState;
use crate::error::WebError;
use crate::form::{self, Outcome, Rejection};
use crate::middleware::csrf::CsrfForm;
use crate::middleware::session::Session;
use crate::page::{PageContext, ok, render};

mod priorities;
mod public;

pub use priorities::*;
pub use public::*;

fn base(slug: &str) -> String {
    format!("/manage/organisations/{slug}/plan")
}

fn priority_statuses() -> Vec<(&'static str, &'static str)> {
    PriorityStatus::ALL
        .iter()
        .map(|s| (s.key(), s.label()))
        .collect()
}

fn action_statuses() -> Vec<(&'static str, &'static str)> {
    ActionStatus::ALL
        .iter()
        .map(|s| (s.key(), s.label()))
        .collect()
}

// ---------------------------------------------------------------- The group's plan

#[derive(Template)]
#[template(path = "plans/workspace.html")]
struct PlanPage {
    ctx: PageContext,
    ws: PlanWorkspace,
    errors: FieldErrors,
}

impl PlanPage {
    fn base(&self) -> String {
        base(&self.ws.organisation.slug)
    }

    fn when(&self, at: impl Borrow<i64>) -> String {
        super::when(at.borrow())
    }

    fn status_label(&self, key: &str) -> &'static str {
        plans::status_label(key)
    }

    /// A statement's words (Easy Read words in Easy Read), by its code.
    fn statement_words(&self, code: &str) -> String {
        self.ws
            .framework
            .as_ref()
            .and_then(|f| f.statements.iter().find(|s| s.code == code))
            .map_or_else(
                || code.to_owned(),
                |s| {
                    if self.ctx.easy {
                        s.easy_text.clone()
                    } else {
                        s.text.clone()
                    }
                },
            )
    }
}

/// `GET /manage/organisations/{slug}/plan`
pub async fn show(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(slug): Path<Slug>,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let ws = plans::workspace(&state.store, &actor, &slug).await?;
    ok(&PlanPage {
        ctx,
        ws,
        errors: FieldErrors::new(),
    })
}

/// The plan page again, with why something could not be done (by the approve button).
async fn plan_again(
    state: &AppState,
    actor: &Actor,
    slug: &str,
    ctx: PageContext,
    rejection: Rejection,
) -> Result<Response, WebError> {
    let ws = plans::workspace(&state.store, actor, slug).await?;
    let errors = rejection.errors;
    render(rejection.status, &PlanPage { ctx, ws, errors })
}

/// `POST /manage/organisations/{slug}/plan/approve`
pub async fn approve(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(slug): Path<Slug>,
    session: Session,
    ctx: PageContext,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<Response, WebError> {
    // The revision of the draft the co-chair read; a missing or odd one never matches.
    let seen = field(&pairs, "revision").parse::<i64>().unwrap_or(-1);
    let message = match form::answer(plans::approve(&state.store, (&state.mailer, state.config.base_url.as_str()), &actor, &slug, seen).await, "approve")? {
        Outcome::Done(Approved::Waiting) => "Your approval is recorded. The plan is published when the other co-chair approves it too.".to_owned(),
        Outcome::Done(Approved::Published(n)) => {
            format!("Approved by both co-chairs: version {n} of the plan is now public.")
        }
        Outcome::Rejected(rejection) => {
            return plan_again(&state, &actor, &slug, ctx, rejection).await;
        }
    };
    Ok(form::saved(&session, message, &base(&slug)))
}

/// `POST /manage/organisations/{slug}/plan/settings`
pub async fn settings(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(slug): Path<Slug>,
    session: Session,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<Response, WebError> {
    let directly = field(&pairs, "publish_directly") == "yes";
    plans::set_publish_directly(&state.store, &state.mailer, &actor, &slug, directly).await?;
    let message = if directly {
        "Progress updates and status changes now go public straight away."
    } else {
        "Progress updates now wait for the co-chairs' next approval."
    };
    Ok(form::saved(&session, message, &base(&slug)))
}
