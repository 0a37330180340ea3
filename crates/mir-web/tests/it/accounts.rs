//! Accounts through the real router: signing in with a password or an emailed link, rate
//! limits, no account enumeration, password reset, email change, signing out everywhere.

use crate::support::{TestApp, csrf_of, select, text};
use axum::http::StatusCode;

/// Opens a page with a form and returns the `mir_csrf=…` cookie and its token.
async fn form_token(app: &TestApp, path: &str) -> (String, String) {
    let page = app.get(path).await;
    let cookie = page.set_cookie("mir_csrf").expect("csrf cookie");
    let token = cookie.trim_start_matches("mir_csrf=").to_owned();
    (cookie, token)
}

fn link_from(mail: &str, path: &str) -> String {
    let start = mail.find(path).expect("link in email");
    let token: String = mail[start + path.len()..].chars().take(64).collect();
    format!("{path}{token}")
}

#[tokio::test]
async fn the_sign_in_page_offers_a_password_or_a_link_with_the_right_autocomplete() {
    let app = TestApp::sqlite().await;
    let page = app.get("/sign-in").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.html();
    assert_eq!(
        select(
            &html,
            "form[action='/sign-in'] input#email[autocomplete=username][type=email]"
        )
        .len(),
        1
    );
    assert_eq!(
        select(
            &html,
            "form[action='/sign-in'] input#password[autocomplete=current-password][type=password]"
        )
        .len(),
        1
    );
    assert_eq!(
        select(
            &html,
            "form[action='/sign-in/email-link'] input#link_email[autocomplete=email]"
        )
        .len(),
        1
    );
    for id in ["email", "password", "link_email"] {
        assert_eq!(
            select(&html, &format!("label[for={id}]")).len(),
            1,
            "label for {id}"
        );
    }
    assert!(select(&html, "[onpaste]").is_empty(), "paste is allowed");
    // Not signed in: the account page sends you here.
    let account = app.get("/account").await;
    assert_eq!(account.status, StatusCode::SEE_OTHER);
    assert_eq!(account.header("location"), "/sign-in");
    app.cleanup().await;
}

#[tokio::test]
async fn password_sign_in_gives_one_answer_for_every_wrong_combination_and_is_rate_limited() {
    let app = TestApp::sqlite().await;
    let signed_in = app.sign_in("p@example.org", false).await;
    let token = csrf_of(&signed_in);
    let set = app
        .post_form(
            "/account/password",
            &format!("csrf_token={token}&new_password=short"),
            Some(&signed_in),
        )
        .await;
    assert_eq!(set.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&select(&set.html(), "#new_password-error")[0]).contains("8 characters or more"));
    let set = app
        .post_form(
            "/account/password",
            &format!("csrf_token={token}&new_password=correct+horse+battery+staple"),
            Some(&signed_in),
        )
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER);

    let (cookie, t) = form_token(&app, "/sign-in").await;
    let good = app
        .post_form(
            "/sign-in",
            &format!("csrf_token={t}&email=P%40example.org&password=correct+horse+battery+staple"),
            Some(&cookie),
        )
        .await;
    assert_eq!(good.status, StatusCode::SEE_OTHER);
    assert_eq!(good.header("location"), "/account");
    assert!(good.set_cookie("mir_session").is_some());

    let wrong = app
        .post_form(
            "/sign-in",
            &format!("csrf_token={t}&email=p%40example.org&password=wrong"),
            Some(&cookie),
        )
        .await;
    let nobody = app
        .post_form(
            "/sign-in",
            &format!("csrf_token={t}&email=nobody%40example.org&password=wrong"),
            Some(&cookie),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(nobody.status, wrong.status);
    let message = |r: &crate::support::TestResponse| text(&select(&r.html(), ".error-summary")[0]);
    assert_eq!(
        message(&wrong),
        message(&nobody),
        "no hint whether the account exists"
    );
    assert_eq!(
        select(&wrong.html(), "input#password")[0]
            .value()
            .attr("value"),
        Some(""),
        "passwords are never echoed"
    );

    // Five attempts per address from one client in 15 minutes (the success above started the
    // count again; one wrong one since); then HTTP 429 with a clear page.
    for _ in 0..4 {
        app.post_form(
            "/sign-in",
            &format!("csrf_token={t}&email=p%40example.org&password=wrong"),
            Some(&cookie),
        )
        .await;
    }
    let limited = app
        .post_form(
            "/sign-in",
            &format!("csrf_token={t}&email=p%40example.org&password=correct+horse+battery+staple"),
            Some(&cookie),
        )
        .await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(text(&select(&limited.html(), "h1")[0]), "Too many attempts");
    app.cleanup().await;
}

#[tokio::test]
async fn an_emailed_link_signs_in_and_unknown_addresses_get_the_same_answer() {
    let app = TestApp::sqlite().await;
    mir_app::accounts::create_sign_in_link(
        &app.db.store,
        &mir_app::Actor::Operator,
        "has@example.org",
        false,
    )
    .await
    .expect("account");
    let (cookie, t) = form_token(&app, "/sign-in").await;
    let unknown = app
        .post_form(
            "/sign-in/email-link",
            &format!("csrf_token={t}&link_email=nobody%40example.org"),
            Some(&cookie),
        )
        .await;
    let known = app
        .post_form(
            "/sign-in/email-link",
            &format!("csrf_token={t}&link_email=has%40example.org"),
            Some(&cookie),
        )
        .await;
    assert_eq!(
        (unknown.status, unknown.header("location")),
        (StatusCode::SEE_OTHER, "/sign-in/check-email")
    );
    assert_eq!(
        (known.status, known.header("location")),
        (StatusCode::SEE_OTHER, "/sign-in/check-email")
    );
    // Finding 6: neither request talked to the mail server; the account holder's link waits
    // in the outbox (a mail server that is down cannot turn this into an error page).
    assert_eq!(
        std::fs::read_dir(app.mail_dir.path()).expect("dir").count(),
        0,
        "nothing is sent inside the request"
    );
    assert_eq!(
        mir_store::OutboxRepo::outbox_report(&app.db.store)
            .await
            .expect("outbox")
            .waiting,
        1
    );
    let mails = app.mails().await;
    assert_eq!(mails.len(), 1, "only the account holder is emailed");
    assert!(mails[0].contains("To: has@example.org"));
    let link = link_from(&mails[0], "/sign-in/link/");
    let page = app.get(&link).await;
    let c = page.set_cookie("mir_csrf").unwrap_or(cookie.clone());
    let tok = c.trim_start_matches("mir_csrf=").to_owned();
    let used = app
        .post_form(&link, &format!("csrf_token={tok}"), Some(&c))
        .await;
    assert_eq!(used.status, StatusCode::SEE_OTHER);
    assert_eq!(used.header("location"), "/");
    let bad = app
        .post_form(
            "/sign-in/email-link",
            &format!("csrf_token={t}&link_email=not-an-address"),
            Some(&cookie),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        select(&bad.html(), ".error-summary a[href='#link_email']").len(),
        1
    );
    // Three links per address per 15 minutes.
    for _ in 0..2 {
        app.post_form(
            "/sign-in/email-link",
            &format!("csrf_token={t}&link_email=has%40example.org"),
            Some(&cookie),
        )
        .await;
    }
    let limited = app
        .post_form(
            "/sign-in/email-link",
            &format!("csrf_token={t}&link_email=has%40example.org"),
            Some(&cookie),
        )
        .await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    app.cleanup().await;
}

#[tokio::test]
async fn a_password_reset_link_sets_a_new_password_once_and_signs_out_elsewhere() {
    let app = TestApp::sqlite().await;
    let elsewhere = app.sign_in("r@example.org", false).await;
    let (cookie, t) = form_token(&app, "/password-reset").await;
    let sent = app
        .post_form(
            "/password-reset",
            &format!("csrf_token={t}&email=r%40example.org"),
            Some(&cookie),
        )
        .await;
    assert_eq!(sent.status, StatusCode::OK);
    assert_eq!(text(&select(&sent.html(), "h1")[0]), "Check your email");
    let link = link_from(&app.mails().await[0], "/password-reset/");
    let fresh = app.get_with_cookie(&link, Some(&cookie)).await;
    assert_eq!(fresh.status, StatusCode::OK);
    assert_eq!(select(&fresh.html(), "input[name='password']").len(), 1);
    let short = app
        .post_form(
            &link,
            &format!("csrf_token={t}&password=short"),
            Some(&cookie),
        )
        .await;
    assert_eq!(
        short.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the link survives a too-short password"
    );
    let done = app
        .post_form(
            &link,
            &format!("csrf_token={t}&password=a+long+new+passphrase"),
            Some(&cookie),
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(done.header("location"), "/account");
    let again = app
        .post_form(
            &link,
            &format!("csrf_token={t}&password=a+long+new+passphrase"),
            Some(&cookie),
        )
        .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    // Opened again, a used link says so at once, with no form to fill in for nothing.
    let used = app.get_with_cookie(&link, Some(&cookie)).await;
    assert_eq!(used.status, StatusCode::BAD_REQUEST);
    assert!(used.body.contains("This link does not work"));
    assert!(select(&used.html(), "input[name='password']").is_empty());
    assert_eq!(
        app.get_with_cookie("/account", Some(&elsewhere))
            .await
            .status,
        StatusCode::SEE_OTHER,
        "signed out elsewhere"
    );
    let (c2, t2) = form_token(&app, "/sign-in").await;
    let with_new = app
        .post_form(
            "/sign-in",
            &format!("csrf_token={t2}&email=r%40example.org&password=a+long+new+passphrase"),
            Some(&c2),
        )
        .await;
    assert_eq!(with_new.status, StatusCode::SEE_OTHER);
    app.cleanup().await;
}

/// Finding 5: changing the email address needs the password (or a recent sign-in by link),
/// ends every other session, and the old address can undo it.
#[tokio::test]
async fn changing_email_needs_the_new_address_to_confirm_and_tells_the_old_one() {
    let app = TestApp::sqlite().await;
    let me = app.sign_in("old@example.org", false).await;
    let t = csrf_of(&me);
    let other_device = app.sign_in("old@example.org", false).await;
    // Signed in by link moments ago and without a password: the link is enough.
    let sent = app
        .post_form(
            "/account/email",
            &format!("csrf_token={t}&email=new%40example.org"),
            Some(&me),
        )
        .await;
    assert_eq!(sent.status, StatusCode::OK);
    let mails = app.mails().await;
    assert!(mails[0].contains("To: new@example.org"));
    let link = link_from(&mails[0], "/account/email/confirm/");
    assert_eq!(
        app.get(&link).await.status,
        StatusCode::OK,
        "opening the link changes nothing"
    );
    let confirmed = app
        .post_form(&link, &format!("csrf_token={t}"), Some(&me))
        .await;
    assert_eq!(confirmed.status, StatusCode::SEE_OTHER);
    let session = confirmed
        .set_cookie("mir_session")
        .expect("this browser is signed in again");
    let me = format!("mir_csrf={t}; {session}");
    let account = app.get_with_cookie("/account", Some(&me)).await;
    assert!(account.body.contains("new@example.org"));
    assert_ne!(
        app.get_with_cookie("/account", Some(&other_device))
            .await
            .status,
        StatusCode::OK,
        "every other session ended"
    );
    // The old address is told, with a link that puts it back.
    let mails = app.mails().await;
    let told = mails
        .iter()
        .find(|m| m.contains("To: old@example.org") && m.contains("was changed"))
        .expect("the old address is told");
    let undo = link_from(told, "/account/email/confirm/");
    let undone = app
        .post_form(
            &undo,
            &format!("csrf_token={t}"),
            Some(&format!("mir_csrf={t}")),
        )
        .await;
    assert_eq!(undone.status, StatusCode::SEE_OTHER);
    assert_ne!(
        app.get_with_cookie("/account", Some(&me)).await.status,
        StatusCode::OK,
        "undoing signs out whoever changed it"
    );
    let person = mir_store::PeopleRepo::person_by_email(&app.db.store, "old@example.org")
        .await
        .expect("lookup");
    assert!(person.is_some(), "the old address is back");
    // The address that was removed gets no way to take it back again.
    let after = app.mails().await;
    assert!(
        told.contains("n***@example.org"),
        "the new address, partly hidden"
    );
    assert!(
        after[mails.len()..]
            .iter()
            .all(|m| !m.contains("To: new@example.org")),
        "no undo link for the address that was removed"
    );
    assert!(
        after[mails.len()..]
            .iter()
            .any(|m| m.contains("To: old@example.org") && m.contains("is back"))
    );
    app.cleanup().await;
}

/// With a password, the email address changes only with it.
#[tokio::test]
async fn changing_email_with_a_password_needs_the_password() {
    let app = TestApp::sqlite().await;
    let signed_in = app.sign_in("pw@example.org", false).await;
    let t = csrf_of(&signed_in);
    let set = app
        .post_form(
            "/account/password",
            &format!("csrf_token={t}&new_password=correct+horse+battery+staple"),
            Some(&signed_in),
        )
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER);
    let me = format!(
        "mir_csrf={t}; {}",
        set.set_cookie("mir_session").expect("signed in again")
    );
    let page = app.get_with_cookie("/account/email", Some(&me)).await;
    assert_eq!(select(&page.html(), "input#current_password").len(), 1);
    for (password, message) in [
        ("", "Enter your current password"),
        ("wrong+one", "Your current password is not right"),
    ] {
        let refused = app
            .post_form(
                "/account/email",
                &format!("csrf_token={t}&email=taken%40example.org&current_password={password}"),
                Some(&me),
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            text(&select(&refused.html(), "#current_password-error")[0]).contains(message),
            "{message}"
        );
        assert_eq!(
            select(&refused.html(), "input#email")[0]
                .value()
                .attr("value"),
            Some("taken@example.org"),
            "what was typed is kept"
        );
    }
    assert!(app.mails().await.is_empty(), "nothing was sent");
    let sent = app
        .post_form(
            "/account/email",
            &format!(
                "csrf_token={t}&email=taken%40example.org&current_password=correct+horse+battery+staple"
            ),
            Some(&me),
        )
        .await;
    assert_eq!(sent.status, StatusCode::OK);
    assert_eq!(app.mails().await.len(), 1);
    app.cleanup().await;
}

#[tokio::test]
async fn signing_out_everywhere_ends_every_session() {
    let app = TestApp::sqlite().await;
    let laptop = app.sign_in("s@example.org", false).await;
    let phone = {
        let link = mir_app::accounts::create_sign_in_link(
            &app.db.store,
            &mir_app::Actor::Operator,
            "s@example.org",
            false,
        )
        .await
        .expect("link");
        let path = format!("/sign-in/link/{}", link.token);
        let t = csrf_of(&laptop);
        let csrf = format!("mir_csrf={t}");
        let done = app
            .post_form(&path, &format!("csrf_token={t}"), Some(&csrf))
            .await;
        format!(
            "{csrf}; {}",
            done.set_cookie("mir_session").expect("session")
        )
    };
    assert_eq!(
        app.get_with_cookie("/account", Some(&phone)).await.status,
        StatusCode::OK
    );
    let out = app
        .post_form(
            "/account/sign-out-everywhere",
            &format!("csrf_token={}", csrf_of(&laptop)),
            Some(&laptop),
        )
        .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get_with_cookie("/account", Some(&phone)).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.get_with_cookie("/account", Some(&laptop)).await.status,
        StatusCode::SEE_OTHER
    );
    app.cleanup().await;
}

/// Links last 15 minutes: one used at 14m59s works, one used at 15m01s does not.
async fn sign_in_links_expire_after_fifteen_minutes(app: &TestApp) {
    let store = &app.db.store;
    let mut links = Vec::new();
    for _ in 0..2 {
        let link = mir_app::accounts::create_sign_in_link(
            store,
            &mir_app::Actor::Operator,
            "late@example.org",
            false,
        )
        .await
        .expect("link");
        links.push(format!("/sign-in/link/{}", link.token));
    }
    assert_eq!(
        app.db.link_lifetimes().await.expect("lifetimes"),
        [900, 900]
    );
    let (cookie, t) = form_token(app, "/sign-in").await;
    // Ten seconds to spare: a busy test machine must not make "in time" late.
    app.db.age_links(890).await.expect("age");
    let in_time = app
        .post_form(&links[0], &format!("csrf_token={t}"), Some(&cookie))
        .await;
    assert_eq!(
        in_time.status,
        StatusCode::SEE_OTHER,
        "used within 15 minutes"
    );
    app.db.age_links(11).await.expect("age");
    let late = app
        .post_form(&links[1], &format!("csrf_token={t}"), Some(&cookie))
        .await;
    assert_eq!(
        late.status,
        StatusCode::BAD_REQUEST,
        "used after 15 minutes"
    );
    assert!(
        late.body.contains("This sign-in link does not work"),
        "{}",
        late.body
    );
}

#[tokio::test]
async fn people_choose_which_reminders_and_digests_they_get() {
    use mir_store::{EmailPreferenceRepo, PeopleRepo};
    let app = TestApp::sqlite().await;
    let cookies = app.sign_in("choosy@example.org", false).await;
    let page = app.get_with_cookie("/account/emails", Some(&cookies)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        select(&page.html(), "input[name='emails'][checked]").len(),
        3,
        "every kind is on at first"
    );
    let token = csrf_of(&cookies);
    let saved = app
        .post_form(
            "/account/emails",
            &format!("csrf_token={token}&emails=digest"),
            Some(&cookies),
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let me = app
        .db
        .store
        .person_by_email("choosy@example.org")
        .await
        .expect("get")
        .expect("person");
    assert!(
        app.db
            .store
            .email_enabled(me.id, "digest")
            .await
            .expect("digest")
    );
    assert!(
        !app.db
            .store
            .email_enabled(me.id, "reminders")
            .await
            .expect("reminders")
    );
    assert!(
        !app.db
            .store
            .email_enabled(me.id, "requests")
            .await
            .expect("requests")
    );
    let page = app.get_with_cookie("/account/emails", Some(&cookies)).await;
    let checked: Vec<String> = select(&page.html(), "input[name='emails'][checked]")
        .iter()
        .map(|i| i.value().attr("value").unwrap_or("").to_owned())
        .collect();
    assert_eq!(checked, ["digest"]);
    app.cleanup().await;
}

/// One wrong password for `email`, sent through a proxy that says the visitor is
/// `forwarded_for` (`X-Forwarded-For`).
async fn attempt(
    app: &TestApp,
    cookie: &str,
    t: &str,
    email: &str,
    forwarded_for: &str,
) -> StatusCode {
    let request = axum::http::Request::builder()
        .method(axum::http::Method::POST)
        .uri("/sign-in")
        .header(
            axum::http::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .header(axum::http::header::COOKIE, cookie)
        .header("x-forwarded-for", forwarded_for)
        .body(axum::body::Body::from(format!(
            "csrf_token={t}&email={email}&password=wrong"
        )))
        .expect("request");
    app.send(request).await.status
}

/// 31 attempts from one visitor, each for a different address (so only the per-client limit
/// of 30 can stop them); the status of the last.
async fn sign_in_attempts(app: &TestApp, cookie: &str, t: &str, forwarded_for: &str) -> StatusCode {
    let mut last = StatusCode::OK;
    for n in 0..31 {
        last = attempt(
            app,
            cookie,
            t,
            &format!("p{n}%40example.org"),
            forwarded_for,
        )
        .await;
    }
    last
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_visitor_has_their_own_rate_limit() {
    // One load balancer in front: it appends the address it saw to what the client sent.
    let config = mir_web::WebConfig {
        trusted_proxies: 1,
        ..mir_web::WebConfig::default()
    };
    let db = mir_store::testing::TestDb::sqlite().await.expect("db");
    let app = TestApp::with_config(db, config);
    let (cookie, t) = form_token(&app, "/sign-in").await;
    assert_eq!(
        sign_in_attempts(&app, &cookie, &t, "203.0.113.7").await,
        StatusCode::TOO_MANY_REQUESTS,
        "the 31st attempt from one visitor"
    );
    assert_eq!(
        attempt(&app, &cookie, &t, "y%40example.org", "203.0.113.8").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "another visitor behind the same proxy is not stopped (a wrong password, shown again)"
    );
    assert_eq!(
        attempt(
            &app,
            &cookie,
            &t,
            "x%40example.org",
            "198.51.100.1, 203.0.113.7"
        )
        .await,
        StatusCode::TOO_MANY_REQUESTS,
        "an address the client wrote itself (left of the proxy's) changes nothing"
    );
    app.cleanup().await;

    // No proxy trusted (the default): the header is ignored, so it cannot dodge the limit.
    let app = TestApp::sqlite().await;
    let (cookie, t) = form_token(&app, "/sign-in").await;
    assert_eq!(
        sign_in_attempts(&app, &cookie, &t, "203.0.113.7").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        attempt(&app, &cookie, &t, "q%40example.org", "192.0.2.1").await,
        StatusCode::TOO_MANY_REQUESTS,
        "a made-up header is ignored"
    );
    app.cleanup().await;
}

/// Finding 9: personal pages are never stored by a browser or proxy; a session ends after a
/// week unused and 30 days after sign-in however busy; signing in renews the form token.
async fn sessions_end_and_personal_pages_are_not_kept(app: &TestApp) {
    let public = app.get("/").await;
    assert_ne!(public.header("cache-control"), "no-store");
    let before = app
        .get("/sign-in")
        .await
        .set_cookie("mir_csrf")
        .expect("form token");
    let cookies = app.sign_in("keeper@example.org", false).await;
    // `sign_in` sends the token it had before: the answer sets a different one.
    let link = mir_app::accounts::create_sign_in_link(
        &app.db.store,
        &mir_app::Actor::Operator,
        "keeper@example.org",
        false,
    )
    .await
    .expect("link");
    let path = format!("/sign-in/link/{}", link.token);
    let token = before.trim_start_matches("mir_csrf=");
    let signed_in = app
        .post_form(&path, &format!("csrf_token={token}"), Some(&before))
        .await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
    let renewed = signed_in
        .set_cookie("mir_csrf")
        .expect("a new form token at sign-in");
    assert_ne!(
        renewed, before,
        "the form token known before sign-in is replaced"
    );
    assert_eq!(signed_in.header("cache-control"), "no-store");

    let account = app.get_with_cookie("/account", Some(&cookies)).await;
    assert_eq!(account.status, StatusCode::OK);
    assert_eq!(account.header("cache-control"), "no-store");
    // Busy every day for 31 days (renewed all along): it still ends 30 days after sign-in.
    app.db
        .age_session_creation(31 * 24 * 3600)
        .await
        .expect("age");
    let ended = app.get_with_cookie("/account", Some(&cookies)).await;
    assert_ne!(ended.status, StatusCode::OK, "absolute lifetime");

    // Unused for 8 days: it ends.
    let cookies = app.sign_in("idle@example.org", false).await;
    assert_eq!(
        app.get_with_cookie("/account", Some(&cookies)).await.status,
        StatusCode::OK
    );
    app.db.age_sessions(6 * 24 * 3600).await.expect("age");
    assert_eq!(
        app.get_with_cookie("/account", Some(&cookies)).await.status,
        StatusCode::OK,
        "six days unused is fine, and this visit renews it"
    );
    app.db.age_sessions(6 * 24 * 3600).await.expect("age");
    assert_eq!(
        app.get_with_cookie("/account", Some(&cookies)).await.status,
        StatusCode::OK,
        "renewed six days ago"
    );
    app.db.age_sessions(8 * 24 * 3600).await.expect("age");
    assert_ne!(
        app.get_with_cookie("/account", Some(&cookies)).await.status,
        StatusCode::OK,
        "eight days unused: ended"
    );
}

both_engines!(
    sign_in_links_expire_after_fifteen_minutes,
    sessions_end_and_personal_pages_are_not_kept
);

/// A room of people signing in on one shared network (a workshop's Wi-Fi) is not stopped:
/// only failed attempts count against a client, successes do not (issue 14).
#[tokio::test]
async fn a_room_signing_in_on_one_network_is_not_stopped() {
    let app = TestApp::sqlite().await;
    mir_app::demo::load_demo_data(&app.db.store)
        .await
        .expect("demo");
    let people = [
        "sam.admin",
        "priya.staff",
        "alex.expert",
        "jo.carer",
        "kit.carer",
        "robin.expert",
        "lee.expert",
        "dee.staff",
    ];
    for round in 0..5 {
        for who in people {
            let (cookie, t) = form_token(&app, "/sign-in").await;
            let signed_in = app
                .post_form(
                    "/sign-in",
                    &format!(
                        "csrf_token={t}&email={who}%40demo.example.org&password=making+it+real+demo"
                    ),
                    Some(&cookie),
                )
                .await;
            assert_eq!(
                signed_in.status,
                StatusCode::SEE_OTHER,
                "round {round}, {who}: {}",
                signed_in.body
            );
        }
    }
    app.cleanup().await;
}
