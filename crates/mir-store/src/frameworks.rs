//! Statement frameworks: importing a version atomically, listing versions, loading one whole.

use std::future::Future;

use mir_domain::framework::{
    CrossRef, Framework, FrameworkMeta, Marker, Picture, ScaleLevel, Statement, StatementKind,
    Theme,
};

use crate::{Store, StoreError, UnixTime};

/// A picture file shipped beside a framework file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PictureFile {
    pub file_name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// One version of a framework, as lists show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameworkVersionSummary {
    pub slug: String,
    pub version: String,
    pub title: String,
    pub publisher: String,
    pub published_on: String,
    pub is_demo: bool,
    pub theme_count: i64,
    pub statement_count: i64,
}

pub trait FrameworkRepo {
    /// Stores a new version with its pictures in one transaction; returns its id.
    /// A version that already exists is refused with [`StoreError::AlreadyExists`].
    fn insert_framework_version(
        &self,
        framework: &Framework,
        pictures: &[PictureFile],
        now: UnixTime,
    ) -> impl Future<Output = Result<i64, StoreError>> + Send;
    /// Every version of every framework: by slug, then newest first.
    fn framework_versions(
        &self,
    ) -> impl Future<Output = Result<Vec<FrameworkVersionSummary>, StoreError>> + Send;
    /// One version in full; `None` as version means the current (newest) one.
    fn load_framework(
        &self,
        slug: &str,
        version: Option<&str>,
    ) -> impl Future<Output = Result<Option<std::sync::Arc<Framework>>, StoreError>> + Send;
    fn framework_picture(
        &self,
        slug: &str,
        version: &str,
        file_name: &str,
    ) -> impl Future<Output = Result<Option<PictureFile>, StoreError>> + Send;
}

/// slug, version, title, publisher, published_on, is_demo, theme count, statement count
type SummaryRow = (String, String, String, String, String, i64, i64, i64);

type VersionRow = (
    i64,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    i64,
);

impl FrameworkRepo for Store {
    async fn insert_framework_version(
        &self,
        framework: &Framework,
        pictures: &[PictureFile],
        now: UnixTime,
    ) -> Result<i64, StoreError> {
        let m = &framework.meta;
        let mut tx = self.begin_write().await?;
        let existing: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM framework_versions WHERE slug = $1 AND version = $2",
        )
        .bind(&m.slug)
        .bind(&m.version)
        .fetch_optional(&mut *tx)
        .await?;
        if existing.is_some() {
            return Err(StoreError::AlreadyExists(format!(
                "version {} of framework {} is already imported; give the new file a new version",
                m.version, m.slug
            )));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO framework_versions (slug, version, title, publisher, licence, source_url, \
             language, published_on, is_demo, imported_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(&m.slug)
        .bind(&m.version)
        .bind(&m.title)
        .bind(&m.publisher)
        .bind(&m.licence)
        .bind(m.source_url.as_deref())
        .bind(&m.language)
        .bind(&m.date)
        .bind(i64::from(m.demonstration))
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        for (position, level) in (0_i64..).zip(&framework.scale) {
            sqlx::query(
                "INSERT INTO framework_scale_levels (version_id, position, key, label, description, easy_label) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(position)
            .bind(&level.key)
            .bind(&level.label)
            .bind(&level.description)
            .bind(&level.easy_label)
            .execute(&mut *tx)
            .await?;
        }
        for theme in &framework.themes {
            sqlx::query(
                "INSERT INTO framework_themes (version_id, code, sort_order, title, summary, easy_summary) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(&theme.code)
            .bind(theme.order)
            .bind(&theme.title)
            .bind(&theme.summary)
            .bind(&theme.easy_summary)
            .execute(&mut *tx)
            .await?;
        }
        for (position, s) in (0_i64..).zip(&framework.statements) {
            sqlx::query(
                "INSERT INTO framework_statements (version_id, code, theme_code, position, kind, text, \
                 easy_text, picture_file, picture_alt) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(id)
            .bind(&s.code)
            .bind(&s.theme)
            .bind(position)
            .bind(s.kind.key())
            .bind(&s.text)
            .bind(&s.easy_text)
            .bind(s.picture.as_ref().map(|p| p.file.as_str()))
            .bind(s.picture.as_ref().map(|p| p.alt.as_str()))
            .execute(&mut *tx)
            .await?;
        }
        // Pairs and cross-references after every statement exists (pairs may point forward).
        for s in &framework.statements {
            for (position, paired) in (0_i64..).zip(&s.pairs) {
                sqlx::query(
                    "INSERT INTO framework_statement_pairs (version_id, statement_code, paired_code, position) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(id)
                .bind(&s.code)
                .bind(paired)
                .bind(position)
                .execute(&mut *tx)
                .await?;
            }
            for (position, m) in (0_i64..).zip(&s.markers) {
                sqlx::query(
                    "INSERT INTO framework_markers (version_id, statement_code, position, text, easy_text) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(id)
                .bind(&s.code)
                .bind(position)
                .bind(&m.text)
                .bind(&m.easy_text)
                .execute(&mut *tx)
                .await?;
            }
            for (position, r) in (0_i64..).zip(&s.cross_refs) {
                sqlx::query(
                    "INSERT INTO framework_cross_refs (version_id, statement_code, position, framework, ref_id) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(id)
                .bind(&s.code)
                .bind(position)
                .bind(&r.framework)
                .bind(&r.id)
                .execute(&mut *tx)
                .await?;
            }
        }
        crate::crosswalks::insert(&mut tx, id, &framework.crosswalks).await?;
        crate::crosswalks::insert_mapping(&mut tx, id, framework.mapping.as_ref()).await?;
        for picture in pictures {
            sqlx::query(
                "INSERT INTO framework_pictures (version_id, file_name, content_type, bytes) VALUES ($1, $2, $3, $4)",
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

    async fn framework_versions(&self) -> Result<Vec<FrameworkVersionSummary>, StoreError> {
        let rows: Vec<SummaryRow> = sqlx::query_as(
            "SELECT v.slug, v.version, v.title, v.publisher, v.published_on, v.is_demo, \
               (SELECT COUNT(*) FROM framework_themes t WHERE t.version_id = v.id), \
               (SELECT COUNT(*) FROM framework_statements s WHERE s.version_id = v.id) \
             FROM framework_versions v \
             ORDER BY v.slug, v.published_on DESC, v.imported_at DESC, v.id DESC",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(
                    slug,
                    version,
                    title,
                    publisher,
                    published_on,
                    is_demo,
                    theme_count,
                    statement_count,
                )| {
                    FrameworkVersionSummary {
                        slug,
                        version,
                        title,
                        publisher,
                        published_on,
                        is_demo: is_demo != 0,
                        theme_count,
                        statement_count,
                    }
                },
            )
            .collect())
    }

    async fn load_framework(
        &self,
        slug: &str,
        version: Option<&str>,
    ) -> Result<Option<std::sync::Arc<Framework>>, StoreError> {
        // Versions never change once imported, so a loaded version is kept for the process
        // and shared (pages and cached answers hold the same copy, never a clone).
        let version = match version {
            Some(v) => v.to_owned(),
            None => {
                let latest: Option<String> = sqlx::query_scalar(
                    "SELECT version FROM framework_versions WHERE slug = $1 \
                     ORDER BY published_on DESC, imported_at DESC, id DESC LIMIT 1",
                )
                .bind(slug)
                .fetch_optional(&self.pool)
                .await?;
                match latest {
                    Some(v) => v,
                    None => return Ok(None),
                }
            }
        };
        let key = (slug.to_owned(), version.clone());
        if let Some(found) = self.cached_framework(&key) {
            return Ok(Some(found));
        }
        let loaded = self
            .load_framework_from_db(slug, Some(&version))
            .await?
            .map(std::sync::Arc::new);
        if let Some(framework) = &loaded {
            self.cache_framework(key, framework.clone());
        }
        Ok(loaded)
    }

    async fn framework_picture(
        &self,
        slug: &str,
        version: &str,
        file: &str,
    ) -> Result<Option<PictureFile>, StoreError> {
        self.framework_picture_from_db(slug, version, file).await
    }
}

impl Store {
    async fn load_framework_from_db(
        &self,
        slug: &str,
        version: Option<&str>,
    ) -> Result<Option<Framework>, StoreError> {
        const COLUMNS: &str = "SELECT id, slug, version, title, publisher, licence, source_url, \
                               language, published_on, is_demo FROM framework_versions";
        let row: Option<VersionRow> = match version {
            Some(version) => {
                sqlx::query_as(sqlx::AssertSqlSafe(format!("{COLUMNS} WHERE slug = $1 AND version = $2")))
                    .bind(slug)
                    .bind(version)
                    .fetch_optional(&self.pool)
                    .await?
            }
            None => {
                sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "{COLUMNS} WHERE slug = $1 ORDER BY published_on DESC, imported_at DESC, id DESC LIMIT 1"
                )))
                .bind(slug)
                .fetch_optional(&self.pool)
                .await?
            }
        };
        let Some((
            id,
            slug,
            version,
            title,
            publisher,
            licence,
            source_url,
            language,
            date,
            is_demo,
        )) = row
        else {
            return Ok(None);
        };
        let meta = FrameworkMeta {
            slug,
            title,
            version,
            publisher,
            licence,
            source_url,
            language,
            date,
            demonstration: is_demo != 0,
        };
        let scale = sqlx::query_as::<_, (String, String, String, String)>(
            "SELECT key, label, description, easy_label FROM framework_scale_levels \
             WHERE version_id = $1 ORDER BY position",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(|(key, label, description, easy_label)| ScaleLevel {
            key,
            label,
            description,
            easy_label,
        })
        .collect();
        let themes = sqlx::query_as::<_, (String, i64, String, String, String)>(
            "SELECT code, sort_order, title, summary, easy_summary FROM framework_themes \
             WHERE version_id = $1 ORDER BY sort_order, code",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(|(code, order, title, summary, easy_summary)| Theme {
            code,
            order,
            title,
            summary,
            easy_summary,
        })
        .collect();
        let pairs: Vec<(String, String)> = sqlx::query_as(
            "SELECT statement_code, paired_code FROM framework_statement_pairs \
             WHERE version_id = $1 ORDER BY statement_code, position",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let cross_refs: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT statement_code, framework, ref_id FROM framework_cross_refs \
             WHERE version_id = $1 ORDER BY statement_code, position",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let markers: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT statement_code, text, easy_text FROM framework_markers \
             WHERE version_id = $1 ORDER BY statement_code, position",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        type StatementRow = (
            String,
            String,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<StatementRow> = sqlx::query_as(
            "SELECT code, theme_code, kind, text, easy_text, picture_file, picture_alt \
             FROM framework_statements WHERE version_id = $1 ORDER BY position",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let mut statements = Vec::with_capacity(rows.len());
        for (code, theme, kind, text, easy_text, picture_file, picture_alt) in rows {
            let kind = StatementKind::parse(&kind)
                .ok_or_else(|| StoreError::Corrupt(format!("statement kind {kind:?}")))?;
            let picture = match (picture_file, picture_alt) {
                (Some(file), Some(alt)) => Some(Picture { file, alt }),
                _ => None,
            };
            statements.push(Statement {
                pairs: pairs
                    .iter()
                    .filter(|(s, _)| *s == code)
                    .map(|(_, p)| p.clone())
                    .collect(),
                cross_refs: cross_refs
                    .iter()
                    .filter(|(s, _, _)| *s == code)
                    .map(|(_, framework, id)| CrossRef {
                        framework: framework.clone(),
                        id: id.clone(),
                    })
                    .collect(),
                markers: markers
                    .iter()
                    .filter(|(s, _, _)| *s == code)
                    .map(|(_, text, easy_text)| Marker {
                        text: text.clone(),
                        easy_text: easy_text.clone(),
                    })
                    .collect(),
                code,
                theme,
                kind,
                text,
                easy_text,
                picture,
            });
        }
        let crosswalks = crate::crosswalks::load(&self.pool, id).await?;
        let mapping = crate::crosswalks::load_mapping(&self.pool, id).await?;
        Ok(Some(Framework {
            meta,
            scale,
            themes,
            statements,
            crosswalks,
            mapping,
        }))
    }

    async fn framework_picture_from_db(
        &self,
        slug: &str,
        version: &str,
        file_name: &str,
    ) -> Result<Option<PictureFile>, StoreError> {
        let row: Option<(String, String, Vec<u8>)> = sqlx::query_as(
            "SELECT p.file_name, p.content_type, p.bytes FROM framework_pictures p \
             JOIN framework_versions v ON v.id = p.version_id \
             WHERE v.slug = $1 AND v.version = $2 AND p.file_name = $3",
        )
        .bind(slug)
        .bind(version)
        .bind(file_name)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(file_name, content_type, bytes)| PictureFile {
            file_name,
            content_type,
            bytes,
        }))
    }
}
