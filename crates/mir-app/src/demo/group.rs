//! The demonstration group, Riverside: its members (one for each role, two co-chairs), a review
//! with views from each perspective and a workshop, agreed positions, and a plan with two
//! published versions, actions and updates.
use mir_store::{
    ActionRecord, ApprovalRepo, DirectoryRepo, MemberRepo, NewReviewRecord, PeopleRepo, PlanRepo,
    Position, PriorityRecord, ReviewRepo, View, WorkshopView,
};

use crate::AppError;

use super::{DEMO_GROUP_SLUG, DEMO_MEMBERS, DEMO_PASSWORD};

/// One demonstration view: statement, level, what is working, what needs to change.
type DemoView = (&'static str, &'static str, &'static str, &'static str);

/// Staff see the council as further along than the people who use its services do: the gap
/// the summary page is there to show.
const STAFF_VIEWS: [DemoView; 4] = [
    (
        "WB-I1",
        "good-progress",
        "Support plans are written with people.",
        "",
    ),
    (
        "WB-I2",
        "real",
        "People choose their own daily routines.",
        "",
    ),
    (
        "IA-I1",
        "good-progress",
        "The website has a full directory.",
        "Keep it up to date.",
    ),
    (
        "FI-I1",
        "some-progress",
        "",
        "Handovers between teams lose information.",
    ),
];
const EXPERT_VIEWS: [DemoView; 4] = [
    (
        "WB-I1",
        "just-starting",
        "",
        "My plan was written before I was asked what matters to me.",
    ),
    (
        "WB-I2",
        "some-progress",
        "I can choose when to get up.",
        "Visits are often late, so my day is not mine.",
    ),
    (
        "IA-I1",
        "just-starting",
        "",
        "I could not find anything about direct payments in Easy Read.",
    ),
    (
        "FI-I1",
        "some-progress",
        "",
        "I told my story three times last month.",
    ),
];
const CARER_VIEWS: [DemoView; 4] = [
    (
        "WB-I1",
        "some-progress",
        "My views were asked for at the review.",
        "",
    ),
    ("WB-I2", "some-progress", "", "Respite is hard to book."),
    (
        "IA-I1",
        "some-progress",
        "The carers' line answered quickly.",
        "",
    ),
    ("FI-I1", "not-sure", "", ""),
];

/// Riverside Council's co-production group, with a closed review from last year whose
/// positions were confirmed, and an open one with views from every perspective, a workshop's
/// views, a confirmed position and one waiting for the second co-chair.
pub(super) async fn load_demo_group(
    store: &(
         impl MemberRepo
         + PeopleRepo
         + ReviewRepo
         + mir_store::MarkerCheckRepo
         + PlanRepo
         + ApprovalRepo
         + DirectoryRepo
         + mir_store::StoryRepo
         + Sync
     ),
    framework_slug: &str,
    framework_version: &str,
    now: i64,
) -> Result<(), AppError> {
    let Some(org) = store.organisation_by_slug(DEMO_GROUP_SLUG).await? else {
        return Ok(());
    };
    store
        .adopt_framework(org.id, framework_slug, framework_version)
        .await?;
    store.set_review_cadence(org.id, Some(12)).await?;
    let hash = crate::accounts::hash_password(DEMO_PASSWORD).await?;
    let mut ids = Vec::new();
    for (email, role, co_chair) in DEMO_MEMBERS {
        let person = store.upsert_person(email, false, now).await?;
        store.set_password_hash(person.id, &hash).await?;
        // The group has met for months (so its members may take part in co-chair changes,
        // which need a week in the group: decision 0024).
        store
            .put_member(org.id, person.id, role, co_chair, now - 90 * 24 * 60 * 60)
            .await?;
        // Named as people choose to be: "sam.admin@…" is Sam; the co-chairs agreed to be named
        // on the public plan.
        let first = email.split('.').next().unwrap_or_default();
        let mut display_name = first[..1].to_uppercase();
        display_name.push_str(&first[1..]);
        let pronouns = match first {
            "alex" => "they/them",
            "priya" | "jo" => "she/her",
            "sam" | "robin" => "he/him",
            _ => "",
        };
        let name = mir_domain::person::PersonName {
            display_name,
            pronouns: pronouns.to_owned(),
            name_public: co_chair,
        };
        store.set_person_name(person.id, &name).await?;
        // Alex, the Expert by Experience co-chair, chose Easy Read for pages and emails.
        store.set_easy_read(person.id, first == "alex").await?;
        ids.push((person.id, role));
    }
    let [
        (sam, _),
        (priya, _),
        (alex, _),
        (jo, _),
        _kit,
        (robin, _),
        (lee, _),
        (dee, _),
    ] = ids[..]
    else {
        return Ok(());
    };
    let year = 365 * 24 * 60 * 60;
    let review = |title: &str| NewReviewRecord {
        organisation_id: org.id,
        title: title.to_owned(),
        framework_slug: framework_slug.to_owned(),
        framework_version: framework_version.to_owned(),
        themes: vec!["WB".into(), "IA".into(), "FI".into()],
        closes_on: None,
        opened_by: sam,
    };
    // Last year's review, closed, with confirmed positions to compare against.
    let last_year = store
        .create_review(&review("Review 2025 (demonstration)"), now - year)
        .await?;
    for (code, level, summary) in [
        (
            "WB-I1",
            "just-starting",
            "Plans were still written for people, not with them.",
        ),
        (
            "IA-I1",
            "some-progress",
            "Information existed but was hard to find.",
        ),
    ] {
        let position = Position {
            statement_code: code.into(),
            level: level.into(),
            summary: summary.into(),
            agreed_on: "2025-11-20".into(),
            confirmations: Vec::new(),
        };
        store
            .record_position(last_year, &position, sam, now - year)
            .await?;
        store
            .confirm_position(last_year, code, sam, "admin", now - year)
            .await?;
        store
            .confirm_position(last_year, code, alex, "expert", now - year)
            .await?;
    }
    store.close_review(last_year, now - year + 60).await?;

    let this_year = store
        .create_review(&review("Review 2026 (demonstration)"), now - 3600)
        .await?;
    for (person, perspective, views) in [
        (sam, "staff", &STAFF_VIEWS),
        (priya, "staff", &STAFF_VIEWS),
        (alex, "person", &EXPERT_VIEWS),
        (robin, "person", &EXPERT_VIEWS),
        (lee, "person", &EXPERT_VIEWS),
        (dee, "staff", &STAFF_VIEWS),
        (jo, "carer", &CARER_VIEWS),
    ] {
        for (code, level, working, to_change) in views {
            let view = View {
                statement_code: (*code).into(),
                person_id: person,
                perspective: perspective.into(),
                level: (*level).into(),
                // Two people would not write the same words: only the first of each does.
                working: if [priya, robin, lee, dee].contains(&person) {
                    String::new()
                } else {
                    (*working).into()
                },
                to_change: if [priya, robin, lee, dee].contains(&person) {
                    String::new()
                } else {
                    (*to_change).into()
                },
            };
            store.save_view(this_year, &view, now - 1800).await?;
        }
    }
    store.set_anonymous(this_year, jo, true).await?;
    let workshop = [
        (
            "WB-I1",
            "just-starting",
            5,
            "",
            "Nobody asked us what a good day looks like.",
        ),
        ("WB-I1", "some-progress", 2, "", ""),
        (
            "IA-I1",
            "just-starting",
            6,
            "",
            "Letters are full of jargon.",
        ),
        ("IA-I1", "not-sure", 1, "", ""),
    ]
    .map(|(code, level, people, working, to_change)| WorkshopView {
        statement_code: code.into(),
        perspective: "person".into(),
        level: level.into(),
        people,
        working: working.into(),
        to_change: to_change.into(),
        session_label: "Riverside day centre, October (demonstration)".into(),
    });
    store
        .add_workshop_views(this_year, &workshop, sam, now - 1700)
        .await?;
    let agreed = Position {
        statement_code: "WB-I1".into(),
        level: "some-progress".into(),
        summary:
            "Some teams plan with people, but most plans are still written before people are asked."
                .into(),
        agreed_on: "2026-11-20".into(),
        confirmations: Vec::new(),
    };
    store
        .record_position(this_year, &agreed, sam, now - 1200)
        .await?;
    store
        .confirm_position(this_year, "WB-I1", sam, "admin", now - 1100)
        .await?;
    store
        .confirm_position(this_year, "WB-I1", alex, "expert", now - 1000)
        .await?;
    let waiting = Position {
        statement_code: "IA-I1".into(),
        level: "just-starting".into(),
        summary: "The information is there for staff, not yet for the people who need it.".into(),
        agreed_on: "2026-11-20".into(),
        confirmations: Vec::new(),
    };
    store
        .record_position(this_year, &waiting, sam, now - 900)
        .await?;
    store
        .confirm_position(this_year, "IA-I1", sam, "admin", now - 800)
        .await?;
    let plans = load_demo_plan(store, org.id, this_year, sam, alex, now).await?;
    load_demo_markers(store, org.id, this_year, plans, sam, now).await
}

/// Markers of progress in this year's review: the first of WB-I1 found in place with a link
/// to evidence, the second not in place and made an action of the plan, the third not
/// looked at yet.
async fn load_demo_markers(
    store: &impl mir_store::MarkerCheckRepo,
    org: i64,
    review: i64,
    priority: i64,
    sam: i64,
    now: i64,
) -> Result<(), AppError> {
    let check = |position: i64, in_place: bool, evidence_url: &str| mir_store::MarkerCheck {
        statement_code: "WB-I1".into(),
        position,
        in_place: Some(in_place),
        evidence_url: evidence_url.into(),
        action: None,
    };
    store
        .save_marker_checks(
            review,
            "WB-I1",
            &[
                check(
                    1,
                    true,
                    "https://example.org/riverside/support-plan-template",
                ),
                check(2, false, ""),
            ],
            sam,
            now - 700,
        )
        .await?;
    store
        .marker_into_action(
            org,
            (review, "WB-I1", 2),
            &mir_store::ActionHome::Priority(priority),
            &ActionRecord {
                what: "Support hours can be moved to evenings and weekends when the person asks."
                    .into(),
                lead: "Home care manager".into(),
                involved: String::new(),
                due_on: None,
                review_on: None,
                status: "not-started".into(),
            },
            sam,
            now - 600,
        )
        .await?;
    Ok(())
}

/// Riverside's plan: two priorities from the review, approved by both co-chairs and published,
/// a progress update since, and a draft change waiting for the next approval.
async fn load_demo_plan(
    store: &(impl PlanRepo + ApprovalRepo + DirectoryRepo + mir_store::StoryRepo + Sync),
    org: i64,
    review: i64,
    sam: i64,
    alex: i64,
    now: i64,
) -> Result<i64, AppError> {
    let week = 7 * 24 * 60 * 60;
    let plans = store
        .create_priority(
            org,
            &PriorityRecord {
                title: "Plans made with people, not for them".into(),
                statements: vec!["WB-I1".into(), "WB-I2".into()],
                target: "Every support plan starts with a conversation about what matters to the person, and they can see and change it.".into(),
                why: "In our review, people who use services and staff saw this very differently.".into(),
                review_id: Some(review),
                status: "in-progress".into(),
                dropped_reason: String::new(),
            },
            now - 4 * week,
        )
        .await?;
    let info = store
        .create_priority(
            org,
            &PriorityRecord {
                title: "Information people can find and understand".into(),
                statements: vec!["IA-I1".into()],
                target: "Information about support and money is in plain English and Easy Read, online and on paper.".into(),
                why: "People told us letters are full of jargon.".into(),
                review_id: Some(review),
                status: "agreed".into(),
                dropped_reason: String::new(),
            },
            now - 4 * week,
        )
        .await?;
    let action = |what: &str, lead: &str, due: &str, status: &str| ActionRecord {
        what: what.into(),
        lead: lead.into(),
        involved: "Alex (Expert by Experience co-chair)".into(),
        due_on: Some(due.into()),
        review_on: None,
        status: status.into(),
    };
    let train = store
        .create_action(
            org,
            plans,
            &action(
                "Train every social worker in conversations about what matters",
                "Head of adult social care",
                "2027-03-31",
                "on-track",
            ),
            now - 4 * week,
        )
        .await?;
    store
        .create_action(
            org,
            plans,
            &action(
                "People check their own plan before it is signed off",
                "Team managers",
                "2027-06-30",
                "not-started",
            ),
            now - 4 * week,
        )
        .await?;
    store
        .create_action(
            org,
            info,
            &action(
                "Rewrite the ten most-used letters with Experts by Experience",
                "Communications lead",
                "2027-01-31",
                "on-track",
            ),
            now - 4 * week,
        )
        .await?;
    let (revision, _) = store.plan_settings(org).await?;
    let (first, second) = (now - 3 * week, now - 3 * week + 3600);
    store
        .approve_plan(org, revision, sam, "admin", first)
        .await?;
    store
        .approve_plan(org, revision, alex, "expert", second)
        .await?;
    let snapshot = crate::plans::draft_snapshot_json(store, org).await?;
    let approved = serde_json::json!([
        {"role": "admin", "at": first},
        {"role": "expert", "at": second}
    ])
    .to_string();
    store
        .publish_version(org, &snapshot, &approved, second)
        .await?;
    let published: mir_domain::plan::PlanSnapshot =
        serde_json::from_str(&snapshot).map_err(|e| AppError::Internal(e.to_string()))?;
    store
        .set_published_priorities(org, &crate::plans::findable(&published))
        .await?;
    store.set_publish_directly(org, true).await?;
    if let Some(train) = train {
        store
            .add_update(
                org,
                plans,
                Some(train),
                "The first 20 social workers finished the training, with two Experts by Experience as trainers.",
                None,
                None,
                sam,
                true,
                now - week,
            )
            .await?;
    }
    store
        .publish_story(
            org,
            "Twenty social workers, two Experts by Experience as trainers (demonstration)",
            "We asked people who use our services to **teach** our social workers how a good conversation about what matters feels.\n\n- Two Experts by Experience co-designed the course.\n- Twenty social workers took it in October.\n\nWhat changed: plans now start with the person's own words.",
            &["WB-I1".into(), "WB-I2".into()],
            sam,
            now - 5 * 24 * 60 * 60,
        )
        .await?;
    // A draft change since: the next version needs both co-chairs again.
    store
        .create_action(
            org,
            info,
            &action(
                "An Easy Read guide to paying for care",
                "Communications lead",
                "2027-04-30",
                "not-started",
            ),
            now - 2 * 24 * 60 * 60,
        )
        .await?;
    Ok(plans)
}
