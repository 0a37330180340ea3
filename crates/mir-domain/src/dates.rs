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

/// A date typed in three boxes, day, month and year, as GOV.UK asks for dates: `Ok(None)`
/// when all three are empty, `Ok(Some("YYYY-MM-DD"))` for a real date, or what is wrong, to
/// follow the date's name ("must include a month"). A month may be a number or its name.
pub fn from_parts(day: &str, month: &str, year: &str) -> Result<Option<String>, &'static str> {
    let (day, month, year) = (day.trim(), month.trim(), year.trim());
    if day.is_empty() && month.is_empty() && year.is_empty() {
        return Ok(None);
    }
    match (day.is_empty(), month.is_empty(), year.is_empty()) {
        (true, _, _) => return Err("must include a day"),
        (_, true, _) => return Err("must include a month"),
        (_, _, true) => return Err("must include a year"),
        _ => {}
    }
    let month = month_number(month).ok_or("must be a real date: the month is 1 to 12")?;
    let day: u8 = day.parse().map_err(|_| "must be a real date")?;
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return Err("must have a year of 4 numbers, like 2027");
    }
    let year: i32 = year.parse().map_err(|_| "must be a real date")?;
    let month = time::Month::try_from(month).map_err(|_| "must be a real date")?;
    if day == 0 || day > month.length(year) {
        return Err(match month.length(year) {
            28 => "must be a real date: that month has 28 days",
            29 => "must be a real date: that month has 29 days",
            30 => "must be a real date: that month has 30 days",
            _ => "must be a real date: no month has more than 31 days",
        });
    }
    let date =
        time::Date::from_calendar_date(year, month, day).map_err(|_| "must be a real date")?;
    Ok(Some(format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )))
}

/// The date a form's three boxes hold, as `YYYY-MM-DD` for the rules that follow, or `fallback`
/// (a date sent whole, as older forms and scripts do) when the boxes are empty. A problem is
/// added to `errors` under `field`, starting with `name` ("The due date must include a month"),
/// and an empty string is given back.
pub fn typed(
    errors: &mut crate::validation::FieldErrors,
    (field, name): (&'static str, &str),
    (day, month, year): (&str, &str, &str),
    fallback: &str,
) -> String {
    match from_parts(day, month, year) {
        Ok(Some(iso)) => iso,
        Ok(None) => fallback.to_owned(),
        Err(problem) => {
            errors.add(field, format!("{name} {problem}"));
            String::new()
        }
    }
}

/// `(day, month, year)` of a `YYYY-MM-DD` date, to fill the three boxes again; empty boxes
/// for anything else.
pub fn to_parts(iso: &str) -> (String, String, String) {
    let parse = format_description!("[year]-[month]-[day]");
    time::Date::parse(iso.trim(), &parse).map_or_else(
        |_| Default::default(),
        |d| {
            (
                d.day().to_string(),
                u8::from(d.month()).to_string(),
                d.year().to_string(),
            )
        },
    )
}

fn month_number(month: &str) -> Option<u8> {
    if let Ok(n) = month.parse::<u8>() {
        return (1..=12).contains(&n).then_some(n);
    }
    const NAMES: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let lower = month.to_lowercase();
    let short = lower.get(..3)?;
    let n = NAMES.iter().position(|name| *name == short)?;
    u8::try_from(n + 1).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_typed_in_three_boxes() {
        assert_eq!(from_parts("", " ", ""), Ok(None));
        assert_eq!(from_parts("31", "3", "2027"), Ok(Some("2027-03-31".into())));
        assert_eq!(
            from_parts("1", "March", "2027"),
            Ok(Some("2027-03-01".into()))
        );
        assert_eq!(from_parts("29", "2", "2028"), Ok(Some("2028-02-29".into())));
        assert_eq!(
            from_parts("29", "2", "2027"),
            Err("must be a real date: that month has 28 days")
        );
        assert_eq!(from_parts("31", "", "2027"), Err("must include a month"));
        assert_eq!(from_parts("", "3", "2027"), Err("must include a day"));
        assert_eq!(from_parts("3", "3", ""), Err("must include a year"));
        assert_eq!(
            from_parts("3", "3", "27"),
            Err("must have a year of 4 numbers, like 2027")
        );
        assert!(from_parts("3", "13", "2027").is_err());
        assert!(from_parts("x", "3", "2027").is_err());
        assert_eq!(
            to_parts("2027-03-31"),
            ("31".into(), "3".into(), "2027".into())
        );
        assert_eq!(to_parts("soon"), Default::default());
    }

    #[test]
    fn dates_are_in_words() {
        assert_eq!(day("2027-03-31"), "31 March 2027");
        assert_eq!(day("not a date"), "not a date");
        assert_eq!(in_words(1_796_083_200), "1 December 2026");
        assert_eq!(when(1_796_083_200 + 3_600 + 120), "1 December 2026, 01:02");
    }
}
