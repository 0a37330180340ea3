//! Signing an organisation up: one question per page, then "check your answers" (the GOV.UK
//! question-page pattern). Answers are kept in the session, so nothing typed is lost between
//! pages, and each page can be changed from the check page.

use crate::params::{Path, Token};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mir_app::organisations::{SignUpDraft, Submitted, known_area, submit_sign_up};
use mir_domain::areas;
use mir_domain::organisation::{OrganisationKind, sign_up};
use mir_domain::validation::FieldErrors;
use mir_store::FrameworkVersionSummary;
use serde::Deserialize;

use super::CurrentActor;
use crate::AppState;
use crate::error::WebError;
use crate::form::{self, Outcome};
use crate::middleware::csrf::CsrfForm;
use crate::middleware::session::Session;
use crate::page::{PageContext, ok, render};

/// The questions, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Name,
    Kind,
    Areas,
    Website,
    Framework,
    Commitment,
    Email,
}

impl Step {
    const ALL: [Step; 7] = [
        Step::Name,
        Step::Kind,
        Step::Areas,
        Step::Website,
        Step::Framework,
        Step::Commitment,
        Step::Email,
    ];

    fn key(self) -> &'static str {
        match self {
            Step::Name => "name",
            Step::Kind => "kind",
            Step::Areas => "areas",
            Step::Website => "website",
            Step::Framework => "framework",
            Step::Commitment => "commitment",
            Step::Email => "email",
        }
    }

    fn parse(s: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|step| step.key() == s)
    }

    /// The page after this one; the email question only for people not signed in.
    fn next(self, signed_in: bool) -> String {
        let after = Step::ALL.iter().skip_while(|s| **s != self).nth(1).copied();
        match after {
            Some(Step::Email) if signed_in => "/manage/sign-up/check".into(),
            Some(step) => format!("/manage/sign-up/{}", step.key()),
            None => "/manage/sign-up/check".into(),
        }
    }

    fn back(self) -> String {
        let before = Step::ALL.iter().take_while(|s| **s != self).last().copied();
        before.map_or("/manage/sign-up".into(), |s| {
            format!("/manage/sign-up/{}", s.key())
        })
    }
}

#[derive(Template)]
#[template(path = "sign_up/start.html")]
struct StartPage {
    ctx: PageContext,
}

/// `GET /manage/sign-up`
pub async fn start(ctx: PageContext) -> Result<Response, WebError> {
    ok(&StartPage { ctx })
}

#[derive(Template)]
#[template(path = "sign_up/question.html")]
struct QuestionPage {
    ctx: PageContext,
    step: Step,
    draft: SignUpDraft,
    errors: FieldErrors,
    back: String,
    from_check: bool,
    kinds: Vec<(&'static str, &'static str)>,
    frameworks: Vec<FrameworkVersionSummary>,
    regions: Vec<(&'static str, Vec<&'static areas::Council>)>,
}

impl QuestionPage {
    fn is(&self, key: &str) -> bool {
        self.step.key() == key
    }

    fn area_name(&self, code: &str) -> String {
        areas::council(code).map_or_else(|| code.to_owned(), |c| c.name.clone())
    }

    fn framework_key(&self, f: &FrameworkVersionSummary) -> String {
        format!("{}@{}", f.slug, f.version)
    }

    fn title(&self) -> &'static str {
        match self.step {
            Step::Name => "What is your organisation called?",
            Step::Kind => "What kind of organisation is it?",
            Step::Areas => "Which council areas does it serve?",
            Step::Website => "What is its website? (optional)",
            Step::Framework => "Which framework will you use?",
            Step::Commitment => "What does your organisation commit to?",
            Step::Email => "What is your email address?",
        }
    }
}

async fn question_page(
    state: &AppState,
    ctx: PageContext,
    step: Step,
    draft: SignUpDraft,
    errors: FieldErrors,
    from_check: bool,
) -> Result<QuestionPage, WebError> {
    let frameworks = if step == Step::Framework {
        mir_app::organisations::framework_choices(&state.store).await?
    } else {
        Vec::new()
    };
    Ok(QuestionPage {
        ctx,
        step,
        draft,
        errors,
        back: if from_check {
            "/manage/sign-up/check".into()
        } else {
            step.back()
        },
        from_check,
        kinds: OrganisationKind::ALL
            .iter()
            .map(|k| (k.key(), k.label()))
            .collect(),
        frameworks,
        regions: if step == Step::Areas {
            areas::by_region()
        } else {
            Vec::new()
        },
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct ChangeQuery {
    #[serde(default)]
    change: Option<String>,
}

/// `GET /manage/sign-up/{step}`
pub async fn question(
    State(state): State<AppState>,
    Path(step): Path<String>,
    axum::extract::Query(query): axum::extract::Query<ChangeQuery>,
    session: Session,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let step = Step::parse(&step).ok_or(WebError::NotFound)?;
    let page = question_page(
        &state,
        ctx,
        step,
        session.sign_up_draft(),
        FieldErrors::new(),
        query.change.is_some(),
    )
    .await?;
    ok(&page)
}

/// Every field any question page sends; each page uses its own.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Answer {
    name: String,
    kind: String,
    area: String,
    remove: String,
    action: String,
    website: String,
    framework: String,
    commitment: String,
    email: String,
    from_check: String,
}

/// `POST /manage/sign-up/{step}`
pub async fn answer(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(step): Path<String>,
    super::Client(client): super::Client,
    session: Session,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<Answer>,
) -> Result<Response, WebError> {
    let step = Step::parse(&step).ok_or(WebError::NotFound)?;
    // Each answer is written to the visitor's session: bounded per client (finding 8).
    mir_app::rate_limit::check(
        &state.store,
        &[mir_app::rate_limit::Limit::per_client(
            "sign-up-answer",
            &client,
            100,
        )],
    )
    .await?;
    let signed_in = matches!(actor, mir_app::Actor::Person { .. });
    let from_check = !form.from_check.is_empty();
    let mut draft = session.sign_up_draft();
    // Keep what was typed even when it has a problem: it is shown again with the error.
    let checked: Result<(), FieldErrors> = match step {
        Step::Name => {
            draft.name = form.name.clone();
            sign_up::name(&form.name).map(|_| ())
        }
        Step::Kind => {
            draft.kind = form.kind.clone();
            sign_up::kind(&form.kind).map(|_| ())
        }
        Step::Areas => {
            if !form.remove.is_empty() {
                draft.areas.retain(|a| *a != form.remove);
                session.set_sign_up_draft(Some(draft));
                return Ok(Redirect::to("/manage/sign-up/areas").into_response());
            }
            if form.action == "add" || !form.area.is_empty() {
                match sign_up::area(&form.area, known_area) {
                    Ok(code) => {
                        if !draft.areas.contains(&code) {
                            draft.areas.push(code);
                        }
                        session.set_sign_up_draft(Some(draft));
                        let back = if from_check {
                            "/manage/sign-up/areas?change=1"
                        } else {
                            "/manage/sign-up/areas"
                        };
                        return Ok(Redirect::to(back).into_response());
                    }
                    Err(errors) if form.action == "add" => Err(errors),
                    Err(_) => sign_up::areas_chosen(&draft.areas),
                }
            } else {
                sign_up::areas_chosen(&draft.areas)
            }
        }
        Step::Website => {
            // Keep the address as it will be stored (with https://), or as typed if wrong.
            let checked = sign_up::website(&form.website);
            draft.website = match &checked {
                Ok(url) => url.clone().unwrap_or_default(),
                Err(_) => form.website.clone(),
            };
            checked.map(|_| ())
        }
        Step::Framework => {
            draft.framework = form.framework.clone();
            let exists = mir_app::organisations::framework_title(&state.store, &form.framework)
                .await?
                .is_some();
            if exists {
                Ok(())
            } else {
                let mut errors = FieldErrors::new();
                errors.add(
                    "framework",
                    "Select the framework version your organisation will use",
                );
                Err(errors)
            }
        }
        Step::Commitment => {
            draft.commitment = form.commitment.clone();
            sign_up::commitment(&form.commitment).map(|_| ())
        }
        Step::Email => {
            draft.email = form.email.clone();
            sign_up::email(&form.email).map(|_| ())
        }
    };
    session.set_sign_up_draft(Some(draft.clone()));
    match checked {
        Ok(()) => {
            let next = if from_check {
                "/manage/sign-up/check".to_owned()
            } else {
                step.next(signed_in)
            };
            Ok(Redirect::to(&next).into_response())
        }
        Err(errors) => {
            let page = question_page(&state, ctx, step, draft, errors, from_check).await?;
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

#[derive(Template)]
#[template(path = "sign_up/check.html")]
struct CheckPage {
    ctx: PageContext,
    draft: SignUpDraft,
    signed_in: bool,
    errors: FieldErrors,
    framework_title: String,
}

impl CheckPage {
    fn kind_label(&self) -> &'static str {
        self.draft
            .kind
            .parse::<OrganisationKind>()
            .map_or("", |k| k.label())
    }

    fn area_names(&self) -> String {
        self.draft
            .areas
            .iter()
            .map(|c| areas::council(c).map_or_else(|| c.clone(), |x| x.name.clone()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

async fn check_page(
    state: &AppState,
    ctx: PageContext,
    draft: SignUpDraft,
    signed_in: bool,
    errors: FieldErrors,
) -> Result<CheckPage, WebError> {
    let framework_title = mir_app::organisations::framework_title(&state.store, &draft.framework)
        .await?
        .unwrap_or_default();
    Ok(CheckPage {
        ctx,
        draft,
        signed_in,
        errors,
        framework_title,
    })
}

/// `GET /manage/sign-up/check`
pub async fn check(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    session: Session,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let signed_in = matches!(actor, mir_app::Actor::Person { .. });
    let page = check_page(
        &state,
        ctx,
        session.sign_up_draft(),
        signed_in,
        FieldErrors::new(),
    )
    .await?;
    ok(&page)
}

#[derive(Debug, Default, Deserialize)]
pub struct Confirm {}

#[derive(Template)]
#[template(path = "sign_up/done.html")]
struct DonePage {
    ctx: PageContext,
    submitted: Submitted,
}

/// `POST /manage/sign-up/check`: sends the sign-up.
pub async fn submit(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    super::Client(client): super::Client,
    session: Session,
    ctx: PageContext,
    CsrfForm(_): CsrfForm<Confirm>,
) -> Result<Response, WebError> {
    let draft = session.sign_up_draft();
    let signed_in = matches!(actor, mir_app::Actor::Person { .. });
    let (store, mailer, base) = (&state.store, &state.mailer, &state.config.base_url);
    let submitted = submit_sign_up(store, mailer, &actor, &draft, &client, base).await;
    match form::answer(submitted, "name")? {
        Outcome::Done(submitted) => {
            session.set_sign_up_draft(None);
            ok(&DonePage { ctx, submitted })
        }
        Outcome::Rejected(rejection) => {
            let page = check_page(&state, ctx, draft, signed_in, rejection.errors).await?;
            render(rejection.status, &page)
        }
    }
}

#[derive(Template)]
#[template(path = "sign_up/confirm.html")]
struct ConfirmSignUpPage {
    ctx: PageContext,
    token: Token,
    /// The organisation's name, so the person knows what they confirm.
    name: Option<String>,
    failed: bool,
}

/// `GET /manage/sign-up/confirm/{token}`: a button, so that mail scanners opening the link
/// create nothing.
pub async fn confirm_page(
    State(state): State<AppState>,
    Path(token): Path<Token>,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let name = mir_app::organisations::pending_sign_up_name(&state.store, &token).await?;
    let failed = name.is_none();
    ok(&ConfirmSignUpPage {
        ctx,
        token,
        name,
        failed,
    })
}

/// `POST /manage/sign-up/confirm/{token}`: creates the organisation with the person at the
/// confirmed address as its administrator, and signs them in.
pub async fn confirm(
    State(state): State<AppState>,
    Path(token): Path<Token>,
    session: Session,
    ctx: PageContext,
    CsrfForm(_): CsrfForm<Confirm>,
) -> Result<Response, WebError> {
    let mail = (&state.mailer, state.config.base_url.as_str());
    let confirmed = mir_app::organisations::confirm_sign_up(&state.store, mail, &token).await;
    match form::answer(confirmed, "name")? {
        Outcome::Done(Some((person_id, submitted))) => {
            session.sign_in(person_id);
            Ok(form::saved(
                &session,
                format!(
                    "Your email address is confirmed and {} is signed up. The national programme team will check it; you can start work meanwhile.",
                    submitted.name
                ),
                &format!("/manage/organisations/{}", submitted.slug),
            ))
        }
        // Used, expired, or the organisation's name was taken meanwhile.
        Outcome::Done(None) | Outcome::Rejected(_) => render(
            StatusCode::BAD_REQUEST,
            &ConfirmSignUpPage {
                ctx,
                token,
                name: None,
                failed: true,
            },
        ),
    }
}
