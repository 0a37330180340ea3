//! An organisation's co-production group: its workspace, invitations, co-chairs, leaving,
//! removing members and handing over administration. An organisation always keeps at least
//! one administrator. Whether an organisation exists is private to its members: others get
//! "not found".

use mir_domain::feedback::looks_like_email;
use mir_domain::organisation::{MAX_CO_CHAIRS, Role};
use mir_domain::validation::FieldErrors;
use mir_store::{
    AuditEvent, AuditRepo, CoChairChange, CoChairRequestRepo, DirectoryRepo, Invitation, Member,
    MemberRepo, OrganisationRef, PeopleRepo,
};
use serde_json::json;

use crate::audit::record;

use crate::AppError;
use crate::mail::{Mailer, OutgoingEmail};
use crate::policy::{Actor, GroupAction, authorize_in_group};

/// How long an invitation link works.
pub const INVITATION_DAYS: i64 = 7;

/// What a member sees of their organisation.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub organisation: OrganisationRef,
    pub me: Member,
    pub members: Vec<Member>,
    pub invitations: Vec<Invitation>,
    /// Recent changes, for administrators.
    pub changes: Vec<AuditEvent>,
    /// Requests to change a co-chair, waiting for a second person to agree.
    pub co_chair_requests: Vec<crate::co_chairs::PendingCoChairChange>,
    /// Members removed in the last [`UNDO_DAYS`] who can be added back, for administrators.
    pub recently_removed: Vec<RemovedMember>,
}

/// How long a removed member can be added back, and a closed review opened again.
pub const UNDO_DAYS: i64 = 14;

/// Someone removed from the group recently, who can be added back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemovedMember {
    pub person_id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub removed_at: i64,
}

/// What a change to the group did: done now, or asked and waiting for a second person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberChange {
    Done,
    WaitingForAgreement,
}

impl Workspace {
    pub fn is_admin(&self) -> bool {
        self.me.role == Role::Admin
    }
}

fn invalid(field: &'static str, message: &str) -> AppError {
    let mut errors = FieldErrors::new();
    errors.add(field, message);
    AppError::Invalid(errors)
}

/// The organisation and the actor's membership; "not found" for anyone else.
pub(crate) async fn mine(
    store: &impl MemberRepo,
    actor: &Actor,
    slug: &str,
) -> Result<(OrganisationRef, Member), AppError> {
    let Actor::Person { id, .. } = actor else {
        return Err(AppError::NotFound);
    };
    let organisation = store
        .organisation_by_slug(slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let me = store
        .membership(organisation.id, *id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((organisation, me))
}

/// Only the organisation's administrators manage its members.
async fn as_admin(
    store: &impl MemberRepo,
    actor: &Actor,
    slug: &str,
) -> Result<(OrganisationRef, Member), AppError> {
    let (organisation, me) = mine(store, actor, slug).await?;
    authorize_in_group(me.role, me.is_co_chair, GroupAction::ManageMembers)?;
    Ok((organisation, me))
}

pub async fn workspace(
    store: &(impl MemberRepo + AuditRepo + PeopleRepo + CoChairRequestRepo),
    actor: &Actor,
    slug: &str,
) -> Result<Workspace, AppError> {
    let (organisation, me) = mine(store, actor, slug).await?;
    let members = store.members(organisation.id).await?;
    let (invitations, changes, recently_removed) = if me.role == Role::Admin {
        (
            store
                .pending_invitations(organisation.id, mir_store::now())
                .await?,
            store.audit_events(Some(organisation.id), 20).await?,
            recently_removed(store, organisation.id, &members).await?,
        )
    } else {
        (Vec::new(), Vec::new(), Vec::new())
    };
    let co_chair_requests = crate::co_chairs::pending(store, organisation.id, &me).await?;
    Ok(Workspace {
        organisation,
        me,
        members,
        invitations,
        changes,
        co_chair_requests,
        recently_removed,
    })
}

/// Members removed in the last [`UNDO_DAYS`] who are not back and still have an account,
/// from the audit log (which keeps who, with which role, and when).
async fn recently_removed(
    store: &(impl AuditRepo + PeopleRepo),
    organisation_id: i64,
    members: &[Member],
) -> Result<Vec<RemovedMember>, AppError> {
    let since = mir_store::now() - UNDO_DAYS * 24 * 60 * 60;
    let mut out: Vec<RemovedMember> = Vec::new();
    for event in store.audit_events(Some(organisation_id), 200).await? {
        if event.at < since || event.action != "member removed" {
            continue;
        }
        let detail: serde_json::Value = serde_json::from_str(&event.detail).unwrap_or_default();
        let (Some(email), Some(role)) = (
            detail["email"].as_str(),
            detail["role"].as_str().and_then(Role::parse),
        ) else {
            continue;
        };
        let Some(person) = store.person_by_email(email).await? else {
            continue; // their account is gone
        };
        if members.iter().any(|m| m.person_id == person.id)
            || out.iter().any(|r| r.person_id == person.id)
        {
            continue;
        }
        let name = store.person_name(person.id).await?.display_name;
        out.push(RemovedMember {
            person_id: person.id,
            name: if name.is_empty() {
                "A member who has not chosen a name yet".into()
            } else {
                name
            },
            email: person.email,
            role,
            removed_at: event.at,
        });
    }
    Ok(out)
}

/// Adds back someone removed in the last [`UNDO_DAYS`], with the role they had (not as
/// co-chair: that is a change of its own, which every member is told about).
pub async fn add_back(
    store: &(impl MemberRepo + AuditRepo + PeopleRepo),
    mailer: &Mailer,
    actor: &Actor,
    slug: &str,
    person_id: i64,
) -> Result<(), AppError> {
    let (organisation, me) = as_admin(store, actor, slug).await?;
    let members = store.members(organisation.id).await?;
    let removed = recently_removed(store, organisation.id, &members)
        .await?
        .into_iter()
        .find(|r| r.person_id == person_id)
        .ok_or_else(|| {
            AppError::Conflict(format!(
                "only someone removed in the last {UNDO_DAYS} days can be added back; invite them instead"
            ))
        })?;
    store
        .put_member(
            organisation.id,
            person_id,
            removed.role,
            false,
            mir_store::now(),
        )
        .await?;
    record(
        store,
        Some(organisation.id),
        actor,
        "member added back",
        json!({"email": removed.email, "role": removed.role.key()}),
    )
    .await?;
    mailer
        .send(OutgoingEmail {
            to: removed.email,
            subject: format!("You are back in the group of {}", organisation.name),
            body: format!(
                "Hello,\n\n{} added you back to the Making it Real group of {}, as {}. You can sign in and take part as before.\n",
                me.shown_name(),
                organisation.name,
                removed.role.label()
            ),
            reply_to: None,
        })
        .await?;
    Ok(())
}

fn co_chairs(members: &[Member], invitations: &[Invitation]) -> usize {
    members.iter().filter(|m| m.is_co_chair).count()
        + invitations.iter().filter(|i| i.is_co_chair).count()
}

/// Invites someone by email with a role; emails them a link that works for 7 days.
#[allow(clippy::too_many_arguments)] // each is a distinct answer from the invitation form
pub async fn invite(
    store: &(impl MemberRepo + PeopleRepo + AuditRepo + mir_store::RateLimitRepo),
    mailer: &Mailer,
    actor: &Actor,
    slug: &str,
    email: &str,
    role: &str,
    co_chair: bool,
    base_url: &str,
) -> Result<(), AppError> {
    let (organisation, me) = as_admin(store, actor, slug).await?;
    let email = email.trim().to_lowercase();
    let mut errors = FieldErrors::new();
    if !looks_like_email(&email) {
        errors.add(
            "email",
            "Enter an email address in the correct format, like name@example.com",
        );
    }
    let role = Role::parse(role);
    if role.is_none() {
        errors.add("role", "Select the person's role");
    }
    let now = mir_store::now();
    let members = store.members(organisation.id).await?;
    let invitations = store.pending_invitations(organisation.id, now).await?;
    if members.iter().any(|m| m.email == email) {
        errors.add("email", "This person is already a member");
    }
    if co_chair && co_chairs(&members, &invitations) >= MAX_CO_CHAIRS {
        errors.add(
            "co_chair",
            "The group already has two co-chairs (or invitations for them)",
        );
    }
    let (Some(role), true) = (role, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    // Each invitation emails someone: an administrator may send a bounded number (finding 11).
    crate::rate_limit::check(
        store,
        &[crate::rate_limit::Limit::per_client(
            "invite",
            &me.person_id.to_string(),
            30,
        )],
    )
    .await?;
    let token = hex::encode(rand::random::<[u8; 32]>());
    let invitation = Invitation {
        id: 0,
        organisation_id: organisation.id,
        email: email.clone(),
        role,
        is_co_chair: co_chair,
        expires_at: now + INVITATION_DAYS * 24 * 3600,
    };
    store
        .insert_invitation(
            &invitation,
            &crate::accounts::hash_token(&token),
            me.person_id,
            now,
        )
        .await?;
    send_invitation(mailer, (&organisation, &me), &invitation, &token, base_url).await?;
    let detail = json!({"email": invitation.email, "role": role.key(), "co_chair": co_chair});
    record(
        store,
        Some(organisation.id),
        actor,
        "member invited",
        detail,
    )
    .await?;
    tracing::info!(
        organisation_id = organisation.id,
        role = role.key(),
        "invitation sent"
    );
    Ok(())
}

/// The invitation email: who invited them, to what, what Making it Real is, and the link.
async fn send_invitation(
    mailer: &Mailer,
    (organisation, inviter): (&OrganisationRef, &Member),
    invitation: &Invitation,
    token: &str,
    base_url: &str,
) -> Result<(), AppError> {
    let role = invitation.role.label();
    let co_chair = if invitation.is_co_chair {
        ", co-chair"
    } else {
        ""
    };
    mailer
        .send(OutgoingEmail {
            to: invitation.email.clone(),
            subject: format!("You are invited to join {} on Making it Real", organisation.name),
            body: format!(
                "Hello,\n\n{} invites you to join the Making it Real group of {} as {role}{co_chair}.\n\n\
                 Making it Real is a set of short statements about what good care and support look like, \
                 written with people who use services. In the group, people who use services, carers, \
                 families and staff say together how things are now, agree what to work on, and publish \
                 a plan that everyone can see. Everyone takes part as an equal.\n\n\
                 Use this link to join. It works for {INVITATION_DAYS} days:\n\n{base_url}/invitations/{token}\n\n\
                 In short (Easy Read):\n\
                 - You are asked to join a group.\n\
                 - The group talks about what good support is like.\n\
                 - Open the link to join.\n\n\
                 If you were not expecting this, you can ignore this email.\n",
                inviter.shown_name(),
                organisation.name,
            ),
            reply_to: None,
        })
        .await?;
    Ok(())
}

/// One of the organisation's invitations still waiting to be used; "not found" otherwise.
async fn waiting_invitation(
    store: &impl MemberRepo,
    organisation_id: i64,
    id: i64,
) -> Result<Invitation, AppError> {
    store
        .pending_invitations(organisation_id, mir_store::now())
        .await?
        .into_iter()
        .find(|i| i.id == id)
        .ok_or(AppError::NotFound)
}

/// Sends a waiting invitation again with a new link that works for another
/// [`INVITATION_DAYS`] days; the old link stops working.
pub async fn resend_invitation(
    store: &(impl MemberRepo + AuditRepo + mir_store::RateLimitRepo),
    (mailer, base_url): (&Mailer, &str),
    actor: &Actor,
    slug: &str,
    id: i64,
) -> Result<String, AppError> {
    let (organisation, me) = as_admin(store, actor, slug).await?;
    let now = mir_store::now();
    let invitation = waiting_invitation(store, organisation.id, id).await?;
    crate::rate_limit::check(
        store,
        &[crate::rate_limit::Limit::per_client(
            "invite",
            &me.person_id.to_string(),
            30,
        )],
    )
    .await?;
    let token = hex::encode(rand::random::<[u8; 32]>());
    let expires_at = now + INVITATION_DAYS * 24 * 3600;
    if !store
        .renew_invitation(
            organisation.id,
            id,
            &crate::accounts::hash_token(&token),
            expires_at,
        )
        .await?
    {
        return Err(AppError::NotFound);
    }
    send_invitation(mailer, (&organisation, &me), &invitation, &token, base_url).await?;
    record(
        store,
        Some(organisation.id),
        actor,
        "invitation sent again",
        json!({"email": invitation.email}),
    )
    .await?;
    Ok(invitation.email)
}

/// Cancels a waiting invitation: its link stops working.
pub async fn cancel_invitation(
    store: &(impl MemberRepo + AuditRepo),
    actor: &Actor,
    slug: &str,
    id: i64,
) -> Result<String, AppError> {
    let (organisation, _) = as_admin(store, actor, slug).await?;
    let invitation = waiting_invitation(store, organisation.id, id).await?;
    if !store.cancel_invitation(organisation.id, id).await? {
        return Err(AppError::NotFound);
    }
    record(
        store,
        Some(organisation.id),
        actor,
        "invitation cancelled",
        json!({"email": invitation.email}),
    )
    .await?;
    Ok(invitation.email)
}

/// The invitation behind a link, for its confirmation page; `None` if it does not work.
pub async fn invitation(
    store: &impl MemberRepo,
    token: &str,
) -> Result<Option<(Invitation, OrganisationRef)>, AppError> {
    let Some(invitation) = store
        .invitation_by_token(&crate::accounts::hash_token(token), mir_store::now())
        .await?
    else {
        return Ok(None);
    };
    let organisation = store.organisation_by_id(invitation.organisation_id).await?;
    Ok(organisation.map(|o| (invitation, o)))
}

/// Accepts an invitation: the invited address's account (created if new) joins with the
/// role. Returns the person to sign in and the organisation's slug; `None` if the link does
/// not work. Having the link proves the address, as for a sign-in link.
pub async fn accept(
    store: &(impl MemberRepo + PeopleRepo + AuditRepo + mir_store::PartnershipRepo),
    mailer: &Mailer,
    token: &str,
) -> Result<Option<(i64, String)>, AppError> {
    let now = mir_store::now();
    let Some((invitation, organisation)) = invitation(store, token).await? else {
        return Ok(None);
    };
    if !store.accept_invitation(invitation.id, now).await? {
        return Ok(None);
    }
    let person = store.upsert_person(&invitation.email, false, now).await?;
    let members = store.members(organisation.id).await?;
    let existing = members.iter().find(|m| m.person_id == person.id);
    // Someone already in the group keeps their role and their co-chair role: an older
    // invitation can make them administrator or co-chair, never take either away (that needs
    // a second person: decision 0024).
    let role = match existing {
        Some(m) if invitation.role != Role::Admin => m.role,
        _ => invitation.role,
    };
    let kept_co_chair = existing.is_some_and(|m| m.is_co_chair);
    store
        .put_member(organisation.id, person.id, role, kept_co_chair, now)
        .await?;
    // The limit of two co-chairs is checked and kept in one step; in a partnership, the two
    // come from different partners.
    let co_chair = kept_co_chair
        || (invitation.is_co_chair
            && crate::partnerships::co_chair_problem(store, &organisation, person.id)
                .await?
                .is_none()
            && store
                .make_co_chair_if_room(organisation.id, person.id, MAX_CO_CHAIRS, now)
                .await?);
    let joined = Actor::Person {
        id: person.id,
        national_admin: person.is_national_admin,
    };
    let detail = json!({"role": role.key(), "co_chair": co_chair});
    record(
        store,
        Some(organisation.id),
        &joined,
        "invitation accepted",
        detail,
    )
    .await?;
    let was_co_chair = members
        .iter()
        .any(|m| m.person_id == person.id && m.is_co_chair);
    if co_chair && !was_co_chair {
        let name = store.person_name(person.id).await?.display_name;
        let name = if name.is_empty() {
            "A new member".to_owned()
        } else {
            name
        };
        tell_group_co_chairs_changed(
            store,
            mailer,
            &organisation,
            (&name, "accepting an invitation"),
            true,
            None,
        )
        .await?;
    }
    let was_admin = members
        .iter()
        .any(|m| m.person_id == person.id && m.role == Role::Admin);
    if role == Role::Admin && !was_admin {
        tell_group_new_administrator(store, mailer, &organisation, person.id).await?;
    }
    tracing::info!(organisation_id = organisation.id, "invitation accepted");
    Ok(Some((person.id, organisation.slug)))
}

/// Tells every other member that someone joined as an administrator, who can manage members:
/// a group should know every new person who could ask for a co-chair change (decision 0024).
async fn tell_group_new_administrator(
    store: &(impl MemberRepo + PeopleRepo),
    mailer: &Mailer,
    organisation: &OrganisationRef,
    person_id: i64,
) -> Result<(), AppError> {
    let name = store.person_name(person_id).await?.display_name;
    let name = if name.is_empty() {
        "Someone who has not chosen a name yet".to_owned()
    } else {
        name
    };
    let body = format!(
        "Hello,\n\n{name} joined the Making it Real group of {} as an administrator. Administrators can invite and remove members.\n\n\
         If nobody in the group expected this, tell the co-chairs, or the national programme team with the \"Report a problem\" link at the bottom of every page of Making it Real. \
         For a week, a new member cannot ask for a change of co-chair.\n",
        organisation.name
    );
    for member in store
        .members(organisation.id)
        .await?
        .into_iter()
        .filter(|m| m.person_id != person_id)
    {
        mailer
            .send(OutgoingEmail {
                to: member.email,
                subject: format!("A new administrator in {}", organisation.name),
                body: body.clone(),
                reply_to: None,
            })
            .await?;
    }
    Ok(())
}

/// Tells every member of the group, and so the other co-chair, that the co-chairs changed
/// (finding 4: nobody can change who approves the plan without the group knowing). `who`
/// gained (`now_co_chair`) or lost the role; `also` is told too (someone who just left).
pub(crate) async fn tell_group_co_chairs_changed(
    store: &impl MemberRepo,
    mailer: &Mailer,
    organisation: &OrganisationRef,
    (who, by): (&str, &str),
    now_co_chair: bool,
    also: Option<&str>,
) -> Result<(), AppError> {
    let members = store.members(organisation.id).await?;
    let chairs: Vec<String> = members
        .iter()
        .filter(|m| m.is_co_chair)
        .map(|m| format!("{} ({})", m.shown_name(), m.role.label()))
        .collect();
    let change = if now_co_chair {
        format!(
            "{who} is now a co-chair of the Making it Real group of {}.",
            organisation.name
        )
    } else {
        format!(
            "{who} is no longer a co-chair of the Making it Real group of {}.",
            organisation.name
        )
    };
    let lived_experience = members
        .iter()
        .any(|m| m.is_co_chair && matches!(m.role, Role::ExpertByExperience | Role::Carer));
    let warning = if lived_experience {
        ""
    } else {
        "No co-chair is now an Expert by Experience or a carer, so the plan and agreed positions cannot be approved until one is.\n\n"
    };
    let body = format!(
        "{change} Changed by {by}.\n\nThe co-chairs now: {}.\n\n{warning}\
         Co-chairs approve the group's plan and confirm what the group agreed, so every member is told when they change. \
         If this is not what the group agreed, tell the national programme team with the \"Report a problem\" link at the bottom of every page of Making it Real.\n",
        if chairs.is_empty() {
            "none".to_owned()
        } else {
            chairs.join(", ")
        }
    );
    let mut to: Vec<&str> = members.iter().map(|m| m.email.as_str()).collect();
    to.extend(also);
    to.sort_unstable();
    to.dedup();
    for address in to {
        mailer
            .send(OutgoingEmail {
                to: address.to_owned(),
                subject: format!("The co-chairs of {} changed", organisation.name),
                body: body.clone(),
                reply_to: None,
            })
            .await?;
    }
    Ok(())
}

fn admins(members: &[Member]) -> usize {
    members.iter().filter(|m| m.role == Role::Admin).count()
}

/// Removes a member; never the last administrator. A co-chair is not removed at once: the
/// request waits for the co-chair or the other co-chair to agree (`co_chairs`). Someone
/// removed is told, and can be added back for [`UNDO_DAYS`].
pub async fn remove_member(
    store: &(impl MemberRepo + AuditRepo + CoChairRequestRepo),
    (mailer, base_url): (&Mailer, &str),
    actor: &Actor,
    slug: &str,
    person_id: i64,
) -> Result<MemberChange, AppError> {
    let (organisation, remover) = as_admin(store, actor, slug).await?;
    let members = store.members(organisation.id).await?;
    let target = members
        .iter()
        .find(|m| m.person_id == person_id)
        .ok_or(AppError::NotFound)?;
    if target.role == Role::Admin && admins(&members) == 1 {
        return Err(AppError::Conflict(
            "an organisation must keep at least one administrator".into(),
        ));
    }
    if target.is_co_chair && target.person_id != remover.person_id {
        crate::co_chairs::ask(
            store,
            (mailer, base_url),
            actor,
            (&organisation, &remover),
            target,
            CoChairChange::Remove,
        )
        .await?;
        return Ok(MemberChange::WaitingForAgreement);
    }
    store.remove_member(organisation.id, person_id).await?;
    record(
        store,
        Some(organisation.id),
        actor,
        "member removed",
        json!({"email": target.email, "role": target.role.key(), "co_chair": target.is_co_chair}),
    )
    .await?;
    mailer
        .send(OutgoingEmail {
            to: target.email.clone(),
            subject: format!("You are no longer in the group of {}", organisation.name),
            body: format!(
                "Hello,\n\n{} removed you from the Making it Real group of {}. Your account stays, and so do the views you gave.\n\nIf this was a mistake, the group's administrators can add you back until {} without a new invitation. If you think it was not fair, tell the national programme team: {base_url}/report\n",
                remover.shown_name(),
                organisation.name,
                mir_domain::dates::in_words(mir_store::now() + UNDO_DAYS * 24 * 60 * 60),
            ),
            reply_to: None,
        })
        .await?;
    if target.is_co_chair {
        tell_group_co_chairs_changed(
            store,
            mailer,
            &organisation,
            (&target.shown_name(), &remover.shown_name()),
            false,
            None,
        )
        .await?;
    }
    Ok(MemberChange::Done)
}

/// Leaves the organisation; the last administrator must hand over first.
pub async fn leave(
    store: &(impl MemberRepo + AuditRepo),
    mailer: &Mailer,
    actor: &Actor,
    slug: &str,
) -> Result<(), AppError> {
    let (organisation, me) = mine(store, actor, slug).await?;
    let members = store.members(organisation.id).await?;
    if me.role == Role::Admin && admins(&members) == 1 {
        return Err(AppError::Conflict(
            "you are the only administrator: make another member administrator before you leave"
                .into(),
        ));
    }
    store.remove_member(organisation.id, me.person_id).await?;
    record(
        store,
        Some(organisation.id),
        actor,
        "member left",
        json!({"role": me.role.key(), "co_chair": me.is_co_chair}),
    )
    .await?;
    if me.is_co_chair {
        tell_group_co_chairs_changed(
            store,
            mailer,
            &organisation,
            (&me.shown_name(), "leaving the group"),
            false,
            None,
        )
        .await?;
    }
    Ok(())
}

/// Marks or unmarks a member as co-chair (two at most). A co-chair may step down themself;
/// taking the role from someone else waits for them or the other co-chair to agree.
pub async fn set_co_chair(
    store: &(impl MemberRepo + AuditRepo + CoChairRequestRepo + mir_store::PartnershipRepo),
    (mailer, base_url): (&Mailer, &str),
    actor: &Actor,
    slug: &str,
    person_id: i64,
    co_chair: bool,
) -> Result<MemberChange, AppError> {
    let (organisation, changer) = mine(store, actor, slug).await?;
    let stepping_down = !co_chair && changer.person_id == person_id && changer.is_co_chair;
    if !stepping_down {
        authorize_in_group(
            changer.role,
            changer.is_co_chair,
            GroupAction::ManageMembers,
        )?;
    }
    let members = store.members(organisation.id).await?;
    let target = members
        .iter()
        .find(|m| m.person_id == person_id)
        .ok_or(AppError::NotFound)?;
    if co_chair == target.is_co_chair {
        // Nothing to change, nothing to record.
        return Ok(MemberChange::Done);
    }
    if co_chair
        && !target.is_co_chair
        && members.iter().filter(|m| m.is_co_chair).count() >= MAX_CO_CHAIRS
    {
        return Err(invalid("co_chair", "The group already has two co-chairs"));
    }
    if co_chair
        && !target.is_co_chair
        && let Some(problem) =
            crate::partnerships::co_chair_problem(store, &organisation, person_id).await?
    {
        return Err(invalid("co_chair", &problem));
    }
    if !co_chair && target.is_co_chair && !stepping_down {
        crate::co_chairs::ask(
            store,
            (mailer, base_url),
            actor,
            (&organisation, &changer),
            target,
            CoChairChange::StepDown,
        )
        .await?;
        return Ok(MemberChange::WaitingForAgreement);
    }
    if co_chair && !target.is_co_chair {
        // Checked again and made in one step: two requests at once cannot both get in.
        if !store
            .make_co_chair_if_room(organisation.id, person_id, MAX_CO_CHAIRS, mir_store::now())
            .await?
        {
            return Err(invalid("co_chair", "The group already has two co-chairs"));
        }
    } else {
        store
            .put_member(
                organisation.id,
                person_id,
                target.role,
                co_chair,
                mir_store::now(),
            )
            .await?;
    }
    let detail = json!({"email": target.email, "before": target.is_co_chair, "after": co_chair});
    record(
        store,
        Some(organisation.id),
        actor,
        "co-chair changed",
        detail,
    )
    .await?;
    if co_chair != target.is_co_chair {
        tell_group_co_chairs_changed(
            store,
            mailer,
            &organisation,
            (
                &target.shown_name(),
                &if stepping_down {
                    "stepping down".to_owned()
                } else {
                    changer.shown_name()
                },
            ),
            co_chair,
            None,
        )
        .await?;
    }
    Ok(MemberChange::Done)
}

/// Makes another member administrator; the actor stays on as staff.
pub async fn transfer_admin(
    store: &(impl MemberRepo + AuditRepo + PeopleRepo),
    mailer: &Mailer,
    actor: &Actor,
    slug: &str,
    to_person_id: i64,
) -> Result<(), AppError> {
    let (organisation, me) = as_admin(store, actor, slug).await?;
    if to_person_id == me.person_id {
        return Err(invalid("to", "Choose another member"));
    }
    let members = store.members(organisation.id).await?;
    let target = members
        .iter()
        .find(|m| m.person_id == to_person_id)
        .ok_or_else(|| invalid("to", "Choose a member of the group"))?;
    let now = mir_store::now();
    store
        .put_member(
            organisation.id,
            target.person_id,
            Role::Admin,
            target.is_co_chair,
            now,
        )
        .await?;
    store
        .put_member(
            organisation.id,
            me.person_id,
            Role::Staff,
            me.is_co_chair,
            now,
        )
        .await?;
    let detail = json!({"from": me.email, "to": target.email});
    record(
        store,
        Some(organisation.id),
        actor,
        "administration handed over",
        detail,
    )
    .await?;
    tell_group_new_administrator(store, mailer, &organisation, target.person_id).await?;
    Ok(())
}

/// The form for what an organisation says about itself.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct DetailsForm {
    pub description: String,
    pub website: String,
    pub commitment: String,
}

/// What the organisation says about itself now, for its administrators to change.
pub async fn details_form(
    store: &(impl MemberRepo + mir_store::PlanRepo),
    actor: &Actor,
    slug: &str,
) -> Result<(OrganisationRef, DetailsForm), AppError> {
    let (organisation, _) = as_admin(store, actor, slug).await?;
    let profile = store
        .organisation_profile(slug)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((
        organisation,
        DetailsForm {
            description: profile.description.unwrap_or_default(),
            website: profile.website.unwrap_or_default(),
            commitment: profile.commitment.unwrap_or_default(),
        },
    ))
}

/// Saves what the organisation says about itself (administrators only); every problem is
/// reported by its field.
pub async fn save_details(
    store: &(impl MemberRepo + mir_store::PlanRepo + AuditRepo),
    actor: &Actor,
    slug: &str,
    form: &DetailsForm,
) -> Result<(), AppError> {
    use mir_domain::organisation::sign_up;
    let (organisation, _) = as_admin(store, actor, slug).await?;
    let mut errors = FieldErrors::new();
    let description = sign_up::description(&form.description)
        .map_err(|e| errors.merge(e))
        .ok()
        .flatten();
    let website = sign_up::website(&form.website)
        .map_err(|e| errors.merge(e))
        .ok()
        .flatten();
    let commitment = sign_up::commitment(&form.commitment)
        .map_err(|e| errors.merge(e))
        .ok();
    let (Some(commitment), true) = (commitment, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    store
        .update_organisation_details(
            organisation.id,
            &mir_store::OrganisationDetails {
                description,
                website,
                commitment,
            },
        )
        .await?;
    record(
        store,
        Some(organisation.id),
        actor,
        "organisation details changed",
        json!({}),
    )
    .await?;
    Ok(())
}

/// The council areas an organisation serves, for its administrators to change.
pub async fn places(
    store: &(impl MemberRepo + DirectoryRepo),
    actor: &Actor,
    slug: &str,
) -> Result<(OrganisationRef, Vec<String>), AppError> {
    let (organisation, _) = as_admin(store, actor, slug).await?;
    let areas = store.organisation_areas(organisation.id).await?;
    Ok((organisation, areas))
}

/// Adds or removes a council area the organisation serves (administrators only); never the
/// last one. The directory, the map and search follow. Returns what changed, in a sentence.
pub async fn change_places(
    store: &impl crate::plans::PlanStore,
    actor: &Actor,
    slug: &str,
    (add, remove): (Option<&str>, Option<&str>),
) -> Result<String, AppError> {
    let (organisation, areas) = places(store, actor, slug).await?;
    let (change, council) = match (add.filter(|a| !a.is_empty()), remove) {
        (Some(code), _) => {
            let Some(council) = mir_domain::areas::council(code) else {
                return Err(invalid("area", "Choose a council area from the list"));
            };
            // One row added or not: two changes at once never undo each other.
            if areas.contains(&council.code)
                || !store
                    .add_organisation_area(organisation.id, &council.code)
                    .await?
            {
                return Err(invalid(
                    "area",
                    &format!("{} is already in your list", council.name),
                ));
            }
            ("added", council)
        }
        (None, Some(code)) => {
            let council = mir_domain::areas::council(code).ok_or(AppError::NotFound)?;
            match store
                .remove_organisation_area(organisation.id, &council.code)
                .await?
            {
                None => {
                    return Err(invalid(
                        "area",
                        "Your organisation must serve at least one council area: add the new one before removing this one",
                    ));
                }
                Some(false) => return Err(AppError::NotFound),
                Some(true) => ("removed", council),
            }
        }
        (None, None) => return Err(invalid("area", "Choose a council area from the list")),
    };
    record(
        store,
        Some(organisation.id),
        actor,
        "organisation areas changed",
        json!({"change": change, "area": council.name}),
    )
    .await?;
    crate::search::reindex(store, slug).await?;
    Ok(format!("{} is {change}.", council.name))
}
