//! Operations on the whole database: a consistent backup of a live SQLite database, putting a
//! backup back, and comparing two databases by content (`mir backup`, `mir restore`,
//! `mir verify`; docs/operations.md).
//!
//! The comparison reads every application table and digests each row's values as text, so two
//! databases compare equal exactly when every table holds the same rows, whatever the engines.
//! It works on either engine, so a PostgreSQL `pg_dump` / `pg_restore` round trip is checked
//! with the same tool.

use std::path::Path;

use futures_util::TryStreamExt;
use sha2::{Digest, Sha256};
use sqlx::{Column, Row, TypeInfo};

use crate::{Engine, Store, StoreError};

/// What one table holds, in short: how many rows and a digest of all of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableDigest {
    pub table: String,
    pub rows: i64,
    /// SHA-256 of the sorted SHA-256s of every row's values as text.
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
    pub async fn table_names(&self) -> Result<Vec<String>, StoreError> {
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

    /// The columns of `table` in the catalogue's order, with the kind of value each holds; not
    /// PostgreSQL's derived full-text `document`, which is made from the other columns.
    async fn column_kinds(&self, table: &str) -> Result<Vec<(String, ColumnKind)>, StoreError> {
        let columns: Vec<(String, String)> = match self.engine() {
            Engine::Sqlite => {
                sqlx::query_as("SELECT name, type FROM pragma_table_info($1) ORDER BY cid")
                    .bind(table)
                    .fetch_all(&self.pool)
                    .await?
            }
            Engine::Postgres => {
                sqlx::query_as(
                    "SELECT column_name::TEXT, data_type::TEXT FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND table_name = $1 \
                     AND data_type <> 'tsvector' ORDER BY ordinal_position",
                )
                .bind(table)
                .fetch_all(&self.pool)
                .await?
            }
        };
        Ok(columns
            .into_iter()
            .map(|(name, declared)| (name, ColumnKind::of(&declared)))
            .collect())
    }

    /// The application's tables, each after the tables it refers to (foreign keys), so rows
    /// can be written in this order and removed in the reverse.
    async fn tables_in_dependency_order(&self) -> Result<Vec<String>, StoreError> {
        let tables = self.table_names().await?;
        let mut edges: Vec<(String, String)> = Vec::new();
        match self.engine() {
            Engine::Sqlite => {
                for t in &tables {
                    let parents: Vec<String> =
                        sqlx::query_scalar("SELECT \"table\" FROM pragma_foreign_key_list($1)")
                            .bind(t)
                            .fetch_all(&self.pool)
                            .await?;
                    edges.extend(parents.into_iter().map(|p| (t.clone(), p)));
                }
            }
            Engine::Postgres => {
                edges = sqlx::query_as(
                    "SELECT child.relname::TEXT, parent.relname::TEXT FROM pg_constraint c \
                     JOIN pg_class child ON child.oid = c.conrelid \
                     JOIN pg_class parent ON parent.oid = c.confrelid \
                     JOIN pg_namespace n ON n.oid = child.relnamespace \
                     WHERE c.contype = 'f' AND n.nspname = current_schema()",
                )
                .fetch_all(&self.pool)
                .await?;
            }
        }
        let mut ordered: Vec<String> = Vec::new();
        let mut left = tables;
        while !left.is_empty() {
            let before = left.len();
            let (ready, waiting): (Vec<String>, Vec<String>) = left.into_iter().partition(|t| {
                edges
                    .iter()
                    .filter(|(child, parent)| child == t && parent != t)
                    .all(|(_, parent)| ordered.contains(parent))
            });
            ordered.extend(ready);
            left = waiting;
            if left.len() == before {
                // A cycle (none today): keep going in name order rather than stop.
                ordered.append(&mut left);
            }
        }
        Ok(ordered)
    }

    /// Copies every application table into `target` (an empty mir database on either engine,
    /// its schema up to date), in one transaction on the target: all or nothing. Tables named
    /// in `skip` are left out (e.g. `sessions`). Returns the rows copied per table.
    pub async fn copy_into(
        &self,
        target: &Store,
        skip: &[&str],
        progress: crate::Progress<'_>,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let tables: Vec<String> = target
            .tables_in_dependency_order()
            .await?
            .into_iter()
            .filter(|t| !skip.contains(&t.as_str()))
            .collect();
        let source_tables = self.table_names().await?;
        // Counted first, so progress can say how much is left.
        let mut total = 0_u64;
        for table in tables.iter().filter(|t| source_tables.contains(t)) {
            let rows: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT COUNT(*) FROM \"{table}\""
            )))
            .fetch_one(&self.pool)
            .await?;
            total += u64::try_from(rows).unwrap_or(0);
        }
        let mut copied_rows = 0_u64;
        let mut tx = target.begin_write().await?;
        // A new database may hold rows its migrations wrote (settings): the copy replaces them.
        for table in tables.iter().rev() {
            sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM \"{table}\"")))
                .execute(&mut *tx)
                .await?;
        }
        let overriding = match target.engine() {
            Engine::Postgres => " OVERRIDING SYSTEM VALUE",
            Engine::Sqlite => "",
        };
        let mut copied = Vec::new();
        for table in &tables {
            if !source_tables.contains(table) {
                continue;
            }
            let source_columns = self.column_kinds(table).await?;
            // Each value is written as the target declares its column; where the target does
            // not say (SQLite's full-text table), as the source holds it.
            let columns: Vec<(String, ColumnKind)> = target
                .column_kinds(table)
                .await?
                .into_iter()
                .filter_map(|(n, kind)| {
                    let (_, from) = source_columns.iter().find(|(s, _)| *s == n)?;
                    Some((
                        n,
                        if kind == ColumnKind::Untyped {
                            *from
                        } else {
                            kind
                        },
                    ))
                })
                .collect();
            if columns.is_empty() {
                continue;
            }
            let list = columns
                .iter()
                .map(|(c, _)| format!("\"{c}\""))
                .collect::<Vec<_>>()
                .join(", ");
            let mut rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {list} FROM \"{table}\""
            )))
            .fetch(&self.pool);
            let mut batch: Vec<sqlx::any::AnyRow> = Vec::new();
            let mut count = 0_i64;
            loop {
                let next = rows.try_next().await?;
                let done = next.is_none();
                if let Some(row) = next {
                    batch.push(row);
                }
                if batch.len() >= ROWS_PER_COPY || (done && !batch.is_empty()) {
                    count += i64::try_from(batch.len()).unwrap_or(0);
                    insert_batch(&mut tx, table, &list, overriding, &columns, &batch).await?;
                    copied_rows += u64::try_from(batch.len()).unwrap_or(0);
                    progress(table, copied_rows, total);
                    batch.clear();
                }
                if done {
                    break;
                }
            }
            copied.push((table.clone(), count));
        }
        if target.engine() == Engine::Postgres {
            // Identity columns continue after the copied ids.
            for table in &tables {
                let has_id = target
                    .column_kinds(table)
                    .await?
                    .iter()
                    .any(|(name, kind)| name == "id" && *kind == ColumnKind::Integer);
                if !has_id {
                    continue;
                }
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT setval(s, (SELECT COALESCE(MAX(id), 0) + 1 FROM \"{table}\"), false) \
                     FROM pg_get_serial_sequence('{table}', 'id') s WHERE s IS NOT NULL"
                )))
                .fetch_all(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        target.forget_public_index();
        Ok(copied)
    }

    /// Every application table's row count and digest, by table name.
    pub async fn content_digest(&self) -> Result<Vec<TableDigest>, StoreError> {
        self.content_digest_with(crate::NO_PROGRESS).await
    }

    /// The same, telling `progress` which table it has reached (tables done, of how many).
    pub async fn content_digest_with(
        &self,
        progress: crate::Progress<'_>,
    ) -> Result<Vec<TableDigest>, StoreError> {
        let mut out = Vec::new();
        let tables = self.table_names().await?;
        let count = u64::try_from(tables.len()).unwrap_or(0);
        for (n, table) in tables.into_iter().enumerate() {
            progress(&table, u64::try_from(n).unwrap_or(0), count);
            let mut columns: Vec<String> = self
                .column_kinds(&table)
                .await?
                .into_iter()
                .map(|(name, _)| name)
                .collect();
            // By name: the engines may list a table's columns in different orders.
            columns.sort();
            if columns.is_empty() {
                continue;
            }
            // Names come from the database's own catalogue, quoted; nothing typed reaches here.
            let list = columns
                .iter()
                .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!("SELECT {list} FROM \"{table}\"");
            let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch(&self.pool);
            // Each row digested on its own (streamed: a million rows never sit in memory), then
            // the row digests sorted: the result does not depend on the order either engine
            // returns rows in.
            let mut row_digests: Vec<[u8; 32]> = Vec::new();
            while let Some(row) = rows.try_next().await? {
                let mut hash = Sha256::new();
                for n in 0..row.columns().len() {
                    hash.update(value_text(&row, n).as_bytes());
                    hash.update([0x1f]);
                }
                row_digests.push(hash.finalize().into());
            }
            drop(rows);
            row_digests.sort_unstable();
            let mut hash = Sha256::new();
            for d in &row_digests {
                hash.update(d);
            }
            out.push(TableDigest {
                table,
                rows: i64::try_from(row_digests.len()).unwrap_or(i64::MAX),
                digest: hex(&hash.finalize()),
            });
        }
        progress("done", count, count);
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

/// Rows written per INSERT when copying (well under both engines' limits on parameters).
const ROWS_PER_COPY: usize = 200;

/// What a column holds, as both engines declare it: the type a value is read and written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ColumnKind {
    Integer,
    Real,
    Text,
    Bytes,
    /// Declared without a type (SQLite's full-text table): whatever is stored.
    Untyped,
}

impl ColumnKind {
    fn of(declared: &str) -> ColumnKind {
        let d = declared.to_ascii_lowercase();
        if d.is_empty() {
            ColumnKind::Untyped
        } else if d.contains("int") || d == "boolean" {
            ColumnKind::Integer
        } else if d.contains("real")
            || d.contains("double")
            || d.contains("float")
            || d == "numeric"
        {
            ColumnKind::Real
        } else if d.contains("blob") || d == "bytea" {
            ColumnKind::Bytes
        } else {
            // TEXT, VARCHAR and the like.
            ColumnKind::Text
        }
    }
}

/// One multi-row INSERT of `rows` into `table`, each value read and bound as its column's kind.
async fn insert_batch(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    table: &str,
    list: &str,
    overriding: &str,
    columns: &[(String, ColumnKind)],
    rows: &[sqlx::any::AnyRow],
) -> Result<(), StoreError> {
    let width = columns.len();
    let values = (0..rows.len())
        .map(|r| {
            let params = (1..=width)
                .map(|c| format!("${}", r * width + c))
                .collect::<Vec<_>>()
                .join(", ");
            format!("({params})")
        })
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!("INSERT INTO \"{table}\" ({list}){overriding} VALUES {values}");
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for row in rows {
        for (n, (name, kind)) in columns.iter().enumerate() {
            let wrong = |e: sqlx::Error| StoreError::Corrupt(format!("{table}.{name}: {e}"));
            query = match kind {
                ColumnKind::Integer => query.bind(read_integer(row, n).map_err(wrong)?),
                ColumnKind::Real => query.bind(row.try_get::<Option<f64>, _>(n).map_err(wrong)?),
                ColumnKind::Text => query.bind(row.try_get::<Option<String>, _>(n).map_err(wrong)?),
                // Both sides untyped (SQLite's full-text table to another SQLite file): each
                // value as it is stored, text or a number.
                ColumnKind::Untyped => match row.try_get::<Option<String>, _>(n) {
                    Ok(text) => query.bind(text),
                    Err(_) => match row.try_get::<Option<i64>, _>(n) {
                        Ok(number) => query.bind(number),
                        Err(_) => query.bind(row.try_get::<Option<f64>, _>(n).map_err(wrong)?),
                    },
                },
                ColumnKind::Bytes => {
                    query.bind(row.try_get::<Option<Vec<u8>>, _>(n).map_err(wrong)?)
                }
            };
        }
    }
    query.execute(&mut **tx).await?;
    Ok(())
}

/// An integer column's value; PostgreSQL booleans (if any) read as 0 or 1.
fn read_integer(row: &sqlx::any::AnyRow, n: usize) -> Result<Option<i64>, sqlx::Error> {
    match row.try_get::<Option<i64>, _>(n) {
        Ok(v) => Ok(v),
        Err(e) => match row.try_get::<Option<bool>, _>(n) {
            Ok(v) => Ok(v.map(i64::from)),
            Err(_) => Err(e),
        },
    }
}

/// A value as text whatever its type: NULL, integers and reals in their shortest form, text
/// as it is, bytes in hex. Integers stored as reals (or booleans) read the same on both engines.
fn value_text(row: &sqlx::any::AnyRow, n: usize) -> String {
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
    format!("<{}>", row.columns()[n].type_info().name())
}

fn hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}
