//! The statement library: `/frameworks`, a framework's themes and statements, Easy Read, the
//! printable statement pack, and the pictures that come with a framework.

use crate::params::{Code, FileName, Path, Slug};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{Uri, header};
use axum::response::{IntoResponse, Response};
use mir_app::frameworks;
use mir_domain::framework::{Framework, Statement, Theme};
use mir_store::FrameworkVersionSummary;
use serde::Deserialize;

use super::CurrentActor;
use crate::AppState;
use crate::error::WebError;
use crate::page::{PageContext, ok};

#[derive(Debug, Default, Deserialize)]
pub struct VersionQuery {
    version: Option<String>,
}

/// What every framework page shares: the version shown, and whether it was asked for by name
/// (then links keep `?version=`, so a reader stays on the version they chose).
pub struct Shown {
    pub framework: std::sync::Arc<Framework>,
    pub pinned: bool,
}

impl Shown {
    pub fn slug(&self) -> &str {
        &self.framework.meta.slug
    }

    /// A link within this framework that keeps a chosen version.
    pub fn link(&self, rest: &str) -> String {
        let base = format!("/frameworks/{}{rest}", self.framework.meta.slug);
        if self.pinned {
            let version: String = url_escape(&self.framework.meta.version);
            format!("{base}?version={version}")
        } else {
            base
        }
    }

    pub fn statement_link(&self, statement: &Statement) -> String {
        self.link(&format!("/statements/{}", statement.code))
    }

    pub fn theme_link(&self, theme: &Theme) -> String {
        self.link(&format!("/themes/{}", theme.code))
    }

    pub fn picture_url(&self, statement: &Statement) -> Option<String> {
        statement.picture.as_ref().map(|p| {
            format!(
                "/frameworks/{}/versions/{}/pictures/{}",
                self.framework.meta.slug,
                url_escape(&self.framework.meta.version),
                p.file
            )
        })
    }

    pub fn theme_title(&self, code: &str) -> &str {
        self.framework.theme(code).map_or("", |t| t.title.as_str())
    }

    pub fn statements_in(&self, theme: &Theme) -> Vec<&Statement> {
        self.framework
            .statements
            .iter()
            .filter(|s| s.theme == theme.code)
            .collect()
    }

    pub fn print_link(&self, theme: &Theme) -> String {
        self.link(&format!("/themes/{}/print", theme.code))
    }
}

/// Versions are letters, digits, dots and hyphens (checked on import); escape anyway.
fn url_escape(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c.to_string()
            } else {
                format!("%{:02X}", u32::from(c))
            }
        })
        .collect()
}

async fn shown(
    state: &AppState,
    actor: &mir_app::Actor,
    slug: &str,
    query: &VersionQuery,
) -> Result<Shown, WebError> {
    let version = query.version.as_deref().filter(|v| !v.is_empty());
    let framework = frameworks::framework(&state.store, actor, slug, version).await?;
    Ok(Shown {
        framework,
        pinned: version.is_some(),
    })
}

#[derive(Template)]
#[template(path = "frameworks/list.html")]
struct ListPage {
    ctx: PageContext,
    /// Versions grouped by framework, newest version first in each group.
    groups: Vec<Vec<FrameworkVersionSummary>>,
}

/// `GET /frameworks`
pub async fn list(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let versions = frameworks::framework_versions(&state.store, &actor).await?;
    let mut groups: Vec<Vec<FrameworkVersionSummary>> = Vec::new();
    for version in versions {
        match groups.last_mut() {
            Some(group) if group[0].slug == version.slug => group.push(version),
            _ => groups.push(vec![version]),
        }
    }
    ok(&ListPage { ctx, groups })
}

#[derive(Template)]
#[template(path = "frameworks/framework.html")]
struct FrameworkPage {
    ctx: PageContext,
    shown: Shown,
    versions: Vec<FrameworkVersionSummary>,
}

/// `GET /frameworks/{slug}`
pub async fn show(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(slug): Path<Slug>,
    Query(query): Query<VersionQuery>,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let shown = shown(&state, &actor, &slug, &query).await?;
    let versions = frameworks::framework_versions(&state.store, &actor)
        .await?
        .into_iter()
        .filter(|v| v.slug == *slug)
        .collect();
    ok(&FrameworkPage {
        ctx,
        shown,
        versions,
    })
}

#[derive(Template)]
#[template(path = "frameworks/theme.html")]
struct ThemePage {
    ctx: PageContext,
    shown: Shown,
    theme: Theme,
}

/// `GET /frameworks/{slug}/themes/{code}`
pub async fn theme(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, code)): Path<(Slug, Code)>,
    Query(query): Query<VersionQuery>,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let shown = shown(&state, &actor, &slug, &query).await?;
    let theme = shown
        .framework
        .theme(&code)
        .cloned()
        .ok_or(WebError::NotFound)?;
    ok(&ThemePage { ctx, shown, theme })
}

#[derive(Template)]
#[template(path = "frameworks/print.html")]
struct PrintPage {
    ctx: PageContext,
    shown: Shown,
    theme: Theme,
}

/// `GET /frameworks/{slug}/themes/{code}/print`: one statement per card, for workshops.
pub async fn print(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, code)): Path<(Slug, Code)>,
    Query(query): Query<VersionQuery>,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let shown = shown(&state, &actor, &slug, &query).await?;
    let theme = shown
        .framework
        .theme(&code)
        .cloned()
        .ok_or(WebError::NotFound)?;
    ok(&PrintPage { ctx, shown, theme })
}

#[derive(Template)]
#[template(path = "frameworks/statement.html")]
struct StatementPage {
    ctx: PageContext,
    shown: Shown,
    statement: Statement,
    theme: Theme,
    /// Organisations with published priorities on this statement.
    others: Vec<mir_app::directory::OtherOrganisation>,
    /// Good practice stories about this statement.
    stories: Vec<mir_store::Story>,
}

impl StatementPage {
    fn pairs(&self) -> Vec<&Statement> {
        self.shown.framework.paired_with(&self.statement.code)
    }
}

/// `GET /frameworks/{slug}/statements/{code}`
pub async fn statement(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, code)): Path<(Slug, Code)>,
    Query(query): Query<VersionQuery>,
    uri: Uri,
    ctx: PageContext,
) -> Result<Response, WebError> {
    // The same for every visitor who is not signed in: kept until something changes.
    let pages = &state.caches.pages;
    let key = ctx.page_cache_key(&uri);
    pages
        .serve(key, || async {
            let shown = shown(&state, &actor, &slug, &query).await?;
            let statement = shown
                .framework
                .statement(&code)
                .cloned()
                .ok_or(WebError::NotFound)?;
            let theme = shown
                .framework
                .theme(&statement.theme)
                .cloned()
                .ok_or(WebError::NotFound)?;
            let store = &state.store;
            let code = &statement.code;
            let others = state
                .caches
                .who_else
                .get_or(format!("statement:{code}"), || async move {
                    mir_app::directory::who_else(store, std::slice::from_ref(code), &[], &[], 10)
                        .await
                        .map(std::sync::Arc::new)
                })
                .await?
                .as_ref()
                .clone();
            let codes = std::slice::from_ref(&statement.code);
            let stories = mir_app::stories::list(&state.store, codes, 5).await?;
            let page = StatementPage {
                ctx,
                shown,
                statement,
                theme,
                others,
                stories,
            };
            Ok(page.render()?)
        })
        .await
}

/// `GET /frameworks/{slug}/versions/{version}/pictures/{file}`: a picture shipped with a
/// framework. Versions never change, so it may be cached for a year. Pictures can be SVG,
/// so they get a CSP that runs nothing even when opened directly.
pub async fn picture(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, version, file)): Path<(Slug, Code, FileName)>,
) -> Result<Response, WebError> {
    let picture =
        frameworks::framework_picture(&state.store, &actor, &slug, &version, &file).await?;
    Ok((
        [
            (header::CONTENT_TYPE, picture.content_type),
            (
                header::CACHE_CONTROL,
                "public, max-age=31536000, immutable".to_owned(),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; sandbox".to_owned(),
            ),
        ],
        picture.bytes,
    )
        .into_response())
}
