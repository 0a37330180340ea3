//! Live sessions: limits held by the database, dots within a budget, own cards only, and
//! retention.

use mir_store::{DotOutcome, DotTarget, LiveRepo, NewLiveSession, Store};

use super::members::organisation;

async fn session(store: &Store, org: i64, admin: i64, code: &str) -> i64 {
    store
        .create_live_session(&NewLiveSession {
            organisation_id: org,
            code,
            title: "Summer co-production day",
            question: "What matters to you?",
            statements: &["WB-I1".to_owned()],
            vote_budget: 2,
            retention_days: 90,
            card_kinds: "",
            created_by: admin,
            now: 100,
        })
        .await
        .expect("create")
}

pub async fn live_sessions_hold_their_limits_and_only_open_sessions_change(store: &Store) {
    let (org, admin) = organisation(store, "Rowan Care", "chair@example.org").await;
    let id = session(store, org, admin, "ABCDEF").await;
    assert!(matches!(
        store
            .create_live_session(&NewLiveSession {
                organisation_id: org,
                code: "ABCDEF",
                title: "t",
                question: "q",
                statements: &[],
                vote_budget: 3,
                retention_days: 90,
                card_kinds: "",
                created_by: admin,
                now: 1,
            })
            .await,
        Err(mir_store::StoreError::AlreadyExists(_))
    ));
    let found = store
        .live_session_by_code("ABCDEF")
        .await
        .expect("by code")
        .expect("there");
    assert_eq!((found.id, found.state.as_str()), (id, "draft"));
    assert_eq!(found.statements, vec!["WB-I1".to_owned()]);
    // A draft's kinds of card can change, and read back as written; an open session's cannot.
    assert_eq!(found.card_kinds, "");
    assert!(store.set_live_kinds(id, "[\"k\"]").await.expect("kinds"));
    let kinds = store.live_session(id).await.expect("read").expect("there");
    assert_eq!(kinds.card_kinds, "[\"k\"]");
    assert!(kinds.version > found.version, "a board sees the change");
    assert!(store.set_live_kinds(id, "").await.expect("kinds back"));
    // A draft cannot be joined.
    assert_eq!(
        store
            .join_live(id, "h1", "person", "Sam", 2, 101)
            .await
            .expect("join"),
        None
    );
    assert!(
        !store
            .set_live_state(id, "open", "closed", 101)
            .await
            .expect("wrong from")
    );
    assert!(
        store
            .set_live_state(id, "draft", "open", 102)
            .await
            .expect("open")
    );
    assert!(
        !store
            .set_live_kinds(id, "[]")
            .await
            .expect("kinds when open"),
        "cards may be written now: the kinds stay"
    );
    let sam = store
        .join_live(id, "h1", "person", "Sam", 2, 103)
        .await
        .expect("join")
        .expect("room");
    let kit = store
        .join_live(id, "h2", "staff", "", 2, 103)
        .await
        .expect("join")
        .expect("room");
    // Two participants at most.
    assert_eq!(
        store
            .join_live(id, "h3", "carer", "", 2, 103)
            .await
            .expect("full"),
        None
    );
    let me = store
        .live_participant(id, "h1")
        .await
        .expect("participant")
        .expect("there");
    assert_eq!((me.id, me.name.as_str()), (sam, "Sam"));
    assert_eq!(
        store.live_participant(id + 1, "h1").await.expect("other"),
        None
    );

    let card = store
        .add_live_card(id, Some(sam), "person", "idea", "Buses", "", 2, 104)
        .await
        .expect("card")
        .expect("room");
    let paper = store
        .add_live_card(
            id,
            None,
            "carer",
            "working-well",
            "Kind staff",
            "WB-I1",
            2,
            104,
        )
        .await
        .expect("card")
        .expect("room");
    assert_eq!(
        store
            .add_live_card(id, Some(kit), "staff", "idea", "Third", "", 2, 104)
            .await
            .expect("full"),
        None,
        "two cards at most"
    );
    // Only the writer edits or withdraws a card.
    assert!(
        !store
            .edit_live_card(id, card, kit, "idea", "Mine now", "", 105)
            .await
            .expect("edit")
    );
    assert!(
        store
            .edit_live_card(id, card, sam, "needs-to-change", "Buses late", "", 105)
            .await
            .expect("edit")
    );

    // Dots: two each; a second click takes a dot off; a third target has none left.
    let group = store
        .add_live_group(id, "Getting about", 106)
        .await
        .expect("group");
    assert!(
        store
            .move_live_card(id, card, Some(group))
            .await
            .expect("move")
    );
    assert!(
        !store
            .move_live_card(id, card, Some(group + 999))
            .await
            .expect("no group")
    );
    assert_eq!(
        store
            .toggle_dot(id, sam, DotTarget::Card(card), 2, 107)
            .await
            .expect("dot"),
        DotOutcome::Placed
    );
    assert_eq!(
        store
            .toggle_dot(id, sam, DotTarget::Group(group), 2, 107)
            .await
            .expect("dot"),
        DotOutcome::Placed
    );
    assert_eq!(
        store
            .toggle_dot(id, sam, DotTarget::Card(paper), 2, 107)
            .await
            .expect("dot"),
        DotOutcome::NoneLeft
    );
    assert_eq!(
        store
            .toggle_dot(id, sam, DotTarget::Card(card), 2, 107)
            .await
            .expect("dot"),
        DotOutcome::Removed
    );
    assert_eq!(
        store
            .toggle_dot(id, sam, DotTarget::Card(paper), 2, 107)
            .await
            .expect("dot"),
        DotOutcome::Placed
    );
    assert_eq!(
        store
            .toggle_dot(id, kit, DotTarget::Card(paper), 2, 107)
            .await
            .expect("dot"),
        DotOutcome::Placed
    );
    assert_eq!(
        store
            .toggle_dot(id, kit, DotTarget::Card(card + 999), 2, 107)
            .await
            .expect("dot"),
        DotOutcome::NotOpen
    );

    assert!(
        store
            .hide_live_card(id, paper, Some("names a person"))
            .await
            .expect("hide")
    );
    let board = store.live_board(id).await.expect("board");
    assert_eq!(board.cards.len(), 2);
    assert_eq!(board.cards[0].group_id, Some(group));
    assert_eq!(board.cards[0].text, "Buses late");
    assert_eq!(
        board.cards[1].hidden_reason.as_deref(),
        Some("names a person")
    );
    assert_eq!(board.cards[1].participant_id, None);
    assert_eq!(board.groups.len(), 1);
    assert_eq!(board.participants.len(), 2);
    // The hidden card's dots went back to Sam and Kit.
    assert_eq!(board.dots, vec![(DotTarget::Group(group), sam)]);
    assert_eq!(
        store
            .live_participant(id, "h2")
            .await
            .expect("kit")
            .expect("there")
            .dots_used,
        0
    );
    let before = store
        .live_version(id)
        .await
        .expect("version")
        .expect("there");

    // Withdrawing a card gives its dots back and frees room for another card.
    assert!(
        !store
            .withdraw_live_card(id, paper, sam)
            .await
            .expect("not theirs")
    );
    assert!(
        store
            .withdraw_live_card(id, card, sam)
            .await
            .expect("withdraw")
    );
    assert!(store.live_version(id).await.expect("v").expect("v") > before);
    assert!(
        store
            .add_live_card(
                id,
                Some(kit),
                "staff",
                "idea",
                "Now there is room",
                "",
                2,
                108
            )
            .await
            .expect("card")
            .is_some()
    );

    // Closed: nothing changes any more.
    assert!(
        store
            .set_live_state(id, "open", "closed", 200)
            .await
            .expect("close")
    );
    assert_eq!(
        store
            .join_live(id, "h4", "staff", "", 9, 201)
            .await
            .expect("closed"),
        None
    );
    assert_eq!(
        store
            .toggle_dot(id, kit, DotTarget::Group(group), 2, 201)
            .await
            .expect("dot"),
        DotOutcome::NotOpen
    );
    assert_eq!(
        store
            .add_live_card(id, Some(kit), "staff", "idea", "Late", "", 9, 201)
            .await
            .expect("closed"),
        None
    );

    // Retention: deleted 90 days after closing unless kept.
    let other = session(store, org, admin, "GHJKMN").await;
    assert!(
        store
            .set_live_state(other, "draft", "open", 102)
            .await
            .expect("open")
    );
    assert!(
        store
            .set_live_state(other, "open", "closed", 200)
            .await
            .expect("close")
    );
    store.set_live_keep(other, true).await.expect("keep");
    assert_eq!(
        store
            .delete_expired_live_sessions(200 + 89 * 86_400)
            .await
            .expect("none yet"),
        0
    );
    assert_eq!(
        store
            .delete_expired_live_sessions(200 + 91 * 86_400)
            .await
            .expect("one"),
        1
    );
    assert_eq!(store.live_session(id).await.expect("gone"), None);
    assert_eq!(store.live_sessions_of(org).await.expect("kept").len(), 1);
}

pub async fn dots_follow_the_words_and_hold_their_budget_under_concurrent_clicks(store: &Store) {
    let (org, admin) = organisation(store, "Alder Care", "alder@example.org").await;
    let id = session(store, org, admin, "QRSTUV").await;
    assert!(
        store
            .set_live_state(id, "draft", "open", 1)
            .await
            .expect("open")
    );
    let ann = store
        .join_live(id, "a1", "person", "", 9, 2)
        .await
        .expect("join")
        .expect("room");
    let bo = store
        .join_live(id, "b1", "staff", "", 9, 2)
        .await
        .expect("join")
        .expect("room");
    let mut cards = Vec::new();
    for i in 0..8 {
        cards.push(
            store
                .add_live_card(
                    id,
                    Some(bo),
                    "staff",
                    "idea",
                    &format!("Card {i}"),
                    "",
                    99,
                    3,
                )
                .await
                .expect("card")
                .expect("room"),
        );
    }
    // Twenty clicks at once on different cards, budget 2: exactly two dots.
    let clicks = cards
        .iter()
        .cycle()
        .take(20)
        .map(|card| store.toggle_dot(id, ann, DotTarget::Card(*card), 2, 4));
    let outcomes = futures_util::future::join_all(clicks).await;
    assert!(outcomes.iter().all(Result::is_ok), "{outcomes:?}");
    let mine = |board: &mir_store::Board| board.dots.iter().filter(|(_, p)| *p == ann).count();
    let board = store.live_board(id).await.expect("board");
    assert!(
        mine(&board) <= 2,
        "{} dots with a budget of 2",
        mine(&board)
    );

    // New words start again: the dots go back.
    let board = store.live_board(id).await.expect("board");
    let dotted = board.dots.iter().find(|(_, p)| *p == ann).map(|(t, _)| *t);
    if let Some(DotTarget::Card(card)) = dotted {
        assert!(
            store
                .edit_live_card(id, card, bo, "idea", "Other words", "", 5)
                .await
                .expect("edit")
        );
        let board = store.live_board(id).await.expect("board");
        assert!(!board.dots.iter().any(|(t, _)| *t == DotTarget::Card(card)));
        // The same words again keep the dots.
        store
            .toggle_dot(id, ann, DotTarget::Card(card), 2, 6)
            .await
            .expect("dot");
        assert!(
            store
                .edit_live_card(id, card, bo, "needs-to-change", "Other words", "", 7)
                .await
                .expect("edit")
        );
        assert!(
            store
                .live_board(id)
                .await
                .expect("board")
                .dots
                .iter()
                .any(|(t, _)| *t == DotTarget::Card(card))
        );
        // Hidden: its dots go back, and it can no longer be changed, withdrawn or dotted.
        assert!(
            store
                .hide_live_card(id, card, Some("a name"))
                .await
                .expect("hide")
        );
        assert!(
            !store
                .live_board(id)
                .await
                .expect("board")
                .dots
                .iter()
                .any(|(t, _)| *t == DotTarget::Card(card))
        );
        assert!(
            !store
                .edit_live_card(id, card, bo, "idea", "Back", "", 8)
                .await
                .expect("edit")
        );
        assert!(
            !store
                .withdraw_live_card(id, card, bo)
                .await
                .expect("withdraw")
        );
        assert_eq!(
            store
                .toggle_dot(id, ann, DotTarget::Card(card), 2, 8)
                .await
                .expect("dot"),
            DotOutcome::NotOpen
        );
    } else {
        panic!("a dot was placed: {dotted:?}");
    }

    // Withdrawing a card while someone clicks a dot on it: no error, no negative count.
    for round in 0..5 {
        let card = store
            .add_live_card(
                id,
                Some(bo),
                "staff",
                "idea",
                &format!("Race {round}"),
                "",
                99,
                9,
            )
            .await
            .expect("card")
            .expect("room");
        let (dot, gone) = tokio::join!(
            store.toggle_dot(id, ann, DotTarget::Card(card), 2, 10),
            store.withdraw_live_card(id, card, bo)
        );
        dot.expect("dot answered");
        assert!(gone.expect("withdrawn"));
    }
    let me = store
        .live_participant(id, "a1")
        .await
        .expect("read")
        .expect("there");
    let board = store.live_board(id).await.expect("board");
    assert_eq!(me.dots_used, i64::try_from(mine(&board)).expect("small"));
    assert!(me.dots_used >= 0);

    // Archived sessions are kept for the group's history, whatever their age.
    assert!(
        store
            .set_live_state(id, "open", "closed", 100)
            .await
            .expect("close")
    );
    assert!(
        store
            .set_live_state(id, "closed", "archived", 101)
            .await
            .expect("archive")
    );
    assert_eq!(
        store
            .delete_expired_live_sessions(100 + 400 * 86_400)
            .await
            .expect("none"),
        0
    );
}

pub async fn a_sessions_words_go_into_a_review_once_with_their_claim(store: &Store) {
    use mir_store::{IntoReviewOutcome, NewReviewRecord, ReviewRepo, WorkshopView};
    let (org, admin) = organisation(store, "Rowan Care", "chair@example.org").await;
    let id = session(store, org, admin, "REVIEW").await;
    let review = store
        .create_review(
            &NewReviewRecord {
                organisation_id: org,
                title: "Spring".into(),
                framework_slug: "demonstration".into(),
                framework_version: "2026.1".into(),
                themes: Vec::new(),
                closes_on: None,
                opened_by: admin,
            },
            100,
        )
        .await
        .expect("review");
    let words = [WorkshopView {
        statement_code: "WB-I1".into(),
        perspective: "carer".into(),
        level: String::new(),
        people: 0,
        working: "The day centre listens".into(),
        to_change: String::new(),
        session_label: "Live session: Summer".into(),
    }];
    assert_eq!(
        store
            .live_cards_into_review(id, review, &words, admin, 101)
            .await
            .expect("in"),
        IntoReviewOutcome::Done
    );
    assert_eq!(
        store
            .live_cards_into_review(id, review, &words, admin, 102)
            .await
            .expect("again"),
        IntoReviewOutcome::AlreadyIn,
        "once only"
    );
    assert_eq!(
        store.workshop_views(review).await.expect("read").len(),
        1,
        "written once"
    );
    let went = store.live_session(id).await.expect("read").expect("there");
    assert_eq!(went.review_id, Some(review));
    // A closed review takes nothing, and the session is not marked as having gone in.
    let other = session(store, org, admin, "REVIEX").await;
    store.close_review(review, 103).await.expect("close");
    assert_eq!(
        store
            .live_cards_into_review(other, review, &words, admin, 104)
            .await
            .expect("closed"),
        IntoReviewOutcome::ReviewClosed
    );
    let other = store
        .live_session(other)
        .await
        .expect("read")
        .expect("there");
    assert_eq!(other.review_id, None);
    assert_eq!(store.workshop_views(review).await.expect("read").len(), 1);
}
