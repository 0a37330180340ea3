//! Partnerships: several signed-up organisations own one plan and its reviews (decision 0041).
//!
//! An administrator forms a partnership from their organisation's workspace and invites
//! another organisation; that organisation's own administrator accepts (or says no). The
//! partnership is public once a second partner has accepted. Members of each partner take part
//! with their own roles; the partnership chooses its own two co-chairs, who approve its plan.

use mir_domain::organisation::{OrganisationKind, OrganisationStatus, Role};
use mir_domain::validation::FieldErrors;
use mir_store::{
    EmailPreferenceRepo, Member, OrganisationRef, Partner, PartnershipLink, PartnershipRepo,
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
    /// For an organisation: the partnerships it is in, or invited to.
    pub links: Vec<PartnershipLink>,
}

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
        (Vec::new(), store.partnerships_of(organisation.id).await?)
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
    Ok((id, slug, name))
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
    if let Some(waiting) = ours
        .links
        .iter()
        .find(|l| l.accepted_at.is_some() && !l.status.is_public())
    {
        return Err(AppError::Conflict(format!(
            "“{}” is waiting for its partner to answer: form another once it has",
            waiting.name
        )));
    }
    let mut errors = FieldErrors::new();
    let name = mir_domain::organisation::sign_up::group_name(name, "Enter the partnership's name")
        .unwrap_or_else(|e| {
            errors.merge(e);
            String::new()
        });
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
    let (id, new_slug) = store
        .form_partnership(&name, ours.organisation.id, partner_id, mir_store::now())
        .await?;
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
    let exclude: Vec<i64> = ours.partners.iter().map(|p| p.organisation_id).collect();
    let (partner_id, partner_slug, partner_name) = invitable(store, partner, &exclude).await?;
    if !store
        .invite_partner(ours.organisation.id, partner_id, mir_store::now())
        .await?
    {
        return Err(invalid(
            "partner",
            format!("“{partner_name}” is already in this partnership or invited to it"),
        ));
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

/// An organisation's administrator accepts (or declines) its invitation to a partnership.
/// Returns the partnership's name and slug.
pub async fn answer(
    store: &impl PartnershipStore,
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
            .decline_partnership(link.partnership_id, ours.organisation.id)
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
    // Now public: found by its partners' names too.
    crate::search::reindex(store, &link.slug).await?;
    crate::search::reindex(store, &ours.organisation.slug).await?;
    Ok((link.name.clone(), link.slug.clone()))
}
