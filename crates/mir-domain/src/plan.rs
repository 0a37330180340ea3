//! "Where do we want to get to? How do we get there?": priorities, the actions under them,
//! progress updates, and the published versions of a plan with what changed between them.

use serde::{Deserialize, Serialize};

use crate::review::is_date;
use crate::validation::{FieldErrors, Lines, check_characters};

macro_rules! status_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $key:literal, $label:literal;)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum $name { $($variant),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            pub fn key(self) -> &'static str {
                match self { $($name::$variant => $key),* }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),* }
            }

            pub fn parse(s: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.key() == s)
            }
        }
    };
}

status_enum!(
    /// Where a priority stands.
    PriorityStatus {
        Proposed => "proposed", "Proposed";
        Agreed => "agreed", "Agreed";
        InProgress => "in-progress", "In progress";
        Achieved => "achieved", "Achieved";
        Dropped => "dropped", "Dropped";
    }
);

status_enum!(
    /// Where an action stands.
    ActionStatus {
        NotStarted => "not-started", "Not started";
        OnTrack => "on-track", "On track";
        AtRisk => "at-risk", "At risk";
        Done => "done", "Done";
        Dropped => "dropped", "Dropped";
    }
);

/// A priority as checked from a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriorityInput {
    pub title: String,
    pub statements: Vec<String>,
    pub target: String,
    pub why: String,
    pub review_id: Option<i64>,
    pub status: PriorityStatus,
    pub dropped_reason: String,
}

fn required(
    errors: &mut FieldErrors,
    field: &'static str,
    value: &str,
    (max, lines): (usize, Lines),
    what: &str,
) -> String {
    let value = value.trim();
    if value.is_empty() {
        errors.add(field, format!("Enter {what}"));
    } else if value.chars().count() > max {
        errors.add(field, format!("This must be {max} characters or fewer"));
    } else {
        check_characters(errors, field, value, lines);
    }
    value.to_owned()
}

fn optional(
    errors: &mut FieldErrors,
    field: &'static str,
    value: &str,
    (max, lines): (usize, Lines),
) -> String {
    let value = value.trim();
    if value.chars().count() > max {
        errors.add(field, format!("This must be {max} characters or fewer"));
    } else {
        check_characters(errors, field, value, lines);
    }
    value.to_owned()
}

/// Checks a priority. `codes` are the statement codes of the organisation's framework version;
/// `reviews` the ids of its reviews.
#[allow(clippy::too_many_arguments)]
pub fn check_priority(
    title: &str,
    statements: &[String],
    codes: &[String],
    target: &str,
    why: &str,
    review: &str,
    reviews: &[i64],
    status: &str,
    dropped_reason: &str,
) -> Result<PriorityInput, FieldErrors> {
    let mut errors = FieldErrors::new();
    let title = required(
        &mut errors,
        "title",
        title,
        (150, Lines::One),
        "a short title for the priority",
    );
    let chosen: Vec<String> = codes
        .iter()
        .filter(|c| statements.contains(c))
        .cloned()
        .collect();
    if chosen.is_empty() {
        errors.add(
            "statements",
            "Choose at least one statement this priority serves",
        );
    }
    let target = required(
        &mut errors,
        "target",
        target,
        (2000, Lines::Many),
        "where you want to get to, in plain words",
    );
    let why = optional(&mut errors, "why", why, (2000, Lines::Many));
    let review_id = match review.trim() {
        "" => None,
        text => match text.parse::<i64>() {
            Ok(id) if reviews.contains(&id) => Some(id),
            _ => {
                errors.add("review", "Choose one of your reviews, or none");
                None
            }
        },
    };
    let status = PriorityStatus::parse(status);
    if status.is_none() {
        errors.add("status", "Choose where the priority stands");
    }
    let dropped_reason = optional(
        &mut errors,
        "dropped_reason",
        dropped_reason,
        (1000, Lines::Many),
    );
    if status == Some(PriorityStatus::Dropped) && dropped_reason.is_empty() {
        errors.add("dropped_reason", "Say why the priority was dropped");
    }
    errors.into_result(|| PriorityInput {
        title,
        statements: chosen,
        target,
        why,
        review_id,
        status: status.unwrap_or(PriorityStatus::Proposed),
        dropped_reason: if status == Some(PriorityStatus::Dropped) {
            dropped_reason
        } else {
            String::new()
        },
    })
}

/// An action as checked from a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionInput {
    pub what: String,
    pub lead: String,
    pub involved: String,
    pub due_on: Option<String>,
    pub review_on: Option<String>,
    pub status: ActionStatus,
}

fn optional_date(errors: &mut FieldErrors, field: &'static str, value: &str) -> Option<String> {
    let value = value.trim();
    if value.is_empty() {
        None
    } else if is_date(value) {
        Some(value.to_owned())
    } else {
        errors.add(
            field,
            "Enter the date as year-month-day, for example 2027-03-31",
        );
        None
    }
}

pub fn check_action(
    what: &str,
    lead: &str,
    involved: &str,
    due_on: &str,
    review_on: &str,
    status: &str,
) -> Result<ActionInput, FieldErrors> {
    let mut errors = FieldErrors::new();
    let what = required(
        &mut errors,
        "what",
        what,
        (1000, Lines::Many),
        "what will be done",
    );
    let lead = required(
        &mut errors,
        "lead",
        lead,
        (200, Lines::One),
        "who leads it: a role or a named member",
    );
    let involved = optional(&mut errors, "involved", involved, (500, Lines::One));
    let due_on = optional_date(&mut errors, "due_on", due_on);
    let review_on = optional_date(&mut errors, "review_on", review_on);
    let status = ActionStatus::parse(status);
    if status.is_none() {
        errors.add("status", "Choose where the action stands");
    }
    errors.into_result(|| ActionInput {
        what,
        lead,
        involved,
        due_on,
        review_on,
        status: status.unwrap_or(ActionStatus::NotStarted),
    })
}

/// A progress update as checked from a form: a note, an optional new status (a key of the
/// priority's or action's statuses), an optional evidence link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateInput {
    pub note: String,
    pub status: Option<String>,
    pub evidence_url: Option<String>,
}

/// Checks a progress update. `allowed` is `(what it is about, [(status key, label)])`: a
/// priority's statuses or an action's, so a wrong choice says which ones fit.
pub fn check_update(
    note: &str,
    status: &str,
    (about, allowed): (&str, &[(&str, &str)]),
    evidence_url: &str,
) -> Result<UpdateInput, FieldErrors> {
    let mut errors = FieldErrors::new();
    let note = required(
        &mut errors,
        "note",
        note,
        (2000, Lines::Many),
        "what has happened",
    );
    let status = match status.trim() {
        "" => None,
        s if allowed.iter().any(|(key, _)| *key == s) => Some(s.to_owned()),
        _ => {
            let labels: Vec<&str> = allowed.iter().map(|(_, label)| *label).collect();
            let listed = match labels.split_last() {
                Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
                Some((last, _)) => (*last).to_owned(),
                None => String::new(),
            };
            errors.add(
                "status",
                format!("The status of {about} can be {listed}. Choose one of those, or no change"),
            );
            None
        }
    };
    let evidence_url =
        crate::validation::optional_web_address(evidence_url).unwrap_or_else(|message| {
            errors.add("evidence_url", message);
            None
        });
    errors.into_result(|| UpdateInput {
        note,
        status,
        evidence_url,
    })
}

/// A plan as published: everything the public sees of one version.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanSnapshot {
    pub priorities: Vec<SnapshotPriority>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotPriority {
    pub id: i64,
    pub title: String,
    pub statements: Vec<String>,
    pub target: String,
    pub why: String,
    pub status: PriorityStatus,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub dropped_reason: String,
    pub actions: Vec<SnapshotAction>,
    /// The working group whose priority the board took into its plan (decision 0041).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_group: Option<GroupLink>,
}

/// A working group, as a board's plan names it: its web address name and its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupLink {
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotAction {
    pub id: i64,
    pub what: String,
    pub lead: String,
    pub involved: String,
    pub due_on: Option<String>,
    pub review_on: Option<String>,
    pub status: ActionStatus,
}

/// What changed from one published version to the next, in plain words, in plan order.
pub fn changes(before: &PlanSnapshot, after: &PlanSnapshot) -> Vec<String> {
    let mut out = Vec::new();
    for p in &after.priorities {
        let Some(old) = before.priorities.iter().find(|o| o.id == p.id) else {
            out.push(format!("New priority: {}", p.title));
            for a in &p.actions {
                out.push(format!("New action under {}: {}", p.title, a.what));
            }
            continue;
        };
        if old.title != p.title {
            out.push(format!(
                "Priority renamed from \"{}\" to \"{}\"",
                old.title, p.title
            ));
        }
        if old.status != p.status {
            out.push(format!(
                "{}: status changed from {} to {}",
                p.title,
                old.status.label(),
                p.status.label()
            ));
        }
        if old.statements != p.statements {
            out.push(format!("{}: the statements it serves changed", p.title));
        }
        if old.target != p.target || old.why != p.why {
            out.push(format!(
                "{}: where we want to get to, or why, was reworded",
                p.title
            ));
        }
        for a in &p.actions {
            match old.actions.iter().find(|o| o.id == a.id) {
                None => out.push(format!("New action under {}: {}", p.title, a.what)),
                Some(o) => {
                    if o.status != a.status {
                        out.push(format!(
                            "Action \"{}\": status changed from {} to {}",
                            a.what,
                            o.status.label(),
                            a.status.label()
                        ));
                    }
                    if o.due_on != a.due_on {
                        out.push(format!(
                            "Action \"{}\": due date changed from {} to {}",
                            a.what,
                            o.due_on.as_deref().map_or("none".into(), crate::dates::day),
                            a.due_on.as_deref().map_or("none".into(), crate::dates::day)
                        ));
                    }
                    if o.what != a.what || o.lead != a.lead || o.involved != a.involved {
                        out.push(format!(
                            "Action \"{}\": reworded or who leads it changed",
                            a.what
                        ));
                    }
                }
            }
        }
        for o in &old.actions {
            if !p.actions.iter().any(|a| a.id == o.id) {
                out.push(format!("Action removed from {}: {}", p.title, o.what));
            }
        }
    }
    for old in &before.priorities {
        if !after.priorities.iter().any(|p| p.id == old.id) {
            out.push(format!("Priority removed: {}", old.title));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes() -> Vec<String> {
        ["WB-I1", "WB-I2", "IA-I1"].map(String::from).to_vec()
    }

    #[test]
    fn statuses_round_trip_through_their_keys() {
        for s in PriorityStatus::ALL {
            assert_eq!(PriorityStatus::parse(s.key()), Some(*s));
        }
        for s in ActionStatus::ALL {
            assert_eq!(ActionStatus::parse(s.key()), Some(*s));
        }
        assert_eq!(PriorityStatus::parse("finished"), None);
    }

    #[test]
    fn a_priority_needs_a_title_a_statement_and_a_target() {
        let ok = check_priority(
            " Plans with people ",
            &["IA-I1".into(), "XX".into()],
            &codes(),
            "Everyone writes their own plan",
            "",
            "7",
            &[7],
            "agreed",
            "ignored unless dropped",
        )
        .expect("valid");
        assert_eq!(ok.title, "Plans with people");
        assert_eq!(ok.statements, ["IA-I1"], "unknown codes are left out");
        assert_eq!(ok.review_id, Some(7));
        assert!(ok.dropped_reason.is_empty());
        let errors = check_priority("", &[], &codes(), " ", "", "8", &[7], "dropped", "")
            .expect_err("invalid");
        for field in ["title", "statements", "target", "review", "dropped_reason"] {
            assert!(errors.for_field(field).is_some(), "{field}");
        }
    }

    #[test]
    fn an_action_needs_what_and_who_and_real_dates() {
        let ok = check_action(
            "Train staff",
            "Team manager",
            "",
            "2027-03-31",
            "",
            "on-track",
        )
        .expect("valid");
        assert_eq!(ok.due_on.as_deref(), Some("2027-03-31"));
        assert_eq!(ok.review_on, None);
        let errors = check_action("", "", "", "31/03/2027", "2027-02-30", "late").expect_err("bad");
        for field in ["what", "lead", "due_on", "review_on", "status"] {
            assert!(errors.for_field(field).is_some(), "{field}");
        }
    }

    #[test]
    fn an_update_needs_words_and_a_safe_link() {
        let allowed = (
            "an action",
            &[("done", "Done"), ("late", "Running late")][..],
        );
        let ok = check_update("Met the team", "done", allowed, "https://example.org/notes")
            .expect("valid");
        assert_eq!(ok.status.as_deref(), Some("done"));
        let errors =
            check_update(" ", "finished", allowed, "javascript:alert(1)").expect_err("bad");
        for field in ["note", "status", "evidence_url"] {
            assert!(errors.for_field(field).is_some(), "{field}");
        }
        assert_eq!(
            errors.for_field("status"),
            Some(
                "The status of an action can be Done or Running late. Choose one of those, or no change"
            )
        );
    }

    fn action(id: i64, what: &str, status: ActionStatus) -> SnapshotAction {
        SnapshotAction {
            id,
            what: what.into(),
            lead: "Manager".into(),
            involved: String::new(),
            due_on: None,
            review_on: None,
            status,
        }
    }

    fn priority(id: i64, title: &str, actions: Vec<SnapshotAction>) -> SnapshotPriority {
        SnapshotPriority {
            id,
            title: title.into(),
            statements: vec!["WB-I1".into()],
            target: "Better".into(),
            why: String::new(),
            status: PriorityStatus::Agreed,
            dropped_reason: String::new(),
            actions,
            from_group: None,
        }
    }

    #[test]
    fn changes_between_versions_are_told_in_plain_words() {
        let before = PlanSnapshot {
            priorities: vec![
                priority(
                    1,
                    "Plans",
                    vec![action(10, "Train staff", ActionStatus::NotStarted)],
                ),
                priority(2, "Letters", vec![]),
            ],
        };
        let mut plans = priority(
            1,
            "Plans",
            vec![
                action(10, "Train staff", ActionStatus::OnTrack),
                action(11, "Ask people", ActionStatus::NotStarted),
            ],
        );
        plans.status = PriorityStatus::InProgress;
        let after = PlanSnapshot {
            priorities: vec![plans, priority(3, "Transport", vec![])],
        };
        assert_eq!(
            changes(&before, &after),
            [
                "Plans: status changed from Agreed to In progress",
                "Action \"Train staff\": status changed from Not started to On track",
                "New action under Plans: Ask people",
                "New priority: Transport",
                "Priority removed: Letters",
            ]
        );
        assert!(changes(&after, &after).is_empty());
    }
}
