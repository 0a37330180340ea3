//! Rate limiting shared by every server: events in a table, counted in a sliding window.

use std::future::Future;

use crate::{Store, StoreError, UnixTime};

pub trait RateLimitRepo {
    /// Records one attempt in `bucket` and returns how many there have been since `since`,
    /// this one included.
    fn record_attempt(
        &self,
        bucket: &str,
        now: UnixTime,
        since: UnixTime,
    ) -> impl Future<Output = Result<i64, StoreError>> + Send;
    /// Forgets every attempt in `bucket` (after a success that proves who is trying).
    fn forget_attempts(&self, bucket: &str) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// How many attempts `bucket` holds since `since`, without adding one (to refuse before
    /// looking, when only failures are counted).
    fn count_attempts(
        &self,
        bucket: &str,
        since: UnixTime,
    ) -> impl Future<Output = Result<i64, StoreError>> + Send;
    /// Forgets the newest attempt in `bucket` (one that turned out to be a success, so that
    /// successes never use up a limit meant for failures).
    fn forget_newest_attempt(
        &self,
        bucket: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Forgets attempts older than `before`.
    fn prune_attempts(
        &self,
        before: UnixTime,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;
}

impl RateLimitRepo for Store {
    async fn record_attempt(
        &self,
        bucket: &str,
        now: UnixTime,
        since: UnixTime,
    ) -> Result<i64, StoreError> {
        sqlx::query("INSERT INTO rate_limit_events (bucket, at) VALUES ($1, $2)")
            .bind(bucket)
            .bind(now)
            .execute(&self.pool)
            .await?;
        let count = sqlx::query_scalar(
            "SELECT COUNT(*) FROM rate_limit_events WHERE bucket = $1 AND at > $2",
        )
        .bind(bucket)
        .bind(since)
        .fetch_one(&self.pool)
        .await?;
        Ok(count)
    }

    async fn forget_attempts(&self, bucket: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM rate_limit_events WHERE bucket = $1")
            .bind(bucket)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn count_attempts(&self, bucket: &str, since: UnixTime) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM rate_limit_events WHERE bucket = $1 AND at > $2",
        )
        .bind(bucket)
        .bind(since)
        .fetch_one(&self.pool)
        .await?)
    }

    async fn forget_newest_attempt(&self, bucket: &str) -> Result<(), StoreError> {
        sqlx::query(
            "DELETE FROM rate_limit_events WHERE id = \
             (SELECT id FROM rate_limit_events WHERE bucket = $1 ORDER BY at DESC, id DESC LIMIT 1)",
        )
        .bind(bucket)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn prune_attempts(&self, before: UnixTime) -> Result<u64, StoreError> {
        let result = sqlx::query("DELETE FROM rate_limit_events WHERE at < $1")
            .bind(before)
            .execute(&self.pool)
            .await?;
        Ok(result.rows_affected())
    }
}
