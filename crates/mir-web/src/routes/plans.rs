//! Priorities and action plans: the group's draft (members), approval by both co-chairs, and
//! the public plan page, its version history, Atom feed and embeddable summary.

use std::borrow::Borrow;

use crate::params::{Path, Slug};
use askama::Template;
use axum::extract::State;
use axum::extract::{FromRequestParts, Request};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use mir_app::Actor;
use mir_app::plans::{
    self, ActionForm, Approved, PlanWorkspace, PriorityForm, PublicPlan, PublishedVersion,
    UpdateForm,
};
use mir_domain::framework::Statement;
use mir_domain::plan::{ActionStatus, PriorityStatus};
use mir_domain::validation::FieldErrors;

use super::{CurrentActor, Pairs, field};
use crate::AppState;
use crate::cache::PageCache;
use crate::error::WebError;
use crate::form::{self, Outcome, Rejection};
use crate::middleware::csrf::CsrfForm;
use crate::middleware::session::Session;
use crate::page::{PageContext, ok, render};

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
    let message = match form::answer(plans::approve(&state.store, &actor, &slug, seen).await, "approve")? {
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

// ---------------------------------------------------------------- A priority

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

fn priority_form(pairs: &Pairs) -> PriorityForm {
    PriorityForm {
        title: field(pairs, "title").to_owned(),
        statements: pairs
            .iter()
            .filter(|(k, _)| k == "statements")
            .map(|(_, v)| v.clone())
            .collect(),
        target: field(pairs, "target").to_owned(),
        why: field(pairs, "why").to_owned(),
        review: field(pairs, "review").to_owned(),
        status: field(pairs, "status").to_owned(),
        dropped_reason: field(pairs, "dropped_reason").to_owned(),
    }
}

fn form_of(ws: &PlanWorkspace, id: i64) -> Option<PriorityForm> {
    ws.priority(id).map(|p| PriorityForm {
        title: p.row.record.title.clone(),
        statements: p.row.record.statements.clone(),
        target: p.row.record.target.clone(),
        why: p.row.record.why.clone(),
        review: p
            .row
            .record
            .review_id
            .map(|r| r.to_string())
            .unwrap_or_default(),
        status: p.row.record.status.clone(),
        dropped_reason: p.row.record.dropped_reason.clone(),
    })
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
    let form = form_of(&ws, id).ok_or(WebError::NotFound)?;
    ok(&priority_page(ctx, ws, Some(id), form))
}

async fn save_priority(
    state: &AppState,
    actor: &Actor,
    slug: &str,
    id: Option<i64>,
    session: &Session,
    ctx: PageContext,
    pairs: &Pairs,
) -> Result<Response, WebError> {
    let form = priority_form(pairs);
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
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<Response, WebError> {
    save_priority(&state, &actor, &slug, None, &session, ctx, &pairs).await
}

/// `POST /manage/organisations/{slug}/plan/priorities/{id}`
pub async fn update_priority(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, id)): Path<(Slug, i64)>,
    session: Session,
    ctx: PageContext,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<Response, WebError> {
    save_priority(&state, &actor, &slug, Some(id), &session, ctx, &pairs).await
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
            let current = form_of(&ws, id).ok_or(WebError::NotFound)?;
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
            let current = form_of(&ws, id).ok_or(WebError::NotFound)?;
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

// ---------------------------------------------------------------- What the public sees

#[derive(Template)]
#[template(path = "plans/public.html")]
struct PublicPage {
    ctx: PageContext,
    plan: PublicPlan,
    /// The version shown: the current one, or an older one from the history.
    shown: Option<PublishedVersion>,
    is_current: bool,
    base_url: String,
    /// "Who else is working on this?" for each priority shown, by priority id.
    others: Vec<(i64, Vec<mir_app::directory::OtherOrganisation>)>,
    /// "How we are doing": confirmed review positions (current page only).
    positions: Vec<mir_app::plans::PublicPosition>,
}

impl PublicPage {
    fn contact_href(&self, about: &str) -> String {
        let query = serde_urlencoded::to_string([("about", about)]).unwrap_or_default();
        format!("/organisations/{}/contact?{query}", self.plan.profile.slug)
    }

    fn others_for(&self, id: impl Borrow<i64>) -> &[mir_app::directory::OtherOrganisation] {
        let id = *id.borrow();
        self.others
            .iter()
            .find(|(p, _)| *p == id)
            .map_or(&[], |(_, o)| o.as_slice())
    }

    fn statement_text(&self, code: &str) -> String {
        self.plan
            .framework
            .as_ref()
            .and_then(|f| f.statement(code))
            .map(|s| {
                if self.ctx.easy {
                    s.easy_text.clone()
                } else {
                    s.text.clone()
                }
            })
            .unwrap_or_default()
    }

    fn framework_link(&self) -> Option<(String, String)> {
        self.plan.framework.as_ref().map(|f| {
            (
                format!("/frameworks/{}?version={}", f.meta.slug, f.meta.version),
                format!("{}, version {}", f.meta.title, f.meta.version),
            )
        })
    }

    fn date(&self, at: impl Borrow<i64>) -> String {
        super::when(at.borrow())
            .split(',')
            .next()
            .unwrap_or_default()
            .to_owned()
    }

    fn status_label(&self, key: &str) -> &'static str {
        plans::status_label(key)
    }

    fn kind_label(&self) -> &'static str {
        mir_domain::organisation::OrganisationKind::ALL
            .into_iter()
            .find(|k| k.key() == self.plan.profile.kind)
            .map_or("Organisation", |k| k.label())
    }

    fn day(&self, iso: &str) -> String {
        super::day(iso)
    }

    fn embed_snippet(&self) -> String {
        format!(
            "<iframe src=\"{}/embed/organisations/{}\" title=\"Our Making it Real plan\" width=\"100%\" height=\"420\" style=\"border:1px solid #b1b4b6\"></iframe>\n<p><a href=\"{}/organisations/{}\">Read our full Making it Real plan</a></p>",
            self.base_url, self.plan.profile.slug, self.base_url, self.plan.profile.slug
        )
    }
}

/// `GET /organisations/{slug}`: the public plan.
///
/// The busiest page: for visitors who are not signed in it is built once and kept in the page
/// cache until something changes (see `cache::PageCache`).
pub async fn public(
    State(state): State<AppState>,
    Path(slug): Path<Slug>,
    request: Request,
) -> Result<Response, WebError> {
    let (mut parts, _) = request.into_parts();
    let pages = &state.caches.pages;
    let key = PageCache::key_for(&parts);
    pages
        .serve(key, || async {
            // Only now: the layout's context takes a little time, and a kept page needs none.
            let ctx = PageContext::from_request_parts(&mut parts, &state).await?;
            let plan = plans::public_plan(&state.store, &slug).await?;
            let shown = plan.current.clone();
            let mut others = Vec::new();
            if let Some(version) = &shown {
                use mir_store::DirectoryRepo;
                let my_areas = state.store.organisation_areas(plan.profile.id).await?;
                let me = plan.profile.id;
                let lists: Vec<Vec<String>> = version
                    .plan
                    .priorities
                    .iter()
                    .map(|p| p.statements.clone())
                    .collect();
                let (store, areas) = (&state.store, &my_areas);
                // One set of queries for every priority at once (never one per priority).
                let found = state
                    .caches
                    .who_else_by_plan
                    .get_or(format!("plan:{me}:{}", version.number), || async move {
                        mir_app::directory::who_else_for_each(store, &lists, Some(me), areas, 3)
                            .await
                            .map(std::sync::Arc::new)
                    })
                    .await?;
                others = version
                    .plan
                    .priorities
                    .iter()
                    .map(|p| p.id)
                    .zip(found.iter().cloned())
                    .collect();
            }
            let page = PublicPage {
                ctx,
                positions: plans::how_we_are_doing(&state.store, &plan).await?,
                plan,
                shown,
                is_current: true,
                base_url: state.config.base_url.clone(),
                others,
            };
            Ok(page.render()?)
        })
        .await
}

/// `GET /organisations/{slug}/versions/{number}`: an older (or the latest) published version.
pub async fn version(
    State(state): State<AppState>,
    Path((slug, number)): Path<(Slug, i64)>,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let plan = plans::public_plan(&state.store, &slug).await?;
    let shown = plan.version(number).cloned().ok_or(WebError::NotFound)?;
    ok(&PublicPage {
        ctx,
        plan,
        positions: Vec::new(),
        shown: Some(shown),
        is_current: false,
        base_url: state.config.base_url.clone(),
        others: Vec::new(),
    })
}

#[derive(Template)]
#[template(path = "plans/versions.html")]
struct VersionsPage {
    ctx: PageContext,
    plan: PublicPlan,
}

impl VersionsPage {
    fn when(&self, at: impl Borrow<i64>) -> String {
        super::when(at.borrow())
    }
}

/// `GET /organisations/{slug}/versions`: every published version and what changed.
pub async fn versions(
    State(state): State<AppState>,
    Path(slug): Path<Slug>,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let plan = plans::public_plan(&state.store, &slug).await?;
    ok(&VersionsPage { ctx, plan })
}

#[derive(Template)]
#[template(path = "plans/feed.xml")]
struct Feed {
    plan: PublicPlan,
    base_url: String,
}

impl Feed {
    fn rfc3339(&self, at: impl Borrow<i64>) -> String {
        time::OffsetDateTime::from_unix_timestamp(*at.borrow())
            .ok()
            .and_then(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            })
            .unwrap_or_else(|| "1970-01-01T00:00:00Z".into())
    }

    fn updated(&self) -> i64 {
        let latest_update = self.plan.timeline.first().map_or(0, |u| u.at);
        let latest_version = self.plan.versions.first().map_or(0, |v| v.published_at);
        latest_update
            .max(latest_version)
            .max(self.plan.profile.signed_up_at)
    }

    fn status_label(&self, key: &str) -> &'static str {
        plans::status_label(key)
    }
}

/// `GET /organisations/{slug}/feed.atom`: published versions and progress updates.
pub async fn feed(
    State(state): State<AppState>,
    Path(slug): Path<Slug>,
) -> Result<Response, WebError> {
    let plan = plans::public_plan(&state.store, &slug).await?;
    let body = Feed {
        plan,
        base_url: state.config.base_url.clone(),
    }
    .render()
    .map_err(WebError::Template)?;
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        body,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "plans/embed.html")]
struct EmbedPage {
    plan: PublicPlan,
    base_url: String,
    css_url: String,
}

impl EmbedPage {
    fn status_label(&self, key: &str) -> &'static str {
        plans::status_label(key)
    }

    fn date(&self, at: impl Borrow<i64>) -> String {
        super::when(at.borrow())
            .split(',')
            .next()
            .unwrap_or_default()
            .to_owned()
    }
}

/// `GET /embed/organisations/{slug}`: a tiny page for the organisation's own website. The one
/// page that may be framed; it sets no cookies (see `middleware::security_headers`).
pub async fn embed(
    State(state): State<AppState>,
    Path(slug): Path<Slug>,
) -> Result<Response, WebError> {
    let plan = plans::public_plan(&state.store, &slug).await?;
    let page = EmbedPage {
        plan,
        base_url: state.config.base_url.clone(),
        css_url: crate::assets::url("embed.css"),
    };
    render(StatusCode::OK, &page)
}
