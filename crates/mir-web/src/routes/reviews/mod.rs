//! "How are we doing?" pages for a group's members: the reviews, giving views a theme at a time
//! or a statement at a time (the Easy Read default), workshop entry, printable forms, the
//! summary with the gaps between perspectives, and agreed positions.
//!
//! A form sent after the session ended is kept (see [`keep_and_sign_in`]) and shown again,
//! filled in, once the person has signed in, so nothing typed is lost.

use crate::params::{Code, Path, Slug};
use askama::Template;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::response::Response;
use mir_app::reviews::{self, OpenReviewForm, ReviewInContext, ReviewsOverview};
use mir_app::{Actor, AppError};
use mir_domain::validation::FieldErrors;
use mir_store::View;

use super::{CurrentActor, Pairs, field};
use crate::AppState;
use crate::error::WebError;
use crate::form::{self, Outcome};
use crate::middleware::csrf::CsrfForm;
use crate::middleware::session::Session;
use crate::page::{PageContext, ok, render};

mod answering;
mod summary;
mod workshop;

pub use answering::*;
pub use summary::*;
pub use workshop::*;

/// The review a page is about, loaded for the asking member (404 for anyone outside the
/// group), with the path's own parameters for building links: the review's group `slug` and
/// `id`, and `code` (a theme or statement) on pages about one.
pub struct Reviewed<C = ()> {
    pub actor: Actor,
    pub r: ReviewInContext,
    pub slug: Slug,
    pub id: i64,
    pub code: C,
}

impl FromRequestParts<AppState> for Reviewed {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let Path((slug, id)) = Path::<(Slug, i64)>::from_request_parts(parts, state).await?;
        Reviewed::load(parts, state, slug, id, ()).await
    }
}

impl FromRequestParts<AppState> for Reviewed<Code> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let Path((slug, id, code)) =
            Path::<(Slug, i64, Code)>::from_request_parts(parts, state).await?;
        Reviewed::load(parts, state, slug, id, code).await
    }
}

/// A marker of a statement: `…/statements/{code}/markers/{number}/…`.
impl FromRequestParts<AppState> for Reviewed<(Code, usize)> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let Path((slug, id, code, number)) =
            Path::<(Slug, i64, Code, usize)>::from_request_parts(parts, state).await?;
        Reviewed::load(parts, state, slug, id, (code, number)).await
    }
}

impl<C> Reviewed<C> {
    async fn load(
        parts: &mut Parts,
        state: &AppState,
        slug: Slug,
        id: i64,
        code: C,
    ) -> Result<Self, WebError> {
        let CurrentActor(actor) = CurrentActor::from_request_parts(parts, state).await?;
        let r = reviews::review_in_context(&state.store, &actor, &slug, id).await?;
        Ok(Reviewed {
            actor,
            r,
            slug,
            id,
            code,
        })
    }
}

/// The cookie naming a kept form (its key; the database holds only the key's hash).
const KEPT_COOKIE: &str = "mir_kept";

/// Forgets this browser's kept form, if it has one: its answers are saved, or the person
/// signed out (the next person at a shared computer must not see them).
pub(crate) async fn forget_kept_form(
    state: &AppState,
    headers: &axum::http::HeaderMap,
    response: &mut Response,
) -> Result<(), WebError> {
    if let Some(key) = crate::middleware::cookies::read(headers, KEPT_COOKIE) {
        mir_app::kept_forms::forget(&state.store, &key).await?;
        let https = state.config.https;
        crate::middleware::cookies::remove(response.headers_mut(), KEPT_COOKIE, https);
    }
    Ok(())
}

fn base(slug: &str) -> String {
    format!("/manage/organisations/{slug}/reviews")
}

// ---------------------------------------------------------------- The group's reviews

#[derive(Template)]
#[template(path = "reviews/list.html")]
struct ListPage {
    ctx: PageContext,
    o: ReviewsOverview,
    form: OpenReviewForm,
    cadence: String,
    anonymity_threshold: String,
    errors: FieldErrors,
}

impl ListPage {
    fn base(&self) -> String {
        base(&self.o.organisation.slug)
    }

    fn chosen(&self, code: &str) -> bool {
        self.form.themes.iter().any(|t| t == code)
    }

    /// Theme codes as their titles ("Wellbeing and independence; …").
    fn theme_titles(&self, codes: &[String]) -> String {
        codes
            .iter()
            .map(|code| {
                self.o
                    .framework
                    .as_ref()
                    .and_then(|f| f.themes.iter().find(|t| &t.code == code))
                    .map_or_else(|| code.clone(), |t| t.title.clone())
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The review still open, if any: another cannot be opened until it closes.
    fn open_review(&self) -> Option<&mir_store::Review> {
        self.o.reviews.iter().find(|r| r.is_open)
    }
}

fn list_page(ctx: PageContext, o: ReviewsOverview, errors: FieldErrors) -> ListPage {
    let cadence = o.cadence_months.map(|m| m.to_string()).unwrap_or_default();
    let anonymity_threshold = o.anonymity_threshold.to_string();
    ListPage {
        anonymity_threshold,
        ctx,
        o,
        form: OpenReviewForm {
            scope: "all".into(),
            ..OpenReviewForm::default()
        },
        cadence,
        errors,
    }
}

/// `GET /manage/organisations/{slug}/reviews`
pub async fn list(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(slug): Path<Slug>,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let o = reviews::overview(&state.store, &actor, &slug).await?;
    ok(&list_page(ctx, o, FieldErrors::new()))
}

/// `POST /manage/organisations/{slug}/reviews`: opens a review.
pub async fn open(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(slug): Path<Slug>,
    session: Session,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<OpenReviewForm>,
) -> Result<Response, WebError> {
    let mail = (&state.mailer, state.config.base_url.as_str());
    let opened = reviews::open_review(&state.store, mail, &actor, &slug, &form).await;
    match form::answer(opened, "title")? {
        Outcome::Done(id) => Ok(form::saved(
            &session,
            format!(
                "{} is open. Members can give their views now.",
                form.title.trim()
            ),
            &format!("{}/{id}", base(&slug)),
        )),
        Outcome::Rejected(rejection) => {
            let o = reviews::overview(&state.store, &actor, &slug).await?;
            let mut page = list_page(ctx, o, rejection.errors);
            page.form = form;
            render(rejection.status, &page)
        }
    }
}

/// One setting on the reviews page, saved: a message and back to the page; or the page again
/// with the problem by its field and what was typed kept (`keep` puts it back).
async fn setting_saved(
    state: &AppState,
    (actor, slug): (&Actor, &str),
    (session, ctx): (&Session, PageContext),
    saved: Result<(), AppError>,
    flash: &str,
    keep: impl FnOnce(&mut ListPage),
) -> Result<Response, WebError> {
    match form::answer(saved, "cadence")? {
        Outcome::Done(()) => Ok(form::saved(session, flash, &base(slug))),
        Outcome::Rejected(rejection) => {
            let o = reviews::overview(&state.store, actor, slug).await?;
            let mut page = list_page(ctx, o, rejection.errors);
            keep(&mut page);
            render(rejection.status, &page)
        }
    }
}

/// `POST /manage/organisations/{slug}/reviews/anonymity`
pub async fn anonymity_threshold(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(slug): Path<Slug>,
    session: Session,
    ctx: PageContext,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<Response, WebError> {
    let people = field(&pairs, "anonymity_threshold");
    let saved = reviews::set_anonymity_threshold(&state.store, &actor, &slug, people).await;
    setting_saved(
        &state,
        (&actor, &slug),
        (&session, ctx),
        saved,
        "How many people a perspective needs is saved.",
        |page| people.clone_into(&mut page.anonymity_threshold),
    )
    .await
}

/// `POST /manage/organisations/{slug}/reviews/cadence`
pub async fn cadence(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(slug): Path<Slug>,
    session: Session,
    ctx: PageContext,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<Response, WebError> {
    let months = field(&pairs, "cadence");
    let saved = reviews::set_cadence(&state.store, &actor, &slug, months).await;
    setting_saved(
        &state,
        (&actor, &slug),
        (&session, ctx),
        saved,
        "How often you review is saved.",
        |page| months.clone_into(&mut page.cadence),
    )
    .await
}

// ---------------------------------------------------------------- One review

#[derive(Template)]
#[template(path = "reviews/review.html")]
struct ReviewPage {
    ctx: PageContext,
    r: ReviewInContext,
    views: Vec<View>,
    anonymous: bool,
    /// Members who share my perspective, and how many a perspective needs to be shown apart.
    perspective_members: i64,
    k: i64,
    errors: FieldErrors,
}

impl ClosePage {
    fn base(&self) -> String {
        format!("{}/{}", base(&self.r.organisation.slug), self.r.review.id)
    }
}

impl ReviewPage {
    fn may_reopen(&self) -> bool {
        reviews::may_reopen(&self.r)
    }

    fn base(&self) -> String {
        format!("{}/{}", base(&self.r.organisation.slug), self.r.review.id)
    }

    fn answered_in(&self, theme: &str) -> usize {
        self.r
            .statements_in(theme)
            .iter()
            .filter(|s| {
                self.views
                    .iter()
                    .any(|v| v.statement_code == s.code && !v.level.is_empty())
            })
            .count()
    }

    fn first_statement(&self) -> String {
        self.r
            .statements()
            .first()
            .map(|s| s.code.clone())
            .unwrap_or_default()
    }
}

async fn review_page(
    state: &AppState,
    ctx: PageContext,
    r: ReviewInContext,
    errors: FieldErrors,
) -> Result<ReviewPage, WebError> {
    let (views, anonymous) = reviews::my_views(&state.store, &r).await?;
    let (perspective_members, k) = reviews::my_perspective_size(&state.store, &r).await?;
    Ok(ReviewPage {
        ctx,
        r,
        views,
        anonymous,
        perspective_members,
        k,
        errors,
    })
}

/// `GET /manage/organisations/{slug}/reviews/{id}`
pub async fn show(
    State(state): State<AppState>,
    Reviewed { r, .. }: Reviewed,
    ctx: PageContext,
) -> Result<Response, WebError> {
    ok(&review_page(&state, ctx, r, FieldErrors::new()).await?)
}

/// `POST /manage/organisations/{slug}/reviews/{id}/anonymous`
pub async fn anonymous(
    State(state): State<AppState>,
    Reviewed { r, slug, id, .. }: Reviewed,
    session: Session,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<Response, WebError> {
    let anonymous = field(&pairs, "anonymous") == "yes";
    reviews::set_anonymous(&state.store, &r, anonymous).await?;
    Ok(form::saved(
        &session,
        if anonymous {
            "Others in the group now see your views without your name or email address."
        } else {
            "Others in the group now see your name with your views."
        },
        &format!("{}/{id}", base(&slug)),
    ))
}

#[derive(Template)]
#[template(path = "reviews/close.html")]
struct ClosePage {
    ctx: PageContext,
    r: ReviewInContext,
    /// Members who have not given a view yet, by name.
    not_yet: Vec<String>,
    undo_days: i64,
}

/// `GET /manage/organisations/{slug}/reviews/{id}/close`: what closing does, and who has not
/// given views yet, before anyone closes it.
pub async fn close_page(
    State(state): State<AppState>,
    Reviewed { r, .. }: Reviewed,
    ctx: PageContext,
) -> Result<Response, WebError> {
    if !r.can_lead {
        return Err(mir_app::AppError::Forbidden.into());
    }
    if !r.review.is_open {
        let page = review_page(&state, ctx, r, FieldErrors::new()).await?;
        return render(axum::http::StatusCode::CONFLICT, &page);
    }
    let not_yet = reviews::not_yet_given_views(&state.store, &r).await?;
    ok(&ClosePage {
        ctx,
        r,
        not_yet,
        undo_days: mir_app::members::UNDO_DAYS,
    })
}

/// `POST /manage/organisations/{slug}/reviews/{id}/close`
pub async fn close(
    State(state): State<AppState>,
    Reviewed {
        actor, r, slug, id, ..
    }: Reviewed,
    session: Session,
    ctx: PageContext,
    CsrfForm(_): CsrfForm<Pairs>,
) -> Result<Response, WebError> {
    let sent = (&state.mailer, state.config.base_url.as_str());
    match form::answer(
        reviews::close_review(&state.store, sent, &actor, &r).await,
        "views",
    )? {
        Outcome::Done(()) => Ok(form::saved(
            &session,
            "The review is closed. Views can no longer be changed. Every member has been told, and you can open it again for 14 days.",
            &format!("{}/{id}", base(&slug)),
        )),
        // Closed already (by the other co-chair, or in another tab).
        Outcome::Rejected(rejection) => {
            let page = review_page(&state, ctx, r, rejection.errors).await?;
            render(rejection.status, &page)
        }
    }
}

/// `POST /manage/organisations/{slug}/reviews/{id}/reopen`: undoes closing, for a while.
pub async fn reopen(
    State(state): State<AppState>,
    Reviewed {
        actor, r, slug, id, ..
    }: Reviewed,
    session: Session,
    ctx: PageContext,
    CsrfForm(_): CsrfForm<Pairs>,
) -> Result<Response, WebError> {
    match form::answer(
        reviews::reopen_review(&state.store, &actor, &r).await,
        "views",
    )? {
        Outcome::Done(()) => Ok(form::saved(
            &session,
            "The review is open again. Members can give and change their views.",
            &format!("{}/{id}", base(&slug)),
        )),
        Outcome::Rejected(rejection) => {
            let page = review_page(&state, ctx, r, rejection.errors).await?;
            render(rejection.status, &page)
        }
    }
}
