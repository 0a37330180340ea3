//! Organisations signing up to Making it Real, and the national programme team's approval.

use mir_domain::areas;
use mir_domain::organisation::{OrganisationStatus, sign_up};
use mir_domain::validation::FieldErrors;
use mir_store::{
    AuditRepo, FrameworkRepo, MembershipSummary, PendingOrganisation, PeopleRepo, RateLimitRepo,
    SignUp, SignUpRepo,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::AppError;
use crate::mail::{Mailer, OutgoingEmail};
use crate::policy::{Action, Actor, authorize};
use crate::rate_limit::{self, Limit};

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
    /// The new organisation's slug; empty while the sign-up waits for its address to confirm.
    pub slug: String,
    pub name: String,
    /// A link to confirm the address was emailed (the person was not signed in): nothing is
    /// created until it is used.
    pub confirmation_emailed: bool,
    /// Where that link went, so a mistyped address can be spotted.
    pub sent_to: String,
}

/// How long the link confirming a sign-up works.
pub const SIGN_UP_CONFIRM_HOURS: i64 = 24;

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

/// Signs an organisation up. Someone signed in becomes its administrator at once. Someone
/// not signed in is sent a link to the address they gave, and **nothing is created** until the
/// person at that address uses it (finding 11: nobody can make someone else the administrator
/// of a made-up organisation, or send them text of their choosing as if from us).
pub async fn submit_sign_up(
    store: &(impl SignUpRepo + PeopleRepo + FrameworkRepo + AuditRepo + RateLimitRepo),
    mailer: &Mailer,
    actor: &Actor,
    draft: &SignUpDraft,
    client: &str,
    base_url: &str,
) -> Result<Submitted, AppError> {
    authorize(actor, Action::SignUpOrganisation)?;
    let signed_in = matches!(actor, Actor::Person { .. });
    let sign_up = check_draft(draft, signed_in).map_err(AppError::Invalid)?;
    check_framework(store, &sign_up).await?;
    let person_id = match actor {
        Actor::Person { id, .. } => *id,
        _ => {
            let email = sign_up::email(&draft.email).map_err(AppError::Invalid)?;
            rate_limit::check(
                store,
                &[
                    Limit::per_client("sign-up", client, 5),
                    Limit::per_email("sign-up", &email, 2),
                ],
            )
            .await?;
            let token = hex::encode(rand::random::<[u8; 32]>());
            let now = mir_store::now();
            let held = serde_json::to_string(draft)
                .map_err(|e| AppError::Conflict(format!("the sign-up could not be kept: {e}")))?;
            store
                .hold_sign_up(
                    &crate::accounts::hash_token(&token),
                    &email,
                    &held,
                    now + SIGN_UP_CONFIRM_HOURS * 60 * 60,
                    now,
                )
                .await?;
            // No text from the form goes into this email (anyone can send it to any address):
            // the organisation's name is shown on our page behind the link, before confirming.
            mailer
                .send(OutgoingEmail {
                    to: email.clone(),
                    subject: "Confirm a sign-up to Making it Real".into(),
                    body: format!(
                        "Someone asked to sign an organisation up to Making it Real, with this email address as its administrator.\n\n\
                         If that was you, use this link within {SIGN_UP_CONFIRM_HOURS} hours. The page shows the organisation's name before you confirm; nothing is created until you do:\n\n\
                         {base_url}/manage/sign-up/confirm/{token}\n\n\
                         If it was not you, ignore this email: nothing will be created, and your address is not kept.\n"
                    ),
                    reply_to: None,
                })
                .await?;
            return Ok(Submitted {
                slug: String::new(),
                name: sign_up.name,
                confirmation_emailed: true,
                sent_to: email,
            });
        }
    };
    let slug = create_organisation(store, (mailer, base_url), person_id, draft, &sign_up).await?;
    Ok(Submitted {
        slug,
        name: sign_up.name,
        confirmation_emailed: false,
        sent_to: String::new(),
    })
}

/// The name of the organisation a sign-up link would create, for its confirmation page
/// (nothing is used up by looking).
pub async fn pending_sign_up_name(
    store: &impl SignUpRepo,
    token: &str,
) -> Result<Option<String>, AppError> {
    if !crate::accounts::is_token(token) {
        return Ok(None);
    }
    let held = store
        .peek_sign_up(&crate::accounts::hash_token(token), mir_store::now())
        .await?;
    Ok(held
        .and_then(|(_, draft)| serde_json::from_str::<SignUpDraft>(&draft).ok())
        .map(|draft| draft.name))
}

/// Uses a sign-up confirmation link: the person at the address gets an account (if new), the
/// organisation is created with them as its administrator. `None` if the link does not work.
/// Returns the person's id and what was created.
pub async fn confirm_sign_up(
    store: &(impl SignUpRepo + PeopleRepo + FrameworkRepo + AuditRepo),
    (mailer, base_url): (&Mailer, &str),
    token: &str,
) -> Result<Option<(i64, Submitted)>, AppError> {
    if !crate::accounts::is_token(token) {
        return Ok(None);
    }
    let now = mir_store::now();
    let Some((email, held)) = store
        .take_sign_up(&crate::accounts::hash_token(token), now)
        .await?
    else {
        return Ok(None);
    };
    let Ok(draft) = serde_json::from_str::<SignUpDraft>(&held) else {
        return Ok(None);
    };
    // Checked again: the framework or the rules may have changed in the meantime.
    let sign_up = check_draft(&draft, true).map_err(AppError::Invalid)?;
    check_framework(store, &sign_up).await?;
    let person = store.upsert_person(&email, false, now).await?;
    let slug = create_organisation(store, (mailer, base_url), person.id, &draft, &sign_up).await?;
    Ok(Some((
        person.id,
        Submitted {
            slug,
            name: sign_up.name,
            confirmation_emailed: false,
            sent_to: String::new(),
        },
    )))
}

async fn check_framework(store: &impl FrameworkRepo, sign_up: &SignUp) -> Result<(), AppError> {
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
    Ok(())
}

/// Creates the organisation, awaiting approval, with `person_id` as its administrator.
async fn create_organisation(
    store: &(impl SignUpRepo + PeopleRepo + AuditRepo),
    (mailer, base_url): (&Mailer, &str),
    person_id: i64,
    draft: &SignUpDraft,
    sign_up: &SignUp,
) -> Result<String, AppError> {
    let now = mir_store::now();
    let (organisation_id, slug) = store
        .create_signed_up_organisation(sign_up, person_id, now)
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
    // The national programme team is asked to check it.
    let subject = format!("A new sign-up to check: {}", sign_up.name);
    let text = format!(
        "{} signed up to Making it Real. It can work meanwhile; nothing of it is public until \
         you approve it.\n\nCheck it and approve or decline it: {base_url}/admin/organisations\n",
        sign_up.name
    );
    for (person, _) in store.people().await? {
        if person.is_national_admin {
            mailer
                .send(OutgoingEmail {
                    to: person.email,
                    subject: subject.clone(),
                    body: text.clone(),
                    reply_to: None,
                })
                .await?;
        }
    }
    Ok(slug)
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
                reply_to: None,
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

/// The frameworks an organisation can choose when signing up, newest version of each first.
pub async fn framework_choices(
    store: &impl FrameworkRepo,
) -> Result<Vec<mir_store::FrameworkVersionSummary>, AppError> {
    Ok(store.framework_versions().await?)
}

/// The title of a chosen framework (`slug@version`), or `None` when there is no such framework.
pub async fn framework_title(
    store: &impl FrameworkRepo,
    choice: &str,
) -> Result<Option<String>, AppError> {
    let Some((slug, version)) = choice.split_once('@') else {
        return Ok(None);
    };
    Ok(store
        .load_framework(slug, Some(version))
        .await?
        .map(|f| format!("{}, version {}", f.meta.title, f.meta.version)))
}
