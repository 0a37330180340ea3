//! `mir`: the one command for Making it Real: serve the site, migrate the database, load
//! demonstration data.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};
use mir_app::{Actor, AppError};
use mir_store::{DatabaseUrl, Store};
use tracing_subscriber::EnvFilter;

mod operations;
mod progress;
mod reference;
mod serve;

use serve::{ServeArgs, serve};

/// A faster allocator than the system's for a server making many small, short-lived
/// allocations across threads (decision 0018).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Making it Real: plan and publish good, personalised care and support together with the
/// people who use it.
#[derive(Debug, Parser)]
#[command(name = "mir", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the website. Brings the database up to date first.
    Serve(ServeArgs),
    /// Check the configuration `mir serve` would start with (database, email, addresses)
    /// without serving or changing anything; exits 1 if a check fails.
    Check(ServeArgs),
    /// Print the configuration reference (docs/configuration.md) from these definitions.
    #[command(hide = true)]
    ConfigReference,
    /// Bring the database schema up to date, then exit.
    Migrate(DatabaseArgs),
    /// Load the demonstration data (safe to repeat: a second run adds nothing), then exit.
    Demo(DemoArgs),
    /// Import data from a file.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Export data to a file.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Administration tasks.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Make a consistent copy of the SQLite database while it serves (PostgreSQL: pg_dump).
    Backup {
        /// The new backup file (never overwritten).
        #[arg(long, value_name = "FILE")]
        output: PathBuf,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Put an SQLite backup in place of the database (stop the server first).
    Restore {
        /// The backup file made by `mir backup`.
        file: PathBuf,
        /// Replace a database that already holds people or organisations.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Copy everything into a new, empty database (SQLite to PostgreSQL, or back), then verify.
    Copy {
        /// The database to copy from.
        #[arg(long, value_name = "URL")]
        from: String,
        /// The new database to copy into (its schema is created).
        #[arg(long, value_name = "URL")]
        to: String,
        /// Leave sign-in sessions behind (everyone signs in again).
        #[arg(long)]
        skip_sessions: bool,
    },
    /// Compare two databases by content (every table's rows); exits 1 if they differ.
    Verify {
        /// The other database's URL.
        #[arg(long, value_name = "URL")]
        against: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Background jobs (reminder emails, weekly digests). `mir serve` runs them every 15
    /// minutes by itself; this runs them once, now or at a chosen time.
    #[command(subcommand)]
    Jobs(JobsCommand),
}

#[derive(Debug, Subcommand)]
enum JobsCommand {
    /// Send every reminder and digest that is due, once (safe to repeat).
    Run {
        /// Run as if it were this time (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ); default: now.
        #[arg(long, value_name = "TIME")]
        now: Option<String>,
        #[command(flatten)]
        mail: MailArgs,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

/// The address in email links when none is given.
pub(crate) const DEFAULT_BASE_URL: &str = "http://127.0.0.1:8080";

/// Where emails go, and the address used in their links (for `mir serve` and `mir jobs run`).
#[derive(Debug, Args)]
struct MailArgs {
    /// The site's public address, used in links in emails.
    #[arg(
        long,
        value_name = "URL",
        env = "MIR_BASE_URL",
        default_value = DEFAULT_BASE_URL
    )]
    base_url: String,
    /// Send email through this SMTP server (e.g. smtps://user:pass@smtp.example.org). Without
    /// it, emails are written as .eml files to --mail-dir.
    #[arg(long, value_name = "URL", env = "MIR_SMTP_URL", hide_env_values = true)]
    smtp_url: Option<String>,
    /// Folder for emails when there is no SMTP server.
    #[arg(long, value_name = "DIR", env = "MIR_MAIL_DIR", default_value = "mail")]
    mail_dir: PathBuf,
    /// The sender of emails.
    #[arg(
        long,
        value_name = "ADDRESS",
        env = "MIR_MAIL_FROM",
        default_value = "Making it Real <no-reply@localhost>"
    )]
    mail_from: String,
}

impl MailArgs {
    /// The mailer these settings describe; a wrong SMTP URL is the person's to correct.
    fn mailer(&self) -> Result<mir_app::mail::Mailer, UserError> {
        mir_app::mail::Mailer::new(
            self.smtp_url.as_deref(),
            self.mail_dir.clone(),
            &self.mail_from,
        )
        .map_err(|e| UserError(e.to_string()))
    }
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Create an account (or find it) and print a one-time sign-in link, valid for 15 minutes.
    /// This is how the first national administrator gets in.
    CreateUser {
        /// The person's email address.
        #[arg(long)]
        email: String,
        /// Make the person a national administrator (keeps frameworks, sees the admin pages).
        #[arg(long)]
        national_admin: bool,
        /// The site's address, to build the link.
        #[arg(long, env = "MIR_BASE_URL", default_value = "http://127.0.0.1:8080")]
        base_url: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

#[derive(Debug, Subcommand)]
enum ImportCommand {
    /// Import a framework version from a TOML file (format: docs/framework-format.md).
    /// Pictures it names are read from the same folder. Every problem is reported with its
    /// line and column, and nothing is imported unless the whole file is valid.
    Framework {
        /// The framework file.
        file: PathBuf,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Load postcodes from the ONS Postcode Directory CSV (Open Government Licence), so visitors
    /// can find the organisations nearest to a postcode. Columns are found by name (pcds,
    /// oslaua or ladNNcd, lat, long, doterm); live English postcodes are kept. Run it again with
    /// a newer file (whole, or one area's) to refresh: postcodes it says are no longer in use
    /// are removed. See docs/postcodes.md.
    Postcodes {
        /// The ONS Postcode Directory CSV (the whole file, or one of its per-area files).
        file: PathBuf,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

#[derive(Debug, Subcommand)]
enum ExportCommand {
    /// Write a framework version in the same TOML format (to standard output by default).
    Framework {
        /// The framework's slug, e.g. `demonstration`.
        slug: String,
        /// Which version (default: the current one).
        #[arg(long)]
        version: Option<String>,
        /// Write to this file instead of standard output, with the pictures it names beside
        /// it (standard output takes the file only).
        #[arg(long, short)]
        output: Option<PathBuf>,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

#[derive(Debug, Args)]
struct DatabaseArgs {
    /// Database URL: sqlite://FILE?mode=rwc (created if missing) or postgres://USER@HOST/DB.
    #[arg(
        long,
        value_name = "URL",
        env = "MIR_DATABASE_URL",
        default_value = "sqlite://mir.db?mode=rwc",
        hide_env_values = true
    )]
    database: String,
}

/// How much demonstration data `mir demo` loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Scale {
    /// A few organisations with people, reviews, plans and stories (the default).
    Small,
    /// About 20,000 organisations, 100,000 priorities, 400,000 actions and 1,000,000 updates,
    /// for performance checks.
    National,
}

#[derive(Debug, Args)]
struct DemoArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    /// How much demonstration data to load.
    #[arg(long, value_enum, default_value_t = Scale::Small)]
    scale: Scale,
    /// The seed the national dataset is made from (the same seed makes the same data).
    #[arg(long, default_value_t = 2026)]
    seed: u64,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if matches!(cli.command, Command::ConfigReference) {
        print!("{}", reference::markdown());
        return ExitCode::SUCCESS;
    }
    // Kept until the end of `main`, so the last lines are written before the process exits.
    let _logs_flushed_on_exit = init_logging();
    let database = match cli_database(&cli.command).parse::<DatabaseUrl>() {
        Ok(url) => url,
        Err(error) => {
            eprintln!("mir: error: {error}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("mir: error: could not start: {error}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Serve(args) => serve(args, database).await,
            Command::Check(args) => serve::check(args, database).await,
            Command::ConfigReference => Ok(()),
            Command::Migrate(_) => migrate(&database).await.map(|_| ()),
            Command::Demo(args) => demo(&database, args.scale, args.seed).await,
            Command::Import(ImportCommand::Framework { file, .. }) => {
                import_framework(&database, &file).await
            }
            Command::Import(ImportCommand::Postcodes { file, .. }) => {
                import_postcodes(&database, &file).await
            }
            Command::Export(ExportCommand::Framework {
                slug,
                version,
                output,
                ..
            }) => export_framework(&database, &slug, version.as_deref(), output.as_deref()).await,
            Command::Admin(AdminCommand::CreateUser {
                email,
                national_admin,
                base_url,
                ..
            }) => create_user(&database, &email, national_admin, &base_url).await,
            Command::Jobs(JobsCommand::Run { now, mail, .. }) => {
                run_jobs(&database, now.as_deref(), &mail).await
            }
            Command::Backup { output, .. } => operations::backup(&database, &output).await,
            Command::Restore { file, force, .. } => {
                operations::restore(&database, &file, force).await
            }
            Command::Copy {
                to, skip_sessions, ..
            } => match to.parse::<DatabaseUrl>() {
                Ok(to) => operations::copy(&database, &to, skip_sessions).await,
                Err(error) => Err(error.into()),
            },
            Command::Verify { against, .. } => match against.parse::<DatabaseUrl>() {
                Ok(against) => operations::verify(&database, &against).await,
                Err(error) => Err(error.into()),
            },
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("mir: error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn cli_database(command: &Command) -> &str {
    match command {
        Command::Serve(args) | Command::Check(args) => &args.database.database,
        Command::Migrate(args) => &args.database,
        Command::Demo(args) => &args.database.database,
        Command::Import(
            ImportCommand::Framework { database, .. } | ImportCommand::Postcodes { database, .. },
        )
        | Command::Export(ExportCommand::Framework { database, .. })
        | Command::Admin(AdminCommand::CreateUser { database, .. })
        | Command::Jobs(JobsCommand::Run { database, .. })
        | Command::Backup { database, .. }
        | Command::Restore { database, .. }
        | Command::Verify { database, .. } => &database.database,
        Command::Copy { from, .. } => from,
        Command::ConfigReference => "",
    }
}

/// Logs go to standard error: readable by default, JSON with `MIR_LOG_FORMAT=json`, level from
/// `RUST_LOG` (default `info`). A background thread does the writing, so a request never waits
/// for the terminal or the log collector (it does wait, rather than lose lines, if that thread
/// falls far behind). Every request writes one line (`mir::access`); `RUST_LOG=info,mir::access=warn`
/// turns those off where a proxy in front keeps its own access log.
fn init_logging() -> tracing_appender::non_blocking::WorkerGuard {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(false)
        // The thread writes whatever lines are waiting in one go, then flushes: one system
        // call for many lines when busy, no delay when quiet.
        .finish(std::io::BufWriter::with_capacity(
            64 * 1024,
            std::io::stderr(),
        ));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(writer);
    if std::env::var("MIR_LOG_FORMAT").is_ok_and(|v| v == "json") {
        builder.json().init();
    } else {
        builder.compact().init();
    }
    guard
}

type AnyError = Box<dyn std::error::Error + Send + Sync>;

async fn migrate(database: &DatabaseUrl) -> Result<Store, AnyError> {
    let store = Store::connect(database).await?;
    store.migrate().await?;
    tracing::info!(
        engine = store.engine().name(),
        "database schema is up to date"
    );
    Ok(store)
}

async fn demo(database: &DatabaseUrl, scale: Scale, seed: u64) -> Result<(), AnyError> {
    let store = migrate(database).await?;
    if scale == Scale::National {
        let started = Instant::now();
        let progress = progress::Progress::counted("Making the national dataset", "organisations");
        let report = mir_app::demo::load_national_data(&store, seed, &progress.callback()).await;
        progress.finish();
        let report = report?;
        println!(
            "National demonstration data: {} organisations, {} priorities, {} actions, {} updates in {:.1} s (0 means it was there already).",
            report.organisations,
            report.priorities,
            report.actions,
            report.updates,
            started.elapsed().as_secs_f64()
        );
        store.close().await;
        return Ok(());
    }
    let report = mir_app::demo::load_demo_data(&store).await?;
    tracing::info!(
        organisations_added = report.organisations_added,
        "demonstration data loaded"
    );
    println!(
        "Demonstration data loaded: {} organisations added.",
        report.organisations_added
    );
    store.close().await;
    Ok(())
}

/// Errors the person running the command can act on, printed as they are.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct UserError(String);

async fn import_postcodes(database: &DatabaseUrl, file: &Path) -> Result<(), AnyError> {
    let reader = std::fs::File::open(file)
        .map(std::io::BufReader::new)
        .map_err(|e| UserError(format!("cannot read {}: {e}", file.display())))?;
    let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    let store = migrate(database).await?;
    let started = Instant::now();
    let progress = progress::Progress::counted("Loading postcodes", "bytes");
    let reader = progress::CountingReader::new(reader, size, &progress);
    let result = mir_app::places::import_postcodes(&store, reader, mir_store::now()).await;
    progress.finish();
    store.close().await;
    match result {
        Ok(r) => {
            println!(
                "Loaded {} postcodes in England in {:.1} s. Left out: {} no longer in use, {} outside England, {} with no location, {} unreadable. Removed {} loaded earlier that are no longer in use.",
                r.loaded,
                started.elapsed().as_secs_f64(),
                r.terminated,
                r.outside_england,
                r.no_location,
                r.unreadable,
                r.removed
            );
            Ok(())
        }
        Err(AppError::Conflict(message)) => Err(UserError(message).into()),
        Err(other) => Err(other.into()),
    }
}

async fn import_framework(database: &DatabaseUrl, file: &Path) -> Result<(), AnyError> {
    let source = std::fs::read_to_string(file)
        .map_err(|e| UserError(format!("cannot read {}: {e}", file.display())))?;
    let folder = file.parent().map(Path::to_path_buf).unwrap_or_default();
    // Picture names are validated as plain file names before this is called.
    let picture = |name: &str| std::fs::read(folder.join(name)).ok();
    let store = migrate(database).await?;
    let result =
        mir_app::frameworks::import_framework(&store, &Actor::Operator, &source, &picture).await;
    store.close().await;
    match result {
        Ok(report) => {
            println!(
                "Imported {} version {}: {} themes, {} statements, {} pairs, {} pictures.",
                report.slug,
                report.version,
                report.themes,
                report.statements,
                report.pairs,
                report.pictures
            );
            Ok(())
        }
        Err(AppError::InvalidFile(problems)) => {
            for problem in &problems {
                eprintln!(
                    "{}:{}:{}: {}",
                    file.display(),
                    problem.line,
                    problem.column,
                    problem.message
                );
            }
            // A file whose only problems are missing Easy Read can still be a draft.
            let only_easy_read = problems.iter().all(|p| p.message.contains("Easy Read"));
            let draft = if only_easy_read {
                ". Only Easy Read is missing: upload the file on the admin pages \
                 (/admin/frameworks/new) to keep it as a draft, write the Easy Read there, \
                 then publish it"
            } else {
                ""
            };
            Err(UserError(format!(
                "{} problem(s) in {}; nothing was imported{draft}",
                problems.len(),
                file.display()
            ))
            .into())
        }
        Err(AppError::Conflict(message)) => {
            Err(UserError(format!("{message}; nothing was imported")).into())
        }
        Err(other) => Err(other.into()),
    }
}

async fn create_user(
    database: &DatabaseUrl,
    email: &str,
    national_admin: bool,
    base_url: &str,
) -> Result<(), AnyError> {
    let store = migrate(database).await?;
    let result =
        mir_app::accounts::create_sign_in_link(&store, &Actor::Operator, email, national_admin)
            .await;
    store.close().await;
    match result {
        Ok(link) => {
            let role = if link.person.is_national_admin {
                " (national administrator)"
            } else {
                ""
            };
            println!("Account: {}{role}", link.person.email);
            println!(
                "One-time sign-in link, valid for {} minutes:",
                mir_app::accounts::SIGN_IN_LINK_MINUTES
            );
            println!(
                "{}/sign-in/link/{}",
                base_url.trim_end_matches('/'),
                link.token
            );
            Ok(())
        }
        Err(AppError::Invalid(errors)) => Err(UserError(errors.to_string()).into()),
        Err(other) => Err(other.into()),
    }
}

async fn export_framework(
    database: &DatabaseUrl,
    slug: &str,
    version: Option<&str>,
    output: Option<&Path>,
) -> Result<(), AnyError> {
    let store = migrate(database).await?;
    let result =
        mir_app::frameworks::export_framework(&store, &Actor::Operator, slug, version).await;
    store.close().await;
    let exported = match result {
        Ok(exported) => exported,
        Err(AppError::NotFound) => {
            let which = version.map_or("any version".to_owned(), |v| format!("version {v}"));
            return Err(UserError(format!("there is no framework {slug} ({which})")).into());
        }
        Err(other) => return Err(other.into()),
    };
    match output {
        Some(path) => {
            std::fs::write(path, &exported.text)
                .map_err(|e| UserError(format!("cannot write {}: {e}", path.display())))?;
            // The pictures go beside the file, where `mir import framework` looks for them.
            let folder = path.parent().unwrap_or(Path::new("."));
            for (name, bytes) in &exported.pictures {
                // Names were checked at import (a plain file name); the file name alone is
                // used all the same, so nothing is written outside the folder.
                let Some(file_name) = Path::new(name).file_name() else {
                    continue;
                };
                let picture = folder.join(file_name);
                std::fs::write(&picture, bytes)
                    .map_err(|e| UserError(format!("cannot write {}: {e}", picture.display())))?;
            }
            if !exported.pictures.is_empty() {
                eprintln!(
                    "wrote {} and {} pictures beside it",
                    path.display(),
                    exported.pictures.len()
                );
            }
        }
        None => {
            print!("{}", exported.text);
            if !exported.pictures.is_empty() {
                eprintln!(
                    "note: the framework names {} pictures, which cannot go to standard output; \
                     to import it elsewhere, export with --output DIR/framework.toml to write \
                     them beside the file",
                    exported.pictures.len()
                );
            }
        }
    }
    Ok(())
}

/// `mir jobs run [--now TIME]`.
async fn run_jobs(
    database: &DatabaseUrl,
    now: Option<&str>,
    mail: &MailArgs,
) -> Result<(), AnyError> {
    let now = match now {
        None => mir_store::now(),
        Some(text) => parse_time(text).ok_or_else(|| {
            UserError(format!(
                "--now {text:?}: use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ"
            ))
        })?,
    };
    let mailer = mail.mailer()?;
    let store = migrate(database).await?;
    let queued = mailer.clone().queued(store.clone());
    let report =
        mir_app::jobs::run_due_jobs(&store, &queued, now, mail.base_url.trim_end_matches('/'))
            .await?;
    // Send what the jobs queued before this one-off command ends.
    while mir_app::mail::deliver_due(&store, &mailer, 100).await?.sent > 0 {}
    println!("{report}");
    store.close().await;
    Ok(())
}

/// `YYYY-MM-DD` (midnight UTC) or RFC 3339, as a Unix time.
fn parse_time(text: &str) -> Option<i64> {
    let rfc3339 = time::format_description::well_known::Rfc3339;
    if let Ok(t) = time::OffsetDateTime::parse(text, &rfc3339) {
        return Some(t.unix_timestamp());
    }
    let date_format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(text, &date_format)
        .ok()
        .map(|d| d.midnight().assume_utc().unix_timestamp())
}
