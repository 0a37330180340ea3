//! Drives the real router in-process, one isolated database per test.

#![allow(dead_code)] // not every helper is used by every module

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use mir_store::testing::TestDb;
use mir_web::{AppState, WebConfig, router};
use scraper::{Html, Selector};
use tower::ServiceExt;

pub struct TestApp {
    pub router: Router,
    pub db: TestDb,
    /// Where this app's emails are written.
    pub mail_dir: tempfile::TempDir,
}

#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl TestResponse {
    pub fn html(&self) -> Html {
        Html::parse_document(&self.body)
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// `name=value` of a cookie this response sets, if any.
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{name}=")))
            .map(|v| v.split(';').next().unwrap_or("").to_owned())
    }

    pub fn set_cookie_full(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{name}=")))
            .map(str::to_owned)
    }
}

pub fn select<'a>(html: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    let selector = Selector::parse(css).expect("valid selector");
    html.select(&selector).collect()
}

pub fn text(element: &scraper::ElementRef<'_>) -> String {
    element
        .text()
        .collect::<Vec<_>>()
        .join("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

impl TestApp {
    pub async fn sqlite() -> TestApp {
        let db = TestDb::sqlite().await.expect("sqlite test database");
        TestApp::on(db)
    }

    pub async fn postgres() -> Option<TestApp> {
        let db = TestDb::postgres().await.expect("postgres test database")?;
        Some(TestApp::on(db))
    }

    pub fn on(db: TestDb) -> TestApp {
        TestApp::with_config(db, WebConfig::default())
    }

    pub fn with_config(db: TestDb, config: WebConfig) -> TestApp {
        let mail_dir = tempfile::tempdir().expect("mail dir");
        let mailer = mir_app::mail::Mailer::new(
            None,
            mail_dir.path().to_path_buf(),
            "Making it Real <no-reply@localhost>",
        )
        .expect("mailer");
        // As in `mir serve`: emails go through the outbox; `mails()` sends what waits.
        let state = AppState::new(db.store.clone(), mailer.queued(db.store.clone()), config);
        TestApp {
            router: router(state),
            db,
            mail_dir,
        }
    }

    /// As if the server restarted: the same database, nothing kept in memory.
    pub fn restart(&mut self) {
        let mailer = mir_app::mail::Mailer::new(
            None,
            self.mail_dir.path().to_path_buf(),
            "Making it Real <no-reply@localhost>",
        )
        .expect("mailer");
        self.router = router(AppState::new(
            self.db.store.clone(),
            mailer.queued(self.db.store.clone()),
            WebConfig::default(),
        ));
    }

    /// Sends what waits in the outbox, as the worker in `mir serve` would.
    /// A mailer that writes straight into this app's mail folder, for tests that call
    /// use-cases directly.
    pub fn mailer(&self) -> mir_app::mail::Mailer {
        mir_app::mail::Mailer::new(
            None,
            self.mail_dir.path().to_path_buf(),
            "Making it Real <no-reply@example.org>",
        )
        .expect("mailer")
    }

    pub async fn deliver_mail(&self) {
        let mailer = mir_app::mail::Mailer::new(
            None,
            self.mail_dir.path().to_path_buf(),
            "Making it Real <no-reply@localhost>",
        )
        .expect("mailer");
        while mir_app::mail::deliver_due(&self.db.store, &mailer, 100)
            .await
            .expect("outbox")
            .sent
            > 0
        {}
    }

    /// The emails sent so far (after sending what waits in the outbox), oldest first, with
    /// quoted-printable soft breaks undone.
    pub async fn mails(&self) -> Vec<String> {
        self.deliver_mail().await;
        let mut files: Vec<_> = std::fs::read_dir(self.mail_dir.path())
            .expect("mail dir")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .collect();
        files.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
        files
            .iter()
            .map(|p| {
                std::fs::read_to_string(p)
                    .expect("mail")
                    .replace("=\r\n", "")
                    .replace("=3D", "=")
            })
            .collect()
    }

    pub async fn send(&self, request: Request<Body>) -> TestResponse {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        TestResponse {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.get_with_cookie(path, None).await
    }

    pub async fn get_with_cookie(&self, path: &str, cookie: Option<&str>) -> TestResponse {
        let mut request = Request::builder().method(Method::GET).uri(path);
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(request.body(Body::empty()).expect("request"))
            .await
    }

    pub async fn post_form(&self, path: &str, body: &str, cookie: Option<&str>) -> TestResponse {
        let mut request = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(request.body(Body::from(body.to_owned())).expect("request"))
            .await
    }

    /// Sends a form as the signed-in person with `cookies` would: with their form token.
    pub async fn post_as(&self, path: &str, body: &str, cookies: &str) -> TestResponse {
        let token = csrf_of(cookies);
        self.post_form(path, &format!("csrf_token={token}&{body}"), Some(cookies))
            .await
    }

    pub async fn cleanup(self) {
        self.db.cleanup().await;
    }
}

impl TestApp {
    /// Signs a person in through the real sign-in link pages; returns the cookies to send.
    pub async fn sign_in(&self, email: &str, national_admin: bool) -> String {
        let link = mir_app::accounts::create_sign_in_link(
            &self.db.store,
            &mir_app::Actor::Operator,
            email,
            national_admin,
        )
        .await
        .expect("link");
        let path = format!("/sign-in/link/{}", link.token);
        let page = self.get(&path).await;
        let csrf = page.set_cookie("mir_csrf").expect("csrf cookie");
        let token = csrf.trim_start_matches("mir_csrf=").to_owned();
        let done = self
            .post_form(&path, &format!("csrf_token={token}"), Some(&csrf))
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "signed in");
        let session = done.set_cookie("mir_session").expect("session cookie");
        format!("{csrf}; {session}")
    }

    /// Posts multipart form data: `(field, file name, bytes)`; a `None` file name is a text field.
    pub async fn post_multipart(
        &self,
        path: &str,
        parts: &[(&str, Option<&str>, &[u8])],
        cookie: &str,
    ) -> TestResponse {
        let boundary = "mir-test-boundary-7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        for (name, file_name, bytes) in parts {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            match file_name {
                Some(file) => body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
                ),
                None => body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
                ),
            }
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let request = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header(header::COOKIE, cookie)
            .body(Body::from(body))
            .expect("request");
        self.send(request).await
    }
}

/// The CSRF token inside a cookie header made by [`TestApp::sign_in`].
pub fn csrf_of(cookies: &str) -> String {
    cookies
        .split("; ")
        .find_map(|c| c.strip_prefix("mir_csrf="))
        .expect("csrf cookie")
        .to_owned()
}

/// Every `(method, pattern)` the router declares, read from its source, so that a test over
/// all routes (the role matrix, the hostile-input suite) covers a new route by itself.
pub fn declared_routes() -> Vec<(String, String)> {
    let source = include_str!("../../src/router.rs");
    let mut routes = Vec::new();
    for declaration in source.split(".route(").skip(1) {
        let pattern = declaration
            .split('"')
            .nth(1)
            .expect("a route pattern")
            .to_owned();
        // The handlers end where the next route or the fallback begins.
        let handlers = declaration
            .split(".fallback(")
            .next()
            .unwrap_or(declaration);
        for method in ["get", "post"] {
            let called = handlers.contains(&format!(" {method}("))
                || handlers.contains(&format!(".{method}("))
                || handlers.contains(&format!("({method}("));
            if called {
                routes.push((method.to_uppercase(), pattern.clone()));
            }
        }
    }
    routes
}

/// Runs each `async fn test(app: &TestApp)` on both engines, as the tests `test::sqlite` and
/// `test::postgres` (the second skipped, with a line on stderr, when `MIR_TEST_POSTGRES_URL`
/// is not set), and drops the test's database afterwards.
#[allow(unused_macros)] // `queries.rs` shares this file and runs on one engine
macro_rules! both_engines {
    ($($test:ident),+ $(,)?) => {$(
        mod $test {
            #[tokio::test]
            async fn sqlite() {
                let app = $crate::support::TestApp::sqlite().await;
                super::$test(&app).await;
                app.cleanup().await;
            }

            #[tokio::test]
            async fn postgres() {
                let Some(app) = $crate::support::TestApp::postgres().await else {
                    eprintln!("skipped: MIR_TEST_POSTGRES_URL is not set");
                    return;
                };
                super::$test(&app).await;
                app.cleanup().await;
            }
        }
    )+};
}

/// A group as most journeys need it: an approved organisation with an administrator (co-chair,
/// staff side), an Expert by Experience (co-chair), a carer and a member of staff, each signed
/// in (the fields are their cookies). The demonstration framework is loaded first.
pub struct Group {
    pub slug: String,
    pub admin: String,
    pub expert: String,
    pub carer: String,
    pub staff: String,
}

pub async fn group(app: &TestApp, sign_up: &mir_store::SignUp) -> Group {
    use mir_domain::organisation::{OrganisationStatus, Role};
    use mir_store::{MemberRepo, PeopleRepo, SignUpRepo};
    mir_app::demo::load_demo_data(&app.db.store)
        .await
        .expect("demo framework");
    let store = &app.db.store;
    let mut cookies = Vec::new();
    let mut ids = Vec::new();
    for name in ["admin", "expert", "carer", "staff"] {
        let email = format!("{name}@example.org");
        cookies.push(app.sign_in(&email, false).await);
        ids.push(
            store
                .upsert_person(&email, false, 1)
                .await
                .expect("person")
                .id,
        );
    }
    let (org, slug) = store
        .create_signed_up_organisation(sign_up, ids[0], 1)
        .await
        .expect("org");
    store
        .decide_organisation(org, OrganisationStatus::Approved, None, 2)
        .await
        .expect("approved");
    for (id, role, co_chair) in [
        (ids[0], Role::Admin, true),
        (ids[1], Role::ExpertByExperience, true),
        (ids[2], Role::Carer, false),
        (ids[3], Role::Staff, false),
    ] {
        store
            .put_member(org, id, role, co_chair, 1)
            .await
            .expect("member");
    }
    let [admin, expert, carer, staff] = <[String; 4]>::try_from(cookies).expect("four");
    Group {
        slug,
        admin,
        expert,
        carer,
        staff,
    }
}
