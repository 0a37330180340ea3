//! "How are we doing?": review cycles in which people who use services, carers and staff give
//! their views side by side, the group sees where they differ, and agrees a position that both
//! co-chairs confirm. Only the organisation's members see any of it.

use mir_domain::framework::{Framework, Statement, Theme};
use mir_domain::organisation::Role;
use mir_domain::review::tally::{self, MemberView, WorkshopCount};
use mir_domain::review::{self, GAP_LEVELS, MAX_WORKSHOP_COUNT, Movement, Perspective, Spread};
use mir_domain::validation::FieldErrors;
use mir_store::{
    AuditRepo, FrameworkRepo, Member, MemberRepo, NewReviewRecord, OrganisationRef, Position,
    Review, ReviewRepo, View, WorkshopView,
};
use serde_json::json;

use crate::AppError;
use crate::audit::record;
use crate::members::mine;
use crate::policy::{Actor, GroupAction, authorize_in_group, group_permits};

pub use mir_domain::review::NOT_SURE;
pub use mir_domain::review::tally::Words;

/// Today's date, `YYYY-MM-DD`, in UTC.
pub fn today() -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::OffsetDateTime::now_utc()
        .date()
        .format(&format)
        .unwrap_or_default()
}

/// Everything the storage for reviews needs.
pub trait ReviewStore: MemberRepo + ReviewRepo + FrameworkRepo + AuditRepo + Sync {}
impl<T: MemberRepo + ReviewRepo + FrameworkRepo + AuditRepo + Sync> ReviewStore for T {}

fn corrupt(what: &str) -> AppError {
    AppError::Store(mir_store::StoreError::Corrupt(what.to_owned()))
}

/// The group's reviews and what the member may do with them.
#[derive(Debug, Clone)]
pub struct ReviewsOverview {
    pub organisation: OrganisationRef,
    pub me: Member,
    pub reviews: Vec<Review>,
    pub cadence_months: Option<i64>,
    /// How many people a perspective needs to be shown on its own in a summary.
    pub anonymity_threshold: i64,
    /// The adopted framework version and its themes, to choose from.
    pub framework: Option<Framework>,
    pub can_lead: bool,
}

pub async fn overview(
    store: &impl ReviewStore,
    actor: &Actor,
    slug: &str,
) -> Result<ReviewsOverview, AppError> {
    let (organisation, me) = mine(store, actor, slug).await?;
    authorize_in_group(me.role, me.is_co_chair, GroupAction::GiveViews)?;
    let framework = match store.adopted_framework(organisation.id).await? {
        Some((fslug, version)) => store.load_framework(&fslug, Some(&version)).await?,
        None => None,
    };
    Ok(ReviewsOverview {
        reviews: store.reviews_of(organisation.id).await?,
        cadence_months: store.review_cadence(organisation.id).await?,
        anonymity_threshold: store
            .anonymity_threshold(organisation.id)
            .await?
            .max(review::MIN_PEOPLE_APART),
        can_lead: group_permits(me.role, me.is_co_chair, GroupAction::LeadReviews),
        framework,
        organisation,
        me,
    })
}

/// The "open a review" form as typed.
#[derive(Debug, Clone, Default)]
pub struct OpenReviewForm {
    pub title: String,
    /// `all` or `some`.
    pub scope: String,
    pub themes: Vec<String>,
    pub closes_on: String,
}

/// Opens a review on the organisation's framework version. Returns its id.
pub async fn open_review(
    store: &impl ReviewStore,
    actor: &Actor,
    slug: &str,
    form: &OpenReviewForm,
) -> Result<i64, AppError> {
    let (organisation, me) = mine(store, actor, slug).await?;
    authorize_in_group(me.role, me.is_co_chair, GroupAction::LeadReviews)?;
    let Some((fslug, version)) = store.adopted_framework(organisation.id).await? else {
        return Err(AppError::Conflict(
            "the organisation has not chosen a framework yet".into(),
        ));
    };
    let framework = store
        .load_framework(&fslug, Some(&version))
        .await?
        .ok_or_else(|| corrupt("adopted framework missing"))?;
    let all: Vec<String> = framework.themes.iter().map(|t| t.code.clone()).collect();
    let checked = review::check_new_review(
        &form.title,
        &form.scope,
        &form.themes,
        &form.closes_on,
        &all,
        &today(),
    )
    .map_err(AppError::Invalid)?;
    let id = store
        .create_review(
            &NewReviewRecord {
                organisation_id: organisation.id,
                title: checked.title.clone(),
                framework_slug: fslug,
                framework_version: version,
                themes: checked.themes.clone(),
                closes_on: checked.closes_on.clone(),
                opened_by: me.person_id,
            },
            mir_store::now(),
        )
        .await?;
    record(
        store,
        Some(organisation.id),
        actor,
        "review opened",
        json!({"review": id, "title": checked.title, "themes": checked.themes}),
    )
    .await?;
    Ok(id)
}

/// Sets how many people a perspective needs before a summary shows it on its own: 3 to 50.
/// Fewer than 3 is refused: with two, each knows the other's views.
pub async fn set_anonymity_threshold(
    store: &impl ReviewStore,
    actor: &Actor,
    slug: &str,
    people: &str,
) -> Result<(), AppError> {
    let (organisation, me) = mine(store, actor, slug).await?;
    authorize_in_group(me.role, me.is_co_chair, GroupAction::LeadReviews)?;
    let people = match people.trim().parse::<i64>() {
        Ok(n) if (review::MIN_PEOPLE_APART..=50).contains(&n) => n,
        Ok(n) if n < review::MIN_PEOPLE_APART => {
            let mut errors = FieldErrors::new();
            errors.add(
                "anonymity_threshold",
                "Enter 3 or more: with fewer, people could work out who said what",
            );
            return Err(AppError::Invalid(errors));
        }
        _ => {
            let mut errors = FieldErrors::new();
            errors.add(
                "anonymity_threshold",
                "Enter a whole number from 3 to 50, like 3",
            );
            return Err(AppError::Invalid(errors));
        }
    };
    store
        .set_anonymity_threshold(organisation.id, people)
        .await?;
    record(
        store,
        Some(organisation.id),
        actor,
        "anonymity threshold set",
        json!({"people": people}),
    )
    .await?;
    Ok(())
}

/// Sets how often the group usually reviews: empty for "not set", else 1 to 24 months.
pub async fn set_cadence(
    store: &impl ReviewStore,
    actor: &Actor,
    slug: &str,
    months: &str,
) -> Result<(), AppError> {
    let (organisation, me) = mine(store, actor, slug).await?;
    authorize_in_group(me.role, me.is_co_chair, GroupAction::LeadReviews)?;
    let months = match months.trim() {
        "" => None,
        text => match text.parse::<i64>() {
            Ok(n) if (1..=24).contains(&n) => Some(n),
            _ => {
                let mut errors = FieldErrors::new();
                errors.add(
                    "cadence",
                    "Enter how many months between reviews, a number from 1 to 24",
                );
                return Err(AppError::Invalid(errors));
            }
        },
    };
    store.set_review_cadence(organisation.id, months).await?;
    record(
        store,
        Some(organisation.id),
        actor,
        "review cadence set",
        json!({"months": months}),
    )
    .await?;
    Ok(())
}

/// One review, as a member sees it.
#[derive(Debug, Clone)]
pub struct ReviewInContext {
    pub organisation: OrganisationRef,
    pub me: Member,
    pub review: Review,
    pub framework: Framework,
    /// The themes in the review, in order.
    pub themes: Vec<Theme>,
    pub can_lead: bool,
    pub can_confirm: bool,
}

impl ReviewInContext {
    pub fn statements_in(&self, theme: &str) -> Vec<&Statement> {
        self.framework
            .statements
            .iter()
            .filter(|s| s.theme == theme)
            .collect()
    }

    /// Every statement in the review, in order.
    pub fn statements(&self) -> Vec<&Statement> {
        self.themes
            .iter()
            .flat_map(|t| self.framework.statements_in(&t.code))
            .collect()
    }

    pub fn in_review(&self, code: &str) -> Option<&Statement> {
        self.framework
            .statement(code)
            .filter(|s| self.themes.iter().any(|t| t.code == s.theme))
    }

    pub fn perspective(&self) -> Perspective {
        Perspective::of_role(self.me.role)
    }

    pub fn scale_keys(&self) -> Vec<String> {
        self.framework.scale.iter().map(|l| l.key.clone()).collect()
    }

    /// The label for a level key (or "Not sure", or "Not answered").
    pub fn level_label(&self, key: &str) -> String {
        match key {
            NOT_SURE => "Not sure".into(),
            "" => "Not answered".into(),
            _ => self
                .framework
                .scale
                .iter()
                .find(|l| l.key == key)
                .map_or_else(|| key.to_owned(), |l| l.label.clone()),
        }
    }
}

pub async fn review_in_context(
    store: &impl ReviewStore,
    actor: &Actor,
    slug: &str,
    review_id: i64,
) -> Result<ReviewInContext, AppError> {
    let (organisation, me) = mine(store, actor, slug).await?;
    authorize_in_group(me.role, me.is_co_chair, GroupAction::GiveViews)?;
    let review = store
        .review(organisation.id, review_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let framework = store
        .load_framework(&review.framework_slug, Some(&review.framework_version))
        .await?
        .ok_or_else(|| corrupt("review framework missing"))?;
    let themes = framework
        .themes
        .iter()
        .filter(|t| review.themes.is_empty() || review.themes.contains(&t.code))
        .cloned()
        .collect();
    Ok(ReviewInContext {
        can_lead: group_permits(me.role, me.is_co_chair, GroupAction::LeadReviews),
        can_confirm: group_permits(me.role, me.is_co_chair, GroupAction::ConfirmPositions),
        organisation,
        me,
        review,
        framework,
        themes,
    })
}

/// What a member has said so far in a review, and whether they are anonymous.
pub async fn my_views(
    store: &impl ReviewStore,
    ctx: &ReviewInContext,
) -> Result<(Vec<View>, bool), AppError> {
    Ok((
        store.views_of(ctx.review.id, ctx.me.person_id).await?,
        store.is_anonymous(ctx.review.id, ctx.me.person_id).await?,
    ))
}

/// How small the member's own perspective is in the group, so they know before giving views
/// whether it can be shown on its own: `(members with that perspective, k)`.
pub async fn my_perspective_size(
    store: &impl ReviewStore,
    ctx: &ReviewInContext,
) -> Result<(i64, i64), AppError> {
    let mine = ctx.perspective();
    let members = store
        .members(ctx.organisation.id)
        .await?
        .iter()
        .filter(|m| Perspective::of_role(m.role) == mine)
        .count();
    let k = store
        .anonymity_threshold(ctx.organisation.id)
        .await?
        .max(review::MIN_PEOPLE_APART);
    Ok((i64::try_from(members).unwrap_or(i64::MAX), k))
}

/// One answer as typed: the statement, the level key (or `not-sure`, or empty), the words.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answer {
    pub code: String,
    pub level: String,
    pub working: String,
    pub to_change: String,
}

/// Checks answers; field names are `level-CODE`, `working-CODE`, `change-CODE`.
pub fn check_answers(ctx: &ReviewInContext, answers: &[Answer]) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    let keys = ctx.scale_keys();
    for a in answers {
        if ctx.in_review(&a.code).is_none() {
            errors.add(
                format!("level-{}", a.code),
                "This statement is not in the review",
            );
            continue;
        }
        if !(a.level.is_empty() || a.level == NOT_SURE || keys.contains(&a.level)) {
            errors.add(
                format!("level-{}", a.code),
                "Choose one of the levels, or not sure",
            );
        }
        review::check_words(&mut errors, format!("working-{}", a.code), &a.working);
        review::check_words(&mut errors, format!("change-{}", a.code), &a.to_change);
    }
    errors.into_result(|| ())
}

/// Saves a member's answers (all or nothing). An answer with nothing in it is not stored.
pub async fn save_answers(
    store: &impl ReviewStore,
    ctx: &ReviewInContext,
    answers: &[Answer],
) -> Result<usize, AppError> {
    if !ctx.review.is_open {
        return Err(AppError::Conflict(
            "this review is closed: views can no longer be changed".into(),
        ));
    }
    check_answers(ctx, answers).map_err(AppError::Invalid)?;
    let now = mir_store::now();
    let mut saved = 0;
    let existing = store.views_of(ctx.review.id, ctx.me.person_id).await?;
    for a in answers {
        let blank =
            a.level.is_empty() && a.working.trim().is_empty() && a.to_change.trim().is_empty();
        if blank && !existing.iter().any(|v| v.statement_code == a.code) {
            continue;
        }
        store
            .save_view(
                ctx.review.id,
                &View {
                    statement_code: a.code.clone(),
                    person_id: ctx.me.person_id,
                    perspective: ctx.perspective().key().to_owned(),
                    level: a.level.clone(),
                    working: a.working.trim().to_owned(),
                    to_change: a.to_change.trim().to_owned(),
                },
                now,
            )
            .await?;
        saved += 1;
    }
    Ok(saved)
}

/// A closed review is a record: nothing in it changes (finding 13).
fn ensure_open(ctx: &ReviewInContext) -> Result<(), AppError> {
    if ctx.review.is_open {
        Ok(())
    } else {
        Err(AppError::Conflict(
            "this review is closed: nothing in it can be changed".into(),
        ))
    }
}

pub async fn set_anonymous(
    store: &impl ReviewStore,
    ctx: &ReviewInContext,
    anonymous: bool,
) -> Result<(), AppError> {
    ensure_open(ctx)?;
    store
        .set_anonymous(ctx.review.id, ctx.me.person_id, anonymous)
        .await?;
    Ok(())
}

/// One line typed in from a workshop, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkshopLine {
    pub code: String,
    /// Counts per level key (and `not-sure`), as typed.
    pub counts: Vec<(String, String)>,
    pub working: String,
    pub to_change: String,
}

/// Adds the views given in a workshop: for one perspective, how many people chose each level
/// of each statement, and what they said. Field names: `count-CODE-LEVEL`, `working-CODE`…
pub async fn add_workshop_views(
    store: &impl ReviewStore,
    actor: &Actor,
    ctx: &ReviewInContext,
    perspective: &str,
    session_label: &str,
    lines: &[WorkshopLine],
) -> Result<i64, AppError> {
    authorize_in_group(ctx.me.role, ctx.me.is_co_chair, GroupAction::LeadReviews)?;
    if !ctx.review.is_open {
        return Err(AppError::Conflict("this review is closed".into()));
    }
    let mut errors = FieldErrors::new();
    let perspective = Perspective::parse(perspective);
    if perspective.is_none() {
        errors.add("perspective", "Choose whose views these are");
    }
    let label = review::check_words(&mut errors, "session_label", session_label);
    let mut keys = ctx.scale_keys();
    keys.push(NOT_SURE.into());
    let mut rows = Vec::new();
    let mut people = 0;
    for line in lines {
        if ctx.in_review(&line.code).is_none() {
            continue;
        }
        let working =
            review::check_words(&mut errors, format!("working-{}", line.code), &line.working);
        let to_change = review::check_words(
            &mut errors,
            format!("change-{}", line.code),
            &line.to_change,
        );
        let mut first = true;
        for (level, typed) in &line.counts {
            if !keys.contains(level) || typed.trim().is_empty() {
                continue;
            }
            let field = format!("count-{}-{}", line.code, level);
            match typed.trim().parse::<i64>() {
                Ok(0) => {}
                Ok(n) if (1..=MAX_WORKSHOP_COUNT).contains(&n) => {
                    people += n;
                    rows.push(WorkshopView {
                        statement_code: line.code.clone(),
                        perspective: perspective.map(|p| p.key().to_owned()).unwrap_or_default(),
                        level: level.clone(),
                        people: n,
                        // The words go with the first count, so they are shown once.
                        working: if first {
                            working.clone()
                        } else {
                            String::new()
                        },
                        to_change: if first {
                            to_change.clone()
                        } else {
                            String::new()
                        },
                        session_label: label.clone(),
                    });
                    first = false;
                }
                _ => errors.add(
                    field,
                    format!("Enter a number of people from 0 to {MAX_WORKSHOP_COUNT}"),
                ),
            }
        }
        if first && !(working.is_empty() && to_change.is_empty()) {
            // Words without any count: kept, shown with the statement, not counted.
            rows.push(WorkshopView {
                statement_code: line.code.clone(),
                perspective: perspective.map(|p| p.key().to_owned()).unwrap_or_default(),
                level: String::new(),
                people: 0,
                working,
                to_change,
                session_label: label.clone(),
            });
        }
    }
    if errors.is_empty() && rows.is_empty() {
        errors.add(
            "perspective",
            "Enter how many people chose a level for at least one statement",
        );
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    store
        .add_workshop_views(ctx.review.id, &rows, ctx.me.person_id, mir_store::now())
        .await?;
    record(
        store,
        Some(ctx.organisation.id),
        actor,
        "workshop views added",
        json!({"review": ctx.review.id, "people": people, "lines": rows.len()}),
    )
    .await?;
    Ok(people)
}

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
                who: s.email.clone(),
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
            let previous_level = previous_positions
                .iter()
                .find(|p| &p.statement_code == code && confirmed(p))
                .map(|p| p.level.clone());
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
    store: &impl ReviewStore,
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

pub async fn close_review(
    store: &impl ReviewStore,
    actor: &Actor,
    ctx: &ReviewInContext,
) -> Result<(), AppError> {
    authorize_in_group(ctx.me.role, ctx.me.is_co_chair, GroupAction::LeadReviews)?;
    store.close_review(ctx.review.id, mir_store::now()).await?;
    record(
        store,
        Some(ctx.organisation.id),
        actor,
        "review closed",
        json!({"review": ctx.review.id}),
    )
    .await?;
    Ok(())
}
