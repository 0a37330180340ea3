//! The group's draft: priorities (where we want to get to), their actions (how we get there)
//! and progress updates. Every change is recorded, so the co-chairs see what changed.

use mir_domain::plan::{
    self, ActionStatus, PlanSnapshot, PriorityStatus, SnapshotAction, SnapshotPriority,
};
use mir_domain::validation::FieldErrors;
use mir_store::{ActionRecord, PriorityRecord};
use serde::Deserialize;
use serde_json::json;

use super::{DraftPriority, PlanStore, PlanWorkspace, record_change, workspace};
use crate::AppError;
use crate::policy::{Actor, GroupAction, authorize_in_group};

/// The priority form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PriorityForm {
    pub title: String,
    /// The statements it is about (a field repeated once per ticked box).
    pub statements: Vec<String>,
    pub target: String,
    pub why: String,
    pub review: String,
    pub status: String,
    pub dropped_reason: String,
}

/// A new priority's form, started from a review: the statements chosen on its summary, the
/// review it came from, and in "why" what the group found (the agreed position, or how far
/// apart the perspectives' views were). Nothing is saved until the person adds it. Statements
/// not in the review are left out.
pub async fn priority_from_review(
    store: &impl PlanStore,
    actor: &Actor,
    slug: &str,
    review_id: i64,
    codes: &[String],
) -> Result<PriorityForm, AppError> {
    let ws = workspace(store, actor, slug).await?;
    if !ws.can_edit {
        return Err(AppError::Forbidden);
    }
    let ctx = crate::reviews::review_in_context(store, actor, slug, review_id).await?;
    let summary = crate::reviews::summary(store, &ctx).await?;
    let mut statements = Vec::new();
    let mut why = Vec::new();
    for st in summary.themes.iter().flat_map(|t| &t.statements) {
        if !codes.contains(&st.statement.code) {
            continue;
        }
        statements.push(st.statement.code.clone());
        let found = match &st.position {
            Some(p) => {
                let level = ctx
                    .framework
                    .scale
                    .iter()
                    .find(|l| l.key == p.level)
                    .map_or(p.level.as_str(), |l| l.label.as_str());
                format!(
                    "we agreed “{level}”: {}",
                    p.summary.trim().trim_end_matches('.')
                )
            }
            None if st.is_gap => {
                "people who use services, carers and staff saw this differently".to_owned()
            }
            None => "the group had not yet agreed where it stood".to_owned(),
        };
        why.push(format!(
            "In {}, on “{}”, {found}.",
            ctx.review.title, st.statement.text
        ));
    }
    // "Why" holds at most 2000 characters: whole lines only, the first statements first.
    let kept = mir_domain::validation::whole_lines_within(why, 2000);
    Ok(PriorityForm {
        statements,
        // Empty lines first: the cursor lands at the start of the box, so words typed there
        // stay apart from what the review found (the page's HTML keeps one of the three).
        why: format!("\n\n\n{kept}"),
        review: review_id.to_string(),
        status: PriorityStatus::Proposed.key().into(),
        ..PriorityForm::default()
    })
}

/// Adds a priority (`id: None`) or changes one. Returns its id.
pub async fn save_priority(
    store: &impl PlanStore,
    actor: &Actor,
    slug: &str,
    id: Option<i64>,
    form: &PriorityForm,
) -> Result<i64, AppError> {
    let ws = workspace(store, actor, slug).await?;
    authorize_in_group(ws.me.role, ws.me.is_co_chair, GroupAction::EditPlan)?;
    if ws.framework.is_none() {
        return Err(AppError::Conflict(
            "the organisation has not chosen a framework yet".into(),
        ));
    }
    let reviews: Vec<i64> = ws.reviews.iter().map(|r| r.id).collect();
    let checked = plan::check_priority(
        &form.title,
        &form.statements,
        &ws.statement_codes(),
        &form.target,
        &form.why,
        &form.review,
        &reviews,
        &form.status,
        &form.dropped_reason,
    )
    .map_err(AppError::Invalid)?;
    let record = PriorityRecord {
        title: checked.title.clone(),
        statements: checked.statements,
        target: checked.target,
        why: checked.why,
        review_id: checked.review_id,
        status: checked.status.key().to_owned(),
        dropped_reason: checked.dropped_reason,
    };
    let now = mir_store::now();
    let id = match id {
        Some(id) => {
            if !store
                .update_priority(ws.organisation.id, id, &record, now)
                .await?
            {
                return Err(AppError::NotFound);
            }
            id
        }
        None => {
            store
                .create_priority(ws.organisation.id, &record, now)
                .await?
        }
    };
    record_change(
        store,
        &ws,
        actor,
        "priority saved",
        json!({"priority": id, "title": checked.title}),
    )
    .await?;
    Ok(id)
}

/// The action form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ActionForm {
    pub what: String,
    pub lead: String,
    pub involved: String,
    /// A whole `YYYY-MM-DD` date (scripts, older forms); the boxes below come first.
    pub due_on: String,
    #[serde(rename = "due_on-day")]
    pub due_on_day: String,
    #[serde(rename = "due_on-month")]
    pub due_on_month: String,
    #[serde(rename = "due_on-year")]
    pub due_on_year: String,
    pub review_on: String,
    #[serde(rename = "review_on-day")]
    pub review_on_day: String,
    #[serde(rename = "review_on-month")]
    pub review_on_month: String,
    #[serde(rename = "review_on-year")]
    pub review_on_year: String,
    pub status: String,
}

impl ActionForm {
    /// The form for a stored action, its dates in the three boxes.
    pub fn with_dates(mut self) -> ActionForm {
        (self.due_on_day, self.due_on_month, self.due_on_year) =
            mir_domain::dates::to_parts(&self.due_on);
        (
            self.review_on_day,
            self.review_on_month,
            self.review_on_year,
        ) = mir_domain::dates::to_parts(&self.review_on);
        self
    }
}

/// Adds an action under a priority (`action_id: None`) or changes one.
pub async fn save_action(
    store: &impl PlanStore,
    actor: &Actor,
    slug: &str,
    priority_id: i64,
    action_id: Option<i64>,
    form: &ActionForm,
) -> Result<(), AppError> {
    let ws = workspace(store, actor, slug).await?;
    authorize_in_group(ws.me.role, ws.me.is_co_chair, GroupAction::EditPlan)?;
    ws.priority(priority_id).ok_or(AppError::NotFound)?;
    let mut date_errors = FieldErrors::new();
    let due_on = mir_domain::dates::typed(
        &mut date_errors,
        ("due_on", "The due date"),
        (&form.due_on_day, &form.due_on_month, &form.due_on_year),
        &form.due_on,
    );
    let review_on = mir_domain::dates::typed(
        &mut date_errors,
        ("review_on", "The review date"),
        (
            &form.review_on_day,
            &form.review_on_month,
            &form.review_on_year,
        ),
        &form.review_on,
    );
    let checked = match plan::check_action(
        &form.what,
        &form.lead,
        &form.involved,
        &due_on,
        &review_on,
        &form.status,
    ) {
        Ok(_) if !date_errors.is_empty() => Err(date_errors),
        Ok(checked) => Ok(checked),
        Err(mut errors) => {
            errors.merge(date_errors);
            Err(errors)
        }
    }
    .map_err(AppError::Invalid)?;
    let record = ActionRecord {
        what: checked.what.clone(),
        lead: checked.lead,
        involved: checked.involved,
        due_on: checked.due_on,
        review_on: checked.review_on,
        status: checked.status.key().to_owned(),
    };
    let now = mir_store::now();
    match action_id {
        Some(id) => {
            let belongs = ws.action(id).is_some_and(|(p, _)| p.row.id == priority_id);
            if !belongs
                || !store
                    .update_action(ws.organisation.id, id, &record, now)
                    .await?
            {
                return Err(AppError::NotFound);
            }
        }
        None => {
            store
                .create_action(ws.organisation.id, priority_id, &record, now)
                .await?
                .ok_or(AppError::NotFound)?;
        }
    }
    record_change(
        store,
        &ws,
        actor,
        "action saved",
        json!({"priority": priority_id, "what": checked.what}),
    )
    .await
}

/// The update form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct UpdateForm {
    /// Empty for the priority itself, else an action's id.
    pub action: String,
    pub note: String,
    pub status: String,
    pub evidence_url: String,
}

/// Adds a dated progress update to a priority or one of its actions, with an optional new
/// status. Public at once if the organisation chose so, else with the next approved version.
pub async fn add_update(
    store: &impl PlanStore,
    actor: &Actor,
    slug: &str,
    priority_id: i64,
    form: &UpdateForm,
) -> Result<bool, AppError> {
    let ws = workspace(store, actor, slug).await?;
    authorize_in_group(ws.me.role, ws.me.is_co_chair, GroupAction::EditPlan)?;
    let priority = ws.priority(priority_id).ok_or(AppError::NotFound)?;
    let action_id = match form.action.trim() {
        "" => None,
        text => {
            let id: i64 = text.parse().map_err(|_| AppError::NotFound)?;
            priority
                .actions
                .iter()
                .find(|(a, _)| a.id == id)
                .ok_or(AppError::NotFound)?;
            Some(id)
        }
    };
    let (about, allowed): (&str, Vec<(&str, &str)>) = match action_id {
        Some(_) => (
            "an action",
            ActionStatus::ALL
                .iter()
                .map(|s| (s.key(), s.label()))
                .collect(),
        ),
        None => (
            "the priority as a whole",
            PriorityStatus::ALL
                .iter()
                .map(|s| (s.key(), s.label()))
                .collect(),
        ),
    };
    let checked = plan::check_update(
        &form.note,
        &form.status,
        (about, &allowed),
        &form.evidence_url,
    )
    .map_err(AppError::Invalid)?;
    if checked.status.as_deref() == Some(PriorityStatus::Dropped.key()) && action_id.is_none() {
        let mut errors = FieldErrors::new();
        errors.add(
            "status",
            "To drop a priority, change it and say why it was dropped",
        );
        return Err(AppError::Invalid(errors));
    }
    // Updates go public straight away only if there is a published plan to attach them to.
    let public = ws.publish_directly && ws.latest_version.is_some();
    store
        .add_update(
            ws.organisation.id,
            priority_id,
            action_id,
            &checked.note,
            checked.status.as_deref(),
            checked.evidence_url.as_deref(),
            ws.me.person_id,
            public,
            mir_store::now(),
        )
        .await?;
    if public {
        crate::search::reindex(store, &ws.organisation.slug).await?;
    }
    record_change(
        store,
        &ws,
        actor,
        "progress update added",
        json!({"priority": priority_id, "action": action_id, "status": checked.status}),
    )
    .await?;
    Ok(public)
}

/// The draft as a snapshot, as it would be published.
pub(super) fn snapshot_of(priorities: &[DraftPriority]) -> PlanSnapshot {
    PlanSnapshot {
        priorities: priorities
            .iter()
            .map(|p| SnapshotPriority {
                id: p.row.id,
                title: p.row.record.title.clone(),
                statements: p.row.record.statements.clone(),
                target: p.row.record.target.clone(),
                why: p.row.record.why.clone(),
                status: p.status,
                dropped_reason: p.row.record.dropped_reason.clone(),
                actions: p
                    .actions
                    .iter()
                    .map(|(a, status)| SnapshotAction {
                        id: a.id,
                        what: a.record.what.clone(),
                        lead: a.record.lead.clone(),
                        involved: a.record.involved.clone(),
                        due_on: a.record.due_on.clone(),
                        review_on: a.record.review_on.clone(),
                        status: *status,
                    })
                    .collect(),
                from_group: p.row.from_group.clone(),
            })
            .collect(),
    }
}

impl PlanWorkspace {
    /// A priority of the draft as its form shows it, to change it.
    pub fn priority_form(&self, id: i64) -> Option<PriorityForm> {
        self.priority(id).map(|p| {
            let record = &p.row.record;
            PriorityForm {
                title: record.title.clone(),
                statements: record.statements.clone(),
                target: record.target.clone(),
                why: record.why.clone(),
                review: record.review_id.map(|r| r.to_string()).unwrap_or_default(),
                status: record.status.clone(),
                dropped_reason: record.dropped_reason.clone(),
            }
        })
    }
}
