//! Priorities and action plans: the draft the group works on, approval by both co-chairs
//! (one an Expert by Experience or carer), immutable published versions with what changed,
//! progress updates, and what the public sees.

use mir_domain::framework::Framework;
use mir_domain::organisation::Role;
use mir_domain::plan::{
    self, ActionStatus, PlanSnapshot, PriorityStatus, SnapshotAction, SnapshotPriority,
};
use mir_domain::validation::FieldErrors;
use mir_store::{
    ActionRecord, ActionRow, ApprovalOutcome, AuditRepo, DirectoryRepo, FrameworkRepo, Member,
    MemberRepo, OrganisationProfile, OrganisationRef, PlanApproval, PlanPublication, PlanRepo,
    PriorityRecord, PriorityRow, PublishedPriority, Review, ReviewRepo, UpdateRow,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::AppError;
use crate::audit::record;
use crate::members::mine;
use crate::policy::{Actor, GroupAction, authorize_in_group, group_permits};

/// Everything the storage for plans needs.
pub trait PlanStore:
    MemberRepo
    + PlanRepo
    + ReviewRepo
    + FrameworkRepo
    + AuditRepo
    + DirectoryRepo
    + mir_store::SearchRepo
    + mir_store::StoryRepo
    + Sync
{
}
impl<
    T: MemberRepo
        + PlanRepo
        + ReviewRepo
        + FrameworkRepo
        + AuditRepo
        + DirectoryRepo
        + mir_store::SearchRepo
        + mir_store::StoryRepo
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
    AppError::Store(mir_store::StoreError::Corrupt(what.into()))
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
    pub role: Role,
    pub at: i64,
}

/// The group's plan page.
#[derive(Debug, Clone)]
pub struct PlanWorkspace {
    pub organisation: OrganisationRef,
    pub me: Member,
    pub framework: Option<Framework>,
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

/// The draft as a snapshot, as it would be published.
fn snapshot_of(priorities: &[DraftPriority]) -> PlanSnapshot {
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
            })
            .collect(),
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

fn parse_snapshot(json: &str) -> Result<PlanSnapshot, AppError> {
    serde_json::from_str(json).map_err(|e| corrupt(format!("plan snapshot: {e}")))
}

async fn approvals(
    store: &impl PlanStore,
    organisation_id: i64,
    revision: i64,
) -> Result<Vec<Approval>, AppError> {
    Ok(store
        .plan_approvals(organisation_id, revision)
        .await?
        .into_iter()
        .filter_map(|(person_id, role, at)| {
            Role::parse(&role).map(|role| Approval {
                person_id,
                role,
                at,
            })
        })
        .collect())
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

/// The priority form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PriorityForm {
    pub title: String,
    #[serde(skip)]
    pub statements: Vec<String>,
    pub target: String,
    pub why: String,
    pub review: String,
    pub status: String,
    pub dropped_reason: String,
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

async fn record_change(
    store: &impl PlanStore,
    ws: &PlanWorkspace,
    actor: &Actor,
    what: &str,
    detail: serde_json::Value,
) -> Result<(), AppError> {
    record(store, Some(ws.organisation.id), actor, what, detail).await
}

/// The action form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ActionForm {
    pub what: String,
    pub lead: String,
    pub involved: String,
    pub due_on: String,
    pub review_on: String,
    pub status: String,
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
    let checked = plan::check_action(
        &form.what,
        &form.lead,
        &form.involved,
        &form.due_on,
        &form.review_on,
        &form.status,
    )
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
    let allowed: Vec<&str> = match action_id {
        Some(_) => ActionStatus::ALL.iter().map(|s| s.key()).collect(),
        None => PriorityStatus::ALL.iter().map(|s| s.key()).collect(),
    };
    let checked = plan::check_update(&form.note, &form.status, &allowed, &form.evidence_url)
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

/// Whether progress updates are published without a new approval (the group's choice). One
/// co-chair can change it, so every member is told, by email, who changed it.
pub async fn set_publish_directly(
    store: &impl PlanStore,
    mailer: &crate::mail::Mailer,
    actor: &Actor,
    slug: &str,
    directly: bool,
) -> Result<(), AppError> {
    let ws = workspace(store, actor, slug).await?;
    authorize_in_group(ws.me.role, ws.me.is_co_chair, GroupAction::ApprovePlan)?;
    store
        .set_publish_directly(ws.organisation.id, directly)
        .await?;
    record_change(
        store,
        &ws,
        actor,
        "update publishing chosen",
        json!({"directly": directly}),
    )
    .await?;
    if directly != ws.publish_directly {
        let what = if directly {
            "Progress updates on the plan are now published as soon as they are written, without the co-chairs approving each one."
        } else {
            "Progress updates on the plan now wait until both co-chairs approve them."
        };
        for member in store.members(ws.organisation.id).await? {
            mailer
                .send(crate::mail::OutgoingEmail {
                    to: member.email,
                    subject: format!("How {} publishes progress updates changed", ws.organisation.name),
                    body: format!(
                        "{what} Changed by {}.\n\nIf this is not what the group agreed, tell the national programme team with the \"Report a problem\" link at the bottom of every page of Making it Real.\n",
                        ws.me.email
                    ),
                })
                .await?;
        }
    }
    Ok(())
}

/// What approving did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approved {
    /// Recorded; the other co-chair (or one who is an Expert by Experience or carer) is needed.
    Waiting,
    /// Both co-chairs approved: this version number is now public.
    Published(i64),
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ApprovedBy {
    pub role: String,
    pub at: i64,
}

/// A co-chair approves the current draft. When two co-chairs have approved the same draft and
/// one is an Expert by Experience or carer, it becomes the next published version.
pub async fn approve(
    store: &impl PlanStore,
    actor: &Actor,
    slug: &str,
    seen_revision: i64,
) -> Result<Approved, AppError> {
    let ws = workspace(store, actor, slug).await?;
    authorize_in_group(ws.me.role, ws.me.is_co_chair, GroupAction::ApprovePlan)?;
    let changed = || {
        AppError::Conflict(
            "the draft changed after you opened this page: read it again before approving".into(),
        )
    };
    if ws.revision != seen_revision {
        return Err(changed());
    }
    if ws.priorities.is_empty() {
        return Err(AppError::Conflict(
            "there is nothing to approve yet: add a priority first".into(),
        ));
    }
    if ws.latest_version.is_some() && ws.changed_since_published.is_empty() {
        return Err(AppError::Conflict(
            "nothing has changed since the published version".into(),
        ));
    }
    let snapshot = snapshot_of(&ws.priorities);
    let publication = PlanPublication {
        snapshot: serde_json::to_string(&snapshot).map_err(|e| corrupt(e.to_string()))?,
        findable: findable(&snapshot),
    };
    let approval = PlanApproval {
        organisation_id: ws.organisation.id,
        revision: ws.revision,
        person_id: ws.me.person_id,
        role: ws.me.role.key().to_owned(),
        now: mir_store::now(),
        audit_detail: json!({"revision": ws.revision, "role": ws.me.role.key()}).to_string(),
    };
    // Both co-chairs (as they are now), one an Expert by Experience or carer: the version
    // records who approved, by role and when.
    let decide = |given: &[(i64, String, i64)]| {
        let roles: Vec<Role> = given
            .iter()
            .filter_map(|(_, r, _)| Role::parse(r))
            .collect();
        if !crate::policy::co_chairs_agree(&roles) {
            return None;
        }
        let by: Vec<ApprovedBy> = given
            .iter()
            .map(|(_, role, at)| ApprovedBy {
                role: role.clone(),
                at: *at,
            })
            .collect();
        serde_json::to_string(&by).ok()
    };
    match store
        .approve_and_publish(&approval, &publication, decide)
        .await?
    {
        ApprovalOutcome::DraftChanged => Err(changed()),
        ApprovalOutcome::Waiting => Ok(Approved::Waiting),
        ApprovalOutcome::Published(number) => {
            // The search index is derived from what is public and rebuilt from it; it is
            // written after the publication commits (a failure here leaves search behind,
            // never a half-published plan).
            crate::search::reindex(store, &ws.organisation.slug).await?;
            Ok(Approved::Published(number))
        }
    }
}

// ---------------------------------------------------------------- What the public sees

/// A public update on the timeline.
#[derive(Debug, Clone)]
pub struct PublicUpdate {
    pub id: i64,
    pub at: i64,
    pub priority: String,
    pub action: Option<String>,
    pub note: String,
    pub new_status: Option<String>,
    pub evidence_url: Option<String>,
}

/// One published version, with what changed since the one before.
#[derive(Debug, Clone)]
pub struct PublishedVersion {
    pub number: i64,
    pub published_at: i64,
    pub plan: PlanSnapshot,
    pub approved_by: Vec<(String, i64)>,
    pub changes: Vec<String>,
}

/// The public plan of an approved organisation.
#[derive(Debug, Clone)]
pub struct PublicPlan {
    pub profile: OrganisationProfile,
    pub framework: Option<Framework>,
    /// The latest version, with statuses from updates published directly since.
    pub current: Option<PublishedVersion>,
    pub versions: Vec<PublishedVersion>,
    pub timeline: Vec<PublicUpdate>,
    /// The co-chairs now, by role, and since when: a change of co-chairs is public.
    pub co_chairs: Vec<(String, i64)>,
    /// One co-chair is an Expert by Experience or a carer (needed for any approval).
    pub lived_experience_co_chair: bool,
}

/// A position agreed in a review and confirmed by both co-chairs, as the public sees it.
#[derive(Debug, Clone)]
pub struct PublicPosition {
    pub statement_code: String,
    /// The level's label on the framework's scale, and its Easy Read label.
    pub level: String,
    pub easy_level: String,
    pub summary: String,
    /// `YYYY-MM-DD`.
    pub agreed_on: String,
    pub review_title: String,
    /// The confirming co-chairs' roles ("Administrator", "Expert by Experience").
    pub confirmed_by: Vec<String>,
}

impl PublicPlan {
    pub fn version(&self, number: i64) -> Option<&PublishedVersion> {
        self.versions.iter().find(|v| v.number == number)
    }
}

/// The public plan, or "not found" for organisations that are not (yet) public.
pub async fn public_plan(store: &impl PlanStore, slug: &str) -> Result<PublicPlan, AppError> {
    let profile = store
        .organisation_profile(slug)
        .await?
        .filter(|p| p.status == "approved")
        .ok_or(AppError::NotFound)?;
    let framework = match &profile.framework {
        Some((fslug, version)) => store.load_framework(fslug, Some(version)).await?,
        None => None,
    };
    let rows = store.versions(profile.id).await?;
    let mut versions = Vec::new();
    // Oldest first, so each version can say what changed since the one before.
    let mut previous = PlanSnapshot::default();
    for row in rows.iter().rev() {
        let plan = parse_snapshot(&row.snapshot)?;
        let approved_by: Vec<ApprovedBy> =
            serde_json::from_str(&row.approved_by).unwrap_or_default();
        versions.push(PublishedVersion {
            number: row.number,
            published_at: row.published_at,
            changes: plan::changes(&previous, &plan),
            approved_by: approved_by
                .into_iter()
                .map(|a| {
                    (
                        Role::parse(&a.role).map_or(a.role.clone(), |r| r.label().to_owned()),
                        a.at,
                    )
                })
                .collect(),
            plan: plan.clone(),
        });
        previous = plan;
    }
    versions.reverse();
    let updates: Vec<UpdateRow> = store
        .updates(profile.id)
        .await?
        .into_iter()
        .filter(|u| u.published_at.is_some())
        .collect();
    let mut current = versions.first().cloned();
    if let Some(version) = current.as_mut() {
        // Updates made since the version (published directly) carry newer statuses: show
        // them, oldest first. Same-second updates were already in the approved draft.
        for u in updates
            .iter()
            .rev()
            .filter(|u| u.created_at >= version.published_at)
        {
            let Some(status) = &u.new_status else {
                continue;
            };
            let Some(p) = version
                .plan
                .priorities
                .iter_mut()
                .find(|p| p.id == u.priority_id)
            else {
                continue;
            };
            match u.action_id {
                Some(action) => {
                    if let (Some(a), Some(s)) = (
                        p.actions.iter_mut().find(|a| a.id == action),
                        ActionStatus::parse(status),
                    ) {
                        a.status = s;
                    }
                }
                None => {
                    if let Some(s) = PriorityStatus::parse(status) {
                        p.status = s;
                    }
                }
            }
        }
    }
    // Titles come from the latest version; updates on things never published are not shown.
    let latest = versions.first().map(|v| v.plan.clone()).unwrap_or_default();
    let timeline = updates
        .iter()
        .filter_map(|u| {
            let p = latest.priorities.iter().find(|p| p.id == u.priority_id)?;
            let action = match u.action_id {
                Some(id) => Some(p.actions.iter().find(|a| a.id == id)?.what.clone()),
                None => None,
            };
            Some(PublicUpdate {
                id: u.id,
                at: u.published_at.unwrap_or(u.created_at),
                priority: p.title.clone(),
                action,
                note: u.note.clone(),
                new_status: u.new_status.clone(),
                evidence_url: u.evidence_url.clone(),
            })
        })
        .collect();
    let chairs = store.co_chairs_since(profile.id).await?;
    let lived_experience_co_chair = chairs
        .iter()
        .any(|(role, _)| matches!(role, Role::ExpertByExperience | Role::Carer));
    let co_chairs = chairs
        .into_iter()
        .map(|(role, since)| (role.label().to_owned(), since))
        .collect();
    Ok(PublicPlan {
        profile,
        framework,
        current,
        versions,
        timeline,
        co_chairs,
        lived_experience_co_chair,
    })
}

/// "How we are doing", for the public plan page: for each statement, the latest position
/// agreed in a review and confirmed by both co-chairs (one of them an Expert by Experience or
/// carer), in the framework's order. Positions still waiting for a co-chair are not public.
pub async fn how_we_are_doing(
    store: &impl PlanStore,
    plan: &PublicPlan,
) -> Result<Vec<PublicPosition>, AppError> {
    let (organisation_id, framework) = (plan.profile.id, plan.framework.as_ref());
    let mut shown: Vec<PublicPosition> = Vec::new();
    // Newest review first: the first confirmed position for a statement is its latest.
    for reviewed in store.positions_of(organisation_id).await? {
        let p = reviewed.position;
        let roles: Vec<Role> = p
            .confirmations
            .iter()
            .filter_map(|c| Role::parse(&c.role))
            .collect();
        if !crate::policy::co_chairs_agree(&roles)
            || shown.iter().any(|s| s.statement_code == p.statement_code)
        {
            continue;
        }
        let scale_level = framework.and_then(|f| f.scale.iter().find(|l| l.key == p.level));
        shown.push(PublicPosition {
            statement_code: p.statement_code,
            level: scale_level.map_or_else(|| p.level.clone(), |l| l.label.clone()),
            easy_level: scale_level.map_or_else(|| p.level.clone(), |l| l.easy_label.clone()),
            summary: p.summary,
            agreed_on: p.agreed_on,
            review_title: reviewed.review_title,
            confirmed_by: roles.iter().map(|r| r.label().to_owned()).collect(),
        });
    }
    let order = |code: &str| {
        framework
            .and_then(|f| f.statements.iter().position(|s| s.code == code))
            .unwrap_or(usize::MAX)
    };
    shown.sort_by(|a, b| {
        order(&a.statement_code)
            .cmp(&order(&b.statement_code))
            .then(a.statement_code.cmp(&b.statement_code))
    });
    Ok(shown)
}

/// A status key's label, whether it is a priority's or an action's.
pub fn status_label(key: &str) -> &'static str {
    PriorityStatus::parse(key)
        .map(PriorityStatus::label)
        .or_else(|| ActionStatus::parse(key).map(ActionStatus::label))
        .unwrap_or("Changed")
}
