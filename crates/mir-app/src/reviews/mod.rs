//! "How are we doing?": review cycles in which people who use services, carers and staff give
//! their views side by side, the group sees where they differ, and agrees a position that both
//! co-chairs confirm. Only the organisation's members see any of it.
//!
//! Here: the group's reviews, opening one, its settings, and one review in context.
//! `views.rs` is giving views (online and from workshops); `summary.rs` is the summary and the
//! agreed positions; `markers.rs` the markers of progress the group ticks. Everything is re-exported here.

use mir_domain::framework::{Framework, Statement, Theme};
use mir_domain::review::{self, Perspective};
use mir_domain::validation::FieldErrors;
use mir_store::{
    AuditRepo, FrameworkRepo, MarkerCheckRepo, Member, MemberRepo, NewReviewRecord,
    OrganisationRef, Review, ReviewRepo, View,
};
use serde_json::json;

use crate::AppError;
use crate::audit::record;
use crate::mail::Mailer;
use crate::members::mine;
use crate::policy::{Actor, GroupAction, authorize_in_group, group_permits};
use mir_store::EmailPreferenceRepo;

mod markers;
mod summary;
mod views;

pub use markers::*;
pub use summary::*;
pub use views::*;

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
pub trait ReviewStore:
    MemberRepo
    + ReviewRepo
    + MarkerCheckRepo
    + FrameworkRepo
    + AuditRepo
    + mir_store::PartnershipRepo
    + Sync
{
}
impl<
    T: MemberRepo
        + ReviewRepo
        + MarkerCheckRepo
        + FrameworkRepo
        + AuditRepo
        + mir_store::PartnershipRepo
        + Sync,
> ReviewStore for T
{
}

fn corrupt(what: &str) -> AppError {
    AppError::Internal(what.to_owned())
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
    pub framework: Option<std::sync::Arc<Framework>>,
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
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct OpenReviewForm {
    pub title: String,
    /// `all` or `some`.
    pub scope: String,
    pub themes: Vec<String>,
    /// A whole `YYYY-MM-DD` date (scripts, older forms); the boxes below come first.
    pub closes_on: String,
    #[serde(rename = "closes_on-day")]
    pub closes_on_day: String,
    #[serde(rename = "closes_on-month")]
    pub closes_on_month: String,
    #[serde(rename = "closes_on-year")]
    pub closes_on_year: String,
}

/// Opens a review on the organisation's framework version. Returns its id.
pub async fn open_review(
    store: &(impl ReviewStore + EmailPreferenceRepo),
    (mailer, base_url): (&Mailer, &str),
    actor: &Actor,
    slug: &str,
    form: &OpenReviewForm,
) -> Result<i64, AppError> {
    let (organisation, me) = mine(store, actor, slug).await?;
    authorize_in_group(me.role, me.is_co_chair, GroupAction::LeadReviews)?;
    // One review at a time: members are asked one thing, and views are not split between two.
    if let Some(open) = store
        .reviews_of(organisation.id)
        .await?
        .into_iter()
        .find(|r| r.is_open)
    {
        return Err(AppError::Conflict(format!(
            "\"{}\" is still open. Close it before opening another review, so that members are asked one thing at a time.",
            open.title
        )));
    }
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
    let mut date_errors = FieldErrors::new();
    let closes_on = mir_domain::dates::typed(
        &mut date_errors,
        ("closes_on", "The closing date"),
        (
            &form.closes_on_day,
            &form.closes_on_month,
            &form.closes_on_year,
        ),
        &form.closes_on,
    );
    let checked = match review::check_new_review(
        &form.title,
        &form.scope,
        &form.themes,
        &closes_on,
        &all,
        &today(),
    ) {
        Ok(_) if !date_errors.is_empty() => Err(date_errors),
        Ok(checked) => Ok(checked),
        Err(mut errors) => {
            errors.merge(date_errors);
            Err(errors)
        }
    }
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
    // Everyone else in the group is asked for their views.
    let closing_day = checked.closes_on.as_deref().map(mir_domain::dates::day);
    let closes = closing_day
        .as_deref()
        .map(|d| format!(" It closes on {d}."))
        .unwrap_or_default();
    let link = format!("{base_url}/manage/organisations/{slug}/reviews/{id}");
    let body = format!(
        "A review has opened in the Making it Real group of {}: \"{}\". It asks how things are \
         going, in your words, next to everyone else's.{closes}\n\nGive your views: {link}",
        organisation.name, checked.title
    );
    let easy = format!(
        "Hello.\n\nWe want to know what you think.\n\n{} has started a review. It is called \"{}\".\n\nYou say how things are for you.\n\nOther people say what they think too.\n{}\nOpen this link to start:\n{link}",
        organisation.name,
        checked.title,
        closing_day
            .map(|d| format!("\nPlease answer before {d}.\n"))
            .unwrap_or_default()
    );
    let subject = format!("Your views, please: {}", checked.title);
    let everyone_else = |m: &mir_store::Member| m.person_id != me.person_id;
    crate::waiting::ask(
        store,
        mailer,
        (organisation.id, base_url),
        everyone_else,
        &crate::waiting::Ask {
            subject: &subject,
            body: &body,
            easy: Some(&easy),
        },
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
    pub framework: std::sync::Arc<Framework>,
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

/// The members who have not given any view in an open review yet, by their chosen names:
/// shown before closing it, so nobody is closed out without a chance to be asked.
pub async fn not_yet_given_views(
    store: &impl ReviewStore,
    ctx: &ReviewInContext,
) -> Result<Vec<String>, AppError> {
    let given: std::collections::HashSet<i64> = store
        .shared_views(ctx.review.id)
        .await?
        .into_iter()
        .map(|s| s.view.person_id)
        .collect();
    Ok(store
        .members(ctx.organisation.id)
        .await?
        .into_iter()
        .filter(|m| !given.contains(&m.person_id))
        .map(|m| m.shown_name())
        .collect())
}

/// Closes a review (those who lead reviews only), and tells the other members. It can be
/// opened again for [`crate::members::UNDO_DAYS`] days.
pub async fn close_review(
    store: &(impl ReviewStore + EmailPreferenceRepo),
    (mailer, base_url): (&Mailer, &str),
    actor: &Actor,
    ctx: &ReviewInContext,
) -> Result<(), AppError> {
    authorize_in_group(ctx.me.role, ctx.me.is_co_chair, GroupAction::LeadReviews)?;
    // Closed once, with one entry in the audit log.
    ensure_open(ctx)?;
    store.close_review(ctx.review.id, mir_store::now()).await?;
    record(
        store,
        Some(ctx.organisation.id),
        actor,
        "review closed",
        json!({"review": ctx.review.id}),
    )
    .await?;
    let link = format!(
        "{base_url}/manage/organisations/{}/reviews/{}/summary",
        ctx.organisation.slug, ctx.review.id
    );
    crate::waiting::ask(
        store,
        mailer,
        (ctx.organisation.id, base_url),
        |m| m.person_id != ctx.me.person_id,
        &crate::waiting::Ask {
            subject: &format!("“{}” is closed", ctx.review.title),
            body: &format!(
                "Hello,\n\n{} closed the review “{}” of the Making it Real group of {}. Views can no longer be given or changed; what the group said stays as a record.\n\nSee what the group said: {link}\n\nIf it was closed too soon, the co-chairs can open it again until {}.",
                ctx.me.shown_name(),
                ctx.review.title,
                ctx.organisation.name,
                mir_domain::dates::in_words(
                    mir_store::now() + crate::members::UNDO_DAYS * 24 * 60 * 60
                ),
            ),
            easy: Some(&format!(
                "Hello.\n\nThe review \"{}\" has finished.\n\n{} closed it.\n\nYou cannot give or change views in it now.\n\nSee what everyone said:\n{link}",
                ctx.review.title,
                ctx.me.shown_name(),
            )),
        },
    )
    .await?;
    Ok(())
}

/// Whether a closed review may still be opened again (closed in the last
/// [`crate::members::UNDO_DAYS`] days).
pub fn may_reopen(ctx: &ReviewInContext) -> bool {
    ctx.can_lead
        && ctx
            .review
            .closed_at
            .is_some_and(|at| at >= mir_store::now() - crate::members::UNDO_DAYS * 24 * 60 * 60)
}

/// Opens a review closed by mistake again, within [`crate::members::UNDO_DAYS`] days, if no
/// other review has been opened since.
pub async fn reopen_review(
    store: &impl ReviewStore,
    actor: &Actor,
    ctx: &ReviewInContext,
) -> Result<(), AppError> {
    authorize_in_group(ctx.me.role, ctx.me.is_co_chair, GroupAction::LeadReviews)?;
    if ctx.review.is_open {
        return Err(AppError::Conflict("this review is already open".into()));
    }
    let since = mir_store::now() - crate::members::UNDO_DAYS * 24 * 60 * 60;
    if !store.reopen_review(ctx.review.id, since).await? {
        return Err(AppError::Conflict(format!(
            "a review can be opened again only within {} days of closing, and while no other review is open",
            crate::members::UNDO_DAYS
        )));
    }
    record(
        store,
        Some(ctx.organisation.id),
        actor,
        "review opened again",
        json!({"review": ctx.review.id}),
    )
    .await?;
    Ok(())
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
