//! Handlers, one module per area of the site. Each handler is thin: extract, call a use-case,
//! render a template.

pub mod account;
pub mod admin;
pub mod contact;
pub mod find;
pub mod frameworks;
pub mod home;
pub mod info;
pub mod live;
pub mod moving;
pub mod ops;
pub mod partnerships;
pub mod plans;
pub mod relay;
pub mod reviews;
pub mod sign_in;
pub mod sign_up;
pub mod stories;
pub mod working_groups;
pub mod workspace;

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use mir_app::Actor;

use crate::AppState;
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
    mir_domain::dates::when(*at)
}

/// Who did what an audit entry records: their chosen name, else their address (these lists
/// are for administrators), a member of the public for a relayed message, or someone whose
/// account is gone.
pub fn who(event: &mir_store::AuditEvent) -> String {
    match (&event.actor_email, event.action.as_str()) {
        (Some(_), _) if !event.actor_name.is_empty() => event.actor_name.clone(),
        (Some(email), _) => email.clone(),
        (None, "message relayed") => "A member of the public".to_owned(),
        (None, _) => "Someone no longer here".to_owned(),
    }
}

/// What an audit entry records, as a sentence.
pub fn in_words(event: &mir_store::AuditEvent) -> String {
    mir_app::audit::in_words(&event.action, &event.detail)
}

/// A `YYYY-MM-DD` date in words ("20 November 2026"); anything else is shown as it is.
pub fn day(iso: &str) -> String {
    mir_domain::dates::day(iso)
}

/// Who is on the other end, for rate limits: the peer's address, or behind trusted proxies
/// (`--trusted-proxies N`) the address the outermost of them saw.
pub struct Client(pub String);

impl FromRequestParts<AppState> for Client {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        let forwarded = client_behind_proxies(&parts.headers, state.config.trusted_proxies);
        Ok(Client(
            forwarded
                .or(peer)
                .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string()),
        ))
    }
}

/// The client's address from `X-Forwarded-For` when `proxies` proxies each appended the address
/// they saw: the `proxies`-th from the right. Entries further left were written by the client
/// and prove nothing. `None` without trusted proxies, or if the header is short or malformed
/// (then the peer address is used: a request that skipped the proxies gets no say).
pub fn client_behind_proxies(
    headers: &axum::http::HeaderMap,
    proxies: usize,
) -> Option<std::net::IpAddr> {
    if proxies == 0 {
        return None;
    }
    let mut hops: Vec<&str> = Vec::new();
    for value in headers.get_all("x-forwarded-for") {
        hops.extend(value.to_str().ok()?.split(',').map(str::trim));
    }
    let index = hops.len().checked_sub(proxies)?;
    hops.get(index)?.parse().ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_day_is_shown_in_words() {
        assert_eq!(super::day("2026-11-05"), "5 November 2026");
        assert_eq!(super::day("not a date"), "not a date");
    }
}
