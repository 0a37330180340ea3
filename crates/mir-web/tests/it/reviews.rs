//! "How are we doing?" through the real router, on SQLite and PostgreSQL: opening a review,
//! giving views (by theme, one at a time, anonymously, from a workshop), the summary and its
//! gaps, agreed positions confirmed by both co-chairs, comparison with the previous review, and
//! views kept when a session ends mid-form.

use crate::support::{TestApp, csrf_of, select, text};
use axum::http::StatusCode;
use mir_domain::organisation::Role;
use mir_store::{MemberRepo, PeopleRepo, ReviewRepo, SessionRepo};

struct Group {
    base: String,
    /// The organisation's public page.
    public: String,
    admin: String,
    expert: String,
    carer: String,
    staff: String,
}

/// Cedar Support, with its four signed-in people (see `support::group`).
async fn group(app: &TestApp) -> Group {
    let g = crate::support::group(app, &mir_store::testing::sign_up("Cedar Support")).await;
    Group {
        base: format!("/manage/organisations/{}/reviews", g.slug),
        public: format!("/organisations/{}", g.slug),
        admin: g.admin,
        expert: g.expert,
        carer: g.carer,
        staff: g.staff,
    }
}

async fn post(
    app: &TestApp,
    path: &str,
    body: &str,
    cookies: &str,
) -> crate::support::TestResponse {
    // A confirmation names the position the co-chair read: take it from their summary page,
    // as the browser does (a co-chair who has no form there sends nothing).
    let body = match path.strip_suffix("/confirm") {
        Some(statement) if body.is_empty() => {
            let (review, code) = statement.rsplit_once("/statements/").expect("a statement");
            let page = app
                .get_with_cookie(&format!("{review}/summary"), Some(cookies))
                .await;
            let seen = select(
                &page.html(),
                &format!("#statement-{code} input[name='seen']"),
            )
            .first()
            .and_then(|i| i.value().attr("value"))
            .unwrap_or("")
            .to_owned();
            format!("seen={seen}")
        }
        _ => body.to_owned(),
    };
    app.post_as(path, &body, cookies).await
}

/// Opens a review and returns its address.
async fn open_review(app: &TestApp, g: &Group, title: &str) -> String {
    let opened = post(
        app,
        &g.base,
        &format!("title={title}&scope=some&themes=WB&themes=IA"),
        &g.admin,
    )
    .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
    opened.header("location").to_owned()
}

async fn reviews_work_from_opening_to_agreement(app: &TestApp) {
    let g = group(app).await;

    // Opening: every problem at once, next to its field; what was typed is kept.
    let bad = post(
        app,
        &g.base,
        "title=&scope=some&closes_on-day=31&closes_on-month=2&closes_on-year=2026",
        &g.admin,
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = bad.html();
    let linked: Vec<String> = select(&html, ".error-summary a")
        .iter()
        .map(|a| a.value().attr("href").unwrap_or("").to_owned())
        .collect();
    assert_eq!(linked, ["#title", "#themes", "#closes_on"]);
    // Dates are three boxes, as GOV.UK asks; an impossible one is named plainly.
    assert_eq!(
        select(&html, "#closes_on")[0].value().attr("value"),
        Some("31")
    );
    assert_eq!(
        select(&html, "#closes_on-month")[0].value().attr("value"),
        Some("2")
    );
    assert!(bad.body.contains("The closing date must be a real date"));
    let staff_tries = post(app, &g.base, "title=Mine&scope=all", &g.staff).await;
    assert_eq!(staff_tries.status, StatusCode::FORBIDDEN);
    let review = open_review(app, &g, "Review+2026").await;
    // One review at a time: a second is refused while this one is open, and the form says so.
    let second = post(app, &g.base, "title=Another&scope=all", &g.admin).await;
    assert_eq!(second.status, StatusCode::CONFLICT);
    assert!(second.body.contains("is still open"), "{}", second.body);
    assert!(second.body.contains("Another"), "what was typed is kept");
    let list = app.get_with_cookie(&g.base, Some(&g.admin)).await;
    assert!(select(&list.html(), "input#title").is_empty());
    assert!(
        list.body
            .contains("is open. A new review can be opened when it is closed")
    );
    let page = app.get_with_cookie(&review, Some(&g.carer)).await;
    assert_eq!(page.status, StatusCode::OK);
    let themes: Vec<String> = select(&page.html(), ".statement-list a")
        .iter()
        .map(text)
        .collect();
    assert_eq!(
        themes,
        ["Wellbeing and independence", "Information and advice"]
    );

    // Giving views: a theme page; a bad level is refused and the words are kept.
    let refused = post(
        app,
        &format!("{review}/themes/WB"),
        "level-WB-I1=best&working-WB-I1=Kind+staff",
        &g.expert,
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        text(&select(&refused.html(), "#working-WB-I1")[0]),
        "Kind staff"
    );
    let saved = post(
        app,
        &format!("{review}/themes/WB"),
        "level-WB-I1=just-starting&change-WB-I1=Ask+me+first&level-WB-I2=some-progress",
        &g.expert,
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_eq!(saved.header("location"), format!("{review}/themes/IA"));
    // One statement at a time: the next statement follows, and the last goes back.
    let one = post(
        app,
        &format!("{review}/statements/WB-I1"),
        "level-WB-I1=real&working-WB-I1=We+plan+together",
        &g.staff,
    )
    .await;
    assert_eq!(one.header("location"), format!("{review}/statements/WB-I2"));
    // Nothing chosen: nothing is saved, and the next page says so, not "Saved.".
    let empty = post(app, &format!("{review}/statements/WB-I2"), "", &g.staff).await;
    assert_eq!(empty.status, StatusCode::SEE_OTHER);
    let told = app
        .get_with_cookie(empty.header("location"), Some(&g.staff))
        .await;
    let told = told.html();
    let banner = select(&told, ".notification-banner");
    assert_eq!(banner.len(), 1);
    assert!(text(&banner[0]).contains("Important"));
    assert!(
        text(&banner[0]).contains("nothing is saved"),
        "{}",
        text(&banner[0])
    );
    assert!(select(&told, ".notification-banner--success").is_empty());
    let easy = app
        .get_with_cookie(
            &format!("{review}/statements/WB-I1?view=easy"),
            Some(&g.staff),
        )
        .await;
    assert!(
        easy.body.contains("It is good for nearly everyone"),
        "Easy Read scale labels"
    );
    assert_eq!(
        select(&easy.html(), "input[name='level-WB-I1'][checked]")[0]
            .value()
            .attr("value"),
        Some("real"),
        "saved answers are shown again"
    );
    // The carer chooses to be anonymous.
    let anon = post(
        app,
        &format!("{review}/anonymous"),
        "anonymous=yes",
        &g.carer,
    )
    .await;
    assert_eq!(anon.status, StatusCode::SEE_OTHER);
    post(
        app,
        &format!("{review}/statements/WB-I1"),
        "level-WB-I1=some-progress&change-WB-I1=Respite+is+hard+to+book",
        &g.carer,
    )
    .await;

    // A workshop: only those who lead may type it in; counts must be numbers.
    let not_allowed = post(
        app,
        &format!("{review}/workshop/WB"),
        "perspective=person&count-WB-I1-just-starting=4",
        &g.carer,
    )
    .await;
    assert_eq!(not_allowed.status, StatusCode::FORBIDDEN);
    let wrong = post(
        app,
        &format!("{review}/workshop/WB"),
        "perspective=person&count-WB-I1-just-starting=four",
        &g.expert,
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        select(&wrong.html(), ".error-summary a")[0]
            .value()
            .attr("href"),
        Some("#count-WB-I1-just-starting")
    );
    let workshop = post(
        app,
        &format!("{review}/workshop/WB"),
        "perspective=person&session_label=Cafe&count-WB-I1-just-starting=4&count-WB-I1-not-sure=1&change-WB-I1=Nobody+asked+us",
        &g.expert,
    )
    .await;
    assert_eq!(workshop.status, StatusCode::SEE_OTHER);

    // The summary: spreads per perspective, the gap, the words, who wrote them.
    let summary = app
        .get_with_cookie(&format!("{review}/summary"), Some(&g.staff))
        .await;
    assert_eq!(summary.status, StatusCode::OK);
    let html = summary.html();
    let rows: Vec<String> = select(&html, "#statement-WB-I1 table tbody tr")
        .iter()
        .map(|row| {
            row.children()
                .filter_map(scraper::ElementRef::wrap)
                .map(|cell| text(&cell))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    // One carer and one member of staff are too few to show apart: with them pooled under 3,
    // the smallest other perspective joins them, so everything is one line (never a carer's
    // figures on their own).
    assert_eq!(rows, ["Several perspectives together 5 1 0 1 1"]);
    assert!(
        text(&select(&html, "#privacy-note")[0]).contains("at least 3 people"),
        "the summary says why"
    );
    assert!(!summary.body.contains("Carers and families: 1"));
    assert!(
        select(&html, ".inset-text a").is_empty(),
        "one line: no gap"
    );
    let words = text(&select(&html, "#statement-WB-I1 .words-list")[0]);
    // One member wrote anonymously here: beside named or labelled words theirs would stand
    // out, so every entry is shown alike, without name, perspective or workshop label.
    assert!(
        !words.contains("expert@example.org"),
        "names drop where one anonymous person wrote"
    );
    assert!(!words.contains("from a workshop") && !words.contains("anonymous"));
    assert!(
        text(&select(&html, "#statement-WB-I1 .details__text")[0])
            .contains("Shown without names or perspectives")
    );
    assert!(
        words.contains("Ask me first"),
        "the expert's words are still shown"
    );
    assert!(words.contains("Respite is hard to book"));
    // A workshop line with people but no words does not bring the names back.
    let empty_workshop = post(
        app,
        &format!("{review}/workshop/WB"),
        "perspective=carer&session_label=Empty&count-WB-I2-not-sure=3",
        &g.expert,
    )
    .await;
    assert_eq!(empty_workshop.status, StatusCode::SEE_OTHER);
    let again = app
        .get_with_cookie(&format!("{review}/summary"), Some(&g.staff))
        .await;
    let again_words = text(&select(&again.html(), "#statement-WB-I1 .words-list")[0]);
    assert!(!again_words.contains("expert@example.org"));
    assert!(
        !again.body.contains("Carers and families 0"),
        "workshop people do not make a member's perspective big enough to show apart"
    );
    assert!(
        !words.contains("carer@example.org"),
        "anonymous views hide who"
    );
    assert_eq!(
        select(&html, "svg.spread-chart").len(),
        2,
        "a chart for each statement with levels chosen (WB-I1, WB-I2)"
    );

    // Agreeing a position: recorded by one who leads, confirmed by both co-chairs.
    let empty = post(
        app,
        &format!("{review}/statements/WB-I1/position"),
        "level=&summary=",
        &g.admin,
    )
    .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        select(&empty.html(), ".error-summary a")
            .iter()
            .map(|a| a.value().attr("href").unwrap_or("").to_owned())
            .collect::<Vec<_>>(),
        ["#level-WB-I1", "#summary-WB-I1"]
    );
    let recorded = post(
        app,
        &format!("{review}/statements/WB-I1/position"),
        "level=some-progress&summary=Some+teams+plan+with+people",
        &g.admin,
    )
    .await;
    assert_eq!(recorded.status, StatusCode::SEE_OTHER);
    let by_staff = post(
        app,
        &format!("{review}/statements/WB-I1/confirm"),
        "",
        &g.staff,
    )
    .await;
    assert_eq!(by_staff.status, StatusCode::FORBIDDEN, "not a co-chair");
    post(
        app,
        &format!("{review}/statements/WB-I1/confirm"),
        "",
        &g.admin,
    )
    .await;
    let waiting = app
        .get_with_cookie(&format!("{review}/summary"), Some(&g.carer))
        .await;
    assert!(
        text(&select(&waiting.html(), "#statement-WB-I1")[0])
            .contains("Waiting for both co-chairs")
    );
    let public = app.get(&g.public).await;
    assert!(
        select(&public.html(), "#position-WB-I1").is_empty(),
        "not public until both co-chairs confirm"
    );
    assert!(
        public
            .body
            .contains("has not published how it is doing yet")
    );
    post(
        app,
        &format!("{review}/statements/WB-I1/confirm"),
        "",
        &g.expert,
    )
    .await;
    let confirmed = app
        .get_with_cookie(&format!("{review}/summary"), Some(&g.carer))
        .await;
    let section = text(&select(&confirmed.html(), "#statement-WB-I1")[0]);
    assert!(section.contains("Confirmed by both co-chairs"), "{section}");
    assert!(section.contains("Administrator on"));
    assert!(section.contains("Expert by Experience on"));
    // Confirmed positions are public: "how we are doing" on the organisation's page.
    let public = app.get(&g.public).await;
    let shown = text(&select(&public.html(), "#position-WB-I1")[0]);
    assert!(
        shown.contains("Some progress Some teams plan with people"),
        "{shown}"
    );
    assert!(
        shown.contains("confirmed by the co-chairs (Administrator and Expert by Experience)"),
        "{shown}"
    );
    assert_eq!(select(&public.html(), "li[id^='position-']").len(), 1);

    // Closing, then the next review compares with this one.
    assert_eq!(
        post(app, &format!("{review}/close"), "", &g.expert)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let late = post(
        app,
        &format!("{review}/statements/WB-I1"),
        "level-WB-I1=real",
        &g.carer,
    )
    .await;
    assert_eq!(
        late.status,
        StatusCode::CONFLICT,
        "a closed review keeps its views"
    );
    let late_position = post(
        app,
        &format!("{review}/statements/WB-I1/position"),
        "level=real&summary=Changed+later",
        &g.admin,
    )
    .await;
    assert_eq!(late_position.status, StatusCode::CONFLICT);
    assert_eq!(
        select(&late_position.html(), ".error-summary a")[0]
            .value()
            .attr("href"),
        Some("#heading-WB-I1"),
        "the message links to the statement"
    );
    let next = open_review(app, &g, "Review+2027").await;
    post(
        app,
        &format!("{next}/statements/WB-I1/position"),
        "level=good-progress&summary=Most+plans+are+made+together",
        &g.admin,
    )
    .await;
    for co_chair in [&g.admin, &g.expert] {
        post(
            app,
            &format!("{next}/statements/WB-I1/confirm"),
            "",
            co_chair,
        )
        .await;
    }
    let compared = app
        .get_with_cookie(&format!("{next}/summary"), Some(&g.staff))
        .await;
    let section = text(&select(&compared.html(), "#statement-WB-I1")[0]);
    assert!(
        section.contains("Since the previous review: Moved up (was Some progress)"),
        "{section}"
    );
    let public = app.get(&g.public).await;
    let shown = text(&select(&public.html(), "#position-WB-I1")[0]);
    assert!(
        shown.contains("Good progress Most plans are made together")
            && shown.contains("Review 2027"),
        "the latest confirmed position: {shown}"
    );
}

/// A carer gives views anonymously in a group with one other carer: the summary shows no
/// carers' figures or words on their own, says why, and the carer was told beforehand.
async fn a_small_perspective_is_counted_together(app: &TestApp) {
    let g = group(app).await;
    let store = &app.db.store;
    let org = store
        .organisation_by_slug(
            g.base
                .trim_start_matches("/manage/organisations/")
                .trim_end_matches("/reviews"),
        )
        .await
        .expect("lookup")
        .expect("org")
        .id;
    let mut more = Vec::new();
    for (email, role) in [
        ("carer2", Role::Carer),
        ("expert2", Role::ExpertByExperience),
        ("expert3", Role::ExpertByExperience),
        ("staff2", Role::Staff),
        ("staff3", Role::Staff),
    ] {
        let cookie = app.sign_in(&format!("{email}@example.org"), false).await;
        let id = store
            .upsert_person(&format!("{email}@example.org"), false, 1)
            .await
            .expect("person")
            .id;
        store
            .put_member(org, id, role, false, 1)
            .await
            .expect("member");
        more.push(cookie);
    }
    let review = open_review(app, &g, "Spring+review").await;

    // Before giving views, the carer is told their perspective is small.
    let page = app.get_with_cookie(&review, Some(&g.carer)).await;
    let told = text(&select(&page.html(), "#small-perspective")[0]);
    assert!(
        told.contains("2 members") && told.contains("fewer than 3"),
        "{told}"
    );
    let expert_page = app.get_with_cookie(&review, Some(&g.expert)).await;
    assert!(select(&expert_page.html(), "#small-perspective").is_empty());

    post(
        app,
        &format!("{review}/anonymous"),
        "anonymous=yes",
        &g.carer,
    )
    .await;
    let say = |level: &'static str, words: &'static str| {
        format!("level-WB-I1={level}&change-WB-I1={words}")
    };
    for (cookie, body) in [
        (&g.carer, say("just-starting", "Nobody+rings+back")),
        (&more[0], say("some-progress", "")),
        (&g.expert, say("just-starting", "")),
        (&more[1], say("just-starting", "")),
        (&more[2], say("just-starting", "")),
        (&g.staff, say("real", "Named+staff+words")),
        (&more[3], say("real", "")),
        (&more[4], say("real", "")),
    ] {
        let saved = post(app, &format!("{review}/statements/WB-I1"), &body, cookie).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER);
    }
    let summary = app
        .get_with_cookie(&format!("{review}/summary"), Some(&g.admin))
        .await;
    let html = summary.html();
    let lines: Vec<String> = select(&html, "#statement-WB-I1 table tbody th")
        .iter()
        .map(text)
        .collect();
    // In Easy Read the summary uses the answer form's words for the levels, and shows the
    // numbers as a table only.
    let easy = app
        .get_with_cookie(&format!("{review}/summary?view=easy"), Some(&g.admin))
        .await;
    let easy_html = easy.html();
    let headers: Vec<String> = select(&easy_html, "#statement-WB-I1 table thead th")
        .iter()
        .map(text)
        .collect();
    assert!(
        headers
            .iter()
            .any(|h| h == "It is good for nearly everyone"),
        "{headers:?}"
    );
    assert!(select(&easy_html, "svg.spread-chart").is_empty());
    // Easy Read speaks plainly: no statement codes in headings or the list of differences,
    // and the privacy note in short sentences.
    assert_eq!(text(&select(&easy_html, "h1")[0]), "What people said");
    for heading in select(&easy_html, ".review-statement h3, .inset-text li") {
        assert!(!text(&heading).contains("WB-"), "{}", text(&heading));
    }
    assert!(text(&select(&easy_html, "#privacy-note")[0]).contains("To keep them safe"));
    // One statement at a time, the page's title is a question number, not a code.
    let one = app
        .get_with_cookie(
            &format!("{review}/statements/WB-I1?view=easy"),
            Some(&g.admin),
        )
        .await;
    let title = text(&select(&one.html(), "title")[0]);
    assert!(title.starts_with("Question "), "{title}");
    // Carers (2) are under 3: pooled with the smallest other perspective (people who use
    // services, 3, tied with staff and first in order); staff stay apart.
    assert_eq!(lines, ["Staff", "Several perspectives together"]);
    assert_eq!(
        select(&html, ".inset-text li .caption")
            .iter()
            .map(text)
            .collect::<Vec<_>>(),
        ["WB-I1"],
        "the lines shown are 3 levels apart: the gap is marked"
    );
    assert!(!summary.body.contains("Carers and families:"));
    assert!(
        text(&select(&html, "#privacy-note")[0]).contains("carers and families"),
        "the summary says why"
    );
    let words = text(&select(&html, "#statement-WB-I1 .words-list")[0]);
    assert!(words.contains("Nobody rings back"));
    assert!(!words.contains("Carers and families"), "{words}");
    assert!(!words.contains("carer@example.org"));
    // Only one person wrote anonymously on this statement: every entry is shown alike, so
    // the named staff member's words lose their name too.
    assert!(words.contains("Named staff words"));
    assert!(!words.contains("staff@example.org"), "{words}");

    // The group may ask for more people, never fewer than 3.
    let too_low = post(
        app,
        &format!("{}/anonymity", g.base),
        "anonymity_threshold=2",
        &g.admin,
    )
    .await;
    assert_eq!(too_low.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(too_low.body.contains("Enter 3 or more"));
    let raised = post(
        app,
        &format!("{}/anonymity", g.base),
        "anonymity_threshold=4",
        &g.admin,
    )
    .await;
    assert_eq!(raised.status, StatusCode::SEE_OTHER);
    let summary = app
        .get_with_cookie(&format!("{review}/summary"), Some(&g.admin))
        .await;
    let lines: Vec<String> = select(&summary.html(), "#statement-WB-I1 table tbody th")
        .iter()
        .map(text)
        .collect();
    assert_eq!(
        lines,
        ["Several perspectives together"],
        "with 4, all pooled"
    );
}

/// Findings 12 and 13: a confirmation from someone who is no longer a co-chair does not count,
/// and a closed review accepts no confirmations or anonymity changes.
async fn confirmations_need_current_co_chairs_and_an_open_review(app: &TestApp) {
    let g = group(app).await;
    let store = &app.db.store;
    let slug = g
        .base
        .trim_start_matches("/manage/organisations/")
        .trim_end_matches("/reviews")
        .to_owned();
    let org = store
        .organisation_by_slug(&slug)
        .await
        .expect("lookup")
        .expect("org")
        .id;
    let review = open_review(app, &g, "Autumn+review").await;
    for code in ["WB-I1", "WB-I2"] {
        let recorded = post(
            app,
            &format!("{review}/statements/{code}/position"),
            "level=some-progress&summary=Some+teams+plan+with+people",
            &g.admin,
        )
        .await;
        assert_eq!(recorded.status, StatusCode::SEE_OTHER);
    }
    post(
        app,
        &format!("{review}/statements/WB-I1/confirm"),
        "",
        &g.admin,
    )
    .await;
    // The administrator loses the co-chair mark; the staff member becomes co-chair.
    let id = |email: &'static str| async move {
        store
            .upsert_person(&format!("{email}@example.org"), false, 1)
            .await
            .expect("person")
            .id
    };
    store
        .put_member(org, id("admin").await, Role::Admin, false, 5)
        .await
        .expect("mark taken away");
    store
        .put_member(org, id("staff").await, Role::Staff, true, 5)
        .await
        .expect("new co-chair");
    post(
        app,
        &format!("{review}/statements/WB-I1/confirm"),
        "",
        &g.expert,
    )
    .await;
    let summary = app
        .get_with_cookie(&format!("{review}/summary"), Some(&g.expert))
        .await;
    let statement = text(&select(&summary.html(), "#statement-WB-I1")[0]);
    assert!(
        !statement.contains("Confirmed by both co-chairs"),
        "a former co-chair's confirmation does not count: {statement}"
    );
    post(
        app,
        &format!("{review}/statements/WB-I1/confirm"),
        "",
        &g.staff,
    )
    .await;
    let summary = app
        .get_with_cookie(&format!("{review}/summary"), Some(&g.expert))
        .await;
    assert!(
        text(&select(&summary.html(), "#statement-WB-I1")[0])
            .contains("Confirmed by both co-chairs")
    );

    // A confirmation names the wording read: changed since, and it is refused.
    let read = app
        .get_with_cookie(&format!("{review}/summary"), Some(&g.expert))
        .await;
    let seen = select(&read.html(), "#statement-WB-I2 input[name='seen']")[0]
        .value()
        .attr("value")
        .unwrap_or("")
        .to_owned();
    post(
        app,
        &format!("{review}/statements/WB-I2/position"),
        "level=real&summary=Everything+is+perfect",
        &g.admin,
    )
    .await;
    let stale = post(
        app,
        &format!("{review}/statements/WB-I2/confirm"),
        &format!("seen={seen}"),
        &g.expert,
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("changed after you opened this page"));

    // Closed: nothing in the review changes any more.
    let closed = post(app, &format!("{review}/close"), "", &g.admin).await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
    let late = post(
        app,
        &format!("{review}/statements/WB-I2/confirm"),
        "",
        &g.expert,
    )
    .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    let anon = post(
        app,
        &format!("{review}/anonymous"),
        "anonymous=yes",
        &g.carer,
    )
    .await;
    assert_eq!(anon.status, StatusCode::CONFLICT);
    // Closing it again is a clash too, said on the review page (and logged once).
    let again = post(app, &format!("{review}/close"), "", &g.expert).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(text(&select(&again.html(), ".error-summary")[0]).contains("closed"));
    // A closed review's answer pages say so, with no form to fill in for nothing.
    let closed_page = app
        .get_with_cookie(&format!("{review}/statements/WB-I2"), Some(&g.carer))
        .await;
    assert_eq!(closed_page.status, StatusCode::OK);
    assert!(select(&closed_page.html(), "form#views").is_empty());
    assert!(text(&select(&closed_page.html(), "main")[0]).contains("This review is closed"));
    // Views sent to a review closed meanwhile come back with the words typed, and why.
    let lost = post(
        app,
        &format!("{review}/statements/WB-I2"),
        "level-WB-I2=some-progress&working-WB-I2=Words+worth+keeping",
        &g.carer,
    )
    .await;
    assert_eq!(lost.status, StatusCode::CONFLICT);
    let html = lost.html();
    assert!(text(&select(&html, ".error-summary")[0]).contains("closed"));
    assert_eq!(
        text(&select(&html, "#working-WB-I2")[0]),
        "Words worth keeping",
        "nothing typed is lost"
    );
    assert!(
        !store
            .is_anonymous(
                review
                    .rsplit('/')
                    .next()
                    .and_then(|n| n.parse().ok())
                    .expect("review id"),
                id("carer").await
            )
            .await
            .expect("anonymous?"),
        "the anonymity choice did not change"
    );
}

/// The session ends while someone is typing: what they sent is kept, they sign in again, come
/// back to the same page with their words filled in, and save them.
/// The expert's session ends (expiry, or signing out elsewhere) and then they send views for
/// the IA theme of a new review: returns the page, and the answer.
async fn send_after_session_ends(
    app: &TestApp,
    g: &Group,
    body: &str,
) -> (String, crate::support::TestResponse) {
    let review = open_review(app, g, "Review").await;
    let store = &app.db.store;
    let expert = store
        .person_by_email("expert@example.org")
        .await
        .expect("get")
        .expect("expert");
    store
        .delete_sessions_for_person(expert.id)
        .await
        .expect("end sessions");
    let page = format!("{review}/themes/IA");
    let sent = post(app, &page, body, &g.expert).await;
    (page, sent)
}

async fn a_draft_survives_a_session_expiry(app: &TestApp) {
    let g = group(app).await;
    let store = &app.db.store;
    let (page, sent) = send_after_session_ends(
        app,
        &g,
        "level-IA-I1=some-progress&working-IA-I1=The+carers+line+answered+quickly",
    )
    .await;
    let review = page.trim_end_matches("/themes/IA").to_owned();
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    assert_eq!(sent.header("location"), "/sign-in");
    let kept = sent.set_cookie("mir_kept").expect("kept-form cookie");
    let session = sent.set_cookie("mir_session").expect("a new session");
    let csrf = g
        .expert
        .split("; ")
        .find(|c| c.starts_with("mir_csrf="))
        .expect("csrf")
        .to_owned();
    let browser = format!("{csrf}; {session}; {kept}");
    let sign_in = app.get_with_cookie("/sign-in", Some(&browser)).await;
    assert!(sign_in.body.contains("We have kept what you wrote"));
    // Signing in again (here with an emailed link) returns to the page left.
    let link = mir_app::accounts::create_sign_in_link(
        store,
        &mir_app::Actor::Operator,
        "expert@example.org",
        false,
    )
    .await
    .expect("link");
    let signed_in = app
        .post_form(
            &format!("/sign-in/link/{}", link.token),
            &format!("csrf_token={}", csrf_of(&browser)),
            Some(&browser),
        )
        .await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
    assert_eq!(signed_in.header("location"), page, "back to the page left");
    let new_session = signed_in.set_cookie("mir_session").expect("session");
    let browser = format!("{csrf}; {new_session}; {kept}");
    let back = app.get_with_cookie(&page, Some(&browser)).await;
    let html = back.html();
    assert!(text(&select(&html, "main")[0]).contains("Not saved yet"));
    assert_eq!(
        text(&select(&html, "#working-IA-I1")[0]),
        "The carers line answered quickly",
        "the words typed before the session ended"
    );
    assert_eq!(
        select(&html, "input[name='level-IA-I1'][checked]")[0]
            .value()
            .attr("value"),
        Some("some-progress")
    );
    // Nothing was saved behind their back; saving now stores it and forgets the kept copy.
    let review_id: i64 = review
        .rsplit('/')
        .next()
        .and_then(|id| id.parse().ok())
        .expect("review id");
    assert!(
        store
            .shared_views(review_id)
            .await
            .expect("views")
            .is_empty()
    );
    let saved = post(
        app,
        &page,
        "level-IA-I1=some-progress&working-IA-I1=The+carers+line+answered+quickly",
        &browser,
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert!(
        saved
            .set_cookie_full("mir_kept")
            .is_some_and(|c| c.contains("Max-Age=0")),
        "the kept-form cookie is removed"
    );
    let again = app.get_with_cookie(&page, Some(&browser)).await;
    assert!(!again.body.contains("Not saved yet"));
    assert_eq!(
        text(&select(&again.html(), "#working-IA-I1")[0]),
        "The carers line answered quickly"
    );
}

/// What a signed-out browser sends is kept for its person only as answers, and signing out
/// forgets it, so the next person at a shared computer never sees it.
async fn kept_answers_are_only_answers_and_go_at_sign_out(app: &TestApp) {
    let g = group(app).await;
    let store = &app.db.store;
    let (page, sent) = send_after_session_ends(
        app,
        &g,
        "level-IA-I1=some-progress&working-IA-I1=Only+for+me&status=published&extra=x",
    )
    .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    let kept = sent.set_cookie("mir_kept").expect("kept-form cookie");
    let key = kept.trim_start_matches("mir_kept=");
    let form = mir_app::kept_forms::kept_for(store, key, &page)
        .await
        .expect("read")
        .expect("kept");
    assert_eq!(
        form, "level-IA-I1=some-progress&working-IA-I1=Only+for+me",
        "only the answers are kept"
    );
    // Someone else signs in at the same browser and signs out: the kept answers go.
    let carer = format!("{}; {kept}", g.carer);
    let out = post(app, "/sign-out", "", &carer).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(
        out.set_cookie_full("mir_kept")
            .is_some_and(|c| c.contains("Max-Age=0")),
        "the browser is told to forget the key"
    );
    assert_eq!(
        mir_app::kept_forms::kept_for(store, key, &page)
            .await
            .expect("read"),
        None,
        "and the server forgets the answers"
    );
}

/// Markers of progress: those who lead reviews tick which are in place, with evidence links;
/// a marker that is not in place becomes an action of the plan in one step, once.
async fn markers_are_ticked_and_become_actions(app: &TestApp) {
    let g = group(app).await;
    let review = open_review(app, &g, "Markers+review").await;
    let summary = format!("{review}/summary");
    let markers = format!("{review}/statements/WB-I1/markers");
    let page = app.get_with_cookie(&summary, Some(&g.admin)).await;
    let boxes = select(&page.html(), "#markers-WB-I1 input[name='in_place']").len();
    assert_eq!(boxes, 3, "WB-I1 has three markers");
    // Someone who gives views but does not lead sees them, without the form.
    let carer_page = app.get_with_cookie(&summary, Some(&g.carer)).await;
    assert!(select(&carer_page.html(), "#markers-WB-I1 input[name='in_place']").is_empty());
    assert_eq!(
        select(&carer_page.html(), "#markers-WB-I1 .markers-list li").len(),
        3
    );
    assert!(carer_page.body.contains("Not looked at"));
    // Staff may make a marker an action but not tick markers: doing it records no finding.
    let early = post(
        app,
        &format!("{markers}/3/action"),
        "lead=Reviewing+officer",
        &g.staff,
    )
    .await;
    assert_eq!(early.status, StatusCode::SEE_OTHER, "{}", early.body);
    let carer_page = app.get_with_cookie(&summary, Some(&g.carer)).await;
    assert_eq!(
        select(
            &carer_page.html(),
            "#markers-WB-I1 .markers-list .tag--grey"
        )
        .len(),
        3,
        "all three still not looked at"
    );

    // A link that is not a web address is refused next to its box; the ticks are kept.
    let bad = post(
        app,
        &markers,
        "in_place=1&in_place=3&evidence-1=javascript%3Aalert(1)",
        &g.admin,
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = bad.html();
    let linked: Vec<String> = select(&html, ".error-summary a")
        .iter()
        .map(|a| a.value().attr("href").unwrap_or("").to_owned())
        .collect();
    assert_eq!(linked, ["#evidence-1-WB-I1"]);
    assert_eq!(select(&html, "#evidence-1-WB-I1-error").len(), 1);
    assert_eq!(
        select(&html, "#evidence-1-WB-I1")[0].value().attr("value"),
        Some("javascript:alert(1)")
    );
    let ticked: Vec<&str> = select(&html, "#markers-WB-I1 input[name='in_place'][checked]")
        .iter()
        .filter_map(|i| i.value().attr("value"))
        .collect();
    assert_eq!(ticked, ["1", "3"]);

    let saved = post(
        app,
        &markers,
        "in_place=1&evidence-1=https%3A%2F%2Fexample.org%2Fminutes",
        &g.admin,
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = app.get_with_cookie(&summary, Some(&g.admin)).await;
    let html = page.html();
    assert_eq!(
        select(&html, "#in_place-WB-I1")[0].value().attr("checked"),
        Some("")
    );
    assert_eq!(
        select(&html, "#in_place-WB-I1-2")[0]
            .value()
            .attr("checked"),
        None
    );
    assert_eq!(
        select(&html, "#evidence-1-WB-I1")[0].value().attr("value"),
        Some("https://example.org/minutes")
    );
    // A marker in place offers no action; marker 2 does; marker 3 is an action already.
    assert_eq!(select(&html, "#markers-WB-I1 form.marker-action").len(), 1);
    assert_eq!(select(&html, "#markers-WB-I1 p.marker-action a").len(), 1);

    // A marker in place needs no action.
    let in_place = post(
        app,
        &format!("{markers}/1/action"),
        "lead=Team+leader",
        &g.admin,
    )
    .await;
    assert_eq!(in_place.status, StatusCode::CONFLICT);
    assert!(
        in_place.body.contains("needs no action"),
        "{}",
        in_place.body
    );
    // Who leads it is required, asked next to the marker's own box.
    let no_lead = post(app, &format!("{markers}/2/action"), "lead=", &g.admin).await;
    assert_eq!(no_lead.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(select(&no_lead.html(), "#lead-WB-I1-2-error").len(), 1);
    let no_such = post(app, &format!("{markers}/4/action"), "lead=x", &g.admin).await;
    assert_eq!(no_such.status, StatusCode::NOT_FOUND);

    // One step: a new proposed priority about the statement, with the marker as its action.
    let made = post(
        app,
        &format!("{markers}/2/action"),
        "lead=Care+manager",
        &g.admin,
    )
    .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let action_page = made.header("location").to_owned();
    assert!(action_page.contains("/plan/actions/"), "{action_page}");
    let action = app.get_with_cookie(&action_page, Some(&g.admin)).await;
    assert_eq!(action.status, StatusCode::OK);
    assert!(
        action
            .body
            .contains("Support hours can be moved to evenings")
    );
    assert!(action.body.contains("Care manager"));
    // Pressed twice (another tab): the same action, not a second one.
    let again = post(
        app,
        &format!("{markers}/2/action"),
        "lead=Someone",
        &g.admin,
    )
    .await;
    assert_eq!(again.header("location"), action_page);
    // The next marker joins the priority now serving the statement.
    let third = post(
        app,
        &format!("{markers}/3/action"),
        "lead=Reviewer",
        &g.admin,
    )
    .await;
    assert_eq!(third.status, StatusCode::SEE_OTHER);
    let slug = g.public.trim_start_matches("/organisations/");
    let org = app
        .db
        .store
        .organisation_by_slug(slug)
        .await
        .expect("org")
        .expect("org");
    let priorities = mir_store::PlanRepo::priorities(&app.db.store, org.id)
        .await
        .expect("priorities");
    assert_eq!(priorities.len(), 1);
    assert_eq!(priorities[0].record.statements, ["WB-I1"]);
    assert_eq!(priorities[0].record.status, "proposed");
    assert!(priorities[0].record.why.contains("Markers review"));
    let actions = mir_store::PlanRepo::actions(&app.db.store, org.id)
        .await
        .expect("actions");
    assert_eq!(actions.len(), 2);
    assert!(actions.iter().all(|a| a.priority_id == priorities[0].id));
    let page = app.get_with_cookie(&summary, Some(&g.admin)).await;
    assert_eq!(
        select(&page.html(), "#markers-WB-I1 p.marker-action a").len(),
        2
    );

    // Closed, the review is a record: the ticks show, and nothing changes.
    let closed = post(app, &format!("{review}/close"), "", &g.admin).await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER);
    let page = app.get_with_cookie(&summary, Some(&g.carer)).await;
    let html = page.html();
    assert_eq!(select(&html, "#markers-WB-I1 .tag--green").len(), 1);
    assert_eq!(
        select(
            &html,
            "#markers-WB-I1 a[href='https://example.org/minutes']"
        )
        .len(),
        1
    );
    let late = post(app, &markers, "in_place=2", &g.admin).await;
    assert_eq!(late.status, StatusCode::CONFLICT);
}

/// Moving to a new framework version: both co-chairs agree, never during an open review; the
/// draft's priorities follow the mapping; earlier positions show through it on the public page
/// and in the next review's comparison.
async fn a_group_moves_to_a_new_version_when_both_co_chairs_agree(app: &TestApp) {
    let g = group(app).await;
    let ws = g.base.trim_end_matches("/reviews").to_owned();
    let framework = format!("{ws}/framework");
    let page = app.get_with_cookie(&framework, Some(&g.carer)).await;
    let html = page.html();
    let main = text(&select(&html, "main")[0]);
    assert!(main.contains("Moving to version 2026.2"), "{main}");
    assert!(main.contains("Retired AC-I3"), "{main}");
    assert!(main.contains("Split WF-We2"), "{main}");
    assert!(main.contains("New words IA-I1"), "{main}");
    assert!(
        select(&html, "form[action$='/framework/move']").is_empty(),
        "a carer does not decide"
    );

    // Last year's review on 2026.1, about the statement that is split: confirmed by both.
    let opened = post(
        app,
        &g.base,
        "title=Workforce+review&scope=some&themes=WF",
        &g.admin,
    )
    .await;
    let review = opened.header("location").to_owned();
    // While it is open, nobody moves.
    let during = post(
        app,
        &format!("{framework}/move"),
        "to_version=2026.2",
        &g.admin,
    )
    .await;
    assert_eq!(during.status, StatusCode::CONFLICT);
    assert!(
        during.body.contains("close it before moving"),
        "{}",
        during.body
    );
    post(
        app,
        &format!("{review}/statements/WF-We2/position"),
        "level=some-progress&summary=Staff+help+recruit+sometimes",
        &g.admin,
    )
    .await;
    for chair in [&g.admin, &g.expert] {
        post(
            app,
            &format!("{review}/statements/WF-We2/confirm"),
            "",
            chair,
        )
        .await;
    }
    let closed = post(app, &format!("{review}/close"), "", &g.admin).await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER);
    // A draft priority on the split statement and the retired one.
    let plan = format!("{ws}/plan/priorities/new");
    let added = app
        .post_as(
            &plan,
            "title=Staff+we+choose+together&statements=WF-We2&statements=AC-I3&target=People+help+choose+staff&status=proposed",
            &g.admin,
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);

    // The staff member is not a co-chair; the first co-chair's agreement alone moves nothing.
    let staff = post(
        app,
        &format!("{framework}/move"),
        "to_version=2026.2",
        &g.staff,
    )
    .await;
    assert_eq!(staff.status, StatusCode::FORBIDDEN);
    let first = post(
        app,
        &format!("{framework}/move"),
        "to_version=2026.2",
        &g.admin,
    )
    .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let asking = |mails: Vec<String>| {
        mails
            .iter()
            .filter(|m| m.contains("Please agree: moving"))
            .count()
    };
    let asked = asking(app.mails().await);
    assert!(asked >= 1, "the other co-chair is asked by email");
    // Pressed again: no second email.
    let again = post(
        app,
        &format!("{framework}/move"),
        "to_version=2026.2",
        &g.admin,
    )
    .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(asking(app.mails().await), asked);
    let waiting = app.get_with_cookie(&framework, Some(&g.expert)).await;
    assert!(text(&select(&waiting.html(), "main")[0]).contains("Agreed so far"));
    assert_eq!(
        select(&waiting.html(), "form[action$='/framework/move']").len(),
        1,
        "the other co-chair is asked"
    );
    let org = app
        .db
        .store
        .organisation_by_slug(g.public.trim_start_matches("/organisations/"))
        .await
        .expect("org")
        .expect("org");
    assert_eq!(
        app.db
            .store
            .adopted_framework(org.id)
            .await
            .expect("adopted"),
        Some(("demonstration".into(), "2026.1".into()))
    );
    let second = post(
        app,
        &format!("{framework}/move"),
        "to_version=2026.2",
        &g.expert,
    )
    .await;
    assert_eq!(second.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.db
            .store
            .adopted_framework(org.id)
            .await
            .expect("adopted"),
        Some(("demonstration".into(), "2026.2".into()))
    );
    let after = app.get_with_cookie(&framework, Some(&g.expert)).await;
    assert!(text(&select(&after.html(), "main")[0]).contains("version 2026.2"));
    assert!(text(&select(&after.html(), "main")[0]).contains("no newer version"));
    // The page keeps the history of the move.
    let history: Vec<String> = select(&after.html(), "#history + ul li")
        .iter()
        .map(text)
        .collect();
    assert_eq!(history.len(), 1, "{history:?}");
    assert!(history[0].starts_with("From version 2026.1 to version 2026.2"));
    // The draft priority follows the mapping: the split statement's two, the retired one gone.
    let priorities = mir_store::PlanRepo::priorities(&app.db.store, org.id)
        .await
        .expect("priorities");
    assert_eq!(priorities[0].record.statements, ["WF-We2", "WF-We3"]);

    // The public page shows last year's position on both statements WF-We2 became.
    let public = app.get(&g.public).await;
    let html = public.html();
    for code in ["WF-We2", "WF-We3"] {
        let item = text(&select(&html, &format!("#position-{code}"))[0]);
        assert!(
            item.contains("Agreed on framework version 2026.1"),
            "{item}"
        );
    }
    assert!(text(&select(&html, "#position-WF-We3")[0]).contains("about WF-We2"));

    // The next review, on 2026.2, compares WF-We3 with what was agreed about WF-We2.
    let next = post(
        app,
        &g.base,
        "title=Workforce+again&scope=some&themes=WF",
        &g.admin,
    )
    .await;
    let next_review = next.header("location").to_owned();
    let summary = app
        .get_with_cookie(&format!("{next_review}/summary"), Some(&g.admin))
        .await;
    let we3 = text(&select(&summary.html(), "#statement-WF-We3")[0]);
    assert!(we3.contains("(was Some progress)"), "{we3}");
}

both_engines!(
    a_group_moves_to_a_new_version_when_both_co_chairs_agree,
    markers_are_ticked_and_become_actions,
    kept_answers_are_only_answers_and_go_at_sign_out,
    reviews_work_from_opening_to_agreement,
    confirmations_need_current_co_chairs_and_an_open_review,
    a_small_perspective_is_counted_together,
    a_draft_survives_a_session_expiry
);
