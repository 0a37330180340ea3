//! Telling every server that something changed, so that what each keeps in memory (whole
//! public pages, public answers, the directory's index) is never more than a moment old.
//!
//! Within one process a [`Changes`] counter moves on after every write (and a second one after
//! every write to public data); the caches remember the count they were filled at and drop what
//! is older. With several servers on one PostgreSQL
//! database, each write also sends a `NOTIFY` on [`CHANNEL`], and every server listens
//! ([`Store::listen_for_changes`]) and moves its own counter on: a change made through one
//! server is seen through the others within a second (decision 0031). SQLite has one server
//! per file, so it needs no messages. If the listening connection drops, the caches are
//! dropped too (messages may have been missed) and the listener connects again; the minute-long
//! expiry of every cache stays as the last fallback.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::{DatabaseUrl, Engine, Store};

/// The start of the PostgreSQL notification channel every server of one deployment listens
/// on; the schema mir's tables are in is added (`mir_changes_public`), so that two deployments
/// in one database (production and staging in two schemas) do not empty each other's caches.
pub const CHANNEL: &str = "mir_changes";

/// The channel for the schema `schema`: letters, digits and `_` only, at most 63 bytes.
fn channel_for(schema: &str) -> String {
    let mut channel = format!("{CHANNEL}_");
    channel.extend(schema.chars().map(|c| {
        if c.is_ascii_alphanumeric() || c == '_' {
            c.to_ascii_lowercase()
        } else {
            '_'
        }
    }));
    channel.truncate(63);
    channel
}

/// A count of changes seen by this process (its own writes and other servers'). Cheap to clone:
/// every clone shares one counter.
#[derive(Debug, Clone, Default)]
pub struct Changes(Arc<AtomicU64>);

impl Changes {
    /// The count now. Read it before reading the data something kept is built from.
    pub fn current(&self) -> u64 {
        self.0.load(Ordering::Acquire)
    }

    /// Something changed: everything kept before now is stale.
    pub fn bump(&self) {
        self.0.fetch_add(1, Ordering::AcqRel);
    }
}

/// What a change touched, as other servers are told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ChangeKind {
    /// Something a page may show (kept whole pages are stale; public answers stay).
    Pages,
    /// Something the directory's index holds too (an organisation, its areas, its published
    /// priorities): the index is built again as well.
    Public,
}

impl ChangeKind {
    fn word(self) -> &'static str {
        match self {
            ChangeKind::Pages => "pages",
            ChangeKind::Public => "public",
        }
    }
}

/// Reads a notification's payload, `"<server id> <kind>"`.
fn parse_payload(payload: &str) -> Option<(&str, ChangeKind)> {
    let (server, kind) = payload.split_once(' ')?;
    let kind = match kind {
        "pages" => ChangeKind::Pages,
        "public" => ChangeKind::Public,
        _ => return None,
    };
    Some((server, kind))
}

impl Store {
    /// The count of every change (here or heard of): whole public pages follow it, since any
    /// change may show on one.
    pub fn changes(&self) -> Changes {
        self.changes.clone()
    }

    /// The count of changes to what public answers are made from (organisations, their places,
    /// published plans, the search index): the directory, search, "who else" and the map
    /// follow it, so saving a view or a name does not throw them away.
    pub fn public_changes(&self) -> Changes {
        self.public_changes.clone()
    }

    /// A request changed something (the web layer calls this after every accepted form): this
    /// server's caches are stale, and other servers are told.
    pub async fn announce_change(&self) {
        self.changes.bump();
        self.tell_other_servers(ChangeKind::Pages).await;
    }

    /// Sends the notification (PostgreSQL only). A failure is logged, not returned: the write
    /// it follows has been made, and other servers still catch up within a minute.
    pub(crate) async fn tell_other_servers(&self, kind: ChangeKind) {
        if self.engine() != Engine::Postgres {
            return;
        }
        let payload = format!("{} {}", self.server_id, kind.word());
        let sent = match self.change_channel().await {
            Ok(channel) => sqlx::query("SELECT pg_notify($1, $2)")
                .bind(channel)
                .bind(payload)
                .execute(&self.pool)
                .await
                .map(|_| ()),
            Err(error) => Err(error),
        };
        if let Err(error) = sent {
            tracing::warn!(%error, "could not tell other servers about a change");
        }
    }

    /// Sends the notification from code that cannot wait for it (after a commit, in a
    /// synchronous method). Outside a Tokio runtime there is nobody to tell.
    pub(crate) fn tell_other_servers_soon(&self, kind: ChangeKind) {
        if self.engine() != Engine::Postgres {
            return;
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let store = self.clone();
            let sending = runtime.spawn(async move { store.tell_other_servers(kind).await });
            // Kept until sent, so that [`Store::close`] waits for it: a command that changes
            // data and exits (`mir demo`, an import) still tells the servers running.
            let mut pending = self
                .pending_notices
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            pending.retain(|task| !task.is_finished());
            pending.push(sending);
        }
    }

    /// This deployment's notification channel (its schema's), found once.
    async fn change_channel(&self) -> Result<String, sqlx::Error> {
        if let Some(channel) = self.change_channel.get() {
            return Ok(channel.clone());
        }
        let schema: String = sqlx::query_scalar("SELECT CAST(current_schema() AS TEXT)")
            .fetch_one(&self.pool)
            .await?;
        let channel = channel_for(&schema);
        let _ = self.change_channel.set(channel.clone());
        Ok(channel)
    }

    /// On PostgreSQL, listens for other servers' changes until the process ends (reconnecting
    /// after a dropped connection), and builds the directory's index each time it starts
    /// listening; on SQLite, does nothing. Returns whether it listens. Call once, from
    /// `mir serve`.
    pub fn listen_for_changes(&self, url: &DatabaseUrl) -> bool {
        if url.engine() != Engine::Postgres {
            return false;
        }
        let store = self.clone();
        let url = url.clone();
        tokio::spawn(async move {
            loop {
                if let Err(error) = store.listen_until_dropped(&url).await {
                    tracing::warn!(%error, "cannot listen for other servers' changes");
                }
                // Messages may have been missed meanwhile: treat everything as changed.
                store.forget_everything_kept();
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
        true
    }

    /// Listens until the connection cannot be made again (an error).
    async fn listen_until_dropped(&self, url: &DatabaseUrl) -> Result<(), sqlx::Error> {
        // Its own connection, outside the pool: a listener holds it for ever.
        let mut listener = sqlx::postgres::PgListener::connect(url.expose()).await?;
        let channel = self.change_channel().await?;
        listener.listen(&channel).await?;
        // Anything written before the listener started is unknown here. The index is built
        // again now, not by the next visitor (0.4 s at national scale); an index built
        // before this point would be dropped, so `mir serve` leaves the first one to this.
        self.forget_everything_kept();
        tracing::info!(%channel, "listening for other servers' changes");
        let store = self.clone();
        tokio::spawn(async move {
            if let Err(error) = store.warm_public_index().await {
                tracing::warn!(%error, "could not build the directory index");
            }
        });
        loop {
            match listener.try_recv().await? {
                Some(notification) => match parse_payload(notification.payload()) {
                    Some((server, _)) if server == &*self.server_id => {}
                    Some((_, ChangeKind::Public)) => self.forget_everything_kept(),
                    // Anything unreadable (sent by hand?) costs at most the kept pages, never
                    // a rebuild of the directory's index.
                    Some((_, ChangeKind::Pages)) | None => self.changes.bump(),
                },
                // The connection dropped and was made again: messages may have been missed.
                None => {
                    tracing::warn!("the change listener's connection dropped; listening again");
                    self.forget_everything_kept();
                }
            }
        }
    }

    /// Drops the directory's index and moves both change counts on, without telling anyone.
    pub(crate) fn forget_everything_kept(&self) {
        self.forget_public_index_here();
        self.public_changes.bump();
        self.changes.bump();
    }
}

/// A name for this process among the servers of one database.
pub(crate) fn new_server_id() -> String {
    format!("{:016x}", rand::random::<u64>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_are_read_strictly() {
        assert_eq!(
            parse_payload("ab12 pages"),
            Some(("ab12", ChangeKind::Pages))
        );
        assert_eq!(
            parse_payload("ab12 public"),
            Some(("ab12", ChangeKind::Public))
        );
        assert_eq!(parse_payload("ab12 other"), None);
        assert_eq!(parse_payload("ab12"), None);
    }

    #[test]
    fn each_schema_has_its_own_channel() {
        assert_eq!(channel_for("public"), "mir_changes_public");
        assert_eq!(channel_for("Staging-2"), "mir_changes_staging_2");
        assert_eq!(channel_for(&"x".repeat(100)).len(), 63);
    }

    #[test]
    fn clones_share_one_count() {
        let changes = Changes::default();
        let other = changes.clone();
        let before = changes.current();
        other.bump();
        assert_eq!(changes.current(), before + 1);
    }
}
