use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mir_domain::framework::Framework;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};

use crate::{DatabaseUrl, Engine, StoreError};

/// The migrations, tolerating ones applied by a newer mir: during an upgrade, servers are
/// replaced one at a time and mir's migrations only add, so an old server that restarts
/// mid-upgrade keeps serving instead of refusing the database (docs/operations.md, Upgrades).
static SQLITE_MIGRATIONS: std::sync::LazyLock<Migrator> = std::sync::LazyLock::new(|| {
    let mut migrator = sqlx::migrate!("./migrations/sqlite");
    migrator.set_ignore_missing(true);
    migrator
});
static POSTGRES_MIGRATIONS: std::sync::LazyLock<Migrator> = std::sync::LazyLock::new(|| {
    let mut migrator = sqlx::migrate!("./migrations/postgres");
    migrator.set_ignore_missing(true);
    migrator
});

/// Framework versions loaded so far, by (slug, version), each shared by every page using it.
type LoadedFrameworks = HashMap<(String, String), Arc<Framework>>;

/// The database: a connection pool and the engine behind it. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) pool: AnyPool,
    engine: Engine,
    /// Framework versions already loaded: they never change once imported.
    frameworks: Arc<Mutex<LoadedFrameworks>>,
    /// The directory's and "who else"'s view of every public organisation, in memory.
    pub(crate) public_index: Arc<crate::public_index::IndexCell>,
    /// Moved on by every change this process makes or hears of (see `changes`).
    pub(crate) changes: crate::changes::Changes,
    /// Moved on by every change to public data (see `changes`).
    pub(crate) public_changes: crate::changes::Changes,
    /// This process's name in change notifications, so it ignores its own.
    pub(crate) server_id: Arc<str>,
    /// The PostgreSQL notification channel for this deployment's schema, found on first use.
    pub(crate) change_channel: Arc<std::sync::OnceLock<String>>,
    /// Change notices on their way to other servers (see `tell_other_servers_soon`).
    pub(crate) pending_notices: Arc<std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl Store {
    pub(crate) fn cached_framework(&self, key: &(String, String)) -> Option<Arc<Framework>> {
        self.frameworks
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(key)
            .cloned()
    }

    pub(crate) fn cache_framework(&self, key: (String, String), framework: Arc<Framework>) {
        self.frameworks
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(key, framework);
    }

    /// Connects, creating an SQLite file if the URL asks for it (`mode=rwc`).
    pub async fn connect(url: &DatabaseUrl) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let engine = url.engine();
        let options: AnyConnectOptions = url.expose().parse()?;
        let pool = AnyPoolOptions::new()
            .max_connections(match engine {
                // One writer at a time in SQLite; a few readers beside it in WAL mode.
                Engine::Sqlite => 8,
                Engine::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if engine == Engine::Sqlite {
                        // Per connection: WAL lets readers work during a write, foreign keys
                        // are off by default in SQLite, and a busy timeout queues writers
                        // instead of failing them.
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
                             PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL; \
                             PRAGMA cache_size = -512;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Store {
            pool,
            engine,
            frameworks: Arc::default(),
            public_index: Arc::default(),
            changes: crate::changes::Changes::default(),
            public_changes: crate::changes::Changes::default(),
            server_id: crate::changes::new_server_id().into(),
            change_channel: Arc::default(),
            pending_notices: Arc::default(),
        })
    }

    /// Begins a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a plain `BEGIN` reads first and then fails with "database is locked"
    /// when another connection wrote meanwhile, without waiting (the busy timeout cannot help a
    /// transaction that already read). The kill -9 drill found this under concurrent writers.
    pub(crate) async fn begin_write(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.engine {
            Engine::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Engine::Postgres => self.pool.begin().await,
        }
    }

    /// Opens one connection and closes it, so that a failure says why (refused, wrong
    /// password, no such database) rather than only that the pool timed out. For `mir check`.
    pub async fn probe(url: &DatabaseUrl) -> Result<(), StoreError> {
        use sqlx::Connection;
        sqlx::any::install_default_drivers();
        let connection = sqlx::AnyConnection::connect(url.expose()).await?;
        connection.close().await?;
        Ok(())
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Brings the schema up to date. Safe to run at every start and from several servers.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let migrator = match self.engine {
            Engine::Sqlite => &*SQLITE_MIGRATIONS,
            Engine::Postgres => &*POSTGRES_MIGRATIONS,
        };
        migrator.run(&self.pool).await?;
        Ok(())
    }

    /// Migrations this version of mir has that the database has not had yet (`mir check`).
    /// A database never migrated has them all.
    pub async fn pending_migrations(&self) -> Result<usize, StoreError> {
        let migrator = match self.engine {
            Engine::Sqlite => &*SQLITE_MIGRATIONS,
            Engine::Postgres => &*POSTGRES_MIGRATIONS,
        };
        let applied: Vec<i64> =
            match sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success = TRUE")
                .fetch_all(&self.pool)
                .await
            {
                Ok(applied) => applied,
                // No table yet: nothing has been applied.
                Err(sqlx::Error::Database(_)) => Vec::new(),
                Err(error) => return Err(error.into()),
            };
        Ok(migrator
            .iter()
            .filter(|m| !applied.contains(&m.version))
            .count())
    }

    /// Migrations applied in the database that this version of mir does not know: it is newer
    /// than this binary (an upgrade was rolled back?).
    pub async fn unknown_migrations(&self) -> Result<usize, StoreError> {
        let migrator = match self.engine {
            Engine::Sqlite => &*SQLITE_MIGRATIONS,
            Engine::Postgres => &*POSTGRES_MIGRATIONS,
        };
        let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM _sqlx_migrations")
            .fetch_all(&self.pool)
            .await
            .unwrap_or_default();
        Ok(applied
            .iter()
            .filter(|v| !migrator.iter().any(|m| m.version == **v))
            .count())
    }

    /// Answers when the database does: used by `/healthz`.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Reads one SQLite pragma or PostgreSQL setting, for tests and diagnostics.
    pub async fn setting(&self, name: &str) -> Result<String, StoreError> {
        let sql = match (self.engine, name) {
            (Engine::Sqlite, "journal_mode") => "SELECT journal_mode FROM pragma_journal_mode",
            (Engine::Sqlite, "foreign_keys") => {
                "SELECT CAST(foreign_keys AS TEXT) FROM pragma_foreign_keys"
            }
            (Engine::Sqlite, "busy_timeout") => {
                "SELECT CAST(timeout AS TEXT) FROM pragma_busy_timeout"
            }
            (Engine::Postgres, "search_path") => "SELECT current_setting('search_path')",
            _ => return Err(StoreError::Corrupt(format!("unknown setting {name}"))),
        };
        let value: String = sqlx::query_scalar(sql).fetch_one(&self.pool).await?;
        Ok(value)
    }

    /// Sends the change notices still on their way, then closes every connection.
    pub async fn close(&self) {
        let pending: Vec<_> = std::mem::take(
            &mut *self
                .pending_notices
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        );
        for notice in pending {
            let _ = notice.await;
        }
        self.pool.close().await;
    }
}
