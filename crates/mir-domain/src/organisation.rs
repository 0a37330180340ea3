//! Organisations that sign up to Making it Real.

use std::fmt;
use std::str::FromStr;

/// The kinds of organisation that sign up. Stored by their `key`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrganisationKind {
    Council,
    NhsBody,
    CareProvider,
    Housing,
    VoluntaryOrCommunity,
    UserLed,
    Other,
}

impl OrganisationKind {
    pub const ALL: [OrganisationKind; 7] = [
        Self::Council,
        Self::NhsBody,
        Self::CareProvider,
        Self::Housing,
        Self::VoluntaryOrCommunity,
        Self::UserLed,
        Self::Other,
    ];

    /// The stable key stored in the database and used in URLs.
    pub fn key(self) -> &'static str {
        match self {
            Self::Council => "council",
            Self::NhsBody => "nhs",
            Self::CareProvider => "care-provider",
            Self::Housing => "housing",
            Self::VoluntaryOrCommunity => "voluntary",
            Self::UserLed => "user-led",
            Self::Other => "other",
        }
    }

    /// Plain-English label for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Council => "Council",
            Self::NhsBody => "NHS body",
            Self::CareProvider => "Care provider",
            Self::Housing => "Housing organisation",
            Self::VoluntaryOrCommunity => "Voluntary or community organisation",
            Self::UserLed => "User-led organisation",
            Self::Other => "Other organisation",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown kind of organisation: {0:?}")]
pub struct UnknownKind(pub String);

impl FromStr for OrganisationKind {
    type Err = UnknownKind;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.key() == s)
            .ok_or_else(|| UnknownKind(s.to_owned()))
    }
}

/// The short name of an organisation in its URL: lowercase letters, digits and single hyphens.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OrgSlug(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlugError {
    #[error("the web address name is empty")]
    Empty,
    #[error("the web address name is longer than 60 characters")]
    TooLong,
    #[error("the web address name can only use lowercase letters, numbers and single hyphens")]
    BadCharacters,
}

impl OrgSlug {
    pub fn parse(s: &str) -> Result<Self, SlugError> {
        if s.is_empty() {
            return Err(SlugError::Empty);
        }
        if s.len() > 60 {
            return Err(SlugError::TooLong);
        }
        let ok_chars = s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !ok_chars || s.starts_with('-') || s.ends_with('-') || s.contains("--") {
            return Err(SlugError::BadCharacters);
        }
        Ok(Self(s.to_owned()))
    }

    /// Makes a slug from a name: "St Mary's Care (North)" → "st-marys-care-north".
    pub fn from_name(name: &str) -> Result<Self, SlugError> {
        let mut slug = String::new();
        for c in name.chars() {
            if c.is_ascii_alphanumeric() {
                slug.push(c.to_ascii_lowercase());
            } else if (c.is_whitespace() || c == '-' || c == '/' || c == '&')
                && !slug.is_empty()
                && !slug.ends_with('-')
            {
                slug.push('-');
            }
        }
        let trimmed: String = slug.trim_end_matches('-').chars().take(60).collect();
        Self::parse(trimmed.trim_end_matches('-'))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OrgSlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_their_keys() {
        for kind in OrganisationKind::ALL {
            assert_eq!(kind.key().parse::<OrganisationKind>(), Ok(kind));
        }
        assert!("bank".parse::<OrganisationKind>().is_err());
    }

    #[test]
    fn slugs_are_made_from_names() {
        let slug = OrgSlug::from_name("St Mary's Care (North) & Co").expect("slug");
        assert_eq!(slug.as_str(), "st-marys-care-north-co");
    }

    #[test]
    fn slugs_reject_what_would_break_a_url() {
        assert_eq!(OrgSlug::parse(""), Err(SlugError::Empty));
        assert_eq!(OrgSlug::parse("A-b"), Err(SlugError::BadCharacters));
        assert_eq!(OrgSlug::parse("a--b"), Err(SlugError::BadCharacters));
        assert_eq!(OrgSlug::parse("-a"), Err(SlugError::BadCharacters));
        assert_eq!(OrgSlug::parse(&"a".repeat(61)), Err(SlugError::TooLong));
        assert!(OrgSlug::parse("leeds-city-council").is_ok());
        assert_eq!(OrgSlug::from_name("!!!"), Err(SlugError::Empty));
    }
}
