//! The kill -9 drill (issue 16, point 3): real write traffic at a real `mir serve` (progress
//! updates, views in a review, organisations signing up, plan changes approved by both
//! co-chairs and published), the server killed with SIGKILL at a random moment, again and
//! again. After every kill the database is read directly: every write the server acknowledged
//! must be there (0 lost), and nothing may be half-done (0 torn): each published version whole
//! and numbered without gaps, each organisation with its places and its first member.
//!
//! `MIR_DRILL_KILLS` sets the kills per engine (20 by default); `scripts/crash-drill` runs more.
//! The figures are printed at the end (`cargo test --test crash_drill -- --nocapture`).

mod support;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sqlx::Row;
use support::{Server, Visitor, mir, postgres_db, serve_command, sqlite_url, status_of};

const PASSWORD: &str = "making it real demo";
const GROUP: &str = "demo-riverside-council";
/// One writer per kind of write: updates, views, sign-ups, publications.
const WRITERS: usize = 4;
/// How long a cycle waits for its writers to sign in before the kill is timed anyway.
const SIGN_IN_WAIT: Duration = Duration::from_secs(30);

/// What the server acknowledged, kept by the test. For a value that is overwritten (a view, a
/// priority's target) the database may hold the last acknowledged value or one sent after it
/// that was in flight when the server died; nothing older.
#[derive(Debug, Default)]
struct Ledger {
    /// Progress notes, each acknowledged (303).
    updates: Vec<String>,
    /// Organisations whose sign-up was acknowledged.
    sign_ups: Vec<String>,
    /// Targets published by both co-chairs' approval.
    publications: Vec<String>,
    /// The view's words: the last acknowledged, and those sent since.
    view: Overwritten,
    /// The priority's target: the same.
    target: Overwritten,
    /// Writes acknowledged, in all.
    acknowledged: usize,
}

#[derive(Debug, Default)]
struct Overwritten {
    acknowledged: Option<String>,
    in_flight: BTreeSet<String>,
}

impl Overwritten {
    fn sending(&mut self, value: &str) {
        self.in_flight.insert(value.to_owned());
    }

    fn acknowledged(&mut self, value: &str) {
        self.acknowledged = Some(value.to_owned());
        self.in_flight.clear();
    }

    /// Whether the database's value is one the server may have kept.
    fn allows(&self, stored: &str) -> bool {
        match &self.acknowledged {
            None => true,
            Some(value) => value == stored || self.in_flight.contains(stored),
        }
    }
}

/// A small deterministic random sequence (the seed is printed, so a failure can be re-run).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

/// What the drill needs to know about the demonstration group, read from the database.
#[derive(Debug, Clone)]
struct Targets {
    priority: i64,
    priority_title: String,
    priority_statements: Vec<String>,
    review: i64,
    statement: String,
}

async fn targets(pool: &sqlx::AnyPool) -> Targets {
    let group: i64 = sqlx::query_scalar("SELECT id FROM organisations WHERE slug = $1")
        .bind(GROUP)
        .fetch_one(pool)
        .await
        .expect("the demonstration group");
    let priority = sqlx::query(
        "SELECT id, title, statements FROM priorities WHERE organisation_id = $1 AND status <> 'dropped' ORDER BY id LIMIT 1",
    )
    .bind(group)
    .fetch_one(pool)
    .await
    .expect("a priority");
    let review = sqlx::query(
        "SELECT r.id, v.statement_code FROM reviews r JOIN review_views v ON v.review_id = r.id \
         WHERE r.organisation_id = $1 AND r.status = 'open' ORDER BY r.id, v.statement_code LIMIT 1",
    )
    .bind(group)
    .fetch_one(pool)
    .await
    .expect("an open review with views");
    let statements: String = priority.get(2);
    Targets {
        priority: priority.get(0),
        priority_title: priority.get(1),
        priority_statements: statements.split_whitespace().map(str::to_owned).collect(),
        review: review.get(0),
        statement: review.get(1),
    }
}

/// Form values as a browser sends them.
fn encoded(value: &str) -> String {
    let mut out = String::new();
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => {
                out.push(char::from(byte));
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// One kind of writer: signs in, then writes until the server is gone or told to stop.
fn writer(
    addr: String,
    stop: Arc<AtomicBool>,
    ledger: Arc<Mutex<Ledger>>,
    targets: Targets,
    kind: usize,
    cycle: usize,
    signed_in: Arc<AtomicUsize>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let ready = || {
            signed_in.fetch_add(1, Ordering::SeqCst);
        };
        let record = |f: &mut dyn FnMut(&mut Ledger)| {
            let mut ledger = ledger.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut ledger);
        };
        let base = format!("/manage/organisations/{GROUP}");
        let mut n = 0;
        match kind {
            // Progress updates by a member of staff.
            0 => {
                let mut priya = Visitor::new("127.0.0.1");
                if !priya.try_sign_in(&addr, "priya.staff@demo.example.org", PASSWORD) {
                    return;
                }
                ready();
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    let note = format!("Drill update {cycle}-{n}");
                    let answer = priya.post(
                        &addr,
                        &format!("{base}/plan/priorities/{}/updates", targets.priority),
                        &format!(
                            "csrf_token={}&action=&note={}&status=&evidence_url=",
                            priya.csrf(),
                            encoded(&note)
                        ),
                    );
                    match status_of(&answer) {
                        303 => record(&mut |l| {
                            l.updates.push(note.clone());
                            l.acknowledged += 1;
                        }),
                        0 => return,
                        other => panic!("a progress update was refused ({other}): {answer}"),
                    }
                }
            }
            // Views in the open review by an Expert by Experience.
            1 => {
                let mut robin = Visitor::new("127.0.0.1");
                if !robin.try_sign_in(&addr, "robin.expert@demo.example.org", PASSWORD) {
                    return;
                }
                ready();
                let code = &targets.statement;
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    let words = format!("Drill view {cycle}-{n}");
                    record(&mut |l| l.view.sending(&words));
                    let answer = robin.post(
                        &addr,
                        &format!("{base}/reviews/{}/statements/{code}", targets.review),
                        &format!(
                            "csrf_token={}&level-{code}=some-progress&working-{code}={}&change-{code}=",
                            robin.csrf(),
                            encoded(&words)
                        ),
                    );
                    match status_of(&answer) {
                        303 => record(&mut |l| {
                            l.view.acknowledged(&words);
                            l.acknowledged += 1;
                        }),
                        0 => return,
                        other => panic!("views were refused ({other}): {answer}"),
                    }
                }
            }
            // Organisations signing up, by someone already signed in.
            2 => {
                // Five sign-ups per client address in 15 minutes: a new address each cycle.
                let mut dee =
                    Visitor::new(&format!("127.0.{}.{}", 1 + cycle / 250, 1 + cycle % 250));
                if !dee.try_sign_in(&addr, "dee.staff@demo.example.org", PASSWORD) {
                    return;
                }
                ready();
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    let name = format!("Drill Trust {cycle} {n}");
                    let steps = [
                        ("name", format!("name={}", encoded(&name))),
                        ("kind", "kind=nhs".to_owned()),
                        ("areas", "action=add&area=E06000002".to_owned()),
                        ("areas", "action=continue".to_owned()),
                        ("website", "website=".to_owned()),
                        ("framework", "framework=demonstration%402026.1".to_owned()),
                        ("commitment", "commitment=We+commit.".to_owned()),
                        ("check", String::new()),
                    ];
                    for (step, fields) in steps {
                        let answer = dee.post(
                            &addr,
                            &format!("/manage/sign-up/{step}"),
                            &format!("csrf_token={}&{fields}", dee.csrf()),
                        );
                        match (step, status_of(&answer)) {
                            ("check", 200) => record(&mut |l| {
                                l.sign_ups.push(name.clone());
                                l.acknowledged += 1;
                            }),
                            // Gone, or this address's five sign-ups are used up.
                            (_, 0 | 429) => return,
                            (_, 303) => {}
                            (_, other) => panic!("sign-up step {step} refused ({other}): {answer}"),
                        }
                    }
                }
            }
            // A change to the plan, approved by both co-chairs, so published.
            _ => {
                let mut sam = Visitor::new("127.0.0.1");
                let mut alex = Visitor::new("127.0.0.1");
                if !sam.try_sign_in(&addr, "sam.admin@demo.example.org", PASSWORD)
                    || !alex.try_sign_in(&addr, "alex.expert@demo.example.org", PASSWORD)
                {
                    return;
                }
                ready();
                let statements: String = targets
                    .priority_statements
                    .iter()
                    .map(|code| format!("&statements={}", encoded(code)))
                    .collect();
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    let target = format!("Drill target {cycle}-{n}");
                    record(&mut |l| l.target.sending(&target));
                    let edited = sam.post(
                        &addr,
                        &format!("{base}/plan/priorities/{}", targets.priority),
                        &format!(
                            "csrf_token={}&title={}{statements}&target={}&why=&review=&status=in-progress&dropped_reason=",
                            sam.csrf(),
                            encoded(&targets.priority_title),
                            encoded(&target)
                        ),
                    );
                    match status_of(&edited) {
                        303 => record(&mut |l| {
                            l.target.acknowledged(&target);
                            l.acknowledged += 1;
                        }),
                        0 => return,
                        other => panic!("the priority edit was refused ({other}): {edited}"),
                    }
                    for (who, last) in [(&mut sam, false), (&mut alex, true)] {
                        let plan = who.get(&addr, &format!("{base}/plan"));
                        let Some(revision) = plan
                            .split("name=\"revision\" value=\"")
                            .nth(1)
                            .and_then(|rest| rest.split('"').next())
                            .map(str::to_owned)
                        else {
                            return;
                        };
                        let approved = who.post(
                            &addr,
                            &format!("{base}/plan/approve"),
                            &format!("csrf_token={}&revision={revision}", who.csrf()),
                        );
                        match status_of(&approved) {
                            303 if last => record(&mut |l| {
                                l.publications.push(target.clone());
                                l.acknowledged += 1;
                            }),
                            303 => {}
                            0 => return,
                            // Another writer changed the draft meanwhile: approve the next one.
                            409 | 422 => break,
                            other => panic!("approval refused ({other}): {approved}"),
                        }
                    }
                }
            }
        }
    })
}

/// Every acknowledged write is in the database and nothing is half-done; returns how many
/// writes were checked. Panics, naming them, otherwise.
async fn check(url: &str, ledger: &Ledger, targets: &Targets) -> usize {
    let pool = sqlx::AnyPool::connect(url)
        .await
        .expect("open the database");
    let mut lost: Vec<String> = Vec::new();
    let mut torn: Vec<String> = Vec::new();

    let notes: BTreeSet<String> = sqlx::query_scalar("SELECT note FROM progress_updates")
        .fetch_all(&pool)
        .await
        .expect("updates")
        .into_iter()
        .collect();
    lost.extend(
        ledger
            .updates
            .iter()
            .filter(|n| !notes.contains(*n))
            .map(|n| format!("update {n}")),
    );
    let names: BTreeSet<String> = sqlx::query_scalar("SELECT name FROM organisations")
        .fetch_all(&pool)
        .await
        .expect("organisations")
        .into_iter()
        .collect();
    lost.extend(
        ledger
            .sign_ups
            .iter()
            .filter(|n| !names.contains(*n))
            .map(|n| format!("sign-up {n}")),
    );
    let snapshots: Vec<String> = sqlx::query_scalar("SELECT snapshot FROM plan_versions")
        .fetch_all(&pool)
        .await
        .expect("versions");
    lost.extend(
        ledger
            .publications
            .iter()
            .filter(|t| !snapshots.iter().any(|s| s.contains(t.as_str())))
            .map(|t| format!("publication of {t}")),
    );
    let view: String = sqlx::query_scalar(
        "SELECT working FROM review_views WHERE review_id = $1 AND statement_code = $2 \
         AND person_id = (SELECT id FROM people WHERE email = 'robin.expert@demo.example.org')",
    )
    .bind(targets.review)
    .bind(&targets.statement)
    .fetch_one(&pool)
    .await
    .expect("robin's view");
    if !ledger.view.allows(&view) {
        lost.push(format!("view: {view:?}, acknowledged {:?}", ledger.view));
    }
    let target: String = sqlx::query_scalar("SELECT target FROM priorities WHERE id = $1")
        .bind(targets.priority)
        .fetch_one(&pool)
        .await
        .expect("the priority");
    if !ledger.target.allows(&target) {
        lost.push(format!(
            "target: {target:?}, acknowledged {:?}",
            ledger.target
        ));
    }

    // Whole: versions numbered 1..n for each organisation, each with its approvers and
    // the published priorities written with it; each organisation with a place and a member.
    let gaps: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM (SELECT organisation_id FROM plan_versions GROUP BY organisation_id \
         HAVING MAX(number) <> COUNT(*) OR MIN(number) <> 1) g",
    )
    .fetch_one(&pool)
    .await
    .expect("version numbers");
    if gaps > 0 {
        torn.push(format!(
            "{gaps} organisations with gaps in their version numbers"
        ));
    }
    let unapproved: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM plan_versions WHERE approved_by NOT LIKE '%,%'")
            .fetch_one(&pool)
            .await
            .expect("approvers");
    if unapproved > 0 {
        torn.push(format!("{unapproved} versions without both approvers"));
    }
    let unlisted: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM (SELECT DISTINCT organisation_id FROM plan_versions) v \
         WHERE NOT EXISTS (SELECT 1 FROM published_priorities p WHERE p.organisation_id = v.organisation_id)",
    )
    .fetch_one(&pool)
    .await
    .expect("published priorities");
    if unlisted > 0 {
        torn.push(format!(
            "{unlisted} published plans without their published priorities"
        ));
    }
    let homeless: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM organisations o WHERE o.name LIKE 'Drill Trust %' AND (NOT EXISTS \
         (SELECT 1 FROM organisation_areas a WHERE a.organisation_id = o.id) \
         OR NOT EXISTS (SELECT 1 FROM memberships m WHERE m.organisation_id = o.id))",
    )
    .fetch_one(&pool)
    .await
    .expect("organisations whole");
    if homeless > 0 {
        torn.push(format!(
            "{homeless} signed-up organisations without a place or a member"
        ));
    }
    pool.close().await;
    assert!(
        lost.is_empty() && torn.is_empty(),
        "lost: {lost:?}; torn: {torn:?}"
    );
    ledger.updates.len()
        + ledger.sign_ups.len()
        + ledger.publications.len()
        + usize::from(ledger.view.acknowledged.is_some())
        + usize::from(ledger.target.acknowledged.is_some())
}

fn kill_9(mut server: Server) {
    let pid = server.child.id().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-KILL", &pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    let _ = server.child.wait();
}

fn drill(engine: &str, url: &str) {
    sqlx::any::install_default_drivers();
    let kills: usize = std::env::var("MIR_DRILL_KILLS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20);
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(1);
    let mut random = Lcg(seed);
    let demo = mir()
        .args(["demo", "--database", url])
        .output()
        .expect("run");
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let targets = runtime.block_on(async {
        let pool = sqlx::AnyPool::connect(url).await.expect("open");
        let targets = targets(&pool).await;
        pool.close().await;
        targets
    });
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let started = Instant::now();
    let mut checked = 0;
    for cycle in 0..kills {
        let server = Server::start(serve_command(url));
        let stop = Arc::new(AtomicBool::new(false));
        let signed_in = Arc::new(AtomicUsize::new(0));
        let writers: Vec<_> = (0..WRITERS)
            .map(|kind| {
                writer(
                    server.addr.clone(),
                    stop.clone(),
                    ledger.clone(),
                    targets.clone(),
                    kind,
                    cycle,
                    signed_in.clone(),
                )
            })
            .collect();
        // Signing in takes a moment (Argon2), longer on a slow or busy machine: the kill is
        // timed from when every writer is signed in, so that it lands in the writing.
        let waiting = Instant::now();
        while signed_in.load(Ordering::SeqCst) < WRITERS && waiting.elapsed() < SIGN_IN_WAIT {
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(300 + random.below(1200)));
        let log = server.log_so_far();
        kill_9(server);
        stop.store(true, Ordering::Relaxed);
        let failed = writers.into_iter().any(|writer| writer.join().is_err());
        let errors: Vec<&String> = log.iter().filter(|l| l.contains("ERROR")).collect();
        assert!(!failed && errors.is_empty(), "server errors: {errors:#?}");
        let ledger = ledger.lock().unwrap_or_else(|p| p.into_inner());
        checked = runtime.block_on(check(url, &ledger, &targets));
    }
    let ledger = ledger.lock().unwrap_or_else(|p| p.into_inner());
    eprintln!(
        "crash drill on {engine}: {kills} kills with SIGKILL in {:.0?}; {} writes acknowledged \
         ({} updates, {} sign-ups, {} publications, views and plan edits); {checked} checked \
         after the last kill; 0 lost, 0 torn (seed {seed})",
        started.elapsed(),
        ledger.acknowledged,
        ledger.updates.len(),
        ledger.sign_ups.len(),
        ledger.publications.len(),
    );
    assert!(
        ledger.updates.len() >= kills
            && !ledger.sign_ups.is_empty()
            && !ledger.publications.is_empty(),
        "every kind of write was made: {ledger:?}"
    );
}

#[test]
fn kill_9_loses_no_acknowledged_write_on_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    drill("SQLite", &sqlite_url(&dir, "drill.db"));
}

#[test]
fn kill_9_loses_no_acknowledged_write_on_postgres() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let Some(db) = postgres_db(&runtime) else {
        return;
    };
    drill("PostgreSQL", db.url.expose());
    runtime.block_on(db.cleanup());
}
