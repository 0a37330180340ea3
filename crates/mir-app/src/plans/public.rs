//! What the public sees: the published plan, its versions, and "how we are doing" from
//! positions both co-chairs confirmed.

use super::{ApprovedBy, PlanStore, parse_snapshot};
use crate::AppError;
use mir_domain::framework::Framework;
use mir_domain::organisation::{OrganisationKind, Role};
use mir_domain::plan::{self, ActionStatus, PlanSnapshot, PriorityStatus};
use mir_store::{OrganisationProfile, UpdateRow};

/// A public update on the timeline.
#[derive(Debug, Clone)]
pub struct PublicUpdate {
    pub id: i64,
    pub at: i64,
    pub priority_id: i64,
    pub priority: String,
    pub action: Option<String>,
    pub note: String,
    pub new_status: Option<String>,
    pub evidence_url: Option<String>,
}

/// One published version, with what changed since the one before.
#[derive(Debug, Clone)]
pub struct PublishedVersion {
    pub number: i64,
    pub published_at: i64,
    pub plan: PlanSnapshot,
    pub approved_by: Vec<(String, i64)>,
    pub changes: Vec<String>,
}

/// The public plan of an approved organisation.
#[derive(Debug, Clone)]
pub struct PublicPlan {
    pub profile: OrganisationProfile,
    pub framework: Option<std::sync::Arc<Framework>>,
    /// The latest version, with statuses from updates published directly since.
    pub current: Option<PublishedVersion>,
    pub versions: Vec<PublishedVersion>,
    pub timeline: Vec<PublicUpdate>,
    /// The co-chairs now, by role, and since when: a change of co-chairs is public.
    pub co_chairs: Vec<(String, i64)>,
    /// One co-chair is an Expert by Experience or a carer (needed for any approval).
    pub lived_experience_co_chair: bool,
    /// Someone can receive messages sent through mir (else pages offer the website).
    pub can_receive: bool,
    /// The council areas it serves (codes), so the page says where it works.
    pub areas: Vec<String>,
    /// For a partnership: the organisations that accepted (decision 0041).
    pub partners: Vec<mir_store::Partner>,
    /// The public partnerships it is a partner in.
    pub partnerships: Vec<mir_store::PartnershipLink>,
    /// For a working group: the board it belongs to.
    pub board: Option<mir_store::WorkingGroup>,
    /// Its working groups.
    pub working_groups: Vec<mir_store::WorkingGroup>,
}

/// A position agreed in a review and confirmed by both co-chairs, as the public sees it.
#[derive(Debug, Clone)]
pub struct PublicPosition {
    pub statement_code: String,
    /// The level's key on the scale (to compare positions).
    pub level_key: String,
    /// The level's label on the framework's scale, and its Easy Read label.
    pub level: String,
    pub easy_level: String,
    pub summary: String,
    /// `YYYY-MM-DD`.
    pub agreed_on: String,
    pub review_title: String,
    /// The confirming co-chairs' roles ("Administrator", "Expert by Experience").
    pub confirmed_by: Vec<String>,
    /// Agreed on an earlier framework version, and shown here through its mapping: the
    /// statement's code and the version then (`("WF-We2", "2026.1")`).
    pub earlier: Option<(String, String)>,
}

impl PublicPlan {
    /// The organisation and those it works with (partners, partnerships, board, working
    /// groups): "who else is working on this" leaves them out.
    pub fn related_organisations(&self) -> Vec<i64> {
        std::iter::once(self.profile.id)
            .chain(self.partners.iter().map(|p| p.organisation_id))
            .chain(self.partnerships.iter().map(|l| l.partnership_id))
            .chain(self.board.iter().map(|b| b.id))
            .chain(self.working_groups.iter().map(|g| g.id))
            .collect()
    }

    pub fn version(&self, number: i64) -> Option<&PublishedVersion> {
        self.versions.iter().find(|v| v.number == number)
    }
}

/// The public plan, or "not found" for organisations that are not (yet) public.
pub async fn public_plan(store: &impl PlanStore, slug: &str) -> Result<PublicPlan, AppError> {
    let profile = store
        .organisation_profile(slug)
        .await?
        .filter(|p| p.status.is_public())
        .ok_or(AppError::NotFound)?;
    let framework = match &profile.framework {
        Some((fslug, version)) => store.load_framework(fslug, Some(version)).await?,
        None => None,
    };
    let rows = store.versions(profile.id).await?;
    let mut versions = Vec::new();
    // Oldest first, so each version can say what changed since the one before.
    let mut previous = PlanSnapshot::default();
    for row in rows.iter().rev() {
        let plan = parse_snapshot(&row.snapshot)?;
        let approved_by: Vec<ApprovedBy> =
            serde_json::from_str(&row.approved_by).unwrap_or_default();
        versions.push(PublishedVersion {
            number: row.number,
            published_at: row.published_at,
            changes: plan::changes(&previous, &plan),
            approved_by: approved_by
                .into_iter()
                .map(|a| {
                    (
                        Role::parse(&a.role).map_or(a.role.clone(), |r| r.label().to_owned()),
                        a.at,
                    )
                })
                .collect(),
            plan: plan.clone(),
        });
        previous = plan;
    }
    versions.reverse();
    let updates: Vec<UpdateRow> = store
        .updates(profile.id)
        .await?
        .into_iter()
        .filter(|u| u.published_at.is_some())
        .collect();
    let mut current = versions.first().cloned();
    if let Some(version) = current.as_mut() {
        // Updates made since the version (published directly) carry newer statuses: show
        // them, oldest first. Same-second updates were already in the approved draft.
        for u in updates
            .iter()
            .rev()
            .filter(|u| u.created_at >= version.published_at)
        {
            let Some(status) = &u.new_status else {
                continue;
            };
            let Some(p) = version
                .plan
                .priorities
                .iter_mut()
                .find(|p| p.id == u.priority_id)
            else {
                continue;
            };
            match u.action_id {
                Some(action) => {
                    if let (Some(a), Some(s)) = (
                        p.actions.iter_mut().find(|a| a.id == action),
                        ActionStatus::parse(status),
                    ) {
                        a.status = s;
                    }
                }
                None => {
                    if let Some(s) = PriorityStatus::parse(status) {
                        p.status = s;
                    }
                }
            }
        }
    }
    // Titles come from the latest version; updates on things never published are not shown.
    let latest = versions.first().map(|v| v.plan.clone()).unwrap_or_default();
    let timeline = updates
        .iter()
        .filter_map(|u| {
            let p = latest.priorities.iter().find(|p| p.id == u.priority_id)?;
            let action = match u.action_id {
                Some(id) => Some(p.actions.iter().find(|a| a.id == id)?.what.clone()),
                None => None,
            };
            Some(PublicUpdate {
                id: u.id,
                at: u.published_at.unwrap_or(u.created_at),
                priority_id: p.id,
                priority: p.title.clone(),
                action,
                note: u.note.clone(),
                new_status: u.new_status.clone(),
                evidence_url: u.evidence_url.clone(),
            })
        })
        .collect();
    let leaders = store.group_leaders(profile.id).await?;
    // Messages sent through mir reach those who lead the group (as `relay` sends them).
    let can_receive = leaders
        .iter()
        .any(|l| crate::policy::leads_group(l.role, l.is_co_chair));
    let chairs: Vec<_> = leaders.into_iter().filter(|l| l.is_co_chair).collect();
    let lived_experience_co_chair = chairs
        .iter()
        .any(|l| matches!(l.role, Role::ExpertByExperience | Role::Carer));
    // Named where they agreed to be ("Alex, Expert by Experience"), else by role only.
    let co_chairs = chairs
        .into_iter()
        .map(|l| match l.public_name {
            Some(name) => (format!("{name}, {}", l.role.label()), l.since),
            None => (l.role.label().to_owned(), l.since),
        })
        .collect();
    // From the index "who else" reads anyway: one query fewer on every plan page built.
    let areas = match store.public_areas(profile.id).await? {
        Some(areas) => areas,
        None => store.organisation_areas(profile.id).await?,
    };
    // Only what its kind can have (the page is built often): a partnership has partners and
    // working groups; a working group, its board; an organisation, partnerships and working
    // groups (decision 0041).
    let kind = profile.kind.parse::<OrganisationKind>().ok();
    let is = |k: OrganisationKind| kind == Some(k);
    let partners = if is(OrganisationKind::Partnership) {
        store
            .partners(profile.id)
            .await?
            .into_iter()
            .filter(|p| p.accepted_at.is_some())
            .collect()
    } else {
        Vec::new()
    };
    let is_group = is(OrganisationKind::Partnership) || is(OrganisationKind::WorkingGroup);
    let (partnerships, working_groups) = if is_group {
        let groups = if is(OrganisationKind::WorkingGroup) {
            Vec::new()
        } else {
            store.working_groups(profile.id).await?
        };
        (Vec::new(), groups)
    } else {
        let (partnerships, groups) = store.partnerships_and_working_groups(profile.id).await?;
        let public = partnerships
            .into_iter()
            .filter(|l| l.accepted_at.is_some() && l.status.is_public())
            .collect();
        (public, groups)
    };
    let board = if is(OrganisationKind::WorkingGroup) {
        store.board_of(profile.id).await?
    } else {
        None
    };
    Ok(PublicPlan {
        profile,
        framework,
        current,
        versions,
        timeline,
        co_chairs,
        lived_experience_co_chair,
        can_receive,
        areas,
        partners,
        partnerships,
        board,
        working_groups,
    })
}

/// "How we are doing", for the public plan page: for each statement, the latest position
/// agreed in a review and confirmed by both co-chairs (one of them an Expert by Experience or
/// carer), in the framework's order. Positions still waiting for a co-chair are not public.
pub async fn how_we_are_doing(
    store: &impl PlanStore,
    plan: &PublicPlan,
) -> Result<Vec<PublicPosition>, AppError> {
    agreed_positions(store, plan.profile.id, plan.framework.as_deref()).await
}

/// Every position an organisation's group agreed and both co-chairs confirmed, in every
/// review, newest review first.
async fn confirmed_positions(
    store: &impl PlanStore,
    organisation_id: i64,
    framework: Option<&mir_domain::framework::Framework>,
) -> Result<Vec<PublicPosition>, AppError> {
    let mut out = Vec::new();
    for reviewed in store.positions_of(organisation_id).await? {
        let p = reviewed.position;
        let roles: Vec<Role> = p
            .confirmations
            .iter()
            .filter_map(|c| Role::parse(&c.role))
            .collect();
        if !crate::policy::co_chairs_agree(&roles) {
            continue;
        }
        // A review on the version before: its statement is shown as the one(s) it became.
        // Statements retired since are left out; older versions keep their own codes.
        let now_version = framework.map(|f| f.meta.version.as_str());
        // (A mapping is never from its own version: the importer refuses that.)
        let mapped = framework
            .and_then(|f| f.mapping.as_ref())
            .filter(|m| m.from_version == reviewed.framework_version);
        let (codes, earlier) = match mapped {
            Some(m) => (
                m.became(&p.statement_code)
                    .map(<[String]>::to_vec)
                    .unwrap_or_default(),
                Some((p.statement_code.clone(), reviewed.framework_version.clone())),
            ),
            None if now_version.is_some_and(|v| v != reviewed.framework_version) => (
                vec![p.statement_code.clone()],
                Some((p.statement_code.clone(), reviewed.framework_version.clone())),
            ),
            None => (vec![p.statement_code.clone()], None),
        };
        let scale_level = framework.and_then(|f| f.scale.iter().find(|l| l.key == p.level));
        for code in codes {
            out.push(PublicPosition {
                statement_code: code,
                level: scale_level.map_or_else(|| p.level.clone(), |l| l.label.clone()),
                easy_level: scale_level.map_or_else(|| p.level.clone(), |l| l.easy_label.clone()),
                level_key: p.level.clone(),
                summary: p.summary.clone(),
                agreed_on: p.agreed_on.clone(),
                review_title: reviewed.review_title.clone(),
                confirmed_by: roles.iter().map(|r| r.label().to_owned()).collect(),
                earlier: earlier.clone(),
            });
        }
    }
    Ok(out)
}

/// For each statement, the latest position an organisation's group agreed in a review and
/// both co-chairs confirmed, in the framework's order.
pub async fn agreed_positions(
    store: &impl PlanStore,
    organisation_id: i64,
    framework: Option<&mir_domain::framework::Framework>,
) -> Result<Vec<PublicPosition>, AppError> {
    let mut shown: Vec<PublicPosition> = Vec::new();
    // Newest review first: the first confirmed position for a statement is its latest.
    for p in confirmed_positions(store, organisation_id, framework).await? {
        if !shown.iter().any(|s| s.statement_code == p.statement_code) {
            shown.push(p);
        }
    }
    let order = |code: &str| {
        framework
            .and_then(|f| f.statements.iter().position(|s| s.code == code))
            .unwrap_or(usize::MAX)
    };
    shown.sort_by(|a, b| {
        order(&a.statement_code)
            .cmp(&order(&b.statement_code))
            .then(a.statement_code.cmp(&b.statement_code))
    });
    Ok(shown)
}

/// A status key's label, whether it is a priority's or an action's.
pub fn status_label(key: &str) -> &'static str {
    PriorityStatus::parse(key)
        .map(PriorityStatus::label)
        .or_else(|| ActionStatus::parse(key).map(ActionStatus::label))
        .unwrap_or("Changed")
}

/// An evidence pack: for each item of another framework (a crosswalk of the organisation's
/// framework version), the statements that map to it, the group's confirmed positions on them
/// over time, and the published priorities and actions serving them with their updates. Only
/// what is already public: nothing waiting for a co-chair, no one's views.
#[derive(Debug, Clone)]
pub struct EvidencePack {
    pub plan: PublicPlan,
    pub crosswalk: mir_domain::framework::Crosswalk,
    pub items: Vec<EvidenceItem>,
}

#[derive(Debug, Clone)]
pub struct EvidenceItem {
    pub item: mir_domain::framework::CrosswalkItem,
    pub statements: Vec<EvidenceStatement>,
}

#[derive(Debug, Clone)]
pub struct EvidenceStatement {
    pub statement: mir_domain::framework::Statement,
    /// Confirmed positions, oldest first.
    pub positions: Vec<PublicPosition>,
    /// From the one before the latest to the latest.
    pub movement: mir_domain::review::Movement,
    /// Published priorities serving it, with their actions' statuses now.
    pub priorities: Vec<plan::SnapshotPriority>,
}

impl EvidencePack {
    /// The published updates about a priority, newest first.
    pub fn updates_of(&self, priority_id: i64) -> Vec<&PublicUpdate> {
        self.plan
            .timeline
            .iter()
            .filter(|u| u.priority_id == priority_id)
            .collect()
    }

    /// Whether any item has anything to show.
    pub fn is_empty(&self) -> bool {
        self.items.iter().all(|i| {
            i.statements
                .iter()
                .all(|s| s.positions.is_empty() && s.priorities.is_empty())
        })
    }
}

/// The evidence pack of a public organisation for one crosswalk of its framework version.
pub async fn evidence_pack(
    store: &impl PlanStore,
    slug: &str,
    crosswalk: &str,
) -> Result<EvidencePack, AppError> {
    let plan = public_plan(store, slug).await?;
    let framework = plan.framework.clone().ok_or(AppError::NotFound)?;
    let walk = framework
        .crosswalk(crosswalk)
        .cloned()
        .ok_or(AppError::NotFound)?;
    let mut positions = confirmed_positions(store, plan.profile.id, Some(&framework)).await?;
    positions.reverse(); // oldest first
    let scale: Vec<String> = framework.scale.iter().map(|l| l.key.clone()).collect();
    let published = plan
        .current
        .as_ref()
        .map(|v| v.plan.priorities.clone())
        .unwrap_or_default();
    let items = walk
        .items
        .iter()
        .map(|item| EvidenceItem {
            item: item.clone(),
            statements: framework
                .statements_for_item(&walk.framework, &item.id)
                .map(|statement| {
                    let mine: Vec<PublicPosition> = positions
                        .iter()
                        .filter(|p| p.statement_code == statement.code)
                        .cloned()
                        .collect();
                    let last_two: Vec<&str> = mine
                        .iter()
                        .rev()
                        .take(2)
                        .map(|p| p.level_key.as_str())
                        .collect();
                    EvidenceStatement {
                        movement: mir_domain::review::Movement::between(
                            &scale,
                            last_two.get(1).copied(),
                            last_two.first().copied(),
                        ),
                        positions: mine,
                        priorities: published
                            .iter()
                            .filter(|p| p.statements.contains(&statement.code))
                            .cloned()
                            .collect(),
                        statement: statement.clone(),
                    }
                })
                .collect(),
        })
        .collect();
    Ok(EvidencePack {
        plan,
        crosswalk: walk,
        items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use mir_store::testing::TestDb;

    /// On the demonstration data: Riverside's pack arranges what is public by the
    /// demonstration crosswalk, with positions over time and the plan's work.
    #[tokio::test]
    async fn the_evidence_pack_shows_only_what_is_public_by_crosswalk_item() {
        let db = TestDb::sqlite().await.expect("db");
        crate::demo::load_demo_data(&db.store).await.expect("demo");
        let pack = evidence_pack(&db.store, "demo-riverside-council", "regulator-demo")
            .await
            .expect("pack");
        assert_eq!(pack.items.len(), 6);
        let rq1 = &pack.items[0];
        assert_eq!(rq1.item.id, "RQ1");
        let codes: Vec<&str> = rq1
            .statements
            .iter()
            .map(|s| s.statement.code.as_str())
            .collect();
        assert_eq!(codes, ["WB-I1", "WB-We1"]);
        let wb = &rq1.statements[0];
        // Last year's and this year's confirmed positions, oldest first: it moved up.
        let levels: Vec<&str> = wb.positions.iter().map(|p| p.level_key.as_str()).collect();
        assert_eq!(levels, ["just-starting", "some-progress"]);
        assert_eq!(wb.movement, mir_domain::review::Movement::Up);
        assert_eq!(wb.priorities.len(), 1);
        assert_eq!(pack.updates_of(wb.priorities[0].id).len(), 1);
        // This year's IA-I1 position waits for the second co-chair: only last year's shows.
        let ia = pack.items[1]
            .statements
            .iter()
            .find(|s| s.statement.code == "IA-I1")
            .expect("IA-I1");
        assert_eq!(ia.positions.len(), 1);
        assert_eq!(ia.positions[0].review_title, "Review 2025 (demonstration)");
        assert_eq!(ia.movement, mir_domain::review::Movement::NotComparable);
        // The draft's newer action (not approved yet) is not in it.
        let all_actions: Vec<&str> = pack
            .items
            .iter()
            .flat_map(|i| &i.statements)
            .flat_map(|s| &s.priorities)
            .flat_map(|p| &p.actions)
            .map(|a| a.what.as_str())
            .collect();
        assert!(!all_actions.contains(&"An Easy Read guide to paying for care"));
        assert!(matches!(
            evidence_pack(&db.store, "demo-riverside-council", "nope").await,
            Err(AppError::NotFound)
        ));
        db.cleanup().await;
    }
}
