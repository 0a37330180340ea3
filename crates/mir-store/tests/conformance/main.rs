//! The storage conformance suite: every behaviour the platform relies on, run on SQLite always
//! and on PostgreSQL when `MIR_TEST_POSTGRES_URL` is set (and always in CI).
//!
//! Each check is an `async fn(&Store)`; the `conformance!` macro makes one test per engine. A
//! module per repository (or a few that work together); the first checks are here.

use mir_domain::feedback::Feedback;
use mir_domain::framework::{export_toml, parse_toml};
use mir_domain::organisation::{OrgSlug, OrganisationKind};
use mir_store::testing::TestDb;
use mir_store::{
    FeedbackRepo, FrameworkRepo, MetaRepo, NewOrganisation, OrganisationRepo, PictureFile,
    SessionRecord, SessionRepo, Store, StoreError,
};

macro_rules! conformance {
    ($($check:ident),* $(,)?) => {
        conformance!(@engines sqlite, postgres; $($check),*);
    };
    (@engines $sqlite:ident, $postgres:ident; $($check:ident),* $(,)?) => {
        mod $sqlite {
            $(
                #[tokio::test]
                async fn $check() {
                    let db = mir_store::testing::TestDb::sqlite().await.expect("sqlite test database");
                    super::$check(&db.store).await;
                    db.cleanup().await;
                }
            )*
        }
        mod $postgres {
            $(
                #[tokio::test]
                async fn $check() {
                    let Some(db) = mir_store::testing::TestDb::postgres().await.expect("postgres test database") else {
                        eprintln!("skipped: MIR_TEST_POSTGRES_URL is not set");
                        return;
                    };
                    super::$check(&db.store).await;
                    db.cleanup().await;
                }
            )*
        }
    };
}

conformance!(
    answers_a_ping,
    migrations_are_idempotent,
    sessions_round_trip_and_expire,
    sessions_are_replaced_not_duplicated,
    meta_keeps_the_first_value,
    organisations_are_added_once_by_slug,
    organisations_list_newest_first_with_kind_and_demo_flag,
    feedback_is_stored_with_an_optional_reply_address,
    concurrent_writes_all_land,
    framework_import_round_trips_through_export,
    framework_versions_are_immutable_and_older_ones_stay_readable,
    a_failed_framework_import_changes_nothing,
    framework_pictures_are_stored_with_their_version,
);

async fn answers_a_ping(store: &Store) {
    store.ping().await.expect("ping");
}

async fn migrations_are_idempotent(store: &Store) {
    store
        .migrate()
        .await
        .expect("second migration run changes nothing and succeeds");
    assert_eq!(store.count_organisations().await.expect("count"), 0);
}

async fn sessions_round_trip_and_expire(store: &Store) {
    let record = SessionRecord {
        data: r#"{"flash":"hello"}"#.into(),
        expires_at: 1_000,
        person_id: None,
    };
    store.save_session("abc", &record, 500).await.expect("save");
    assert_eq!(
        store.load_session("abc", 999).await.expect("load"),
        Some(record)
    );
    assert_eq!(
        store.load_session("abc", 1_000).await.expect("load"),
        None,
        "expired"
    );
    assert_eq!(store.load_session("nope", 0).await.expect("load"), None);
    assert_eq!(
        store.delete_expired_sessions(1_001).await.expect("sweep"),
        1
    );
    assert_eq!(
        store.delete_expired_sessions(1_001).await.expect("sweep"),
        0
    );
}

async fn sessions_are_replaced_not_duplicated(store: &Store) {
    let first = SessionRecord {
        data: "1".into(),
        expires_at: 100,
        person_id: None,
    };
    let second = SessionRecord {
        data: "2".into(),
        expires_at: 200,
        person_id: None,
    };
    store.save_session("s", &first, 0).await.expect("save");
    store
        .save_session("s", &second, 50)
        .await
        .expect("save again");
    assert_eq!(
        store.load_session("s", 150).await.expect("load"),
        Some(second)
    );
    store.delete_session("s").await.expect("delete");
    assert_eq!(store.load_session("s", 0).await.expect("load"), None);
}

async fn meta_keeps_the_first_value(store: &Store) {
    assert_eq!(store.meta("k").await.expect("get"), None);
    assert!(store.set_meta_if_absent("k", "one").await.expect("set"));
    assert!(
        !store
            .set_meta_if_absent("k", "two")
            .await
            .expect("set again")
    );
    assert_eq!(store.meta("k").await.expect("get").as_deref(), Some("one"));
}

fn org(slug: &str, kind: OrganisationKind, is_demo: bool) -> NewOrganisation {
    NewOrganisation {
        slug: OrgSlug::parse(slug).expect("slug"),
        name: format!("Name of {slug}"),
        kind,
        is_demo,
    }
}

async fn organisations_are_added_once_by_slug(store: &Store) {
    let a = org("a", OrganisationKind::Council, false);
    assert!(
        store
            .insert_organisation_if_absent(&a, 1)
            .await
            .expect("insert")
    );
    assert!(
        !store
            .insert_organisation_if_absent(&a, 2)
            .await
            .expect("insert again")
    );
    assert_eq!(store.count_organisations().await.expect("count"), 1);
}

async fn organisations_list_newest_first_with_kind_and_demo_flag(store: &Store) {
    store
        .insert_organisation_if_absent(&org("old", OrganisationKind::UserLed, true), 10)
        .await
        .expect("insert");
    store
        .insert_organisation_if_absent(&org("new", OrganisationKind::NhsBody, false), 20)
        .await
        .expect("insert");
    let list = store.recent_organisations(10).await.expect("list");
    let slugs: Vec<&str> = list.iter().map(|o| o.slug.as_str()).collect();
    assert_eq!(slugs, ["new", "old"]);
    assert_eq!(list[0].kind, OrganisationKind::NhsBody);
    assert!(!list[0].is_demo);
    assert!(list[1].is_demo);
    assert_eq!(store.recent_organisations(1).await.expect("list").len(), 1);
}

async fn feedback_is_stored_with_an_optional_reply_address(store: &Store) {
    let with = Feedback::parse("Great", "a@b.org").expect("valid");
    let without = Feedback::parse("Hard to read", "").expect("valid");
    let first = store.insert_feedback(&with, 1).await.expect("insert");
    let second = store.insert_feedback(&without, 2).await.expect("insert");
    assert_ne!(first, second);
    assert_eq!(store.count_feedback().await.expect("count"), 2);
}

async fn concurrent_writes_all_land(store: &Store) {
    let mut tasks = Vec::new();
    for i in 0..20 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let record = SessionRecord {
                data: i.to_string(),
                expires_at: i64::MAX,
                person_id: None,
            };
            store.save_session(&format!("s{i}"), &record, 0).await
        }));
    }
    for task in tasks {
        task.await.expect("task").expect("save");
    }
    for i in 0..20 {
        let loaded = store.load_session(&format!("s{i}"), 0).await.expect("load");
        assert_eq!(loaded.map(|r| r.data), Some(i.to_string()));
    }
}

#[tokio::test]
async fn sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout() {
    let db = TestDb::sqlite().await.expect("sqlite");
    assert_eq!(
        db.store.setting("journal_mode").await.expect("pragma"),
        "wal"
    );
    assert_eq!(db.store.setting("foreign_keys").await.expect("pragma"), "1");
    assert_eq!(
        db.store.setting("busy_timeout").await.expect("pragma"),
        "5000"
    );
    db.cleanup().await;
}

#[tokio::test]
async fn postgres_tests_run_in_their_own_schema() {
    let Some(db) = TestDb::postgres().await.expect("postgres") else {
        return;
    };
    let path = db.store.setting("search_path").await.expect("setting");
    assert!(path.starts_with("mirtest_"), "{path}");
    db.cleanup().await;
}

const DEMO_FRAMEWORK: &str = include_str!("../../../../frameworks/demonstration/framework.toml");

const NEXT_FRAMEWORK: &str =
    include_str!("../../../../frameworks/demonstration/framework-2026.2.toml");

async fn framework_import_round_trips_through_export(store: &Store) {
    let framework = parse_toml(DEMO_FRAMEWORK).expect("valid");
    // With its pictures, markers and crosswalk: everything comes back.
    let picture = mir_store::PictureFile {
        file_name: "people.svg".into(),
        content_type: "image/svg+xml".into(),
        bytes: b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec(),
    };
    store
        .insert_framework_version(&framework, std::slice::from_ref(&picture), 1)
        .await
        .expect("import");
    let stored = store
        .framework_picture("demonstration", "2026.1", "people.svg")
        .await
        .expect("picture")
        .expect("stored");
    assert_eq!(stored.bytes, picture.bytes);
    assert!(framework.statements.iter().any(|s| !s.markers.is_empty()));
    assert!(!framework.crosswalks.is_empty());
    // The next version, with its mapping, round-trips the same way.
    let next = parse_toml(NEXT_FRAMEWORK).expect("valid");
    assert!(next.mapping.is_some());
    store
        .insert_framework_version(&next, &[], 2)
        .await
        .expect("import next");
    let loaded_next = store
        .load_framework("demonstration", Some("2026.2"))
        .await
        .expect("load")
        .expect("found");
    assert_eq!(*loaded_next, next);
    assert_eq!(
        parse_toml(&export_toml(&loaded_next).expect("export")).expect("re-import"),
        next
    );
    let loaded = store
        .load_framework("demonstration", Some("2026.1"))
        .await
        .expect("load")
        .expect("found");
    assert_eq!(*loaded, framework, "everything comes back as it went in");
    let exported = export_toml(&loaded).expect("export");
    assert_eq!(parse_toml(&exported).expect("re-import"), framework);
    let versions = store.framework_versions().await.expect("list");
    assert_eq!(versions.len(), 2);
    assert!(
        versions
            .iter()
            .all(|v| v.statement_count == 30 && v.theme_count == 6 && v.is_demo)
    );
}

async fn framework_versions_are_immutable_and_older_ones_stay_readable(store: &Store) {
    let old = parse_toml(DEMO_FRAMEWORK).expect("valid");
    store
        .insert_framework_version(&old, &[], 1)
        .await
        .expect("import");
    match store.insert_framework_version(&old, &[], 2).await {
        Err(StoreError::AlreadyExists(message)) => assert!(message.contains("2026.1"), "{message}"),
        other => panic!("expected AlreadyExists, got {other:?}"),
    }
    let mut new = old.clone();
    new.meta.version = "2027.1".into();
    new.meta.date = "2027-01-01".into();
    new.statements[0].text = "Changed in the new version.".into();
    store
        .insert_framework_version(&new, &[], 3)
        .await
        .expect("new version");
    let current = store
        .load_framework("demonstration", None)
        .await
        .expect("load")
        .expect("found");
    assert_eq!(current.meta.version, "2027.1");
    let older = store
        .load_framework("demonstration", Some("2026.1"))
        .await
        .expect("load")
        .expect("found");
    assert_eq!(*older, old);
    assert_eq!(
        store
            .load_framework("demonstration", Some("1999"))
            .await
            .expect("load"),
        None
    );
    assert_eq!(
        store.load_framework("nope", None).await.expect("load"),
        None
    );
    let versions: Vec<String> = store
        .framework_versions()
        .await
        .expect("list")
        .into_iter()
        .map(|v| v.version)
        .collect();
    assert_eq!(versions, ["2027.1", "2026.1"], "newest first");
}

async fn a_failed_framework_import_changes_nothing(store: &Store) {
    let framework = parse_toml(DEMO_FRAMEWORK).expect("valid");
    let picture = PictureFile {
        file_name: "a.svg".into(),
        content_type: "image/svg+xml".into(),
        bytes: b"<svg/>".to_vec(),
    };
    // The same picture twice breaks a key at the very end of the import.
    let result = store
        .insert_framework_version(&framework, &[picture.clone(), picture], 1)
        .await;
    assert!(result.is_err());
    assert!(store.framework_versions().await.expect("list").is_empty());
    assert_eq!(
        store
            .load_framework("demonstration", None)
            .await
            .expect("load"),
        None
    );
    // And the same import, done right, then works.
    store
        .insert_framework_version(&framework, &[], 1)
        .await
        .expect("import");
}

async fn framework_pictures_are_stored_with_their_version(store: &Store) {
    let framework = parse_toml(DEMO_FRAMEWORK).expect("valid");
    let bytes: Vec<u8> = (0..=255).collect();
    let picture = PictureFile {
        file_name: "people.svg".into(),
        content_type: "image/svg+xml".into(),
        bytes,
    };
    store
        .insert_framework_version(&framework, std::slice::from_ref(&picture), 1)
        .await
        .expect("import");
    let found = store
        .framework_picture("demonstration", "2026.1", "people.svg")
        .await
        .expect("get");
    assert_eq!(found, Some(picture));
    assert_eq!(
        store
            .framework_picture("demonstration", "2026.1", "other.svg")
            .await
            .expect("get"),
        None
    );
}

mod people;
use people::*;

mod accounts;
use accounts::*;

conformance!(@engines sqlite_accounts, postgres_accounts;
    tokens_work_only_for_their_purpose,
    passwords_and_emails_change,
    all_sessions_of_a_person_can_be_ended,
    rate_limits_count_within_the_window,
);

conformance!(@engines sqlite_people, postgres_people;

    people_are_found_by_email_and_admin_is_only_raised,
    sign_in_tokens_work_once_and_expire,
    uploads_belong_to_their_person,
);

mod organisations_sign_up;
use organisations_sign_up::*;

conformance!(@engines sqlite_sign_up, postgres_sign_up;
    sign_up_waits_for_approval_and_slugs_are_unique,
);

mod audit_log;
use audit_log::*;

conformance!(@engines sqlite_audit, postgres_audit;
    audit_events_are_kept_newest_first_and_survive_account_deletion,
    a_persons_records_are_found_and_their_address_scrubbed_at_deletion,
);

mod review_cycles;
use review_cycles::*;

conformance!(@engines sqlite_reviews, postgres_reviews;
    reviews_belong_to_their_organisation_and_close,
    views_save_as_you_go_and_anonymous_ones_hide_the_author,
    positions_are_confirmed_once_per_co_chair_and_a_change_clears_them,
    kept_forms_wait_until_taken_or_expired,
);

mod plans;
use plans::*;

conformance!(@engines sqlite_plans, postgres_plans;
    every_plan_edit_raises_the_revision_and_stays_in_its_organisation,
    jobs_run_once_and_reminders_find_their_actions,
);

mod directory;
use directory::*;

conformance!(@engines sqlite_directory, postgres_directory;
    the_directory_filters_counts_and_finds_who_else,
    postcodes_load_refresh_and_drop_the_ones_a_new_file_lacks,
);

mod full_text;
use full_text::*;

conformance!(@engines sqlite_search, postgres_search;
    search_finds_words_with_stemming_and_highlights_them,
    broad_searches_are_counted_and_ranked_within_bounds,
);

mod members;
use members::*;

conformance!(@engines sqlite_members, postgres_members;
    members_have_one_role_each_and_stay_in_their_organisation,
    invitations_work_once_until_they_expire,
    co_chairs_are_listed_with_since_when_longest_first,
    co_chairs_and_areas_hold_their_limits_under_concurrent_changes,
);

mod stories;
use stories::*;

conformance!(@engines sqlite_stories, postgres_stories;
    stories_are_public_only_for_approved_organisations_and_found_by_statement,
);

mod live;
use live::*;

conformance!(@engines sqlite_live, postgres_live;
    live_sessions_hold_their_limits_and_only_open_sessions_change,
    dots_follow_the_words_and_hold_their_budget_under_concurrent_clicks,
    a_sessions_words_go_into_a_review_once_with_their_claim,
);
