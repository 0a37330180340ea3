//! Find and connect, for everyone: the directory of organisations, the national map (with its
//! table and CSV), and council area pages.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use mir_app::directory::{self, AreaPage, DirectoryPage, DirectoryQuery, NationalMap};
use mir_domain::areas;
use mir_domain::organisation::OrganisationKind;
use serde::Deserialize;

use crate::AppState;
use crate::error::WebError;
use crate::page::{PageContext, ok};

fn kind_label(key: &str) -> &'static str {
    OrganisationKind::ALL
        .into_iter()
        .find(|k| k.key() == key)
        .map_or("Organisation", OrganisationKind::label)
}

fn council_name(code: &str) -> String {
    areas::council(code).map_or_else(|| code.to_owned(), |c| c.name.clone())
}

#[derive(Template)]
#[template(path = "find/directory.html")]
struct DirectoryTemplate {
    ctx: PageContext,
    d: DirectoryPage,
    regions: Vec<(&'static str, Vec<&'static areas::Council>)>,
    kinds: Vec<(&'static str, &'static str)>,
}

impl DirectoryTemplate {
    fn kind_label(&self, key: &str) -> &'static str {
        kind_label(key)
    }

    fn areas_text(&self, codes: &[String]) -> String {
        codes
            .iter()
            .map(|c| council_name(c))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn region_code(&self, councils: &[&areas::Council]) -> String {
        councils
            .first()
            .map(|c| c.region_code.clone())
            .unwrap_or_default()
    }

    fn status_label(&self, key: &str) -> &'static str {
        mir_app::plans::status_label(key)
    }

    fn page_href(&self, page: i64) -> String {
        self.d.query.href(page)
    }

    fn filtered(&self) -> bool {
        self.d.query.href(1) != "/organisations"
    }
}

/// `GET /organisations`
pub async fn directory_page(
    State(state): State<AppState>,
    Query(query): Query<DirectoryQuery>,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let d = directory::directory(&state.store, query, mir_store::now()).await?;
    ok(&DirectoryTemplate {
        ctx,
        d,
        regions: areas::by_region(),
        kinds: OrganisationKind::ALL
            .iter()
            .map(|k| (k.key(), k.label()))
            .collect(),
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MapQuery {
    theme: String,
    statement: String,
}

#[derive(Template)]
#[template(path = "find/map.html")]
struct MapTemplate {
    ctx: PageContext,
    m: NationalMap,
    attribution: &'static str,
}

impl MapTemplate {
    fn csv_href(&self) -> String {
        let pairs: Vec<(&str, &str)> = [
            ("theme", self.m.theme.as_str()),
            ("statement", self.m.statement.as_str()),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect();
        let query = serde_urlencoded::to_string(pairs).unwrap_or_default();
        if query.is_empty() {
            "/map.csv".into()
        } else {
            format!("/map.csv?{query}")
        }
    }

    fn what(&self) -> String {
        if !self.m.statement.is_empty() {
            format!(
                "with published priorities on statement {}",
                self.m.statement
            )
        } else if let Some(t) = self
            .m
            .framework
            .as_ref()
            .and_then(|f| f.theme(&self.m.theme))
        {
            format!("with published priorities on the theme {}", t.title)
        } else {
            "with published plans".into()
        }
    }
}

/// `GET /map`
pub async fn map(
    State(state): State<AppState>,
    Query(query): Query<MapQuery>,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let m = directory::national_map(&state.store, &query.theme, &query.statement).await?;
    ok(&MapTemplate {
        ctx,
        m,
        attribution: areas::ATTRIBUTION,
    })
}

/// `GET /map.csv`: the map's numbers.
pub async fn map_csv(
    State(state): State<AppState>,
    Query(query): Query<MapQuery>,
) -> Result<Response, WebError> {
    let m = directory::national_map(&state.store, &query.theme, &query.statement).await?;
    let mut out = String::from("code,council,region,organisations\n");
    for a in &m.areas {
        let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
        out.push_str(&format!(
            "{},{},{},{}\n",
            a.council.code,
            quote(&a.council.name),
            quote(&a.council.region_name),
            a.count
        ));
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"making-it-real-map.csv\"",
            ),
        ],
        out,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "find/area.html")]
struct AreaTemplate {
    ctx: PageContext,
    a: AreaPage,
}

impl AreaTemplate {
    fn kind_label(&self, key: &str) -> &'static str {
        kind_label(key)
    }

    fn status_label(&self, key: &str) -> &'static str {
        mir_app::plans::status_label(key)
    }
}

/// `GET /areas/{code}`
pub async fn area(
    State(state): State<AppState>,
    Path(code): Path<String>,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let a = directory::area(&state.store, &code).await?;
    ok(&AreaTemplate { ctx, a })
}
