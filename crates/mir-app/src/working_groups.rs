//! Working groups under a board (decision 0041): a Direct Payments group, a carers'
//! partnership board. Each has its own members, co-chairs (one an Expert by Experience or a
//! carer), priorities and published plan, with its own page and feed. The board's plan
//! workspace offers the groups' published priorities; taken in, one appears in the board's
//! plan under the group's name once the board's co-chairs approve that plan.

use mir_domain::plan::SnapshotPriority;
use mir_domain::validation::FieldErrors;
use mir_store::{ActionRecord, Member, OrganisationRef, PriorityRecord, WorkingGroup};
use serde_json::json;

use crate::AppError;
use crate::audit::record;
use crate::members::mine;
use crate::plans::{PlanStore, public_plan};
use crate::policy::{Actor, GroupAction, authorize_in_group, group_permits};

/// Most working groups a board can have (each is public at once, under the board's name).
pub const MAX_WORKING_GROUPS: usize = 12;

fn too_many_groups() -> AppError {
    AppError::Conflict(format!(
        "A board can have {MAX_WORKING_GROUPS} working groups: ask the national programme team if you need more"
    ))
}

/// A working group's published priority the board has not taken into its plan yet.
#[derive(Debug, Clone)]
pub struct GroupOffer {
    pub group: WorkingGroup,
    pub priority: SnapshotPriority,
}

/// A group's working groups, the board above it, and what the groups offer its plan.
#[derive(Debug, Clone)]
pub struct WorkingGroups {
    pub organisation: OrganisationRef,
    pub me: Member,
    pub groups: Vec<WorkingGroup>,
    /// The board, when this is a working group.
    pub board: Option<WorkingGroup>,
    pub offers: Vec<GroupOffer>,
    /// For a working group: its published priorities, each with whether its board has taken
    /// it into the board's plan.
    pub published: Vec<(SnapshotPriority, bool)>,
    pub can_form: bool,
    pub can_take: bool,
}

/// What the working groups page shows; every member may see it.
pub async fn overview(
    store: &impl PlanStore,
    actor: &Actor,
    slug: &str,
) -> Result<WorkingGroups, AppError> {
    let (organisation, me) = mine(store, actor, slug).await?;
    authorize_in_group(me.role, me.is_co_chair, GroupAction::SeeWorkspace)?;
    let groups = store.working_groups(organisation.id).await?;
    let board = store.board_of(organisation.id).await?;
    let taken = store.taken_from_groups(organisation.id).await?;
    let mut offers = Vec::new();
    for group in &groups {
        let Ok(plan) = public_plan(store, &group.slug).await else {
            continue;
        };
        let Some(current) = plan.current else {
            continue;
        };
        for priority in current.plan.priorities {
            if !taken.contains(&(group.id, priority.id)) {
                offers.push(GroupOffer {
                    group: group.clone(),
                    priority,
                });
            }
        }
    }
    let mut published = Vec::new();
    if let Some(board) = &board {
        let taken_by_board = store.taken_from_groups(board.id).await?;
        if let Ok(plan) = public_plan(store, &organisation.slug).await
            && let Some(current) = plan.current
        {
            for priority in current.plan.priorities {
                let taken = taken_by_board.contains(&(organisation.id, priority.id));
                published.push((priority, taken));
            }
        }
    }
    // One level: a working group has no working groups of its own.
    let is_group = organisation.is_working_group();
    Ok(WorkingGroups {
        can_form: group_permits(me.role, me.is_co_chair, GroupAction::ManageMembers)
            && !is_group
            && organisation.status.is_public(),
        can_take: group_permits(me.role, me.is_co_chair, GroupAction::EditPlan),
        organisation,
        me,
        groups,
        board,
        offers,
        published,
    })
}

/// An administrator makes a working group under the board; they are its first administrator
/// and invite its members. Returns its slug.
pub async fn form(
    store: &impl PlanStore,
    actor: &Actor,
    slug: &str,
    name: &str,
    description: &str,
) -> Result<String, AppError> {
    let ours = overview(store, actor, slug).await?;
    authorize_in_group(
        ours.me.role,
        ours.me.is_co_chair,
        GroupAction::ManageMembers,
    )?;
    if ours.groups.len() >= MAX_WORKING_GROUPS {
        return Err(too_many_groups());
    }
    if !ours.can_form {
        return Err(AppError::Conflict(
            "a working group cannot have working groups of its own, and a board must be public first"
                .into(),
        ));
    }
    let mut errors = FieldErrors::new();
    let name =
        mir_domain::organisation::sign_up::group_name(name, "Enter the working group's name")
            .unwrap_or_else(|e| {
                errors.merge(e);
                String::new()
            });
    if !name.is_empty() {
        errors.merge(crate::partnerships::name_taken(store, &name).await?);
    }
    let description = match mir_domain::organisation::sign_up::description(description) {
        Ok(Some(d)) => d,
        Ok(None) => {
            errors.add(
                "description",
                "Say in a sentence or two what the working group works on",
            );
            String::new()
        }
        Err(e) => {
            errors.merge(e);
            String::new()
        }
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let Some((id, new_slug)) = store
        .form_working_group(
            ours.organisation.id,
            (&name, &description),
            ours.me.person_id,
            MAX_WORKING_GROUPS,
            mir_store::now(),
        )
        .await?
    else {
        return Err(too_many_groups());
    };
    let detail = json!({"working_group": new_slug});
    record(
        store,
        Some(ours.organisation.id),
        actor,
        "working group formed",
        detail.clone(),
    )
    .await?;
    record(store, Some(id), actor, "working group formed", detail).await?;
    crate::search::reindex(store, &new_slug).await?;
    Ok(new_slug)
}

/// Takes a working group's published priority, with its actions, into the board's draft plan.
/// Returns its title.
pub async fn take(
    store: &(impl PlanStore + mir_store::EmailPreferenceRepo),
    (mailer, base_url): (&crate::mail::Mailer, &str),
    actor: &Actor,
    slug: &str,
    group_slug: &str,
    priority_id: i64,
) -> Result<String, AppError> {
    let ours = overview(store, actor, slug).await?;
    authorize_in_group(ours.me.role, ours.me.is_co_chair, GroupAction::EditPlan)?;
    let offer = ours
        .offers
        .iter()
        .find(|o| o.group.slug == group_slug && o.priority.id == priority_id)
        .ok_or_else(|| {
            AppError::Conflict(
                "that priority is not on offer: it was taken already, or the group has not published it"
                    .into(),
            )
        })?;
    let p = &offer.priority;
    let record_of = PriorityRecord {
        title: p.title.clone(),
        statements: p.statements.clone(),
        target: p.target.clone(),
        why: p.why.clone(),
        review_id: None,
        status: p.status.key().to_owned(),
        dropped_reason: p.dropped_reason.clone(),
    };
    let actions: Vec<ActionRecord> = p
        .actions
        .iter()
        .map(|a| ActionRecord {
            what: a.what.clone(),
            lead: a.lead.clone(),
            involved: a.involved.clone(),
            due_on: a.due_on.clone(),
            review_on: a.review_on.clone(),
            status: a.status.key().to_owned(),
        })
        .collect();
    let Some(id) = store
        .take_group_priority(
            ours.organisation.id,
            offer.group.id,
            p.id,
            &record_of,
            &actions,
            mir_store::now(),
        )
        .await?
    else {
        return Err(AppError::Conflict(
            "that priority was taken into the plan meanwhile".into(),
        ));
    };
    record(
        store,
        Some(ours.organisation.id),
        actor,
        "priority taken from a working group",
        json!({"priority": id, "group": offer.group.slug, "group_priority": p.id}),
    )
    .await?;
    // The working group's co-chairs hear where their work went.
    let board = &ours.organisation;
    let subject = format!("{} took “{}” into its plan", board.name, p.title);
    let body = format!(
        "{} took the priority \"{}\", which your working group published, into its draft plan, under your group's name. It becomes public there when its co-chairs approve the plan.\n\nIts public page: {base_url}/organisations/{}",
        board.name, p.title, board.slug
    );
    let easy = format!(
        "Hello.\n\n{} chose your plan \"{}\".\n\nThey added it to their own plan.\n\nEveryone can see it when their co-chairs say yes.\n\nOpen this link:\n{base_url}/organisations/{}",
        board.name, p.title, board.slug
    );
    let told = crate::waiting::Ask {
        subject: &subject,
        body: &body,
        easy: Some(&easy),
    };
    let co_chairs = |m: &Member| m.is_co_chair;
    crate::waiting::ask(store, mailer, (offer.group.id, base_url), co_chairs, &told).await?;
    Ok(p.title.clone())
}
