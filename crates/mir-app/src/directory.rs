//! Find and connect: the directory of organisations, the national map, area pages, and "who
//! else is working on this?". Everything here is public and read-only.

use mir_domain::areas::{self, Council};
use mir_domain::framework::Framework;
use mir_store::{
    DirectoryEntry, DirectoryFilter, DirectoryRepo, DirectorySort, FrameworkRepo, WorkingOn,
};

use crate::AppError;
use crate::places::{self, Nearby, PlaceAnswer};
use mir_domain::places::Place;
use mir_store::PostcodeRepo;

/// Organisations per page in the directory.
pub const PAGE_SIZE: i64 = 20;
const SIX_MONTHS: i64 = 182 * 24 * 60 * 60;

/// The statement framework the directory filters by: the newest version of the first one.
pub async fn framework(
    store: &(impl FrameworkRepo + Sync),
) -> Result<Option<std::sync::Arc<Framework>>, AppError> {
    let Some(first) = store.framework_versions().await?.into_iter().next() else {
        return Ok(None);
    };
    Ok(store.load_framework(&first.slug, None).await?)
}

/// The directory's filters as they arrive in the address (every combination is a stable URL).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct DirectoryQuery {
    /// A town, council or postcode: organisations working there, then the nearest others.
    pub place: String,
    pub area: String,
    pub region: String,
    pub kind: String,
    pub theme: String,
    pub statement: String,
    /// `yes` for organisations with a published plan.
    pub plan: String,
    /// `yes` for organisations whose public plan changed in the last six months.
    pub recent: String,
    /// `name` (default) or `updated`.
    pub sort: String,
    pub page: String,
}

/// The most characters of a filter read from the address (codes and keys are short): what a
/// visitor types never makes a cache key, a query or a page bigger than this.
const MAX_FILTER_CHARS: usize = 40;

impl DirectoryQuery {
    /// The same query with every value cut to a sensible length (the place to what a place
    /// name can be). Used before anything else reads it, so made-up long values cannot fill
    /// the answer cache (found by an attack: 65 KB places kept 228 KB each).
    #[must_use]
    pub fn bounded(self) -> Self {
        let cut = |s: String, n: usize| -> String {
            if s.chars().count() <= n {
                s
            } else {
                s.chars().take(n).collect()
            }
        };
        let f = MAX_FILTER_CHARS;
        DirectoryQuery {
            place: cut(self.place, crate::places::MAX_PLACE_CHARS)
                .trim()
                .to_owned(),
            area: cut(self.area, f),
            region: cut(self.region, f),
            kind: cut(self.kind, f),
            theme: cut(self.theme, f),
            statement: cut(self.statement, f),
            plan: cut(self.plan, f),
            recent: cut(self.recent, f),
            sort: cut(self.sort, f),
            page: cut(self.page, f),
        }
    }

    /// The query string for this query on another page (empty values left out).
    pub fn href(&self, page: i64) -> String {
        let mut copy = self.clone();
        copy.page = if page > 1 {
            page.to_string()
        } else {
            String::new()
        };
        let pairs: Vec<(&str, &str)> = [
            ("place", copy.place.as_str()),
            ("area", copy.area.as_str()),
            ("region", copy.region.as_str()),
            ("kind", copy.kind.as_str()),
            ("theme", copy.theme.as_str()),
            ("statement", copy.statement.as_str()),
            ("plan", copy.plan.as_str()),
            ("recent", copy.recent.as_str()),
            ("sort", copy.sort.as_str()),
            ("page", copy.page.as_str()),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect();
        let query = serde_urlencoded::to_string(pairs).unwrap_or_default();
        if query.is_empty() {
            "/organisations".into()
        } else {
            format!("/organisations?{query}")
        }
    }
}

#[derive(Debug, Clone)]
pub struct DirectoryPage {
    pub query: DirectoryQuery,
    pub entries: Vec<DirectoryEntry>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub framework: Option<std::sync::Arc<Framework>>,
    /// The place asked about, when one was typed: found, several to choose from, or why not.
    pub place: Option<PlaceAnswer>,
    /// With a place found: the nearest organisations working elsewhere (on the first page).
    pub nearby: Vec<Nearby>,
    /// Whether the operator loaded postcodes (the box's hint says so).
    pub postcodes_loaded: bool,
    /// A council or region was chosen too, and the place took its place (the page says so).
    pub area_dropped: bool,
}

impl DirectoryPage {
    /// The place found, if one was.
    pub fn found_place(&self) -> Option<&Place> {
        match &self.place {
            Some(PlaceAnswer::Found(p)) => Some(p),
            _ => None,
        }
    }

    /// Why the typed place was not found, for the box and the error summary.
    pub fn place_problem(&self) -> Option<&str> {
        match &self.place {
            Some(PlaceAnswer::Problem(p)) => Some(p),
            _ => None,
        }
    }

    /// Places to choose between, when the name matched several.
    pub fn place_choices(&self) -> &[(String, Place)] {
        match &self.place {
            Some(PlaceAnswer::Choices(c)) => c,
            _ => &[],
        }
    }

    /// The address of the directory with another place chosen (for "did you mean").
    pub fn with_place(&self, code: &str) -> String {
        DirectoryQuery {
            place: code.to_owned(),
            page: String::new(),
            ..self.query.clone()
        }
        .href(1)
    }
}

/// Organisations shown under "nearest" on a directory page.
pub const NEARBY_SHOWN: usize = 10;

/// Statement codes for a theme or statement filter (unknown ones match nothing).
fn statements_for(framework: Option<&Framework>, theme: &str, statement: &str) -> Vec<String> {
    let Some(f) = framework else {
        return Vec::new();
    };
    if !statement.is_empty() {
        return vec![statement.to_owned()];
    }
    if !theme.is_empty() {
        let codes: Vec<String> = f.statements_in(theme).map(|s| s.code.clone()).collect();
        // An unknown theme must filter to nothing, not to everything.
        return if codes.is_empty() {
            vec!["-".into()]
        } else {
            codes
        };
    }
    Vec::new()
}

pub async fn directory(
    store: &(impl DirectoryRepo + FrameworkRepo + PostcodeRepo + Sync),
    mut query: DirectoryQuery,
    now: i64,
) -> Result<DirectoryPage, AppError> {
    let framework = framework(store).await?;
    let place = if query.place.trim().is_empty() {
        None
    } else {
        Some(places::find_place(store, &query.place).await?)
    };
    let mut areas: Vec<String> = Vec::new();
    let mut area_dropped = false;
    if let Some(PlaceAnswer::Found(p)) = &place {
        // A place takes the place of the council and region filters.
        areas.push(p.council.code.clone());
        area_dropped = !(query.area.is_empty() && query.region.is_empty());
        query.area.clear();
        query.region.clear();
    } else if !query.area.is_empty() {
        areas.push(areas::council(&query.area).map_or_else(|| "-".to_owned(), |c| c.code.clone()));
    } else if !query.region.is_empty() {
        areas = areas::councils()
            .iter()
            .filter(|c| c.region_code == query.region)
            .map(|c| c.code.clone())
            .collect();
        if areas.is_empty() {
            areas.push("-".into());
        }
    }
    let filter = DirectoryFilter {
        areas,
        kind: (!query.kind.is_empty()).then(|| query.kind.clone()),
        statements: statements_for(framework.as_deref(), &query.theme, &query.statement),
        has_plan: query.plan == "yes",
        changed_since: (query.recent == "yes").then_some(now - SIX_MONTHS),
    };
    let sort = if query.sort == "updated" {
        DirectorySort::RecentlyUpdated
    } else {
        DirectorySort::Name
    };
    let page = query.page.parse::<i64>().unwrap_or(1).clamp(1, 100_000);
    let (entries, total) = store
        .directory(&filter, sort, (page - 1) * PAGE_SIZE, PAGE_SIZE)
        .await?;
    let nearby = match &place {
        Some(PlaceAnswer::Found(p)) if page == 1 => {
            places::nearest(store, p, &filter, true, NEARBY_SHOWN).await?
        }
        _ => Vec::new(),
    };
    Ok(DirectoryPage {
        pages: ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
        query,
        entries,
        total,
        page,
        framework,
        place,
        nearby,
        postcodes_loaded: store.postcodes_loaded().await?,
        area_dropped,
    })
}

/// One council on the map and in its table.
#[derive(Debug, Clone)]
pub struct MapArea {
    pub council: &'static Council,
    pub path: &'static str,
    pub count: i64,
    /// 0 (none) to 4 (the most), for shading.
    pub band: usize,
}

#[derive(Debug, Clone)]
pub struct NationalMap {
    pub areas: Vec<MapArea>,
    pub size: (i64, i64),
    /// The upper bound of each band, for the legend.
    pub bands: Vec<(usize, i64, i64)>,
    pub theme: String,
    pub statement: String,
    pub framework: Option<std::sync::Arc<Framework>>,
}

/// The national map: per council, how many organisations with published plans serve it (on a
/// theme or statement, when chosen).
pub async fn national_map(
    store: &(impl DirectoryRepo + FrameworkRepo + Sync),
    theme: &str,
    statement: &str,
) -> Result<NationalMap, AppError> {
    let framework = framework(store).await?;
    let statements = statements_for(framework.as_deref(), theme, statement);
    let counts = store.plan_counts_by_area(&statements).await?;
    let max = counts.iter().map(|(_, n)| *n).max().unwrap_or(0);
    // Four bands of equal width up to the largest count (at least 1 each).
    let width = ((max + 3) / 4).max(1);
    let band = |n: i64| {
        if n <= 0 {
            0
        } else {
            usize::try_from((n - 1) / width + 1).unwrap_or(4).min(4)
        }
    };
    let mut out: Vec<MapArea> = areas::councils()
        .iter()
        .filter_map(|c| {
            let shape = areas::map_shape(&c.code)?;
            let count = counts
                .iter()
                .find(|(code, _)| *code == c.code)
                .map_or(0, |(_, n)| *n);
            Some(MapArea {
                council: c,
                path: shape.path.as_str(),
                count,
                band: band(count),
            })
        })
        .collect();
    out.sort_by(|a, b| a.council.name.cmp(&b.council.name));
    let bands = (1..=4)
        .map(|b| {
            let b64 = i64::try_from(b).unwrap_or(4);
            (b, (b64 - 1) * width + 1, b64 * width)
        })
        .collect();
    Ok(NationalMap {
        areas: out,
        size: areas::map_size(),
        bands,
        theme: theme.to_owned(),
        statement: statement.to_owned(),
        framework,
    })
}

/// A council's page: who serves it and their published priorities, its neighbours and the
/// organisations working there, and (when none serve it) the nearest ones.
#[derive(Debug, Clone)]
pub struct AreaPage {
    pub council: &'static Council,
    pub organisations: Vec<DirectoryEntry>,
    pub neighbours: Vec<&'static Council>,
    /// Organisations working in neighbouring councils (and not here), nearest first.
    pub in_neighbours: Vec<Nearby>,
    /// When nobody here or next door has signed up: the nearest organisations further away.
    pub nearest: Vec<Nearby>,
}

/// Organisations listed from neighbouring councils on an area page.
const NEIGHBOURS_SHOWN: usize = 20;

pub async fn area(
    store: &(impl DirectoryRepo + FrameworkRepo + Sync),
    code: &str,
) -> Result<AreaPage, AppError> {
    let council = areas::council(code).ok_or(AppError::NotFound)?;
    let filter = DirectoryFilter {
        areas: vec![council.code.clone()],
        ..DirectoryFilter::default()
    };
    let (organisations, _) = store
        .directory(&filter, DirectorySort::Name, 0, 200)
        .await?;
    let mut neighbours: Vec<&'static Council> = areas::map_shape(&council.code)
        .map(|s| {
            s.neighbours
                .iter()
                .filter_map(|n| areas::council(n))
                .collect()
        })
        .unwrap_or_default();
    neighbours.sort_by(|a, b| a.name.cmp(&b.name));
    neighbours.dedup_by(|a, b| a.code == b.code);
    let here = places::by_code(&council.code).ok_or(AppError::NotFound)?;
    let in_neighbours = if neighbours.is_empty() {
        Vec::new()
    } else {
        let next_door = DirectoryFilter {
            areas: neighbours.iter().map(|n| n.code.clone()).collect(),
            ..DirectoryFilter::default()
        };
        let (entries, _) = store
            .directory(&next_door, DirectorySort::Name, 0, 200)
            .await?;
        places::rank_by_distance(&here, entries, true, NEIGHBOURS_SHOWN)
    };
    let nearest = if organisations.is_empty() && in_neighbours.is_empty() {
        places::nearest(store, &here, &DirectoryFilter::default(), true, 5).await?
    } else {
        Vec::new()
    };
    Ok(AreaPage {
        council,
        organisations,
        neighbours,
        in_neighbours,
        nearest,
    })
}

/// One answer to "who else is working on this?", with the reason in words.
#[derive(Debug, Clone)]
pub struct OtherOrganisation {
    pub slug: String,
    pub name: String,
    /// The statements both work on (codes; pages show their words).
    pub shared: Vec<String>,
    /// How near they are, in words ("works in the same council area"), or empty.
    pub near: String,
}

/// How near two organisations are: 0 same council, 1 neighbouring, 2 otherwise (with distance).
fn nearness(mine: &[String], theirs: &[String]) -> (u8, f64, &'static str) {
    if mine.iter().any(|a| theirs.contains(a)) {
        return (0, 0.0, "works in the same council area");
    }
    let neighbouring = mine.iter().any(|a| {
        areas::map_shape(a).is_some_and(|s| theirs.iter().any(|t| s.neighbours.contains(t)))
    });
    if neighbouring {
        return (1, 0.0, "neighbouring council");
    }
    let nearest = mine
        .iter()
        .flat_map(|a| theirs.iter().filter_map(move |t| areas::distance(a, t)))
        .fold(f64::INFINITY, f64::min);
    (2, nearest, "")
}

/// Organisations with published priorities on the same statements, most shared statements
/// first, then the nearest (same council, a neighbouring council, then by distance between
/// council centres). `leave_out`: the asking organisation and those it works with (its
/// partners, partnerships, board and working groups), `my_areas` its councils.
pub async fn who_else(
    store: &(impl DirectoryRepo + Sync),
    statements: &[String],
    leave_out: &[i64],
    my_areas: &[String],
    limit: usize,
) -> Result<Vec<OtherOrganisation>, AppError> {
    let mut each =
        who_else_for_each(store, &[statements.to_vec()], leave_out, my_areas, limit).await?;
    Ok(each.pop().unwrap_or_default())
}

/// [`who_else`] for several lists of statements at once (each priority of a plan), with the
/// queries of one: candidates are found for all the statements together, then ranked for each
/// list. A plan with twenty priorities costs no more queries than one with two.
pub async fn who_else_for_each(
    store: &(impl DirectoryRepo + Sync),
    lists: &[Vec<String>],
    leave_out: &[i64],
    my_areas: &[String],
    limit: usize,
) -> Result<Vec<Vec<OtherOrganisation>>, AppError> {
    // Nearby means the same councils or their neighbours.
    let mut near: Vec<String> = my_areas.to_vec();
    for a in my_areas {
        if let Some(shape) = areas::map_shape(a) {
            near.extend(shape.neighbours.iter().cloned());
        }
    }
    near.sort();
    near.dedup();
    let mut all_statements: Vec<String> = lists.iter().flatten().cloned().collect();
    all_statements.sort();
    all_statements.dedup();
    // Enough candidates for each list to find its own best ones among them.
    let per_list = limit.max(10);
    let candidates = i64::try_from(per_list.saturating_mul(lists.len().max(1)))
        .unwrap_or(500)
        .min(500);
    let found: Vec<WorkingOn> = store
        .working_on(&all_statements, &near, candidates)
        .await?
        .into_iter()
        .filter(|w| !leave_out.contains(&w.id))
        .collect();
    // How near each candidate is does not depend on the list: worked out once. Each list then
    // ranks indices, and only the few shown are copied (copying every candidate for every
    // priority made this the largest use of memory under load, measured with heaptrack).
    let nearness: Vec<(u8, f64, &'static str)> =
        found.iter().map(|w| nearness(my_areas, &w.areas)).collect();
    Ok(lists
        .iter()
        .map(|list| rank(&found, &nearness, list, my_areas, limit))
        .collect())
}

/// For one list of statements: the candidates sharing any of them, most shared statements
/// first, then the nearest; each with the reason in words.
fn rank(
    found: &[WorkingOn],
    nearness: &[(u8, f64, &'static str)],
    list: &[String],
    my_areas: &[String],
    limit: usize,
) -> Vec<OtherOrganisation> {
    let shared_count = |w: &WorkingOn| w.shared.iter().filter(|code| list.contains(code)).count();
    let mut ranked: Vec<(usize, usize)> = found
        .iter()
        .enumerate()
        .map(|(i, w)| (i, shared_count(w)))
        .filter(|(_, shared)| *shared > 0)
        .collect();
    ranked.sort_by(|&(a, shared_a), &(b, shared_b)| {
        let (na, nb) = (&nearness[a], &nearness[b]);
        shared_b
            .cmp(&shared_a)
            .then(na.0.cmp(&nb.0))
            .then(na.1.total_cmp(&nb.1))
            .then(found[a].name.cmp(&found[b].name))
    });
    ranked
        .into_iter()
        .take(limit)
        .map(|(i, _)| {
            let (w, (_, km, place)) = (&found[i], nearness[i]);
            // Where they are, in words; what they share is named by the page, in the
            // statements' own words.
            let near = if my_areas.is_empty() {
                String::new()
            } else if place.is_empty() {
                if km.is_finite() {
                    format!(
                        "about {} km away",
                        (km * mir_domain::places::km_per_unit()).round()
                    )
                } else {
                    String::new()
                }
            } else {
                place.to_owned()
            };
            OtherOrganisation {
                slug: w.slug.clone(),
                name: w.name.clone(),
                shared: w
                    .shared
                    .iter()
                    .filter(|code| list.contains(code))
                    .cloned()
                    .collect(),
                near,
            }
        })
        .collect()
}

/// The council areas an organisation works in (for "who else nearby").
pub async fn areas_of(
    store: &impl DirectoryRepo,
    organisation_id: i64,
) -> Result<Vec<String>, AppError> {
    Ok(store.organisation_areas(organisation_id).await?)
}
