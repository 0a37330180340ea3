use std::future::Future;

use mir_domain::feedback::Feedback;

use crate::{Store, StoreError, UnixTime};

/// Feedback about the service, sent from the contact page.
pub trait FeedbackRepo {
    /// Stores the feedback and returns its id.
    fn insert_feedback(
        &self,
        feedback: &Feedback,
        now: UnixTime,
    ) -> impl Future<Output = Result<i64, StoreError>> + Send;
    fn count_feedback(&self) -> impl Future<Output = Result<i64, StoreError>> + Send;
}

impl FeedbackRepo for Store {
    async fn insert_feedback(&self, feedback: &Feedback, now: UnixTime) -> Result<i64, StoreError> {
        let id = sqlx::query_scalar(
            "INSERT INTO feedback (message, reply_email, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(&feedback.message)
        .bind(feedback.reply_email.as_deref())
        .bind(now)
        .fetch_one(&self.pool)
        .await?;
        Ok(id)
    }

    async fn count_feedback(&self) -> Result<i64, StoreError> {
        let count = sqlx::query_scalar("SELECT COUNT(*) FROM feedback")
            .fetch_one(&self.pool)
            .await?;
        Ok(count)
    }
}
