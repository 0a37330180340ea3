//! The directory, the map's counts, and "who else is working on this?".

use mir_domain::organisation::{OrganisationKind, OrganisationStatus};
use mir_store::{
    ApprovalRepo, DirectoryFilter, DirectoryRepo, DirectorySort, PeopleRepo, PlanRepo,
    PriorityRecord, PublishedPriority, SignUp, SignUpRepo, Store,
};

async fn approved(store: &Store, name: &str, kind: OrganisationKind, areas: &[&str]) -> i64 {
    let admin = store
        .upsert_person(
            &format!("{}@example.org", name.to_lowercase().replace(' ', "")),
            false,
            1,
        )
        .await
        .expect("person");
    let sign_up = SignUp {
        name: name.into(),
        kind,
        areas: areas.iter().map(|a| (*a).to_owned()).collect(),
        website: None,
        framework_slug: "demonstration".into(),
        framework_version: "2026.1".into(),
        commitment: "We will.".into(),
    };
    let (id, _) = store
        .create_signed_up_organisation(&sign_up, admin.id, 1)
        .await
        .expect("org");
    store
        .decide_organisation(id, OrganisationStatus::Approved, None, 2)
        .await
        .expect("approve");
    id
}

fn published(id: i64, title: &str, statements: &[&str]) -> PublishedPriority {
    PublishedPriority {
        priority_id: id,
        title: title.into(),
        status: "agreed".into(),
        statements: statements.iter().map(|s| (*s).to_owned()).collect(),
    }
}

pub async fn the_directory_filters_counts_and_finds_who_else(store: &Store) {
    let alder = approved(store, "Alder", OrganisationKind::Council, &["E06000001"]).await;
    let beech = approved(
        store,
        "Beech",
        OrganisationKind::CareProvider,
        &["E06000001", "E06000004"],
    )
    .await;
    let cedar = approved(
        store,
        "Cedar",
        OrganisationKind::CareProvider,
        &["E09000001"],
    )
    .await;
    store
        .set_published_priorities(alder, &[published(1, "Plans", &["WB-I1", "WB-I2"])])
        .await
        .expect("alder");
    store
        .set_published_priorities(
            beech,
            &[
                published(2, "Letters", &["IA-I1"]),
                published(3, "Plans too", &["WB-I1"]),
            ],
        )
        .await
        .expect("beech");
    // Publishing again replaces what was there.
    store
        .set_published_priorities(
            beech,
            &[
                published(2, "Letters", &["IA-I1"]),
                published(3, "Plans too", &["WB-I1"]),
            ],
        )
        .await
        .expect("again");
    store
        .publish_version(beech, "{}", "[]", 500)
        .await
        .expect("v1");
    store
        .set_organisation_areas(cedar, &["E09000001".into(), "E09000002".into()])
        .await
        .expect("areas");
    assert_eq!(
        store.organisation_areas(cedar).await.expect("areas"),
        ["E09000001", "E09000002"]
    );

    let names = |entries: &[mir_store::DirectoryEntry]| {
        entries.iter().map(|e| e.name.clone()).collect::<Vec<_>>()
    };
    let (all, total) = store
        .directory(&DirectoryFilter::default(), DirectorySort::Name, 0, 2)
        .await
        .expect("all");
    assert_eq!(
        (names(&all), total),
        (vec!["Alder".to_owned(), "Beech".to_owned()], 3),
        "paged"
    );
    assert_eq!(all[1].areas, ["E06000001", "E06000004"]);
    assert_eq!(
        all[1].priorities,
        [
            ("Letters".to_owned(), "agreed".to_owned()),
            ("Plans too".to_owned(), "agreed".to_owned())
        ]
    );
    let filter = DirectoryFilter {
        kind: Some("care-provider".into()),
        statements: vec!["WB-I1".into()],
        has_plan: true,
        ..DirectoryFilter::default()
    };
    let (found, total) = store
        .directory(&filter, DirectorySort::Name, 0, 20)
        .await
        .expect("filtered");
    assert_eq!((names(&found), total), (vec!["Beech".to_owned()], 1));
    let recent = DirectoryFilter {
        changed_since: Some(400),
        ..DirectoryFilter::default()
    };
    assert_eq!(
        names(
            &store
                .directory(&recent, DirectorySort::Name, 0, 20)
                .await
                .expect("recent")
                .0
        ),
        ["Beech"]
    );
    let by_area = DirectoryFilter {
        areas: vec!["E06000004".into(), "E09000002".into()],
        ..DirectoryFilter::default()
    };
    assert_eq!(
        names(
            &store
                .directory(&by_area, DirectorySort::Name, 0, 20)
                .await
                .expect("areas")
                .0
        ),
        ["Beech", "Cedar"]
    );
    let (sorted, _) = store
        .directory(
            &DirectoryFilter::default(),
            DirectorySort::RecentlyUpdated,
            0,
            20,
        )
        .await
        .expect("sorted");
    assert_eq!(sorted[0].name, "Beech", "most recently changed first");

    assert_eq!(
        store.plan_counts_by_area(&[]).await.expect("counts"),
        [("E06000001".to_owned(), 2), ("E06000004".to_owned(), 1)]
    );
    assert_eq!(
        store
            .plan_counts_by_area(&["IA-I1".into()])
            .await
            .expect("counts"),
        [("E06000001".to_owned(), 1), ("E06000004".to_owned(), 1)]
    );
    let who = store
        .working_on(&["WB-I1".into(), "WB-I2".into()], &["E06000004".into()], 10)
        .await
        .expect("who");
    // Nearby first (Beech serves E06000004), then the most shared anywhere (Alder).
    assert_eq!(who.len(), 2);
    assert_eq!(who[0].name, "Beech");
    assert_eq!(who[0].shared, ["WB-I1"]);
    assert_eq!(who[0].areas.len(), 2);
    assert_eq!(who[1].name, "Alder");
    assert_eq!(who[1].shared, ["WB-I1", "WB-I2"]);
    let only_near = store
        .working_on(&["WB-I1".into()], &["E06000004".into()], 1)
        .await
        .expect("near");
    assert_eq!(only_near.len(), 1, "enough nearby: no search further away");

    // The answers above came from the in-memory index; each write below must show at once.
    let damson = approved(store, "Damson", OrganisationKind::Council, &["E06000004"]).await;
    let (all, total) = store
        .directory(&DirectoryFilter::default(), DirectorySort::Name, 0, 20)
        .await
        .expect("after approval");
    assert_eq!(
        (total, names(&all).last().cloned()),
        (4, Some("Damson".to_owned()))
    );
    store
        .set_published_priorities(damson, &[published(91, "Breaks", &["WB-I1", "WB-I2"])])
        .await
        .expect("publish");
    let who = store
        .working_on(&["WB-I1".into(), "WB-I2".into()], &["E06000004".into()], 10)
        .await
        .expect("who after publishing");
    assert_eq!(who[0].name, "Damson", "nearby and sharing both: first");
    assert_eq!(who[0].shared, ["WB-I1", "WB-I2"]);
    store
        .add_organisation_area(damson, "E09000002")
        .await
        .expect("add area");
    let (in_area, _) = store
        .directory(&by_area, DirectorySort::Name, 0, 20)
        .await
        .expect("areas after adding");
    assert_eq!(names(&in_area), ["Beech", "Cedar", "Damson"]);
    assert_eq!(
        store
            .remove_organisation_area(damson, "E09000002")
            .await
            .expect("remove area"),
        Some(true)
    );
    let (counted, total) = store
        .directory(&by_area, DirectorySort::Name, 0, 0)
        .await
        .expect("count only");
    assert!(counted.is_empty(), "a limit of 0 only counts");
    assert_eq!(
        total, 3,
        "Damson is still in E06000004, no longer in E09000002"
    );

    // A published progress update moves the organisation to the top of "recently changed" at
    // once (the index is updated in place); one waiting for approval does not.
    let cedar = all
        .iter()
        .find(|e| e.name == "Cedar")
        .map(|e| e.id)
        .expect("Cedar");
    let priority = store
        .create_priority(
            cedar,
            &PriorityRecord {
                title: "Breaks".into(),
                statements: vec!["WB-I1".into()],
                target: "Breaks for carers".into(),
                why: String::new(),
                review_id: None,
                status: "in-progress".into(),
                dropped_reason: String::new(),
            },
            2,
        )
        .await
        .expect("priority");
    let person = store
        .upsert_person("cedar@example.org", false, 1)
        .await
        .expect("person")
        .id;
    let most_recent = |store: &Store| {
        let store = store.clone();
        async move {
            let (sorted, _) = store
                .directory(
                    &DirectoryFilter::default(),
                    DirectorySort::RecentlyUpdated,
                    0,
                    1,
                )
                .await
                .expect("sorted");
            sorted[0].name.clone()
        }
    };
    let before = most_recent(store).await;
    store
        .add_update(
            cedar,
            priority,
            None,
            "Waiting",
            None,
            None,
            person,
            false,
            4_000_000_000,
        )
        .await
        .expect("unpublished update");
    assert_eq!(most_recent(store).await, before, "not public yet");
    store
        .add_update(
            cedar,
            priority,
            None,
            "Done",
            None,
            None,
            person,
            true,
            4_000_000_001,
        )
        .await
        .expect("published update");
    assert_eq!(
        most_recent(store).await,
        "Cedar",
        "published: first at once"
    );
}

/// Postcodes load in batches, refresh in place, and are removed by name (the ONS file lists
/// postcodes no longer in use, so a per-area file never removes another area's).
pub async fn postcodes_load_refresh_and_drop_the_ones_a_new_file_lacks(store: &Store) {
    use mir_store::{PostcodeRepo, PostcodeRow};
    assert_eq!(store.postcode_count().await.expect("count"), 0);
    assert!(!store.postcodes_loaded().await.expect("loaded"));
    let row = |postcode: &str, lat: f64| PostcodeRow {
        postcode: postcode.into(),
        district_code: "E06000002".into(),
        council_code: "E06000002".into(),
        latitude: lat,
        longitude: -1.2,
    };
    // More than one statement's worth, so batching is exercised.
    let many: Vec<PostcodeRow> = (0..1_200)
        .map(|i| row(&format!("TS{} {}AA", i / 10, i % 10), 54.5))
        .collect();
    store
        .save_postcodes(&many, 100)
        .await
        .expect("first import");
    assert_eq!(store.postcode_count().await.expect("count"), 1_200);
    assert!(store.postcodes_loaded().await.expect("loaded"));
    // The next import moves one and retires 600 (more than one statement's worth).
    store
        .save_postcodes(&[row("TS0 1AA", 54.6)], 200)
        .await
        .expect("second import");
    let retired: Vec<String> = many[600..].iter().map(|r| r.postcode.clone()).collect();
    assert_eq!(store.remove_postcodes(&retired).await.expect("rm"), 600);
    assert_eq!(store.remove_postcodes(&retired).await.expect("again"), 0);
    assert_eq!(store.postcode_count().await.expect("count"), 600);
    let found = store
        .find_postcode("TS0 1AA")
        .await
        .expect("find")
        .expect("present");
    assert!((found.latitude - 54.6).abs() < 1e-9);
    assert_eq!(found.council_code, "E06000002");
    assert_eq!(store.find_postcode("TS119 9AA").await.expect("find"), None);
}
