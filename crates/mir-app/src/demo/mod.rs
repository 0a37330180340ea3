//! Demonstration data, so `mir serve --demo` shows a living platform to a newcomer.
//!
//! Every name is invented and marked as a demonstration. Loading is idempotent: everything is
//! keyed by a natural key (a slug) and added only if absent, so a second run adds nothing.

use mir_domain::framework::parse_toml;
use mir_domain::organisation::Role;
use mir_domain::organisation::{OrgSlug, OrganisationKind};
use mir_store::{
    ApprovalRepo, AuditRepo, DirectoryRepo, FrameworkRepo, MemberRepo, MetaRepo, NewOrganisation,
    OrganisationRepo, PeopleRepo, PlanRepo, ReviewRepo,
};

use crate::AppError;
use crate::frameworks::import_framework;
use crate::policy::Actor;

mod group;
mod live;
mod partnership;

use group::load_demo_group;
pub use live::DEMO_OPEN_CODE;
pub use partnership::{DEMO_PARTNER_ADMINS, DEMO_PARTNERSHIP_SLUG, DEMO_WORKING_GROUP_SLUG};
/// The demonstration framework shipped with the code, with its pictures.
pub const DEMO_FRAMEWORK: &str =
    include_str!("../../../../frameworks/demonstration/framework.toml");
/// Its second version, with a mapping from the first (one statement retired, one split).
pub const DEMO_FRAMEWORK_NEXT: &str =
    include_str!("../../../../frameworks/demonstration/framework-2026.2.toml");
/// The demonstration organisation that has moved to the second version.
pub const DEMO_MOVED_SLUG: &str = "demo-oakfield-home-care";
const DEMO_PICTURES: [(&str, &[u8]); 4] = [
    (
        "people.svg",
        include_bytes!("../../../../frameworks/demonstration/people.svg"),
    ),
    (
        "talk.svg",
        include_bytes!("../../../../frameworks/demonstration/talk.svg"),
    ),
    (
        "plan.svg",
        include_bytes!("../../../../frameworks/demonstration/plan.svg"),
    ),
    (
        "share.svg",
        include_bytes!("../../../../frameworks/demonstration/share.svg"),
    ),
];

fn demo_picture(file: &str) -> Option<Vec<u8>> {
    DEMO_PICTURES
        .iter()
        .find(|(name, _)| *name == file)
        .map(|(_, bytes)| bytes.to_vec())
}

/// What one run of the loader added.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DemoReport {
    pub organisations_added: usize,
    pub framework_imported: bool,
    /// The demonstration group (members and two reviews) was added.
    pub group_added: bool,
    /// Its live sessions (one closed, one open to join) were added.
    pub live_sessions_added: bool,
}

/// The password of every demonstration account (published in the README: never use `--demo`
/// for real data).
pub const DEMO_PASSWORD: &str = "making it real demo";

/// The demonstration group: Riverside Council's co-production group: three people who use
/// services, three staff and two carers (a perspective is shown on its own only with three
/// people, decision 0020, so the carers are counted together with another perspective).
pub const DEMO_MEMBERS: [(&str, Role, bool); 8] = [
    ("sam.admin@demo.example.org", Role::Admin, true),
    ("priya.staff@demo.example.org", Role::Staff, false),
    (
        "alex.expert@demo.example.org",
        Role::ExpertByExperience,
        true,
    ),
    ("jo.carer@demo.example.org", Role::Carer, false),
    ("kit.carer@demo.example.org", Role::Carer, false),
    (
        "robin.expert@demo.example.org",
        Role::ExpertByExperience,
        false,
    ),
    (
        "lee.expert@demo.example.org",
        Role::ExpertByExperience,
        false,
    ),
    ("dee.staff@demo.example.org", Role::Staff, false),
];

/// The organisation the demonstration group belongs to.
pub const DEMO_GROUP_SLUG: &str = "demo-riverside-council";

const DEMO_ORGANISATIONS: [(&str, &str, OrganisationKind); 5] = [
    (
        "demo-riverside-council",
        "Riverside Council (demonstration)",
        OrganisationKind::Council,
    ),
    (
        "demo-oakfield-home-care",
        "Oakfield Home Care (demonstration)",
        OrganisationKind::CareProvider,
    ),
    (
        "demo-northgate-peoples-voice",
        "Northgate People's Voice (demonstration)",
        OrganisationKind::UserLed,
    ),
    (
        "demo-hillcrest-nhs-trust",
        "Hillcrest Community NHS Trust (demonstration)",
        OrganisationKind::NhsBody,
    ),
    (
        "demo-brookside-housing",
        "Brookside Housing Association (demonstration)",
        OrganisationKind::Housing,
    ),
];

/// Loads the demonstration data; safe to run any number of times.
pub async fn load_demo_data(
    store: &(
         impl OrganisationRepo
         + MetaRepo
         + FrameworkRepo
         + PeopleRepo
         + MemberRepo
         + ReviewRepo
         + mir_store::MarkerCheckRepo
         + mir_store::FrameworkMoveRepo
         + PlanRepo
         + ApprovalRepo
         + DirectoryRepo
         + mir_store::SearchRepo
         + mir_store::StoryRepo
         + mir_store::LiveRepo
         + mir_store::PartnershipRepo
         + mir_store::WorkingGroupRepo
         + AuditRepo
         + Sync
     ),
) -> Result<DemoReport, AppError> {
    let mut report = DemoReport::default();
    let framework = parse_toml(DEMO_FRAMEWORK).map_err(AppError::InvalidFile)?;
    let meta = &framework.meta;
    if store
        .load_framework(&meta.slug, Some(&meta.version))
        .await?
        .is_none()
    {
        import_framework(store, &Actor::Operator, DEMO_FRAMEWORK, &demo_picture).await?;
        report.framework_imported = true;
    }
    let next = parse_toml(DEMO_FRAMEWORK_NEXT).map_err(AppError::InvalidFile)?;
    if store
        .load_framework(&next.meta.slug, Some(&next.meta.version))
        .await?
        .is_none()
    {
        import_framework(store, &Actor::Operator, DEMO_FRAMEWORK_NEXT, &demo_picture).await?;
    }
    let now = mir_store::now();
    for (slug, name, kind) in DEMO_ORGANISATIONS {
        let slug = OrgSlug::parse(slug).map_err(|e| AppError::Internal(e.to_string()))?;
        let org = NewOrganisation {
            slug,
            name: name.to_owned(),
            kind,
            is_demo: true,
        };
        // Invented organisations signed up a while ago, before the plans they published.
        if store
            .insert_organisation_if_absent(&org, now - 120 * 24 * 60 * 60)
            .await?
        {
            report.organisations_added += 1;
        }
    }
    store
        .set_meta_if_absent("demo_loaded_at", &now.to_string())
        .await?;
    if store
        .set_meta_if_absent("demo_directory_loaded_at", &now.to_string())
        .await?
    {
        load_demo_directory(store, now).await?;
    }
    // Claimed before loading, so two servers starting together never load it twice.
    if store
        .set_meta_if_absent("demo_group_loaded_at", &now.to_string())
        .await?
    {
        load_demo_group(store, &meta.slug, &meta.version, now).await?;
        report.group_added = true;
    }
    // After the group, whose members take part in it; added to older demonstration databases.
    if store
        .set_meta_if_absent("demo_partnership_loaded_at", &now.to_string())
        .await?
    {
        partnership::load_demo_partnership(store, now).await?;
        for slug in [DEMO_PARTNERSHIP_SLUG, DEMO_WORKING_GROUP_SLUG] {
            crate::search::reindex(store, slug).await?;
        }
    }
    // Added after the group, so a demonstration database made before live sessions gets them.
    if store
        .set_meta_if_absent("demo_live_loaded_at", &now.to_string())
        .await?
    {
        let codes: Vec<String> = framework
            .statements
            .iter()
            .map(|s| s.code.clone())
            .collect();
        live::load_demo_sessions(store, &codes, now).await?;
        report.live_sessions_added = true;
    }
    // Every demonstration organisation works on the demonstration framework, so its public
    // plan and search show statements by their words. The search index follows what is
    // public; rebuilding it for five organisations is cheap.
    for (slug, _, _) in DEMO_ORGANISATIONS {
        if let Some(org) = store.organisation_by_slug(slug).await?
            && store.adopted_framework(org.id).await?.is_none()
        {
            store
                .adopt_framework(org.id, &meta.slug, &meta.version)
                .await?;
        }
        // One organisation has moved to the second version (its co-chairs agreed), so a
        // newcomer sees a group on each, and Riverside is offered the move.
        if slug == DEMO_MOVED_SLUG
            && let Some(org) = store.organisation_by_slug(slug).await?
            && store.adopted_framework(org.id).await?
                == Some((meta.slug.clone(), meta.version.clone()))
        {
            store
                .complete_move(org.id, (&meta.slug, &meta.version, &next.meta.version), &[])
                .await?;
            let detail = serde_json::json!({"framework": meta.slug, "from": meta.version, "to": next.meta.version});
            crate::audit::record(
                store,
                Some(org.id),
                &Actor::Operator,
                crate::framework_moves::MOVED,
                detail,
            )
            .await?;
        }
        crate::search::reindex(store, slug).await?;
    }
    Ok(report)
}

/// Where the demonstration organisations work, and the priorities the others (not Riverside,
/// whose plan is made through its group) have published: (slug, areas, priorities as
/// (title, statements)).
/// A demonstration organisation's slug, areas, and published priorities (title, statements).
type DemoListing = (
    &'static str,
    &'static [&'static str],
    &'static [(&'static str, &'static [&'static str])],
);

const DEMO_DIRECTORY: [DemoListing; 5] = [
    ("demo-riverside-council", &["E06000002"], &[]),
    (
        "demo-oakfield-home-care",
        &["E06000004", "E06000001"],
        &[
            (
                "The same small team visits each person",
                &["FI-I1", "WB-I1"],
            ),
            ("Visits at the times people choose", &["WB-I2"]),
        ],
    ),
    (
        "demo-northgate-peoples-voice",
        &["E08000021"],
        &[("Easy Read information, written with us", &["IA-I1"])],
    ),
    (
        "demo-hillcrest-nhs-trust",
        &["E08000035"],
        &[("Tell your story once", &["FI-I1"])],
    ),
    ("demo-brookside-housing", &["E09000007"], &[]),
];

/// Areas for every demonstration organisation, and small published plans for three of them,
/// so the directory, the map and "who else is working on this" have something to show.
async fn load_demo_directory(
    store: &(impl MemberRepo + PlanRepo + ApprovalRepo + DirectoryRepo + Sync),
    now: i64,
) -> Result<(), AppError> {
    let mut next_id = 1_000_000;
    for (slug, areas, priorities) in DEMO_DIRECTORY {
        let Some(org) = store.organisation_by_slug(slug).await? else {
            continue;
        };
        let areas: Vec<String> = areas.iter().map(|a| (*a).to_owned()).collect();
        store.set_organisation_areas(org.id, &areas).await?;
        if priorities.is_empty() {
            continue;
        }
        let plan = mir_domain::plan::PlanSnapshot {
            priorities: priorities
                .iter()
                .map(|(title, statements)| {
                    next_id += 1;
                    mir_domain::plan::SnapshotPriority {
                        id: next_id,
                        title: (*title).to_owned(),
                        statements: statements.iter().map(|s| (*s).to_owned()).collect(),
                        target: "Described in the organisation's own plan (demonstration).".into(),
                        why: String::new(),
                        status: mir_domain::plan::PriorityStatus::InProgress,
                        dropped_reason: String::new(),
                        actions: Vec::new(),
                        from_group: None,
                    }
                })
                .collect(),
        };
        let snapshot =
            serde_json::to_string(&plan).map_err(|e| AppError::Internal(e.to_string()))?;
        let approved = serde_json::json!([
            {"role": "staff", "at": now - 40 * 24 * 3600},
            {"role": "expert", "at": now - 40 * 24 * 3600}
        ])
        .to_string();
        store
            .publish_version(org.id, &snapshot, &approved, now - 40 * 24 * 3600)
            .await?;
        store
            .set_published_priorities(org.id, &crate::plans::findable(&plan))
            .await?;
    }
    Ok(())
}

/// The national-scale demonstration dataset (for performance checks): the small demonstration
/// data first (the framework), then about 20,000 organisations made from `seed`.
pub async fn load_national_data(
    store: &mir_store::Store,
    seed: u64,
    progress: mir_store::Progress<'_>,
) -> Result<mir_store::NationalReport, AppError> {
    load_demo_data(store).await?;
    let framework = parse_toml(DEMO_FRAMEWORK).map_err(AppError::InvalidFile)?;
    let statements: Vec<String> = framework
        .statements
        .iter()
        .map(|s| s.code.clone())
        .collect();
    let councils: Vec<String> = mir_domain::areas::councils()
        .iter()
        .map(|c| c.code.clone())
        .collect();
    Ok(store
        .load_national_dataset(seed, &councils, &statements, mir_store::now(), progress)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use mir_store::testing::TestDb;

    #[tokio::test]
    async fn loads_once_and_a_second_run_adds_nothing() {
        let db = TestDb::sqlite().await.expect("db");
        let first = load_demo_data(&db.store).await.expect("first load");
        assert_eq!(first.organisations_added, DEMO_ORGANISATIONS.len());
        assert!(first.framework_imported);
        let second = load_demo_data(&db.store).await.expect("second load");
        assert_eq!(second, DemoReport::default());
        assert!(first.group_added);
        assert!(first.live_sessions_added);
        // The demonstration group: one member per role, two co-chairs, two reviews.
        let org = db
            .store
            .organisation_by_slug(DEMO_GROUP_SLUG)
            .await
            .expect("get")
            .expect("riverside");
        let members = db.store.members(org.id).await.expect("members");
        assert_eq!(members.len(), DEMO_MEMBERS.len());
        assert_eq!(members.iter().filter(|m| m.is_co_chair).count(), 2);
        let reviews = db.store.reviews_of(org.id).await.expect("reviews");
        assert_eq!(reviews.len(), 2);
        assert!(reviews[0].is_open && !reviews[1].is_open);
        // Two live sessions: last co-production day (closed, kept) and one open to join.
        let sessions = mir_store::LiveRepo::live_sessions_of(&db.store, org.id)
            .await
            .expect("sessions");
        assert_eq!(sessions.len(), 2);
        let open = sessions.iter().find(|s| s.state == "open").expect("open");
        assert_eq!(open.code, DEMO_OPEN_CODE);
        let closed = sessions
            .iter()
            .find(|s| s.state == "closed")
            .expect("closed");
        assert!(closed.keep && closed.participants == 12 && closed.cards == 16);
        let kinds = crate::live::kinds_of(closed);
        assert_eq!(kinds.len(), 4, "the day had a kind of card for questions");
        let board = mir_store::LiveRepo::live_board(&db.store, closed.id)
            .await
            .expect("board");
        assert_eq!(board.groups.len(), 3);
        assert_eq!(board.dots.len(), 20);
        // Five organisations and the partnership (its working group is counted in it).
        assert_eq!(db.store.count_organisations().await.expect("count"), 6);
        let partnership = db
            .store
            .organisation_by_slug(DEMO_PARTNERSHIP_SLUG)
            .await
            .expect("read")
            .expect("the partnership");
        let partners = mir_store::PartnershipRepo::partners(&db.store, partnership.id)
            .await
            .expect("partners");
        assert_eq!(partners.len(), 3);
        assert!(partners.iter().all(|p| p.accepted_at.is_some()));
        let taken = mir_store::WorkingGroupRepo::taken_from_groups(&db.store, partnership.id)
            .await
            .expect("taken");
        assert_eq!(
            taken.len(),
            1,
            "one of the board's two priorities rolled up"
        );
        let listed = db.store.recent_organisations(10).await.expect("list");
        assert!(
            listed
                .iter()
                .all(|o| o.is_demo && o.name.contains("demonstration"))
        );
        db.cleanup().await;
    }
}
