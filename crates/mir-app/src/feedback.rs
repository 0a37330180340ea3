//! Sending feedback about the service.

use mir_domain::feedback::Feedback;
use mir_store::{FeedbackRepo, RateLimitRepo};

use crate::AppError;
use crate::policy::{Action, Actor, authorize};
use crate::rate_limit::{self, Limit};

/// What the feedback form sends, as typed.
#[derive(Debug, Clone, Default)]
pub struct FeedbackInput {
    pub message: String,
    pub reply_email: String,
}

/// Validates and stores feedback; returns its id. Anyone may send it, so each client may send
/// a few in 15 minutes and no more (finding 8: anonymous writes are bounded).
pub async fn send_feedback(
    store: &(impl FeedbackRepo + RateLimitRepo),
    actor: &Actor,
    input: &FeedbackInput,
    client: &str,
) -> Result<i64, AppError> {
    authorize(actor, Action::SendFeedback)?;
    let feedback =
        Feedback::parse(&input.message, &input.reply_email).map_err(AppError::Invalid)?;
    rate_limit::check(store, &[Limit::per_client("feedback", client, 5)]).await?;
    let id = store.insert_feedback(&feedback, mir_store::now()).await?;
    // Log that feedback arrived, never what it says or who sent it.
    tracing::info!(feedback_id = id, "feedback received");
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use mir_store::testing::TestDb;

    #[tokio::test]
    async fn stores_valid_feedback_and_refuses_invalid_without_storing() {
        let db = TestDb::sqlite().await.expect("db");
        let bad = FeedbackInput {
            message: " ".into(),
            reply_email: "x".into(),
        };
        match send_feedback(&db.store, &Actor::Anonymous, &bad, "127.0.0.1").await {
            Err(AppError::Invalid(errors)) => assert_eq!(errors.iter().count(), 2),
            other => panic!("expected field errors, got {other:?}"),
        }
        assert_eq!(db.store.count_feedback().await.expect("count"), 0);
        let good = FeedbackInput {
            message: "Clear pages".into(),
            reply_email: String::new(),
        };
        send_feedback(&db.store, &Actor::Anonymous, &good, "127.0.0.1")
            .await
            .expect("stored");
        assert_eq!(db.store.count_feedback().await.expect("count"), 1);
        db.cleanup().await;
    }
}
