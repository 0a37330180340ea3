//! What the tests of the real `mir` binary share: starting it, talking HTTP to it.
#![allow(dead_code)] // each test file uses a different part

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub const MIR: &str = env!("CARGO_BIN_EXE_mir");

pub fn mir() -> Command {
    let mut command = Command::new(MIR);
    command
        .env_remove("MIR_DATABASE_URL")
        .env_remove("MIR_ADDR")
        .env_remove("MIR_DEMO")
        .env("MIR_LOG_FORMAT", "json")
        .env("RUST_LOG", "info");
    command
}

/// A running `mir serve` and the address it listens on.
pub struct Server {
    pub child: Child,
    pub addr: String,
    pub log: mpsc::Receiver<String>,
}

/// A server left running when a test fails or returns early is killed, never left behind.
impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A `mir serve` started, perhaps not listening yet.
pub struct Launched {
    child: Child,
    log: mpsc::Receiver<String>,
}

impl Launched {
    /// Waits until it listens (at most 20 s).
    pub fn ready(self) -> Server {
        let Launched { child, log } = self;
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
}

impl Server {
    pub fn start(command: Command) -> Server {
        Server::launch(command).ready()
    }

    /// Starts the process without waiting for it to listen (to start several at once).
    pub fn launch(mut command: Command) -> Launched {
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
        Launched { child, log }
    }

    /// Log lines printed since last asked, after a moment for the last to arrive.
    pub fn log_so_far(&self) -> Vec<String> {
        std::thread::sleep(Duration::from_millis(50));
        self.log.try_iter().collect()
    }

    /// Log lines printed since last asked.
    pub fn new_log_lines(&self) -> Vec<String> {
        self.log.try_iter().collect()
    }

    pub fn get(&self, path: &str) -> String {
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
    pub fn terminate(mut self) -> (Option<i32>, Vec<String>) {
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

pub fn serve_command(database: &str) -> Command {
    let mut command = mir();
    command.args(["serve", "--addr", "127.0.0.1:0", "--database", database]);
    command
}

pub fn sqlite_url(dir: &tempfile::TempDir, name: &str) -> String {
    format!("sqlite://{}?mode=rwc", dir.path().join(name).display())
}

/// One HTTP/1.1 exchange with the server from a chosen loopback source address.
pub fn exchange_from(source: &str, addr: &str, request: &str) -> String {
    try_exchange_from(source, addr, request).expect("an answer from the server")
}

/// The same, for a server that may be gone (killed): the error instead of a panic. A response
/// cut short returns what arrived.
pub fn try_exchange_from(source: &str, addr: &str, request: &str) -> std::io::Result<String> {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    let from: std::net::SocketAddr = format!("{source}:0")
        .parse()
        .map_err(std::io::Error::other)?;
    socket.bind(&from.into())?;
    let to: std::net::SocketAddr = addr.parse().map_err(std::io::Error::other)?;
    socket.connect(&to.into())?;
    let mut stream: TcpStream = socket.into();
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    stream.write_all(request.as_bytes())?;
    let mut response = Vec::new();
    // A server killed mid-answer resets the connection: keep what came before.
    let _ = stream.read_to_end(&mut response);
    Ok(String::from_utf8_lossy(&response).into_owned())
}

/// A visitor: the cookies the server gave it so far, sent with every request, from one
/// loopback source address (rate limits count per address).
#[derive(Debug, Clone)]
pub struct Visitor {
    pub source: String,
    cookies: Vec<(String, String)>,
}

impl Visitor {
    pub fn new(source: &str) -> Visitor {
        Visitor {
            source: source.to_owned(),
            cookies: Vec::new(),
        }
    }

    /// The `Cookie` header value it sends.
    pub fn cookie(&self) -> String {
        self.cookies
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// GET `path` from the server at `addr`; returns the whole response.
    pub fn get(&mut self, addr: &str, path: &str) -> String {
        self.send(addr, "GET", path, "")
    }

    /// POST a form (already URL-encoded) to `path`.
    pub fn post(&mut self, addr: &str, path: &str, body: &str) -> String {
        self.send(addr, "POST", path, body)
    }

    fn send(&mut self, addr: &str, method: &str, path: &str, body: &str) -> String {
        let form = if method == "POST" {
            format!(
                "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
                body.len()
            )
        } else {
            String::new()
        };
        // A server that is gone answers nothing (status 0).
        let response = try_exchange_from(
            &self.source,
            addr,
            &format!(
                "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nCookie: {}\r\n{form}\r\n{body}",
                self.cookie()
            ),
        )
        .unwrap_or_default();
        let head = response.split("\r\n\r\n").next().unwrap_or_default();
        for line in head.lines() {
            let Some(set) = line
                .strip_prefix("set-cookie: ")
                .or_else(|| line.strip_prefix("Set-Cookie: "))
            else {
                continue;
            };
            let pair = set.split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                self.cookies.retain(|(n, _)| n != name);
                if !value.is_empty() {
                    self.cookies.push((name.to_owned(), value.to_owned()));
                }
            }
        }
        response
    }

    /// Signs in with a password through the server at `addr`; panics if refused.
    pub fn sign_in(&mut self, addr: &str, email: &str, password: &str) {
        assert!(self.try_sign_in(addr, email, password), "signed in");
    }

    /// The form token this visitor's cookie carries (forms check it against the cookie).
    pub fn csrf(&self) -> String {
        self.cookies
            .iter()
            .find(|(name, _)| name == "mir_csrf")
            .map(|(_, value)| value.clone())
            .unwrap_or_default()
    }

    /// Signs in; false if the server refused or is gone.
    pub fn try_sign_in(&mut self, addr: &str, email: &str, password: &str) -> bool {
        let page = self.get(addr, "/sign-in");
        if status_of(&page) != 200 {
            return false;
        }
        let token = form_token(&page);
        let answer = self.post(
            addr,
            "/sign-in",
            &format!(
                "csrf_token={token}&email={}&password={}",
                email.replace('@', "%40"),
                password.replace(' ', "+")
            ),
        );
        status_of(&answer) == 303
    }
}

/// The form token on a page (the first form's).
pub fn form_token(page: &str) -> String {
    page.split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("a form token on the page: {page}"))
        .to_owned()
}

/// The HTTP status of a response.
pub fn status_of(response: &str) -> u16 {
    response
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0)
}

/// A PostgreSQL test database (its own schema), or `None` when `MIR_TEST_POSTGRES_URL` is not
/// set (the test then returns: `./scripts/test` sets it, and CI fails without it).
pub fn postgres_db(runtime: &tokio::runtime::Runtime) -> Option<mir_store::testing::TestDb> {
    runtime
        .block_on(mir_store::testing::TestDb::postgres())
        .expect("postgres test database")
}

/// Runs one statement on a database, for tests that need a state no command makes.
pub fn run_sql(url: &str, sql: &str) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(url).await.expect("open");
        sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
            .execute(&pool)
            .await
            .expect("statement");
        pool.close().await;
    });
}
