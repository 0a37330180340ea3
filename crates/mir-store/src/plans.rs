//! Priorities, actions, progress updates, approvals and published versions. (The jobs' ledger
//! is in `jobs.rs`, email choices in `email_preferences.rs`.)

use crate::{Store, StoreError, UnixTime};
use std::future::Future;

/// A priority as stored (statuses are keys; the domain parses them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriorityRecord {
    pub title: String,
    pub statements: Vec<String>,
    pub target: String,
    pub why: String,
    pub review_id: Option<i64>,
    pub status: String,
    pub dropped_reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriorityRow {
    pub id: i64,
    pub record: PriorityRecord,
    pub updated_at: UnixTime,
    /// The working group it was taken from (decision 0041).
    pub from_group: Option<mir_domain::plan::GroupLink>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionRecord {
    pub what: String,
    pub lead: String,
    pub involved: String,
    pub due_on: Option<String>,
    pub review_on: Option<String>,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionRow {
    pub id: i64,
    pub priority_id: i64,
    pub record: ActionRecord,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateRow {
    pub id: i64,
    pub priority_id: i64,
    pub action_id: Option<i64>,
    pub note: String,
    pub new_status: Option<String>,
    pub evidence_url: Option<String>,
    pub created_by: Option<i64>,
    pub created_at: UnixTime,
    pub published_at: Option<UnixTime>,
}

/// What the public plan page says about the organisation itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationProfile {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub status: mir_domain::organisation::OrganisationStatus,
    pub signed_up_at: UnixTime,
    pub website: Option<String>,
    pub commitment: Option<String>,
    /// Who they are, in their own words.
    pub description: Option<String>,
    pub framework: Option<(String, String)>,
    pub is_demo: bool,
}

/// What an organisation says about itself, as it may change after signing up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationDetails {
    pub description: Option<String>,
    pub website: Option<String>,
    pub commitment: String,
}

pub trait PlanRepo {
    /// Changes what an organisation says about itself on its public page.
    fn update_organisation_details(
        &self,
        organisation_id: i64,
        details: &OrganisationDetails,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn organisation_profile(
        &self,
        slug: &str,
    ) -> impl Future<Output = Result<Option<OrganisationProfile>, StoreError>> + Send;
    /// `(draft revision, publish updates directly)`.
    fn plan_settings(
        &self,
        organisation_id: i64,
    ) -> impl Future<Output = Result<(i64, bool), StoreError>> + Send;
    fn set_publish_directly(
        &self,
        organisation_id: i64,
        directly: bool,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn create_priority(
        &self,
        organisation_id: i64,
        p: &PriorityRecord,
        now: UnixTime,
    ) -> impl Future<Output = Result<i64, StoreError>> + Send;
    /// `false` when the priority is not the organisation's.
    fn update_priority(
        &self,
        organisation_id: i64,
        id: i64,
        p: &PriorityRecord,
        now: UnixTime,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// In the order they were made.
    fn priorities(
        &self,
        organisation_id: i64,
    ) -> impl Future<Output = Result<Vec<PriorityRow>, StoreError>> + Send;
    /// `None` when the priority is not the organisation's.
    fn create_action(
        &self,
        organisation_id: i64,
        priority_id: i64,
        a: &ActionRecord,
        now: UnixTime,
    ) -> impl Future<Output = Result<Option<i64>, StoreError>> + Send;
    fn update_action(
        &self,
        organisation_id: i64,
        id: i64,
        a: &ActionRecord,
        now: UnixTime,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Every action of the organisation's priorities, in the order they were made.
    fn actions(
        &self,
        organisation_id: i64,
    ) -> impl Future<Output = Result<Vec<ActionRow>, StoreError>> + Send;
    /// Adds an update; a new status is applied to the priority or action too. `published`:
    /// public at once (the organisation publishes updates directly).
    #[allow(clippy::too_many_arguments)]
    fn add_update(
        &self,
        organisation_id: i64,
        priority_id: i64,
        action_id: Option<i64>,
        note: &str,
        new_status: Option<&str>,
        evidence_url: Option<&str>,
        created_by: i64,
        published: bool,
        now: UnixTime,
    ) -> impl Future<Output = Result<i64, StoreError>> + Send;
    /// Newest first.
    fn updates(
        &self,
        organisation_id: i64,
    ) -> impl Future<Output = Result<Vec<UpdateRow>, StoreError>> + Send;
}

/// Adds a priority inside the caller's transaction. Returns its id.
pub(crate) async fn insert_priority(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    organisation_id: i64,
    p: &PriorityRecord,
    now: UnixTime,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO priorities (organisation_id, title, statements, target, why, review_id, status, dropped_reason, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
    )
    .bind(organisation_id)
    .bind(&p.title)
    .bind(p.statements.join(" "))
    .bind(&p.target)
    .bind(&p.why)
    .bind(p.review_id)
    .bind(&p.status)
    .bind(&p.dropped_reason)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?)
}

/// Adds an action under a priority inside the caller's transaction (the caller checked the
/// priority is the organisation's). Returns its id.
pub(crate) async fn insert_action(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    priority_id: i64,
    a: &ActionRecord,
    now: UnixTime,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO plan_actions (priority_id, what, lead, involved, due_on, review_on, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
    )
    .bind(priority_id)
    .bind(&a.what)
    .bind(&a.lead)
    .bind(&a.involved)
    .bind(a.due_on.as_deref())
    .bind(a.review_on.as_deref())
    .bind(&a.status)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?)
}

pub(crate) async fn bump(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    organisation_id: i64,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE organisations SET plan_revision = plan_revision + 1 WHERE id = $1")
        .bind(organisation_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

type PriorityTuple = (
    i64,
    String,
    String,
    String,
    String,
    Option<i64>,
    String,
    String,
    i64,
    Option<String>,
    Option<String>,
);
type ActionTuple = (
    i64,
    i64,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
);
type UpdateTuple = (
    i64,
    i64,
    Option<i64>,
    String,
    Option<String>,
    Option<String>,
    Option<i64>,
    i64,
    Option<i64>,
);

type ProfileTuple = (
    i64,
    String,
    String,
    String,
    String,
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    i64,
    Option<String>,
);

impl PlanRepo for Store {
    async fn update_organisation_details(
        &self,
        organisation_id: i64,
        details: &OrganisationDetails,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE organisations SET description = $1, website = $2, commitment = $3 WHERE id = $4",
        )
        .bind(details.description.as_deref())
        .bind(details.website.as_deref())
        .bind(&details.commitment)
        .bind(organisation_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn organisation_profile(
        &self,
        slug: &str,
    ) -> Result<Option<OrganisationProfile>, StoreError> {
        let row: Option<ProfileTuple> = sqlx::query_as(
            "SELECT id, slug, name, kind, status, created_at, website, commitment, framework_slug, framework_version, is_demo, description \
             FROM organisations WHERE slug = $1",
        )
        .bind(slug)
        .fetch_optional(&self.pool)
        .await?;
        row.map(
            |(
                id,
                slug,
                name,
                kind,
                status,
                signed_up_at,
                website,
                commitment,
                fslug,
                fversion,
                is_demo,
                description,
            )| {
                Ok(OrganisationProfile {
                    id,
                    slug,
                    name,
                    kind,
                    status: crate::members::organisation_status(&status)?,
                    signed_up_at,
                    website,
                    commitment,
                    description,
                    framework: fslug.zip(fversion),
                    is_demo: is_demo != 0,
                })
            },
        )
        .transpose()
    }

    async fn plan_settings(&self, organisation_id: i64) -> Result<(i64, bool), StoreError> {
        let row: Option<(i64, i64)> = sqlx::query_as(
            "SELECT plan_revision, publish_updates_directly FROM organisations WHERE id = $1",
        )
        .bind(organisation_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map_or((0, false), |(r, d)| (r, d != 0)))
    }

    async fn set_publish_directly(
        &self,
        organisation_id: i64,
        directly: bool,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE organisations SET publish_updates_directly = $1 WHERE id = $2")
            .bind(i64::from(directly))
            .bind(organisation_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn create_priority(
        &self,
        organisation_id: i64,
        p: &PriorityRecord,
        now: UnixTime,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        let id = insert_priority(&mut tx, organisation_id, p, now).await?;
        bump(&mut tx, organisation_id).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn update_priority(
        &self,
        organisation_id: i64,
        id: i64,
        p: &PriorityRecord,
        now: UnixTime,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let changed = sqlx::query(
            "UPDATE priorities SET title = $1, statements = $2, target = $3, why = $4, review_id = $5, status = $6, \
             dropped_reason = $7, updated_at = $8 WHERE id = $9 AND organisation_id = $10",
        )
        .bind(&p.title)
        .bind(p.statements.join(" "))
        .bind(&p.target)
        .bind(&p.why)
        .bind(p.review_id)
        .bind(&p.status)
        .bind(&p.dropped_reason)
        .bind(now)
        .bind(id)
        .bind(organisation_id)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if changed {
            bump(&mut tx, organisation_id).await?;
        }
        tx.commit().await?;
        Ok(changed)
    }

    async fn priorities(&self, organisation_id: i64) -> Result<Vec<PriorityRow>, StoreError> {
        let rows: Vec<PriorityTuple> = sqlx::query_as(
            "SELECT p.id, p.title, p.statements, p.target, p.why, p.review_id, p.status, p.dropped_reason, p.updated_at, \
             g.slug, g.name FROM priorities p LEFT JOIN organisations g ON g.id = p.from_group_id \
             WHERE p.organisation_id = $1 ORDER BY p.id",
        )
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(
                    id,
                    title,
                    statements,
                    target,
                    why,
                    review_id,
                    status,
                    dropped_reason,
                    updated_at,
                    group_slug,
                    group_name,
                )| {
                    PriorityRow {
                        id,
                        record: PriorityRecord {
                            title,
                            statements: statements.split_whitespace().map(str::to_owned).collect(),
                            target,
                            why,
                            review_id,
                            status,
                            dropped_reason,
                        },
                        updated_at,
                        from_group: group_slug
                            .zip(group_name)
                            .map(|(slug, name)| mir_domain::plan::GroupLink { slug, name }),
                    }
                },
            )
            .collect())
    }

    async fn create_action(
        &self,
        organisation_id: i64,
        priority_id: i64,
        a: &ActionRecord,
        now: UnixTime,
    ) -> Result<Option<i64>, StoreError> {
        let mut tx = self.begin_write().await?;
        let owned: Option<i64> =
            sqlx::query_scalar("SELECT id FROM priorities WHERE id = $1 AND organisation_id = $2")
                .bind(priority_id)
                .bind(organisation_id)
                .fetch_optional(&mut *tx)
                .await?;
        if owned.is_none() {
            return Ok(None);
        }
        let id = insert_action(&mut tx, priority_id, a, now).await?;
        bump(&mut tx, organisation_id).await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    async fn update_action(
        &self,
        organisation_id: i64,
        id: i64,
        a: &ActionRecord,
        now: UnixTime,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let changed = sqlx::query(
            "UPDATE plan_actions SET what = $1, lead = $2, involved = $3, due_on = $4, review_on = $5, status = $6, updated_at = $7 \
             WHERE id = $8 AND priority_id IN (SELECT id FROM priorities WHERE organisation_id = $9)",
        )
        .bind(&a.what)
        .bind(&a.lead)
        .bind(&a.involved)
        .bind(a.due_on.as_deref())
        .bind(a.review_on.as_deref())
        .bind(&a.status)
        .bind(now)
        .bind(id)
        .bind(organisation_id)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if changed {
            bump(&mut tx, organisation_id).await?;
        }
        tx.commit().await?;
        Ok(changed)
    }

    async fn actions(&self, organisation_id: i64) -> Result<Vec<ActionRow>, StoreError> {
        let rows: Vec<ActionTuple> = sqlx::query_as(
            "SELECT a.id, a.priority_id, a.what, a.lead, a.involved, a.due_on, a.review_on, a.status \
             FROM plan_actions a JOIN priorities p ON p.id = a.priority_id WHERE p.organisation_id = $1 ORDER BY a.id",
        )
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, priority_id, what, lead, involved, due_on, review_on, status)| ActionRow {
                    id,
                    priority_id,
                    record: ActionRecord {
                        what,
                        lead,
                        involved,
                        due_on,
                        review_on,
                        status,
                    },
                },
            )
            .collect())
    }

    async fn add_update(
        &self,
        organisation_id: i64,
        priority_id: i64,
        action_id: Option<i64>,
        note: &str,
        new_status: Option<&str>,
        evidence_url: Option<&str>,
        created_by: i64,
        published: bool,
        now: UnixTime,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        let id = sqlx::query_scalar(
            "INSERT INTO progress_updates (organisation_id, priority_id, action_id, note, new_status, evidence_url, created_by, created_at, published_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(organisation_id)
        .bind(priority_id)
        .bind(action_id)
        .bind(note)
        .bind(new_status)
        .bind(evidence_url)
        .bind(created_by)
        .bind(now)
        .bind(published.then_some(now))
        .fetch_one(&mut *tx)
        .await?;
        if published {
            sqlx::query("UPDATE organisations SET last_public_change = $1 WHERE id = $2")
                .bind(now)
                .bind(organisation_id)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(status) = new_status {
            match action_id {
                Some(action) => {
                    sqlx::query(
                        "UPDATE plan_actions SET status = $1, updated_at = $2 WHERE id = $3",
                    )
                    .bind(status)
                    .bind(now)
                    .bind(action)
                    .execute(&mut *tx)
                    .await?;
                }
                None => {
                    sqlx::query("UPDATE priorities SET status = $1, updated_at = $2 WHERE id = $3")
                        .bind(status)
                        .bind(now)
                        .bind(priority_id)
                        .execute(&mut *tx)
                        .await?;
                }
            }
        }
        // An update waiting for approval is part of what the next approval publishes, so it
        // is a new revision: co-chairs' earlier approvals do not cover it.
        if new_status.is_some() || !published {
            bump(&mut tx, organisation_id).await?;
        }
        tx.commit().await?;
        if published {
            // The directory sorts and filters by the last public change: only that moved.
            self.touch_public_index(organisation_id, now);
        }
        Ok(id)
    }

    async fn updates(&self, organisation_id: i64) -> Result<Vec<UpdateRow>, StoreError> {
        let rows: Vec<UpdateTuple> = sqlx::query_as(
            "SELECT id, priority_id, action_id, note, new_status, evidence_url, created_by, created_at, published_at \
             FROM progress_updates WHERE organisation_id = $1 ORDER BY created_at DESC, id DESC",
        )
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(
                    id,
                    priority_id,
                    action_id,
                    note,
                    new_status,
                    evidence_url,
                    created_by,
                    created_at,
                    published_at,
                )| {
                    UpdateRow {
                        id,
                        priority_id,
                        action_id,
                        note,
                        new_status,
                        evidence_url,
                        created_by,
                        created_at,
                        published_at,
                    }
                },
            )
            .collect())
    }
}
