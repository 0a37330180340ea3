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

/// A word in very many entries: counted up to a bound ("more than"), ranked among a bounded
/// number of them (issue 15), and a word of one or two letters is not a word beginning.
pub async fn broad_searches_are_counted_and_ranked_within_bounds(store: &Store) {
    let admin = store
        .upsert_person("b@example.org", false, 1)
        .await
        .expect("person");
    let (org, _) = store
        .create_signed_up_organisation(&mir_store::testing::sign_up("Birch"), admin.id, 1)
        .await
        .expect("org");
    let many = usize::try_from(mir_store::RANK_AMONG).expect("small") + 5;
    // Title matches at both ends, two together: every n-th (SQLite, here every second from
    // one end or the other) and the first found (PostgreSQL) each hold one.
    let entries: Vec<SearchEntry> = (0..many)
        .map(|n| {
            if n < 2 || n >= many - 2 {
                entry("priority", &format!("p-{n}"), "Support at home", "")
            } else {
                entry(
                    "update",
                    &format!("u-{n}"),
                    "Update",
                    "More support this month.",
                )
            }
        })
        .collect();
    store
        .reindex_organisation(org, &entries)
        .await
        .expect("index");
    let (hits, total) = store
        .search(&["support".to_owned()], 0, 300)
        .await
        .expect("search");
    // Exact on SQLite; on PostgreSQL counted up to the bound and one more.
    let exact = i64::try_from(many).expect("small");
    assert!(
        total == exact || total == mir_store::RANK_AMONG + 1,
        "{total}"
    );
    assert_eq!(hits.len(), 300);
    assert_eq!(hits[0].kind, "priority", "a title match still ranks first");
    if store.engine() == mir_store::Engine::Sqlite {
        // Ranked among matches from across all of them, not only the newest (review finding).
        let mut firsts = [hits[0].anchor.clone(), hits[1].anchor.clone()];
        firsts.sort();
        let early = ["p-0", "p-1"];
        let late = [format!("p-{}", many - 2), format!("p-{}", many - 1)];
        assert!(
            early.contains(&firsts[0].as_str()) && late.contains(&firsts[1]),
            "{firsts:?}"
        );
    }
    let (page, counted) = store
        .search(&["support".to_owned()], 990, 300)
        .await
        .expect("late page");
    assert!(
        page.len() < many - 990,
        "ranked among a bounded number only: {} from the 991st",
        page.len()
    );
    assert_eq!(counted, total);
    let (past, counted) = store
        .search(&["support".to_owned()], 5_000, 10)
        .await
        .expect("past the end");
    assert!(past.is_empty());
    assert_eq!(counted, total, "a page past the end still says how many");
    let (short, _) = store
        .search(&["su".to_owned()], 0, 10)
        .await
        .expect("short");
    assert!(
        short.is_empty(),
        "two letters are a whole word, not a beginning"
    );
}
