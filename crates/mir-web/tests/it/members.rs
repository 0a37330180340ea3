//! An organisation's co-production group: invitations, roles, co-chairs, leaving, removing and
//! handing over administration.

use crate::support::{TestApp, csrf_of, select, text};
use axum::http::StatusCode;
use mir_domain::organisation::Role;
use mir_store::{MemberRepo, PeopleRepo, PlanRepo, SignUpRepo};

/// An organisation with `admin@example.org` as administrator; returns its slug and the
/// administrator's cookies.
async fn organisation(app: &TestApp) -> (String, String) {
    let cookies = app.sign_in("admin@example.org", false).await;
    let admin = app
        .db
        .store
        .upsert_person("admin@example.org", false, 1)
        .await
        .expect("person");
    let sign_up = mir_store::testing::sign_up("Cedar Support");
    let (_, slug) = app
        .db
        .store
        .create_signed_up_organisation(&sign_up, admin.id, 1)
        .await
        .expect("org");
    (slug, cookies)
}

/// Accepts the invitation in the newest email; returns the new member's cookies.
pub(crate) async fn accept_newest(app: &TestApp) -> String {
    let mails = app.mails().await;
    let mail = mails
        .iter()
        .rev()
        .find(|m| m.contains("/invitations/"))
        .expect("an invitation");
    accept_link(app, mail).await
}

/// Accepts the invitation whose link is in `mail`; returns the new member's cookies.
pub(crate) async fn accept_link(app: &TestApp, mail: &str) -> String {
    let start = mail.find("/invitations/").expect("link");
    let path: String = mail[start..]
        .chars()
        .take("/invitations/".len() + 64)
        .collect();
    let page = app.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    let csrf = page.set_cookie("mir_csrf").expect("csrf");
    let token = csrf.trim_start_matches("mir_csrf=").to_owned();
    let joined = app
        .post_form(&path, &format!("csrf_token={token}"), Some(&csrf))
        .await;
    assert_eq!(joined.status, StatusCode::SEE_OTHER);
    let again = app
        .post_form(&path, &format!("csrf_token={token}"), Some(&csrf))
        .await;
    assert_eq!(
        again.status,
        StatusCode::BAD_REQUEST,
        "an invitation works once"
    );
    format!(
        "{csrf}; {}",
        joined.set_cookie("mir_session").expect("signed in")
    )
}

#[tokio::test]
async fn invite_accept_and_the_rules_of_the_group() {
    let app = TestApp::sqlite().await;
    let (slug, admin) = organisation(&app).await;
    let base = format!("/manage/organisations/{slug}");
    let t = csrf_of(&admin);

    // Existence is private: a stranger gets "not found"; a signed-out visitor is asked to sign
    // in, as for any group's address, and is brought back after.
    let stranger = app.sign_in("stranger@example.org", false).await;
    assert_eq!(
        app.get_with_cookie(&base, Some(&stranger)).await.status,
        StatusCode::NOT_FOUND
    );
    let signed_out = app.get(&base).await;
    assert_eq!(signed_out.status, StatusCode::SEE_OTHER);
    assert_eq!(signed_out.header("location"), "/sign-in");
    let nowhere = app.get("/manage/organisations/no-such-group").await;
    assert_eq!(
        nowhere.status,
        StatusCode::SEE_OTHER,
        "the same for any address"
    );

    // Invite an Expert by Experience as co-chair, and a member of staff.
    let bad = app
        .post_form(
            &format!("{base}/invite"),
            &format!("csrf_token={t}&email=nope&role="),
            Some(&admin),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let links: Vec<_> = select(&bad.html(), ".error-summary a")
        .iter()
        .map(|a| a.value().attr("href").unwrap_or("").to_owned())
        .collect();
    assert_eq!(links, ["#email", "#role"]);
    let sent = app
        .post_form(
            &format!("{base}/invite"),
            &format!("csrf_token={t}&email=expert%40example.org&role=expert&co_chair=yes"),
            Some(&admin),
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    assert!(
        app.mails()
            .await
            .last()
            .expect("mail")
            .contains("To: expert@example.org")
    );
    let expert = accept_newest(&app).await;
    let ws = app.get_with_cookie(&base, Some(&expert)).await;
    assert_eq!(ws.status, StatusCode::OK);
    assert!(
        text(&select(&ws.html(), "main")[0]).contains("You are: Expert by Experience, co-chair.")
    );
    assert!(
        !ws.body.contains("admin@example.org"),
        "members see roles, not other members' addresses"
    );

    app.post_form(
        &format!("{base}/invite"),
        &format!("csrf_token={t}&email=staff%40example.org&role=staff&co_chair=yes"),
        Some(&admin),
    )
    .await;
    let staff = accept_newest(&app).await;
    // Two co-chairs at most.
    let third = app
        .post_form(
            &format!("{base}/invite"),
            &format!("csrf_token={t}&email=carer%40example.org&role=carer&co_chair=yes"),
            Some(&admin),
        )
        .await;
    assert_eq!(third.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(third.body.contains("already has two co-chairs"));

    // Only administrators manage the group.
    let st = csrf_of(&staff);
    let refused = app
        .post_form(
            &format!("{base}/invite"),
            &format!("csrf_token={st}&email=x%40example.org&role=staff"),
            Some(&staff),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // The last administrator can neither leave nor be removed.
    let admin_id = app
        .db
        .store
        .person_by_email("admin@example.org")
        .await
        .expect("get")
        .expect("admin")
        .id;
    let leave = app
        .post_form(
            &format!("{base}/leave"),
            &format!("csrf_token={t}"),
            Some(&admin),
        )
        .await;
    assert_eq!(leave.status, StatusCode::CONFLICT);
    assert!(leave.body.contains("only administrator"));
    let remove_self = app
        .post_form(
            &format!("{base}/members/{admin_id}/remove"),
            &format!("csrf_token={t}"),
            Some(&admin),
        )
        .await;
    assert_eq!(remove_self.status, StatusCode::CONFLICT);

    // Hand over to the expert, then leave.
    let expert_id = app
        .db
        .store
        .person_by_email("expert@example.org")
        .await
        .expect("get")
        .expect("expert")
        .id;
    let handed = app
        .post_form(
            &format!("{base}/transfer"),
            &format!("csrf_token={t}&to={expert_id}"),
            Some(&admin),
        )
        .await;
    assert_eq!(handed.status, StatusCode::SEE_OTHER);
    let left = app
        .post_form(
            &format!("{base}/leave"),
            &format!("csrf_token={t}"),
            Some(&admin),
        )
        .await;
    assert_eq!(left.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get_with_cookie(&base, Some(&admin)).await.status,
        StatusCode::NOT_FOUND
    );
    let now_admin = app.get_with_cookie(&base, Some(&expert)).await;
    assert!(
        text(&select(&now_admin.html(), "main")[0]).contains("You are: Administrator, co-chair.")
    );

    // The audit log shows who did what, in sentences, to administrators only.
    let log: Vec<String> = select(&now_admin.html(), "table tbody tr td:nth-child(3)")
        .iter()
        .map(text)
        .collect();
    for sentence in [
        "Invited staff@example.org as Staff, co-chair.",
        "Joined the group as Staff, co-chair.",
        "Handed administration over to expert@example.org.",
        "Left the group (Staff).",
    ] {
        assert!(log.iter().any(|a| a == sentence), "{sentence} in {log:?}");
    }
    assert!(!now_admin.body.contains("{&quot;"), "no raw data");
    let staff_view = app.get_with_cookie(&base, Some(&staff)).await;
    assert!(!staff_view.body.contains("Recent changes"));

    // The new administrator asks to remove the member of staff, a co-chair: a page says what
    // will happen first, and nothing happens until a second person agrees.
    let staff_id = app
        .db
        .store
        .person_by_email("staff@example.org")
        .await
        .expect("get")
        .expect("staff")
        .id;
    let remove = format!("{base}/members/{staff_id}/remove");
    let confirm = app.get_with_cookie(&remove, Some(&expert)).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(
        confirm.body.contains("nothing happens until"),
        "{}",
        confirm.body
    );
    assert_eq!(
        app.get_with_cookie(&remove, Some(&staff)).await.status,
        StatusCode::FORBIDDEN,
        "only administrators remove members"
    );
    // They joined today: a member of less than a week cannot ask (decision 0024), and is
    // told from when they can.
    let too_new = app
        .post_form(
            &remove,
            &format!("csrf_token={}", csrf_of(&expert)),
            Some(&expert),
        )
        .await;
    assert_eq!(too_new.status, StatusCode::CONFLICT);
    assert!(
        too_new.body.contains("less than 7 days ago"),
        "{}",
        too_new.body
    );
    app.db
        .age_memberships(8 * 24 * 3600)
        .await
        .expect("a week on");
    let asked = app
        .post_form(
            &remove,
            &format!("csrf_token={}", csrf_of(&expert)),
            Some(&expert),
        )
        .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER);
    let staff_ws = app.get_with_cookie(&base, Some(&staff)).await;
    assert_eq!(staff_ws.status, StatusCode::OK, "still a member");
    let agree = select(
        &staff_ws.html(),
        "#co-chair-requests form[action$='/agree']",
    )
    .first()
    .and_then(|f| f.value().attr("action"))
    .expect("an agree button for the co-chair it is about")
    .to_owned();
    assert!(
        text(&select(&staff_ws.html(), "#waiting")[0]).contains("Waiting for you"),
        "it waits for them"
    );
    // The one who asked cannot agree to their own request.
    let own = app
        .post_form(
            &agree,
            &format!("csrf_token={}", csrf_of(&expert)),
            Some(&expert),
        )
        .await;
    assert_eq!(own.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.get_with_cookie(&base, Some(&staff)).await.status,
        StatusCode::OK
    );
    let agreed = app
        .post_form(
            &agree,
            &format!("csrf_token={}", csrf_of(&staff)),
            Some(&staff),
        )
        .await;
    assert_eq!(agreed.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get_with_cookie(&base, Some(&staff)).await.status,
        StatusCode::NOT_FOUND
    );
    let again = app
        .post_form(
            &agree,
            &format!("csrf_token={}", csrf_of(&expert)),
            Some(&expert),
        )
        .await;
    assert_eq!(
        again.status,
        StatusCode::NOT_FOUND,
        "a request is acted on once"
    );
    app.cleanup().await;
}

#[tokio::test]
async fn people_download_their_data_and_delete_their_account_but_not_an_organisations_last_admin() {
    let app = TestApp::sqlite().await;
    let (slug, admin) = organisation(&app).await;
    let data = app
        .get_with_cookie("/account/data.json", Some(&admin))
        .await;
    assert_eq!(data.status, StatusCode::OK);
    assert!(data.header("content-disposition").contains("attachment"));
    let json: serde_json::Value = serde_json::from_str(&data.body).expect("json");
    assert_eq!(json["account"]["email"], "admin@example.org");
    assert_eq!(json["memberships"][0]["organisation"], "Cedar Support");
    assert!(!data.body.contains("argon2"), "no password hash");

    let t = csrf_of(&admin);
    let refused = app
        .post_form("/account/delete", &format!("csrf_token={t}"), Some(&admin))
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.body.contains("only administrator of Cedar Support"));

    let base = format!("/manage/organisations/{slug}");
    app.post_form(
        &format!("{base}/invite"),
        &format!("csrf_token={t}&email=carer%40example.org&role=carer"),
        Some(&admin),
    )
    .await;
    let carer = accept_newest(&app).await;
    // Finding 7: the download holds what names them too (the invitation, its audit entry).
    let theirs = app
        .get_with_cookie("/account/data.json", Some(&carer))
        .await;
    let json: serde_json::Value = serde_json::from_str(&theirs.body).expect("json");
    assert_eq!(json["invitations"][0]["organisation"], "Cedar Support");
    assert_eq!(json["invitations"][0]["accepted"], true);
    assert!(
        json["audit_entries"]
            .as_array()
            .is_some_and(|a| a.iter().any(|e| e["action"] == "member invited")),
        "{}",
        theirs.body
    );
    for key in [
        "review_views",
        "anonymity_choices",
        "stories",
        "progress_updates",
        "plan_approvals",
        "position_confirmations",
    ] {
        assert!(json[key].is_array(), "{key}");
    }
    let deleted = app
        .post_form(
            "/account/delete",
            &format!("csrf_token={}", csrf_of(&carer)),
            Some(&carer),
        )
        .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get_with_cookie("/account", Some(&carer)).await.status,
        StatusCode::SEE_OTHER,
        "signed out"
    );
    assert_eq!(
        app.db
            .store
            .person_by_email("carer@example.org")
            .await
            .expect("get"),
        None
    );
    let ws = app.get_with_cookie(&base, Some(&admin)).await;
    let members: Vec<String> = select(&ws.html(), ".members-list li .caption")
        .iter()
        .map(text)
        .collect();
    assert_eq!(
        members,
        ["admin@example.org"],
        "membership gone with the account"
    );
    // Deletion scrubs their address from the audit log and the invitations.
    let events = mir_store::AuditRepo::audit_events(&app.db.store, None, 1000)
        .await
        .expect("audit");
    assert!(!events.is_empty());
    assert!(
        events
            .iter()
            .all(|e| !e.detail.contains("carer@example.org")),
        "no audit detail keeps the address"
    );
    assert!(
        events
            .iter()
            .any(|e| e.detail.contains(mir_store::DELETED_PERSON))
    );
    let left = mir_store::PersonalDataRepo::personal_records(&app.db.store, 0, "carer@example.org")
        .await
        .expect("records");
    assert!(
        left.invitations.is_empty(),
        "invitations to the address are gone"
    );
    assert!(left.audit.is_empty(), "no audit entry names the address");

    // Once the sign-up is declined, its only administrator may delete their account (an
    // address someone else signed up is never stuck).
    let org = app
        .db
        .store
        .organisation_by_slug(&slug)
        .await
        .expect("get")
        .expect("org");
    app.db
        .store
        .decide_organisation(
            org.id,
            mir_domain::organisation::OrganisationStatus::Declined,
            Some("Not a real organisation"),
            5,
        )
        .await
        .expect("declined");
    let freed = app
        .post_form("/account/delete", &format!("csrf_token={t}"), Some(&admin))
        .await;
    assert_eq!(freed.status, StatusCode::SEE_OTHER);
    app.cleanup().await;
}

/// Finding 4 (second half): making or removing a co-chair tells every member of the group by
/// email, is audited, and the public plan says since when the co-chairs hold the role.
#[tokio::test]
async fn co_chair_changes_are_told_to_the_whole_group_and_shown_publicly() {
    let app = TestApp::sqlite().await;
    mir_app::demo::load_demo_data(&app.db.store)
        .await
        .expect("demo");
    let (slug, admin) = organisation(&app).await;
    let t = csrf_of(&admin);
    let base = format!("/manage/organisations/{slug}");
    for (email, role) in [("expert", "expert"), ("staff", "staff")] {
        app.post_form(
            &format!("{base}/invite"),
            &format!("csrf_token={t}&email={email}%40example.org&role={role}"),
            Some(&admin),
        )
        .await;
        accept_newest(&app).await;
    }
    let before = app.mails().await.len();
    let staff_id = app
        .db
        .store
        .person_by_email("staff@example.org")
        .await
        .expect("get")
        .expect("staff")
        .id;
    // The administrator makes a member of staff a co-chair: nobody else is asked, so all are told.
    let made = app
        .post_form(
            &format!("{base}/members/{staff_id}/co-chair"),
            &format!("csrf_token={t}&co_chair=yes"),
            Some(&admin),
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER);
    let mails = app.mails().await;
    let told: Vec<&String> = mails[before..]
        .iter()
        .filter(|m| m.contains("The co-chairs of Cedar Support changed"))
        .collect();
    for who in [
        "admin@example.org",
        "expert@example.org",
        "staff@example.org",
    ] {
        assert!(
            told.iter().any(|m| m.contains(&format!("To: {who}"))),
            "{who} is told"
        );
    }
    assert!(
        told[0].contains("A member who has not chosen a name yet is now a co-chair"),
        "named by their chosen name, never their address: {}",
        told[0]
    );
    assert!(!told[0].contains("staff@example.org is"));
    let events = mir_store::AuditRepo::audit_events(&app.db.store, None, 50)
        .await
        .expect("audit");
    assert!(events.iter().any(|e| e.action == "co-chair changed"));

    // Public once approved: the plan page names the co-chairs' roles and since when.
    let org = app
        .db
        .store
        .organisation_by_slug(&slug)
        .await
        .expect("get")
        .expect("org");
    app.db
        .store
        .decide_organisation(
            org.id,
            mir_domain::organisation::OrganisationStatus::Approved,
            None,
            2,
        )
        .await
        .expect("approved");
    let expert_id = app
        .db
        .store
        .person_by_email("expert@example.org")
        .await
        .expect("get")
        .expect("expert")
        .id;
    let store = &app.db.store;
    store
        .put_member(org.id, expert_id, Role::ExpertByExperience, true, 3)
        .await
        .expect("expert co-chair");
    let id = store
        .create_priority(
            org.id,
            &mir_store::PriorityRecord {
                title: "Plans".into(),
                statements: vec!["WB-I1".into()],
                target: "Better".into(),
                why: String::new(),
                review_id: None,
                status: "agreed".into(),
                dropped_reason: String::new(),
            },
            4,
        )
        .await
        .expect("priority");
    assert!(id > 0);
    for email in ["staff@example.org", "expert@example.org"] {
        let person = store
            .person_by_email(email)
            .await
            .expect("get")
            .expect("person");
        let actor = mir_app::Actor::Person {
            id: person.id,
            national_admin: false,
        };
        let seen = mir_app::plans::workspace(store, &actor, &slug)
            .await
            .expect("workspace")
            .revision;
        mir_app::plans::approve(
            store,
            (&app.mailer(), "http://localhost"),
            &actor,
            &slug,
            seen,
        )
        .await
        .expect("approve");
    }
    // The Expert by Experience agreed to be named; the member of staff did not.
    for (email, public) in [("expert@example.org", true), ("staff@example.org", false)] {
        let person = store
            .person_by_email(email)
            .await
            .expect("get")
            .expect("person");
        let name = mir_domain::person::PersonName {
            display_name: if public { "Alex".into() } else { "Pat".into() },
            pronouns: String::new(),
            name_public: public,
        };
        store.set_person_name(person.id, &name).await.expect("name");
    }
    let public = app.get(&format!("/organisations/{slug}")).await;
    let co_chairs = text(&select(&public.html(), "#co-chairs")[0]);
    assert!(
        co_chairs.contains("Alex, Expert by Experience, co-chair since")
            && co_chairs.contains("Staff, co-chair since"),
        "{co_chairs}"
    );
    assert!(!co_chairs.contains("Pat"), "named only with consent");
    app.cleanup().await;
}
