//! Property test of every form parser (issue 16, point 5): generated form bodies, posted with a
//! valid form token to every POST route in `router.rs` by a visitor, a group's administrator,
//! an Expert by Experience and a national administrator. Names come from the fields mir's forms
//! use (and any text); values are any text: control characters, odd Unicode, markup, numbers
//! out of range, very long, repeated fields, broken percent-encoding. No answer may be a server
//! error: every input is read into its form type, refused with a message, or acted on.
//!
//! `PROPTEST_CASES` sets how many bodies (CI: 256; `scripts/property-tests`: 100,000).

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use crate::hostile::{params, plausible};
use crate::support::{TestApp, csrf_of, declared_routes};

/// Field names mir's forms read (from the templates and use-cases), so generated bodies reach
/// past "this field is missing" into each parser.
const FIELDS: &[&str] = &[
    "name",
    "kind",
    "area",
    "action",
    "website",
    "framework",
    "commitment",
    "email",
    "password",
    "new_password",
    "current_password",
    "link_email",
    "description",
    "title",
    "statements",
    "target",
    "why",
    "review",
    "status",
    "dropped_reason",
    "note",
    "evidence_url",
    "revision",
    "message",
    "reply_email",
    "display_name",
    "pronouns",
    "name_public",
    "level-WB-I1",
    "working-WB-I1",
    "change-WB-I1",
    "count-WB-I1-good-progress",
    "count-WB-I1-some-progress",
    "role",
    "person",
    "threshold",
    "cadence",
    "closes_on",
    "themes",
    "theme",
    "confirm",
    "agree",
    "consent",
    "view",
    "return",
    "council",
    "postcode",
    "q",
    "position",
    "due",
    "owner",
    "outcome",
    "story",
    "body",
    "summary",
    "weeks",
    "months",
    "id",
    "publish_updates_directly",
    "receive_messages",
    "easy_read",
    "frequency",
    "reason",
    "code",
];

/// One value: any text, or a shape parsers trip on.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ -~]{0,40}",
        Just(String::new()),
        Just("99999999999999999999999".to_owned()),
        Just("-1".to_owned()),
        Just("2026-02-30".to_owned()),
        Just("<script>alert(1)</script>".to_owned()),
        Just("javascript:alert(1)".to_owned()),
        Just("a".repeat(20_000)),
        Just("\u{202e}\u{0000}\r\n".to_owned()),
        Just("yes".to_owned()),
        Just("good-progress".to_owned()),
        Just("WB-I1".to_owned()),
    ]
}

/// One field name: a real one mostly, sometimes any text.
fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(FIELDS).prop_map(str::to_owned),
        1 => any::<String>(),
    ]
}

/// A form body: pairs percent-encoded as a browser would, or (sometimes) raw broken text.
fn body() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => proptest::collection::vec((field(), value()), 0..8)
            .prop_map(|pairs| serde_html_form::to_string(&pairs).unwrap_or_default()),
        1 => "[%&=+a-z0-9]{0,60}",
    ]
}

/// Routes that would end the test's own sessions or memberships (signing out, deleting the
/// account, leaving the group): still covered without a token by `hostile.rs`.
const ENDS_THE_TEST: [&str; 5] = [
    "/sign-out",
    "/account/delete",
    "/account/sign-out-everywhere",
    "/manage/organisations/{slug}/leave",
    "/manage/organisations/{slug}/transfer",
];

#[test]
fn no_generated_form_body_makes_a_server_error() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (app, actors) = runtime.block_on(async {
        let app = TestApp::sqlite().await;
        mir_app::demo::load_demo_data(&app.db.store)
            .await
            .expect("demo data");
        // A visitor with a form token (from any page with a form), so their forms are read.
        let visitor = app
            .get("/contact")
            .await
            .set_cookie("mir_csrf")
            .expect("a form token cookie");
        let actors = vec![
            Some(visitor),
            Some(app.sign_in("sam.admin@demo.example.org", false).await),
            Some(app.sign_in("alex.expert@demo.example.org", false).await),
            Some(app.sign_in("national@example.org", true).await),
        ];
        (app, actors)
    });
    let posts: Vec<String> = declared_routes()
        .into_iter()
        .filter(|(method, pattern)| method == "POST" && !ENDS_THE_TEST.contains(&pattern.as_str()))
        .map(|(_, pattern)| {
            let mut path = pattern.clone();
            for name in params(&pattern) {
                path = path.replacen(&format!("{{{name}}}"), plausible(&pattern, &name), 1);
            }
            path
        })
        .collect();
    assert!(
        posts.len() > 40,
        "the route table was read: {}",
        posts.len()
    );

    let mut runner = TestRunner::new(Config {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(256),
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (0..posts.len(), 0..actors.len(), body());
    let outcome = runner.run(&strategy, |(route, actor, body)| {
        let cookie = actors[actor].as_deref();
        let token = cookie.map(csrf_of).unwrap_or_default();
        let sent = format!("csrf_token={token}&{body}");
        let response = runtime.block_on(app.post_form(&posts[route], &sent, cookie));
        prop_assert!(
            !response.status.is_server_error(),
            "{} answered {} to {:?}",
            posts[route],
            response.status,
            sent.chars().take(300).collect::<String>()
        );
        Ok(())
    });
    runtime.block_on(app.cleanup());
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
}
