//! The audit log, and what a person's erasure leaves of them.

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
    for (to, reply_to) in [
        ("named@example.org", None),
        // A message they wrote through the site, waiting to go to someone else.
        ("lead@example.org", Some("named@example.org")),
    ] {
        let mail = mir_store::NewMail {
            to,
            reply_to,
            subject: "Hello",
            body: "Body",
        };
        store.enqueue_mail(&mail, 13).await.expect("mail");
    }
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
