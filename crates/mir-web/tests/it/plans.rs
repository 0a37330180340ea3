//! Priorities and action plans through the real router, on SQLite and PostgreSQL: approval by
//! both co-chairs before anything is public, versions that never change, the feed, and the
//! embeddable page (the only page that may be framed, and it sets no cookies).

use crate::support::{TestApp, csrf_of, select, text};
use axum::http::StatusCode;
use mir_domain::organisation::Role;
use mir_store::{MemberRepo, PeopleRepo, SignUp, SignUpRepo};

struct Group {
    slug: String,
    plan: String,
    /// Administrator and co-chair (staff side).
    admin: String,
    /// Expert by Experience and co-chair.
    expert: String,
    carer: String,
    staff: String,
}

async fn group(app: &TestApp) -> Group {
    let sign_up = SignUp {
        kind: mir_domain::organisation::OrganisationKind::Housing,
        ..mir_store::testing::sign_up("Hazel Housing")
    };
    let g = crate::support::group(app, &sign_up).await;
    Group {
        plan: format!("/manage/organisations/{}/plan", g.slug),
        slug: g.slug,
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
    app.post_as(path, body, cookies).await
}

/// Approves as the page shows it: the form names the draft revision the co-chair read.
async fn approve(app: &TestApp, g: &Group, cookies: &str) -> crate::support::TestResponse {
    let page = app.get_with_cookie(&g.plan, Some(cookies)).await;
    let revision = select(&page.html(), "input[name='revision']")
        .first()
        .and_then(|i| i.value().attr("value"))
        .unwrap_or("-1")
        .to_owned();
    post(
        app,
        &format!("{}/approve", g.plan),
        &format!("revision={revision}"),
        cookies,
    )
    .await
}

fn priorities_shown(page: &crate::support::TestResponse) -> Vec<String> {
    select(&page.html(), ".plan-priority h3")
        .iter()
        .map(|h| {
            text(h)
                .split("  ")
                .next()
                .unwrap_or_default()
                .trim()
                .to_owned()
        })
        .collect()
}

async fn plans_are_public_only_when_both_co_chairs_approve(app: &TestApp) {
    let g = group(app).await;
    let public = format!("/organisations/{}", g.slug);

    // A priority: every problem at once; what was typed is kept.
    let bad = post(
        app,
        &format!("{}/priorities/new", g.plan),
        "title=Homes+that+fit&target=&status=dropped",
        &g.staff,
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = bad.html();
    let linked: Vec<String> = select(&html, ".error-summary a")
        .iter()
        .map(|a| a.value().attr("href").unwrap_or("").to_owned())
        .collect();
    assert_eq!(linked, ["#statements", "#target", "#dropped_reason"]);
    assert_eq!(
        select(&html, "#title")[0].value().attr("value"),
        Some("Homes that fit")
    );
    let carer_tries = post(
        app,
        &format!("{}/priorities/new", g.plan),
        "title=Mine&statements=WB-I1&target=Better&status=proposed",
        &g.carer,
    )
    .await;
    assert_eq!(carer_tries.status, StatusCode::FORBIDDEN);
    let made = post(
        app,
        &format!("{}/priorities/new", g.plan),
        "title=Homes+that+fit&statements=WB-I1&statements=WB-I2&target=Adaptations+within+a+month&status=agreed",
        &g.staff,
    )
    .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER);
    let priority = made.header("location").to_owned();
    // A new priority's page starts with its next step: adding actions.
    let next = app.get_with_cookie(&priority, Some(&g.staff)).await;
    assert_eq!(
        select(&next.html(), "#next-step a")[0].value().attr("href"),
        Some("#add-action")
    );
    let second = post(
        app,
        &format!("{}/priorities/new", g.plan),
        "title=Letters+in+plain+English&statements=IA-I1&target=Every+letter+rewritten&status=proposed",
        &g.admin,
    )
    .await;
    assert_eq!(second.status, StatusCode::SEE_OTHER);
    let bad_action = post(
        app,
        &format!("{priority}/actions"),
        "what=&lead=&due_on-day=tomorrow&due_on-month=3&due_on-year=2027&status=not-started",
        &g.staff,
    )
    .await;
    assert_eq!(bad_action.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = bad_action.html();
    assert_eq!(
        select(&html, "#due_on")[0].value().attr("value"),
        Some("tomorrow"),
        "what was typed is kept"
    );
    let linked: Vec<&str> = select(&html, ".error-summary a")
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert!(linked.contains(&"#due_on"), "{linked:?}");
    assert!(bad_action.body.contains("The due date must be a real date"));
    let action = post(
        app,
        &format!("{priority}/actions"),
        "what=Survey+every+adapted+home&lead=Repairs+manager&due_on-day=28&due_on-month=Feb&due_on-year=2027&status=not-started",
        &g.staff,
    )
    .await;
    assert_eq!(action.status, StatusCode::SEE_OTHER);

    // Nothing is public yet; one co-chair's approval is not enough.
    assert!(priorities_shown(&app.get(&public).await).is_empty());
    let staff_approves = post(app, &format!("{}/approve", g.plan), "", &g.staff).await;
    assert_eq!(
        staff_approves.status,
        StatusCode::FORBIDDEN,
        "not a co-chair"
    );
    let first = approve(app, &g, &g.admin).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert!(
        priorities_shown(&app.get(&public).await).is_empty(),
        "still nothing after one co-chair"
    );
    let both = approve(app, &g, &g.expert).await;
    assert_eq!(both.status, StatusCode::SEE_OTHER);
    let page = app.get(&public).await;
    assert_eq!(
        priorities_shown(&page),
        ["Homes that fit Agreed", "Letters in plain English Proposed"],
        "titles with their statuses"
    );
    let agreed = text(&select(&page.html(), ".inset-text")[0]);
    assert!(
        agreed.contains("Agreed by the co-chairs (Administrator and Expert by Experience)"),
        "{agreed}"
    );
    // Each statement a priority serves links to the statement's own page, in the plan's
    // framework version, and that page is there.
    let statement_links: Vec<String> = select(&page.html(), ".statement-list a")
        .iter()
        .filter_map(|a| a.value().attr("href").map(str::to_owned))
        .collect();
    let wb = statement_links
        .iter()
        .find(|href| href.contains("/statements/WB-I1?version="))
        .expect("a link to WB-I1's page");
    assert_eq!(app.get(wb).await.status, StatusCode::OK);

    // An edit makes a draft: the public still sees the approved version.
    let ws = app.get_with_cookie(&priority, Some(&g.staff)).await;
    let edit_link = select(&ws.html(), "table a")[0]
        .value()
        .attr("href")
        .unwrap_or("")
        .to_owned();
    let edited = post(
        app,
        &edit_link,
        "what=Survey+every+adapted+home&lead=Repairs+manager&due_on=2027-04-30&status=on-track",
        &g.staff,
    )
    .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER);
    let still = app.get(&public).await;
    assert!(still.body.contains("28 February 2027") && !still.body.contains("30 April 2027"));
    let draft = app.get_with_cookie(&g.plan, Some(&g.carer)).await;
    let pending = text(&select(&draft.html(), "main")[0]);
    assert!(
        pending.contains("due date changed from 28 February 2027 to 30 April 2027"),
        "{pending}"
    );
    // A progress update waits too, unless the group chose to publish updates directly.
    post(
        app,
        &format!("{priority}/updates"),
        "action=&note=Ten+homes+surveyed&status=",
        &g.staff,
    )
    .await;
    assert!(!app.get(&public).await.body.contains("Ten homes surveyed"));
    for co_chair in [&g.expert, &g.admin] {
        approve(app, &g, co_chair).await;
    }
    let v2 = app.get(&public).await;
    assert!(v2.body.contains("30 April 2027"));
    assert!(
        v2.body.contains("Ten homes surveyed"),
        "updates go public with the version"
    );
    let again = post(
        app,
        &format!("{}/approve", g.plan),
        &format!(
            "revision={}",
            select(
                &app.get_with_cookie(&g.plan, Some(&g.admin)).await.html(),
                "input[name='revision']"
            )
            .first()
            .and_then(|i| i.value().attr("value"))
            .unwrap_or("0")
        ),
        &g.admin,
    )
    .await;
    assert_eq!(
        again.status,
        StatusCode::CONFLICT,
        "nothing changed since version 2"
    );

    // Updates published directly: public at once, with their new status. One co-chair can
    // choose this, so every member is told who did.
    post(
        app,
        &format!("{}/settings", g.plan),
        "publish_directly=yes",
        &g.expert,
    )
    .await;
    let told: Vec<String> = app
        .mails()
        .await
        .into_iter()
        .filter(|m| m.contains("publishes progress updates changed"))
        .collect();
    assert_eq!(told.len(), 4, "every member is told");
    assert!(
        told.iter()
            .all(|m| m.contains("Changed by A member who has not chosen a name yet")),
        "named by their chosen name, never their address"
    );
    let quick = post(
        app,
        &format!("{priority}/updates"),
        "action=&note=Work+has+started&status=in-progress",
        &g.staff,
    )
    .await;
    assert_eq!(quick.status, StatusCode::SEE_OTHER);
    let now_public = app.get(&public).await;
    assert!(now_public.body.contains("Work has started"));
    assert!(text(&select(&now_public.html(), ".plan-priority h3")[0]).contains("In progress"));
    let bad_update = post(
        app,
        &format!("{priority}/updates"),
        "action=&note=&evidence_url=javascript:alert(1)",
        &g.staff,
    )
    .await;
    assert_eq!(bad_update.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Every version stays readable, with what changed.
    let versions = app.get(&format!("{public}/versions")).await;
    let history = text(&select(&versions.html(), "main")[0]);
    assert!(history.contains("Version 2") && history.contains("Version 1"));
    assert!(history.contains(
        "Action \"Survey every adapted home\": due date changed from 28 February 2027 to 30 April 2027"
    ));
    let v1 = app.get(&format!("{public}/versions/1")).await;
    assert_eq!(v1.status, StatusCode::OK);
    assert!(v1.body.contains("28 February 2027") && !v1.body.contains("30 April 2027"));
    assert_eq!(
        app.get(&format!("{public}/versions/9")).await.status,
        StatusCode::NOT_FOUND
    );

    // The feed is Atom.
    let feed = app.get(&format!("{public}/feed.atom")).await;
    assert_eq!(
        feed.header("content-type"),
        "application/atom+xml; charset=utf-8"
    );
    let parsed: atom_syndication::Feed = feed.body.parse().expect("valid Atom");
    assert_eq!(
        parsed.title().as_str(),
        "Hazel Housing: Making it Real plan"
    );
    let titles: Vec<String> = parsed
        .entries()
        .iter()
        .map(|e| e.title().to_string())
        .collect();
    assert!(
        titles
            .iter()
            .any(|t| t == "Version 2 of the plan, agreed by both co-chairs"),
        "{titles:?}"
    );
    assert!(
        titles.iter().any(|t| t.starts_with("Homes that fit")),
        "{titles:?}"
    );
    assert!(parsed.entries().iter().all(|e| !e.id().is_empty()));

    // The embed page may be framed by any site and sets no cookie; other pages refuse framing.
    let embed = app.get(&format!("/embed/organisations/{}", g.slug)).await;
    assert_eq!(embed.status, StatusCode::OK);
    assert!(embed.headers.get("set-cookie").is_none(), "no cookies");
    assert!(embed.headers.get("x-frame-options").is_none());
    assert!(
        embed
            .header("content-security-policy")
            .contains("frame-ancestors *")
    );
    assert!(embed.body.contains("Homes that fit"));
    assert!(embed.body.len() < 4000, "tiny: {} bytes", embed.body.len());
    for path in [public.as_str(), "/", "/sign-in"] {
        let page = app.get(path).await;
        assert_eq!(page.header("x-frame-options"), "DENY", "{path}");
        assert!(
            page.header("content-security-policy")
                .contains("frame-ancestors 'none'")
        );
    }
}

/// Findings 4, 10 and 12: an approval names the draft revision the co-chair read; a draft
/// changed after that is refused, not approved unseen; an approval from someone who is no
/// longer a co-chair does not count towards publication.
async fn approvals_are_of_the_draft_seen_by_current_co_chairs(app: &TestApp) {
    let g = group(app).await;
    let public = format!("/organisations/{}", g.slug);
    let made = post(
        app,
        &format!("{}/priorities/new", g.plan),
        "title=Homes+that+fit&statements=WB-I1&target=Adaptations+within+a+month&status=agreed",
        &g.staff,
    )
    .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER);
    let priority = made.header("location").to_owned();
    // A new priority's page starts with its next step: adding actions.
    let next = app.get_with_cookie(&priority, Some(&g.staff)).await;
    assert_eq!(
        select(&next.html(), "#next-step a")[0].value().attr("href"),
        Some("#add-action")
    );

    // The expert co-chair reads the draft; staff then change it; the expert presses Approve.
    let read = app.get_with_cookie(&g.plan, Some(&g.expert)).await;
    let seen = select(&read.html(), "input[name='revision']")[0]
        .value()
        .attr("value")
        .unwrap_or("")
        .to_owned();
    let changed = post(
        app,
        &priority,
        "title=Homes+that+fit+NOW&statements=WB-I1&target=Adaptations+within+a+week&status=agreed",
        &g.staff,
    )
    .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER);
    let stale = post(
        app,
        &format!("{}/approve", g.plan),
        &format!("revision={seen}"),
        &g.expert,
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(
        stale
            .body
            .contains("the draft changed after you opened this page")
    );
    let ws = app.get_with_cookie(&g.plan, Some(&g.admin)).await;
    assert!(
        !ws.body.contains("Approved so far by"),
        "nothing was recorded for a draft not seen"
    );

    // The administrator approves, then stops being a co-chair (a new co-chair takes over):
    // the expert's approval alone must not publish.
    assert_eq!(
        approve(app, &g, &g.admin).await.status,
        StatusCode::SEE_OTHER
    );
    let store = &app.db.store;
    let org = store
        .organisation_by_slug(&g.slug)
        .await
        .expect("lookup")
        .expect("org");
    let admin_id = store
        .upsert_person("admin@example.org", false, 1)
        .await
        .expect("admin")
        .id;
    let staff_id = store
        .upsert_person("staff@example.org", false, 1)
        .await
        .expect("staff")
        .id;
    store
        .put_member(org.id, admin_id, Role::Admin, false, 3)
        .await
        .expect("co-chair mark taken away");
    store
        .put_member(org.id, staff_id, Role::Staff, true, 3)
        .await
        .expect("new co-chair");
    assert_eq!(
        approve(app, &g, &g.expert).await.status,
        StatusCode::SEE_OTHER
    );
    assert!(
        priorities_shown(&app.get(&public).await).is_empty(),
        "a former co-chair's approval does not count"
    );
    // The new co-chair approves: now both current co-chairs agree, and it is public.
    assert_eq!(
        approve(app, &g, &g.staff).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        priorities_shown(&app.get(&public).await),
        ["Homes that fit NOW Agreed"]
    );

    // A progress update added after one co-chair approved is part of a new revision: the
    // other co-chair's approval alone does not publish it.
    let edited = post(
        app,
        &priority,
        "title=Homes+that+fit+NOW&statements=WB-I1&target=Adaptations+within+a+day&status=agreed",
        &g.staff,
    )
    .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER);
    assert_eq!(
        approve(app, &g, &g.expert).await.status,
        StatusCode::SEE_OTHER
    );
    let noted = post(
        app,
        &format!("{priority}/updates"),
        "action=&note=A+note+nobody+approved&status=",
        &g.staff,
    )
    .await;
    assert_eq!(noted.status, StatusCode::SEE_OTHER);
    assert_eq!(
        approve(app, &g, &g.staff).await.status,
        StatusCode::SEE_OTHER
    );
    assert!(
        !app.get(&public)
            .await
            .body
            .contains("A note nobody approved"),
        "the expert's approval did not cover the note"
    );
}

/// Finding 16: control characters and line breaks where one line is expected are refused next
/// to the field, at the domain layer, so the Atom feed and emails can never carry them.
#[tokio::test]
async fn hidden_characters_are_refused_next_to_the_field() {
    let app = TestApp::sqlite().await;
    let g = group(&app).await;
    for (body, field, message) in [
        (
            "title=Homes%07that+fit&statements=WB-I1&target=Better&status=agreed",
            "title",
            "hidden control characters",
        ),
        (
            "title=Homes%0Athat+fit&statements=WB-I1&target=Better&status=agreed",
            "title",
            "must be one line",
        ),
        (
            "title=Homes&statements=WB-I1&target=Better%1B%5B31m&status=agreed",
            "target",
            "hidden control characters",
        ),
        (
            "title=%E2%80%AEHomes&statements=WB-I1&target=Better&status=agreed",
            "title",
            "hidden control characters",
        ),
    ] {
        let refused = post(&app, &format!("{}/priorities/new", g.plan), body, &g.staff).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let html = refused.html();
        assert_eq!(
            select(&html, ".error-summary a")[0].value().attr("href"),
            Some(format!("#{field}").as_str())
        );
        assert!(refused.body.contains(message), "{body}");
    }
    // The evidence link of an update too: no control or invisible characters.
    let made = post(
        &app,
        &format!("{}/priorities/new", g.plan),
        "title=Homes&statements=WB-I1&target=Better&status=agreed",
        &g.staff,
    )
    .await;
    let priority = made
        .header("location")
        .trim_end_matches("#add-action")
        .to_owned();
    for evidence in ["https://e.example/%01", "https://e.example/%E2%80%8F"] {
        let refused = post(
            &app,
            &format!("{priority}/updates"),
            &format!("action=&note=Done&status=&evidence_url={evidence}"),
            &g.staff,
        )
        .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{evidence}"
        );
    }
    // Paragraphs are fine where paragraphs belong.
    let made = post(
        &app,
        &format!("{}/priorities/new", g.plan),
        "title=Homes&statements=WB-I1&target=First%0D%0ASecond&status=agreed",
        &g.staff,
    )
    .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER);
    app.cleanup().await;
}

#[tokio::test]
async fn organisations_awaiting_approval_have_no_public_page() {
    let app = TestApp::sqlite().await;
    let store = &app.db.store;
    let person = store
        .upsert_person("new@example.org", false, 1)
        .await
        .expect("person");
    let sign_up = SignUp {
        kind: mir_domain::organisation::OrganisationKind::Other,
        ..mir_store::testing::sign_up("Waiting Org")
    };
    let (_, slug) = store
        .create_signed_up_organisation(&sign_up, person.id, 1)
        .await
        .expect("org");
    for path in [
        format!("/organisations/{slug}"),
        format!("/organisations/{slug}/feed.atom"),
        format!("/embed/organisations/{slug}"),
    ] {
        assert_eq!(app.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    app.cleanup().await;
}

/// The public plan is kept in memory for visitors who are not signed in, until anything changes
/// through this server; signed-in people always get a fresh page.
#[tokio::test]
async fn the_public_plan_is_kept_until_something_changes() {
    let app = TestApp::sqlite().await;
    let g = group(&app).await;
    let public = format!("/organisations/{}", g.slug);
    let made = post(
        &app,
        &format!("{}/priorities/new", g.plan),
        "title=Homes+that+fit&statements=WB-I1&target=Adaptations+within+a+month&status=agreed",
        &g.staff,
    )
    .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER);
    assert!(priorities_shown(&app.get(&public).await).is_empty());

    // Another server publishes the plan behind this one's back, unheard (its own connection to
    // the file, as with a second process on SQLite, where no change messages are sent; on
    // PostgreSQL the servers hear each other: `mir-cli/tests/several_servers.rs`).
    let elsewhere = mir_store::Store::connect(&app.db.url)
        .await
        .expect("a second connection");
    let store = &elsewhere;
    for email in ["admin@example.org", "expert@example.org"] {
        let id = store
            .upsert_person(email, false, 1)
            .await
            .expect("person")
            .id;
        let actor = mir_app::Actor::Person {
            id,
            national_admin: false,
        };
        let seen = mir_app::plans::workspace(store, &actor, &g.slug)
            .await
            .expect("workspace")
            .revision;
        mir_app::plans::approve(
            store,
            (&app.mailer(), "http://localhost"),
            &actor,
            &g.slug,
            seen,
        )
        .await
        .expect("approved");
    }

    assert!(
        priorities_shown(&app.get(&public).await).is_empty(),
        "a visitor gets the kept page (another server's change shows within the minute)"
    );
    assert_eq!(
        priorities_shown(&app.get_with_cookie(&public, Some(&g.carer)).await),
        ["Homes that fit Agreed"],
        "a signed-in person always gets a fresh page"
    );
    assert_eq!(
        priorities_shown(&app.get(&format!("{public}?view=easy")).await).len(),
        1,
        "the Easy Read page is kept separately"
    );

    // A page asked for with a made-up parameter is never kept (nor served from what is kept).
    assert_eq!(
        priorities_shown(&app.get(&format!("{public}?n=1")).await),
        ["Homes that fit Agreed"]
    );
    // Refused forms change nothing, so the kept pages stay (finding 8): a wrong form token,
    // a form with mistakes.
    let token = csrf_of(&g.carer);
    let forged = app
        .post_form("/contact", "csrf_token=0000&message=Hello", Some(&g.carer))
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let form = app
        .post_form("/contact", &format!("csrf_token={token}"), Some(&g.carer))
        .await;
    assert_eq!(form.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        priorities_shown(&app.get(&public).await).is_empty(),
        "still the kept page"
    );
    // A visitor's accepted forms cannot change public pages, so they keep them too: a
    // message sent, and a sign-out with a token the visitor made up (security finding, issue
    // 16: each emptied every server's caches).
    let visitor = app
        .get("/contact")
        .await
        .set_cookie("mir_csrf")
        .expect("a form token");
    let visitor_token = csrf_of(&visitor);
    for (path, body) in [
        (
            "/contact",
            format!("csrf_token={visitor_token}&message=Hello+there"),
        ),
        ("/sign-out", format!("csrf_token={visitor_token}")),
    ] {
        let answered = app.post_form(path, &body, Some(&visitor)).await;
        assert_eq!(answered.status, StatusCode::SEE_OTHER, "{path}");
    }
    assert!(
        priorities_shown(&app.get(&public).await).is_empty(),
        "still the kept page after a visitor's forms"
    );
    // A signed-in person's form that is saved, and the kept pages go.
    let sent = app
        .post_form(
            "/contact",
            &format!("csrf_token={token}&message=Thank+you"),
            Some(&g.carer),
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    assert_eq!(
        priorities_shown(&app.get(&public).await),
        ["Homes that fit Agreed"]
    );
    app.cleanup().await;
}

/// Review → plan (issue 14): "make this a priority" on a review's summary starts a priority
/// with the statement, the review and what the group agreed; the form shows each statement's
/// agreed position beside it. Only those who may change the plan see the link.
async fn a_review_becomes_a_priority(app: &TestApp) {
    let g = group(app).await;
    let reviews = format!("/manage/organisations/{}/reviews", g.slug);
    let opened = post(app, &reviews, "title=Spring&scope=all", &g.admin).await;
    let review = opened.header("location").to_owned();
    let recorded = post(
        app,
        &format!("{review}/statements/WB-I1/position"),
        "level=some-progress&summary=Some+teams+plan+with+people",
        &g.admin,
    )
    .await;
    assert_eq!(recorded.status, StatusCode::SEE_OTHER);
    let summary = app
        .get_with_cookie(&format!("{review}/summary"), Some(&g.staff))
        .await;
    let link = select(
        &summary.html(),
        "#statement-WB-I1 a[href*='/plan/priorities/new']",
    )
    .first()
    .and_then(|a| a.value().attr("href"))
    .expect("a way from the summary to the plan")
    .to_owned();
    let carer_summary = app
        .get_with_cookie(&format!("{review}/summary"), Some(&g.carer))
        .await;
    assert!(
        select(&carer_summary.html(), "a[href*='/plan/priorities/new']").is_empty(),
        "not for those who cannot change the plan"
    );
    assert_eq!(
        app.get_with_cookie(&link, Some(&g.carer)).await.status,
        StatusCode::FORBIDDEN
    );
    let form = app.get_with_cookie(&link, Some(&g.staff)).await;
    assert_eq!(form.status, StatusCode::OK);
    let html = form.html();
    let ticked: Vec<&str> = select(&html, "input[name='statements'][checked]")
        .iter()
        .filter_map(|i| i.value().attr("value"))
        .collect();
    assert_eq!(ticked, ["WB-I1"]);
    let why = text(&select(&html, "#why")[0]);
    assert!(
        why.contains("Spring") && why.contains("Some teams plan with people"),
        "{why}"
    );
    // The box starts with empty lines, so words typed at the cursor stay apart from what
    // the review found; no doubled full stops.
    let raw: String = select(&html, "#why")[0].text().collect();
    assert!(raw.starts_with("\n\nIn Spring"), "{raw:?}");
    assert!(!why.contains(".."), "{why}");
    assert!(form.body.contains("We filled this in from the review"));
    assert_eq!(
        select(&html, "#review option[selected]")
            .first()
            .map(|o| text(o)),
        Some("Spring".to_owned())
    );
    // Not confirmed by both co-chairs yet, so not shown as agreed beside the statement.
    assert!(text(&select(&html, "#position-WB-I1")[0]).contains("No agreed position yet"));
    // A statement not in the review, or nonsense, is left out.
    let odd = app
        .get_with_cookie(&format!("{link}&statements=XX-9"), Some(&g.staff))
        .await;
    assert_eq!(
        select(&odd.html(), "input[name='statements'][checked]").len(),
        1
    );
    let saved = post(
        app,
        &format!("{}/priorities/new", g.plan),
        &format!(
            "title=Plans+made+with+people&statements=WB-I1&target=Everyone+plans+with+us&why={}&review={}&status=proposed",
            urlencoding(&why),
            review.rsplit('/').next().unwrap_or_default()
        ),
        &g.staff,
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    // An update about the priority with an action's status says which statuses fit.
    let priority = saved.header("location").to_owned();
    // The summary now says the statement is in the plan, so nobody adds it twice.
    let again = app
        .get_with_cookie(&format!("{review}/summary"), Some(&g.staff))
        .await;
    let planned = text(&select(&again.html(), "#statement-WB-I1 .planned")[0]);
    assert!(
        planned.contains("Already in the plan: Plans made with people"),
        "{planned}"
    );
    let kept = app.get_with_cookie(&priority, Some(&g.staff)).await;
    let kept_why: String = select(&kept.html(), "#why")[0].text().collect();
    assert!(
        kept_why.starts_with("In Spring"),
        "saved without the empty lines: {kept_why:?}"
    );
    let mixed = post(
        app,
        &format!("{priority}/updates"),
        "action=&note=We+met&status=on-track",
        &g.staff,
    )
    .await;
    assert_eq!(mixed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        mixed
            .body
            .contains("The status of the priority as a whole can be"),
        "{}",
        mixed.body
    );
}

/// Form encoding for a test body.
fn urlencoding(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

both_engines!(
    a_review_becomes_a_priority,
    approvals_are_of_the_draft_seen_by_current_co_chairs,
    plans_are_public_only_when_both_co_chairs_approve
);
