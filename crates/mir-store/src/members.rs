//! Memberships and invitations of an organisation's co-production group.

use std::future::Future;

use mir_domain::organisation::{OrganisationKind, OrganisationStatus, Role};

use crate::{Store, StoreError, UnixTime};

/// An organisation as its members see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationRef {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub status: OrganisationStatus,
    /// A partnership or a working group is formed, not signed up (decision 0041).
    pub kind: OrganisationKind,
}

impl OrganisationRef {
    pub fn is_partnership(&self) -> bool {
        self.kind == OrganisationKind::Partnership
    }

    pub fn is_working_group(&self) -> bool {
        self.kind == OrganisationKind::WorkingGroup
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub person_id: i64,
    /// Seen only by the person, the group's administrators, and the emails sent to them.
    pub email: String,
    pub role: Role,
    pub is_co_chair: bool,
    /// The name they chose to be shown; empty until they choose one.
    pub display_name: String,
    pub pronouns: String,
    /// They agree to be named on the public plan while they are a co-chair.
    pub name_public: bool,
    /// They chose Easy Read (pages and emails).
    pub easy_read: bool,
    /// When they joined the group, and since when they are a co-chair (safeguards count
    /// from these: decision 0024).
    pub joined_at: UnixTime,
    pub co_chair_since: Option<UnixTime>,
    /// In a partnership: the partner they came in through (decision 0041).
    pub via_organisation_id: Option<i64>,
}

impl Member {
    /// How others in the group see them: their chosen name (with pronouns), or a plain
    /// placeholder; never the email address.
    pub fn shown_name(&self) -> String {
        match (self.display_name.is_empty(), self.pronouns.is_empty()) {
            (true, _) => "A member who has not chosen a name yet".to_owned(),
            (false, true) => self.display_name.clone(),
            (false, false) => format!("{} ({})", self.display_name, self.pronouns),
        }
    }
}

/// person, email, role, co-chair, name, pronouns, name public, Easy Read
type MemberRow = (
    i64,
    String,
    String,
    i64,
    Option<String>,
    Option<String>,
    i64,
    i64,
    i64,
    Option<i64>,
    Option<i64>,
);

fn member_from(
    (
        person_id,
        email,
        r,
        co,
        display_name,
        pronouns,
        name_public,
        easy_read,
        joined_at,
        co_chair_since,
        via_organisation_id,
    ): MemberRow,
) -> Result<Member, StoreError> {
    Ok(Member {
        person_id,
        email,
        role: role(&r)?,
        is_co_chair: co != 0,
        display_name: display_name.unwrap_or_default(),
        pronouns: pronouns.unwrap_or_default(),
        name_public: name_public != 0,
        easy_read: easy_read != 0,
        joined_at,
        co_chair_since,
        via_organisation_id,
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    pub id: i64,
    pub organisation_id: i64,
    pub email: String,
    pub role: Role,
    pub is_co_chair: bool,
    pub expires_at: UnixTime,
}

fn role(key: &str) -> Result<Role, StoreError> {
    Role::parse(key).ok_or_else(|| StoreError::Corrupt(format!("role {key:?}")))
}

pub trait MemberRepo {
    fn organisation_by_slug(
        &self,
        slug: &str,
    ) -> impl Future<Output = Result<Option<OrganisationRef>, StoreError>> + Send;
    fn organisation_by_id(
        &self,
        id: i64,
    ) -> impl Future<Output = Result<Option<OrganisationRef>, StoreError>> + Send;
    /// The person's membership of the organisation, if any.
    fn membership(
        &self,
        organisation_id: i64,
        person_id: i64,
    ) -> impl Future<Output = Result<Option<Member>, StoreError>> + Send;
    fn members(
        &self,
        organisation_id: i64,
    ) -> impl Future<Output = Result<Vec<Member>, StoreError>> + Send;
    /// Adds or updates a membership.
    fn put_member(
        &self,
        organisation_id: i64,
        person_id: i64,
        role: Role,
        is_co_chair: bool,
        now: UnixTime,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Makes a member co-chair only while the group has fewer than `max` other co-chairs.
    /// One transaction that first takes the organisation's row, so two at once cannot both
    /// get in (a race once gave a group three co-chairs). Returns whether they are co-chair.
    fn make_co_chair_if_room(
        &self,
        organisation_id: i64,
        person_id: i64,
        max: usize,
        now: UnixTime,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    fn remove_member(
        &self,
        organisation_id: i64,
        person_id: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// A waiting invitation gets a new link and a new expiry (the old link stops working);
    /// `false` if it was accepted or is not this organisation's.
    fn renew_invitation(
        &self,
        organisation_id: i64,
        id: i64,
        token_hash: &str,
        expires_at: UnixTime,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Cancels a waiting invitation: its link stops working. `false` if there was none.
    fn cancel_invitation(
        &self,
        organisation_id: i64,
        id: i64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    fn insert_invitation(
        &self,
        invitation: &Invitation,
        token_hash: &str,
        invited_by: i64,
        now: UnixTime,
    ) -> impl Future<Output = Result<i64, StoreError>> + Send;
    fn pending_invitations(
        &self,
        organisation_id: i64,
        now: UnixTime,
    ) -> impl Future<Output = Result<Vec<Invitation>, StoreError>> + Send;
    /// An unexpired, unaccepted invitation by its token.
    fn invitation_by_token(
        &self,
        token_hash: &str,
        now: UnixTime,
    ) -> impl Future<Output = Result<Option<Invitation>, StoreError>> + Send;
    /// Marks an invitation accepted; `false` if it already was.
    fn accept_invitation(
        &self,
        id: i64,
        now: UnixTime,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Those who lead the group (its co-chairs and administrators), as the public plan shows
    /// them: role, co-chair or not, since when (co-chair role, else membership), and the name
    /// where they agreed to be named; co-chairs first, the longest-serving first. One query
    /// for what the plan page once asked in two (co-chairs; anyone to receive messages).
    fn group_leaders(
        &self,
        organisation_id: i64,
    ) -> impl Future<Output = Result<Vec<GroupLeader>, StoreError>> + Send;
}

/// Someone who leads a group: see [`MemberRepo::group_leaders`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupLeader {
    pub role: Role,
    pub is_co_chair: bool,
    pub since: UnixTime,
    /// Only where they agreed to be named on the public plan.
    pub public_name: Option<String>,
}

impl MemberRepo for Store {
    async fn organisation_by_slug(
        &self,
        slug: &str,
    ) -> Result<Option<OrganisationRef>, StoreError> {
        let row = sqlx::query_as(
            "SELECT id, slug, name, status, kind FROM organisations WHERE slug = $1",
        )
        .bind(slug)
        .fetch_optional(&self.pool)
        .await?;
        row.map(organisation_ref).transpose()
    }

    async fn organisation_by_id(&self, id: i64) -> Result<Option<OrganisationRef>, StoreError> {
        let row =
            sqlx::query_as("SELECT id, slug, name, status, kind FROM organisations WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        row.map(organisation_ref).transpose()
    }

    async fn membership(
        &self,
        organisation_id: i64,
        person_id: i64,
    ) -> Result<Option<Member>, StoreError> {
        let row: Option<MemberRow> = sqlx::query_as(
            "SELECT m.person_id, p.email, m.role, m.is_co_chair, p.display_name, p.pronouns, p.name_public, p.easy_read, m.created_at, m.co_chair_since, m.via_organisation_id \
             FROM memberships m JOIN people p ON p.id = m.person_id \
             WHERE m.organisation_id = $1 AND m.person_id = $2",
        )
        .bind(organisation_id)
        .bind(person_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(member_from).transpose()
    }

    async fn members(&self, organisation_id: i64) -> Result<Vec<Member>, StoreError> {
        let rows: Vec<MemberRow> = sqlx::query_as(
            "SELECT m.person_id, p.email, m.role, m.is_co_chair, p.display_name, p.pronouns, p.name_public, p.easy_read, m.created_at, m.co_chair_since, m.via_organisation_id \
             FROM memberships m JOIN people p ON p.id = m.person_id \
             WHERE m.organisation_id = $1 ORDER BY LOWER(COALESCE(p.display_name, p.email)), p.id",
        )
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(member_from).collect()
    }

    async fn put_member(
        &self,
        organisation_id: i64,
        person_id: i64,
        role: Role,
        is_co_chair: bool,
        now: UnixTime,
    ) -> Result<(), StoreError> {
        // A co-chair keeps their "since" while they stay co-chair; losing the mark clears it.
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO memberships (organisation_id, person_id, role, is_co_chair, created_at, co_chair_since) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (organisation_id, person_id) DO UPDATE SET role = excluded.role, is_co_chair = excluded.is_co_chair, \
             co_chair_since = CASE WHEN excluded.is_co_chair = 1 \
               THEN COALESCE(memberships.co_chair_since, excluded.co_chair_since) ELSE NULL END",
        )
        .bind(organisation_id)
        .bind(person_id)
        .bind(role.key())
        .bind(i64::from(is_co_chair))
        .bind(now)
        .bind(is_co_chair.then_some(now))
        .execute(&mut *tx)
        .await?;
        // Joining a partnership itself again lifts an earlier removal from it.
        sqlx::query(
            "DELETE FROM partnership_exclusions WHERE partnership_id = $1 AND person_id = $2",
        )
        .bind(organisation_id)
        .bind(person_id)
        .execute(&mut *tx)
        .await?;
        // A new member of a partner takes part in its partnerships with the same role, unless
        // a partnership removed them (or they left it). After that, their place and role in
        // the partnership are the partnership's to change, never a partner's (decision 0041).
        sqlx::query(
            "INSERT INTO memberships (organisation_id, person_id, role, is_co_chair, created_at, via_organisation_id) \
             SELECT pp.partnership_id, $2, $3, 0, $4, $1 FROM partnership_partners pp \
             WHERE pp.organisation_id = $1 AND pp.accepted_at IS NOT NULL \
             AND NOT EXISTS (SELECT 1 FROM partnership_exclusions x \
               WHERE x.partnership_id = pp.partnership_id AND x.person_id = $2) \
             ON CONFLICT (organisation_id, person_id) DO NOTHING",
        )
        .bind(organisation_id)
        .bind(person_id)
        .bind(role.key())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn make_co_chair_if_room(
        &self,
        organisation_id: i64,
        person_id: i64,
        max: usize,
        now: UnixTime,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        crate::lock_organisation(&mut tx, organisation_id).await?;
        let others: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM memberships WHERE organisation_id = $1 AND is_co_chair = 1 AND person_id <> $2",
        )
        .bind(organisation_id)
        .bind(person_id)
        .fetch_one(&mut *tx)
        .await?;
        if usize::try_from(others).unwrap_or(usize::MAX) >= max {
            tx.rollback().await?;
            return Ok(false);
        }
        let done = sqlx::query(
            "UPDATE memberships SET is_co_chair = 1, co_chair_since = COALESCE(co_chair_since, $3) \
             WHERE organisation_id = $1 AND person_id = $2",
        )
        .bind(organisation_id)
        .bind(person_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    async fn remove_member(&self, organisation_id: i64, person_id: i64) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let removed =
            sqlx::query("DELETE FROM memberships WHERE organisation_id = $1 AND person_id = $2")
                .bind(organisation_id)
                .bind(person_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        // Removed from a partnership (or leaving it): its partners do not bring them back.
        if removed > 0 {
            sqlx::query(
                "INSERT INTO partnership_exclusions (partnership_id, person_id) \
                 SELECT id, $2 FROM organisations WHERE id = $1 AND kind = 'partnership' \
                 ON CONFLICT (partnership_id, person_id) DO NOTHING",
            )
            .bind(organisation_id)
            .bind(person_id)
            .execute(&mut *tx)
            .await?;
        }
        // Someone who leaves a partner leaves the partnerships they came into through it. A
        // co-chair there, or its last administrator, stays as a member of the partnership
        // itself: one partner's administrator never changes the partnership's co-chairs or
        // leaves it with no administrator (decision 0041).
        sqlx::query(
            "UPDATE memberships SET via_organisation_id = NULL \
             WHERE person_id = $2 AND via_organisation_id = $1 AND (is_co_chair = 1 \
               OR (role = 'admin' AND (SELECT COUNT(*) FROM memberships a \
                 WHERE a.organisation_id = memberships.organisation_id AND a.role = 'admin') <= 1))",
        )
        .bind(organisation_id)
        .bind(person_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM memberships WHERE person_id = $2 AND via_organisation_id = $1")
            .bind(organisation_id)
            .bind(person_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn renew_invitation(
        &self,
        organisation_id: i64,
        id: i64,
        token_hash: &str,
        expires_at: UnixTime,
    ) -> Result<bool, StoreError> {
        Ok(sqlx::query(
            "UPDATE invitations SET token_hash = $1, expires_at = $2 \
             WHERE id = $3 AND organisation_id = $4 AND accepted_at IS NULL",
        )
        .bind(token_hash)
        .bind(expires_at)
        .bind(id)
        .bind(organisation_id)
        .execute(&self.pool)
        .await?
        .rows_affected()
            == 1)
    }

    async fn cancel_invitation(&self, organisation_id: i64, id: i64) -> Result<bool, StoreError> {
        Ok(sqlx::query(
            "DELETE FROM invitations WHERE id = $1 AND organisation_id = $2 AND accepted_at IS NULL",
        )
        .bind(id)
        .bind(organisation_id)
        .execute(&self.pool)
        .await?
        .rows_affected()
            == 1)
    }

    async fn insert_invitation(
        &self,
        invitation: &Invitation,
        token_hash: &str,
        invited_by: i64,
        now: UnixTime,
    ) -> Result<i64, StoreError> {
        let id = sqlx::query_scalar(
            "INSERT INTO invitations (organisation_id, email, role, is_co_chair, token_hash, invited_by, expires_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(invitation.organisation_id)
        .bind(&invitation.email)
        .bind(invitation.role.key())
        .bind(i64::from(invitation.is_co_chair))
        .bind(token_hash)
        .bind(invited_by)
        .bind(invitation.expires_at)
        .bind(now)
        .fetch_one(&self.pool)
        .await?;
        Ok(id)
    }

    async fn pending_invitations(
        &self,
        organisation_id: i64,
        now: UnixTime,
    ) -> Result<Vec<Invitation>, StoreError> {
        let rows: Vec<(i64, i64, String, String, i64, i64)> = sqlx::query_as(
            "SELECT id, organisation_id, email, role, is_co_chair, expires_at FROM invitations \
             WHERE organisation_id = $1 AND accepted_at IS NULL AND expires_at > $2 ORDER BY email",
        )
        .bind(organisation_id)
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, organisation_id, email, r, co, expires_at)| {
                Ok(Invitation {
                    id,
                    organisation_id,
                    email,
                    role: role(&r)?,
                    is_co_chair: co != 0,
                    expires_at,
                })
            })
            .collect()
    }

    async fn invitation_by_token(
        &self,
        token_hash: &str,
        now: UnixTime,
    ) -> Result<Option<Invitation>, StoreError> {
        let row: Option<(i64, i64, String, String, i64, i64)> = sqlx::query_as(
            "SELECT id, organisation_id, email, role, is_co_chair, expires_at FROM invitations \
             WHERE token_hash = $1 AND accepted_at IS NULL AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|(id, organisation_id, email, r, co, expires_at)| {
            Ok(Invitation {
                id,
                organisation_id,
                email,
                role: role(&r)?,
                is_co_chair: co != 0,
                expires_at,
            })
        })
        .transpose()
    }

    async fn accept_invitation(&self, id: i64, now: UnixTime) -> Result<bool, StoreError> {
        let result = sqlx::query(
            "UPDATE invitations SET accepted_at = $1 WHERE id = $2 AND accepted_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected() == 1)
    }

    async fn group_leaders(&self, organisation_id: i64) -> Result<Vec<GroupLeader>, StoreError> {
        /// Role, co-chair, co-chair since, joined, public name.
        type Row = (String, i64, Option<i64>, i64, Option<String>);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT m.role, m.is_co_chair, m.co_chair_since, m.created_at, \
             CASE WHEN p.name_public = 1 THEN p.display_name END \
             FROM memberships m JOIN people p ON p.id = m.person_id \
             WHERE m.organisation_id = $1 AND (m.is_co_chair = 1 OR m.role = 'admin') \
             ORDER BY m.is_co_chair DESC, COALESCE(m.co_chair_since, m.created_at), m.person_id",
        )
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(r, co, since, joined, name)| {
                Ok(GroupLeader {
                    role: role(&r)?,
                    is_co_chair: co != 0,
                    since: since.unwrap_or(joined),
                    public_name: name,
                })
            })
            .collect()
    }
}

/// An organisation's row `(id, slug, name, status, kind)` as its members see it.
fn organisation_ref(
    (id, slug, name, status, kind): (i64, String, String, String, String),
) -> Result<OrganisationRef, StoreError> {
    Ok(OrganisationRef {
        id,
        slug,
        name,
        status: organisation_status(&status)?,
        kind: kind
            .parse()
            .map_err(|e: mir_domain::organisation::UnknownKind| {
                StoreError::Corrupt(e.to_string())
            })?,
    })
}

/// An organisation's stored status, read at the edge into its type.
pub(crate) fn organisation_status(stored: &str) -> Result<OrganisationStatus, StoreError> {
    OrganisationStatus::parse(stored)
        .ok_or_else(|| StoreError::Corrupt(format!("organisation status {stored:?}")))
}
