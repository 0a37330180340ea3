//! Partnerships: one plan owned by several signed-up organisations (decision 0041).
//!
//! A partnership is an organisation of its own (kind `partnership`), so its reviews, plan,
//! co-chairs and approvals are those of any group. Its partners are listed here; each joins
//! when its own administrator accepts, and its members then take part in the partnership with
//! the role they have in their organisation (their membership row names the partner they came
//! through, and goes when they leave it).

use std::future::Future;

use mir_domain::organisation::{OrgSlug, OrganisationKind, OrganisationStatus};

use crate::sign_up::free_slug;
use crate::{Store, StoreError, UnixTime};

/// How long after withdrawing an invitation the organisation can be invited again (seconds).
pub const REINVITE_AFTER: i64 = 7 * 24 * 60 * 60;

/// What became of an invitation to be a partner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InviteOutcome {
    Invited,
    /// In the partnership, invited, said no, or withdrawn less than a week ago.
    AlreadyThere,
    /// Too many invitations wait for an answer.
    TooManyWaiting,
}

/// An organisation in a partnership, or invited to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partner {
    pub organisation_id: i64,
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub invited_at: UnixTime,
    /// When its administrator accepted; `None` while it is invited.
    pub accepted_at: Option<UnixTime>,
    /// When its administrator said no.
    pub declined_at: Option<UnixTime>,
}

/// An organisation found by its name, as stored (kind and status as their keys).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedOrganisation {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub status: String,
}

/// A partnership an organisation is in or is invited to, as the organisation sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnershipLink {
    pub partnership_id: i64,
    pub slug: String,
    pub name: String,
    pub status: OrganisationStatus,
    pub accepted_at: Option<UnixTime>,
}

pub trait PartnershipRepo {
    /// Forms a partnership: the founding organisation is its first partner (its members join
    /// with their roles), the other is invited. It works in the founder's places and uses its
    /// framework, and waits (not public) until another partner accepts. Returns (id, slug).
    /// `None` when the founder has `max_forming` partnerships forming already (counted with its
    /// row taken, so requests at once cannot pass it).
    fn form_partnership(
        &self,
        name: &str,
        founder_id: i64,
        invited_id: i64,
        max_forming: usize,
        now: UnixTime,
    ) -> impl Future<Output = Result<Option<(i64, String)>, StoreError>> + Send;
    /// Invites one more organisation, unless `max_waiting` invitations wait for an answer
    /// already (counted with the partnership's row taken, so requests at once cannot pass it).
    fn invite_partner(
        &self,
        partnership_id: i64,
        organisation_id: i64,
        max_waiting: usize,
        now: UnixTime,
    ) -> impl Future<Output = Result<InviteOutcome, StoreError>> + Send;
    /// The partners, those who accepted first, then the invited.
    fn partners(
        &self,
        partnership_id: i64,
    ) -> impl Future<Output = Result<Vec<Partner>, StoreError>> + Send;
    /// The partnerships an organisation is in or invited to.
    fn partnerships_of(
        &self,
        organisation_id: i64,
    ) -> impl Future<Output = Result<Vec<PartnershipLink>, StoreError>> + Send;
    /// [`PartnershipRepo::partnerships_of`] and the organisation's working groups, in one
    /// query (what a public plan page of an organisation shows of those it works with).
    fn partnerships_and_working_groups(
        &self,
        organisation_id: i64,
    ) -> impl Future<Output = Result<(Vec<PartnershipLink>, Vec<crate::WorkingGroup>), StoreError>> + Send;
    /// The organisation's administrator accepts: its members join with their roles, its
    /// places are added, and the partnership is public from now. `false` if it was not invited
    /// (or had accepted already).
    fn accept_partnership(
        &self,
        partnership_id: i64,
        organisation_id: i64,
        now: UnixTime,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// An organisation by its web address name or its exact name (any case), to invite it.
    fn organisation_named(
        &self,
        name_or_slug: &str,
    ) -> impl Future<Output = Result<Option<NamedOrganisation>, StoreError>> + Send;
    /// The partnership takes back an invitation nobody has answered; `false` if none waits.
    /// The organisation can be invited again a week later ([`REINVITE_AFTER`]).
    fn withdraw_invitation(
        &self,
        partnership_id: i64,
        organisation_id: i64,
        now: UnixTime,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// The partners (accepted) the person is a member of.
    fn partners_of_person(
        &self,
        partnership_id: i64,
        person_id: i64,
    ) -> impl Future<Output = Result<Vec<i64>, StoreError>> + Send;
    /// The administrator says no; the organisation stays listed as having said no, so it is
    /// not invited again. `false` if there was no invitation waiting.
    fn decline_partnership(
        &self,
        partnership_id: i64,
        organisation_id: i64,
        now: UnixTime,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
}

/// Adds the organisation's members to the partnership with their roles (never as co-chairs:
/// the partnership chooses its own). Someone already in keeps their place.
async fn bring_members(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    partnership_id: i64,
    organisation_id: i64,
    now: UnixTime,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO memberships (organisation_id, person_id, role, is_co_chair, created_at, via_organisation_id) \
         SELECT $1, m.person_id, m.role, 0, $3, $2 FROM memberships m WHERE m.organisation_id = $2 \
         AND NOT EXISTS (SELECT 1 FROM partnership_exclusions x \
           WHERE x.partnership_id = $1 AND x.person_id = m.person_id) \
         ON CONFLICT (organisation_id, person_id) DO NOTHING",
    )
    .bind(partnership_id)
    .bind(organisation_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Adds the organisation's places to the partnership's, so it is found there on the map.
async fn bring_areas(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    partnership_id: i64,
    organisation_id: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO organisation_areas (organisation_id, area_code) \
         SELECT $1, a.area_code FROM organisation_areas a WHERE a.organisation_id = $2 \
         ON CONFLICT (organisation_id, area_code) DO NOTHING",
    )
    .bind(partnership_id)
    .bind(organisation_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl PartnershipRepo for Store {
    async fn form_partnership(
        &self,
        name: &str,
        founder_id: i64,
        invited_id: i64,
        max_forming: usize,
        now: UnixTime,
    ) -> Result<Option<(i64, String)>, StoreError> {
        let base = OrgSlug::from_name(name).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut tx = self.begin_write().await?;
        crate::lock_organisation(&mut tx, founder_id).await?;
        let forming: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM partnership_partners pp JOIN organisations o ON o.id = pp.partnership_id \
             WHERE pp.organisation_id = $1 AND pp.accepted_at IS NOT NULL AND o.status <> 'approved'",
        )
        .bind(founder_id)
        .fetch_one(&mut *tx)
        .await?;
        if usize::try_from(forming).unwrap_or(usize::MAX) >= max_forming {
            tx.rollback().await?;
            return Ok(None);
        }
        let slug = free_slug(&mut tx, &base).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO organisations (slug, name, kind, is_demo, created_at, status, framework_slug, framework_version) \
             SELECT $1, $2, $3, f.is_demo, $4, $5, f.framework_slug, f.framework_version \
             FROM organisations f WHERE f.id = $6 RETURNING id",
        )
        .bind(&slug)
        .bind(name)
        .bind(OrganisationKind::Partnership.key())
        .bind(now)
        .bind(OrganisationStatus::AwaitingApproval.key())
        .bind(founder_id)
        .fetch_one(&mut *tx)
        .await?;
        for (organisation_id, accepted_at) in [(founder_id, Some(now)), (invited_id, None)] {
            sqlx::query(
                "INSERT INTO partnership_partners (partnership_id, organisation_id, invited_at, accepted_at) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(organisation_id)
            .bind(now)
            .bind(accepted_at)
            .execute(&mut *tx)
            .await?;
        }
        bring_members(&mut tx, id, founder_id, now).await?;
        bring_areas(&mut tx, id, founder_id).await?;
        tx.commit().await?;
        self.forget_public_index();
        Ok(Some((id, slug)))
    }

    async fn invite_partner(
        &self,
        partnership_id: i64,
        organisation_id: i64,
        max_waiting: usize,
        now: UnixTime,
    ) -> Result<InviteOutcome, StoreError> {
        let mut tx = self.begin_write().await?;
        crate::lock_organisation(&mut tx, partnership_id).await?;
        let waiting: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM partnership_partners WHERE partnership_id = $1 \
             AND accepted_at IS NULL AND declined_at IS NULL AND withdrawn_at IS NULL",
        )
        .bind(partnership_id)
        .fetch_one(&mut *tx)
        .await?;
        if usize::try_from(waiting).unwrap_or(usize::MAX) >= max_waiting {
            tx.rollback().await?;
            return Ok(InviteOutcome::TooManyWaiting);
        }
        // A withdrawn invitation is sent again only a week later: withdrawing and inviting is
        // never a way to email an organisation again and again.
        let done = sqlx::query(
            "INSERT INTO partnership_partners (partnership_id, organisation_id, invited_at) \
             VALUES ($1, $2, $3) ON CONFLICT (partnership_id, organisation_id) DO UPDATE \
             SET invited_at = excluded.invited_at, withdrawn_at = NULL \
             WHERE partnership_partners.withdrawn_at IS NOT NULL AND partnership_partners.withdrawn_at <= $4",
        )
        .bind(partnership_id)
        .bind(organisation_id)
        .bind(now)
        .bind(now - REINVITE_AFTER)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(if done.rows_affected() == 1 {
            InviteOutcome::Invited
        } else {
            InviteOutcome::AlreadyThere
        })
    }

    async fn partners(&self, partnership_id: i64) -> Result<Vec<Partner>, StoreError> {
        type Row = (i64, String, String, String, i64, Option<i64>, Option<i64>);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT o.id, o.slug, o.name, o.kind, pp.invited_at, pp.accepted_at, pp.declined_at \
             FROM partnership_partners pp JOIN organisations o ON o.id = pp.organisation_id \
             WHERE pp.partnership_id = $1 AND pp.withdrawn_at IS NULL \
             ORDER BY CASE WHEN pp.accepted_at IS NULL THEN 1 ELSE 0 END, pp.declined_at DESC, pp.accepted_at, o.name",
        )
        .bind(partnership_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(organisation_id, slug, name, kind, invited_at, accepted_at, declined_at)| {
                    Partner {
                        organisation_id,
                        slug,
                        name,
                        kind,
                        invited_at,
                        accepted_at,
                        declined_at,
                    }
                },
            )
            .collect())
    }

    async fn partnerships_of(
        &self,
        organisation_id: i64,
    ) -> Result<Vec<PartnershipLink>, StoreError> {
        let rows: Vec<(i64, String, String, String, Option<i64>)> = sqlx::query_as(
            "SELECT o.id, o.slug, o.name, o.status, pp.accepted_at \
             FROM partnership_partners pp JOIN organisations o ON o.id = pp.partnership_id \
             WHERE pp.organisation_id = $1 AND pp.declined_at IS NULL AND pp.withdrawn_at IS NULL \
             ORDER BY o.name, o.id",
        )
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(partnership_id, slug, name, status, accepted_at)| {
                Ok(PartnershipLink {
                    partnership_id,
                    slug,
                    name,
                    status: crate::members::organisation_status(&status)?,
                    accepted_at,
                })
            })
            .collect()
    }

    async fn partnerships_and_working_groups(
        &self,
        organisation_id: i64,
    ) -> Result<(Vec<PartnershipLink>, Vec<crate::WorkingGroup>), StoreError> {
        let rows: Vec<(String, i64, String, String, String, Option<i64>)> = sqlx::query_as(
            "SELECT 'partnership', o.id, o.slug, o.name, o.status, pp.accepted_at \
             FROM partnership_partners pp JOIN organisations o ON o.id = pp.partnership_id \
             WHERE pp.organisation_id = $1 AND pp.declined_at IS NULL AND pp.withdrawn_at IS NULL \
             UNION ALL \
             SELECT 'working group', id, slug, name, status, NULL FROM organisations WHERE parent_id = $1 \
             ORDER BY 4, 2",
        )
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        let mut partnerships = Vec::new();
        let mut groups = Vec::new();
        for (what, id, slug, name, status, accepted_at) in rows {
            if what == "partnership" {
                partnerships.push(PartnershipLink {
                    partnership_id: id,
                    slug,
                    name,
                    status: crate::members::organisation_status(&status)?,
                    accepted_at,
                });
            } else {
                groups.push(crate::WorkingGroup { id, slug, name });
            }
        }
        Ok((partnerships, groups))
    }

    async fn accept_partnership(
        &self,
        partnership_id: i64,
        organisation_id: i64,
        now: UnixTime,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let accepted = sqlx::query(
            "UPDATE partnership_partners SET accepted_at = $3 \
             WHERE partnership_id = $1 AND organisation_id = $2 AND accepted_at IS NULL \
             AND declined_at IS NULL AND withdrawn_at IS NULL",
        )
        .bind(partnership_id)
        .bind(organisation_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if accepted.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        bring_members(&mut tx, partnership_id, organisation_id, now).await?;
        bring_areas(&mut tx, partnership_id, organisation_id).await?;
        // A second partner's yes is what makes it public: nobody names a partnership alone.
        sqlx::query(
            "UPDATE organisations SET status = $2, decided_at = $3 WHERE id = $1 AND status = $4",
        )
        .bind(partnership_id)
        .bind(OrganisationStatus::Approved.key())
        .bind(now)
        .bind(OrganisationStatus::AwaitingApproval.key())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.forget_public_index();
        Ok(true)
    }

    async fn organisation_named(
        &self,
        name_or_slug: &str,
    ) -> Result<Option<NamedOrganisation>, StoreError> {
        let row: Option<(i64, String, String, String, String)> = sqlx::query_as(
            "SELECT id, slug, name, kind, status FROM organisations \
             WHERE slug = $1 OR LOWER(REPLACE(name, '’', '''')) = LOWER($2) \
             ORDER BY CASE WHEN slug = $1 THEN 0 ELSE 1 END, id LIMIT 1",
        )
        .bind(name_or_slug)
        // A name typed on a phone has a curly apostrophe where the stored one may not.
        .bind(name_or_slug.replace('’', "'"))
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(id, slug, name, kind, status)| NamedOrganisation {
            id,
            slug,
            name,
            kind,
            status,
        }))
    }

    async fn withdraw_invitation(
        &self,
        partnership_id: i64,
        organisation_id: i64,
        now: UnixTime,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE partnership_partners SET withdrawn_at = $3 \
             WHERE partnership_id = $1 AND organisation_id = $2 \
             AND accepted_at IS NULL AND declined_at IS NULL AND withdrawn_at IS NULL",
        )
        .bind(partnership_id)
        .bind(organisation_id)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn partners_of_person(
        &self,
        partnership_id: i64,
        person_id: i64,
    ) -> Result<Vec<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT pp.organisation_id FROM partnership_partners pp JOIN memberships m \
             ON m.organisation_id = pp.organisation_id AND m.person_id = $2 \
             WHERE pp.partnership_id = $1 AND pp.accepted_at IS NOT NULL ORDER BY pp.organisation_id",
        )
        .bind(partnership_id)
        .bind(person_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn decline_partnership(
        &self,
        partnership_id: i64,
        organisation_id: i64,
        now: UnixTime,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE partnership_partners SET declined_at = $3 \
             WHERE partnership_id = $1 AND organisation_id = $2 AND accepted_at IS NULL \
             AND declined_at IS NULL AND withdrawn_at IS NULL",
        )
        .bind(partnership_id)
        .bind(organisation_id)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
