//! `mir serve`: the web server with its background work (expired sessions swept hourly, the
//! mail outbox, reminders and digests), listening until Ctrl-C or SIGTERM.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use clap::Args;
use clap::builder::BoolishValueParser;
use mir_store::{DatabaseUrl, RateLimitRepo, SessionRepo, Store};
use mir_web::{AppState, WebConfig};

use crate::{AnyError, DEFAULT_BASE_URL, DatabaseArgs, MailArgs, migrate};

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Address and port to listen on.
    #[arg(
        long,
        value_name = "ADDR",
        env = "MIR_ADDR",
        default_value = "127.0.0.1:8080"
    )]
    addr: SocketAddr,
    #[command(flatten)]
    pub(crate) database: DatabaseArgs,
    /// Load the demonstration data at start (once; later starts add nothing).
    #[arg(long, env = "MIR_DEMO", value_parser = BoolishValueParser::new(), default_value_t = false, num_args = 0, default_missing_value = "true")]
    demo: bool,
    #[command(flatten)]
    mail: MailArgs,
    /// The site is reached over HTTPS (directly or through a proxy): send HSTS, mark cookies Secure.
    #[arg(long, env = "MIR_HTTPS", value_parser = BoolishValueParser::new(), default_value_t = false, num_args = 0, default_missing_value = "true")]
    https: bool,
    /// How many proxies in front of mir append to X-Forwarded-For (a load balancer: 1). The
    /// visitor's address then comes from that header, for rate limits; 0 ignores it.
    #[arg(
        long,
        value_name = "N",
        env = "MIR_TRUSTED_PROXIES",
        default_value_t = 0
    )]
    trusted_proxies: usize,
    /// Days without use after which a session ends.
    #[arg(long, value_name = "DAYS", env = "MIR_SESSION_IDLE_DAYS", default_value_t = 7, value_parser = clap::value_parser!(u64).range(1..=90))]
    session_idle_days: u64,
    /// Days after signing in at which a session ends however busy it is.
    #[arg(long, value_name = "DAYS", env = "MIR_SESSION_MAX_DAYS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=365))]
    session_max_days: u64,
    /// Megabytes of memory for whole public pages kept ready (each in plain, gzip and Brotli).
    #[arg(long, value_name = "MB", env = "MIR_PAGE_CACHE_MB", default_value_t = 64, value_parser = clap::value_parser!(u64).range(0..=4096))]
    page_cache_mb: u64,
    /// Seconds a browser or a proxy in front may reuse a public page for visitors who are not
    /// signed in (Cache-Control max-age).
    #[arg(long, value_name = "SECONDS", env = "MIR_PUBLIC_MAX_AGE", default_value_t = 60, value_parser = clap::value_parser!(u64).range(0..=86400))]
    public_max_age: u64,
    /// Seconds a proxy may go on serving such a page while it fetches a fresh one.
    #[arg(long, value_name = "SECONDS", env = "MIR_STALE_WHILE_REVALIDATE", default_value_t = 600, value_parser = clap::value_parser!(u64).range(0..=86400))]
    stale_while_revalidate: u64,
    /// Also serve `/metrics` (and nothing else) on this address, without a token: one that only
    /// the monitoring system reaches, such as 127.0.0.1:9090.
    #[arg(long, value_name = "ADDR", env = "MIR_METRICS_ADDR")]
    metrics_addr: Option<SocketAddr>,
    /// Serve `/metrics` on the site's address only to requests with
    /// `Authorization: Bearer <TOKEN>`. With neither this nor --metrics-addr, metrics are not
    /// served at all.
    #[arg(
        long,
        value_name = "TOKEN",
        env = "MIR_METRICS_TOKEN",
        hide_env_values = true
    )]
    metrics_token: Option<String>,
    /// The most people who may join one live session.
    #[arg(long, value_name = "N", env = "MIR_LIVE_MAX_PARTICIPANTS", default_value_t = 300, value_parser = clap::value_parser!(i64).range(2..=10_000))]
    live_max_participants: i64,
    /// The most cards one live session may hold.
    #[arg(long, value_name = "N", env = "MIR_LIVE_MAX_CARDS", default_value_t = 2_000, value_parser = clap::value_parser!(i64).range(10..=100_000))]
    live_max_cards: i64,
}

/// `mir serve`.
pub(crate) async fn serve(args: ServeArgs, database: DatabaseUrl) -> Result<(), AnyError> {
    let started = Instant::now();
    let (base_url, base_url_warning) = base_url_for(&args.mail.base_url, args.addr);
    if let Some(warning) = &base_url_warning {
        tracing::warn!("{warning}");
    }
    let config = WebConfig {
        https: args.https,
        base_url,
        base_url_warning,
        trusted_proxies: args.trusted_proxies,
        session_idle: Duration::from_secs(args.session_idle_days * 24 * 60 * 60),
        session_lifetime: Duration::from_secs(args.session_max_days * 24 * 60 * 60),
        page_cache_bytes: usize::try_from(args.page_cache_mb * 1024 * 1024).unwrap_or(usize::MAX),
        public_max_age: args.public_max_age,
        stale_while_revalidate: args.stale_while_revalidate,
        metrics_token: args
            .metrics_token
            .filter(|token| !token.is_empty())
            .map(mir_web::Secret),
        live: mir_app::live::LiveLimits {
            max_participants: args.live_max_participants,
            max_cards: args.live_max_cards,
        },
        ..WebConfig::default()
    };
    let mailer = args.mail.mailer()?;
    // The configuration, without secrets: the database URL is shown with its password hidden.
    tracing::info!(
        addr = %args.addr,
        database = %database,
        engine = database.engine().name(),
        demo = args.demo,
        https = config.https,
        trusted_proxies = config.trusted_proxies,
        base_url = %config.base_url,
        mail = %mailer.description,
        session_idle_secs = config.session_idle.as_secs(),
        session_lifetime_secs = config.session_lifetime.as_secs(),
        request_timeout_secs = config.request_timeout.as_secs(),
        page_cache_bytes = config.page_cache_bytes,
        public_max_age = config.public_max_age,
        metrics_addr = args.metrics_addr.map(|a| a.to_string()).unwrap_or_default(),
        metrics_token_set = config.metrics_token.is_some(),
        version = env!("CARGO_PKG_VERSION"),
        "starting mir"
    );
    let store = migrate(&database).await?;
    if args.demo {
        let report = mir_app::demo::load_demo_data(&store).await?;
        tracing::info!(
            organisations_added = report.organisations_added,
            "demonstration data ready"
        );
    }
    // Other servers' changes, heard at once on PostgreSQL (decision 0031); the listener
    // builds the directory's index once it listens.
    let listening = store.listen_for_changes(&database);
    spawn_session_sweeper(store.clone());
    // Requests and jobs queue their emails in the outbox; one worker sends them (decision 0021).
    mir_app::mail::spawn_outbox_worker(store.clone(), mailer.clone());
    let mailer = mailer.queued(store.clone());
    // The directory's in-memory index (decision 0028), before the first visitor asks.
    if !listening {
        let warm = store.clone();
        tokio::spawn(async move {
            if let Err(error) = warm.warm_public_index().await {
                tracing::warn!(%error, "could not build the directory index at start");
            }
        });
    }
    spawn_job_runner(store.clone(), mailer.clone(), config.base_url.clone());

    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .map_err(|e| crate::UserError(format!("cannot listen on {}: {e}", args.addr)))?;
    let state = AppState::new(store.clone(), mailer, config);
    let app = mir_web::router(state.clone());
    tracing::info!(
        startup_ms = started.elapsed().as_millis() as u64,
        "listening on http://{}",
        listener.local_addr()?
    );
    if let Some(addr) = args.metrics_addr {
        let metrics = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| crate::UserError(format!("cannot listen on {addr} for metrics: {e}")))?;
        tracing::info!("metrics on http://{}/metrics", metrics.local_addr()?);
        let app = mir_web::metrics_router(state.clone());
        tokio::spawn(async move {
            if let Err(error) = axum::serve(metrics, app).await {
                tracing::warn!(%error, "the metrics address stopped");
            }
        });
    }
    // With each connection's address, so that rate limits count each visitor (finding 2).
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    // Live boards' streams never finish by themselves: they are ended when the server begins to
    // stop, so the graceful shutdown does not wait for them (browsers reconnect elsewhere).
    let live = state.live.clone();
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            live.stop();
        })
        .await?;
    tracing::info!("stopped: in-flight requests finished");
    store.close().await;
    Ok(())
}

/// `mir check`: what `mir serve` would start with, checked without serving. Each line says
/// `ok` or `FAIL` (or `note`), and the command exits 1 if any failed, so it can gate a
/// deployment. The schema is not migrated and no database is created (the mail folder is,
/// as `mir serve` would).
pub(crate) async fn check(args: ServeArgs, database: DatabaseUrl) -> Result<(), AnyError> {
    let mut failed = 0;
    let mut report = |ok: Option<bool>, what: &str, detail: String| {
        let mark = match ok {
            Some(true) => "ok  ",
            Some(false) => {
                failed += 1;
                "FAIL"
            }
            None => "note",
        };
        println!("{mark} {what}: {detail}");
    };

    // The database: reachable, and its schema this version's.
    let fresh_file = database.sqlite_file().filter(|file| !file.exists());
    if let Err(problem) = database.check_options() {
        report(Some(false), "database", problem);
    } else if let Some(file) = fresh_file {
        let folder = file
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(std::path::Path::new("."));
        if !folder.is_dir() {
            report(
                Some(false),
                "database",
                format!(
                    "the folder {} for the SQLite file does not exist: create it (writable by the user mir runs as)",
                    folder.display()
                ),
            );
        } else if !database.expose().contains("mode=rwc") {
            report(
                Some(false),
                "database",
                format!(
                    "the SQLite file {} does not exist, and the URL does not ask for it to be made: add ?mode=rwc",
                    file.display()
                ),
            );
        } else {
            report(
                Some(true),
                "database",
                format!(
                    "SQLite file {} does not exist yet; mir serve creates it",
                    file.display()
                ),
            );
        }
    } else {
        let connected = async {
            Store::probe(&database).await?;
            Store::connect(&database).await
        };
        match tokio::time::timeout(Duration::from_secs(10), connected).await {
            Err(_) => report(
                Some(false),
                "database",
                format!("{database} did not answer within 10 seconds"),
            ),
            Ok(Err(error)) => report(
                Some(false),
                "database",
                format!("cannot connect to {database}: {error}"),
            ),
            Ok(Ok(store)) => {
                let engine = store.engine().name();
                match (
                    store.ping().await,
                    store.pending_migrations().await,
                    store.unknown_migrations().await,
                ) {
                    (Err(error), _, _) | (_, Err(error), _) | (_, _, Err(error)) => report(
                        Some(false),
                        "database",
                        format!("{engine} at {database} connects but does not answer: {error}"),
                    ),
                    (Ok(()), Ok(_), Ok(unknown)) if unknown > 0 => report(
                        None,
                        "database",
                        format!(
                            "{engine} at {database} answers; it has {unknown} migrations from a newer mir (normal while servers are upgraded one at a time: this version still serves it; going back to this version for good needs the backup made before the upgrade)"
                        ),
                    ),
                    (Ok(()), Ok(0), Ok(_)) => report(
                        Some(true),
                        "database",
                        format!("{engine} at {database} answers; its schema is up to date"),
                    ),
                    (Ok(()), Ok(pending), Ok(_)) => report(
                        Some(true),
                        "database",
                        format!(
                            "{engine} at {database} answers; mir serve (or mir migrate) will apply {pending} migrations"
                        ),
                    ),
                }
                store.close().await;
            }
        }
    }

    // Email.
    match args.mail.mailer() {
        Err(error) => report(Some(false), "email", error.to_string()),
        Ok(mailer) => match mailer.check(&args.mail.mail_dir).await {
            Ok(detail) => report(Some(true), "email", detail),
            Err(error) => report(Some(false), "email", error.to_string()),
        },
    }
    let (base_url, warning) = base_url_for(&args.mail.base_url, args.addr);
    match warning {
        Some(warning) => report(None, "links in emails", warning),
        None => report(
            Some(true),
            "links in emails",
            format!("point to {base_url}"),
        ),
    }

    // Addresses: free to listen on (a server already running there makes this fail).
    for (what, addr) in std::iter::once(("listen address", args.addr))
        .chain(args.metrics_addr.map(|addr| ("metrics address", addr)))
    {
        match std::net::TcpListener::bind(addr) {
            Ok(_) => report(Some(true), what, format!("{addr} is free")),
            Err(error) => report(
                Some(false),
                what,
                format!("cannot listen on {addr}: {error}"),
            ),
        }
    }
    if args
        .metrics_addr
        .is_some_and(|addr| addr.port() != 0 && addr == args.addr)
    {
        report(
            Some(false),
            "metrics address",
            format!(
                "{} is also the site's address: give metrics an address of their own (or use --metrics-token instead)",
                args.addr
            ),
        );
    }
    let metrics = match (&args.metrics_addr, &args.metrics_token) {
        (Some(addr), _) => format!("served on http://{addr}/metrics"),
        (None, Some(_)) => "served on the site's address to requests with the token".into(),
        (None, None) => "not served (set --metrics-addr or --metrics-token to monitor mir)".into(),
    };
    report(None, "metrics", metrics);
    if !args.https {
        report(
            None,
            "https",
            "off: cookies are not marked Secure and HSTS is not sent; turn it on (--https) when a proxy in front serves HTTPS".into(),
        );
    }
    if failed > 0 {
        return Err(crate::UserError(format!(
            "{failed} {} failed",
            if failed == 1 { "check" } else { "checks" }
        ))
        .into());
    }
    println!("All checks passed.");
    Ok(())
}

/// Deletes expired sessions once an hour. Safe with several servers: it is one idempotent DELETE.
fn spawn_session_sweeper(store: Store) {
    tokio::spawn(async move {
        let mut every_hour = tokio::time::interval(Duration::from_secs(3600));
        loop {
            every_hour.tick().await;
            let now = mir_store::now();
            if let Err(error) = store.prune_attempts(now - 24 * 3600).await {
                tracing::warn!(%error, "could not prune rate-limit records");
            }
            match store.delete_expired_sessions(now).await {
                Ok(removed) => tracing::debug!(removed, "expired sessions removed"),
                Err(error) => tracing::warn!(%error, "could not remove expired sessions"),
            }
        }
    });
}

/// Runs the reminder and digest jobs every 15 minutes. Safe with several servers: each email
/// is claimed in the database before it is sent (`mir_app::jobs`).
fn spawn_job_runner(store: Store, mailer: mir_app::mail::Mailer, base_url: String) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(15 * 60));
        loop {
            every.tick().await;
            let started = Instant::now();
            match mir_app::jobs::run_due_jobs(&store, &mailer, mir_store::now(), &base_url).await {
                Ok(_) => tracing::info!(
                    ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
                    "background jobs finished"
                ),
                Err(error) => {
                    tracing::warn!(%error, "background jobs failed; they run again in 15 minutes");
                }
            }
        }
    });
}

/// Resolves on Ctrl-C or SIGTERM; the server then stops accepting and finishes what it has.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::warn!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}

/// The address links in emails use. Given with `--base-url`, it is used as it is. Left at its
/// default, it follows a loopback listening address (`--addr 127.0.0.1:9000` gives
/// `http://127.0.0.1:9000`); for an address others reach (`0.0.0.0`, a public one) the public
/// name cannot be known safely (a request's Host header is the visitor's to choose), so the
/// default stays and a warning says to set `--base-url`.
fn base_url_for(given: &str, addr: SocketAddr) -> (String, Option<String>) {
    let given = given.trim_end_matches('/');
    if given != DEFAULT_BASE_URL {
        return (given.to_owned(), None);
    }
    if addr.ip().is_loopback() {
        return (format!("http://{addr}"), None);
    }
    (
        given.to_owned(),
        Some(format!(
            "links in emails point to {given}, which people elsewhere cannot reach: start mir serve with --base-url (or MIR_BASE_URL) set to the address people use, such as https://makingitreal.example.org"
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_links_follow_a_local_address_and_warn_for_a_public_one() {
        let local: SocketAddr = "127.0.0.1:9000".parse().expect("addr");
        assert_eq!(
            base_url_for(DEFAULT_BASE_URL, local),
            ("http://127.0.0.1:9000".into(), None)
        );
        let public: SocketAddr = "0.0.0.0:8080".parse().expect("addr");
        let (url, warning) = base_url_for(DEFAULT_BASE_URL, public);
        assert_eq!(url, DEFAULT_BASE_URL);
        assert!(warning.is_some_and(|w| w.contains("--base-url")));
        assert_eq!(
            base_url_for("https://mir.example.org/", public),
            ("https://mir.example.org".into(), None)
        );
    }
}
