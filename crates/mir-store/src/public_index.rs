//! What the directory and "who else is working on this" ask about every public organisation,
//! held in memory (decision 0028).
//!
//! Both questions look at every approved organisation: which councils it works in and which
//! statements its published priorities are on. Asked of the database on each page, they cost
//! 5–150 ms at national scale (20,000 organisations, 200,000 published statements), because
//! a filter by region, or a ranking by statements shared, reads tens of thousands of rows. Here
//! each organisation's statements are a few bits, so the same answers take microseconds.
//!
//! The index is built by one query (one row per organisation). It is built again before it is
//! next used after anything it holds was written through this [`Store`] (askers wait for that
//! build, so a change is seen at once), and in the background once it is older than
//! [`FRESH_FOR`] (askers keep using the old one meanwhile): another server's changes, or a
//! command-line import, are seen within that time, as with the other public answers.

use std::collections::{BinaryHeap, HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use crate::directory::{DirectoryFilter, DirectorySort, WorkingOn};
use crate::{Engine, Store, StoreError};

/// The longest the index is used before it is built again, whatever happened.
pub const FRESH_FOR: Duration = Duration::from_secs(60);

/// Statement codes as bits: bit `n` is set when the organisation works on code number `n`.
type Bits = Vec<u64>;

fn has_bit(bits: &Bits, n: usize) -> bool {
    bits.get(n / 64)
        .is_some_and(|word| word & (1 << (n % 64)) != 0)
}

fn shared_count(a: &Bits, b: &Bits) -> u32 {
    a.iter().zip(b).map(|(x, y)| (x & y).count_ones()).sum()
}

/// One approved organisation, as the directory and "who else" see it.
#[derive(Debug, Clone)]
pub(crate) struct IndexedOrganisation {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub is_demo: bool,
    pub last_public_change: Option<i64>,
    /// Council codes, sorted.
    pub areas: Vec<String>,
    statements: Bits,
    has_plan: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct PublicIndex {
    built_at: Instant,
    generation: u64,
    /// In the database's own name order (its collation), then by id.
    organisations: Vec<IndexedOrganisation>,
    /// Positions in `organisations`, most recently changed first (never changed last).
    recent: Vec<usize>,
    /// Statement code → bit number, and back.
    codes: HashMap<String, usize>,
    code_names: Vec<String>,
    /// Council code → positions of the organisations working there.
    by_area: HashMap<String, Vec<usize>>,
    /// Organisation id → its position.
    by_id: HashMap<i64, usize>,
}

/// The index and when it must be built again; shared by every clone of a [`Store`].
#[derive(Debug, Default)]
pub(crate) struct IndexCell {
    /// Moved on by every write to what the index holds.
    generation: AtomicU64,
    current: RwLock<Option<Arc<PublicIndex>>>,
    /// One build at a time; others wait for it rather than repeat it.
    building: Arc<tokio::sync::Mutex<()>>,
}

/// id, slug, name, kind, is_demo, last_public_change, areas and statement codes (each
/// comma-separated; codes never hold commas), and whether it has published priorities.
type OrganisationRow = (
    i64,
    String,
    String,
    String,
    i64,
    Option<i64>,
    Option<String>,
    Option<String>,
    i64,
);

impl Store {
    /// Something the public index holds was written: build it again before it is next used.
    /// Called by the store's own writes (and by `copy_into`).
    /// Other servers of the same PostgreSQL database are told too (see `changes`).
    pub fn forget_public_index(&self) {
        self.forget_everything_kept();
        self.tell_other_servers_soon(crate::changes::ChangeKind::Public);
    }

    /// An organisation's last public change moved on (a progress update published) and nothing
    /// else the index holds changed: the kept index is updated in place, a copy with that one
    /// date and the "recently changed" order redone (about 2 ms at national scale), instead of
    /// built again from the database (0.4 s), which every directory reader would wait for.
    /// Everything else is as for [`Store::forget_public_index`]: the public answers and pages
    /// are stale, and other servers are told (they build theirs again).
    pub fn touch_public_index(&self, organisation_id: i64, at: i64) {
        let generation = self.public_index.generation.load(Ordering::Acquire);
        let touched = self.current_public_index().and_then(|index| {
            let mut copy = (*index).clone();
            let position = *copy.by_id.get(&organisation_id)?;
            copy.organisations[position].last_public_change = Some(at);
            copy.order_recent();
            Some(copy)
        });
        // Kept only if nothing else was written meanwhile; otherwise built again as usual.
        match touched {
            Some(mut copy)
                if self
                    .public_index
                    .generation
                    .compare_exchange(
                        generation,
                        generation + 1,
                        Ordering::AcqRel,
                        Ordering::Acquire,
                    )
                    .is_ok() =>
            {
                copy.generation = generation + 1;
                self.keep_public_index(Arc::new(copy));
            }
            _ => self.forget_public_index_here(),
        }
        self.public_changes.bump();
        self.changes.bump();
        self.tell_other_servers_soon(crate::changes::ChangeKind::Public);
    }

    /// The index is stale in this process (another server's change was heard).
    pub(crate) fn forget_public_index_here(&self) {
        self.public_index.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// The index kept now, if nothing it holds was written since it was built.
    fn current_public_index(&self) -> Option<Arc<PublicIndex>> {
        let generation = self.public_index.generation.load(Ordering::Acquire);
        self.public_index
            .current
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .as_ref()
            .filter(|i| i.generation == generation)
            .cloned()
    }

    fn keep_public_index(&self, index: Arc<PublicIndex>) {
        *self
            .public_index
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(index);
    }

    /// Builds the index now (at start), so the first visitor does not wait for it.
    pub async fn warm_public_index(&self) -> Result<(), StoreError> {
        self.public_index().await.map(|_| ())
    }

    pub(crate) async fn public_index(&self) -> Result<Arc<PublicIndex>, StoreError> {
        if let Some(index) = self.current_public_index() {
            if index.built_at.elapsed() >= FRESH_FOR {
                // Old, but nothing was written through this store since: answer with it, and
                // build the next one beside (once), for changes made elsewhere.
                if let Ok(turn) = self.public_index.building.clone().try_lock_owned() {
                    let store = self.clone();
                    tokio::spawn(async move {
                        let _turn = turn;
                        let generation = store.public_index.generation.load(Ordering::Acquire);
                        if let Ok(index) = store.build_public_index(generation).await {
                            store.keep_public_index(Arc::new(index));
                        }
                    });
                }
            }
            return Ok(index);
        }
        // Something was written here: wait for an index that shows it (one build at a time).
        let _turn = self.public_index.building.lock().await;
        if let Some(index) = self.current_public_index() {
            return Ok(index);
        }
        // Read before the data: a write during the build leaves the result already stale.
        let generation = self.public_index.generation.load(Ordering::Acquire);
        let index = Arc::new(self.build_public_index(generation).await?);
        self.keep_public_index(index.clone());
        Ok(index)
    }

    async fn build_public_index(&self, generation: u64) -> Result<PublicIndex, StoreError> {
        // One row per organisation, its areas and statements as lists: far fewer rows to
        // carry than one per statement (20,000 against 170,000 at national scale).
        let (areas, statements) = match self.engine() {
            Engine::Sqlite => (
                "SELECT group_concat(area_code) FROM organisation_areas a WHERE a.organisation_id = o.id",
                "SELECT group_concat(DISTINCT statement_code) FROM published_statements s WHERE s.organisation_id = o.id",
            ),
            Engine::Postgres => (
                "SELECT string_agg(area_code, ',') FROM organisation_areas a WHERE a.organisation_id = o.id",
                "SELECT string_agg(DISTINCT statement_code, ',') FROM published_statements s WHERE s.organisation_id = o.id",
            ),
        };
        let rows: Vec<OrganisationRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT o.id, o.slug, o.name, o.kind, o.is_demo, o.last_public_change, ({areas}), ({statements}), \
             CAST(CASE WHEN EXISTS (SELECT 1 FROM published_priorities p WHERE p.organisation_id = o.id) \
             THEN 1 ELSE 0 END AS BIGINT) \
             FROM organisations o WHERE o.status = 'approved' AND o.kind <> 'working-group' ORDER BY o.name, o.id"
        )))
        .fetch_all(&self.pool)
        .await?;
        Ok(PublicIndex::new(generation, rows))
    }
}

impl PublicIndex {
    fn new(generation: u64, rows: Vec<OrganisationRow>) -> PublicIndex {
        let list = |joined: &Option<String>| -> Vec<String> {
            let mut items: Vec<String> = joined
                .as_deref()
                .unwrap_or_default()
                .split(',')
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
                .collect();
            items.sort_unstable();
            items.dedup();
            items
        };
        let mut code_names: Vec<String> = rows.iter().flat_map(|r| list(&r.7)).collect();
        code_names.sort_unstable();
        code_names.dedup();
        let codes: HashMap<String, usize> = code_names
            .iter()
            .enumerate()
            .map(|(n, c)| (c.clone(), n))
            .collect();
        let words = code_names.len().div_ceil(64).max(1);
        let mut by_area: HashMap<String, Vec<usize>> = HashMap::new();
        let organisations: Vec<IndexedOrganisation> = rows
            .into_iter()
            .enumerate()
            .map(
                |(
                    n,
                    (
                        id,
                        slug,
                        name,
                        kind,
                        is_demo,
                        last_public_change,
                        areas,
                        statements,
                        has_plan,
                    ),
                )| {
                    let areas = list(&areas);
                    for area in &areas {
                        by_area.entry(area.clone()).or_default().push(n);
                    }
                    let mut bits = vec![0; words];
                    for code in list(&statements) {
                        if let Some(&bit) = codes.get(&code) {
                            bits[bit / 64] |= 1 << (bit % 64);
                        }
                    }
                    IndexedOrganisation {
                        id,
                        slug,
                        name,
                        kind,
                        is_demo: is_demo != 0,
                        last_public_change,
                        areas,
                        statements: bits,
                        has_plan: has_plan != 0,
                    }
                },
            )
            .collect();
        let by_id = organisations
            .iter()
            .enumerate()
            .map(|(n, o)| (o.id, n))
            .collect();
        let mut index = PublicIndex {
            built_at: Instant::now(),
            generation,
            organisations,
            recent: Vec::new(),
            codes,
            code_names,
            by_area,
            by_id,
        };
        index.order_recent();
        index
    }

    /// The council areas of a public organisation in the index (sorted), or `None` for one
    /// that is not in it (not approved, or a working group).
    pub fn areas_of(&self, organisation_id: i64) -> Option<&[String]> {
        let &n = self.by_id.get(&organisation_id)?;
        Some(&self.organisations[n].areas)
    }

    /// Positions, most recently changed first (never changed last); stable, so equal dates
    /// keep the name order.
    fn order_recent(&mut self) {
        let organisations = &self.organisations;
        let mut recent: Vec<usize> = (0..organisations.len()).collect();
        recent.sort_by_key(|&n| match organisations[n].last_public_change {
            Some(at) => (0, std::cmp::Reverse(at)),
            None => (1, std::cmp::Reverse(0)),
        });
        self.recent = recent;
    }

    /// Statement codes as bits; codes nobody works on have no bit (and match nothing).
    fn bits_of(&self, codes: &[String]) -> Bits {
        let mut bits = vec![0; self.code_names.len().div_ceil(64).max(1)];
        for code in codes {
            if let Some(&bit) = self.codes.get(code) {
                bits[bit / 64] |= 1 << (bit % 64);
            }
        }
        bits
    }

    /// One page of the directory: the organisations matching `filter` in `sort` order, from
    /// `offset`, at most `limit` (0: only count), and how many match in all.
    pub fn directory(
        &self,
        filter: &DirectoryFilter,
        sort: DirectorySort,
        offset: usize,
        limit: usize,
    ) -> (Vec<&IndexedOrganisation>, usize) {
        let statements = self.bits_of(&filter.statements);
        let wanted_areas: HashSet<&str> = filter.areas.iter().map(String::as_str).collect();
        let matches = |o: &IndexedOrganisation| {
            (wanted_areas.is_empty() || o.areas.iter().any(|a| wanted_areas.contains(a.as_str())))
                && filter.kind.as_ref().is_none_or(|k| &o.kind == k)
                && (filter.statements.is_empty() || shared_count(&o.statements, &statements) > 0)
                && (!filter.has_plan || o.has_plan)
                && filter
                    .changed_since
                    .is_none_or(|since| o.last_public_change.is_some_and(|at| at >= since))
        };
        let order: Box<dyn Iterator<Item = &IndexedOrganisation>> = match sort {
            DirectorySort::Name => Box::new(self.organisations.iter()),
            DirectorySort::RecentlyUpdated => {
                Box::new(self.recent.iter().map(|&n| &self.organisations[n]))
            }
        };
        let mut total = 0;
        let mut page = Vec::new();
        for o in order.filter(|o| matches(o)) {
            if total >= offset && page.len() < limit {
                page.push(o);
            }
            total += 1;
        }
        (page, total)
    }

    /// Organisations with published priorities on some of `statements`, as
    /// [`crate::DirectoryRepo::working_on`] describes: those in `near_areas` sharing the most
    /// first (at most `limit`), then, if that found too few, those sharing the most anywhere.
    pub fn working_on(
        &self,
        statements: &[String],
        near_areas: &[String],
        limit: usize,
    ) -> Vec<WorkingOn> {
        let asked = self.bits_of(statements);
        // Positions of the organisations to consider, best first: most shared, then name order.
        let best = |candidates: &mut dyn Iterator<Item = usize>| -> Vec<usize> {
            // Only the best `limit` are kept while looking (thousands may share one
            // statement): a heap whose top is the worst kept, so memory stays `limit` long.
            let mut kept: BinaryHeap<(std::cmp::Reverse<u32>, usize)> =
                BinaryHeap::with_capacity(limit + 1);
            for n in candidates {
                let shared = shared_count(&self.organisations[n].statements, &asked);
                if shared == 0 || limit == 0 {
                    continue;
                }
                let item = (std::cmp::Reverse(shared), n);
                if kept.len() < limit {
                    kept.push(item);
                } else if kept.peek().is_some_and(|worst| item < *worst) {
                    kept.pop();
                    kept.push(item);
                }
            }
            // Most shared first, then name order (positions follow names).
            kept.into_sorted_vec().into_iter().map(|(_, n)| n).collect()
        };
        let mut near: Vec<usize> = near_areas
            .iter()
            .filter_map(|a| self.by_area.get(a))
            .flatten()
            .copied()
            .collect();
        near.sort_unstable();
        near.dedup();
        let mut chosen = best(&mut near.into_iter());
        if chosen.len() < limit {
            for n in best(&mut (0..self.organisations.len())) {
                if !chosen.contains(&n) {
                    chosen.push(n);
                }
            }
        }
        chosen
            .into_iter()
            .map(|n| {
                let o = &self.organisations[n];
                WorkingOn {
                    id: o.id,
                    slug: o.slug.clone(),
                    name: o.name.clone(),
                    areas: o.areas.clone(),
                    shared: self
                        .code_names
                        .iter()
                        .enumerate()
                        .filter(|(bit, _)| has_bit(&o.statements, *bit) && has_bit(&asked, *bit))
                        .map(|(_, code)| code.clone())
                        .collect(),
                }
            })
            .collect()
    }
}
