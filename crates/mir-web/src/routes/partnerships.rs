//! Partnerships: forming one, inviting partners, and each partner's administrator accepting
//! (decision 0041).

use crate::params::{Path, Slug};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use mir_app::partnerships::{self, Partnerships};
use mir_domain::validation::FieldErrors;

use super::{CurrentActor, Pairs, field};
use crate::AppState;
use crate::error::WebError;
use crate::form::{self, Outcome};
use crate::middleware::csrf::CsrfForm;
use crate::middleware::session::Session;
use crate::page::{PageContext, ok, render};

#[derive(Template)]
#[template(path = "workspace/partnerships.html")]
struct PartnershipsPage {
    ctx: PageContext,
    p: Partnerships,
    /// What was typed, to show again with its errors: (name, partner).
    typed: (String, String),
    errors: FieldErrors,
}

impl PartnershipsPage {
    fn when(&self, at: &i64) -> String {
        crate::routes::when(at)
    }
}

async fn page(
    state: &AppState,
    actor: &mir_app::policy::Actor,
    slug: &str,
    ctx: PageContext,
    typed: (String, String),
    errors: FieldErrors,
) -> Result<PartnershipsPage, WebError> {
    Ok(PartnershipsPage {
        ctx,
        p: partnerships::overview(&state.store, actor, slug).await?,
        typed,
        errors,
    })
}

fn here(slug: &str) -> String {
    format!("/manage/organisations/{slug}/partnerships")
}

/// `GET /manage/organisations/{slug}/partnerships`
pub async fn show(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(slug): Path<Slug>,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let typed = (String::new(), String::new());
    ok(&page(&state, &actor, &slug, ctx, typed, FieldErrors::new()).await?)
}

/// `POST /manage/organisations/{slug}/partnerships`: an administrator forms a partnership.
pub async fn form_one(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(slug): Path<Slug>,
    session: Session,
    ctx: PageContext,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<Response, WebError> {
    let (name, partner) = (field(&pairs, "name"), field(&pairs, "partner"));
    let mail = (&state.mailer, state.config.base_url.as_str());
    let formed = partnerships::form(&state.store, mail, &actor, &slug, name, partner).await;
    match form::answer(formed, "name")? {
        Outcome::Done(new_slug) => Ok(form::saved(
            &session,
            "The partnership is formed, and the other organisation's administrators are asked to accept. It is public once they do.",
            &here(&new_slug),
        )),
        Outcome::Rejected(rejection) => {
            let typed = (name.to_owned(), partner.to_owned());
            let page = page(&state, &actor, &slug, ctx, typed, rejection.errors).await?;
            render(rejection.status, &page)
        }
    }
}

/// `POST /manage/organisations/{slug}/partnerships/invite`: a partnership invites one more.
pub async fn invite(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(slug): Path<Slug>,
    session: Session,
    ctx: PageContext,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<Response, WebError> {
    let partner = field(&pairs, "partner");
    let mail = (&state.mailer, state.config.base_url.as_str());
    let invited = partnerships::invite(&state.store, mail, &actor, &slug, partner).await;
    match form::answer(invited, "partner")? {
        Outcome::Done(name) => Ok(form::saved(
            &session,
            format!("{name} is invited. Its administrators are asked to accept."),
            &here(&slug),
        )),
        Outcome::Rejected(rejection) => {
            let typed = (String::new(), partner.to_owned());
            let page = page(&state, &actor, &slug, ctx, typed, rejection.errors).await?;
            render(rejection.status, &page)
        }
    }
}

/// `POST /manage/organisations/{slug}/partnerships/{partnership}/answer`: the organisation's
/// administrator accepts (`answer=accept`) or says no.
pub async fn answer(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, partnership)): Path<(Slug, Slug)>,
    session: Session,
    ctx: PageContext,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<Response, WebError> {
    // The two buttons send one of these; anything else is not an answer.
    let accept = match field(&pairs, "answer") {
        "accept" => true,
        "decline" => false,
        _ => return Err(WebError::BadRequest),
    };
    let mail = (&state.mailer, state.config.base_url.as_str());
    let answered =
        partnerships::answer(&state.store, mail, &actor, &slug, &partnership, accept).await;
    match form::answer(answered, "partnerships")? {
        Outcome::Done((name, joined)) if accept => Ok(form::saved(
            &session,
            format!(
                "You accepted: your organisation is a partner in {name}, and your members take part with their roles."
            ),
            &here(&joined),
        )),
        Outcome::Done((name, _)) => Ok(form::saved(
            &session,
            format!("You said no to {name}."),
            &here(&slug),
        )),
        Outcome::Rejected(rejection) => {
            let typed = (String::new(), String::new());
            let page = page(&state, &actor, &slug, ctx, typed, rejection.errors).await?;
            render(rejection.status, &page)
        }
    }
}

/// `POST /manage/organisations/{slug}/partnerships/{partnership}/withdraw`: a partnership's
/// administrator takes back its invitation to the organisation `{partnership}` names (the
/// segment is named as in `answer`, which shares the path).
pub async fn withdraw(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, invited)): Path<(Slug, Slug)>,
    session: Session,
    ctx: PageContext,
    CsrfForm(_pairs): CsrfForm<Pairs>,
) -> Result<Response, WebError> {
    let withdrawn = partnerships::withdraw(&state.store, &actor, &slug, &invited).await;
    match form::answer(withdrawn, "partnerships")? {
        Outcome::Done(name) => Ok(form::saved(
            &session,
            format!("The invitation to {name} is withdrawn."),
            &here(&slug),
        )),
        Outcome::Rejected(rejection) => {
            let typed = (String::new(), String::new());
            let page = page(&state, &actor, &slug, ctx, typed, rejection.errors).await?;
            render(rejection.status, &page)
        }
    }
}
