//! Forms kept across an expired session: someone typed their views, their session ended, and
//! what they sent waits under a random key (in a cookie on their browser; the database holds
//! only its hash) until they sign in again and see it filled in, or a week passes.

use mir_store::{KeptFormRepo, RateLimitRepo};

use crate::AppError;
use crate::accounts::hash_token;
use crate::rate_limit::{self, Limit};

/// How long a kept form waits for its author to sign in again.
pub const KEPT_SECONDS: i64 = 7 * 24 * 60 * 60;

/// Keeps `form` (URL-encoded, without its form token) for the page at `path`; returns the key
/// for the visitor's cookie. Anyone can send a form without a session, so a client may keep a
/// few in 15 minutes, and the store keeps a bounded number in all, oldest dropped first.
pub async fn keep(
    store: &(impl KeptFormRepo + RateLimitRepo),
    client: &str,
    path: &str,
    form: &str,
) -> Result<String, AppError> {
    rate_limit::check(store, &[Limit::per_client("keep-form", client, 10)]).await?;
    let key = hex::encode(rand::random::<[u8; 32]>());
    let now = mir_store::now();
    store
        .keep_form(&hash_token(&key), path, form, now + KEPT_SECONDS, now)
        .await?;
    Ok(key)
}

/// The form kept under `key`, if it is for the page at `path` and has not expired.
pub async fn kept_for(
    store: &impl KeptFormRepo,
    key: &str,
    path: &str,
) -> Result<Option<String>, AppError> {
    Ok(
        match store.kept_form(&hash_token(key), mir_store::now()).await? {
            Some((kept_path, form)) if kept_path == path => Some(form),
            _ => None,
        },
    )
}

/// Forgets a kept form once what it held is saved.
pub async fn forget(store: &impl KeptFormRepo, key: &str) -> Result<(), AppError> {
    Ok(store.forget_form(&hash_token(key)).await?)
}
