//! Good practice stories: public only for approved organisations, found by statement.

use mir_domain::organisation::OrganisationStatus;
use mir_store::{SignUpRepo, Store, StoryRepo};

use super::members::organisation;

pub async fn stories_are_public_only_for_approved_organisations_and_found_by_statement(
    store: &Store,
) {
    let (org, admin) = organisation(store, "Rowan Care", "chair@example.org").await;
    let statements = vec!["WB-I1".to_owned(), "IA-We2".to_owned()];
    let first = store
        .publish_story(
            org,
            "Listening first",
            "We **listened**.",
            &statements,
            admin,
            10,
        )
        .await
        .expect("publish");
    let second = store
        .publish_story(org, "Second", "More.", &["CO-I1".to_owned()], admin, 20)
        .await
        .expect("publish");
    // Waiting for approval: nothing is public yet, but the organisation sees its own.
    assert!(store.stories(&[], 10).await.expect("list").is_empty());
    assert_eq!(store.story(first).await.expect("one"), None);
    assert_eq!(store.stories_of(org).await.expect("own").len(), 2);

    store
        .decide_organisation(org, OrganisationStatus::Approved, None, 30)
        .await
        .expect("approve");
    let all = store.stories(&[], 10).await.expect("list");
    assert_eq!(
        all.iter().map(|s| s.id).collect::<Vec<_>>(),
        [second, first],
        "newest first"
    );
    let on = store
        .stories(&["IA-We2".to_owned()], 10)
        .await
        .expect("by statement");
    assert_eq!(on.iter().map(|s| s.id).collect::<Vec<_>>(), [first]);
    let story = store.story(first).await.expect("one").expect("public");
    assert_eq!(story.title, "Listening first");
    assert_eq!(story.body, "We **listened**.");
    assert_eq!(story.statements, statements);
    assert_eq!(story.slug, "rowan-care");
    assert_eq!(story.published_at, 10);
    assert_eq!(store.stories(&[], 1).await.expect("limit").len(), 1);
}
