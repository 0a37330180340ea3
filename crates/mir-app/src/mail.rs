//! Sending email: through SMTP when `MIR_SMTP_URL` is set, otherwise as `.eml` files in a
//! folder (`MIR_MAIL_DIR`, default `./mail`), so every flow works on a fresh machine and in
//! tests. Logs say that a message went and what it was about, never the address or the body
//! (bodies carry sign-in links).

use std::path::PathBuf;

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
}

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
                })
            }
        }
    }

    pub async fn send(&self, email: OutgoingEmail) -> Result<(), MailError> {
        let to: Mailbox = email
            .to
            .parse()
            .map_err(|e| MailError::Build(format!("recipient: {e}")))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
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
