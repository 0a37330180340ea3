//! Full-text search with each engine's own features: SQLite FTS5, PostgreSQL tsvector.
//! Matches come back with `[[`…`]]` around the words found, for the page to highlight.

use std::future::Future;

use crate::{Engine, Store, StoreError};

/// One thing the public can find.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchEntry {
    /// `organisation`, `priority`, `action` or `update`.
    pub kind: String,
    pub slug: String,
    /// Where on the organisation's page, e.g. `priority-12` (empty for the page itself).
    pub anchor: String,
    pub title: String,
    pub body: String,
}

/// One result, with the matched words marked `[[`…`]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    pub kind: String,
    pub slug: String,
    pub anchor: String,
    pub title: String,
    pub snippet: String,
}

/// A query matching more entries than this is ranked among about this many of them only:
/// on SQLite every n-th match, spread over all of them; on PostgreSQL the first found, and it
/// is counted only this far ("more than"). Ranking visits every entry it is given, and a
/// common word is in a third of the national dataset's 640,000 entries: "support" took 200 ms
/// to count and rank on SQLite and 500 ms on PostgreSQL (issue 15; decision 0042).
pub const RANK_AMONG: i64 = 1_000;

/// Words shorter than this match only whole words on SQLite: a one-letter word as a word
/// beginning matched every entry (110 ms to count).
const SHORTEST_BEGINNING: usize = 3;

pub trait SearchRepo {
    /// Replaces everything indexed for the organisation.
    fn reindex_organisation(
        &self,
        organisation_id: i64,
        entries: &[SearchEntry],
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Best matches first (among about [`RANK_AMONG`]). `words`: plain words (already
    /// cleaned: letters and digits only); every word must match. Returns the page and the
    /// total: exact on SQLite, on PostgreSQL counted up to [`RANK_AMONG`] and one more.
    fn search(
        &self,
        words: &[String],
        offset: i64,
        limit: i64,
    ) -> impl Future<Output = Result<(Vec<SearchHit>, i64), StoreError>> + Send;
}

impl SearchRepo for Store {
    async fn reindex_organisation(
        &self,
        organisation_id: i64,
        entries: &[SearchEntry],
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM search_index WHERE organisation_id = $1")
            .bind(organisation_id)
            .execute(&mut *tx)
            .await?;
        for e in entries {
            sqlx::query(
                "INSERT INTO search_index (kind, slug, anchor, title, body, organisation_id) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&e.kind)
            .bind(&e.slug)
            .bind(&e.anchor)
            .bind(&e.title)
            .bind(&e.body)
            .bind(organisation_id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        // Search answers kept by every server are stale now.
        self.forget_public_index();
        Ok(())
    }

    async fn search(
        &self,
        words: &[String],
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<SearchHit>, i64), StoreError> {
        if words.is_empty() {
            return Ok((Vec::new(), 0));
        }
        let (limit, offset) = (limit.clamp(1, 500), offset.max(0));
        match self.engine() {
            Engine::Sqlite => {
                // Each word quoted: FTS5 syntax in the input has no effect; a trailing * finds
                // word beginnings ("plan" finds "planning").
                let query = words
                    .iter()
                    .map(|w| {
                        if w.chars().count() < SHORTEST_BEGINNING {
                            format!("\"{w}\"")
                        } else {
                            format!("\"{w}\"*")
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" ");
                // Counted first (the doclists only, no scores: 23 ms for the broadest word
                // beginning at national scale). A broad query is ranked among every n-th match
                // by rowid, so about RANK_AMONG spread over all of them: one entry in n of each
                // organisation's, whenever it was indexed. Which n-th moves on each day, so no
                // organisation is always in or always out (review finding: ranking the newest
                // put any organisation that had just saved an edit first for every broad word).
                let total: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM search_index WHERE search_index MATCH $1",
                )
                .bind(&query)
                .fetch_one(&self.pool)
                .await?;
                let every = (total + RANK_AMONG - 1) / RANK_AMONG;
                let every = every.max(1);
                let which = day_number() % every;
                let rows: Vec<Row> = sqlx::query_as(
                    "SELECT kind, slug, anchor, title, snippet, $4 FROM ( \
                     SELECT kind, slug, anchor, highlight(search_index, 3, '[[', ']]') AS title, \
                     snippet(search_index, 4, '[[', ']]', '…', 24) AS snippet, \
                     bm25(search_index, 0, 0, 0, 4.0, 1.0, 0) AS score, rowid AS n \
                     FROM search_index WHERE search_index MATCH $1 AND rowid % $5 = $6) found \
                     ORDER BY score, n DESC LIMIT $2 OFFSET $3",
                )
                .bind(&query)
                .bind(limit)
                .bind(offset)
                .bind(total)
                .bind(every)
                .bind(which)
                .fetch_all(&self.pool)
                .await?;
                Ok((into_hits(rows), total))
            }
            Engine::Postgres => {
                let query = words.join(" ");
                // As on SQLite, one pass over the first matches found.
                let rows: Vec<Row> = sqlx::query_as(
                    "SELECT kind, slug, anchor, \
                     ts_headline('english', title, q, 'StartSel=[[, StopSel=]], HighlightAll=true'), \
                     ts_headline('english', body, q, 'StartSel=[[, StopSel=]], MaxWords=24, MinWords=8'), \
                     found \
                     FROM (SELECT kind, slug, anchor, title, body, document, q, COUNT(*) OVER () AS found \
                     FROM (SELECT kind, slug, anchor, title, body, document, q \
                     FROM search_index, plainto_tsquery('english', $1) q WHERE document @@ q LIMIT $4) first_found) counted \
                     ORDER BY ts_rank(document, q) DESC, title, slug, anchor LIMIT $2 OFFSET $3",
                )
                .bind(&query)
                .bind(limit)
                .bind(offset)
                .bind(RANK_AMONG + 1)
                .fetch_all(&self.pool)
                .await?;
                self.page_and_total(rows, offset, "SELECT COUNT(*) FROM (SELECT 1 FROM search_index WHERE document @@ plainto_tsquery('english', $1) LIMIT $2) found", &query).await
            }
        }
    }
}

/// Days since 1970 (UTC): which share of a broad search's matches is ranked today.
fn day_number() -> i64 {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    i64::try_from(seconds / 86_400).unwrap_or(0)
}

/// A result row with the number of matches counted beside it.
type Row = (String, String, String, String, String, i64);

fn into_hits(rows: Vec<Row>) -> Vec<SearchHit> {
    rows.into_iter()
        .map(|(kind, slug, anchor, title, snippet, _)| SearchHit {
            kind,
            slug,
            anchor,
            title,
            snippet,
        })
        .collect()
}

impl Store {
    /// The hits and how many matched (up to one more than [`RANK_AMONG`]), read from the rows;
    /// a page past the last has no rows to read it from, so it is counted on its own.
    async fn page_and_total(
        &self,
        rows: Vec<Row>,
        offset: i64,
        count: &'static str,
        query: &str,
    ) -> Result<(Vec<SearchHit>, i64), StoreError> {
        let total = match rows.first() {
            Some(row) => row.5,
            None if offset > 0 => {
                sqlx::query_scalar(count)
                    .bind(query)
                    .bind(RANK_AMONG + 1)
                    .fetch_one(&self.pool)
                    .await?
            }
            None => 0,
        };
        Ok((into_hits(rows), total))
    }
}
