//! Live co-production sessions: sessions, participants (no account: a hashed device token),
//! cards, groups and dots. Limits (participants, cards, dots) are held by guarded updates of a
//! counter in the same transaction as the insert, so two servers cannot overshoot them.
//! Every change adds one to the session's `version`: boards watch it (decision 0034).

use std::future::Future;

use sqlx::Row;

use crate::{Engine, Store, StoreError, UnixTime};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveSession {
    pub id: i64,
    pub organisation_id: i64,
    pub code: String,
    pub title: String,
    pub question: String,
    pub statements: Vec<String>,
    /// `draft`, `open`, `closed` or `archived` (the domain's `SessionState`).
    pub state: String,
    pub vote_budget: i64,
    pub retention_days: i64,
    pub keep: bool,
    pub participants: i64,
    pub cards: i64,
    pub version: i64,
    pub created_at: UnixTime,
    pub opened_at: Option<UnixTime>,
    pub closed_at: Option<UnixTime>,
    /// The review its cards' words were put into, once they were.
    pub review_id: Option<i64>,
    /// Its kinds of card as the application wrote them (JSON); empty for the default three.
    pub card_kinds: String,
}

/// What became of a session's words sent into a review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntoReviewOutcome {
    Done,
    /// They went into a review before (once per session).
    AlreadyIn,
    /// The review closed first: nothing was written.
    ReviewClosed,
}

/// A new session, as the facilitator set it up.
#[derive(Debug, Clone)]
pub struct NewLiveSession<'a> {
    pub organisation_id: i64,
    pub code: &'a str,
    pub title: &'a str,
    pub question: &'a str,
    pub statements: &'a [String],
    pub vote_budget: i64,
    pub retention_days: i64,
    /// Its kinds of card (JSON written by the application).
    pub card_kinds: &'a str,
    pub created_by: i64,
    pub now: UnixTime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    pub id: i64,
    pub session_id: i64,
    pub perspective: String,
    pub name: String,
    pub dots_used: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveCard {
    pub id: i64,
    /// `None` for a card the facilitator typed in from paper.
    pub participant_id: Option<i64>,
    pub perspective: String,
    pub kind: String,
    pub text: String,
    pub statement: String,
    pub group_id: Option<i64>,
    pub hidden_reason: Option<String>,
    pub created_at: UnixTime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveGroup {
    pub id: i64,
    pub name: String,
}

/// What a dot is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DotTarget {
    Card(i64),
    Group(i64),
}

/// Everything on a board, read at one moment.
#[derive(Debug, Clone, Default)]
pub struct Board {
    /// The session's change count at that moment: the board is exactly as it was then, so a
    /// board kept by a browser and one read later differ by exactly the changes in between.
    pub version: i64,
    pub cards: Vec<LiveCard>,
    pub groups: Vec<LiveGroup>,
    /// Every participant: (id, perspective).
    pub participants: Vec<(i64, String)>,
    /// Every dot: (what it is on, whose).
    pub dots: Vec<(DotTarget, i64)>,
}

/// What a click on a dot did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DotOutcome {
    Placed,
    Removed,
    /// Every dot is used: one must be taken off first.
    NoneLeft,
    /// The session is not open (or the card or group is not in it).
    NotOpen,
}

pub trait LiveRepo {
    fn create_live_session(
        &self,
        new: &NewLiveSession<'_>,
    ) -> impl Future<Output = Result<i64, StoreError>> + Send;
    fn live_session(
        &self,
        id: i64,
    ) -> impl Future<Output = Result<Option<LiveSession>, StoreError>> + Send;
    fn live_session_by_code(
        &self,
        code: &str,
    ) -> impl Future<Output = Result<Option<LiveSession>, StoreError>> + Send;
    /// An organisation's sessions, newest first.
    fn live_sessions_of(
        &self,
        organisation_id: i64,
    ) -> impl Future<Output = Result<Vec<LiveSession>, StoreError>> + Send;
    /// Moves the session from one state to another; false if it was not in `from`.
    fn set_live_state(
        &self,
        id: i64,
        from: &str,
        to: &str,
        now: UnixTime,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    fn set_live_keep(
        &self,
        id: i64,
        keep: bool,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Adds a participant to an open session with room; `None` if closed or full.
    fn join_live(
        &self,
        session_id: i64,
        token_hash: &str,
        perspective: &str,
        name: &str,
        max_participants: i64,
        now: UnixTime,
    ) -> impl Future<Output = Result<Option<i64>, StoreError>> + Send;
    fn live_participant(
        &self,
        session_id: i64,
        token_hash: &str,
    ) -> impl Future<Output = Result<Option<Participant>, StoreError>> + Send;
    /// Adds a card to an open session with room; `None` if closed or full.
    #[allow(clippy::too_many_arguments)]
    fn add_live_card(
        &self,
        session_id: i64,
        participant_id: Option<i64>,
        perspective: &str,
        kind: &str,
        text: &str,
        statement: &str,
        max_cards: i64,
        now: UnixTime,
    ) -> impl Future<Output = Result<Option<i64>, StoreError>> + Send;
    /// Changes a participant's own card while the session is open; false otherwise.
    #[allow(clippy::too_many_arguments)]
    fn edit_live_card(
        &self,
        session_id: i64,
        card_id: i64,
        participant_id: i64,
        kind: &str,
        text: &str,
        statement: &str,
        now: UnixTime,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Takes a participant's own card (and the dots on it) away while the session is open.
    fn withdraw_live_card(
        &self,
        session_id: i64,
        card_id: i64,
        participant_id: i64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Hides a card with a reason, or shows it again with `None`.
    fn hide_live_card(
        &self,
        session_id: i64,
        card_id: i64,
        reason: Option<&str>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    fn add_live_group(
        &self,
        session_id: i64,
        name: &str,
        now: UnixTime,
    ) -> impl Future<Output = Result<i64, StoreError>> + Send;
    /// Puts a card in a group of the same session, or out of any group with `None`.
    fn move_live_card(
        &self,
        session_id: i64,
        card_id: i64,
        group_id: Option<i64>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Places a dot, or takes it off if it was there.
    fn toggle_dot(
        &self,
        session_id: i64,
        participant_id: i64,
        target: DotTarget,
        budget: i64,
        now: UnixTime,
    ) -> impl Future<Output = Result<DotOutcome, StoreError>> + Send;
    fn live_board(&self, session_id: i64)
    -> impl Future<Output = Result<Board, StoreError>> + Send;
    /// The session's change count (what live boards watch).
    fn live_version(
        &self,
        session_id: i64,
    ) -> impl Future<Output = Result<Option<i64>, StoreError>> + Send;
    /// Days the group keeps a closed session (90 unless it chose otherwise).
    fn live_retention_days(
        &self,
        organisation_id: i64,
    ) -> impl Future<Output = Result<i64, StoreError>> + Send;
    /// Sets the group's retention period, for its new sessions and every one not deleted yet.
    fn set_live_retention_days(
        &self,
        organisation_id: i64,
        days: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Puts the session's cards' words (`views`) into `review_id` and notes that they went,
    /// in one transaction, unless they already went into a review or the review has closed
    /// (two clicks at once put the words in once).
    fn live_cards_into_review(
        &self,
        id: i64,
        review_id: i64,
        views: &[crate::WorkshopView],
        entered_by: i64,
        now: UnixTime,
    ) -> impl Future<Output = Result<IntoReviewOutcome, StoreError>> + Send;
    /// Sets a session's kinds of card while it is being prepared (no card can have been
    /// written yet): returns whether it was still a draft.
    fn set_live_kinds(
        &self,
        id: i64,
        card_kinds: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Deletes sessions closed more than their retention period before `now`, unless kept
    /// (or archived: archiving keeps a session for the group's history).
    fn delete_expired_live_sessions(
        &self,
        now: UnixTime,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;
}

const SESSION_COLUMNS: &str = "id, organisation_id, code, title, question, statements, state, \
     vote_budget, retention_days, keep, participants, cards, version, created_at, opened_at, closed_at, \
     review_id, card_kinds FROM live_sessions";

fn session_from(row: &sqlx::any::AnyRow) -> Result<LiveSession, sqlx::Error> {
    Ok(LiveSession {
        id: row.try_get(0)?,
        organisation_id: row.try_get(1)?,
        code: row.try_get(2)?,
        title: row.try_get(3)?,
        question: row.try_get(4)?,
        statements: row
            .try_get::<String, _>(5)?
            .split_whitespace()
            .map(str::to_owned)
            .collect(),
        state: row.try_get(6)?,
        vote_budget: row.try_get(7)?,
        retention_days: row.try_get(8)?,
        keep: row.try_get::<i64, _>(9)? != 0,
        participants: row.try_get(10)?,
        cards: row.try_get(11)?,
        version: row.try_get(12)?,
        created_at: row.try_get(13)?,
        opened_at: row.try_get(14)?,
        closed_at: row.try_get(15)?,
        review_id: row.try_get(16)?,
        card_kinds: row.try_get(17)?,
    })
}

/// Adds one to a session's change count (inside the caller's transaction).
async fn bump(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    session_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE live_sessions SET version = version + 1 WHERE id = $1")
        .bind(session_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Sets each participant's count of dots from the dots there are (after dots were removed
/// with a card, or from a hidden or changed card). The count is only shown; the budget is
/// checked against the dots themselves, so two requests at once cannot get round it.
async fn recount_dots(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    session_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE live_participants SET dots_used = \
         (SELECT COUNT(*) FROM live_votes v WHERE v.participant_id = live_participants.id) \
         WHERE session_id = $1",
    )
    .bind(session_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Takes the dots off a card (its words changed, or it was hidden) and gives them back.
async fn clear_dots_on(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    session_id: i64,
    card_id: i64,
) -> Result<(), sqlx::Error> {
    let removed = sqlx::query("DELETE FROM live_votes WHERE card_id = $1 AND session_id = $2")
        .bind(card_id)
        .bind(session_id)
        .execute(&mut **tx)
        .await?;
    if removed.rows_affected() > 0 {
        recount_dots(tx, session_id).await?;
    }
    Ok(())
}

impl LiveRepo for Store {
    async fn create_live_session(&self, new: &NewLiveSession<'_>) -> Result<i64, StoreError> {
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM live_sessions WHERE code = $1")
            .bind(new.code)
            .fetch_optional(&self.pool)
            .await?;
        if taken.is_some() {
            return Err(StoreError::AlreadyExists("that join code is in use".into()));
        }
        Ok(sqlx::query_scalar(
            "INSERT INTO live_sessions (organisation_id, code, title, question, statements, state, \
             vote_budget, retention_days, created_by, created_at, card_kinds) \
             VALUES ($1, $2, $3, $4, $5, 'draft', $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(new.organisation_id)
        .bind(new.code)
        .bind(new.title)
        .bind(new.question)
        .bind(new.statements.join(" "))
        .bind(new.vote_budget)
        .bind(new.retention_days)
        .bind(new.created_by)
        .bind(new.now)
        .bind(new.card_kinds)
        .fetch_one(&self.pool)
        .await?)
    }

    async fn live_session(&self, id: i64) -> Result<Option<LiveSession>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SESSION_COLUMNS} WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(session_from).transpose()?)
    }

    async fn live_session_by_code(&self, code: &str) -> Result<Option<LiveSession>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SESSION_COLUMNS} WHERE code = $1"
        )))
        .bind(code)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(session_from).transpose()?)
    }

    async fn live_sessions_of(&self, organisation_id: i64) -> Result<Vec<LiveSession>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SESSION_COLUMNS} WHERE organisation_id = $1 ORDER BY created_at DESC, id DESC"
        )))
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(session_from).collect::<Result<_, _>>()?)
    }

    async fn set_live_state(
        &self,
        id: i64,
        from: &str,
        to: &str,
        now: UnixTime,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE live_sessions SET state = $1, version = version + 1, \
             opened_at = CASE WHEN $1 = 'open' THEN $2 ELSE opened_at END, \
             closed_at = CASE WHEN $1 = 'closed' THEN $2 ELSE closed_at END \
             WHERE id = $3 AND state = $4",
        )
        .bind(to)
        .bind(now)
        .bind(id)
        .bind(from)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn set_live_keep(&self, id: i64, keep: bool) -> Result<(), StoreError> {
        sqlx::query("UPDATE live_sessions SET keep = $1 WHERE id = $2")
            .bind(i64::from(keep))
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn join_live(
        &self,
        session_id: i64,
        token_hash: &str,
        perspective: &str,
        name: &str,
        max_participants: i64,
        now: UnixTime,
    ) -> Result<Option<i64>, StoreError> {
        let mut tx = self.begin_write().await?;
        let room = sqlx::query(
            "UPDATE live_sessions SET participants = participants + 1, version = version + 1 \
             WHERE id = $1 AND state = 'open' AND participants < $2",
        )
        .bind(session_id)
        .bind(max_participants)
        .execute(&mut *tx)
        .await?;
        if room.rows_affected() != 1 {
            return Ok(None);
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO live_participants (session_id, token_hash, perspective, name, joined_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(session_id)
        .bind(token_hash)
        .bind(perspective)
        .bind(name)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    async fn live_participant(
        &self,
        session_id: i64,
        token_hash: &str,
    ) -> Result<Option<Participant>, StoreError> {
        let row: Option<(i64, i64, String, String, i64)> = sqlx::query_as(
            "SELECT id, session_id, perspective, name, dots_used FROM live_participants \
             WHERE token_hash = $1 AND session_id = $2",
        )
        .bind(token_hash)
        .bind(session_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(
            |(id, session_id, perspective, name, dots_used)| Participant {
                id,
                session_id,
                perspective,
                name,
                dots_used,
            },
        ))
    }

    async fn add_live_card(
        &self,
        session_id: i64,
        participant_id: Option<i64>,
        perspective: &str,
        kind: &str,
        text: &str,
        statement: &str,
        max_cards: i64,
        now: UnixTime,
    ) -> Result<Option<i64>, StoreError> {
        let mut tx = self.begin_write().await?;
        let room = sqlx::query(
            "UPDATE live_sessions SET cards = cards + 1, version = version + 1 \
             WHERE id = $1 AND state = 'open' AND cards < $2",
        )
        .bind(session_id)
        .bind(max_cards)
        .execute(&mut *tx)
        .await?;
        if room.rows_affected() != 1 {
            return Ok(None);
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO live_cards (session_id, participant_id, perspective, kind, text, statement, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
        )
        .bind(session_id)
        .bind(participant_id)
        .bind(perspective)
        .bind(kind)
        .bind(text)
        .bind(statement)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    async fn edit_live_card(
        &self,
        session_id: i64,
        card_id: i64,
        participant_id: i64,
        kind: &str,
        text: &str,
        statement: &str,
        now: UnixTime,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let before: Option<String> = sqlx::query_scalar(
            "SELECT text FROM live_cards WHERE id = $1 AND session_id = $2 AND participant_id = $3",
        )
        .bind(card_id)
        .bind(session_id)
        .bind(participant_id)
        .fetch_optional(&mut *tx)
        .await?;
        let done = sqlx::query(
            "UPDATE live_cards SET kind = $1, text = $2, statement = $3, updated_at = $4 \
             WHERE id = $5 AND session_id = $6 AND participant_id = $7 AND hidden_reason IS NULL \
             AND EXISTS (SELECT 1 FROM live_sessions s WHERE s.id = $6 AND s.state = 'open')",
        )
        .bind(kind)
        .bind(text)
        .bind(statement)
        .bind(now)
        .bind(card_id)
        .bind(session_id)
        .bind(participant_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 1 {
            // Dots were given to the words as they were: new words start again.
            if before.as_deref() != Some(text) {
                clear_dots_on(&mut tx, session_id, card_id).await?;
            }
            bump(&mut tx, session_id).await?;
        }
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    async fn withdraw_live_card(
        &self,
        session_id: i64,
        card_id: i64,
        participant_id: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "DELETE FROM live_cards WHERE id = $1 AND session_id = $2 AND participant_id = $3 \
             AND hidden_reason IS NULL \
             AND EXISTS (SELECT 1 FROM live_sessions s WHERE s.id = $2 AND s.state = 'open')",
        )
        .bind(card_id)
        .bind(session_id)
        .bind(participant_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 1 {
            // The dots on it (deleted with it) go back to the people who placed them.
            recount_dots(&mut tx, session_id).await?;
            sqlx::query(
                "UPDATE live_sessions SET cards = cards - 1, version = version + 1 WHERE id = $1",
            )
            .bind(session_id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    async fn hide_live_card(
        &self,
        session_id: i64,
        card_id: i64,
        reason: Option<&str>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE live_cards SET hidden_reason = $1 WHERE id = $2 AND session_id = $3",
        )
        .bind(reason)
        .bind(card_id)
        .bind(session_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 1 {
            let state: String = sqlx::query_scalar("SELECT state FROM live_sessions WHERE id = $1")
                .bind(session_id)
                .fetch_one(&mut *tx)
                .await?;
            // In an open session a hidden card's dots go back to the people who placed them,
            // to place again. A closed session's record keeps them (a hidden card's dots do
            // not count in its ranking), so hiding a card afterwards and showing it again
            // changes nothing else.
            if reason.is_some() && state == "open" {
                clear_dots_on(&mut tx, session_id, card_id).await?;
            }
            bump(&mut tx, session_id).await?;
        }
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    async fn add_live_group(
        &self,
        session_id: i64,
        name: &str,
        now: UnixTime,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO live_groups (session_id, name, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(session_id)
        .bind(name)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        bump(&mut tx, session_id).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn move_live_card(
        &self,
        session_id: i64,
        card_id: i64,
        group_id: Option<i64>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE live_cards SET group_id = $1 WHERE id = $2 AND session_id = $3 \
             AND ($1 IS NULL OR EXISTS (SELECT 1 FROM live_groups g WHERE g.id = $1 AND g.session_id = $3))",
        )
        .bind(group_id)
        .bind(card_id)
        .bind(session_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 1 {
            bump(&mut tx, session_id).await?;
        }
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    async fn toggle_dot(
        &self,
        session_id: i64,
        participant_id: i64,
        target: DotTarget,
        budget: i64,
        now: UnixTime,
    ) -> Result<DotOutcome, StoreError> {
        let (column, id) = match target {
            DotTarget::Card(id) => ("card_id", id),
            DotTarget::Group(id) => ("group_id", id),
        };
        let table = match target {
            DotTarget::Card(_) => "live_cards",
            DotTarget::Group(_) => "live_groups",
        };
        let mut tx = self.begin_write().await?;
        // Lock the card or group, then the participant, for the rest of the transaction (on
        // PostgreSQL an UPDATE holds the row; SQLite holds the whole database): a card being
        // withdrawn, or a second dot from the same person at the same moment, waits its turn.
        let open = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE {table} SET session_id = session_id WHERE id = $1 AND session_id = $2 \
             AND EXISTS (SELECT 1 FROM live_sessions s WHERE s.id = $2 AND s.state = 'open') \
             {visible}",
            visible = if table == "live_cards" {
                "AND hidden_reason IS NULL"
            } else {
                ""
            }
        )))
        .bind(id)
        .bind(session_id)
        .execute(&mut *tx)
        .await?;
        if open.rows_affected() != 1 {
            return Ok(DotOutcome::NotOpen);
        }
        let me = sqlx::query(
            "UPDATE live_participants SET dots_used = dots_used WHERE id = $1 AND session_id = $2",
        )
        .bind(participant_id)
        .bind(session_id)
        .execute(&mut *tx)
        .await?;
        if me.rows_affected() != 1 {
            return Ok(DotOutcome::NotOpen);
        }
        let removed = sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM live_votes WHERE participant_id = $1 AND {column} = $2"
        )))
        .bind(participant_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let outcome = if removed.rows_affected() > 0 {
            DotOutcome::Removed
        } else {
            let used: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM live_votes WHERE participant_id = $1")
                    .bind(participant_id)
                    .fetch_one(&mut *tx)
                    .await?;
            if used >= budget {
                return Ok(DotOutcome::NoneLeft);
            }
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT INTO live_votes (session_id, participant_id, {column}, created_at) \
                 VALUES ($1, $2, $3, $4)"
            )))
            .bind(session_id)
            .bind(participant_id)
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            DotOutcome::Placed
        };
        sqlx::query(
            "UPDATE live_participants SET dots_used = \
             (SELECT COUNT(*) FROM live_votes v WHERE v.participant_id = $1) WHERE id = $1",
        )
        .bind(participant_id)
        .execute(&mut *tx)
        .await?;
        bump(&mut tx, session_id).await?;
        tx.commit().await?;
        Ok(outcome)
    }

    async fn live_board(&self, session_id: i64) -> Result<Board, StoreError> {
        type CardRow = (
            i64,
            Option<i64>,
            String,
            String,
            String,
            String,
            Option<i64>,
            Option<String>,
            i64,
        );
        // One snapshot for the count and everything it counts: PostgreSQL's default gives
        // each statement its own; SQLite's read transaction holds one from its first read.
        let mut tx = self.pool.begin().await?;
        if self.engine() == Engine::Postgres {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute(&mut *tx)
                .await?;
        }
        let version: i64 = sqlx::query_scalar("SELECT version FROM live_sessions WHERE id = $1")
            .bind(session_id)
            .fetch_optional(&mut *tx)
            .await?
            .unwrap_or(0);
        let cards: Vec<CardRow> = sqlx::query_as(
            "SELECT id, participant_id, perspective, kind, text, statement, group_id, hidden_reason, \
             created_at FROM live_cards WHERE session_id = $1 ORDER BY id",
        )
        .bind(session_id)
        .fetch_all(&mut *tx)
        .await?;
        let groups: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, name FROM live_groups WHERE session_id = $1 ORDER BY id")
                .bind(session_id)
                .fetch_all(&mut *tx)
                .await?;
        let participants: Vec<(i64, String)> = sqlx::query_as(
            "SELECT id, perspective FROM live_participants WHERE session_id = $1 ORDER BY id",
        )
        .bind(session_id)
        .fetch_all(&mut *tx)
        .await?;
        let dots: Vec<(Option<i64>, Option<i64>, i64)> = sqlx::query_as(
            "SELECT card_id, group_id, participant_id FROM live_votes WHERE session_id = $1 ORDER BY id",
        )
        .bind(session_id)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Board {
            version,
            cards: cards
                .into_iter()
                .map(
                    |(
                        id,
                        participant_id,
                        perspective,
                        kind,
                        text,
                        statement,
                        group_id,
                        hidden_reason,
                        created_at,
                    )| LiveCard {
                        id,
                        participant_id,
                        perspective,
                        kind,
                        text,
                        statement,
                        group_id,
                        hidden_reason,
                        created_at,
                    },
                )
                .collect(),
            groups: groups
                .into_iter()
                .map(|(id, name)| LiveGroup { id, name })
                .collect(),
            participants,
            dots: dots
                .into_iter()
                .filter_map(|(card, group, participant)| match (card, group) {
                    (Some(card), _) => Some((DotTarget::Card(card), participant)),
                    (None, Some(group)) => Some((DotTarget::Group(group), participant)),
                    (None, None) => None,
                })
                .collect(),
        })
    }

    async fn live_version(&self, session_id: i64) -> Result<Option<i64>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT version FROM live_sessions WHERE id = $1")
                .bind(session_id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    async fn live_retention_days(&self, organisation_id: i64) -> Result<i64, StoreError> {
        let days: Option<i64> =
            sqlx::query_scalar("SELECT live_retention_days FROM organisations WHERE id = $1")
                .bind(organisation_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(days.unwrap_or(90))
    }

    async fn set_live_retention_days(
        &self,
        organisation_id: i64,
        days: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE organisations SET live_retention_days = $1 WHERE id = $2")
            .bind(days)
            .bind(organisation_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE live_sessions SET retention_days = $1 WHERE organisation_id = $2")
            .bind(days)
            .bind(organisation_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn live_cards_into_review(
        &self,
        id: i64,
        review_id: i64,
        views: &[crate::WorkshopView],
        entered_by: i64,
        now: UnixTime,
    ) -> Result<IntoReviewOutcome, StoreError> {
        let mut tx = self.begin_write().await?;
        // The review must still be open when the words are written: this no-op update holds
        // its row (PostgreSQL) until the transaction ends, so it cannot close in between.
        let open = sqlx::query(
            "UPDATE reviews SET closed_at = closed_at WHERE id = $1 AND closed_at IS NULL",
        )
        .bind(review_id)
        .execute(&mut *tx)
        .await?;
        if open.rows_affected() != 1 {
            return Ok(IntoReviewOutcome::ReviewClosed);
        }
        let claimed = sqlx::query(
            "UPDATE live_sessions SET review_id = $1 WHERE id = $2 AND review_id IS NULL",
        )
        .bind(review_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() != 1 {
            return Ok(IntoReviewOutcome::AlreadyIn);
        }
        crate::reviews::insert_workshop_views(&mut tx, review_id, views, entered_by, now).await?;
        tx.commit().await?;
        Ok(IntoReviewOutcome::Done)
    }

    async fn set_live_kinds(&self, id: i64, card_kinds: &str) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE live_sessions SET card_kinds = $1, version = version + 1 \
             WHERE id = $2 AND state = 'draft'",
        )
        .bind(card_kinds)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn delete_expired_live_sessions(&self, now: UnixTime) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "DELETE FROM live_sessions WHERE keep = 0 AND state = 'closed' \
             AND closed_at IS NOT NULL AND closed_at + retention_days * 86400 < $1",
        )
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }
}
