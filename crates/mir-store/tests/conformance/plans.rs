//! Plans: every edit raises the draft's revision; jobs run once.

use mir_domain::organisation::{OrganisationKind, Role};
use mir_store::testing;
use mir_store::{
    ActionRecord, ApprovalRepo, EmailPreferenceRepo, JobRepo, MemberRepo, NewReviewRecord,
    PlanRepo, PriorityRecord, ReviewRepo, SignUp, Store,
};

/// A council waiting for approval, with its administrator; returns (organisation, admin).
async fn organisation(store: &Store, name: &str) -> (i64, i64) {
    let sign_up = SignUp {
        kind: OrganisationKind::Council,
        ..testing::sign_up(name)
    };
    let admin = format!("{}@example.org", name.to_lowercase());
    testing::signed_up(store, &sign_up, &admin, false).await
}

fn priority(title: &str) -> PriorityRecord {
    PriorityRecord {
        title: title.into(),
        statements: vec!["WB-I1".into(), "IA-I1".into()],
        target: "Everyone plans their own support".into(),
        why: String::new(),
        review_id: None,
        status: "agreed".into(),
        dropped_reason: String::new(),
    }
}

fn action(what: &str, due_on: Option<&str>) -> ActionRecord {
    ActionRecord {
        what: what.into(),
        lead: "Team manager".into(),
        involved: String::new(),
        due_on: due_on.map(String::from),
        review_on: None,
        status: "not-started".into(),
    }
}

pub async fn every_plan_edit_raises_the_revision_and_stays_in_its_organisation(store: &Store) {
    let (org, admin) = organisation(store, "Alder").await;
    // Only the current co-chairs' approvals count.
    store
        .put_member(org, admin, Role::Admin, true, 1)
        .await
        .expect("co-chair");
    let (other, _) = organisation(store, "Beech").await;
    assert_eq!(
        store.plan_settings(org).await.expect("settings"),
        (0, false)
    );
    let p = store
        .create_priority(org, &priority("Plans"), 10)
        .await
        .expect("priority");
    let a = store
        .create_action(org, p, &action("Train staff", Some("2027-01-10")), 11)
        .await
        .expect("action")
        .expect("owned");
    assert_eq!(
        store
            .create_action(other, p, &action("Not theirs", None), 12)
            .await
            .expect("refused"),
        None,
        "another organisation cannot add to this priority"
    );
    assert!(
        !store
            .update_priority(other, p, &priority("Hijack"), 12)
            .await
            .expect("refused")
    );
    assert!(
        !store
            .update_action(other, a, &action("Hijack", None), 12)
            .await
            .expect("refused")
    );
    let mut renamed = priority("Plans with people");
    renamed.review_id = None;
    assert!(
        store
            .update_priority(org, p, &renamed, 13)
            .await
            .expect("update")
    );
    assert_eq!(store.plan_settings(org).await.expect("settings").0, 3);
    let rows = store.priorities(org).await.expect("list");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].record.title, "Plans with people");
    assert_eq!(rows[0].record.statements, ["WB-I1", "IA-I1"]);
    assert_eq!(store.actions(org).await.expect("actions")[0].priority_id, p);
    assert!(store.actions(other).await.expect("none").is_empty());

    // An update with a status applies it and raises the revision; it waits to be public.
    store
        .add_update(
            org,
            p,
            Some(a),
            "Started",
            Some("on-track"),
            None,
            admin,
            false,
            20,
        )
        .await
        .expect("update");
    assert_eq!(
        store.actions(org).await.expect("actions")[0].record.status,
        "on-track"
    );
    assert_eq!(store.plan_settings(org).await.expect("settings").0, 4);
    assert_eq!(
        store.updates(org).await.expect("updates")[0].published_at,
        None
    );

    // Approvals count per revision; publishing makes waiting updates public.
    store
        .approve_plan(org, 4, admin, "admin", 30)
        .await
        .expect("approve");
    store
        .approve_plan(org, 4, admin, "admin", 31)
        .await
        .expect("twice is once");
    assert_eq!(
        store.plan_approvals(org, 4).await.expect("approvals").len(),
        1
    );
    assert!(store.plan_approvals(org, 3).await.expect("none").is_empty());
    assert_eq!(
        store
            .publish_version(org, "{\"priorities\":[]}", "[]", 40)
            .await
            .expect("v1"),
        1
    );
    assert_eq!(
        store
            .publish_version(org, "{\"priorities\":[1]}", "[]", 50)
            .await
            .expect("v2"),
        2
    );
    let versions = store.versions(org).await.expect("versions");
    assert_eq!(
        versions.iter().map(|v| v.number).collect::<Vec<_>>(),
        [2, 1],
        "newest first"
    );
    assert_eq!(
        versions[1].snapshot, "{\"priorities\":[]}",
        "kept as published"
    );
    assert_eq!(
        store.updates(org).await.expect("updates")[0].published_at,
        Some(40)
    );
    store.set_publish_directly(org, true).await.expect("choice");
    assert!(store.plan_settings(org).await.expect("settings").1);
}

pub async fn jobs_run_once_and_reminders_find_their_actions(store: &Store) {
    assert!(
        store
            .claim_job("digest", "7:2026-W48", 1)
            .await
            .expect("first")
    );
    assert!(
        !store
            .claim_job("digest", "7:2026-W48", 2)
            .await
            .expect("again")
    );
    let (org, admin) = organisation(store, "Cedar").await;
    assert!(
        store
            .email_enabled(admin, "digest")
            .await
            .expect("default on")
    );
    store
        .set_email_enabled(admin, "digest", false)
        .await
        .expect("off");
    assert!(!store.email_enabled(admin, "digest").await.expect("off"));
    let p = store
        .create_priority(org, &priority("Plans"), 1)
        .await
        .expect("p");
    for (what, due) in [("Soon", "2026-12-01"), ("Later", "2027-06-01")] {
        store
            .create_action(org, p, &action(what, Some(due)), 1)
            .await
            .expect("action");
    }
    let due = store
        .actions_dated_between("2026-11-24", "2026-12-08")
        .await
        .expect("due");
    assert_eq!(
        due.iter()
            .map(|d| (d.what.as_str(), d.which.as_str()))
            .collect::<Vec<_>>(),
        [("Soon", "due")]
    );
    // Quiet plans: published long ago with nothing since.
    store
        .publish_version(org, "{}", "[]", 100)
        .await
        .expect("v1");
    assert_eq!(store.quiet_plans(200).await.expect("quiet"), [org]);
    store
        .add_update(org, p, None, "News", None, None, admin, true, 150)
        .await
        .expect("public update");
    assert!(store.quiet_plans(120).await.expect("not quiet").is_empty());
    // Cadence: the last review's opening time.
    store
        .set_review_cadence(org, Some(3))
        .await
        .expect("cadence");
    assert!(store.review_cadences().await.expect("none").is_empty());
    store
        .create_review(
            &NewReviewRecord {
                organisation_id: org,
                title: "R".into(),
                framework_slug: "demonstration".into(),
                framework_version: "2026.1".into(),
                themes: Vec::new(),
                closes_on: None,
                opened_by: admin,
            },
            500,
        )
        .await
        .expect("review");
    assert_eq!(store.review_cadences().await.expect("one"), [(org, 3, 500)]);
}
