//! Working groups under a board (decision 0041): a group of its own (kind `working-group`,
//! with its own members, co-chairs and plan) whose published priorities the board can take
//! into its plan, under the group's name.

use std::future::Future;

use mir_domain::organisation::{OrgSlug, OrganisationKind, OrganisationStatus};

use crate::plans::{ActionRecord, PriorityRecord, bump, insert_action, insert_priority};
use crate::sign_up::free_slug;
use crate::{Store, StoreError, UnixTime};

/// A working group, or the board above one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingGroup {
    pub id: i64,
    pub slug: String,
    pub name: String,
}

pub trait WorkingGroupRepo {
    /// Makes a working group under the board, with the person as its first administrator. It
    /// works in the board's places, on its framework, and is public at once (the board is).
    /// Returns (id, slug); `None` when the board has `max` working groups already (counted with
    /// its row taken, so requests at once cannot pass it).
    fn form_working_group(
        &self,
        parent_id: i64,
        name_and_description: (&str, &str),
        admin_person_id: i64,
        max: usize,
        now: UnixTime,
    ) -> impl Future<Output = Result<Option<(i64, String)>, StoreError>> + Send;
    /// The board's working groups, by name.
    fn working_groups(
        &self,
        parent_id: i64,
    ) -> impl Future<Output = Result<Vec<WorkingGroup>, StoreError>> + Send;
    /// The board a working group belongs to.
    fn board_of(
        &self,
        organisation_id: i64,
    ) -> impl Future<Output = Result<Option<WorkingGroup>, StoreError>> + Send;
    /// The working groups' priorities the board has taken: (group id, the group's priority id).
    fn taken_from_groups(
        &self,
        parent_id: i64,
    ) -> impl Future<Output = Result<Vec<(i64, i64)>, StoreError>> + Send;
    /// Takes one of a working group's published priorities, with its actions, into the board's
    /// draft plan (its co-chairs approve it with the rest). `None` if it was taken already.
    fn take_group_priority(
        &self,
        parent_id: i64,
        group_id: i64,
        group_priority_id: i64,
        priority: &PriorityRecord,
        actions: &[ActionRecord],
        now: UnixTime,
    ) -> impl Future<Output = Result<Option<i64>, StoreError>> + Send;
}

impl WorkingGroupRepo for Store {
    async fn form_working_group(
        &self,
        parent_id: i64,
        (name, description): (&str, &str),
        admin_person_id: i64,
        max: usize,
        now: UnixTime,
    ) -> Result<Option<(i64, String)>, StoreError> {
        let base = OrgSlug::from_name(name).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut tx = self.begin_write().await?;
        crate::lock_organisation(&mut tx, parent_id).await?;
        let groups: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM organisations WHERE parent_id = $1")
                .bind(parent_id)
                .fetch_one(&mut *tx)
                .await?;
        if usize::try_from(groups).unwrap_or(usize::MAX) >= max {
            tx.rollback().await?;
            return Ok(None);
        }
        let slug = free_slug(&mut tx, &base).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO organisations (slug, name, kind, is_demo, created_at, status, description, \
             framework_slug, framework_version, parent_id) \
             SELECT $1, $2, $3, b.is_demo, $4, $5, $6, b.framework_slug, b.framework_version, b.id \
             FROM organisations b WHERE b.id = $7 RETURNING id",
        )
        .bind(&slug)
        .bind(name)
        .bind(OrganisationKind::WorkingGroup.key())
        .bind(now)
        .bind(OrganisationStatus::Approved.key())
        .bind(description)
        .bind(parent_id)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO organisation_areas (organisation_id, area_code) \
             SELECT $1, a.area_code FROM organisation_areas a WHERE a.organisation_id = $2",
        )
        .bind(id)
        .bind(parent_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO memberships (organisation_id, person_id, role, is_co_chair, created_at) \
             VALUES ($1, $2, 'admin', 0, $3)",
        )
        .bind(id)
        .bind(admin_person_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.forget_public_index();
        Ok(Some((id, slug)))
    }

    async fn working_groups(&self, parent_id: i64) -> Result<Vec<WorkingGroup>, StoreError> {
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT id, slug, name FROM organisations WHERE parent_id = $1 ORDER BY name, id",
        )
        .bind(parent_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, slug, name)| WorkingGroup { id, slug, name })
            .collect())
    }

    async fn board_of(&self, organisation_id: i64) -> Result<Option<WorkingGroup>, StoreError> {
        let row: Option<(i64, String, String)> = sqlx::query_as(
            "SELECT b.id, b.slug, b.name FROM organisations g JOIN organisations b ON b.id = g.parent_id \
             WHERE g.id = $1",
        )
        .bind(organisation_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(id, slug, name)| WorkingGroup { id, slug, name }))
    }

    async fn taken_from_groups(&self, parent_id: i64) -> Result<Vec<(i64, i64)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT from_group_id, from_priority_id FROM priorities \
             WHERE organisation_id = $1 AND from_group_id IS NOT NULL AND from_priority_id IS NOT NULL",
        )
        .bind(parent_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn take_group_priority(
        &self,
        parent_id: i64,
        group_id: i64,
        group_priority_id: i64,
        priority: &PriorityRecord,
        actions: &[ActionRecord],
        now: UnixTime,
    ) -> Result<Option<i64>, StoreError> {
        let mut tx = self.begin_write().await?;
        crate::lock_organisation(&mut tx, parent_id).await?;
        let taken: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM priorities WHERE organisation_id = $1 AND from_group_id = $2 AND from_priority_id = $3",
        )
        .bind(parent_id)
        .bind(group_id)
        .bind(group_priority_id)
        .fetch_optional(&mut *tx)
        .await?;
        if taken.is_some() {
            tx.rollback().await?;
            return Ok(None);
        }
        let id = insert_priority(&mut tx, parent_id, priority, now).await?;
        sqlx::query(
            "UPDATE priorities SET from_group_id = $2, from_priority_id = $3 WHERE id = $1",
        )
        .bind(id)
        .bind(group_id)
        .bind(group_priority_id)
        .execute(&mut *tx)
        .await?;
        for action in actions {
            insert_action(&mut tx, id, action, now).await?;
        }
        bump(&mut tx, parent_id).await?;
        tx.commit().await?;
        Ok(Some(id))
    }
}
