//! "How are we doing?" pages for a group's members: the reviews, giving views a theme at a time
//! or a statement at a time (the Easy Read default), workshop entry, printable forms, the
//! summary with the gaps between perspectives, and agreed positions.
//!
//! A form sent after the session ended is kept (see [`keep_and_sign_in`]) and shown again,
//! filled in, once the person has signed in, so nothing typed is lost.

use std::collections::HashMap;

use crate::params::{Code, Path, Slug};
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use mir_app::reviews::{
    self, Answer, NOT_SURE, OpenReviewForm, ReviewInContext, ReviewSummary, ReviewsOverview,
    StatementSummary, WorkshopLine,
};
use mir_app::{Actor, AppError};
use mir_domain::framework::{Statement, Theme};
use mir_domain::review::{MAX_WORDS_CHARS, Perspective};
use mir_domain::validation::FieldErrors;
use mir_store::{ReviewRepo, View};

use super::{CurrentActor, Pairs, field};
use crate::AppState;
use crate::error::WebError;
use crate::form::{self, Outcome};
use crate::middleware::cookies::{self, CookieSpec};
use crate::middleware::csrf::CsrfForm;
use crate::middleware::session::Session;
use crate::page::{PageContext, ok, render};

/// The cookie naming a kept form (its key; the database holds only the key's hash).
const KEPT_COOKIE: &str = "mir_kept";
/// How long a kept form waits for its author to sign in again.
const KEPT_SECONDS: i64 = 7 * 24 * 60 * 60;

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
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<Response, WebError> {
    let form = OpenReviewForm {
        title: field(&pairs, "title").to_owned(),
        scope: field(&pairs, "scope").to_owned(),
        themes: pairs
            .iter()
            .filter(|(k, _)| k == "themes")
            .map(|(_, v)| v.clone())
            .collect(),
        closes_on: field(&pairs, "closes_on").to_owned(),
    };
    let opened = reviews::open_review(&state.store, &actor, &slug, &form).await;
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

impl ReviewPage {
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
    CurrentActor(actor): CurrentActor,
    Path((slug, id)): Path<(Slug, i64)>,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let r = reviews::review_in_context(&state.store, &actor, &slug, id).await?;
    ok(&review_page(&state, ctx, r, FieldErrors::new()).await?)
}

/// `POST /manage/organisations/{slug}/reviews/{id}/anonymous`
pub async fn anonymous(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, id)): Path<(Slug, i64)>,
    session: Session,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<Response, WebError> {
    let r = reviews::review_in_context(&state.store, &actor, &slug, id).await?;
    let anonymous = field(&pairs, "anonymous") == "yes";
    reviews::set_anonymous(&state.store, &r, anonymous).await?;
    Ok(form::saved(
        &session,
        if anonymous {
            "Others in the group now see your views without your name or email address."
        } else {
            "Others in the group now see your email address with your views."
        },
        &format!("{}/{id}", base(&slug)),
    ))
}

/// `POST /manage/organisations/{slug}/reviews/{id}/close`
pub async fn close(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, id)): Path<(Slug, i64)>,
    session: Session,
    CsrfForm(_): CsrfForm<Pairs>,
) -> Result<Response, WebError> {
    let r = reviews::review_in_context(&state.store, &actor, &slug, id).await?;
    reviews::close_review(&state.store, &actor, &r).await?;
    Ok(form::saved(
        &session,
        "The review is closed. Views can no longer be changed.",
        &format!("{}/{id}", base(&slug)),
    ))
}

// ---------------------------------------------------------------- Giving views

#[derive(Template)]
#[template(path = "reviews/answer.html")]
struct AnswerPage {
    ctx: PageContext,
    r: ReviewInContext,
    theme: Theme,
    statements: Vec<Statement>,
    /// One statement per page: its number and the total, for "Statement 3 of 12".
    one_at_a_time: Option<(usize, usize)>,
    answers: HashMap<String, Answer>,
    errors: FieldErrors,
    /// The form was kept when the session ended and is shown again, not yet saved.
    restored: bool,
    anonymous: bool,
    max_chars: usize,
}

impl AnswerPage {
    fn base(&self) -> String {
        format!("{}/{}", base(&self.r.organisation.slug), self.r.review.id)
    }

    fn action(&self) -> String {
        match (&self.one_at_a_time, self.statements.first()) {
            (Some(_), Some(s)) => format!("{}/statements/{}", self.base(), s.code),
            _ => format!("{}/themes/{}", self.base(), self.theme.code),
        }
    }

    fn level_of(&self, code: &str) -> &str {
        self.answers.get(code).map_or("", |a| a.level.as_str())
    }

    fn working_of(&self, code: &str) -> &str {
        self.answers.get(code).map_or("", |a| a.working.as_str())
    }

    fn change_of(&self, code: &str) -> &str {
        self.answers.get(code).map_or("", |a| a.to_change.as_str())
    }

    fn error(&self, name: &str) -> Option<&str> {
        self.errors.for_field(name)
    }

    fn picture_url(&self, statement: &Statement) -> Option<String> {
        statement.picture.as_ref().map(|p| {
            format!(
                "/frameworks/{}/versions/{}/pictures/{}",
                self.r.framework.meta.slug, self.r.framework.meta.version, p.file
            )
        })
    }

    fn not_sure(&self) -> &'static str {
        NOT_SURE
    }

    /// A field's label; on a page with several statements it names the statement too.
    fn label(&self, text: &str, code: &str) -> String {
        if self.one_at_a_time.is_some() {
            text.to_owned()
        } else {
            format!("{text} ({code})")
        }
    }

    fn working_label(&self, code: &str) -> String {
        let text = if self.ctx.easy {
            "What is good?"
        } else {
            "What is working?"
        };
        self.label(text, code)
    }

    fn change_label(&self, code: &str) -> String {
        let text = if self.ctx.easy {
            "What should change?"
        } else {
            "What needs to change?"
        };
        self.label(text, code)
    }

    fn perspective_label(&self) -> &'static str {
        self.r.perspective().label()
    }
}

fn answers_from(statements: &[Statement], pairs: &Pairs) -> Vec<Answer> {
    statements
        .iter()
        .map(|s| Answer {
            code: s.code.clone(),
            level: field(pairs, &format!("level-{}", s.code)).to_owned(),
            working: field(pairs, &format!("working-{}", s.code)).to_owned(),
            to_change: field(pairs, &format!("change-{}", s.code)).to_owned(),
        })
        .collect()
}

fn answers_saved(views: &[View]) -> HashMap<String, Answer> {
    views
        .iter()
        .map(|v| {
            (
                v.statement_code.clone(),
                Answer {
                    code: v.statement_code.clone(),
                    level: v.level.clone(),
                    working: v.working.clone(),
                    to_change: v.to_change.clone(),
                },
            )
        })
        .collect()
}

/// The theme, its statements on the page, and "statement n of total" when one at a time.
type AnswerScope = (Theme, Vec<Statement>, Option<(usize, usize)>);

/// What the page asks about: a theme's statements, or one statement.
enum Scope {
    Theme(String),
    Statement(String),
}

fn scope_of(r: &ReviewInContext, scope: &Scope) -> Result<AnswerScope, WebError> {
    match scope {
        Scope::Theme(code) => {
            let theme = r
                .themes
                .iter()
                .find(|t| &t.code == code)
                .cloned()
                .ok_or(WebError::NotFound)?;
            let statements = r.statements_in(code).into_iter().cloned().collect();
            Ok((theme, statements, None))
        }
        Scope::Statement(code) => {
            let statement = r.in_review(code).cloned().ok_or(WebError::NotFound)?;
            let theme = r
                .themes
                .iter()
                .find(|t| t.code == statement.theme)
                .cloned()
                .ok_or(WebError::NotFound)?;
            let all = r.statements();
            let position = all
                .iter()
                .position(|s| s.code == statement.code)
                .unwrap_or(0);
            Ok((theme, vec![statement], Some((position + 1, all.len()))))
        }
    }
}

/// The form the session-expired visitor left, if it is for this page.
async fn kept_for(
    state: &AppState,
    headers: &HeaderMap,
    path: &str,
) -> Result<Option<Pairs>, WebError> {
    let Some(key) = cookies::read(headers, KEPT_COOKIE) else {
        return Ok(None);
    };
    let hash = mir_app::accounts::hash_token(&key);
    match state.store.kept_form(&hash, mir_store::now()).await? {
        Some((kept_path, form)) if kept_path == path => {
            Ok(serde_urlencoded::from_str::<Pairs>(&form).ok())
        }
        _ => Ok(None),
    }
}

#[allow(clippy::too_many_arguments)]
async fn answer_get(
    state: &AppState,
    actor: &Actor,
    slug: &str,
    id: i64,
    scope: Scope,
    headers: &HeaderMap,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let r = reviews::review_in_context(&state.store, actor, slug, id).await?;
    let (theme, statements, one_at_a_time) = scope_of(&r, &scope)?;
    let (views, anonymous) = reviews::my_views(&state.store, &r).await?;
    let mut answers = answers_saved(&views);
    let kept = kept_for(state, headers, &ctx.path).await?;
    let restored = kept.is_some();
    if let Some(pairs) = kept {
        for a in answers_from(&statements, &pairs) {
            answers.insert(a.code.clone(), a);
        }
    }
    ok(&AnswerPage {
        ctx,
        r,
        theme,
        statements,
        one_at_a_time,
        answers,
        errors: FieldErrors::new(),
        restored,
        anonymous,
        max_chars: MAX_WORDS_CHARS,
    })
}

/// Keeps what someone typed after their session ended, and asks them to sign in again.
async fn keep_and_sign_in(
    state: &AppState,
    (session, client): (&Session, &str),
    path: &str,
    pairs: &Pairs,
) -> Result<Response, WebError> {
    // Anyone can send a form without a session: a few kept forms per client in 15 minutes,
    // and the store keeps a bounded number in all, oldest dropped first (finding 8).
    mir_app::rate_limit::check(
        &state.store,
        &[mir_app::rate_limit::Limit::per_client(
            "keep-form",
            client,
            10,
        )],
    )
    .await?;
    let key = cookies::random_token();
    let without_token: Pairs = pairs
        .iter()
        .filter(|(k, _)| k != "csrf_token")
        .cloned()
        .collect();
    let form = serde_urlencoded::to_string(&without_token)
        .map_err(|e| WebError::Internal(format!("keeping a form: {e}")))?;
    let now = mir_store::now();
    state
        .store
        .keep_form(
            &mir_app::accounts::hash_token(&key),
            path,
            &form,
            now + KEPT_SECONDS,
            now,
        )
        .await?;
    session.set_return_to(path);
    session.set_flash(
        "You were signed out, so your answers are not saved yet. We have kept what you wrote: sign in again and you will see it.",
    );
    let mut response = Redirect::to("/sign-in").into_response();
    cookies::set(
        response.headers_mut(),
        KEPT_COOKIE,
        &key,
        CookieSpec {
            same_site: cookie::SameSite::Lax,
            secure: state.config.https,
            max_age: Some(time::Duration::seconds(KEPT_SECONDS)),
        },
    );
    Ok(response)
}

#[allow(clippy::too_many_arguments)]
async fn answer_post(
    state: &AppState,
    actor: &Actor,
    slug: &str,
    id: i64,
    scope: Scope,
    (session, client): (&Session, &str),
    headers: &HeaderMap,
    ctx: PageContext,
    pairs: Pairs,
) -> Result<Response, WebError> {
    if matches!(actor, Actor::Anonymous) {
        return keep_and_sign_in(state, (session, client), &ctx.path, &pairs).await;
    }
    let r = reviews::review_in_context(&state.store, actor, slug, id).await?;
    let (theme, statements, one_at_a_time) = scope_of(&r, &scope)?;
    let typed = answers_from(&statements, &pairs);
    match form::answer(
        reviews::save_answers(&state.store, &r, &typed).await,
        "views",
    )? {
        Outcome::Done(_) => {
            let mut response = next_after(&r, &scope, session).into_response();
            if let Some(key) = cookies::read(headers, KEPT_COOKIE) {
                state
                    .store
                    .forget_form(&mir_app::accounts::hash_token(&key))
                    .await?;
                cookies::remove(response.headers_mut(), KEPT_COOKIE, state.config.https);
            }
            Ok(response)
        }
        // A closed review: its page says so; the views cannot be changed now.
        Outcome::Rejected(rejection) if rejection.is_conflict() => {
            let page = review_page(state, ctx, r, rejection.errors).await?;
            render(rejection.status, &page)
        }
        Outcome::Rejected(rejection) => {
            let (_, anonymous) = reviews::my_views(&state.store, &r).await?;
            let answers = typed.into_iter().map(|a| (a.code.clone(), a)).collect();
            render(
                rejection.status,
                &AnswerPage {
                    ctx,
                    r,
                    theme,
                    statements,
                    one_at_a_time,
                    answers,
                    errors: rejection.errors,
                    restored: false,
                    anonymous,
                    max_chars: MAX_WORDS_CHARS,
                },
            )
        }
    }
}

/// After saving: the next theme or statement, or back to the review when all are done.
fn next_after(r: &ReviewInContext, scope: &Scope, session: &Session) -> Redirect {
    let review = format!("{}/{}", base(&r.organisation.slug), r.review.id);
    match scope {
        Scope::Theme(code) => {
            let next = r.themes.iter().skip_while(|t| &t.code != code).nth(1);
            match next {
                Some(t) => {
                    session.set_flash("Saved. Here is the next theme.");
                    Redirect::to(&format!("{review}/themes/{}", t.code))
                }
                None => {
                    session.set_flash("Saved. That was the last theme: thank you.");
                    Redirect::to(&review)
                }
            }
        }
        Scope::Statement(code) => {
            let all = r.statements();
            let next = all.iter().skip_while(|s| &s.code != code).nth(1);
            match next {
                Some(s) => {
                    session.set_flash("Saved.");
                    Redirect::to(&format!("{review}/statements/{}", s.code))
                }
                None => {
                    session.set_flash("Saved. That was the last statement: thank you.");
                    Redirect::to(&review)
                }
            }
        }
    }
}

/// `GET /manage/organisations/{slug}/reviews/{id}/themes/{code}`
pub async fn theme_form(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, id, code)): Path<(Slug, i64, Code)>,
    headers: HeaderMap,
    ctx: PageContext,
) -> Result<Response, WebError> {
    answer_get(
        &state,
        &actor,
        &slug,
        id,
        Scope::Theme(code.into()),
        &headers,
        ctx,
    )
    .await
}

/// `POST /manage/organisations/{slug}/reviews/{id}/themes/{code}`
#[allow(clippy::too_many_arguments)]
pub async fn theme_save(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, id, code)): Path<(Slug, i64, Code)>,
    super::Client(client): super::Client,
    session: Session,
    headers: HeaderMap,
    ctx: PageContext,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<Response, WebError> {
    answer_post(
        &state,
        &actor,
        &slug,
        id,
        Scope::Theme(code.into()),
        (&session, &client),
        &headers,
        ctx,
        pairs,
    )
    .await
}

/// `GET /manage/organisations/{slug}/reviews/{id}/statements/{code}`
pub async fn statement_form(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, id, code)): Path<(Slug, i64, Code)>,
    headers: HeaderMap,
    ctx: PageContext,
) -> Result<Response, WebError> {
    answer_get(
        &state,
        &actor,
        &slug,
        id,
        Scope::Statement(code.into()),
        &headers,
        ctx,
    )
    .await
}

/// `POST /manage/organisations/{slug}/reviews/{id}/statements/{code}`
#[allow(clippy::too_many_arguments)]
pub async fn statement_save(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, id, code)): Path<(Slug, i64, Code)>,
    super::Client(client): super::Client,
    session: Session,
    headers: HeaderMap,
    ctx: PageContext,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<Response, WebError> {
    answer_post(
        &state,
        &actor,
        &slug,
        id,
        Scope::Statement(code.into()),
        (&session, &client),
        &headers,
        ctx,
        pairs,
    )
    .await
}

// ---------------------------------------------------------------- Workshops and paper

#[derive(Template)]
#[template(path = "reviews/workshop.html")]
struct WorkshopPage {
    ctx: PageContext,
    r: ReviewInContext,
    theme: Theme,
    statements: Vec<Statement>,
    pairs: Pairs,
    errors: FieldErrors,
    perspectives: Vec<(&'static str, &'static str)>,
    max_chars: usize,
}

impl WorkshopPage {
    fn base(&self) -> String {
        format!("{}/{}", base(&self.r.organisation.slug), self.r.review.id)
    }

    fn value(&self, name: &str) -> &str {
        field(&self.pairs, name)
    }

    fn count_name(&self, code: &str, level: &str) -> String {
        format!("count-{code}-{level}")
    }

    fn error(&self, name: &str) -> Option<&str> {
        self.errors.for_field(name)
    }

    fn not_sure(&self) -> &'static str {
        NOT_SURE
    }
}

fn perspectives() -> Vec<(&'static str, &'static str)> {
    Perspective::ALL
        .iter()
        .map(|p| (p.key(), p.label()))
        .collect()
}

fn theme_of(r: &ReviewInContext, code: &str) -> Result<(Theme, Vec<Statement>), WebError> {
    let theme = r
        .themes
        .iter()
        .find(|t| t.code == code)
        .cloned()
        .ok_or(WebError::NotFound)?;
    Ok((theme, r.statements_in(code).into_iter().cloned().collect()))
}

/// `GET /manage/organisations/{slug}/reviews/{id}/workshop/{code}`
pub async fn workshop_form(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, id, code)): Path<(Slug, i64, Code)>,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let r = reviews::review_in_context(&state.store, &actor, &slug, id).await?;
    if !r.can_lead {
        return Err(WebError::Forbidden);
    }
    let (theme, statements) = theme_of(&r, &code)?;
    ok(&WorkshopPage {
        ctx,
        r,
        theme,
        statements,
        pairs: Vec::new(),
        errors: FieldErrors::new(),
        perspectives: perspectives(),
        max_chars: MAX_WORDS_CHARS,
    })
}

/// `POST /manage/organisations/{slug}/reviews/{id}/workshop/{code}`
pub async fn workshop_save(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, id, code)): Path<(Slug, i64, Code)>,
    session: Session,
    ctx: PageContext,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<Response, WebError> {
    let r = reviews::review_in_context(&state.store, &actor, &slug, id).await?;
    let (theme, statements) = theme_of(&r, &code)?;
    let mut levels = r.scale_keys();
    levels.push(NOT_SURE.into());
    let lines: Vec<WorkshopLine> = statements
        .iter()
        .map(|s| WorkshopLine {
            code: s.code.clone(),
            counts: levels
                .iter()
                .map(|l| {
                    (
                        l.clone(),
                        field(&pairs, &format!("count-{}-{l}", s.code)).to_owned(),
                    )
                })
                .collect(),
            working: field(&pairs, &format!("working-{}", s.code)).to_owned(),
            to_change: field(&pairs, &format!("change-{}", s.code)).to_owned(),
        })
        .collect();
    let result = reviews::add_workshop_views(
        &state.store,
        &actor,
        &r,
        field(&pairs, "perspective"),
        field(&pairs, "session_label"),
        &lines,
    )
    .await;
    match form::answer(result, "views")? {
        Outcome::Done(people) => Ok(form::saved(
            &session,
            format!(
                "Views added: {people} {} on {}.",
                if people == 1 { "answer" } else { "answers" },
                theme.title
            ),
            &format!("{}/{id}/summary", base(&slug)),
        )),
        // A closed review: its page says so; nothing more can be added.
        Outcome::Rejected(rejection) if rejection.is_conflict() => {
            let page = review_page(&state, ctx, r, rejection.errors).await?;
            render(rejection.status, &page)
        }
        Outcome::Rejected(rejection) => render(
            rejection.status,
            &WorkshopPage {
                ctx,
                r,
                theme,
                statements,
                pairs,
                errors: rejection.errors,
                perspectives: perspectives(),
                max_chars: MAX_WORDS_CHARS,
            },
        ),
    }
}

#[derive(Template)]
#[template(path = "reviews/print.html")]
struct PrintPage {
    ctx: PageContext,
    r: ReviewInContext,
    theme: Theme,
    statements: Vec<Statement>,
}

/// `GET /manage/organisations/{slug}/reviews/{id}/themes/{code}/print`: the paper form that
/// matches the workshop entry page.
pub async fn print(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, id, code)): Path<(Slug, i64, Code)>,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let r = reviews::review_in_context(&state.store, &actor, &slug, id).await?;
    let (theme, statements) = theme_of(&r, &code)?;
    ok(&PrintPage {
        ctx,
        r,
        theme,
        statements,
    })
}

// ---------------------------------------------------------------- Seeing the difference

#[derive(Template)]
#[template(path = "reviews/summary.html")]
struct SummaryPage {
    ctx: PageContext,
    r: ReviewInContext,
    s: ReviewSummary,
    /// The statement whose position form has errors, with what was typed.
    failed: Option<(String, String, String)>,
    errors: FieldErrors,
}

impl SummaryPage {
    fn base(&self) -> String {
        format!("{}/{}", base(&self.r.organisation.slug), self.r.review.id)
    }

    fn typed_level(&self, code: &str) -> &str {
        match &self.failed {
            Some((c, level, _)) if c == code => level,
            _ => "",
        }
    }

    fn typed_summary(&self, code: &str) -> &str {
        match &self.failed {
            Some((c, _, summary)) if c == code => summary,
            _ => "",
        }
    }

    fn error(&self, name: &str) -> Option<&str> {
        self.errors.for_field(name)
    }

    fn when(&self, at: &i64) -> String {
        super::when(at)
    }

    fn day(&self, iso: &str) -> String {
        super::day(iso)
    }

    fn level_label(&self, key: &str) -> String {
        self.r.level_label(key)
    }

    /// The small bar chart for one statement, laid out here so the template only draws it.
    fn chart(&self, statement: &StatementSummary) -> Chart {
        let mut columns: Vec<String> = self
            .r
            .framework
            .scale
            .iter()
            .map(|l| l.label.clone())
            .collect();
        columns.push("Not sure".into());
        let label_width = 190;
        let column_width =
            (CHART_WIDTH - label_width) / i64::try_from(columns.len()).unwrap_or(1).max(1);
        let headers = columns
            .iter()
            .enumerate()
            .map(|(i, label)| {
                (
                    label_width + column_width * i64::try_from(i).unwrap_or(0),
                    label.clone(),
                )
            })
            .collect();
        let rows = statement
            .spreads
            .iter()
            .enumerate()
            .map(|(row, spread)| {
                let y = 26 + 26 * i64::try_from(row).unwrap_or(0);
                let total = spread.total().max(1);
                let mut counts = spread.at_level.clone();
                counts.push(spread.not_sure);
                let cells = counts
                    .iter()
                    .enumerate()
                    .map(|(i, count)| {
                        let x = label_width + column_width * i64::try_from(i).unwrap_or(0);
                        let width = (column_width - 30) * count / total;
                        ChartCell {
                            x,
                            width,
                            count: *count,
                            text_x: x + width + 4,
                        }
                    })
                    .collect();
                ChartRow {
                    y,
                    label: spread.perspective.label(),
                    cells,
                }
            })
            .collect::<Vec<_>>();
        let height = 26 + 26 * i64::try_from(rows.len()).unwrap_or(0) + 4;
        Chart {
            headers,
            rows,
            width: CHART_WIDTH,
            height,
        }
    }
}

const CHART_WIDTH: i64 = 640;

struct Chart {
    headers: Vec<(i64, String)>,
    rows: Vec<ChartRow>,
    width: i64,
    height: i64,
}

struct ChartRow {
    y: i64,
    label: &'static str,
    cells: Vec<ChartCell>,
}

struct ChartCell {
    x: i64,
    width: i64,
    count: i64,
    text_x: i64,
}

/// `GET /manage/organisations/{slug}/reviews/{id}/summary`
pub async fn summary(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, id)): Path<(Slug, i64)>,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let r = reviews::review_in_context(&state.store, &actor, &slug, id).await?;
    let s = reviews::summary(&state.store, &r).await?;
    ok(&SummaryPage {
        ctx,
        r,
        s,
        failed: None,
        errors: FieldErrors::new(),
    })
}

/// `POST /manage/organisations/{slug}/reviews/{id}/statements/{code}/position`
pub async fn position(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, id, code)): Path<(Slug, i64, Code)>,
    session: Session,
    ctx: PageContext,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<Response, WebError> {
    let r = reviews::review_in_context(&state.store, &actor, &slug, id).await?;
    let level = field(&pairs, "level");
    let summary_text = field(&pairs, "summary");
    let recorded =
        reviews::record_position(&state.store, &actor, &r, &code, level, summary_text).await;
    match form::answer(recorded, "heading")? {
        Outcome::Done(()) => Ok(form::saved(
            &session,
            format!("The agreed position on {code} is recorded. Both co-chairs now confirm it."),
            &format!("{}/{id}/summary#statement-{code}", base(&slug)),
        )),
        Outcome::Rejected(rejection) => {
            // The form's fields carry the statement code, so the summary links to them.
            let mut named = FieldErrors::new();
            for e in rejection.errors.iter() {
                named.add(format!("{}-{code}", e.field), e.message.clone());
            }
            let failed = (!rejection.is_conflict())
                .then(|| (code.to_string(), level.to_owned(), summary_text.to_owned()));
            summary_again(&state, ctx, r, rejection.status, failed, named).await
        }
    }
}

/// The summary again, with why a change to a statement's position could not be made (each
/// problem named by its statement, so the error summary links to it) and, for mistakes, what
/// was typed.
async fn summary_again(
    state: &AppState,
    ctx: PageContext,
    r: ReviewInContext,
    status: StatusCode,
    failed: Option<(String, String, String)>,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let s = reviews::summary(&state.store, &r).await?;
    render(
        status,
        &SummaryPage {
            ctx,
            r,
            s,
            failed,
            errors,
        },
    )
}

/// `POST /manage/organisations/{slug}/reviews/{id}/statements/{code}/confirm`
pub async fn confirm(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, id, code)): Path<(Slug, i64, Code)>,
    session: Session,
    ctx: PageContext,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<Response, WebError> {
    let r = reviews::review_in_context(&state.store, &actor, &slug, id).await?;
    let confirmed =
        reviews::confirm_position(&state.store, &actor, &r, &code, field(&pairs, "seen")).await;
    match form::answer(confirmed, "heading")? {
        Outcome::Done(both) => Ok(form::saved(
            &session,
            if both {
                format!("The agreed position on {code} is confirmed by both co-chairs.")
            } else {
                format!("Your confirmation of {code} is recorded. It needs the other co-chair too.")
            },
            &format!("{}/{id}/summary#statement-{code}", base(&slug)),
        )),
        Outcome::Rejected(rejection) => {
            let mut named = FieldErrors::new();
            for e in rejection.errors.iter() {
                named.add(format!("{}-{code}", e.field), e.message.clone());
            }
            summary_again(&state, ctx, r, rejection.status, None, named).await
        }
    }
}
