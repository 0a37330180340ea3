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

/// Length in characters as a person counts them, not bytes.
pub fn char_len(s: &str) -> usize {
    s.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
