//! The national-scale demonstration dataset (`mir demo --scale national`): about 20,000
//! organisations across England's councils, 100,000 priorities, 400,000 actions and 1,000,000
//! progress updates on the demonstration framework, made deterministically from a seed.
//!
//! It is written with multi-row INSERTs of generated values, in batches of organisations (so
//! memory does not grow with the dataset), in one transaction, because row-by-row inserts would
//! take minutes. Every value is generated here from fixed
//! word lists and numbers — no outside input reaches the SQL — and text is still quoted.

use crate::{Engine, Store, StoreError, UnixTime};

/// What the national dataset holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NationalReport {
    pub organisations: i64,
    pub priorities: i64,
    pub actions: i64,
    pub updates: i64,
}

pub const ORGANISATIONS: i64 = 20_000;
const PRIORITIES_PER_ORG: i64 = 5;
const ACTIONS_PER_PRIORITY: i64 = 4;
const UPDATES_PER_PRIORITY: i64 = 10;
/// Ids for national rows start here, clear of anything made by hand.
const FIRST_ID: i64 = 10_000_000;
const ROWS_PER_INSERT: usize = 400;
/// Organisations generated, then written, at a time: memory stays flat (about 250 rows of
/// each table per organisation, a few hundred bytes each).
const ORGANISATIONS_PER_BATCH: i64 = 500;

/// A small, fast, deterministic generator (SplitMix64).
struct Seeded(u64);

impl Seeded {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % (n.max(1) as u64)).unwrap_or(0)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const PLACES: [&str; 24] = [
    "Ashford", "Brook", "Castle", "Dale", "Elm", "Fern", "Glen", "Holly", "Ivy", "Juniper",
    "Kings", "Lark", "Meadow", "North", "Oak", "Park", "Queens", "River", "Stone", "Thorn", "Vale",
    "West", "Willow", "York",
];
const KINDS: [(&str, &str); 7] = [
    ("council", "Council"),
    ("nhs-body", "Community NHS Trust"),
    ("care-provider", "Home Care"),
    ("housing", "Housing Association"),
    ("voluntary-or-community", "Community Network"),
    ("user-led", "People's Voice"),
    ("other", "Partnership"),
];
const TOPICS: [&str; 12] = [
    "Plans made with people",
    "Information in plain English",
    "Getting out and about",
    "Breaks for carers",
    "Telling your story once",
    "Choice of support times",
    "Help with money",
    "Staff who know people",
    "Easy Read letters",
    "Support at home",
    "Complaints that change things",
    "Friends and community",
];
const VERBS: [&str; 8] = [
    "Train staff in",
    "Co-design",
    "Review",
    "Publish",
    "Test",
    "Map",
    "Fund",
    "Visit groups about",
];
const NOTES: [&str; 8] = [
    "Met with Experts by Experience to check progress",
    "The first group finished the training",
    "Feedback from carers shaped the next step",
    "A new leaflet was tested with people who use services",
    "The board agreed a change to the timetable",
    "Numbers using the new service went up",
    "A workshop looked at what is still hard",
    "The co-chairs visited two teams",
];
const PRIORITY_STATUSES: [&str; 4] = ["agreed", "in-progress", "in-progress", "achieved"];
const ACTION_STATUSES: [&str; 5] = ["not-started", "on-track", "on-track", "at-risk", "done"];

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Runs multi-row INSERTs of `rows` (each already a `(…)` tuple of SQL literals).
async fn insert_rows(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    head: &str,
    rows: &[String],
) -> Result<(), StoreError> {
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let sql = format!("{head} VALUES {}", chunk.join(","));
        // Sent as plain text, not prepared: each statement is different and runs once, and
        // preparing (then caching) thousands of them made PostgreSQL take minutes.
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Rows made for a batch of organisations, each a `(…)` tuple of SQL literals.
#[derive(Default)]
struct Batch {
    orgs: Vec<String>,
    areas: Vec<String>,
    priorities: Vec<String>,
    published: Vec<String>,
    published_statements: Vec<String>,
    actions: Vec<String>,
    updates: Vec<String>,
    versions: Vec<String>,
    search: Vec<String>,
}

impl Batch {
    /// Writes the batch (parents before children) and empties it, counting what it wrote.
    async fn write(
        &mut self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        overriding: &str,
        report: &mut NationalReport,
    ) -> Result<(), StoreError> {
        let count = |rows: &[String]| i64::try_from(rows.len()).unwrap_or(0);
        report.organisations += count(&self.orgs);
        report.priorities += count(&self.priorities);
        report.actions += count(&self.actions);
        report.updates += count(&self.updates);
        let tables: [(String, &mut Vec<String>); 9] = [
            (format!("INSERT INTO organisations (id, slug, name, kind, is_demo, created_at, status, website, commitment, framework_slug, framework_version, last_public_change){overriding}"), &mut self.orgs),
            ("INSERT INTO organisation_areas (organisation_id, area_code)".into(), &mut self.areas),
            (format!("INSERT INTO priorities (id, organisation_id, title, statements, target, why, review_id, status, dropped_reason, created_at, updated_at){overriding}"), &mut self.priorities),
            (format!("INSERT INTO plan_actions (id, priority_id, what, lead, involved, due_on, review_on, status, created_at, updated_at){overriding}"), &mut self.actions),
            ("INSERT INTO progress_updates (organisation_id, priority_id, action_id, note, new_status, evidence_url, created_by, created_at, published_at)".into(), &mut self.updates),
            ("INSERT INTO plan_versions (organisation_id, number, snapshot, approved_by, published_at)".into(), &mut self.versions),
            ("INSERT INTO published_priorities (organisation_id, priority_id, title, status)".into(), &mut self.published),
            ("INSERT INTO published_statements (organisation_id, priority_id, statement_code)".into(), &mut self.published_statements),
            ("INSERT INTO search_index (kind, slug, anchor, title, body, organisation_id)".into(), &mut self.search),
        ];
        for (head, rows) in tables {
            insert_rows(tx, &head, rows).await?;
            rows.clear();
        }
        Ok(())
    }
}

impl Store {
    /// Loads the national dataset unless it is there already (it is made once per database).
    /// `councils`: every council code; `statements`: the demonstration framework's codes.
    pub async fn load_national_dataset(
        &self,
        seed: u64,
        councils: &[String],
        statements: &[String],
        now: UnixTime,
        progress: crate::Progress<'_>,
    ) -> Result<NationalReport, StoreError> {
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT id FROM organisations WHERE slug = 'n-1'")
                .fetch_optional(&self.pool)
                .await?;
        if exists.is_some() {
            return Ok(NationalReport::default());
        }
        let mut rng = Seeded(seed);
        let overriding = match self.engine() {
            Engine::Postgres => " OVERRIDING SYSTEM VALUE",
            Engine::Sqlite => "",
        };
        let mut tx = self.begin_write().await?;
        if self.engine() == Engine::Postgres {
            // The full-text index is made once at the end: adding 700,000 rows to it one
            // statement at a time costs more than building it (the DDL is transactional).
            sqlx::query("DROP INDEX search_index_document")
                .execute(&mut *tx)
                .await?;
        }
        // Written in batches of organisations, so memory stays flat whatever the size.
        let mut batch = Batch::default();
        let mut report = NationalReport::default();
        let year = 365 * 24 * 3600;
        for n in 1..=ORGANISATIONS {
            let Batch {
                orgs,
                areas,
                priorities,
                published,
                published_statements,
                actions,
                updates,
                versions,
                search,
            } = &mut batch;
            let org_id = FIRST_ID + n;
            let (kind, noun) = KINDS[rng.below(KINDS.len())];
            let name = format!("{} {noun} {n} (demonstration)", rng.pick(&PLACES));
            let changed = now - i64::try_from(rng.below(365 * 24)).unwrap_or(0) * 3600;
            orgs.push(format!(
                "({org_id}, 'n-{n}', {}, '{kind}', 1, {}, 'approved', NULL, {}, 'demonstration', '2026.1', {changed})",
                quote(&name),
                now - year,
                quote("We will plan and check our support with the people who use it.")
            ));
            let first_area = &councils[rng.below(councils.len())];
            areas.push(format!("({org_id}, {})", quote(first_area)));
            if rng.below(3) == 0 {
                let second = &councils[rng.below(councils.len())];
                if second != first_area {
                    areas.push(format!("({org_id}, {})", quote(second)));
                }
            }
            search.push(format!(
                "('organisation', 'n-{n}', '', {}, {}, {org_id})",
                quote(&name),
                quote("We will plan and check our support with the people who use it.")
            ));
            let mut snapshot = Vec::new();
            for p in 0..PRIORITIES_PER_ORG {
                let priority_id = FIRST_ID + (n - 1) * PRIORITIES_PER_ORG + p + 1;
                let title = rng.pick(&TOPICS).to_owned();
                let status = rng.pick(&PRIORITY_STATUSES);
                let codes = [
                    statements[rng.below(statements.len())].clone(),
                    statements[rng.below(statements.len())].clone(),
                ];
                let codes: Vec<String> = if codes[0] == codes[1] {
                    vec![codes[0].clone()]
                } else {
                    codes.to_vec()
                };
                let target = format!(
                    "By next year, {} is true for most people we support.",
                    title.to_lowercase()
                );
                priorities.push(format!(
                    "({priority_id}, {org_id}, {}, {}, {}, '', NULL, '{status}', '', {}, {changed})",
                    quote(&title),
                    quote(&codes.join(" ")),
                    quote(&target),
                    now - year
                ));
                published.push(format!(
                    "({org_id}, {priority_id}, {}, '{status}')",
                    quote(&title)
                ));
                for code in &codes {
                    published_statements
                        .push(format!("({org_id}, {priority_id}, {})", quote(code)));
                }
                search.push(format!(
                    "('priority', 'n-{n}', 'priority-{priority_id}', {}, {}, {org_id})",
                    quote(&title),
                    quote(&target)
                ));
                let mut snapshot_actions = Vec::new();
                for a in 0..ACTIONS_PER_PRIORITY {
                    let action_id = FIRST_ID
                        + ((n - 1) * PRIORITIES_PER_ORG + p) * ACTIONS_PER_PRIORITY
                        + a
                        + 1;
                    let what = format!("{} {}", rng.pick(&VERBS), title.to_lowercase());
                    let status = rng.pick(&ACTION_STATUSES);
                    let due = format!("2027-{:02}-{:02}", rng.below(12) + 1, rng.below(28) + 1);
                    actions.push(format!(
                        "({action_id}, {priority_id}, {}, 'Service manager', '', '{due}', NULL, '{status}', {}, {changed})",
                        quote(&what),
                        now - year
                    ));
                    search.push(format!(
                        "('action', 'n-{n}', 'priority-{priority_id}', {}, 'Service manager', {org_id})",
                        quote(&what)
                    ));
                    snapshot_actions.push(format!(
                        "{{\"id\":{action_id},\"what\":\"{what}\",\"lead\":\"Service manager\",\"involved\":\"\",\"due_on\":\"{due}\",\"review_on\":null,\"status\":\"{status}\"}}"
                    ));
                }
                for u in 0..UPDATES_PER_PRIORITY {
                    let at = now - year + i64::try_from(rng.below(365 * 24)).unwrap_or(0) * 3600;
                    let note = rng.pick(&NOTES);
                    updates.push(format!(
                        "({org_id}, {priority_id}, NULL, {}, NULL, NULL, NULL, {at}, {at})",
                        quote(note)
                    ));
                    // Only the newest two updates of each priority are indexed for search:
                    // the rest say the same words.
                    if u >= UPDATES_PER_PRIORITY - 2 {
                        search.push(format!(
                            "('update', 'n-{n}', 'timeline', {}, {}, {org_id})",
                            quote(&title),
                            quote(note)
                        ));
                    }
                }
                snapshot.push(format!(
                    "{{\"id\":{priority_id},\"title\":\"{title}\",\"statements\":[{}],\"target\":\"{target}\",\"why\":\"\",\"status\":\"{status}\",\"actions\":[{}]}}",
                    codes.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(","),
                    snapshot_actions.join(",")
                ));
            }
            versions.push(format!(
                "({org_id}, 1, {}, {}, {})",
                quote(&format!("{{\"priorities\":[{}]}}", snapshot.join(","))),
                quote(&format!(
                    "[{{\"role\":\"staff\",\"at\":{0}}},{{\"role\":\"expert\",\"at\":{0}}}]",
                    now - year
                )),
                now - year
            ));
            if n % ORGANISATIONS_PER_BATCH == 0 || n == ORGANISATIONS {
                batch.write(&mut tx, overriding, &mut report).await?;
                progress(
                    "organisations",
                    u64::try_from(n).unwrap_or(0),
                    u64::try_from(ORGANISATIONS).unwrap_or(0),
                );
            }
        }
        if self.engine() == Engine::Postgres {
            sqlx::query("CREATE INDEX search_index_document ON search_index USING GIN (document)")
                .execute(&mut *tx)
                .await?;
            // Later rows made by hand get ids after the national ones.
            for table in ["organisations", "priorities", "plan_actions"] {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
                )))
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        self.forget_public_index();
        if self.engine() == Engine::Sqlite {
            // Table statistics for the planner, but not SQLite's per-value samples (stat4):
            // with them, every query re-plans itself for each new value bound (16 % of the CPU
            // of a plan page in `perf`), for no better plan on these indexes.
            sqlx::query("ANALYZE").execute(&self.pool).await?;
            let stat4: Option<String> =
                sqlx::query_scalar("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat4'")
                    .fetch_optional(&self.pool)
                    .await?;
            if stat4.is_some() {
                sqlx::raw_sql("DELETE FROM sqlite_stat4; ANALYZE sqlite_schema")
                    .execute(&self.pool)
                    .await?;
            }
        }
        Ok(report)
    }
}
