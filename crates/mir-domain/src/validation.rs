//! Field-level validation errors, shared by forms, the importer and the API.

use std::borrow::Cow;
use std::fmt;

/// One problem with one field, in plain English for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The form field's name (also its HTML `id`), so the page can link the summary to it.
    /// Usually a fixed name; forms with a field per statement build theirs.
    pub field: Cow<'static, str>,
    pub message: String,
}

/// Every problem found in one submission. Never empty when returned as an error.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: impl Into<Cow<'static, str>>, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &FieldError> {
        self.0.iter()
    }

    /// The first message for a field, for showing next to it.
    pub fn for_field(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    /// Adds `other`'s errors after these (a field already in error keeps its first message).
    pub fn merge(&mut self, other: FieldErrors) {
        for e in other.0 {
            if self.for_field(&e.field).is_none() {
                self.0.push(e);
            }
        }
    }

    /// `Ok(value)` when nothing was wrong, otherwise every error found.
    pub fn into_result<T>(self, value: impl FnOnce() -> T) -> Result<T, FieldErrors> {
        if self.0.is_empty() {
            Ok(value())
        } else {
            Err(self)
        }
    }
}

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let messages: Vec<&str> = self.0.iter().map(|e| e.message.as_str()).collect();
        f.write_str(&messages.join("; "))
    }
}

impl std::error::Error for FieldErrors {}

/// Whether a text is one line (a name, a title, a role) or may hold paragraphs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    One,
    Many,
}

/// Characters nobody means to type that would break an output: control characters (line
/// breaks and tabs only where paragraphs are allowed), bidirectional overrides that make text
/// read differently from how it is stored, and Unicode non-characters. Checked at the domain
/// layer, so HTML, the Atom feed (XML 1.0 refuses most control characters) and email headers
/// and bodies are safe by construction (finding 16). `None` when the text is fine.
pub fn character_problem(text: &str, lines: Lines) -> Option<&'static str> {
    for c in text.chars() {
        let line_break = matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}');
        if line_break || c == '\t' {
            if lines == Lines::One {
                return Some("This must be one line: remove the line breaks and tabs");
            }
            continue;
        }
        let hidden = c.is_control()
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
            // Invisible marks and spaces that change how text reads or compares (the joiners
            // U+200C and U+200D are kept: some scripts and emoji need them).
            || matches!(
                c,
                '\u{200B}' | '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{FEFF}'
                    | '\u{2060}'..='\u{2064}' | '\u{206A}'..='\u{206F}'
            )
            || matches!(c, '\u{FDD0}'..='\u{FDEF}')
            || (u32::from(c) & 0xFFFE) == 0xFFFE;
        if hidden {
            return Some(
                "Remove the hidden control characters (they can come in when text is pasted)",
            );
        }
    }
    None
}

/// Adds `field`'s character problem, if any, to `errors`.
pub fn check_characters(errors: &mut FieldErrors, field: &'static str, text: &str, lines: Lines) {
    if let Some(problem) = character_problem(text, lines) {
        errors.add(field, problem);
    }
}

/// Whether text that goes into emails and onto pages (a name) holds a web address in disguise:
/// a scheme, `www.`, or a word shaped like a domain with a common ending
/// (`riverside-council.co.uk/verify`), which mail programs turn into links. Initials such as
/// "A.Khan" are names, not domains.
pub fn looks_like_web_address(text: &str) -> bool {
    const ENDINGS: [&str; 20] = [
        "com", "org", "net", "uk", "io", "info", "gov", "nhs", "biz", "co", "me", "app", "online",
        "site", "xyz", "link", "click", "ly", "eu", "us",
    ];
    let lower = text.to_lowercase();
    if lower.contains("://") || lower.contains("www.") || lower.contains("http") {
        return true;
    }
    lower.split_whitespace().any(|word| {
        let host = word
            .trim_matches(|c: char| !c.is_alphanumeric())
            .split(['/', '?', '#'])
            .next()
            .unwrap_or_default();
        let labels: Vec<&str> = host.split('.').collect();
        labels.len() >= 2
            && labels
                .iter()
                .all(|l| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-'))
            && labels.last().is_some_and(|last| ENDINGS.contains(last))
    })
}

/// An optional link to evidence: empty, or an `http(s)://` address of at most 500 characters
/// with no spaces. `Err` holds the message for the field.
pub fn optional_web_address(text: &str) -> Result<Option<String>, &'static str> {
    let text = text.trim();
    if text.is_empty() {
        Ok(None)
    } else if (text.starts_with("https://") || text.starts_with("http://"))
        && text.len() <= 500
        && !text.contains(char::is_whitespace)
        && character_problem(text, Lines::One).is_none()
    {
        Ok(Some(text.to_owned()))
    } else {
        Err("Enter a web address starting with https://, or leave it empty")
    }
}

/// Lines joined by newlines, whole lines only, as many as fit in `max_chars` (the first first):
/// for text made from many parts that must fit one field.
pub fn whole_lines_within(lines: impl IntoIterator<Item = String>, max_chars: usize) -> String {
    let mut kept = String::new();
    let mut used = 0;
    for line in lines {
        let more = line.chars().count() + usize::from(!kept.is_empty());
        if used + more > max_chars {
            break;
        }
        if !kept.is_empty() {
            kept.push('\n');
        }
        kept.push_str(&line);
        used += more;
    }
    kept
}

pub fn char_len(s: &str) -> usize {
    s.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_addresses_in_disguise_are_found_and_initials_are_not() {
        for disguised in [
            "Sign in at riverside-council.co.uk/verify now",
            "see example.org",
            "http://x",
            "www.example",
            "(care.nhs.uk)",
        ] {
            assert!(looks_like_web_address(disguised), "{disguised}");
        }
        for name in [
            "A.Khan",
            "St. Mary's Care",
            "Dr. Smith",
            "Age UK Leeds Ltd.",
        ] {
            assert!(!looks_like_web_address(name), "{name}");
        }
    }

    #[test]
    fn control_characters_and_line_breaks_are_refused_where_they_do_not_belong() {
        assert_eq!(character_problem("Riverside Council", Lines::One), None);
        assert_eq!(character_problem("Café – ünïcode 😀 ❤️", Lines::One), None);
        assert_eq!(
            character_problem("👩\u{200D}👩\u{200D}👧", Lines::One),
            None
        );
        assert_eq!(character_problem("one\ntwo\r\n\tthree", Lines::Many), None);
        for bad in ["a\nb", "a\rb", "a\tb", "a\u{2028}b"] {
            assert!(character_problem(bad, Lines::One).is_some(), "{bad:?}");
        }
        for bad in [
            "a\u{0}b",
            "a\u{7}b",
            "a\u{1b}[31m",
            "a\u{7f}",
            "a\u{85}",
            "\u{202E}evil",
            "\u{2066}x",
            "\u{FFFE}",
            "\u{FDD0}",
            "a\u{200F}b",
            "\u{FEFF}x",
            "a\u{2060}b",
        ] {
            assert!(character_problem(bad, Lines::Many).is_some(), "{bad:?}");
            assert!(character_problem(bad, Lines::One).is_some(), "{bad:?}");
        }
    }

    #[test]
    fn collects_every_error_and_finds_them_by_field() {
        let mut errors = FieldErrors::new();
        errors.add("message", "Enter your message");
        errors.add("email", "Enter an email address in the correct format");
        assert_eq!(errors.iter().count(), 2);
        assert_eq!(
            errors.for_field("email"),
            Some("Enter an email address in the correct format")
        );
        assert_eq!(errors.for_field("name"), None);
        assert!(errors.clone().into_result(|| ()).is_err());
        assert_eq!(FieldErrors::new().into_result(|| 7), Ok(7));
    }

    #[test]
    fn counts_characters_not_bytes() {
        assert_eq!(char_len("café"), 4);
    }

    #[test]
    fn whole_lines_are_kept_while_they_fit() {
        let lines = || ["abc".to_owned(), "defg".to_owned(), "h".to_owned()];
        assert_eq!(whole_lines_within(lines(), 100), "abc\ndefg\nh");
        // "abc\ndefg" is 8 characters: the third line would make 10.
        assert_eq!(whole_lines_within(lines(), 9), "abc\ndefg");
        assert_eq!(whole_lines_within(lines(), 7), "abc");
        assert_eq!(whole_lines_within(lines(), 2), "");
    }
}
