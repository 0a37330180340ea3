//! Priorities and action plans: the draft the group works on, approval by both co-chairs
//! (one an Expert by Experience or carer), immutable published versions with what changed,
//! progress updates, and what the public sees.
//!
//! Here: the group's workspace (the draft as its members see it). `draft.rs` changes it,
//! `approval.rs` publishes it, `public.rs` is what everyone sees; all re-exported here.

use crate::AppError;
use crate::audit::record;
use crate::members::mine;
use crate::policy::{Actor, GroupAction, authorize_in_group, group_permits};
use mir_domain::framework::Framework;
use mir_domain::organisation::Role;
use mir_domain::plan::{self, ActionStatus, PlanSnapshot, PriorityStatus};
use mir_store::{
    ActionRow, AuditRepo, DirectoryRepo, FrameworkRepo, Member, MemberRepo, OrganisationRef,
    PlanRepo, PriorityRow, PublishedPriority, Review, ReviewRepo, UpdateRow,
};

mod approval;
mod draft;
mod public;

pub use approval::*;
pub use draft::*;
pub use public::*;

/// Everything the storage for plans needs.
pub trait PlanStore:
    MemberRepo
    + PlanRepo
    + mir_store::ApprovalRepo
    + ReviewRepo
    + mir_store::MarkerCheckRepo
    + FrameworkRepo
    + AuditRepo
    + DirectoryRepo
    + mir_store::SearchRepo
    + mir_store::StoryRepo
    + mir_store::PartnershipRepo
    + mir_store::WorkingGroupRepo
    + Sync
{
}
impl<
    T: MemberRepo
        + PlanRepo
        + mir_store::ApprovalRepo
        + ReviewRepo
        + mir_store::MarkerCheckRepo
        + FrameworkRepo
        + AuditRepo
        + DirectoryRepo
        + mir_store::SearchRepo
        + mir_store::StoryRepo
        + mir_store::PartnershipRepo
        + mir_store::WorkingGroupRepo
        + Sync,
> PlanStore for T
{
}

/// What the directory, map and "who else" pages can find of a published plan.
pub fn findable(plan: &PlanSnapshot) -> Vec<PublishedPriority> {
    plan.priorities
        .iter()
        .map(|p| PublishedPriority {
            priority_id: p.id,
            title: p.title.clone(),
            status: p.status.key().to_owned(),
            statements: p.statements.clone(),
        })
        .collect()
}

fn corrupt(what: impl Into<String>) -> AppError {
    AppError::Internal(what.into())
}

/// A priority with its actions, as the group works on it.
#[derive(Debug, Clone)]
pub struct DraftPriority {
    pub row: PriorityRow,
    pub status: PriorityStatus,
    pub actions: Vec<(ActionRow, ActionStatus)>,
}

/// One co-chair's approval of the current draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    pub person_id: i64,
    /// As the group sees them: the name they chose (three administrators are not told
    /// apart by their role).
    pub name: String,
    pub role: Role,
    pub at: i64,
}

/// The group's plan page.
#[derive(Debug, Clone)]
pub struct PlanWorkspace {
    pub organisation: OrganisationRef,
    pub me: Member,
    pub framework: Option<std::sync::Arc<Framework>>,
    pub priorities: Vec<DraftPriority>,
    pub updates: Vec<UpdateRow>,
    pub reviews: Vec<Review>,
    pub publish_directly: bool,
    /// The draft's revision as read: approving names it, so nobody approves a draft they did
    /// not see (finding 4).
    pub revision: i64,
    pub approvals: Vec<Approval>,
    pub latest_version: Option<i64>,
    /// The draft differs from the latest published version.
    pub changed_since_published: Vec<String>,
    pub can_edit: bool,
    pub can_approve: bool,
    pub can_lead: bool,
}

impl PlanWorkspace {
    pub fn approved_by_me(&self) -> bool {
        self.approvals
            .iter()
            .any(|a| a.person_id == self.me.person_id)
    }

    pub fn priority(&self, id: i64) -> Option<&DraftPriority> {
        self.priorities.iter().find(|p| p.row.id == id)
    }

    pub fn action(&self, id: i64) -> Option<(&DraftPriority, &ActionRow)> {
        self.priorities.iter().find_map(|p| {
            p.actions
                .iter()
                .find(|(a, _)| a.id == id)
                .map(|(a, _)| (p, a))
        })
    }

    /// The statement codes of the organisation's framework version.
    pub fn statement_codes(&self) -> Vec<String> {
        self.framework
            .as_ref()
            .map(|f| f.statements.iter().map(|s| s.code.clone()).collect())
            .unwrap_or_default()
    }
}

async fn draft(
    store: &(impl PlanRepo + Sync),
    organisation_id: i64,
) -> Result<Vec<DraftPriority>, AppError> {
    let actions = store.actions(organisation_id).await?;
    store
        .priorities(organisation_id)
        .await?
        .into_iter()
        .map(|row| {
            let status = PriorityStatus::parse(&row.record.status)
                .ok_or_else(|| corrupt(format!("priority status {}", row.record.status)))?;
            let mine = actions
                .iter()
                .filter(|a| a.priority_id == row.id)
                .map(|a| {
                    ActionStatus::parse(&a.record.status)
                        .map(|s| (a.clone(), s))
                        .ok_or_else(|| corrupt(format!("action status {}", a.record.status)))
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(DraftPriority {
                row,
                status,
                actions: mine,
            })
        })
        .collect()
}

/// The organisation's draft as published JSON (for the demonstration data).
pub async fn draft_snapshot_json(
    store: &(impl PlanRepo + Sync),
    organisation_id: i64,
) -> Result<String, AppError> {
    let priorities = draft(store, organisation_id).await?;
    serde_json::to_string(&snapshot_of(&priorities)).map_err(|e| corrupt(e.to_string()))
}

pub(crate) fn parse_snapshot(json: &str) -> Result<PlanSnapshot, AppError> {
    serde_json::from_str(json).map_err(|e| corrupt(format!("plan snapshot: {e}")))
}

async fn approvals(
    store: &impl PlanStore,
    organisation_id: i64,
    revision: i64,
) -> Result<Vec<Approval>, AppError> {
    let given = store.plan_approvals(organisation_id, revision).await?;
    // One query for the names, however many approved (never one per approval).
    let members = if given.is_empty() {
        Vec::new()
    } else {
        store.members(organisation_id).await?
    };
    let mut out = Vec::new();
    for (person_id, role, at) in given {
        let Some(role) = Role::parse(&role) else {
            continue;
        };
        let name = members
            .iter()
            .find(|m| m.person_id == person_id)
            .map_or_else(|| "A former co-chair".to_owned(), |m| m.shown_name());
        out.push(Approval {
            person_id,
            name,
            role,
            at,
        });
    }
    Ok(out)
}

pub async fn workspace(
    store: &impl PlanStore,
    actor: &Actor,
    slug: &str,
) -> Result<PlanWorkspace, AppError> {
    let (organisation, me) = mine(store, actor, slug).await?;
    authorize_in_group(me.role, me.is_co_chair, GroupAction::SeeWorkspace)?;
    let framework = match store.adopted_framework(organisation.id).await? {
        Some((fslug, version)) => store.load_framework(&fslug, Some(&version)).await?,
        None => None,
    };
    // The revision first: an edit after this read moves it on, so the page's draft is never
    // newer than the revision an approval from this page names.
    let (revision, publish_directly) = store.plan_settings(organisation.id).await?;
    let priorities = draft(store, organisation.id).await?;
    let versions = store.versions(organisation.id).await?;
    let latest = versions.first();
    let published = match latest {
        Some(v) => parse_snapshot(&v.snapshot)?,
        None => PlanSnapshot::default(),
    };
    Ok(PlanWorkspace {
        changed_since_published: plan::changes(&published, &snapshot_of(&priorities)),
        latest_version: latest.map(|v| v.number),
        approvals: approvals(store, organisation.id, revision).await?,
        updates: store.updates(organisation.id).await?,
        reviews: store.reviews_of(organisation.id).await?,
        can_edit: group_permits(me.role, me.is_co_chair, GroupAction::EditPlan),
        can_approve: group_permits(me.role, me.is_co_chair, GroupAction::ApprovePlan),
        can_lead: group_permits(me.role, me.is_co_chair, GroupAction::LeadReviews),
        framework,
        priorities,
        publish_directly,
        revision,
        organisation,
        me,
    })
}

async fn record_change(
    store: &impl PlanStore,
    ws: &PlanWorkspace,
    actor: &Actor,
    what: &str,
    detail: serde_json::Value,
) -> Result<(), AppError> {
    record(store, Some(ws.organisation.id), actor, what, detail).await
}

/// The group's priorities that are not dropped, by the statements they serve: `(statement
/// code, priority id, title)`. A review's summary says which statements are in the plan
/// already, so nobody adds the same priority twice.
pub async fn planned_statements(
    store: &impl PlanStore,
    organisation_id: i64,
) -> Result<Vec<(String, i64, String)>, AppError> {
    let mut out = Vec::new();
    for p in store.priorities(organisation_id).await? {
        if p.record.status == "dropped" {
            continue;
        }
        for code in &p.record.statements {
            out.push((code.clone(), p.id, p.record.title.clone()));
        }
    }
    Ok(out)
}
