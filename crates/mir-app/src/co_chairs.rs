//! Safeguards between partners: taking the co-chair role from someone, or removing a co-chair
//! from the group, needs two people. An administrator (or anyone who may manage members) asks;
//! it happens only when the co-chair themself or the other co-chair agrees. Stepping down from
//! the role oneself needs nobody else. Both the asking and the outcome are emailed to the
//! people affected and kept in the audit log. See docs/decisions/0024-partnership-safeguards.md.

use mir_domain::organisation::Role;
use mir_store::{
    AuditRepo, CoChairChange, CoChairRequest, CoChairRequestRepo, Member, MemberRepo,
    OrganisationRef,
};
use serde_json::json;

use crate::AppError;
use crate::audit::record;
use crate::mail::{Mailer, OutgoingEmail};
use crate::members::{mine, tell_group_co_chairs_changed};
use crate::policy::Actor;

/// Days someone must have been in the group before they may ask for a co-chair change, and
/// a co-chair before they may agree to one about the other co-chair. Without it, one person
/// could invite a second account of their own and use it as "the second person"; with it, the
/// group sees the newcomer (and is emailed when they join as an administrator or co-chair) a
/// week before they can take part in such a change. Decision 0024.
pub const SETTLE_DAYS: i64 = 7;
const SETTLE_SECONDS: i64 = SETTLE_DAYS * 24 * 60 * 60;

/// When a member may first ask for a change (counting from joining).
fn may_ask_from(me: &Member) -> i64 {
    me.joined_at + SETTLE_SECONDS
}

/// When a co-chair may first agree to a change about someone else (counting from joining and
/// from becoming co-chair, whichever is later).
fn may_agree_from(me: &Member) -> i64 {
    me.joined_at.max(me.co_chair_since.unwrap_or(me.joined_at)) + SETTLE_SECONDS
}

/// A request as a member of the group sees it.
#[derive(Debug, Clone)]
pub struct PendingCoChairChange {
    pub id: i64,
    /// The co-chair it is about.
    pub person_id: i64,
    /// The co-chair it is about, by their chosen name.
    pub who: String,
    pub change: CoChairChange,
    pub asked_by: String,
    pub asked_at: i64,
    /// The person looking may agree (they are the co-chair, or the other co-chair).
    pub i_may_agree: bool,
    /// The person looking may withdraw or decline it.
    pub i_may_decline: bool,
    /// The request is about the person looking.
    pub about_me: bool,
    /// The person looking asked for it (they may withdraw it).
    pub asked_by_me: bool,
    /// A co-chair too new to agree yet: from when they may.
    pub may_agree_from: Option<i64>,
}

impl PendingCoChairChange {
    /// What would happen, in a sentence, to the person reading it.
    pub fn what(&self) -> String {
        match (self.change, self.about_me) {
            (CoChairChange::StepDown, true) => "you stop being a co-chair".to_owned(),
            (CoChairChange::Remove, true) => "you leave the group".to_owned(),
            (CoChairChange::StepDown, false) => format!("{} stops being a co-chair", self.who),
            (CoChairChange::Remove, false) => format!("{} leaves the group", self.who),
        }
    }
}

/// Who may agree: the co-chair it is about, or another co-chair of at least a week, never the
/// one who asked.
fn may_agree(request: &CoChairRequest, me: &Member, now: i64) -> bool {
    me.person_id != request.asked_by
        && (me.person_id == request.person_id || (me.is_co_chair && now >= may_agree_from(me)))
}

/// Who may say no: the asker (withdrawing), the co-chair it is about, or another co-chair,
/// however new (saying no changes nothing).
fn may_decline(request: &CoChairRequest, me: &Member) -> bool {
    me.person_id == request.asked_by || me.person_id == request.person_id || me.is_co_chair
}

fn name_of(members: &[Member], person_id: i64) -> String {
    members
        .iter()
        .find(|m| m.person_id == person_id)
        .map_or_else(
            || "Someone no longer in the group".to_owned(),
            Member::shown_name,
        )
}

/// The requests waiting in a group, as `me` sees them.
pub async fn pending(
    store: &(impl CoChairRequestRepo + MemberRepo),
    organisation_id: i64,
    me: &Member,
) -> Result<Vec<PendingCoChairChange>, AppError> {
    let members = store.members(organisation_id).await?;
    let now = mir_store::now();
    Ok(store
        .co_chair_requests(organisation_id)
        .await?
        .into_iter()
        .map(|r| PendingCoChairChange {
            id: r.id,
            person_id: r.person_id,
            who: name_of(&members, r.person_id),
            change: r.change,
            asked_by: name_of(&members, r.asked_by),
            asked_at: r.asked_at,
            i_may_agree: may_agree(&r, me, now),
            i_may_decline: may_decline(&r, me),
            about_me: r.person_id == me.person_id,
            asked_by_me: r.asked_by == me.person_id,
            may_agree_from: (me.is_co_chair
                && me.person_id != r.asked_by
                && me.person_id != r.person_id
                && now < may_agree_from(me))
            .then(|| may_agree_from(me)),
        })
        .collect())
}

/// Asks for a co-chair to step down or leave: nothing changes until a second person agrees.
/// The co-chair and the other co-chair are emailed.
pub(crate) async fn ask(
    store: &(impl CoChairRequestRepo + MemberRepo + AuditRepo),
    (mailer, base_url): (&Mailer, &str),
    actor: &Actor,
    (organisation, asker): (&OrganisationRef, &Member),
    target: &Member,
    change: CoChairChange,
) -> Result<(), AppError> {
    if mir_store::now() < may_ask_from(asker) {
        return Err(AppError::Conflict(format!(
            "you joined this group less than {SETTLE_DAYS} days ago. To protect co-chairs, only members of at least {SETTLE_DAYS} days can ask for a co-chair change: you can from {}",
            mir_domain::dates::in_words(may_ask_from(asker))
        )));
    }
    let Some(_) = store
        .ask_co_chair_change(
            organisation.id,
            target.person_id,
            change,
            asker.person_id,
            mir_store::now(),
        )
        .await?
    else {
        return Err(AppError::Conflict(format!(
            "a request about {} is already waiting for agreement",
            target.shown_name()
        )));
    };
    record(
        store,
        Some(organisation.id),
        actor,
        "co-chair change asked",
        json!({"person": target.person_id, "change": change.key()}),
    )
    .await?;
    let what = match change {
        CoChairChange::StepDown => "stop being a co-chair",
        CoChairChange::Remove => "leave the group",
    };
    let link = format!(
        "{base_url}/manage/organisations/{}#co-chair-requests",
        organisation.slug
    );
    let members = store.members(organisation.id).await?;
    // Another co-chair who could agree: not the one asking, not the one it is about.
    let another_co_chair = members.iter().any(|m| {
        m.is_co_chair && m.person_id != target.person_id && m.person_id != asker.person_id
    });
    for member in members {
        let about_them = member.person_id == target.person_id;
        if !(about_them || member.is_co_chair) || member.person_id == asker.person_id {
            continue;
        }
        let opening = if about_them {
            format!(
                "{} asked that you {what} in the Making it Real group of {}.",
                asker.shown_name(),
                organisation.name
            )
        } else {
            format!(
                "{} asked that {} {what} in the Making it Real group of {}.",
                asker.shown_name(),
                target.shown_name(),
                organisation.name
            )
        };
        mailer
            .send(OutgoingEmail {
                to: member.email.clone(),
                subject: format!("Do you agree? A change of co-chair in {}", organisation.name),
                body: format!(
                    "Hello,\n\n{opening}\n\nCo-chairs lead the group together, so this only happens if {}. Nothing has changed yet.\n\nAgree, or say no, here: {link}\n\nIf you think this is not fair, you can also tell the national programme team: {base_url}/report\n",
                    match (about_them, another_co_chair) {
                        (true, true) => "you or the other co-chair agrees",
                        (true, false) => "you agree",
                        (false, _) => "they or you agree",
                    },
                ),
                reply_to: None,
            })
            .await?;
    }
    Ok(())
}

/// The request, the organisation and the actor's membership (404 for anyone outside it).
async fn request_in_group(
    store: &(impl CoChairRequestRepo + MemberRepo),
    actor: &Actor,
    slug: &str,
    id: i64,
) -> Result<(OrganisationRef, Member, CoChairRequest), AppError> {
    let (organisation, me) = mine(store, actor, slug).await?;
    let request = store
        .co_chair_requests(organisation.id)
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or(AppError::NotFound)?;
    Ok((organisation, me, request))
}

/// Agrees to a request: the change happens now, and every member is told.
pub async fn agree(
    store: &(impl CoChairRequestRepo + MemberRepo + AuditRepo),
    mailer: &Mailer,
    actor: &Actor,
    slug: &str,
    id: i64,
) -> Result<CoChairChange, AppError> {
    let (organisation, me, request) = request_in_group(store, actor, slug, id).await?;
    if !may_agree(&request, &me, mir_store::now()) {
        return Err(AppError::Forbidden);
    }
    let members = store.members(organisation.id).await?;
    let Some(target) = members.iter().find(|m| m.person_id == request.person_id) else {
        store.take_co_chair_request(id).await?;
        return Err(AppError::Conflict(
            "they have already left the group, so there is nothing to agree".into(),
        ));
    };
    if request.change == CoChairChange::Remove
        && target.role == Role::Admin
        && members.iter().filter(|m| m.role == Role::Admin).count() == 1
    {
        return Err(AppError::Conflict(
            "they are the only administrator: another member must become administrator first"
                .into(),
        ));
    }
    if !store.take_co_chair_request(id).await? {
        return Err(AppError::Conflict(
            "someone else has already answered this request".into(),
        ));
    }
    match request.change {
        CoChairChange::StepDown => {
            store
                .put_member(
                    organisation.id,
                    target.person_id,
                    target.role,
                    false,
                    mir_store::now(),
                )
                .await?;
        }
        CoChairChange::Remove => {
            store
                .remove_member(organisation.id, target.person_id)
                .await?;
            // Recorded as a removal too, so they can be added back like anyone removed.
            record(
                store,
                Some(organisation.id),
                actor,
                "member removed",
                json!({"email": target.email, "role": target.role.key(), "co_chair": true}),
            )
            .await?;
        }
    }
    record(
        store,
        Some(organisation.id),
        actor,
        "co-chair change agreed",
        json!({"person": target.person_id, "change": request.change.key(), "asked_by": request.asked_by}),
    )
    .await?;
    let asker = name_of(&members, request.asked_by);
    tell_group_co_chairs_changed(
        store,
        mailer,
        &organisation,
        (
            &target.shown_name(),
            &format!("{asker}, agreed by {}", me.shown_name()),
        ),
        false,
        (request.change == CoChairChange::Remove).then_some(target.email.as_str()),
    )
    .await?;
    Ok(request.change)
}

/// Declines (or, for the one who asked, withdraws) a request: nothing changes; the asker and
/// the co-chair are told.
pub async fn decline(
    store: &(impl CoChairRequestRepo + MemberRepo + AuditRepo),
    mailer: &Mailer,
    actor: &Actor,
    slug: &str,
    id: i64,
) -> Result<(), AppError> {
    let (organisation, me, request) = request_in_group(store, actor, slug, id).await?;
    if !may_decline(&request, &me) {
        return Err(AppError::Forbidden);
    }
    if !store.take_co_chair_request(id).await? {
        return Err(AppError::Conflict(
            "someone else has already answered this request".into(),
        ));
    }
    record(
        store,
        Some(organisation.id),
        actor,
        "co-chair change declined",
        json!({"person": request.person_id, "change": request.change.key()}),
    )
    .await?;
    let members = store.members(organisation.id).await?;
    let who = name_of(&members, request.person_id);
    for member in members.iter().filter(|m| {
        (m.person_id == request.asked_by || m.person_id == request.person_id)
            && m.person_id != me.person_id
    }) {
        mailer
            .send(OutgoingEmail {
                to: member.email.clone(),
                subject: format!("No change of co-chair in {}", organisation.name),
                body: format!(
                    "Hello,\n\n{} said no to the request that {who} {}. Nothing has changed: {who} is still a co-chair of the Making it Real group of {}.\n",
                    me.shown_name(),
                    match request.change {
                        CoChairChange::StepDown => "stop being a co-chair",
                        CoChairChange::Remove => "leave the group",
                    },
                    organisation.name
                ),
                reply_to: None,
            })
            .await?;
    }
    Ok(())
}
