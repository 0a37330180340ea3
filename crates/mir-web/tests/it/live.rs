//! Live co-production sessions through the real router, on both engines: a facilitator
//! prepares and opens a session, people join by code without an account, write cards (with
//! clear errors), change their own, place dots within their budget; the facilitator types in
//! a paper card, groups and hides; the ranking keeps small perspectives anonymous; a group
//! becomes a draft priority; a closed session takes nothing more. The live stream says when
//! something changed.

use crate::support::{Group, TestApp, csrf_of, group, select, text};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use mir_store::{AuditRepo, LiveRepo};
use tower::ServiceExt;

/// A device in the room: its cookies (form token and, once joined, the session's token).
struct Device {
    cookies: String,
}

impl Device {
    async fn new(app: &TestApp, code: &str) -> Device {
        // The join page always has a form (a session's page has one only while it is open).
        let page = app.get("/join").await;
        assert_eq!(
            app.get(&format!("/live/{code}")).await.status,
            StatusCode::OK
        );
        let csrf = page
            .set_cookie("mir_csrf")
            .expect("a form token for the join form");
        Device { cookies: csrf }
    }

    async fn post(&self, app: &TestApp, path: &str, body: &str) -> crate::support::TestResponse {
        app.post_as(path, body, &self.cookies).await
    }

    async fn get(&self, app: &TestApp, path: &str) -> crate::support::TestResponse {
        app.get_with_cookie(path, Some(&self.cookies)).await
    }

    async fn join(&mut self, app: &TestApp, code: &str, perspective: &str) {
        let joined = self
            .post(
                app,
                &format!("/live/{code}/join"),
                &format!("perspective={perspective}&name="),
            )
            .await;
        assert_eq!(joined.status, StatusCode::SEE_OTHER, "{}", joined.body);
        let token = joined.set_cookie("mir_live").expect("the device's token");
        self.cookies = format!("{}; {token}", self.cookies);
    }
}

async fn prepared_session(app: &TestApp, g: &Group) -> (String, i64, String) {
    let sessions = format!("/manage/organisations/{}/sessions", g.slug);
    let made = app
        .post_as(
            &sessions,
            "title=Summer+day&question=What+matters%3F&vote_budget=2&statements=WB-I1",
            &g.admin,
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let manage = made.header("location").to_owned();
    let id: i64 = manage
        .rsplit('/')
        .next()
        .and_then(|n| n.parse().ok())
        .expect("id");
    let code = app
        .db
        .store
        .live_session(id)
        .await
        .expect("read")
        .expect("there")
        .code;
    (manage, id, code)
}

async fn a_room_writes_groups_votes_and_a_group_becomes_a_priority(app: &TestApp) {
    let g = group(app, &mir_store::testing::sign_up("Larch Care")).await;
    let sessions = format!("/manage/organisations/{}/sessions", g.slug);

    // A facilitator's mistake is shown by its field, with what they typed kept.
    let wrong = app
        .post_as(
            &sessions,
            "title=&question=Kept+words&vote_budget=11",
            &g.admin,
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("Enter a title for the session"));
    assert!(wrong.body.contains("a number from 1 to 10"));
    assert!(wrong.body.contains("Kept words"));
    assert_eq!(select(&wrong.html(), ".error-summary li").len(), 2);
    // A carer (not a facilitator here) may see the list but not prepare one.
    assert_eq!(
        app.get_with_cookie(&sessions, Some(&g.carer)).await.status,
        StatusCode::OK
    );
    let refused = app
        .post_as(&sessions, "title=Mine&question=Q", &g.carer)
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let (manage, id, code) = prepared_session(app, &g).await;
    assert_eq!(code.len(), 6);
    let shown = app.get_with_cookie(&manage, Some(&g.admin)).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.body.contains(&mir_domain::live::show_code(&code)));

    // Typed in any case, with a space: found. Before it opens, nobody can join.
    let mut sam = Device::new(app, &code).await;
    let typed = format!("{} {}", &code[..3], &code[3..]).to_lowercase();
    let found = sam
        .post(app, "/join", &format!("code={}", typed.replace(' ', "+")))
        .await;
    assert_eq!(found.status, StatusCode::SEE_OTHER);
    assert_eq!(found.header("location"), format!("/live/{code}"));
    let unknown = sam.post(app, "/join", "code=ZZZ222").await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown.body.contains("There is no session with that code"));
    let early = sam
        .post(app, &format!("/live/{code}/join"), "perspective=person")
        .await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    assert!(early.body.contains("has not started yet"));

    let opened = app
        .post_as(&format!("{manage}/state"), "to=open", &g.admin)
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER);

    // Joining: a perspective is needed; the device gets a token for this session only, which
    // ends when the browser closes.
    let nobody = sam
        .post(app, &format!("/live/{code}/join"), "perspective=&name=")
        .await;
    assert_eq!(nobody.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(nobody.body.contains("Choose who you are"));
    let joined = sam
        .post(
            app,
            &format!("/live/{code}/join"),
            "perspective=person&name=Sam",
        )
        .await;
    let cookie = joined.set_cookie_full("mir_live").expect("token cookie");
    assert!(cookie.contains(&format!("Path=/live/{code}")), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && !cookie.contains("Max-Age") && !cookie.contains("Expires")
    );
    sam.cookies = format!(
        "{}; {}",
        sam.cookies,
        joined.set_cookie("mir_live").expect("token")
    );

    // Cards: errors by their field, with an error summary; markup stays text.
    let cards = format!("/live/{code}/cards");
    let empty = sam.post(app, &cards, "kind=idea&text=++").await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("Write something on your card"));
    assert_eq!(empty.header("cache-control"), "no-store");
    let long = sam
        .post(app, &cards, &format!("kind=idea&text={}", "a".repeat(201)))
        .await;
    assert!(
        long.body
            .contains("Use 200 characters or fewer (you have 201)")
    );
    assert!(
        long.body.contains(&"a".repeat(201)),
        "what was typed is kept"
    );
    let written = sam
        .post(
            app,
            &cards,
            "kind=needs-to-change&text=%3Cscript%3Ebuses%3C%2Fscript%3E&statement=WB-I1",
        )
        .await;
    assert_eq!(written.status, StatusCode::SEE_OTHER);
    let board = sam.get(app, &format!("/live/{code}")).await;
    assert_eq!(board.header("cache-control"), "no-store");
    assert!(
        board
            .body
            .contains("&#60;script&#62;buses&#60;/script&#62;")
    );
    assert!(!board.body.contains("<script>buses"));
    let sams_card = app.db.store.live_board(id).await.expect("board").cards[0].id;

    // Someone else cannot change Sam's card; Sam can.
    let mut kit = Device::new(app, &code).await;
    kit.join(app, &code, "staff").await;
    let hijack = kit
        .post(
            app,
            &format!("/live/{code}/cards/{sams_card}"),
            "kind=idea&text=Mine",
        )
        .await;
    assert_eq!(hijack.status, StatusCode::NOT_FOUND);
    assert_eq!(
        kit.get(app, &format!("/live/{code}/cards/{sams_card}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let edited = sam
        .post(
            app,
            &format!("/live/{code}/cards/{sams_card}"),
            "kind=needs-to-change&text=Buses+late",
        )
        .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER);
    kit.post(app, &cards, "kind=working-well&text=Kind+drivers")
        .await;

    // The facilitator types in a paper card (who wrote it is needed), starts a group and
    // moves two cards into it; a card is hidden with a reason, kept in the audit log.
    let no_perspective = app
        .post_as(
            &format!("{manage}/cards"),
            "kind=idea&text=From+paper",
            &g.admin,
        )
        .await;
    assert_eq!(no_perspective.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_perspective.body.contains("Choose who wrote the card"));
    let paper = app
        .post_as(
            &format!("{manage}/cards"),
            "kind=idea&text=From+paper&perspective=carer",
            &g.admin,
        )
        .await;
    assert_eq!(paper.status, StatusCode::SEE_OTHER);
    app.post_as(&format!("{manage}/groups"), "name=Getting+about", &g.admin)
        .await;
    let board_now = app.db.store.live_board(id).await.expect("board");
    let group_id = board_now.groups[0].id;
    for card in [&board_now.cards[0], &board_now.cards[1]] {
        let moved = app
            .post_as(
                &format!("{manage}/cards/{}/group", card.id),
                &format!("group={group_id}"),
                &g.admin,
            )
            .await;
        assert_eq!(moved.status, StatusCode::SEE_OTHER);
    }
    let paper_card = board_now.cards[2].id;
    // A reason is needed: the problem is shown on that card's form, open, and the summary's
    // link goes to its reason box.
    let no_reason = app
        .post_as(
            &format!("{manage}/cards/{paper_card}/hide"),
            "reason=++",
            &g.admin,
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        no_reason
            .body
            .contains(&format!("href=\"#reason-{paper_card}\"")),
        "{}",
        no_reason.body
    );
    assert!(
        no_reason
            .body
            .contains(&format!("id=\"reason-{paper_card}-error\""))
    );
    let hidden = app
        .post_as(
            &format!("{manage}/cards/{paper_card}/hide"),
            "reason=Names+a+person",
            &g.admin,
        )
        .await;
    assert_eq!(hidden.status, StatusCode::SEE_OTHER);
    assert!(
        !sam.get(app, &format!("/live/{code}"))
            .await
            .body
            .contains("From paper")
    );
    let audit = app.db.store.audit_events(None, 50).await.expect("audit");
    assert!(
        audit
            .iter()
            .any(|e| e.action == "live card hidden" && e.detail.contains("Names a person"))
    );

    // Dots: two each; a third is refused with what to do.
    let dots = format!("/live/{code}/dots");
    assert_eq!(
        sam.post(app, &dots, &format!("target=g{group_id}"))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        sam.post(app, &dots, &format!("target=c{sams_card}"))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let third = sam.post(app, &dots, "target=c999999").await;
    assert_eq!(third.status, StatusCode::NOT_FOUND);
    let kits_card = board_now.cards[1].id;
    let over = sam.post(app, &dots, &format!("target=c{kits_card}")).await;
    assert_eq!(over.status, StatusCode::CONFLICT);
    assert!(over.body.contains("You have used all 2 of your dots"));
    kit.post(app, &dots, &format!("target=g{group_id}")).await;
    // Two people: too few to show each perspective's figures.
    let ranked = sam.get(app, &format!("/live/{code}")).await;
    assert!(ranked.body.contains("Too few people have joined"));
    assert!(!ranked.body.contains("Dots by perspective"));
    let easy = sam.get(app, &format!("/live/{code}?view=easy")).await;
    assert!(
        easy.body.contains("So we only count the dots"),
        "the same in Easy Read words"
    );

    // A hidden card stays on its writer's phone, with the reason; nobody else sees it.
    let hide_kits = app
        .post_as(
            &format!("{manage}/cards/{kits_card}/hide"),
            "reason=Off+topic",
            &g.admin,
        )
        .await;
    assert_eq!(hide_kits.status, StatusCode::SEE_OTHER);
    assert!(
        hide_kits
            .header("location")
            .ends_with(&format!("#card-{kits_card}"))
    );
    let kits_view = kit.get(app, &format!("/live/{code}")).await.body;
    assert!(kits_view.contains("Kind drivers") && kits_view.contains("Off topic"));
    assert!(
        !sam.get(app, &format!("/live/{code}"))
            .await
            .body
            .contains("Kind drivers")
    );

    // A group becomes a draft priority: its name, the statements, what the room said.
    let from = app
        .get_with_cookie(
            &format!(
                "/manage/organisations/{}/plan/priorities/new?session={id}&target=g{group_id}",
                g.slug
            ),
            Some(&g.admin),
        )
        .await;
    assert_eq!(from.status, StatusCode::OK);
    let html = from.html();
    assert_eq!(
        select(&html, "#title")[0].value().attr("value"),
        Some("Getting about")
    );
    assert!(text(&select(&html, "#why")[0]).contains("Summer day"));
    assert!(select(&html, "input[name=statements][value=WB-I1][checked]").len() == 1);

    // Outsiders are told nothing; a carer here may not facilitate.
    let outsider = app.sign_in("outsider@example.org", false).await;
    assert_eq!(
        app.get_with_cookie(&manage, Some(&outsider)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get_with_cookie(&manage, Some(&g.carer)).await.status,
        StatusCode::FORBIDDEN
    );

    // Closed: nothing more, with a reason.
    app.post_as(&format!("{manage}/state"), "to=closed", &g.admin)
        .await;
    let late = sam.post(app, &cards, "kind=idea&text=Late").await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert!(late.body.contains("This session has closed"));
    let reopen = app
        .post_as(&format!("{manage}/state"), "to=open", &g.admin)
        .await;
    assert_eq!(reopen.status, StatusCode::CONFLICT);
    let record = app
        .get_with_cookie(&format!("{manage}/record"), Some(&g.admin))
        .await;
    assert_eq!(record.status, StatusCode::OK);
    assert!(record.body.contains("Buses late") && !record.body.contains("From paper"));
    let _ = csrf_of(&g.admin);
}

async fn the_stream_says_when_a_board_changed(app: &TestApp) {
    let g = group(app, &mir_store::testing::sign_up("Rowan Care")).await;
    let (manage, _, code) = prepared_session(app, &g).await;
    app.post_as(&format!("{manage}/state"), "to=open", &g.admin)
        .await;
    let response = app
        .router
        .clone()
        .oneshot(
            Request::builder()
                .uri(format!("/live/{code}/events"))
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("answer");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    assert_eq!(response.headers()["cache-control"], "no-store");
    let mut body = response.into_body();
    let mut next_event = async || loop {
        let frame = tokio::time::timeout(std::time::Duration::from_secs(5), body.frame())
            .await
            .expect("an event within 5 s")
            .expect("stream open")
            .expect("frame");
        if let Some(data) = frame.data_ref() {
            let text = String::from_utf8_lossy(data).into_owned();
            if text.contains("event: change") {
                return text;
            }
        }
    };
    let first = next_event().await;
    let mut kim = Device::new(app, &code).await;
    kim.join(app, &code, "carer").await;
    let after_join = next_event().await;
    assert_ne!(
        first, after_join,
        "joining changes the board: {first} / {after_join}"
    );
}

/// The next event named `name` on a stream, within 5 seconds.
async fn next_named(body: &mut Body, name: &str) -> String {
    loop {
        let frame = tokio::time::timeout(std::time::Duration::from_secs(5), body.frame())
            .await
            .unwrap_or_else(|_| panic!("a {name} event within 5 s"))
            .expect("stream open")
            .expect("frame");
        if let Some(data) = frame.data_ref() {
            let text = String::from_utf8_lossy(data).into_owned();
            if text.contains(&format!("event: {name}")) {
                return text;
            }
        }
    }
}

async fn the_stream_carries_new_cards_and_dots_to_phones(app: &TestApp) {
    let g = group(app, &mir_store::testing::sign_up("Aspen Care")).await;
    let (manage, _, code) = prepared_session(app, &g).await;
    app.post_as(&format!("{manage}/state"), "to=open", &g.admin)
        .await;
    let mut kim = Device::new(app, &code).await;
    kim.join(app, &code, "carer").await;
    let page = kim.get(app, &format!("/live/{code}")).await;
    let version: i64 = page
        .body
        .split("data-live-version=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .and_then(|v| v.parse().ok())
        .expect("the board says which change it shows");
    let open = |path: String| {
        app.router.clone().oneshot(
            Request::builder()
                .uri(path)
                .header("cookie", "mir_view=easy")
                .body(Body::empty())
                .expect("request"),
        )
    };
    let mut phone = open(format!("/live/{code}/events?board=participant"))
        .await
        .expect("answer")
        .into_body();
    let mut facilitator = open(format!("/live/{code}/events"))
        .await
        .expect("answer")
        .into_body();
    next_named(&mut phone, "change").await;
    next_named(&mut facilitator, "change").await;
    // Let the watcher read the board the streams start from.
    tokio::time::sleep(mir_web::live_events::POLL * 2).await;
    let card = kim
        .post(
            app,
            &format!("/live/{code}/cards"),
            "kind=idea&text=Ramps+%3Cb%3Eeverywhere%3C%2Fb%3E",
        )
        .await;
    assert_eq!(card.status, StatusCode::SEE_OTHER, "{}", card.body);
    let delta = next_named(&mut phone, "delta").await;
    assert!(
        delta.contains(&format!("\"from\":{version}")),
        "the change starts from the board the phone shows: {delta}"
    );
    assert!(
        delta.contains("Ramps &#60;b&#62;everywhere&#60;/b&#62;") && !delta.contains("<b>"),
        "the new card comes as escaped HTML: {delta}"
    );
    assert!(
        delta.contains("I have an idea"),
        "with its kind, in the reader's view (Easy Read here): {delta}"
    );
    assert!(
        !delta.contains("Change or take back"),
        "no one's own controls travel to everyone: {delta}"
    );
    // The facilitator's page (no board named) is told to fetch itself again.
    next_named(&mut facilitator, "change").await;
    // A dot: the new count, in place.
    let id = delta
        .split("\"id\":")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .expect("the card's number")
        .to_owned();
    let dot = kim
        .post(app, &format!("/live/{code}/dots"), &format!("target=c{id}"))
        .await;
    assert_eq!(dot.status, StatusCode::SEE_OTHER, "{}", dot.body);
    let counted = next_named(&mut phone, "delta").await;
    assert!(
        counted.contains(&format!("\"c{id}\":\"1 dot\"")) && counted.contains("\"reranks\":true"),
        "{counted}"
    );
    // The ranking alone, for the script to fetch after dots move.
    let ranking = kim.get(app, &format!("/live/{code}/ranking")).await;
    assert_eq!(ranking.status, StatusCode::OK);
    assert!(ranking.body.contains("id=\"live-ranking\"") && ranking.body.contains("Ramps"));
    // Words changed: boards fetch themselves again.
    kim.post(
        app,
        &format!("/live/{code}/cards/{id}"),
        "kind=idea&text=Ramps+at+every+door",
    )
    .await;
    next_named(&mut phone, "change").await;
}

async fn a_group_sets_how_long_closed_sessions_are_kept(app: &TestApp) {
    let g = group(app, &mir_store::testing::sign_up("Willow Care")).await;
    let (_, id, _) = prepared_session(app, &g).await;
    let sessions = format!("/manage/organisations/{}/sessions", g.slug);
    let page = app.get_with_cookie(&sessions, Some(&g.admin)).await;
    assert!(
        page.body.contains("value=\"90\""),
        "90 days unless the group chose"
    );
    // A mistake: shown by the field and at the top, with what was typed kept.
    let wrong = app
        .post_as(
            &format!("{sessions}/retention"),
            "retention_days=ninety",
            &g.admin,
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong
            .body
            .contains("Enter a whole number of days from 1 to 730")
    );
    assert!(
        wrong.body.contains("href=\"#retention_days\""),
        "in the error summary"
    );
    assert!(
        wrong.body.contains("value=\"ninety\""),
        "what was typed is kept"
    );
    let saved = app
        .post_as(
            &format!("{sessions}/retention"),
            "retention_days=30",
            &g.admin,
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let stored = |id| async move {
        app.db
            .store
            .live_session(id)
            .await
            .expect("read")
            .expect("there")
            .retention_days
    };
    assert_eq!(stored(id).await, 30, "applies to sessions not yet deleted");
    let (_, newer, _) = prepared_session(app, &g).await;
    assert_eq!(stored(newer).await, 30, "and to new ones");
}

async fn a_whole_room_behind_one_address_can_join(app: &TestApp) {
    let g = group(app, &mir_store::testing::sign_up("Hornbeam Care")).await;
    let (manage, _, code) = prepared_session(app, &g).await;
    app.post_as(&format!("{manage}/state"), "to=open", &g.admin)
        .await;
    // Every request here comes from one address, as a venue's Wi-Fi makes it: 120 people
    // (more than the first limit of 100 per address) all get in.
    for _ in 0..120 {
        let mut phone = Device::new(app, &code).await;
        phone.join(app, &code, "person").await;
    }
}

async fn a_sessions_cards_go_into_an_open_review_once(app: &TestApp) {
    let g = group(app, &mir_store::testing::sign_up("Elder Care")).await;
    let (manage, _, code) = prepared_session(app, &g).await;
    app.post_as(&format!("{manage}/state"), "to=open", &g.admin)
        .await;
    let opened = app
        .post_as(
            &format!("/manage/organisations/{}/reviews", g.slug),
            "title=Spring+review&scope=some&themes=WB",
            &g.admin,
        )
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
    let review_page = opened.header("location").to_owned();
    let review_id = review_page.rsplit('/').next().expect("id").to_owned();
    let mut kim = Device::new(app, &code).await;
    kim.join(app, &code, "carer").await;
    let cards = format!("/live/{code}/cards");
    for body in [
        "kind=working-well&text=The+day+centre+listens&statement=WB-I1",
        "kind=needs-to-change&text=Respite+is+hard+to+book&statement=WB-I1",
        "kind=idea&text=A+bus+timetable",
    ] {
        assert_eq!(
            kim.post(app, &cards, body).await.status,
            StatusCode::SEE_OTHER
        );
    }
    // A card typed in from paper, from someone who is none of the review's perspectives.
    app.post_as(
        &format!("{manage}/cards"),
        "kind=idea&text=From+a+visitor&perspective=other&statement=WB-I1",
        &g.admin,
    )
    .await;
    // Afterwards only: while people can still write, the page says to close it first.
    let page = app.get_with_cookie(&manage, Some(&g.admin)).await;
    assert!(page.body.contains("Once the session is closed"));
    let early = app
        .post_as(
            &format!("{manage}/review"),
            &format!("review={review_id}"),
            &g.admin,
        )
        .await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    app.post_as(&format!("{manage}/state"), "to=closed", &g.admin)
        .await;
    let page = app.get_with_cookie(&manage, Some(&g.admin)).await;
    assert!(page.body.contains("Put the words in the review"));
    // A mistake is named by its field.
    let wrong = app
        .post_as(&format!("{manage}/review"), "review=next", &g.admin)
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong.body.contains("href=\"#review\""),
        "in the error summary"
    );
    let done = app
        .post_as(
            &format!("{manage}/review"),
            &format!("review={review_id}"),
            &g.admin,
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.header("location"), review_page);
    // Words from a workshop, for the carers' line, counted as no one (a card is words, not a
    // level); the review's summary shows them as it shows any workshop's words, once enough
    // people have given views.
    use mir_store::ReviewRepo;
    let id: i64 = review_id.parse().expect("number");
    let words = app.db.store.workshop_views(id).await.expect("read");
    assert_eq!(
        words.len(),
        1,
        "one line: one statement, one perspective: {words:?}"
    );
    let line = &words[0];
    assert_eq!(
        (
            line.statement_code.as_str(),
            line.perspective.as_str(),
            line.people,
            line.level.as_str()
        ),
        ("WB-I1", "carer", 0, "")
    );
    assert_eq!(line.working, "The day centre listens");
    assert_eq!(line.to_change, "Respite is hard to book");
    assert_eq!(line.session_label, "Live session: Summer day");
    // Once only: nothing is said twice.
    let again = app
        .post_as(
            &format!("{manage}/review"),
            &format!("review={review_id}"),
            &g.admin,
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let page = app.get_with_cookie(&manage, Some(&g.admin)).await;
    assert!(
        page.body.contains("are in the review")
            && !page.body.contains("Put the words in the review")
    );
}

async fn wrong_codes_are_limited_and_right_ones_never_count(app: &TestApp) {
    let g = group(app, &mir_store::testing::sign_up("Hazel Care")).await;
    let (manage, _, code) = prepared_session(app, &g).await;
    app.post_as(&format!("{manage}/state"), "to=open", &g.admin)
        .await;
    // A room on one Wi-Fi address: any number of right codes.
    for _ in 0..40 {
        assert_eq!(
            app.get(&format!("/live/{code}")).await.status,
            StatusCode::OK
        );
    }
    // A phone in the room joins before anything goes wrong.
    let mut joined = Device::new(app, &code).await;
    joined.join(app, &code, "person").await;
    // Another site's page making browsers ask for wrong codes uses up only its own share:
    // past it, cross-site asks are refused, and the room's own asks are not.
    let cross_site = |i: i64| {
        Request::builder()
            .uri(format!("/live/ZZZ{:03}", 222 + (i % 7)))
            .header("sec-fetch-site", "cross-site")
            .body(Body::empty())
            .expect("request")
    };
    for i in 0..mir_app::live::WRONG_CODES {
        let wrong = app
            .router
            .clone()
            .oneshot(cross_site(i))
            .await
            .expect("answer");
        assert_eq!(wrong.status(), StatusCode::NOT_FOUND);
    }
    let limited = app
        .router
        .clone()
        .oneshot(cross_site(0))
        .await
        .expect("answer");
    assert_eq!(
        limited.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "a header that says cross-site buys no more guesses"
    );
    assert_eq!(
        app.get(&format!("/live/{code}")).await.status,
        StatusCode::OK
    );
    for i in 0..mir_app::live::WRONG_CODES {
        let wrong = app.get(&format!("/live/ZZZ{:03}", 222 + (i % 7))).await;
        assert_eq!(wrong.status, StatusCode::NOT_FOUND);
    }
    // Then every code is refused for a while, the right one too, so a guesser learns nothing…
    assert_eq!(
        app.get("/live/ZZZ222").await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        app.get(&format!("/live/{code}")).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // … but a phone that joined keeps its place, its stream and its ranking.
    for path in ["", "/ranking", "/projector"] {
        assert_eq!(
            joined.get(app, &format!("/live/{code}{path}")).await.status,
            StatusCode::OK,
            "{path}"
        );
    }
}

/// The kinds-of-card rows of a form: `(label, easy, colour, picture, review)` per row.
fn kinds_body(rows: &[(&str, &str, &str, &str, &str)]) -> String {
    let mut body = String::new();
    for (label, easy, colour, picture, review) in rows {
        body.push_str(&format!(
            "&kind_label={}&kind_easy={}&kind_colour={colour}&kind_picture={picture}&kind_review={review}",
            label.replace(' ', "+"),
            easy.replace(' ', "+")
        ));
    }
    body
}

async fn a_session_has_its_own_kinds_of_card(app: &TestApp) {
    let g = group(app, &mir_store::testing::sign_up("Rowan Care")).await;
    let sessions = format!("/manage/organisations/{}/sessions", g.slug);
    // The new-session form offers the default three, to change.
    let form = app.get_with_cookie(&sessions, Some(&g.admin)).await;
    assert!(
        form.body
            .contains("Kinds of card: Working well, Needs to change, Idea")
    );
    // A mistake is shown beside its row's field and in the summary, and what was typed stays.
    let wrong = app
        .post_as(
            &sessions,
            &format!(
                "title=Board+day&question=What+now%3F&vote_budget=3{}",
                kinds_body(&[
                    (
                        "Good things",
                        "Good things",
                        "green",
                        "tick",
                        "working-well"
                    ),
                    ("A question", "", "green", "question", "left"),
                    ("", "", "", "", "left"),
                ])
            ),
            &g.admin,
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong.body.contains("href=\"#kind_easy_2\""),
        "{}",
        wrong.body
    );
    assert!(wrong.body.contains("href=\"#kind_colour_2\""));
    assert!(wrong.body.contains("value=\"A question\""), "kept as typed");
    assert!(
        wrong.body.contains("<details class=\"details\" open>"),
        "shown open"
    );
    let made = app
        .post_as(
            &sessions,
            &format!(
                "title=Board+day&question=What+now%3F&vote_budget=3&statements=WB-I1{}",
                kinds_body(&[
                    (
                        "Good things",
                        "Good things",
                        "green",
                        "tick",
                        "working-well"
                    ),
                    ("A question", "I want to ask", "blue", "question", "left"),
                    ("", "", "", "", "left"),
                ])
            ),
            &g.admin,
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let manage = made.header("location").to_owned();
    // While it is a draft, the kinds can change; a third is added.
    let draft = app.get_with_cookie(&manage, Some(&g.admin)).await;
    assert!(draft.body.contains("Save the kinds of card"));
    let changed = app
        .post_as(
            &format!("{manage}/kinds"),
            &kinds_body(&[
                (
                    "Good things",
                    "Good things",
                    "green",
                    "tick",
                    "working-well",
                ),
                ("A question", "I want to ask", "blue", "question", "left"),
                ("Thanks", "Thank you", "purple", "heart", "left"),
            ]),
            &g.admin,
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    let none = app
        .post_as(
            &format!("{manage}/kinds"),
            &kinds_body(&[("", "", "", "", "left")]),
            &g.admin,
        )
        .await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(none.body.contains("href=\"#kind_label_1\""));
    app.post_as(&format!("{manage}/state"), "to=open", &g.admin)
        .await;
    let id: i64 = manage
        .rsplit('/')
        .next()
        .and_then(|n| n.parse().ok())
        .expect("id");
    let code = app
        .db
        .store
        .live_session(id)
        .await
        .expect("read")
        .expect("there")
        .code;
    // People see the session's kinds, in Easy Read words too, and write cards of them.
    let mut ash = Device::new(app, &code).await;
    ash.join(app, &code, "person").await;
    let board = ash.get(app, &format!("/live/{code}")).await;
    for kind in ["good-things", "a-question", "thanks"] {
        assert!(
            board.body.contains(&format!("value=\"{kind}\"")),
            "{kind} offered"
        );
        assert!(board.body.contains(&format!("id=\"live-column-{kind}\"")));
    }
    assert!(
        !board.body.contains("value=\"idea\""),
        "the defaults are not offered"
    );
    assert!(board.body.contains("card-question"), "its picture");
    let asked = ash
        .post(
            app,
            &format!("/live/{code}/cards"),
            "kind=a-question&text=Who+pays%3F",
        )
        .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.body);
    let refused = ash
        .post(
            app,
            &format!("/live/{code}/cards"),
            "kind=idea&text=Not+a+kind+here",
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = scraper::Html::parse_document(&ash.get(app, &format!("/live/{code}")).await.body);
    let column = select(&page, "#live-column-a-question.live-column--blue");
    assert_eq!(column.len(), 1, "a blue column for questions");
    assert!(
        text(&column[0]).contains("Who pays?"),
        "{}",
        text(&column[0])
    );
    // Once open, the kinds stay as they are.
    let late = app
        .post_as(
            &format!("{manage}/kinds"),
            &kinds_body(&[("Other", "Other", "green", "tick", "left")]),
            &g.admin,
        )
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert!(
        !app.get_with_cookie(&manage, Some(&g.admin))
            .await
            .body
            .contains("Save the kinds of card")
    );
    // In a review, each kind's words go where its row said: questions stay out.
    for body in [
        "kind=good-things&text=Kind+drivers&statement=WB-I1",
        "kind=a-question&text=When+does+it+start%3F&statement=WB-I1",
    ] {
        let posted = ash.post(app, &format!("/live/{code}/cards"), body).await;
        assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);
    }
    let opened = app
        .post_as(
            &format!("/manage/organisations/{}/reviews", g.slug),
            "title=Spring+review&scope=some&themes=WB",
            &g.admin,
        )
        .await;
    let review_id: i64 = opened
        .header("location")
        .rsplit('/')
        .next()
        .and_then(|n| n.parse().ok())
        .expect("a review");
    app.post_as(&format!("{manage}/state"), "to=closed", &g.admin)
        .await;
    let done = app
        .post_as(
            &format!("{manage}/review"),
            &format!("review={review_id}"),
            &g.admin,
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    use mir_store::ReviewRepo;
    let words = app.db.store.workshop_views(review_id).await.expect("read");
    assert_eq!(words.len(), 1, "{words:?}");
    assert_eq!(words[0].working, "Kind drivers");
    assert_eq!(
        words[0].to_change, "",
        "a question is not something to change"
    );
    let told = app
        .get_with_cookie(done.header("location"), Some(&g.admin))
        .await;
    assert!(
        told.body
            .contains("Not put in: 2 cards of a kind kept out of reviews."),
        "says why cards stayed out"
    );
}

async fn a_session_can_be_about_a_whole_theme(app: &TestApp) {
    let g = group(app, &mir_store::testing::sign_up("Aspen Care")).await;
    let sessions = format!("/manage/organisations/{}/sessions", g.slug);
    let page = app.get_with_cookie(&sessions, Some(&g.admin)).await;
    assert!(page.body.contains("id=\"themes-WB\""), "themes are offered");
    let made = app
        .post_as(
            &sessions,
            "title=Theme+day&question=What+now%3F&vote_budget=3&themes=WB&statements=IA-I1",
            &g.admin,
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let id: i64 = made
        .header("location")
        .rsplit('/')
        .next()
        .and_then(|n| n.parse().ok())
        .expect("id");
    let session = app
        .db
        .store
        .live_session(id)
        .await
        .expect("read")
        .expect("there");
    let wb: Vec<&String> = session
        .statements
        .iter()
        .filter(|c| c.starts_with("WB-"))
        .collect();
    assert!(
        wb.len() >= 2,
        "every statement of the theme: {:?}",
        session.statements
    );
    assert!(
        session.statements.contains(&"IA-I1".to_owned()),
        "and one chosen alone"
    );
}

both_engines!(
    a_room_writes_groups_votes_and_a_group_becomes_a_priority,
    the_stream_says_when_a_board_changed,
    the_stream_carries_new_cards_and_dots_to_phones,
    a_group_sets_how_long_closed_sessions_are_kept,
    a_whole_room_behind_one_address_can_join,
    a_sessions_cards_go_into_an_open_review_once,
    wrong_codes_are_limited_and_right_ones_never_count,
    a_session_has_its_own_kinds_of_card,
    a_session_can_be_about_a_whole_theme,
);
