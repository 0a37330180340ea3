//! Two or three published plans side by side: the statements they share, their priorities
//! theme by theme, and how far their actions have got. It compares to learn from each other,
//! never to rank: nothing here is scored or ordered by how well anyone is doing.

use mir_domain::framework::Framework;
use mir_domain::plan::{ActionStatus, SnapshotPriority};

use crate::AppError;
use crate::directory::{self, OtherOrganisation};
use crate::plans::{self, PlanStore};

/// The most plans compared at once (more do not fit side by side).
pub const MAX_PLANS: usize = 3;

/// One plan as compared.
#[derive(Debug, Clone)]
pub struct ComparedPlan {
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub areas: Vec<String>,
    /// When its current version was published (none: no published plan yet).
    pub published_at: Option<i64>,
    pub priorities: Vec<SnapshotPriority>,
    /// Actions by status, in the statuses' order, leaving out statuses with none.
    pub actions: Vec<(&'static str, usize)>,
    pub updates: usize,
    pub last_update: Option<i64>,
    /// Someone can receive a message through mir; else their website, if they gave one.
    pub can_receive: bool,
    pub website: Option<String>,
}

/// One theme's row: each plan's priorities in it, by title and status.
#[derive(Debug, Clone)]
pub struct ThemeRow {
    pub title: String,
    pub per_plan: Vec<Vec<(String, &'static str)>>,
}

#[derive(Debug, Clone)]
pub struct Comparison {
    pub plans: Vec<ComparedPlan>,
    pub framework: Option<std::sync::Arc<Framework>>,
    /// Statement codes every compared plan has a priority on.
    pub in_common: Vec<String>,
    pub themes: Vec<ThemeRow>,
    /// Addresses asked for that are not a public organisation.
    pub not_found: usize,
    /// Plans asked for beyond the three that fit side by side (the first three are shown).
    pub left_out: usize,
    /// With one plan: others working on the same statements, to compare with.
    pub suggestions: Vec<OtherOrganisation>,
}

impl Comparison {
    /// The statement's words (its code when the framework does not have it).
    pub fn statement_text(&self, code: &str) -> String {
        self.framework
            .as_ref()
            .and_then(|f| f.statement(code))
            .map_or_else(|| code.to_owned(), |s| s.text.clone())
    }

    /// The address of this comparison with one more plan.
    pub fn with(&self, slug: &str) -> String {
        href(self.plans.iter().map(|p| p.slug.as_str()).chain([slug]))
    }

    /// The address of this comparison without one of its plans.
    pub fn without(&self, slug: &str) -> String {
        href(
            self.plans
                .iter()
                .map(|p| p.slug.as_str())
                .filter(|s| *s != slug),
        )
    }
}

fn href<'a>(slugs: impl Iterator<Item = &'a str>) -> String {
    let pairs: Vec<(&str, &str)> = slugs.map(|s| ("org", s)).collect();
    format!(
        "/compare?{}",
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    )
}

/// Compares the public plans of up to three organisations, by their addresses (repeats and
/// unknown ones left out).
pub async fn compare(store: &impl PlanStore, slugs: &[String]) -> Result<Comparison, AppError> {
    let mut wanted: Vec<&String> = Vec::new();
    for slug in slugs {
        if !wanted.contains(&slug) {
            wanted.push(slug);
        }
    }
    let left_out = wanted.len().saturating_sub(MAX_PLANS);
    let mut compared = Vec::new();
    let mut framework: Option<std::sync::Arc<Framework>> = None;
    let mut not_found = 0;
    for slug in wanted.into_iter().take(MAX_PLANS) {
        let plan = match plans::public_plan(store, slug).await {
            Ok(plan) => plan,
            Err(AppError::NotFound) => {
                not_found += 1;
                continue;
            }
            Err(other) => return Err(other),
        };
        if framework.is_none() {
            framework.clone_from(&plan.framework);
        }
        let areas = directory::areas_of(store, plan.profile.id).await?;
        let priorities = plan
            .current
            .as_ref()
            .map(|v| v.plan.priorities.clone())
            .unwrap_or_default();
        let statuses: Vec<ActionStatus> = priorities
            .iter()
            .flat_map(|p| p.actions.iter().map(|a| a.status))
            .collect();
        let actions = ActionStatus::ALL
            .iter()
            .copied()
            .map(|s| (s.label(), statuses.iter().filter(|x| **x == s).count()))
            .filter(|(_, n)| *n > 0)
            .collect();
        compared.push(ComparedPlan {
            slug: plan.profile.slug.clone(),
            name: plan.profile.name.clone(),
            kind: plan.profile.kind.clone(),
            areas,
            published_at: plan.current.as_ref().map(|v| v.published_at),
            priorities,
            actions,
            updates: plan.timeline.len(),
            last_update: plan.timeline.iter().map(|u| u.at).max(),
            can_receive: plan.can_receive,
            website: plan.profile.website.clone(),
        });
    }
    let statements_of = |p: &ComparedPlan| -> Vec<String> {
        let mut codes: Vec<String> = p
            .priorities
            .iter()
            .flat_map(|x| x.statements.iter().cloned())
            .collect();
        codes.sort();
        codes.dedup();
        codes
    };
    let in_common: Vec<String> = match compared.split_first() {
        Some((first, rest)) if !rest.is_empty() => statements_of(first)
            .into_iter()
            .filter(|code| rest.iter().all(|p| statements_of(p).contains(code)))
            .collect(),
        _ => Vec::new(),
    };
    let themes = framework
        .as_ref()
        .map(|f| {
            f.themes
                .iter()
                .map(|t| ThemeRow {
                    title: t.title.clone(),
                    per_plan: compared
                        .iter()
                        .map(|p| {
                            p.priorities
                                .iter()
                                .filter(|x| {
                                    x.statements.iter().any(|s| {
                                        f.statement(s).is_some_and(|st| st.theme == t.code)
                                    })
                                })
                                .map(|x| (x.title.clone(), x.status.label()))
                                .collect()
                        })
                        .collect(),
                })
                .filter(|row| row.per_plan.iter().any(|list| !list.is_empty()))
                .collect()
        })
        .unwrap_or_default();
    let suggestions = match compared.as_slice() {
        [only] => directory::who_else(store, &statements_of(only), &[], &only.areas, 6)
            .await?
            .into_iter()
            .filter(|o| o.slug != only.slug)
            .collect(),
        _ => Vec::new(),
    };
    Ok(Comparison {
        plans: compared,
        framework,
        in_common,
        themes,
        not_found,
        left_out,
        suggestions,
    })
}
