//! The group's draft, one priority at a time: its actions (how we get there) and progress
//! updates. Changes wait for both co-chairs' approval; updates may go public at once if the
//! co-chairs chose that.

use crate::params::{Path, Slug};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use mir_app::Actor;
use mir_app::plans::{self, ActionForm, PlanWorkspace, PriorityForm, UpdateForm};
use mir_domain::framework::Statement;
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
}

impl PriorityPage {
    fn base(&self) -> String {
        base(&self.ws.organisation.slug)
    }

    fn chosen(&self, code: &str) -> bool {
        self.form.statements.iter().any(|c| c == code)
    }

    fn statements(&self) -> Vec<Statement> {
        self.ws
            .framework
            .as_ref()
            .map(|f| f.statements.clone())
            .unwrap_or_default()
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

fn priority_page(
    ctx: PageContext,
    ws: PlanWorkspace,
    id: Option<i64>,
    form: PriorityForm,
) -> PriorityPage {
    PriorityPage {
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
    }
}

/// `GET /manage/organisations/{slug}/plan/priorities/new`
pub async fn new_priority(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(slug): Path<Slug>,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let ws = plans::workspace(&state.store, &actor, &slug).await?;
    if !ws.can_edit {
        return Err(WebError::Forbidden);
    }
    let form = PriorityForm {
        status: PriorityStatus::Proposed.key().into(),
        ..PriorityForm::default()
    };
    ok(&priority_page(ctx, ws, None, form))
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
    ok(&priority_page(ctx, ws, Some(id), form))
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
            &format!("{}/priorities/{saved}", base(slug)),
        )),
        Outcome::Rejected(rejection) if rejection.is_conflict() => {
            plan_again(state, actor, slug, ctx, rejection).await
        }
        Outcome::Rejected(rejection) => {
            let ws = plans::workspace(&state.store, actor, slug).await?;
            let mut page = priority_page(ctx, ws, id, form);
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
            let mut page = priority_page(ctx, ws, Some(id), current);
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
            let mut page = priority_page(ctx, ws, Some(id), current);
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
    };
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
