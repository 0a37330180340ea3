//! "Waiting for you": each step that needs a person shows on their account page and in their
//! group's workspace, and goes once they have done it.

use crate::support::{TestApp, TestResponse, group, select, text};
use axum::http::StatusCode;

/// What the page lists as waiting for the person with `cookies`.
async fn waiting(app: &TestApp, path: &str, cookies: &str) -> Vec<String> {
    let page = app.get_with_cookie(path, Some(cookies)).await;
    assert_eq!(page.status, StatusCode::OK, "{path}");
    select(&page.html(), ".waiting-list a")
        .iter()
        .map(text)
        .collect()
}

/// The value of a form field on a page, as a browser would send it back.
async fn value_on(app: &TestApp, path: &str, selector: &str, cookies: &str) -> String {
    let page = app.get_with_cookie(path, Some(cookies)).await;
    select(&page.html(), selector)
        .first()
        .and_then(|i| i.value().attr("value"))
        .unwrap_or("")
        .to_owned()
}

fn sent(response: TestResponse) {
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
}

async fn what_is_waiting_shows_and_goes(app: &TestApp) {
    let g = group(app, &mir_store::testing::sign_up("Cedar Support")).await;
    let ws = format!("/manage/organisations/{}", g.slug);
    assert!(waiting(app, "/account", &g.carer).await.is_empty());
    let account = app.get_with_cookie("/account", Some(&g.carer)).await;
    assert!(text(&select(&account.html(), "main")[0]).contains("Nothing is waiting for you"));

    // A review opens: everyone is asked for their views, on their account, in the group and by
    // email (unless they turned such emails off).
    let staff_id = mir_store::PeopleRepo::person_by_email(&app.db.store, "staff@example.org")
        .await
        .expect("get")
        .expect("staff")
        .id;
    mir_store::EmailPreferenceRepo::set_email_enabled(&app.db.store, staff_id, "requests", false)
        .await
        .expect("turned off");
    let before = app.mails().await.len();
    let opened = app
        .post_as(
            &format!("{ws}/reviews"),
            "title=Spring+review&scope=some&themes=WB",
            &g.admin,
        )
        .await;
    let review = opened.header("location").to_owned();
    sent(opened);
    let mails = app.mails().await;
    let asked: Vec<&String> = mails[before..]
        .iter()
        .filter(|m| m.contains("Your views, please: Spring review"))
        .collect();
    for who in ["expert@example.org", "carer@example.org"] {
        assert!(
            asked.iter().any(|m| m.contains(&format!("To: {who}"))),
            "{who} is asked"
        );
    }
    assert_eq!(
        asked.len(),
        2,
        "not the one who opened it, nor staff who turned it off"
    );
    assert!(asked[0].contains(review.as_str()));
    let give = "Give your views in “Spring review”";
    assert_eq!(waiting(app, "/account", &g.carer).await, [give]);
    assert_eq!(waiting(app, &ws, &g.carer).await, [give]);
    let link = app.get_with_cookie("/account", Some(&g.carer)).await;
    assert_eq!(
        select(&link.html(), ".waiting-list a")[0]
            .value()
            .attr("href"),
        Some(review.as_str())
    );
    sent(
        app.post_as(
            &format!("{review}/statements/WB-I1"),
            "level-WB-I1=some-progress",
            &g.carer,
        )
        .await,
    );
    assert!(waiting(app, "/account", &g.carer).await.is_empty());

    // A position is agreed: each co-chair is asked to confirm it, until they have.
    sent(
        app.post_as(
            &format!("{review}/statements/WB-I1/position"),
            "level=some-progress&summary=Some+teams+plan+with+people",
            &g.admin,
        )
        .await,
    );
    let asked: Vec<String> = app
        .mails()
        .await
        .into_iter()
        .filter(|m| m.contains("Please confirm what the group agreed: Spring review"))
        .collect();
    assert_eq!(asked.len(), 1, "the other co-chair only");
    assert!(asked[0].contains("To: expert@example.org"));
    assert!(asked[0].contains("/summary#statement-WB-I1"));
    let confirm = "Confirm 1 agreed position in “Spring review”";
    assert!(
        waiting(app, "/account", &g.expert)
            .await
            .contains(&confirm.to_owned())
    );
    assert!(
        !waiting(app, "/account", &g.staff)
            .await
            .contains(&confirm.to_owned())
    );
    let summary = format!("{review}/summary");
    let seen = value_on(
        app,
        &summary,
        "#statement-WB-I1 input[name='seen']",
        &g.expert,
    )
    .await;
    sent(
        app.post_as(
            &format!("{review}/statements/WB-I1/confirm"),
            &format!("seen={seen}"),
            &g.expert,
        )
        .await,
    );
    assert!(
        !waiting(app, "/account", &g.expert)
            .await
            .contains(&confirm.to_owned())
    );
    assert!(
        waiting(app, "/account", &g.admin)
            .await
            .contains(&confirm.to_owned())
    );

    // The plan changes: each co-chair is asked to approve it, until they have.
    sent(
        app.post_as(
            &format!("{ws}/plan/priorities/new"),
            "title=Homes+that+fit&statements=WB-I1&target=Adaptations+within+a+month&status=agreed",
            &g.staff,
        )
        .await,
    );
    let approve = "Read the plan's changes and approve them";
    assert!(
        waiting(app, &ws, &g.expert)
            .await
            .contains(&approve.to_owned())
    );
    assert!(
        !waiting(app, &ws, &g.carer)
            .await
            .contains(&approve.to_owned())
    );
    let plan = format!("{ws}/plan");
    let revision = value_on(app, &plan, "input[name='revision']", &g.expert).await;
    sent(
        app.post_as(
            &format!("{plan}/approve"),
            &format!("revision={revision}"),
            &g.expert,
        )
        .await,
    );
    assert!(
        !waiting(app, &ws, &g.expert)
            .await
            .contains(&approve.to_owned())
    );
    assert!(
        waiting(app, &ws, &g.admin)
            .await
            .contains(&approve.to_owned())
    );

    // The national team is asked to look at new sign-ups.
    let team = app.sign_in("team@example.org", true).await;
    assert!(
        !waiting(app, "/account", &team)
            .await
            .iter()
            .any(|w| w.contains("sign-up"))
    );
    let oak = mir_store::testing::sign_up("Oak Tree Care");
    mir_store::testing::signed_up(&app.db.store, &oak, "oak@example.org", false).await;
    assert_eq!(
        waiting(app, "/account", &team).await,
        ["Check 1 new sign-up and approve or decline it"]
    );
}

/// An email's link opened while signed out: sign in, and land on the page it pointed to.
async fn a_link_to_a_group_page_signs_in_and_comes_back(app: &TestApp) {
    let g = group(app, &mir_store::testing::sign_up("Cedar Support")).await;
    let page = format!("/manage/organisations/{}/plan", g.slug);
    let csrf = app
        .get("/sign-in")
        .await
        .set_cookie("mir_csrf")
        .expect("form token cookie");
    let opened = app.get_with_cookie(&page, Some(&csrf)).await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER);
    assert_eq!(opened.header("location"), "/sign-in");
    let browser = format!(
        "{csrf}; {}",
        opened.set_cookie("mir_session").expect("a session")
    );
    let sign_in = app.get_with_cookie("/sign-in", Some(&browser)).await;
    assert!(sign_in.body.contains("Sign in to see that page"));
    let link = mir_app::accounts::create_sign_in_link(
        &app.db.store,
        &mir_app::Actor::Operator,
        "expert@example.org",
        false,
    )
    .await
    .expect("link");
    let signed_in = app
        .post_as(&format!("/sign-in/link/{}", link.token), "", &browser)
        .await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
    assert_eq!(
        signed_in.header("location"),
        page,
        "back to the page the link named"
    );
}

/// Remembering the page writes a session, so a client cannot make the server write one for
/// every request: past the limit, visitors are still sent to sign in, and nothing is kept.
async fn remembering_the_page_is_bounded_per_client(app: &TestApp) {
    let page = "/manage/organisations/any-group/plan";
    for n in 0..30 {
        let opened = app.get(page).await;
        assert_eq!(opened.status, StatusCode::SEE_OTHER);
        assert!(
            opened.set_cookie("mir_session").is_some(),
            "visit {n} is remembered"
        );
    }
    let over = app.get(page).await;
    assert_eq!(over.status, StatusCode::SEE_OTHER);
    assert_eq!(over.header("location"), "/sign-in");
    assert!(
        over.set_cookie("mir_session").is_none(),
        "nothing is written"
    );
}

/// An Expert by Experience co-chair who chose Easy Read is emailed, in Easy Read, that the
/// plan waits for them; the link signs them in and brings them to the approval page in Easy
/// Read, where they read everything that will be public and approve it.
async fn an_easy_read_co_chair_is_asked_and_approves(app: &TestApp) {
    let g = group(app, &mir_store::testing::sign_up("Cedar Support")).await;
    let plan = format!("/manage/organisations/{}/plan", g.slug);
    let chose = app
        .post_as("/account/easy-read", "easy_read=yes", &g.expert)
        .await;
    assert_eq!(chose.status, StatusCode::SEE_OTHER);
    assert_eq!(
        chose.set_cookie("mir_view").as_deref(),
        Some("mir_view=easy")
    );
    sent(
        app.post_as(
            &format!("{plan}/priorities/new"),
            "title=Plans+made+with+people&statements=WB-I1&target=Everyone+plans+with+us&status=agreed",
            &g.staff,
        )
        .await,
    );
    let before = app.mails().await.len();
    let revision = value_on(app, &plan, "input[name='revision']", &g.admin).await;
    sent(
        app.post_as(
            &format!("{plan}/approve"),
            &format!("revision={revision}"),
            &g.admin,
        )
        .await,
    );
    let mails = app.mails().await;
    let asked: Vec<&String> = mails[before..]
        .iter()
        .filter(|m| m.contains("waits for your approval"))
        .collect();
    assert_eq!(asked.len(), 1, "only the other co-chair is asked");
    assert!(asked[0].contains("To: expert@example.org"));
    assert!(
        asked[0].contains("The plan is ready for you to check."),
        "Easy Read: {}",
        asked[0]
    );
    assert!(asked[0].contains(&format!("{plan}#approve")));

    // The link, opened signed out: sign in, and back to the plan, in Easy Read.
    let visit = app.get(&plan).await;
    assert_eq!(visit.header("location"), "/sign-in");
    let visitor = visit.set_cookie("mir_session").expect("visitor session");
    let link = mir_app::accounts::create_sign_in_link(
        &app.db.store,
        &mir_app::Actor::Operator,
        "expert@example.org",
        false,
    )
    .await
    .expect("link");
    let path = format!("/sign-in/link/{}", link.token);
    let page = app.get_with_cookie(&path, Some(&visitor)).await;
    let csrf = page.set_cookie("mir_csrf").expect("csrf");
    let token = csrf.trim_start_matches("mir_csrf=").to_owned();
    let done = app
        .post_form(
            &path,
            &format!("csrf_token={token}"),
            Some(&format!("{csrf}; {visitor}")),
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(
        done.header("location"),
        plan,
        "back where the email pointed"
    );
    let view = done
        .set_cookie("mir_view")
        .expect("Easy Read set on this device");
    assert_eq!(view, "mir_view=easy");
    let session = done.set_cookie("mir_session").expect("signed in");
    let cookies = format!("{csrf}; {session}; {view}");
    let approval = app.get_with_cookie(&plan, Some(&cookies)).await;
    let html = approval.html();
    let main = text(&select(&html, "main")[0]);
    assert!(
        main.contains("Read the plan below first."),
        "Easy Read: {main}"
    );
    assert!(
        main.contains("Everyone plans with us"),
        "the whole plan is shown"
    );
    assert!(
        main.contains("New priority: Plans made with people"),
        "what changes"
    );
    assert_eq!(
        text(&select(&html, "#approve-button")[0]),
        "I agree: approve the plan"
    );
    let revision = value_on(app, &plan, "input[name='revision']", &cookies).await;
    let approved = app
        .post_as(
            &format!("{plan}/approve"),
            &format!("revision={revision}"),
            &cookies,
        )
        .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER);
    let public = app.get(&format!("/organisations/{}", g.slug)).await;
    assert!(public.body.contains("Plans made with people"), "published");
}

both_engines!(
    an_easy_read_co_chair_is_asked_and_approves,
    what_is_waiting_shows_and_goes,
    a_link_to_a_group_page_signs_in_and_comes_back,
    remembering_the_page_is_bounded_per_client
);
