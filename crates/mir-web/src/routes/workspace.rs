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
    undo_days: i64,
    /// What needs this person in the group now (shown on the plain page, not after a form).
    waiting: Vec<mir_app::waiting::Waiting>,
}

impl WorkspacePage {
    /// A moment's day in words ("8 December 2026").
    fn day_of(&self, at: &i64) -> String {
        mir_domain::dates::in_words(*at)
    }

    fn base(&self) -> String {
        format!("/manage/organisations/{}", self.ws.organisation.slug)
    }

    /// The first steps of a new group, for its administrators: `(done, what, where)`. Shown
    /// until the group has people and a co-chair with lived experience.
    fn getting_started(&self) -> Vec<(bool, &'static str, String)> {
        let ws = &self.ws;
        let lived_experience_co_chair = ws
            .members
            .iter()
            .any(|m| m.is_co_chair && matches!(m.role, Role::ExpertByExperience | Role::Carer));
        if !ws.is_admin() || (ws.members.len() >= 3 && lived_experience_co_chair) {
            return Vec::new();
        }
        let base = self.base();
        vec![
            (
                !ws.me.display_name.is_empty(),
                "Choose the name others in the group see",
                "/account/name".to_owned(),
            ),
            (
                ws.members.len() > 1 || !ws.invitations.is_empty(),
                "Invite people who use your services, carers and staff",
                format!("{base}#invite"),
            ),
            (
                lived_experience_co_chair
                    || ws.invitations.iter().any(|i| {
                        i.is_co_chair && matches!(i.role, Role::ExpertByExperience | Role::Carer)
                    }),
                "Choose two co-chairs: one an Expert by Experience or a carer",
                format!("{base}#members"),
            ),
            (
                false,
                "Say who you are on your public page",
                format!("{base}/details"),
            ),
            (
                false,
                "Open your first review: how are we doing?",
                format!("{base}/reviews"),
            ),
        ]
    }

    /// Whether a request to change this co-chair is already waiting.
    fn request_waits_about(&self, person_id: &i64) -> bool {
        self.ws
            .co_chair_requests
            .iter()
            .any(|r| r.person_id == *person_id)
    }

    /// The co-chairs by name and role, for everyone in the group to see.
    /// Whether the person looking sees this member's email address: their own, and, for an
    /// administrator, everyone's; in a partnership, only those of the people who came in
    /// through the same partner as them (their own organisation shares their address, not its
    /// partners).
    fn sees_email(&self, m: &mir_store::Member) -> bool {
        let me = &self.ws.me;
        let same_organisation = if self.ws.organisation.is_partnership() {
            m.via_organisation_id.is_some() && m.via_organisation_id == me.via_organisation_id
        } else {
            true
        };
        m.person_id == me.person_id || (self.ws.is_admin() && same_organisation)
    }

    /// A line of the recent changes. In a partnership, addresses are left out (people come
    /// from several organisations; an administrator sees their own organisation's only).
    fn change_line(&self, text: String) -> String {
        if !self.ws.organisation.is_partnership() {
            return text;
        }
        text.split(' ')
            .map(|word| if word.contains('@') { "a member" } else { word })
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn co_chair_names(&self) -> String {
        self.ws
            .members
            .iter()
            .filter(|m| m.is_co_chair)
            .map(|m| format!("{} ({})", m.shown_name(), m.role.label()))
            .collect::<Vec<_>>()
            .join(" and ")
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
        undo_days: members::UNDO_DAYS,
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

/// Runs a change to the group, then goes back to the workspace with what happened (`result`
/// carries the message), or shows why it could not be done.
async fn change(
    state: &AppState,
    actor: &mir_app::Actor,
    slug: &str,
    session: &Session,
    ctx: PageContext,
    result: Result<String, AppError>,
) -> Result<Response, WebError> {
    match form::answer(result, "members")? {
        Outcome::Done(done) => Ok(form::saved(
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

/// A page that says what a change to the group will do before it is done.
#[derive(Template)]
#[template(path = "workspace/confirm.html")]
struct ConfirmPage {
    ctx: PageContext,
    organisation: String,
    back: String,
    heading: String,
    /// What will happen, one sentence each.
    points: Vec<String>,
    action: String,
    /// Hidden fields the form sends.
    fields: Vec<(&'static str, String)>,
    button: String,
    /// A red button: the change is hard to take back.
    warning: bool,
}

/// The member a change is about, and the workspace, for those who may make the change: the
/// group's administrators, or a co-chair about themself.
async fn member_to_change(
    state: &AppState,
    actor: &mir_app::Actor,
    slug: &str,
    person: i64,
) -> Result<(Workspace, mir_store::Member), WebError> {
    let ws = members::workspace(&state.store, actor, slug).await?;
    let target = ws
        .members
        .iter()
        .find(|m| m.person_id == person)
        .cloned()
        .ok_or(AppError::NotFound)?;
    let stepping_down = target.person_id == ws.me.person_id && target.is_co_chair;
    if !ws.is_admin() && !stepping_down {
        return Err(AppError::Forbidden.into());
    }
    Ok((ws, target))
}

/// Who must agree to a change of this co-chair, in words: they, or another co-chair who is
/// not the one asking.
fn who_must_agree(ws: &Workspace, target: &mir_store::Member) -> String {
    let name = target.shown_name();
    let another_co_chair = ws.members.iter().any(|m| {
        m.is_co_chair && m.person_id != target.person_id && m.person_id != ws.me.person_id
    });
    if another_co_chair {
        format!("{name} or the other co-chair agrees")
    } else {
        format!("{name} agrees")
    }
}

/// `GET /manage/organisations/{slug}/members/{person}/remove`: what removing them does.
pub async fn remove_page(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, person)): Path<(Slug, i64)>,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let (ws, target) = member_to_change(&state, &actor, &slug, person).await?;
    if !ws.is_admin() || target.person_id == ws.me.person_id {
        return Err(AppError::Forbidden.into());
    }
    let name = target.shown_name();
    let mut points = vec![
        format!("{name} will no longer see the group's pages, reviews or plan."),
        "The views they gave stay in the reviews.".to_owned(),
        format!("We email {name} to say so, and who did it."),
        format!(
            "You can add them back for {} days, with the same role, from this page.",
            members::UNDO_DAYS
        ),
    ];
    let who_agrees = who_must_agree(&ws, &target);
    let mut heading = format!("Remove {name} from the group?");
    let mut button = format!("Remove {name}");
    if target.is_co_chair {
        heading = format!("Ask to remove {name}, a co-chair?");
        button = format!("Ask to remove {name}");
        points.insert(
            0,
            format!("{name} is a co-chair. Co-chairs lead the group together, so nothing happens until {who_agrees}. We email them to ask."),
        );
    }
    ok(&ConfirmPage {
        organisation: ws.organisation.name.clone(),
        back: format!("/manage/organisations/{slug}#members"),
        heading,
        points,
        action: format!("/manage/organisations/{slug}/members/{person}/remove"),
        fields: Vec::new(),
        button,
        warning: !target.is_co_chair,
        ctx,
    })
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
    let sent = (&state.mailer, state.config.base_url.as_str());
    let result = members::remove_member(&state.store, sent, &actor, &slug, person)
        .await
        .map(|changed| match changed {
            members::MemberChange::Done => {
                "The member was removed. They are told by email, and you can add them back for 14 days.".to_owned()
            }
            members::MemberChange::WaitingForAgreement => {
                "You asked to remove a co-chair. Nothing changes until they or the other co-chair agree; we have emailed them.".to_owned()
            }
        });
    change(&state, &actor, &slug, &session, ctx, result).await
}

/// `GET /manage/organisations/{slug}/members/{person}/co-chair`: what making someone a
/// co-chair, or taking the role from them, does.
pub async fn co_chair_page(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, person)): Path<(Slug, i64)>,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let (ws, target) = member_to_change(&state, &actor, &slug, person).await?;
    let name = target.shown_name();
    let myself = target.person_id == ws.me.person_id;
    let who_agrees = who_must_agree(&ws, &target);
    let (heading, points, button, value) = if !target.is_co_chair {
        (
            format!("Make {name} a co-chair?"),
            vec![
                "Co-chairs confirm what the group agreed and approve the plan before it is published.".to_owned(),
                "Every member of the group is emailed about the change, and the public plan shows since when the co-chairs hold the role.".to_owned(),
                format!("A group has up to {MAX_CO_CHAIRS} co-chairs: a member of staff and an Expert by Experience or carer."),
            ],
            format!("Make {name} a co-chair"),
            "yes",
        )
    } else if myself {
        (
            "Stop being a co-chair?".to_owned(),
            vec![
                "You stay a member of the group.".to_owned(),
                "Every member of the group is emailed about the change.".to_owned(),
                "Until there is a new co-chair, agreed positions and the plan cannot be approved by two co-chairs.".to_owned(),
            ],
            "Stop being a co-chair".to_owned(),
            "no",
        )
    } else {
        (
            format!("Ask for {name} to stop being a co-chair?"),
            vec![
                format!("Co-chairs lead the group together, so nothing happens until {who_agrees}. We email them to ask."),
                format!("If they agree, {name} stays a member of the group, and every member is emailed about the change."),
                "Until there is a new co-chair, agreed positions and the plan cannot be approved by two co-chairs.".to_owned(),
            ],
            format!("Ask for {name} to stop being a co-chair"),
            "no",
        )
    };
    ok(&ConfirmPage {
        organisation: ws.organisation.name.clone(),
        back: format!("/manage/organisations/{slug}#members"),
        heading,
        points,
        action: format!("/manage/organisations/{slug}/members/{person}/co-chair"),
        fields: vec![("co_chair", value.to_owned())],
        button,
        warning: false,
        ctx,
    })
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
    let sent = (&state.mailer, state.config.base_url.as_str());
    let result = members::set_co_chair(&state.store, sent, &actor, &slug, person, on)
        .await
        .map(|changed| match (changed, on) {
            (members::MemberChange::WaitingForAgreement, _) => {
                "You asked for a co-chair to step down. Nothing changes until they or the other co-chair agree; we have emailed them.".to_owned()
            }
            (members::MemberChange::Done, true) => {
                "The member is now a co-chair. Every member has been told.".to_owned()
            }
            (members::MemberChange::Done, false) => {
                "The member is no longer a co-chair. Every member has been told.".to_owned()
            }
        });
    change(&state, &actor, &slug, &session, ctx, result).await
}

/// `POST /manage/organisations/{slug}/co-chair-requests/{id}/agree`
pub async fn agree_co_chair_change(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, id)): Path<(Slug, i64)>,
    session: Session,
    ctx: PageContext,
    CsrfForm(_): CsrfForm<MemberForm>,
) -> Result<Response, WebError> {
    let result = mir_app::co_chairs::agree(&state.store, &state.mailer, &actor, &slug, id)
        .await
        .map(|_| "You agreed, so the change is made. Every member has been told.".to_owned());
    change(&state, &actor, &slug, &session, ctx, result).await
}

/// `POST /manage/organisations/{slug}/co-chair-requests/{id}/decline`
pub async fn decline_co_chair_change(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, id)): Path<(Slug, i64)>,
    session: Session,
    ctx: PageContext,
    CsrfForm(_): CsrfForm<MemberForm>,
) -> Result<Response, WebError> {
    let result = mir_app::co_chairs::decline(&state.store, &state.mailer, &actor, &slug, id)
        .await
        .map(|()| "Nothing has changed. The person who asked has been told.".to_owned());
    change(&state, &actor, &slug, &session, ctx, result).await
}

#[derive(Template)]
#[template(path = "workspace/details.html")]
struct DetailsPage {
    ctx: PageContext,
    organisation: mir_store::OrganisationRef,
    form: members::DetailsForm,
    errors: FieldErrors,
}

/// `GET /manage/organisations/{slug}/details`: what the organisation says about itself.
pub async fn details(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(slug): Path<Slug>,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let (organisation, form) = members::details_form(&state.store, &actor, &slug).await?;
    ok(&DetailsPage {
        ctx,
        organisation,
        form,
        errors: FieldErrors::new(),
    })
}

/// `POST /manage/organisations/{slug}/details`
pub async fn save_details(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(slug): Path<Slug>,
    session: Session,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<members::DetailsForm>,
) -> Result<Response, WebError> {
    match form::answer(
        members::save_details(&state.store, &actor, &slug, &form).await,
        "description",
    )? {
        Outcome::Done(()) => Ok(form::saved(
            &session,
            "Your organisation's details are saved. The public page shows them now.",
            &format!("/manage/organisations/{slug}"),
        )),
        Outcome::Rejected(rejection) => {
            let (organisation, _) = members::details_form(&state.store, &actor, &slug).await?;
            render(
                rejection.status,
                &DetailsPage {
                    ctx,
                    organisation,
                    form,
                    errors: rejection.errors,
                },
            )
        }
    }
}

#[derive(Template)]
#[template(path = "workspace/places.html")]
struct PlacesPage {
    ctx: PageContext,
    organisation: mir_store::OrganisationRef,
    areas: Vec<String>,
    regions: Vec<(&'static str, Vec<&'static mir_domain::areas::Council>)>,
    errors: FieldErrors,
}

impl PlacesPage {
    fn serves(&self, code: &str) -> bool {
        self.areas.iter().any(|a| a == code)
    }

    fn area_name(&self, code: &str) -> String {
        mir_domain::areas::council(code).map_or_else(|| code.to_owned(), |c| c.name.clone())
    }
}

async fn places_page(
    state: &AppState,
    actor: &mir_app::Actor,
    slug: &str,
    ctx: PageContext,
    errors: FieldErrors,
) -> Result<PlacesPage, WebError> {
    let (organisation, areas) = members::places(&state.store, actor, slug).await?;
    Ok(PlacesPage {
        ctx,
        organisation,
        areas,
        regions: mir_domain::areas::by_region(),
        errors,
    })
}

/// `GET /manage/organisations/{slug}/places`: the council areas the organisation serves.
pub async fn places(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(slug): Path<Slug>,
    ctx: PageContext,
) -> Result<Response, WebError> {
    ok(&places_page(&state, &actor, &slug, ctx, FieldErrors::new()).await?)
}

/// What the places form sends: a council to add, or one to remove.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct PlacesForm {
    area: String,
    remove: String,
}

/// `POST /manage/organisations/{slug}/places`
pub async fn change_places(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(slug): Path<Slug>,
    session: Session,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<PlacesForm>,
) -> Result<Response, WebError> {
    let remove = (!form.remove.is_empty()).then_some(form.remove.as_str());
    match form::answer(
        members::change_places(&state.store, &actor, &slug, (Some(&form.area), remove)).await,
        "area",
    )? {
        Outcome::Done(what) => Ok(form::saved(
            &session,
            format!("{what} The directory, the map and search show the change within a minute."),
            &format!("/manage/organisations/{slug}/places"),
        )),
        Outcome::Rejected(rejection) => render(
            rejection.status,
            &places_page(&state, &actor, &slug, ctx, rejection.errors).await?,
        ),
    }
}

/// `POST /manage/organisations/{slug}/invitations/{id}/resend`
pub async fn resend_invitation(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, id)): Path<(Slug, i64)>,
    session: Session,
    ctx: PageContext,
    CsrfForm(_): CsrfForm<MemberForm>,
) -> Result<Response, WebError> {
    let sent = (&state.mailer, state.config.base_url.as_str());
    let result = members::resend_invitation(&state.store, sent, &actor, &slug, id)
        .await
        .map(|email| {
            format!(
                "The invitation is sent again to {email}, with a new link that works for {} days. The old link no longer works.",
                members::INVITATION_DAYS
            )
        });
    change(&state, &actor, &slug, &session, ctx, result).await
}

/// `POST /manage/organisations/{slug}/invitations/{id}/cancel`
pub async fn cancel_invitation(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, id)): Path<(Slug, i64)>,
    session: Session,
    ctx: PageContext,
    CsrfForm(_): CsrfForm<MemberForm>,
) -> Result<Response, WebError> {
    let result = members::cancel_invitation(&state.store, &actor, &slug, id)
        .await
        .map(|email| format!("The invitation to {email} is cancelled: its link no longer works."));
    change(&state, &actor, &slug, &session, ctx, result).await
}

/// `POST /manage/organisations/{slug}/members/{person}/add-back`
pub async fn add_back(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, person)): Path<(Slug, i64)>,
    session: Session,
    ctx: PageContext,
    CsrfForm(_): CsrfForm<MemberForm>,
) -> Result<Response, WebError> {
    let result = members::add_back(&state.store, &state.mailer, &actor, &slug, person)
        .await
        .map(|()| {
            "They are back in the group with the role they had, and have been told by email."
                .to_owned()
        });
    change(&state, &actor, &slug, &session, ctx, result).await
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
    let result = members::transfer_admin(&state.store, &state.mailer, &actor, &slug, to).await;
    change(
        &state,
        &actor,
        &slug,
        &session,
        ctx,
        result.map(|()| "Administration is handed over. You are now a member of staff.".to_owned()),
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
        Err(error) => change(&state, &actor, &slug, &session, ctx, Err(error)).await,
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
