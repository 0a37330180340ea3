//! People (accounts) and one-time sign-in links.

use std::future::Future;

use crate::{Store, StoreError, UnixTime};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: i64,
    pub email: String,
    pub is_national_admin: bool,
}

pub trait PeopleRepo {
    /// The person with this (lowercased) email, created if new; `national_admin` is only ever
    /// raised here, never lowered.
    fn upsert_person(
        &self,
        email: &str,
        national_admin: bool,
        now: UnixTime,
    ) -> impl Future<Output = Result<Person, StoreError>> + Send;
    fn person(&self, id: i64) -> impl Future<Output = Result<Option<Person>, StoreError>> + Send;
    fn insert_sign_in_token(
        &self,
        token_hash: &str,
        person_id: i64,
        expires_at: UnixTime,
        now: UnixTime,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Marks an unused, unexpired token used and returns whose it was. A token works once:
    /// two servers racing for it cannot both succeed (one conditional UPDATE).
    fn consume_sign_in_token(
        &self,
        token_hash: &str,
        now: UnixTime,
    ) -> impl Future<Output = Result<Option<i64>, StoreError>> + Send;
}

impl PeopleRepo for Store {
    async fn upsert_person(
        &self,
        email: &str,
        national_admin: bool,
        now: UnixTime,
    ) -> Result<Person, StoreError> {
        sqlx::query(
            "INSERT INTO people (email, is_national_admin, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (email) DO UPDATE SET is_national_admin = \
             CASE WHEN excluded.is_national_admin = 1 THEN 1 ELSE people.is_national_admin END",
        )
        .bind(email)
        .bind(i64::from(national_admin))
        .bind(now)
        .execute(&self.pool)
        .await?;
        let (id, email, admin): (i64, String, i64) =
            sqlx::query_as("SELECT id, email, is_national_admin FROM people WHERE email = $1")
                .bind(email)
                .fetch_one(&self.pool)
                .await?;
        Ok(Person {
            id,
            email,
            is_national_admin: admin != 0,
        })
    }

    async fn person(&self, id: i64) -> Result<Option<Person>, StoreError> {
        let row: Option<(i64, String, i64)> =
            sqlx::query_as("SELECT id, email, is_national_admin FROM people WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|(id, email, admin)| Person {
            id,
            email,
            is_national_admin: admin != 0,
        }))
    }

    async fn insert_sign_in_token(
        &self,
        token_hash: &str,
        person_id: i64,
        expires_at: UnixTime,
        now: UnixTime,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sign_in_tokens (token_hash, person_id, expires_at, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(person_id)
        .bind(expires_at)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn consume_sign_in_token(
        &self,
        token_hash: &str,
        now: UnixTime,
    ) -> Result<Option<i64>, StoreError> {
        let person = sqlx::query_scalar(
            "UPDATE sign_in_tokens SET used_at = $1 \
             WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING person_id",
        )
        .bind(now)
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        Ok(person)
    }
}
