//! Full-text search across what is public, and keeping its index up to date.

use mir_store::{SearchEntry, SearchHit, SearchRepo};

use crate::AppError;
use crate::plans::{PlanStore, public_plan};

/// Results per page.
pub const PAGE_SIZE: i64 = 20;
/// Longest query looked at, and most words used.
pub const MAX_QUERY_CHARS: usize = 200;
const MAX_WORDS: usize = 8;

/// The words of a query: letters and digits only (any other character separates words), at
/// most eight, lower-cased, each at most 40 characters. Odd input gives no words, not an error.
pub fn words(query: &str) -> Vec<String> {
    query
        .chars()
        .take(MAX_QUERY_CHARS)
        .collect::<String>()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase().chars().take(40).collect())
        .take(MAX_WORDS)
        .collect()
}

/// Whether a query may hold something personal: a word mixing letters and digits, as a
/// postcode or a house name does (`SW1A`, `2AA`, `10a`). Its answers are never kept.
pub fn may_be_personal(query: &str) -> bool {
    query
        .split(|c: char| !c.is_alphanumeric())
        .any(|word| word.chars().any(char::is_alphabetic) && word.chars().any(|c| c.is_numeric()))
}

/// Puts what the public can see of an organisation into the search index: its name and
/// commitment, and its latest published priorities, actions and public updates.
pub async fn reindex(store: &impl PlanStore, slug: &str) -> Result<(), AppError> {
    let Some(profile) = store.organisation_profile(slug).await? else {
        return Ok(());
    };
    if !profile.status.is_public() {
        return store
            .reindex_organisation(profile.id, &[])
            .await
            .map_err(Into::into);
    }
    let plan = public_plan(store, slug).await?;
    // An organisation is found by what it says about itself, its kind and the councils it
    // serves ("Riverside", "carers' group").
    let places: Vec<String> = store
        .organisation_areas(profile.id)
        .await?
        .iter()
        .filter_map(|code| mir_domain::areas::council(code).map(|c| c.name.clone()))
        .collect();
    let kind = profile
        .kind
        .parse::<mir_domain::organisation::OrganisationKind>()
        .map(|k| k.label())
        .unwrap_or_default();
    // A partnership is found by its partners' names ("Hillcrest"), and a working group by its
    // board's (decision 0041).
    let related: Vec<String> = plan
        .partners
        .iter()
        .map(|p| p.name.clone())
        .chain(plan.board.iter().map(|b| b.name.clone()))
        .collect();
    let mut entries = vec![SearchEntry {
        kind: "organisation".into(),
        slug: slug.to_owned(),
        anchor: String::new(),
        title: profile.name.clone(),
        body: [
            profile.description.clone().unwrap_or_default(),
            profile.commitment.clone().unwrap_or_default(),
            kind.to_owned(),
            places.join(" "),
            related.join(" "),
        ]
        .join(" "),
    }];
    // A priority is found by the words of the statements and themes it serves too
    // ("information and advice").
    let about = |codes: &[String]| -> String {
        let Some(framework) = plan.framework.as_ref() else {
            return String::new();
        };
        codes
            .iter()
            .filter_map(|code| framework.statements.iter().find(|s| &s.code == code))
            .map(|s| {
                let theme = framework
                    .themes
                    .iter()
                    .find(|t| t.code == s.theme)
                    .map(|t| t.title.as_str())
                    .unwrap_or_default();
                format!("{} {theme}", s.text)
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    if let Some(version) = &plan.current {
        for p in &version.plan.priorities {
            entries.push(SearchEntry {
                kind: "priority".into(),
                slug: slug.to_owned(),
                anchor: format!("priority-{}", p.id),
                title: p.title.clone(),
                body: format!("{} {} {}", p.target, p.why, about(&p.statements)),
            });
            for a in &p.actions {
                entries.push(SearchEntry {
                    kind: "action".into(),
                    slug: slug.to_owned(),
                    anchor: format!("priority-{}", p.id),
                    title: a.what.clone(),
                    body: format!("{} {}", a.lead, a.involved),
                });
            }
        }
    }
    for u in &plan.timeline {
        entries.push(SearchEntry {
            kind: "update".into(),
            slug: slug.to_owned(),
            anchor: "timeline".into(),
            title: u.priority.clone(),
            body: u.note.clone(),
        });
    }
    for story in store.stories_of(profile.id).await? {
        entries.push(SearchEntry {
            kind: "story".into(),
            slug: slug.to_owned(),
            anchor: story.id.to_string(),
            title: story.title,
            body: story.body,
        });
    }
    store.reindex_organisation(profile.id, &entries).await?;
    Ok(())
}

/// A result, with the name of the organisation whose it is.
#[derive(Debug, Clone)]
pub struct Found {
    pub hit: SearchHit,
    pub organisation: String,
}

/// The most results a query shows, best first (15 pages). Ranking is done once per query for
/// all of them, and pages are cut from that list: page 7 costs nothing more than page 1, and
/// nobody reads past the fifteenth page of a broad search (the page asks for another word).
pub const MOST_RESULTS: i64 = 300;

/// A query's best results, ranked once, from which every page is cut.
#[derive(Debug, Clone, Default)]
pub struct Ranked {
    pub words: Vec<String>,
    /// At most [`MOST_RESULTS`], best first.
    pub hits: Vec<Found>,
    /// How many matched in all (may be more than the hits kept).
    pub total: i64,
}

impl Ranked {
    /// The rough size of what is kept, for bounding a cache of these.
    pub fn bytes(&self) -> usize {
        self.hits
            .iter()
            .map(|f| {
                f.organisation.len()
                    + f.hit.kind.len()
                    + f.hit.slug.len()
                    + f.hit.anchor.len()
                    + f.hit.title.len()
                    + f.hit.snippet.len()
                    + 160
            })
            .sum()
    }
}

/// One page of results for a query.
#[derive(Debug, Clone)]
pub struct SearchResults {
    pub query: String,
    pub words: Vec<String>,
    pub hits: Vec<Found>,
    /// How many matched in all.
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    /// More matched than are shown: the page asks for another word.
    pub capped: bool,
}

/// Ranks a query's results: the best [`MOST_RESULTS`] of them, each with whose it is.
pub async fn rank(
    store: &(impl SearchRepo + mir_store::DirectoryRepo + Sync),
    words: &[String],
) -> Result<Ranked, AppError> {
    let (found, total) = store.search(words, 0, MOST_RESULTS).await?;
    // Each result says whose it is: one query for them all.
    let mut slugs: Vec<String> = found.iter().map(|h| h.slug.clone()).collect();
    slugs.sort_unstable();
    slugs.dedup();
    let names: std::collections::HashMap<String, String> = store
        .organisation_names(&slugs)
        .await?
        .into_iter()
        .collect();
    let hits = found
        .into_iter()
        .map(|hit| Found {
            organisation: names.get(&hit.slug).cloned().unwrap_or_default(),
            hit,
        })
        .collect();
    Ok(Ranked {
        words: words.to_vec(),
        hits,
        total,
    })
}

/// Page `page` (from 1; past the last, the last) of ranked results for `query` as typed.
pub fn page_of(ranked: &Ranked, query: &str, page: i64) -> SearchResults {
    let shown = i64::try_from(ranked.hits.len()).unwrap_or(MOST_RESULTS);
    let pages = ((shown + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let page = page.clamp(1, pages);
    let from = usize::try_from((page - 1) * PAGE_SIZE).unwrap_or(0);
    SearchResults {
        query: query.chars().take(MAX_QUERY_CHARS).collect(),
        words: ranked.words.clone(),
        hits: ranked
            .hits
            .iter()
            .skip(from)
            .take(PAGE_SIZE as usize)
            .cloned()
            .collect(),
        total: ranked.total,
        page,
        pages,
        capped: ranked.total > shown,
    }
}

/// One page of results for a query (ranking it; the web layer keeps [`Ranked`] for a while).
pub async fn search(
    store: &(impl SearchRepo + mir_store::DirectoryRepo + Sync),
    query: &str,
    page: i64,
) -> Result<SearchResults, AppError> {
    let ranked = rank(store, &words(query)).await?;
    Ok(page_of(&ranked, query, page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_like_postcodes_may_be_personal() {
        assert!(may_be_personal("SW1A 2AA"));
        assert!(may_be_personal("my address is 10a High Street"));
        assert!(may_be_personal("ＳＷ1Ａ"));
        assert!(!may_be_personal("carers breaks"));
        assert!(!may_be_personal("2026 plans"));
    }

    #[test]
    fn pages_are_cut_from_one_ranking_and_say_when_more_matched() {
        let hit = |n: usize| Found {
            hit: SearchHit {
                kind: "priority".into(),
                slug: format!("org-{n}"),
                anchor: String::new(),
                title: format!("Result {n}"),
                snippet: String::new(),
            },
            organisation: String::new(),
        };
        let ranked = Ranked {
            words: vec!["carers".into()],
            hits: (0..MOST_RESULTS as usize).map(hit).collect(),
            total: 82_124,
        };
        let third = page_of(&ranked, "Carers!", 3);
        assert_eq!((third.page, third.pages, third.total), (3, 15, 82_124));
        assert!(third.capped, "more matched than are shown");
        assert_eq!(third.hits.len(), PAGE_SIZE as usize);
        assert_eq!(
            third.hits[0].hit.title, "Result 40",
            "page 3 starts at the 41st"
        );
        let past_the_end = page_of(&ranked, "carers", 37);
        assert_eq!(past_the_end.page, 15, "a page past the end shows the last");
        assert_eq!(past_the_end.hits[19].hit.title, "Result 299");
        let few = Ranked {
            hits: (0..3).map(hit).collect(),
            total: 3,
            ..ranked
        };
        let only = page_of(&few, "carers", 1);
        assert_eq!((only.pages, only.capped, only.hits.len()), (1, false, 3));
    }

    #[test]
    fn queries_become_plain_words() {
        assert_eq!(words("  Carers' breaks!! "), ["carers", "breaks"]);
        assert_eq!(
            words("\"plan\" OR NEAR(x* y)"),
            ["plan", "or", "near", "x", "y"]
        );
        assert!(words("*** ---").is_empty());
        assert_eq!(words(&"a ".repeat(500)).len(), 8);
        assert_eq!(words(&"x".repeat(500))[0].len(), 40);
        assert_eq!(words("Ünïcode wörds"), ["ünïcode", "wörds"]);
    }
}
