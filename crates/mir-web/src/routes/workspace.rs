//! An organisation's workspace for its members: the co-production group, invitations,
//! co-chairs, leaving, and handing over administration. Non-members get "not found".

use crate::params::{Path, Slug, Token};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use mir_app::AppError;
use mir_app::members::{self, Workspace};
use mir_domain::organisation::{MAX_CO_CHAIRS, Role};
use mir_domain::validation::FieldErrors;
use serde::Deserialize;

use super::CurrentActor;
use crate::AppState;
use crate::error::WebError;
use crate::form::{self, Outcome};
use crate::middleware::csrf::CsrfForm;
use crate::middleware::session::Session;
use crate::page::{PageContext, ok, render};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct InviteForm {
    email: String,
    role: String,
    co_chair: String,
}

#[derive(Template)]
#[template(path = "workspace/workspace.html")]
struct WorkspacePage {
    ctx: PageContext,
    ws: Workspace,
    form: InviteForm,
    errors: FieldErrors,
    roles: Vec<(&'static str, &'static str)>,
    max_co_chairs: usize,
    /// What needs this person in the group now (shown on the plain page, not after a form).
    waiting: Vec<mir_app::waiting::Waiting>,
}

impl WorkspacePage {
    fn base(&self) -> String {
        format!("/manage/organisations/{}", self.ws.organisation.slug)
    }
}

fn page(ctx: PageContext, ws: Workspace, form: InviteForm, errors: FieldErrors) -> WorkspacePage {
    WorkspacePage {
        ctx,
        ws,
        form,
        errors,
        roles: Role::ALL.iter().map(|r| (r.key(), r.label())).collect(),
        max_co_chairs: MAX_CO_CHAIRS,
        waiting: Vec::new(),
    }
}

/// `GET /manage/organisations/{slug}`
pub async fn show(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(slug): Path<Slug>,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let ws = members::workspace(&state.store, &actor, &slug).await?;
    let mut page = page(ctx, ws, InviteForm::default(), FieldErrors::new());
    page.waiting = mir_app::waiting::in_group(&state.store, &actor, &slug).await?;
    ok(&page)
}

/// `POST /manage/organisations/{slug}/invite`
pub async fn invite(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(slug): Path<Slug>,
    session: Session,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<InviteForm>,
) -> Result<Response, WebError> {
    let co_chair = !form.co_chair.is_empty();
    let base = &state.config.base_url;
    let (store, mailer) = (&state.store, &state.mailer);
    let invited = members::invite(
        store,
        mailer,
        &actor,
        &slug,
        &form.email,
        &form.role,
        co_chair,
        base,
    )
    .await;
    match form::answer(invited, "email")? {
        Outcome::Done(()) => Ok(form::saved(
            &session,
            format!("Invitation sent to {}.", form.email.trim()),
            &format!("/manage/organisations/{slug}"),
        )),
        Outcome::Rejected(rejection) => {
            let ws = members::workspace(&state.store, &actor, &slug).await?;
            render(rejection.status, &page(ctx, ws, form, rejection.errors))
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MemberForm {
    co_chair: String,
    to: String,
}

/// Runs a change to the group, then goes back to the workspace with a message, or shows why
/// it could not be done.
async fn change(
    state: &AppState,
    actor: &mir_app::Actor,
    slug: &str,
    session: &Session,
    ctx: PageContext,
    result: Result<(), AppError>,
    done: &str,
) -> Result<Response, WebError> {
    match form::answer(result, "members")? {
        Outcome::Done(()) => Ok(form::saved(
            session,
            done,
            &format!("/manage/organisations/{slug}"),
        )),
        Outcome::Rejected(rejection) => {
            let ws = members::workspace(&state.store, actor, slug).await?;
            let invite = InviteForm::default();
            render(rejection.status, &page(ctx, ws, invite, rejection.errors))
        }
    }
}

/// `POST /manage/organisations/{slug}/members/{person}/remove`
pub async fn remove(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, person)): Path<(Slug, i64)>,
    session: Session,
    ctx: PageContext,
    CsrfForm(_): CsrfForm<MemberForm>,
) -> Result<Response, WebError> {
    let result = members::remove_member(&state.store, &state.mailer, &actor, &slug, person).await;
    change(
        &state,
        &actor,
        &slug,
        &session,
        ctx,
        result,
        "The member was removed.",
    )
    .await
}

/// `POST /manage/organisations/{slug}/members/{person}/co-chair`
pub async fn co_chair(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, person)): Path<(Slug, i64)>,
    session: Session,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<MemberForm>,
) -> Result<Response, WebError> {
    let on = form.co_chair == "yes";
    let result =
        members::set_co_chair(&state.store, &state.mailer, &actor, &slug, person, on).await;
    let done = if on {
        "The member is now a co-chair."
    } else {
        "The member is no longer a co-chair."
    };
    change(&state, &actor, &slug, &session, ctx, result, done).await
}

/// `POST /manage/organisations/{slug}/transfer`
pub async fn transfer(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(slug): Path<Slug>,
    session: Session,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<MemberForm>,
) -> Result<Response, WebError> {
    let to = form.to.parse::<i64>().unwrap_or(0);
    let result = members::transfer_admin(&state.store, &actor, &slug, to).await;
    change(
        &state,
        &actor,
        &slug,
        &session,
        ctx,
        result,
        "Administration is handed over. You are now a member of staff.",
    )
    .await
}

/// `POST /manage/organisations/{slug}/leave`
pub async fn leave(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(slug): Path<Slug>,
    session: Session,
    ctx: PageContext,
    CsrfForm(_): CsrfForm<MemberForm>,
) -> Result<Response, WebError> {
    match members::leave(&state.store, &state.mailer, &actor, &slug).await {
        Ok(()) => Ok(form::saved(
            &session,
            "You have left the organisation.",
            "/account",
        )),
        other => change(&state, &actor, &slug, &session, ctx, other, "").await,
    }
}

#[derive(Template)]
#[template(path = "workspace/invitation.html")]
struct InvitationPage {
    ctx: PageContext,
    token: Token,
    found: Option<(mir_store::Invitation, mir_store::OrganisationRef)>,
}

/// `GET /invitations/{token}`
pub async fn invitation(
    State(state): State<AppState>,
    Path(token): Path<Token>,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let found = members::invitation(&state.store, &token).await?;
    let status = if found.is_some() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    render(status, &InvitationPage { ctx, token, found })
}

/// `POST /invitations/{token}`: accepts, and signs the invited person in.
pub async fn accept(
    State(state): State<AppState>,
    Path(token): Path<Token>,
    session: Session,
    ctx: PageContext,
    CsrfForm(_): CsrfForm<MemberForm>,
) -> Result<Response, WebError> {
    match members::accept(&state.store, &state.mailer, &token).await? {
        Some((person_id, slug)) => {
            session.sign_in(person_id);
            Ok(form::saved(
                &session,
                "Welcome. You have joined the group.",
                &format!("/manage/organisations/{slug}"),
            ))
        }
        None => render(
            StatusCode::BAD_REQUEST,
            &InvitationPage {
                ctx,
                token,
                found: None,
            },
        ),
    }
}
