//! Partnerships: several signed-up organisations own one plan and its reviews (decision 0041).
//!
//! An administrator forms a partnership from their organisation's workspace and invites
//! another organisation; that organisation's own administrator accepts (or says no). The
//! partnership is public once a second partner has accepted. Members of each partner take part
//! with their own roles; the partnership chooses its own two co-chairs, who approve its plan.

use mir_domain::organisation::{OrganisationKind, OrganisationStatus, Role};
use mir_domain::validation::FieldErrors;
use mir_store::{
    EmailPreferenceRepo, Member, MemberRepo, OrganisationRef, Partner, PartnershipLink,
    PartnershipRepo,
};
use serde_json::json;

use crate::AppError;
use crate::audit::record;
use crate::mail::Mailer;
use crate::members::mine;
use crate::plans::PlanStore;
use crate::policy::{Actor, GroupAction, authorize_in_group};

/// Most invitations a partnership can have waiting for an answer at once.
pub const MAX_WAITING_INVITATIONS: usize = 5;

/// Everything partnerships need of the storage.
pub trait PartnershipStore: PlanStore + PartnershipRepo + EmailPreferenceRepo {}
impl<T: PlanStore + PartnershipRepo + EmailPreferenceRepo> PartnershipStore for T {}

/// An organisation's partnerships, or a partnership's partners, as its members see them.
#[derive(Debug, Clone)]
pub struct Partnerships {
    pub organisation: OrganisationRef,
    pub me: Member,
    pub kind: OrganisationKind,
    /// For a partnership: its partners (accepted first, then invited).
    pub partners: Vec<Partner>,
    /// For an organisation: the partnerships it is in, or invited to, each with its
    /// partners so far (an invitation says who is in it already).
    pub links: Vec<PartnershipSeen>,
}

/// A partnership an organisation is in or invited to, with its partners.
#[derive(Debug, Clone)]
pub struct PartnershipSeen {
    pub link: PartnershipLink,
    pub partners: Vec<Partner>,
}

/// Most partnerships an organisation can have forming (not yet public) at once.
pub const MAX_FORMING: usize = 3;

impl Partnerships {
    pub fn is_partnership(&self) -> bool {
        self.kind == OrganisationKind::Partnership
    }

    /// Whether the organisation can form or join a partnership: one that signed up (not a
    /// partnership or a working group) and is approved.
    pub fn can_form(&self) -> bool {
        !matches!(
            self.kind,
            OrganisationKind::Partnership | OrganisationKind::WorkingGroup
        ) && self.organisation.status.is_public()
    }

    pub fn is_admin(&self) -> bool {
        self.me.role == Role::Admin
    }
}

fn invalid(field: &'static str, message: impl Into<String>) -> AppError {
    let mut errors = FieldErrors::new();
    errors.add(field, message);
    AppError::Invalid(errors)
}

/// What the partnerships page shows; every member may see it.
pub async fn overview(
    store: &impl PartnershipStore,
    actor: &Actor,
    slug: &str,
) -> Result<Partnerships, AppError> {
    let (organisation, me) = mine(store, actor, slug).await?;
    authorize_in_group(me.role, me.is_co_chair, GroupAction::SeeWorkspace)?;
    let kind = organisation.kind;
    let (partners, links) = if kind == OrganisationKind::Partnership {
        (store.partners(organisation.id).await?, Vec::new())
    } else {
        let mut links = Vec::new();
        for link in store.partnerships_of(organisation.id).await? {
            let partners = store.partners(link.partnership_id).await?;
            links.push(PartnershipSeen { link, partners });
        }
        (Vec::new(), links)
    };
    Ok(Partnerships {
        organisation,
        me,
        kind,
        partners,
        links,
    })
}

/// The organisation to invite, by its name or web address name: approved, one that signed
/// up (a partnership's partners are organisations), and not already in.
async fn invitable(
    store: &impl PartnershipStore,
    typed: &str,
    exclude: &[i64],
) -> Result<(i64, String, String), AppError> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Err(invalid(
            "partner",
            "Enter the name of the organisation to invite, as it is shown on its public page",
        ));
    }
    // One that is not public is "not found": whether someone signed up is not told here.
    let found = store.organisation_named(typed).await?.filter(|o| {
        OrganisationStatus::parse(&o.status).is_some_and(OrganisationStatus::is_public)
    });
    let Some(mir_store::NamedOrganisation {
        id,
        slug,
        name,
        kind,
        ..
    }) = found
    else {
        return Err(invalid(
            "partner",
            format!(
                "We could not find an organisation called “{typed}”. Use the name shown on its public page"
            ),
        ));
    };
    let signed_up = kind
        .parse::<OrganisationKind>()
        .is_ok_and(|k| OrganisationKind::ALL.contains(&k));
    if !signed_up {
        return Err(invalid(
            "partner",
            format!(
                "“{name}” cannot be invited: partners are organisations that signed up, not partnerships or working groups"
            ),
        ));
    }
    if exclude.contains(&id) {
        return Err(invalid(
            "partner",
            format!("“{name}” is already in this partnership or invited to it"),
        ));
    }
    // Someone must be able to answer: an invitation nobody can accept waits for ever.
    if !store
        .members(id)
        .await?
        .iter()
        .any(|m| m.role == Role::Admin)
    {
        return Err(invalid(
            "partner",
            format!("“{name}” has no administrator on mir yet, so nobody could accept"),
        ));
    }
    Ok((id, slug, name))
}

fn too_many_forming(forming: usize) -> AppError {
    AppError::Conflict(format!(
        "Your organisation has {forming} partnerships waiting for a partner to accept: invite another organisation to one of them (from its own page), or wait for an answer"
    ))
}

/// Asks the invited organisation's administrators to accept.
async fn ask_to_accept(
    store: &impl PartnershipStore,
    (mailer, base_url): (&Mailer, &str),
    invited: (i64, &str),
    partnership: &str,
    from: &str,
) -> Result<(), AppError> {
    let (id, slug) = invited;
    let body = format!(
        "{from} invites your organisation to form the partnership \"{partnership}\": one plan, and its \
         reviews, owned together. Your members would take part with their roles.\n\nAn administrator \
         of your organisation can accept or say no here: {base_url}/manage/organisations/{slug}/partnerships"
    );
    let easy = format!(
        "Hello.\n\n{from} wants to work with you on one plan.\n\nThe plan is called \"{partnership}\".\n\n\
         An administrator can say yes or no.\n\nOpen this link:\n{base_url}/manage/organisations/{slug}/partnerships"
    );
    let subject = format!("Please answer: form the partnership \"{partnership}\"");
    let email = crate::waiting::Ask {
        subject: &subject,
        body: &body,
        easy: Some(&easy),
    };
    let admins = |m: &Member| m.role == Role::Admin;
    crate::waiting::ask(store, mailer, (id, base_url), admins, &email).await?;
    Ok(())
}

/// An administrator forms a partnership with another organisation. Returns its slug.
pub async fn form(
    store: &impl PartnershipStore,
    mail: (&Mailer, &str),
    actor: &Actor,
    slug: &str,
    name: &str,
    partner: &str,
) -> Result<String, AppError> {
    let ours = overview(store, actor, slug).await?;
    authorize_in_group(
        ours.me.role,
        ours.me.is_co_chair,
        GroupAction::ManageMembers,
    )?;
    if !ours.can_form() {
        return Err(AppError::Conflict(
            "only an approved organisation that signed up can form a partnership".into(),
        ));
    }
    // One partnership waiting for its partner at a time: forming is never a way to send
    // invitations to many organisations.
    let forming = ours
        .links
        .iter()
        .filter(|s| s.link.accepted_at.is_some() && !s.link.status.is_public())
        .count();
    if forming >= MAX_FORMING {
        return Err(too_many_forming(forming));
    }
    let mut errors = FieldErrors::new();
    let name = mir_domain::organisation::sign_up::group_name(name, "Enter the partnership's name")
        .unwrap_or_else(|e| {
            errors.merge(e);
            String::new()
        });
    if !name.is_empty() {
        errors.merge(name_taken(store, &name).await?);
    }
    let partner = match invitable(store, partner, &[ours.organisation.id]).await {
        Ok(found) => Some(found),
        Err(AppError::Invalid(e)) => {
            errors.merge(e);
            None
        }
        Err(e) => return Err(e),
    };
    let Some((partner_id, partner_slug, partner_name)) = partner.filter(|_| errors.is_empty())
    else {
        return Err(AppError::Invalid(errors));
    };
    let Some((id, new_slug)) = store
        .form_partnership(
            &name,
            ours.organisation.id,
            partner_id,
            MAX_FORMING,
            mir_store::now(),
        )
        .await?
    else {
        return Err(too_many_forming(MAX_FORMING));
    };
    let detail = json!({"partnership": new_slug, "invited": partner_slug});
    record(
        store,
        Some(ours.organisation.id),
        actor,
        "partnership formed",
        detail.clone(),
    )
    .await?;
    record(store, Some(id), actor, "partnership formed", detail).await?;
    ask_to_accept(
        store,
        mail,
        (partner_id, &partner_slug),
        &name,
        &ours.organisation.name,
    )
    .await?;
    tracing::info!(partner = %partner_name, "partnership formed");
    Ok(new_slug)
}

/// A partnership's administrator invites one more organisation.
pub async fn invite(
    store: &impl PartnershipStore,
    mail: (&Mailer, &str),
    actor: &Actor,
    slug: &str,
    partner: &str,
) -> Result<String, AppError> {
    let ours = overview(store, actor, slug).await?;
    authorize_in_group(
        ours.me.role,
        ours.me.is_co_chair,
        GroupAction::ManageMembers,
    )?;
    if !ours.is_partnership() {
        return Err(AppError::NotFound);
    }
    let waiting = ours
        .partners
        .iter()
        .filter(|p| p.accepted_at.is_none())
        .count();
    if waiting >= MAX_WAITING_INVITATIONS {
        return Err(AppError::Conflict(format!(
            "{waiting} organisations have not answered yet: invite more once they have"
        )));
    }
    let exclude: Vec<i64> = ours
        .partners
        .iter()
        .filter(|p| p.declined_at.is_none())
        .map(|p| p.organisation_id)
        .collect();
    let (partner_id, partner_slug, partner_name) = invitable(store, partner, &exclude).await?;
    if ours
        .partners
        .iter()
        .any(|p| p.organisation_id == partner_id && p.declined_at.is_some())
    {
        return Err(invalid(
            "partner",
            format!("“{partner_name}” said no to this partnership, so it is not asked again"),
        ));
    }
    match store
        .invite_partner(
            ours.organisation.id,
            partner_id,
            MAX_WAITING_INVITATIONS,
            mir_store::now(),
        )
        .await?
    {
        mir_store::InviteOutcome::Invited => {}
        mir_store::InviteOutcome::AlreadyThere => {
            return Err(invalid(
                "partner",
                format!(
                    "“{partner_name}” is already in this partnership or invited to it, or its invitation was withdrawn less than a week ago"
                ),
            ));
        }
        mir_store::InviteOutcome::TooManyWaiting => {
            return Err(AppError::Conflict(format!(
                "{MAX_WAITING_INVITATIONS} organisations have not answered yet: invite more once they have"
            )));
        }
    }
    record(
        store,
        Some(ours.organisation.id),
        actor,
        "partner invited",
        json!({"invited": partner_slug}),
    )
    .await?;
    ask_to_accept(
        store,
        mail,
        (partner_id, &partner_slug),
        &ours.organisation.name,
        &ours.organisation.name,
    )
    .await?;
    Ok(partner_name)
}

/// A partnership's administrator takes back an invitation nobody has answered (a mistake, or
/// one that waits too long). Returns the organisation's name.
pub async fn withdraw(
    store: &impl PartnershipStore,
    actor: &Actor,
    slug: &str,
    partner_slug: &str,
) -> Result<String, AppError> {
    let ours = overview(store, actor, slug).await?;
    authorize_in_group(
        ours.me.role,
        ours.me.is_co_chair,
        GroupAction::ManageMembers,
    )?;
    let waiting = ours
        .partners
        .iter()
        .find(|p| p.slug == partner_slug && p.accepted_at.is_none() && p.declined_at.is_none())
        .ok_or_else(|| {
            AppError::Conflict("there is no invitation to that organisation waiting".into())
        })?;
    if !store
        .withdraw_invitation(
            ours.organisation.id,
            waiting.organisation_id,
            mir_store::now(),
        )
        .await?
    {
        return Err(AppError::Conflict(
            "the invitation was answered meanwhile".into(),
        ));
    }
    record(
        store,
        Some(ours.organisation.id),
        actor,
        "partner invitation withdrawn",
        json!({"invited": waiting.slug}),
    )
    .await?;
    Ok(waiting.name.clone())
}

/// An organisation's administrator accepts (or declines) its invitation to a partnership.
/// Returns the partnership's name and slug.
pub async fn answer(
    store: &impl PartnershipStore,
    (mailer, base_url): (&Mailer, &str),
    actor: &Actor,
    slug: &str,
    partnership_slug: &str,
    accept: bool,
) -> Result<(String, String), AppError> {
    let ours = overview(store, actor, slug).await?;
    authorize_in_group(
        ours.me.role,
        ours.me.is_co_chair,
        GroupAction::ManageMembers,
    )?;
    let link = ours
        .links
        .iter()
        .map(|s| &s.link)
        .find(|l| l.slug == partnership_slug && l.accepted_at.is_none())
        .ok_or_else(|| {
            AppError::Conflict("there is no invitation from that partnership waiting".into())
        })?;
    let now = mir_store::now();
    let done = if accept {
        store
            .accept_partnership(link.partnership_id, ours.organisation.id, now)
            .await?
    } else {
        store
            .decline_partnership(link.partnership_id, ours.organisation.id, now)
            .await?
    };
    if !done {
        return Err(AppError::Conflict(
            "the invitation was answered meanwhile".into(),
        ));
    }
    let action = if accept {
        "partnership accepted"
    } else {
        "partnership declined"
    };
    let detail = json!({"partnership": link.slug, "partner": ours.organisation.slug});
    record(
        store,
        Some(ours.organisation.id),
        actor,
        action,
        detail.clone(),
    )
    .await?;
    record(store, Some(link.partnership_id), actor, action, detail).await?;
    // The partnership's administrators hear the answer; on a yes, the organisation's members
    // hear that they now take part, and how to leave.
    let (org, partnership) = (&ours.organisation.name, &link.name);
    let here = format!("{base_url}/manage/organisations/{}", link.slug);
    let (subject, body, easy) = if accept {
        (
            format!("{org} accepted: it is a partner in {partnership}"),
            format!(
                "{org} accepted the invitation: it is a partner in \"{partnership}\", and its members take part with their roles.\n\nThe partnership: {here}"
            ),
            format!(
                "Hello.\n\n{org} said yes.\n\nThey are now in the partnership \"{partnership}\".\n\nOpen this link:\n{here}"
            ),
        )
    } else {
        (
            format!("{org} said no to {partnership}"),
            format!(
                "{org} said no to the invitation to be a partner in \"{partnership}\". You can invite another organisation: {here}/partnerships"
            ),
            format!(
                "Hello.\n\n{org} said no.\n\nThey will not join the partnership \"{partnership}\".\n\nYou can ask someone else. Open this link:\n{here}/partnerships"
            ),
        )
    };
    let told = crate::waiting::Ask {
        subject: &subject,
        body: &body,
        easy: Some(&easy),
    };
    let me = ours.me.person_id;
    let admins = |m: &Member| m.role == Role::Admin && m.person_id != me;
    crate::waiting::ask(
        store,
        mailer,
        (link.partnership_id, base_url),
        admins,
        &told,
    )
    .await?;
    if accept {
        let subject = format!("You now take part in {partnership}");
        let body = format!(
            "{org} joined the partnership \"{partnership}\": one plan, and its reviews, owned with other organisations. You take part with the role you have in {org}, and the partnership's administrators see your name. You can leave the partnership from its page, without leaving {org}: {here}"
        );
        let easy = format!(
            "Hello.\n\n{org} is now in a partnership called \"{partnership}\".\n\nYou can take part in its plan.\n\nYou can leave it if you want to. Open this link:\n{here}"
        );
        let joined = crate::waiting::Ask {
            subject: &subject,
            body: &body,
            easy: Some(&easy),
        };
        let members = |m: &Member| m.person_id != me;
        crate::waiting::ask(
            store,
            mailer,
            (ours.organisation.id, base_url),
            members,
            &joined,
        )
        .await?;
    }
    // Now public: found by its partners' names too.
    crate::search::reindex(store, &link.slug).await?;
    crate::search::reindex(store, &ours.organisation.slug).await?;
    Ok((link.name.clone(), link.slug.clone()))
}

/// Why this person cannot be a co-chair of the partnership, if they cannot: its two co-chairs
/// come from two different partners, so no one partner speaks for the partnership alone (a
/// co-chair of a partnership is a member of one of its partners). `None` for other groups.
pub(crate) async fn co_chair_problem(
    store: &(impl MemberRepo + PartnershipRepo),
    organisation: &OrganisationRef,
    person_id: i64,
) -> Result<Option<String>, AppError> {
    if !organisation.is_partnership() {
        return Ok(None);
    }
    let theirs = store.partners_of_person(organisation.id, person_id).await?;
    if theirs.is_empty() {
        return Ok(Some(
            "A co-chair of a partnership is a member of one of its partners".into(),
        ));
    }
    for other in store.members(organisation.id).await? {
        if !other.is_co_chair || other.person_id == person_id {
            continue;
        }
        let others = store
            .partners_of_person(organisation.id, other.person_id)
            .await?;
        if theirs.iter().any(|p| others.contains(p)) {
            return Ok(Some(format!(
                "The partnership's two co-chairs come from different partners, and {} is a co-chair from the same organisation",
                other.shown_name()
            )));
        }
    }
    Ok(None)
}

/// A new partnership or working group may not take a name already on mir (an organisation,
/// a partnership, a working group): people would take it for that one.
pub(crate) async fn name_taken(
    store: &impl PartnershipRepo,
    name: &str,
) -> Result<FieldErrors, AppError> {
    let mut errors = FieldErrors::new();
    // By the name, and by the web address name it would have: "Hillcrest  Trust." (two
    // spaces, a full stop) is "Hillcrest Trust" to a reader.
    let as_slug = mir_domain::organisation::OrgSlug::from_name(name)
        .map(|s| s.as_str().to_owned())
        .unwrap_or_default();
    let mut found = store.organisation_named(name).await?;
    if found.is_none() && !as_slug.is_empty() {
        found = store.organisation_named(&as_slug).await?;
    }
    if let Some(found) = found {
        errors.add(
            "name",
            format!(
                "“{}” is already the name of an organisation on mir: choose a name that says which partnership or group this is",
                found.name
            ),
        );
    }
    Ok(errors)
}

/// For a partnership: why its present co-chairs may not decide for it together, if they may
/// not (they do not come from two different partners). Checked when they decide, whatever
/// happened since they became co-chairs (someone who left a partner and came back, or joined
/// another). `None` for other groups.
pub(crate) async fn co_chairs_problem(
    store: &(impl MemberRepo + PartnershipRepo),
    organisation: &OrganisationRef,
) -> Result<Option<String>, AppError> {
    if !organisation.is_partnership() {
        return Ok(None);
    }
    let mut seen: Vec<Vec<i64>> = Vec::new();
    for chair in store.members(organisation.id).await? {
        if !chair.is_co_chair {
            continue;
        }
        let theirs = store
            .partners_of_person(organisation.id, chair.person_id)
            .await?;
        if theirs.is_empty() || seen.iter().any(|s| s.iter().any(|p| theirs.contains(p))) {
            return Ok(Some(
                "a partnership's co-chairs decide for it only when they come from two different partners: change a co-chair first".into(),
            ));
        }
        seen.push(theirs);
    }
    Ok(None)
}
