//! "Waiting for you": what needs a person now, so nobody has to go looking. Views to give in
//! an open review, agreed positions and plan changes waiting for a co-chair, and, for the
//! national programme team, organisations waiting for approval. Shown on the account page
//! (everything) and on each group's workspace (that group's).

use mir_domain::organisation::{OrganisationStatus, Role};
use mir_store::{CoChairRequestRepo, EmailPreferenceRepo, Member, MemberRepo, SignUpRepo};

use crate::AppError;
use crate::jobs::EmailKind;
use crate::mail::{Mailer, OutgoingEmail};
use crate::plans::{self, PlanStore};
use crate::policy::{Actor, co_chairs_agree};

/// One thing waiting for the person, in plain words, with where to do it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    /// Whose it is: the group's name, or "Making it Real" for the national team.
    pub group: String,
    /// What to do, starting with a verb.
    pub what: String,
    pub href: String,
}

/// Everything waiting for the signed-in person, group by group. Nothing for anyone else.
pub async fn for_person(
    store: &(impl PlanStore + SignUpRepo + CoChairRequestRepo),
    actor: &Actor,
) -> Result<Vec<Waiting>, AppError> {
    let Actor::Person { id, national_admin } = actor else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    if *national_admin {
        let signed_up = store.organisations_awaiting_approval().await?.len();
        if signed_up > 0 {
            out.push(Waiting {
                group: "Making it Real".into(),
                what: format!(
                    "Check {signed_up} new {} and approve or decline {}",
                    if signed_up == 1 {
                        "sign-up"
                    } else {
                        "sign-ups"
                    },
                    if signed_up == 1 { "it" } else { "them" },
                ),
                href: "/admin/organisations".into(),
            });
        }
    }
    for membership in store.memberships_of(*id).await? {
        if membership.status != OrganisationStatus::Declined {
            out.extend(in_group(store, actor, &membership.slug).await?);
        }
    }
    Ok(out)
}

/// What is waiting for the signed-in person in one group (404 for people outside it).
pub async fn in_group(
    store: &(impl PlanStore + CoChairRequestRepo),
    actor: &Actor,
    slug: &str,
) -> Result<Vec<Waiting>, AppError> {
    let ws = plans::workspace(store, actor, slug).await?;
    let (group, me) = (&ws.organisation.name, &ws.me);
    let base = format!("/manage/organisations/{slug}");
    let waiting = |what: String, href: String| Waiting {
        group: group.clone(),
        what,
        href,
    };
    let mut out = Vec::new();
    for review in ws.reviews.iter().filter(|r| r.is_open) {
        let reviews = format!("{base}/reviews/{}", review.id);
        if store.views_of(review.id, me.person_id).await?.is_empty() {
            out.push(waiting(
                format!("Give your views in “{}”", review.title),
                reviews.clone(),
            ));
        }
        if me.is_co_chair {
            let to_confirm = store
                .positions(review.id)
                .await?
                .iter()
                .filter(|p| {
                    let roles: Vec<Role> = p
                        .confirmations
                        .iter()
                        .filter_map(|c| Role::parse(&c.role))
                        .collect();
                    !co_chairs_agree(&roles)
                        && !p.confirmations.iter().any(|c| c.person_id == me.person_id)
                })
                .count();
            if to_confirm > 0 {
                out.push(waiting(
                    format!(
                        "Confirm {to_confirm} agreed {} in “{}”",
                        if to_confirm == 1 {
                            "position"
                        } else {
                            "positions"
                        },
                        review.title
                    ),
                    format!("{reviews}/summary"),
                ));
            }
        }
    }
    for request in crate::co_chairs::pending(store, ws.organisation.id, me).await? {
        if request.i_may_agree {
            out.push(waiting(
                format!(
                    "Say whether you agree: {} asks that {}",
                    request.asked_by,
                    request.what()
                ),
                format!("{base}#co-chair-requests"),
            ));
        }
    }
    // An invitation to a partnership waits for the organisation's administrators.
    if me.role == Role::Admin {
        for link in store.partnerships_of(ws.organisation.id).await? {
            if link.accepted_at.is_none() {
                out.push(waiting(
                    format!(
                        "Accept or say no: {} invites your organisation to be a partner",
                        link.name
                    ),
                    format!("{base}/partnerships"),
                ));
            }
        }
    }
    let approved_by_me = ws.approvals.iter().any(|a| a.person_id == me.person_id);
    if ws.can_approve && !ws.changed_since_published.is_empty() && !approved_by_me {
        out.push(waiting(
            "Read the plan's changes and approve them".into(),
            format!("{base}/plan"),
        ));
    }
    Ok(out)
}

/// An email asking for someone's part, in standard English and, for people who chose Easy
/// Read, in Easy Read (short lines, one idea each).
pub(crate) struct Ask<'a> {
    pub subject: &'a str,
    pub body: &'a str,
    /// The Easy Read version; `None` sends everyone the standard one.
    pub easy: Option<&'a str>,
}

/// Emails the members `who` picks, unless they turned these emails off, that their part is
/// needed: the subject, then the body (Easy Read for those who chose it), then why they get
/// it. Returns how many were asked.
pub(crate) async fn ask(
    store: &(impl MemberRepo + EmailPreferenceRepo),
    mailer: &Mailer,
    (organisation_id, base_url): (i64, &str),
    who: impl Fn(&Member) -> bool,
    email: &Ask<'_>,
) -> Result<usize, AppError> {
    let mut asked = 0;
    for member in store.members(organisation_id).await? {
        let kind = EmailKind::Requests.key();
        if who(&member) && store.email_enabled(member.person_id, kind).await? {
            let body = match email.easy {
                Some(easy) if member.easy_read => format!(
                    "{easy}\n\nYou get this email because you are in the group.\n\
                     To stop emails like this, go to {base_url}/account/emails\n"
                ),
                _ => format!(
                    "{}\n\nYou get this email because you are a member of the group. \
                     To stop emails like it, choose at {base_url}/account/emails\n",
                    email.body
                ),
            };
            mailer
                .send(OutgoingEmail {
                    to: member.email,
                    subject: email.subject.to_owned(),
                    body,
                    reply_to: None,
                })
                .await?;
            asked += 1;
        }
    }
    Ok(asked)
}
