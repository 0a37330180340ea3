//! Approval: both co-chairs (one an Expert by Experience or a carer) approve the draft they
//! read, which becomes an immutable published version; and how progress updates are published.

use mir_domain::organisation::Role;
use mir_store::{ApprovalOutcome, PlanApproval, PlanPublication};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{PlanStore, corrupt, findable, record_change, snapshot_of, workspace};
use crate::AppError;
use crate::policy::{Actor, GroupAction, authorize_in_group};

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
                        ws.me.shown_name()
                    ),
                    reply_to: None,
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
    store: &(impl PlanStore + mir_store::EmailPreferenceRepo),
    (mailer, base_url): (&crate::mail::Mailer, &str),
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
    if let Some(problem) = crate::partnerships::co_chairs_problem(store, &ws.organisation).await? {
        return Err(AppError::Conflict(problem));
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
        ApprovalOutcome::Waiting => {
            ask_other_co_chairs(store, (mailer, base_url), &ws).await?;
            Ok(Approved::Waiting)
        }
        ApprovalOutcome::Published(number) => {
            // The search index is derived from what is public and rebuilt from it; it is
            // written after the publication commits (a failure here leaves search behind,
            // never a half-published plan).
            crate::search::reindex(store, &ws.organisation.slug).await?;
            Ok(Approved::Published(number))
        }
    }
}

/// After one co-chair approves, the other co-chairs who have not are emailed that the plan
/// waits for them: who approved, what will change, and where to read and approve it.
async fn ask_other_co_chairs(
    store: &(impl PlanStore + mir_store::EmailPreferenceRepo),
    (mailer, base_url): (&crate::mail::Mailer, &str),
    ws: &super::PlanWorkspace,
) -> Result<(), AppError> {
    let link = format!(
        "{base_url}/manage/organisations/{}/plan#approve",
        ws.organisation.slug
    );
    let who = ws.me.shown_name();
    let changes: String = ws
        .changed_since_published
        .iter()
        .map(|c| format!("- {c}\n"))
        .collect();
    let body = format!(
        "{who} approved the plan of the Making it Real group of {}. It becomes public when a second co-chair approves it too; one of the two must be an Expert by Experience or a carer.\n\nWhat will change:\n{changes}\nRead it and approve it: {link}",
        ws.organisation.name
    );
    let easy = format!(
        "Hello.\n\nThe plan is ready for you to check.\n\n{who} said yes to it.\n\nYou are a co-chair. Please read the plan.\n\nIf you agree, press Approve.\n\nThen everyone can see the plan on the website.\n\nOpen this link:\n{link}"
    );
    let me = ws.me.person_id;
    let approved: Vec<i64> = ws.approvals.iter().map(|a| a.person_id).collect();
    crate::waiting::ask(
        store,
        mailer,
        (ws.organisation.id, base_url),
        |m| m.is_co_chair && m.person_id != me && !approved.contains(&m.person_id),
        &crate::waiting::Ask {
            subject: &format!(
                "The plan of {} waits for your approval",
                ws.organisation.name
            ),
            body: &body,
            easy: Some(&easy),
        },
    )
    .await?;
    Ok(())
}
