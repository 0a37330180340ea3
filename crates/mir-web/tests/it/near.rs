//! Finding who is near (issue 14, point 7), through the real router: a place box that takes a
//! council, a town or a postcode (once the operator has loaded postcodes), the nearest
//! organisations when none work in the place, area pages that list next-door organisations,
//! the map's "find a place" and regional zoom, and plans compared side by side.

use crate::support::{TestApp, select, text};
use axum::http::StatusCode;

async fn demo(app: &TestApp) {
    mir_app::demo::load_demo_data(&app.db.store)
        .await
        .expect("demo");
}

/// Organisation names in a results list (`#results` or `#nearest` lists), in order.
fn listed(page: &crate::support::TestResponse, list: &str) -> Vec<String> {
    select(&page.html(), &format!("{list} + .results h3 a"))
        .iter()
        .map(text)
        .collect()
}

/// A few rows in the ONS Postcode Directory's layout, as the tests make them: two live English
/// postcodes, one in Scotland, one no longer in use and one with no location.
const POSTCODES: &str = "pcd,pcds,dointr,doterm,oslaua,osward,lat,long\n\
TS1  1AA,TS1 1AA,198001,,E06000002,E05009545,54.5742,-1.2350\n\
CB2  1TN,CB2 1TN,198001,,E07000008,E05013050,52.2040,0.1185\n\
EH1  1AA,EH1 1AA,198001,,S12000036,S13002922,55.9527,-3.1890\n\
TS1  9ZZ,TS1 9ZZ,198001,200012,E06000002,E05009545,54.5742,-1.2350\n\
TS9  9ZZ,TS9 9ZZ,198001,,E06000002,E05009545,99.999999,0.000000\n";

async fn places_and_postcodes(app: &TestApp) {
    demo(app).await;
    // A town with nobody signed up: none there, then the nearest, nearest first, each saying
    // where it works and how far.
    let redcar = app.get("/organisations?place=Redcar").await;
    assert_eq!(redcar.status, StatusCode::OK);
    assert!(listed(&redcar, "#results").is_empty());
    let nearest = listed(&redcar, "#nearest");
    // The partnership works where its partners do (decision 0041).
    assert_eq!(
        nearest[..3],
        [
            "Riverside Council (demonstration)",
            "Riverside Health and Care Partnership (demonstration)",
            "Oakfield Home Care (demonstration)"
        ],
        "{nearest:?}"
    );
    assert!(
        redcar
            .body
            .contains("works in Middlesbrough, about 14 km away")
    );
    assert!(
        select(&redcar.html(), "#place")[0].value().attr("value") == Some("Redcar and Cleveland")
    );
    // With a theme: only those with priorities on it.
    let on_theme = app.get("/organisations?place=Redcar&theme=FI").await;
    assert_eq!(
        listed(&on_theme, "#nearest"),
        [
            "Riverside Health and Care Partnership (demonstration)",
            "Oakfield Home Care (demonstration)",
            "Hillcrest Community NHS Trust (demonstration)"
        ]
    );
    // A district inside a county finds its county, and the box then shows which.
    let cambridge = app.get("/organisations?place=cambridge").await;
    assert!(cambridge.body.contains("working in Cambridgeshire"));
    let again = app
        .get("/organisations?place=Cambridge+%28Cambridgeshire%29")
        .await;
    assert!(again.body.contains("working in Cambridgeshire"));
    // Several places: the visitor chooses; each choice is a link that finds it.
    let north = app.get("/organisations?place=North").await;
    let north_html = north.html();
    let choices = select(&north_html, "#choices + ul a");
    assert!(choices.len() > 3, "{}", north.body);
    let first = choices[0]
        .value()
        .attr("href")
        .unwrap_or_default()
        .to_owned();
    assert!(
        app.get(&first)
            .await
            .body
            .contains("organisations working in")
    );
    // Nothing found: said next to the box and in the error summary, with what to do.
    let nowhere = app.get("/organisations?place=Atlantis").await;
    let html = nowhere.html();
    assert!(text(&select(&html, ".error-summary a[href='#place']")[0]).contains("Atlantis"));
    assert!(text(&select(&html, "#place-error")[0]).contains("town or council"));
    assert!(text(&select(&html, "title")[0]).starts_with("Error:"));
    let misspelt = app.get("/organisations?place=Midlesbrough").await;
    assert!(misspelt.body.contains("Did you mean Middlesbrough?"));

    // Postcodes: a clear message until the operator loads them.
    let before = app.get("/organisations?place=ts1+1aa").await;
    assert!(
        before.body.contains("This site cannot look up postcodes"),
        "{}",
        before.body
    );
    let report = mir_app::places::import_postcodes(&app.db.store, POSTCODES.as_bytes(), 1_000)
        .await
        .expect("import");
    assert_eq!(
        (
            report.loaded,
            report.outside_england,
            report.terminated,
            report.no_location
        ),
        (2, 1, 1, 1)
    );
    let home = app.get("/organisations?place=ts1+1aa").await;
    assert_eq!(
        listed(&home, "#results"),
        [
            "Riverside Council (demonstration)",
            "Riverside Health and Care Partnership (demonstration)"
        ]
    );
    assert_eq!(
        listed(&home, "#nearest")[0],
        "Oakfield Home Care (demonstration)"
    );
    assert!(home.body.contains("Nearest to TS1 1AA"));
    let unknown = app.get("/organisations?place=TS1+7ZZ").await;
    assert!(
        unknown
            .body
            .contains("We could not find the postcode TS1 7ZZ")
    );
    let half = app.get("/organisations?place=TS1").await;
    assert!(half.body.contains("Type the whole postcode"));
    // A file that is not the postcode directory changes nothing and says why.
    let wrong = mir_app::places::import_postcodes(&app.db.store, "name,x\nA,1\n".as_bytes(), 2_000)
        .await
        .expect_err("not the directory");
    assert!(wrong.to_string().contains("postcode column"), "{wrong}");
    let nothing_live = mir_app::places::import_postcodes(
        &app.db.store,
        "pcds,oslaua,lat,long\nEH1 1AA,S12000036,55.9,-3.1\n".as_bytes(),
        3_000,
    )
    .await
    .expect_err("nothing in England");
    assert!(nothing_live.to_string().contains("nothing was changed"));
    assert!(
        app.get("/organisations?place=ts1+1aa")
            .await
            .body
            .contains("Nearest to TS1 1AA")
    );
    // One area's file refreshes only its postcodes; the file names those no longer in use.
    let area_file = "pcds,doterm,oslaua,lat,long\nM1 1AE,,E08000003,53.48,-2.23\nCB2 1TN,202404,E07000008,52.20,0.11\n";
    let area = mir_app::places::import_postcodes(&app.db.store, area_file.as_bytes(), 4_000)
        .await
        .expect("an area's file");
    assert_eq!((area.loaded, area.removed), (1, 1));
    assert!(
        app.get("/organisations?place=TS1+1AA")
            .await
            .body
            .contains("Nearest to TS1 1AA")
    );
    assert!(
        app.get("/organisations?place=M1+1AE")
            .await
            .body
            .contains("Nearest to M1 1AE")
    );
    assert!(
        app.get("/organisations?place=CB2+1TN")
            .await
            .body
            .contains("We could not find the postcode CB2 1TN")
    );
    // Very long text is cut to what a place can be before anything reads it (a cache key,
    // a query, the page): the page stays small.
    let long = format!("/organisations?place={}", "a".repeat(20_000));
    let page = app.get(&long).await;
    assert_eq!(page.status, StatusCode::OK);
    let shown = select(&page.html(), "#place")[0]
        .value()
        .attr("value")
        .unwrap_or_default()
        .chars()
        .count();
    assert!(shown <= mir_app::places::MAX_PLACE_CHARS, "{shown}");
    assert!(page.body.len() < 100_000, "{}", page.body.len());
}

async fn areas_next_door_and_the_map(app: &TestApp) {
    demo(app).await;
    // Redcar and Cleveland: nobody there, so its neighbours' organisations are listed.
    let redcar = app.get("/areas/E06000003").await;
    assert_eq!(
        listed(&redcar, "#next-door"),
        [
            "Riverside Council (demonstration)",
            "Riverside Health and Care Partnership (demonstration)",
            "Oakfield Home Care (demonstration)"
        ]
    );
    // Cambridgeshire: nobody there or next door, so the nearest further away.
    let cambs = app.get("/areas/E10000003").await;
    assert!(listed(&cambs, "#next-door").is_empty());
    let nearest = listed(&cambs, "#nearest");
    assert_eq!(nearest[0], "Brookside Housing Association (demonstration)");
    assert_eq!(nearest.len(), 5);
    // The map finds a place and goes to its council's page.
    let leeds = app.get("/map?place=leeds").await;
    assert_eq!(leeds.status, StatusCode::SEE_OTHER);
    assert_eq!(
        leeds.headers.get("location").and_then(|l| l.to_str().ok()),
        Some("/areas/E08000035")
    );
    let nowhere = app.get("/map?place=Atlantis").await;
    assert_eq!(nowhere.status, StatusCode::OK);
    assert!(text(&select(&nowhere.html(), "#place-error")[0]).contains("Atlantis"));
    // A region zoomed: only its councils, on the map and in the table, framed to fit.
    let north_east = app.get("/map?region=E12000001").await;
    let html = north_east.html();
    assert_eq!(select(&html, "svg.national-map a").len(), 12);
    assert_eq!(
        select(&html, "#numbers + .table-wrapper tbody tr").len(),
        12
    );
    let view_box = select(&html, "svg.national-map")[0]
        .value()
        .attr("viewBox")
        .unwrap_or_default()
        .to_owned();
    let width: i64 = view_box
        .split(' ')
        .nth(2)
        .and_then(|w| w.parse().ok())
        .unwrap_or(0);
    assert!((50..300).contains(&width), "{view_box}");
    // Every council names itself on hover (a tooltip), as well as to screen readers.
    assert_eq!(select(&html, "svg.national-map a > title").len(), 12);
}

async fn comparing_plans(app: &TestApp) {
    demo(app).await;
    let pair = app
        .get("/compare?org=demo-riverside-council&org=demo-oakfield-home-care")
        .await;
    assert_eq!(pair.status, StatusCode::OK);
    let html = pair.html();
    let cards: Vec<String> = select(&html, ".compare-card h2").iter().map(text).collect();
    assert_eq!(
        cards,
        [
            "Riverside Council (demonstration)",
            "Oakfield Home Care (demonstration)"
        ]
    );
    // What both have priorities on, in the statements' words.
    let common: Vec<String> = select(&html, "#in-common + ul li")
        .iter()
        .map(text)
        .collect();
    assert!(common.iter().any(|s| s.contains("(WB-I1)")), "{common:?}");
    assert!(common.iter().all(|s| !s.starts_with("WB-")), "{common:?}");
    // Only someone who can answer is offered a message: Riverside's group can, Oakfield has
    // nobody on mir yet.
    assert_eq!(
        select(&html, ".compare-card a[href$='/contact']").len(),
        1,
        "{}",
        pair.body
    );
    assert!(
        pair.body
            .contains("Oakfield Home Care (demonstration) cannot receive messages")
    );
    // Theme by theme, nothing ranked.
    assert!(select(&html, "#by-theme ~ h3").len() >= 2);
    assert!(!pair.body.to_lowercase().contains("score"));
    // One plan: others working on the same statements are offered to compare with.
    let one = app.get("/compare?org=demo-oakfield-home-care").await;
    let offered: Vec<String> = select(&one.html(), ".results a")
        .iter()
        .filter_map(|a| a.value().attr("href").map(str::to_owned))
        .collect();
    assert!(
        offered
            .iter()
            .any(|h| h.contains("org=demo-oakfield-home-care") && h.contains("org=demo-")),
        "{offered:?}"
    );
    // Unknown, repeated and odd addresses are left out and said so, never an error.
    let odd = app
        .get("/compare?org=nobody-here&org=demo-riverside-council&org=demo-riverside-council&org=%3Cb%3E")
        .await;
    assert_eq!(odd.status, StatusCode::OK);
    assert!(
        odd.body
            .contains("One of the plans asked for is not public")
    );
    assert!(!odd.body.contains("<b>"));
    assert_eq!(app.get("/compare").await.status, StatusCode::OK);
    // Four asked for: three fit, and the page says one was left out.
    let four = app
        .get("/compare?org=demo-riverside-council&org=demo-oakfield-home-care&org=demo-hillcrest-nhs-trust&org=demo-northgate-peoples-voice")
        .await;
    assert_eq!(select(&four.html(), ".compare-card h2").len(), 3);
    assert!(four.body.contains("one was left out"));
    assert!(
        pair.body
            .contains("Statements they both have priorities on")
    );
    // Search for a town points to the directory near it.
    let town = app.get("/search?q=Redcar").await;
    let link = select(&town.html(), "#near-place a")[0]
        .value()
        .attr("href")
        .unwrap_or_default()
        .to_owned();
    assert_eq!(link, "/organisations?place=Redcar#results");
    // The directory offers the comparison: a tick box on each published plan.
    let directory = app.get("/organisations?plan=yes").await;
    assert!(
        select(
            &directory.html(),
            "form[action='/compare'] input[name='org']"
        )
        .len()
            >= 2
    );
    // The public plan of an organisation nobody can answer for offers no message form.
    let oakfield = app.get("/organisations/demo-oakfield-home-care").await;
    assert!(
        !oakfield
            .body
            .contains("/organisations/demo-oakfield-home-care/contact")
    );
    assert!(
        oakfield
            .body
            .contains("cannot receive messages through this site yet")
    );
    let riverside = app.get("/organisations/demo-riverside-council").await;
    assert!(
        riverside
            .body
            .contains("/organisations/demo-riverside-council/contact")
    );
}

both_engines!(
    places_and_postcodes,
    areas_next_door_and_the_map,
    comparing_plans
);
