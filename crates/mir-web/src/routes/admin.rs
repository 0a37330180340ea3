//! The national programme team's pages: adding a framework version from the browser, with the
//! importer's checks shown as an error summary and a preview before it is published.

use crate::params::Path;
use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use mir_app::frameworks::{
    UploadPreview, UploadedFile, discard_upload, preview_upload, publish_upload, upload_framework,
    write_easy_read,
};
use mir_app::policy::{Action, authorize};
use mir_domain::framework::Problem;
use mir_domain::validation::FieldErrors;
use serde::Deserialize;

use super::CurrentActor;
use crate::AppState;
use crate::error::WebError;
use crate::form::{self, Outcome};
use crate::middleware::cookies;
use crate::middleware::csrf::{self, CsrfForm};
use crate::middleware::session::Session;
use crate::page::{PageContext, ok, render};

/// Largest upload accepted: a framework file and its pictures.
pub const UPLOAD_LIMIT_BYTES: usize = 5 * 1024 * 1024;

#[derive(Template)]
#[template(path = "admin/home.html")]
struct HomePage {
    ctx: PageContext,
    outbox: mir_store::OutboxReport,
    /// Sign-ups waiting for a decision.
    waiting: usize,
    /// Why links in emails may not work (no `--base-url` for a public server).
    base_url_warning: Option<String>,
}

impl HomePage {
    fn when(&self, at: &i64) -> String {
        super::when(at)
    }
}

/// `GET /admin`
pub async fn home(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ctx: PageContext,
) -> Result<Response, WebError> {
    authorize(&actor, Action::ViewAdmin)?;
    let outbox = mir_app::mail::outbox_report(&state.store, &actor).await?;
    let waiting = mir_app::organisations::awaiting_approval(&state.store, &actor)
        .await?
        .len();
    ok(&HomePage {
        ctx,
        outbox,
        waiting,
        base_url_warning: state.config.base_url_warning.clone(),
    })
}

/// A problem as the upload page shows it: where, what, and the line of the file.
struct ShownProblem {
    problem: Problem,
    line_text: String,
}

#[derive(Template)]
#[template(path = "admin/upload.html")]
struct UploadPage {
    ctx: PageContext,
    /// Problems with the form itself (no file chosen, two framework files…).
    form_error: Option<String>,
    /// Problems in the file.
    problems: Vec<ShownProblem>,
    file_name: String,
}

/// `GET /admin/frameworks/new`
pub async fn new(
    CurrentActor(actor): CurrentActor,
    ctx: PageContext,
) -> Result<Response, WebError> {
    authorize(&actor, Action::ImportFramework)?;
    ok(&UploadPage {
        ctx,
        form_error: None,
        problems: Vec::new(),
        file_name: String::new(),
    })
}

/// `POST /admin/frameworks/new`: multipart with the framework file and any pictures.
pub async fn upload(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    headers: HeaderMap,
    ctx: PageContext,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    authorize(&actor, Action::ImportFramework)?;
    let mut token = None;
    let mut files: Vec<UploadedFile> = Vec::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| WebError::BadRequest)?
    {
        match field.name() {
            Some("csrf_token") => {
                token = Some(field.text().await.map_err(|_| WebError::BadRequest)?)
            }
            Some("files") => {
                let name = field.file_name().unwrap_or("").to_owned();
                let bytes = field.bytes().await.map_err(|_| WebError::TooLarge)?;
                if !name.is_empty() {
                    // Browsers send a bare name; keep only the last path part if one is sent.
                    let name = name.rsplit(['/', '\\']).next().unwrap_or("").to_owned();
                    files.push(UploadedFile {
                        name,
                        bytes: bytes.to_vec(),
                    });
                }
            }
            _ => {}
        }
    }
    csrf::verify(
        cookies::read(&headers, csrf::COOKIE).as_deref(),
        token.as_deref(),
    )?;

    let (framework_files, pictures): (Vec<UploadedFile>, Vec<UploadedFile>) = files
        .into_iter()
        .partition(|f| f.name.to_ascii_lowercase().ends_with(".toml"));
    let form_error = match framework_files.len() {
        0 => Some("Choose a framework file (a .toml file)"),
        1 => None,
        _ => Some("Choose only one framework file (.toml); the other files should be pictures"),
    };
    if let Some(message) = form_error {
        let page = UploadPage {
            ctx,
            form_error: Some(message.into()),
            problems: Vec::new(),
            file_name: String::new(),
        };
        return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let framework_file = &framework_files[0];
    let uploaded = upload_framework(&state.store, &actor, framework_file, &pictures).await;
    let rejection = match form::answer(uploaded, "files")? {
        Outcome::Done(preview) => {
            let to = format!("/admin/frameworks/uploads/{}", preview.upload_id);
            return Ok(Redirect::to(&to).into_response());
        }
        Outcome::Rejected(rejection) => rejection,
    };
    // A clash with what is published (the same version) is one message; a file's problems are
    // listed with their lines.
    let form_error = rejection.is_conflict().then(|| rejection.message());
    let source = String::from_utf8_lossy(&framework_file.bytes);
    let lines: Vec<&str> = source.lines().collect();
    let problems = rejection
        .file_problems
        .into_iter()
        .map(|problem| ShownProblem {
            line_text: lines
                .get(problem.line.saturating_sub(1))
                .copied()
                .unwrap_or("")
                .chars()
                .take(200)
                .collect(),
            problem,
        })
        .collect();
    let page = UploadPage {
        ctx,
        form_error,
        problems,
        file_name: framework_file.name.clone(),
    };
    render(rejection.status, &page)
}

#[derive(Template)]
#[template(path = "admin/preview.html")]
struct PreviewPage {
    ctx: PageContext,
    preview: UploadPreview,
}

impl PreviewPage {
    fn statements_in(&self, theme: &str) -> Vec<&mir_domain::framework::Statement> {
        self.preview
            .framework
            .statements
            .iter()
            .filter(|s| s.theme == theme)
            .collect()
    }
}

/// `GET /admin/frameworks/uploads/{id}`
pub async fn preview(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<i64>,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let preview = preview_upload(&state.store, &actor, id).await?;
    ok(&PreviewPage { ctx, preview })
}

#[derive(Debug, Default, Deserialize)]
pub struct Confirm {}

/// `POST /admin/frameworks/uploads/{id}/publish`
pub async fn publish(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<i64>,
    session: Session,
    CsrfForm(_): CsrfForm<Confirm>,
) -> Result<Response, WebError> {
    match form::answer(publish_upload(&state.store, &actor, id).await, "publish")? {
        Outcome::Done(report) => Ok(form::saved(
            &session,
            format!(
                "Published version {} of {}: {} themes and {} statements.",
                report.version, report.slug, report.themes, report.statements
            ),
            &format!("/frameworks/{}?version={}", report.slug, report.version),
        )),
        // Easy Read still to write, or the same version published meanwhile: say so on the
        // preview.
        Outcome::Rejected(rejection) => Ok(form::saved(
            &session,
            format!("Nothing was published: {}.", rejection.message()),
            &format!("/admin/frameworks/uploads/{id}"),
        )),
    }
}

#[derive(Template)]
#[template(path = "admin/easy_read.html")]
struct EasyReadPage {
    ctx: PageContext,
    preview: UploadPreview,
    /// What was typed, by gap key, when something was wrong.
    typed: Vec<(String, String)>,
    errors: FieldErrors,
}

impl EasyReadPage {
    fn typed(&self, key: &str) -> &str {
        self.typed
            .iter()
            .find(|(k, _)| k == key)
            .map_or("", |(_, v)| v.as_str())
    }

    fn error(&self, key: &str) -> Option<&str> {
        self.errors.for_field(&format!("easy-{key}"))
    }
}

/// `GET /admin/frameworks/uploads/{id}/easy-read`: the Easy Read a draft still needs.
pub async fn easy_read_form(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<i64>,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let preview = preview_upload(&state.store, &actor, id).await?;
    ok(&EasyReadPage {
        ctx,
        preview,
        typed: Vec::new(),
        errors: FieldErrors::new(),
    })
}

/// `POST /admin/frameworks/uploads/{id}/easy-read`: writes what was typed into the draft;
/// boxes left empty wait for later.
pub async fn easy_read_save(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<i64>,
    session: Session,
    ctx: PageContext,
    CsrfForm(pairs): CsrfForm<super::Pairs>,
) -> Result<Response, WebError> {
    let texts: Vec<(String, String)> = pairs
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("easy-")?.to_owned(), v.clone())))
        .collect();
    match form::answer(
        write_easy_read(&state.store, &actor, id, &texts).await,
        "easy-read",
    )? {
        Outcome::Done(0) => Ok(form::saved(
            &session,
            "Every text now has Easy Read words. Check the preview, then publish.",
            &format!("/admin/frameworks/uploads/{id}"),
        )),
        Outcome::Done(left) => Ok(form::saved(
            &session,
            format!(
                "Saved. {left} {} Easy Read words.",
                if left == 1 {
                    "text still needs"
                } else {
                    "texts still need"
                }
            ),
            &format!("/admin/frameworks/uploads/{id}/easy-read"),
        )),
        Outcome::Rejected(rejection) => {
            let preview = preview_upload(&state.store, &actor, id).await?;
            render(
                rejection.status,
                &EasyReadPage {
                    ctx,
                    preview,
                    typed: texts,
                    errors: rejection.errors,
                },
            )
        }
    }
}

/// `POST /admin/frameworks/uploads/{id}/discard`
pub async fn discard(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<i64>,
    session: Session,
    CsrfForm(_): CsrfForm<Confirm>,
) -> Result<Response, WebError> {
    discard_upload(&state.store, &actor, id).await?;
    Ok(form::saved(
        &session,
        "The uploaded file was discarded. Nothing was published.",
        "/admin",
    ))
}

// ---------------------------------------------------------------- Organisations awaiting approval

#[derive(Template)]
#[template(path = "admin/organisations.html")]
struct OrganisationsPage {
    ctx: PageContext,
    pending: Vec<mir_store::PendingOrganisation>,
    /// The organisation whose decline had no reason, and the reason typed so far.
    error_for: Option<i64>,
}

impl OrganisationsPage {
    fn status_label(&self, key: &str) -> &'static str {
        match key {
            "approved" => "signed up",
            "awaiting-approval" => "also waiting",
            "declined" => "declined",
            _ => "other",
        }
    }

    /// Whether the decline form of this organisation needs its reason.
    fn needs_reason(&self, id: &i64) -> bool {
        self.error_for == Some(*id)
    }

    fn area_names(&self, codes: &[String]) -> String {
        codes
            .iter()
            .map(|c| mir_domain::areas::council(c).map_or_else(|| c.clone(), |x| x.name.clone()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// `GET /admin/organisations`
pub async fn organisations(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let pending = mir_app::organisations::awaiting_approval(&state.store, &actor).await?;
    ok(&OrganisationsPage {
        ctx,
        pending,
        error_for: None,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecisionForm {
    reason: String,
}

async fn decide(
    state: AppState,
    actor: mir_app::Actor,
    id: i64,
    approve: bool,
    reason: String,
    session: Session,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let decided =
        mir_app::organisations::decide(&state.store, &state.mailer, &actor, id, approve, &reason)
            .await;
    match form::answer(decided, "reason")? {
        Outcome::Done(()) => Ok(form::saved(
            &session,
            if approve {
                "The organisation is approved and has been told."
            } else {
                "The sign-up is declined and the organisation has been told why."
            },
            "/admin/organisations",
        )),
        Outcome::Rejected(rejection) => {
            let pending = mir_app::organisations::awaiting_approval(&state.store, &actor).await?;
            render(
                rejection.status,
                &OrganisationsPage {
                    ctx,
                    pending,
                    error_for: Some(id),
                },
            )
        }
    }
}

/// `POST /admin/organisations/{id}/approve`
pub async fn approve(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<i64>,
    session: Session,
    ctx: PageContext,
    CsrfForm(_): CsrfForm<Confirm>,
) -> Result<Response, WebError> {
    decide(state, actor, id, true, String::new(), session, ctx).await
}

/// `POST /admin/organisations/{id}/decline`
pub async fn decline(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<i64>,
    session: Session,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> Result<Response, WebError> {
    decide(state, actor, id, false, form.reason, session, ctx).await
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    ctx: PageContext,
    events: Vec<mir_store::AuditEvent>,
}

/// `GET /admin/audit`: the newest changes across all organisations.
pub async fn audit(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let events = mir_app::audit::national_log(&state.store, &actor).await?;
    ok(&AuditPage { ctx, events })
}

#[derive(Template)]
#[template(path = "admin/people.html")]
struct PeoplePage {
    ctx: PageContext,
    people: Vec<(mir_store::Person, i64)>,
    problem: Option<String>,
}

/// `GET /admin/people`
pub async fn people(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let people = mir_app::accounts::all_people(&state.store, &actor).await?;
    ok(&PeoplePage {
        ctx,
        people,
        problem: None,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NationalAdminForm {
    national_admin: String,
}

/// `POST /admin/people/{id}/national-admin`
pub async fn set_national_admin(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<i64>,
    session: Session,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<NationalAdminForm>,
) -> Result<Response, WebError> {
    let on = form.national_admin == "yes";
    let set = mir_app::accounts::set_national_admin(&state.store, &actor, id, on).await;
    match form::answer(set, "national_admin")? {
        Outcome::Done(()) => Ok(form::saved(
            &session,
            if on {
                "They are now a national administrator."
            } else {
                "They are no longer a national administrator."
            },
            "/admin/people",
        )),
        Outcome::Rejected(rejection) => {
            let people = mir_app::accounts::all_people(&state.store, &actor).await?;
            render(
                rejection.status,
                &PeoplePage {
                    ctx,
                    people,
                    problem: Some(rejection.message()),
                },
            )
        }
    }
}
