//! How a person is named to others: a display name and optional pronouns, chosen by the person.
//! Others see the name, never the email address (only the group's administrators see that).

use crate::validation::{FieldErrors, Lines, char_len, character_problem, looks_like_web_address};

pub const DISPLAY_NAME_MAX: usize = 60;
pub const PRONOUNS_MAX: usize = 30;

/// A person's name as they chose it to be shown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonName {
    /// Empty when the person has not chosen one yet.
    pub display_name: String,
    pub pronouns: String,
    /// They agree to be named on their group's public plan while they are a co-chair.
    pub name_public: bool,
}

/// Checks a name and pronouns as typed: trimmed, one line each, no web addresses, within
/// their lengths. The name is needed; pronouns are optional.
pub fn check_name(
    display_name: &str,
    pronouns: &str,
    name_public: bool,
) -> Result<PersonName, FieldErrors> {
    let mut errors = FieldErrors::new();
    let display_name = display_name.trim();
    if display_name.is_empty() {
        errors.add(
            "display_name",
            "Enter the name you want others in your group to see",
        );
    } else if char_len(display_name) > DISPLAY_NAME_MAX {
        errors.add(
            "display_name",
            format!("Your name must be {DISPLAY_NAME_MAX} characters or fewer"),
        );
    } else if let Some(problem) = character_problem(display_name, Lines::One) {
        errors.add("display_name", problem);
    } else if looks_like_web_address(display_name) || display_name.contains('@') {
        errors.add(
            "display_name",
            "Your name cannot contain a web or email address",
        );
    }
    let pronouns = pronouns.trim();
    if char_len(pronouns) > PRONOUNS_MAX {
        errors.add(
            "pronouns",
            format!("Pronouns must be {PRONOUNS_MAX} characters or fewer"),
        );
    } else if let Some(problem) = character_problem(pronouns, Lines::One) {
        errors.add("pronouns", problem);
    } else if looks_like_web_address(pronouns) || pronouns.contains('@') {
        errors.add("pronouns", "Pronouns cannot contain a web or email address");
    }
    errors.into_result(|| PersonName {
        display_name: display_name.to_owned(),
        pronouns: pronouns.to_owned(),
        name_public,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_one_line_without_addresses() {
        let ok = check_name("  Alex  ", " they/them ", true).expect("fine");
        assert_eq!(ok.display_name, "Alex");
        assert_eq!(ok.pronouns, "they/them");
        let errors = check_name("", "", false).expect_err("empty");
        assert!(errors.for_field("display_name").is_some());
        for bad in [
            "Alex\nSmith",
            "www.example.org",
            "alex@example.org",
            "A\u{202e}lex",
        ] {
            assert!(check_name(bad, "", false).is_err(), "{bad:?}");
        }
        let long = "x".repeat(DISPLAY_NAME_MAX + 1);
        assert!(check_name(&long, "", false).is_err());
        let errors = check_name("Alex", "see https://x.example", false).expect_err("pronouns");
        assert!(errors.for_field("pronouns").is_some());
    }
}
