//! Seeing the difference: the summary with the gaps between perspectives, and agreed
//! positions recorded by a leader and confirmed by both co-chairs.

use crate::params::Code;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use mir_app::reviews::{self, ReviewInContext, ReviewSummary, StatementSummary};
use mir_domain::validation::FieldErrors;

use super::{Reviewed, base};
use crate::AppState;
use crate::error::WebError;
use crate::form::{self, Outcome};
use crate::middleware::csrf::CsrfForm;
use crate::middleware::session::Session;
use crate::page::{PageContext, ok, render};
use crate::routes::{Pairs, field};

#[derive(Template)]
#[template(path = "reviews/summary.html")]
struct SummaryPage {
    ctx: PageContext,
    r: ReviewInContext,
    s: ReviewSummary,
    /// The statement whose position form has errors, with what was typed.
    failed: Option<(String, String, String)>,
    /// What was typed in a form about markers that had errors.
    typed_markers: Option<TypedMarkers>,
    errors: FieldErrors,
    /// Priorities already in the plan, by statement: (code, priority id, title).
    planned: Vec<(String, i64, String)>,
}

impl SummaryPage {
    /// The priorities already serving a statement: (link, title).
    fn planned_for(&self, code: &str) -> Vec<(String, &str)> {
        self.planned
            .iter()
            .filter(|(c, _, _)| c == code)
            .map(|(_, id, title)| {
                (
                    format!(
                        "/manage/organisations/{}/plan/priorities/{id}",
                        self.r.organisation.slug
                    ),
                    title.as_str(),
                )
            })
            .collect()
    }

    fn base(&self) -> String {
        format!("{}/{}", base(&self.r.organisation.slug), self.r.review.id)
    }

    /// Whether this person may turn what the review found into a priority.
    fn may_plan(&self) -> bool {
        mir_app::policy::group_permits(
            self.r.me.role,
            self.r.me.is_co_chair,
            mir_app::policy::GroupAction::EditPlan,
        )
    }

    /// A new priority started from these statements of this review.
    fn new_priority(&self, codes: &[&str]) -> String {
        let mut href = format!(
            "/manage/organisations/{}/plan/priorities/new?review={}",
            self.r.organisation.slug, self.r.review.id
        );
        for code in codes {
            href.push_str("&statements=");
            href.push_str(code);
        }
        href
    }

    /// The codes of the statements where views differ most.
    fn gap_codes(&self) -> Vec<&str> {
        self.s
            .themes
            .iter()
            .flat_map(|t| &t.statements)
            .filter(|st| st.is_gap)
            .map(|st| st.statement.code.as_str())
            .collect()
    }

    fn typed_level(&self, code: &str) -> &str {
        match &self.failed {
            Some((c, level, _)) if c == code => level,
            _ => "",
        }
    }

    fn typed_summary(&self, code: &str) -> &str {
        match &self.failed {
            Some((c, _, summary)) if c == code => summary,
            _ => "",
        }
    }

    fn error(&self, name: &str) -> Option<&str> {
        self.errors.for_field(name)
    }

    fn when(&self, at: &i64) -> String {
        crate::routes::when(at)
    }

    fn day(&self, iso: &str) -> String {
        crate::routes::day(iso)
    }

    /// A level's words: in Easy Read, the same Easy Read words as the answer form.
    fn level_label(&self, key: &str) -> String {
        if self.ctx.easy
            && let Some(level) = self.r.framework.scale.iter().find(|l| l.key == key)
        {
            return level.easy_label.clone();
        }
        self.r.level_label(key)
    }

    /// The small bar chart for one statement, laid out here so the template only draws it.
    fn chart(&self, statement: &StatementSummary) -> Chart {
        let mut columns: Vec<String> = self
            .r
            .framework
            .scale
            .iter()
            .map(|l| l.label.clone())
            .collect();
        columns.push("Not sure".into());
        let label_width = 190;
        let column_width =
            (CHART_WIDTH - label_width) / i64::try_from(columns.len()).unwrap_or(1).max(1);
        let headers = columns
            .iter()
            .enumerate()
            .map(|(i, label)| {
                (
                    label_width + column_width * i64::try_from(i).unwrap_or(0),
                    label.clone(),
                )
            })
            .collect();
        let rows = statement
            .spreads
            .iter()
            .enumerate()
            .map(|(row, spread)| {
                let y = 26 + 26 * i64::try_from(row).unwrap_or(0);
                let total = spread.total().max(1);
                let mut counts = spread.at_level.clone();
                counts.push(spread.not_sure);
                let cells = counts
                    .iter()
                    .enumerate()
                    .map(|(i, count)| {
                        let x = label_width + column_width * i64::try_from(i).unwrap_or(0);
                        let width = (column_width - 30) * count / total;
                        ChartCell {
                            x,
                            width,
                            count: *count,
                            text_x: x + width + 4,
                        }
                    })
                    .collect();
                ChartRow {
                    y,
                    label: spread.perspective.label(),
                    cells,
                }
            })
            .collect::<Vec<_>>();
        let height = 26 + 26 * i64::try_from(rows.len()).unwrap_or(0) + 4;
        Chart {
            headers,
            rows,
            width: CHART_WIDTH,
            height,
        }
    }
}

const CHART_WIDTH: i64 = 640;

/// A statement's markers form, or one marker's "make it an action" form, as typed.
#[derive(Default)]
struct TypedMarkers {
    code: String,
    /// The ticked boxes' numbers and the evidence links in marker order (markers form).
    ticked: Vec<String>,
    evidence: Vec<String>,
    /// The marker whose action form was sent, with who was to lead it.
    action: Option<(usize, String)>,
}

impl SummaryPage {
    /// Whether marker `number` of `code` shows as in place: as typed after a mistake, else as
    /// recorded.
    fn marker_ticked(&self, code: &str, marker: &reviews::MarkerSummary) -> bool {
        match &self.typed_markers {
            Some(t) if t.code == code && t.action.is_none() => {
                t.ticked.contains(&marker.number.to_string())
            }
            _ => marker.in_place == Some(true),
        }
    }

    fn marker_evidence<'a>(&'a self, code: &str, marker: &'a reviews::MarkerSummary) -> &'a str {
        match &self.typed_markers {
            Some(t) if t.code == code && t.action.is_none() => {
                t.evidence.get(marker.number - 1).map_or("", String::as_str)
            }
            _ => &marker.evidence_url,
        }
    }

    fn typed_lead(&self, code: &str, number: &usize) -> &str {
        match &self.typed_markers {
            Some(TypedMarkers {
                code: c,
                action: Some((n, lead)),
                ..
            }) if c == code && n == number => lead,
            _ => "",
        }
    }

    /// A marker's tick box id: the first takes the field's own name, so the error summary's
    /// link lands on it.
    fn marker_box(&self, field: &str, number: &usize) -> String {
        if *number == 1 {
            field.to_owned()
        } else {
            format!("{field}-{number}")
        }
    }

    fn action_href(&self, id: &i64) -> String {
        format!(
            "/manage/organisations/{}/plan/actions/{id}",
            self.r.organisation.slug
        )
    }
}

struct Chart {
    headers: Vec<(i64, String)>,
    rows: Vec<ChartRow>,
    width: i64,
    height: i64,
}

struct ChartRow {
    y: i64,
    label: &'static str,
    cells: Vec<ChartCell>,
}

struct ChartCell {
    x: i64,
    width: i64,
    count: i64,
    text_x: i64,
}

/// `GET /manage/organisations/{slug}/reviews/{id}/summary`
pub async fn summary(
    State(state): State<AppState>,
    Reviewed { r, .. }: Reviewed,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let s = reviews::summary(&state.store, &r).await?;
    let planned = mir_app::plans::planned_statements(&state.store, r.organisation.id).await?;
    ok(&SummaryPage {
        ctx,
        r,
        s,
        failed: None,
        typed_markers: None,
        errors: FieldErrors::new(),
        planned,
    })
}

/// `POST /manage/organisations/{slug}/reviews/{id}/statements/{code}/position`
pub async fn position(
    State(state): State<AppState>,
    Reviewed {
        actor,
        r,
        slug,
        id,
        code,
    }: Reviewed<Code>,
    session: Session,
    ctx: PageContext,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<Response, WebError> {
    let level = field(&pairs, "level");
    let summary_text = field(&pairs, "summary");
    let mail = (&state.mailer, state.config.base_url.as_str());
    let recorded =
        reviews::record_position(&state.store, mail, &actor, &r, &code, level, summary_text).await;
    match form::answer(recorded, "heading")? {
        Outcome::Done(()) => Ok(form::saved(
            &session,
            format!("The agreed position on {code} is recorded. Both co-chairs now confirm it."),
            &format!("{}/{id}/summary#statement-{code}", base(&slug)),
        )),
        Outcome::Rejected(rejection) => {
            // The form's fields carry the statement code, so the summary links to them.
            let mut named = FieldErrors::new();
            for e in rejection.errors.iter() {
                named.add(format!("{}-{code}", e.field), e.message.clone());
            }
            let failed = (!rejection.is_conflict())
                .then(|| (code.to_string(), level.to_owned(), summary_text.to_owned()));
            let again = Again {
                status: rejection.status,
                failed,
                typed_markers: None,
                errors: named,
            };
            summary_again(&state, ctx, r, again).await
        }
    }
}

/// The summary again, with why a change to a statement's position could not be made (each
/// problem named by its statement, so the error summary links to it) and, for mistakes, what
/// was typed.
struct Again {
    status: StatusCode,
    failed: Option<(String, String, String)>,
    typed_markers: Option<TypedMarkers>,
    errors: FieldErrors,
}

async fn summary_again(
    state: &AppState,
    ctx: PageContext,
    r: ReviewInContext,
    again: Again,
) -> Result<Response, WebError> {
    let Again {
        status,
        failed,
        typed_markers,
        errors,
    } = again;
    let s = reviews::summary(&state.store, &r).await?;
    let planned = mir_app::plans::planned_statements(&state.store, r.organisation.id).await?;
    render(
        status,
        &SummaryPage {
            ctx,
            r,
            s,
            failed,
            typed_markers,
            errors,
            planned,
        },
    )
}

/// `POST /manage/organisations/{slug}/reviews/{id}/statements/{code}/confirm`
pub async fn confirm(
    State(state): State<AppState>,
    Reviewed {
        actor,
        r,
        slug,
        id,
        code,
    }: Reviewed<Code>,
    session: Session,
    ctx: PageContext,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<Response, WebError> {
    let confirmed =
        reviews::confirm_position(&state.store, &actor, &r, &code, field(&pairs, "seen")).await;
    match form::answer(confirmed, "heading")? {
        Outcome::Done(both) => Ok(form::saved(
            &session,
            if both {
                format!("The agreed position on {code} is confirmed by both co-chairs.")
            } else {
                format!("Your confirmation of {code} is recorded. It needs the other co-chair too.")
            },
            &format!("{}/{id}/summary#statement-{code}", base(&slug)),
        )),
        Outcome::Rejected(rejection) => {
            let mut named = FieldErrors::new();
            for e in rejection.errors.iter() {
                named.add(format!("{}-{code}", e.field), e.message.clone());
            }
            let again = Again {
                status: rejection.status,
                failed: None,
                typed_markers: None,
                errors: named,
            };
            summary_again(&state, ctx, r, again).await
        }
    }
}

/// `POST /manage/organisations/{slug}/reviews/{id}/statements/{code}/markers`: which of the
/// statement's markers of progress the group found in place, with evidence links.
pub async fn markers(
    State(state): State<AppState>,
    Reviewed {
        actor,
        r,
        slug,
        id,
        code,
    }: Reviewed<Code>,
    session: Session,
    ctx: PageContext,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<Response, WebError> {
    let ticked: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "in_place")
        .map(|(_, v)| v.clone())
        .collect();
    let count = r.in_review(&code).map_or(0, |s| s.markers.len());
    let evidence: Vec<String> = (1..=count)
        .map(|n| field(&pairs, &format!("evidence-{n}")).to_owned())
        .collect();
    let recorded =
        reviews::record_markers(&state.store, &actor, &r, &code, &ticked, &evidence).await;
    match form::answer(recorded, "heading")? {
        Outcome::Done(()) => Ok(form::saved(
            &session,
            format!("The markers of progress for {code} are recorded."),
            &format!("{}/{id}/summary#markers-{code}", base(&slug)),
        )),
        Outcome::Rejected(rejection) => {
            let mut named = FieldErrors::new();
            for e in rejection.errors.iter() {
                named.add(format!("{}-{code}", e.field), e.message.clone());
            }
            let typed_markers = (!rejection.is_conflict()).then(|| TypedMarkers {
                code: code.to_string(),
                ticked,
                evidence,
                action: None,
            });
            let again = Again {
                status: rejection.status,
                failed: None,
                typed_markers,
                errors: named,
            };
            summary_again(&state, ctx, r, again).await
        }
    }
}

/// `POST /manage/organisations/{slug}/reviews/{id}/statements/{code}/markers/{number}/action`:
/// a marker that is not in place becomes an action of the draft plan, in one step.
pub async fn marker_action(
    State(state): State<AppState>,
    Reviewed {
        actor,
        r,
        slug,
        code: (code, number),
        ..
    }: Reviewed<(Code, usize)>,
    session: Session,
    ctx: PageContext,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<Response, WebError> {
    let lead = field(&pairs, "lead");
    let made = reviews::marker_to_action(&state.store, &actor, &r, &code, number, lead).await;
    match form::answer(made, "heading")? {
        Outcome::Done(made) => {
            let message = if made.already {
                "This marker was made an action before: here it is.".to_owned()
            } else if made.new_priority {
                "The marker is now an action, under a new proposed priority about its statement. Add a due date and what you hope for."
                    .to_owned()
            } else {
                "The marker is now an action, under the priority that serves its statement. Add a due date.".to_owned()
            };
            Ok(form::saved(
                &session,
                message,
                &format!(
                    "/manage/organisations/{slug}/plan/actions/{}",
                    made.action_id
                ),
            ))
        }
        Outcome::Rejected(rejection) => {
            // Fields are named by statement and marker, so the summary links to the one box.
            let mut named = FieldErrors::new();
            for e in rejection.errors.iter() {
                let name = if e.field == "heading" {
                    format!("heading-{code}")
                } else {
                    format!("{}-{code}-{number}", e.field)
                };
                named.add(name, e.message.clone());
            }
            let typed_markers = (!rejection.is_conflict()).then(|| TypedMarkers {
                code: code.to_string(),
                action: Some((number, lead.to_owned())),
                ..TypedMarkers::default()
            });
            let again = Again {
                status: rejection.status,
                failed: None,
                typed_markers,
                errors: named,
            };
            summary_again(&state, ctx, r, again).await
        }
    }
}
