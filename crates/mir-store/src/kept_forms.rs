//! Forms kept across an expired session: what someone sent is held under a hashed key until they
//! sign in again and see it filled in, or it expires. Bounded in all.

use std::future::Future;

use crate::{Store, StoreError, UnixTime};

pub trait KeptFormRepo {
    /// Keeps a posted form under a hashed key until it is taken or expires.
    fn keep_form(
        &self,
        key_hash: &str,
        path: &str,
        form: &str,
        expires_at: UnixTime,
        now: UnixTime,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The kept form `(path, form)`, if it has not expired; it stays until [`forget_form`].
    fn kept_form(
        &self,
        key_hash: &str,
        now: UnixTime,
    ) -> impl Future<Output = Result<Option<(String, String)>, StoreError>> + Send;
    fn forget_form(&self, key_hash: &str) -> impl Future<Output = Result<(), StoreError>> + Send;
}

impl KeptFormRepo for Store {
    async fn keep_form(
        &self,
        key_hash: &str,
        path: &str,
        form: &str,
        expires_at: UnixTime,
        now: UnixTime,
    ) -> Result<(), StoreError> {
        // Old kept forms go as new ones arrive, so the table never grows without bound.
        sqlx::query("DELETE FROM kept_forms WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        sqlx::query(
            "INSERT INTO kept_forms (key_hash, path, form, expires_at, created_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (key_hash) DO UPDATE SET path = excluded.path, form = excluded.form, expires_at = excluded.expires_at",
        )
        .bind(key_hash)
        .bind(path)
        .bind(form)
        .bind(expires_at)
        .bind(now)
        .execute(&self.pool)
        .await?;
        // A bounded number in all: beyond it, the oldest go first.
        sqlx::query(
            "DELETE FROM kept_forms WHERE key_hash IN (SELECT key_hash FROM kept_forms \
             ORDER BY created_at DESC, key_hash LIMIT 1000000 OFFSET $1)",
        )
        .bind(MAX_KEPT_FORMS)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn kept_form(
        &self,
        key_hash: &str,
        now: UnixTime,
    ) -> Result<Option<(String, String)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT path, form FROM kept_forms WHERE key_hash = $1 AND expires_at > $2",
        )
        .bind(key_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn forget_form(&self, key_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM kept_forms WHERE key_hash = $1")
            .bind(key_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// The most forms kept for people whose session ended, in all (each at most 64 KiB).
pub const MAX_KEPT_FORMS: i64 = 5_000;
