//! Seeing the difference: the summary with the gaps between perspectives, and agreed
//! positions recorded by a leader and confirmed by two co-chairs.

use mir_domain::framework::{Statement, Theme};
use mir_domain::organisation::Role;
use mir_domain::review::tally::{self, MemberView, WorkshopCount};
use mir_domain::review::{self, GAP_LEVELS, Movement, Perspective, Spread};
use mir_store::{Position, Review};
use serde_json::json;

use super::{ReviewInContext, ReviewStore, Words, ensure_open, today};
use crate::AppError;
use crate::audit::record;
use crate::policy::{Actor, GroupAction, authorize_in_group};

/// An agreed position as the summary shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PositionSummary {
    pub level: String,
    pub summary: String,
    pub agreed_on: String,
    /// Role labels of the co-chairs who confirmed, with when.
    pub confirmed_by: Vec<(String, i64)>,
    pub confirmed: bool,
    pub confirmed_by_me: bool,
    /// What a confirmation form sends back ([`position_fingerprint`]).
    pub fingerprint: String,
}

#[derive(Debug, Clone)]
pub struct StatementSummary {
    pub statement: Statement,
    pub spreads: Vec<Spread>,
    pub levels_apart: usize,
    pub is_gap: bool,
    pub words: Vec<Words>,
    /// The words are shown without names or perspectives (too few people wrote anonymously
    /// for theirs to be hidden otherwise).
    pub words_blended: bool,
    pub position: Option<PositionSummary>,
    pub movement: Movement,
    /// The level agreed and confirmed in the previous review.
    pub previous_level: Option<String>,
    /// The statement's markers of progress with what the group found.
    pub markers: Vec<super::MarkerSummary>,
}

#[derive(Debug, Clone)]
pub struct ThemeSummary {
    pub theme: Theme,
    pub statements: Vec<StatementSummary>,
}

#[derive(Debug, Clone)]
pub struct ReviewSummary {
    pub themes: Vec<ThemeSummary>,
    pub previous: Option<Review>,
    /// People who gave views, per line of the summary (members and workshop counts).
    pub people: Vec<(Perspective, i64)>,
    /// Why some perspectives are counted together or nothing is shown yet, in plain words.
    pub privacy_note: Option<String>,
    /// How many people a perspective (or anonymous words) needs to be shown apart.
    pub k: i64,
}

impl ReviewSummary {
    pub fn gaps(&self) -> Vec<&StatementSummary> {
        self.themes
            .iter()
            .flat_map(|t| t.statements.iter())
            .filter(|s| s.is_gap)
            .collect()
    }
}

fn role_label(key: &str) -> String {
    Role::parse(key).map_or_else(|| key.to_owned(), |r| r.label().to_owned())
}

/// Says, in plain words, why some views are counted together (or not shown yet).
fn privacy_note(grouping: &review::Grouping) -> Option<String> {
    let k = grouping.k;
    if grouping.too_few {
        return Some(format!(
            "Fewer than {k} people have given views so far. To keep everyone anonymous, \
             the figures and any words given without a name show once {k} or more have."
        ));
    }
    if grouping.pooled.is_empty() {
        return None;
    }
    let names: Vec<String> = grouping
        .pooled
        .iter()
        .map(|p| p.label().to_lowercase())
        .collect();
    Some(format!(
        "To keep people anonymous, a perspective is shown on its own only when at least {k} \
         people gave views from it. Views from {} are counted together, as \"{}\".",
        names.join(" and "),
        Perspective::Together.label()
    ))
}

/// The summary: per theme and statement, how each perspective's views spread, where they are
/// two or more levels apart, what people wrote, the agreed position and the previous one.
pub async fn summary(
    store: &impl ReviewStore,
    ctx: &ReviewInContext,
) -> Result<ReviewSummary, AppError> {
    let scale = ctx.scale_keys();
    let shared = store.shared_views(ctx.review.id).await?;
    let workshop = store.workshop_views(ctx.review.id).await?;
    let positions = store.positions(ctx.review.id).await?;
    let marker_checks = store.marker_checks(ctx.review.id).await?;
    let previous = store
        .reviews_of(ctx.organisation.id)
        .await?
        .into_iter()
        .filter(|r| {
            r.id != ctx.review.id && (r.created_at, r.id) < (ctx.review.created_at, ctx.review.id)
        })
        .max_by_key(|r| (r.created_at, r.id));
    let previous_positions = match &previous {
        Some(p) => store.positions(p.id).await?,
        None => Vec::new(),
    };
    let confirmed = |p: &Position| {
        let roles: Vec<Role> = p
            .confirmations
            .iter()
            .filter_map(|c| Role::parse(&c.role))
            .collect();
        crate::policy::co_chairs_agree(&roles)
    };

    // The rows, as the summary's arithmetic (in the domain) takes them.
    let members: Vec<MemberView> = shared
        .iter()
        .filter_map(|s| {
            Some(MemberView {
                person_id: s.view.person_id,
                perspective: Perspective::parse(&s.view.perspective)?,
                statement_code: s.view.statement_code.clone(),
                level: s.view.level.clone(),
                working: s.view.working.clone(),
                to_change: s.view.to_change.clone(),
                who: s.name.as_ref().map(|name| {
                    if name.is_empty() {
                        "a member who has not chosen a name yet".to_owned()
                    } else {
                        name.clone()
                    }
                }),
            })
        })
        .collect();
    let workshop: Vec<WorkshopCount> = workshop
        .into_iter()
        .filter_map(|w| {
            Some(WorkshopCount {
                perspective: Perspective::parse(&w.perspective)?,
                session_label: w.session_label,
                statement_code: w.statement_code,
                level: w.level,
                people: w.people,
                working: w.working,
                to_change: w.to_change,
            })
        })
        .collect();
    let count = tally::headcount(&members, &workshop);
    let k = store.anonymity_threshold(ctx.organisation.id).await?;
    let grouping = review::group_perspectives(&count.members, k);

    let mut themes = Vec::new();
    for theme in &ctx.themes {
        let mut statements = Vec::new();
        for statement in ctx.statements_in(&theme.code) {
            let code = &statement.code;
            let tally = tally::tally_statement(code, &members, &workshop, &grouping);
            let spreads = review::spreads(&scale, &tally.counted);
            let apart = review::levels_apart(&spreads);
            let position = positions
                .iter()
                .find(|p| &p.statement_code == code)
                .map(|p| PositionSummary {
                    level: p.level.clone(),
                    summary: p.summary.clone(),
                    agreed_on: p.agreed_on.clone(),
                    confirmed_by: p
                        .confirmations
                        .iter()
                        .map(|c| (role_label(&c.role), c.confirmed_at))
                        .collect(),
                    confirmed: confirmed(p),
                    confirmed_by_me: p
                        .confirmations
                        .iter()
                        .any(|c| c.person_id == ctx.me.person_id),
                    fingerprint: position_fingerprint(p),
                });
            // A previous review on the version before is compared through the mapping, when
            // exactly one earlier statement became this one (a merge has no one level before).
            let earlier: Vec<&str> = match (&previous, ctx.framework.mapping.as_ref()) {
                (Some(p), Some(m))
                    if p.framework_version != ctx.review.framework_version
                        && m.from_version == p.framework_version =>
                {
                    m.earlier_codes(code).collect()
                }
                (Some(p), _) if p.framework_version != ctx.review.framework_version => Vec::new(),
                _ => vec![code.as_str()],
            };
            let previous_level = match earlier.as_slice() {
                [one] => previous_positions
                    .iter()
                    .find(|p| p.statement_code == *one && confirmed(p))
                    .map(|p| p.level.clone()),
                _ => None,
            };
            let now_level = position
                .as_ref()
                .filter(|p| p.confirmed)
                .map(|p| p.level.as_str());
            statements.push(StatementSummary {
                statement: statement.clone(),
                movement: Movement::between(&scale, previous_level.as_deref(), now_level),
                previous_level,
                is_gap: apart >= GAP_LEVELS,
                levels_apart: apart,
                spreads,
                words: tally.words,
                words_blended: tally.blended,
                position,
                markers: super::markers::markers_of(statement, &marker_checks),
            });
        }
        themes.push(ThemeSummary {
            theme: theme.clone(),
            statements,
        });
    }
    Ok(ReviewSummary {
        themes,
        previous,
        people: tally::people_line(&count.people, &grouping),
        privacy_note: privacy_note(&grouping),
        k: grouping.k,
    })
}

/// Records (or changes) the group's agreed position on a statement; confirmations start again.
pub async fn record_position(
    store: &(impl ReviewStore + mir_store::EmailPreferenceRepo),
    (mailer, base_url): (&crate::mail::Mailer, &str),
    actor: &Actor,
    ctx: &ReviewInContext,
    code: &str,
    level: &str,
    summary_text: &str,
) -> Result<(), AppError> {
    authorize_in_group(ctx.me.role, ctx.me.is_co_chair, GroupAction::LeadReviews)?;
    let statement = ctx.in_review(code).ok_or(AppError::NotFound)?;
    if !ctx.review.is_open {
        return Err(AppError::Conflict(
            "this review is closed: its positions can no longer be changed".into(),
        ));
    }
    let (level, summary_text) = review::check_position(&ctx.scale_keys(), level, summary_text)
        .map_err(AppError::Invalid)?;
    store
        .record_position(
            ctx.review.id,
            &Position {
                statement_code: statement.code.clone(),
                level: level.clone(),
                summary: summary_text,
                agreed_on: today(),
                confirmations: Vec::new(),
            },
            ctx.me.person_id,
            mir_store::now(),
        )
        .await?;
    record(
        store,
        Some(ctx.organisation.id),
        actor,
        "agreed position recorded",
        json!({"review": ctx.review.id, "statement": code, "level": level}),
    )
    .await?;
    // The other co-chairs are asked to confirm it.
    let (organisation, review) = (&ctx.organisation, &ctx.review);
    let body = format!(
        "The group of {} agreed a position on \"{}\" in the review \"{}\". It is public \
         only when two co-chairs confirm it, one of them an Expert by Experience or a carer.\n\n\
         Read it and confirm it: {base_url}/manage/organisations/{}/reviews/{}/summary#statement-{}",
        organisation.name,
        statement.text,
        review.title,
        organisation.slug,
        review.id,
        statement.code
    );
    let me = ctx.me.person_id;
    let other_co_chairs = |m: &mir_store::Member| m.is_co_chair && m.person_id != me;
    let subject = format!("Please confirm what the group agreed: {}", review.title);
    let easy = format!(
        "Hello.\n\nThe group agreed something about this statement:\n\"{}\"\n\nYou are a co-chair. Please read what the group agreed.\n\nIf it is right, press Confirm.\n\nOpen this link:\n{base_url}/manage/organisations/{}/reviews/{}/summary#statement-{}",
        statement.easy_text, organisation.slug, review.id, statement.code
    );
    let to = (organisation.id, base_url);
    let email = crate::waiting::Ask {
        subject: &subject,
        body: &body,
        easy: Some(&easy),
    };
    crate::waiting::ask(store, mailer, to, other_co_chairs, &email).await?;
    Ok(())
}

/// A co-chair confirms the agreed position. Returns whether it is now confirmed.
/// A short fingerprint of an agreed position's words: a confirmation names the one the
/// co-chair read, so a position changed after they read it is never confirmed unseen.
pub fn position_fingerprint(position: &Position) -> String {
    use sha2::{Digest, Sha256};
    let text = format!(
        "{}\n{}\n{}",
        position.level, position.summary, position.agreed_on
    );
    hex::encode(Sha256::digest(text.as_bytes()))[..16].to_owned()
}

pub async fn confirm_position(
    store: &impl ReviewStore,
    actor: &Actor,
    ctx: &ReviewInContext,
    code: &str,
    seen: &str,
) -> Result<bool, AppError> {
    ensure_open(ctx)?;
    authorize_in_group(
        ctx.me.role,
        ctx.me.is_co_chair,
        GroupAction::ConfirmPositions,
    )?;
    ctx.in_review(code).ok_or(AppError::NotFound)?;
    if let Some(problem) = crate::partnerships::co_chairs_problem(store, &ctx.organisation).await? {
        return Err(AppError::Conflict(problem));
    }
    let positions = store.positions(ctx.review.id).await?;
    let Some(position) = positions.iter().find(|p| p.statement_code == code) else {
        return Err(AppError::Conflict(
            "there is no agreed position to confirm yet".into(),
        ));
    };
    if position_fingerprint(position) != seen {
        return Err(AppError::Conflict(
            "the agreed position changed after you opened this page: read it again before confirming".into(),
        ));
    }
    store
        .confirm_position(
            ctx.review.id,
            code,
            ctx.me.person_id,
            ctx.me.role.key(),
            mir_store::now(),
        )
        .await?;
    let now_confirmed = store
        .positions(ctx.review.id)
        .await?
        .iter()
        .find(|p| p.statement_code == code)
        .is_some_and(|p| {
            let roles: Vec<Role> = p
                .confirmations
                .iter()
                .filter_map(|c| Role::parse(&c.role))
                .collect();
            crate::policy::co_chairs_agree(&roles)
        });
    record(
        store,
        Some(ctx.organisation.id),
        actor,
        "agreed position confirmed",
        json!({"review": ctx.review.id, "statement": code, "role": ctx.me.role.key(), "confirmed": now_confirmed}),
    )
    .await?;
    Ok(now_confirmed)
}
