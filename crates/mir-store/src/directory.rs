//! Finding organisations: the areas they serve, their published priorities and statements, the
//! directory with filters, counts for the national map, and "who else is working on this".

use std::future::Future;

use crate::{Store, StoreError, UnixTime};

/// A priority as published, for the directory (copied at each publication).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedPriority {
    pub priority_id: i64,
    pub title: String,
    pub status: String,
    pub statements: Vec<String>,
}

/// Filters for the directory; empty lists and `None` mean "any".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirectoryFilter {
    /// Council codes (a region is expanded into its councils by the caller).
    pub areas: Vec<String>,
    pub kind: Option<String>,
    /// Statement codes (a theme is expanded into its statements by the caller).
    pub statements: Vec<String>,
    pub has_plan: bool,
    pub changed_since: Option<UnixTime>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectorySort {
    Name,
    RecentlyUpdated,
}

/// One organisation in the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryEntry {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub is_demo: bool,
    pub last_public_change: Option<UnixTime>,
    pub areas: Vec<String>,
    /// `(title, status)` of its published priorities.
    pub priorities: Vec<(String, String)>,
}

/// An organisation with published priorities on some of the statements asked about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingOn {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub areas: Vec<String>,
    /// The statements asked about that it has published priorities on.
    pub shared: Vec<String>,
}

pub trait DirectoryRepo {
    /// Adds one council area; returns whether it was new.
    fn add_organisation_area(
        &self,
        organisation_id: i64,
        area: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Removes one council area unless it is the last: `Some(removed)`, or `None` when it is
    /// the only one left. One transaction holding the organisation's row, so two removals at
    /// once cannot leave none.
    fn remove_organisation_area(
        &self,
        organisation_id: i64,
        area: &str,
    ) -> impl Future<Output = Result<Option<bool>, StoreError>> + Send;
    fn set_organisation_areas(
        &self,
        organisation_id: i64,
        areas: &[String],
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn organisation_areas(
        &self,
        organisation_id: i64,
    ) -> impl Future<Output = Result<Vec<String>, StoreError>> + Send;
    /// A public organisation's council areas, from the in-memory index that "who else" and
    /// the directory read (no query); `None` if it is not in the index (not approved, or a
    /// working group): then ask [`DirectoryRepo::organisation_areas`].
    fn public_areas(
        &self,
        organisation_id: i64,
    ) -> impl Future<Output = Result<Option<Vec<String>>, StoreError>> + Send;
    /// `(slug, name)` of the organisations with these slugs, in one query (for a page of
    /// search results).
    fn organisation_names(
        &self,
        slugs: &[String],
    ) -> impl Future<Output = Result<Vec<(String, String)>, StoreError>> + Send;
    /// Replaces what the public can find of the organisation's plan with this.
    fn set_published_priorities(
        &self,
        organisation_id: i64,
        priorities: &[PublishedPriority],
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// One page of approved organisations, and how many match in all (with `limit` 0: only
    /// how many, in one query).
    fn directory(
        &self,
        filter: &DirectoryFilter,
        sort: DirectorySort,
        offset: i64,
        limit: i64,
    ) -> impl Future<Output = Result<(Vec<DirectoryEntry>, i64), StoreError>> + Send;
    /// Per council: approved organisations serving it with a published plan (with priorities on
    /// one of `statements`, when given).
    fn plan_counts_by_area(
        &self,
        statements: &[String],
    ) -> impl Future<Output = Result<Vec<(String, i64)>, StoreError>> + Send;
    /// Approved organisations with published priorities on any of `statements`: those serving
    /// any of `near_areas`, and, when they are fewer than `limit`, those sharing the most
    /// statements anywhere; at most `limit` of each.
    fn working_on(
        &self,
        statements: &[String],
        near_areas: &[String],
        limit: i64,
    ) -> impl Future<Output = Result<Vec<WorkingOn>, StoreError>> + Send;
}

/// Adds `$n` placeholders for a list, returning the SQL fragment `($a, $b, …)`.
fn placeholders(next: &mut usize, count: usize) -> String {
    let list: Vec<String> = (0..count)
        .map(|_| {
            *next += 1;
            format!("${}", *next)
        })
        .collect();
    format!("({})", list.join(", "))
}

impl DirectoryRepo for Store {
    async fn add_organisation_area(
        &self,
        organisation_id: i64,
        area: &str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO organisation_areas (organisation_id, area_code) VALUES ($1, $2) \
             ON CONFLICT (organisation_id, area_code) DO NOTHING",
        )
        .bind(organisation_id)
        .bind(area)
        .execute(&self.pool)
        .await?;
        self.forget_public_index();
        Ok(done.rows_affected() == 1)
    }

    async fn remove_organisation_area(
        &self,
        organisation_id: i64,
        area: &str,
    ) -> Result<Option<bool>, StoreError> {
        let mut tx = self.begin_write().await?;
        crate::lock_organisation(&mut tx, organisation_id).await?;
        let count: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM organisation_areas WHERE organisation_id = $1",
        )
        .bind(organisation_id)
        .fetch_one(&mut *tx)
        .await?;
        if count <= 1 {
            tx.rollback().await?;
            return Ok(None);
        }
        let done = sqlx::query(
            "DELETE FROM organisation_areas WHERE organisation_id = $1 AND area_code = $2",
        )
        .bind(organisation_id)
        .bind(area)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.forget_public_index();
        Ok(Some(done.rows_affected() == 1))
    }

    async fn set_organisation_areas(
        &self,
        organisation_id: i64,
        areas: &[String],
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM organisation_areas WHERE organisation_id = $1")
            .bind(organisation_id)
            .execute(&mut *tx)
            .await?;
        for area in areas {
            sqlx::query(
                "INSERT INTO organisation_areas (organisation_id, area_code) VALUES ($1, $2)",
            )
            .bind(organisation_id)
            .bind(area)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        self.forget_public_index();
        Ok(())
    }

    async fn public_areas(&self, organisation_id: i64) -> Result<Option<Vec<String>>, StoreError> {
        Ok(self
            .public_index()
            .await?
            .areas_of(organisation_id)
            .map(<[String]>::to_vec))
    }

    async fn organisation_names(
        &self,
        slugs: &[String],
    ) -> Result<Vec<(String, String)>, StoreError> {
        // Asked even for no slugs, so a page of results always takes the same number of
        // queries (the query-count test holds every page to that).
        let mut next = 0;
        let list = if slugs.is_empty() {
            "(NULL)".to_owned()
        } else {
            placeholders(&mut next, slugs.len())
        };
        let mut query = sqlx::query_as::<_, (String, String)>(sqlx::AssertSqlSafe(format!(
            "SELECT slug, name FROM organisations WHERE slug IN {list}"
        )));
        for slug in slugs {
            query = query.bind(slug);
        }
        Ok(query.fetch_all(&self.pool).await?)
    }

    async fn organisation_areas(&self, organisation_id: i64) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT area_code FROM organisation_areas WHERE organisation_id = $1 ORDER BY area_code",
        )
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn set_published_priorities(
        &self,
        organisation_id: i64,
        priorities: &[PublishedPriority],
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        write_published_priorities(&mut tx, organisation_id, priorities).await?;
        tx.commit().await?;
        self.forget_public_index();
        Ok(())
    }

    async fn directory(
        &self,
        filter: &DirectoryFilter,
        sort: DirectorySort,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<DirectoryEntry>, i64), StoreError> {
        // Filtered, counted and ordered in memory (see `public_index`); only the page's
        // published priorities come from the database.
        let index = self.public_index().await?;
        let (found, total) = index.directory(
            filter,
            sort,
            usize::try_from(offset.max(0)).unwrap_or(0),
            usize::try_from(limit.clamp(0, 200)).unwrap_or(0),
        );
        let total = i64::try_from(total).unwrap_or(i64::MAX);
        if found.is_empty() {
            return Ok((Vec::new(), total));
        }
        // One more query for the whole page, not one per organisation.
        let mut next = 0;
        let ids = placeholders(&mut next, found.len());
        let mut priorities_q = sqlx::query_as::<_, (i64, String, String)>(sqlx::AssertSqlSafe(
            format!(
                "SELECT organisation_id, title, status FROM published_priorities WHERE organisation_id IN {ids} ORDER BY priority_id"
            ),
        ));
        for o in &found {
            priorities_q = priorities_q.bind(o.id);
        }
        let priorities = priorities_q.fetch_all(&self.pool).await?;
        let entries = found
            .into_iter()
            .map(|o| DirectoryEntry {
                areas: o.areas.clone(),
                priorities: priorities
                    .iter()
                    .filter(|p| p.0 == o.id)
                    .map(|p| (p.1.clone(), p.2.clone()))
                    .collect(),
                id: o.id,
                slug: o.slug.clone(),
                name: o.name.clone(),
                kind: o.kind.clone(),
                is_demo: o.is_demo,
                last_public_change: o.last_public_change,
            })
            .collect();
        Ok((entries, total))
    }

    async fn plan_counts_by_area(
        &self,
        statements: &[String],
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let mut next = 0;
        let on = if statements.is_empty() {
            "SELECT organisation_id FROM published_priorities".to_owned()
        } else {
            format!(
                "SELECT organisation_id FROM published_statements WHERE statement_code IN {}",
                placeholders(&mut next, statements.len())
            )
        };
        let mut query = sqlx::query_as::<_, (String, i64)>(sqlx::AssertSqlSafe(format!(
            "SELECT a.area_code, COUNT(DISTINCT o.id) FROM organisation_areas a JOIN organisations o ON o.id = a.organisation_id \
             WHERE o.status = 'approved' AND o.kind <> 'working-group' AND o.id IN ({on}) GROUP BY a.area_code ORDER BY a.area_code"
        )));
        for s in statements {
            query = query.bind(s);
        }
        Ok(query.fetch_all(&self.pool).await?)
    }

    async fn working_on(
        &self,
        statements: &[String],
        near_areas: &[String],
        limit: i64,
    ) -> Result<Vec<WorkingOn>, StoreError> {
        if statements.is_empty() {
            return Ok(Vec::new());
        }
        let limit = usize::try_from(limit.clamp(1, 500)).unwrap_or(500);
        // Candidates: those nearby first, then, only if that found too few, those sharing the
        // most statements anywhere. Ranked by the caller. In memory: see `public_index`.
        let out = self
            .public_index()
            .await?
            .working_on(statements, near_areas, limit);
        Ok(out)
    }
}

/// Replaces an organisation's findable published priorities inside the caller's transaction
/// (publication writes them together with the version it publishes).
pub(crate) async fn write_published_priorities(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    organisation_id: i64,
    priorities: &[PublishedPriority],
) -> Result<(), StoreError> {
    for table in ["published_statements", "published_priorities"] {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM {table} WHERE organisation_id = $1"
        )))
        .bind(organisation_id)
        .execute(&mut **tx)
        .await?;
    }
    for p in priorities {
        sqlx::query(
            "INSERT INTO published_priorities (organisation_id, priority_id, title, status) VALUES ($1, $2, $3, $4)",
        )
        .bind(organisation_id)
        .bind(p.priority_id)
        .bind(&p.title)
        .bind(&p.status)
        .execute(&mut **tx)
        .await?;
        for code in &p.statements {
            sqlx::query(
                "INSERT INTO published_statements (organisation_id, priority_id, statement_code) VALUES ($1, $2, $3) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(organisation_id)
            .bind(p.priority_id)
            .bind(code)
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}
