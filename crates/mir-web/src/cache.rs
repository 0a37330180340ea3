//! A small per-process cache for public, read-mostly answers (the map's counts, "who else",
//! search and directory results). They change only when something is published, and a minute
//! of delay is acceptable there; everything personal or editable is never cached.
//!
//! Everything kept follows the store's change count ([`mir_store::Changes`]): an answer made
//! before the latest change, here or on another server of the same PostgreSQL database, is
//! never reused (decision 0031). The TTL is the fallback if a change message is missed.

use mir_store::Changes;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, Uri};
use axum::response::Response;
use bytes::Bytes;

use crate::error::WebError;
use crate::middleware::session::Session;
use crate::middleware::view_mode::ViewMode;
use crate::negotiate::Variants;

/// How long an answer is reused.
pub const TTL: Duration = Duration::from_secs(60);
/// Most answers kept; when full the cache starts again (simple, and bounded in memory).
const CAPACITY: usize = 2_000;
/// The most bytes of whole pages kept at once by default, counting each page's plain, gzip and
/// Brotli forms (a page is 20–150 KB plain, a fifth of that compressed). `--page-cache-mb`.
pub const PAGE_BYTES_BUDGET: usize = 64 * 1024 * 1024;

/// Each answer with when, and at which change count, it was made.
type Entries<V> = HashMap<String, (Instant, u64, V)>;

/// Answers reused for [`TTL`], made once even when many visitors ask at the same moment: the
/// first asker makes the answer, the others wait for it instead of repeating the work (64
/// visitors asking for one broad search at once would otherwise run it 64 times).
#[derive(Clone)]
pub struct TtlCache<V> {
    entries: Arc<Mutex<Entries<V>>>,
    /// Keys being made now, each with a gate the askers queue on.
    in_flight: Arc<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>>,
    capacity: usize,
    changes: Changes,
}

impl<V> std::fmt::Debug for TtlCache<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TtlCache")
    }
}

impl<V: Clone> Default for TtlCache<V> {
    fn default() -> Self {
        TtlCache::with_capacity(CAPACITY)
    }
}

impl<V: Clone> TtlCache<V> {
    /// A cache keeping at most `capacity` answers (for large answers, such as search results).
    pub fn with_capacity(capacity: usize) -> Self {
        TtlCache {
            entries: Arc::default(),
            in_flight: Arc::default(),
            capacity: capacity.max(1),
            changes: Changes::default(),
        }
    }

    /// The same cache, dropping answers made before the latest of these changes.
    #[must_use]
    pub fn following(mut self, changes: &Changes) -> Self {
        self.changes = changes.clone();
        self
    }

    /// The cached value for `key` if younger than the TTL, else `make`'s result (cached).
    /// Errors are not kept: the next asker tries again.
    pub async fn get_or<E, F, Fut>(&self, key: String, make: F) -> Result<V, E>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<V, E>>,
    {
        if let Some(value) = self.fresh(&key) {
            return Ok(value);
        }
        let gate = lock(&self.in_flight)
            .entry(key.clone())
            .or_default()
            .clone();
        let _turn = gate.lock().await;
        // Someone ahead in the queue may have made it meanwhile.
        if let Some(value) = self.fresh(&key) {
            return Ok(value);
        }
        // Read before the data: an answer made while something changes is already stale.
        let generation = self.changes.current();
        let made = make().await;
        if let Ok(value) = &made {
            let mut entries = lock(&self.entries);
            // Answers made before the latest change, or expired, are never served again: drop
            // them before they pile up (the soak found up to 2,000 stale answers held between
            // clears, a third of the server's memory). Past half full, this runs on each insert.
            if entries.len() >= self.capacity / 2 {
                let current = self.changes.current();
                entries.retain(|_, (at, made_at, _)| *made_at == current && at.elapsed() < TTL);
            }
            if entries.len() >= self.capacity {
                entries.clear();
            }
            entries.insert(key.clone(), (Instant::now(), generation, value.clone()));
        }
        // Later askers find the answer kept; those already queued on this gate find it too.
        lock(&self.in_flight).remove(&key);
        made
    }

    fn fresh(&self, key: &str) -> Option<V> {
        let current = self.changes.current();
        lock(&self.entries)
            .get(key)
            .filter(|(at, generation, _)| *generation == current && at.elapsed() < TTL)
            .map(|(_, _, v)| v.clone())
    }
}

/// A poisoned lock only means another request panicked while holding it; the map is still whole.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Whole public pages, as rendered for visitors who are not signed in, so a busy page (an
/// organisation's plan) is built once and then served from memory.
///
/// A page is kept until anything changes: every request that may change data (any method but
/// GET, HEAD or OPTIONS), here or on another server of the same PostgreSQL database, moves the
/// store's change count on, and a page rendered at an older count is never served. Signed-in
/// people, and visitors with a message waiting for them, always get a freshly built page.
#[derive(Clone)]
pub struct PageCache {
    generation: Changes,
    /// Within a byte budget; when full, pages seldom asked for go first (quick_cache's
    /// scan-resistant policy: a crawler walking every plan once does not push out the pages
    /// people keep reading).
    entries: Arc<PageEntries>,
    /// The most bytes kept (all forms of all pages).
    budget: usize,
    /// Turns to build a public page (see [`PageCache::serve`]).
    building: Arc<tokio::sync::Semaphore>,
    /// What kept pages say to browsers and shared caches in front (decision 0027).
    cache_control: HeaderValue,
}

impl Default for PageCache {
    fn default() -> Self {
        PageCache::with_budget(PAGE_BYTES_BUDGET)
    }
}

/// Freshness for anonymous public pages: `max-age` seconds, and `stale-while-revalidate`.
pub fn public_cache_control(max_age: u64, stale_while_revalidate: u64) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "public, max-age={max_age}, stale-while-revalidate={stale_while_revalidate}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("no-cache"))
}

/// Public pages built at once, per process: enough to keep two CPUs and the database busy (at
/// 4 the rate of different plan pages fell by a fifth), few enough that 64 crawlers' pages are
/// not all held in memory at once.
const BUILDS_AT_ONCE: usize = 12;

/// Longest query string a kept page's key may hold; a longer one is built each time.
const MAX_KEPT_QUERY: usize = 512;

/// The key a whole page is kept under: the mode, the path and the query string without
/// `view` (the mode says it). Made-up parameters (`/map?n=1`, `?n=2`, …) make new keys, but
/// the cache's byte budget bounds them, and pages asked for once go first (finding 8).
/// A handler whose page holds what someone typed that may be personal (a postcode) keeps
/// no page for it.
pub fn page_key(easy: bool, uri: &Uri) -> Option<String> {
    let mode = if easy { "easy:" } else { "" };
    let query: Vec<&str> = uri
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty() && pair.split('=').next() != Some("view"))
        .collect();
    if query.is_empty() {
        return Some(format!("{mode}{}", uri.path()));
    }
    let query = query.join("&");
    (query.len() <= MAX_KEPT_QUERY).then(|| format!("{mode}{}?{query}", uri.path()))
}

#[derive(Clone)]
struct CachedPage {
    made_at: Instant,
    generation: u64,
    /// The page in its compressed forms, made once when it was kept.
    body: Arc<Variants>,
}

type PageEntries = quick_cache::sync::Cache<
    String,
    CachedPage,
    PageWeight,
    quick_cache::DefaultHashBuilder,
    CountEvictions,
>;

/// A kept page's weight: its bytes, with its key and bookkeeping.
#[derive(Clone)]
struct PageWeight;

/// What a kept page holds besides its bytes and key: the headers remembered for the short
/// way, its tags, the cache's own entry, and the allocator's rounding. Measured: 25,000 small
/// search pages held 140 MB for a budget of 64 MB when this was 128 bytes (review finding).
const PAGE_OVERHEAD_BYTES: usize = 3 * 1024;

impl quick_cache::Weighter<String, CachedPage> for PageWeight {
    fn weight(&self, key: &String, page: &CachedPage) -> u64 {
        (key.len() + page.body.size() + PAGE_OVERHEAD_BYTES) as u64
    }
}

/// Reports each page dropped to make room to `/metrics`.
#[derive(Clone, Default)]
struct CountEvictions;

impl quick_cache::Lifecycle<String, CachedPage> for CountEvictions {
    type RequestState = ();

    fn begin_request(&self) -> Self::RequestState {}

    fn on_evict(&self, (): &mut Self::RequestState, _key: String, _page: CachedPage) {
        metrics::counter!("mir_page_cache_evictions_total").increment(1);
    }
}

impl std::fmt::Debug for PageCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PageCache")
    }
}

impl PageCache {
    /// A page cache that keeps at most `budget` bytes.
    pub fn with_budget(budget: usize) -> PageCache {
        // Plan pages are about 9 KB kept; the estimate only sizes the table.
        let estimated_pages = (budget / 8192).clamp(16, 100_000);
        PageCache {
            generation: Changes::default(),
            entries: Arc::new(PageEntries::with(
                estimated_pages,
                budget as u64,
                PageWeight,
                quick_cache::DefaultHashBuilder::default(),
                CountEvictions,
            )),
            budget,
            building: Arc::new(tokio::sync::Semaphore::new(BUILDS_AT_ONCE)),
            cache_control: public_cache_control(60, 600),
        }
    }

    /// The same cache, dropping pages built before the latest of these changes.
    #[must_use]
    pub fn following(mut self, changes: &Changes) -> PageCache {
        self.generation = changes.clone();
        self
    }

    /// The same cache, telling browsers and proxies this about its pages.
    #[must_use]
    pub fn with_cache_control(mut self, cache_control: HeaderValue) -> PageCache {
        self.cache_control = cache_control;
        self
    }

    /// The key under which the page for this request may be kept, or `None` if it must be
    /// built for this visitor alone (signed in, or with a message or draft waiting).
    pub fn key_for(request: &Parts) -> Option<String> {
        let signed_in = !matches!(
            request.extensions.get::<mir_app::Actor>(),
            None | Some(mir_app::Actor::Anonymous)
        );
        let has_own_state = request
            .extensions
            .get::<Session>()
            .is_some_and(|session| !session.is_empty());
        let easy = request.extensions.get::<ViewMode>() == Some(&ViewMode::EasyRead);
        (!signed_in && !has_own_state)
            .then(|| page_key(easy, &request.uri))
            .flatten()
    }

    /// The page for `key`: the kept one if there is one, else `build`'s, kept for next time
    /// (with no key, always `build`'s, never kept). The generation is read before `build`
    /// reads any data, so a page built while something changes is never kept as new.
    pub async fn serve<F, Fut>(&self, key: Option<String>, build: F) -> Result<Response, WebError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<String, WebError>>,
    {
        if let Some(kept) = key.as_deref().and_then(|key| self.get_variants(key)) {
            metrics::counter!("mir_page_cache_hits_total").increment(1);
            return Ok(self.respond(kept));
        }
        if key.is_some() {
            metrics::counter!("mir_page_cache_misses_total").increment(1);
        }
        // Public pages are built a few at a time: 64 crawlers' pages built at once each
        // held their data and buffers together (the peak memory under load), and none
        // finished sooner. Someone else may have built this one while it waited.
        let _turn = match &key {
            Some(key) => {
                let turn = self.building.acquire().await.ok();
                if let Some(kept) = self.get_variants(key) {
                    return Ok(self.respond(kept));
                }
                turn
            }
            None => None,
        };
        let generation = self.generation();
        let body = Bytes::from(build().await?);
        let Some(key) = key else {
            return Ok(crate::page::html(StatusCode::OK, body));
        };
        // Compressed now, once; only the compressed form is kept.
        let variants = Arc::new(Variants::compact(body));
        self.put_variants(key, generation, variants.clone());
        Ok(self.respond(variants))
    }

    /// A kept page's response: the plain page, with its forms attached for
    /// [`crate::negotiate::middleware`] to choose from. It is the same for every visitor
    /// who is not signed in, in the same view: shared caches may keep it, one copy per view
    /// (the view cookie, hence `Vary: Cookie`; the shipped nginx configuration keys on that
    /// one cookie instead).
    fn respond(&self, variants: Arc<Variants>) -> Response {
        // The body is chosen by the negotiation layer from the forms kept.
        let mut response = crate::page::html(StatusCode::OK, Bytes::new());
        let headers = response.headers_mut();
        headers.insert(
            axum::http::header::CACHE_CONTROL,
            self.cache_control.clone(),
        );
        headers.insert(axum::http::header::VARY, HeaderValue::from_static("cookie"));
        response.extensions_mut().insert(variants);
        response
    }

    /// The current generation; read it before reading the data a page is built from.
    pub fn generation(&self) -> u64 {
        self.generation.current()
    }

    /// Something may have changed: pages built before now are stale (in this process only;
    /// the web layer calls [`mir_store::Store::announce_change`], which also tells others).
    pub fn forget_all(&self) {
        self.generation.bump();
    }

    /// The page kept for `key`, if it was built in the current generation within the TTL.
    pub fn get(&self, key: &str) -> Option<Bytes> {
        self.get_variants(key).map(|v| v.identity())
    }

    /// The page kept for `key` in all its forms (see [`PageCache::get`]).
    pub fn get_variants(&self, key: &str) -> Option<Arc<Variants>> {
        let current = self.generation();
        self.entries
            .get(key)
            .filter(|page| page.generation == current && page.made_at.elapsed() < TTL)
            .map(|page| page.body)
    }

    /// Keeps a page built from data read in `generation` (see [`PageCache::generation`]),
    /// compressing it here.
    pub fn put(&self, key: String, generation: u64, body: Bytes) {
        self.put_variants(key, generation, Arc::new(Variants::compact(body)));
    }

    /// Keeps a page already compressed, within the byte budget (a page larger than the whole
    /// budget is not kept). Reports the bytes and pages held to `/metrics`.
    pub fn put_variants(&self, key: String, generation: u64, body: Arc<Variants>) {
        if body.size() < self.budget {
            self.entries.insert(
                key,
                CachedPage {
                    made_at: Instant::now(),
                    generation,
                    body,
                },
            );
        }
        #[allow(clippy::cast_precision_loss)] // bytes and counts far below 2^52
        {
            metrics::gauge!("mir_page_cache_bytes").set(self.entries.weight() as f64);
            metrics::gauge!("mir_page_cache_pages").set(self.entries.len() as f64);
        }
    }

    /// The bytes held now (for tests and `/metrics`).
    pub fn bytes_held(&self) -> u64 {
        self.entries.weight()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::Ordering;

    #[tokio::test]
    async fn an_answer_made_before_a_change_is_not_reused() {
        let changes = Changes::default();
        let cache: TtlCache<u32> = TtlCache::default().following(&changes);
        let first: Result<u32, ()> = cache.get_or("a".into(), || async { Ok(1) }).await;
        changes.bump();
        let second: Result<u32, ()> = cache.get_or("a".into(), || async { Ok(2) }).await;
        let third: Result<u32, ()> = cache.get_or("a".into(), || async { Ok(3) }).await;
        assert_eq!((first, second, third), (Ok(1), Ok(2), Ok(2)));
        let pages = PageCache::default().following(&changes);
        pages.put("p".into(), pages.generation(), Bytes::from_static(b"old"));
        assert!(pages.get("p").is_some());
        changes.bump();
        assert!(
            pages.get("p").is_none(),
            "a change elsewhere empties the page cache"
        );
    }

    #[tokio::test]
    async fn stale_answers_are_dropped_not_kept_until_full() {
        let changes = Changes::default();
        let cache: TtlCache<u32> = TtlCache::with_capacity(10).following(&changes);
        for n in 0..5 {
            let _: Result<u32, ()> = cache
                .get_or(format!("old{n}"), || async move { Ok(n) })
                .await;
        }
        changes.bump();
        let _: Result<u32, ()> = cache.get_or("new".into(), || async { Ok(9) }).await;
        let held = cache.entries.lock().map(|e| e.len()).unwrap_or(0);
        assert_eq!(held, 1, "the five answers from before the change are gone");
    }

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

    #[tokio::test]
    async fn many_askers_at_once_make_an_answer_once() {
        let cache: TtlCache<u32> = TtlCache::default();
        let made = Arc::new(std::sync::atomic::AtomicU32::new(0));
        let askers: Vec<_> = (0..16)
            .map(|_| {
                let (cache, made) = (cache.clone(), made.clone());
                tokio::spawn(async move {
                    cache
                        .get_or("broad search".into(), || async move {
                            tokio::time::sleep(Duration::from_millis(20)).await;
                            Ok::<u32, ()>(made.fetch_add(1, Ordering::SeqCst) + 1)
                        })
                        .await
                })
            })
            .collect();
        for asker in askers {
            assert_eq!(asker.await.expect("asker"), Ok(1));
        }
        assert_eq!(
            made.load(Ordering::SeqCst),
            1,
            "made once, not once per asker"
        );
        assert!(
            cache
                .in_flight
                .lock()
                .map(|m| m.is_empty())
                .unwrap_or(false)
        );
    }

    #[test]
    fn page_keys_come_from_the_path_the_query_and_the_view() {
        let key = |s: &str| page_key(false, &s.parse::<Uri>().expect("uri"));
        assert_eq!(key("/map").as_deref(), Some("/map"));
        assert_eq!(key("/map?view=standard").as_deref(), Some("/map"));
        assert_eq!(
            page_key(true, &"/map".parse::<Uri>().expect("uri")).as_deref(),
            Some("easy:/map")
        );
        assert_eq!(
            key("/search?q=carers&page=2").as_deref(),
            Some("/search?q=carers&page=2")
        );
        assert_eq!(key("/map?view=easy&n=2").as_deref(), Some("/map?n=2"));
        let long = format!("/search?q={}", "a".repeat(MAX_KEPT_QUERY));
        assert_eq!(key(&long), None, "a long query is never kept");
    }

    #[test]
    fn kept_pages_stay_within_a_byte_budget() {
        let pages = PageCache::default();
        let generation = pages.generation();
        let page = Bytes::from(vec![b'x'; 1024 * 1024]);
        for n in 0..100 {
            pages.put(format!("/p{n}"), generation, page.clone());
            let held = pages.bytes_held();
            assert!(held <= PAGE_BYTES_BUDGET as u64, "{held} bytes after {n}");
        }
    }

    #[test]
    fn a_page_built_before_a_change_is_never_served() {
        let pages = PageCache::default();
        let before = pages.generation();
        pages.put("/a".into(), before, Bytes::from_static(b"old"));
        assert_eq!(pages.get("/a").as_deref(), Some(&b"old"[..]));
        // A change lands while another page is being built from the old data.
        let building = pages.generation();
        pages.forget_all();
        pages.put(
            "/b".into(),
            building,
            Bytes::from_static(b"built from old data"),
        );
        assert_eq!(pages.get("/a"), None, "kept before the change");
        assert_eq!(
            pages.get("/b"),
            None,
            "built from data read before the change"
        );
        pages.put("/a".into(), pages.generation(), Bytes::from_static(b"new"));
        assert_eq!(pages.get("/a").as_deref(), Some(&b"new"[..]));
    }

    #[test]
    fn a_smaller_budget_holds_fewer_pages() {
        let pages = PageCache::with_budget(10 * 1024);
        let generation = pages.generation();
        // Pages that do not compress (every byte different), so each costs about 3 KB.
        let page: Vec<u8> = (0..1024u32)
            .flat_map(|n| n.to_le_bytes())
            .take(1024)
            .collect();
        for n in 0..20 {
            let mut own = page.clone();
            own[0] = u8::try_from(n).unwrap_or(0);
            pages.put(format!("/p{n}"), generation, Bytes::from(own));
            let held = pages.bytes_held();
            assert!(held <= 10 * 1024, "{held} bytes after {n}");
        }
        assert!(pages.get("/p19").is_some(), "the newest is kept");
    }

    #[test]
    fn the_page_cache_is_bounded_in_pages_too() {
        // Tiny pages still count their keys and bookkeeping, so their number is bounded.
        let pages = PageCache::with_budget(64 * 1024);
        for n in 0..10_000 {
            pages.put(format!("/p{n}"), pages.generation(), Bytes::new());
        }
        assert!(pages.bytes_held() <= 64 * 1024);
        let most = 64 * 1024 / PAGE_OVERHEAD_BYTES;
        assert!(pages.entries.len() <= most, "{} pages", pages.entries.len());
    }

    #[test]
    fn a_page_read_often_outlasts_a_crawl() {
        // 1,000 pages fill the budget several times over, each asked for once; a page asked
        // for between them stays (a simple "start again when full" would drop it).
        let pages = PageCache::with_budget(256 * 1024);
        let generation = pages.generation();
        let page = |n: usize| Bytes::from(format!("<p>page {n}</p>").repeat(200));
        pages.put("/popular".into(), generation, page(0));
        for n in 1..1_000 {
            assert!(pages.get_variants("/popular").is_some(), "gone after {n}");
            pages.put(format!("/crawled/{n}"), generation, page(n));
        }
        assert!(pages.get_variants("/popular").is_some());
    }
}
