//! Accounts: tokens for one purpose, passwords and addresses, ending sessions, rate limits.

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
    // Looking does not use it; it works only for its purpose and until it expires.
    let works = |purpose, now| store.token_works("r", purpose, now);
    assert!(works(TokenPurpose::ResetPassword, 2).await.expect("look"));
    assert!(
        works(TokenPurpose::ResetPassword, 2)
            .await
            .expect("look again")
    );
    assert!(!works(TokenPurpose::SignIn, 2).await.expect("wrong purpose"));
    assert!(
        !works(TokenPurpose::ResetPassword, 100)
            .await
            .expect("expired")
    );
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
    assert!(
        !store
            .token_works("r", TokenPurpose::ResetPassword, 3)
            .await
            .expect("used"),
        "a used token no longer works"
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
