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
    /// Several signed-up organisations that own one plan together (decision 0041).
    Partnership,
    /// A group under a board, with its own co-chairs and plan, whose priorities the board can
    /// take into its own plan (decision 0041).
    WorkingGroup,
}

impl OrganisationKind {
    /// The kinds an organisation signs up as (a partnership or a working group is formed from
    /// the workspace of an organisation that signed up).
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
            Self::Partnership => "partnership",
            Self::WorkingGroup => "working-group",
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
            Self::Partnership => "Partnership",
            Self::WorkingGroup => "Working group",
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
            .chain([Self::Partnership, Self::WorkingGroup])
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
        for joint in [
            OrganisationKind::Partnership,
            OrganisationKind::WorkingGroup,
        ] {
            assert_eq!(joint.key().parse::<OrganisationKind>(), Ok(joint));
            // Formed from a workspace, never chosen when signing up.
            assert!(sign_up::kind(joint.key()).is_err());
        }
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

/// Where an organisation is in joining: new ones wait for the national programme team.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrganisationStatus {
    /// Signed up; works already, not shown publicly until approved.
    AwaitingApproval,
    Approved,
    Declined,
}

impl OrganisationStatus {
    pub fn key(self) -> &'static str {
        match self {
            Self::AwaitingApproval => "awaiting-approval",
            Self::Approved => "approved",
            Self::Declined => "declined",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::AwaitingApproval, Self::Approved, Self::Declined]
            .into_iter()
            .find(|k| k.key() == s)
    }

    /// Approved organisations are public: their plan page, directory entry, and messages.
    pub fn is_public(self) -> bool {
        self == Self::Approved
    }
}

/// The sign-up answers, checked one question at a time (one question per page).
pub mod sign_up {
    use crate::feedback::looks_like_email;
    use crate::validation::{FieldErrors, Lines, char_len, character_problem};

    pub const NAME_MAX: usize = 120;
    pub const COMMITMENT_MAX: usize = 2000;

    fn one(field: &'static str, message: impl Into<String>) -> FieldErrors {
        let mut errors = FieldErrors::new();
        errors.add(field, message);
        errors
    }

    pub fn name(input: &str) -> Result<String, FieldErrors> {
        let name = input.trim();
        if name.is_empty() {
            return Err(one("name", "Enter the name of your organisation"));
        }
        if char_len(name) > NAME_MAX {
            return Err(one(
                "name",
                format!("The name must be {NAME_MAX} characters or fewer"),
            ));
        }
        if let Some(problem) = character_problem(name, Lines::One) {
            return Err(one("name", problem));
        }
        // A name goes into emails and onto public pages: never a link in disguise.
        if crate::validation::looks_like_web_address(name) {
            return Err(one(
                "name",
                "The name cannot contain a web address: give the website in its own question",
            ));
        }
        if super::OrgSlug::from_name(name).is_err() {
            return Err(one(
                "name",
                "The name must contain at least one letter or number",
            ));
        }
        Ok(name.to_owned())
    }

    /// The name of a group formed from a workspace (a partnership, a working group): as for
    /// an organisation's name, with its own words when it is missing.
    pub fn group_name(input: &str, missing: &'static str) -> Result<String, FieldErrors> {
        if input.trim().is_empty() {
            return Err(one("name", missing));
        }
        name(input)
    }

    /// One of the kinds an organisation signs up as: a partnership or a working group is
    /// formed from a workspace, never by signing up.
    pub fn kind(input: &str) -> Result<super::OrganisationKind, FieldErrors> {
        super::OrganisationKind::ALL
            .into_iter()
            .find(|k| k.key() == input)
            .ok_or_else(|| one("kind", "Select what kind of organisation it is"))
    }

    /// A council area to add; `known` says whether an ONS code is a council.
    pub fn area(
        input: &str,
        known: impl Fn(&str) -> Option<String>,
    ) -> Result<String, FieldErrors> {
        let code = input.trim();
        if code.is_empty() {
            return Err(one("area", "Select a council area"));
        }
        known(code).ok_or_else(|| one("area", "Select a council area from the list"))
    }

    pub fn areas_chosen(areas: &[String]) -> Result<(), FieldErrors> {
        if areas.is_empty() {
            return Err(one(
                "area",
                "Add at least one council area that your organisation serves",
            ));
        }
        Ok(())
    }

    /// Optional; if given, a web address starting http:// or https://.
    pub fn website(input: &str) -> Result<Option<String>, FieldErrors> {
        let url = input.trim();
        if url.is_empty() {
            return Ok(None);
        }
        let with_scheme = if url.starts_with("http://") || url.starts_with("https://") {
            url.to_owned()
        } else {
            format!("https://{url}")
        };
        let host = with_scheme
            .split("://")
            .nth(1)
            .unwrap_or("")
            .split('/')
            .next()
            .unwrap_or("");
        if !host.contains('.')
            || host.contains(' ')
            || char_len(&with_scheme) > 300
            || with_scheme
                .chars()
                .any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(one(
                "website",
                "Enter a web address in the correct format, like www.example.org",
            ));
        }
        Ok(Some(with_scheme))
    }

    /// Optional: who the organisation is, in its own words, at most 1,000 characters.
    pub fn description(input: &str) -> Result<Option<String>, FieldErrors> {
        let text = input.trim();
        if text.is_empty() {
            return Ok(None);
        }
        if char_len(text) > 1000 {
            return Err(one(
                "description",
                format!(
                    "Say who you are in 1000 characters or fewer. It has {} characters",
                    char_len(text)
                ),
            ));
        }
        if let Some(problem) = character_problem(text, Lines::Many) {
            return Err(one("description", problem));
        }
        Ok(Some(text.to_owned()))
    }

    pub fn commitment(input: &str) -> Result<String, FieldErrors> {
        let text = input.trim();
        if text.is_empty() {
            return Err(one(
                "commitment",
                "Say, in your own words, what your organisation commits to",
            ));
        }
        if char_len(text) > COMMITMENT_MAX {
            return Err(one(
                "commitment",
                format!(
                    "Your commitment must be {COMMITMENT_MAX} characters or fewer. It has {} characters",
                    char_len(text)
                ),
            ));
        }
        if let Some(problem) = character_problem(text, Lines::Many) {
            return Err(one("commitment", problem));
        }
        Ok(text.to_owned())
    }

    pub fn email(input: &str) -> Result<String, FieldErrors> {
        let email = input.trim().to_lowercase();
        if email.is_empty() {
            return Err(one("email", "Enter your email address"));
        }
        if !looks_like_email(&email) {
            return Err(one(
                "email",
                "Enter an email address in the correct format, like name@example.com",
            ));
        }
        Ok(email)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn each_answer_is_checked_with_a_message_for_its_field() {
            assert_eq!(name("  Riverside Council "), Ok("Riverside Council".into()));
            assert_eq!(
                name("").expect_err("empty").for_field("name"),
                Some("Enter the name of your organisation")
            );
            assert!(name("!!!").is_err());
            assert!(kind("council").is_ok());
            assert!(kind("bank").is_err());
            assert_eq!(
                area("X", |_| None).expect_err("unknown").for_field("area"),
                Some("Select a council area from the list")
            );
            assert_eq!(
                area("E06000001", |c| Some(c.to_owned())),
                Ok("E06000001".into())
            );
            assert!(areas_chosen(&[]).is_err());
            assert_eq!(website(""), Ok(None));
            assert_eq!(
                website("www.example.org"),
                Ok(Some("https://www.example.org".into()))
            );
            assert!(website("not a site").is_err());
            assert!(commitment(" ").is_err());
            assert!(commitment(&"a".repeat(COMMITMENT_MAX + 1)).is_err());
            assert_eq!(email(" A@B.org "), Ok("a@b.org".into()));
            assert!(email("nope").is_err());
        }
    }
}

/// A person's role in an organisation's co-production group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Admin,
    Staff,
    ExpertByExperience,
    Carer,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Admin,
        Role::Staff,
        Role::ExpertByExperience,
        Role::Carer,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Staff => "staff",
            Role::ExpertByExperience => "expert",
            Role::Carer => "carer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.key() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Administrator",
            Role::Staff => "Staff",
            Role::ExpertByExperience => "Expert by Experience",
            Role::Carer => "Carer",
        }
    }
}

/// At most two co-chairs lead a group: a member of staff and an Expert by Experience.
pub const MAX_CO_CHAIRS: usize = 2;
