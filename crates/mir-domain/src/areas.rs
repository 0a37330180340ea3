//! England's upper-tier councils, by ONS code: the areas an organisation serves.
//! Data: `data/areas/england-councils.csv` (ONS, Open Government Licence v3.0).

use std::sync::LazyLock;

/// The attribution every page that shows this data must carry.
pub const ATTRIBUTION: &str = "Source: Office for National Statistics licensed under the Open Government Licence v.3.0. Contains OS data © Crown copyright and database right 2023–2024.";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Council {
    pub code: String,
    pub name: String,
    pub region_code: String,
    pub region_name: String,
}

const CSV: &str = include_str!("../../../data/areas/england-councils.csv");

static COUNCILS: LazyLock<Vec<Council>> = LazyLock::new(|| {
    // The file ships in the binary; a row that does not parse would fail the tests below.
    csv::Reader::from_reader(CSV.as_bytes())
        .records()
        .filter_map(Result::ok)
        .filter_map(|row| {
            Some(Council {
                code: row.get(0)?.to_owned(),
                name: row.get(1)?.to_owned(),
                region_code: row.get(2)?.to_owned(),
                region_name: row.get(3)?.to_owned(),
            })
        })
        .collect()
});

/// Codes retired in April 2025, and the codes that replaced them.
const RENAMED: [(&str, &str); 2] = [("E08000016", "E08000038"), ("E08000019", "E08000039")];

/// One council on the national map: its outline as an SVG path, its centre and its neighbours
/// (councils that share a boundary). Data: `data/areas/council-map.tsv`, made from the ONS
/// boundaries by `scripts/make-council-map.py`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapShape {
    pub code: String,
    pub neighbours: Vec<String>,
    pub centre: (i64, i64),
    pub path: String,
}

const MAP: &str = include_str!("../../../data/areas/council-map.tsv");

fn current(code: &str) -> String {
    RENAMED
        .iter()
        .find(|(old, _)| *old == code)
        .map_or(code, |(_, new)| new)
        .to_owned()
}

/// The map's shapes, its size, and its projection's box (longitude, latitude).
type MapData = (Vec<MapShape>, (i64, i64), (f64, f64, f64, f64));

static SHAPES: LazyLock<MapData> = LazyLock::new(|| {
    let mut size = (0, 0);
    let mut bounds = (0.0, 0.0, 0.0, 0.0);
    let mut shapes = Vec::new();
    for line in MAP.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        if let ["# size", w, h] = fields.as_slice() {
            size = (w.parse().unwrap_or(0), h.parse().unwrap_or(0));
            continue;
        }
        if let ["# box", a, b, c, d] = fields.as_slice() {
            let n = |s: &str| s.parse::<f64>().unwrap_or(0.0);
            bounds = (n(a), n(b), n(c), n(d));
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        if let [code, neighbours, x, y, path] = fields.as_slice() {
            shapes.push(MapShape {
                code: current(code),
                neighbours: neighbours
                    .split(',')
                    .filter(|c| !c.is_empty())
                    .map(current)
                    .collect(),
                centre: (x.parse().unwrap_or(0), y.parse().unwrap_or(0)),
                path: (*path).to_owned(),
            });
        }
    }
    (shapes, size, bounds)
});

/// Every council's shape on the map, by code.
pub fn map_shapes() -> &'static [MapShape] {
    &SHAPES.0
}

/// The map's width and height in map units.
pub fn map_size() -> (i64, i64) {
    SHAPES.1
}

/// The longitudes and latitudes the map spans (west, south, east, north): its projection.
pub fn map_box() -> (f64, f64, f64, f64) {
    SHAPES.2
}

/// A council's shape (old Barnsley and Sheffield codes give the current council).
pub fn map_shape(code: &str) -> Option<&'static MapShape> {
    let code = current(code);
    SHAPES.0.iter().find(|s| s.code == code)
}

/// How far apart two councils' centres are, in map units (about 1 km each); `None` if
/// either is unknown.
pub fn distance(a: &str, b: &str) -> Option<f64> {
    let (a, b) = (map_shape(a)?, map_shape(b)?);
    let dx = (a.centre.0 - b.centre.0) as f64;
    let dy = (a.centre.1 - b.centre.1) as f64;
    Some(dx.hypot(dy))
}

/// Every council, by code.
pub fn councils() -> &'static [Council] {
    &COUNCILS
}

/// The council with this code (old Barnsley and Sheffield codes give the current council).
pub fn council(code: &str) -> Option<&'static Council> {
    let code = RENAMED
        .iter()
        .find(|(old, _)| *old == code)
        .map_or(code, |(_, new)| new);
    COUNCILS.iter().find(|c| c.code == code)
}

/// Councils grouped by region, regions and councils in name order.
pub fn by_region() -> Vec<(&'static str, Vec<&'static Council>)> {
    let mut regions: Vec<(&'static str, Vec<&'static Council>)> = Vec::new();
    let mut sorted: Vec<&'static Council> = COUNCILS.iter().collect();
    sorted.sort_by(|a, b| {
        (a.region_name.as_str(), a.name.as_str()).cmp(&(b.region_name.as_str(), b.name.as_str()))
    });
    for council in sorted {
        match regions.last_mut() {
            Some((region, list)) if *region == council.region_name => list.push(council),
            _ => regions.push((council.region_name.as_str(), vec![council])),
        }
    }
    regions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_council_has_a_shape_and_neighbours_are_mutual() {
        assert_eq!(map_shapes().len(), councils().len());
        for c in councils() {
            let shape = map_shape(&c.code).expect("a shape for every council");
            assert!(shape.path.starts_with('M') && shape.path.ends_with('Z'));
            for n in &shape.neighbours {
                assert!(council(n).is_some(), "{n} is a council");
                assert!(
                    map_shape(n).is_some_and(|s| s.neighbours.contains(&c.code)),
                    "{} and {n} are neighbours both ways",
                    c.code
                );
            }
        }
        let (w, h) = map_size();
        assert!(w > 500 && h > 500);
        // Hartlepool borders Stockton-on-Tees; Sheffield (new code) borders Barnsley.
        assert!(
            map_shape("E06000001")
                .expect("hartlepool")
                .neighbours
                .contains(&"E06000004".to_owned())
        );
        assert!(
            map_shape("E08000039")
                .expect("sheffield")
                .neighbours
                .contains(&"E08000038".to_owned())
        );
        assert!(
            distance("E06000001", "E06000004").expect("d")
                < distance("E06000001", "E09000001").expect("d")
        );
    }

    #[test]
    fn all_153_councils_in_9_regions() {
        assert_eq!(councils().len(), 153);
        assert_eq!(by_region().len(), 9);
        assert_eq!(
            council("E06000001").map(|c| c.name.as_str()),
            Some("Hartlepool")
        );
        let hull = council("E06000010").map(|c| c.name.as_str());
        assert_eq!(
            hull,
            Some("Kingston upon Hull, City of"),
            "quoted names keep their commas"
        );
        assert_eq!(council("E99999999"), None);
    }

    #[test]
    fn old_barnsley_and_sheffield_codes_still_work() {
        assert_eq!(
            council("E08000016").map(|c| c.code.as_str()),
            Some("E08000038")
        );
        assert_eq!(
            council("E08000019").map(|c| c.name.as_str()),
            Some("Sheffield")
        );
    }
}
