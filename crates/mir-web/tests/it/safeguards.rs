//! Partnership safeguards and names (issue 14): people are shown by the names they chose, not
//! their email addresses; taking the co-chair role from someone needs a second person; removing
//! a member and closing a review each have a page saying what will happen, tell the people
//! affected, and can be undone for a while.

use crate::support::{TestApp, select, text};
use axum::http::StatusCode;
use mir_store::PeopleRepo;

async fn id_of(app: &TestApp, who: &str) -> i64 {
    app.db
        .store
        .person_by_email(&format!("{who}@example.org"))
        .await
        .expect("get")
        .expect("person")
        .id
}

async fn names_and_safeguards(app: &TestApp) {
    let g = crate::support::group(app, &mir_store::testing::sign_up("Cedar Support")).await;
    let base = format!("/manage/organisations/{}", g.slug);

    // Names: a bad name is refused next to its field, with what was typed kept.
    let bad = app
        .post_as(
            "/account/name",
            "display_name=see+www.example.org&pronouns=she%2Fher",
            &g.expert,
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = bad.html();
    assert_eq!(
        select(&html, ".error-summary a")[0].value().attr("href"),
        Some("#display_name")
    );
    assert_eq!(
        select(&html, "#pronouns")[0].value().attr("value"),
        Some("she/her")
    );
    let named = app
        .post_as(
            "/account/name",
            "display_name=Alex&pronouns=they%2Fthem&name_public=yes",
            &g.expert,
        )
        .await;
    assert_eq!(named.status, StatusCode::SEE_OTHER);
    app.post_as("/account/name", "display_name=Sam", &g.admin)
        .await;
    // Other members see names, never addresses; administrators see addresses too.
    let carer_view = app.get_with_cookie(&base, Some(&g.carer)).await;
    assert!(carer_view.body.contains("Alex (they/them)"));
    assert!(
        carer_view.body.contains(
            "Co-chairs: Alex (they/them) (Expert by Experience) and Sam (Administrator)."
        )
    );
    assert!(!carer_view.body.contains("expert@example.org"));
    assert!(!carer_view.body.contains("admin@example.org"));
    let admin_view = app.get_with_cookie(&base, Some(&g.admin)).await;
    assert!(admin_view.body.contains("expert@example.org"));

    // Taking the co-chair role from the Expert by Experience: a page first, then a request that
    // waits; the administrator cannot agree to their own request.
    let expert = id_of(app, "expert").await;
    let page = app
        .get_with_cookie(&format!("{base}/members/{expert}/co-chair"), Some(&g.admin))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("Ask for Alex (they/them) to stop being a co-chair?")
    );
    let before = app.mails().await.len();
    let asked = app
        .post_as(
            &format!("{base}/members/{expert}/co-chair"),
            "co_chair=no",
            &g.admin,
        )
        .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER);
    let mails = app.mails().await;
    let to_expert: Vec<&String> = mails[before..]
        .iter()
        .filter(|m| m.contains("To: expert@example.org"))
        .collect();
    assert_eq!(to_expert.len(), 1, "the co-chair is asked");
    assert!(
        to_expert[0].contains("Sam asked that you stop being a co-chair"),
        "{}",
        to_expert[0]
    );
    let still = app.get_with_cookie(&base, Some(&g.carer)).await;
    assert!(
        still
            .body
            .contains("Co-chairs: Alex (they/them) (Expert by Experience) and Sam"),
        "nothing changed yet"
    );
    // The co-chair says no: nothing changes, and the administrator is told.
    let expert_ws = app.get_with_cookie(&base, Some(&g.expert)).await;
    let decline = select(
        &expert_ws.html(),
        "#co-chair-requests form[action$='/decline']",
    )[0]
    .value()
    .attr("action")
    .expect("decline")
    .to_owned();
    let declined = app.post_as(&decline, "", &g.expert).await;
    assert_eq!(declined.status, StatusCode::SEE_OTHER);
    let mails = app.mails().await;
    assert!(
        mails
            .iter()
            .any(|m| m.contains("To: admin@example.org") && m.contains("Alex (they/them) said no"))
    );
    assert!(
        app.get_with_cookie(&base, Some(&g.carer))
            .await
            .body
            .contains("Co-chairs: Alex (they/them) (Expert by Experience) and Sam"),
        "still co-chair"
    );
    // A co-chair may step down themself, with no one else's agreement.
    let stepped = app
        .post_as(
            &format!("{base}/members/{expert}/co-chair"),
            "co_chair=no",
            &g.expert,
        )
        .await;
    assert_eq!(stepped.status, StatusCode::SEE_OTHER);
    assert!(
        app.get_with_cookie(&base, Some(&g.carer))
            .await
            .body
            .contains("Co-chairs: Sam (Administrator).")
    );

    // Removing a member: the page says what happens; they are told; they can be added back.
    let carer = id_of(app, "carer").await;
    let page = app
        .get_with_cookie(&format!("{base}/members/{carer}/remove"), Some(&g.admin))
        .await;
    assert!(page.body.contains("You can add them back for 14 days"));
    let removed = app
        .post_as(&format!("{base}/members/{carer}/remove"), "", &g.admin)
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get_with_cookie(&base, Some(&g.carer)).await.status,
        StatusCode::NOT_FOUND
    );
    let mails = app.mails().await;
    assert!(
        mails
            .iter()
            .any(|m| m.contains("To: carer@example.org") && m.contains("Sam removed you"))
    );
    let admin_ws = app.get_with_cookie(&base, Some(&g.admin)).await;
    assert_eq!(
        select(&admin_ws.html(), "form[action$='/add-back']").len(),
        1
    );
    let back = app
        .post_as(&format!("{base}/members/{carer}/add-back"), "", &g.admin)
        .await;
    assert_eq!(back.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get_with_cookie(&base, Some(&g.carer)).await.status,
        StatusCode::OK
    );
    let twice = app
        .post_as(&format!("{base}/members/{carer}/add-back"), "", &g.admin)
        .await;
    assert_eq!(
        twice.status,
        StatusCode::CONFLICT,
        "once back, nothing to undo"
    );

    // Closing a review: the page names who has not given views; members are told; it can be
    // opened again.
    let opened = app
        .post_as(
            &format!("{base}/reviews"),
            "title=Spring&scope=all",
            &g.admin,
        )
        .await;
    let review = opened.header("location").to_owned();
    app.post_as(
        &format!("{review}/statements/WB-I1"),
        "level-WB-I1=real",
        &g.staff,
    )
    .await;
    let close = app
        .get_with_cookie(&format!("{review}/close"), Some(&g.admin))
        .await;
    assert_eq!(close.status, StatusCode::OK);
    let not_yet: Vec<String> = select(&close.html(), "#not-yet li")
        .iter()
        .map(text)
        .collect();
    assert_eq!(
        not_yet.len(),
        3,
        "everyone but the member of staff: {not_yet:?}"
    );
    assert!(not_yet.iter().any(|n| n == "Alex (they/them)"));
    assert_eq!(
        app.get_with_cookie(&format!("{review}/close"), Some(&g.carer))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let before = app.mails().await.len();
    let closed = app.post_as(&format!("{review}/close"), "", &g.admin).await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER);
    let mails = app.mails().await;
    let told = mails[before..]
        .iter()
        .filter(|m| m.contains("is closed"))
        .count();
    assert_eq!(told, 3, "every other member is told");
    let reopened = app.post_as(&format!("{review}/reopen"), "", &g.admin).await;
    assert_eq!(reopened.status, StatusCode::SEE_OTHER);
    let page = app.get_with_cookie(&review, Some(&g.carer)).await;
    assert!(
        select(&page.html(), ".tag--green")
            .iter()
            .any(|t| text(t) == "Open")
    );
}

/// Invitations can be sent again (a new link; the old one stops working) and cancelled, and
/// the email says who invited them and what Making it Real is.
async fn invitations_can_be_sent_again_and_cancelled(app: &TestApp) {
    let g = crate::support::group(app, &mir_store::testing::sign_up("Cedar Support")).await;
    let base = format!("/manage/organisations/{}", g.slug);
    app.post_as("/account/name", "display_name=Sam", &g.admin)
        .await;
    let invited = app
        .post_as(
            &format!("{base}/invite"),
            "email=new%40example.org&role=carer",
            &g.admin,
        )
        .await;
    assert_eq!(invited.status, StatusCode::SEE_OTHER);
    let first = app
        .mails()
        .await
        .into_iter()
        .rev()
        .find(|m| m.contains("To: new@example.org"))
        .expect("invited");
    assert!(
        first.contains("Sam invites you to join the Making it Real group of Cedar Support"),
        "{first}"
    );
    assert!(first.contains("Making it Real is a set of short statements"));
    let link_of = |mail: &str| {
        let at = mail.find("/invitations/").expect("link");
        mail[at..at + "/invitations/".len() + 64].to_owned()
    };
    let old_link = link_of(&first);
    let ws = app.get_with_cookie(&base, Some(&g.admin)).await;
    let resend = select(&ws.html(), "#invitations form[action$='/resend']")[0]
        .value()
        .attr("action")
        .expect("resend")
        .to_owned();
    assert_eq!(
        app.post_as(&resend, "", &g.carer).await.status,
        StatusCode::FORBIDDEN,
        "administrators only"
    );
    let again = app.post_as(&resend, "", &g.admin).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    let second = app
        .mails()
        .await
        .into_iter()
        .rev()
        .find(|m| m.contains("To: new@example.org"))
        .expect("again");
    let new_link = link_of(&second);
    assert_ne!(old_link, new_link);
    assert_eq!(
        app.get(&old_link).await.status,
        StatusCode::BAD_REQUEST,
        "the old link stops"
    );
    assert_eq!(app.get(&new_link).await.status, StatusCode::OK);
    let cancel = resend.replace("/resend", "/cancel");
    assert_eq!(
        app.post_as(&cancel, "", &g.admin).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.get(&new_link).await.status,
        StatusCode::BAD_REQUEST,
        "cancelled"
    );
    assert_eq!(
        app.post_as(&cancel, "", &g.admin).await.status,
        StatusCode::NOT_FOUND,
        "nothing left to cancel"
    );
}

/// The gap found by the attack (decision 0024): one administrator invites a second account of
/// their own as administrator and co-chair, to be "the second person" who agrees to taking the
/// Expert by Experience's role away. The group is emailed when the new administrator joins,
/// and for a week the newcomer can neither ask for nor agree to a co-chair change.
async fn a_second_account_cannot_be_the_second_person(app: &TestApp) {
    let g = crate::support::group(app, &mir_store::testing::sign_up("Cedar Support")).await;
    let base = format!("/manage/organisations/{}", g.slug);
    let admin = id_of(app, "admin").await;
    let expert = id_of(app, "expert").await;
    // The administrator steps down as co-chair (alone, as anyone may), making room.
    let stepped = app
        .post_as(
            &format!("{base}/members/{admin}/co-chair"),
            "co_chair=no",
            &g.admin,
        )
        .await;
    assert_eq!(stepped.status, StatusCode::SEE_OTHER);
    let invited = app
        .post_as(
            &format!("{base}/invite"),
            "email=other.me%40example.org&role=admin&co_chair=yes",
            &g.admin,
        )
        .await;
    assert_eq!(invited.status, StatusCode::SEE_OTHER);
    let before = app.mails().await.len();
    let second = crate::members::accept_newest(app).await;
    let told: Vec<String> = app.mails().await[before..]
        .iter()
        .filter(|m| m.contains("A new administrator in Cedar Support"))
        .cloned()
        .collect();
    for who in ["expert", "carer", "staff", "admin"] {
        assert!(
            told.iter()
                .any(|m| m.contains(&format!("To: {who}@example.org"))),
            "{who} is told a new administrator joined"
        );
    }
    assert!(!told.iter().any(|m| m.contains("To: other.me@example.org")));
    // The second account cannot ask…
    let too_new = app
        .post_as(
            &format!("{base}/members/{expert}/co-chair"),
            "co_chair=no",
            &second,
        )
        .await;
    assert_eq!(too_new.status, StatusCode::CONFLICT);
    assert!(too_new.body.contains("less than 7 days ago"));
    // …and when the first account asks, the second cannot agree, and is told when it could.
    let asked = app
        .post_as(
            &format!("{base}/members/{expert}/co-chair"),
            "co_chair=no",
            &g.admin,
        )
        .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER);
    let ws = app.get_with_cookie(&base, Some(&second)).await;
    let html = ws.html();
    assert!(
        select(&html, "#co-chair-requests form[action$='/agree']").is_empty(),
        "no agree button for a co-chair of less than a week"
    );
    assert!(
        ws.body
            .contains("You became a co-chair less than a week ago")
    );
    let request = select(&html, "#co-chair-requests form[action$='/decline']")[0]
        .value()
        .attr("action")
        .expect("decline")
        .replace("/decline", "/agree");
    assert_eq!(
        app.post_as(&request, "", &second).await.status,
        StatusCode::FORBIDDEN
    );
    let still_co_chair = || async {
        use mir_store::MemberRepo;
        let org = app
            .db
            .store
            .organisation_by_slug(&g.slug)
            .await
            .expect("get")
            .expect("org");
        app.db
            .store
            .members(org.id)
            .await
            .expect("members")
            .iter()
            .any(|m| m.person_id == expert && m.is_co_chair)
    };
    assert!(still_co_chair().await, "nothing changed");
    // Handing administration to the second account tells the whole group.
    let other = id_of(app, "other.me").await;
    let before = app.mails().await.len();
    let handed = app
        .post_as(
            &format!("{base}/transfer"),
            &format!("to={other}"),
            &g.admin,
        )
        .await;
    assert_eq!(handed.status, StatusCode::SEE_OTHER);
    let told = app.mails().await[before..]
        .iter()
        .filter(|m| m.contains("A new administrator in Cedar Support"))
        .count();
    assert!(told >= 4, "everyone else is told: {told}");
    // The co-chair it is about may still agree at once: it is their own role.
    let own = app.post_as(&request, "", &g.expert).await;
    assert_eq!(own.status, StatusCode::SEE_OTHER);
    assert!(!still_co_chair().await, "they agreed to step down");

    // An older invitation cannot take a co-chair role away: invited as an Expert by Experience
    // and co-chair, then again as staff, the person who accepts both stays co-chair and expert.
    for body in [
        "email=twice%40example.org&role=expert&co_chair=yes",
        "email=twice%40example.org&role=staff",
    ] {
        // The second account is the administrator now.
        let sent = app.post_as(&format!("{base}/invite"), body, &second).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{body}");
    }
    let invitations: Vec<String> = app
        .mails()
        .await
        .into_iter()
        .filter(|m| m.contains("To: twice@example.org") && m.contains("/invitations/"))
        .collect();
    assert_eq!(invitations.len(), 2);
    // The co-chair invitation first, then the older-looking staff one (mails written in the
    // same second have no order of their own).
    let mut ordered = invitations.clone();
    ordered.sort_by_key(|m| !m.contains(", co-chair."));
    for mail in &ordered {
        crate::members::accept_link(app, mail).await;
    }
    let twice = id_of(app, "twice").await;
    let org = {
        use mir_store::MemberRepo;
        app.db
            .store
            .organisation_by_slug(&g.slug)
            .await
            .expect("get")
            .expect("org")
            .id
    };
    let me = {
        use mir_store::MemberRepo;
        app.db
            .store
            .members(org)
            .await
            .expect("members")
            .into_iter()
            .find(|m| m.person_id == twice)
            .expect("a member")
    };
    assert!(me.is_co_chair, "still co-chair");
    assert_eq!(me.role, mir_domain::organisation::Role::ExpertByExperience);
}

/// An organisation's administrators say who it is and where it works after signing up; the
/// public page, the directory and search follow (issue 14, point 9).
async fn an_organisation_says_who_it_is_and_where_it_works(app: &TestApp) {
    let g = crate::support::group(app, &mir_store::testing::sign_up("Cedar Support")).await;
    let base = format!("/manage/organisations/{}", g.slug);
    // Problems are said by their field; nothing typed is lost.
    let wrong = app
        .post_as(
            &format!("{base}/details"),
            "description=We+support+carers+in+Leeds&website=not+a+site&commitment=",
            &g.admin,
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = wrong.html();
    assert_eq!(
        select(&html, ".error-summary li").len(),
        2,
        "{}",
        wrong.body
    );
    assert!(wrong.body.contains("We support carers in Leeds"), "kept");
    let saved = app
        .post_as(
            &format!("{base}/details"),
            "description=We+support+carers+in+Leeds&website=cedar.example.org&commitment=We+listen+first",
            &g.admin,
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let public = app.get(&format!("/organisations/{}", g.slug)).await;
    assert!(public.body.contains("We support carers in Leeds"));
    assert!(public.body.contains("https://cedar.example.org"));

    // Places: the sign-up gave one area; add Leeds, refuse it twice, remove the first, and
    // never the last.
    let places = format!("{base}/places");
    let page = app.get_with_cookie(&places, Some(&g.admin)).await;
    assert_eq!(page.status, StatusCode::OK);
    let first: Vec<String> = select(&page.html(), ".added-list li")
        .iter()
        .map(text)
        .collect();
    assert_eq!(first.len(), 1, "{first:?}");
    let first_code = mir_store::testing::sign_up("Cedar Support").areas[0].clone();
    assert!(
        select(
            &page.html(),
            &format!("select#area option[value='{first_code}']")
        )
        .is_empty(),
        "an area already served is not offered again"
    );
    assert!(
        page.body.contains("must serve at least one council area"),
        "why there is no Remove"
    );
    assert_eq!(
        app.post_as(&places, "area=E08000035", &g.carer)
            .await
            .status,
        StatusCode::FORBIDDEN,
        "administrators only"
    );
    let added = app.post_as(&places, "area=E08000035", &g.admin).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    let told = app.get_with_cookie(&places, Some(&g.admin)).await;
    assert!(
        told.body.contains("Leeds is added."),
        "the banner says which"
    );
    let twice = app.post_as(&places, "area=E08000035", &g.admin).await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(twice.body.contains("Leeds is already in your list"));
    let removed = app
        .post_as(&places, &format!("area=&remove={first_code}"), &g.admin)
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    let last = app
        .post_as(&places, "area=&remove=E08000035", &g.admin)
        .await;
    assert_eq!(last.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(last.body.contains("at least one council area"));
    // The directory and search know at once; the change is in the group's history.
    let leeds = app.get("/organisations?area=E08000035").await;
    assert!(leeds.body.contains("Cedar Support"));
    let search = app.get("/search?q=Leeds").await;
    assert!(search.body.contains("Cedar Support"), "{}", search.body);
    let ws = app.get_with_cookie(&base, Some(&g.admin)).await;
    assert!(ws.body.contains("Added Leeds to the council areas served"));
}

both_engines!(
    an_organisation_says_who_it_is_and_where_it_works,
    names_and_safeguards,
    invitations_can_be_sent_again_and_cancelled,
    a_second_account_cannot_be_the_second_person
);
