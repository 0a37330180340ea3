//! Live boards: each open board (a participant's phone, the projector, the facilitator's
//! page) holds a Server-Sent Events stream that says "something changed" with the session's
//! change count. One watcher task per session and server reads that count from the database
//! every [`POLL`], however many boards are open, and tells them all; so a change made through
//! any server reaches every server's boards, on SQLite and PostgreSQL alike (decision 0034).
//! When what changed can be shown in place (new cards, moves, cards taken back, dot counts),
//! the watcher makes it once, as HTML and counts for phones and the projector, and the stream
//! carries it; otherwise a board fetches itself again. Either way the HTML is made by the
//! server, as without JavaScript.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use mir_app::live::BoardData;
use mir_store::{LiveSession, Store};
use tokio::sync::watch;

/// How often a watcher reads a session's change count.
pub const POLL: Duration = Duration::from_millis(250);

/// The watchers of one server, and the signal that ends every stream when the server stops.
#[derive(Debug)]
pub struct LiveHub {
    watchers: Mutex<HashMap<i64, watch::Receiver<Tick>>>,
    /// Each session's board as last read, with the change count it was read at: when a change
    /// sends every open board to fetch itself, they share one read (measured with
    /// `scripts/live-load`: 300 boards each reading the whole board on every change kept the
    /// server busy for seconds).
    boards: Mutex<HashMap<i64, (i64, Arc<BoardData>)>>,
    /// Open streams per session.
    streams: Mutex<HashMap<i64, usize>>,
    stopping: watch::Sender<bool>,
}

/// What a watcher tells the streams of its session after reading a change.
#[derive(Debug, Clone, Default)]
pub struct Tick {
    /// The change count now.
    pub version: i64,
    /// The change count of the watcher's previous read: `delta` brings a board from it to now.
    pub from: i64,
    pub delta: Option<Arc<Deltas>>,
}

/// What changed, made once for every stream: JSON for each kind of board, standard and Easy
/// Read (`[standard, easy]`).
#[derive(Debug)]
pub struct Deltas {
    pub participant: [String; 2],
    pub projector: [String; 2],
}

impl Deltas {
    pub fn for_board(&self, projector: bool, easy: bool) -> &str {
        let variants = if projector {
            &self.projector
        } else {
            &self.participant
        };
        &variants[usize::from(easy)]
    }
}

/// Live streams one server holds at most (each is an open connection: a file descriptor).
pub const MAX_STREAMS: usize = 5_000;
/// A stream ends after this long; the browser reconnects at once (EventSource does), so a
/// connection left open by a client that went away is not held for ever.
pub const STREAM_LIFETIME: Duration = Duration::from_secs(10 * 60);

/// A live stream's place: given back when the stream ends.
#[derive(Debug)]
pub struct StreamPlace {
    hub: Arc<LiveHub>,
    session_id: i64,
}

impl Drop for StreamPlace {
    fn drop(&mut self) {
        let mut streams = self
            .hub
            .streams
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(n) = streams.get_mut(&self.session_id) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                streams.remove(&self.session_id);
            }
        }
    }
}

/// Boards kept at most (one per session being used on this server).
const BOARDS_KEPT: usize = 256;

impl Default for LiveHub {
    fn default() -> Self {
        LiveHub {
            watchers: Mutex::default(),
            boards: Mutex::default(),
            streams: Mutex::default(),
            stopping: watch::channel(false).0,
        }
    }
}

impl LiveHub {
    /// A receiver of the session's changes, starting a watcher if none runs here.
    pub fn subscribe(
        self: &Arc<Self>,
        store: &Store,
        session: &LiveSession,
    ) -> watch::Receiver<Tick> {
        let mut watchers = self.watchers.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(existing) = watchers.get(&session.id)
            && existing.has_changed().is_ok()
        {
            return existing.clone();
        }
        let (sender, receiver) = watch::channel(Tick {
            version: session.version,
            from: session.version,
            delta: None,
        });
        watchers.insert(session.id, receiver.clone());
        let hub = Arc::clone(self);
        let store = store.clone();
        let session_id = session.id;
        let mut stopping = self.stopping.subscribe();
        tokio::spawn(async move {
            let mut interval = tokio::time::interval(POLL);
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            // The board as of the last change told: what the next one is measured from.
            let mut last: Option<Arc<BoardData>> = None;
            loop {
                tokio::select! {
                    _ = interval.tick() => {}
                    _ = stopping.changed() => break,
                }
                // Nobody watching here any more (only the hub's own copy is left).
                if sender.receiver_count() <= 1 {
                    break;
                }
                let session = match mir_app::live::session_by_id(&store, session_id).await {
                    Ok(Some(session)) => session,
                    // The session was deleted: the boards stop.
                    Ok(None) => break,
                    Err(error) => {
                        tracing::warn!(%error, "could not read a live session's changes");
                        continue;
                    }
                };
                let told = sender.borrow().version;
                if session.version == told && last.is_some() {
                    continue;
                }
                let now = match hub.board_data(&store, &session).await {
                    Ok(now) => now,
                    Err(error) => {
                        tracing::warn!(%error, "could not read a live board");
                        continue;
                    }
                };
                let before = last.replace(Arc::clone(&now));
                if now.board.version == told {
                    continue;
                }
                // In place only from the board the streams were last told of; otherwise (the
                // watcher's first read) boards fetch themselves again.
                let delta = before
                    .filter(|before| before.board.version == told)
                    .and_then(|before| crate::routes::live::render_deltas(&session, &before, &now))
                    .map(Arc::new);
                sender.send_replace(Tick {
                    version: now.board.version,
                    from: told,
                    delta,
                });
            }
            let mut watchers = hub.watchers.lock().unwrap_or_else(PoisonError::into_inner);
            if watchers
                .get(&session_id)
                .is_some_and(|r| r.same_channel(&sender.subscribe()))
            {
                watchers.remove(&session_id);
            }
        });
        receiver
    }

    /// What the session's board is made from, read once per change count on this server.
    /// `session` was read just before, so a board read after it is at least as new as its
    /// count; a change made meanwhile has a higher count and is read again by the next ask.
    pub async fn board_data(
        &self,
        store: &Store,
        session: &LiveSession,
    ) -> Result<Arc<BoardData>, mir_app::AppError> {
        let kept = self
            .boards
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&session.id)
            .filter(|(version, _)| *version >= session.version)
            .map(|(_, data)| Arc::clone(data));
        if let Some(data) = kept {
            return Ok(data);
        }
        let data = Arc::new(mir_app::live::board_data(store, session).await?);
        let mut boards = self.boards.lock().unwrap_or_else(PoisonError::into_inner);
        if boards.len() >= BOARDS_KEPT && !boards.contains_key(&session.id) {
            boards.clear();
        }
        // Kept under the count it was read at (the same snapshot), never the older one asked for.
        let newer = boards
            .get(&session.id)
            .is_some_and(|(version, _)| *version > data.board.version);
        if !newer {
            boards.insert(session.id, (data.board.version, Arc::clone(&data)));
        }
        Ok(data)
    }

    /// A place for one more stream of `session_id`, unless this server holds
    /// [`MAX_STREAMS`] already or the session `per_session` (a client opening thousands of
    /// streams cannot take every connection the server has).
    pub fn admit(self: &Arc<Self>, session_id: i64, per_session: i64) -> Option<StreamPlace> {
        let mut streams = self.streams.lock().unwrap_or_else(PoisonError::into_inner);
        let total: usize = streams.values().sum();
        let here = streams.get(&session_id).copied().unwrap_or(0);
        if total >= MAX_STREAMS || i64::try_from(here).unwrap_or(i64::MAX) >= per_session {
            return None;
        }
        *streams.entry(session_id).or_default() += 1;
        Some(StreamPlace {
            hub: Arc::clone(self),
            session_id,
        })
    }

    /// A receiver that sees `true` when the server begins to stop.
    pub fn stopping(&self) -> watch::Receiver<bool> {
        self.stopping.subscribe()
    }

    /// Ends every live stream (their browsers reconnect to another server), so a graceful
    /// shutdown does not wait for them.
    pub fn stop(&self) {
        self.stopping.send_replace(true);
    }

    /// Sessions watched on this server now (for tests and metrics).
    pub fn watched(&self) -> usize {
        self.watchers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_counted_per_session_and_given_back() {
        let hub = Arc::new(LiveHub::default());
        let first = hub.admit(1, 2).expect("room");
        let _second = hub.admit(1, 2).expect("room");
        assert!(hub.admit(1, 2).is_none(), "the session's share is full");
        let _other = hub.admit(2, 2).expect("another session has its own share");
        drop(first);
        assert!(
            hub.admit(1, 2).is_some(),
            "a place is given back when a stream ends"
        );
    }
}
