//! Path parameters, parsed into their types before a handler runs.
//!
//! Why: a path segment is request text. Axum decodes `%2F` to `/`, so a `String` parameter can
//! hold `../../account/delete`, and a template that puts it into a form's `action` turns a
//! harmless page into a button for any POST (security finding 1). Every route's parameters are
//! therefore one of the types below, each accepting only its own alphabet and length; anything
//! else is a 404 before the handler runs. Templates may then print them into URLs safely.
//!
//! Use [`Path`] from this module, never `axum::extract::Path`: its rejection is the friendly
//! 404, not axum's plain-text 400 that repeats the input.

use std::fmt;
use std::ops::Deref;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::WebError;

/// Like `axum::extract::Path`, but a parameter that does not parse is "page not found".
#[derive(Debug)]
pub struct Path<T>(pub T);

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| Path(value))
            .map_err(|_| WebError::NotFound)
    }
}

/// Declares a checked string parameter: a newtype that deserialises only when `$accepts` holds.
macro_rules! checked_param {
    ($(#[$doc:meta])* $name:ident, $accepts:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Checks `s` against this parameter's alphabet and length.
            pub fn parse(s: &str) -> Option<Self> {
                let accepts: fn(&str) -> bool = $accepts;
                accepts(s).then(|| Self(s.to_owned()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(s: String) -> Result<Self, String> {
                Self::parse(&s).ok_or_else(|| concat!("not a valid ", stringify!($name)).to_owned())
            }
        }

        impl From<$name> for String {
            fn from(p: $name) -> String {
                p.0
            }
        }

        impl Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

checked_param!(
    /// A secret from an emailed link: exactly 64 lowercase hexadecimal digits (32 random bytes).
    Token,
    |s| s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
);

checked_param!(
    /// An organisation's or a framework's name in URLs: lowercase letters, digits and single
    /// hyphens, at most 60 characters (the rule of `OrgSlug` and of framework slugs).
    Slug,
    |s| mir_domain::organisation::OrgSlug::parse(s).is_ok()
);

checked_param!(
    /// A theme or statement code, a framework version or an area code: letters, digits, hyphens
    /// and dots, starting with a letter or digit, at most 40 characters (the framework format's
    /// rule for codes). No dot segment can start with a letter or digit, so `..` never passes.
    Code,
    |s| {
        (1..=40).contains(&s.len())
            && s.starts_with(|c: char| c.is_ascii_alphanumeric())
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
    }
);

checked_param!(
    /// A file name (a framework's picture): letters, digits, hyphens, underscores and dots,
    /// starting with a letter or digit, at most 100 characters; never `..` or a slash.
    FileName,
    |s| {
        (1..=100).contains(&s.len())
            && s.starts_with(|c: char| c.is_ascii_alphanumeric())
            && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            && !s.contains("..")
    }
);

checked_param!(
    /// A live session's join code as stored: six characters of the readable alphabet
    /// (`mir_domain::live::JOIN_CODE_ALPHABET`, upper case, no look-alikes).
    JoinCode,
    |s| mir_domain::live::normalise_code(s).is_some_and(|code| code == s)
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_64_lowercase_hex_digits_only() {
        let good = "0123456789abcdef".repeat(4);
        assert!(Token::parse(&good).is_some());
        for bad in [
            "",
            "..%2F..%2Faccount%2Fdelete",
            "../../account/delete",
            &good[..63],
            &format!("{good}0"),
            &good.to_uppercase(),
            &format!("{}/", &good[..63]),
        ] {
            assert!(Token::parse(bad).is_none(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn no_parameter_type_accepts_a_dot_segment_a_slash_or_a_control_character() {
        for bad in [
            "..", ".", "a/b", "/", "a\\b", "a\nb", "a\u{0}b", "é", "a b", "%2e%2e",
        ] {
            assert!(Slug::parse(bad).is_none(), "slug {bad:?}");
            assert!(Code::parse(bad).is_none(), "code {bad:?}");
            assert!(FileName::parse(bad).is_none(), "file {bad:?}");
        }
        assert!(FileName::parse("a..png").is_none());
    }

    #[test]
    fn ordinary_values_pass() {
        assert!(Slug::parse("riverside-council").is_some());
        assert!(JoinCode::parse("ABCDEF").is_some());
        for bad in [
            "abcdef",
            "ABC DEF",
            "ABC%2FDEF",
            "ABCDE0",
            "ABCDEFG",
            "../AB",
        ] {
            assert!(JoinCode::parse(bad).is_none(), "join code {bad:?}");
        }
        assert!(Code::parse("WB-I1").is_some());
        assert!(Code::parse("2026.1").is_some());
        assert!(Code::parse("E06000001").is_some());
        assert!(FileName::parse("choice_1.svg").is_some());
        assert!(Slug::parse(&"a".repeat(61)).is_none());
        assert!(Code::parse(&"a".repeat(41)).is_none());
    }
}
