//! Handlers, one module per area of the site. Each handler is thin: extract, call a use-case,
//! render a template.

pub mod account;
pub mod admin;
pub mod contact;
pub mod find;
pub mod frameworks;
pub mod home;
pub mod info;
pub mod ops;
pub mod plans;
pub mod relay;
pub mod reviews;
pub mod sign_in;
pub mod sign_up;
pub mod stories;
pub mod workspace;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use mir_app::Actor;

use crate::error::WebError;

/// A form with repeated or per-statement field names, as sent.
pub type Pairs = Vec<(String, String)>;

/// The first value sent for `name`, or empty.
pub fn field<'a>(pairs: &'a Pairs, name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// Who is making the request, for the policy.
#[derive(Debug, Clone)]
pub struct CurrentActor(pub Actor);

impl<S: Send + Sync> FromRequestParts<S> for CurrentActor {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        // Resolved by the session middleware from the signed-in person, if any.
        Ok(CurrentActor(
            parts
                .extensions
                .get::<Actor>()
                .cloned()
                .unwrap_or(Actor::Anonymous),
        ))
    }
}

/// A time as people read it, in UTC: "23 November 2026, 21:48".
pub fn when(at: &i64) -> String {
    let at = *at;
    let format = time::macros::format_description!(
        "[day padding:none] [month repr:long] [year], [hour]:[minute]"
    );
    time::OffsetDateTime::from_unix_timestamp(at)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_default()
}

/// A `YYYY-MM-DD` date in words ("20 November 2026"); anything else is shown as it is.
pub fn day(iso: &str) -> String {
    let parse = time::macros::format_description!("[year]-[month]-[day]");
    let show = time::macros::format_description!("[day padding:none] [month repr:long] [year]");
    time::Date::parse(iso, &parse)
        .ok()
        .and_then(|d| d.format(&show).ok())
        .unwrap_or_else(|| iso.to_owned())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_day_is_shown_in_words() {
        assert_eq!(super::day("2026-11-05"), "5 November 2026");
        assert_eq!(super::day("not a date"), "not a date");
    }
}
