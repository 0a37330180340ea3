//! Places people name: councils, the districts inside them (Cambridge, inside Cambridgeshire),
//! and postcodes. Each becomes a council and a point on the national map, so mir can list the
//! organisations nearest to it. Data: `data/areas/england-places.csv`, made from the ONS
//! lookups by `scripts/make-council-map.py` (Open Government Licence v3.0). Postcodes are not
//! shipped: an operator loads the ONS Postcode Directory (`mir import postcodes`).

use std::sync::LazyLock;

use crate::areas::{self, Council};

/// One district: a place name people use, the council responsible, and its point on the map.
#[derive(Debug, Clone, PartialEq)]
pub struct District {
    pub code: String,
    pub name: String,
    pub council_code: String,
    pub point: (f64, f64),
}

const CSV: &str = include_str!("../../../data/areas/england-places.csv");

static DISTRICTS: LazyLock<Vec<District>> = LazyLock::new(|| {
    csv::Reader::from_reader(CSV.as_bytes())
        .records()
        .filter_map(Result::ok)
        .filter_map(|row| {
            Some(District {
                code: row.get(0)?.to_owned(),
                name: row.get(1)?.to_owned(),
                // Barnsley and Sheffield have new codes; the council knows both.
                council_code: areas::council(row.get(2)?)?.code.clone(),
                point: (row.get(3)?.parse().ok()?, row.get(4)?.parse().ok()?),
            })
        })
        .collect()
});

/// Every district, by code.
pub fn districts() -> &'static [District] {
    &DISTRICTS
}

/// The district with this ONS code (as in the ONS Postcode Directory's `oslaua` column).
pub fn district(code: &str) -> Option<&'static District> {
    DISTRICTS.iter().find(|d| d.code == code).or_else(|| {
        // The April 2025 codes for Barnsley and Sheffield: the district that is that council.
        let council = areas::council(code)?;
        DISTRICTS
            .iter()
            .find(|d| d.council_code == council.code && d.name == council.name)
    })
}

/// A place found from what a visitor typed: the council it is in, what it is called, and its
/// point on the map.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// As the visitor will read it: "Cambridge", "CB2 1TN".
    pub name: String,
    pub council: &'static Council,
    pub point: (f64, f64),
}

/// Words that do not tell places apart ("City of", "the", "council").
fn simplified(text: &str) -> String {
    let lower = text.to_lowercase().replace('&', " and ");
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| {
            !w.is_empty() && !["city", "of", "the", "council", "county", "borough"].contains(w)
        })
        .collect();
    words.join(" ")
}

/// A council's point: the centre of its shape on the map.
fn council_point(council: &Council) -> Option<(f64, f64)> {
    let shape = areas::map_shape(&council.code)?;
    #[allow(clippy::cast_precision_loss)] // map units are a few hundred
    Some((shape.centre.0 as f64, shape.centre.1 as f64))
}

/// Places whose name matches what was typed, best first: exact names (of a council or a
/// district), then names that start with it, then names containing it as a word. A council
/// and its one district of the same name (Hartlepool) count once.
pub fn by_name(typed: &str) -> Vec<Place> {
    // "Cambridge (Cambridgeshire)", as the box shows a place it found: the district in that
    // council.
    if let Some((name, rest)) = typed.trim().split_once(" (")
        && let Some(council) = rest.strip_suffix(')')
    {
        let council = simplified(council);
        let within: Vec<Place> = by_name(name)
            .into_iter()
            .filter(|p| simplified(&p.council.name) == council)
            .collect();
        if !within.is_empty() {
            return within;
        }
    }
    let wanted = simplified(typed);
    if wanted.chars().count() < 2 {
        return Vec::new();
    }
    let mut found: Vec<(u8, Place)> = Vec::new();
    let rank = |name: &str| -> Option<u8> {
        let name = simplified(name);
        if name == wanted {
            Some(0)
        } else if name.starts_with(&wanted) {
            Some(1)
        } else if name.split(' ').any(|w| w.starts_with(&wanted))
            || name.contains(&format!(" {wanted}"))
        {
            Some(2)
        } else {
            None
        }
    };
    for council in areas::councils() {
        if let (Some(r), Some(point)) = (rank(&council.name), council_point(council)) {
            found.push((
                r,
                Place {
                    name: council.name.clone(),
                    council,
                    point,
                },
            ));
        }
    }
    for d in districts() {
        let Some(r) = rank(&d.name) else { continue };
        let Some(council) = areas::council(&d.council_code) else {
            continue;
        };
        if found.iter().any(|(_, p)| p.name == d.name) {
            continue;
        }
        found.push((
            r,
            Place {
                name: format!("{} ({})", d.name, council.name),
                council,
                point: d.point,
            },
        ));
    }
    found.sort_by(|(ra, a), (rb, b)| ra.cmp(rb).then(a.name.cmp(&b.name)));
    let best = found.first().map(|(r, _)| *r);
    found
        .into_iter()
        .filter(|(r, _)| Some(*r) == best)
        .map(|(_, p)| p)
        .take(12)
        .collect()
}

/// Edit distance between two short texts (for "did you mean"): insertions, deletions and
/// substitutions each cost one.
fn edits(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (row[j + 1] + 1)
                .min(row[j] + 1)
                .min(previous + usize::from(ca != *cb));
            previous = here;
        }
    }
    row[b.len()]
}

/// Place names close to a misspelt one ("Midlesbrough" → Middlesbrough): councils and
/// districts whose name is one or two letters away (one for short names), nearest first.
pub fn near_misses(typed: &str) -> Vec<String> {
    let wanted = simplified(typed);
    let length = wanted.chars().count();
    if length < 4 {
        return Vec::new();
    }
    let allowed = if length < 7 { 1 } else { 2 };
    let mut found: Vec<(usize, String)> = areas::councils()
        .iter()
        .map(|c| c.name.clone())
        .chain(districts().iter().map(|d| d.name.clone()))
        .filter_map(|name| {
            let distance = edits(&wanted, &simplified(&name));
            (distance <= allowed).then_some((distance, name))
        })
        .collect();
    found.sort();
    found.dedup_by(|a, b| a.1 == b.1);
    found.into_iter().map(|(_, name)| name).take(3).collect()
}

/// A UK postcode in its usual form ("CB2 1TN"), if `typed` is one (any case, any spaces).
pub fn postcode(typed: &str) -> Option<String> {
    let compact: String = typed
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    let len = compact.len();
    if !(5..=7).contains(&len) || !compact.is_ascii() {
        return None;
    }
    let (outward, inward) = compact.split_at(len - 3);
    let inward_ok = {
        let b = inward.as_bytes();
        b[0].is_ascii_digit() && b[1].is_ascii_alphabetic() && b[2].is_ascii_alphabetic()
    };
    let o = outward.as_bytes();
    let outward_ok = o[0].is_ascii_alphabetic()
        && o.iter().all(u8::is_ascii_alphanumeric)
        && o.iter().any(u8::is_ascii_digit);
    (inward_ok && outward_ok).then(|| format!("{outward} {inward}"))
}

/// Whether `typed` looks like the first half of a postcode ("CB2"), which is not enough to find
/// a place; the page asks for the whole postcode.
pub fn is_outward_code(typed: &str) -> bool {
    let t = typed.trim().to_uppercase();
    (2..=4).contains(&t.len())
        && t.as_bytes()[0].is_ascii_alphabetic()
        && t.chars().all(|c| c.is_ascii_alphanumeric())
        && t.chars().any(|c| c.is_ascii_digit())
}

/// The map's projection box (longitude and latitude), from the map file.
fn projection_box() -> (f64, f64, f64, f64) {
    areas::map_box()
}

/// A longitude and latitude as a point in map units (the map's own projection).
pub fn project(latitude: f64, longitude: f64) -> (f64, f64) {
    let (min_lon, min_lat, max_lon, max_lat) = projection_box();
    let k = ((min_lat + max_lat) / 2.0).to_radians().cos();
    let (width, _) = areas::map_size();
    #[allow(clippy::cast_precision_loss)]
    let scale = width as f64 / ((max_lon - min_lon) * k);
    (
        (longitude - min_lon) * k * scale,
        (max_lat - latitude) * scale,
    )
}

/// Kilometres in one map unit (about one).
pub fn km_per_unit() -> f64 {
    let (min_lon, min_lat, max_lon, max_lat) = projection_box();
    let k = ((min_lat + max_lat) / 2.0).to_radians().cos();
    let (width, _) = areas::map_size();
    #[allow(clippy::cast_precision_loss)]
    let width = width as f64;
    (max_lon - min_lon) * k * 111.32 / width
}

/// How far a point is from a council, in kilometres: 0 inside it (the council the place is
/// in), else to the council's centre.
pub fn km_to_council(from: (f64, f64), from_council: &str, council_code: &str) -> Option<f64> {
    let to = council_point(areas::council(council_code)?)?;
    if areas::council(from_council).map(|c| c.code.as_str())
        == areas::council(council_code).map(|c| c.code.as_str())
    {
        return Some(0.0);
    }
    Some((to.0 - from.0).hypot(to.1 - from.1) * km_per_unit())
}

/// Councils by distance from a point, nearest first (the point's own council first).
pub fn councils_by_distance(from: (f64, f64), own: &str) -> Vec<(&'static Council, f64)> {
    let mut all: Vec<(&'static Council, f64)> = areas::councils()
        .iter()
        .filter_map(|c| Some((c, km_to_council(from, own, &c.code)?)))
        .collect();
    all.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.name.cmp(&b.0.name)));
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_district_belongs_to_a_council() {
        assert_eq!(districts().len(), 296);
        for d in districts() {
            assert!(areas::council(&d.council_code).is_some(), "{}", d.code);
        }
    }

    #[test]
    fn finds_councils_and_districts_by_name() {
        let cambridge = by_name("cambridge");
        assert_eq!(cambridge.len(), 1, "{cambridge:?}");
        assert_eq!(cambridge[0].council.name, "Cambridgeshire");
        assert_eq!(cambridge[0].name, "Cambridge (Cambridgeshire)");
        // What the box shows for a place it found finds the same place again.
        assert_eq!(by_name(&cambridge[0].name), cambridge);
        let hull = by_name("Kingston upon Hull");
        assert_eq!(hull[0].council.code, "E06000010");
        // A council and its same-named district count once.
        assert_eq!(by_name("Hartlepool").len(), 1);
        // Several starts: all offered, in name order.
        let north: Vec<String> = by_name("North").into_iter().map(|p| p.name).collect();
        assert!(north.len() > 3, "{north:?}");
        assert!(by_name("x").is_empty());
        assert!(by_name("Atlantis").is_empty());
        // New Sheffield code.
        assert_eq!(by_name("Sheffield")[0].council.code, "E08000039");
    }

    #[test]
    fn suggests_places_for_a_misspelt_name() {
        assert_eq!(near_misses("Midlesbrough"), ["Middlesbrough"]);
        assert_eq!(near_misses("Cambrige"), ["Cambridge"]);
        assert!(near_misses("Atlantis").is_empty());
        assert!(near_misses("Ely").is_empty(), "too short to guess");
    }

    #[test]
    fn recognises_postcodes_in_any_form() {
        assert_eq!(postcode("cb21tn"), Some("CB2 1TN".into()));
        assert_eq!(postcode(" SW1A 1AA "), Some("SW1A 1AA".into()));
        assert_eq!(postcode("M1 1AE"), Some("M1 1AE".into()));
        assert_eq!(postcode("Cambridge"), None);
        assert_eq!(postcode("CB2"), None);
        assert_eq!(postcode("12345"), None);
        assert!(is_outward_code("cb2"));
        assert!(!is_outward_code("Leeds"));
    }

    #[test]
    fn distances_are_in_kilometres_and_own_council_is_nearest() {
        let km = km_per_unit();
        assert!((0.9..1.1).contains(&km), "{km}");
        // Middlesbrough to Hartlepool: about 15 km between centres.
        let middlesbrough = &by_name("Middlesbrough")[0];
        let d = km_to_council(middlesbrough.point, "E06000002", "E06000001").expect("d");
        assert!((8.0..30.0).contains(&d), "{d}");
        let order = councils_by_distance(middlesbrough.point, "E06000002");
        assert_eq!(order[0].0.code, "E06000002");
        assert_eq!(order.len(), areas::councils().len());
        // A point projected from latitude and longitude lands near its district's point.
        let (x, y) = project(54.5447, -1.21099);
        assert!(
            (x - 354.9).abs() < 0.5 && (y - 144.6).abs() < 0.5,
            "{x},{y}"
        );
    }
}
