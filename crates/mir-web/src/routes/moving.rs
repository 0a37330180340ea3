//! Moving the group to a new version of its framework: what changes, and each co-chair's
//! agreement (decision 0040).

use crate::params::{Path, Slug};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use mir_app::framework_moves::{self, MoveOffer};
use mir_domain::validation::FieldErrors;

use super::{CurrentActor, Pairs, field};
use crate::AppState;
use crate::error::WebError;
use crate::form::{self, Outcome};
use crate::middleware::csrf::CsrfForm;
use crate::middleware::session::Session;
use crate::page::{PageContext, ok, render};

#[derive(Template)]
#[template(path = "workspace/framework.html")]
struct FrameworkPage {
    ctx: PageContext,
    slug: String,
    name: String,
    /// The version the group uses: (slug, version, title).
    current: Option<(String, String, String)>,
    offer: Option<MoveOffer>,
    /// Earlier moves: (from, to, when).
    moves: Vec<(String, String, i64)>,
    errors: FieldErrors,
}

impl FrameworkPage {
    fn when(&self, at: &i64) -> String {
        crate::routes::when(at)
    }

    fn text<'a>(&self, s: &'a mir_domain::framework::Statement) -> &'a str {
        if self.ctx.easy { &s.easy_text } else { &s.text }
    }
}

async fn page(
    state: &AppState,
    actor: &mir_app::policy::Actor,
    slug: &str,
    ctx: PageContext,
    errors: FieldErrors,
) -> Result<FrameworkPage, WebError> {
    let status = framework_moves::framework_status(&state.store, actor, slug).await?;
    Ok(FrameworkPage {
        ctx,
        slug: slug.to_owned(),
        name: status.organisation.name,
        current: status.current,
        offer: status.offer,
        moves: status.moves,
        errors,
    })
}

/// `GET /manage/organisations/{slug}/framework`
pub async fn show(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(slug): Path<Slug>,
    ctx: PageContext,
) -> Result<Response, WebError> {
    ok(&page(&state, &actor, &slug, ctx, FieldErrors::new()).await?)
}

/// `POST /manage/organisations/{slug}/framework/move`: a co-chair agrees to move.
pub async fn agree(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(slug): Path<Slug>,
    session: Session,
    ctx: PageContext,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<Response, WebError> {
    let to = field(&pairs, "to_version");
    let mail = (&state.mailer, state.config.base_url.as_str());
    let agreed = framework_moves::agree_to_move(&state.store, mail, &actor, &slug, to).await;
    match form::answer(agreed, "move")? {
        Outcome::Done(true) => Ok(form::saved(
            &session,
            format!(
                "Both co-chairs agreed: the group now uses version {to}. Earlier reviews keep their version, and pages show them through the mapping."
            ),
            &format!("/manage/organisations/{slug}/framework"),
        )),
        Outcome::Done(false) => Ok(form::saved(
            &session,
            "Your agreement is recorded. The group moves when the other co-chair agrees too; they have been asked.",
            &format!("/manage/organisations/{slug}/framework"),
        )),
        Outcome::Rejected(rejection) => {
            let page = page(&state, &actor, &slug, ctx, rejection.errors).await?;
            render(rejection.status, &page)
        }
    }
}
