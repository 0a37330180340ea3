//! Which emails each person has turned off (reminders, digests); every kind is on until turned off.

use std::future::Future;

use crate::{Store, StoreError};

pub trait EmailPreferenceRepo {
    fn email_enabled(
        &self,
        person_id: i64,
        kind: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    fn set_email_enabled(
        &self,
        person_id: i64,
        kind: &str,
        enabled: bool,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

impl EmailPreferenceRepo for Store {
    async fn email_enabled(&self, person_id: i64, kind: &str) -> Result<bool, StoreError> {
        let flag: Option<i64> = sqlx::query_scalar(
            "SELECT enabled FROM email_preferences WHERE person_id = $1 AND kind = $2",
        )
        .bind(person_id)
        .bind(kind)
        .fetch_optional(&self.pool)
        .await?;
        Ok(flag.is_none_or(|f| f != 0))
    }

    async fn set_email_enabled(
        &self,
        person_id: i64,
        kind: &str,
        enabled: bool,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO email_preferences (person_id, kind, enabled) VALUES ($1, $2, $3) \
             ON CONFLICT (person_id, kind) DO UPDATE SET enabled = excluded.enabled",
        )
        .bind(person_id)
        .bind(kind)
        .bind(i64::from(enabled))
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
