//! Signing an organisation up, question by question, and the national programme team's
//! approval.

use crate::support::{TestApp, csrf_of, select, text};
use axum::http::StatusCode;
use mir_store::PeopleRepo;

/// Posts one answer with the session and form token in `cookies`; returns the response and
/// cookies updated with any new session.
async fn answer(
    app: &TestApp,
    cookies: &mut String,
    path: &str,
    body: &str,
) -> crate::support::TestResponse {
    let token = csrf_of(cookies);
    let response = app
        .post_form(path, &format!("csrf_token={token}&{body}"), Some(cookies))
        .await;
    if let Some(session) = response.set_cookie("mir_session") {
        let csrf = format!("mir_csrf={token}");
        *cookies = format!("{csrf}; {session}");
    }
    response
}

#[tokio::test]
async fn someone_not_signed_in_signs_an_organisation_up_and_the_team_approves_it() {
    let app = TestApp::sqlite().await;
    mir_app::demo::load_demo_data(&app.db.store)
        .await
        .expect("demo");
    let start = app.get("/manage/sign-up").await;
    assert_eq!(start.status, StatusCode::OK);
    let first = app.get("/manage/sign-up/name").await;
    let csrf = first.set_cookie("mir_csrf").expect("csrf");
    let mut cookies = csrf.clone();

    // A mistake is shown by its field, and what was typed stays.
    let empty = answer(&app, &mut cookies, "/manage/sign-up/name", "name=").await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        select(&empty.html(), ".error-summary a[href='#name']").len(),
        1
    );
    let named = answer(
        &app,
        &mut cookies,
        "/manage/sign-up/name",
        "name=Maple+Lane+Support",
    )
    .await;
    assert_eq!(named.header("location"), "/manage/sign-up/kind");
    let kind = answer(
        &app,
        &mut cookies,
        "/manage/sign-up/kind",
        "kind=care-provider",
    )
    .await;
    assert_eq!(kind.header("location"), "/manage/sign-up/areas");

    // Areas: add two (one by its old code), remove one, add it back, continue.
    let nothing = answer(
        &app,
        &mut cookies,
        "/manage/sign-up/areas",
        "action=continue",
    )
    .await;
    assert_eq!(
        nothing.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "at least one area"
    );
    answer(
        &app,
        &mut cookies,
        "/manage/sign-up/areas",
        "action=add&area=E06000001",
    )
    .await;
    answer(
        &app,
        &mut cookies,
        "/manage/sign-up/areas",
        "action=add&area=E08000016",
    )
    .await;
    let listed = app
        .get_with_cookie("/manage/sign-up/areas", Some(&cookies))
        .await;
    let added: Vec<String> = select(&listed.html(), ".added-list li")
        .iter()
        .map(text)
        .collect();
    assert!(
        added[0].starts_with("Hartlepool") && added[1].starts_with("Barnsley"),
        "{added:?}"
    );
    answer(
        &app,
        &mut cookies,
        "/manage/sign-up/areas",
        "remove=E06000001",
    )
    .await;
    let bad = answer(
        &app,
        &mut cookies,
        "/manage/sign-up/areas",
        "action=add&area=E99999999",
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let areas = answer(
        &app,
        &mut cookies,
        "/manage/sign-up/areas",
        "action=continue",
    )
    .await;
    assert_eq!(areas.header("location"), "/manage/sign-up/website");

    let site = answer(
        &app,
        &mut cookies,
        "/manage/sign-up/website",
        "website=maple.example.org",
    )
    .await;
    assert_eq!(site.header("location"), "/manage/sign-up/framework");
    let page = app
        .get_with_cookie("/manage/sign-up/framework", Some(&cookies))
        .await;
    assert_eq!(
        select(
            &page.html(),
            "input[name=framework][value='demonstration@2026.1']"
        )
        .len(),
        1
    );
    answer(
        &app,
        &mut cookies,
        "/manage/sign-up/framework",
        "framework=demonstration%402026.1",
    )
    .await;
    let commit = answer(
        &app,
        &mut cookies,
        "/manage/sign-up/commitment",
        "commitment=We+will+plan+with+the+people+we+support.",
    )
    .await;
    assert_eq!(
        commit.header("location"),
        "/manage/sign-up/email",
        "asked because not signed in"
    );
    let email = answer(
        &app,
        &mut cookies,
        "/manage/sign-up/email",
        "email=lead%40maple.example.org",
    )
    .await;
    assert_eq!(email.header("location"), "/manage/sign-up/check");

    let check = app
        .get_with_cookie("/manage/sign-up/check", Some(&cookies))
        .await;
    let html = check.html();
    let values: Vec<String> = select(&html, ".summary-list__row dd:first-of-type")
        .iter()
        .map(text)
        .collect();
    assert_eq!(values[0], "Maple Lane Support");
    assert_eq!(values[1], "Care provider");
    assert_eq!(values[2], "Barnsley");
    assert_eq!(values[3], "https://maple.example.org");
    assert!(values[4].contains("version 2026.1"));
    assert_eq!(
        select(&html, "a[href='/manage/sign-up/name?change=1']").len(),
        1
    );

    let sent = answer(&app, &mut cookies, "/manage/sign-up/check", "").await;
    assert_eq!(sent.status, StatusCode::OK);
    assert_eq!(text(&select(&sent.html(), "h1")[0]), "Check your email");
    let mails = app.mails().await;
    assert_eq!(mails.len(), 1);
    assert!(
        mails[0].contains("To: lead@maple.example.org")
            && mails[0].contains("/manage/sign-up/confirm/")
    );
    // Finding 11: nothing exists until the person at that address confirms.
    assert_eq!(
        app.db
            .store
            .person_by_email("lead@maple.example.org")
            .await
            .expect("lookup"),
        None,
        "no account for an address nobody confirmed"
    );
    let team = app.sign_in("team@example.org", true).await;
    let waiting = app
        .get_with_cookie("/admin/organisations", Some(&team))
        .await;
    assert!(!waiting.body.contains("Maple Lane Support"));

    // The person confirms by the link (a button: opening it creates nothing), is signed in,
    // and lands on their organisation.
    let link_start = mails[0].find("/manage/sign-up/confirm/").expect("link");
    let link: String = mails[0][link_start..]
        .chars()
        .take("/manage/sign-up/confirm/".len() + 64)
        .collect();
    assert_eq!(app.get(&link).await.status, StatusCode::OK);
    assert_eq!(
        app.db
            .store
            .person_by_email("lead@maple.example.org")
            .await
            .expect("lookup"),
        None
    );
    let confirm = app
        .post_form(
            &link,
            &format!("csrf_token={}", csrf_of(&cookies)),
            Some(&cookies),
        )
        .await;
    assert_eq!(confirm.status, StatusCode::SEE_OTHER);
    assert!(
        confirm
            .header("location")
            .starts_with("/manage/organisations/")
    );
    // The national programme team is asked to check it, by email and on their account page.
    assert!(
        app.mails()
            .await
            .iter()
            .any(|m| m.contains("To: team@example.org")
                && m.contains("A new sign-up to check: Maple Lane Support")
                && m.contains("/admin/organisations"))
    );
    let desk = app.get_with_cookie("/account", Some(&team)).await;
    assert!(text(&select(&desk.html(), ".waiting-list")[0]).contains("Check 1 new sign-up"));
    let session = confirm.set_cookie("mir_session").expect("session");
    let me = format!("mir_csrf={}; {session}", csrf_of(&cookies));
    let account = app.get_with_cookie("/account", Some(&me)).await;
    assert!(
        text(&select(&account.html(), "main")[0]).contains("Maple Lane Support: Administrator")
    );
    let twice = app
        .post_form(
            &link,
            &format!("csrf_token={}", csrf_of(&cookies)),
            Some(&cookies),
        )
        .await;
    assert_eq!(twice.status, StatusCode::BAD_REQUEST, "a link works once");
    // Not public until approved.
    let home = app.get("/").await;
    assert!(!home.body.contains("Maple Lane Support"));

    // The national programme team's desk: a queue with its count; who applied and when; and
    // organisations it may duplicate (a care provider already signed up in the same area).
    let nearby = mir_store::SignUp {
        areas: vec!["E08000038".into()],
        ..mir_store::testing::sign_up("Barnsley Home Care")
    };
    mir_store::testing::signed_up(&app.db.store, &nearby, "lead@barnsley.example.org", true).await;
    let admin = app.sign_in("team@example.org", true).await;
    let desk = app.get_with_cookie("/admin", Some(&admin)).await;
    assert_eq!(text(&select(&desk.html(), "#waiting-count")[0]), "1");
    let list = app
        .get_with_cookie("/admin/organisations", Some(&admin))
        .await;
    assert!(list.body.contains("Maple Lane Support"));
    let html = list.html();
    assert_eq!(
        text(&select(&html, "#queue-count")[0]),
        "1 sign-up is waiting, the oldest first."
    );
    let section = text(&select(&html, "section.decision")[0]);
    assert!(section.contains("by lead@maple.example.org"), "{section}");
    assert!(
        section.contains("It may already be signed up")
            && section.contains("Barnsley Home Care (signed up)"),
        "{section}"
    );
    let action = select(&list.html(), "form[action$='/decline']")[0]
        .value()
        .attr("action")
        .expect("action")
        .to_owned();
    let no_reason = app
        .post_form(
            &action,
            &format!("csrf_token={}&reason=", csrf_of(&admin)),
            Some(&admin),
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    let approve = action.replace("/decline", "/approve");
    let approved = app
        .post_form(
            &approve,
            &format!("csrf_token={}", csrf_of(&admin)),
            Some(&admin),
        )
        .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER);
    assert!(
        app.mails()
            .await
            .iter()
            .any(|m| m.contains("Maple Lane Support is approved"))
    );
    let home = app.get("/").await;
    assert!(home.body.contains("Maple Lane Support"));
    let again = app
        .post_form(
            &approve,
            &format!("csrf_token={}", csrf_of(&admin)),
            Some(&admin),
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "decided once");

    app.cleanup().await;
}

#[tokio::test]
async fn a_signed_in_person_is_not_asked_for_an_email_and_staff_cannot_approve() {
    let app = TestApp::sqlite().await;
    mir_app::demo::load_demo_data(&app.db.store)
        .await
        .expect("demo");
    let mut me = app.sign_in("staff@example.org", false).await;
    answer(&app, &mut me, "/manage/sign-up/name", "name=Elm+Trust").await;
    answer(&app, &mut me, "/manage/sign-up/kind", "kind=nhs").await;
    answer(
        &app,
        &mut me,
        "/manage/sign-up/areas",
        "action=add&area=E06000002",
    )
    .await;
    answer(&app, &mut me, "/manage/sign-up/areas", "action=continue").await;
    answer(&app, &mut me, "/manage/sign-up/website", "website=").await;
    answer(
        &app,
        &mut me,
        "/manage/sign-up/framework",
        "framework=demonstration%402026.1",
    )
    .await;
    let commit = answer(
        &app,
        &mut me,
        "/manage/sign-up/commitment",
        "commitment=We+commit.",
    )
    .await;
    assert_eq!(commit.header("location"), "/manage/sign-up/check");
    let sent = answer(&app, &mut me, "/manage/sign-up/check", "").await;
    assert_eq!(sent.status, StatusCode::OK);
    assert!(
        app.mails().await.is_empty(),
        "no confirmation needed when signed in"
    );
    assert_eq!(
        app.get_with_cookie("/admin/organisations", Some(&me))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let refused = app
        .post_form(
            "/admin/organisations/1/approve",
            &format!("csrf_token={}", csrf_of(&me)),
            Some(&me),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.get("/manage/sign-up/nope").await.status,
        StatusCode::NOT_FOUND
    );
    app.cleanup().await;
}
