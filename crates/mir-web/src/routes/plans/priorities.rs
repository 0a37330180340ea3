//! The group's draft, one priority at a time: its actions (how we get there) and progress
//! updates. Changes wait for both co-chairs' approval; updates may go public at once if the
//! co-chairs chose that.

use crate::params::{Path, Slug};
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use mir_app::Actor;
use mir_app::plans::{self, ActionForm, PlanWorkspace, PriorityForm, UpdateForm};
use mir_domain::framework::{Statement, Theme};
use mir_domain::plan::{ActionStatus, PriorityStatus};
use mir_domain::validation::FieldErrors;

use super::{action_statuses, base, plan_again, priority_statuses};
use crate::AppState;
use crate::error::WebError;
use crate::form::{self, Outcome};
use crate::middleware::csrf::CsrfForm;
use crate::middleware::session::Session;
use crate::page::{PageContext, ok, render};
use crate::routes::CurrentActor;

#[derive(Template)]
#[template(path = "plans/priority.html")]
struct PriorityPage {
    ctx: PageContext,
    ws: PlanWorkspace,
    /// `None` for a new priority.
    id: Option<i64>,
    form: PriorityForm,
    action: ActionForm,
    update: UpdateForm,
    errors: FieldErrors,
    /// Which form the errors belong to: `priority`, `action` or `update`.
    failed: &'static str,
    priority_statuses: Vec<(&'static str, &'static str)>,
    action_statuses: Vec<(&'static str, &'static str)>,
    /// The latest agreed and confirmed position on each statement, shown beside it.
    positions: Vec<plans::PublicPosition>,
}

impl PriorityPage {
    /// The hint for "why": it says so when the box starts with what a review found.
    fn why_hint(&self) -> &'static str {
        if self.id.is_none() && !self.form.review.is_empty() && !self.form.why.trim().is_empty() {
            "We filled this in from the review. Type your own words at the start, or change it."
        } else {
            "For example, what people said in the review"
        }
    }

    fn base(&self) -> String {
        base(&self.ws.organisation.slug)
    }

    fn chosen(&self, code: &str) -> bool {
        self.form.statements.iter().any(|c| c == code)
    }

    /// The statements by theme, so they can be read (and jumped to) a theme at a time.
    fn themes(&self) -> Vec<(Theme, Vec<Statement>)> {
        let Some(framework) = self.ws.framework.as_ref() else {
            return Vec::new();
        };
        framework
            .themes
            .iter()
            .map(|t| {
                let statements = framework
                    .statements
                    .iter()
                    .filter(|s| s.theme == t.code)
                    .cloned()
                    .collect();
                (t.clone(), statements)
            })
            .collect()
    }

    /// The first statement's code: its box carries the field's id, for the error summary.
    fn first_code(&self) -> String {
        self.ws
            .framework
            .as_ref()
            .and_then(|f| f.statements.first())
            .map(|s| s.code.clone())
            .unwrap_or_default()
    }

    /// Whether any of a theme's statements is ticked (its group starts open).
    fn theme_chosen(&self, statements: &[Statement]) -> bool {
        statements.iter().any(|s| self.chosen(&s.code))
    }

    fn position_of(&self, code: &str) -> Option<&plans::PublicPosition> {
        self.positions.iter().find(|p| p.statement_code == code)
    }

    fn error(&self, form: &str, name: &str) -> Option<&str> {
        if self.failed == form {
            self.errors.for_field(name)
        } else {
            None
        }
    }

    fn review_value(&self, id: &i64) -> String {
        id.to_string()
    }
}

/// The priority page, with the agreed positions the statements are shown with.
async fn priority_page(
    state: &AppState,
    ctx: PageContext,
    ws: PlanWorkspace,
    id: Option<i64>,
    form: PriorityForm,
) -> Result<PriorityPage, WebError> {
    let positions =
        plans::agreed_positions(&state.store, ws.organisation.id, ws.framework.as_deref()).await?;
    Ok(PriorityPage {
        positions,
        ctx,
        ws,
        id,
        form,
        action: ActionForm {
            status: ActionStatus::NotStarted.key().into(),
            ..ActionForm::default()
        },
        update: UpdateForm::default(),
        errors: FieldErrors::new(),
        failed: "",
        priority_statuses: priority_statuses(),
        action_statuses: action_statuses(),
    })
}

/// Where a new priority comes from: `?review=ID&statements=CODE…` from a review's summary, or
/// `?session=ID&target=g3` from a card or group of a live session.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct FromReview {
    review: Option<i64>,
    statements: Vec<String>,
    session: Option<i64>,
    target: String,
}

/// `GET /manage/organisations/{slug}/plan/priorities/new`, empty or started from a review.
pub async fn new_priority(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(slug): Path<Slug>,
    RawQuery(query): RawQuery,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let ws = plans::workspace(&state.store, &actor, &slug).await?;
    if !ws.can_edit {
        return Err(WebError::Forbidden);
    }
    // An address that cannot be read is the plain form, not an error.
    let from: FromReview =
        serde_html_form::from_str(query.as_deref().unwrap_or_default()).unwrap_or_default();
    let form = match (from.review, from.session) {
        (Some(review), _) => {
            plans::priority_from_review(&state.store, &actor, &slug, review, &from.statements)
                .await?
        }
        (None, Some(session)) => {
            mir_app::live::priority_from_session(&state.store, &actor, &slug, session, &from.target)
                .await?
        }
        (None, None) => PriorityForm {
            status: PriorityStatus::Proposed.key().into(),
            ..PriorityForm::default()
        },
    };
    ok(&priority_page(&state, ctx, ws, None, form).await?)
}

/// `GET /manage/organisations/{slug}/plan/priorities/{id}`
pub async fn priority(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, id)): Path<(Slug, i64)>,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let ws = plans::workspace(&state.store, &actor, &slug).await?;
    let form = ws.priority_form(id).ok_or(WebError::NotFound)?;
    ok(&priority_page(&state, ctx, ws, Some(id), form).await?)
}

async fn save_priority(
    state: &AppState,
    actor: &Actor,
    slug: &str,
    id: Option<i64>,
    session: &Session,
    ctx: PageContext,
    form: PriorityForm,
) -> Result<Response, WebError> {
    let saved = plans::save_priority(&state.store, actor, slug, id, &form).await;
    match form::answer(saved, "approve")? {
        Outcome::Done(saved) => Ok(form::saved(
            session,
            if id.is_some() {
                "The priority is saved. The public plan changes when both co-chairs approve it."
            } else {
                "The priority is added. Now add the actions: how you get there."
            },
            // A new priority's page starts with a link to its next step, adding actions.
            &format!("{}/priorities/{saved}", base(slug)),
        )),
        Outcome::Rejected(rejection) if rejection.is_conflict() => {
            plan_again(state, actor, slug, ctx, rejection).await
        }
        Outcome::Rejected(rejection) => {
            let ws = plans::workspace(&state.store, actor, slug).await?;
            let mut page = priority_page(state, ctx, ws, id, form).await?;
            page.errors = rejection.errors;
            page.failed = "priority";
            render(rejection.status, &page)
        }
    }
}

/// `POST /manage/organisations/{slug}/plan/priorities/new`
pub async fn create_priority(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(slug): Path<Slug>,
    session: Session,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<PriorityForm>,
) -> Result<Response, WebError> {
    save_priority(&state, &actor, &slug, None, &session, ctx, form).await
}

/// `POST /manage/organisations/{slug}/plan/priorities/{id}`
pub async fn update_priority(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, id)): Path<(Slug, i64)>,
    session: Session,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<PriorityForm>,
) -> Result<Response, WebError> {
    save_priority(&state, &actor, &slug, Some(id), &session, ctx, form).await
}

/// `POST /manage/organisations/{slug}/plan/priorities/{id}/actions`
pub async fn add_action(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, id)): Path<(Slug, i64)>,
    session: Session,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<ActionForm>,
) -> Result<Response, WebError> {
    let saved = plans::save_action(&state.store, &actor, &slug, id, None, &form).await;
    match form::answer(saved, "what")? {
        Outcome::Done(()) => Ok(form::saved(
            &session,
            "The action is added.",
            &format!("{}/priorities/{id}", base(&slug)),
        )),
        Outcome::Rejected(rejection) => {
            let ws = plans::workspace(&state.store, &actor, &slug).await?;
            let current = ws.priority_form(id).ok_or(WebError::NotFound)?;
            let mut page = priority_page(&state, ctx, ws, Some(id), current).await?;
            page.action = form;
            page.errors = rejection.errors;
            page.failed = "action";
            render(rejection.status, &page)
        }
    }
}

/// `POST /manage/organisations/{slug}/plan/priorities/{id}/updates`
pub async fn add_update(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, id)): Path<(Slug, i64)>,
    session: Session,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<UpdateForm>,
) -> Result<Response, WebError> {
    let added = plans::add_update(&state.store, &actor, &slug, id, &form).await;
    match form::answer(added, "note")? {
        Outcome::Done(public) => Ok(form::saved(
            &session,
            if public {
                "The update is added and is public now."
            } else {
                "The update is added. It goes public with the next plan the co-chairs approve."
            },
            &format!("{}/priorities/{id}", base(&slug)),
        )),
        Outcome::Rejected(rejection) => {
            let ws = plans::workspace(&state.store, &actor, &slug).await?;
            let current = ws.priority_form(id).ok_or(WebError::NotFound)?;
            let mut page = priority_page(&state, ctx, ws, Some(id), current).await?;
            page.update = form;
            page.errors = rejection.errors;
            page.failed = "update";
            render(rejection.status, &page)
        }
    }
}

#[derive(Template)]
#[template(path = "plans/action.html")]
struct ActionPage {
    ctx: PageContext,
    ws: PlanWorkspace,
    priority_id: i64,
    priority_title: String,
    id: i64,
    form: ActionForm,
    errors: FieldErrors,
    action_statuses: Vec<(&'static str, &'static str)>,
}

impl ActionPage {
    fn base(&self) -> String {
        base(&self.ws.organisation.slug)
    }
}

/// `GET /manage/organisations/{slug}/plan/actions/{id}`
pub async fn action(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, id)): Path<(Slug, i64)>,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let ws = plans::workspace(&state.store, &actor, &slug).await?;
    if !ws.can_edit {
        return Err(WebError::Forbidden);
    }
    let (p, a) = ws.action(id).ok_or(WebError::NotFound)?;
    let (priority_id, priority_title) = (p.row.id, p.row.record.title.clone());
    let form = ActionForm {
        what: a.record.what.clone(),
        lead: a.record.lead.clone(),
        involved: a.record.involved.clone(),
        due_on: a.record.due_on.clone().unwrap_or_default(),
        review_on: a.record.review_on.clone().unwrap_or_default(),
        status: a.record.status.clone(),
        ..ActionForm::default()
    }
    .with_dates();
    ok(&ActionPage {
        ctx,
        ws,
        priority_id,
        priority_title,
        id,
        form,
        errors: FieldErrors::new(),
        action_statuses: action_statuses(),
    })
}

/// `POST /manage/organisations/{slug}/plan/actions/{id}`
pub async fn update_action(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, id)): Path<(Slug, i64)>,
    session: Session,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<ActionForm>,
) -> Result<Response, WebError> {
    let ws = plans::workspace(&state.store, &actor, &slug).await?;
    let (p, _) = ws.action(id).ok_or(WebError::NotFound)?;
    let (priority_id, priority_title) = (p.row.id, p.row.record.title.clone());
    let saved = plans::save_action(&state.store, &actor, &slug, priority_id, Some(id), &form).await;
    match form::answer(saved, "what")? {
        Outcome::Done(()) => Ok(form::saved(
            &session,
            "The action is saved. The public plan changes when both co-chairs approve it.",
            &format!("{}/priorities/{priority_id}", base(&slug)),
        )),
        Outcome::Rejected(rejection) => render(
            rejection.status,
            &ActionPage {
                ctx,
                ws,
                priority_id,
                priority_title,
                id,
                form,
                errors: rejection.errors,
                action_statuses: action_statuses(),
            },
        ),
    }
}
