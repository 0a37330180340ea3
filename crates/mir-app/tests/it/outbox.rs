//! The mail outbox on SQLite and PostgreSQL: queued emails are sent once even by two workers at
//! once, a mail server that is down loses nothing, and an email that keeps failing is given
//! up and shown on the admin report.

use mir_app::mail::{self, Mailer, OutgoingEmail};
use mir_store::testing::TestDb;
use mir_store::{OutboxRepo, Store};

fn folder_mailer(dir: &tempfile::TempDir) -> Mailer {
    Mailer::new(None, dir.path().to_path_buf(), "mir <mir@example.org>").expect("mailer")
}

/// A mail server that is not there: every send fails at once (nothing listens on port 9).
fn down_mailer(dir: &tempfile::TempDir) -> Mailer {
    Mailer::new(
        Some("smtp://127.0.0.1:9"),
        dir.path().to_path_buf(),
        "mir <mir@example.org>",
    )
    .expect("mailer")
}

fn files(dir: &tempfile::TempDir) -> usize {
    std::fs::read_dir(dir.path()).expect("dir").count()
}

async fn outbox_sends_each_email_once_and_loses_none(db: &TestDb) {
    let store: Store = db.store.clone();
    let dir = tempfile::tempdir().expect("dir");
    let queued = folder_mailer(&dir).queued(store.clone());
    for n in 0..20 {
        queued
            .send(OutgoingEmail {
                to: format!("person{n}@example.org"),
                subject: format!("Hello {n}"),
                body: "A body".into(),
                reply_to: None,
            })
            .await
            .expect("queued");
    }
    assert_eq!(files(&dir), 0, "queueing sends nothing by itself");
    assert_eq!(store.outbox_report().await.expect("report").waiting, 20);

    // Two workers (two servers) at once: every email goes exactly once.
    let (a, b) = (folder_mailer(&dir), folder_mailer(&dir));
    let (first, second) = tokio::join!(
        mail::deliver_due(&store, &a, 100),
        mail::deliver_due(&store, &b, 100)
    );
    let sent = first.expect("first").sent + second.expect("second").sent;
    assert_eq!(sent, 20);
    assert_eq!(files(&dir), 20, "no email sent twice");
    assert_eq!(store.outbox_report().await.expect("report").waiting, 0);

    // The mail server is down: the email waits, is tried again later, then given up.
    let down_dir = tempfile::tempdir().expect("dir");
    queued
        .send(OutgoingEmail {
            to: "waiting@example.org".into(),
            subject: "Your sign-in link".into(),
            body: "secret link".into(),
            reply_to: None,
        })
        .await
        .expect("queued while the server is down");
    let down = down_mailer(&down_dir);
    let round = mail::deliver_due(&store, &down, 10).await.expect("round");
    assert_eq!((round.sent, round.failed), (0, 1));
    let report = store.outbox_report().await.expect("report");
    assert_eq!((report.waiting, report.retrying), (1, 1));
    let again = mail::deliver_due(&store, &down, 10).await.expect("round");
    assert_eq!(
        again.failed, 0,
        "not due again until the backoff has passed"
    );
    // Many tries later (as if time passed): given up, and shown without address or body.
    for _ in 0..mail::MAX_ATTEMPTS {
        db.make_mail_due()
            .await
            .expect("as if the backoff had passed");
        mail::deliver_due(&store, &down, 10).await.expect("round");
    }
    let report = store.outbox_report().await.expect("report");
    assert_eq!(report.waiting, 0);
    assert_eq!(report.stuck.len(), 1);
    assert_eq!(report.stuck[0].to_domain, "example.org");
    assert_eq!(report.stuck[0].attempts, mail::MAX_ATTEMPTS);
    assert!(!report.stuck[0].last_error.is_empty());
}

#[tokio::test]
async fn outbox_on_sqlite() {
    let db = TestDb::sqlite().await.expect("db");
    outbox_sends_each_email_once_and_loses_none(&db).await;
    db.cleanup().await;
}

#[tokio::test]
async fn outbox_on_postgres() {
    if let Some(db) = TestDb::postgres().await.expect("db") {
        outbox_sends_each_email_once_and_loses_none(&db).await;
        db.cleanup().await;
    }
}

#[test]
fn backoff_doubles_and_stops_at_six_hours() {
    assert_eq!(mail::backoff(0), 60);
    assert_eq!(mail::backoff(1), 120);
    assert_eq!(mail::backoff(3), 480);
    assert_eq!(mail::backoff(20), 6 * 60 * 60);
}
