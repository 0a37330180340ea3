//! "Near me": a place a visitor types (a council, a town or district, or a postcode where the
//! operator has loaded the ONS Postcode Directory) and the organisations nearest to it. Nothing
//! here asks any outside service.

use std::io::Read;

use mir_domain::areas;
use mir_domain::places::{self, Place};
use mir_store::{
    DirectoryEntry, DirectoryFilter, DirectoryRepo, DirectorySort, PostcodeRepo, PostcodeRow,
};

use crate::AppError;

/// The most characters of a place read (longer text cannot be a place name).
pub const MAX_PLACE_CHARS: usize = 60;

/// What a typed place turned out to be.
#[derive(Debug, Clone, PartialEq)]
pub enum PlaceAnswer {
    Found(Place),
    /// Several places match; the visitor chooses (each offered by its code).
    Choices(Vec<(String, Place)>),
    /// Why nothing was found, said next to the box.
    Problem(String),
}

/// Finds the place a visitor typed: an ONS council or district code (from a "did you mean"
/// link), a postcode, or a name.
pub async fn find_place(
    store: &(impl PostcodeRepo + Sync),
    typed: &str,
) -> Result<PlaceAnswer, AppError> {
    let typed: String = typed.trim().chars().take(MAX_PLACE_CHARS).collect();
    if let Some(place) = by_code(&typed) {
        return Ok(PlaceAnswer::Found(place));
    }
    if let Some(postcode) = places::postcode(&typed) {
        return by_postcode(store, &postcode).await;
    }
    if places::is_outward_code(&typed) {
        return Ok(PlaceAnswer::Problem(format!(
            "Type the whole postcode, for example {} 1AA, or the name of a town or council",
            typed.to_uppercase()
        )));
    }
    let found = places::by_name(&typed);
    Ok(match found.len() {
        0 => {
            let close = places::near_misses(&typed);
            if close.is_empty() {
                PlaceAnswer::Problem(format!(
                    "We could not find a place in England called “{typed}”. Type the name of a town or council, or a postcode"
                ))
            } else {
                PlaceAnswer::Problem(format!(
                    "We could not find a place in England called “{typed}”. Did you mean {}?",
                    close.join(" or ")
                ))
            }
        }
        1 => PlaceAnswer::Found(found.into_iter().next().ok_or(AppError::NotFound)?),
        _ => PlaceAnswer::Choices(found.into_iter().map(|p| (code_of(&p), p)).collect()),
    })
}

/// The code a "did you mean" link carries for a place: its district's, or its council's.
fn code_of(place: &Place) -> String {
    places::districts()
        .iter()
        .find(|d| place.name.starts_with(&d.name) && d.council_code == place.council.code)
        .map_or_else(|| place.council.code.clone(), |d| d.code.clone())
}

/// The place an ONS council or district code names.
pub fn by_code(typed: &str) -> Option<Place> {
    let upper = typed.to_uppercase();
    if upper.len() != 9 || !upper.starts_with('E') {
        return None;
    }
    if let Some(d) = places::districts().iter().find(|d| d.code == upper) {
        let council = areas::council(&d.council_code)?;
        let name = if d.name == council.name {
            d.name.clone()
        } else {
            format!("{} ({})", d.name, council.name)
        };
        return Some(Place {
            name,
            council,
            point: d.point,
        });
    }
    let council = areas::council(&upper)?;
    let shape = areas::map_shape(&council.code)?;
    #[allow(clippy::cast_precision_loss)] // a few hundred map units
    Some(Place {
        name: council.name.clone(),
        council,
        point: (shape.centre.0 as f64, shape.centre.1 as f64),
    })
}

async fn by_postcode(
    store: &(impl PostcodeRepo + Sync),
    postcode: &str,
) -> Result<PlaceAnswer, AppError> {
    if let Some(row) = store.find_postcode(postcode).await? {
        let Some(council) = areas::council(&row.council_code) else {
            return Ok(PlaceAnswer::Problem(format!(
                "We could not find the postcode {postcode} in England"
            )));
        };
        return Ok(PlaceAnswer::Found(Place {
            name: postcode.to_owned(),
            council,
            point: places::project(row.latitude, row.longitude),
        }));
    }
    Ok(PlaceAnswer::Problem(if !store.postcodes_loaded().await? {
        "This site cannot look up postcodes. Type the name of your town or council instead, for example Leeds".to_owned()
    } else {
        format!(
            "We could not find the postcode {postcode}. Check it, or type the name of a town or council"
        )
    }))
}

/// An organisation near a place, with how near in words.
#[derive(Debug, Clone)]
pub struct Nearby {
    pub entry: DirectoryEntry,
    pub km: f64,
    /// "works in Stockton-on-Tees, about 8 km away".
    pub near: String,
}

/// Councils asked about at once while widening the circle around a place.
const RINGS: [usize; 6] = [1, 3, 8, 20, 50, 160];
/// The most organisations read for the chosen ring (the store reads at most 200 a page).
const READ_AT_MOST: i64 = 200;

/// The organisations nearest to a place that match `filter` (its areas are replaced), nearest
/// first; with `others_only`, leaving out those working in the place's own council. The circle
/// of councils widens until it holds enough (a count per ring, at most six), then that ring is
/// read: at most ten queries whatever the size of the directory.
pub async fn nearest(
    store: &(impl DirectoryRepo + Sync),
    place: &Place,
    filter: &DirectoryFilter,
    others_only: bool,
    limit: usize,
) -> Result<Vec<Nearby>, AppError> {
    let own = place.council.code.as_str();
    let by_distance: Vec<(&'static areas::Council, f64)> =
        places::councils_by_distance(place.point, own)
            .into_iter()
            .filter(|(c, _)| !(others_only && c.code == own))
            .collect();
    let ring_filter = |ring: usize| DirectoryFilter {
        areas: by_distance[..ring.min(by_distance.len())]
            .iter()
            .map(|(c, _)| c.code.clone())
            .collect(),
        ..filter.clone()
    };
    // Count first (one query a ring), then read the first ring that holds enough.
    let mut chosen = by_distance.len();
    for ring in RINGS {
        let ring = ring.min(by_distance.len());
        let (_, total) = store
            .directory(&ring_filter(ring), DirectorySort::Name, 0, 0)
            .await?;
        if usize::try_from(total).unwrap_or(usize::MAX) >= limit || ring == by_distance.len() {
            chosen = ring;
            break;
        }
    }
    let (found, _) = store
        .directory(&ring_filter(chosen), DirectorySort::Name, 0, READ_AT_MOST)
        .await?;
    Ok(rank_by_distance(place, found, others_only, limit))
}

/// Directory entries nearest first from a place, with how near in words; with `others_only`,
/// leaving out those working in the place's own council.
pub fn rank_by_distance(
    place: &Place,
    found: Vec<DirectoryEntry>,
    others_only: bool,
    limit: usize,
) -> Vec<Nearby> {
    let own = place.council.code.as_str();
    let mut near: Vec<Nearby> = found
        .into_iter()
        .filter(|e| !(others_only && e.areas.iter().any(|a| a == own)))
        .filter_map(|entry| {
            let (council, km) = entry
                .areas
                .iter()
                .filter_map(|a| {
                    let c = areas::council(a)?;
                    Some((c, places::km_to_council(place.point, own, &c.code)?))
                })
                .min_by(|a, b| a.1.total_cmp(&b.1))?;
            let near = if km < 0.5 {
                format!("works in {}", council.name)
            } else {
                format!("works in {}, about {} km away", council.name, km.round())
            };
            Some(Nearby { entry, km, near })
        })
        .collect();
    near.sort_by(|a, b| a.km.total_cmp(&b.km).then(a.entry.name.cmp(&b.entry.name)));
    near.truncate(limit);
    near
}

/// What `mir import postcodes` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostcodeImport {
    pub loaded: u64,
    pub terminated: u64,
    pub outside_england: u64,
    pub no_location: u64,
    pub unreadable: u64,
    /// Postcodes loaded earlier that this file says are no longer in use.
    pub removed: u64,
}

/// Postcodes saved per transaction.
const BATCH: usize = 5_000;

/// The column positions the import needs, found by name in the header row.
struct Columns {
    postcode: usize,
    district: usize,
    latitude: usize,
    longitude: usize,
    terminated: Option<usize>,
}

impl Columns {
    fn find(header: &csv::StringRecord) -> Result<Self, AppError> {
        let names: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
        let any = |wanted: &[&str]| names.iter().position(|n| wanted.contains(&n.as_str()));
        // ONS names the district column `oslaua`, or `ladNNcd` in newer files.
        let district = any(&["oslaua", "lad", "laua"]).or_else(|| {
            names.iter().position(|n| {
                n.len() == 7
                    && n.starts_with("lad")
                    && n.ends_with("cd")
                    && n[3..5].chars().all(|c| c.is_ascii_digit())
            })
        });
        let missing = |what: &str, expected: &str| {
            AppError::Conflict(format!(
                "The file has no {what} column (expected one named {expected}). Is it the ONS Postcode Directory CSV?"
            ))
        };
        Ok(Columns {
            postcode: any(&["pcds", "pcd", "pcd2", "pcd7", "pcd8", "postcode"])
                .ok_or_else(|| missing("postcode", "pcds"))?,
            district: district.ok_or_else(|| missing("district", "oslaua or lad25cd"))?,
            latitude: any(&["lat", "latitude"]).ok_or_else(|| missing("latitude", "lat"))?,
            longitude: any(&["long", "lon", "longitude"])
                .ok_or_else(|| missing("longitude", "long"))?,
            terminated: any(&["doterm"]),
        })
    }
}

/// Reads the ONS Postcode Directory (CSV, columns found by name) and keeps every live English
/// postcode with a location, adding to or refreshing what is there; postcodes the file says
/// are no longer in use are removed. A per-area file changes only its own area's postcodes.
pub async fn import_postcodes(
    store: &(impl PostcodeRepo + Sync),
    file: impl Read,
    now: i64,
) -> Result<PostcodeImport, AppError> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(file);
    let header = reader
        .headers()
        .map_err(|e| AppError::Conflict(format!("The file's first line cannot be read: {e}")))?
        .clone();
    let columns = Columns::find(&header)?;
    let mut report = PostcodeImport::default();
    let mut batch: Vec<PostcodeRow> = Vec::with_capacity(BATCH);
    let mut retired: Vec<String> = Vec::new();
    for record in reader.records() {
        let Ok(record) = record else {
            report.unreadable += 1;
            continue;
        };
        let field = |i: usize| record.get(i).unwrap_or_default().trim();
        if columns.terminated.is_some_and(|i| !field(i).is_empty()) {
            report.terminated += 1;
            if let Some(postcode) = places::postcode(field(columns.postcode)) {
                retired.push(postcode);
                if retired.len() == BATCH {
                    report.removed += store.remove_postcodes(&retired).await?;
                    retired.clear();
                }
            }
            continue;
        }
        let Some(postcode) = places::postcode(field(columns.postcode)) else {
            report.unreadable += 1;
            continue;
        };
        let Some(district) = places::district(field(columns.district)) else {
            report.outside_england += 1;
            continue;
        };
        let (Ok(latitude), Ok(longitude)) = (
            field(columns.latitude).parse::<f64>(),
            field(columns.longitude).parse::<f64>(),
        ) else {
            report.no_location += 1;
            continue;
        };
        // ONS gives 99.999999 for a postcode with no grid reference.
        if !(49.0..=56.0).contains(&latitude) || !(-7.0..=2.5).contains(&longitude) {
            report.no_location += 1;
            continue;
        }
        batch.push(PostcodeRow {
            postcode,
            district_code: district.code.clone(),
            council_code: district.council_code.clone(),
            latitude,
            longitude,
        });
        if batch.len() == BATCH {
            store.save_postcodes(&batch, now).await?;
            report.loaded += batch.len() as u64;
            batch.clear();
        }
    }
    if !batch.is_empty() {
        store.save_postcodes(&batch, now).await?;
        report.loaded += batch.len() as u64;
    }
    if !retired.is_empty() {
        report.removed += store.remove_postcodes(&retired).await?;
    }
    // A file that gave nothing usable is probably the wrong file: say so.
    if report.loaded == 0 && report.removed == 0 {
        return Err(AppError::Conflict(
            "The file has no live postcodes in England; nothing was changed".into(),
        ));
    }
    Ok(report)
}
