//! `mir backup`, `mir restore` and `mir verify`: keeping a copy, putting it back, and checking
//! that two databases hold the same (docs/operations.md).

use std::path::Path;

use mir_store::{DatabaseUrl, Engine, Store};

use crate::AnyError;
use crate::progress::Progress;

/// Every table's digest, showing which table it has reached.
async fn digest(store: &Store, label: &str) -> Result<Vec<mir_store::TableDigest>, AnyError> {
    let progress = Progress::counted(label, "tables");
    let digests = store.content_digest_with(&progress.callback()).await;
    progress.finish();
    Ok(digests?)
}

/// A consistent copy of a live SQLite database, made while it serves.
pub async fn backup(database: &DatabaseUrl, output: &Path) -> Result<(), AnyError> {
    if database.engine() == Engine::Postgres {
        return Err(
            "backups of PostgreSQL are made with pg_dump --format=custom, and put back \
                    with pg_restore; `mir verify` checks the result (see docs/operations.md)"
                .into(),
        );
    }
    if output.exists() {
        return Err(format!(
            "{} exists already: choose a new file name (a backup never overwrites one)",
            output.display()
        )
        .into());
    }
    let started = std::time::Instant::now();
    let store = Store::connect(database).await?;
    let progress = Progress::spinner("Making the backup");
    let made = store.backup_sqlite_into(output).await;
    progress.finish();
    made?;
    // A backup holds everyone's personal data: readable by its owner only.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(output, std::fs::Permissions::from_mode(0o600))?;
    }
    let size = std::fs::metadata(output).map(|m| m.len()).unwrap_or(0);
    println!(
        "Backup written to {} ({} MB) in {:.1} s.",
        output.display(),
        size / 1_000_000,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Puts a backup file in place of the SQLite database. The server must be stopped.
pub async fn restore(database: &DatabaseUrl, file: &Path, force: bool) -> Result<(), AnyError> {
    let Some(target) = database.sqlite_file() else {
        return Err(
            "restore puts an SQLite backup file back; for PostgreSQL use pg_restore \
                    (see docs/operations.md)"
                .into(),
        );
    };
    if !file.is_file() {
        return Err(format!("there is no backup file at {}", file.display()).into());
    }
    // A server using the database keeps its write-ahead log beside it; replacing the file under
    // it would lose every write it acknowledges afterwards (review finding). Refused even with
    // --force: stop the server first.
    let in_use: Vec<String> = ["-wal", "-shm"]
        .iter()
        .map(|suffix| format!("{}{suffix}", target.display()))
        .filter(|side| Path::new(side).exists())
        .collect();
    if !in_use.is_empty() {
        return Err(format!(
            "{} looks in use ({} beside it): stop mir serve first. If no server is running (it \
             stopped without closing), run `mir migrate --database …` once to close it cleanly, \
             then restore again",
            target.display(),
            in_use.join(" and ")
        )
        .into());
    }
    // Checked as a copy beside the target (the backup itself is never opened for writing):
    // a damaged or foreign file is refused before anything is changed, and the copy is then
    // moved over the target in one step, so a failure never leaves a half-restored database.
    let partial = target.with_extension("restoring");
    remove_with_sidecars(&partial);
    std::fs::copy(file, &partial)?;
    let progress = Progress::spinner("Checking the backup");
    let checked = check_backup(&partial, file).await;
    progress.finish();
    let tables = match checked {
        Ok(tables) => tables,
        Err(error) => {
            remove_with_sidecars(&partial);
            return Err(error);
        }
    };
    if target.exists() {
        let current = Store::connect(database).await?;
        let holds_data = current.holds_data().await?;
        current.close().await;
        if holds_data && !force {
            remove_with_sidecars(&partial);
            return Err(format!(
                "the database {} already holds people or organisations; to replace it with the \
                 backup, stop the server and add --force",
                target.display()
            )
            .into());
        }
    }
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(sidecar(&target, suffix));
    }
    std::fs::rename(&partial, &target)?;
    let restored = Store::connect(database).await?;
    restored.migrate().await?;
    println!(
        "Restored {} into {} ({} tables). Start the server again.",
        file.display(),
        target.display(),
        tables.len()
    );
    Ok(())
}

/// Opens the copy of a backup and checks it is a whole mir database; returns its application
/// tables' names (not their rows: `integrity_check` has read the whole file already).
async fn check_backup(copy: &Path, original: &Path) -> Result<Vec<String>, AnyError> {
    let url: DatabaseUrl = format!("sqlite://{}", copy.display()).parse()?;
    let store = Store::connect(&url)
        .await
        .map_err(|e| format!("{} is not a database mir can open: {e}", original.display()))?;
    let check = store.integrity_check().await;
    let tables = store.table_names().await;
    store.close().await;
    match check {
        Ok(check) if check == "ok" => {}
        Ok(check) => return Err(format!("{} is damaged: {check}", original.display()).into()),
        Err(e) => return Err(format!("{} is not a database: {e}", original.display()).into()),
    }
    let tables = tables.map_err(|e| format!("{} cannot be read: {e}", original.display()))?;
    if !tables.iter().any(|t| t == "organisations") {
        return Err(format!("{} is not a mir database", original.display()).into());
    }
    Ok(tables)
}

fn sidecar(path: &Path, suffix: &str) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    name.into()
}

/// Removes a database file and its WAL and shared-memory files, if there.
fn remove_with_sidecars(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(sidecar(path, suffix));
    }
}

/// Compares two databases table by table; an error (exit status 1) when they differ.
pub async fn verify(database: &DatabaseUrl, against: &DatabaseUrl) -> Result<(), AnyError> {
    let (a, b) = (
        Store::connect(database).await?,
        Store::connect(against).await?,
    );
    let (left, right) = (
        digest(&a, "Reading the first").await?,
        digest(&b, "Reading the second").await?,
    );
    let mut names: Vec<&str> = left
        .iter()
        .chain(&right)
        .map(|t| t.table.as_str())
        .collect();
    names.sort_unstable();
    names.dedup();
    let mut differ = Vec::new();
    println!("{:<28} {:>10} {:>10}  same?", "table", "rows", "against");
    for name in names {
        let l = left.iter().find(|t| t.table == name);
        let r = right.iter().find(|t| t.table == name);
        let same = matches!((l, r), (Some(l), Some(r)) if l.rows == r.rows && l.digest == r.digest);
        let rows =
            |t: Option<&mir_store::TableDigest>| t.map_or("-".into(), |t| t.rows.to_string());
        println!(
            "{name:<28} {:>10} {:>10}  {}",
            rows(l),
            rows(r),
            if same { "yes" } else { "NO" }
        );
        if !same {
            differ.push(name.to_owned());
        }
    }
    if differ.is_empty() {
        println!("The two databases hold the same data.");
        Ok(())
    } else {
        Err(format!("the databases differ in: {}", differ.join(", ")).into())
    }
}

/// Copies everything from one database to another (SQLite to PostgreSQL or back), all or
/// nothing, then checks the two hold the same with the same digests as `mir verify`.
pub async fn copy(
    from: &DatabaseUrl,
    to: &DatabaseUrl,
    skip_sessions: bool,
) -> Result<(), AnyError> {
    let started = std::time::Instant::now();
    let source = Store::connect(from).await?;
    let target = Store::connect(to).await?;
    // Both at the same schema version: the copy is table for table.
    source.migrate().await?;
    target.migrate().await?;
    if target.holds_data().await? {
        return Err(format!(
            "{} already holds people or organisations: copy into a new, empty database",
            to.redacted()
        )
        .into());
    }
    let skip: &[&str] = if skip_sessions { &["sessions"] } else { &[] };
    let progress = Progress::counted("Copying", "rows");
    let copied = source.copy_into(&target, skip, &progress.callback()).await;
    progress.finish();
    let copied = copied?;
    let rows: i64 = copied.iter().map(|(_, n)| n).sum();
    println!(
        "Copied {rows} rows in {} tables from {} to {} in {:.1} s.",
        copied.len(),
        from.redacted(),
        to.redacted(),
        started.elapsed().as_secs_f64()
    );
    let (left, right) = (
        digest(&source, "Checking the original").await?,
        digest(&target, "Checking the copy").await?,
    );
    let differ: Vec<&str> = left
        .iter()
        .filter(|t| !skip.contains(&t.table.as_str()))
        .filter(|l| {
            !right
                .iter()
                .any(|r| r.table == l.table && r.rows == l.rows && r.digest == l.digest)
        })
        .map(|t| t.table.as_str())
        .collect();
    if differ.is_empty() {
        println!("Verified: both hold the same data (every table's rows and digest).");
        Ok(())
    } else {
        Err(format!("after the copy, these tables differ: {}", differ.join(", ")).into())
    }
}
