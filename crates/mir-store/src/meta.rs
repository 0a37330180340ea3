use std::future::Future;

use crate::{Store, StoreError};

/// Small key/value settings the platform keeps about itself (for example when the
/// demonstration data was loaded).
pub trait MetaRepo {
    fn meta(&self, key: &str) -> impl Future<Output = Result<Option<String>, StoreError>> + Send;
    /// Stores `value` unless the key already has one; returns whether it was stored.
    fn set_meta_if_absent(
        &self,
        key: &str,
        value: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
}

impl MetaRepo for Store {
    async fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        let value = sqlx::query_scalar("SELECT value FROM meta WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(value)
    }

    async fn set_meta_if_absent(&self, key: &str, value: &str) -> Result<bool, StoreError> {
        let result = sqlx::query(
            "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
        )
        .bind(key)
        .bind(value)
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected() == 1)
    }
}
