//! The `mir` command's contract, tested by running the built binary.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const MIR: &str = env!("CARGO_BIN_EXE_mir");

fn mir() -> Command {
    let mut command = Command::new(MIR);
    command
        .env_remove("MIR_DATABASE_URL")
        .env_remove("MIR_ADDR")
        .env_remove("MIR_DEMO")
        .env("MIR_LOG_FORMAT", "json")
        .env("RUST_LOG", "info");
    command
}

#[test]
fn an_unsupported_database_exits_2_with_one_line_naming_the_accepted_schemes() {
    for args in [
        vec!["serve", "--database", "mysql://x"],
        vec!["migrate", "--database", "mysql://x"],
        vec!["demo", "--database", "nonsense"],
    ] {
        let output = mir().args(&args).output().expect("run mir");
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
        assert!(
            stderr.contains("sqlite://") && stderr.contains("postgres://"),
            "{stderr}"
        );
    }
}

#[test]
fn help_describes_every_subcommand() {
    let output = mir().arg("--help").output().expect("run mir");
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for sub in ["serve", "migrate", "demo"] {
        assert!(help.contains(sub), "{help}");
    }
    let serve = mir().args(["serve", "--help"]).output().expect("run mir");
    let serve_help = String::from_utf8_lossy(&serve.stdout);
    for flag in [
        "--addr",
        "--database",
        "--demo",
        "MIR_ADDR",
        "MIR_DATABASE_URL",
        "MIR_DEMO",
        "127.0.0.1:8080",
        "sqlite://mir.db?mode=rwc",
    ] {
        assert!(
            serve_help.contains(flag),
            "serve --help lacks {flag}: {serve_help}"
        );
    }
}

#[test]
fn demo_and_migrate_are_repeatable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("mir.db").display());
    let migrate = mir()
        .args(["migrate", "--database", &url])
        .output()
        .expect("run");
    assert!(
        migrate.status.success(),
        "{}",
        String::from_utf8_lossy(&migrate.stderr)
    );
    let first = mir()
        .args(["demo", "--database", &url])
        .output()
        .expect("run");
    assert!(first.status.success());
    assert!(String::from_utf8_lossy(&first.stdout).contains("5 organisations added"));
    let second = mir()
        .args(["demo", "--database", &url])
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&second.stdout).contains("0 organisations added"));
}

/// A running `mir serve` and the address it listens on.
struct Server {
    child: Child,
    addr: String,
    log: mpsc::Receiver<String>,
}

impl Server {
    fn start(mut command: Command) -> Server {
        let mut child = command
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("start mir serve");
        let stderr = child.stderr.take().expect("stderr");
        let (sender, log) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let addr = loop {
            let line = log
                .recv_timeout(Duration::from_secs(20))
                .expect("mir serve starts");
            if let Some(rest) = line.split("listening on http://").nth(1) {
                break rest.split('"').next().expect("address").to_owned();
            }
        };
        Server { child, addr, log }
    }

    fn get(&self, path: &str) -> String {
        let mut stream = TcpStream::connect(&self.addr).expect("connect");
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        )
        .expect("send");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("read");
        response
    }

    /// Sends SIGTERM and returns the exit code and the log lines printed meanwhile.
    fn terminate(mut self) -> (Option<i32>, Vec<String>) {
        let pid = self.child.id().to_string();
        let killed = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill");
        assert!(killed.success());
        let status = self.child.wait().expect("wait");
        let lines: Vec<String> = self.log.try_iter().collect();
        (status.code(), lines)
    }
}

fn serve_command(database: &str) -> Command {
    let mut command = mir();
    command.args(["serve", "--addr", "127.0.0.1:0", "--database", database]);
    command
}

#[test]
fn serve_starts_on_a_fresh_sqlite_file_loads_demo_once_and_stops_gracefully() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("fresh.db");
    let url = format!("sqlite://{}?mode=rwc", file.display());

    let mut command = serve_command(&url);
    command.env("MIR_DEMO", "1");
    let server = Server::start(command);
    assert!(file.exists(), "the database file is created");
    let health = server.get("/healthz");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    let home = server.get("/");
    assert!(home.contains("<h1>Good care and support"), "{home}");
    assert!(home.contains("Riverside Council (demonstration)"));
    let (code, lines) = server.terminate();
    assert_eq!(code, Some(0), "graceful exit");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("in-flight requests finished")),
        "{lines:?}"
    );
    assert!(lines.iter().all(|l| !l.contains("password")));

    // A second start with --demo adds nothing.
    let mut again = serve_command(&url);
    again.arg("--demo");
    let server = Server::start(again);
    let home = server.get("/");
    assert_eq!(
        home.matches("(demonstration)").count(),
        5,
        "still five organisations"
    );
    server.terminate();
}

#[test]
fn serve_runs_on_postgres_with_the_same_pages() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let Some(db) = runtime
        .block_on(mir_store::testing::TestDb::postgres())
        .expect("postgres test database")
    else {
        return;
    };
    let mut command = serve_command(db.url.expose());
    command.arg("--demo");
    let server = Server::start(command);
    let home = server.get("/");
    assert!(home.starts_with("HTTP/1.1 200"), "{home}");
    assert!(home.contains("<h1>Good care and support"));
    assert!(home.contains("Riverside Council (demonstration)"));
    assert!(server.get("/healthz").starts_with("HTTP/1.1 200"));
    let (code, _) = server.terminate();
    assert_eq!(code, Some(0));
    runtime.block_on(db.cleanup());
}

#[test]
fn the_start_log_shows_configuration_without_secrets() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A PostgreSQL URL with a password that is never used: the server fails to connect, but
    // the configuration line comes first and must hide the password.
    let url = "postgres://mir:hunter2@127.0.0.1:1/none";
    let output = mir()
        .args(["serve", "--addr", "127.0.0.1:0", "--database", url])
        .current_dir(dir.path())
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("starting mir"), "{stderr}");
    assert!(
        stderr.contains("postgres://mir:***@127.0.0.1:1/none"),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");
    assert!(!output.status.success());
}
