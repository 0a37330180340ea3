//! The mail outbox: emails waiting to be sent, claimed by one worker at a time.

use std::future::Future;

use crate::{Store, StoreError, UnixTime};

/// An email to queue.
#[derive(Debug, Clone, Copy)]
pub struct NewMail<'a> {
    pub to: &'a str,
    /// Where "Reply" goes (a relayed message's sender, when they agreed).
    pub reply_to: Option<&'a str>,
    pub subject: &'a str,
    pub body: &'a str,
}

/// An email claimed for sending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedMail {
    pub id: i64,
    pub to: String,
    pub reply_to: Option<String>,
    pub subject: String,
    pub body: String,
    /// Tries before this one.
    pub attempts: i64,
}

/// An email that could not be sent after every try, for the admin page (no body: it may hold
/// a sign-in link).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StuckMail {
    pub id: i64,
    /// Only the part after `@`: enough to see which provider refuses, not who it was for.
    pub to_domain: String,
    pub subject: String,
    pub attempts: i64,
    pub last_error: String,
    pub created_at: UnixTime,
}

/// How many emails wait, and which gave up.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutboxReport {
    pub waiting: i64,
    /// Waiting and tried at least once without success.
    pub retrying: i64,
    pub stuck: Vec<StuckMail>,
}

pub trait OutboxRepo {
    /// Adds an email to send as soon as a worker can.
    fn enqueue_mail(
        &self,
        mail: &NewMail<'_>,
        now: UnixTime,
    ) -> impl Future<Output = Result<i64, StoreError>> + Send;
    /// Ids of emails due at `now` and not claimed by a live worker, oldest first.
    fn due_mail(
        &self,
        now: UnixTime,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<i64>, StoreError>> + Send;
    /// Claims one email for `claim` until `until`; `None` if another worker has it (or it is
    /// gone). The claim is one conditional UPDATE, so two servers never both get it.
    fn claim_mail(
        &self,
        id: i64,
        claim: &str,
        until: UnixTime,
        now: UnixTime,
    ) -> impl Future<Output = Result<Option<QueuedMail>, StoreError>> + Send;
    /// The email went: it is deleted (only by the worker that claimed it).
    fn mail_sent(
        &self,
        id: i64,
        claim: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The email did not go: try again at `retry_at`, or give up (`None`).
    fn mail_failed(
        &self,
        id: i64,
        claim: &str,
        error: &str,
        retry_at: Option<UnixTime>,
        now: UnixTime,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn outbox_report(&self) -> impl Future<Output = Result<OutboxReport, StoreError>> + Send;
    /// Forgets every waiting email to or replying to an address (when its account is deleted).
    fn forget_mail_to(&self, to: &str) -> impl Future<Output = Result<u64, StoreError>> + Send;
}

impl OutboxRepo for Store {
    async fn enqueue_mail(&self, mail: &NewMail<'_>, now: UnixTime) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "INSERT INTO mail_outbox (to_address, reply_to, subject, body, created_at, next_attempt_at) \
             VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
        )
        .bind(mail.to)
        .bind(mail.reply_to)
        .bind(mail.subject)
        .bind(mail.body)
        .bind(now)
        .fetch_one(&self.pool)
        .await?)
    }

    async fn due_mail(&self, now: UnixTime, limit: i64) -> Result<Vec<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM mail_outbox WHERE gave_up_at IS NULL AND next_attempt_at <= $1 \
             AND (claimed_until IS NULL OR claimed_until <= $1) ORDER BY next_attempt_at, id LIMIT $2",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn claim_mail(
        &self,
        id: i64,
        claim: &str,
        until: UnixTime,
        now: UnixTime,
    ) -> Result<Option<QueuedMail>, StoreError> {
        let claimed = sqlx::query(
            "UPDATE mail_outbox SET claim = $1, claimed_until = $2 WHERE id = $3 AND gave_up_at IS NULL \
             AND (claimed_until IS NULL OR claimed_until <= $4)",
        )
        .bind(claim)
        .bind(until)
        .bind(id)
        .bind(now)
        .execute(&self.pool)
        .await?
        .rows_affected();
        if claimed == 0 {
            return Ok(None);
        }
        let row: Option<(i64, String, Option<String>, String, String, i64)> = sqlx::query_as(
            "SELECT id, to_address, reply_to, subject, body, attempts FROM mail_outbox WHERE id = $1 AND claim = $2",
        )
        .bind(id)
        .bind(claim)
        .fetch_optional(&self.pool)
        .await?;
        Ok(
            row.map(|(id, to, reply_to, subject, body, attempts)| QueuedMail {
                id,
                to,
                reply_to,
                subject,
                body,
                attempts,
            }),
        )
    }

    async fn mail_sent(&self, id: i64, claim: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM mail_outbox WHERE id = $1 AND claim = $2")
            .bind(id)
            .bind(claim)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn mail_failed(
        &self,
        id: i64,
        claim: &str,
        error: &str,
        retry_at: Option<UnixTime>,
        now: UnixTime,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE mail_outbox SET attempts = attempts + 1, last_error = $1, claim = NULL, \
             claimed_until = NULL, next_attempt_at = $2, gave_up_at = $3 WHERE id = $4 AND claim = $5",
        )
        .bind(error)
        .bind(retry_at.unwrap_or(now))
        .bind(if retry_at.is_none() { Some(now) } else { None })
        .bind(id)
        .bind(claim)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn outbox_report(&self) -> Result<OutboxReport, StoreError> {
        let (waiting, retrying): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN attempts > 0 THEN 1 ELSE 0 END), 0) \
             FROM mail_outbox WHERE gave_up_at IS NULL",
        )
        .fetch_one(&self.pool)
        .await?;
        let rows: Vec<(i64, String, String, i64, Option<String>, i64)> = sqlx::query_as(
            "SELECT id, to_address, subject, attempts, last_error, created_at FROM mail_outbox \
             WHERE gave_up_at IS NOT NULL ORDER BY created_at DESC, id DESC LIMIT 100",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(OutboxReport {
            waiting,
            retrying,
            stuck: rows
                .into_iter()
                .map(
                    |(id, to, subject, attempts, last_error, created_at)| StuckMail {
                        id,
                        to_domain: to.rsplit('@').next().unwrap_or_default().to_owned(),
                        subject,
                        attempts,
                        last_error: last_error.unwrap_or_default(),
                        created_at,
                    },
                )
                .collect(),
        })
    }

    async fn forget_mail_to(&self, to: &str) -> Result<u64, StoreError> {
        Ok(
            sqlx::query("DELETE FROM mail_outbox WHERE to_address = $1 OR reply_to = $1")
                .bind(to)
                .execute(&self.pool)
                .await?
                .rows_affected(),
        )
    }
}
