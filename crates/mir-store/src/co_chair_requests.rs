//! Requests to take the co-chair role from someone or remove a co-chair from the group, waiting
//! for a second person to agree.

use std::future::Future;

use crate::{Store, StoreError, UnixTime};

/// What a request would change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoChairChange {
    /// They stop being a co-chair and stay a member.
    StepDown,
    /// They leave the group.
    Remove,
}

impl CoChairChange {
    pub fn key(self) -> &'static str {
        match self {
            CoChairChange::StepDown => "step-down",
            CoChairChange::Remove => "remove",
        }
    }

    pub fn parse(key: &str) -> Option<CoChairChange> {
        match key {
            "step-down" => Some(CoChairChange::StepDown),
            "remove" => Some(CoChairChange::Remove),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoChairRequest {
    pub id: i64,
    pub organisation_id: i64,
    /// The co-chair it is about.
    pub person_id: i64,
    pub change: CoChairChange,
    pub asked_by: i64,
    pub asked_at: UnixTime,
}

type RequestRow = (i64, i64, i64, String, i64, i64);

fn request_from(
    (id, organisation_id, person_id, change, asked_by, asked_at): RequestRow,
) -> Result<CoChairRequest, StoreError> {
    Ok(CoChairRequest {
        id,
        organisation_id,
        person_id,
        change: CoChairChange::parse(&change)
            .ok_or_else(|| StoreError::Corrupt(format!("co-chair change {change:?}")))?,
        asked_by,
        asked_at,
    })
}

pub trait CoChairRequestRepo {
    /// Records a request; `None` if one about this co-chair already waits.
    fn ask_co_chair_change(
        &self,
        organisation_id: i64,
        person_id: i64,
        change: CoChairChange,
        asked_by: i64,
        now: UnixTime,
    ) -> impl Future<Output = Result<Option<i64>, StoreError>> + Send;
    /// The requests waiting in an organisation, oldest first.
    fn co_chair_requests(
        &self,
        organisation_id: i64,
    ) -> impl Future<Output = Result<Vec<CoChairRequest>, StoreError>> + Send;
    /// Takes a request away (agreed, declined or withdrawn): `true` only for the one caller
    /// that removed it, so a request is acted on once.
    fn take_co_chair_request(
        &self,
        id: i64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
}

impl CoChairRequestRepo for Store {
    async fn ask_co_chair_change(
        &self,
        organisation_id: i64,
        person_id: i64,
        change: CoChairChange,
        asked_by: i64,
        now: UnixTime,
    ) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "INSERT INTO co_chair_requests (organisation_id, person_id, change, asked_by, asked_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (organisation_id, person_id) DO NOTHING RETURNING id",
        )
        .bind(organisation_id)
        .bind(person_id)
        .bind(change.key())
        .bind(asked_by)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn co_chair_requests(
        &self,
        organisation_id: i64,
    ) -> Result<Vec<CoChairRequest>, StoreError> {
        let rows: Vec<RequestRow> = sqlx::query_as(
            "SELECT id, organisation_id, person_id, change, asked_by, asked_at FROM co_chair_requests \
             WHERE organisation_id = $1 ORDER BY asked_at, id",
        )
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(request_from).collect()
    }

    async fn take_co_chair_request(&self, id: i64) -> Result<bool, StoreError> {
        Ok(sqlx::query("DELETE FROM co_chair_requests WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?
            .rows_affected()
            == 1)
    }
}
