//! Review cycles: reviews, members' views, workshop views, agreed positions and their
//! confirmations. (Forms kept across an expired session are in `kept_forms.rs`.)
//!
//! Longer than most modules because it is one repository: a review and everything recorded in
//! it, read and written together (the summary reads all of it at once).

use std::future::Future;

use crate::{Store, StoreError, UnixTime};

/// A review cycle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub id: i64,
    pub organisation_id: i64,
    pub title: String,
    pub framework_slug: String,
    pub framework_version: String,
    /// Theme codes; empty means every theme.
    pub themes: Vec<String>,
    pub closes_on: Option<String>,
    pub is_open: bool,
    pub created_at: UnixTime,
    /// When it was closed (it can be opened again for a while after).
    pub closed_at: Option<UnixTime>,
}

/// A review to open.
#[derive(Debug, Clone)]
pub struct NewReviewRecord {
    pub organisation_id: i64,
    pub title: String,
    pub framework_slug: String,
    pub framework_version: String,
    pub themes: Vec<String>,
    pub closes_on: Option<String>,
    pub opened_by: i64,
}

/// One member's view on one statement. `level` is a scale key, `not-sure`, or empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    pub statement_code: String,
    pub person_id: i64,
    pub perspective: String,
    pub level: String,
    pub working: String,
    pub to_change: String,
}

/// A view with what others may see of its author.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedView {
    pub view: View,
    /// The name the member chose to be shown (empty if none yet); `None` when they chose to
    /// be anonymous in this review. Never their email address.
    pub name: Option<String>,
}

/// Views from a workshop: `people` people of one perspective at one level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkshopView {
    pub statement_code: String,
    pub perspective: String,
    pub level: String,
    pub people: i64,
    pub working: String,
    pub to_change: String,
    pub session_label: String,
}

/// A co-chair's confirmation of an agreed position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmation {
    pub person_id: i64,
    pub role: String,
    pub confirmed_at: UnixTime,
}

/// What the group agreed for one statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    pub statement_code: String,
    pub level: String,
    pub summary: String,
    pub agreed_on: String,
    pub confirmations: Vec<Confirmation>,
}

/// An agreed position with the review it was agreed in, for the public plan page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewedPosition {
    pub review_id: i64,
    pub review_title: String,
    /// The framework version the review was on.
    pub framework_version: String,
    pub position: Position,
}

pub trait ReviewRepo {
    fn review_cadence(
        &self,
        organisation_id: i64,
    ) -> impl Future<Output = Result<Option<i64>, StoreError>> + Send;
    fn set_review_cadence(
        &self,
        organisation_id: i64,
        months: Option<i64>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// How many people a perspective needs before it is shown on its own in a summary.
    fn anonymity_threshold(
        &self,
        organisation_id: i64,
    ) -> impl Future<Output = Result<i64, StoreError>> + Send;
    fn set_anonymity_threshold(
        &self,
        organisation_id: i64,
        people: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The framework version the organisation adopted, if any.
    fn adopted_framework(
        &self,
        organisation_id: i64,
    ) -> impl Future<Output = Result<Option<(String, String)>, StoreError>> + Send;
    /// Moves the organisation onto a framework version (it stays there until it chooses).
    fn adopt_framework(
        &self,
        organisation_id: i64,
        slug: &str,
        version: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn create_review(
        &self,
        review: &NewReviewRecord,
        now: UnixTime,
    ) -> impl Future<Output = Result<i64, StoreError>> + Send;
    /// Newest first.
    fn reviews_of(
        &self,
        organisation_id: i64,
    ) -> impl Future<Output = Result<Vec<Review>, StoreError>> + Send;
    /// The review, only if it belongs to the organisation.
    fn review(
        &self,
        organisation_id: i64,
        review_id: i64,
    ) -> impl Future<Output = Result<Option<Review>, StoreError>> + Send;
    fn close_review(
        &self,
        review_id: i64,
        now: UnixTime,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Opens a closed review again if it closed after `closed_since` and no other review of
    /// its organisation is open; `false` if not (one conditional UPDATE).
    fn reopen_review(
        &self,
        review_id: i64,
        closed_since: UnixTime,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    fn set_anonymous(
        &self,
        review_id: i64,
        person_id: i64,
        anonymous: bool,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn is_anonymous(
        &self,
        review_id: i64,
        person_id: i64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Saves (or replaces) a member's view.
    fn save_view(
        &self,
        review_id: i64,
        view: &View,
        now: UnixTime,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn views_of(
        &self,
        review_id: i64,
        person_id: i64,
    ) -> impl Future<Output = Result<Vec<View>, StoreError>> + Send;
    /// Every member's view in the review, anonymous ones without an address.
    fn shared_views(
        &self,
        review_id: i64,
    ) -> impl Future<Output = Result<Vec<SharedView>, StoreError>> + Send;
    fn add_workshop_views(
        &self,
        review_id: i64,
        views: &[WorkshopView],
        entered_by: i64,
        now: UnixTime,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn workshop_views(
        &self,
        review_id: i64,
    ) -> impl Future<Output = Result<Vec<WorkshopView>, StoreError>> + Send;
    /// Records (or changes) an agreed position; any earlier confirmations are cleared.
    fn record_position(
        &self,
        review_id: i64,
        position: &Position,
        recorded_by: i64,
        now: UnixTime,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn positions(
        &self,
        review_id: i64,
    ) -> impl Future<Output = Result<Vec<Position>, StoreError>> + Send;
    /// Every agreed position in all of an organisation's reviews, newest review first (two
    /// queries, however many reviews).
    fn positions_of(
        &self,
        organisation_id: i64,
    ) -> impl Future<Output = Result<Vec<ReviewedPosition>, StoreError>> + Send;
    /// Adds a co-chair's confirmation (once per person).
    fn confirm_position(
        &self,
        review_id: i64,
        statement_code: &str,
        person_id: i64,
        role: &str,
        now: UnixTime,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

fn themes_column(themes: &[String]) -> String {
    themes.join(" ")
}

fn parse_themes(column: &str) -> Vec<String> {
    column.split_whitespace().map(str::to_owned).collect()
}

type ReviewRow = (
    i64,
    i64,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    i64,
    Option<i64>,
);

fn review_from(row: ReviewRow) -> Review {
    let (
        id,
        organisation_id,
        title,
        framework_slug,
        framework_version,
        themes,
        closes_on,
        status,
        created_at,
        closed_at,
    ) = row;
    Review {
        id,
        organisation_id,
        title,
        framework_slug,
        framework_version,
        themes: parse_themes(&themes),
        closes_on,
        is_open: status == "open",
        created_at,
        closed_at,
    }
}

/// A view row with its author's address and anonymity choice.
type SharedViewRow = (
    String,
    i64,
    String,
    String,
    String,
    String,
    String,
    Option<i64>,
);

const REVIEW_COLUMNS: &str = "id, organisation_id, title, framework_slug, framework_version, themes, closes_on, status, created_at, closed_at";

impl ReviewRepo for Store {
    async fn review_cadence(&self, organisation_id: i64) -> Result<Option<i64>, StoreError> {
        let months: Option<Option<i64>> =
            sqlx::query_scalar("SELECT review_cadence_months FROM organisations WHERE id = $1")
                .bind(organisation_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(months.flatten())
    }

    async fn anonymity_threshold(&self, organisation_id: i64) -> Result<i64, StoreError> {
        let people: Option<i64> =
            sqlx::query_scalar("SELECT anonymity_threshold FROM organisations WHERE id = $1")
                .bind(organisation_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(people.unwrap_or(3))
    }

    async fn set_anonymity_threshold(
        &self,
        organisation_id: i64,
        people: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE organisations SET anonymity_threshold = $1 WHERE id = $2")
            .bind(people)
            .bind(organisation_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn set_review_cadence(
        &self,
        organisation_id: i64,
        months: Option<i64>,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE organisations SET review_cadence_months = $1 WHERE id = $2")
            .bind(months)
            .bind(organisation_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn adopted_framework(
        &self,
        organisation_id: i64,
    ) -> Result<Option<(String, String)>, StoreError> {
        let row: Option<(Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT framework_slug, framework_version FROM organisations WHERE id = $1",
        )
        .bind(organisation_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            Some((Some(slug), Some(version))) => Some((slug, version)),
            _ => None,
        })
    }

    async fn adopt_framework(
        &self,
        organisation_id: i64,
        slug: &str,
        version: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE organisations SET framework_slug = $1, framework_version = $2 WHERE id = $3",
        )
        .bind(slug)
        .bind(version)
        .bind(organisation_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn create_review(&self, r: &NewReviewRecord, now: UnixTime) -> Result<i64, StoreError> {
        let id = sqlx::query_scalar(
            "INSERT INTO reviews (organisation_id, title, framework_slug, framework_version, themes, closes_on, opened_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(r.organisation_id)
        .bind(&r.title)
        .bind(&r.framework_slug)
        .bind(&r.framework_version)
        .bind(themes_column(&r.themes))
        .bind(r.closes_on.as_deref())
        .bind(r.opened_by)
        .bind(now)
        .fetch_one(&self.pool)
        .await?;
        Ok(id)
    }

    async fn reviews_of(&self, organisation_id: i64) -> Result<Vec<Review>, StoreError> {
        let rows: Vec<ReviewRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {REVIEW_COLUMNS} FROM reviews WHERE organisation_id = $1 ORDER BY created_at DESC, id DESC"
        )))
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(review_from).collect())
    }

    async fn review(
        &self,
        organisation_id: i64,
        review_id: i64,
    ) -> Result<Option<Review>, StoreError> {
        let row: Option<ReviewRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {REVIEW_COLUMNS} FROM reviews WHERE organisation_id = $1 AND id = $2"
        )))
        .bind(organisation_id)
        .bind(review_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(review_from))
    }

    async fn close_review(&self, review_id: i64, now: UnixTime) -> Result<(), StoreError> {
        // Closing freezes the confirmations: those of people who are no longer co-chairs go,
        // in the same transaction, so they never count once the open-review filter stops.
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "DELETE FROM position_confirmations WHERE review_id = $1 AND person_id NOT IN \
             (SELECT m.person_id FROM memberships m JOIN reviews r ON r.organisation_id = m.organisation_id \
              WHERE r.id = $1 AND m.is_co_chair = 1)",
        )
        .bind(review_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE reviews SET status = 'closed', closed_at = $1 WHERE id = $2 AND status = 'open'")
            .bind(now)
            .bind(review_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn reopen_review(
        &self,
        review_id: i64,
        closed_since: UnixTime,
    ) -> Result<bool, StoreError> {
        let changed = sqlx::query(
            "UPDATE reviews SET status = 'open', closed_at = NULL WHERE id = $1 AND status = 'closed' \
             AND closed_at >= $2 AND NOT EXISTS (SELECT 1 FROM reviews other \
               WHERE other.organisation_id = reviews.organisation_id AND other.status = 'open')",
        )
        .bind(review_id)
        .bind(closed_since)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(changed == 1)
    }

    async fn set_anonymous(
        &self,
        review_id: i64,
        person_id: i64,
        anonymous: bool,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO review_participants (review_id, person_id, anonymous) VALUES ($1, $2, $3) \
             ON CONFLICT (review_id, person_id) DO UPDATE SET anonymous = excluded.anonymous",
        )
        .bind(review_id)
        .bind(person_id)
        .bind(i64::from(anonymous))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn is_anonymous(&self, review_id: i64, person_id: i64) -> Result<bool, StoreError> {
        let flag: Option<i64> = sqlx::query_scalar(
            "SELECT anonymous FROM review_participants WHERE review_id = $1 AND person_id = $2",
        )
        .bind(review_id)
        .bind(person_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(flag.unwrap_or(0) != 0)
    }

    async fn save_view(&self, review_id: i64, v: &View, now: UnixTime) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO review_views (review_id, statement_code, person_id, perspective, level, working, to_change, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (review_id, statement_code, person_id) DO UPDATE SET perspective = excluded.perspective, \
             level = excluded.level, working = excluded.working, to_change = excluded.to_change, updated_at = excluded.updated_at",
        )
        .bind(review_id)
        .bind(&v.statement_code)
        .bind(v.person_id)
        .bind(&v.perspective)
        .bind(&v.level)
        .bind(&v.working)
        .bind(&v.to_change)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn views_of(&self, review_id: i64, person_id: i64) -> Result<Vec<View>, StoreError> {
        let rows: Vec<(String, i64, String, String, String, String)> = sqlx::query_as(
            "SELECT statement_code, person_id, perspective, level, working, to_change FROM review_views \
             WHERE review_id = $1 AND person_id = $2 ORDER BY statement_code",
        )
        .bind(review_id)
        .bind(person_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(view_from).collect())
    }

    async fn shared_views(&self, review_id: i64) -> Result<Vec<SharedView>, StoreError> {
        let rows: Vec<SharedViewRow> =
            sqlx::query_as(
                "SELECT v.statement_code, v.person_id, v.perspective, v.level, v.working, v.to_change, COALESCE(p.display_name, ''), rp.anonymous \
                 FROM review_views v JOIN people p ON p.id = v.person_id \
                 LEFT JOIN review_participants rp ON rp.review_id = v.review_id AND rp.person_id = v.person_id \
                 WHERE v.review_id = $1 ORDER BY v.statement_code, v.updated_at, v.person_id",
            )
            .bind(review_id)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .into_iter()
            .map(
                |(code, person, perspective, level, working, to_change, name, anonymous)| {
                    SharedView {
                        view: view_from((code, person, perspective, level, working, to_change)),
                        name: (anonymous.unwrap_or(0) == 0).then_some(name),
                    }
                },
            )
            .collect())
    }

    async fn add_workshop_views(
        &self,
        review_id: i64,
        views: &[WorkshopView],
        entered_by: i64,
        now: UnixTime,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        insert_workshop_views(&mut tx, review_id, views, entered_by, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn workshop_views(&self, review_id: i64) -> Result<Vec<WorkshopView>, StoreError> {
        let rows: Vec<(String, String, String, i64, String, String, String)> = sqlx::query_as(
            "SELECT statement_code, perspective, level, people, working, to_change, session_label FROM workshop_views \
             WHERE review_id = $1 ORDER BY statement_code, id",
        )
        .bind(review_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(
                    statement_code,
                    perspective,
                    level,
                    people,
                    working,
                    to_change,
                    session_label,
                )| {
                    WorkshopView {
                        statement_code,
                        perspective,
                        level,
                        people,
                        working,
                        to_change,
                        session_label,
                    }
                },
            )
            .collect())
    }

    async fn record_position(
        &self,
        review_id: i64,
        p: &Position,
        recorded_by: i64,
        now: UnixTime,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO agreed_positions (review_id, statement_code, level, summary, agreed_on, recorded_by, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (review_id, statement_code) DO UPDATE SET \
             level = excluded.level, summary = excluded.summary, agreed_on = excluded.agreed_on, \
             recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
        )
        .bind(review_id)
        .bind(&p.statement_code)
        .bind(&p.level)
        .bind(&p.summary)
        .bind(&p.agreed_on)
        .bind(recorded_by)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "DELETE FROM position_confirmations WHERE review_id = $1 AND statement_code = $2",
        )
        .bind(review_id)
        .bind(&p.statement_code)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn positions(&self, review_id: i64) -> Result<Vec<Position>, StoreError> {
        let rows: Vec<(String, String, String, String)> = sqlx::query_as(
            "SELECT statement_code, level, summary, agreed_on FROM agreed_positions WHERE review_id = $1 ORDER BY statement_code",
        )
        .bind(review_id)
        .fetch_all(&self.pool)
        .await?;
        let confirmations: Vec<(String, i64, String, i64)> = sqlx::query_as(
            // In an open review only current co-chairs' confirmations count (finding 12);
            // closing a review freezes them (see `close_review`).
            "SELECT c.statement_code, c.person_id, c.role, c.confirmed_at FROM position_confirmations c \
             JOIN reviews r ON r.id = c.review_id \
             LEFT JOIN memberships m ON m.organisation_id = r.organisation_id AND m.person_id = c.person_id \
             WHERE c.review_id = $1 AND (r.status <> 'open' OR m.is_co_chair = 1) \
             ORDER BY c.confirmed_at, c.person_id",
        )
        .bind(review_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(statement_code, level, summary, agreed_on)| {
                let confirmations = confirmations
                    .iter()
                    .filter(|c| c.0 == statement_code)
                    .map(|(_, person_id, role, confirmed_at)| Confirmation {
                        person_id: *person_id,
                        role: role.clone(),
                        confirmed_at: *confirmed_at,
                    })
                    .collect();
                Position {
                    statement_code,
                    level,
                    summary,
                    agreed_on,
                    confirmations,
                }
            })
            .collect())
    }

    async fn positions_of(
        &self,
        organisation_id: i64,
    ) -> Result<Vec<ReviewedPosition>, StoreError> {
        // One query (a public plan page is built often): each position with its
        // confirmations, one row per confirmation. While a review is open only sitting
        // co-chairs' confirmations count.
        type Row = (
            i64,
            String,
            String,
            String,
            String,
            String,
            String,
            Option<i64>,
            Option<String>,
            Option<i64>,
        );
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT p.review_id, r.title, r.framework_version, p.statement_code, p.level, p.summary, p.agreed_on, \
             c.person_id, c.role, c.confirmed_at \
             FROM agreed_positions p JOIN reviews r ON r.id = p.review_id \
             LEFT JOIN position_confirmations c ON c.review_id = p.review_id AND c.statement_code = p.statement_code \
             AND (r.status <> 'open' OR EXISTS (SELECT 1 FROM memberships m \
             WHERE m.organisation_id = r.organisation_id AND m.person_id = c.person_id AND m.is_co_chair = 1)) \
             WHERE r.organisation_id = $1 \
             ORDER BY r.created_at DESC, r.id DESC, p.statement_code, c.confirmed_at, c.person_id",
        )
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        let mut out: Vec<ReviewedPosition> = Vec::new();
        for (
            review_id,
            review_title,
            framework_version,
            statement_code,
            level,
            summary,
            agreed_on,
            person_id,
            role,
            confirmed_at,
        ) in rows
        {
            let confirmation = match (person_id, role, confirmed_at) {
                (Some(person_id), Some(role), Some(confirmed_at)) => Some(Confirmation {
                    person_id,
                    role,
                    confirmed_at,
                }),
                _ => None,
            };
            let same = out.last().is_some_and(|last| {
                last.review_id == review_id && last.position.statement_code == statement_code
            });
            if same {
                if let (Some(last), Some(c)) = (out.last_mut(), confirmation) {
                    last.position.confirmations.push(c);
                }
                continue;
            }
            out.push(ReviewedPosition {
                review_id,
                review_title,
                framework_version,
                position: Position {
                    statement_code,
                    level,
                    summary,
                    agreed_on,
                    confirmations: confirmation.into_iter().collect(),
                },
            });
        }
        Ok(out)
    }

    async fn confirm_position(
        &self,
        review_id: i64,
        statement_code: &str,
        person_id: i64,
        role: &str,
        now: UnixTime,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO position_confirmations (review_id, statement_code, person_id, role, confirmed_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (review_id, statement_code, person_id) DO NOTHING",
        )
        .bind(review_id)
        .bind(statement_code)
        .bind(person_id)
        .bind(role)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

fn view_from(row: (String, i64, String, String, String, String)) -> View {
    let (statement_code, person_id, perspective, level, working, to_change) = row;
    View {
        statement_code,
        person_id,
        perspective,
        level,
        working,
        to_change,
    }
}

/// Writes a workshop's words into a review, inside the caller's transaction (a live session's
/// cards go in with the session's claim on them, in one transaction).
pub(crate) async fn insert_workshop_views(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    review_id: i64,
    views: &[WorkshopView],
    entered_by: i64,
    now: UnixTime,
) -> Result<(), sqlx::Error> {
    for v in views {
        sqlx::query(
            "INSERT INTO workshop_views (review_id, statement_code, perspective, level, people, working, to_change, session_label, entered_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(review_id)
        .bind(&v.statement_code)
        .bind(&v.perspective)
        .bind(&v.level)
        .bind(v.people)
        .bind(&v.working)
        .bind(&v.to_change)
        .bind(&v.session_label)
        .bind(entered_by)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
