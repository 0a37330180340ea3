use std::future::Future;

use mir_domain::organisation::{OrgSlug, OrganisationKind};

use crate::{Store, StoreError, UnixTime};

/// An organisation to add.
#[derive(Debug, Clone)]
pub struct NewOrganisation {
    pub slug: OrgSlug,
    pub name: String,
    pub kind: OrganisationKind,
    pub is_demo: bool,
}

/// What lists and counts show of an organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationSummary {
    pub slug: String,
    pub name: String,
    pub kind: OrganisationKind,
    pub is_demo: bool,
}

pub trait OrganisationRepo {
    /// Adds the organisation unless one with its slug exists; returns whether it was added.
    fn insert_organisation_if_absent(
        &self,
        org: &NewOrganisation,
        now: UnixTime,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Approved (public) organisations.
    fn count_organisations(&self) -> impl Future<Output = Result<i64, StoreError>> + Send;
    /// The newest organisations first.
    fn recent_organisations(
        &self,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<OrganisationSummary>, StoreError>> + Send;
}

impl OrganisationRepo for Store {
    async fn insert_organisation_if_absent(
        &self,
        org: &NewOrganisation,
        now: UnixTime,
    ) -> Result<bool, StoreError> {
        let result = sqlx::query(
            "INSERT INTO organisations (slug, name, kind, is_demo, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (slug) DO NOTHING",
        )
        .bind(org.slug.as_str())
        .bind(&org.name)
        .bind(org.kind.key())
        .bind(i64::from(org.is_demo))
        .bind(now)
        .execute(&self.pool)
        .await?;
        self.forget_public_index();
        Ok(result.rows_affected() == 1)
    }

    async fn count_organisations(&self) -> Result<i64, StoreError> {
        // Only approved organisations are public; a working group is counted in its board
        // (decision 0041).
        let count =
            sqlx::query_scalar("SELECT COUNT(*) FROM organisations WHERE status = 'approved' AND kind <> 'working-group'")
                .fetch_one(&self.pool)
                .await?;
        Ok(count)
    }

    async fn recent_organisations(
        &self,
        limit: i64,
    ) -> Result<Vec<OrganisationSummary>, StoreError> {
        let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
            "SELECT slug, name, kind, is_demo FROM organisations WHERE status = 'approved' AND kind <> 'working-group' \
             ORDER BY created_at DESC, id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(slug, name, kind, is_demo)| {
                let kind = kind
                    .parse()
                    .map_err(|e: mir_domain::organisation::UnknownKind| {
                        StoreError::Corrupt(e.to_string())
                    })?;
                Ok(OrganisationSummary {
                    slug,
                    name,
                    kind,
                    is_demo: is_demo != 0,
                })
            })
            .collect()
    }
}
