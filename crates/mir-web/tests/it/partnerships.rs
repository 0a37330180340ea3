//! Partnerships and working groups through the real router, on SQLite and PostgreSQL
//! (decision 0041): two administrators form a partnership; its members come from each partner
//! with their roles; a working group's published priority is taken into the board's plan and
//! published there by both co-chairs.

use crate::support::{TestApp, TestResponse, select, text};
use axum::http::StatusCode;
use mir_domain::organisation::{OrganisationStatus, Role};
use mir_store::{
    ActionRecord, MemberRepo, PartnershipRepo, PeopleRepo, PlanRepo, PriorityRecord, SignUpRepo,
    testing,
};

/// An approved organisation with an administrator and a member of staff (`{prefix}.admin`,
/// `{prefix}.staff`), signed in.
async fn second_organisation(app: &TestApp, name: &str, prefix: &str) -> (String, String, String) {
    let store = &app.db.store;
    let mut cookies = Vec::new();
    let mut ids = Vec::new();
    for who in [format!("{prefix}.admin"), format!("{prefix}.staff")] {
        let email = format!("{who}@example.org");
        cookies.push(app.sign_in(&email, false).await);
        ids.push(
            store
                .upsert_person(&email, false, 1)
                .await
                .expect("person")
                .id,
        );
    }
    let (org, slug) = store
        .create_signed_up_organisation(&testing::sign_up(name), ids[0], 1)
        .await
        .expect("org");
    store
        .decide_organisation(org, OrganisationStatus::Approved, None, 2)
        .await
        .expect("approved");
    store
        .put_member(org, ids[1], Role::Staff, false, 1)
        .await
        .expect("staff");
    let [admin, staff] = <[String; 2]>::try_from(cookies).expect("two");
    (slug, admin, staff)
}

fn main_text(page: &TestResponse) -> String {
    text(&select(&page.html(), "main")[0])
}

/// Approves the plan as the page shows it (the form names the revision the co-chair read).
async fn approve(app: &TestApp, plan: &str, cookies: &str) -> TestResponse {
    let page = app.get_with_cookie(plan, Some(cookies)).await;
    let revision = select(&page.html(), "input[name='revision']")
        .first()
        .and_then(|i| i.value().attr("value"))
        .unwrap_or("-1")
        .to_owned();
    app.post_as(
        &format!("{plan}/approve"),
        &format!("revision={revision}"),
        cookies,
    )
    .await
}

async fn a_partnership_is_formed_by_two_administrators(app: &TestApp) {
    let g = crate::support::group(app, &testing::sign_up("Cedar Support")).await;
    let (birch, birch_admin, birch_staff) = second_organisation(app, "Birch Trust", "birch").await;
    let (rowan, rowan_admin, _) = second_organisation(app, "Rowan Care", "rowan").await;
    let store = &app.db.store;
    let ours = format!("/manage/organisations/{}/partnerships", g.slug);

    // Only an administrator forms one; every mistake is named next to its field, and what
    // was typed stays.
    let carer = app
        .post_as(&ours, "name=Cedar+and+Birch&partner=Birch+Trust", &g.carer)
        .await;
    assert_eq!(carer.status, StatusCode::FORBIDDEN);
    let empty = app.post_as(&ours, "name=&partner=", &g.admin).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = empty.html();
    assert_eq!(select(&html, ".error-summary li").len(), 2);
    assert!(!select(&html, "#name-error").is_empty());
    assert!(!select(&html, "#partner-error").is_empty());
    let unknown = app
        .post_as(&ours, "name=Cedar+and+Birch&partner=Nowhere+Ltd", &g.admin)
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(main_text(&unknown).contains("could not find an organisation called “Nowhere Ltd”"));
    assert_eq!(
        select(&unknown.html(), "input#name")[0]
            .value()
            .attr("value"),
        Some("Cedar and Birch")
    );
    let itself = app
        .post_as(&ours, "name=Cedar+alone&partner=Cedar+Support", &g.admin)
        .await;
    assert_eq!(itself.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A name already on mir would be taken for that organisation.
    let taken = app
        .post_as(&ours, "name=birch+trust&partner=Birch+Trust", &g.admin)
        .await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(main_text(&taken).contains("“Birch Trust” is already the name of an organisation"));

    // Formed, by name (any case): not public until the other administrator accepts, and not
    // in the national team's queue (partners decide).
    let formed = app
        .post_as(&ours, "name=Cedar+and+Birch&partner=birch+trust", &g.admin)
        .await;
    assert_eq!(formed.status, StatusCode::SEE_OTHER, "{}", formed.body);
    let slug = "cedar-and-birch";
    assert_eq!(
        formed.header("location"),
        format!("/manage/organisations/{slug}/partnerships")
    );
    assert_eq!(
        app.get(&format!("/organisations/{slug}")).await.status,
        StatusCode::NOT_FOUND
    );
    let queue = store
        .organisations_awaiting_approval()
        .await
        .expect("queue");
    assert!(queue.iter().all(|o| o.slug != slug));
    assert!(
        app.mails()
            .await
            .iter()
            .any(|m| m.contains("Please answer: form the partnership") && m.contains(&birch))
    );

    // At most three forming at once: forming is not a way to email many organisations.
    for more in ["Cedar+more+one", "Cedar+more+two"] {
        let formed = app
            .post_as(&ours, &format!("name={more}&partner=Birch+Trust"), &g.admin)
            .await;
        assert_eq!(formed.status, StatusCode::SEE_OTHER, "{}", formed.body);
    }
    let fourth = app
        .post_as(&ours, "name=Cedar+more+three&partner=Birch+Trust", &g.admin)
        .await;
    assert_eq!(fourth.status, StatusCode::CONFLICT);
    assert!(main_text(&fourth).contains("3 partnerships waiting for a partner"));
    // An organisation that is not public is not found, whatever its state.
    let (pending, _) = store
        .create_signed_up_organisation(
            &testing::sign_up("Hidden Pending"),
            store
                .upsert_person("pending@example.org", false, 1)
                .await
                .expect("person")
                .id,
            1,
        )
        .await
        .expect("pending");
    assert!(pending > 0);
    let invite = format!("/manage/organisations/{slug}/partnerships/invite");
    let hidden = app
        .post_as(&invite, "partner=Hidden+Pending", &g.admin)
        .await;
    assert_eq!(hidden.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(main_text(&hidden).contains("could not find an organisation called “Hidden Pending”"));

    // Only Birch's own administrator answers for Birch.
    let theirs = format!("/manage/organisations/{birch}/partnerships/{slug}/answer");
    let staff = app.post_as(&theirs, "answer=accept", &birch_staff).await;
    assert_eq!(staff.status, StatusCode::FORBIDDEN);
    let outsider = app.post_as(&theirs, "answer=accept", &g.admin).await;
    assert_eq!(outsider.status, StatusCode::NOT_FOUND);
    let waiting = app
        .get_with_cookie(
            &format!("/manage/organisations/{birch}/partnerships"),
            Some(&birch_admin),
        )
        .await;
    assert_eq!(
        select(&waiting.html(), &format!("form[action='{theirs}']")).len(),
        2,
        "accept and say no"
    );
    // "Waiting for you" says so, on Birch's workspace.
    let birch_home = app
        .get_with_cookie(
            &format!("/manage/organisations/{birch}"),
            Some(&birch_admin),
        )
        .await;
    assert!(main_text(&birch_home).contains("Accept or say no: Cedar and Birch invites"));
    let unclear = app.post_as(&theirs, "answer=maybe", &birch_admin).await;
    assert_eq!(
        unclear.status,
        StatusCode::BAD_REQUEST,
        "neither yes nor no"
    );
    let accepted = app.post_as(&theirs, "answer=accept", &birch_admin).await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    // The partnership's administrators hear the answer; Birch's members, that they take part.
    let mails = app.mails().await;
    assert!(
        mails
            .iter()
            .any(|m| m.contains("To: admin@example.org") && m.contains("Birch Trust accepted"))
    );
    assert!(
        mails
            .iter()
            .any(|m| m.contains("To: birch.staff@example.org")
                && m.contains("You now take part in Cedar and Birch"))
    );
    let again = app.post_as(&theirs, "answer=accept", &birch_admin).await;
    assert_eq!(again.status, StatusCode::CONFLICT);

    // Public now: the page names both partners, each partner's page names it, and a search
    // for a partner's name finds it.
    let public = app.get(&format!("/organisations/{slug}")).await;
    assert_eq!(public.status, StatusCode::OK);
    let mut partners: Vec<String> = select(&public.html(), "#partners li")
        .iter()
        .map(text)
        .collect();
    partners.sort();
    assert_eq!(partners, ["Birch Trust", "Cedar Support"]);
    let birch_page = app.get(&format!("/organisations/{birch}")).await;
    assert!(
        !select(
            &birch_page.html(),
            &format!("a[href='/organisations/{slug}']")
        )
        .is_empty()
    );
    let found = app.get("/search?q=Birch").await;
    assert!(
        !select(&found.html(), &format!("a[href^='/organisations/{slug}']")).is_empty(),
        "{}",
        main_text(&found)
    );

    // Members of each partner take part with their own roles, and choose co-chairs afresh.
    let partnership = store
        .organisation_by_slug(slug)
        .await
        .expect("read")
        .expect("there");
    let members = store.members(partnership.id).await.expect("members");
    let role_of = |email: &str| {
        members
            .iter()
            .find(|m| m.email == email)
            .map(|m| (m.role, m.is_co_chair))
    };
    assert_eq!(members.len(), 6);
    assert_eq!(role_of("carer@example.org"), Some((Role::Carer, false)));
    assert_eq!(
        role_of("birch.staff@example.org"),
        Some((Role::Staff, false))
    );
    assert_eq!(role_of("admin@example.org"), Some((Role::Admin, false)));
    let ws = app
        .get_with_cookie(&format!("/manage/organisations/{slug}"), Some(&birch_staff))
        .await;
    assert_eq!(ws.status, StatusCode::OK);

    // Birch's administrator manages the partnership with the others, but sees the addresses of
    // Birch's people only.
    let as_birch = app
        .get_with_cookie(&format!("/manage/organisations/{slug}"), Some(&birch_admin))
        .await;
    assert!(as_birch.body.contains("birch.staff@example.org"));
    assert!(!as_birch.body.contains("carer@example.org"));
    assert_eq!(
        as_birch.body.matches("admin@example.org").count(),
        as_birch.body.matches("birch.admin@example.org").count(),
        "Cedar's administrator's address is not in the recent changes either"
    );
    let as_cedar = app
        .get_with_cookie(&format!("/manage/organisations/{slug}"), Some(&g.admin))
        .await;
    assert!(as_cedar.body.contains("carer@example.org"));
    assert!(!as_cedar.body.contains("birch.staff@example.org"));

    // The two co-chairs come from different partners: no one partner speaks for it alone.
    let id_of = |email: &str| {
        members
            .iter()
            .find(|m| m.email == email)
            .map(|m| m.person_id)
            .expect("a member")
    };
    let co_chair = |person: i64| format!("/manage/organisations/{slug}/members/{person}/co-chair");
    let first = app
        .post_as(
            &co_chair(id_of("expert@example.org")),
            "co_chair=yes",
            &g.admin,
        )
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let same = app
        .post_as(
            &co_chair(id_of("admin@example.org")),
            "co_chair=yes",
            &g.admin,
        )
        .await;
    assert_eq!(same.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(main_text(&same).contains("come from different partners"));
    let other = app
        .post_as(
            &co_chair(id_of("birch.staff@example.org")),
            "co_chair=yes",
            &g.admin,
        )
        .await;
    assert_eq!(other.status, StatusCode::SEE_OTHER, "{}", other.body);

    // Someone joining a partner later joins the partnership too; leaving it, they leave both.
    let newcomer = store
        .upsert_person("newcomer@example.org", false, 1)
        .await
        .expect("person");
    let birch_org = store
        .organisation_by_slug(&birch)
        .await
        .expect("read")
        .expect("there");
    store
        .put_member(
            birch_org.id,
            newcomer.id,
            Role::ExpertByExperience,
            false,
            3,
        )
        .await
        .expect("joins");
    let joined = store
        .membership(partnership.id, newcomer.id)
        .await
        .expect("read");
    assert_eq!(joined.map(|m| m.role), Some(Role::ExpertByExperience));
    store
        .remove_member(birch_org.id, newcomer.id)
        .await
        .expect("leaves");
    assert!(
        store
            .membership(partnership.id, newcomer.id)
            .await
            .expect("read")
            .is_none()
    );

    // Removed from the partnership, a partner does not bring them back; joining the
    // partnership itself does.
    store
        .put_member(birch_org.id, newcomer.id, Role::Staff, false, 5)
        .await
        .expect("back in Birch");
    assert!(
        store
            .membership(partnership.id, newcomer.id)
            .await
            .expect("read")
            .is_some()
    );
    store
        .remove_member(partnership.id, newcomer.id)
        .await
        .expect("removed by the partnership");
    store
        .put_member(birch_org.id, newcomer.id, Role::Admin, false, 6)
        .await
        .expect("a new role in Birch");
    assert!(
        store
            .membership(partnership.id, newcomer.id)
            .await
            .expect("read")
            .is_none(),
        "the partnership's removal sticks"
    );
    store
        .put_member(partnership.id, newcomer.id, Role::Carer, false, 7)
        .await
        .expect("invited to the partnership itself");
    assert!(
        store
            .membership(partnership.id, newcomer.id)
            .await
            .expect("read")
            .is_some()
    );

    // A co-chair of the partnership stays when a partner's administrator removes them from
    // the partner, and keeps their role: the partnership's co-chairs are its own to change.
    let birch_staff_id = id_of("birch.staff@example.org");
    store
        .put_member(birch_org.id, birch_staff_id, Role::Carer, false, 4)
        .await
        .expect("new role in Birch");
    store
        .remove_member(birch_org.id, birch_staff_id)
        .await
        .expect("removed from Birch");
    let kept = store
        .membership(partnership.id, birch_staff_id)
        .await
        .expect("read")
        .expect("still in the partnership");
    assert!(kept.is_co_chair);
    assert_eq!(kept.role, Role::Staff);
    // They belong to no partner now, so the co-chairs no longer come from two partners: the
    // partnership's plan waits until that is put right (checked when they decide).
    store
        .create_priority(
            partnership.id,
            &PriorityRecord {
                title: "Tell your story once".into(),
                statements: vec!["FI-I1".into()],
                target: "Shared with agreement".into(),
                why: String::new(),
                review_id: None,
                status: "agreed".into(),
                dropped_reason: String::new(),
            },
            8,
        )
        .await
        .expect("priority");
    let refused = approve(
        app,
        &format!("/manage/organisations/{slug}/plan"),
        &g.expert,
    )
    .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(main_text(&refused).contains("come from two different partners"));

    // A partnership invites one more; a partnership itself is never a partner.
    let itself = app
        .post_as(&invite, "partner=cedar-and-birch", &g.admin)
        .await;
    assert_eq!(itself.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(main_text(&itself).contains("cannot be invited"));
    let twice = app.post_as(&invite, "partner=Birch+Trust", &g.admin).await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(main_text(&twice).contains("already in this partnership"));
    // Rowan is invited and says no: it stays listed as having said no, and is not asked again.
    let asked = app.post_as(&invite, "partner=Rowan+Care", &g.admin).await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.body);
    let no = app
        .post_as(
            &format!("/manage/organisations/{rowan}/partnerships/{slug}/answer"),
            "answer=decline",
            &rowan_admin,
        )
        .await;
    assert_eq!(no.status, StatusCode::SEE_OTHER, "{}", no.body);
    let listed = app
        .get_with_cookie(
            &format!("/manage/organisations/{slug}/partnerships"),
            Some(&g.admin),
        )
        .await;
    assert!(main_text(&listed).contains("Said no"));
    let again = app.post_as(&invite, "partner=Rowan+Care", &g.admin).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(main_text(&again).contains("said no to this partnership"));
    // An organisation nobody could answer for is not invited.
    let rowan_org = store
        .organisation_by_slug(&rowan)
        .await
        .expect("read")
        .expect("there");
    let rowan_admin_id = store
        .person_by_email("rowan.admin@example.org")
        .await
        .expect("read")
        .expect("there")
        .id;
    store
        .remove_member(rowan_org.id, rowan_admin_id)
        .await
        .expect("no administrator left");
    let nobody = app
        .post_as(
            &format!("/manage/organisations/{}/partnerships", g.slug),
            "name=Cedar+Rowan&partner=Rowan+Care",
            &g.admin,
        )
        .await;
    assert_eq!(nobody.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(main_text(&nobody).contains("“Rowan Care” has no administrator on mir yet"));
    // An invitation nobody answered can be withdrawn, by the partnership's administrators.
    let withdraw =
        format!("/manage/organisations/{slug}/partnerships/demo-northgate-peoples-voice/withdraw");
    let early = app.post_as(&withdraw, "", &g.admin).await;
    assert_eq!(early.status, StatusCode::CONFLICT, "nothing waits yet");
    // A name typed with a phone's curly apostrophe finds the organisation all the same.
    let curly = app
        .post_as(
            &invite,
            "partner=Northgate+People%E2%80%99s+Voice+(demonstration)",
            &g.admin,
        )
        .await;
    assert_eq!(curly.status, StatusCode::SEE_OTHER, "{}", curly.body);
    let by_staff = app.post_as(&withdraw, "", &birch_staff).await;
    assert_eq!(by_staff.status, StatusCode::FORBIDDEN);
    let withdrawn = app.post_as(&withdraw, "", &birch_admin).await;
    assert_eq!(
        withdrawn.status,
        StatusCode::SEE_OTHER,
        "{}",
        withdrawn.body
    );
    let partners_now = store.partners(partnership.id).await.expect("partners");
    assert!(
        partners_now
            .iter()
            .all(|p| p.slug != "demo-northgate-peoples-voice")
    );
    // Withdrawing and inviting again is not a way to email an organisation again and again.
    let resent = app
        .post_as(&invite, "partner=demo-northgate-peoples-voice", &g.admin)
        .await;
    assert_eq!(resent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(main_text(&resent).contains("withdrawn less than a week ago"));
}

async fn a_working_group_priority_rolls_up_into_the_board_plan(app: &TestApp) {
    let g = crate::support::group(app, &testing::sign_up("Cedar Support")).await;
    let store = &app.db.store;
    let groups = format!("/manage/organisations/{}/working-groups", g.slug);

    let staff = app
        .post_as(
            &groups,
            "name=Direct+Payments+board&description=Simpler.",
            &g.staff,
        )
        .await;
    assert_eq!(staff.status, StatusCode::FORBIDDEN);
    let empty = app.post_as(&groups, "name=&description=", &g.admin).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(select(&empty.html(), ".error-summary li").len(), 2);
    let named_like_another = app
        .post_as(&groups, "name=Cedar++Support.&description=Ours.", &g.admin)
        .await;
    assert_eq!(named_like_another.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(main_text(&named_like_another).contains("already the name of an organisation"));
    let made = app
        .post_as(
            &groups,
            "name=Direct+Payments+board&description=Making+Direct+Payments+simpler.",
            &g.admin,
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let wg = "direct-payments-board";
    assert_eq!(
        made.header("location"),
        format!("/manage/organisations/{wg}")
    );
    // One level only.
    let nested = app
        .post_as(
            &format!("/manage/organisations/{wg}/working-groups"),
            "name=Sub+group&description=Smaller.",
            &g.admin,
        )
        .await;
    assert_eq!(nested.status, StatusCode::CONFLICT);
    // Its workspace points to its board, never to partnerships it cannot join.
    let home = app
        .get_with_cookie(&format!("/manage/organisations/{wg}"), Some(&g.admin))
        .await;
    assert!(select(&home.html(), "a[href$='/partnerships']").is_empty());

    // The group's own co-chairs (the administrator and an Expert by Experience) publish its
    // priority.
    let group = store
        .organisation_by_slug(wg)
        .await
        .expect("read")
        .expect("there");
    let expert = store
        .person_by_email("expert@example.org")
        .await
        .expect("read")
        .expect("there");
    let admin = store
        .person_by_email("admin@example.org")
        .await
        .expect("read")
        .expect("there");
    store
        .put_member(group.id, admin.id, Role::Admin, true, 1)
        .await
        .expect("co-chair");
    store
        .put_member(group.id, expert.id, Role::ExpertByExperience, true, 1)
        .await
        .expect("co-chair");
    let priority = store
        .create_priority(
            group.id,
            &PriorityRecord {
                title: "Direct Payments explained in plain words".into(),
                statements: vec!["IA-I1".into()],
                target: "A guide in Easy Read".into(),
                why: String::new(),
                review_id: None,
                status: "agreed".into(),
                dropped_reason: String::new(),
            },
            2,
        )
        .await
        .expect("priority");
    store
        .create_action(
            group.id,
            priority,
            &ActionRecord {
                what: "Write the guide with people who use Direct Payments".into(),
                lead: "Support team".into(),
                involved: String::new(),
                due_on: None,
                review_on: None,
                status: "not-started".into(),
            },
            2,
        )
        .await
        .expect("action");
    let wg_plan = format!("/manage/organisations/{wg}/plan");
    assert_eq!(
        approve(app, &wg_plan, &g.admin).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        approve(app, &wg_plan, &g.expert).await.status,
        StatusCode::SEE_OTHER
    );
    let wg_public = app.get(&format!("/organisations/{wg}")).await;
    assert!(main_text(&wg_public).contains("A working group of"));
    assert_eq!(
        select(
            &wg_public.html(),
            &format!(".summary-list a[href='/organisations/{}']", g.slug)
        )
        .len(),
        1
    );
    assert!(main_text(&wg_public).contains("Direct Payments explained in plain words"));
    let feed = app.get(&format!("/organisations/{wg}/feed.atom")).await;
    assert_eq!(feed.status, StatusCode::OK);

    // The board sees it on offer; staff take it in, a carer cannot.
    let offers = app.get_with_cookie(&groups, Some(&g.carer)).await;
    assert!(main_text(&offers).contains("Direct Payments explained in plain words"));
    assert!(select(&offers.html(), "form[action$='/working-groups/take']").is_empty());
    let take = format!("{groups}/take");
    let body = format!("group={wg}&priority={priority}");
    let carer = app.post_as(&take, &body, &g.carer).await;
    assert_eq!(carer.status, StatusCode::FORBIDDEN);
    let taken = app.post_as(&take, &body, &g.staff).await;
    assert_eq!(taken.status, StatusCode::SEE_OTHER, "{}", taken.body);
    let twice = app.post_as(&take, &body, &g.staff).await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    assert!(
        app.mails()
            .await
            .iter()
            .any(|m| m.contains("To: expert@example.org")
                && m.contains("which your working group published")),
        "the working group's co-chairs hear where their work went"
    );
    // The working group sees where its work went.
    let own = app
        .get_with_cookie(
            &format!("/manage/organisations/{wg}/working-groups"),
            Some(&g.expert),
        )
        .await;
    assert!(
        main_text(&own)
            .contains("Direct Payments explained in plain words: Taken into Cedar Support's plan")
    );
    let nothing = app.get_with_cookie(&groups, Some(&g.staff)).await;
    assert!(select(&nothing.html(), "form[action$='/working-groups/take']").is_empty());

    // In the draft under the group's name, with its action; public once both co-chairs approve.
    let board_plan = format!("/manage/organisations/{}/plan", g.slug);
    let draft = app.get_with_cookie(&board_plan, Some(&g.staff)).await;
    assert!(main_text(&draft).contains("From the working group Direct Payments board"));
    assert!(main_text(&draft).contains("Write the guide with people who use Direct Payments"));
    let public = format!("/organisations/{}", g.slug);
    assert!(
        select(&app.get(&public).await.html(), ".from-group").is_empty(),
        "not public before the co-chairs approve"
    );
    assert_eq!(
        approve(app, &board_plan, &g.admin).await.status,
        StatusCode::SEE_OTHER
    );
    // The other co-chair reads who approved, by name as the group sees them.
    let waiting = app.get_with_cookie(&board_plan, Some(&g.expert)).await;
    assert!(
        main_text(&waiting).contains(
            "Approved so far by: A member who has not chosen a name yet (Administrator) on"
        ),
        "{}",
        main_text(&waiting)
    );
    assert_eq!(
        approve(app, &board_plan, &g.expert).await.status,
        StatusCode::SEE_OTHER
    );
    let page = app.get(&public).await;
    let html = page.html();
    let from = select(&html, ".from-group a");
    assert_eq!(from.len(), 1);
    assert_eq!(
        from[0].value().attr("href"),
        Some("/organisations/direct-payments-board")
    );
    assert_eq!(
        select(
            &html,
            ".summary-list a[href='/organisations/direct-payments-board']"
        )
        .len(),
        1,
        "the board's page lists its working groups"
    );
}

/// The demonstration partnership works on FI-I1, as its partner Hillcrest does: "who else is
/// working on this" names others, never its own partners (nor a partner its partnership).
async fn who_else_leaves_out_those_an_organisation_works_with(app: &TestApp) {
    mir_app::demo::load_demo_data(&app.db.store)
        .await
        .expect("demo");
    let names = |page: &TestResponse| -> Vec<String> {
        select(&page.html(), ".who-else li a")
            .iter()
            .map(text)
            .collect()
    };
    let partnership = app
        .get(&format!(
            "/organisations/{}",
            mir_app::demo::DEMO_PARTNERSHIP_SLUG
        ))
        .await;
    let others = names(&partnership);
    assert!(
        others.iter().any(|n| n.starts_with("Oakfield")),
        "{others:?}"
    );
    assert!(
        others
            .iter()
            .all(|n| !n.starts_with("Hillcrest") && !n.starts_with("Riverside Council"))
    );
    let hillcrest = app.get("/organisations/demo-hillcrest-nhs-trust").await;
    assert!(names(&hillcrest).iter().all(|n| !n.contains("Partnership")));
}

both_engines!(
    who_else_leaves_out_those_an_organisation_works_with,
    a_partnership_is_formed_by_two_administrators,
    a_working_group_priority_rolls_up_into_the_board_plan,
);
