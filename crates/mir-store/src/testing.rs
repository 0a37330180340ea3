//! Isolated databases for tests, on both engines.
//!
//! SQLite: a fresh file in a temporary folder. PostgreSQL: a fresh schema on the server named
//! by `MIR_TEST_POSTGRES_URL`, chosen through the connection's `search_path`, so tests run in
//! parallel without seeing each other. When `CI=true` and that variable is missing, asking for a
//! PostgreSQL database fails loudly instead of skipping the PostgreSQL half.

use std::sync::atomic::{AtomicU64, Ordering};

use mir_domain::organisation::{OrganisationKind, OrganisationStatus};

use crate::{DatabaseUrl, PeopleRepo, SignUp, SignUpRepo, Store, StoreError};

/// The environment variable naming the PostgreSQL server tests use.
pub const POSTGRES_ENV: &str = "MIR_TEST_POSTGRES_URL";

static NEXT_SCHEMA: AtomicU64 = AtomicU64::new(0);

/// A migrated, empty database that lives as long as the value.
#[derive(Debug)]
pub struct TestDb {
    pub store: Store,
    pub url: DatabaseUrl,
    cleanup: Cleanup,
}

#[derive(Debug)]
enum Cleanup {
    /// The folder is removed when dropped.
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres {
        admin_url: String,
        schema: String,
    },
}

/// The PostgreSQL server for tests, if one is configured.
///
/// # Panics
/// When `CI=true` and `MIR_TEST_POSTGRES_URL` is not set: CI must never skip PostgreSQL.
pub fn postgres_url() -> Option<String> {
    match std::env::var(POSTGRES_ENV) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!(
                    "{POSTGRES_ENV} is not set but CI=true: the PostgreSQL half of the tests must run in CI"
                );
            }
            None
        }
    }
}

impl TestDb {
    pub async fn sqlite() -> Result<TestDb, StoreError> {
        let dir = tempfile::tempdir().map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let path = dir.path().join("test.db");
        let url: DatabaseUrl = format!("sqlite://{}?mode=rwc", path.display())
            .parse()
            .map_err(|e: crate::UnsupportedDatabase| StoreError::Corrupt(e.to_string()))?;
        let store = Store::connect(&url).await?;
        store.migrate().await?;
        Ok(TestDb {
            store,
            url,
            cleanup: Cleanup::Sqlite(dir),
        })
    }

    /// `None` when no PostgreSQL server is configured (outside CI).
    pub async fn postgres() -> Result<Option<TestDb>, StoreError> {
        let Some(admin_url) = postgres_url() else {
            return Ok(None);
        };
        let schema = format!(
            "mirtest_{}_{}_{}",
            std::process::id(),
            NEXT_SCHEMA.fetch_add(1, Ordering::Relaxed),
            crate::now()
        );
        let admin: DatabaseUrl = admin_url
            .parse()
            .map_err(|e: crate::UnsupportedDatabase| StoreError::Corrupt(e.to_string()))?;
        let admin_store = Store::connect(&admin).await?;
        // The schema name is made here from digits, never from input.
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&admin_store.pool)
            .await?;
        admin_store.close().await;
        let separator = if admin_url.contains('?') { '&' } else { '?' };
        let url: DatabaseUrl = format!("{admin_url}{separator}options[search_path]={schema}")
            .parse()
            .map_err(|e: crate::UnsupportedDatabase| StoreError::Corrupt(e.to_string()))?;
        let store = Store::connect(&url).await?;
        store.migrate().await?;
        Ok(Some(TestDb {
            store,
            url,
            cleanup: Cleanup::Postgres { admin_url, schema },
        }))
    }

    /// Moves every emailed link `seconds` into the past, as if that time had gone by.
    pub async fn age_links(&self, seconds: i64) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE sign_in_tokens SET expires_at = expires_at - $1, created_at = created_at - $1",
        )
        .bind(seconds)
        .execute(&self.store.pool)
        .await?;
        Ok(())
    }

    /// Moves every session `seconds` into the past: created then, and last renewed then.
    pub async fn age_sessions(&self, seconds: i64) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE sessions SET expires_at = expires_at - $1, created_at = created_at - $1",
        )
        .bind(seconds)
        .execute(&self.store.pool)
        .await?;
        Ok(())
    }

    /// Moves every session's creation `seconds` into the past, as if it had been kept busy
    /// (renewed) all along.
    pub async fn age_session_creation(&self, seconds: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET created_at = created_at - $1")
            .bind(seconds)
            .execute(&self.store.pool)
            .await?;
        Ok(())
    }

    /// Moves every membership (joining, and becoming co-chair) `seconds` into the past.
    pub async fn age_memberships(&self, seconds: i64) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE memberships SET created_at = created_at - $1, co_chair_since = co_chair_since - $1",
        )
        .bind(seconds)
        .execute(&self.store.pool)
        .await?;
        Ok(())
    }

    /// Makes every waiting email due now, as if its backoff had passed.
    pub async fn make_mail_due(&self) -> Result<(), StoreError> {
        sqlx::query("UPDATE mail_outbox SET next_attempt_at = 0 WHERE gave_up_at IS NULL")
            .execute(&self.store.pool)
            .await?;
        Ok(())
    }

    /// How long each stored emailed link lasts, in seconds.
    pub async fn link_lifetimes(&self) -> Result<Vec<i64>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT expires_at - created_at FROM sign_in_tokens")
                .fetch_all(&self.store.pool)
                .await?,
        )
    }

    /// Drops a PostgreSQL schema (SQLite files go with the value). Call at the end of a test.
    pub async fn cleanup(self) {
        self.store.close().await;
        if let Cleanup::Postgres { admin_url, schema } = self.cleanup {
            let Ok(admin) = admin_url.parse::<DatabaseUrl>() else {
                return;
            };
            if let Ok(store) = Store::connect(&admin).await {
                let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP SCHEMA IF EXISTS {schema} CASCADE"
                )))
                .execute(&store.pool)
                .await;
                store.close().await;
            }
        }
    }
}

/// A sign-up as tests make them: a care provider in Hartlepool (`E06000001`) working with the
/// demonstration framework. Change a field with `SignUp { kind, ..sign_up("Name") }`.
pub fn sign_up(name: &str) -> SignUp {
    SignUp {
        name: name.into(),
        kind: OrganisationKind::CareProvider,
        areas: vec!["E06000001".into()],
        website: None,
        framework_slug: "demonstration".into(),
        framework_version: "2026.1".into(),
        commitment: "We will listen.".into(),
    }
}

/// Signs `sign_up` up with `admin_email` as its administrator, approved by the national team
/// when `approved`. Returns (organisation id, administrator's person id). Panics on a storage
/// error: for tests only.
pub async fn signed_up(
    store: &Store,
    sign_up: &SignUp,
    admin_email: &str,
    approved: bool,
) -> (i64, i64) {
    let admin = store
        .upsert_person(admin_email, false, 1)
        .await
        .expect("a test person");
    let (id, _) = store
        .create_signed_up_organisation(sign_up, admin.id, 1)
        .await
        .expect("a test organisation");
    if approved {
        store
            .decide_organisation(id, OrganisationStatus::Approved, None, 2)
            .await
            .expect("approved");
    }
    (id, admin.id)
}
