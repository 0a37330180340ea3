//! Views typed in from a workshop or a paper form, and the printable form that matches.

use crate::params::Code;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use mir_app::reviews::{self, NOT_SURE, ReviewInContext, WorkshopLine};
use mir_domain::framework::{Statement, Theme};
use mir_domain::review::{MAX_WORDS_CHARS, Perspective};
use mir_domain::validation::FieldErrors;

use super::{Reviewed, base};
use crate::AppState;
use crate::error::WebError;
use crate::form::{self, Outcome};
use crate::middleware::csrf::CsrfForm;
use crate::middleware::session::Session;
use crate::page::{PageContext, ok, render};
use crate::routes::{Pairs, field};

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
    Reviewed { r, code, .. }: Reviewed<Code>,
    ctx: PageContext,
) -> Result<Response, WebError> {
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
    Reviewed {
        actor,
        r,
        slug,
        id,
        code,
    }: Reviewed<Code>,
    session: Session,
    ctx: PageContext,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<Response, WebError> {
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
        // Mistakes, or a review closed meanwhile (409): the form again with what was typed.
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
    Reviewed { r, code, .. }: Reviewed<Code>,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let (theme, statements) = theme_of(&r, &code)?;
    ok(&PrintPage {
        ctx,
        r,
        theme,
        statements,
    })
}
