//! A small per-process cache for public, read-mostly answers (the map's counts, "who else",
//! search and directory results). They change only when something is published, and a minute
//! of delay is acceptable there; everything personal or editable is never cached.
//!
//! With several servers each keeps its own copy; nothing depends on them agreeing.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long an answer is reused.
pub const TTL: Duration = Duration::from_secs(60);
/// Most answers kept; when full the cache starts again (simple, and bounded in memory).
const CAPACITY: usize = 2_000;

#[derive(Clone)]
pub struct TtlCache<V> {
    entries: Arc<Mutex<HashMap<String, (Instant, V)>>>,
}

impl<V> std::fmt::Debug for TtlCache<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TtlCache")
    }
}

impl<V: Clone> Default for TtlCache<V> {
    fn default() -> Self {
        TtlCache {
            entries: Arc::new(Mutex::new(HashMap::new())),
        }
    }
}

impl<V: Clone> TtlCache<V> {
    /// The cached value for `key` if younger than the TTL, else `make`'s result (cached).
    pub async fn get_or<E, F, Fut>(&self, key: String, make: F) -> Result<V, E>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<V, E>>,
    {
        if let Some(value) = self.fresh(&key) {
            return Ok(value);
        }
        let value = make().await?;
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(key, (Instant::now(), value.clone()));
        Ok(value)
    }

    fn fresh(&self, key: &str) -> Option<V> {
        let entries = self
            .entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        entries
            .get(key)
            .filter(|(at, _)| at.elapsed() < TTL)
            .map(|(_, v)| v.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn reuses_an_answer_and_is_bounded() {
        let cache: TtlCache<u32> = TtlCache::default();
        let first: Result<u32, ()> = cache.get_or("a".into(), || async { Ok(1) }).await;
        let second: Result<u32, ()> = cache.get_or("a".into(), || async { Ok(2) }).await;
        assert_eq!((first, second), (Ok(1), Ok(1)));
        let failed: Result<u32, &str> = cache.get_or("b".into(), || async { Err("no") }).await;
        assert_eq!(failed, Err("no"), "errors are not cached");
        for n in 0..(CAPACITY as u32 + 5) {
            let _: Result<u32, ()> = cache.get_or(format!("k{n}"), || async move { Ok(n) }).await;
        }
        assert!(cache.entries.lock().map(|e| e.len()).unwrap_or(0) <= CAPACITY);
    }
}
