//! Everything that names one person or was written by them: for "Download my data", and what
//! deleting an account must scrub.

use std::future::Future;

use crate::{Store, StoreError, UnixTime};

/// One view the person gave in a review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MyView {
    pub organisation: String,
    pub review: String,
    pub statement: String,
    pub perspective: String,
    pub level: String,
    pub working: String,
    pub to_change: String,
    pub updated_at: UnixTime,
}

/// Everything stored that the person wrote or that names them (besides the account and
/// memberships, which the caller has).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonalRecords {
    pub views: Vec<MyView>,
    /// `(organisation, review, anonymous)`.
    pub anonymity: Vec<(String, String, bool)>,
    /// `(organisation, title, body, published at)`.
    pub stories: Vec<(String, String, String, UnixTime)>,
    /// `(organisation, note, written at)`.
    pub updates: Vec<(String, String, UnixTime)>,
    /// `(organisation, draft revision, role, when)`.
    pub plan_approvals: Vec<(String, i64, String, UnixTime)>,
    /// `(organisation, review, statement, role, when)`.
    pub confirmations: Vec<(String, String, String, String, UnixTime)>,
    /// `(action, detail, when)`: what they did, and entries that name their address.
    pub audit: Vec<(String, String, UnixTime)>,
    /// `(organisation, role, sent at, accepted)`: invitations sent to their address.
    pub invitations: Vec<(String, String, UnixTime, bool)>,
    /// `(message, sent at)`: messages to the national team with their address to reply to.
    pub feedback: Vec<(String, UnixTime)>,
}

pub trait PersonalDataRepo {
    fn personal_records(
        &self,
        person_id: i64,
        email: &str,
    ) -> impl Future<Output = Result<PersonalRecords, StoreError>> + Send;
}

/// What an audit detail says instead of a deleted person's address.
pub const DELETED_PERSON: &str = "[a deleted account]";

impl PersonalDataRepo for Store {
    async fn personal_records(
        &self,
        person_id: i64,
        email: &str,
    ) -> Result<PersonalRecords, StoreError> {
        type ViewRow = (String, String, String, String, String, String, String, i64);
        let views: Vec<ViewRow> = sqlx::query_as(
            "SELECT o.name, r.title, v.statement_code, v.perspective, v.level, v.working, v.to_change, v.updated_at \
             FROM review_views v JOIN reviews r ON r.id = v.review_id JOIN organisations o ON o.id = r.organisation_id \
             WHERE v.person_id = $1 ORDER BY v.updated_at, r.id, v.statement_code",
        )
        .bind(person_id)
        .fetch_all(&self.pool)
        .await?;
        let anonymity: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT o.name, r.title, p.anonymous FROM review_participants p \
             JOIN reviews r ON r.id = p.review_id JOIN organisations o ON o.id = r.organisation_id \
             WHERE p.person_id = $1 ORDER BY r.id",
        )
        .bind(person_id)
        .fetch_all(&self.pool)
        .await?;
        let stories = sqlx::query_as(
            "SELECT o.name, s.title, s.body, s.published_at FROM stories s JOIN organisations o ON o.id = s.organisation_id \
             WHERE s.created_by = $1 ORDER BY s.published_at, s.id",
        )
        .bind(person_id)
        .fetch_all(&self.pool)
        .await?;
        let updates = sqlx::query_as(
            "SELECT o.name, u.note, u.created_at FROM progress_updates u JOIN organisations o ON o.id = u.organisation_id \
             WHERE u.created_by = $1 ORDER BY u.created_at, u.id",
        )
        .bind(person_id)
        .fetch_all(&self.pool)
        .await?;
        let plan_approvals = sqlx::query_as(
            "SELECT o.name, a.revision, a.role, a.approved_at FROM plan_approvals a JOIN organisations o ON o.id = a.organisation_id \
             WHERE a.person_id = $1 ORDER BY a.approved_at",
        )
        .bind(person_id)
        .fetch_all(&self.pool)
        .await?;
        let confirmations = sqlx::query_as(
            "SELECT o.name, r.title, c.statement_code, c.role, c.confirmed_at FROM position_confirmations c \
             JOIN reviews r ON r.id = c.review_id JOIN organisations o ON o.id = r.organisation_id \
             WHERE c.person_id = $1 ORDER BY c.confirmed_at",
        )
        .bind(person_id)
        .fetch_all(&self.pool)
        .await?;
        let audit = sqlx::query_as(
            "SELECT action, detail, at FROM audit_events \
             WHERE actor_person_id = $1 OR detail LIKE $2 ESCAPE '\\' ORDER BY at, id",
        )
        .bind(person_id)
        .bind(quoted_pattern(email))
        .fetch_all(&self.pool)
        .await?;
        let invitations: Vec<(String, String, i64, Option<i64>)> = sqlx::query_as(
            "SELECT o.name, i.role, i.created_at, i.accepted_at FROM invitations i \
             JOIN organisations o ON o.id = i.organisation_id WHERE i.email = $1 ORDER BY i.created_at",
        )
        .bind(email)
        .fetch_all(&self.pool)
        .await?;
        let feedback = sqlx::query_as(
            "SELECT message, created_at FROM feedback WHERE reply_email = $1 ORDER BY created_at, id",
        )
        .bind(email)
        .fetch_all(&self.pool)
        .await?;
        Ok(PersonalRecords {
            views: views
                .into_iter()
                .map(
                    |(
                        organisation,
                        review,
                        statement,
                        perspective,
                        level,
                        working,
                        to_change,
                        updated_at,
                    )| {
                        MyView {
                            organisation,
                            review,
                            statement,
                            perspective,
                            level,
                            working,
                            to_change,
                            updated_at,
                        }
                    },
                )
                .collect(),
            anonymity: anonymity
                .into_iter()
                .map(|(o, r, a)| (o, r, a != 0))
                .collect(),
            stories,
            updates,
            plan_approvals,
            confirmations,
            audit,
            invitations: invitations
                .into_iter()
                .map(|(o, role, at, accepted)| (o, role, at, accepted.is_some()))
                .collect(),
            feedback,
        })
    }
}

/// Inside the deletion's transaction: removes the address from every place it is written
/// as text (audit details, invitations, messages to the national team, waiting emails).
/// Views, confirmations and approvals go with the person's row (`ON DELETE CASCADE`); stories
/// and updates stay, unsigned (`ON DELETE SET NULL`).
pub(crate) async fn scrub_address(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    email: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE audit_events SET detail = REPLACE(detail, $1, $2) WHERE detail LIKE $3 ESCAPE '\\'",
    )
    .bind(format!("\"{email}\""))
    .bind(format!("\"{DELETED_PERSON}\""))
    .bind(quoted_pattern(email))
    .execute(&mut **tx)
    .await?;
    for statement in [
        "DELETE FROM invitations WHERE email = $1",
        "UPDATE feedback SET reply_email = NULL WHERE reply_email = $1",
        "DELETE FROM mail_outbox WHERE to_address = $1 OR reply_to = $1",
    ] {
        sqlx::query(statement)
            .bind(email)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// A LIKE pattern matching `email` exactly as a JSON string in an audit detail (in quotes),
/// with `%`, `_` and backslashes in the address taken literally: `pat_smith@…` must not match
/// `pat.smith@…`, nor `ann@x.org` match `joann@x.org`.
fn quoted_pattern(email: &str) -> String {
    let literal = email
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%\"{literal}\"%")
}
