//! People: found by address, national administrators, sign-in tokens, uploads.

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
