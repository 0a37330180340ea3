//! Feedback about the service itself, sent from the contact page.
//!
//! Personal data is kept to the minimum: a reply address is optional and only kept when given.

use crate::validation::{FieldErrors, Lines, char_len, character_problem};

pub const MESSAGE_MAX_CHARS: usize = 2000;

/// Feedback that has passed validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feedback {
    pub message: String,
    pub reply_email: Option<String>,
}

impl Feedback {
    /// Checks what a person typed; returns every problem at once.
    pub fn parse(message: &str, reply_email: &str) -> Result<Feedback, FieldErrors> {
        let message = message.trim();
        let reply_email = reply_email.trim();
        let mut errors = FieldErrors::new();
        if message.is_empty() {
            errors.add("message", "Enter your message");
        } else if char_len(message) > MESSAGE_MAX_CHARS {
            errors.add(
                "message",
                format!(
                    "Your message must be {MESSAGE_MAX_CHARS} characters or fewer. It has {} characters",
                    char_len(message)
                ),
            );
        } else if let Some(problem) = character_problem(message, Lines::Many) {
            errors.add("message", problem);
        }
        if !reply_email.is_empty() && !looks_like_email(reply_email) {
            errors.add(
                "reply_email",
                "Enter an email address in the correct format, like name@example.com",
            );
        }
        errors.into_result(|| Feedback {
            message: message.to_owned(),
            reply_email: (!reply_email.is_empty()).then(|| reply_email.to_owned()),
        })
    }
}

/// A deliberately loose check: one `@`, something before it, a dot after it, no spaces.
/// Whether an address really works is only known by sending to it.
pub fn looks_like_email(s: &str) -> bool {
    if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_a_message_with_or_without_a_reply_address() {
        let f = Feedback::parse("  The map is hard to read  ", "").expect("valid");
        assert_eq!(f.message, "The map is hard to read");
        assert_eq!(f.reply_email, None);
        let f = Feedback::parse("Thanks", " a@b.org ").expect("valid");
        assert_eq!(f.reply_email.as_deref(), Some("a@b.org"));
    }

    #[test]
    fn reports_every_problem_at_once() {
        let errors = Feedback::parse("   ", "not an email").expect_err("invalid");
        assert_eq!(errors.for_field("message"), Some("Enter your message"));
        assert!(errors.for_field("reply_email").is_some());
    }

    #[test]
    fn rejects_a_message_that_is_too_long_and_says_how_long_it_is() {
        let long = "a".repeat(MESSAGE_MAX_CHARS + 1);
        let errors = Feedback::parse(&long, "").expect_err("too long");
        let message = errors.for_field("message").expect("message error");
        assert!(message.contains("2001 characters"), "{message}");
    }

    #[test]
    fn email_check_is_loose_but_not_empty_headed() {
        for ok in ["a@b.co", "first.last+tag@council.gov.uk"] {
            assert!(looks_like_email(ok), "{ok}");
        }
        for bad in [
            "",
            "a@",
            "@b.co",
            "a@b",
            "a b@c.org",
            "a@@b.org",
            "a@.org",
            "a@b.",
        ] {
            assert!(!looks_like_email(bad), "{bad}");
        }
    }
}
