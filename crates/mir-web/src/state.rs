use std::sync::Arc;
use std::time::Duration;

use metrics_exporter_prometheus::PrometheusHandle;
use mir_app::mail::Mailer;
use mir_store::Store;

/// Settings for the web layer, from flags and `MIR_*` variables (see the `mir` command).
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Served over HTTPS (directly or behind a proxy): sends HSTS and marks cookies `Secure`.
    pub https: bool,
    /// A session ends after this long without use (it is renewed at most once an hour).
    pub session_idle: Duration,
    /// A session ends this long after sign-in, however busy (a stolen cookie stops working).
    pub session_lifetime: Duration,
    /// Longest time a request may take before the visitor gets an error page.
    pub request_timeout: Duration,
    /// The site's public address, for links in emails (no trailing slash).
    pub base_url: String,
    /// How many proxies in front of mir add to `X-Forwarded-For` (0: none, the header is
    /// ignored). Rate limits need each visitor's own address, not the proxy's.
    pub trusted_proxies: usize,
    /// Why links in emails may point to the wrong address (no `--base-url` given for a server
    /// others reach): shown to the national team on `/admin`.
    pub base_url_warning: Option<String>,
    /// The most bytes of whole public pages kept in memory (all their compressed forms).
    pub page_cache_bytes: usize,
    /// How long browsers and shared caches may reuse an anonymous public page, and serve it
    /// stale while fetching a fresh one (seconds).
    pub public_max_age: u64,
    pub stale_while_revalidate: u64,
    /// `/metrics` on the site's address answers only with `Authorization: Bearer <this>`;
    /// without it, `/metrics` is not there (a separate address can serve it instead).
    pub metrics_token: Option<Secret>,
    /// Live sessions' limits: participants and cards per session.
    pub live: mir_app::live::LiveLimits,
}

/// A value never printed, not even in debug output (`Secret(***)`).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            https: false,
            session_idle: Duration::from_secs(7 * 24 * 60 * 60),
            session_lifetime: Duration::from_secs(30 * 24 * 60 * 60),
            request_timeout: Duration::from_secs(30),
            base_url: "http://127.0.0.1:8080".into(),
            trusted_proxies: 0,
            base_url_warning: None,
            page_cache_bytes: crate::cache::PAGE_BYTES_BUDGET,
            public_max_age: 60,
            stale_while_revalidate: 600,
            metrics_token: None,
            live: mir_app::live::LiveLimits::default(),
        }
    }
}

/// What every handler can reach. Cheap to clone: every middleware layer and handler takes a
/// copy on every request, so it is one shared pointer, not a copy of each part.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// The parts of [`AppState`], reached through it (`state.store`, `state.mailer`, ...).
pub struct Shared {
    pub store: Store,
    pub mailer: Mailer,
    pub config: Arc<WebConfig>,
    pub metrics: PrometheusHandle,
    /// Public answers reused for a minute (see `cache`).
    pub caches: PublicCaches,
    /// Live boards' change watchers (one per session watched here).
    pub live: Arc<crate::live_events::LiveHub>,
}

/// Ranked searches kept: each holds up to 300 results (about 100 KB), so about 3 MB at most.
/// Each page of a search is kept whole in the page cache too; this is for its other pages.
const SEARCHES_KEPT: usize = 32;
/// Answers kept per kind of public answer (a directory page's entries, a map's counts, "who
/// else" for a plan). Whole pages are kept in the page cache, within its byte budget; these
/// only save work when a page is built again, so a few hundred of each is plenty, and they
/// stay a few megabytes (2,000 directory answers held up to 100 MB under a crawl).
const ANSWERS_KEPT: usize = 256;

/// The caches of public answers, one per kind.
#[derive(Debug, Clone, Default)]
pub struct PublicCaches {
    pub map: crate::cache::TtlCache<std::sync::Arc<mir_app::directory::NationalMap>>,
    pub who_else:
        crate::cache::TtlCache<std::sync::Arc<Vec<mir_app::directory::OtherOrganisation>>>,
    /// "Who else" for each priority of a published plan version, found together.
    pub who_else_by_plan:
        crate::cache::TtlCache<std::sync::Arc<Vec<Vec<mir_app::directory::OtherOrganisation>>>>,
    /// A query's ranked results (at most 300 each, so at most 128 queries are kept).
    pub search: crate::cache::TtlCache<std::sync::Arc<mir_app::search::Ranked>>,
    pub directory: crate::cache::TtlCache<std::sync::Arc<mir_app::directory::DirectoryPage>>,
    /// Whole public pages for visitors who are not signed in (the organisation's plan).
    pub pages: crate::cache::PageCache,
}

impl AppState {
    pub fn new(store: Store, mailer: Mailer, config: WebConfig) -> AppState {
        // Whole pages drop what was made before the latest change of any kind; public answers,
        // before the latest change to public data (decision 0031).
        let changes = store.changes();
        let public_changes = store.public_changes();
        let caches = PublicCaches {
            pages: crate::cache::PageCache::with_budget(config.page_cache_bytes)
                .with_cache_control(crate::cache::public_cache_control(
                    config.public_max_age,
                    config.stale_while_revalidate,
                ))
                .following(&changes),
            search: crate::cache::TtlCache::with_capacity(SEARCHES_KEPT).following(&public_changes),
            map: crate::cache::TtlCache::with_capacity(ANSWERS_KEPT).following(&public_changes),
            who_else: crate::cache::TtlCache::with_capacity(ANSWERS_KEPT)
                .following(&public_changes),
            who_else_by_plan: crate::cache::TtlCache::with_capacity(ANSWERS_KEPT)
                .following(&public_changes),
            directory: crate::cache::TtlCache::with_capacity(ANSWERS_KEPT)
                .following(&public_changes),
        };
        AppState(Arc::new(Shared {
            store,
            mailer,
            config: Arc::new(config),
            metrics: crate::middleware::metrics::handle(),
            caches,
            live: Arc::default(),
        }))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}
