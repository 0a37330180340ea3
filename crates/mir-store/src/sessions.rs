use std::future::Future;

use crate::{Store, StoreError, UnixTime};

/// The most sessions of visitors who are not signed in kept at once (the sweeper trims).
pub const MAX_ANONYMOUS_SESSIONS: i64 = 100_000;

/// A stored session: opaque data owned by the web layer, and when it stops being valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub data: String,
    pub expires_at: UnixTime,
    /// The signed-in person, so all of their sessions can be ended at once.
    pub person_id: Option<i64>,
}

/// Server-side sessions, keyed by a hash of the cookie's token, so that several `mir serve`
/// processes on one database share them.
pub trait SessionRepo {
    /// The session if it exists and has not expired at `now`.
    fn load_session(
        &self,
        id: &str,
        now: UnixTime,
    ) -> impl Future<Output = Result<Option<SessionRecord>, StoreError>> + Send;
    /// The session if it has not expired at `now` and was created after `created_after` (the
    /// absolute lifetime: a session ends this long after sign-in however busy it is).
    fn load_live_session(
        &self,
        id: &str,
        now: UnixTime,
        created_after: UnixTime,
    ) -> impl Future<Output = Result<Option<SessionRecord>, StoreError>> + Send;
    fn save_session(
        &self,
        id: &str,
        record: &SessionRecord,
        now: UnixTime,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn delete_session(&self, id: &str) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Ends every session of a person ("sign out everywhere", password changes).
    fn delete_sessions_for_person(
        &self,
        person_id: i64,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;
    /// Removes sessions that expired before `now`; returns how many.
    fn delete_expired_sessions(
        &self,
        now: UnixTime,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;
}

impl SessionRepo for Store {
    async fn load_session(
        &self,
        id: &str,
        now: UnixTime,
    ) -> Result<Option<SessionRecord>, StoreError> {
        self.load_live_session(id, now, i64::MIN).await
    }

    async fn load_live_session(
        &self,
        id: &str,
        now: UnixTime,
        created_after: UnixTime,
    ) -> Result<Option<SessionRecord>, StoreError> {
        let row: Option<(String, i64, Option<i64>)> = sqlx::query_as(
            "SELECT data, expires_at, person_id FROM sessions WHERE id = $1 AND expires_at > $2 AND created_at > $3",
        )
        .bind(id)
        .bind(now)
        .bind(created_after)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(data, expires_at, person_id)| SessionRecord {
            data,
            expires_at,
            person_id,
        }))
    }

    async fn save_session(
        &self,
        id: &str,
        record: &SessionRecord,
        now: UnixTime,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (id, data, expires_at, created_at, person_id) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at, \
             person_id = excluded.person_id",
        )
        .bind(id)
        .bind(&record.data)
        .bind(record.expires_at)
        .bind(now)
        .bind(record.person_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn delete_session(&self, id: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn delete_sessions_for_person(&self, person_id: i64) -> Result<u64, StoreError> {
        let result = sqlx::query("DELETE FROM sessions WHERE person_id = $1")
            .bind(person_id)
            .execute(&self.pool)
            .await?;
        Ok(result.rows_affected())
    }

    async fn delete_expired_sessions(&self, now: UnixTime) -> Result<u64, StoreError> {
        let result = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        // Visitors who are not signed in (a sign-up draft, a message shown once) can make
        // sessions without limit: beyond a bounded number, the oldest of theirs go first.
        let crowded = sqlx::query(
            "DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE person_id IS NULL \
             ORDER BY created_at DESC, id LIMIT 10000000 OFFSET $1)",
        )
        .bind(MAX_ANONYMOUS_SESSIONS)
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected() + crowded.rows_affected())
    }
}
