//! Organisations signing up, memberships, and the national programme team's approval.

use std::future::Future;

use mir_domain::organisation::{OrgSlug, OrganisationKind, OrganisationStatus};

use crate::{Store, StoreError, UnixTime};

/// A complete, checked sign-up.
#[derive(Debug, Clone)]
pub struct SignUp {
    pub name: String,
    pub kind: OrganisationKind,
    pub areas: Vec<String>,
    pub website: Option<String>,
    pub framework_slug: String,
    pub framework_version: String,
    pub commitment: String,
}

/// An organisation as the national programme team reviews it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingOrganisation {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub kind: OrganisationKind,
    pub areas: Vec<String>,
    pub website: Option<String>,
    pub commitment: String,
    pub framework: String,
    pub created_at: UnixTime,
    /// Who applied: the first administrator's name (if chosen) and address.
    pub applicant: Option<(String, String)>,
    /// Other organisations it may duplicate: the same name, or the same kind in a shared
    /// council area; `(name, status key)`.
    pub similar: Vec<(String, String)>,
}

/// One of a person's memberships.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MembershipSummary {
    pub organisation_id: i64,
    pub organisation_name: String,
    pub slug: String,
    pub role: String,
    pub is_co_chair: bool,
    pub status: OrganisationStatus,
}

pub trait SignUpRepo {
    /// Creates the organisation (awaiting approval), its areas, and the first member as its
    /// administrator, in one transaction. The slug comes from the name, made unique.
    fn create_signed_up_organisation(
        &self,
        sign_up: &SignUp,
        admin_person_id: i64,
        now: UnixTime,
    ) -> impl Future<Output = Result<(i64, String), StoreError>> + Send;
    fn organisations_awaiting_approval(
        &self,
    ) -> impl Future<Output = Result<Vec<PendingOrganisation>, StoreError>> + Send;
    /// Approves or declines an organisation that awaits approval; `false` if it was not waiting.
    fn decide_organisation(
        &self,
        id: i64,
        status: OrganisationStatus,
        reason: Option<&str>,
        now: UnixTime,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Email addresses of the organisation's administrators and co-chairs.
    fn organisation_contacts(
        &self,
        id: i64,
    ) -> impl Future<Output = Result<(String, Vec<String>), StoreError>> + Send;
    fn memberships_of(
        &self,
        person_id: i64,
    ) -> impl Future<Output = Result<Vec<MembershipSummary>, StoreError>> + Send;
    /// Keeps a sign-up until the address confirms it (expired ones go first).
    fn hold_sign_up(
        &self,
        token_hash: &str,
        email: &str,
        draft: &str,
        expires_at: UnixTime,
        now: UnixTime,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// A held sign-up, without taking it.
    fn peek_sign_up(
        &self,
        token_hash: &str,
        now: UnixTime,
    ) -> impl Future<Output = Result<Option<(String, String)>, StoreError>> + Send;
    /// Takes a held sign-up (once): `(email, draft)` if the link is known and not expired.
    fn take_sign_up(
        &self,
        token_hash: &str,
        now: UnixTime,
    ) -> impl Future<Output = Result<Option<(String, String)>, StoreError>> + Send;
}

impl SignUpRepo for Store {
    async fn create_signed_up_organisation(
        &self,
        sign_up: &SignUp,
        admin_person_id: i64,
        now: UnixTime,
    ) -> Result<(i64, String), StoreError> {
        let base =
            OrgSlug::from_name(&sign_up.name).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut tx = self.begin_write().await?;
        let slug = free_slug(&mut tx, &base).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO organisations (slug, name, kind, is_demo, created_at, status, website, commitment, \
             framework_slug, framework_version) VALUES ($1, $2, $3, 0, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(&slug)
        .bind(&sign_up.name)
        .bind(sign_up.kind.key())
        .bind(now)
        .bind(OrganisationStatus::AwaitingApproval.key())
        .bind(sign_up.website.as_deref())
        .bind(&sign_up.commitment)
        .bind(&sign_up.framework_slug)
        .bind(&sign_up.framework_version)
        .fetch_one(&mut *tx)
        .await?;
        for area in &sign_up.areas {
            sqlx::query(
                "INSERT INTO organisation_areas (organisation_id, area_code) VALUES ($1, $2)",
            )
            .bind(id)
            .bind(area)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "INSERT INTO memberships (organisation_id, person_id, role, is_co_chair, created_at) VALUES ($1, $2, 'admin', 0, $3)",
        )
        .bind(id)
        .bind(admin_person_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.forget_public_index();
        Ok((id, slug))
    }

    async fn organisations_awaiting_approval(
        &self,
    ) -> Result<Vec<PendingOrganisation>, StoreError> {
        type Row = (
            i64,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            i64,
        );
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT id, slug, name, kind, website, commitment, framework_slug, framework_version, created_at \
             FROM organisations WHERE status = $1 AND kind NOT IN ('partnership', 'working-group') \
             ORDER BY created_at, id",
        )
        .bind(OrganisationStatus::AwaitingApproval.key())
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for (id, slug, name, kind, website, commitment, fw_slug, fw_version, created_at) in rows {
            let areas: Vec<String> = sqlx::query_scalar(
                "SELECT area_code FROM organisation_areas WHERE organisation_id = $1 ORDER BY area_code",
            )
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
            let applicant: Option<(Option<String>, String)> = sqlx::query_as(
                "SELECT p.display_name, p.email FROM memberships m JOIN people p ON p.id = m.person_id \
                 WHERE m.organisation_id = $1 AND m.role = 'admin' ORDER BY m.created_at, p.id LIMIT 1",
            )
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
            let similar: Vec<(String, String)> = sqlx::query_as(
                "SELECT o.name, o.status FROM organisations o WHERE o.id <> $1 AND ( \
                   LOWER(o.name) = LOWER($2) \
                   OR (o.kind = $3 AND EXISTS (SELECT 1 FROM organisation_areas mine \
                       JOIN organisation_areas theirs ON theirs.area_code = mine.area_code \
                       WHERE mine.organisation_id = $1 AND theirs.organisation_id = o.id))) \
                 ORDER BY o.name LIMIT 10",
            )
            .bind(id)
            .bind(&name)
            .bind(&kind)
            .fetch_all(&self.pool)
            .await?;
            out.push(PendingOrganisation {
                applicant: applicant.map(|(n, e)| (n.unwrap_or_default(), e)),
                similar,
                id,
                slug,
                name,
                kind: kind
                    .parse()
                    .map_err(|e: mir_domain::organisation::UnknownKind| {
                        StoreError::Corrupt(e.to_string())
                    })?,
                areas,
                website,
                commitment: commitment.unwrap_or_default(),
                framework: format!(
                    "{} {}",
                    fw_slug.unwrap_or_default(),
                    fw_version.unwrap_or_default()
                ),
                created_at,
            });
        }
        Ok(out)
    }

    async fn decide_organisation(
        &self,
        id: i64,
        status: OrganisationStatus,
        reason: Option<&str>,
        now: UnixTime,
    ) -> Result<bool, StoreError> {
        let result = sqlx::query(
            // A partnership waits for its partners, not for the national team (decision 0041).
            "UPDATE organisations SET status = $1, decision_reason = $2, decided_at = $3 WHERE id = $4 AND status = $5 \
             AND kind NOT IN ('partnership', 'working-group')",
        )
        .bind(status.key())
        .bind(reason)
        .bind(now)
        .bind(id)
        .bind(OrganisationStatus::AwaitingApproval.key())
        .execute(&self.pool)
        .await?;
        self.forget_public_index();
        Ok(result.rows_affected() == 1)
    }

    async fn organisation_contacts(&self, id: i64) -> Result<(String, Vec<String>), StoreError> {
        let name: String = sqlx::query_scalar("SELECT name FROM organisations WHERE id = $1")
            .bind(id)
            .fetch_one(&self.pool)
            .await?;
        let emails: Vec<String> = sqlx::query_scalar(
            "SELECT p.email FROM memberships m JOIN people p ON p.id = m.person_id \
             WHERE m.organisation_id = $1 AND (m.role = 'admin' OR m.is_co_chair = 1) ORDER BY p.email",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        Ok((name, emails))
    }

    async fn memberships_of(&self, person_id: i64) -> Result<Vec<MembershipSummary>, StoreError> {
        let rows: Vec<(i64, String, String, String, i64, String)> = sqlx::query_as(
            "SELECT o.id, o.name, o.slug, m.role, m.is_co_chair, o.status FROM memberships m \
             JOIN organisations o ON o.id = m.organisation_id WHERE m.person_id = $1 ORDER BY o.name",
        )
        .bind(person_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(
                |(organisation_id, organisation_name, slug, role, co_chair, status)| {
                    Ok(MembershipSummary {
                        organisation_id,
                        organisation_name,
                        slug,
                        role,
                        is_co_chair: co_chair != 0,
                        status: OrganisationStatus::parse(&status).ok_or_else(|| {
                            StoreError::Corrupt(format!("organisation status {status:?}"))
                        })?,
                    })
                },
            )
            .collect()
    }

    async fn hold_sign_up(
        &self,
        token_hash: &str,
        email: &str,
        draft: &str,
        expires_at: UnixTime,
        now: UnixTime,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM pending_sign_ups WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        sqlx::query(
            "INSERT INTO pending_sign_ups (token_hash, email, draft, expires_at, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(email)
        .bind(draft)
        .bind(expires_at)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn peek_sign_up(
        &self,
        token_hash: &str,
        now: UnixTime,
    ) -> Result<Option<(String, String)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT email, draft FROM pending_sign_ups WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn take_sign_up(
        &self,
        token_hash: &str,
        now: UnixTime,
    ) -> Result<Option<(String, String)>, StoreError> {
        let mut tx = self.begin_write().await?;
        let row: Option<(String, String)> = sqlx::query_as(
            "SELECT email, draft FROM pending_sign_ups WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        // Deleted whether or not it was still valid: a link works once.
        let taken = sqlx::query("DELETE FROM pending_sign_ups WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(row.filter(|_| taken == 1))
    }
}

/// The first free web address name for a new organisation: name, name-2, name-3…
pub(crate) async fn free_slug(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    base: &OrgSlug,
) -> Result<String, StoreError> {
    let mut slug = base.as_str().to_owned();
    for n in 2.. {
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM organisations WHERE slug = $1")
            .bind(&slug)
            .fetch_optional(&mut **tx)
            .await?;
        if taken.is_none() {
            break;
        }
        slug = format!("{}-{n}", base.as_str());
    }
    Ok(slug)
}
