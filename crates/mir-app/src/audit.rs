//! Recording changes in the audit log, and reading it.

use mir_store::{AuditEvent, AuditRepo};

use crate::AppError;
use crate::policy::{Action, Actor, authorize};

/// Appends one event; `detail` holds what changed (before and after where there is one).
pub async fn record(
    store: &impl AuditRepo,
    organisation_id: Option<i64>,
    actor: &Actor,
    action: &str,
    detail: serde_json::Value,
) -> Result<(), AppError> {
    let actor_id = match actor {
        Actor::Person { id, .. } => Some(*id),
        _ => None,
    };
    store
        .record(
            organisation_id,
            actor_id,
            action,
            &detail.to_string(),
            mir_store::now(),
        )
        .await?;
    Ok(())
}

/// The newest events across all organisations, for the national programme team.
pub async fn national_log(
    store: &impl AuditRepo,
    actor: &Actor,
) -> Result<Vec<AuditEvent>, AppError> {
    authorize(actor, Action::ViewAdmin)?;
    Ok(store.audit_events(None, 200).await?)
}

/// What an audit entry records, as a sentence people read ("Invited pat@example.org as
/// Carer, co-chair."), never raw data. Unknown entries read as their action.
pub fn in_words(action: &str, detail: &str) -> String {
    use mir_domain::organisation::Role;
    let detail: serde_json::Value = serde_json::from_str(detail).unwrap_or_default();
    let text = |key: &str| detail[key].as_str().unwrap_or_default().to_owned();
    let role = || {
        Role::parse(detail["role"].as_str().unwrap_or_default())
            .map_or_else(|| "a member".to_owned(), |r| r.label().to_owned())
    };
    let co_chair = || {
        if detail["co_chair"].as_bool().unwrap_or(false) {
            ", co-chair"
        } else {
            ""
        }
    };
    let change = || match detail["change"].as_str() {
        Some("remove") => "a co-chair leaves the group",
        _ => "a co-chair steps down",
    };
    let sentence = match action {
        "member invited" => format!("Invited {} as {}{}", text("email"), role(), co_chair()),
        "invitation accepted" => format!("Joined the group as {}{}", role(), co_chair()),
        "invitation sent again" => format!("Sent the invitation to {} again", text("email")),
        "invitation cancelled" => format!("Cancelled the invitation to {}", text("email")),
        "member removed" => format!("Removed {} ({}) from the group", text("email"), role()),
        "member added back" => format!("Added {} back to the group as {}", text("email"), role()),
        "member left" => format!("Left the group ({}{})", role(), co_chair()),
        "co-chair changed" if detail["after"].as_bool() == Some(true) => {
            format!("Made {} a co-chair", text("email"))
        }
        "co-chair changed" => format!("{} stopped being a co-chair", text("email")),
        "co-chair change asked" => format!("Asked that {}", change()),
        "co-chair change agreed" => format!("Agreed that {}", change()),
        "co-chair change declined" => format!("Said no to the request that {}", change()),
        "administration handed over" => {
            format!("Handed administration over to {}", text("to"))
        }
        "review opened" => format!("Opened the review “{}”", text("title")),
        "review opened again" => "Opened a closed review again".to_owned(),
        "review closed" => "Closed a review".to_owned(),
        "agreed position recorded" => {
            format!("Recorded what the group agreed on {}", text("statement"))
        }
        "agreed position confirmed" => {
            format!("Confirmed what the group agreed on {}", text("statement"))
        }
        "priority saved" if !text("title").is_empty() => {
            format!("Saved the priority “{}”", text("title"))
        }
        "message relayed" => {
            "A message from the public was passed on to the group's leaders".into()
        }
        "name changed" => "Changed the name they are shown by".to_owned(),
        "organisation areas changed" => {
            let area = text("area");
            if text("change") == "removed" {
                format!("Stopped listing {area} as a council area served")
            } else {
                format!("Added {area} to the council areas served")
            }
        }
        "organisation details changed" => {
            "Changed what the organisation says about itself".to_owned()
        }
        other => {
            let mut words = other.to_owned();
            if let Some(first) = words.get_mut(..1) {
                first.make_ascii_uppercase();
            }
            words
        }
    };
    format!("{sentence}.")
}

#[cfg(test)]
mod tests {
    use super::in_words;

    #[test]
    fn entries_read_as_sentences() {
        assert_eq!(
            in_words(
                "member invited",
                r#"{"email":"pat@example.org","role":"carer","co_chair":true}"#
            ),
            "Invited pat@example.org as Carer, co-chair."
        );
        assert_eq!(
            in_words(
                "co-chair changed",
                r#"{"email":"a@example.org","before":true,"after":false}"#
            ),
            "a@example.org stopped being a co-chair."
        );
        assert_eq!(in_words("review closed", "{}"), "Closed a review.");
        assert_eq!(in_words("story published", "not json"), "Story published.");
    }
}
