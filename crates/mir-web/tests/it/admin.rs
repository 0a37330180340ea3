//! Signing in with a one-time link, and the national programme team's framework upload.

use crate::support::{TestApp, csrf_of, select, text};
use axum::http::StatusCode;
use mir_store::FrameworkRepo;

const DEMO: &str = include_str!("../../../../frameworks/demonstration/framework.toml");

fn demo_picture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../frameworks/demonstration")
        .join(name);
    std::fs::read(path).expect("picture")
}

#[tokio::test]
async fn a_sign_in_link_works_once_and_signing_out_ends_the_session() {
    let app = TestApp::sqlite().await;
    let link = mir_app::accounts::create_sign_in_link(
        &app.db.store,
        &mir_app::Actor::Operator,
        "admin@example.org",
        true,
    )
    .await
    .expect("link");
    let path = format!("/sign-in/link/{}", link.token);
    // Opening the link does not use it (email scanners open links).
    let page = app.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(select(&page.html(), "main form button").len(), 1);
    let page = app.get(&path).await;
    let csrf = page.set_cookie("mir_csrf").expect("csrf");
    let token = csrf.trim_start_matches("mir_csrf=").to_owned();

    // A session that existed before signing in is replaced, not reused (session fixation).
    let (before_cookie, _) = {
        let form = app.get("/contact").await;
        let c = form.set_cookie("mir_csrf").expect("csrf");
        let t = c.trim_start_matches("mir_csrf=").to_owned();
        let sent = app
            .post_form(
                "/contact",
                &format!("csrf_token={t}&message=hello"),
                Some(&c),
            )
            .await;
        (sent.set_cookie("mir_session").expect("session"), c)
    };
    let cookies = format!("{csrf}; {before_cookie}");
    let signed = app
        .post_form(&path, &format!("csrf_token={token}"), Some(&cookies))
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER);
    assert_eq!(signed.header("location"), "/admin");
    let session = signed.set_cookie("mir_session").expect("new session");
    assert_ne!(
        session, before_cookie,
        "a new session token after signing in"
    );
    let signed_in = format!("{csrf}; {session}");

    let admin = app.get_with_cookie("/admin", Some(&signed_in)).await;
    assert_eq!(admin.status, StatusCode::OK);
    let html = admin.html();
    assert!(text(&select(&html, ".notification-banner")[0]).contains("You are signed in"));
    assert_eq!(
        select(&html, "header form[action='/sign-out'] button").len(),
        1
    );
    assert_eq!(select(&html, "nav a[href='/admin']").len(), 1);
    // The old session token gives nothing.
    let old = app
        .get_with_cookie("/admin", Some(&format!("{csrf}; {before_cookie}")))
        .await;
    assert_eq!(old.status, StatusCode::FORBIDDEN);

    // The link works once.
    let again = app
        .post_form(&path, &format!("csrf_token={token}"), Some(&csrf))
        .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        text(&select(&again.html(), "h1")[0]),
        "This sign-in link does not work"
    );

    let out = app
        .post_form(
            "/sign-out",
            &format!("csrf_token={token}"),
            Some(&signed_in),
        )
        .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get_with_cookie("/admin", Some(&signed_in)).await.status,
        StatusCode::FORBIDDEN
    );
    app.cleanup().await;
}

#[tokio::test]
async fn admin_pages_are_for_national_administrators_only() {
    let app = TestApp::sqlite().await;
    let admin = app.sign_in("admin@example.org", true).await;
    let staff = app.sign_in("staff@example.org", false).await;
    for path in [
        "/admin",
        "/admin/frameworks/new",
        "/admin/frameworks/uploads/1",
    ] {
        assert_eq!(
            app.get(path).await.status,
            StatusCode::FORBIDDEN,
            "anonymous {path}"
        );
        assert_eq!(
            app.get_with_cookie(path, Some(&staff)).await.status,
            StatusCode::FORBIDDEN,
            "staff {path}"
        );
    }
    assert_eq!(
        app.get_with_cookie("/admin", Some(&admin)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.get_with_cookie("/admin/frameworks/new", Some(&admin))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        app.get_with_cookie("/admin/frameworks/uploads/999", Some(&admin))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // Posting an upload as staff is refused before anything is read.
    let token = csrf_of(&staff);
    let refused = app
        .post_multipart(
            "/admin/frameworks/new",
            &[
                ("csrf_token", None, token.as_bytes()),
                ("files", Some("f.toml"), DEMO.as_bytes()),
            ],
            &staff,
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    app.cleanup().await;
}

#[tokio::test]
async fn upload_shows_every_problem_then_previews_then_publishes() {
    let app = TestApp::sqlite().await;
    let admin = app.sign_in("admin@example.org", true).await;
    let token = csrf_of(&admin);

    // No file.
    let empty = app
        .post_multipart(
            "/admin/frameworks/new",
            &[("csrf_token", None, token.as_bytes())],
            &admin,
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        select(&empty.html(), ".error-summary a[href='#files']").len(),
        1
    );

    // Without the form token.
    let forged = app
        .post_multipart(
            "/admin/frameworks/new",
            &[("files", Some("f.toml"), DEMO.as_bytes())],
            &admin,
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    // Three mistakes: each in the summary, linked to its details with the line of the file.
    let broken = DEMO
        .replacen(
            "theme = \"AC\"\nkind = \"I\"",
            "theme = \"XX\"\nkind = \"I\"",
            1,
        )
        .replacen("code = \"WB-I2\"", "code = \"WB-I1\"", 1)
        .replacen("pairs = [\"WF-We2\"]", "pairs = [\"WF-We9\"]", 1);
    let pictures: Vec<(String, Vec<u8>)> = ["people.svg", "talk.svg", "plan.svg", "share.svg"]
        .iter()
        .map(|n| (n.to_string(), demo_picture(n)))
        .collect();
    let mut parts: Vec<(&str, Option<&str>, &[u8])> = vec![
        ("csrf_token", None, token.as_bytes()),
        ("files", Some("broken.toml"), broken.as_bytes()),
    ];
    for (name, bytes) in &pictures {
        parts.push(("files", Some(name.as_str()), bytes.as_slice()));
    }
    let response = app
        .post_multipart("/admin/frameworks/new", &parts, &admin)
        .await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.html();
    let summary: Vec<String> = select(&html, ".error-summary li a")
        .iter()
        .map(text)
        .collect();
    assert_eq!(summary.len(), 3, "{summary:?}");
    let line = broken
        .lines()
        .position(|l| l.contains("theme = \"XX\""))
        .expect("line")
        + 1;
    assert!(
        summary
            .iter()
            .any(|s| s.starts_with(&format!("Line {line}:"))
                && s.contains("not one of the [[themes]]")),
        "{summary:?}"
    );
    for (n, link) in select(&html, ".error-summary li a").iter().enumerate() {
        let target = format!("problem-{}", n + 1);
        assert_eq!(
            link.value().attr("href"),
            Some(format!("#{target}").as_str())
        );
        assert_eq!(
            select(&html, &format!("li#{target} pre code")).len(),
            1,
            "shows the line"
        );
    }
    assert!(
        app.db
            .store
            .framework_versions()
            .await
            .expect("list")
            .is_empty(),
        "nothing saved"
    );

    // The good file: preview, then publish.
    parts[1] = ("files", Some("framework.toml"), DEMO.as_bytes());
    let uploaded = app
        .post_multipart("/admin/frameworks/new", &parts, &admin)
        .await;
    assert_eq!(uploaded.status, StatusCode::SEE_OTHER, "{}", uploaded.body);
    let preview_path = uploaded.header("location").to_owned();
    let preview = app.get_with_cookie(&preview_path, Some(&admin)).await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(
        preview
            .body
            .contains("6 themes, 30 statements, 20 pairs, 4 scale levels, 4 pictures")
    );
    assert!(
        app.db
            .store
            .framework_versions()
            .await
            .expect("list")
            .is_empty(),
        "not public before publishing"
    );
    assert_eq!(
        app.get("/frameworks/demonstration").await.status,
        StatusCode::NOT_FOUND
    );
    // Someone else cannot see it.
    let other = app.sign_in("other@example.org", true).await;
    assert_eq!(
        app.get_with_cookie(&preview_path, Some(&other))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let published = app
        .post_form(
            &format!("{preview_path}/publish"),
            &format!("csrf_token={token}"),
            Some(&admin),
        )
        .await;
    assert_eq!(published.status, StatusCode::SEE_OTHER);
    assert_eq!(
        published.header("location"),
        "/frameworks/demonstration?version=2026.1"
    );
    let public = app
        .get_with_cookie("/frameworks/demonstration?version=2026.1", Some(&admin))
        .await;
    assert!(
        text(&select(&public.html(), ".notification-banner")[0])
            .contains("Published version 2026.1")
    );
    let picture = app
        .get("/frameworks/demonstration/versions/2026.1/pictures/people.svg")
        .await;
    assert_eq!(picture.status, StatusCode::OK);

    // Uploading the same version again is refused with a clear message.
    let again = app
        .post_multipart("/admin/frameworks/new", &parts, &admin)
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(text(&select(&again.html(), ".error-summary")[0]).contains("already published"));
    app.cleanup().await;
}

#[tokio::test]
async fn a_framework_without_easy_read_is_a_draft_until_the_team_writes_it() {
    let app = TestApp::sqlite().await;
    let admin = app.sign_in("admin@example.org", true).await;
    let token = csrf_of(&admin);
    // Three Easy Read texts left out: a level's label, WB-I1's text and its first marker's.
    let draft = DEMO
        .replacen(
            "easy_label = \"We have only just started\"",
            "easy_label = \"\"",
            1,
        )
        .replacen(
            "easy_text = \"I choose what I do each day. My support helps me do things I enjoy.\"\n",
            "",
            1,
        )
        .replacen(
            "easy_text = \"My plan says what I want to do, in my words.\"\n",
            "",
            1,
        );
    assert_ne!(draft, DEMO);
    let pictures: Vec<(String, Vec<u8>)> = ["people.svg", "talk.svg", "plan.svg", "share.svg"]
        .iter()
        .map(|n| (n.to_string(), demo_picture(n)))
        .collect();
    let mut parts: Vec<(&str, Option<&str>, &[u8])> = vec![
        ("csrf_token", None, token.as_bytes()),
        ("files", Some("draft.toml"), draft.as_bytes()),
    ];
    for (name, bytes) in &pictures {
        parts.push(("files", Some(name.as_str()), bytes.as_slice()));
    }
    let uploaded = app
        .post_multipart("/admin/frameworks/new", &parts, &admin)
        .await;
    assert_eq!(uploaded.status, StatusCode::SEE_OTHER, "{}", uploaded.body);
    let preview_path = uploaded.header("location").to_owned();
    let preview = app.get_with_cookie(&preview_path, Some(&admin)).await;
    let html = preview.html();
    assert!(text(&select(&html, "#easy-read-missing")[0]).contains("3 texts have no Easy Read"));
    assert!(
        select(&html, "form[action$='/publish']").is_empty(),
        "no publish button"
    );

    // Publishing anyway is refused, and the preview says why.
    let refused = app
        .post_form(
            &format!("{preview_path}/publish"),
            &format!("csrf_token={token}"),
            Some(&admin),
        )
        .await;
    assert_eq!(refused.header("location"), preview_path);
    let again = app.get_with_cookie(&preview_path, Some(&admin)).await;
    assert!(
        text(&select(&again.html(), ".notification-banner")[0])
            .contains("3 texts still need Easy Read words")
    );
    assert!(
        app.db
            .store
            .framework_versions()
            .await
            .expect("list")
            .is_empty()
    );

    // The form lists the three with their standard words; a mistake keeps what was typed.
    let form_path = format!("{preview_path}/easy-read");
    let form = app.get_with_cookie(&form_path, Some(&admin)).await;
    let html = form.html();
    assert_eq!(select(&html, "textarea").len(), 3);
    assert!(
        text(&select(&html, "#easy-statement-WB-I1-hint")[0])
            .contains("I decide how I spend my days")
    );
    let too_long = "x".repeat(1001);
    let bad = app
        .post_form(
            &form_path,
            &format!(
                "csrf_token={token}&easy-level-just-starting=Just+started&easy-statement-WB-I1={too_long}"
            ),
            Some(&admin),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = bad.html();
    assert_eq!(
        select(&html, ".error-summary a")[0].value().attr("href"),
        Some("#easy-statement-WB-I1")
    );
    assert_eq!(
        text(&select(&html, "#easy-level-just-starting")[0]),
        "Just started"
    );

    // Some now, the rest later.
    let some = app
        .post_form(
            &form_path,
            &format!("csrf_token={token}&easy-level-just-starting=Just+started&easy-statement-WB-I1=I+choose+my+day."),
            Some(&admin),
        )
        .await;
    assert_eq!(some.header("location"), form_path);
    let form = app.get_with_cookie(&form_path, Some(&admin)).await;
    assert_eq!(select(&form.html(), "textarea").len(), 1);
    assert!(text(&select(&form.html(), ".notification-banner")[0]).contains("1 text still need"));
    let last = app
        .post_form(
            &form_path,
            &format!("csrf_token={token}&easy-marker-WB-I1-1=My+plan+says+what+I+want."),
            Some(&admin),
        )
        .await;
    assert_eq!(last.header("location"), preview_path);

    let published = app
        .post_form(
            &format!("{preview_path}/publish"),
            &format!("csrf_token={token}"),
            Some(&admin),
        )
        .await;
    assert_eq!(
        published.header("location"),
        "/frameworks/demonstration?version=2026.1"
    );
    let framework = app
        .db
        .store
        .load_framework("demonstration", Some("2026.1"))
        .await
        .expect("load")
        .expect("published");
    let statement = framework.statement("WB-I1").expect("WB-I1");
    assert_eq!(statement.easy_text, "I choose my day.");
    assert_eq!(statement.markers[0].easy_text, "My plan says what I want.");
    assert_eq!(framework.scale[0].easy_label, "Just started");
    app.cleanup().await;
}

#[tokio::test]
async fn an_upload_can_be_discarded() {
    let app = TestApp::sqlite().await;
    let admin = app.sign_in("admin@example.org", true).await;
    let token = csrf_of(&admin);
    let file = DEMO.replace("picture = ", "# picture = ");
    let uploaded = app
        .post_multipart(
            "/admin/frameworks/new",
            &[
                ("csrf_token", None, token.as_bytes()),
                ("files", Some("f.toml"), file.as_bytes()),
            ],
            &admin,
        )
        .await;
    assert_eq!(uploaded.status, StatusCode::SEE_OTHER);
    let preview_path = uploaded.header("location").to_owned();
    let discarded = app
        .post_form(
            &format!("{preview_path}/discard"),
            &format!("csrf_token={token}"),
            Some(&admin),
        )
        .await;
    assert_eq!(discarded.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get_with_cookie(&preview_path, Some(&admin))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert!(
        app.db
            .store
            .framework_versions()
            .await
            .expect("list")
            .is_empty()
    );
    app.cleanup().await;
}

#[tokio::test]
async fn the_national_team_manages_its_administrators_and_keeps_at_least_one() {
    let app = TestApp::sqlite().await;
    let admin = app.sign_in("admin@example.org", true).await;
    let staff = app.sign_in("staff@example.org", false).await;
    assert_eq!(
        app.get_with_cookie("/admin/people", Some(&staff))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let page = app.get_with_cookie("/admin/people", Some(&admin)).await;
    let rows: Vec<String> = select(&page.html(), "#people tbody tr td:first-child")
        .iter()
        .map(text)
        .collect();
    assert_eq!(rows, ["admin@example.org", "staff@example.org"]);
    let forms: Vec<String> = select(&page.html(), "#people form")
        .iter()
        .map(|f| f.value().attr("action").unwrap_or("").to_owned())
        .collect();
    let token = csrf_of(&admin);
    let last = app
        .post_form(
            &forms[0],
            &format!("csrf_token={token}&national_admin=no"),
            Some(&admin),
        )
        .await;
    assert_eq!(
        last.status,
        StatusCode::CONFLICT,
        "the last national administrator stays"
    );
    let made = app
        .post_form(
            &forms[1],
            &format!("csrf_token={token}&national_admin=yes"),
            Some(&admin),
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get_with_cookie("/admin", Some(&staff)).await.status,
        StatusCode::OK,
        "now a national administrator"
    );
    let refused = app
        .post_form(
            &forms[0],
            &format!("csrf_token={}&national_admin=no", csrf_of(&staff)),
            Some(&staff),
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::SEE_OTHER,
        "another national administrator may remove the first"
    );
    assert_eq!(
        app.get_with_cookie("/admin", Some(&admin)).await.status,
        StatusCode::FORBIDDEN
    );
    app.cleanup().await;
}

/// Finding 14: a 5 MB hostile framework file is refused with at most 100 problems listed,
/// checked off the request threads, while `/healthz` keeps answering.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_upload_is_refused_while_the_site_keeps_answering() {
    let app = std::sync::Arc::new(TestApp::sqlite().await);
    let admin = app.sign_in("national@example.org", true).await;
    let token = csrf_of(&admin);
    // Just under the 5 MiB limit: 340,000 empty statements, each with several problems.
    let hostile = "[[statements]]\n".repeat(349_000);
    assert!(hostile.len() < 5 * 1024 * 1024);
    let started = std::time::Instant::now();
    let upload = {
        let app = app.clone();
        tokio::spawn(async move {
            app.post_multipart(
                "/admin/frameworks/new",
                &[
                    ("csrf_token", None, token.as_bytes()),
                    ("files", Some("hostile.toml"), hostile.as_bytes()),
                ],
                &admin,
            )
            .await
        })
    };
    // While it is being checked, the site answers.
    let mut answered = 0;
    while !upload.is_finished() && answered < 50 {
        let asked = std::time::Instant::now();
        let health = app.get("/healthz").await;
        assert_eq!(health.status, StatusCode::OK);
        assert!(
            asked.elapsed() < std::time::Duration::from_secs(2),
            "/healthz took {:?} during the upload",
            asked.elapsed()
        );
        answered += 1;
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let refused = upload.await.expect("upload task");
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A generous bound: the quadratic version took minutes for this file.
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
    assert!(refused.body.len() < 200_000, "{} bytes", refused.body.len());
    assert!(refused.body.contains("more problems not listed"));
    assert!(
        answered > 0,
        "the site was asked while the file was checked"
    );
}
