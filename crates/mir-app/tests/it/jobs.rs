//! Reminder and digest emails, with a clock the test controls, on SQLite and PostgreSQL.

use mir_app::jobs::{self, JobReport};
use mir_app::mail::Mailer;
use mir_domain::organisation::{OrganisationKind, Role};
use mir_store::testing;
use mir_store::testing::TestDb;
use mir_store::{
    ActionRecord, ApprovalRepo, EmailPreferenceRepo, MemberRepo, NewReviewRecord, PeopleRepo,
    PlanRepo, PriorityRecord, ReviewRepo, SignUp, Store, View,
};

const DAY: i64 = 24 * 60 * 60;

async fn organisation(store: &Store, name: &str, admin: &str) -> (i64, i64) {
    let sign_up = SignUp {
        kind: OrganisationKind::Council,
        ..testing::sign_up(name)
    };
    testing::signed_up(store, &sign_up, admin, false).await
}

/// Every email written to the folder: (to, subject, body).
fn mails(dir: &std::path::Path) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("mail dir") {
        let raw = std::fs::read_to_string(entry.expect("entry").path()).expect("mail");
        let text = raw.replace("=\r\n", "").replace("=3D", "=");
        let header = |name: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(&format!("{name}: ")))
                .unwrap_or_default()
                .to_owned()
        };
        out.push((header("To"), header("Subject"), text.clone()));
    }
    out.sort();
    out
}

async fn jobs_send_each_email_once(store: &Store) {
    let now = time::macros::datetime!(2026-12-01 09:00 UTC).unix_timestamp();
    let dir = tempfile::tempdir().expect("dir");
    let mailer =
        Mailer::new(None, dir.path().to_path_buf(), "mir <mir@example.org>").expect("mailer");

    // Alder: a group with an action due in 3 days, a review 200 days ago on a 3-month cadence,
    // and a carer whose views led to a priority that had an update 2 days ago.
    let (alder, chair) = organisation(store, "Alder Council", "chair@example.org").await;
    let expert = store
        .upsert_person("expert@example.org", false, 1)
        .await
        .expect("expert");
    let carer = store
        .upsert_person("carer@example.org", false, 1)
        .await
        .expect("carer");
    store
        .put_member(alder, expert.id, Role::ExpertByExperience, true, 1)
        .await
        .expect("m");
    store
        .put_member(alder, carer.id, Role::Carer, false, 1)
        .await
        .expect("m");
    store
        .set_email_enabled(expert.id, jobs::EmailKind::Reminders.key(), false)
        .await
        .expect("off");
    store
        .set_review_cadence(alder, Some(3))
        .await
        .expect("cadence");
    let review = store
        .create_review(
            &NewReviewRecord {
                organisation_id: alder,
                title: "Review".into(),
                framework_slug: "demonstration".into(),
                framework_version: "2026.1".into(),
                themes: Vec::new(),
                closes_on: None,
                opened_by: chair,
            },
            now - 200 * DAY,
        )
        .await
        .expect("review");
    store
        .save_view(
            review,
            &View {
                statement_code: "WB-I1".into(),
                person_id: carer.id,
                perspective: "carer".into(),
                level: "just-starting".into(),
                working: String::new(),
                to_change: "Respite".into(),
            },
            now - 190 * DAY,
        )
        .await
        .expect("view");
    let priority = store
        .create_priority(
            alder,
            &PriorityRecord {
                title: "Carers get a break".into(),
                statements: vec!["WB-I2".into()],
                target: "Breaks within two weeks".into(),
                why: String::new(),
                review_id: Some(review),
                status: "agreed".into(),
                dropped_reason: String::new(),
            },
            now - 100 * DAY,
        )
        .await
        .expect("priority");
    for (what, due_in) in [("Open a booking line", 3), ("Hire two carers", 20)] {
        store
            .create_action(
                alder,
                priority,
                &ActionRecord {
                    what: what.into(),
                    lead: "Manager".into(),
                    involved: String::new(),
                    due_on: Some(jobs::date_of(now + due_in * DAY)),
                    review_on: None,
                    status: "on-track".into(),
                },
                now - 100 * DAY,
            )
            .await
            .expect("action");
    }
    store
        .publish_version(alder, "{\"priorities\":[]}", "[]", now - 60 * DAY)
        .await
        .expect("v1");
    store
        .add_update(
            alder,
            priority,
            None,
            "The booking line is staffed",
            None,
            None,
            chair,
            true,
            now - 2 * DAY,
        )
        .await
        .expect("update");
    // Beech: published 100 days ago and quiet since.
    let (beech, _) = organisation(store, "Beech Care", "beech@example.org").await;
    store
        .publish_version(beech, "{\"priorities\":[]}", "[]", now - 100 * DAY)
        .await
        .expect("v1");

    // Beech also has a review closing in two days: its administrator gave views, a member who
    // chose Easy Read has not, and another turned requests off.
    let dee = store
        .upsert_person("dee@example.org", false, 1)
        .await
        .expect("dee");
    store.set_easy_read(dee.id, true).await.expect("easy");
    let quiet = store
        .upsert_person("quiet@example.org", false, 1)
        .await
        .expect("quiet");
    let beech_admin = store
        .person_by_email("beech@example.org")
        .await
        .expect("get")
        .expect("admin");
    for (person, role) in [(dee.id, Role::ExpertByExperience), (quiet.id, Role::Staff)] {
        store
            .put_member(beech, person, role, false, 1)
            .await
            .expect("member");
    }
    store
        .set_email_enabled(quiet.id, jobs::EmailKind::Requests.key(), false)
        .await
        .expect("off");
    let closing = store
        .create_review(
            &NewReviewRecord {
                organisation_id: beech,
                title: "Winter review".into(),
                framework_slug: "demonstration".into(),
                framework_version: "2026.1".into(),
                themes: Vec::new(),
                closes_on: Some(jobs::date_of(now + 2 * DAY)),
                opened_by: beech_admin.id,
            },
            now - 10 * DAY,
        )
        .await
        .expect("review");
    store
        .save_view(
            closing,
            &View {
                statement_code: "WB-I1".into(),
                person_id: beech_admin.id,
                perspective: "staff".into(),
                level: "just-starting".into(),
                working: String::new(),
                to_change: String::new(),
            },
            now - 5 * DAY,
        )
        .await
        .expect("view");

    // A live session closed 91 days ago (kept 90 days) goes; one closed yesterday stays.
    for (code, closed) in [("OLDABC", now - 91 * DAY), ("NEWABC", now - DAY)] {
        use mir_store::LiveRepo;
        let id = store
            .create_live_session(&mir_store::NewLiveSession {
                organisation_id: beech,
                code,
                title: "Day",
                question: "Q",
                statements: &[],
                vote_budget: 3,
                retention_days: 90,
                card_kinds: "",
                created_by: dee.id,
                now: closed - DAY,
            })
            .await
            .expect("session");
        store
            .set_live_state(id, "draft", "open", closed - 1)
            .await
            .expect("open");
        store
            .set_live_state(id, "open", "closed", closed)
            .await
            .expect("closed");
    }
    let first = jobs::run_due_jobs(store, &mailer, now, "https://mir.example.org")
        .await
        .expect("run");
    assert_eq!(
        mir_store::LiveRepo::live_sessions_of(store, beech)
            .await
            .expect("sessions")
            .iter()
            .map(|s| s.code.as_str())
            .collect::<Vec<_>>(),
        vec!["NEWABC"]
    );
    assert_eq!(
        first,
        JobReport {
            action_reminders: 1,
            quiet_plan_reminders: 1,
            review_reminders: 1,
            closing_reminders: 1,
            digests: 1,
            live_sessions_deleted: 1,
        }
    );
    let sent = mails(dir.path());
    let summary: Vec<(&str, &str)> = sent
        .iter()
        .map(|(to, subject, _)| (to.as_str(), subject.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            (
                "beech@example.org",
                "Your published plan has had no update for 90 days"
            ),
            ("carer@example.org", "What happened to your views this week"),
            ("chair@example.org", "An action is due on 4 December 2026"),
            ("chair@example.org", "Your next review is due"),
            (
                "dee@example.org",
                "A review closes on 3 December 2026: your views are still wanted"
            ),
        ],
        "the expert turned reminders off; the carer leads nothing but gets the digest; only \
         the member who has not given views (and has not turned requests off) is asked"
    );
    // Dee chose Easy Read: short lines, one idea each, the date in words.
    assert!(
        sent[4]
            .2
            .contains("You can say what you think until 3 December 2026."),
        "{}",
        sent[4].2
    );
    assert!(sent[4].2.contains("/manage/organisations/"));
    let digest = &sent[1].2;
    assert!(
        digest.contains("29 November 2026"),
        "dates in words: {digest}"
    );
    assert!(
        digest.contains("Carers get a break (Alder Council)"),
        "{digest}"
    );
    assert!(digest.contains("The booking line is staffed"));
    assert!(sent[2].2.contains("Open a booking line"));
    assert!(sent[2].2.contains("on 4 December 2026"));
    assert!(
        !sent[2].2.contains("Hire two carers"),
        "not due within a week"
    );
    assert!(
        sent[2].2.contains("https://mir.example.org/account/emails"),
        "how to stop them"
    );

    // The same run again, or on another server: nothing new.
    let again = jobs::run_due_jobs(store, &mailer, now + 3600, "https://mir.example.org")
        .await
        .expect("run");
    assert_eq!(again, JobReport::default());
    assert_eq!(mails(dir.path()).len(), 5);

    // Next week: the carer turned the digest off; a new update does not email them.
    store
        .set_email_enabled(carer.id, jobs::EmailKind::Digest.key(), false)
        .await
        .expect("off");
    store
        .add_update(
            alder,
            priority,
            None,
            "Ten breaks booked",
            None,
            None,
            chair,
            true,
            now + 6 * DAY,
        )
        .await
        .expect("update");
    let later = jobs::run_due_jobs(store, &mailer, now + 8 * DAY, "https://mir.example.org")
        .await
        .expect("run");
    assert_eq!(later.digests, 0);
}

#[tokio::test]
async fn jobs_on_sqlite() {
    let db = TestDb::sqlite().await.expect("db");
    jobs_send_each_email_once(&db.store).await;
    db.cleanup().await;
}

#[tokio::test]
async fn jobs_on_postgres() {
    let Some(db) = TestDb::postgres().await.expect("db") else {
        return;
    };
    jobs_send_each_email_once(&db.store).await;
    db.cleanup().await;
}
