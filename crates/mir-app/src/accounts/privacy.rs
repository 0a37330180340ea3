//! Privacy: everything held about a person, as a download, and deleting their account.

use mir_store::PeopleRepo;

use super::my_account;
use crate::AppError;
use crate::policy::Actor;

/// Everything mir holds about the signed-in person, as JSON.
pub async fn my_data(
    store: &(impl PeopleRepo + mir_store::SignUpRepo + mir_store::PersonalDataRepo),
    actor: &Actor,
) -> Result<String, AppError> {
    let me = my_account(store, actor).await?;
    let has_password = store.password_hash(me.id).await?.is_some();
    let memberships = store.memberships_of(me.id).await?;
    let memberships: Vec<serde_json::Value> = memberships
        .iter()
        .map(|m| {
            serde_json::json!({
                "organisation": m.organisation_name,
                "role": m.role,
                "co_chair": m.is_co_chair,
            })
        })
        .collect();
    // Everything they wrote or that names them (finding 7), with dates as Unix seconds.
    let r = store.personal_records(me.id, &me.email).await?;
    let views: Vec<serde_json::Value> = r
        .views
        .iter()
        .map(|v| {
            serde_json::json!({
                "organisation": v.organisation, "review": v.review, "statement": v.statement,
                "perspective": v.perspective, "level": v.level,
                "what_is_working": v.working, "what_should_change": v.to_change,
                "saved_at": v.updated_at,
            })
        })
        .collect();
    let data = serde_json::json!({
        "account": {
            "email": me.email,
            "national_administrator": me.is_national_admin,
            "has_password": has_password,
        },
        "memberships": memberships,
        "review_views": views,
        "anonymity_choices": r.anonymity.iter().map(|(o, review, anonymous)| serde_json::json!({"organisation": o, "review": review, "anonymous": anonymous})).collect::<Vec<_>>(),
        "stories": r.stories.iter().map(|(o, title, body, at)| serde_json::json!({"organisation": o, "title": title, "story": body, "published_at": at})).collect::<Vec<_>>(),
        "progress_updates": r.updates.iter().map(|(o, note, at)| serde_json::json!({"organisation": o, "note": note, "written_at": at})).collect::<Vec<_>>(),
        "plan_approvals": r.plan_approvals.iter().map(|(o, revision, role, at)| serde_json::json!({"organisation": o, "draft_revision": revision, "as": role, "approved_at": at})).collect::<Vec<_>>(),
        "position_confirmations": r.confirmations.iter().map(|(o, review, statement, role, at)| serde_json::json!({"organisation": o, "review": review, "statement": statement, "as": role, "confirmed_at": at})).collect::<Vec<_>>(),
        "audit_entries": r.audit.iter().map(|(action, detail, at)| serde_json::json!({"action": action, "detail": serde_json::from_str::<serde_json::Value>(detail).unwrap_or_else(|_| serde_json::Value::String(detail.clone())), "at": at})).collect::<Vec<_>>(),
        "invitations": r.invitations.iter().map(|(o, role, at, accepted)| serde_json::json!({"organisation": o, "role": role, "sent_at": at, "accepted": accepted})).collect::<Vec<_>>(),
        "messages_to_the_national_team": r.feedback.iter().map(|(message, at)| serde_json::json!({"message": message, "sent_at": at})).collect::<Vec<_>>(),
        "about": "Everything Making it Real holds that you wrote or that names you. Passwords are stored only as a one-way hash, which is not included. Times are seconds since 1 January 1970 (UTC).",
    });
    serde_json::to_string_pretty(&data).map_err(|e| AppError::Conflict(e.to_string()))
}

/// Deletes the signed-in person's account. Refused while they are the only administrator of
/// an organisation or of the national programme team (it would be left with nobody to run it).
pub async fn delete_my_account(
    store: &(impl PeopleRepo + mir_store::SignUpRepo + mir_store::MemberRepo + mir_store::AuditRepo),
    actor: &Actor,
) -> Result<(), AppError> {
    let me = my_account(store, actor).await?;
    if me.is_national_admin {
        let people = store.people().await?;
        if people.iter().filter(|(p, _)| p.is_national_admin).count() == 1 {
            return Err(AppError::Conflict(
                "you are the national programme team's only administrator: make someone else a national administrator first".into(),
            ));
        }
    }
    for m in store.memberships_of(me.id).await? {
        // A declined sign-up needs nobody to run it: its only administrator may go (an
        // address someone else signed up can always be freed this way, finding 11).
        if m.role == "admin" && m.status != mir_domain::organisation::OrganisationStatus::Declined {
            let members = store.members(m.organisation_id).await?;
            let admins = members
                .iter()
                .filter(|x| x.role == mir_domain::organisation::Role::Admin)
                .count();
            if admins == 1 {
                return Err(AppError::Conflict(format!(
                    "you are the only administrator of {}: make another member administrator first",
                    m.organisation_name
                )));
            }
        }
    }
    // Each organisation's record says a member left; the events keep no name once deleted.
    for m in store.memberships_of(me.id).await? {
        crate::audit::record(
            store,
            Some(m.organisation_id),
            actor,
            "member deleted their account",
            serde_json::json!({"role": m.role}),
        )
        .await?;
    }
    store.delete_person(me.id).await?;
    tracing::info!(person_id = me.id, "account deleted");
    Ok(())
}
