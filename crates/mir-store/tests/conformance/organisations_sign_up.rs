//! Signing an organisation up: it waits for approval; slugs are unique.

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
