//! Limits on attempts, shared by every server through the database. Buckets hold a hash, never
//! a raw email address.

use mir_store::RateLimitRepo;
use sha2::{Digest, Sha256};

use crate::AppError;

/// The window every limit counts over.
pub const WINDOW_SECS: i64 = 15 * 60;

/// One limit: a named bucket and how many attempts it allows per window.
#[derive(Debug, Clone)]
pub struct Limit {
    pub bucket: String,
    pub max: i64,
}

impl Limit {
    /// A limit per email address (whether or not it has an account).
    pub fn per_email(action: &str, email: &str, max: i64) -> Limit {
        let digest = hex::encode(Sha256::digest(email.trim().to_lowercase().as_bytes()));
        Limit {
            bucket: format!("{action}:email:{digest}"),
            max,
        }
    }

    /// A limit per email address from one client: one attacker's attempts against someone's
    /// address do not lock that person out (they come from elsewhere); a higher limit per
    /// address across all clients still stops a spread-out attack.
    pub fn per_email_from(action: &str, email: &str, client: &str, max: i64) -> Limit {
        let digest = hex::encode(Sha256::digest(
            format!("{}\n{client}", email.trim().to_lowercase()).as_bytes(),
        ));
        Limit {
            bucket: format!("{action}:email-client:{digest}"),
            max,
        }
    }

    /// A limit per client address.
    pub fn per_client(action: &str, client: &str, max: i64) -> Limit {
        let digest = hex::encode(Sha256::digest(client.as_bytes()));
        Limit {
            bucket: format!("{action}:client:{digest}"),
            max,
        }
    }
}

/// Records an attempt against every limit; [`AppError::RateLimited`] if any is exceeded.
pub async fn check(store: &impl RateLimitRepo, limits: &[Limit]) -> Result<(), AppError> {
    let now = mir_store::now();
    let mut exceeded = false;
    for limit in limits {
        let count = store
            .record_attempt(&limit.bucket, now, now - WINDOW_SECS)
            .await?;
        exceeded |= count > limit.max;
    }
    if exceeded {
        tracing::info!("rate limit reached");
        Err(AppError::RateLimited)
    } else {
        Ok(())
    }
}
