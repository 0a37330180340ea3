//! Several `mir serve` processes on one PostgreSQL database, as a load balancer would use them
//! (issue 16, point 4): a person signed in through one is signed in through the other, rate
//! limits count across both, each background job and each email happens once, and a change
//! made through one is on the other's kept pages within a second (decision 0031).

mod support;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use support::{Server, Visitor, form_token, mir, postgres_db, run_sql, serve_command, status_of};

const PASSWORD: &str = "making it real demo";
const METRICS_TOKEN: &str = "metrics-token-for-tests";
const PLAN: &str = "/organisations/demo-riverside-council";

/// Every email in the mail folder as (To, Subject).
fn mail_in(dir: &std::path::Path) -> Vec<(String, String)> {
    let mut mail = Vec::new();
    for entry in std::fs::read_dir(dir).expect("mail folder").flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        let header = |name: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(name))
                .unwrap_or_default()
                .trim()
                .to_owned()
        };
        mail.push((header("To:"), header("Subject:")));
    }
    mail
}

/// Waits until `ready` holds for the mail folder (at most 20 s), then 2 s more so that a
/// second server's duplicate would have arrived too.
fn settled_mail(
    dir: &std::path::Path,
    ready: impl Fn(&[(String, String)]) -> bool,
) -> Vec<(String, String)> {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !ready(&mail_in(dir)) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_secs(2));
    mail_in(dir)
}

fn duplicates(mail: &[(String, String)]) -> Vec<(&(String, String), usize)> {
    let mut counts: HashMap<&(String, String), usize> = HashMap::new();
    for email in mail {
        *counts.entry(email).or_default() += 1;
    }
    counts.into_iter().filter(|(_, n)| *n > 1).collect()
}

/// A metric's value from a server's `/metrics` (0 if it has not been counted yet).
fn metric(server: &Server, name: &str) -> f64 {
    let mut stream = std::net::TcpStream::connect(&server.addr).expect("connect");
    use std::io::{Read, Write};
    write!(
        stream,
        "GET /metrics HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {METRICS_TOKEN}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut text = String::new();
    stream.read_to_string(&mut text).expect("read");
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    text.lines()
        .filter(|l| l.starts_with(name))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

#[test]
fn two_servers_on_one_postgres_share_sign_in_limits_jobs_mail_and_changes() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let Some(db) = postgres_db(&runtime) else {
        return;
    };
    let url = db.url.expose().to_owned();
    let demo = mir()
        .args(["demo", "--database", &url])
        .output()
        .expect("run");
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    // The weekly digest tells people about updates published in the last week: date the
    // demonstration's updates an hour ago, so there is a digest to send whatever today is.
    run_sql(
        &url,
        &format!(
            "UPDATE progress_updates SET published_at = {} WHERE published_at IS NOT NULL",
            mir_store::now() - 3600
        ),
    );
    let mail_dir = tempfile::tempdir().expect("mail folder");
    let start = || {
        let mut command = serve_command(&url);
        command
            .args(["--mail-dir"])
            .arg(mail_dir.path())
            .args(["--metrics-token", METRICS_TOKEN]);
        Server::launch(command)
    };
    // Both start at the same moment, so both run the background jobs at once.
    let (first, second) = (start(), start());
    let (a, b) = (first.ready(), second.ready());

    // Each job runs once: the demonstration's weekly digests reach each person once.
    let digests = |mail: &[(String, String)]| {
        mail.iter()
            .filter(|(_, subject)| subject.contains("this week"))
            .count()
    };
    let mail = settled_mail(mail_dir.path(), |mail| digests(mail) > 0);
    assert!(digests(&mail) >= 5, "digests were sent: {mail:?}");
    assert_eq!(duplicates(&mail), vec![], "no email twice");

    // Signed in through one server, signed in through the other.
    let mut sam = Visitor::new("127.0.0.1");
    sam.sign_in(&a.addr, "sam.admin@demo.example.org", PASSWORD);
    assert_eq!(status_of(&sam.get(&b.addr, "/account")), 200);
    assert_eq!(
        status_of(&Visitor::new("127.0.0.1").get(&b.addr, "/account")),
        303,
        "a visitor without the session is sent to sign in"
    );

    // A change through the first server is on the second's kept page within a second.
    let mut reader = Visitor::new("127.0.0.1");
    let before = reader.get(&b.addr, PLAN);
    assert_eq!(status_of(&before), 200);
    let hits = metric(&b, "mir_page_cache_hits_total");
    reader.get(&b.addr, PLAN);
    assert!(
        metric(&b, "mir_page_cache_hits_total") > hits,
        "the second server keeps the page"
    );
    let details = "/manage/organisations/demo-riverside-council/details";
    let token = form_token(&sam.get(&a.addr, details));
    let words = format!("Changed through the first server at {}", std::process::id());
    let saved = sam.post(
        &a.addr,
        details,
        &format!(
            "csrf_token={token}&description={}&website=&commitment=We+work+with+the+people+who+use+our+services.",
            words.replace(' ', "+")
        ),
    );
    assert_eq!(status_of(&saved), 303, "{saved}");
    let changed = Instant::now();
    while !reader.get(&b.addr, PLAN).contains(&words) {
        assert!(
            changed.elapsed() < Duration::from_secs(1),
            "the second server still shows the old page after a second"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let seen_after = changed.elapsed();
    eprintln!("the change was seen through the other server after {seen_after:?}");

    // Rate limits count across both: 30 wrong passwords per client address in 15 minutes,
    // 15 through each server, then the next is refused by either.
    let mut attacker = Visitor::new("127.0.0.3");
    for n in 0..30 {
        let server = if n % 2 == 0 { &a.addr } else { &b.addr };
        let token = form_token(&attacker.get(server, "/sign-in"));
        let answer = attacker.post(
            server,
            "/sign-in",
            &format!("csrf_token={token}&email=someone{n}%40example.org&password=wrong"),
        );
        assert_eq!(status_of(&answer), 422, "attempt {n}: {answer}");
    }
    for server in [&a.addr, &b.addr] {
        let token = form_token(&attacker.get(server, "/sign-in"));
        let answer = attacker.post(
            server,
            "/sign-in",
            &format!("csrf_token={token}&email=one-more%40example.org&password=wrong"),
        );
        assert_eq!(status_of(&answer), 429, "{answer}");
    }

    // Each email once: sign-in links asked for through both servers, sent by whichever
    // server's outbox worker claims each first.
    let people = [
        "alex.expert",
        "priya.staff",
        "jo.carer",
        "kit.carer",
        "robin.expert",
        "lee.expert",
    ];
    let mut visitor = Visitor::new("127.0.0.4");
    for (n, person) in people.iter().enumerate() {
        let server = if n % 2 == 0 { &a.addr } else { &b.addr };
        let token = form_token(&visitor.get(server, "/sign-in"));
        let answer = visitor.post(
            server,
            "/sign-in/email-link",
            &format!("csrf_token={token}&link_email={person}%40demo.example.org"),
        );
        assert_eq!(status_of(&answer), 303, "{answer}");
    }
    let links = |mail: &[(String, String)]| {
        mail.iter()
            .filter(|(to, subject)| {
                subject.contains("sign in") && people.iter().any(|p| to.starts_with(p))
            })
            .count()
    };
    let mail = settled_mail(mail_dir.path(), |mail| links(mail) >= people.len());
    assert_eq!(links(&mail), people.len(), "{mail:?}");
    assert_eq!(duplicates(&mail), vec![], "no email twice");

    for server in [a, b] {
        let (code, _) = server.terminate();
        assert_eq!(code, Some(0));
    }
    runtime.block_on(db.cleanup());
}

/// An open live board's stream: the events as they arrive, read on a thread.
fn live_events(addr: &str, path: &str) -> std::sync::mpsc::Receiver<(Instant, String)> {
    use std::io::{BufRead, BufReader, Write};
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n"
    )
    .expect("send");
    let (sender, events) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if let Some(data) = line.strip_prefix("data: ")
                && sender.send((Instant::now(), data.to_owned())).is_err()
            {
                break;
            }
        }
    });
    events
}

/// Two servers on one database: a card written through one reaches a board open on the other
/// within a second, and a server with boards open still stops at once when asked.
fn live_board_follows_a_card_written_through_another_server(url: &str) {
    let demo = mir()
        .args(["demo", "--database", url])
        .output()
        .expect("run");
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    let (first, second) = (
        Server::launch(serve_command(url)),
        Server::launch(serve_command(url)),
    );
    let (a, b) = (first.ready(), second.ready());
    let board = live_events(&a.addr, "/live/RVS234/events");
    let (_, first_version) = board
        .recv_timeout(Duration::from_secs(10))
        .expect("the stream says where the board is at once");

    let mut kim = Visitor::new("127.0.0.1");
    let page = kim.get(&b.addr, "/live/RVS234");
    assert_eq!(status_of(&page), 200, "{page}");
    let joined = kim.post(
        &b.addr,
        "/live/RVS234/join",
        &format!(
            "csrf_token={}&perspective=person&name=Kim",
            form_token(&page)
        ),
    );
    assert_eq!(status_of(&joined), 303, "{joined}");
    let posted_at = Instant::now();
    let card = kim.post(
        &b.addr,
        "/live/RVS234/cards",
        &format!("csrf_token={}&kind=idea&text=Step-free+routes", kim.csrf()),
    );
    assert_eq!(status_of(&card), 303, "{card}");
    let (arrived, version) = board
        .recv_timeout(Duration::from_secs(5))
        .expect("the other server's board hears of the card");
    let waited = arrived.saturating_duration_since(posted_at);
    assert_ne!(version, first_version);
    assert!(
        waited < Duration::from_secs(1),
        "the card reached the other server's board after {waited:?}"
    );
    // The board then fetches itself from its own server: the card is there.
    assert!(
        kim.get(&a.addr, "/live/RVS234")
            .contains("Step-free routes")
    );

    // Stopping with a board open: the stream is ended, the server does not wait for it.
    let asked = Instant::now();
    let (code, _) = a.terminate();
    assert_eq!(code, Some(0));
    assert!(
        asked.elapsed() < Duration::from_secs(5),
        "stopped in {:?}",
        asked.elapsed()
    );
    drop(b);
}

#[test]
fn live_boards_follow_cards_across_two_servers_on_postgres() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let Some(db) = postgres_db(&runtime) else {
        return;
    };
    live_board_follows_a_card_written_through_another_server(db.url.expose());
}

#[test]
fn live_boards_follow_cards_across_two_servers_on_one_sqlite_file() {
    let dir = tempfile::tempdir().expect("dir");
    live_board_follows_a_card_written_through_another_server(&support::sqlite_url(&dir, "live.db"));
}
