//! Get in touch: a message to an organisation is relayed by email to its administrators and
//! co-chairs. The sender's address appears only in that email; the message is not stored.
//! "Report abuse" sends a page's address and the reason to the national programme team.

use mir_domain::feedback::looks_like_email;
use mir_domain::validation::{FieldErrors, Lines, character_problem, check_characters};
use mir_store::{AuditRepo, MemberRepo, PeopleRepo, PlanRepo, RateLimitRepo};

use crate::AppError;
use crate::mail::{Mailer, OutgoingEmail};
use crate::policy::Actor;
use crate::rate_limit::{self, Limit};

pub const MESSAGE_MAX_CHARS: usize = 2000;

/// The contact form as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ContactInput {
    pub email: String,
    pub message: String,
    /// The priority the message is about (its title), if any.
    pub about: String,
    /// The sender agreed to their address being the email's Reply-To, so "Reply" reaches them.
    /// "yes" when ticked.
    pub reply_direct: String,
}

/// Who a message would go to: an organisation's name and website, and whether anybody there
/// can receive messages (so the form is not offered when nobody can).
#[derive(Debug, Clone)]
pub struct ContactTarget {
    pub name: String,
    pub website: Option<String>,
    pub can_receive: bool,
}

/// The addresses of the people who lead an organisation's group.
async fn leaders_of(
    store: &impl MemberRepo,
    organisation_id: i64,
) -> Result<Vec<String>, AppError> {
    Ok(store
        .members(organisation_id)
        .await?
        .into_iter()
        .filter(|m| crate::policy::leads_group(m.role, m.is_co_chair))
        .map(|m| m.email)
        .collect())
}

/// The organisation a visitor is about to write to (approved ones only).
pub async fn contact_target(
    store: &(impl MemberRepo + PlanRepo + Sync),
    slug: &str,
) -> Result<ContactTarget, AppError> {
    let profile = store
        .organisation_profile(slug)
        .await?
        .filter(|p| p.status.is_public())
        .ok_or(AppError::NotFound)?;
    let can_receive = !leaders_of(store, profile.id).await?.is_empty();
    Ok(ContactTarget {
        name: profile.name,
        website: profile.website,
        can_receive,
    })
}

fn check(email: &str, message: &str) -> Result<(String, String), FieldErrors> {
    let mut errors = FieldErrors::new();
    let email = email.trim();
    if !looks_like_email(email) {
        errors.add(
            "email",
            "Enter your email address, like name@example.org, so they can reply",
        );
    }
    let message = message.trim();
    if message.is_empty() {
        errors.add("message", "Write your message");
    } else if message.chars().count() > MESSAGE_MAX_CHARS {
        errors.add("message", "Your message must be 2000 characters or fewer");
    } else {
        check_characters(&mut errors, "message", message, Lines::Many);
    }
    errors.into_result(|| (email.to_owned(), message.to_owned()))
}

/// Relays a message to the organisation's administrators and co-chairs. Returns how many
/// people it went to. Rate-limited per sender's address and per organisation.
#[allow(clippy::too_many_arguments)]
pub async fn contact_organisation(
    store: &(impl MemberRepo + PlanRepo + RateLimitRepo + AuditRepo + Sync),
    mailer: &Mailer,
    actor: &Actor,
    slug: &str,
    input: &ContactInput,
    client: &str,
    base_url: &str,
) -> Result<usize, AppError> {
    let profile = store
        .organisation_profile(slug)
        .await?
        .filter(|p| p.status.is_public())
        .ok_or(AppError::NotFound)?;
    let (email, message) = check(&input.email, &input.message).map_err(AppError::Invalid)?;
    // Refused before counting against anyone's limit: nobody could read it.
    let leaders = leaders_of(store, profile.id).await?;
    if leaders.is_empty() {
        return Err(AppError::Conflict(format!(
            "Nobody at {} can receive messages here yet. Please try their own website.",
            profile.name
        )));
    }
    rate_limit::check(
        store,
        &[
            Limit::per_client("contact-organisation", client, 5),
            Limit::per_email("contact-organisation", &email, 5),
            Limit::per_email("contact-organisation-to", slug, 30),
        ],
    )
    .await?;
    // The priority a message is about comes from the page's link, but it is request text: one
    // short line, nothing hidden or breaking, in the subject and the body alike.
    let about: String = input
        .about
        .trim()
        .chars()
        .filter(|c| !c.is_control() && character_problem(&c.to_string(), Lines::One).is_none())
        .take(120)
        .collect();
    let about = about.trim();
    let subject = if about.is_empty() {
        "A message about your Making it Real plan".to_owned()
    } else {
        format!(
            "A message about your priority: {}",
            about.chars().take(80).collect::<String>()
        )
    };
    let body = format!(
        "Hello,\n\nSomeone sent {} a message through Making it Real{}.\n\nFrom: {email}\n\n{message}\n\n{}Only the people who lead your group get this email; the message is not stored on Making it Real.\n\nIf this message is abuse, tell the national programme team: {base_url}/report",
        profile.name,
        if about.is_empty() {
            String::new()
        } else {
            format!(", about the priority \"{about}\"")
        },
        if input.reply_direct == "yes" {
            format!("Press Reply to answer them: your reply goes to {email}. ")
        } else {
            format!("To answer them, write a new email to {email}. ")
        },
    );
    for to in &leaders {
        mailer
            .send(OutgoingEmail {
                to: to.clone(),
                subject: subject.clone(),
                body: body.clone(),
                reply_to: (input.reply_direct == "yes").then(|| email.clone()),
            })
            .await?;
    }
    // The record says a message was relayed, never what it said or who sent it.
    crate::audit::record(
        store,
        Some(profile.id),
        actor,
        "message relayed",
        serde_json::json!({"to": leaders.len()}),
    )
    .await?;
    Ok(leaders.len())
}

/// The report form as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ReportInput {
    pub page: String,
    pub reason: String,
    pub email: String,
}

/// Sends a report of abuse to every national administrator.
pub async fn report_abuse(
    store: &(impl PeopleRepo + RateLimitRepo + Sync),
    mailer: &Mailer,
    input: &ReportInput,
    client: &str,
) -> Result<(), AppError> {
    let mut errors = FieldErrors::new();
    let page = input.page.trim();
    if !page.starts_with('/')
        || page.starts_with("//")
        || page.len() > 300
        || character_problem(page, Lines::One).is_some()
        || page.contains(char::is_whitespace)
    {
        errors.add(
            "page",
            "Enter the address of the page on this site, starting with /",
        );
    }
    let reason = input.reason.trim();
    if reason.is_empty() {
        errors.add("reason", "Say what is wrong");
    } else if reason.chars().count() > MESSAGE_MAX_CHARS {
        errors.add("reason", "This must be 2000 characters or fewer");
    } else {
        check_characters(&mut errors, "reason", reason, Lines::Many);
    }
    let email = input.email.trim();
    if !email.is_empty() && !looks_like_email(email) {
        errors.add(
            "email",
            "Enter an email address like name@example.org, or leave it empty",
        );
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    rate_limit::check(store, &[Limit::per_client("report", client, 5)]).await?;
    let team: Vec<String> = store
        .people()
        .await?
        .into_iter()
        .filter(|(p, _)| p.is_national_admin)
        .map(|(p, _)| p.email)
        .collect();
    let body = format!(
        "Hello,\n\nSomeone reported a page on Making it Real.\n\nPage: {page}\nReason: {reason}\nReply to: {}\n",
        if email.is_empty() {
            "(no address given)"
        } else {
            email
        }
    );
    for to in team {
        mailer
            .send(OutgoingEmail {
                to,
                subject: "A page was reported".into(),
                body: body.clone(),
                reply_to: None,
            })
            .await?;
    }
    tracing::info!("abuse report sent to the national team");
    Ok(())
}
