//! Moving to a new framework version: the national team publishes a version with a mapping
//! from the one before; an organisation moves when both co-chairs agree (one an Expert by
//! Experience or a carer). History stays with the old statements: reviews keep their version,
//! and pages show earlier positions through the mapping (decision 0040).

use std::sync::Arc;

use mir_domain::framework::{Framework, Statement, VersionMapping};
use mir_domain::organisation::Role;
use mir_store::{
    AuditRepo, EmailPreferenceRepo, FrameworkMoveRepo, FrameworkRepo, Member, MemberRepo,
    MoveApproval, OrganisationRef, PlanRepo, ReviewRepo,
};
use serde_json::json;

use crate::AppError;
use crate::audit::record;
use crate::mail::Mailer;
use crate::members::mine;
use crate::policy::{Actor, GroupAction, authorize_in_group, co_chairs_agree, group_permits};

/// Everything the storage for moving needs.
pub trait MoveStore:
    MemberRepo
    + FrameworkRepo
    + FrameworkMoveRepo
    + ReviewRepo
    + PlanRepo
    + AuditRepo
    + EmailPreferenceRepo
    + Sync
{
}
impl<
    T: MemberRepo
        + FrameworkRepo
        + FrameworkMoveRepo
        + ReviewRepo
        + PlanRepo
        + AuditRepo
        + EmailPreferenceRepo
        + Sync,
> MoveStore for T
{
}

/// The audit log's name for a move, which the framework page's history reads.
pub const MOVED: &str = "moved framework version";

/// What changes for a group moving from one version to the next, from the mapping.
#[derive(Debug, Clone, Default)]
pub struct MoveChanges {
    /// Earlier statements with no successor.
    pub retired: Vec<Statement>,
    /// An earlier statement that became several.
    pub split: Vec<(Statement, Vec<Statement>)>,
    /// Several earlier statements that became one.
    pub merged: Vec<(Vec<Statement>, Statement)>,
    /// Same idea, new code.
    pub renamed: Vec<(Statement, Statement)>,
    /// Same code, new words.
    pub reworded: Vec<(Statement, Statement)>,
    /// Statements with no earlier one.
    pub added: Vec<Statement>,
}

impl MoveChanges {
    pub fn between(from: &Framework, to: &Framework, mapping: &VersionMapping) -> MoveChanges {
        let mut changes = MoveChanges::default();
        for m in &mapping.moves {
            let Some(old) = from.statement(&m.from) else {
                continue;
            };
            let news: Vec<Statement> =
                m.to.iter()
                    .filter_map(|c| to.statement(c).cloned())
                    .collect();
            match news.as_slice() {
                [] => changes.retired.push(old.clone()),
                [one] => {
                    let sources: Vec<&str> = mapping.earlier_codes(&one.code).collect();
                    if sources.len() > 1 {
                        if sources[0] == old.code {
                            let olds = sources
                                .iter()
                                .filter_map(|c| from.statement(c).cloned())
                                .collect();
                            changes.merged.push((olds, one.clone()));
                        }
                    } else if one.code != old.code {
                        changes.renamed.push((old.clone(), one.clone()));
                    } else if one.text != old.text {
                        changes.reworded.push((old.clone(), one.clone()));
                    }
                }
                _ => changes.split.push((old.clone(), news)),
            }
        }
        changes.added = to
            .statements
            .iter()
            .filter(|s| mapping.earlier_codes(&s.code).next().is_none())
            .cloned()
            .collect();
        changes
    }

    pub fn is_empty(&self) -> bool {
        self.retired.is_empty()
            && self.split.is_empty()
            && self.merged.is_empty()
            && self.renamed.is_empty()
            && self.reworded.is_empty()
            && self.added.is_empty()
    }
}

/// A newer version the group can move to, and who has agreed so far.
#[derive(Debug, Clone)]
pub struct MoveOffer {
    pub from: Arc<Framework>,
    pub to: Arc<Framework>,
    pub changes: MoveChanges,
    /// Role labels of the co-chairs who agreed, with when.
    pub agreed: Vec<(String, i64)>,
    pub agreed_by_me: bool,
    /// The person is a co-chair.
    pub can_agree: bool,
    /// An open review keeps the group on its version until it closes.
    pub open_review: Option<String>,
}

/// The agreements that count: by someone who is a co-chair now and agreed during this term
/// as co-chair (an agreement does not come back when a former co-chair is appointed again),
/// each with the role they hold now.
fn counting(approvals: &[MoveApproval], members: &[Member]) -> Vec<(Role, i64, i64)> {
    approvals
        .iter()
        .filter_map(|a| {
            let m = members.iter().find(|m| m.person_id == a.person_id)?;
            let since = m.co_chair_since.filter(|_| m.is_co_chair)?;
            (a.approved_at >= since).then_some((m.role, a.approved_at, a.person_id))
        })
        .collect()
}

/// The newest version of the group's framework whose mapping starts from the group's
/// version, if any: one step at a time, so each move has a mapping.
async fn next_version(
    store: &impl FrameworkRepo,
    slug: &str,
    version: &str,
) -> Result<Option<Arc<Framework>>, AppError> {
    let mut found: Option<Arc<Framework>> = None;
    for summary in store.framework_versions().await? {
        if summary.slug != slug || summary.version == version {
            continue;
        }
        let Some(f) = store.load_framework(slug, Some(&summary.version)).await? else {
            continue;
        };
        if f.mapping
            .as_ref()
            .is_some_and(|m| m.from_version == version)
            && found
                .as_ref()
                .is_none_or(|best| f.meta.date > best.meta.date)
        {
            found = Some(f);
        }
    }
    Ok(found)
}

/// The version a group uses and the move on offer, for its members to see.
#[derive(Debug, Clone)]
pub struct FrameworkStatus {
    pub organisation: OrganisationRef,
    /// The framework version the group uses: `(slug, version, title)`.
    pub current: Option<(String, String, String)>,
    /// `None`: nothing newer to move to.
    pub offer: Option<MoveOffer>,
    /// The moves the group made, newest first: (from version, to version, when).
    pub moves: Vec<(String, String, i64)>,
}

pub async fn framework_status(
    store: &impl MoveStore,
    actor: &Actor,
    slug: &str,
) -> Result<FrameworkStatus, AppError> {
    let (organisation, me) = mine(store, actor, slug).await?;
    let (current, offer) = offer_for(store, &organisation, &me).await?;
    // The history is the audit log's: each move is recorded there with its versions.
    let moves = store
        .audit_events(Some(organisation.id), 500)
        .await?
        .into_iter()
        .filter(|e| e.action == MOVED)
        .filter_map(|e| {
            let detail: serde_json::Value = serde_json::from_str(&e.detail).ok()?;
            let version = |key: &str| detail[key].as_str().map(str::to_owned);
            Some((version("from")?, version("to")?, e.at))
        })
        .collect();
    Ok(FrameworkStatus {
        organisation,
        current,
        offer,
        moves,
    })
}

/// The group's version `(slug, version, title)` and the move on offer to it.
async fn offer_for(
    store: &impl MoveStore,
    organisation: &OrganisationRef,
    me: &Member,
) -> Result<(Option<(String, String, String)>, Option<MoveOffer>), AppError> {
    let Some((fslug, version)) = store.adopted_framework(organisation.id).await? else {
        return Ok((None, None));
    };
    let from = store
        .load_framework(&fslug, Some(&version))
        .await?
        .ok_or_else(|| AppError::Internal("adopted framework missing".into()))?;
    let current = Some((fslug.clone(), version.clone(), from.meta.title.clone()));
    let Some(to) = next_version(store, &fslug, &version).await? else {
        return Ok((current, None));
    };
    let Some(mapping) = to.mapping.as_ref() else {
        return Ok((current, None));
    };
    let changes = MoveChanges::between(&from, &to, mapping);
    let approvals: Vec<MoveApproval> = store
        .move_approvals(organisation.id)
        .await?
        .into_iter()
        .filter(|a| a.framework_slug == fslug && a.to_version == to.meta.version)
        .collect();
    let agreed = counting(&approvals, &store.members(organisation.id).await?);
    let open_review = store
        .reviews_of(organisation.id)
        .await?
        .into_iter()
        .find(|r| r.is_open)
        .map(|r| r.title);
    let offer = MoveOffer {
        agreed_by_me: agreed.iter().any(|(_, _, p)| *p == me.person_id),
        agreed: agreed
            .iter()
            .map(|(role, at, _)| (role.label().to_owned(), *at))
            .collect(),
        can_agree: group_permits(me.role, me.is_co_chair, GroupAction::ApprovePlan),
        open_review,
        changes,
        from,
        to,
    };
    Ok((current, Some(offer)))
}

/// The statements a priority serves after the move: each earlier code's successors, once;
/// codes the mapping retires are dropped, unless none would be left (the group then chooses
/// again when it next edits the priority).
pub fn statements_after_move(statements: &[String], mapping: &VersionMapping) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for code in statements {
        let next: Vec<String> = match mapping.became(code) {
            Some(to) => to.to_vec(),
            None => vec![code.clone()],
        };
        for c in next {
            if !out.contains(&c) {
                out.push(c);
            }
        }
    }
    if out.is_empty() {
        statements.to_vec()
    } else {
        out
    }
}

/// A co-chair agrees to move to `to_version`. When two co-chairs have (one of them an Expert
/// by Experience or a carer), the group moves. Returns whether it moved.
pub async fn agree_to_move(
    store: &impl MoveStore,
    (mailer, base_url): (&Mailer, &str),
    actor: &Actor,
    slug: &str,
    to_version: &str,
) -> Result<bool, AppError> {
    let (organisation, me) = mine(store, actor, slug).await?;
    authorize_in_group(me.role, me.is_co_chair, GroupAction::ApprovePlan)?;
    let offer = offer_for(store, &organisation, &me)
        .await?
        .1
        .filter(|o| o.to.meta.version == to_version)
        .ok_or_else(|| {
            AppError::Conflict("there is no newer version to move to from this one".into())
        })?;
    if let Some(title) = &offer.open_review {
        return Err(AppError::Conflict(format!(
            "the review \"{title}\" is open: close it before moving, so that everyone's views are on one version"
        )));
    }
    if offer.agreed_by_me {
        // Pressed again: nothing new to record or to ask anyone.
        return Ok(false);
    }
    let fslug = offer.to.meta.slug.clone();
    let added = store
        .approve_move(
            organisation.id,
            &offer.from.meta.version,
            &MoveApproval {
                framework_slug: fslug.clone(),
                to_version: to_version.to_owned(),
                person_id: me.person_id,
                role: me.role.key().to_owned(),
                approved_at: mir_store::now(),
            },
        )
        .await?;
    if !added {
        return Err(AppError::Conflict(
            "the group moved to another version meanwhile".into(),
        ));
    }
    record(
        store,
        Some(organisation.id),
        actor,
        "agreed to move framework version",
        json!({"framework": fslug, "from": offer.from.meta.version, "to": to_version}),
    )
    .await?;
    // Only current co-chairs' agreements, made in their present term, count.
    let approvals: Vec<MoveApproval> = store
        .move_approvals(organisation.id)
        .await?
        .into_iter()
        .filter(|a| a.framework_slug == fslug && a.to_version == to_version)
        .collect();
    let roles: Vec<Role> = counting(&approvals, &store.members(organisation.id).await?)
        .into_iter()
        .map(|(role, _, _)| role)
        .collect();
    if !co_chairs_agree(&roles) {
        let body = format!(
            "A co-chair of {} agreed to move the group to version {} of \"{}\". The move is made \
             when the other co-chair agrees too.\n\nSee what changes: {base_url}/manage/organisations/{}/framework",
            organisation.name, to_version, offer.to.meta.title, organisation.slug
        );
        let easy = format!(
            "Hello.\n\nThere is a new version of the statements.\n\nA co-chair said yes to using it.\n\nYou are a co-chair too. Please look at what changes.\n\nOpen this link:\n{base_url}/manage/organisations/{}/framework",
            organisation.slug
        );
        let subject = format!("Please agree: moving to version {to_version}");
        let others = |m: &mir_store::Member| m.is_co_chair && m.person_id != me.person_id;
        let email = crate::waiting::Ask {
            subject: &subject,
            body: &body,
            easy: Some(&easy),
        };
        crate::waiting::ask(store, mailer, (organisation.id, base_url), others, &email).await?;
        return Ok(false);
    }
    let mapping = offer
        .to
        .mapping
        .as_ref()
        .ok_or_else(|| AppError::Internal("mapping missing".into()))?;
    let priorities: Vec<(i64, Vec<String>)> = store
        .priorities(organisation.id)
        .await?
        .into_iter()
        .map(|p| {
            let next = statements_after_move(&p.record.statements, mapping);
            (p.id, next)
        })
        .collect();
    let moved = store
        .complete_move(
            organisation.id,
            (&fslug, &offer.from.meta.version, to_version),
            &priorities,
        )
        .await?;
    if !moved {
        return Err(AppError::Conflict(
            "the group moved to another version meanwhile".into(),
        ));
    }
    record(
        store,
        Some(organisation.id),
        actor,
        MOVED,
        json!({"framework": fslug, "from": offer.from.meta.version, "to": to_version}),
    )
    .await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use mir_domain::framework::StatementMove;

    fn member(person_id: i64, role: Role, co_chair_since: Option<i64>) -> mir_store::Member {
        mir_store::Member {
            person_id,
            email: String::new(),
            role,
            is_co_chair: co_chair_since.is_some(),
            display_name: String::new(),
            pronouns: String::new(),
            name_public: false,
            easy_read: false,
            joined_at: 0,
            co_chair_since,
            via_organisation_id: None,
        }
    }

    fn approval(person_id: i64, role: &str, approved_at: i64) -> MoveApproval {
        MoveApproval {
            framework_slug: "f".into(),
            to_version: "2".into(),
            person_id,
            role: role.into(),
            approved_at,
        }
    }

    #[test]
    fn only_agreements_made_in_a_present_co_chair_term_count_with_the_role_held_now() {
        let members = [
            // Agreed at 100, stepped down and was appointed again at 200: not counted.
            member(1, Role::ExpertByExperience, Some(200)),
            // A co-chair since 50 who agreed at 120, now a carer.
            member(2, Role::Carer, Some(50)),
            // No longer a co-chair.
            member(3, Role::Admin, None),
        ];
        let approvals = [
            approval(1, "expert", 100),
            approval(2, "staff", 120),
            approval(3, "admin", 130),
            approval(4, "admin", 140),
        ];
        let counted = counting(&approvals, &members);
        assert_eq!(counted, vec![(Role::Carer, 120, 2)]);
    }

    #[test]
    fn priorities_follow_the_mapping_and_keep_their_codes_if_all_retire() {
        let mapping = VersionMapping {
            from_version: "1".into(),
            moves: vec![
                StatementMove {
                    from: "A".into(),
                    to: vec!["A".into()],
                },
                StatementMove {
                    from: "B".into(),
                    to: vec!["B1".into(), "B2".into()],
                },
                StatementMove {
                    from: "C".into(),
                    to: vec![],
                },
            ],
        };
        let codes = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            statements_after_move(&codes(&["A", "B", "C"]), &mapping),
            codes(&["A", "B1", "B2"])
        );
        assert_eq!(
            statements_after_move(&codes(&["C"]), &mapping),
            codes(&["C"])
        );
    }
}
