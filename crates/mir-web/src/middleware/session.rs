//! Server-side sessions stored in the database, so several `mir serve` processes share them.
//!
//! The cookie holds a random token; the database holds only its SHA-256, so a leaked database
//! copy cannot be used to take over sessions. A session is created only when something is
//! stored in it (no row per anonymous visitor) and deleted when it becomes empty.

use std::sync::{Arc, Mutex};

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use cookie::SameSite;
use mir_store::{SessionRecord, SessionRepo};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::cookies::{self, CookieSpec};
use mir_app::Actor;

use crate::AppState;
use crate::error::{Internal, WebError};

pub const COOKIE: &str = "mir_session";

/// A one-time message for the next page, and whether it is a success or something to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    pub message: String,
    pub is_notice: bool,
}

/// What a session remembers. Grows with sign-in (who the person is) and form drafts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionData {
    /// A one-time message for the next page ("Thank you, we have your message").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flash: Option<String>,
    /// The message is something to know (shown as "Important"), not a success.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub flash_is_notice: bool,
    /// The signed-in person, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person_id: Option<i64>,
    /// When this session signed in (changing the email address without a password needs a
    /// recent one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_in_at: Option<i64>,
    /// Where to go after signing in (a page left when the session ended).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_to: Option<String>,
    /// Answers to the organisation sign-up questions so far.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_up: Option<mir_app::organisations::SignUpDraft>,
}

impl SessionData {
    fn is_empty(&self) -> bool {
        self == &SessionData::default()
    }
}

#[derive(Debug, Default)]
struct Inner {
    data: SessionData,
    changed: bool,
    /// Give the session a new token (on signing in or out), so a token seen before cannot be
    /// used to ride on the new state (session fixation).
    rotate: bool,
}

/// The current visitor's session, shared between extractors of one request.
#[derive(Debug, Clone, Default)]
pub struct Session(Arc<Mutex<Inner>>);

impl Session {
    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        // A poisoned lock only means another extractor panicked mid-request; the data is
        // still a plain value, so carry on with it.
        let mut inner = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut inner)
    }

    /// A one-time message on the next page saying something went well.
    pub fn set_flash(&self, message: impl Into<String>) {
        self.set_message(message.into(), false);
    }

    /// A one-time message on the next page saying something to know or do (not a success):
    /// shown as "Important", never in the green success box.
    pub fn set_notice(&self, message: impl Into<String>) {
        self.set_message(message.into(), true);
    }

    fn set_message(&self, message: String, is_notice: bool) {
        self.with(|inner| {
            inner.data.flash = Some(message);
            inner.data.flash_is_notice = is_notice;
            inner.changed = true;
        });
    }

    /// Nothing is remembered for this visitor: not signed in, no message or draft waiting.
    pub fn is_empty(&self) -> bool {
        self.with(|inner| inner.data.is_empty())
    }

    pub fn person_id(&self) -> Option<i64> {
        self.with(|inner| inner.data.person_id)
    }

    pub fn sign_in(&self, person_id: i64) {
        self.with(|inner| {
            inner.data.person_id = Some(person_id);
            inner.data.signed_in_at = Some(mir_store::now());
            inner.changed = true;
            inner.rotate = true;
        });
    }

    /// When this session signed in, if it did.
    pub fn signed_in_at(&self) -> Option<i64> {
        self.with(|inner| inner.data.signed_in_at)
    }

    /// Whether this request signed someone in or out (the form token is renewed then too).
    pub fn rotated(&self) -> bool {
        self.with(|inner| inner.rotate)
    }

    pub fn sign_out(&self) {
        self.with(|inner| {
            inner.data = SessionData::default();
            inner.changed = true;
            inner.rotate = true;
        });
    }

    /// Remembers a page of this site to return to after signing in.
    pub fn set_return_to(&self, path: &str) {
        self.with(|inner| {
            inner.data.return_to = Some(path.to_owned());
            inner.changed = true;
        });
    }

    /// The page to return to after signing in, once; only paths on this site.
    pub fn take_return_to(&self) -> Option<String> {
        self.with(|inner| {
            let path = inner.data.return_to.take();
            if path.is_some() {
                inner.changed = true;
            }
            path.filter(|p| p.starts_with('/') && !p.starts_with("//") && !p.contains('\\'))
        })
    }

    /// The sign-up answers so far (empty if none).
    pub fn sign_up_draft(&self) -> mir_app::organisations::SignUpDraft {
        self.with(|inner| inner.data.sign_up.clone().unwrap_or_default())
    }

    pub fn set_sign_up_draft(&self, draft: Option<mir_app::organisations::SignUpDraft>) {
        self.with(|inner| {
            inner.data.sign_up = draft;
            inner.changed = true;
        });
    }

    pub fn take_flash(&self) -> Option<Flash> {
        self.with(|inner| {
            let message = inner.data.flash.take()?;
            let is_notice = std::mem::take(&mut inner.data.flash_is_notice);
            inner.changed = true;
            Some(Flash { message, is_notice })
        })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Session {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Session>()
            .cloned()
            .ok_or_else(|| WebError::Internal(Internal::MissingLayer("session")))
    }
}

fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub async fn middleware(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Result<Response, WebError> {
    let now = mir_store::now();
    let token = cookies::read(req.headers(), COOKIE).filter(|t| cookies::is_token(t));
    let idle = i64::try_from(state.config.session_idle.as_secs()).unwrap_or(i64::MAX);
    let lifetime = i64::try_from(state.config.session_lifetime.as_secs()).unwrap_or(i64::MAX);
    let mut existing: Option<(String, String)> = None;
    let mut data = SessionData::default();
    // Renew the idle deadline at most once an hour, not with a write on every request.
    let mut renew = false;
    if let Some(token) = token {
        let id = hash(&token);
        if let Some(record) = state
            .store
            .load_live_session(&id, now, now.saturating_sub(lifetime))
            .await?
        {
            // A row we cannot read is treated as an empty session, never as an error page.
            data = serde_json::from_str(&record.data).unwrap_or_default();
            renew = record.expires_at < now.saturating_add(idle).saturating_sub(3600);
            existing = Some((token, id));
        }
    }
    // Who is asking, resolved once per request for the policy and the layout.
    let actor = match data.person_id {
        Some(id) => mir_app::accounts::actor_for(&state.store, id)
            .await
            .map_err(WebError::from)?,
        None => Actor::Anonymous,
    };
    let session = Session(Arc::new(Mutex::new(Inner {
        data,
        changed: false,
        rotate: false,
    })));
    req.extensions_mut().insert(session.clone());
    req.extensions_mut().insert(actor);

    let mut response = next.run(req).await;

    let (data, changed, rotate) =
        session.with(|inner| (inner.data.clone(), inner.changed, inner.rotate));
    if !changed && !renew {
        return Ok(response);
    }
    let secure = state.config.https;
    if rotate && let Some((_, old_id)) = existing.take() {
        state.store.delete_session(&old_id).await?;
        if data.is_empty() {
            cookies::remove(response.headers_mut(), COOKIE, secure);
        }
    }
    match existing {
        Some((_, id)) if data.is_empty() => {
            state.store.delete_session(&id).await?;
            cookies::remove(response.headers_mut(), COOKIE, secure);
        }
        _ if data.is_empty() => {}
        existing => {
            let (token, id) = existing.unwrap_or_else(|| {
                let token = cookies::random_token();
                let id = hash(&token);
                (token, id)
            });
            let record = SessionRecord {
                data: serde_json::to_string(&data).map_err(|e| {
                    WebError::Internal(Internal::Encoding {
                        what: "a session",
                        detail: e.to_string(),
                    })
                })?,
                // Idle deadline; the absolute one is checked against the row's creation.
                expires_at: now.saturating_add(idle),
                person_id: data.person_id,
            };
            state.store.save_session(&id, &record, now).await?;
            let spec = CookieSpec {
                same_site: SameSite::Lax,
                secure,
                max_age: None,
            };
            cookies::set(response.headers_mut(), COOKIE, &token, spec);
        }
    }
    Ok(response)
}
