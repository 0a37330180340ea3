//! Giving views: each member's own answers (checked against the scale), choosing to be
//! anonymous, and views typed in from a workshop or paper forms.
use mir_domain::review::{self, MAX_WORKSHOP_COUNT, Perspective};
use mir_domain::validation::FieldErrors;
use mir_store::{View, WorkshopView};
use serde_json::json;

use super::{NOT_SURE, ReviewInContext, ReviewStore, ensure_open};
use crate::AppError;
use crate::audit::record;
use crate::policy::{Actor, GroupAction, authorize_in_group};

/// One answer as typed: the statement, the level key (or `not-sure`, or empty), the words.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answer {
    pub code: String,
    pub level: String,
    pub working: String,
    pub to_change: String,
}

/// Checks answers; field names are `level-CODE`, `working-CODE`, `change-CODE`.
pub fn check_answers(ctx: &ReviewInContext, answers: &[Answer]) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    let keys = ctx.scale_keys();
    for a in answers {
        if ctx.in_review(&a.code).is_none() {
            errors.add(
                format!("level-{}", a.code),
                "This statement is not in the review",
            );
            continue;
        }
        if !(a.level.is_empty() || a.level == NOT_SURE || keys.contains(&a.level)) {
            errors.add(
                format!("level-{}", a.code),
                "Choose one of the levels, or not sure",
            );
        }
        review::check_words(&mut errors, format!("working-{}", a.code), &a.working);
        review::check_words(&mut errors, format!("change-{}", a.code), &a.to_change);
    }
    errors.into_result(|| ())
}

/// Saves a member's answers (all or nothing). An answer with nothing in it is not stored.
pub async fn save_answers(
    store: &impl ReviewStore,
    ctx: &ReviewInContext,
    answers: &[Answer],
) -> Result<usize, AppError> {
    if !ctx.review.is_open {
        return Err(AppError::Conflict(
            "this review is closed: views can no longer be changed".into(),
        ));
    }
    check_answers(ctx, answers).map_err(AppError::Invalid)?;
    let now = mir_store::now();
    let mut saved = 0;
    let existing = store.views_of(ctx.review.id, ctx.me.person_id).await?;
    for a in answers {
        let blank =
            a.level.is_empty() && a.working.trim().is_empty() && a.to_change.trim().is_empty();
        if blank && !existing.iter().any(|v| v.statement_code == a.code) {
            continue;
        }
        store
            .save_view(
                ctx.review.id,
                &View {
                    statement_code: a.code.clone(),
                    person_id: ctx.me.person_id,
                    perspective: ctx.perspective().key().to_owned(),
                    level: a.level.clone(),
                    working: a.working.trim().to_owned(),
                    to_change: a.to_change.trim().to_owned(),
                },
                now,
            )
            .await?;
        saved += 1;
    }
    Ok(saved)
}

pub async fn set_anonymous(
    store: &impl ReviewStore,
    ctx: &ReviewInContext,
    anonymous: bool,
) -> Result<(), AppError> {
    ensure_open(ctx)?;
    store
        .set_anonymous(ctx.review.id, ctx.me.person_id, anonymous)
        .await?;
    Ok(())
}

/// One line typed in from a workshop, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkshopLine {
    pub code: String,
    /// Counts per level key (and `not-sure`), as typed.
    pub counts: Vec<(String, String)>,
    pub working: String,
    pub to_change: String,
}

/// Adds the views given in a workshop: for one perspective, how many people chose each level
/// of each statement, and what they said. Field names: `count-CODE-LEVEL`, `working-CODE`…
pub async fn add_workshop_views(
    store: &impl ReviewStore,
    actor: &Actor,
    ctx: &ReviewInContext,
    perspective: &str,
    session_label: &str,
    lines: &[WorkshopLine],
) -> Result<i64, AppError> {
    authorize_in_group(ctx.me.role, ctx.me.is_co_chair, GroupAction::LeadReviews)?;
    if !ctx.review.is_open {
        return Err(AppError::Conflict("this review is closed".into()));
    }
    let mut errors = FieldErrors::new();
    let perspective = Perspective::parse(perspective);
    if perspective.is_none() {
        errors.add("perspective", "Choose whose views these are");
    }
    let label = review::check_words(&mut errors, "session_label", session_label);
    let mut keys = ctx.scale_keys();
    keys.push(NOT_SURE.into());
    let mut rows = Vec::new();
    let mut people = 0;
    for line in lines {
        if ctx.in_review(&line.code).is_none() {
            continue;
        }
        let working =
            review::check_words(&mut errors, format!("working-{}", line.code), &line.working);
        let to_change = review::check_words(
            &mut errors,
            format!("change-{}", line.code),
            &line.to_change,
        );
        let mut first = true;
        for (level, typed) in &line.counts {
            if !keys.contains(level) || typed.trim().is_empty() {
                continue;
            }
            let field = format!("count-{}-{}", line.code, level);
            match typed.trim().parse::<i64>() {
                Ok(0) => {}
                Ok(n) if (1..=MAX_WORKSHOP_COUNT).contains(&n) => {
                    people += n;
                    rows.push(WorkshopView {
                        statement_code: line.code.clone(),
                        perspective: perspective.map(|p| p.key().to_owned()).unwrap_or_default(),
                        level: level.clone(),
                        people: n,
                        // The words go with the first count, so they are shown once.
                        working: if first {
                            working.clone()
                        } else {
                            String::new()
                        },
                        to_change: if first {
                            to_change.clone()
                        } else {
                            String::new()
                        },
                        session_label: label.clone(),
                    });
                    first = false;
                }
                _ => errors.add(
                    field,
                    format!("Enter a number of people from 0 to {MAX_WORKSHOP_COUNT}"),
                ),
            }
        }
        if first && !(working.is_empty() && to_change.is_empty()) {
            // Words without any count: kept, shown with the statement, not counted.
            rows.push(WorkshopView {
                statement_code: line.code.clone(),
                perspective: perspective.map(|p| p.key().to_owned()).unwrap_or_default(),
                level: String::new(),
                people: 0,
                working,
                to_change,
                session_label: label.clone(),
            });
        }
    }
    if errors.is_empty() && rows.is_empty() {
        errors.add(
            "perspective",
            "Enter how many people chose a level for at least one statement",
        );
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    store
        .add_workshop_views(ctx.review.id, &rows, ctx.me.person_id, mir_store::now())
        .await?;
    record(
        store,
        Some(ctx.organisation.id),
        actor,
        "workshop views added",
        json!({"review": ctx.review.id, "people": people, "lines": rows.len()}),
    )
    .await?;
    Ok(people)
}
