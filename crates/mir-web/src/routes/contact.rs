//! `/contact`: how to reach the people who run this service, and a feedback form.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use mir_app::feedback::{FeedbackInput, send_feedback};
use mir_app::policy::{Action, authorize};
use mir_domain::feedback::MESSAGE_MAX_CHARS;
use mir_domain::validation::FieldErrors;
use serde::Deserialize;

use super::CurrentActor;
use crate::AppState;
use crate::error::WebError;
use crate::form::{self, Outcome};
use crate::middleware::csrf::CsrfForm;
use crate::middleware::session::Session;
use crate::page::{PageContext, render};

/// The form as typed; missing fields arrive empty so validation can name them.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ContactForm {
    message: String,
    reply_email: String,
}

#[derive(Template)]
#[template(path = "contact.html")]
struct ContactPage {
    ctx: PageContext,
    form: ContactForm,
    errors: FieldErrors,
    max_chars: usize,
}

pub async fn show(
    CurrentActor(actor): CurrentActor,
    ctx: PageContext,
) -> Result<Response, WebError> {
    authorize(&actor, Action::ViewPublicPages)?;
    let page = ContactPage {
        ctx,
        form: ContactForm::default(),
        errors: FieldErrors::new(),
        max_chars: MESSAGE_MAX_CHARS,
    };
    render(StatusCode::OK, &page)
}

pub async fn send(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    super::Client(client): super::Client,
    session: Session,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<ContactForm>,
) -> Result<Response, WebError> {
    let input = FeedbackInput {
        message: form.message.clone(),
        reply_email: form.reply_email.clone(),
    };
    let sent = send_feedback(&state.store, &actor, &input, &client).await;
    match form::answer(sent, "message")? {
        Outcome::Done(_) => Ok(form::saved(
            &session,
            "Thank you. We have your message.",
            "/contact",
        )),
        // Show the form again with everything typed kept, and each problem by its field.
        Outcome::Rejected(rejection) => {
            let page = ContactPage {
                ctx,
                form,
                errors: rejection.errors,
                max_chars: MESSAGE_MAX_CHARS,
            };
            render(rejection.status, &page)
        }
    }
}
