//! Reviews: views, anonymity, agreed positions and their confirmations, kept forms.

use mir_domain::organisation::Role;
use mir_store::testing;
use mir_store::{
    KeptFormRepo, MemberRepo, NewReviewRecord, PeopleRepo, Position, ReviewRepo, Store, View,
    WorkshopView,
};

/// An organisation with one administrator; returns (organisation id, admin id).
async fn organisation(store: &Store) -> (i64, i64) {
    let sign_up = testing::sign_up("Rowan Care");
    testing::signed_up(store, &sign_up, "chair@example.org", false).await
}

fn view(code: &str, person: i64, level: &str, working: &str) -> View {
    View {
        statement_code: code.into(),
        person_id: person,
        perspective: "staff".into(),
        level: level.into(),
        working: working.into(),
        to_change: String::new(),
    }
}

pub async fn reviews_belong_to_their_organisation_and_close(store: &Store) {
    let (org, admin) = organisation(store).await;
    assert_eq!(
        store.adopted_framework(org).await.expect("framework"),
        Some(("demonstration".into(), "2026.1".into()))
    );
    assert_eq!(store.review_cadence(org).await.expect("cadence"), None);
    store.set_review_cadence(org, Some(3)).await.expect("set");
    assert_eq!(store.review_cadence(org).await.expect("cadence"), Some(3));
    assert_eq!(store.anonymity_threshold(org).await.expect("k"), 3);
    store.set_anonymity_threshold(org, 5).await.expect("set k");
    assert_eq!(store.anonymity_threshold(org).await.expect("k"), 5);
    let mut ids = Vec::new();
    for (n, title) in ["Spring", "Summer"].iter().enumerate() {
        let record = NewReviewRecord {
            organisation_id: org,
            title: (*title).into(),
            framework_slug: "demonstration".into(),
            framework_version: "2026.1".into(),
            themes: vec!["WB".into(), "IA".into()],
            closes_on: Some("2026-12-31".into()),
            opened_by: admin,
        };
        ids.push(
            store
                .create_review(&record, 10 + n as i64)
                .await
                .expect("open"),
        );
    }
    let listed = store.reviews_of(org).await.expect("list");
    assert_eq!(
        listed.iter().map(|r| r.title.as_str()).collect::<Vec<_>>(),
        ["Summer", "Spring"],
        "newest first"
    );
    assert_eq!(listed[0].themes, ["WB", "IA"]);
    assert!(listed[0].is_open);
    assert_eq!(store.review(org + 1, ids[0]).await.expect("other"), None);
    store.close_review(ids[0], 20).await.expect("close");
    assert!(
        !store
            .review(org, ids[0])
            .await
            .expect("get")
            .expect("review")
            .is_open
    );
}

pub async fn views_save_as_you_go_and_anonymous_ones_hide_the_author(store: &Store) {
    let (org, admin) = organisation(store).await;
    let carer = store
        .upsert_person("carer@example.org", false, 1)
        .await
        .expect("carer");
    let review = store
        .create_review(
            &NewReviewRecord {
                organisation_id: org,
                title: "Review".into(),
                framework_slug: "demonstration".into(),
                framework_version: "2026.1".into(),
                themes: Vec::new(),
                closes_on: None,
                opened_by: admin,
            },
            5,
        )
        .await
        .expect("open");
    store
        .save_view(review, &view("WB-I1", admin, "", "draft words"), 6)
        .await
        .expect("draft");
    store
        .save_view(
            review,
            &view("WB-I1", admin, "established", "Good talks"),
            7,
        )
        .await
        .expect("replace");
    let mut carers = view("WB-I1", carer.id, "starting", "Rarely asked");
    carers.perspective = "carer".into();
    store
        .save_view(review, &carers, 8)
        .await
        .expect("carer view");
    assert_eq!(
        store.views_of(review, admin).await.expect("mine"),
        [view("WB-I1", admin, "established", "Good talks")],
        "saving again replaces, never duplicates"
    );
    assert!(!store.is_anonymous(review, carer.id).await.expect("flag"));
    store
        .set_anonymous(review, carer.id, true)
        .await
        .expect("anon");
    assert!(store.is_anonymous(review, carer.id).await.expect("flag"));
    let named = mir_domain::person::PersonName {
        display_name: "Chris".into(),
        pronouns: String::new(),
        name_public: false,
    };
    store.set_person_name(admin, &named).await.expect("name");
    assert_eq!(store.person_name(admin).await.expect("name"), named);
    let shared = store.shared_views(review).await.expect("shared");
    assert_eq!(shared.len(), 2);
    let by = |person: i64| {
        shared
            .iter()
            .find(|s| s.view.person_id == person)
            .map(|s| s.name.clone())
    };
    assert_eq!(
        by(admin),
        Some(Some("Chris".into())),
        "their chosen name, never their address"
    );
    assert_eq!(by(carer.id), Some(None), "anonymous: no name");

    store
        .add_workshop_views(
            review,
            &[WorkshopView {
                statement_code: "WB-I1".into(),
                perspective: "person".into(),
                level: "not-sure".into(),
                people: 7,
                working: String::new(),
                to_change: "More time".into(),
                session_label: "Tuesday café".into(),
            }],
            admin,
            9,
        )
        .await
        .expect("workshop");
    let workshop = store.workshop_views(review).await.expect("workshop views");
    assert_eq!(workshop.len(), 1);
    assert_eq!(workshop[0].people, 7);
    assert_eq!(workshop[0].session_label, "Tuesday café");
    // Erasure: deleting an account deletes that person's views.
    store.delete_person(carer.id).await.expect("delete");
    assert_eq!(store.shared_views(review).await.expect("shared").len(), 1);
}

pub async fn positions_are_confirmed_once_per_co_chair_and_a_change_clears_them(store: &Store) {
    let (org, admin) = organisation(store).await;
    let expert = store
        .upsert_person("expert@example.org", false, 1)
        .await
        .expect("expert");
    // In an open review only the current co-chairs' confirmations count.
    for (person, role) in [(admin, Role::Admin), (expert.id, Role::ExpertByExperience)] {
        store
            .put_member(org, person, role, true, 1)
            .await
            .expect("co-chair");
    }
    let review = store
        .create_review(
            &NewReviewRecord {
                organisation_id: org,
                title: "Review".into(),
                framework_slug: "demonstration".into(),
                framework_version: "2026.1".into(),
                themes: Vec::new(),
                closes_on: None,
                opened_by: admin,
            },
            5,
        )
        .await
        .expect("open");
    let mut position = Position {
        statement_code: "WB-I1".into(),
        level: "developing".into(),
        summary: "Getting there".into(),
        agreed_on: "2026-11-24".into(),
        confirmations: Vec::new(),
    };
    store
        .record_position(review, &position, admin, 10)
        .await
        .expect("record");
    for (person, role, at) in [
        (admin, "admin", 11),
        (expert.id, "expert", 12),
        (admin, "admin", 13),
    ] {
        store
            .confirm_position(review, "WB-I1", person, role, at)
            .await
            .expect("confirm");
    }
    let positions = store.positions(review).await.expect("positions");
    assert_eq!(positions.len(), 1);
    assert_eq!(
        positions[0]
            .confirmations
            .iter()
            .map(|c| (c.role.as_str(), c.confirmed_at))
            .collect::<Vec<_>>(),
        [("admin", 11), ("expert", 12)],
        "once per person, in order"
    );
    position.level = "established".into();
    store
        .record_position(review, &position, admin, 14)
        .await
        .expect("change");
    let positions = store.positions(review).await.expect("positions");
    assert_eq!(positions[0].level, "established");
    assert!(
        positions[0].confirmations.is_empty(),
        "a change needs confirming again"
    );
}

pub async fn kept_forms_wait_until_taken_or_expired(store: &Store) {
    store
        .keep_form(
            "k1",
            "/manage/x",
            "level=starting&working=kept+words",
            100,
            1,
        )
        .await
        .expect("keep");
    assert_eq!(
        store.kept_form("k1", 50).await.expect("get"),
        Some((
            "/manage/x".into(),
            "level=starting&working=kept+words".into()
        ))
    );
    assert_eq!(
        store.kept_form("k1", 100).await.expect("late"),
        None,
        "expired"
    );
    assert_eq!(store.kept_form("nope", 1).await.expect("unknown"), None);
    store.forget_form("k1").await.expect("forget");
    assert_eq!(store.kept_form("k1", 50).await.expect("gone"), None);
}
