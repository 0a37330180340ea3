//! Postcodes loaded by the operator from the ONS Postcode Directory, for "find the nearest".

use std::future::Future;

use crate::{Store, StoreError, UnixTime};

/// One live English postcode: where it is and which councils are responsible.
#[derive(Debug, Clone, PartialEq)]
pub struct PostcodeRow {
    /// In its usual form, "CB2 1TN".
    pub postcode: String,
    pub district_code: String,
    pub council_code: String,
    pub latitude: f64,
    pub longitude: f64,
}

/// Rows written per statement (6 values each, well under both engines' limits).
const ROWS_PER_INSERT: usize = 500;

pub trait PostcodeRepo {
    /// How many postcodes are loaded (0: postcode search is not set up).
    fn postcode_count(&self) -> impl Future<Output = Result<i64, StoreError>> + Send;
    /// Whether any are (cheap, unlike counting a million rows).
    fn postcodes_loaded(&self) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// The postcode, in its usual form.
    fn find_postcode(
        &self,
        postcode: &str,
    ) -> impl Future<Output = Result<Option<PostcodeRow>, StoreError>> + Send;
    /// Adds or refreshes postcodes, marking them as seen by the import that started at `import`.
    fn save_postcodes(
        &self,
        rows: &[PostcodeRow],
        import: UnixTime,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Removes these postcodes (no longer in use). Returns how many were there.
    fn remove_postcodes(
        &self,
        postcodes: &[String],
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;
}

impl PostcodeRepo for Store {
    async fn postcode_count(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM postcodes")
            .fetch_one(&self.pool)
            .await?)
    }

    async fn postcodes_loaded(&self) -> Result<bool, StoreError> {
        let any: Option<i64> = sqlx::query_scalar("SELECT 1 FROM postcodes LIMIT 1")
            .fetch_optional(&self.pool)
            .await?;
        Ok(any.is_some())
    }

    async fn find_postcode(&self, postcode: &str) -> Result<Option<PostcodeRow>, StoreError> {
        let row: Option<(String, String, String, f64, f64)> = sqlx::query_as(
            "SELECT postcode, district_code, council_code, latitude, longitude \
             FROM postcodes WHERE postcode = $1",
        )
        .bind(postcode)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(
            |(postcode, district_code, council_code, latitude, longitude)| PostcodeRow {
                postcode,
                district_code,
                council_code,
                latitude,
                longitude,
            },
        ))
    }

    async fn save_postcodes(
        &self,
        rows: &[PostcodeRow],
        import: UnixTime,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            // Numbered placeholders ($1, $2, …), which both engines read.
            let values: Vec<String> = (0..chunk.len())
                .map(|i| {
                    let n = i * 6;
                    format!(
                        "(${}, ${}, ${}, ${}, ${}, ${})",
                        n + 1,
                        n + 2,
                        n + 3,
                        n + 4,
                        n + 5,
                        n + 6
                    )
                })
                .collect();
            let sql = format!(
                "INSERT INTO postcodes \
                 (postcode, district_code, council_code, latitude, longitude, loaded_at) \
                 VALUES {} ON CONFLICT (postcode) DO UPDATE SET \
                 district_code = excluded.district_code, council_code = excluded.council_code, \
                 latitude = excluded.latitude, longitude = excluded.longitude, \
                 loaded_at = excluded.loaded_at",
                values.join(", ")
            );
            let mut insert = sqlx::query(sqlx::AssertSqlSafe(sql));
            for p in chunk {
                insert = insert
                    .bind(p.postcode.clone())
                    .bind(p.district_code.clone())
                    .bind(p.council_code.clone())
                    .bind(p.latitude)
                    .bind(p.longitude)
                    .bind(import);
            }
            insert.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn remove_postcodes(&self, postcodes: &[String]) -> Result<u64, StoreError> {
        let mut removed = 0;
        let mut tx = self.begin_write().await?;
        for chunk in postcodes.chunks(ROWS_PER_INSERT) {
            let list: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
            let sql = format!(
                "DELETE FROM postcodes WHERE postcode IN ({})",
                list.join(", ")
            );
            let mut delete = sqlx::query(sqlx::AssertSqlSafe(sql));
            for p in chunk {
                delete = delete.bind(p.clone());
            }
            removed += delete.execute(&mut *tx).await?.rows_affected();
        }
        tx.commit().await?;
        Ok(removed)
    }
}
