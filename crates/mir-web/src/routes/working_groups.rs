//! Working groups under a board, and taking their published priorities into the board's plan
//! (decision 0041).

use crate::params::{Path, Slug};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use mir_app::working_groups::{self, WorkingGroups};
use mir_domain::validation::FieldErrors;

use super::{CurrentActor, Pairs, field};
use crate::AppState;
use crate::error::WebError;
use crate::form::{self, Outcome};
use crate::middleware::csrf::CsrfForm;
use crate::middleware::session::Session;
use crate::page::{PageContext, ok, render};

#[derive(Template)]
#[template(path = "workspace/working_groups.html")]
struct WorkingGroupsPage {
    ctx: PageContext,
    w: WorkingGroups,
    /// What was typed, to show again with its errors: (name, description).
    typed: (String, String),
    errors: FieldErrors,
}

async fn page(
    state: &AppState,
    actor: &mir_app::policy::Actor,
    slug: &str,
    ctx: PageContext,
    typed: (String, String),
    errors: FieldErrors,
) -> Result<WorkingGroupsPage, WebError> {
    Ok(WorkingGroupsPage {
        ctx,
        w: working_groups::overview(&state.store, actor, slug).await?,
        typed,
        errors,
    })
}

/// `GET /manage/organisations/{slug}/working-groups`
pub async fn show(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(slug): Path<Slug>,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let typed = (String::new(), String::new());
    ok(&page(&state, &actor, &slug, ctx, typed, FieldErrors::new()).await?)
}

/// `POST /manage/organisations/{slug}/working-groups`: an administrator makes a working group.
pub async fn form_one(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(slug): Path<Slug>,
    session: Session,
    ctx: PageContext,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<Response, WebError> {
    let (name, description) = (field(&pairs, "name"), field(&pairs, "description"));
    let formed = working_groups::form(&state.store, &actor, &slug, name, description).await;
    match form::answer(formed, "name")? {
        Outcome::Done(new_slug) => Ok(form::saved(
            &session,
            "The working group is made, and you are its administrator. Invite its members, and choose its two co-chairs (one an Expert by Experience or a carer).",
            &format!("/manage/organisations/{new_slug}"),
        )),
        Outcome::Rejected(rejection) => {
            let typed = (name.to_owned(), description.to_owned());
            let page = page(&state, &actor, &slug, ctx, typed, rejection.errors).await?;
            render(rejection.status, &page)
        }
    }
}

/// `POST /manage/organisations/{slug}/working-groups/take`: takes a group's published
/// priority (`group`, `priority`) into the board's draft plan.
pub async fn take(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(slug): Path<Slug>,
    session: Session,
    ctx: PageContext,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<Response, WebError> {
    let group = field(&pairs, "group");
    let priority = field(&pairs, "priority").parse::<i64>().unwrap_or(0);
    let mail = (&state.mailer, state.config.base_url.as_str());
    let taken = working_groups::take(&state.store, mail, &actor, &slug, group, priority).await;
    match form::answer(taken, "offers")? {
        Outcome::Done(title) => Ok(form::saved(
            &session,
            format!(
                "“{title}” is in the draft plan. It is published when both co-chairs approve the plan."
            ),
            &format!("/manage/organisations/{slug}/plan"),
        )),
        Outcome::Rejected(rejection) => {
            let typed = (String::new(), String::new());
            let page = page(&state, &actor, &slug, ctx, typed, rejection.errors).await?;
            render(rejection.status, &page)
        }
    }
}
