//! Good practice stories.

use std::future::Future;

use crate::{Store, StoreError, UnixTime};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Story {
    pub id: i64,
    pub organisation_id: i64,
    pub slug: String,
    pub organisation: String,
    pub title: String,
    /// Markdown, as written.
    pub body: String,
    pub statements: Vec<String>,
    pub published_at: UnixTime,
}

pub trait StoryRepo {
    #[allow(clippy::too_many_arguments)]
    fn publish_story(
        &self,
        organisation_id: i64,
        title: &str,
        body: &str,
        statements: &[String],
        created_by: i64,
        now: UnixTime,
    ) -> impl Future<Output = Result<i64, StoreError>> + Send;
    /// Stories of approved organisations, newest first; only those on any of `statements`
    /// when given.
    fn stories(
        &self,
        statements: &[String],
        limit: i64,
    ) -> impl Future<Output = Result<Vec<Story>, StoreError>> + Send;
    /// One story of an approved organisation.
    fn story(&self, id: i64) -> impl Future<Output = Result<Option<Story>, StoreError>> + Send;
    /// Every story of one organisation (for its search entries), newest first.
    fn stories_of(
        &self,
        organisation_id: i64,
    ) -> impl Future<Output = Result<Vec<Story>, StoreError>> + Send;
}

type StoryRow = (i64, i64, String, String, String, String, String, i64);

fn story_from(
    (id, organisation_id, slug, organisation, title, body, statements, published_at): StoryRow,
) -> Story {
    Story {
        id,
        organisation_id,
        slug,
        organisation,
        title,
        body,
        statements: statements.split_whitespace().map(str::to_owned).collect(),
        published_at,
    }
}

const COLUMNS: &str = "s.id, s.organisation_id, o.slug, o.name, s.title, s.body, s.statements, s.published_at \
     FROM stories s JOIN organisations o ON o.id = s.organisation_id";

impl StoryRepo for Store {
    async fn publish_story(
        &self,
        organisation_id: i64,
        title: &str,
        body: &str,
        statements: &[String],
        created_by: i64,
        now: UnixTime,
    ) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "INSERT INTO stories (organisation_id, title, body, statements, created_by, published_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(organisation_id)
        .bind(title)
        .bind(body)
        .bind(statements.join(" "))
        .bind(created_by)
        .bind(now)
        .fetch_one(&self.pool)
        .await?)
    }

    async fn stories(&self, statements: &[String], limit: i64) -> Result<Vec<Story>, StoreError> {
        // Statement codes are matched as whole words in the space-separated column.
        let mut clauses = vec!["o.status = 'approved'".to_owned()];
        let mut patterns = Vec::new();
        if !statements.is_empty() {
            let ors: Vec<String> = (0..statements.len())
                .map(|i| format!("(' ' || s.statements || ' ') LIKE ${}", i + 1))
                .collect();
            clauses.push(format!("({})", ors.join(" OR ")));
            patterns = statements.iter().map(|c| format!("% {c} %")).collect();
        }
        let sql = format!(
            "SELECT {COLUMNS} WHERE {} ORDER BY s.published_at DESC, s.id DESC LIMIT {}",
            clauses.join(" AND "),
            limit.clamp(1, 200)
        );
        let mut query = sqlx::query_as::<_, StoryRow>(sqlx::AssertSqlSafe(sql));
        for p in &patterns {
            query = query.bind(p);
        }
        Ok(query
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(story_from)
            .collect())
    }

    async fn story(&self, id: i64) -> Result<Option<Story>, StoreError> {
        let row: Option<StoryRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} WHERE s.id = $1 AND o.status = 'approved'"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(story_from))
    }

    async fn stories_of(&self, organisation_id: i64) -> Result<Vec<Story>, StoreError> {
        let rows: Vec<StoryRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} WHERE s.organisation_id = $1 ORDER BY s.published_at DESC, s.id DESC"
        )))
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(story_from).collect())
    }
}
