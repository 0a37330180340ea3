//! Operations on the whole database: a consistent backup of a live SQLite database, putting a
//! backup back, and comparing two databases by content (`mir backup`, `mir restore`,
//! `mir verify`; docs/operations.md).
//!
//! The comparison reads every application table in a fixed order and digests each row's
//! values as text, so two databases compare equal exactly when every table holds the same rows.
//! It works on either engine, so a PostgreSQL `pg_dump` / `pg_restore` round trip is checked
//! with the same tool.

use std::path::Path;

use sha2::{Digest, Sha256};
use sqlx::{Column, Row, TypeInfo};

use crate::{Engine, Store, StoreError};

/// What one table holds, in short: how many rows and a digest of all of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableDigest {
    pub table: String,
    pub rows: i64,
    /// SHA-256 of every row's values as text, rows in order of all columns.
    pub digest: String,
}

/// Tables that are not the application's data: the migration ledger, SQLite's statistics, and
/// the full-text index's internal tables (the index itself is compared by its rows).
fn is_internal(table: &str) -> bool {
    table.starts_with("_sqlx")
        || table.starts_with("sqlite_")
        || [
            "search_index_data",
            "search_index_idx",
            "search_index_content",
            "search_index_docsize",
            "search_index_config",
        ]
        .contains(&table)
}

impl Store {
    /// The application's tables, sorted by name.
    async fn table_names(&self) -> Result<Vec<String>, StoreError> {
        let sql = match self.engine() {
            Engine::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
            Engine::Postgres => {
                "SELECT table_name::TEXT FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
            }
        };
        let names: Vec<String> = sqlx::query_scalar(sql).fetch_all(&self.pool).await?;
        Ok(names.into_iter().filter(|n| !is_internal(n)).collect())
    }

    /// The columns of `table` that hold data both engines can read as text or numbers (not
    /// PostgreSQL's derived full-text `document`, which is made from the other columns).
    async fn comparable_columns(&self, table: &str) -> Result<Vec<String>, StoreError> {
        let columns: Vec<String> = match self.engine() {
            Engine::Sqlite => {
                sqlx::query_scalar("SELECT name FROM pragma_table_info($1) ORDER BY cid")
                    .bind(table)
                    .fetch_all(&self.pool)
                    .await?
            }
            Engine::Postgres => {
                sqlx::query_scalar(
                    "SELECT column_name::TEXT FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND table_name = $1 \
                     AND data_type <> 'tsvector' ORDER BY ordinal_position",
                )
                .bind(table)
                .fetch_all(&self.pool)
                .await?
            }
        };
        Ok(columns)
    }

    /// Every application table's row count and digest, by table name.
    pub async fn content_digest(&self) -> Result<Vec<TableDigest>, StoreError> {
        let mut out = Vec::new();
        for table in self.table_names().await? {
            let columns = self.comparable_columns(&table).await?;
            if columns.is_empty() {
                continue;
            }
            // Names come from the database's own catalogue, quoted; nothing typed reaches here.
            let list = columns
                .iter()
                .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
                .collect::<Vec<_>>()
                .join(", ");
            let order = (1..=columns.len())
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {list} FROM \"{table}\" ORDER BY {order}"
            )))
            .fetch_all(&self.pool)
            .await?;
            let mut hash = Sha256::new();
            for row in &rows {
                for n in 0..row.columns().len() {
                    hash.update(value_text(row, n).as_bytes());
                    hash.update([0x1f]);
                }
                hash.update([0x1e]);
            }
            out.push(TableDigest {
                table,
                rows: i64::try_from(rows.len()).unwrap_or(i64::MAX),
                digest: hex(&hash.finalize()),
            });
        }
        Ok(out)
    }

    /// Whether the database holds anything a person made (people or organisations).
    pub async fn holds_data(&self) -> Result<bool, StoreError> {
        let tables = self.table_names().await?;
        for table in ["people", "organisations"] {
            if tables.iter().any(|t| t == table) {
                let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                    "SELECT COUNT(*) FROM {table}"
                )))
                .fetch_one(&self.pool)
                .await?;
                if n > 0 {
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }

    /// A consistent copy of a live SQLite database in a new file (`VACUUM INTO`: one read
    /// transaction, so writers carry on and the copy is as of one moment).
    pub async fn backup_sqlite_into(&self, file: &Path) -> Result<(), StoreError> {
        if self.engine() != Engine::Sqlite {
            return Err(StoreError::Unsupported(
                "backups of PostgreSQL are made with pg_dump (see docs/operations.md)",
            ));
        }
        let target = file.to_string_lossy().into_owned();
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// SQLite's own check of a database file's structure: `ok`, or what is wrong.
    pub async fn integrity_check(&self) -> Result<String, StoreError> {
        if self.engine() != Engine::Sqlite {
            return Ok("ok".into());
        }
        let lines: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(&self.pool)
            .await?;
        Ok(lines.join("; "))
    }
}

/// A value as text whatever its type: NULL, integers and reals in their shortest form, text
/// as it is, bytes in hex. Integers stored as reals (or booleans) read the same on both engines.
fn value_text(row: &sqlx::any::AnyRow, n: usize) -> String {
    let kind = row.columns()[n].type_info().name().to_ascii_uppercase();
    if let Ok(v) = row.try_get::<Option<i64>, _>(n) {
        return v.map_or_else(|| "\u{2205}".into(), |v| v.to_string());
    }
    if let Ok(v) = row.try_get::<Option<f64>, _>(n) {
        return v.map_or_else(|| "\u{2205}".into(), |v| format!("{v}"));
    }
    if let Ok(v) = row.try_get::<Option<String>, _>(n) {
        return v.unwrap_or_else(|| "\u{2205}".into());
    }
    if let Ok(v) = row.try_get::<Option<bool>, _>(n) {
        return v.map_or_else(|| "\u{2205}".into(), |v| i64::from(v).to_string());
    }
    if let Ok(v) = row.try_get::<Option<Vec<u8>>, _>(n) {
        return v.map_or_else(|| "\u{2205}".into(), |v| hex(&v));
    }
    format!("<{kind}>")
}

fn hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}
