//! "How are we doing?": review cycles, the views people give, how views spread across a
//! framework's scale per perspective, where perspectives differ, agreed positions, and how a
//! review compares with the one before. Never a score: spreads are shown side by side, never
//! averaged across perspectives.

use crate::organisation::Role;
use crate::validation::{FieldErrors, Lines, character_problem, check_characters};

pub mod tally;

/// The level key for "not sure".
pub const NOT_SURE: &str = "not-sure";

/// Whose eyes a view is seen through. It comes from the member's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Perspective {
    /// A person who uses services (an Expert by Experience).
    Person,
    Carer,
    Staff,
    /// Views from perspectives too small to show apart, counted together (never stored: a
    /// line of the summary only).
    Together,
}

impl Perspective {
    /// The perspectives a member can have (stored with each view).
    pub const ALL: [Perspective; 3] = [Perspective::Person, Perspective::Carer, Perspective::Staff];
    /// Every line a summary can show, in order.
    pub const LINES: [Perspective; 4] = [
        Perspective::Person,
        Perspective::Carer,
        Perspective::Staff,
        Perspective::Together,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Perspective::Person => "person",
            Perspective::Carer => "carer",
            Perspective::Staff => "staff",
            Perspective::Together => "together",
        }
    }

    pub fn parse(s: &str) -> Option<Perspective> {
        Perspective::ALL.into_iter().find(|p| p.key() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Perspective::Person => "People who use services",
            Perspective::Carer => "Carers and families",
            Perspective::Staff => "Staff",
            Perspective::Together => "Several perspectives together",
        }
    }

    pub fn of_role(role: Role) -> Perspective {
        match role {
            Role::ExpertByExperience => Perspective::Person,
            Role::Carer => Perspective::Carer,
            Role::Admin | Role::Staff => Perspective::Staff,
        }
    }
}

/// The longest text a person may write in one answer.
pub const MAX_WORDS_CHARS: usize = 2000;
/// The most people one workshop line may stand for.
pub const MAX_WORKSHOP_COUNT: i64 = 500;

/// A new review, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReview {
    pub title: String,
    /// Theme codes; empty means every theme.
    pub themes: Vec<String>,
    /// `YYYY-MM-DD`.
    pub closes_on: Option<String>,
}

/// Checks the "open a review" form. `all_themes` is the framework's theme codes.
pub fn check_new_review(
    title: &str,
    scope: &str,
    chosen: &[String],
    closes_on: &str,
    all_themes: &[String],
    today: &str,
) -> Result<NewReview, FieldErrors> {
    let mut errors = FieldErrors::new();
    let title = title.trim();
    if title.is_empty() {
        errors.add(
            "title",
            "Enter a name for the review, for example Review 2026",
        );
    } else if title.chars().count() > 120 {
        errors.add("title", "The name must be 120 characters or fewer");
    } else {
        check_characters(&mut errors, "title", title, Lines::One);
    }
    let themes = match scope {
        "all" => Vec::new(),
        "some" => {
            let picked: Vec<String> = all_themes
                .iter()
                .filter(|t| chosen.contains(t))
                .cloned()
                .collect();
            if picked.is_empty() {
                errors.add("themes", "Choose at least one theme, or choose all themes");
            }
            picked
        }
        _ => {
            errors.add("scope", "Choose all themes or some themes");
            Vec::new()
        }
    };
    let closes_on = closes_on.trim();
    let closes_on = if closes_on.is_empty() {
        None
    } else if !is_date(closes_on) {
        errors.add(
            "closes_on",
            "Enter the closing date as year-month-day, for example 2026-12-31",
        );
        None
    } else if closes_on < today {
        errors.add("closes_on", "The closing date must be today or later");
        None
    } else {
        Some(closes_on.to_owned())
    };
    errors.into_result(|| NewReview {
        title: title.to_owned(),
        themes,
        closes_on,
    })
}

/// `YYYY-MM-DD` with a real month and day.
pub fn is_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return false;
    };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return false;
    }
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<u32>(), m.parse::<u32>(), d.parse::<u32>()) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// One view on one statement, as the summary counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountedView {
    pub perspective: Perspective,
    /// A scale key, or `None` for "not sure".
    pub level: Option<String>,
    /// How many people it stands for (1, or more for a workshop line).
    pub people: i64,
}

/// How one perspective's views spread across the scale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spread {
    pub perspective: Perspective,
    /// People at each level, in scale order.
    pub at_level: Vec<i64>,
    pub not_sure: i64,
}

impl Spread {
    pub fn total(&self) -> i64 {
        self.at_level.iter().sum::<i64>() + self.not_sure
    }

    /// The middle level of those who chose one (the lower middle for an even count), as an
    /// index into the scale. `None` when nobody chose a level.
    pub fn middle_level(&self) -> Option<usize> {
        let chose: i64 = self.at_level.iter().sum();
        if chose == 0 {
            return None;
        }
        let half = (chose + 1) / 2;
        let mut seen = 0;
        for (index, count) in self.at_level.iter().enumerate() {
            seen += count;
            if seen >= half {
                return Some(index);
            }
        }
        None
    }
}

/// The spread per perspective (only perspectives with at least one view), in perspective order.
pub fn spreads(scale: &[String], views: &[CountedView]) -> Vec<Spread> {
    let mut out = Vec::new();
    for perspective in Perspective::LINES {
        let mut spread = Spread {
            perspective,
            at_level: vec![0; scale.len()],
            not_sure: 0,
        };
        for view in views.iter().filter(|v| v.perspective == perspective) {
            let people = view.people.max(0);
            match view
                .level
                .as_ref()
                .and_then(|l| scale.iter().position(|k| k == l))
            {
                Some(index) => spread.at_level[index] += people,
                None => spread.not_sure += people,
            }
        }
        if spread.total() > 0 {
            out.push(spread);
        }
    }
    out
}

/// How far apart the perspectives' middle levels are (0 when fewer than two perspectives chose
/// a level). Two or more levels apart is a gap worth talking about.
pub fn levels_apart(spreads: &[Spread]) -> usize {
    let middles: Vec<usize> = spreads.iter().filter_map(Spread::middle_level).collect();
    match (middles.iter().min(), middles.iter().max()) {
        (Some(low), Some(high)) => high - low,
        _ => 0,
    }
}

/// Perspectives this many levels apart are highlighted.
pub const GAP_LEVELS: usize = 2;

/// How a statement's agreed position moved since the previous review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Movement {
    Up,
    Down,
    Same,
    /// No agreed position in one of the two reviews.
    NotComparable,
}

impl Movement {
    pub fn between(scale: &[String], before: Option<&str>, now: Option<&str>) -> Movement {
        let position = |key: Option<&str>| key.and_then(|k| scale.iter().position(|s| s == k));
        match (position(before), position(now)) {
            (Some(b), Some(n)) if n > b => Movement::Up,
            (Some(b), Some(n)) if n < b => Movement::Down,
            (Some(_), Some(_)) => Movement::Same,
            _ => Movement::NotComparable,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Movement::Up => "Moved up",
            Movement::Down => "Moved down",
            Movement::Same => "The same",
            Movement::NotComparable => {
                "No change to show, as a position was not agreed in both reviews"
            }
        }
    }
}

/// The fewest people a perspective needs before its figures and anonymous words are shown on
/// their own. A group may ask for more, never fewer.
pub const MIN_PEOPLE_APART: i64 = 3;

/// Which perspectives a summary may show on their own, so that nobody's views can be picked
/// out of a small group (k-anonymity over the people who gave views).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grouping {
    /// At least `k` people each: shown on their own.
    pub apart: Vec<Perspective>,
    /// Fewer than `k` (or added so the pool reaches `k`): shown together as one line.
    pub pooled: Vec<Perspective>,
    /// Fewer than `k` people in all: no figures or anonymous words at all yet.
    pub too_few: bool,
    /// The `k` used (the group's setting, never below [`MIN_PEOPLE_APART`]).
    pub k: i64,
}

impl Grouping {
    /// The summary line a perspective's views are shown in.
    pub fn line_of(&self, perspective: Perspective) -> Perspective {
        if self.apart.contains(&perspective) {
            perspective
        } else {
            Perspective::Together
        }
    }
}

/// Decides the lines of a summary from how many people gave views from each perspective.
/// Perspectives with fewer than `k` people are pooled; if the pool is still under `k`, the
/// smallest perspective shown apart joins it (so no line can be worked out by subtracting the
/// others from a total), until the pool reaches `k` or everything is pooled.
pub fn group_perspectives(people: &[(Perspective, i64)], k: i64) -> Grouping {
    let k = k.max(MIN_PEOPLE_APART);
    let count = |p: Perspective| {
        people
            .iter()
            .filter(|(q, _)| *q == p)
            .map(|(_, n)| (*n).max(0))
            .sum::<i64>()
    };
    let present: Vec<Perspective> = Perspective::ALL
        .into_iter()
        .filter(|p| count(*p) > 0)
        .collect();
    let (mut apart, mut pooled): (Vec<Perspective>, Vec<Perspective>) =
        present.iter().partition(|p| count(**p) >= k);
    // Smallest first, so the fewest people lose their own line.
    apart.sort_by_key(|p| (count(*p), *p));
    while !pooled.is_empty()
        && pooled.iter().map(|p| count(*p)).sum::<i64>() < k
        && !apart.is_empty()
    {
        pooled.push(apart.remove(0));
    }
    apart.sort();
    pooled.sort();
    let total: i64 = present.iter().map(|p| count(*p)).sum();
    Grouping {
        apart,
        pooled,
        too_few: total < k,
        k,
    }
}

/// Checks an agreed position: a level on the scale and a short summary in plain words.
pub fn check_position(
    scale: &[String],
    level: &str,
    summary: &str,
) -> Result<(String, String), FieldErrors> {
    let mut errors = FieldErrors::new();
    if !scale.iter().any(|k| k == level) {
        errors.add("level", "Choose the level the group agreed");
    }
    let summary = summary.trim();
    if summary.is_empty() {
        errors.add("summary", "Write a short summary of what the group agreed");
    } else if summary.chars().count() > 600 {
        errors.add("summary", "The summary must be 600 characters or fewer");
    } else {
        check_characters(&mut errors, "summary", summary, Lines::Many);
    }
    errors.into_result(|| (level.to_owned(), summary.to_owned()))
}

/// What the group found about one marker of progress: in place or not, and a link to evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkerFinding {
    /// The marker's number within its statement, from 1.
    pub number: usize,
    pub in_place: bool,
    /// Empty when no link was given.
    pub evidence_url: String,
}

/// Checks the markers form of one statement with `count` markers: `ticked` are the numbers of
/// the boxes ticked (as sent), `evidence` the evidence links in marker order (missing ones are
/// empty). A bad link is named by its field, `evidence-N`.
pub fn check_marker_findings(
    count: usize,
    ticked: &[String],
    evidence: &[String],
) -> Result<Vec<MarkerFinding>, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut in_place = vec![false; count];
    for number in ticked {
        match number.trim().parse::<usize>() {
            Ok(n) if (1..=count).contains(&n) => in_place[n - 1] = true,
            _ => errors.add("in_place", "Choose markers from the list"),
        }
    }
    let mut findings = Vec::with_capacity(count);
    for (i, in_place) in in_place.into_iter().enumerate() {
        let number = i + 1;
        let typed = evidence.get(i).map_or("", String::as_str).trim();
        // "www.example.org/…" is what people copy from a leaflet: it means https.
        let typed = if typed.to_ascii_lowercase().starts_with("www.") {
            format!("https://{typed}")
        } else {
            typed.to_owned()
        };
        let evidence_url = match crate::validation::optional_web_address(&typed) {
            Ok(url) => url.unwrap_or_default(),
            Err(_) => {
                errors.add(
                    format!("evidence-{number}"),
                    format!(
                        "The link for marker {number} must be a web address starting with https://, or left empty"
                    ),
                );
                String::new()
            }
        };
        findings.push(MarkerFinding {
            number,
            in_place,
            evidence_url,
        });
    }
    errors.into_result(|| findings)
}

/// Checks a written answer's length.
pub fn check_words(
    errors: &mut FieldErrors,
    field: impl Into<std::borrow::Cow<'static, str>>,
    text: &str,
) -> String {
    let text = text.trim();
    if text.chars().count() > MAX_WORDS_CHARS {
        errors.add(
            field,
            "This answer is too long: write 2000 characters or fewer",
        );
    } else if let Some(problem) = character_problem(text, Lines::Many) {
        errors.add(field, problem);
    }
    text.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marker_findings_keep_ticks_and_links_and_name_bad_links() {
        let ticked = vec!["2".to_owned()];
        let evidence = vec![
            String::new(),
            " https://example.org/minutes ".to_owned(),
            "www.example.org/leaflet".to_owned(),
        ];
        let found = check_marker_findings(3, &ticked, &evidence).expect("fine");
        assert_eq!(found[2].evidence_url, "https://www.example.org/leaflet");
        assert_eq!(found.len(), 3);
        assert!(!found[0].in_place && found[1].in_place && !found[2].in_place);
        assert_eq!(found[1].evidence_url, "https://example.org/minutes");

        let bad = vec!["javascript:alert(1)".to_owned()];
        let errors = check_marker_findings(2, &[], &bad).expect_err("bad link");
        assert!(errors.for_field("evidence-1").is_some());
        let errors = check_marker_findings(2, &["3".to_owned()], &[]).expect_err("no marker 3");
        assert_eq!(
            errors.for_field("in_place"),
            Some("Choose markers from the list")
        );
    }

    fn scale() -> Vec<String> {
        ["starting", "developing", "established", "excellent"]
            .map(String::from)
            .to_vec()
    }

    fn view(perspective: Perspective, level: Option<&str>, people: i64) -> CountedView {
        CountedView {
            perspective,
            level: level.map(String::from),
            people,
        }
    }

    #[test]
    fn a_small_perspective_is_never_shown_on_its_own() {
        use Perspective::*;
        // One carer among five people who use services and four staff: the carer is pooled,
        // and since one person is under k, the smallest other perspective (staff) joins them.
        let g = group_perspectives(&[(Person, 5), (Carer, 1), (Staff, 4)], 3);
        assert_eq!(g.apart, vec![Person]);
        assert_eq!(g.pooled, vec![Carer, Staff]);
        assert_eq!(g.line_of(Carer), Together);
        assert!(!g.too_few);
        // Two small perspectives that reach k together stay together; the big one is apart.
        let g = group_perspectives(&[(Person, 2), (Carer, 1), (Staff, 9)], 3);
        assert_eq!(g.apart, vec![Staff]);
        assert_eq!(g.pooled, vec![Person, Carer]);
        // Everyone at or above k: all apart.
        let g = group_perspectives(&[(Person, 3), (Carer, 3), (Staff, 3)], 3);
        assert_eq!(g.apart, vec![Person, Carer, Staff]);
        assert!(g.pooled.is_empty());
        // Fewer than k in all: nothing is shown.
        assert!(group_perspectives(&[(Person, 1), (Carer, 1)], 3).too_few);
        // A group's k below 3 is raised to 3; a larger k is kept.
        assert_eq!(group_perspectives(&[(Carer, 2)], 1).k, 3);
        let g = group_perspectives(&[(Person, 4), (Carer, 4), (Staff, 8)], 5);
        assert_eq!((g.apart, g.pooled), (vec![Staff], vec![Person, Carer]));
    }

    #[test]
    fn no_pooled_line_can_be_worked_out_by_subtraction() {
        use Perspective::*;
        // For every mix of up to 6 people per perspective, each pooled line holds at least k
        // people, or nothing is shown: a pool never stands beside a total it could be taken
        // from, because only pooled and apart lines exist and they do not overlap.
        for a in 0..=6 {
            for b in 0..=6 {
                for c in 0..=6 {
                    let people = [(Person, a), (Carer, b), (Staff, c)];
                    let g = group_perspectives(&people, 3);
                    let size = |ps: &[Perspective]| -> i64 {
                        people
                            .iter()
                            .filter(|(p, _)| ps.contains(p))
                            .map(|(_, n)| *n)
                            .sum()
                    };
                    if g.too_few {
                        continue;
                    }
                    assert!(g.pooled.is_empty() || size(&g.pooled) >= 3, "{people:?}");
                    for p in &g.apart {
                        assert!(size(&[*p]) >= 3, "{people:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn perspectives_come_from_roles() {
        assert_eq!(
            Perspective::of_role(Role::ExpertByExperience),
            Perspective::Person
        );
        assert_eq!(Perspective::of_role(Role::Carer), Perspective::Carer);
        assert_eq!(Perspective::of_role(Role::Staff), Perspective::Staff);
        assert_eq!(Perspective::of_role(Role::Admin), Perspective::Staff);
        for p in Perspective::ALL {
            assert_eq!(Perspective::parse(p.key()), Some(p));
        }
    }

    #[test]
    fn spreads_count_people_per_level_and_keep_not_sure_apart() {
        let views = [
            view(Perspective::Staff, Some("excellent"), 1),
            view(Perspective::Staff, Some("established"), 1),
            view(Perspective::Person, Some("starting"), 6),
            view(Perspective::Person, None, 2),
            view(Perspective::Person, Some("no-such-level"), 1),
        ];
        let spreads = spreads(&scale(), &views);
        assert_eq!(spreads.len(), 2, "no carer spread when no carer spoke");
        assert_eq!(spreads[0].perspective, Perspective::Person);
        assert_eq!(spreads[0].at_level, [6, 0, 0, 0]);
        assert_eq!(
            spreads[0].not_sure, 3,
            "an unknown level counts as not sure"
        );
        assert_eq!(spreads[1].at_level, [0, 0, 1, 1]);
        assert_eq!(spreads[1].middle_level(), Some(2));
        assert_eq!(levels_apart(&spreads), 2);
    }

    #[test]
    fn perspectives_that_agree_are_no_gap() {
        let views = [
            view(Perspective::Staff, Some("developing"), 1),
            view(Perspective::Carer, Some("established"), 3),
        ];
        assert_eq!(levels_apart(&spreads(&scale(), &views)), 1);
        let only_not_sure = [
            view(Perspective::Staff, None, 1),
            view(Perspective::Carer, Some("excellent"), 1),
        ];
        assert_eq!(levels_apart(&spreads(&scale(), &only_not_sure)), 0);
    }

    #[test]
    fn movement_compares_agreed_levels() {
        let s = scale();
        assert_eq!(
            Movement::between(&s, Some("starting"), Some("developing")),
            Movement::Up
        );
        assert_eq!(
            Movement::between(&s, Some("excellent"), Some("developing")),
            Movement::Down
        );
        assert_eq!(
            Movement::between(&s, Some("starting"), Some("starting")),
            Movement::Same
        );
        assert_eq!(
            Movement::between(&s, None, Some("starting")),
            Movement::NotComparable
        );
    }

    #[test]
    fn a_new_review_is_checked_field_by_field() {
        let themes: Vec<String> = ["WB", "IA"].map(String::from).to_vec();
        let ok = check_new_review(" Review 2026 ", "all", &[], "", &themes, "2026-11-24")
            .expect("valid");
        assert_eq!(ok.title, "Review 2026");
        assert!(ok.themes.is_empty());
        let some = check_new_review(
            "Spring",
            "some",
            &["IA".into(), "XX".into()],
            "2026-12-01",
            &themes,
            "2026-11-24",
        )
        .expect("valid");
        assert_eq!(some.themes, ["IA"]);
        assert_eq!(some.closes_on.as_deref(), Some("2026-12-01"));
        let errors = check_new_review("", "some", &[], "2026-02-30", &themes, "2026-11-24")
            .expect_err("invalid");
        for field in ["title", "themes", "closes_on"] {
            assert!(errors.for_field(field).is_some(), "{field}");
        }
        let past = check_new_review("Late", "all", &[], "2026-01-01", &themes, "2026-11-24")
            .expect_err("past");
        assert!(past.for_field("closes_on").is_some());
    }

    #[test]
    fn dates_are_real_days() {
        assert!(is_date("2028-02-29"));
        assert!(!is_date("2027-02-29"));
        assert!(!is_date("2026-13-01"));
        assert!(!is_date("26-1-1"));
        assert!(!is_date("2026-1-01"));
    }

    #[test]
    fn positions_need_a_level_and_words() {
        assert!(check_position(&scale(), "developing", "We are getting there").is_ok());
        let errors = check_position(&scale(), "best", " ").expect_err("invalid");
        assert!(errors.for_field("level").is_some());
        assert!(errors.for_field("summary").is_some());
    }
}
