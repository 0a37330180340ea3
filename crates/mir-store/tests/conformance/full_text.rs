//! Full-text search (FTS5 on SQLite, tsvector on PostgreSQL).

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
        kind: OrganisationKind::Council,
        ..mir_store::testing::sign_up("Alder")
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
