//! Hostile input against every route in `router.rs`, on SQLite and PostgreSQL.
//!
//! For each route, each path parameter in turn (and all of them at once) is replaced by hostile
//! text: encoded dot segments and slashes, another site's address, control characters, odd
//! Unicode, markup, overlong and out-of-range values. GETs also get hostile query strings.
//! The suite fails on any server error, on any link or form that leaves the site or holds a dot
//! segment, on a form that posts outside its route's prefix, and on any markup from the request
//! coming back unescaped. A second test posts to every POST route without a form token and
//! expects a refusal. A new route in `router.rs` is covered without touching this file.

use crate::support::{TestApp, csrf_of, select};
use axum::http::StatusCode;

/// Request text an attacker would send, already percent-encoded for a path or query.
const HOSTILE: [&str; 14] = [
    "..%2F..%2Faccount%2Fdelete",
    "..%2f..%2fadmin",
    "%2e%2e",
    "%2F%2Fevil.example%2Fx",
    "%5C%5Cevil.example",
    "a%00b",
    "a%0D%0ASet-Cookie:%20x=1",
    "%3Czqx%3E%22zqx%27",
    "%E2%80%AEevil",
    "%C0%AE%C0%AE",
    "%F0%9F%98%80",
    "-1",
    "99999999999999999999999",
    // Overlong: 5,000 characters.
    "",
];

fn hostile_values() -> Vec<String> {
    HOSTILE
        .iter()
        .map(|h| {
            if h.is_empty() {
                "a".repeat(5000)
            } else {
                (*h).to_owned()
            }
        })
        .collect()
}

/// Hostile query strings, sent with every GET.
const HOSTILE_QUERIES: [&str; 4] = [
    "?view=%0D%0A&q=%3Czqx%3E&page=-1&sort=..%2F..%2Fx&n=99999999999999999999",
    "?q=%00%01%02&council=%2F%2Fevil.example&theme=%3Czqx%3E",
    "?change=%3Czqx%3E&return=%2F%2Fevil.example",
    "?page=999999999999&statement=..%2F..&kind=%E2%80%AE",
];

/// A plausible value for each parameter name, so that one hostile parameter at a time reaches
/// code past the others.
pub(crate) fn plausible(route: &str, name: &str) -> &'static str {
    match name {
        "slug" if route.starts_with("/frameworks") => "demonstration",
        "slug" => "demo-riverside-council",
        "code" if route.contains("/themes/") || route.contains("/workshop/") => "WB",
        "code" if route.starts_with("/areas") => "E06000001",
        // A closed session's stream ends after its first event; an open one's never does.
        "code" if route.ends_with("/events") => "SPR567",
        "code" if route.starts_with("/live") => "RVS234",
        "code" => "WB-I1",
        "version" => "2026.1",
        "file" => "people.svg",
        "token" => "0000000000000000000000000000000000000000000000000000000000000000",
        "step" => "name",
        _ => "1",
    }
}

/// Every route pattern with whether it answers GET and POST, from the route table itself.
fn routes() -> Vec<(String, bool, bool)> {
    let declared = crate::support::declared_routes();
    let mut out: Vec<(String, bool, bool)> = Vec::new();
    for (method, pattern) in declared {
        let entry = match out.iter_mut().find(|(p, _, _)| *p == pattern) {
            Some(entry) => entry,
            None => {
                out.push((pattern.clone(), false, false));
                out.last_mut().expect("just pushed")
            }
        };
        match method.as_str() {
            "GET" => entry.1 = true,
            _ => entry.2 = true,
        }
    }
    assert!(out.len() > 50, "the route table was read: {}", out.len());
    out
}

pub(crate) fn params(pattern: &str) -> Vec<String> {
    pattern
        .split('{')
        .skip(1)
        .filter_map(|p| p.split('}').next())
        .map(str::to_owned)
        .collect()
}

/// The pattern with each parameter filled: the one at `hostile_at` (or all, for `None`) by
/// `value`, the others by a plausible value.
fn fill(pattern: &str, hostile_at: Option<usize>, value: &str) -> String {
    let mut path = pattern.to_owned();
    for (i, name) in params(pattern).iter().enumerate() {
        let with = if hostile_at.is_none_or(|at| at == i) {
            value.to_owned()
        } else {
            plausible(pattern, name).to_owned()
        };
        path = path.replacen(&format!("{{{name}}}"), &with, 1);
    }
    path
}

/// The part of a route before its first parameter: where its own forms may post.
fn prefix(pattern: &str) -> &str {
    pattern.split('{').next().unwrap_or(pattern)
}

/// Forms any page may carry (the header's sign-out, search, and the Easy Read switch).
const SITE_WIDE_FORMS: [&str; 3] = ["/sign-out", "/search", ""];

fn check_response(route: &str, path: &str, status: StatusCode, body: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if status.is_server_error() {
        problems.push(format!("{route}: {path} answered {status}"));
    }
    if body.contains("<zqx") || body.contains("\"zqx'") {
        problems.push(format!("{route}: {path} reflects markup unescaped"));
    }
    let html = scraper::Html::parse_document(body);
    for link in select(&html, "a[href], link[href]") {
        let href = link.value().attr("href").unwrap_or("");
        let bad = href.starts_with("//")
            || href.starts_with("\\")
            || href.contains("/..")
            || href.contains("%2e%2e")
            || href.contains("%2E%2E")
            || href.to_lowercase().starts_with("javascript:")
            || (href.starts_with("http") && href.contains("evil"));
        if bad {
            problems.push(format!("{route}: {path} links to {href:?}"));
        }
    }
    for form in select(&html, "form") {
        let action = form.value().attr("action").unwrap_or("");
        let path_part = action.split('?').next().unwrap_or("");
        let inside = path_part.starts_with(prefix(route))
            || SITE_WIDE_FORMS.contains(&path_part)
            || (path_part.starts_with('/') && !route.contains('{'));
        let bad = action.contains("..")
            || action.starts_with("//")
            || action.contains('\\')
            || action.contains("evil")
            || !inside;
        if bad {
            problems.push(format!("{route}: {path} has a form posting to {action:?}"));
        }
    }
    problems
}

async fn hostile_paths_and_queries(app: &TestApp) {
    mir_app::demo::load_demo_data(&app.db.store)
        .await
        .expect("demo data");
    let admin = app.sign_in("sam.admin@demo.example.org", false).await;
    let national = app.sign_in("national@example.org", true).await;
    let mut problems = Vec::new();
    let mut requests = 0;
    for (route, get, post) in routes() {
        let count = params(&route).len();
        let mut paths = Vec::new();
        for value in hostile_values() {
            if count == 0 {
                continue;
            }
            paths.push(fill(&route, None, &value));
            if count > 1 {
                for at in 0..count {
                    paths.push(fill(&route, Some(at), &value));
                }
            }
        }
        if get {
            let plain = fill(&route, Some(usize::MAX), "");
            for query in HOSTILE_QUERIES {
                paths.push(format!("{plain}{query}"));
            }
        }
        // The whole path as request text, for the fallback (the 404 page).
        if route == "/" {
            paths.push("//evil.example/x".to_owned());
            paths.push("/%2F%2Fevil.example%2Fx".to_owned());
            paths.push("/..%2F..%2Faccount%2Fdelete".to_owned());
        }
        for path in &paths {
            for cookie in [None, Some(admin.as_str()), Some(national.as_str())] {
                if get {
                    let response = app.get_with_cookie(path, cookie).await;
                    requests += 1;
                    problems.extend(check_response(
                        &route,
                        path,
                        response.status,
                        &response.body,
                    ));
                }
                // Hostile parameters in a POST (never a route without parameters: it would act).
                if post && count > 0 && !path.contains('?') {
                    let body = match cookie {
                        Some(c) => format!("csrf_token={}", csrf_of(c)),
                        None => String::new(),
                    };
                    let response = app.post_form(path, &body, cookie).await;
                    requests += 1;
                    problems.extend(check_response(
                        &route,
                        path,
                        response.status,
                        &response.body,
                    ));
                }
            }
        }
    }
    assert!(requests > 1000, "the suite sent {requests} requests");
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Every POST route refuses a request without a form token, even from a signed-in person
/// with the form-token cookie: a link on another site cannot make anyone's browser act.
#[tokio::test]
async fn every_post_route_refuses_a_request_without_a_form_token() {
    let app = TestApp::sqlite().await;
    mir_app::demo::load_demo_data(&app.db.store)
        .await
        .expect("demo data");
    let admin = app.sign_in("sam.admin@demo.example.org", true).await;
    let mut checked = 0;
    for (route, _, post) in routes() {
        if !post {
            continue;
        }
        let path = fill(&route, Some(usize::MAX), "");
        for body in ["", "csrf_token=", "csrf_token=0123456789abcdef"] {
            // The framework upload is a multipart form; the others are URL-encoded.
            let response = if route == "/admin/frameworks/new" {
                let token = body.trim_start_matches("csrf_token=").as_bytes();
                let parts: Vec<(&str, Option<&str>, &[u8])> = if body.is_empty() {
                    vec![("file", Some("f.toml"), b"x")]
                } else {
                    vec![("csrf_token", None, token), ("file", Some("f.toml"), b"x")]
                };
                app.post_multipart(&path, &parts, &admin).await
            } else {
                app.post_form(&path, body, Some(&admin)).await
            };
            assert_eq!(
                response.status,
                StatusCode::FORBIDDEN,
                "{route} with {body:?}: {}",
                response.status
            );
            checked += 1;
        }
    }
    assert!(checked > 90, "{checked}");
    // The session still works: nothing above signed anyone out or acted.
    let account = app.get_with_cookie("/account", Some(&admin)).await;
    assert_eq!(account.status, StatusCode::OK);
    app.cleanup().await;
}

/// Finding 8: what visitors who are not signed in can write is bounded per client: messages to
/// the national team, forms kept after a session ended, sign-up answers.
#[tokio::test]
async fn anonymous_writes_are_bounded_per_client() {
    let app = TestApp::sqlite().await;
    mir_app::demo::load_demo_data(&app.db.store)
        .await
        .expect("demo data");
    let page = app.get("/contact").await;
    let cookie = page.set_cookie("mir_csrf").expect("form token");
    let token = cookie.trim_start_matches("mir_csrf=").to_owned();
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let sent = app
            .post_form(
                "/contact",
                &format!("csrf_token={token}&message=Hello"),
                Some(&cookie),
            )
            .await;
        statuses.push(sent.status.as_u16());
    }
    assert_eq!(statuses, [303, 303, 303, 303, 303, 429]);

    // Forms sent to a review page without a session are kept for after sign-in: ten per
    // client in 15 minutes.
    let path = "/manage/organisations/demo-riverside-council/reviews/1/statements/WB-I1";
    let mut kept = Vec::new();
    for _ in 0..11 {
        let sent = app
            .post_form(
                path,
                &format!("csrf_token={token}&level-WB-I1=real&change-WB-I1=x"),
                Some(&cookie),
            )
            .await;
        kept.push(sent.status.as_u16());
    }
    assert_eq!(kept[..10], [303; 10]);
    assert_eq!(kept[10], 429);
    app.cleanup().await;
}

both_engines!(hostile_paths_and_queries);
