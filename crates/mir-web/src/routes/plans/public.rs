//! What the public sees: the approved plan, its earlier versions, the Atom feed of changes,
//! and the summary other sites can embed.

use std::borrow::Borrow;

use crate::params::{Path, Slug};
use askama::Template;
use axum::extract::State;
use axum::extract::{FromRequestParts, Request};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use mir_app::plans::{self, PublicPlan, PublishedVersion};

use crate::AppState;
use crate::cache::PageCache;
use crate::error::WebError;
use crate::page::{PageContext, ok, render};

#[derive(Template)]
#[template(path = "plans/public.html")]
struct PublicPage {
    ctx: PageContext,
    plan: PublicPlan,
    /// The version shown: the current one, or an older one from the history.
    shown: Option<PublishedVersion>,
    is_current: bool,
    base_url: String,
    /// "Who else is working on this?" for each priority shown, by priority id.
    others: Vec<(i64, Vec<mir_app::directory::OtherOrganisation>)>,
    /// "How we are doing": confirmed review positions (current page only).
    positions: Vec<mir_app::plans::PublicPosition>,
}

impl PublicPage {
    fn council(&self, code: &str) -> Option<&'static mir_domain::areas::Council> {
        mir_domain::areas::council(code)
    }

    fn contact_href(&self, about: &str) -> String {
        let query = serde_urlencoded::to_string([("about", about)]).unwrap_or_default();
        format!("/organisations/{}/contact?{query}", self.plan.profile.slug)
    }

    fn others_for(&self, id: impl Borrow<i64>) -> &[mir_app::directory::OtherOrganisation] {
        let id = *id.borrow();
        self.others
            .iter()
            .find(|(p, _)| *p == id)
            .map_or(&[], |(_, o)| o.as_slice())
    }

    fn statement_text(&self, code: &str) -> String {
        self.plan
            .framework
            .as_ref()
            .and_then(|f| f.statement(code))
            .map(|s| {
                if self.ctx.easy {
                    s.easy_text.clone()
                } else {
                    s.text.clone()
                }
            })
            .unwrap_or_else(|| code.to_owned())
    }

    /// The statement's own page, in the framework version the plan uses (`None` when the
    /// plan's framework is not known).
    fn statement_href(&self, code: &str) -> Option<String> {
        self.plan.framework.as_ref().and_then(|f| {
            f.statement(code).map(|_| {
                format!(
                    "/frameworks/{}/statements/{code}?version={}",
                    f.meta.slug, f.meta.version
                )
            })
        })
    }

    fn framework_link(&self) -> Option<(String, String)> {
        self.plan.framework.as_ref().map(|f| {
            (
                format!("/frameworks/{}?version={}", f.meta.slug, f.meta.version),
                format!("{}, version {}", f.meta.title, f.meta.version),
            )
        })
    }

    fn date(&self, at: impl Borrow<i64>) -> String {
        crate::routes::when(at.borrow())
            .split(',')
            .next()
            .unwrap_or_default()
            .to_owned()
    }

    fn status_label(&self, key: &str) -> &'static str {
        plans::status_label(key)
    }

    fn kind_label(&self) -> &'static str {
        self.plan
            .profile
            .kind
            .parse::<mir_domain::organisation::OrganisationKind>()
            .map_or("Organisation", |k| k.label())
    }

    fn day(&self, iso: &str) -> String {
        crate::routes::day(iso)
    }

    fn embed_snippet(&self) -> String {
        format!(
            "<iframe src=\"{}/embed/organisations/{}\" title=\"Our Making it Real plan\" width=\"100%\" height=\"420\" style=\"border:1px solid #b1b4b6\"></iframe>\n<p><a href=\"{}/organisations/{}\">Read our full Making it Real plan</a></p>",
            self.base_url, self.plan.profile.slug, self.base_url, self.plan.profile.slug
        )
    }
}

/// `GET /organisations/{slug}`: the public plan.
///
/// The busiest page: for visitors who are not signed in it is built once and kept in the page
/// cache until something changes (see `cache::PageCache`).
pub async fn public(
    State(state): State<AppState>,
    Path(slug): Path<Slug>,
    request: Request,
) -> Result<Response, WebError> {
    let (mut parts, _) = request.into_parts();
    let pages = &state.caches.pages;
    let key = PageCache::key_for(&parts);
    pages
        .serve(key, || async {
            // Only now: the layout's context takes a little time, and a kept page needs none.
            let ctx = PageContext::from_request_parts(&mut parts, &state).await?;
            let plan = plans::public_plan(&state.store, &slug).await?;
            let shown = plan.current.clone();
            let mut others = Vec::new();
            if let Some(version) = &shown {
                let my_areas = plan.areas.clone();
                let me = plan.profile.id;
                let lists: Vec<Vec<String>> = version
                    .plan
                    .priorities
                    .iter()
                    .map(|p| p.statements.clone())
                    .collect();
                // Not those it works with: its partners, partnerships, board and working groups
                // are on its page already.
                let related = plan.related_organisations();
                let (store, areas, related) = (&state.store, &my_areas, &related);
                // One set of queries for every priority at once (never one per priority).
                let found = state
                    .caches
                    .who_else_by_plan
                    .get_or(format!("plan:{me}:{}", version.number), || async move {
                        mir_app::directory::who_else_for_each(store, &lists, related, areas, 3)
                            .await
                            .map(std::sync::Arc::new)
                    })
                    .await?;
                others = version
                    .plan
                    .priorities
                    .iter()
                    .map(|p| p.id)
                    .zip(found.iter().cloned())
                    .collect();
            }
            let page = PublicPage {
                ctx,
                positions: plans::how_we_are_doing(&state.store, &plan).await?,
                plan,
                shown,
                is_current: true,
                base_url: state.config.base_url.clone(),
                others,
            };
            Ok(page.render()?)
        })
        .await
}

/// `GET /organisations/{slug}/versions/{number}`: an older (or the latest) published version.
pub async fn version(
    State(state): State<AppState>,
    Path((slug, number)): Path<(Slug, i64)>,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let plan = plans::public_plan(&state.store, &slug).await?;
    let shown = plan.version(number).cloned().ok_or(WebError::NotFound)?;
    ok(&PublicPage {
        ctx,
        plan,
        positions: Vec::new(),
        shown: Some(shown),
        is_current: false,
        base_url: state.config.base_url.clone(),
        others: Vec::new(),
    })
}

#[derive(Template)]
#[template(path = "plans/versions.html")]
struct VersionsPage {
    ctx: PageContext,
    plan: PublicPlan,
}

impl VersionsPage {
    fn when(&self, at: impl Borrow<i64>) -> String {
        crate::routes::when(at.borrow())
    }
}

/// `GET /organisations/{slug}/versions`: every published version and what changed.
pub async fn versions(
    State(state): State<AppState>,
    Path(slug): Path<Slug>,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let plan = plans::public_plan(&state.store, &slug).await?;
    ok(&VersionsPage { ctx, plan })
}

#[derive(Template)]
#[template(path = "plans/feed.xml")]
struct Feed {
    plan: PublicPlan,
    base_url: String,
}

impl Feed {
    fn rfc3339(&self, at: impl Borrow<i64>) -> String {
        time::OffsetDateTime::from_unix_timestamp(*at.borrow())
            .ok()
            .and_then(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            })
            .unwrap_or_else(|| "1970-01-01T00:00:00Z".into())
    }

    fn updated(&self) -> i64 {
        let latest_update = self.plan.timeline.first().map_or(0, |u| u.at);
        let latest_version = self.plan.versions.first().map_or(0, |v| v.published_at);
        latest_update
            .max(latest_version)
            .max(self.plan.profile.signed_up_at)
    }

    fn status_label(&self, key: &str) -> &'static str {
        plans::status_label(key)
    }
}

/// `GET /organisations/{slug}/feed.atom`: published versions and progress updates.
pub async fn feed(
    State(state): State<AppState>,
    Path(slug): Path<Slug>,
) -> Result<Response, WebError> {
    let plan = plans::public_plan(&state.store, &slug).await?;
    let body = Feed {
        plan,
        base_url: state.config.base_url.clone(),
    }
    .render()
    .map_err(WebError::Template)?;
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        body,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "plans/embed.html")]
struct EmbedPage {
    plan: PublicPlan,
    base_url: String,
    css_url: String,
}

impl EmbedPage {
    fn status_label(&self, key: &str) -> &'static str {
        plans::status_label(key)
    }

    fn date(&self, at: impl Borrow<i64>) -> String {
        crate::routes::when(at.borrow())
            .split(',')
            .next()
            .unwrap_or_default()
            .to_owned()
    }
}

/// `GET /embed/organisations/{slug}`: a tiny page for the organisation's own website. The one
/// page that may be framed; it sets no cookies (see `middleware::security_headers`).
pub async fn embed(
    State(state): State<AppState>,
    Path(slug): Path<Slug>,
) -> Result<Response, WebError> {
    let plan = plans::public_plan(&state.store, &slug).await?;
    let page = EmbedPage {
        plan,
        base_url: state.config.base_url.clone(),
        css_url: crate::assets::url("embed.css"),
    };
    render(StatusCode::OK, &page)
}

#[derive(Template)]
#[template(path = "plans/evidence.html")]
struct EvidencePage {
    ctx: PageContext,
    pack: plans::EvidencePack,
    today: String,
    /// The site's address, printed so a paper copy says where it came from.
    base_url: String,
}

impl EvidencePage {
    fn day(&self, iso: &str) -> String {
        crate::routes::day(iso)
    }

    fn date(&self, at: &i64) -> String {
        crate::routes::when(at)
            .split(',')
            .next()
            .unwrap_or_default()
            .to_owned()
    }

    fn status_label(&self, key: &str) -> &'static str {
        plans::status_label(key)
    }

    fn statement_href(&self, code: &str) -> String {
        match &self.pack.plan.framework {
            Some(f) => format!(
                "/frameworks/{}/statements/{code}?version={}",
                f.meta.slug, f.meta.version
            ),
            None => String::new(),
        }
    }
}

/// `GET /organisations/{slug}/evidence/{framework}`: the evidence pack for one crosswalk of
/// the organisation's framework, made from what is already public; it prints on A4.
pub async fn evidence(
    State(state): State<AppState>,
    Path((slug, crosswalk)): Path<(Slug, Slug)>,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let pack = plans::evidence_pack(&state.store, &slug, &crosswalk).await?;
    ok(&EvidencePage {
        ctx,
        pack,
        base_url: state.config.base_url.clone(),
        today: mir_domain::dates::when(mir_store::now())
            .split(',')
            .next()
            .unwrap_or_default()
            .to_owned(),
    })
}
