//! Framework files uploaded in the browser, kept between preview and publication.

use std::future::Future;

use crate::{PictureFile, Store, StoreError, UnixTime};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameworkUpload {
    pub id: i64,
    pub person_id: i64,
    pub file_name: String,
    pub source: String,
    pub pictures: Vec<PictureFile>,
}

pub trait FrameworkUploadRepo {
    fn insert_framework_upload(
        &self,
        person_id: i64,
        file_name: &str,
        source: &str,
        pictures: &[PictureFile],
        now: UnixTime,
    ) -> impl Future<Output = Result<i64, StoreError>> + Send;
    /// An upload, only if it belongs to `person_id`.
    fn framework_upload(
        &self,
        id: i64,
        person_id: i64,
    ) -> impl Future<Output = Result<Option<FrameworkUpload>, StoreError>> + Send;
    fn delete_framework_upload(
        &self,
        id: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Replaces an upload's file (a draft whose Easy Read was written in the browser); only
    /// `person_id`'s own. `false` if there is no such upload.
    fn replace_framework_upload_source(
        &self,
        id: i64,
        person_id: i64,
        source: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
}

impl FrameworkUploadRepo for Store {
    async fn insert_framework_upload(
        &self,
        person_id: i64,
        file_name: &str,
        source: &str,
        pictures: &[PictureFile],
        now: UnixTime,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO framework_uploads (person_id, file_name, source, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(person_id)
        .bind(file_name)
        .bind(source)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        for picture in pictures {
            sqlx::query(
                "INSERT INTO framework_upload_pictures (upload_id, file_name, content_type, bytes) VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(&picture.file_name)
            .bind(&picture.content_type)
            .bind(&picture.bytes)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    async fn framework_upload(
        &self,
        id: i64,
        person_id: i64,
    ) -> Result<Option<FrameworkUpload>, StoreError> {
        let row: Option<(String, String)> = sqlx::query_as(
            "SELECT file_name, source FROM framework_uploads WHERE id = $1 AND person_id = $2",
        )
        .bind(id)
        .bind(person_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some((file_name, source)) = row else {
            return Ok(None);
        };
        let pictures = sqlx::query_as::<_, (String, String, Vec<u8>)>(
            "SELECT file_name, content_type, bytes FROM framework_upload_pictures WHERE upload_id = $1 ORDER BY file_name",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(|(file_name, content_type, bytes)| PictureFile { file_name, content_type, bytes })
        .collect();
        Ok(Some(FrameworkUpload {
            id,
            person_id,
            file_name,
            source,
            pictures,
        }))
    }

    async fn replace_framework_upload_source(
        &self,
        id: i64,
        person_id: i64,
        source: &str,
    ) -> Result<bool, StoreError> {
        let changed = sqlx::query(
            "UPDATE framework_uploads SET source = $1 WHERE id = $2 AND person_id = $3",
        )
        .bind(source)
        .bind(id)
        .bind(person_id)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(changed == 1)
    }

    async fn delete_framework_upload(&self, id: i64) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM framework_uploads WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
