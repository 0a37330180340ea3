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
