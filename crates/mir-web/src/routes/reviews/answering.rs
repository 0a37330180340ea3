//! Giving views: a theme at a time, or a statement at a time (the Easy Read default),
//! openly or anonymously. A form sent after the session ended is kept and shown again,
//! filled in, once the person has signed in (see [`keep_and_sign_in`]), so nothing typed is lost.

use std::collections::HashMap;

use crate::params::{Code, Path, Slug};
use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use mir_app::Actor;
use mir_app::kept_forms;
use mir_app::reviews::{self, Answer, NOT_SURE, ReviewInContext};
use mir_domain::framework::{Statement, Theme};
use mir_domain::review::MAX_WORDS_CHARS;
use mir_domain::validation::FieldErrors;
use mir_store::View;

use super::{KEPT_COOKIE, base, forget_kept_form};
use crate::AppState;
use crate::error::{Internal, WebError};
use crate::form::{self, Outcome};
use crate::middleware::cookies::{self, CookieSpec};
use crate::middleware::csrf::CsrfForm;
use crate::middleware::session::Session;
use crate::page::{PageContext, ok, render};
use crate::routes::{CurrentActor, Pairs, field};

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
    let form = kept_forms::kept_for(&state.store, &key, path).await?;
    Ok(form.and_then(|form| serde_urlencoded::from_str::<Pairs>(&form).ok()))
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
    // Only the answers are kept (not the form token, nor anything else someone adds).
    let answers: Pairs = pairs
        .iter()
        .filter(|(k, _)| {
            ["level-", "working-", "change-"]
                .iter()
                .any(|p| k.starts_with(p))
        })
        .cloned()
        .collect();
    let form = serde_urlencoded::to_string(&answers).map_err(|e| {
        WebError::Internal(Internal::Encoding {
            what: "a kept form",
            detail: e.to_string(),
        })
    })?;
    let key = kept_forms::keep(&state.store, client, path, &form).await?;
    session.set_return_to(path);
    session.set_notice(
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
            max_age: Some(time::Duration::seconds(kept_forms::KEPT_SECONDS)),
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
        Outcome::Done(saved) => {
            let mut response = next_after(&r, &scope, saved, session).into_response();
            forget_kept_form(state, headers, &mut response).await?;
            Ok(response)
        }
        // Mistakes, or a review closed meanwhile (409): the form again with what was typed, so
        // nothing is lost, and why at the top.
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

/// After saving: the next theme or statement, or back to the review when all are done. When
/// nothing was answered, it says so (nothing is saved) instead of "Saved.".
fn next_after(r: &ReviewInContext, scope: &Scope, saved: usize, session: &Session) -> Redirect {
    let review = format!("{}/{}", base(&r.organisation.slug), r.review.id);
    let say = |done: &str| {
        if saved == 0 {
            session.set_notice(format!(
                "You did not give an answer, so nothing is saved. You can come back to it at any time while the review is open.{}",
                done.strip_prefix("Saved.").unwrap_or_default()
            ));
        } else {
            session.set_flash(done);
        }
    };
    match scope {
        Scope::Theme(code) => {
            let next = r.themes.iter().skip_while(|t| &t.code != code).nth(1);
            match next {
                Some(t) => {
                    say("Saved. Here is the next theme.");
                    Redirect::to(&format!("{review}/themes/{}", t.code))
                }
                None => {
                    say("Saved. That was the last theme: thank you.");
                    Redirect::to(&review)
                }
            }
        }
        Scope::Statement(code) => {
            let all = r.statements();
            let next = all.iter().skip_while(|s| &s.code != code).nth(1);
            match next {
                Some(s) => {
                    say("Saved.");
                    Redirect::to(&format!("{review}/statements/{}", s.code))
                }
                None => {
                    say("Saved. That was the last statement: thank you.");
                    Redirect::to(&review)
                }
            }
        }
    }
}

/// The answering pages' one difference, as their handlers' parameter: views are given a
/// theme at a time, or a statement at a time (the Easy Read default).
pub const BY_THEME: bool = false;
pub const BY_STATEMENT: bool = true;

fn scope(by_statement: bool, code: Code) -> Scope {
    if by_statement {
        Scope::Statement(code.into())
    } else {
        Scope::Theme(code.into())
    }
}

/// `GET /manage/organisations/{slug}/reviews/{id}/themes/{code}` and `.../statements/{code}`
pub async fn answer_form<const BY: bool>(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, id, code)): Path<(Slug, i64, Code)>,
    headers: HeaderMap,
    ctx: PageContext,
) -> Result<Response, WebError> {
    answer_get(&state, &actor, &slug, id, scope(BY, code), &headers, ctx).await
}

/// `POST /manage/organisations/{slug}/reviews/{id}/themes/{code}` and `.../statements/{code}`
#[allow(clippy::too_many_arguments)]
pub async fn answer_save<const BY: bool>(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, id, code)): Path<(Slug, i64, Code)>,
    crate::routes::Client(client): crate::routes::Client,
    session: Session,
    headers: HeaderMap,
    ctx: PageContext,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<Response, WebError> {
    let scope = scope(BY, code);
    let who = (&session, client.as_str());
    answer_post(&state, &actor, &slug, id, scope, who, &headers, ctx, pairs).await
}
