//! The demonstration partnership (decision 0041): Riverside Council, Hillcrest Community NHS
//! Trust and Northgate People's Voice share one board, co-chaired by an Expert by Experience and
//! the trust's administrator. Its Direct Payments board, a working group co-chaired by an Expert
//! by Experience and the council's director, published two priorities: the partnership took
//! one into its published plan, and the other waits to be taken.

use mir_domain::organisation::Role;
use mir_store::{
    ActionRecord, ApprovalRepo, DirectoryRepo, MemberRepo, OrganisationDetails, PartnershipRepo,
    PeopleRepo, PlanRepo, PriorityRecord, WorkingGroupRepo,
};

use super::{DEMO_GROUP_SLUG, DEMO_PASSWORD};
use crate::AppError;

/// The partnership's web address name (the first free one for its name).
pub const DEMO_PARTNERSHIP_SLUG: &str = "riverside-health-and-care-partnership-demonstration";
/// Its working group's.
pub const DEMO_WORKING_GROUP_SLUG: &str = "direct-payments-board-demonstration";

/// The partners' administrators: (email, organisation slug). Each accepted for their own
/// organisation.
pub const DEMO_PARTNER_ADMINS: [(&str, &str); 2] = [
    ("nia.admin@demo.example.org", "demo-hillcrest-nhs-trust"),
    ("olu.admin@demo.example.org", "demo-northgate-peoples-voice"),
];

const DAY: i64 = 24 * 60 * 60;

/// Publishes the draft as the next version, approved by the two co-chairs given.
async fn publish(
    store: &(impl PlanRepo + ApprovalRepo + DirectoryRepo + Sync),
    org: i64,
    chairs: [(i64, &str); 2],
    at: i64,
) -> Result<(), AppError> {
    let (revision, _) = store.plan_settings(org).await?;
    for (person, role) in chairs {
        store.approve_plan(org, revision, person, role, at).await?;
    }
    let snapshot = crate::plans::draft_snapshot_json(store, org).await?;
    let approved = serde_json::json!(
        chairs
            .iter()
            .map(|(_, role)| serde_json::json!({"role": role, "at": at}))
            .collect::<Vec<_>>()
    )
    .to_string();
    store.publish_version(org, &snapshot, &approved, at).await?;
    let published: mir_domain::plan::PlanSnapshot =
        serde_json::from_str(&snapshot).map_err(|e| AppError::Internal(e.to_string()))?;
    store
        .set_published_priorities(org, &crate::plans::findable(&published))
        .await?;
    Ok(())
}

fn priority(title: &str, statements: &[&str], target: &str, why: &str) -> PriorityRecord {
    PriorityRecord {
        title: title.into(),
        statements: statements.iter().map(|s| (*s).to_owned()).collect(),
        target: target.into(),
        why: why.into(),
        review_id: None,
        status: "in-progress".into(),
        dropped_reason: String::new(),
    }
}

fn action(what: &str, lead: &str, due: &str) -> ActionRecord {
    ActionRecord {
        what: what.into(),
        lead: lead.into(),
        involved: "Experts by Experience who use Direct Payments".into(),
        due_on: Some(due.into()),
        review_on: None,
        status: "on-track".into(),
    }
}

/// Loads the partnership, its working group and their plans (after the Riverside group).
pub(super) async fn load_demo_partnership(
    store: &(
         impl MemberRepo
         + PeopleRepo
         + PlanRepo
         + ApprovalRepo
         + DirectoryRepo
         + PartnershipRepo
         + WorkingGroupRepo
         + Sync
     ),
    now: i64,
) -> Result<(), AppError> {
    let Some(riverside) = store.organisation_by_slug(DEMO_GROUP_SLUG).await? else {
        return Ok(());
    };
    let hash = crate::accounts::hash_password(DEMO_PASSWORD).await?;
    let mut partners = Vec::new();
    for (email, slug) in DEMO_PARTNER_ADMINS {
        let Some(org) = store.organisation_by_slug(slug).await? else {
            return Ok(());
        };
        let person = store.upsert_person(email, false, now).await?;
        store.set_password_hash(person.id, &hash).await?;
        let first = email.split('.').next().unwrap_or_default();
        let name = mir_domain::person::PersonName {
            display_name: format!("{}{}", first[..1].to_uppercase(), &first[1..]),
            pronouns: String::new(),
            name_public: true,
        };
        store.set_person_name(person.id, &name).await?;
        store
            .put_member(org.id, person.id, Role::Admin, false, now - 120 * DAY)
            .await?;
        partners.push((org.id, person.id));
    }
    let [(hillcrest, nia), (northgate, _olu)] = partners[..] else {
        return Ok(());
    };
    // Formed by Riverside's administrator; each partner's administrator accepted.
    let Some((partnership, _)) = store
        .form_partnership(
            "Riverside Health and Care Partnership (demonstration)",
            riverside.id,
            hillcrest,
            usize::MAX,
            now - 100 * DAY,
        )
        .await?
    else {
        return Ok(());
    };
    store
        .accept_partnership(partnership, hillcrest, now - 99 * DAY)
        .await?;
    store
        .invite_partner(partnership, northgate, usize::MAX, now - 99 * DAY)
        .await?;
    store
        .accept_partnership(partnership, northgate, now - 98 * DAY)
        .await?;
    store
        .update_organisation_details(
            partnership,
            &OrganisationDetails {
                description: Some(
                    "The council, the community NHS trust and a user-led organisation share one Making it Real board and one plan (demonstration).".into(),
                ),
                website: None,
                commitment: "We make one plan with the people who use our services, and report on it together.".into(),
            },
        )
        .await?;
    let person = |email: &'static str| async move {
        store
            .person_by_email(email)
            .await?
            .map(|p| p.id)
            .ok_or_else(|| AppError::Internal(format!("demo person {email}")))
    };
    let (sam, alex, robin, priya, jo) = (
        person("sam.admin@demo.example.org").await?,
        person("alex.expert@demo.example.org").await?,
        person("robin.expert@demo.example.org").await?,
        person("priya.staff@demo.example.org").await?,
        person("jo.carer@demo.example.org").await?,
    );
    // The partnership's co-chairs: an Expert by Experience from the council's group and the
    // trust's administrator.
    let joined = now - 98 * DAY;
    store
        .put_member(partnership, alex, Role::ExpertByExperience, true, joined)
        .await?;
    store
        .put_member(partnership, nia, Role::Admin, true, joined)
        .await?;

    // The Direct Payments board: co-chaired by an Expert by Experience and the director.
    let Some((group, _)) = store
        .form_working_group(
            partnership,
            (
                "Direct Payments board (demonstration)",
                "People who use Direct Payments, carers and staff of the council and the trust, making Direct Payments simpler to understand and to use.",
            ),
            sam,
            usize::MAX,
            now - 90 * DAY,
        )
        .await?
    else {
        return Ok(());
    };
    for (who, role, co_chair) in [
        (sam, Role::Admin, true),
        (robin, Role::ExpertByExperience, true),
        (priya, Role::Staff, false),
        (jo, Role::Carer, false),
    ] {
        store
            .put_member(group, who, role, co_chair, now - 90 * DAY)
            .await?;
    }
    let explained_record = priority(
        "Direct Payments explained in plain words",
        &["IA-I1"],
        "Everyone offered Direct Payments gets a guide in plain English and Easy Read, written with people who use them.",
        "People told the board the letters about Direct Payments were hard to follow.",
    );
    let guide = action(
        "Write an Easy Read guide to Direct Payments with people who use them",
        "Direct Payments support team",
        "2027-03-31",
    );
    let explained = store
        .create_priority(group, &explained_record, now - 60 * DAY)
        .await?;
    store
        .create_action(group, explained, &guide, now - 60 * DAY)
        .await?;
    let on_time = store
        .create_priority(
            group,
            &priority(
                "Payments that arrive on time",
                &["WB-I2"],
                "Personal assistants are paid on the same day every month, so people keep the support they chose.",
                "Late payments meant people lost personal assistants they trusted.",
            ),
            now - 60 * DAY,
        )
        .await?;
    store
        .create_action(
            group,
            on_time,
            &action(
                "Pay personal assistants on a fixed day each month",
                "Finance team",
                "2027-02-28",
            ),
            now - 60 * DAY,
        )
        .await?;
    publish(
        store,
        group,
        [(sam, "admin"), (robin, "expert")],
        now - 50 * DAY,
    )
    .await?;

    // The partnership's own priority, and the board's first one taken in, both published.
    store
        .create_priority(
            partnership,
            &priority(
                "Tell your story once, to the council and the NHS",
                &["FI-I1"],
                "With the person's agreement, the council and the trust share what a person has told them, so nobody repeats their story.",
                "People told the partnership they repeat their story at every change of team.",
            ),
            now - 45 * DAY,
        )
        .await?;
    store
        .take_group_priority(
            partnership,
            group,
            explained,
            &explained_record,
            &[guide],
            now - 40 * DAY,
        )
        .await?;
    publish(
        store,
        partnership,
        [(nia, "admin"), (alex, "expert")],
        now - 35 * DAY,
    )
    .await?;
    Ok(())
}
