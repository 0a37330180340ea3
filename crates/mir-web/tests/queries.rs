//! No page asks the database once per row (the "N+1" mistake): the number of queries behind
//! each page is counted, then the data grows (more priorities, actions, updates and
//! organisations) and the counts must stay the same.
//!
//! sqlx reports every statement as a `sqlx::query` tracing event; a small layer counts them.
//! One test in its own binary (not in `it/`), so nothing else runs queries while it counts.

#[path = "it/support.rs"]
mod support;

use std::sync::atomic::{AtomicUsize, Ordering};

use axum::http::StatusCode;
use mir_app::Actor;
use mir_app::demo::DEMO_GROUP_SLUG;
use mir_app::plans::{ActionForm, PriorityForm, UpdateForm};
use mir_domain::organisation::{OrganisationKind, OrganisationStatus, Role};
use mir_store::{DirectoryRepo, MemberRepo, PeopleRepo, PlanRepo, SignUp, SignUpRepo, Store};
use support::TestApp;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::{Layer, util::SubscriberInitExt};

static QUERIES: AtomicUsize = AtomicUsize::new(0);

/// The most queries a public plan page (of an organisation) may take to build.
const PLAN_PAGE_QUERIES: usize = 7;

struct CountQueries;

/// The statement's summary, read from a `sqlx::query` event.
#[derive(Default)]
struct Summary(String);

impl tracing::field::Visit for Summary {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        if field.name() == "summary" {
            value.clone_into(&mut self.0);
        }
    }

    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "summary" {
            self.0 = format!("{value:?}");
        }
    }
}

impl<S: tracing::Subscriber> Layer<S> for CountQueries {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() == "sqlx::query" {
            // A new pooled connection sets itself up (PRAGMA …) whenever the pool decides to
            // open one: that is not the page's work, and would make the counts flaky.
            let mut summary = Summary::default();
            event.record(&mut summary);
            if !summary.0.trim_start_matches('"').starts_with("PRAGMA") {
                QUERIES.fetch_add(1, Ordering::SeqCst);
            }
        }
    }
}

/// The queries behind one page, built from the database (nothing kept from before).
async fn queries_for(app: &mut TestApp, path: &str, cookie: Option<&str>) -> usize {
    app.restart();
    QUERIES.store(0, Ordering::SeqCst);
    let page = app.get_with_cookie(path, cookie).await;
    let count = QUERIES.load(Ordering::SeqCst);
    assert_eq!(page.status, StatusCode::OK, "{path}");
    count
}

async fn person(store: &Store, email: &str) -> Actor {
    let id = store
        .upsert_person(email, false, 1)
        .await
        .expect("person")
        .id;
    Actor::Person {
        id,
        national_admin: false,
    }
}

/// Adds `count` priorities, each with two actions and an update, and publishes the plan.
async fn grow_plan(store: &Store, slug: &str, co_chairs: [&Actor; 2], count: usize) {
    for n in 0..count {
        let priority = PriorityForm {
            title: format!("Grown priority {n}"),
            statements: vec!["WB-I1".into(), "IA-I1".into()],
            target: "Better".into(),
            status: "agreed".into(),
            ..PriorityForm::default()
        };
        let id = mir_app::plans::save_priority(store, co_chairs[0], slug, None, &priority)
            .await
            .expect("priority");
        for a in 0..2 {
            let action = ActionForm {
                what: format!("Action {a}"),
                lead: "Someone".into(),
                due_on: "2027-03-01".into(),
                status: "on-track".into(),
                ..ActionForm::default()
            };
            mir_app::plans::save_action(store, co_chairs[0], slug, id, None, &action)
                .await
                .expect("action");
        }
        let update = UpdateForm {
            note: "Started".into(),
            ..UpdateForm::default()
        };
        mir_app::plans::add_update(store, co_chairs[0], slug, id, &update)
            .await
            .expect("update");
    }
    let mail_dir = tempfile::tempdir().expect("mail folder");
    let mailer = mir_app::mail::Mailer::new(
        None,
        mail_dir.path().to_path_buf(),
        "Making it Real <no-reply@example.org>",
    )
    .expect("mailer");
    for actor in co_chairs {
        let seen = mir_app::plans::workspace(store, actor, slug)
            .await
            .expect("workspace")
            .revision;
        mir_app::plans::approve(store, (&mailer, "http://localhost"), actor, slug, seen)
            .await
            .expect("approved");
    }
}

/// A new approved organisation in `area` with two co-chairs and a published plan.
async fn another_organisation(store: &Store, n: usize, area: &str) {
    let admin = person(store, &format!("admin{n}@example.org")).await;
    let expert = person(store, &format!("expert{n}@example.org")).await;
    let ids = [&admin, &expert].map(|a| match a {
        Actor::Person { id, .. } => *id,
        _ => unreachable!("people"),
    });
    let sign_up = SignUp {
        name: format!("Grown organisation {n}"),
        kind: OrganisationKind::Housing,
        areas: vec![area.to_owned()],
        website: None,
        framework_slug: "demonstration".into(),
        framework_version: "2026.1".into(),
        commitment: "We will plan together.".into(),
    };
    let (org, slug) = store
        .create_signed_up_organisation(&sign_up, ids[0], 1)
        .await
        .expect("org");
    store
        .decide_organisation(org, OrganisationStatus::Approved, None, 2)
        .await
        .expect("approved");
    for (id, role) in [(ids[0], Role::Admin), (ids[1], Role::ExpertByExperience)] {
        store
            .put_member(org, id, role, true, 1)
            .await
            .expect("co-chair");
    }
    mir_app::search::reindex(store, &slug)
        .await
        .expect("indexed");
    grow_plan(store, &slug, [&admin, &expert], 2).await;
}

#[tokio::test]
async fn no_page_asks_the_database_once_per_row() {
    tracing_subscriber::registry()
        .with(
            CountQueries
                .with_filter(Targets::new().with_target("sqlx::query", tracing::Level::DEBUG)),
        )
        .init();
    let mut app = TestApp::sqlite().await;
    mir_app::demo::load_demo_data(&app.db.store)
        .await
        .expect("demo data");
    let store = app.db.store.clone();
    let riverside = store
        .organisation_profile(DEMO_GROUP_SLUG)
        .await
        .expect("profile")
        .expect("riverside");
    let area = store
        .organisation_areas(riverside.id)
        .await
        .expect("areas")
        .first()
        .cloned()
        .expect("an area");
    let member = app.sign_in("sam.admin@demo.example.org", false).await;
    let pages = [
        (format!("/organisations/{DEMO_GROUP_SLUG}"), None),
        (format!("/organisations/{DEMO_GROUP_SLUG}/versions"), None),
        (format!("/organisations/{DEMO_GROUP_SLUG}/feed.atom"), None),
        (format!("/embed/organisations/{DEMO_GROUP_SLUG}"), None),
        (
            "/frameworks/demonstration/statements/WB-I1".to_owned(),
            None,
        ),
        ("/organisations".to_owned(), None),
        ("/organisations?theme=WB&plan=yes".to_owned(), None),
        ("/map".to_owned(), None),
        (format!("/areas/{area}"), None),
        // A council next to it (Redcar and Cleveland borders Middlesbrough): its page lists
        // next-door organisations, and the place box lists the nearest.
        ("/areas/E06000003".to_owned(), None),
        ("/organisations?place=Redcar&plan=yes".to_owned(), None),
        (
            format!("/compare?org={DEMO_GROUP_SLUG}&org=demo-oakfield-home-care"),
            None,
        ),
        ("/search?q=grown".to_owned(), None),
        ("/stories".to_owned(), None),
        (
            format!("/manage/organisations/{DEMO_GROUP_SLUG}/plan"),
            Some(member.as_str()),
        ),
    ];
    let mut before = Vec::new();
    for (path, cookie) in &pages {
        before.push(queries_for(&mut app, path, *cookie).await);
    }
    // A plan page no visitor asked for before is built from the database each time (a
    // crawler's): its queries are its cost, each a hand-off to a database thread (issue 15,
    // docs/performance.md). Seven: the profile, versions, updates, those who lead the group,
    // partnerships and working groups, and confirmed positions; areas come from the index.
    assert!(
        before[0] <= PLAN_PAGE_QUERIES,
        "the public plan page takes {} queries, more than {PLAN_PAGE_QUERIES}",
        before[0]
    );

    // More of everything: 6 more priorities (12 actions, 6 updates) on the demonstration
    // group's plan, and 4 more organisations with published plans in the same area.
    let admin = person(&store, "sam.admin@demo.example.org").await;
    let expert = person(&store, "alex.expert@demo.example.org").await;
    grow_plan(&store, DEMO_GROUP_SLUG, [&admin, &expert], 6).await;
    for n in 0..4 {
        another_organisation(&store, n, &area).await;
    }

    let mut report = String::new();
    for ((path, cookie), before) in pages.iter().zip(before) {
        let after = queries_for(&mut app, path, *cookie).await;
        report.push_str(&format!(
            "{path}: {before} queries, {after} after growing\n"
        ));
        assert!(before > 0, "{path}: counting works");
        // Fewer is fine (a branch not taken once there is a published version, say); more
        // means something asks once per priority, action or organisation.
        assert!(
            after <= before,
            "{path}: queries grew with the data\n{report}"
        );
    }
    println!("{report}");
    app.cleanup().await;
}
