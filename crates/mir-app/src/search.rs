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

/// One page of results for a query.
#[derive(Debug, Clone)]
pub struct SearchResults {
    pub query: String,
    pub words: Vec<String>,
    pub hits: Vec<Found>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
}

pub async fn search(
    store: &(impl SearchRepo + mir_store::DirectoryRepo + Sync),
    query: &str,
    page: i64,
) -> Result<SearchResults, AppError> {
    let words = words(query);
    let page = page.clamp(1, 1000);
    let (found, total) = store
        .search(&words, (page - 1) * PAGE_SIZE, PAGE_SIZE)
        .await?;
    // Each result says whose it is: one query for the page.
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
    Ok(SearchResults {
        query: query.chars().take(MAX_QUERY_CHARS).collect(),
        words,
        hits,
        total,
        page,
        pages: ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
