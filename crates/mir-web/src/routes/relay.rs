//! Get in touch with an organisation (relayed by email), and report abuse to the national team.

use crate::params::{Path, Slug};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use mir_app::relay::{self, ContactInput, ContactTarget, MESSAGE_MAX_CHARS, ReportInput};
use mir_domain::validation::FieldErrors;

use super::Client;
use super::CurrentActor;
use crate::AppState;
use crate::error::WebError;
use crate::form::{self, Outcome};
use crate::middleware::csrf::CsrfForm;
use crate::middleware::session::Session;
use crate::page::{PageContext, ok, render};

#[derive(Template)]
#[template(path = "plans/contact.html")]
struct ContactPage {
    ctx: PageContext,
    slug: Slug,
    target: ContactTarget,
    form: ContactInput,
    errors: FieldErrors,
    max_chars: usize,
}

async fn contact_target(state: &AppState, slug: &str) -> Result<ContactTarget, WebError> {
    Ok(relay::contact_target(&state.store, slug).await?)
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct AboutQuery {
    about: String,
}

/// `GET /organisations/{slug}/contact`
pub async fn contact(
    State(state): State<AppState>,
    Path(slug): Path<Slug>,
    Query(query): Query<AboutQuery>,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let target = contact_target(&state, &slug).await?;
    ok(&ContactPage {
        ctx,
        slug,
        target,
        form: ContactInput {
            about: query.about,
            ..ContactInput::default()
        },
        errors: FieldErrors::new(),
        max_chars: MESSAGE_MAX_CHARS,
    })
}

/// `POST /organisations/{slug}/contact`
pub async fn send(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(slug): Path<Slug>,
    Client(client): Client,
    session: Session,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<ContactInput>,
) -> Result<Response, WebError> {
    let base = state.config.base_url.clone();
    let (store, mailer) = (&state.store, &state.mailer);
    let sent =
        relay::contact_organisation(store, mailer, &actor, &slug, &form, &client, &base).await;
    match form::answer(sent, "message")? {
        Outcome::Done(_) => Ok(form::saved(
            &session,
            "Your message is sent. The people who lead the group will reply to your email address.",
            &format!("/organisations/{slug}"),
        )),
        Outcome::Rejected(rejection) => {
            let target = contact_target(&state, &slug).await?;
            render(
                rejection.status,
                &ContactPage {
                    ctx,
                    slug,
                    target,
                    form,
                    errors: rejection.errors,
                    max_chars: MESSAGE_MAX_CHARS,
                },
            )
        }
    }
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    ctx: PageContext,
    form: ReportInput,
    errors: FieldErrors,
    max_chars: usize,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct PageQuery {
    page: String,
}

/// `GET /report`
pub async fn report(
    Query(query): Query<PageQuery>,
    ctx: PageContext,
) -> Result<Response, WebError> {
    ok(&ReportPage {
        ctx,
        form: ReportInput {
            page: query.page,
            ..ReportInput::default()
        },
        errors: FieldErrors::new(),
        max_chars: MESSAGE_MAX_CHARS,
    })
}

/// `POST /report`
pub async fn send_report(
    State(state): State<AppState>,
    Client(client): Client,
    session: Session,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<ReportInput>,
) -> Result<Response, WebError> {
    let sent = relay::report_abuse(&state.store, &state.mailer, &form, &client).await;
    match form::answer(sent, "message")? {
        Outcome::Done(()) => Ok(form::saved(
            &session,
            "Thank you. The national programme team will look at it.",
            "/report",
        )),
        Outcome::Rejected(rejection) => render(
            rejection.status,
            &ReportPage {
                ctx,
                form,
                errors: rejection.errors,
                max_chars: MESSAGE_MAX_CHARS,
            },
        ),
    }
}
