//! Keeping plans alive: reminder emails and weekly digests, run by every server on a timer
//! (and by `mir jobs run`). Each email is claimed in the `job_runs` ledger before it is sent,
//! so with several servers, or a run repeated, nobody gets the same email twice.
//!
//! The clock is a parameter: tests and `mir jobs run --now` choose the time.

use mir_domain::dates;
use mir_store::{EmailPreferenceRepo, JobRepo, MemberRepo, ReviewRepo, UnixTime};

use crate::AppError;
use crate::mail::{Mailer, OutgoingEmail};

/// The emails a person can turn off (at `/account/emails`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailKind {
    /// For every member: their part is needed (a review asks for their views).
    Requests,
    /// For a group's leaders: actions due, quiet plans, the next review.
    Reminders,
    /// For people who gave views: what happened to the priorities that came from them.
    Digest,
}

impl EmailKind {
    pub const ALL: [EmailKind; 3] = [EmailKind::Requests, EmailKind::Reminders, EmailKind::Digest];

    /// The stored name (also the form's value).
    pub fn key(self) -> &'static str {
        match self {
            EmailKind::Requests => "requests",
            EmailKind::Reminders => "reminders",
            EmailKind::Digest => "digest",
        }
    }

    /// What it is, for the person choosing.
    pub fn label(self) -> &'static str {
        match self {
            EmailKind::Requests => {
                "When your part is needed: a review in your group asks for your views"
            }
            EmailKind::Reminders => {
                "Reminders for groups you lead: actions due, plans with no update for 90 days, the next review"
            }
            EmailKind::Digest => {
                "A weekly email about what happened to priorities that came from your views"
            }
        }
    }
}

/// The kinds of job a run does; each email a job sends is claimed under its kind and a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    ActionReminder,
    QuietPlan,
    ReviewDue,
    ReviewClosing,
    Digest,
}

impl JobKind {
    /// The name in the `job_runs` ledger.
    pub fn key(self) -> &'static str {
        match self {
            JobKind::ActionReminder => "action-reminder",
            JobKind::QuietPlan => "quiet-plan",
            JobKind::ReviewDue => "review-due",
            JobKind::ReviewClosing => "review-closing",
            JobKind::Digest => "digest",
        }
    }
}

const DAY: i64 = 24 * 60 * 60;
/// Reminders go this many days before an action's due or review date.
pub const REMINDER_DAYS: i64 = 7;
/// Members who have not given views are reminded this many days before a review closes.
pub const CLOSING_SOON_DAYS: i64 = 3;
/// A published plan with no update for this long gets a nudge.
pub const QUIET_DAYS: i64 = 90;

/// What one run sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JobReport {
    pub action_reminders: usize,
    pub quiet_plan_reminders: usize,
    pub review_reminders: usize,
    pub closing_reminders: usize,
    pub digests: usize,
    /// Live sessions deleted because their retention period ended.
    pub live_sessions_deleted: u64,
}

impl std::fmt::Display for JobReport {
    /// What `mir jobs run` says it did.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Sent {} action reminders, {} quiet-plan reminders, {} review reminders, {} reminders that a review closes soon, {} digests; deleted {} live sessions past their retention period.",
            self.action_reminders,
            self.quiet_plan_reminders,
            self.review_reminders,
            self.closing_reminders,
            self.digests,
            self.live_sessions_deleted
        )
    }
}

/// `YYYY-MM-DD` for a time.
pub fn date_of(at: UnixTime) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::OffsetDateTime::from_unix_timestamp(at)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_default()
}

/// The ISO week of a time, `2026-W48`: one digest per person per week.
fn week_of(at: UnixTime) -> String {
    time::OffsetDateTime::from_unix_timestamp(at).map_or_else(
        |_| "0000-W00".into(),
        |t| {
            let (year, week, _) = t.to_iso_week_date();
            format!("{year}-W{week:02}")
        },
    )
}

/// The organisation's administrators and co-chairs who have not turned `kind` off.
async fn leaders(
    store: &(impl MemberRepo + EmailPreferenceRepo),
    organisation_id: i64,
    kind: EmailKind,
) -> Result<Vec<String>, AppError> {
    let mut out = Vec::new();
    for m in store.members(organisation_id).await? {
        if crate::policy::leads_group(m.role, m.is_co_chair)
            && store.email_enabled(m.person_id, kind.key()).await?
        {
            out.push(m.email);
        }
    }
    Ok(out)
}

fn footer(base_url: &str) -> String {
    format!(
        "\n\nYou get this email because you lead a Making it Real group. To stop these emails, go to {base_url}/account/emails"
    )
}

async fn send_to_all(
    mailer: &Mailer,
    to: &[String],
    subject: &str,
    body: &str,
) -> Result<usize, AppError> {
    for address in to {
        mailer
            .send(OutgoingEmail {
                to: address.clone(),
                subject: subject.to_owned(),
                body: body.to_owned(),
                reply_to: None,
            })
            .await?;
    }
    Ok(to.len())
}

/// Asks each member of a review's group who has not given views yet (and has not turned these
/// emails off) to give them before it closes, once per review. Returns how many were asked.
async fn remind_before_closing(
    store: &(impl MemberRepo + JobRepo + EmailPreferenceRepo + ReviewRepo + Sync),
    mailer: &Mailer,
    (now, base_url): (UnixTime, &str),
    (review_id, organisation_id, title, closes_on): (i64, i64, &str, &str),
) -> Result<usize, AppError> {
    let Some(org) = store.organisation_by_id(organisation_id).await? else {
        return Ok(0);
    };
    let given: std::collections::HashSet<i64> = store
        .shared_views(review_id)
        .await?
        .into_iter()
        .map(|s| s.view.person_id)
        .collect();
    let on = dates::day(closes_on);
    let link = format!(
        "{base_url}/manage/organisations/{}/reviews/{review_id}",
        org.slug
    );
    let mut asked = 0;
    for member in store.members(organisation_id).await? {
        if given.contains(&member.person_id)
            || !store
                .email_enabled(member.person_id, EmailKind::Requests.key())
                .await?
            || !store
                .claim_job(
                    JobKind::ReviewClosing.key(),
                    &format!("{review_id}:{}", member.person_id),
                    now,
                )
                .await?
        {
            continue;
        }
        let body = if member.easy_read {
            format!(
                "Hello.\n\nYour group {} is asking: how are we doing?\nYou have not said what you think yet.\nYou can say what you think until {on}.\n\nSay what you think here:\n{link}\n\nYou can stop these emails here:\n{base_url}/account/emails\n",
                org.name
            )
        } else {
            format!(
                "Hello,\n\nThe review \"{title}\" in the Making it Real group of {} closes on {on}, and you have not given your views yet. Your views decide what the group agrees and what it works on next.\n\nGive your views: {link}\n\nYou get this email because you are a member of the group. To stop emails like it, choose at {base_url}/account/emails\n",
                org.name
            )
        };
        mailer
            .send(OutgoingEmail {
                to: member.email,
                subject: format!("A review closes on {on}: your views are still wanted"),
                body,
                reply_to: None,
            })
            .await?;
        asked += 1;
    }
    Ok(asked)
}

/// Runs every job that is due at `now`.
pub async fn run_due_jobs(
    store: &(impl MemberRepo + JobRepo + EmailPreferenceRepo + ReviewRepo + mir_store::LiveRepo + Sync),
    mailer: &Mailer,
    now: UnixTime,
    base_url: &str,
) -> Result<JobReport, AppError> {
    let mut report = JobReport::default();

    // 1. Actions whose due or review date is within the next week.
    let today = date_of(now);
    let soon = date_of(now + REMINDER_DAYS * DAY);
    for due in store.actions_dated_between(&today, &soon).await? {
        let key = format!("{}:{}:{}", due.action_id, due.which, due.on);
        if !store
            .claim_job(JobKind::ActionReminder.key(), &key, now)
            .await?
        {
            continue;
        }
        let Some(org) = store.organisation_by_id(due.organisation_id).await? else {
            continue;
        };
        let on = dates::day(&due.on);
        let (subject, what) = if due.which == "due" {
            (format!("An action is due on {on}"), "is due")
        } else {
            (
                format!("An action comes up for review on {on}"),
                "comes up for review",
            )
        };
        let body = format!(
            "Hello,\n\nIn {}'s Making it Real plan, this action {what} on {}:\n\n  {}\n\nPost a progress update, or change the date, at {base_url}/manage/organisations/{}/plan{}",
            org.name,
            on,
            due.what,
            org.slug,
            footer(base_url)
        );
        let to = leaders(store, due.organisation_id, EmailKind::Reminders).await?;
        report.action_reminders += send_to_all(mailer, &to, &subject, &body).await?;
    }

    // 2. Published plans with nothing new for 90 days (once per 90-day period).
    for organisation_id in store.quiet_plans(now - QUIET_DAYS * DAY).await? {
        let key = format!("{organisation_id}:{}", now / (QUIET_DAYS * DAY));
        if !store.claim_job(JobKind::QuietPlan.key(), &key, now).await? {
            continue;
        }
        let Some(org) = store.organisation_by_id(organisation_id).await? else {
            continue;
        };
        let body = format!(
            "Hello,\n\n{}'s published Making it Real plan has had no update for {QUIET_DAYS} days. People who helped make it want to know what happened. Post a progress update at {base_url}/manage/organisations/{}/plan{}",
            org.name,
            org.slug,
            footer(base_url)
        );
        let to = leaders(store, organisation_id, EmailKind::Reminders).await?;
        report.quiet_plan_reminders += send_to_all(
            mailer,
            &to,
            "Your published plan has had no update for 90 days",
            &body,
        )
        .await?;
    }

    // 3. The next review, by the group's usual cadence.
    for (organisation_id, months, last) in store.review_cadences().await? {
        // A month as 30 days: a reminder a day or two early does no harm.
        if now < last + months * 30 * DAY {
            continue;
        }
        if !store
            .claim_job(
                JobKind::ReviewDue.key(),
                &format!("{organisation_id}:{last}"),
                now,
            )
            .await?
        {
            continue;
        }
        let Some(org) = store.organisation_by_id(organisation_id).await? else {
            continue;
        };
        let body = format!(
            "Hello,\n\n{} usually reviews every {months} months, and the last review opened on {}. It is time to ask again: how are we doing? Open the next review at {base_url}/manage/organisations/{}/reviews{}",
            org.name,
            dates::in_words(last),
            org.slug,
            footer(base_url)
        );
        let to = leaders(store, organisation_id, EmailKind::Reminders).await?;
        report.review_reminders +=
            send_to_all(mailer, &to, "Your next review is due", &body).await?;
    }

    // 4. Reviews closing soon: each member who has not given views yet is asked once.
    let closing = store
        .reviews_closing_between(&today, &date_of(now + CLOSING_SOON_DAYS * DAY))
        .await?;
    for (review_id, organisation_id, title, closes_on) in closing {
        report.closing_reminders += remind_before_closing(
            store,
            mailer,
            (now, base_url),
            (review_id, organisation_id, &title, &closes_on),
        )
        .await?;
    }

    // 5. A weekly digest for each person whose views led to priorities that moved on.
    let items = store.digest_items(now - 7 * DAY, now).await?;
    let mut people: Vec<i64> = items.iter().map(|i| i.person_id).collect();
    people.dedup();
    for person_id in people {
        if !store
            .email_enabled(person_id, EmailKind::Digest.key())
            .await?
        {
            continue;
        }
        if !store
            .claim_job(
                JobKind::Digest.key(),
                &format!("{person_id}:{}", week_of(now)),
                now,
            )
            .await?
        {
            continue;
        }
        let mine: Vec<_> = items.iter().filter(|i| i.person_id == person_id).collect();
        let Some(first) = mine.first() else { continue };
        let lines: Vec<String> = mine
            .iter()
            .map(|i| {
                format!(
                    "- {} ({}), {}: {}\n  {base_url}/organisations/{}",
                    i.priority,
                    i.organisation,
                    dates::in_words(i.published_at),
                    i.note,
                    i.slug
                )
            })
            .collect();
        let body = if first.easy_read {
            format!(
                "Hello.\n\nYou told a group what you think.\nThe group made plans from what people said.\nThis is what happened this week.\n\n{}\n\nYou can stop these emails here:\n{base_url}/account/emails",
                lines.join("\n\n")
            )
        } else {
            format!(
                "Hello,\n\nYou gave your views in a review. Here is what happened this week to the priorities that came from it:\n\n{}\n\nTo stop this weekly email, go to {base_url}/account/emails",
                lines.join("\n")
            )
        };
        mailer
            .send(OutgoingEmail {
                to: first.email.clone(),
                subject: "What happened to your views this week".into(),
                body,
                reply_to: None,
            })
            .await?;
        report.digests += 1;
    }
    if report != JobReport::default() {
        tracing::info!(
            action_reminders = report.action_reminders,
            quiet_plan_reminders = report.quiet_plan_reminders,
            review_reminders = report.review_reminders,
            closing_reminders = report.closing_reminders,
            digests = report.digests,
            "jobs ran"
        );
    }
    // Live sessions closed longer ago than their group keeps them (unless kept).
    report.live_sessions_deleted = store.delete_expired_live_sessions(now).await?;
    Ok(report)
}
