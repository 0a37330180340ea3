//! Markers of progress in a review: alongside their views, the group ticks which of a
//! statement's markers are in place, with links to evidence, and makes a marker that is not
//! in place an action of the plan in one step (decision 0037).

use mir_domain::framework::Statement;
use mir_domain::plan::{self, PriorityStatus};
use mir_domain::review;
use mir_store::{ActionHome, ActionRecord, MarkerActionOutcome, MarkerCheck, PriorityRecord};
use serde_json::json;

use super::{ReviewInContext, ReviewStore, ensure_open};
use crate::AppError;
use crate::audit::record;
use crate::policy::{Actor, GroupAction, authorize_in_group};

/// One marker of a statement as the summary shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkerSummary {
    /// From 1, within the statement.
    pub number: usize,
    pub text: String,
    pub easy_text: String,
    /// `None` until the group has looked at it.
    pub in_place: Option<bool>,
    pub evidence_url: String,
    /// The plan action made from it: `(priority id, action id)`.
    pub action: Option<(i64, i64)>,
}

/// A statement's markers with what the group found, in the framework's order.
pub(super) fn markers_of(statement: &Statement, checks: &[MarkerCheck]) -> Vec<MarkerSummary> {
    statement
        .markers
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let number = i + 1;
            let check = checks.iter().find(|c| {
                c.statement_code == statement.code
                    && usize::try_from(c.position).is_ok_and(|p| p == number)
            });
            MarkerSummary {
                number,
                text: m.text.clone(),
                easy_text: m.easy_text.clone(),
                in_place: check.and_then(|c| c.in_place),
                evidence_url: check.map(|c| c.evidence_url.clone()).unwrap_or_default(),
                action: check.and_then(|c| c.action),
            }
        })
        .collect()
}

/// Records which of a statement's markers the group found in place, with evidence links.
/// `ticked` are the numbers of the ticked boxes; `evidence` the links in marker order.
pub async fn record_markers(
    store: &impl ReviewStore,
    actor: &Actor,
    ctx: &ReviewInContext,
    code: &str,
    ticked: &[String],
    evidence: &[String],
) -> Result<(), AppError> {
    authorize_in_group(ctx.me.role, ctx.me.is_co_chair, GroupAction::LeadReviews)?;
    let statement = ctx.in_review(code).ok_or(AppError::NotFound)?;
    if statement.markers.is_empty() {
        return Err(AppError::NotFound);
    }
    ensure_open(ctx)?;
    let findings = review::check_marker_findings(statement.markers.len(), ticked, evidence)
        .map_err(AppError::Invalid)?;
    let checks: Vec<MarkerCheck> = findings
        .iter()
        .map(|f| MarkerCheck {
            statement_code: statement.code.clone(),
            position: i64::try_from(f.number).unwrap_or(i64::MAX),
            in_place: Some(f.in_place),
            evidence_url: f.evidence_url.clone(),
            action: None,
        })
        .collect();
    store
        .save_marker_checks(
            ctx.review.id,
            &statement.code,
            &checks,
            ctx.me.person_id,
            mir_store::now(),
        )
        .await?;
    let in_place: Vec<usize> = findings
        .iter()
        .filter(|f| f.in_place)
        .map(|f| f.number)
        .collect();
    record(
        store,
        Some(ctx.organisation.id),
        actor,
        "markers of progress recorded",
        json!({"review": ctx.review.id, "statement": code, "in_place": in_place}),
    )
    .await
}

/// What making a marker an action did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarkerAction {
    pub priority_id: i64,
    pub action_id: i64,
    /// A new priority was started for it (no priority of the draft served the statement).
    pub new_priority: bool,
    /// It had been made an action before; nothing new was made.
    pub already: bool,
}

/// Makes a marker that is not in place an action of the draft plan, in one step: under the
/// first priority of the draft that serves the statement and is still being worked on, or
/// else under a new proposed priority about it. `lead` is who leads the action.
pub async fn marker_to_action(
    store: &impl crate::plans::PlanStore,
    actor: &Actor,
    ctx: &ReviewInContext,
    code: &str,
    number: usize,
    lead: &str,
) -> Result<MarkerAction, AppError> {
    authorize_in_group(ctx.me.role, ctx.me.is_co_chair, GroupAction::EditPlan)?;
    let statement = ctx.in_review(code).ok_or(AppError::NotFound)?;
    let marker = number
        .checked_sub(1)
        .and_then(|i| statement.markers.get(i))
        .ok_or(AppError::NotFound)?;
    let what = mir_domain::validation::whole_lines_within([marker.text.clone()], 1000);
    let checked = plan::check_action(
        &what,
        lead,
        "",
        "",
        "",
        mir_domain::plan::ActionStatus::NotStarted.key(),
    )
    .map_err(AppError::Invalid)?;
    let serving = store
        .priorities(ctx.organisation.id)
        .await?
        .into_iter()
        .find(|p| {
            p.record.statements.contains(&statement.code)
                && !matches!(
                    PriorityStatus::parse(&p.record.status),
                    Some(PriorityStatus::Dropped | PriorityStatus::Achieved)
                )
        });
    let home = match &serving {
        Some(p) => ActionHome::Priority(p.id),
        None => ActionHome::NewPriority(PriorityRecord {
            title: title_within(&statement.text, 150),
            statements: vec![statement.code.clone()],
            target: String::new(),
            why: format!(
                "In “{}”, the group found that this marker of progress was not yet in place: “{}”.",
                ctx.review.title, marker.text
            ),
            review_id: Some(ctx.review.id),
            status: PriorityStatus::Proposed.key().to_owned(),
            dropped_reason: String::new(),
        }),
    };
    let position = i64::try_from(number).map_err(|_| AppError::NotFound)?;
    let outcome = store
        .marker_into_action(
            ctx.organisation.id,
            (ctx.review.id, &statement.code, position),
            &home,
            &ActionRecord {
                what: checked.what.clone(),
                lead: checked.lead,
                involved: String::new(),
                due_on: None,
                review_on: None,
                status: checked.status.key().to_owned(),
            },
            ctx.me.person_id,
            mir_store::now(),
        )
        .await?;
    let (priority_id, action_id, already) = match outcome {
        MarkerActionOutcome::Made(p, a) => (p, a, false),
        MarkerActionOutcome::AlreadyAction(p, a) => (p, a, true),
        MarkerActionOutcome::InPlace => {
            return Err(AppError::Conflict(
                "the group found this marker in place, so it needs no action".into(),
            ));
        }
        MarkerActionOutcome::NoPriority => {
            return Err(AppError::Conflict(
                "the plan changed while you were reading: try again".into(),
            ));
        }
    };
    if !already {
        record(
            store,
            Some(ctx.organisation.id),
            actor,
            "marker made an action",
            json!({"review": ctx.review.id, "statement": code, "marker": number,
                   "priority": priority_id, "action": action_id}),
        )
        .await?;
    }
    Ok(MarkerAction {
        priority_id,
        action_id,
        new_priority: serving.is_none() && !already,
        already,
    })
}

/// `text` cut at a word boundary to at most `max` characters, with "…" when cut.
fn title_within(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out = String::new();
    for word in text.split_whitespace() {
        if out.chars().count() + word.chars().count() + 2 > max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::title_within;

    #[test]
    fn long_statements_make_titles_cut_at_a_word() {
        assert_eq!(title_within("Short enough", 150), "Short enough");
        let cut = title_within("one two three four", 10);
        assert_eq!(cut, "one two…");
        assert!(cut.chars().count() <= 10);
    }
}
