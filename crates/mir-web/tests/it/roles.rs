//! The route × role matrix: every signed-in route, each kind of person, the status they get.
//! Run on SQLite and on PostgreSQL. Public routes for anonymous visitors are in `http.rs`.
//!
//! Roles: anonymous, a member of another organisation, Expert by Experience, carer, staff,
//! the organisation's administrator, a national administrator. An organisation's workspace is
//! private: people outside it get 404, not 403.

use crate::support::{TestApp, csrf_of};
use axum::http::StatusCode;
use mir_domain::organisation::{OrganisationKind, Role};
use mir_store::{
    ActionRecord, MemberRepo, NewReviewRecord, PeopleRepo, PlanRepo, PriorityRecord, ReviewRepo,
    SignUp, SignUpRepo,
};

const ROLES: [&str; 7] = [
    "anonymous",
    "other-organisation",
    "expert",
    "carer",
    "staff",
    "admin",
    "national",
];

/// A public page, as listed in `tests/public-pages.json`: every kind of visitor may see it. The
/// browser suite reads the same list, so a new public page is one line there.
#[derive(serde::Deserialize)]
struct PublicPage {
    route: &'static str,
    path: &'static str,
}

fn public_pages() -> Vec<PublicPage> {
    serde_json::from_str(include_str!("../../../../tests/public-pages.json"))
        .expect("tests/public-pages.json is a list of {route, path, name}")
}

fn sign_up(name: &str) -> SignUp {
    SignUp {
        kind: OrganisationKind::Council,
        ..mir_store::testing::sign_up(name)
    }
}

/// The id of the person signed in for `role` (signing in created their account).
async fn person(store: &mir_store::Store, role: &str) -> i64 {
    store
        .upsert_person(&format!("{role}@example.org"), false, 1)
        .await
        .expect("person")
        .id
}

async fn check_matrix(app: &TestApp) -> Vec<(&'static str, &'static str)> {
    mir_app::demo::load_demo_data(&app.db.store)
        .await
        .expect("demo");
    let store = &app.db.store;
    // Cookies for each role.
    let mut cookies = Vec::new();
    let anon = app
        .get("/contact")
        .await
        .set_cookie("mir_csrf")
        .expect("csrf");
    cookies.push(anon);
    for role in &ROLES[1..] {
        let national = *role == "national";
        cookies.push(app.sign_in(&format!("{role}@example.org"), national).await);
    }
    let (cedar, _) = store
        .create_signed_up_organisation(&sign_up("Cedar"), person(store, "admin").await, 1)
        .await
        .expect("cedar");
    store
        .create_signed_up_organisation(
            &sign_up("Birch"),
            person(store, "other-organisation").await,
            1,
        )
        .await
        .expect("birch");
    // The Expert by Experience co-chairs the group; the administrator is not a co-chair.
    for (role, member_role, co_chair) in [
        ("expert", Role::ExpertByExperience, true),
        ("carer", Role::Carer, false),
        ("staff", Role::Staff, false),
    ] {
        store
            .put_member(cedar, person(store, role).await, member_role, co_chair, 1)
            .await
            .expect("member");
    }
    let review = store
        .create_review(
            &NewReviewRecord {
                organisation_id: cedar,
                title: "Review".into(),
                framework_slug: "demonstration".into(),
                framework_version: "2026.1".into(),
                themes: Vec::new(),
                closes_on: None,
                opened_by: person(store, "admin").await,
            },
            1,
        )
        .await
        .expect("review");
    let rv = format!("/manage/organisations/cedar/reviews/{review}");
    let priority = store
        .create_priority(
            cedar,
            &PriorityRecord {
                title: "Plans".into(),
                statements: vec!["WB-I1".into()],
                target: "Better".into(),
                why: String::new(),
                review_id: None,
                status: "agreed".into(),
                dropped_reason: String::new(),
            },
            1,
        )
        .await
        .expect("priority");
    let action = store
        .create_action(
            cedar,
            priority,
            &ActionRecord {
                what: "Train".into(),
                lead: "Manager".into(),
                involved: String::new(),
                due_on: None,
                review_on: None,
                status: "not-started".into(),
            },
            1,
        )
        .await
        .expect("action")
        .expect("owned");
    let plan = "/manage/organisations/cedar/plan";
    // An open live session in Cedar.
    let live_session = {
        use mir_store::LiveRepo;
        let id = store
            .create_live_session(&mir_store::NewLiveSession {
                organisation_id: cedar,
                code: "CDRABC",
                title: "Cedar day",
                question: "What matters?",
                statements: &[],
                vote_budget: 3,
                retention_days: 90,
                card_kinds: "",
                created_by: person(store, "admin").await,
                now: 1,
            })
            .await
            .expect("live session");
        assert!(
            store
                .set_live_state(id, "draft", "open", 2)
                .await
                .expect("open")
        );
        id
    };
    let sessions = format!("/manage/organisations/cedar/sessions/{live_session}");
    let story = {
        use mir_store::StoryRepo;
        store.stories(&[], 1).await.expect("stories")[0].id
    };
    let public = "/organisations/demo-riverside-council";
    let admin_id = person(store, "admin").await;
    let carer_id = person(store, "carer").await;

    use StatusCode as S;
    let ok = S::OK;
    let see = S::SEE_OTHER;
    let nf = S::NOT_FOUND;
    let no = S::FORBIDDEN;
    let bad = S::UNPROCESSABLE_ENTITY;
    let clash = S::CONFLICT;
    // Members of the group see it; outsiders are told it does not exist.
    let member = [nf, nf, ok, ok, ok, ok, nf];
    // Leading reviews: the co-chair (expert) and the administrator; other members are refused.
    let lead = [nf, nf, ok, no, no, ok, nf];
    let lead_bad = [nf, nf, bad, no, no, bad, nf];
    // Opening a second review while one is open: a clash, for those who may lead.
    let lead_clash = [nf, nf, clash, no, no, clash, nf];
    // Changing the plan: the co-chair (expert), staff and the administrator; not the carer.
    let edit = [nf, nf, ok, no, ok, ok, nf];
    let edit_bad = [nf, nf, bad, no, bad, bad, nf];
    // Approving: co-chairs only (here the expert; the administrator is not a co-chair).
    let approve = [nf, nf, see, no, no, no, nf];
    // A link that is unknown, used or expired.
    let nope = S::BAD_REQUEST;
    let ws = "/manage/organisations/cedar";
    let home = app.get("/").await.body;
    let stylesheet = home
        .split("/assets/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a stylesheet link on the home page")
        .to_owned();
    // (route pattern as written in router.rs, the path requested, expected status per role)
    let mut gets: Vec<(&str, String, [StatusCode; 7])> = public_pages()
        .into_iter()
        .map(|page| (page.route, page.path.to_owned(), [ok; 7]))
        .collect();
    gets.extend(vec![
        // Live sessions: the group's list for members; facilitating for those who do the
        // plan's work; a participant's pages need the device's cookie (others are sent to join).
        (
            "/manage/organisations/{slug}/sessions",
            format!("{ws}/sessions"),
            member,
        ),
        ("/manage/organisations/{slug}/sessions/{id}", sessions.clone(), edit),
        (
            "/manage/organisations/{slug}/sessions/{id}",
            format!("{ws}/sessions/999999"),
            [nf, nf, nf, no, nf, nf, nf],
        ),
        (
            "/manage/organisations/{slug}/sessions/{id}/record",
            format!("{sessions}/record"),
            edit,
        ),
        ("/live/{code}", "/live/CDRABC".into(), [ok; 7]),
        ("/live/{code}", "/live/ZZZZZZ".into(), [nf; 7]),
        ("/live/{code}/qr.svg", "/live/CDRABC/qr.svg".into(), [ok; 7]),
        // A closed session's stream says where it is and ends.
        ("/live/{code}/events", "/live/SPR567/events".into(), [ok; 7]),
        ("/live/{code}/ranking", "/live/SPR567/ranking".into(), [ok; 7]),
        ("/live/{code}/cards/{id}", "/live/CDRABC/cards/1".into(), [see; 7]),
        (
            "/frameworks/{slug}/versions/{version}/pictures/{file}",
            "/frameworks/demonstration/versions/2026.1/pictures/people.svg".into(),
            [ok; 7],
        ),
        (
            "/sign-in/link/{token}",
            "/sign-in/link/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".into(),
            [ok; 7],
        ),
        ("/account", "/account".into(), [see, ok, ok, ok, ok, ok, ok]),
        (
            "/account/password",
            "/account/password".into(),
            [see, ok, ok, ok, ok, ok, ok],
        ),
        (
            "/account/email",
            "/account/email".into(),
            [see, ok, ok, ok, ok, ok, ok],
        ),
        (
            "/account/data.json",
            "/account/data.json".into(),
            [see, ok, ok, ok, ok, ok, ok],
        ),
        (
            "/account/emails",
            "/account/emails".into(),
            [see, ok, ok, ok, ok, ok, ok],
        ),
        (
            "/account/delete",
            "/account/delete".into(),
            [see, ok, ok, ok, ok, ok, ok],
        ),
        (
            "/account/name",
            "/account/name".into(),
            [see, ok, ok, ok, ok, ok, ok],
        ),
        (
            "/account/easy-read",
            "/account/easy-read".into(),
            [see, ok, ok, ok, ok, ok, ok],
        ),
        (
            "/manage/organisations/{slug}/details",
            format!("{ws}/details"),
            [nf, nf, no, no, no, ok, nf],
        ),
        (
            "/manage/organisations/{slug}/places",
            format!("{ws}/places"),
            [nf, nf, no, no, no, ok, nf],
        ),
        // Pages that say what a change to the group does before it is made: administrators.
        (
            "/manage/organisations/{slug}/members/{person}/remove",
            format!("{ws}/members/{carer_id}/remove"),
            [nf, nf, no, no, no, ok, nf],
        ),
        (
            "/manage/organisations/{slug}/members/{person}/co-chair",
            format!("{ws}/members/{admin_id}/co-chair"),
            [nf, nf, no, no, no, ok, nf],
        ),
        (
            "/account/email/confirm/{token}",
            "/account/email/confirm/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".into(),
            [ok; 7],
        ),
        (
            "/manage/sign-up/confirm/{token}",
            "/manage/sign-up/confirm/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".into(),
            [ok; 7],
        ),
        (
            "/password-reset/{token}",
            "/password-reset/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".into(),
            // An unknown link says at once that it does not work.
            [nope; 7],
        ),
        (
            "/manage/sign-up/check",
            "/manage/sign-up/check".into(),
            [ok; 7],
        ),
        (
            "/manage/organisations/{slug}",
            ws.into(),
            [nf, nf, ok, ok, ok, ok, nf],
        ),
        (
            "/manage/organisations/{slug}",
            "/manage/organisations/birch".into(),
            [nf, ok, nf, nf, nf, nf, nf],
        ),
        (
            "/manage/organisations/{slug}",
            "/manage/organisations/nowhere".into(),
            [nf; 7],
        ),
        (
            "/invitations/{token}",
            "/invitations/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".into(),
            [nope; 7],
        ),
        // Plans: members see the draft; staff, administrators and co-chairs change it.
        ("/manage/organisations/{slug}/plan", plan.into(), member),
        (
            "/manage/organisations/{slug}/plan/priorities/new",
            format!("{plan}/priorities/new"),
            edit,
        ),
        (
            "/manage/organisations/{slug}/plan/priorities/{id}",
            format!("{plan}/priorities/{priority}"),
            member,
        ),
        (
            "/manage/organisations/{slug}/plan/priorities/{id}",
            format!("{plan}/priorities/999999"),
            [nf; 7],
        ),
        (
            "/manage/organisations/{slug}/plan/actions/{id}",
            format!("{plan}/actions/{action}"),
            edit,
        ),
        // Find and connect: public.
        (
            "/organisations/{slug}/contact",
            format!("{public}/contact"),
            [ok; 7],
        ),
        (
            "/organisations/{slug}/contact",
            "/organisations/cedar/contact".into(),
            [nf; 7],
        ),
        ("/organisations", "/organisations?plan=yes".into(), [ok; 7]),
        ("/search", "/search?q=carers".into(), [ok; 7]),
        (
            "/compare",
            format!("/compare?org={}&org=cedar", public.trim_start_matches("/organisations/")),
            [ok; 7],
        ),
        ("/stories", "/stories?theme=WB".into(), [ok; 7]),
        ("/stories/{id}", format!("/stories/{story}"), [ok; 7]),
        ("/stories/{id}", "/stories/999999".into(), [nf; 7]),
        (
            "/manage/organisations/{slug}/stories/new",
            format!("{ws}/stories/new"),
            edit,
        ),
        ("/map.csv", "/map.csv".into(), [ok; 7]),
        ("/areas/{code}", "/areas/E06000001".into(), [ok; 7]),
        ("/areas/{code}", "/areas/nowhere".into(), [nf; 7]),
        // The public plan of an approved organisation, for everyone; none for others.
        ("/organisations/{slug}", public.into(), [ok; 7]),
        (
            "/organisations/{slug}",
            "/organisations/cedar".into(),
            [nf; 7],
        ),
        (
            "/organisations/{slug}/versions",
            format!("{public}/versions"),
            [ok; 7],
        ),

        (
            "/organisations/{slug}/versions/{number}",
            format!("{public}/versions/1"),
            [ok; 7],
        ),
        (
            "/organisations/{slug}/feed.atom",
            format!("{public}/feed.atom"),
            [ok; 7],
        ),
        (
            "/embed/organisations/{slug}",
            "/embed/organisations/demo-riverside-council".into(),
            [ok; 7],
        ),
        // Reviews: every member gives views; co-chairs and administrators lead.
        (
            "/manage/organisations/{slug}/reviews",
            format!("{ws}/reviews"),
            member,
        ),
        (
            "/manage/organisations/{slug}/framework",
            format!("{ws}/framework"),
            member,
        ),
        // Partnerships and working groups (decision 0041): every member sees them.
        (
            "/manage/organisations/{slug}/partnerships",
            format!("{ws}/partnerships"),
            member,
        ),
        (
            "/manage/organisations/{slug}/working-groups",
            format!("{ws}/working-groups"),
            member,
        ),
        (
            "/manage/organisations/{slug}/reviews/{id}",
            rv.clone(),
            member,
        ),
        (
            "/manage/organisations/{slug}/reviews/{id}",
            format!("{ws}/reviews/999999"),
            [nf; 7],
        ),
        (
            "/manage/organisations/{slug}/reviews/{id}/themes/{code}",
            format!("{rv}/themes/WB"),
            member,
        ),
        (
            "/manage/organisations/{slug}/reviews/{id}/themes/{code}",
            format!("{rv}/themes/XX"),
            [nf; 7],
        ),
        (
            "/manage/organisations/{slug}/reviews/{id}/themes/{code}/print",
            format!("{rv}/themes/WB/print"),
            member,
        ),
        (
            "/manage/organisations/{slug}/reviews/{id}/statements/{code}",
            format!("{rv}/statements/WB-I1"),
            member,
        ),
        (
            "/manage/organisations/{slug}/reviews/{id}/summary",
            format!("{rv}/summary"),
            member,
        ),
        (
            "/manage/organisations/{slug}/reviews/{id}/workshop/{code}",
            format!("{rv}/workshop/WB"),
            lead,
        ),
        (
            "/manage/organisations/{slug}/reviews/{id}/close",
            format!("{rv}/close"),
            lead,
        ),
        ("/admin", "/admin".into(), [no, no, no, no, no, no, ok]),
        (
            "/admin/organisations",
            "/admin/organisations".into(),
            [no, no, no, no, no, no, ok],
        ),
        (
            "/admin/audit",
            "/admin/audit".into(),
            [no, no, no, no, no, no, ok],
        ),
        (
            "/admin/people",
            "/admin/people".into(),
            [no, no, no, no, no, no, ok],
        ),
        (
            "/admin/frameworks/new",
            "/admin/frameworks/new".into(),
            [no, no, no, no, no, no, ok],
        ),
        (
            "/admin/frameworks/uploads/{id}",
            "/admin/frameworks/uploads/999999".into(),
            [no, no, no, no, no, no, nf],
        ),
        (
            "/admin/frameworks/uploads/{id}/easy-read",
            "/admin/frameworks/uploads/999999/easy-read".into(),
            [no, no, no, no, no, no, nf],
        ),
        ("/healthz", "/healthz".into(), [ok; 7]),
        // Only with the monitoring token (http.rs), whoever asks.
        ("/metrics", "/metrics".into(), [nf; 7]),
        ("/assets/{file}", format!("/assets/{stylesheet}"), [ok; 7]),
        ("/assets/{file}", "/assets/nothing.css".into(), [nf; 7]),
    ]);
    let mut covered: Vec<(&str, &str)> = Vec::new();
    // Every mismatch is reported at once, so one run shows the whole picture.
    let mut wrong: Vec<String> = Vec::new();
    for (pattern, path, expected) in &gets {
        covered.push(("GET", *pattern));
        for (i, role) in ROLES.iter().enumerate() {
            // A signed-out visitor to any group page (real or not, so nothing is given away)
            // is sent to sign in and back, where a signed-in outsider is told it is not there.
            let expected = if *role == "anonymous" && path.starts_with("/manage/organisations/") {
                assert_eq!(expected[i], nf, "{path}: outsiders are told nothing");
                see
            } else {
                expected[i]
            };
            let response = app.get_with_cookie(path, Some(&cookies[i])).await;
            if response.status != expected {
                wrong.push(format!(
                    "GET {path} as {role}: {} (expected {expected})",
                    response.status
                ));
            } else if expected == see && *role == "anonymous" && !path.starts_with("/live/") {
                assert_eq!(response.header("location"), "/sign-in", "{path}");
            } else if expected == see && path.starts_with("/live/") {
                // A device that has not joined the session is sent to its join form.
                assert_eq!(response.header("location"), "/live/CDRABC", "{path}");
            }
        }
    }
    // The framework upload takes multipart form data; an empty file is refused.
    covered.push(("POST", "/admin/frameworks/new"));
    let upload_expected = [no, no, no, no, no, no, bad];
    for (i, role) in ROLES.iter().enumerate() {
        let token = csrf_of(&cookies[i]);
        let parts: [(&str, Option<&str>, &[u8]); 2] = [
            ("csrf_token", None, token.as_bytes()),
            ("file", Some("empty.toml"), b""),
        ];
        let response = app
            .post_multipart("/admin/frameworks/new", &parts, &cookies[i])
            .await;
        if response.status != upload_expected[i] {
            wrong.push(format!(
                "POST /admin/frameworks/new as {role}: {}",
                response.status
            ));
        }
    }
    // State-changing requests with a valid form token, built so that an allowed request
    // changes nothing lasting, except the last few, which run in an order that keeps the
    // rest meaningful (the workspace's rules themselves are tested in members.rs).
    let posts: Vec<(&str, String, &str, [StatusCode; 7])> = vec![
        ("/contact", "/contact".into(), "message=", [bad; 7]),
        ("/join", "/join".into(), "code=ZZZZZZ", [bad; 7]),
        ("/live/{code}/join", "/live/CDRABC/join".into(), "perspective=", [bad; 7]),
        ("/live/{code}/cards", "/live/CDRABC/cards".into(), "kind=idea&text=x", [see; 7]),
        ("/live/{code}/cards/{id}", "/live/CDRABC/cards/1".into(), "text=x", [see; 7]),
        ("/live/{code}/cards/{id}/withdraw", "/live/CDRABC/cards/1/withdraw".into(), "", [see; 7]),
        ("/live/{code}/dots", "/live/CDRABC/dots".into(), "target=c1", [see; 7]),
        (
            "/manage/organisations/{slug}/sessions",
            format!("{ws}/sessions"),
            "title=",
            edit_bad,
        ),
        (
            "/manage/organisations/{slug}/sessions/retention",
            format!("{ws}/sessions/retention"),
            "retention_days=",
            edit_bad,
        ),
        (
            "/manage/organisations/{slug}/sessions/{id}/state",
            format!("{sessions}/state"),
            "to=open",
            [nf, nf, clash, no, clash, clash, nf],
        ),
        (
            "/manage/organisations/{slug}/sessions/{id}/kinds",
            format!("{sessions}/kinds"),
            "kind_label=&kind_easy=",
            edit_bad,
        ),
        (
            "/manage/organisations/{slug}/sessions/{id}/keep",
            format!("{sessions}/keep"),
            "keep=yes",
            [nf, nf, see, no, see, see, nf],
        ),
        (
            "/manage/organisations/{slug}/sessions/{id}/review",
            format!("{sessions}/review"),
            "review=",
            lead_bad,
        ),
        (
            "/manage/organisations/{slug}/sessions/{id}/cards",
            format!("{sessions}/cards"),
            "text=",
            edit_bad,
        ),
        (
            "/manage/organisations/{slug}/sessions/{id}/groups",
            format!("{sessions}/groups"),
            "name=",
            edit_bad,
        ),
        (
            "/manage/organisations/{slug}/sessions/{id}/cards/{card}/group",
            format!("{sessions}/cards/999999/group"),
            "group=",
            [nf, nf, nf, no, nf, nf, nf],
        ),
        (
            "/manage/organisations/{slug}/sessions/{id}/cards/{card}/hide",
            format!("{sessions}/cards/999999/hide"),
            "reason=x",
            [nf, nf, nf, no, nf, nf, nf],
        ),
        (
            "/sign-in/link/{token}",
            "/sign-in/link/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".into(),
            "",
            [nope; 7],
        ),
        ("/sign-in", "/sign-in".into(), "email=&password=", [bad; 7]),
        (
            "/sign-in/email-link",
            "/sign-in/email-link".into(),
            "email=",
            [bad; 7],
        ),
        (
            "/account/password",
            "/account/password".into(),
            "new_password=",
            [see, bad, bad, bad, bad, bad, bad],
        ),
        (
            "/account/email",
            "/account/email".into(),
            "email=",
            [see, bad, bad, bad, bad, bad, bad],
        ),
        (
            "/account/email/confirm/{token}",
            "/account/email/confirm/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".into(),
            "",
            [nope; 7],
        ),
        (
            "/manage/sign-up/confirm/{token}",
            "/manage/sign-up/confirm/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".into(),
            "",
            [nope; 7],
        ),
        (
            "/password-reset",
            "/password-reset".into(),
            "email=",
            [bad; 7],
        ),
        (
            "/password-reset/{token}",
            "/password-reset/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".into(),
            "password=",
            [bad; 7],
        ),
        (
            "/manage/sign-up/{step}",
            "/manage/sign-up/name".into(),
            "name=",
            [bad; 7],
        ),
        (
            "/manage/sign-up/check",
            "/manage/sign-up/check".into(),
            "",
            [bad; 7],
        ),
        (
            "/invitations/{token}",
            "/invitations/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".into(),
            "",
            [nope; 7],
        ),
        (
            "/manage/organisations/{slug}/invite",
            format!("{ws}/invite"),
            "email=&role=",
            [nf, nf, no, no, no, bad, nf],
        ),
        (
            "/manage/organisations/{slug}/members/{person}/co-chair",
            format!("{ws}/members/{admin_id}/co-chair"),
            "co_chair=no",
            [nf, nf, no, no, no, see, nf],
        ),
        (
            "/manage/organisations/{slug}/members/{person}/remove",
            format!("{ws}/members/{admin_id}/remove"),
            "",
            [nf, nf, no, no, no, clash, nf],
        ),
        (
            "/manage/organisations/{slug}/transfer",
            format!("{ws}/transfer"),
            "to=0",
            [nf, nf, no, no, no, bad, nf],
        ),
        (
            "/manage/organisations/{slug}/plan/priorities/new",
            format!("{plan}/priorities/new"),
            "title=",
            edit_bad,
        ),
        (
            "/manage/organisations/{slug}/plan/priorities/{id}",
            format!("{plan}/priorities/{priority}"),
            "title=",
            edit_bad,
        ),
        (
            "/manage/organisations/{slug}/plan/priorities/{id}/actions",
            format!("{plan}/priorities/{priority}/actions"),
            "what=",
            edit_bad,
        ),
        (
            "/manage/organisations/{slug}/plan/priorities/{id}/updates",
            format!("{plan}/priorities/{priority}/updates"),
            "note=",
            edit_bad,
        ),
        (
            "/manage/organisations/{slug}/plan/actions/{id}",
            format!("{plan}/actions/{action}"),
            "what=",
            edit_bad,
        ),
        (
            "/manage/organisations/{slug}/plan/settings",
            format!("{plan}/settings"),
            "publish_directly=no",
            approve,
        ),
        (
            "/manage/organisations/{slug}/plan/approve",
            format!("{plan}/approve"),
            "revision={revision}",
            approve,
        ),
        (
            "/manage/organisations/{slug}/reviews",
            format!("{ws}/reviews"),
            "title=&scope=all",
            lead_clash,
        ),
        // Administrators form partnerships and working groups (Cedar waits for approval, so
        // neither can be formed yet), invite partners (Cedar is not a partnership) and answer
        // invitations (none waits); those who edit the plan take a working group's priority
        // (none is on offer).
        (
            "/manage/organisations/{slug}/partnerships",
            format!("{ws}/partnerships"),
            "name=&partner=",
            [nf, nf, no, no, no, clash, nf],
        ),
        (
            "/manage/organisations/{slug}/partnerships/invite",
            format!("{ws}/partnerships/invite"),
            "partner=birch",
            [nf, nf, no, no, no, nf, nf],
        ),
        (
            "/manage/organisations/{slug}/partnerships/{partnership}/answer",
            format!("{ws}/partnerships/birch/answer"),
            "answer=accept",
            [nf, nf, no, no, no, clash, nf],
        ),
        (
            "/manage/organisations/{slug}/partnerships/{partnership}/withdraw",
            format!("{ws}/partnerships/birch/withdraw"),
            "",
            [nf, nf, no, no, no, clash, nf],
        ),
        (
            "/manage/organisations/{slug}/working-groups",
            format!("{ws}/working-groups"),
            "name=&description=",
            [nf, nf, no, no, no, clash, nf],
        ),
        (
            "/manage/organisations/{slug}/working-groups/take",
            format!("{ws}/working-groups/take"),
            "group=birch&priority=1",
            [nf, nf, clash, no, clash, clash, nf],
        ),
        // Co-chairs agree to move; version 9 is not on offer.
        (
            "/manage/organisations/{slug}/framework/move",
            format!("{ws}/framework/move"),
            "to_version=9",
            [nf, nf, clash, no, no, no, nf],
        ),
        (
            "/manage/organisations/{slug}/reviews/cadence",
            format!("{ws}/reviews/cadence"),
            "cadence=often",
            lead_bad,
        ),
        (
            "/manage/organisations/{slug}/reviews/anonymity",
            format!("{ws}/reviews/anonymity"),
            "anonymity_threshold=2",
            lead_bad,
        ),
        (
            "/manage/organisations/{slug}/reviews/{id}/anonymous",
            format!("{rv}/anonymous"),
            "anonymous=no",
            [nf, nf, see, see, see, see, nf],
        ),
        // Someone signed out who sends views has them kept and is asked to sign in (303).
        (
            "/manage/organisations/{slug}/reviews/{id}/themes/{code}",
            format!("{rv}/themes/WB"),
            "level-WB-I1=best",
            [see, nf, bad, bad, bad, bad, nf],
        ),
        (
            "/manage/organisations/{slug}/reviews/{id}/statements/{code}",
            format!("{rv}/statements/WB-I1"),
            "level-WB-I1=best",
            [see, nf, bad, bad, bad, bad, nf],
        ),
        (
            "/manage/organisations/{slug}/reviews/{id}/statements/{code}/position",
            format!("{rv}/statements/WB-I1/position"),
            "level=best&summary=",
            lead_bad,
        ),
        // Only co-chairs confirm; there is nothing to confirm yet.
        (
            "/manage/organisations/{slug}/reviews/{id}/statements/{code}/confirm",
            format!("{rv}/statements/WB-I1/confirm"),
            "",
            [nf, nf, clash, no, no, no, nf],
        ),
        // Those who lead reviews tick markers of progress; a marker 9 of WB-I1 is refused.
        (
            "/manage/organisations/{slug}/reviews/{id}/statements/{code}/markers",
            format!("{rv}/statements/WB-I1/markers"),
            "in_place=9",
            lead_bad,
        ),
        // Those who edit the plan make a marker an action; who leads it is required.
        (
            "/manage/organisations/{slug}/reviews/{id}/statements/{code}/markers/{number}/action",
            format!("{rv}/statements/WB-I1/markers/1/action"),
            "lead=",
            edit_bad,
        ),
        (
            "/manage/organisations/{slug}/reviews/{id}/workshop/{code}",
            format!("{rv}/workshop/WB"),
            "perspective=",
            lead_bad,
        ),
        (
            "/manage/organisations/{slug}/reviews/{id}/close",
            format!("{rv}/close"),
            "",
            // The first leader closes it; for the next it is closed already.
            [nf, nf, see, no, no, clash, nf],
        ),
        (
            "/manage/organisations/{slug}/reviews/{id}/reopen",
            format!("{rv}/reopen"),
            "",
            // Closed just now, so the first leader opens it again; for the next it is open.
            [nf, nf, see, no, no, clash, nf],
        ),
        (
            "/manage/organisations/{slug}/members/{person}/add-back",
            format!("{ws}/members/{admin_id}/add-back"),
            "",
            // Only someone removed recently can be added back.
            [nf, nf, no, no, no, clash, nf],
        ),
        (
            "/manage/organisations/{slug}/details",
            format!("{ws}/details"),
            "website=nope&commitment=",
            [nf, nf, no, no, no, bad, nf],
        ),
        (
            "/manage/organisations/{slug}/places",
            format!("{ws}/places"),
            "area=nowhere",
            [nf, nf, no, no, no, bad, nf],
        ),
        (
            "/manage/organisations/{slug}/invitations/{id}/resend",
            format!("{ws}/invitations/999999/resend"),
            "",
            [nf, nf, no, no, no, nf, nf],
        ),
        (
            "/manage/organisations/{slug}/invitations/{id}/cancel",
            format!("{ws}/invitations/999999/cancel"),
            "",
            [nf, nf, no, no, no, nf, nf],
        ),
        (
            "/manage/organisations/{slug}/co-chair-requests/{id}/agree",
            format!("{ws}/co-chair-requests/999999/agree"),
            "",
            [nf; 7],
        ),
        (
            "/manage/organisations/{slug}/co-chair-requests/{id}/decline",
            format!("{ws}/co-chair-requests/999999/decline"),
            "",
            [nf; 7],
        ),
        (
            "/account/name",
            "/account/name".into(),
            "display_name=",
            [see, bad, bad, bad, bad, bad, bad],
        ),
        (
            "/account/easy-read",
            "/account/easy-read".into(),
            "easy_read=no",
            [see; 7],
        ),
        (
            "/admin/organisations/{id}/approve",
            "/admin/organisations/999999/approve".into(),
            "",
            [no, no, no, no, no, no, nf],
        ),
        (
            "/admin/organisations/{id}/decline",
            "/admin/organisations/999999/decline".into(),
            "reason=x",
            [no, no, no, no, no, no, nf],
        ),
        (
            "/admin/people/{id}/national-admin",
            "/admin/people/999999/national-admin".into(),
            "national_admin=yes",
            [no, no, no, no, no, no, nf],
        ),
        (
            "/admin/frameworks/uploads/{id}/publish",
            "/admin/frameworks/uploads/999999/publish".into(),
            "",
            [no, no, no, no, no, no, nf],
        ),
        (
            "/admin/frameworks/uploads/{id}/discard",
            "/admin/frameworks/uploads/999999/discard".into(),
            "",
            [no, no, no, no, no, no, nf],
        ),
        (
            "/admin/frameworks/uploads/{id}/easy-read",
            "/admin/frameworks/uploads/999999/easy-read".into(),
            "easy-statement-WB-I1=x",
            [no, no, no, no, no, no, nf],
        ),
        (
            "/account/emails",
            "/account/emails".into(),
            "emails=digest",
            [see; 7],
        ),
        (
            "/organisations/{slug}/contact",
            format!("{public}/contact"),
            "email=&message=",
            [bad; 7],
        ),
        ("/report", "/report".into(), "page=&reason=", [bad; 7]),
        (
            "/manage/organisations/{slug}/stories/new",
            format!("{ws}/stories/new"),
            "title=",
            edit_bad,
        ),
        // These really change things (members leave, accounts go), so they come last.
        (
            "/manage/organisations/{slug}/leave",
            format!("{ws}/leave"),
            "",
            [nf, nf, see, see, see, clash, nf],
        ),
        // Nobody may leave an organisation or the national team without an administrator.
        (
            "/account/delete",
            "/account/delete".into(),
            "",
            [see, clash, see, see, see, clash, clash],
        ),
        ("/sign-out", "/sign-out".into(), "", [see; 7]),
        (
            "/account/sign-out-everywhere",
            "/account/sign-out-everywhere".into(),
            "",
            [see; 7],
        ),
    ];
    for (pattern, path, body, expected) in &posts {
        covered.push(("POST", *pattern));
        for (i, role) in ROLES.iter().enumerate() {
            let token = csrf_of(&cookies[i]);
            // An approval names the draft revision the co-chair read: the current one.
            let revision = store.plan_settings(cedar).await.expect("revision").0;
            let body = body.replace("{revision}", &revision.to_string());
            let response = app
                .post_form(
                    path,
                    &format!("csrf_token={token}&{body}"),
                    Some(&cookies[i]),
                )
                .await;
            if response.status != expected[i] {
                wrong.push(format!(
                    "POST {path} as {role}: {} (expected {})",
                    response.status, expected[i]
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} unexpected statuses:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    covered
}

fn assert_every_route_covered(covered: &[(&str, &str)]) {
    let declared = crate::support::declared_routes();
    assert!(
        declared.len() > 40,
        "the router declares its routes: {declared:?}"
    );
    let missing: Vec<_> = declared
        .iter()
        .filter(|(method, pattern)| !covered.iter().any(|(m, p)| m == method && p == pattern))
        .collect();
    assert!(
        missing.is_empty(),
        "routes with no row in the role matrix: {missing:?}"
    );
    // And the shared list of public pages names only routes the router has.
    let unknown: Vec<_> = public_pages()
        .into_iter()
        .map(|page| page.route)
        .filter(|route| !declared.iter().any(|(m, p)| m == "GET" && p == route))
        .collect();
    assert!(
        unknown.is_empty(),
        "tests/public-pages.json names routes the router does not declare: {unknown:?}"
    );
}

/// Every route the router declares, for every kind of person, answers as the matrix says.
async fn route_by_role_matrix(app: &TestApp) {
    let covered = check_matrix(app).await;
    assert_every_route_covered(&covered);
}

both_engines!(route_by_role_matrix);
