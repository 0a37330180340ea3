//! Sending email: through SMTP when `MIR_SMTP_URL` is set, otherwise as `.eml` files in a
//! folder (`MIR_MAIL_DIR`, default `./mail`), so every flow works on a fresh machine and in
//! tests. Logs say that a message went and what it was about, never the address or the body
//! (bodies carry sign-in links).
//!
//! The server's mailer is *queued* ([`Mailer::queued`]): `send` writes the email to the outbox
//! table and returns; [`deliver_due`] (run by a worker in `mir serve`) sends it, with retries
//! and backoff. A request never waits for the mail server and never fails because of it, and
//! asking for a link takes the same path whether or not the address has an account.

use std::path::PathBuf;
use std::time::Duration;

use mir_store::{OutboxRepo, Store};
use tokio::sync::Notify;

use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("the mail settings are not valid: {0}")]
    Config(String),
    #[error("the email could not be built: {0}")]
    Build(String),
    #[error("the email could not be sent: {0}")]
    Send(String),
}

/// One plain-text email.
#[derive(Debug, Clone)]
pub struct OutgoingEmail {
    pub to: String,
    pub subject: String,
    pub body: String,
    /// Where "Reply" goes, when someone writing through the site agreed to it.
    pub reply_to: Option<String>,
}

#[derive(Clone)]
enum Transport {
    Folder(AsyncFileTransport<Tokio1Executor>),
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

/// Where email goes. Cheap to clone.
#[derive(Clone)]
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
    /// Shown in logs at start.
    pub description: String,
    /// With an outbox, `send` queues instead of sending.
    outbox: Option<Store>,
}

/// Wakes this process's outbox worker when an email is queued (other servers' workers find it
/// on their next round).
static QUEUED: Notify = Notify::const_new();

/// How many tries before an email is given up and shown as stuck on the admin page.
pub const MAX_ATTEMPTS: i64 = 8;

/// How long a worker may hold an email before another may try it (a worker that died).
const LEASE_SECS: i64 = 120;

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.description)
    }
}

impl Mailer {
    /// SMTP if `smtp_url` is given (e.g. `smtps://user:pass@smtp.example.org`), else a folder.
    pub fn new(smtp_url: Option<&str>, folder: PathBuf, from: &str) -> Result<Mailer, MailError> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| MailError::Config(format!("sender address: {e}")))?;
        match smtp_url {
            Some(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| MailError::Config(e.to_string()))?
                    .build();
                Ok(Mailer {
                    transport: Transport::Smtp(transport),
                    from,
                    description: "SMTP".into(),
                    outbox: None,
                })
            }
            None => {
                std::fs::create_dir_all(&folder).map_err(|e| {
                    MailError::Config(format!("mail folder {}: {e}", folder.display()))
                })?;
                let description = format!("files in {}", folder.display());
                Ok(Mailer {
                    transport: Transport::Folder(AsyncFileTransport::new(folder)),
                    from,
                    description,
                    outbox: None,
                })
            }
        }
    }

    /// Whether email can go out now, for `mir check`: the SMTP server answers (a NOOP after
    /// connecting and, if the URL asks, TLS and signing in), or a file can be written in the
    /// mail folder (and is removed).
    pub async fn check(&self, folder: &std::path::Path) -> Result<String, MailError> {
        match &self.transport {
            Transport::Smtp(smtp) => match smtp.test_connection().await {
                Ok(true) => Ok("the SMTP server answers".into()),
                Ok(false) => Err(MailError::Config(
                    "the SMTP server did not answer a NOOP".into(),
                )),
                Err(error) => Err(MailError::Config(format!(
                    "cannot reach the SMTP server: {error}"
                ))),
            },
            Transport::Folder(_) => {
                let probe = folder.join(format!(".mir-check-{}", std::process::id()));
                std::fs::write(&probe, b"mir check\n")
                    .and_then(|()| std::fs::remove_file(&probe))
                    .map_err(|e| {
                        MailError::Config(format!(
                            "cannot write in the mail folder {}: {e}",
                            folder.display()
                        ))
                    })?;
                Ok(format!("emails are written to {}", folder.display()))
            }
        }
    }

    /// The same mailer, queueing every email in `store`'s outbox instead of sending it.
    pub fn queued(mut self, store: Store) -> Mailer {
        self.outbox = Some(store);
        self
    }

    /// Sends an email: into the outbox when queued (the worker sends it), else at once.
    pub async fn send(&self, email: OutgoingEmail) -> Result<(), MailError> {
        let Some(store) = &self.outbox else {
            return self.deliver(email).await;
        };
        // An address that cannot be written as a recipient is refused now, not by the worker.
        email
            .to
            .parse::<Mailbox>()
            .map_err(|e| MailError::Build(format!("recipient: {e}")))?;
        if let Some(reply_to) = &email.reply_to {
            reply_to
                .parse::<Mailbox>()
                .map_err(|e| MailError::Build(format!("reply-to: {e}")))?;
        }
        let queued = mir_store::NewMail {
            to: &email.to,
            reply_to: email.reply_to.as_deref(),
            subject: &email.subject,
            body: &email.body,
        };
        store
            .enqueue_mail(&queued, mir_store::now())
            .await
            .map_err(|e| MailError::Send(format!("outbox: {e}")))?;
        QUEUED.notify_one();
        Ok(())
    }

    /// Sends an email now, through SMTP or into the folder.
    pub async fn deliver(&self, email: OutgoingEmail) -> Result<(), MailError> {
        let to: Mailbox = email
            .to
            .parse()
            .map_err(|e| MailError::Build(format!("recipient: {e}")))?;
        let mut message = Message::builder().from(self.from.clone()).to(to);
        if let Some(reply_to) = &email.reply_to {
            let reply_to: Mailbox = reply_to
                .parse()
                .map_err(|e| MailError::Build(format!("reply-to: {e}")))?;
            message = message.reply_to(reply_to);
        }
        let message = message
            .subject(email.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(email.body)
            .map_err(|e| MailError::Build(e.to_string()))?;
        match &self.transport {
            Transport::Folder(folder) => {
                folder
                    .send(message)
                    .await
                    .map_err(|e| MailError::Send(e.to_string()))?;
            }
            Transport::Smtp(smtp) => {
                smtp.send(message)
                    .await
                    .map_err(|e| MailError::Send(e.to_string()))?;
            }
        }
        tracing::info!(subject = %email.subject, via = %self.description, "email sent");
        Ok(())
    }
}

/// How long to wait before the next try after `attempts` failed ones: 1, 2, 4 … minutes, at
/// most 6 hours.
pub fn backoff(attempts: i64) -> i64 {
    let minutes = 1_i64 << attempts.clamp(0, 9);
    (minutes * 60).min(6 * 60 * 60)
}

/// What one round of the outbox worker did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivered {
    pub sent: usize,
    pub failed: usize,
}

/// Sends every email due now (at most `limit`), each claimed first so that two servers never
/// send the same one. A failure is retried later with backoff; after [`MAX_ATTEMPTS`] the
/// email is given up and shown on the admin page.
pub async fn deliver_due(
    store: &impl OutboxRepo,
    mailer: &Mailer,
    limit: i64,
) -> Result<Delivered, mir_store::StoreError> {
    let mut done = Delivered::default();
    let now = mir_store::now();
    let claim = hex::encode(rand::random::<[u8; 16]>());
    for id in store.due_mail(now, limit).await? {
        let Some(mail) = store.claim_mail(id, &claim, now + LEASE_SECS, now).await? else {
            continue;
        };
        let outgoing = OutgoingEmail {
            to: mail.to.clone(),
            subject: mail.subject.clone(),
            body: mail.body.clone(),
            reply_to: mail.reply_to.clone(),
        };
        match mailer.deliver(outgoing).await {
            Ok(()) => {
                store.mail_sent(mail.id, &claim).await?;
                done.sent += 1;
            }
            Err(error) => {
                let tries = mail.attempts + 1;
                let retry_at = (tries < MAX_ATTEMPTS).then(|| now + backoff(mail.attempts));
                // The error text names the server's answer, never the address or the body.
                tracing::warn!(mail_id = mail.id, tries, gave_up = retry_at.is_none(), %error, "an email could not be sent");
                store
                    .mail_failed(mail.id, &claim, &error.to_string(), retry_at, now)
                    .await?;
                done.failed += 1;
            }
        }
    }
    Ok(done)
}

/// The outbox worker for `mir serve`: a round whenever an email is queued here, and every few
/// seconds for those queued by other servers or waiting for a retry. `mailer` must send
/// directly (not queued).
pub fn spawn_outbox_worker(store: Store, mailer: Mailer) {
    tokio::spawn(async move {
        loop {
            match deliver_due(&store, &mailer, 50).await {
                Ok(done) if done.sent + done.failed > 0 => {
                    tracing::debug!(sent = done.sent, failed = done.failed, "outbox round");
                    continue;
                }
                Ok(_) => {}
                Err(error) => tracing::error!(%error, "the outbox could not be read"),
            }
            tokio::select! {
                () = QUEUED.notified() => {}
                () = tokio::time::sleep(Duration::from_secs(5)) => {}
            }
        }
    });
}

/// What waits in the outbox and what was given up, for the national team.
pub async fn outbox_report(
    store: &impl OutboxRepo,
    actor: &crate::Actor,
) -> Result<mir_store::OutboxReport, crate::AppError> {
    crate::policy::authorize(actor, crate::policy::Action::ViewAdmin)?;
    Ok(store.outbox_report().await?)
}
