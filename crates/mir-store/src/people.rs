//! People (accounts) and one-time sign-in links.

use std::future::Future;

use mir_domain::person::PersonName;

use crate::{Store, StoreError, UnixTime};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: i64,
    pub email: String,
    pub is_national_admin: bool,
}

/// What an emailed link is for. Stored with the token; a token only works for its purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    SignIn,
    ResetPassword,
    ChangeEmail,
    /// Puts an address back after a change its owner did not make (no further undo is sent).
    UndoEmailChange,
}

impl TokenPurpose {
    fn key(self) -> &'static str {
        match self {
            TokenPurpose::SignIn => "sign-in",
            TokenPurpose::ResetPassword => "reset-password",
            TokenPurpose::ChangeEmail => "change-email",
            TokenPurpose::UndoEmailChange => "undo-email-change",
        }
    }
}

/// A used token: whose it was, and the new address for an email change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsedToken {
    pub person_id: i64,
    pub new_email: Option<String>,
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
    fn person_by_email(
        &self,
        email: &str,
    ) -> impl Future<Output = Result<Option<Person>, StoreError>> + Send;
    /// The stored Argon2id hash (PHC string), if the person has set a password.
    fn password_hash(
        &self,
        person_id: i64,
    ) -> impl Future<Output = Result<Option<String>, StoreError>> + Send;
    fn set_password_hash(
        &self,
        person_id: i64,
        hash: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Changes the address; [`StoreError::AlreadyExists`] if another account has it.
    fn set_email(
        &self,
        person_id: i64,
        email: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Deletes the account: memberships, sessions and tokens go with it (contributions that
    /// later features keep are anonymised by their own foreign keys: `ON DELETE SET NULL`).
    fn delete_person(&self, person_id: i64) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Everyone with an account, by email, with how many organisations they belong to.
    fn people(&self) -> impl Future<Output = Result<Vec<(Person, i64)>, StoreError>> + Send;
    fn set_national_admin(
        &self,
        person_id: i64,
        national_admin: bool,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Stores a token for an emailed link of the given purpose.
    fn insert_token(
        &self,
        token_hash: &str,
        person_id: i64,
        purpose: TokenPurpose,
        new_email: Option<&str>,
        expires_at: UnixTime,
        now: UnixTime,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Uses an unused, unexpired token of this purpose, once.
    fn consume_token(
        &self,
        token_hash: &str,
        purpose: TokenPurpose,
        now: UnixTime,
    ) -> impl Future<Output = Result<Option<UsedToken>, StoreError>> + Send;
    /// The name the person chose to be shown (empty fields when none).
    fn person_name(
        &self,
        person_id: i64,
    ) -> impl Future<Output = Result<PersonName, StoreError>> + Send;
    fn set_person_name(
        &self,
        person_id: i64,
        name: &PersonName,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Whether the person chose Easy Read for pages and emails.
    fn easy_read(&self, person_id: i64) -> impl Future<Output = Result<bool, StoreError>> + Send;
    fn set_easy_read(
        &self,
        person_id: i64,
        on: bool,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Whether a token of this purpose would work now (unused, unexpired), without using it.
    fn token_works(
        &self,
        token_hash: &str,
        purpose: TokenPurpose,
        now: UnixTime,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
}

impl PeopleRepo for Store {
    async fn easy_read(&self, person_id: i64) -> Result<bool, StoreError> {
        let on: Option<i64> = sqlx::query_scalar("SELECT easy_read FROM people WHERE id = $1")
            .bind(person_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(on.unwrap_or(0) != 0)
    }

    async fn set_easy_read(&self, person_id: i64, on: bool) -> Result<(), StoreError> {
        sqlx::query("UPDATE people SET easy_read = $1 WHERE id = $2")
            .bind(i64::from(on))
            .bind(person_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn person_name(&self, person_id: i64) -> Result<PersonName, StoreError> {
        let row: Option<(Option<String>, Option<String>, i64)> =
            sqlx::query_as("SELECT display_name, pronouns, name_public FROM people WHERE id = $1")
                .bind(person_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row
            .map(|(display_name, pronouns, public)| PersonName {
                display_name: display_name.unwrap_or_default(),
                pronouns: pronouns.unwrap_or_default(),
                name_public: public != 0,
            })
            .unwrap_or_default())
    }

    async fn set_person_name(&self, person_id: i64, name: &PersonName) -> Result<(), StoreError> {
        let optional = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        sqlx::query(
            "UPDATE people SET display_name = $1, pronouns = $2, name_public = $3 WHERE id = $4",
        )
        .bind(optional(&name.display_name))
        .bind(optional(&name.pronouns))
        .bind(i64::from(name.name_public))
        .bind(person_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

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

    async fn person_by_email(&self, email: &str) -> Result<Option<Person>, StoreError> {
        let row: Option<(i64, String, i64)> =
            sqlx::query_as("SELECT id, email, is_national_admin FROM people WHERE email = $1")
                .bind(email)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|(id, email, admin)| Person {
            id,
            email,
            is_national_admin: admin != 0,
        }))
    }

    async fn password_hash(&self, person_id: i64) -> Result<Option<String>, StoreError> {
        let hash: Option<Option<String>> =
            sqlx::query_scalar("SELECT password_hash FROM people WHERE id = $1")
                .bind(person_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(hash.flatten())
    }

    async fn set_password_hash(&self, person_id: i64, hash: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE people SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(person_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn set_email(&self, person_id: i64, email: &str) -> Result<(), StoreError> {
        let taken: Option<i64> =
            sqlx::query_scalar("SELECT id FROM people WHERE email = $1 AND id <> $2")
                .bind(email)
                .bind(person_id)
                .fetch_optional(&self.pool)
                .await?;
        if taken.is_some() {
            return Err(StoreError::AlreadyExists(
                "another account uses that email address".into(),
            ));
        }
        sqlx::query("UPDATE people SET email = $1 WHERE id = $2")
            .bind(email)
            .bind(person_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn delete_person(&self, person_id: i64) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let email: Option<String> = sqlx::query_scalar("SELECT email FROM people WHERE id = $1")
            .bind(person_id)
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(email) = email {
            crate::personal_data::scrub_address(&mut tx, &email).await?;
        }
        sqlx::query("DELETE FROM sessions WHERE person_id = $1")
            .bind(person_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM people WHERE id = $1")
            .bind(person_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn people(&self) -> Result<Vec<(Person, i64)>, StoreError> {
        let rows: Vec<(i64, String, i64, i64)> = sqlx::query_as(
            "SELECT p.id, p.email, p.is_national_admin, \
               (SELECT COUNT(*) FROM memberships m WHERE m.person_id = p.id) \
             FROM people p ORDER BY p.email",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, email, admin, organisations)| {
                (
                    Person {
                        id,
                        email,
                        is_national_admin: admin != 0,
                    },
                    organisations,
                )
            })
            .collect())
    }

    async fn set_national_admin(
        &self,
        person_id: i64,
        national_admin: bool,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE people SET is_national_admin = $1 WHERE id = $2")
            .bind(i64::from(national_admin))
            .bind(person_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn insert_token(
        &self,
        token_hash: &str,
        person_id: i64,
        purpose: TokenPurpose,
        new_email: Option<&str>,
        expires_at: UnixTime,
        now: UnixTime,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sign_in_tokens (token_hash, person_id, expires_at, created_at, purpose, new_email) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token_hash)
        .bind(person_id)
        .bind(expires_at)
        .bind(now)
        .bind(purpose.key())
        .bind(new_email)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn consume_token(
        &self,
        token_hash: &str,
        purpose: TokenPurpose,
        now: UnixTime,
    ) -> Result<Option<UsedToken>, StoreError> {
        let row: Option<(i64, Option<String>)> = sqlx::query_as(
            "UPDATE sign_in_tokens SET used_at = $1 \
             WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1 \
             RETURNING person_id, new_email",
        )
        .bind(now)
        .bind(token_hash)
        .bind(purpose.key())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(person_id, new_email)| UsedToken {
            person_id,
            new_email,
        }))
    }

    async fn token_works(
        &self,
        token_hash: &str,
        purpose: TokenPurpose,
        now: UnixTime,
    ) -> Result<bool, StoreError> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT person_id FROM sign_in_tokens \
             WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3",
        )
        .bind(token_hash)
        .bind(purpose.key())
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        Ok(found.is_some())
    }
}
