//! HTTP tests through the real router: pages are parsed and checked by structure.

use std::collections::HashSet;

use crate::support::{TestApp, select, text};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use mir_store::{FeedbackRepo, OrganisationRepo};

/// Every HTML page a visitor can reach today, including an error page.
const PAGES: [&str; 21] = [
    "/",
    "/manage/sign-up",
    "/manage/sign-up/name",
    "/manage/sign-up/kind",
    "/manage/sign-up/areas",
    "/manage/sign-up/website",
    "/manage/sign-up/framework",
    "/manage/sign-up/commitment",
    "/sign-in",
    "/sign-in/check-email",
    "/password-reset",
    "/?view=easy",
    "/frameworks",
    "/frameworks/demonstration",
    "/frameworks/demonstration/themes/WB",
    "/frameworks/demonstration/statements/WB-I1",
    "/accessibility",
    "/privacy",
    "/cookies",
    "/contact",
    "/no-such-page",
];

async fn check_page_shell(app: &TestApp) {
    mir_app::demo::load_demo_data(&app.db.store)
        .await
        .expect("demo");
    let mut titles = HashSet::new();
    for path in PAGES {
        let response = app.get(path).await;
        let expected = if path == "/no-such-page" {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::OK
        };
        assert_eq!(response.status, expected, "{path}");
        assert!(
            response.header("content-type").starts_with("text/html"),
            "{path}"
        );
        let html = response.html();
        assert_eq!(select(&html, "html[lang=en]").len(), 1, "{path}: lang");
        assert_eq!(select(&html, "h1").len(), 1, "{path}: exactly one h1");
        let title = text(&select(&html, "title")[0]);
        assert!(
            title.ends_with("– Making it Real") && title.len() > 20,
            "{path}: {title}"
        );
        assert!(
            titles.insert(title.clone()),
            "{path}: title {title} is not unique"
        );
        // The skip link is the first link on the page and points at main.
        let links = select(&html, "a[href]");
        assert_eq!(
            links[0].value().attr("href"),
            Some("#main-content"),
            "{path}: skip link first"
        );
        assert_eq!(
            select(&html, "main#main-content").len(),
            1,
            "{path}: main landmark"
        );
        assert_eq!(select(&html, "header").len(), 1, "{path}: banner");
        // The site's navigation, and any other (a framework's versions), each labelled
        // differently so a screen reader's landmark list tells them apart.
        let navs = select(&html, "nav");
        let labels: std::collections::HashSet<&str> = navs
            .iter()
            .filter_map(|n| n.value().attr("aria-label"))
            .collect();
        assert!(!navs.is_empty(), "{path}: a nav");
        assert_eq!(
            labels.len(),
            navs.len(),
            "{path}: every nav labelled, uniquely"
        );
        for target in ["/accessibility", "/privacy", "/cookies", "/contact"] {
            let css = format!("footer a[href='{target}']");
            assert_eq!(
                select(&html, &css).len(),
                1,
                "{path}: footer link to {target}"
            );
        }
        // An Easy Read switch near the top of every page.
        let toggle = select(&html, "header .view-toggle a");
        assert_eq!(toggle.len(), 1, "{path}: view toggle");
        // Every image has alt text (empty for decoration).
        for img in select(&html, "img") {
            assert!(img.value().attr("alt").is_some(), "{path}: img without alt");
        }
        // No script or style from anywhere but this server, and no inline script.
        for script in select(&html, "script") {
            let src = script
                .value()
                .attr("src")
                .expect("scripts are files, not inline");
            assert!(src.starts_with("/assets/"), "{path}: {src}");
        }
        for link in select(&html, "link[href]") {
            let href = link.value().attr("href").unwrap_or("");
            assert!(href.starts_with("/assets/"), "{path}: {href}");
        }
        assert!(
            select(&html, "[style]").is_empty(),
            "{path}: inline style breaks the CSP"
        );
    }
}

#[tokio::test]
async fn home_page_explains_making_it_real_and_shows_demo_organisations() {
    let app = TestApp::sqlite().await;
    mir_app::demo::load_demo_data(&app.db.store)
        .await
        .expect("demo");
    let response = app.get("/").await;
    let html = response.html();
    assert!(text(&select(&html, "h1")[0]).contains("Good care and support"));
    assert!(response.body.contains("\"I\" statements"));
    assert_eq!(text(&select(&html, ".stat")[0]), "6");
    assert!(
        response
            .body
            .contains("Riverside Health and Care Partnership (demonstration)")
    );
    let easy_links = select(&html, "a[href='?view=easy']");
    assert!(!easy_links.is_empty(), "links to Easy Read");
    app.cleanup().await;
}

#[tokio::test]
async fn easy_read_is_chosen_by_query_and_remembered_by_cookie() {
    let app = TestApp::sqlite().await;
    let first = app.get("/?view=easy").await;
    let cookie = first.set_cookie("mir_view").expect("remembers the choice");
    assert_eq!(cookie, "mir_view=easy");
    let full = first.set_cookie_full("mir_view").expect("cookie");
    assert!(
        full.contains("HttpOnly") && full.contains("SameSite=Lax"),
        "{full}"
    );
    let html = first.html();
    assert_eq!(select(&html, "main.easy-read").len(), 1);
    assert_eq!(
        select(&html, ".easy-item img[alt]").len(),
        4,
        "pictures with alt text"
    );

    // The next page, with the cookie alone, is Easy Read too.
    let next = app.get_with_cookie("/cookies", Some(&cookie)).await;
    let html = next.html();
    assert_eq!(select(&html, "main.easy-read").len(), 1);
    let toggle = select(&html, "header .view-toggle a")[0];
    assert_eq!(toggle.value().attr("href"), Some("?view=standard"));

    // And back.
    let back = app.get_with_cookie("/?view=standard", Some(&cookie)).await;
    assert_eq!(
        back.set_cookie("mir_view").as_deref(),
        Some("mir_view=standard")
    );
    assert!(select(&back.html(), "main.easy-read").is_empty());
    app.cleanup().await;
}

#[tokio::test]
async fn security_headers_are_on_every_response() {
    let app = TestApp::sqlite().await;
    let css = mir_web::assets::url("mir.css");
    for path in ["/", "/no-such-page", "/healthz", css.as_str()] {
        let response = app.get(path).await;
        let csp = response.header("content-security-policy");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{path}"
        );
        assert_eq!(
            response.header("x-content-type-options"),
            "nosniff",
            "{path}"
        );
        assert!(!response.header("referrer-policy").is_empty(), "{path}");
        assert!(!response.header("permissions-policy").is_empty(), "{path}");
        assert!(!response.header("x-request-id").is_empty(), "{path}");
        assert!(
            response.header("strict-transport-security").is_empty(),
            "no HSTS over plain HTTP"
        );
    }
    app.cleanup().await;
}

#[tokio::test]
async fn hsts_and_secure_cookies_when_served_over_https() {
    let db = mir_store::testing::TestDb::sqlite().await.expect("db");
    let config = mir_web::WebConfig {
        https: true,
        ..Default::default()
    };
    let app = TestApp::with_config(db, config);
    let response = app.get("/contact?view=easy").await;
    assert!(
        response
            .header("strict-transport-security")
            .contains("max-age=31536000")
    );
    for name in ["mir_view", "mir_csrf"] {
        let cookie = response.set_cookie_full(name).expect("cookie");
        assert!(
            cookie.contains("Secure") && cookie.contains("HttpOnly"),
            "{cookie}"
        );
    }
    app.cleanup().await;
}

#[tokio::test]
async fn assets_have_hashed_names_and_long_cache_lives() {
    let app = TestApp::sqlite().await;
    for asset in mir_web::assets::all() {
        let response = app.get(&format!("/assets/{}", asset.hashed_name)).await;
        assert_eq!(response.status, StatusCode::OK, "{}", asset.name);
        assert!(response.header("cache-control").contains("immutable"));
        assert_eq!(response.header("content-type"), asset.content_type);
    }
    assert_eq!(
        app.get("/assets/mir.css").await.status,
        StatusCode::NOT_FOUND
    );
    // Pages link to the hashed files.
    let home = app.get("/").await;
    assert!(home.body.contains(&mir_web::assets::url("mir.css")));
    app.cleanup().await;
}

#[tokio::test]
async fn pages_are_compressed_for_browsers_that_accept_it() {
    let app = TestApp::sqlite().await;
    for encoding in ["gzip", "br"] {
        let request = Request::builder()
            .uri("/")
            .header(header::ACCEPT_ENCODING, encoding)
            .body(Body::empty())
            .expect("request");
        let response = app.send(request).await;
        assert_eq!(response.header("content-encoding"), encoding);
    }
    app.cleanup().await;
}

#[tokio::test]
async fn not_found_and_method_not_allowed_are_friendly_pages() {
    let app = TestApp::sqlite().await;
    let missing = app.get("/organisations/nobody/../../etc/passwd").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(text(&select(&missing.html(), "h1")[0]), "Page not found");

    let request = Request::builder()
        .method(Method::DELETE)
        .uri("/")
        .body(Body::empty())
        .expect("req");
    let wrong = app.send(request).await;
    assert_eq!(wrong.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(
        wrong.header("allow").contains("GET"),
        "keeps the Allow header"
    );
    assert_eq!(
        text(&select(&wrong.html(), "h1")[0]),
        "This page cannot do that"
    );

    let easy = app.get("/missing?view=easy").await;
    assert!(easy.body.contains("We cannot find this page."));
    app.cleanup().await;
}

#[tokio::test]
async fn server_errors_show_a_reference_and_no_internal_detail() {
    let app = TestApp::sqlite().await;
    app.db.store.close().await; // the database goes away
    let response = app.get("/").await;
    assert_eq!(response.status, StatusCode::INTERNAL_SERVER_ERROR);
    let html = response.html();
    assert_eq!(
        text(&select(&html, "h1")[0]),
        "Sorry, there is a problem with the service"
    );
    let request_id = response.header("x-request-id").to_owned();
    assert!(!request_id.is_empty());
    assert!(
        response.body.contains(&request_id),
        "the page shows the request id"
    );
    let lower = response.body.to_lowercase();
    for leak in ["pool", "sqlx", "database error", "closed"] {
        assert!(!lower.contains(leak), "leaks {leak}");
    }
    let health = app.get("/healthz").await;
    assert_eq!(health.status, StatusCode::SERVICE_UNAVAILABLE);
    app.cleanup().await;
}

#[tokio::test]
async fn healthz_answers_when_the_database_does() {
    let app = TestApp::sqlite().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.body, "ok\n");
    app.cleanup().await;
}

#[tokio::test]
async fn metrics_count_requests_by_route_template() {
    let db = mir_store::testing::TestDb::sqlite().await.expect("db");
    let config = mir_web::WebConfig {
        metrics_token: Some(mir_web::Secret("monitor-token".into())),
        ..Default::default()
    };
    let app = TestApp::with_config(db, config);
    let metrics_with = |authorization: &'static str| {
        let request = Request::builder()
            .uri("/metrics")
            .header(header::AUTHORIZATION, authorization)
            .body(Body::empty())
            .expect("request");
        app.send(request)
    };
    // Not for everyone: without the token, or with a wrong one, there is nothing there.
    assert_eq!(app.get("/metrics").await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        metrics_with("Bearer monitor-tokem").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        metrics_with("monitor-token").await.status,
        StatusCode::NOT_FOUND
    );
    app.get("/cookies").await;
    let css = mir_web::assets::url("favicon.svg");
    app.get(&css).await;
    // A made-up method is counted as OTHER: its text never becomes a series of its own.
    let odd = Request::builder()
        .method(Method::from_bytes(b"ZQXMETHOD").expect("method"))
        .uri("/cookies")
        .body(Body::empty())
        .expect("request");
    app.send(odd).await;
    let metrics = metrics_with("Bearer monitor-token").await;
    assert!(!metrics.body.contains("ZQXMETHOD"), "{}", metrics.body);
    assert!(
        metrics.body.contains("method=\"OTHER\""),
        "{}",
        metrics.body
    );
    // Named and explained, and there from the start (alerts can rely on them).
    for line in [
        "# HELP http_requests_total",
        "mir_page_cache_evictions_total 0",
        "mir_process_resident_bytes",
        "mir_mail_waiting",
        "mir_mail_stuck",
    ] {
        assert!(metrics.body.contains(line), "{line} in {}", metrics.body);
    }
    assert_eq!(metrics.status, StatusCode::OK);
    assert!(metrics.header("content-type").starts_with("text/plain"));
    assert!(
        metrics.body.contains("http_requests_total{"),
        "{}",
        metrics.body
    );
    assert!(metrics.body.contains("route=\"/cookies\""));
    assert!(
        metrics.body.contains("route=\"/assets/{file}\""),
        "templates, not raw paths"
    );
    assert!(
        metrics
            .body
            .contains("http_request_duration_seconds_bucket")
    );
    // The page cache reports what it holds and how often it is used (issue 15).
    mir_app::demo::load_demo_data(&app.db.store)
        .await
        .expect("demo");
    app.get("/map").await;
    app.get("/map").await;
    let metrics = metrics_with("Bearer monitor-token").await;
    for name in [
        "mir_page_cache_hits_total",
        "mir_page_cache_misses_total",
        "mir_page_cache_bytes",
        "mir_page_cache_pages",
    ] {
        assert!(metrics.body.contains(name), "{name} in {}", metrics.body);
    }
    app.cleanup().await;
}

/// Gets the contact form and returns the cookie header to send back and the form's token.
async fn open_contact_form(app: &TestApp) -> (String, String) {
    let page = app.get("/contact").await;
    let cookie = page
        .set_cookie("mir_csrf")
        .expect("the form page sets the token cookie");
    let full = page.set_cookie_full("mir_csrf").expect("cookie");
    assert!(
        full.contains("HttpOnly") && full.contains("SameSite=Strict"),
        "{full}"
    );
    let html = page.html();
    let token = select(&html, "form input[name=csrf_token]")[0]
        .value()
        .attr("value")
        .expect("token")
        .to_owned();
    assert_eq!(cookie, format!("mir_csrf={token}"));
    (cookie, token)
}

#[tokio::test]
async fn pages_without_forms_set_no_cookies() {
    let app = TestApp::sqlite().await;
    for path in ["/", "/accessibility", "/no-such-page"] {
        let response = app.get(path).await;
        assert!(response.headers.get(header::SET_COOKIE).is_none(), "{path}");
    }
    app.cleanup().await;
}

#[tokio::test]
async fn contact_form_shows_every_error_by_its_field_and_keeps_what_was_typed() {
    let app = TestApp::sqlite().await;
    let (cookie, token) = open_contact_form(&app).await;
    let body = format!("csrf_token={token}&message=&reply_email=not+an+address");
    let response = app.post_form("/contact", &body, Some(&cookie)).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.html();
    assert!(text(&select(&html, "title")[0]).starts_with("Error: "));
    let summary_links: Vec<_> = select(&html, ".error-summary a")
        .iter()
        .map(|a| a.value().attr("href").unwrap_or("").to_owned())
        .collect();
    assert_eq!(summary_links, ["#message", "#reply_email"]);
    assert_eq!(
        text(&select(&html, "#message-error")[0]),
        "Error: Enter your message"
    );
    let email = select(&html, "input#reply_email")[0];
    assert_eq!(
        email.value().attr("value"),
        Some("not an address"),
        "kept what was typed"
    );
    let described = email.value().attr("aria-describedby").unwrap_or("");
    assert!(described.contains("reply_email-error"), "{described}");
    assert_eq!(app.db.store.count_feedback().await.expect("count"), 0);
    app.cleanup().await;
}

#[tokio::test]
async fn contact_form_sends_then_thanks_once() {
    let app = TestApp::sqlite().await;
    let (cookie, token) = open_contact_form(&app).await;
    let body = format!("csrf_token={token}&message=The+text+is+too+small&reply_email=");
    let sent = app.post_form("/contact", &body, Some(&cookie)).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    assert_eq!(sent.header("location"), "/contact");
    assert_eq!(app.db.store.count_feedback().await.expect("count"), 1);
    let session = sent
        .set_cookie("mir_session")
        .expect("a session carries the thank-you");
    let session_full = sent.set_cookie_full("mir_session").expect("cookie");
    assert!(session_full.contains("HttpOnly") && session_full.contains("SameSite=Lax"));

    let both = format!("{cookie}; {session}");
    let thanked = app.get_with_cookie("/contact", Some(&both)).await;
    let html = thanked.html();
    let banner = select(&html, ".notification-banner--success");
    assert_eq!(banner.len(), 1);
    assert!(text(&banner[0]).contains("We have your message"));
    // The message is shown once; the now-empty session is removed.
    assert!(
        thanked
            .set_cookie_full("mir_session")
            .is_some_and(|c| c.contains("Max-Age=0"))
    );
    let again = app.get_with_cookie("/contact", Some(&both)).await;
    assert!(select(&again.html(), ".notification-banner").is_empty());
    app.cleanup().await;
}

#[tokio::test]
async fn forms_without_a_matching_token_are_refused() {
    let app = TestApp::sqlite().await;
    let (cookie, token) = open_contact_form(&app).await;
    let cases = [
        (format!("message=hi&csrf_token={token}"), None),
        ("message=hi".to_owned(), Some(cookie.clone())),
        (
            format!("message=hi&csrf_token={}", "0".repeat(64)),
            Some(cookie.clone()),
        ),
    ];
    for (body, cookie) in cases {
        let response = app.post_form("/contact", &body, cookie.as_deref()).await;
        assert_eq!(response.status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(
            text(&select(&response.html(), "h1")[0]),
            "Your form could not be sent"
        );
    }
    // A cross-site post is refused even with a valid token.
    let request = Request::builder()
        .method(Method::POST)
        .uri("/contact")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, &cookie)
        .header("sec-fetch-site", "cross-site")
        .body(Body::from(format!("message=hi&csrf_token={token}")))
        .expect("request");
    assert_eq!(app.send(request).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.db.store.count_feedback().await.expect("count"), 0);
    app.cleanup().await;
}

#[tokio::test]
async fn odd_input_never_breaks_the_server() {
    let app = TestApp::sqlite().await;
    let long_path = format!("/{}", "a".repeat(10_000));
    for path in [
        long_path.as_str(),
        "/?view=%ZZ",
        "/?view=easy&view=standard",
        "/%00",
        "/contact?x=%F0%28",
    ] {
        let response = app.get(path).await;
        assert!(
            response.status.as_u16() < 500,
            "{path}: {}",
            response.status
        );
    }
    let (cookie, token) = open_contact_form(&app).await;
    let huge = format!("csrf_token={token}&message={}", "x".repeat(100 * 1024));
    let response = app.post_form("/contact", &huge, Some(&cookie)).await;
    assert_eq!(response.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        text(&select(&response.html(), "h1")[0]),
        "What you sent is too large"
    );
    let garbage = app.post_form("/contact", "%%%&&&==", Some(&cookie)).await;
    assert!(garbage.status.is_client_error());
    let bad_cookie = app
        .get_with_cookie("/contact", Some("mir_session=%%%; mir_csrf=zz; =;;"))
        .await;
    assert_eq!(bad_cookie.status, StatusCode::OK);
    app.cleanup().await;
}

#[tokio::test]
async fn demo_data_loads_once() {
    let app = TestApp::sqlite().await;
    mir_app::demo::load_demo_data(&app.db.store)
        .await
        .expect("first");
    mir_app::demo::load_demo_data(&app.db.store)
        .await
        .expect("second");
    assert_eq!(app.db.store.count_organisations().await.expect("count"), 6);
    app.cleanup().await;
}

/// Framework pages on one engine: every page of the statement library, in both views.
async fn check_framework_pages(app: &TestApp) {
    mir_app::demo::load_demo_data(&app.db.store)
        .await
        .expect("demo");
    let list = app.get("/frameworks").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("href=\"/frameworks/demonstration\""));
    assert!(list.body.contains("Demonstration"));

    let page = app.get("/frameworks/demonstration").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.html();
    let themes: Vec<String> = select(&html, "section h2").iter().map(text).collect();
    assert_eq!(themes.len(), 6);
    assert_eq!(themes[0], "Wellbeing and independence");
    assert_eq!(select(&html, ".statement-list li").len(), 30);
    assert!(text(&select(&html, ".demo-notice")[0]).contains("not the official Making it Real"));
    assert_eq!(
        select(&html, "table tbody tr").len(),
        4,
        "the four-level scale"
    );

    let statement = app.get("/frameworks/demonstration/statements/WB-I1").await;
    let html = statement.html();
    assert!(text(&select(&html, "h1")[0]).starts_with("I decide how I spend my days"));
    let pair_links: Vec<_> = select(&html, "main .statement-list a")
        .iter()
        .map(|a| a.value().attr("href").unwrap_or("").to_owned())
        .collect();
    assert_eq!(pair_links, ["/frameworks/demonstration/statements/WB-We1"]);
    assert_eq!(select(&html, ".demo-notice").len(), 1);
    let picture = select(&html, ".easy-item img")[0];
    assert_eq!(picture.value().attr("alt"), Some("Two people side by side"));
    let src = picture.value().attr("src").expect("src").to_owned();

    // Easy Read: the Easy Read text is the heading, with its picture.
    let easy = app
        .get("/frameworks/demonstration/statements/WB-I1?view=easy")
        .await;
    let html = easy.html();
    assert_eq!(
        text(&select(&html, "h1")[0]),
        "I choose what I do each day. My support helps me do things I enjoy."
    );
    assert_eq!(select(&html, "main.easy-read .easy-item img").len(), 1);

    let picture = app.get(&src).await;
    assert_eq!(picture.status, StatusCode::OK);
    assert_eq!(picture.header("content-type"), "image/svg+xml");
    assert!(
        picture
            .header("content-security-policy")
            .contains("sandbox")
    );

    let theme = app.get("/frameworks/demonstration/themes/IA").await;
    let html = theme.html();
    assert_eq!(text(&select(&html, "h1")[0]), "Information and advice");
    assert_eq!(select(&html, ".statement-list li").len(), 5);
    let print = app.get("/frameworks/demonstration/themes/IA/print").await;
    assert_eq!(
        select(&print.html(), ".card").len(),
        5,
        "one card per statement"
    );

    for missing in [
        "/frameworks/nope",
        "/frameworks/demonstration?version=1999",
        "/frameworks/demonstration/themes/ZZ",
        "/frameworks/demonstration/statements/ZZ-1",
        "/frameworks/demonstration/versions/2026.1/pictures/nope.svg",
    ] {
        assert_eq!(
            app.get(missing).await.status,
            StatusCode::NOT_FOUND,
            "{missing}"
        );
    }
}

#[tokio::test]
async fn older_framework_versions_stay_readable_and_links_keep_the_version() {
    let app = TestApp::sqlite().await;
    mir_app::demo::load_demo_data(&app.db.store)
        .await
        .expect("demo");
    let newer = mir_app::demo::DEMO_FRAMEWORK
        .replace("version = \"2026.1\"", "version = \"2027.1\"")
        .replace("date = \"2026-11-01\"", "date = \"2027-01-01\"")
        .replace(
            "I decide how I spend my days",
            "I choose how I spend my days",
        );
    mir_app::frameworks::import_framework(
        &app.db.store,
        &mir_app::Actor::Operator,
        &newer,
        &|_| Some(b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec()),
    )
    .await
    .expect("new version");
    let current = app.get("/frameworks/demonstration/statements/WB-I1").await;
    assert!(text(&select(&current.html(), "h1")[0]).starts_with("I choose how"));
    let old = app
        .get("/frameworks/demonstration/statements/WB-I1?version=2026.1")
        .await;
    assert!(text(&select(&old.html(), "h1")[0]).starts_with("I decide how"));
    let back = select(&old.html(), ".back-link")[0]
        .value()
        .attr("href")
        .unwrap_or("")
        .to_owned();
    assert_eq!(back, "/frameworks/demonstration/themes/WB?version=2026.1");
    let framework = app.get("/frameworks/demonstration").await;
    assert!(
        framework
            .body
            .contains("href=\"/frameworks/demonstration?version=2026.1\"")
    );
    app.cleanup().await;
}

both_engines!(check_page_shell, check_framework_pages);
