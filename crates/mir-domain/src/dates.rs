//! Dates in words, as people read them ("1 December 2026"), never 2026-12-01: the same
//! wording on pages, in emails and in Easy Read. Times are UTC.

use time::macros::format_description;

/// A moment as a day and time: "23 November 2026, 21:48".
pub fn when(at: i64) -> String {
    let format =
        format_description!("[day padding:none] [month repr:long] [year], [hour]:[minute]");
    time::OffsetDateTime::from_unix_timestamp(at)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_default()
}

/// A moment's day: "23 November 2026".
pub fn in_words(at: i64) -> String {
    let format = format_description!("[day padding:none] [month repr:long] [year]");
    time::OffsetDateTime::from_unix_timestamp(at)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_default()
}

/// A `YYYY-MM-DD` date in words ("20 November 2026"); anything else is given back as it is.
pub fn day(iso: &str) -> String {
    let parse = format_description!("[year]-[month]-[day]");
    let show = format_description!("[day padding:none] [month repr:long] [year]");
    time::Date::parse(iso, &parse)
        .ok()
        .and_then(|d| d.format(&show).ok())
        .unwrap_or_else(|| iso.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_in_words() {
        assert_eq!(day("2027-03-31"), "31 March 2027");
        assert_eq!(day("not a date"), "not a date");
        assert_eq!(in_words(1_796_083_200), "1 December 2026");
        assert_eq!(when(1_796_083_200 + 3_600 + 120), "1 December 2026, 01:02");
    }
}
