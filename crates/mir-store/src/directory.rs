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

type EntryRow = (i64, String, String, String, i64, Option<i64>);

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
        Ok(done.rows_affected() == 1)
    }

    async fn remove_organisation_area(
        &self,
        organisation_id: i64,
        area: &str,
    ) -> Result<Option<bool>, StoreError> {
        let mut tx = self.pool.begin().await?;
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
        Ok(Some(done.rows_affected() == 1))
    }

    async fn set_organisation_areas(
        &self,
        organisation_id: i64,
        areas: &[String],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
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
        Ok(())
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
        let mut tx = self.pool.begin().await?;
        write_published_priorities(&mut tx, organisation_id, priorities).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn directory(
        &self,
        filter: &DirectoryFilter,
        sort: DirectorySort,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<DirectoryEntry>, i64), StoreError> {
        // Only fixed fragments and numbered placeholders go into the SQL; values are bound.
        let mut next = 0;
        let mut clauses = vec!["o.status = 'approved'".to_owned()];
        if !filter.areas.is_empty() {
            clauses.push(format!(
                "o.id IN (SELECT organisation_id FROM organisation_areas WHERE area_code IN {})",
                placeholders(&mut next, filter.areas.len())
            ));
        }
        if filter.kind.is_some() {
            next += 1;
            clauses.push(format!("o.kind = ${next}"));
        }
        if !filter.statements.is_empty() {
            clauses.push(format!(
                "o.id IN (SELECT organisation_id FROM published_statements WHERE statement_code IN {})",
                placeholders(&mut next, filter.statements.len())
            ));
        }
        if filter.has_plan {
            clauses.push("o.id IN (SELECT organisation_id FROM published_priorities)".into());
        }
        if filter.changed_since.is_some() {
            next += 1;
            clauses.push(format!("o.last_public_change >= ${next}"));
        }
        let filter_sql = clauses.join(" AND ");
        let order = match sort {
            DirectorySort::Name => "o.name, o.id",
            DirectorySort::RecentlyUpdated => {
                "CASE WHEN o.last_public_change IS NULL THEN 1 ELSE 0 END, o.last_public_change DESC, o.name, o.id"
            }
        };
        macro_rules! bind_filter {
            ($query:expr) => {{
                let mut q = $query;
                for a in &filter.areas {
                    q = q.bind(a);
                }
                if let Some(kind) = &filter.kind {
                    q = q.bind(kind);
                }
                for s in &filter.statements {
                    q = q.bind(s);
                }
                if let Some(since) = filter.changed_since {
                    q = q.bind(since);
                }
                q
            }};
        }
        let total: i64 = bind_filter!(sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM organisations o WHERE {filter_sql}"
        ))))
        .fetch_one(&self.pool)
        .await?;
        // A limit of 0 asks only how many: one query.
        if limit <= 0 {
            return Ok((Vec::new(), total));
        }
        let rows: Vec<EntryRow> = bind_filter!(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT o.id, o.slug, o.name, o.kind, o.is_demo, o.last_public_change FROM organisations o \
             WHERE {filter_sql} ORDER BY {order} LIMIT {limit} OFFSET {offset}",
            limit = limit.clamp(1, 200),
            offset = offset.max(0)
        ))))
        .fetch_all(&self.pool)
        .await?;
        if rows.is_empty() {
            return Ok((Vec::new(), total));
        }
        // Two more queries for the whole page, not two per organisation.
        let mut next = 0;
        let ids = placeholders(&mut next, rows.len());
        let mut areas_q = sqlx::query_as::<_, (i64, String)>(sqlx::AssertSqlSafe(format!(
            "SELECT organisation_id, area_code FROM organisation_areas WHERE organisation_id IN {ids} ORDER BY area_code"
        )));
        let mut priorities_q = sqlx::query_as::<_, (i64, String, String)>(sqlx::AssertSqlSafe(
            format!(
                "SELECT organisation_id, title, status FROM published_priorities WHERE organisation_id IN {ids} ORDER BY priority_id"
            ),
        ));
        for row in &rows {
            areas_q = areas_q.bind(row.0);
            priorities_q = priorities_q.bind(row.0);
        }
        let areas = areas_q.fetch_all(&self.pool).await?;
        let priorities = priorities_q.fetch_all(&self.pool).await?;
        let entries = rows
            .into_iter()
            .map(
                |(id, slug, name, kind, is_demo, last_public_change)| DirectoryEntry {
                    areas: areas
                        .iter()
                        .filter(|a| a.0 == id)
                        .map(|a| a.1.clone())
                        .collect(),
                    priorities: priorities
                        .iter()
                        .filter(|p| p.0 == id)
                        .map(|p| (p.1.clone(), p.2.clone()))
                        .collect(),
                    id,
                    slug,
                    name,
                    kind,
                    is_demo: is_demo != 0,
                    last_public_change,
                },
            )
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
             WHERE o.status = 'approved' AND o.id IN ({on}) GROUP BY a.area_code ORDER BY a.area_code"
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
        let limit = limit.clamp(1, 500);
        // Candidates: those nearby first (a cheap query: few councils); then, only if that
        // found too few, those sharing the most statements anywhere. Ranked by the caller.
        let mut candidates: Vec<(i64, String, String, i64)> = Vec::new();
        for near in [true, false] {
            if near && near_areas.is_empty() {
                continue;
            }
            if !near && i64::try_from(candidates.len()).unwrap_or(0) >= limit {
                break;
            }
            let mut next = 0;
            let list = placeholders(&mut next, statements.len());
            let area_clause = if near {
                format!(
                    "AND o.id IN (SELECT organisation_id FROM organisation_areas WHERE area_code IN {})",
                    placeholders(&mut next, near_areas.len())
                )
            } else {
                String::new()
            };
            let mut query = sqlx::query_as::<_, (i64, String, String, i64)>(sqlx::AssertSqlSafe(
                format!(
                    "SELECT o.id, o.slug, o.name, COUNT(DISTINCT s.statement_code) AS shared FROM published_statements s \
                 JOIN organisations o ON o.id = s.organisation_id \
                 WHERE o.status = 'approved' AND s.statement_code IN {list} {area_clause} \
                 GROUP BY o.id, o.slug, o.name ORDER BY shared DESC, o.name LIMIT {limit}"
                ),
            ));
            for s in statements {
                query = query.bind(s);
            }
            if near {
                for a in near_areas {
                    query = query.bind(a);
                }
            }
            for row in query.fetch_all(&self.pool).await? {
                if !candidates.iter().any(|c| c.0 == row.0) {
                    candidates.push(row);
                }
            }
        }
        let mut out: Vec<WorkingOn> = candidates
            .into_iter()
            .map(|(id, slug, name, _)| WorkingOn {
                id,
                slug,
                name,
                areas: Vec::new(),
                shared: Vec::new(),
            })
            .collect();
        if out.is_empty() {
            return Ok(out);
        }
        // Which statements each shares, in one query for all candidates.
        let mut next = 0;
        let ids = placeholders(&mut next, out.len());
        let list = placeholders(&mut next, statements.len());
        let mut shared_q = sqlx::query_as::<_, (i64, String)>(sqlx::AssertSqlSafe(format!(
            "SELECT DISTINCT organisation_id, statement_code FROM published_statements \
             WHERE organisation_id IN {ids} AND statement_code IN {list} ORDER BY organisation_id, statement_code"
        )));
        for w in &out {
            shared_q = shared_q.bind(w.id);
        }
        for s in statements {
            shared_q = shared_q.bind(s);
        }
        for (id, code) in shared_q.fetch_all(&self.pool).await? {
            if let Some(w) = out.iter_mut().find(|w| w.id == id) {
                w.shared.push(code);
            }
        }
        if out.is_empty() {
            return Ok(out);
        }
        let mut next = 0;
        let ids = placeholders(&mut next, out.len());
        let mut areas_q = sqlx::query_as::<_, (i64, String)>(sqlx::AssertSqlSafe(format!(
            "SELECT organisation_id, area_code FROM organisation_areas WHERE organisation_id IN {ids}"
        )));
        for w in &out {
            areas_q = areas_q.bind(w.id);
        }
        for (id, area) in areas_q.fetch_all(&self.pool).await? {
            if let Some(w) = out.iter_mut().find(|w| w.id == id) {
                w.areas.push(area);
            }
        }
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
