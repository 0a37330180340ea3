//! Find and connect, for everyone: the directory of organisations, the national map (with its
//! table and CSV), and council area pages.

use std::sync::Arc;

use crate::params::{Code, Path};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{Uri, header};
use axum::response::{IntoResponse, Response};
use mir_app::directory::{self, AreaPage, DirectoryPage, DirectoryQuery, NationalMap};
use mir_domain::areas;
use mir_domain::organisation::OrganisationKind;
use serde::Deserialize;

use crate::AppState;
use crate::error::WebError;
use crate::page::{PageContext, ok};

fn kind_label(key: &str) -> &'static str {
    key.parse::<OrganisationKind>()
        .map_or("Organisation", OrganisationKind::label)
}

/// Text cut to about `max` characters at a word, with an ellipsis when cut.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max).collect();
    let at_word = cut.rfind(' ').map_or(cut.as_str(), |i| &cut[..i]);
    format!("{}…", at_word.trim_end_matches([',', ';', ':', '.']))
}

/// Council names for codes, as a list in words.
fn areas_text(codes: &[String]) -> String {
    codes
        .iter()
        .map(|c| council_name(c))
        .collect::<Vec<_>>()
        .join(", ")
}

fn council_name(code: &str) -> String {
    areas::council(code).map_or_else(|| code.to_owned(), |c| c.name.clone())
}

#[derive(Template)]
#[template(path = "find/directory.html")]
struct DirectoryTemplate {
    ctx: PageContext,
    d: Arc<DirectoryPage>,
    regions: Vec<(&'static str, Vec<&'static areas::Council>)>,
    kinds: Vec<(&'static str, &'static str)>,
}

impl DirectoryTemplate {
    fn kind_label(&self, key: &str) -> &'static str {
        kind_label(key)
    }

    fn areas_text(&self, codes: &[String]) -> String {
        areas_text(codes)
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

    fn place_hint(&self) -> &'static str {
        if self.ctx.easy {
            "Type where you live. For example: Leeds."
        } else if self.d.postcodes_loaded {
            "For example, Leeds, Cambridge, or a postcode such as LS1 4AP. We show who works there, then the nearest."
        } else {
            "For example, Leeds or Cambridge. We show who works there, then the nearest."
        }
    }

    /// What the place box shows: the place found, else what was typed.
    fn place_value(&self) -> &str {
        self.d
            .found_place()
            .map_or(self.d.query.place.as_str(), |p| p.name.as_str())
    }

    /// A statement's words, shortened to fit a list of choices.
    fn short(&self, text: &str) -> String {
        shorten(text, 70)
    }

    /// A place was found while a council or region was also chosen: the place wins.
    fn place_replaced_area(&self) -> bool {
        self.d.found_place().is_some() && self.d.area_dropped
    }

    /// Whether filters other than the place narrow the list.
    fn filtered_beyond_place(&self) -> bool {
        let q = &self.d.query;
        !(q.kind.is_empty()
            && q.theme.is_empty()
            && q.statement.is_empty()
            && q.plan.is_empty()
            && q.recent.is_empty())
    }

    /// Whether at least two listed organisations have a published plan to compare.
    fn can_compare(&self) -> bool {
        self.d
            .entries
            .iter()
            .chain(self.d.nearby.iter().map(|n| &n.entry))
            .filter(|e| !e.priorities.is_empty())
            .count()
            >= 2
    }
}

/// `GET /organisations`: for visitors who are not signed in, each filter's page is built
/// once and kept (see `cache::PageCache`), except when a place was typed.
pub async fn directory_page(
    State(state): State<AppState>,
    Query(query): Query<DirectoryQuery>,
    uri: Uri,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let store = &state.store;
    let query = query.bounded();
    // A place typed may be where someone lives (a postcode, or one typed slightly wrong):
    // answers for it are never kept, as on the map.
    let typed_place = !query.place.trim().is_empty();
    let key = ctx.page_cache_key_unless(typed_place, &uri);
    state
        .caches
        .pages
        .serve(key, || async {
            let d = if typed_place {
                Arc::new(directory::directory(store, query, mir_store::now()).await?)
            } else {
                let key = format!("{query:?}");
                state
                    .caches
                    .directory
                    .get_or(key, || async move {
                        directory::directory(store, query, mir_store::now())
                            .await
                            .map(Arc::new)
                    })
                    .await?
            };
            let page = DirectoryTemplate {
                ctx,
                d,
                regions: areas::by_region(),
                kinds: OrganisationKind::ALL
                    .iter()
                    .map(|k| (k.key(), k.label()))
                    .collect(),
            };
            Ok(page.render()?)
        })
        .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MapQuery {
    theme: String,
    statement: String,
    /// A council or place to find: its area page, or choices, or why not.
    place: String,
    /// A region's code: the map zoomed to it.
    region: String,
}

#[derive(Template)]
#[template(path = "find/map.html")]
struct MapTemplate {
    ctx: PageContext,
    m: Arc<NationalMap>,
    attribution: &'static str,
    /// The region zoomed into (code, name), if any.
    region: Option<(&'static str, &'static str)>,
    view_box: String,
    /// What was typed in "find a place" and what came of it.
    place: String,
    place_answer: Option<mir_app::places::PlaceAnswer>,
}

impl MapTemplate {
    fn shown(&self, area: &directory::MapArea) -> bool {
        self.region
            .is_none_or(|(code, _)| area.council.region_code == code)
    }

    fn regions(&self) -> Vec<(String, &'static str)> {
        areas::by_region()
            .into_iter()
            .filter_map(|(name, councils)| Some((councils.first()?.region_code.clone(), name)))
            .collect()
    }

    fn place_problem(&self) -> Option<&str> {
        match &self.place_answer {
            Some(mir_app::places::PlaceAnswer::Problem(p)) => Some(p),
            _ => None,
        }
    }

    fn place_choices(&self) -> &[(String, mir_domain::places::Place)] {
        match &self.place_answer {
            Some(mir_app::places::PlaceAnswer::Choices(c)) => c,
            _ => &[],
        }
    }

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

impl MapQuery {
    /// The same query with every value cut to a sensible length, before it reaches a cache key
    /// or a page.
    fn bounded(self) -> Self {
        let cut = |s: String, n: usize| s.chars().take(n).collect::<String>();
        MapQuery {
            theme: cut(self.theme, 40),
            statement: cut(self.statement, 40),
            place: cut(self.place, mir_app::places::MAX_PLACE_CHARS),
            region: cut(self.region, 40),
        }
    }
}

/// The map's numbers, reused for a minute (they change only when plans are published).
async fn cached_map(state: &AppState, query: &MapQuery) -> Result<Arc<NationalMap>, WebError> {
    let store = &state.store;
    Ok(state
        .caches
        .map
        .get_or(
            format!("{}|{}", query.theme, query.statement),
            || async move {
                directory::national_map(store, &query.theme, &query.statement)
                    .await
                    .map(Arc::new)
            },
        )
        .await?)
}

/// `GET /map`
pub async fn map(
    State(state): State<AppState>,
    Query(query): Query<MapQuery>,
    uri: Uri,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let query = query.bounded();
    // "Find a place": straight to its council's page when there is one answer.
    let place_answer = if query.place.trim().is_empty() {
        None
    } else {
        match mir_app::places::find_place(&state.store, &query.place).await? {
            mir_app::places::PlaceAnswer::Found(p) => {
                return Ok(
                    axum::response::Redirect::to(&format!("/areas/{}", p.council.code))
                        .into_response(),
                );
            }
            other => Some(other),
        }
    };
    let region = areas::councils()
        .iter()
        .find(|c| c.region_code == query.region)
        .map(|c| (c.region_code.as_str(), c.region_name.as_str()));
    let view_box = region.map_or_else(
        || {
            let (w, h) = areas::map_size();
            format!("0 0 {w} {h}")
        },
        |(code, _)| region_view_box(code),
    );
    // 150 KB of SVG and table: built once for visitors, until something changes. Not when
    // a place was typed: that may be where someone lives.
    let pages = &state.caches.pages;
    let key = ctx.page_cache_key_unless(!query.place.trim().is_empty(), &uri);
    pages
        .serve(key, || async {
            let m = cached_map(&state, &query).await?;
            let page = MapTemplate {
                ctx,
                m,
                attribution: areas::ATTRIBUTION,
                region,
                view_box,
                place: query
                    .place
                    .chars()
                    .take(mir_app::places::MAX_PLACE_CHARS)
                    .collect(),
                place_answer,
            };
            Ok(page.render()?)
        })
        .await
}

/// The part of the map a region covers, with a small margin, as an SVG `viewBox`.
fn region_view_box(region: &str) -> String {
    let mut bounds: Option<(i64, i64, i64, i64)> = None;
    for council in areas::councils().iter().filter(|c| c.region_code == region) {
        let Some(shape) = areas::map_shape(&council.code) else {
            continue;
        };
        // Paths are "M x yL x y x y …Z" in whole map units: every pair is a point.
        let numbers: Vec<i64> = shape
            .path
            .split(|c: char| !(c.is_ascii_digit() || c == '-'))
            .filter_map(|n| n.parse().ok())
            .collect();
        for point in numbers.chunks_exact(2) {
            let (x, y) = (point[0], point[1]);
            bounds = Some(match bounds {
                None => (x, y, x, y),
                Some((a, b, c, d)) => (a.min(x), b.min(y), c.max(x), d.max(y)),
            });
        }
    }
    let (w, h) = areas::map_size();
    bounds.map_or_else(
        || format!("0 0 {w} {h}"),
        |(x0, y0, x1, y1)| {
            let margin = 4;
            format!(
                "{} {} {} {}",
                x0 - margin,
                y0 - margin,
                x1 - x0 + 2 * margin,
                y1 - y0 + 2 * margin
            )
        },
    )
}

/// `GET /map.csv`: the map's numbers.
pub async fn map_csv(
    State(state): State<AppState>,
    Query(query): Query<MapQuery>,
) -> Result<Response, WebError> {
    let m = cached_map(&state, &query.bounded()).await?;
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

/// `GET /areas/{code}`: kept for visitors who are not signed in (see `cache::PageCache`).
pub async fn area(
    State(state): State<AppState>,
    Path(code): Path<Code>,
    uri: Uri,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let key = ctx.page_cache_key(&uri);
    state
        .caches
        .pages
        .serve(key, || async {
            let a = directory::area(&state.store, &code).await?;
            Ok(AreaTemplate { ctx, a }.render()?)
        })
        .await
}

/// `?org=a&org=b`: the plans to compare.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CompareQuery {
    org: Vec<String>,
}

#[derive(Template)]
#[template(path = "find/compare.html")]
struct CompareTemplate {
    ctx: PageContext,
    c: mir_app::compare::Comparison,
}

impl CompareTemplate {
    fn kind_label(&self, key: &str) -> &'static str {
        kind_label(key)
    }

    fn areas_text(&self, codes: &[String]) -> String {
        areas_text(codes)
    }

    fn date(&self, at: &i64) -> String {
        mir_domain::dates::in_words(*at)
    }

    fn names(&self) -> String {
        let names: Vec<&str> = self.c.plans.iter().map(|p| p.name.as_str()).collect();
        match names.as_slice() {
            [] => String::new(),
            [one] => (*one).to_owned(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        }
    }
}

/// `GET /compare?org=…&org=…`: two or three published plans side by side.
pub async fn compare(
    State(state): State<AppState>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
    ctx: PageContext,
) -> Result<Response, WebError> {
    // An address that cannot be read compares nothing (the page says how to choose).
    let query: CompareQuery =
        serde_html_form::from_str(query.as_deref().unwrap_or_default()).unwrap_or_default();
    let slugs: Vec<String> = query
        .org
        .into_iter()
        .filter(|s| mir_domain::organisation::OrgSlug::parse(s).is_ok())
        .take(mir_app::compare::MAX_PLANS * 2)
        .collect();
    let c = mir_app::compare::compare(&state.store, &slugs).await?;
    ok(&CompareTemplate { ctx, c })
}

/// Text with the search engine's `[[`…`]]` marks, as (text, matched) pieces for the template,
/// which escapes each piece and wraps matched ones in `<mark>`.
pub fn marked(text: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("[[") {
        if start > 0 {
            out.push((rest[..start].to_owned(), false));
        }
        let after = &rest[start + 2..];
        match after.find("]]") {
            Some(end) => {
                out.push((after[..end].to_owned(), true));
                rest = &after[end + 2..];
            }
            None => {
                out.push((after.to_owned(), false));
                rest = "";
            }
        }
    }
    if !rest.is_empty() {
        out.push((rest.to_owned(), false));
    }
    out
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SearchQuery {
    q: String,
    page: String,
}

#[derive(Template)]
#[template(path = "find/search.html")]
struct SearchTemplate {
    ctx: PageContext,
    r: Option<mir_app::search::SearchResults>,
    q: String,
}

impl SearchTemplate {
    fn marked(&self, text: &str) -> Vec<(String, bool)> {
        marked(text)
    }

    fn kind_label(&self, kind: &str) -> &'static str {
        match kind {
            "organisation" => "Organisation",
            "priority" => "Priority",
            "action" => "Action",
            "update" => "Progress update",
            "story" => "Good practice story",
            _ => "Result",
        }
    }

    fn href(&self, kind: &str, slug: &str, anchor: &str) -> String {
        if kind == "story" {
            format!("/stories/{anchor}")
        } else if anchor.is_empty() {
            format!("/organisations/{slug}")
        } else {
            format!("/organisations/{slug}#{anchor}")
        }
    }

    /// How many results the pages show at most.
    fn shown(&self) -> i64 {
        mir_app::search::MOST_RESULTS
    }

    /// How many matches a broad search is ranked among (the rest are not sorted).
    fn rank_among(&self) -> i64 {
        mir_store::RANK_AMONG
    }

    fn rank_among_label(&self) -> String {
        thousands(mir_store::RANK_AMONG)
    }

    /// How many matched, as counted. PostgreSQL counts a broad search only up to one more
    /// than it ranks among: that reads "More than 1,000".
    fn total_label(&self, total: &i64) -> String {
        if *total == mir_store::RANK_AMONG + 1 {
            format!("More than {}", thousands(mir_store::RANK_AMONG))
        } else {
            thousands(*total)
        }
    }

    /// Whether a word is too short to find longer words beginning with it.
    fn has_short_word(&self, words: &[String]) -> bool {
        words.iter().any(|w| w.chars().count() < 3)
    }

    /// When the words name a place (a council or town), a link to the directory near it.
    fn place_link(&self) -> Option<(String, String)> {
        let q = self.q.trim();
        let place = mir_domain::places::by_name(q).into_iter().next()?;
        let href = serde_urlencoded::to_string([("place", q)]).ok()?;
        Some((place.name, format!("/organisations?{href}#results")))
    }

    fn page_href(&self, page: i64) -> String {
        let query =
            serde_urlencoded::to_string([("q", self.q.as_str()), ("page", &page.to_string())])
                .unwrap_or_default();
        format!("/search?{query}")
    }
}

/// Searches being ranked at once (see [`search`]).
static RANKING_SLOTS: std::sync::LazyLock<tokio::sync::Semaphore> =
    std::sync::LazyLock::new(|| {
        tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
    });

/// `GET /search?q=`: for visitors who are not signed in, each search's page is built once
/// and kept (see `cache::PageCache`).
pub async fn search(
    State(state): State<AppState>,
    Query(query): Query<SearchQuery>,
    uri: Uri,
    ctx: PageContext,
) -> Result<Response, WebError> {
    // Words mixing letters and digits may be a postcode or an address (`SW1A 2AA`): such a
    // search's page is never kept.
    let key = ctx.page_cache_key_unless(mir_app::search::may_be_personal(&query.q), &uri);
    state
        .caches
        .pages
        .serve(key, || search_page(&state, query, ctx))
        .await
}

async fn search_page(
    state: &AppState,
    query: SearchQuery,
    ctx: PageContext,
) -> Result<String, WebError> {
    let q: String = query
        .q
        .chars()
        .take(mir_app::search::MAX_QUERY_CHARS)
        .collect();
    let r = if q.trim().is_empty() {
        None
    } else {
        let page: i64 = query.page.parse().unwrap_or(1);
        let words = mir_app::search::words(&q);
        let store = &state.store;
        // Ranking a broad query scores every match: at most one per CPU at a time, so a
        // burst of different searches queues instead of starving other pages.
        let rank = || async {
            let _slot = RANKING_SLOTS.acquire().await;
            mir_app::search::rank(store, &words).await.map(Arc::new)
        };
        // Kept by the words, not the page or the spelling: every page of "Carers!" and
        // "carers" is cut from one ranking. Never words that may be personal.
        let ranked = if mir_app::search::may_be_personal(&q) {
            rank().await?
        } else {
            state.caches.search.get_or(words.join(" "), rank).await?
        };
        Some(mir_app::search::page_of(&ranked, &q, page))
    };
    Ok(SearchTemplate { ctx, r, q }.render()?)
}

/// A count with commas between thousands, as people write it: 10,000.
fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    if n < 0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::{marked, thousands};

    #[test]
    fn counts_are_written_with_commas() {
        assert_eq!(thousands(10_000), "10,000");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(-1_000), "-1,000");
    }

    #[test]
    fn marks_become_pieces() {
        assert_eq!(
            marked("a [[b]] c [[d"),
            [
                ("a ".to_owned(), false),
                ("b".to_owned(), true),
                (" c ".to_owned(), false),
                ("d".to_owned(), false)
            ]
        );
        assert_eq!(marked("plain"), [("plain".to_owned(), false)]);
        assert!(marked("").is_empty());
    }
}
