//! The storage conformance suite: every behaviour the platform relies on, run on SQLite always
//! and on PostgreSQL when `MIR_TEST_POSTGRES_URL` is set (and always in CI).
//!
//! Each check is an `async fn(&Store)`; the `conformance!` macro makes one test per engine.

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

const DEMO_FRAMEWORK: &str = include_str!("../../../frameworks/demonstration/framework.toml");

async fn framework_import_round_trips_through_export(store: &Store) {
    let framework = parse_toml(DEMO_FRAMEWORK).expect("valid");
    store
        .insert_framework_version(&framework, &[], 1)
        .await
        .expect("import");
    let loaded = store
        .load_framework("demonstration", None)
        .await
        .expect("load")
        .expect("found");
    assert_eq!(loaded, framework, "everything comes back as it went in");
    let exported = export_toml(&loaded).expect("export");
    assert_eq!(parse_toml(&exported).expect("re-import"), framework);
    let versions = store.framework_versions().await.expect("list");
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0].statement_count, 30);
    assert_eq!(versions[0].theme_count, 6);
    assert!(versions[0].is_demo);
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
    assert_eq!(older, old);
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

mod people {
    use mir_store::{FrameworkUploadRepo, PeopleRepo, PictureFile, Store};

    pub async fn people_are_found_by_email_and_admin_is_only_raised(store: &Store) {
        let first = store
            .upsert_person("a@example.org", false, 1)
            .await
            .expect("create");
        assert!(!first.is_national_admin);
        let raised = store
            .upsert_person("a@example.org", true, 2)
            .await
            .expect("raise");
        assert_eq!(raised.id, first.id);
        assert!(raised.is_national_admin);
        let again = store
            .upsert_person("a@example.org", false, 3)
            .await
            .expect("again");
        assert!(
            again.is_national_admin,
            "never lowered by a sign-in link request"
        );
        assert_eq!(store.person(first.id).await.expect("get"), Some(again));
        assert_eq!(store.person(first.id + 1000).await.expect("get"), None);
    }

    pub async fn sign_in_tokens_work_once_and_expire(store: &Store) {
        let person = store
            .upsert_person("b@example.org", false, 1)
            .await
            .expect("create");
        let sign_in = mir_store::TokenPurpose::SignIn;
        store
            .insert_token("t1", person.id, sign_in, None, 100, 1)
            .await
            .expect("token");
        store
            .insert_token("t2", person.id, sign_in, None, 100, 1)
            .await
            .expect("token");
        let used = store
            .consume_token("t1", sign_in, 50)
            .await
            .expect("use")
            .map(|u| u.person_id);
        assert_eq!(used, Some(person.id));
        assert_eq!(
            store.consume_token("t1", sign_in, 51).await.expect("reuse"),
            None,
            "one use"
        );
        assert_eq!(
            store.consume_token("t2", sign_in, 100).await.expect("late"),
            None,
            "expired"
        );
        assert_eq!(
            store
                .consume_token("nope", sign_in, 1)
                .await
                .expect("unknown"),
            None
        );
    }

    pub async fn uploads_belong_to_their_person(store: &Store) {
        let owner = store
            .upsert_person("c@example.org", true, 1)
            .await
            .expect("create");
        let other = store
            .upsert_person("d@example.org", true, 1)
            .await
            .expect("create");
        let picture = PictureFile {
            file_name: "p.svg".into(),
            content_type: "image/svg+xml".into(),
            bytes: vec![1, 2, 3],
        };
        let id = store
            .insert_framework_upload(
                owner.id,
                "f.toml",
                "source",
                std::slice::from_ref(&picture),
                1,
            )
            .await
            .expect("upload");
        let found = store
            .framework_upload(id, owner.id)
            .await
            .expect("get")
            .expect("found");
        assert_eq!(
            (found.source.as_str(), found.pictures),
            ("source", vec![picture])
        );
        assert_eq!(
            store.framework_upload(id, other.id).await.expect("get"),
            None,
            "not someone else's"
        );
        store.delete_framework_upload(id).await.expect("delete");
        assert_eq!(
            store.framework_upload(id, owner.id).await.expect("get"),
            None
        );
    }
}
use people::*;

mod accounts {
    use mir_store::{
        PeopleRepo, RateLimitRepo, SessionRecord, SessionRepo, Store, StoreError, TokenPurpose,
        UsedToken,
    };

    pub async fn tokens_work_only_for_their_purpose(store: &Store) {
        let p = store
            .upsert_person("e@example.org", false, 1)
            .await
            .expect("person");
        store
            .insert_token("r", p.id, TokenPurpose::ResetPassword, None, 100, 1)
            .await
            .expect("token");
        assert_eq!(
            store
                .consume_token("r", TokenPurpose::SignIn, 2)
                .await
                .expect("use"),
            None,
            "wrong purpose"
        );
        assert_eq!(
            store
                .consume_token("r", TokenPurpose::ResetPassword, 2)
                .await
                .expect("use"),
            Some(UsedToken {
                person_id: p.id,
                new_email: None
            })
        );
        store
            .insert_token(
                "c",
                p.id,
                TokenPurpose::ChangeEmail,
                Some("new@example.org"),
                100,
                1,
            )
            .await
            .expect("token");
        let used = store
            .consume_token("c", TokenPurpose::ChangeEmail, 2)
            .await
            .expect("use")
            .expect("found");
        assert_eq!(used.new_email.as_deref(), Some("new@example.org"));
    }

    pub async fn passwords_and_emails_change(store: &Store) {
        let p = store
            .upsert_person("f@example.org", false, 1)
            .await
            .expect("person");
        store
            .upsert_person("taken@example.org", false, 1)
            .await
            .expect("other");
        assert_eq!(store.password_hash(p.id).await.expect("get"), None);
        store
            .set_password_hash(p.id, "$argon2id$fake")
            .await
            .expect("set");
        assert_eq!(
            store.password_hash(p.id).await.expect("get").as_deref(),
            Some("$argon2id$fake")
        );
        assert!(matches!(
            store.set_email(p.id, "taken@example.org").await,
            Err(StoreError::AlreadyExists(_))
        ));
        store
            .set_email(p.id, "g@example.org")
            .await
            .expect("change");
        assert_eq!(
            store
                .person_by_email("g@example.org")
                .await
                .expect("get")
                .map(|x| x.id),
            Some(p.id)
        );
        assert_eq!(
            store.person_by_email("f@example.org").await.expect("get"),
            None
        );
    }

    pub async fn all_sessions_of_a_person_can_be_ended(store: &Store) {
        let mine = SessionRecord {
            data: "{}".into(),
            expires_at: i64::MAX,
            person_id: Some(7),
        };
        let other = SessionRecord {
            data: "{}".into(),
            expires_at: i64::MAX,
            person_id: Some(8),
        };
        store.save_session("a", &mine, 0).await.expect("save");
        store.save_session("b", &mine, 0).await.expect("save");
        store.save_session("c", &other, 0).await.expect("save");
        assert_eq!(
            store
                .load_session("a", 1)
                .await
                .expect("load")
                .and_then(|r| r.person_id),
            Some(7)
        );
        assert_eq!(
            store.delete_sessions_for_person(7).await.expect("delete"),
            2
        );
        assert_eq!(store.load_session("a", 1).await.expect("load"), None);
        assert!(store.load_session("c", 1).await.expect("load").is_some());
    }

    pub async fn rate_limits_count_within_the_window(store: &Store) {
        for now in [10, 20, 30] {
            store.record_attempt("k", now, 0).await.expect("record");
        }
        assert_eq!(
            store.record_attempt("k", 40, 15).await.expect("record"),
            3,
            "20, 30 and 40"
        );
        assert_eq!(
            store.record_attempt("other", 40, 0).await.expect("record"),
            1
        );
        assert_eq!(store.prune_attempts(25).await.expect("prune"), 2);
        store.forget_attempts("k").await.expect("forget");
        assert_eq!(
            store.record_attempt("k", 50, 0).await.expect("record"),
            1,
            "a forgotten bucket starts again"
        );
        assert_eq!(
            store.record_attempt("other", 50, 0).await.expect("record"),
            2,
            "other buckets are kept"
        );
    }
}
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

mod organisations_sign_up {
    use mir_domain::organisation::{OrganisationKind, OrganisationStatus};
    use mir_store::{OrganisationRepo, PeopleRepo, SignUp, SignUpRepo, Store};

    fn sign_up(name: &str) -> SignUp {
        SignUp {
            name: name.into(),
            kind: OrganisationKind::CareProvider,
            areas: vec!["E06000001".into(), "E08000038".into()],
            website: Some("https://example.org".into()),
            framework_slug: "demonstration".into(),
            framework_version: "2026.1".into(),
            commitment: "We will listen.".into(),
        }
    }

    pub async fn sign_up_waits_for_approval_and_slugs_are_unique(store: &Store) {
        let admin = store
            .upsert_person("boss@example.org", false, 1)
            .await
            .expect("person");
        let (first, slug) = store
            .create_signed_up_organisation(&sign_up("Oak Care"), admin.id, 1)
            .await
            .expect("create");
        assert_eq!(slug, "oak-care");
        let (_, second_slug) = store
            .create_signed_up_organisation(&sign_up("Oak Care!"), admin.id, 2)
            .await
            .expect("create");
        assert_eq!(second_slug, "oak-care-2");
        assert_eq!(
            store.count_organisations().await.expect("count"),
            0,
            "not public yet"
        );
        let pending = store
            .organisations_awaiting_approval()
            .await
            .expect("pending");
        assert_eq!(pending.len(), 2);
        assert_eq!(pending[0].areas, ["E06000001", "E08000038"]);
        let mine = store.memberships_of(admin.id).await.expect("memberships");
        assert_eq!(mine.len(), 2);
        assert_eq!(
            (mine[0].role.as_str(), mine[0].status),
            ("admin", OrganisationStatus::AwaitingApproval)
        );
        let (name, contacts) = store.organisation_contacts(first).await.expect("contacts");
        assert_eq!(
            (name.as_str(), contacts),
            ("Oak Care", vec!["boss@example.org".to_owned()])
        );

        assert!(
            store
                .decide_organisation(first, OrganisationStatus::Approved, None, 3)
                .await
                .expect("approve")
        );
        assert!(
            !store
                .decide_organisation(first, OrganisationStatus::Declined, Some("late"), 4)
                .await
                .expect("again"),
            "decided once"
        );
        assert_eq!(store.count_organisations().await.expect("count"), 1);
        assert_eq!(
            store
                .organisations_awaiting_approval()
                .await
                .expect("pending")
                .len(),
            1
        );
    }
}
use organisations_sign_up::*;

conformance!(@engines sqlite_sign_up, postgres_sign_up;
    sign_up_waits_for_approval_and_slugs_are_unique,
);

mod audit_log {
    use mir_store::{AuditRepo, OutboxRepo, PeopleRepo, PersonalDataRepo, Store};

    pub async fn a_persons_records_are_found_and_their_address_scrubbed_at_deletion(store: &Store) {
        let p = store
            .upsert_person("named@example.org", false, 1)
            .await
            .expect("person");
        store
            .record(
                None,
                None,
                "member invited",
                r#"{"email":"named@example.org"}"#,
                10,
            )
            .await
            .expect("record");
        store
            .record(None, Some(p.id), "signed in", "{}", 11)
            .await
            .expect("record");
        store
            .record(None, None, "other", r#"{"email":"else@example.org"}"#, 12)
            .await
            .expect("record");
        store
            .enqueue_mail("named@example.org", "Hello", "Body", 13)
            .await
            .expect("mail");
        let records = store
            .personal_records(p.id, "named@example.org")
            .await
            .expect("records");
        let actions: Vec<&str> = records.audit.iter().map(|(a, _, _)| a.as_str()).collect();
        assert_eq!(actions, ["member invited", "signed in"]);
        // `_` and `%` in an address are taken literally, and a longer address is not a match.
        store
            .record(
                None,
                None,
                "member invited",
                r#"{"email":"pat.smith@example.org"}"#,
                14,
            )
            .await
            .expect("record");
        store
            .record(
                None,
                None,
                "member invited",
                r#"{"email":"xnamed@example.org"}"#,
                15,
            )
            .await
            .expect("record");
        for (who, expected) in [("pat_smith@example.org", 0), ("pat%@example.org", 0)] {
            let other = store.personal_records(-1, who).await.expect("records");
            assert_eq!(other.audit.len(), expected, "{who}");
        }
        let records = store
            .personal_records(p.id, "named@example.org")
            .await
            .expect("records");
        assert_eq!(records.audit.len(), 2, "not xnamed@…");
        store.delete_person(p.id).await.expect("delete");
        let events = store.audit_events(None, 10).await.expect("events");
        assert_eq!(events.len(), 5, "events stay");
        assert!(
            events
                .iter()
                .all(|e| !e.detail.contains("\"named@example.org"))
        );
        assert!(
            events
                .iter()
                .any(|e| e.detail.contains("xnamed@example.org"))
        );
        assert!(events.iter().any(|e| e.detail.contains("else@example.org")));
        assert_eq!(store.outbox_report().await.expect("report").waiting, 0);
    }

    pub async fn audit_events_are_kept_newest_first_and_survive_account_deletion(store: &Store) {
        let p = store
            .upsert_person("a@example.org", false, 1)
            .await
            .expect("person");
        store
            .record(None, Some(p.id), "sign-up", "{}", 10)
            .await
            .expect("record");
        store
            .record(None, None, "approve", "{\"reason\":null}", 20)
            .await
            .expect("record");
        let events = store.audit_events(None, 10).await.expect("events");
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].action, "approve");
        assert_eq!(events[1].actor_email.as_deref(), Some("a@example.org"));
        store.delete_person(p.id).await.expect("delete");
        let events = store.audit_events(None, 10).await.expect("events");
        assert_eq!(events.len(), 2, "events stay");
        assert_eq!(
            events[1].actor_email, None,
            "without the deleted person's name"
        );
    }
}
use audit_log::*;

conformance!(@engines sqlite_audit, postgres_audit;
    audit_events_are_kept_newest_first_and_survive_account_deletion,
    a_persons_records_are_found_and_their_address_scrubbed_at_deletion,
);

mod review_cycles {
    use mir_domain::organisation::{OrganisationKind, Role};
    use mir_store::{
        KeptFormRepo, MemberRepo, NewReviewRecord, PeopleRepo, Position, ReviewRepo, SignUp,
        SignUpRepo, Store, View, WorkshopView,
    };

    /// An organisation with one administrator; returns (organisation id, admin id).
    async fn organisation(store: &Store) -> (i64, i64) {
        let admin = store
            .upsert_person("chair@example.org", false, 1)
            .await
            .expect("person");
        let sign_up = SignUp {
            name: "Rowan Care".into(),
            kind: OrganisationKind::CareProvider,
            areas: vec!["E06000001".into()],
            website: None,
            framework_slug: "demonstration".into(),
            framework_version: "2026.1".into(),
            commitment: "We will listen.".into(),
        };
        let (id, _) = store
            .create_signed_up_organisation(&sign_up, admin.id, 1)
            .await
            .expect("organisation");
        (id, admin.id)
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
        let shared = store.shared_views(review).await.expect("shared");
        assert_eq!(shared.len(), 2);
        let by = |person: i64| {
            shared
                .iter()
                .find(|s| s.view.person_id == person)
                .map(|s| s.email.clone())
        };
        assert_eq!(by(admin), Some(Some("chair@example.org".into())));
        assert_eq!(by(carer.id), Some(None), "anonymous: no address");

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
}
use review_cycles::*;

conformance!(@engines sqlite_reviews, postgres_reviews;
    reviews_belong_to_their_organisation_and_close,
    views_save_as_you_go_and_anonymous_ones_hide_the_author,
    positions_are_confirmed_once_per_co_chair_and_a_change_clears_them,
    kept_forms_wait_until_taken_or_expired,
);

mod plans {
    use mir_domain::organisation::{OrganisationKind, Role};
    use mir_store::{
        ActionRecord, EmailPreferenceRepo, JobRepo, MemberRepo, NewReviewRecord, PeopleRepo,
        PlanRepo, PriorityRecord, ReviewRepo, SignUp, SignUpRepo, Store,
    };

    async fn organisation(store: &Store, name: &str) -> (i64, i64) {
        let admin = store
            .upsert_person(&format!("{}@example.org", name.to_lowercase()), false, 1)
            .await
            .expect("person");
        let sign_up = SignUp {
            name: name.into(),
            kind: OrganisationKind::Council,
            areas: vec!["E06000001".into()],
            website: None,
            framework_slug: "demonstration".into(),
            framework_version: "2026.1".into(),
            commitment: "We will listen.".into(),
        };
        let (id, _) = store
            .create_signed_up_organisation(&sign_up, admin.id, 1)
            .await
            .expect("organisation");
        (id, admin.id)
    }

    fn priority(title: &str) -> PriorityRecord {
        PriorityRecord {
            title: title.into(),
            statements: vec!["WB-I1".into(), "IA-I1".into()],
            target: "Everyone plans their own support".into(),
            why: String::new(),
            review_id: None,
            status: "agreed".into(),
            dropped_reason: String::new(),
        }
    }

    fn action(what: &str, due_on: Option<&str>) -> ActionRecord {
        ActionRecord {
            what: what.into(),
            lead: "Team manager".into(),
            involved: String::new(),
            due_on: due_on.map(String::from),
            review_on: None,
            status: "not-started".into(),
        }
    }

    pub async fn every_plan_edit_raises_the_revision_and_stays_in_its_organisation(store: &Store) {
        let (org, admin) = organisation(store, "Alder").await;
        // Only the current co-chairs' approvals count.
        store
            .put_member(org, admin, Role::Admin, true, 1)
            .await
            .expect("co-chair");
        let (other, _) = organisation(store, "Beech").await;
        assert_eq!(
            store.plan_settings(org).await.expect("settings"),
            (0, false)
        );
        let p = store
            .create_priority(org, &priority("Plans"), 10)
            .await
            .expect("priority");
        let a = store
            .create_action(org, p, &action("Train staff", Some("2027-01-10")), 11)
            .await
            .expect("action")
            .expect("owned");
        assert_eq!(
            store
                .create_action(other, p, &action("Not theirs", None), 12)
                .await
                .expect("refused"),
            None,
            "another organisation cannot add to this priority"
        );
        assert!(
            !store
                .update_priority(other, p, &priority("Hijack"), 12)
                .await
                .expect("refused")
        );
        assert!(
            !store
                .update_action(other, a, &action("Hijack", None), 12)
                .await
                .expect("refused")
        );
        let mut renamed = priority("Plans with people");
        renamed.review_id = None;
        assert!(
            store
                .update_priority(org, p, &renamed, 13)
                .await
                .expect("update")
        );
        assert_eq!(store.plan_settings(org).await.expect("settings").0, 3);
        let rows = store.priorities(org).await.expect("list");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].record.title, "Plans with people");
        assert_eq!(rows[0].record.statements, ["WB-I1", "IA-I1"]);
        assert_eq!(store.actions(org).await.expect("actions")[0].priority_id, p);
        assert!(store.actions(other).await.expect("none").is_empty());

        // An update with a status applies it and raises the revision; it waits to be public.
        store
            .add_update(
                org,
                p,
                Some(a),
                "Started",
                Some("on-track"),
                None,
                admin,
                false,
                20,
            )
            .await
            .expect("update");
        assert_eq!(
            store.actions(org).await.expect("actions")[0].record.status,
            "on-track"
        );
        assert_eq!(store.plan_settings(org).await.expect("settings").0, 4);
        assert_eq!(
            store.updates(org).await.expect("updates")[0].published_at,
            None
        );

        // Approvals count per revision; publishing makes waiting updates public.
        store
            .approve_plan(org, 4, admin, "admin", 30)
            .await
            .expect("approve");
        store
            .approve_plan(org, 4, admin, "admin", 31)
            .await
            .expect("twice is once");
        assert_eq!(
            store.plan_approvals(org, 4).await.expect("approvals").len(),
            1
        );
        assert!(store.plan_approvals(org, 3).await.expect("none").is_empty());
        assert_eq!(
            store
                .publish_version(org, "{\"priorities\":[]}", "[]", 40)
                .await
                .expect("v1"),
            1
        );
        assert_eq!(
            store
                .publish_version(org, "{\"priorities\":[1]}", "[]", 50)
                .await
                .expect("v2"),
            2
        );
        let versions = store.versions(org).await.expect("versions");
        assert_eq!(
            versions.iter().map(|v| v.number).collect::<Vec<_>>(),
            [2, 1],
            "newest first"
        );
        assert_eq!(
            versions[1].snapshot, "{\"priorities\":[]}",
            "kept as published"
        );
        assert_eq!(
            store.updates(org).await.expect("updates")[0].published_at,
            Some(40)
        );
        store.set_publish_directly(org, true).await.expect("choice");
        assert!(store.plan_settings(org).await.expect("settings").1);
    }

    pub async fn jobs_run_once_and_reminders_find_their_actions(store: &Store) {
        assert!(
            store
                .claim_job("digest", "7:2026-W48", 1)
                .await
                .expect("first")
        );
        assert!(
            !store
                .claim_job("digest", "7:2026-W48", 2)
                .await
                .expect("again")
        );
        let (org, admin) = organisation(store, "Cedar").await;
        assert!(
            store
                .email_enabled(admin, "digest")
                .await
                .expect("default on")
        );
        store
            .set_email_enabled(admin, "digest", false)
            .await
            .expect("off");
        assert!(!store.email_enabled(admin, "digest").await.expect("off"));
        let p = store
            .create_priority(org, &priority("Plans"), 1)
            .await
            .expect("p");
        for (what, due) in [("Soon", "2026-12-01"), ("Later", "2027-06-01")] {
            store
                .create_action(org, p, &action(what, Some(due)), 1)
                .await
                .expect("action");
        }
        let due = store
            .actions_dated_between("2026-11-24", "2026-12-08")
            .await
            .expect("due");
        assert_eq!(
            due.iter()
                .map(|d| (d.what.as_str(), d.which.as_str()))
                .collect::<Vec<_>>(),
            [("Soon", "due")]
        );
        // Quiet plans: published long ago with nothing since.
        store
            .publish_version(org, "{}", "[]", 100)
            .await
            .expect("v1");
        assert_eq!(store.quiet_plans(200).await.expect("quiet"), [org]);
        store
            .add_update(org, p, None, "News", None, None, admin, true, 150)
            .await
            .expect("public update");
        assert!(store.quiet_plans(120).await.expect("not quiet").is_empty());
        // Cadence: the last review's opening time.
        store
            .set_review_cadence(org, Some(3))
            .await
            .expect("cadence");
        assert!(store.review_cadences().await.expect("none").is_empty());
        store
            .create_review(
                &NewReviewRecord {
                    organisation_id: org,
                    title: "R".into(),
                    framework_slug: "demonstration".into(),
                    framework_version: "2026.1".into(),
                    themes: Vec::new(),
                    closes_on: None,
                    opened_by: admin,
                },
                500,
            )
            .await
            .expect("review");
        assert_eq!(store.review_cadences().await.expect("one"), [(org, 3, 500)]);
    }
}
use plans::*;

conformance!(@engines sqlite_plans, postgres_plans;
    every_plan_edit_raises_the_revision_and_stays_in_its_organisation,
    jobs_run_once_and_reminders_find_their_actions,
);

mod directory {
    use mir_domain::organisation::{OrganisationKind, OrganisationStatus};
    use mir_store::{
        DirectoryFilter, DirectoryRepo, DirectorySort, PeopleRepo, PlanRepo, PublishedPriority,
        SignUp, SignUpRepo, Store,
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
    }
}
use directory::*;

conformance!(@engines sqlite_directory, postgres_directory;
    the_directory_filters_counts_and_finds_who_else,
);

mod full_text {
    use mir_domain::organisation::OrganisationKind;
    use mir_store::{PeopleRepo, SearchEntry, SearchRepo, SignUp, SignUpRepo, Store};

    fn entry(kind: &str, anchor: &str, title: &str, body: &str) -> SearchEntry {
        SearchEntry {
            kind: kind.into(),
            slug: "alder".into(),
            anchor: anchor.into(),
            title: title.into(),
            body: body.into(),
        }
    }

    pub async fn search_finds_words_with_stemming_and_highlights_them(store: &Store) {
        let admin = store
            .upsert_person("a@example.org", false, 1)
            .await
            .expect("person");
        let sign_up = SignUp {
            name: "Alder".into(),
            kind: OrganisationKind::Council,
            areas: vec!["E06000001".into()],
            website: None,
            framework_slug: "demonstration".into(),
            framework_version: "2026.1".into(),
            commitment: "We will.".into(),
        };
        let (org, _) = store
            .create_signed_up_organisation(&sign_up, admin.id, 1)
            .await
            .expect("org");
        store
            .reindex_organisation(
                org,
                &[
                    entry(
                        "organisation",
                        "",
                        "Alder Council",
                        "We will plan with people.",
                    ),
                    entry(
                        "priority",
                        "priority-1",
                        "Short breaks for carers",
                        "Carers can book a break within two weeks.",
                    ),
                    entry(
                        "action",
                        "priority-1",
                        "Open a booking line",
                        "Lead: carers' services manager",
                    ),
                ],
            )
            .await
            .expect("index");
        let words = |w: &[&str]| w.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let (hits, total) = store
            .search(&words(&["carer"]), 0, 10)
            .await
            .expect("search");
        assert_eq!(total, 2, "stemming or prefix: carer finds carers");
        assert_eq!(hits[0].kind, "priority", "a title match ranks first");
        assert!(
            hits[0].title.contains("[[") && hits[0].title.contains("]]"),
            "{}",
            hits[0].title
        );
        let (both, _) = store
            .search(&words(&["booking", "line"]), 0, 10)
            .await
            .expect("search");
        assert_eq!(both.len(), 1, "every word must match");
        assert_eq!(both[0].anchor, "priority-1");
        assert_eq!(
            store
                .search(&words(&["zebra"]), 0, 10)
                .await
                .expect("none")
                .1,
            0
        );
        assert_eq!(store.search(&[], 0, 10).await.expect("empty").1, 0);
        // Reindexing replaces.
        store
            .reindex_organisation(org, &[entry("organisation", "", "Alder Council", "")])
            .await
            .expect("again");
        assert_eq!(
            store
                .search(&words(&["carers"]), 0, 10)
                .await
                .expect("gone")
                .1,
            0
        );
    }
}
use full_text::*;

conformance!(@engines sqlite_search, postgres_search;
    search_finds_words_with_stemming_and_highlights_them,
);
