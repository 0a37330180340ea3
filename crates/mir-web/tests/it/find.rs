//! Find and connect through the real router: the directory's filters and pages, the national
//! map (one link and one table row per council, the CSV), area pages, and "who else".

use crate::support::{TestApp, select, text};
use axum::http::StatusCode;

async fn demo(app: &TestApp) {
    mir_app::demo::load_demo_data(&app.db.store)
        .await
        .expect("demo");
}

fn names(page: &crate::support::TestResponse) -> Vec<String> {
    select(&page.html(), ".results h3 a")
        .iter()
        .map(text)
        .collect()
}

async fn finding_organisations(app: &TestApp) {
    demo(app).await;
    let all = app.get("/organisations").await;
    assert_eq!(all.status, StatusCode::OK);
    assert_eq!(names(&all).len(), 6);
    let north_east_plans = app
        .get("/organisations?region=E12000001&plan=yes&sort=name")
        .await;
    assert_eq!(
        names(&north_east_plans),
        [
            "Northgate People's Voice (demonstration)",
            "Oakfield Home Care (demonstration)",
            "Riverside Council (demonstration)",
            "Riverside Health and Care Partnership (demonstration)"
        ]
    );
    let on_statement = app.get("/organisations?statement=FI-I1").await;
    assert_eq!(
        names(&on_statement),
        [
            "Hillcrest Community NHS Trust (demonstration)",
            "Oakfield Home Care (demonstration)",
            "Riverside Health and Care Partnership (demonstration)"
        ]
    );
    let in_area = app
        .get("/organisations?area=E06000001&kind=care-provider")
        .await;
    assert_eq!(names(&in_area), ["Oakfield Home Care (demonstration)"]);
    // Odd input is answered, not an error: unknown codes match nothing, a bad page is page 1.
    for odd in [
        "/organisations?area=XX&page=abc",
        "/organisations?theme=%3Cscript%3E",
        "/organisations?page=-4&sort=sideways",
    ] {
        let page = app.get(odd).await;
        assert_eq!(page.status, StatusCode::OK, "{odd}");
        assert!(!page.body.contains("<script>"), "{odd}");
    }
    assert!(names(&app.get("/organisations?area=XX").await).is_empty());

    // The map: one keyboard-focusable link per council, one table row per council, a CSV.
    let map = app.get("/map").await;
    let html = map.html();
    let links = select(&html, "svg.national-map a[href^='/areas/']");
    assert_eq!(links.len(), 153);
    assert!(links.iter().all(|a| {
        a.value()
            .attr("aria-label")
            .is_some_and(|l| l.contains(": "))
    }));
    assert_eq!(
        select(&html, "#numbers + .table-wrapper tbody tr").len(),
        153
    );
    assert!(map.body.contains("Open Government Licence"));
    let middlesbrough = select(&html, "a[aria-label^='Middlesbrough:']")[0]
        .value()
        .attr("aria-label")
        .unwrap_or("")
        .to_owned();
    assert_eq!(
        middlesbrough, "Middlesbrough: 2",
        "Riverside's plan and its partnership's are counted there"
    );
    let csv = app.get("/map.csv?theme=FI").await;
    assert_eq!(csv.header("content-type"), "text/csv; charset=utf-8");
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(lines.len(), 154);
    assert_eq!(lines[0], "code,council,region,organisations");
    // Hillcrest, and the partnership it is in (which works where its partners do).
    assert!(lines.contains(&"E08000035,\"Leeds\",\"Yorkshire and The Humber\",2"));
    assert!(
        lines.contains(&"E06000002,\"Middlesbrough\",\"North East\",1"),
        "the partnership's FI priority, not Riverside's own plan"
    );
    assert!(
        lines.contains(&"E09000007,\"Camden\",\"London\",0"),
        "no FI priority there"
    );

    // An area page: who works there, their priorities, the neighbours.
    let area = app.get("/areas/E06000004").await;
    let body = text(&select(&area.html(), "main")[0]);
    assert!(body.contains("Oakfield Home Care (demonstration)"));
    assert!(body.contains("The same small team visits each person"));
    let neighbours: Vec<String> = select(&area.html(), "main ul:last-of-type a")
        .iter()
        .map(text)
        .collect();
    assert!(
        neighbours.contains(&"Middlesbrough".to_owned()),
        "{neighbours:?}"
    );
    assert_eq!(
        app.get("/areas/E99999999").await.status,
        StatusCode::NOT_FOUND
    );
    // Old Barnsley code still finds the council.
    assert_eq!(app.get("/areas/E08000016").await.status, StatusCode::OK);

    // Who else: on a statement page, and on a plan, nearest first with the reason in words.
    let statement = app.get("/frameworks/demonstration/statements/WB-I1").await;
    let who: Vec<String> = select(&statement.html(), ".who-else li")
        .iter()
        .map(text)
        .collect();
    assert_eq!(who.len(), 2, "{who:?}");
    // Its markers of progress, from the framework file, in standard and Easy Read words.
    assert!(statement.body.contains("Markers of progress"));
    assert!(
        statement
            .body
            .contains("Support hours can be moved to evenings and weekends")
    );
    let easy = app
        .get("/frameworks/demonstration/statements/WB-I1?view=easy")
        .await;
    assert!(
        easy.body
            .contains("My support can be at night or at the weekend if I ask.")
    );
    let plan = app.get("/organisations/demo-riverside-council").await;
    let first = text(&select(&plan.html(), ".who-else li")[0]);
    assert!(
        first.starts_with(
            "Oakfield Home Care (demonstration) also working on “I decide how I spend my days"
        ) && first.ends_with("rather than doing things for me.”; neighbouring council"),
        "the reason in words, not codes: {first}"
    );
    assert!(!first.contains("WB-I1"));
}

#[tokio::test]
async fn a_message_is_relayed_to_the_group_leaders_only_and_is_rate_limited() {
    let app = TestApp::sqlite().await;
    demo(&app).await;
    let form = app
        .get("/organisations/demo-riverside-council/contact?about=Plans")
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(select(&form.html(), "textarea#message").len(), 1);
    let cookie = form.set_cookie("mir_csrf").expect("csrf");
    let token = cookie.trim_start_matches("mir_csrf=").to_owned();
    let bad = app
        .post_form(
            "/organisations/demo-riverside-council/contact",
            &format!("csrf_token={token}&email=nope&message="),
            Some(&cookie),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(select(&bad.html(), ".error-summary a").len(), 2);
    let sent = app
        .post_form(
            "/organisations/demo-riverside-council/contact",
            &format!("csrf_token={token}&email=neighbour%40example.org&message=Can+we+share+notes%3F&about=Plans&reply_direct=yes"),
            Some(&cookie),
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    let mails = app.mails().await;
    let mut to: Vec<&str> = mails
        .iter()
        .filter_map(|m| m.lines().find_map(|l| l.strip_prefix("To: ")))
        .collect();
    to.sort_unstable();
    assert_eq!(
        to,
        ["alex.expert@demo.example.org", "sam.admin@demo.example.org"],
        "the administrator and the co-chairs, nobody else"
    );
    assert!(mails[0].contains("neighbour@example.org") && mails[0].contains("Can we share notes?"));
    // The sender agreed, so "Reply" reaches them.
    assert!(
        mails
            .iter()
            .all(|m| m.contains("Reply-To: neighbour@example.org")),
        "{}",
        mails[0]
    );
    // An organisation with nobody to receive messages says so before anyone types: no form.
    let refused = app
        .get("/organisations/demo-oakfield-home-care/contact")
        .await;
    assert_eq!(refused.status, StatusCode::OK);
    assert!(select(&refused.html(), "form textarea").is_empty());
    assert!(
        refused
            .body
            .contains("Nobody at Oakfield Home Care (demonstration) can receive messages")
    );
    // If the last leader left meanwhile, the message is refused and shown to copy.
    let nobody = app
        .post_form(
            "/organisations/demo-oakfield-home-care/contact",
            &format!("csrf_token={token}&email=other%40example.org&message=Hello+there"),
            Some(&cookie),
        )
        .await;
    assert_eq!(nobody.status, StatusCode::CONFLICT);
    assert!(
        nobody
            .body
            .contains("Nobody at Oakfield Home Care (demonstration) can receive messages")
    );
    assert!(nobody.body.contains("Hello there"));
    // Refusals cost nothing: nobody could read them, so they use up no one's limit.
    for _ in 0..6 {
        let again = app
            .post_form(
                "/organisations/demo-oakfield-home-care/contact",
                &format!("csrf_token={token}&email=other%40example.org&message=Hello+there"),
                Some(&cookie),
            )
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT);
    }
    // What a message is "about" is request text: one short clean line, so it cannot forge
    // lines such as "From:" in the email.
    let forged = app
        .post_form(
            "/organisations/demo-riverside-council/contact",
            &format!(
                "csrf_token={token}&email=neighbour%40example.org&message=Real+words&about={}",
                "Transport%22.%0A%0AFrom%3A+safeguarding%40council.example+%28verified%29%0A%0AURGENT"
            ),
            Some(&cookie),
        )
        .await;
    assert_eq!(forged.status, StatusCode::SEE_OTHER);
    let relayed = app
        .mails()
        .await
        .into_iter()
        .rev()
        .find(|m| m.contains("Real words"))
        .expect("relayed");
    assert!(
        !relayed.lines().any(|l| l.starts_with("From: safeguarding")),
        "{relayed}"
    );
    // Five messages per client in 15 minutes (two sent above).
    let mut last = StatusCode::OK;
    for _ in 0..4 {
        last = app
            .post_form(
                "/organisations/demo-riverside-council/contact",
                &format!("csrf_token={token}&email=neighbour%40example.org&message=Again"),
                Some(&cookie),
            )
            .await
            .status;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    // Organisations not (yet) public cannot be contacted this way.
    assert_eq!(
        app.get("/organisations/nowhere/contact").await.status,
        StatusCode::NOT_FOUND
    );
    // A report goes to the national team.
    mir_app::accounts::create_sign_in_link(
        &app.db.store,
        &mir_app::Actor::Operator,
        "team@example.org",
        true,
    )
    .await
    .expect("national admin");
    let reported = app
        .post_form(
            "/report",
            &format!("csrf_token={token}&page=%2Forganisations%2Fdemo-riverside-council&reason=Rude+words"),
            Some(&cookie),
        )
        .await;
    assert_eq!(reported.status, StatusCode::SEE_OTHER);
    let report = app
        .mails()
        .await
        .into_iter()
        .find(|m| m.contains("A page was reported"))
        .expect("report");
    assert!(report.contains("To: team@example.org") && report.contains("Rude words"));
    app.cleanup().await;
}

async fn searching(app: &TestApp) {
    demo(app).await;
    let page = app.get("/search?q=Easy+Read").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.html();
    let titles: Vec<String> = select(&html, ".results h3 a").iter().map(text).collect();
    assert!(
        titles
            .iter()
            .any(|t| t == "Easy Read information, written with us"),
        "{titles:?}"
    );
    assert!(
        !select(&html, ".results mark").is_empty(),
        "matches are highlighted"
    );
    // Only what is public: the Riverside draft action (not approved yet) is not found.
    let draft = app.get("/search?q=paying+for+care").await;
    assert!(text(&select(&draft.html(), "#results")[0]).starts_with("0 results"));
    // Published actions and public updates are found, linked to their place on the plan.
    let update = app.get("/search?q=social+workers+training").await;
    let links: Vec<String> = select(&update.html(), ".results h3 a")
        .iter()
        .map(|a| a.value().attr("href").unwrap_or("").to_owned())
        .collect();
    assert!(
        links.contains(&"/organisations/demo-riverside-council#timeline".to_owned()),
        "{links:?}"
    );
    // Empty, odd and very long input is answered calmly.
    for odd in [
        "/search",
        "/search?q=",
        "/search?q=%22%2A%29%28NEAR",
        "/search?q=%3Cscript%3E",
    ] {
        let page = app.get(odd).await;
        assert_eq!(page.status, StatusCode::OK, "{odd}");
        assert!(!page.body.contains("<script>"), "{odd}");
    }
    let long = format!("/search?q={}", "care+".repeat(400));
    assert_eq!(app.get(&long).await.status, StatusCode::OK);
    // A word of one or two letters finds only that word, and the page says so.
    let short = app.get("/search?q=pa").await.html();
    let nothing = text(&select(&short, "#nothing-matches")[0]);
    assert!(nothing.contains("Try the whole word"), "{nothing}");
    let two_words = app.get("/search?q=zebra+quagga").await.html();
    let nothing = text(&select(&two_words, "#nothing-matches")[0]);
    assert!(
        nothing.contains("Try fewer or different words"),
        "{nothing}"
    );
}

async fn good_practice_stories(app: &TestApp) {
    demo(app).await;
    // The demonstration story, found from the list, its statement and search.
    let list = app.get("/stories?statement=WB-I1").await;
    let link = select(&list.html(), ".results a")[0]
        .value()
        .attr("href")
        .unwrap_or("")
        .to_owned();
    let story = app.get(&link).await;
    assert_eq!(story.status, StatusCode::OK);
    assert!(
        story.body.contains("<strong>teach</strong>"),
        "Markdown is rendered"
    );
    assert!(
        app.get("/stories?statement=IA-I1")
            .await
            .body
            .contains("No stories yet")
    );
    let statement = app.get("/frameworks/demonstration/statements/WB-I1").await;
    assert!(
        statement.body.contains(&format!("href=\"{link}\"")),
        "linked from its statement"
    );
    let found = app.get("/search?q=trainers").await;
    assert!(
        found.body.contains(&format!("href=\"{link}\"")),
        "found by search"
    );

    // Publishing: the administrator may; a carer may not; problems shown by their fields.
    let sam = app.sign_in("sam.admin@demo.example.org", false).await;
    let jo = app.sign_in("jo.carer@demo.example.org", false).await;
    let path = "/manage/organisations/demo-riverside-council/stories/new";
    let post = |cookies: &str, body: &str| {
        let body = format!("csrf_token={}&{body}", crate::support::csrf_of(cookies));
        let cookies = cookies.to_owned();
        let app = &app;
        async move { app.post_form(path, &body, Some(&cookies)).await }
    };
    assert_eq!(
        post(&jo, "title=Mine&body=Text&statements=WB-I1")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let bad = post(&sam, "title=&body=&statements=NOPE").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(select(&bad.html(), ".error-summary a").len(), 3);
    let made = post(
        &sam,
        "title=Letters+people+understand&body=We+rewrote+letters+%3Cscript%3Ealert(1)%3C%2Fscript%3E+together.&statements=IA-I1",
    )
    .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER);
    let page = app.get(made.header("location")).await;
    assert!(page.body.contains("We rewrote letters"));
    assert!(!page.body.contains("<script>alert"), "sanitised");
    assert!(
        app.get("/stories?theme=IA")
            .await
            .body
            .contains("Letters people understand")
    );
    assert_eq!(
        app.get("/stories/999999").await.status,
        StatusCode::NOT_FOUND
    );
}

both_engines!(finding_organisations, searching, good_practice_stories);

/// Search understands what people type (issue 14): a council's name finds the organisations
/// serving it, a theme's name finds priorities on its statements, and each result says whose
/// it is.
#[tokio::test]
async fn search_finds_places_and_themes_and_names_whose_results_they_are() {
    let app = TestApp::sqlite().await;
    demo(&app).await;
    let council = mir_domain::areas::council("E08000021")
        .expect("a council")
        .name
        .clone();
    let by_place = app
        .get(&format!("/search?q={}", council.replace(' ', "+")))
        .await;
    assert!(
        names(&by_place).iter().any(|n| n.contains("Northgate")),
        "{council}: {:?}",
        names(&by_place)
    );
    // "Tell your story once" is on a statement of the theme about flexible and integrated
    // support; the theme's words find it, though its title has none of them.
    let theme = app.get("/search?q=integrated").await;
    let html = theme.html();
    let found: Vec<String> = select(&html, ".results li").iter().map(text).collect();
    let story_once = found
        .iter()
        .find(|r| r.contains("Tell your story once"))
        .unwrap_or_else(|| panic!("found by its theme: {found:?}"));
    assert!(
        story_once.contains("Hillcrest"),
        "names whose it is: {story_once}"
    );
    app.cleanup().await;
}
