//! Organisations signing up to Making it Real, and the national programme team's approval.

use mir_domain::areas;
use mir_domain::organisation::{OrganisationStatus, sign_up};
use mir_domain::validation::FieldErrors;
use mir_store::{
    AuditRepo, FrameworkRepo, MembershipSummary, PendingOrganisation, PeopleRepo, SignUp,
    SignUpRepo,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::AppError;
use crate::mail::{Mailer, OutgoingEmail};
use crate::policy::{Action, Actor, authorize};

/// The answers so far, as typed, kept between the question pages (in the session).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignUpDraft {
    pub name: String,
    pub kind: String,
    pub areas: Vec<String>,
    pub website: String,
    /// `slug@version`
    pub framework: String,
    pub commitment: String,
    /// Only asked when the person is not signed in.
    pub email: String,
}

/// What happened when a sign-up was sent.
#[derive(Debug, Clone)]
pub struct Submitted {
    pub slug: String,
    pub name: String,
    /// A link to confirm the address was emailed (the person was not signed in).
    pub confirmation_emailed: bool,
}

fn merge(errors: &mut FieldErrors, result: Result<(), FieldErrors>) {
    if let Err(more) = result {
        for e in more.iter() {
            errors.add(e.field.clone(), e.message.clone());
        }
    }
}

/// Checks every answer; the errors name the page's field for each.
pub fn check_draft(draft: &SignUpDraft, signed_in: bool) -> Result<SignUp, FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = sign_up::name(&draft.name);
    let kind = sign_up::kind(&draft.kind);
    let website = sign_up::website(&draft.website);
    let commitment = sign_up::commitment(&draft.commitment);
    merge(&mut errors, name.clone().map(|_| ()));
    merge(&mut errors, kind.clone().map(|_| ()));
    merge(&mut errors, sign_up::areas_chosen(&draft.areas));
    merge(&mut errors, website.clone().map(|_| ()));
    merge(&mut errors, commitment.clone().map(|_| ()));
    let framework = draft.framework.split_once('@');
    if framework.is_none() {
        errors.add(
            "framework",
            "Select the framework version your organisation will use",
        );
    }
    if !signed_in {
        merge(&mut errors, sign_up::email(&draft.email).map(|_| ()));
    }
    match (name, kind, website, commitment, framework) {
        (Ok(name), Ok(kind), Ok(website), Ok(commitment), Some((slug, version)))
            if errors.is_empty() =>
        {
            Ok(SignUp {
                name,
                kind,
                areas: draft.areas.clone(),
                website,
                framework_slug: slug.to_owned(),
                framework_version: version.to_owned(),
                commitment,
            })
        }
        _ => Err(errors),
    }
}

/// The code of a council, if it is one (old Barnsley and Sheffield codes give the new ones).
pub fn known_area(code: &str) -> Option<String> {
    areas::council(code).map(|c| c.code.clone())
}

/// Creates the organisation, awaiting approval, with the person as its administrator. Someone
/// not signed in gets an email with a link to confirm their address and sign in.
pub async fn submit_sign_up(
    store: &(impl SignUpRepo + PeopleRepo + FrameworkRepo + AuditRepo),
    mailer: &Mailer,
    actor: &Actor,
    draft: &SignUpDraft,
    base_url: &str,
) -> Result<Submitted, AppError> {
    authorize(actor, Action::SignUpOrganisation)?;
    let signed_in = matches!(actor, Actor::Person { .. });
    let sign_up = check_draft(draft, signed_in).map_err(AppError::Invalid)?;
    if store
        .load_framework(&sign_up.framework_slug, Some(&sign_up.framework_version))
        .await?
        .is_none()
    {
        let mut errors = FieldErrors::new();
        errors.add(
            "framework",
            "Select the framework version your organisation will use",
        );
        return Err(AppError::Invalid(errors));
    }
    let now = mir_store::now();
    let (person_id, email) = match actor {
        Actor::Person { id, .. } => (*id, None),
        _ => {
            let email = sign_up::email(&draft.email).map_err(AppError::Invalid)?;
            (
                store.upsert_person(&email, false, now).await?.id,
                Some(email),
            )
        }
    };
    let (organisation_id, slug) = store
        .create_signed_up_organisation(&sign_up, person_id, now)
        .await?;
    let by = Actor::Person {
        id: person_id,
        national_admin: false,
    };
    let detail = json!({
        "name": sign_up.name,
        "kind": sign_up.kind.key(),
        "areas": sign_up.areas,
        "framework": draft.framework,
    });
    crate::audit::record(
        store,
        Some(organisation_id),
        &by,
        "organisation signed up",
        detail,
    )
    .await?;
    tracing::info!(%slug, "organisation signed up");
    let confirmation_emailed = if let Some(email) = email {
        let link =
            crate::accounts::create_sign_in_link(store, &Actor::Operator, &email, false).await?;
        mailer
            .send(OutgoingEmail {
                to: email,
                subject: format!("Confirm your email to manage {} on Making it Real", sign_up.name),
                body: format!(
                    "Thank you for signing {} up to Making it Real.\n\n\
                     Use this link to confirm your email address and sign in. It works once, for {} minutes:\n\n\
                     {base_url}/sign-in/link/{}\n\n\
                     You can ask for a new link at any time from the sign-in page.\n\
                     The national programme team will check your sign-up; you can start work meanwhile.\n",
                    sign_up.name,
                    crate::accounts::SIGN_IN_LINK_MINUTES,
                    link.token
                ),
            })
            .await?;
        true
    } else {
        false
    };
    Ok(Submitted {
        slug,
        name: sign_up.name,
        confirmation_emailed,
    })
}

/// Organisations waiting for the national programme team.
pub async fn awaiting_approval(
    store: &impl SignUpRepo,
    actor: &Actor,
) -> Result<Vec<PendingOrganisation>, AppError> {
    authorize(actor, Action::ApproveOrganisations)?;
    Ok(store.organisations_awaiting_approval().await?)
}

/// Approves, or declines with a reason that is emailed to the organisation.
pub async fn decide(
    store: &(impl SignUpRepo + crate::plans::PlanStore),
    mailer: &Mailer,
    actor: &Actor,
    organisation_id: i64,
    approve: bool,
    reason: &str,
) -> Result<(), AppError> {
    authorize(actor, Action::ApproveOrganisations)?;
    let reason = reason.trim();
    if !approve && reason.is_empty() {
        let mut errors = FieldErrors::new();
        errors.add(
            "reason",
            "Say why the sign-up is declined: the organisation will be told",
        );
        return Err(AppError::Invalid(errors));
    }
    let status = if approve {
        OrganisationStatus::Approved
    } else {
        OrganisationStatus::Declined
    };
    let reason = (!reason.is_empty()).then_some(reason);
    if !store
        .decide_organisation(organisation_id, status, reason, mir_store::now())
        .await?
    {
        return Err(AppError::NotFound);
    }
    let action = if approve {
        "organisation approved"
    } else {
        "organisation declined"
    };
    crate::audit::record(
        store,
        Some(organisation_id),
        actor,
        action,
        json!({"reason": reason}),
    )
    .await?;
    let (name, contacts) = store.organisation_contacts(organisation_id).await?;
    let (subject, body) = if approve {
        (
            format!("{name} is approved on Making it Real"),
            format!(
                "The national programme team has approved {name}. Its published plans can now be seen by everyone.\n"
            ),
        )
    } else {
        (
            format!("{name}: sign-up to Making it Real declined"),
            format!(
                "The national programme team has declined the sign-up of {name}.\n\nTheir reason:\n{}\n",
                reason.unwrap_or("")
            ),
        )
    };
    for to in contacts {
        mailer
            .send(OutgoingEmail {
                to,
                subject: subject.clone(),
                body: body.clone(),
            })
            .await?;
    }
    if approve && let Some(org) = store.organisation_by_id(organisation_id).await? {
        // Now public: findable by search.
        crate::search::reindex(store, &org.slug).await?;
    }
    tracing::info!(organisation_id, approve, "organisation decided");
    Ok(())
}

/// The signed-in person's organisations and roles.
pub async fn my_memberships(
    store: &impl SignUpRepo,
    actor: &Actor,
) -> Result<Vec<MembershipSummary>, AppError> {
    match actor {
        Actor::Person { id, .. } => Ok(store.memberships_of(*id).await?),
        _ => Err(AppError::Forbidden),
    }
}
