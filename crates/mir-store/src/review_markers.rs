//! Markers of progress ticked in a review: which of a statement's markers the group found in
//! place, with links to evidence, and the plan action made from a marker that was not.

use std::future::Future;

use crate::plans::{ActionRecord, PriorityRecord, bump, insert_action, insert_priority};
use crate::{Store, StoreError, UnixTime};

/// What the group found about one marker of one statement in a review. `position` numbers
/// the marker from 1 within its statement, in the review's framework version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkerCheck {
    pub statement_code: String,
    pub position: i64,
    /// `None` until the group has said (a marker made an action before anyone ticked it).
    pub in_place: Option<bool>,
    /// Empty when none was given.
    pub evidence_url: String,
    /// The plan action made from this marker, while it still exists: `(priority id, action id)`.
    pub action: Option<(i64, i64)>,
}

/// Where a marker's action goes: under a priority of the draft, or under a new one.
#[derive(Debug, Clone)]
pub enum ActionHome {
    Priority(i64),
    NewPriority(PriorityRecord),
}

/// What became of a request to make a marker an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkerActionOutcome {
    /// Made: `(priority id, action id)`.
    Made(i64, i64),
    /// The group has found the marker in place since the page was read.
    InPlace,
    /// An action was made from it already (another person, another tab): its ids.
    AlreadyAction(i64, i64),
    /// The chosen priority is not the organisation's (any more).
    NoPriority,
}

pub trait MarkerCheckRepo {
    fn marker_checks(
        &self,
        review_id: i64,
    ) -> impl Future<Output = Result<Vec<MarkerCheck>, StoreError>> + Send;
    /// Records what the group found for every marker of one statement; an action already
    /// made from a marker stays linked to it.
    fn save_marker_checks(
        &self,
        review_id: i64,
        statement_code: &str,
        checks: &[MarkerCheck],
        recorded_by: i64,
        now: UnixTime,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Makes a marker that is not in place an action of the organisation's draft plan, in one
    /// transaction with the checks that it is still not in place and not an action already.
    /// `marker` is `(review id, statement code, position)`.
    fn marker_into_action(
        &self,
        organisation_id: i64,
        marker: (i64, &str, i64),
        home: &ActionHome,
        action: &ActionRecord,
        recorded_by: i64,
        now: UnixTime,
    ) -> impl Future<Output = Result<MarkerActionOutcome, StoreError>> + Send;
}

impl MarkerCheckRepo for Store {
    async fn marker_checks(&self, review_id: i64) -> Result<Vec<MarkerCheck>, StoreError> {
        // An action deleted from the draft no longer counts (its priority may be gone too).
        type Row = (String, i64, Option<i64>, String, Option<i64>, Option<i64>);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT m.statement_code, m.position, m.in_place, m.evidence_url, a.priority_id, a.id \
             FROM review_markers m LEFT JOIN plan_actions a ON a.id = m.action_id \
             WHERE m.review_id = $1 ORDER BY m.statement_code, m.position",
        )
        .bind(review_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(statement_code, position, in_place, evidence_url, priority_id, action_id)| {
                    MarkerCheck {
                        statement_code,
                        position,
                        in_place: in_place.map(|v| v != 0),
                        evidence_url,
                        action: priority_id.zip(action_id),
                    }
                },
            )
            .collect())
    }

    async fn save_marker_checks(
        &self,
        review_id: i64,
        statement_code: &str,
        checks: &[MarkerCheck],
        recorded_by: i64,
        now: UnixTime,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        for c in checks {
            sqlx::query(
                "INSERT INTO review_markers (review_id, statement_code, position, in_place, evidence_url, recorded_by, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (review_id, statement_code, position) DO UPDATE SET \
                 in_place = excluded.in_place, evidence_url = excluded.evidence_url, \
                 recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
            )
            .bind(review_id)
            .bind(statement_code)
            .bind(c.position)
            .bind(c.in_place.map(i64::from))
            .bind(&c.evidence_url)
            .bind(recorded_by)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn marker_into_action(
        &self,
        organisation_id: i64,
        (review_id, statement_code, position): (i64, &str, i64),
        home: &ActionHome,
        action: &ActionRecord,
        recorded_by: i64,
        now: UnixTime,
    ) -> Result<MarkerActionOutcome, StoreError> {
        let mut tx = self.begin_write().await?;
        // The marker's row first (a write, so SQLite's single writer is taken before the
        // reads below and two people pressing at once are made one after the other).
        sqlx::query(
            "INSERT INTO review_markers (review_id, statement_code, position, in_place, evidence_url, recorded_by, recorded_at) \
             VALUES ($1, $2, $3, NULL, '', $4, $5) ON CONFLICT (review_id, statement_code, position) DO UPDATE SET \
             recorded_at = review_markers.recorded_at",
        )
        .bind(review_id)
        .bind(statement_code)
        .bind(position)
        .bind(recorded_by)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        // On PostgreSQL the upsert above holds the row's lock until the end: a second press
        // waits here and then sees the first one's action.
        let (in_place, existing): (Option<i64>, Option<(i64, i64)>) = {
            let row: (Option<i64>, Option<i64>, Option<i64>) = sqlx::query_as(
                "SELECT m.in_place, a.id, a.priority_id FROM review_markers m \
                 LEFT JOIN plan_actions a ON a.id = m.action_id \
                 WHERE m.review_id = $1 AND m.statement_code = $2 AND m.position = $3",
            )
            .bind(review_id)
            .bind(statement_code)
            .bind(position)
            .fetch_one(&mut *tx)
            .await?;
            (row.0, row.1.zip(row.2).map(|(a, p)| (p, a)))
        };
        if let Some((priority_id, action_id)) = existing {
            return Ok(MarkerActionOutcome::AlreadyAction(priority_id, action_id));
        }
        if in_place == Some(1) {
            return Ok(MarkerActionOutcome::InPlace);
        }
        let priority_id = match home {
            ActionHome::Priority(id) => {
                let owned: Option<i64> = sqlx::query_scalar(
                    "SELECT id FROM priorities WHERE id = $1 AND organisation_id = $2",
                )
                .bind(id)
                .bind(organisation_id)
                .fetch_optional(&mut *tx)
                .await?;
                match owned {
                    Some(id) => id,
                    None => return Ok(MarkerActionOutcome::NoPriority),
                }
            }
            ActionHome::NewPriority(p) => insert_priority(&mut tx, organisation_id, p, now).await?,
        };
        let action_id = insert_action(&mut tx, priority_id, action, now).await?;
        sqlx::query(
            "UPDATE review_markers SET action_id = $1 WHERE review_id = $2 AND statement_code = $3 AND position = $4",
        )
        .bind(action_id)
        .bind(review_id)
        .bind(statement_code)
        .bind(position)
        .execute(&mut *tx)
        .await?;
        bump(&mut tx, organisation_id).await?;
        tx.commit().await?;
        Ok(MarkerActionOutcome::Made(priority_id, action_id))
    }
}
