//! Live co-production sessions (decision 0034).
//!
//! - People in the room: `/join` (type a code), `/live/{code}` (join with a perspective and a
//!   first name or none, then the board on their phone: write cards, change or withdraw their
//!   own, place dots), `/live/{code}/projector` (large type for the wall, with the code and a QR
//!   code), `/live/{code}/events` (the live stream), `/live/{code}/qr.svg`.
//! - The facilitator, in the group's workspace: `/manage/organisations/{slug}/sessions…`
//!   (create, open, close, type in paper cards, group, hide, the ranking, the printable record,
//!   a draft priority from a card or group).
//!
//! A participant has no account: their device keeps a random token in the `mir_live` cookie,
//! sent only to that session's addresses (its path), and ending when the browser closes.

use std::convert::Infallible;
use std::time::Duration;

use crate::middleware::view_mode::ViewMode;
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use mir_app::live::KindsForm;
use mir_app::live::{self, BoardView, CardForm, JoinForm, SessionForm};
use mir_domain::framework::Statement;
use mir_domain::live::{
    CardColour, CardKind, CardPicture, InReview, KindTyped, MAX_CARD_CHARS, MAX_CARD_KINDS,
    Perspective, SessionState,
};
use mir_domain::validation::FieldErrors;
use mir_store::{LiveSession, Participant};

use super::{Client, CurrentActor};
use crate::AppState;
use crate::error::WebError;
use crate::form::{self, Outcome};
use crate::middleware::cookies::{self, CookieSpec};
use crate::middleware::csrf::CsrfForm;
use crate::middleware::session::Session;
use crate::page::{PageContext, render};
use crate::params::{JoinCode, Path, Slug};

/// The participant's device token, sent only to `/live/{code}…`.
pub const COOKIE: &str = "mir_live";

/// Who is looking at a board: it decides which controls the cards carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    Participant,
    Projector,
    Facilitator,
}

impl Viewer {
    pub fn is_participant(&self) -> bool {
        *self == Viewer::Participant
    }
    pub fn is_facilitator(&self) -> bool {
        *self == Viewer::Facilitator
    }
    pub fn is_projector(&self) -> bool {
        *self == Viewer::Projector
    }
}

/// A page a participant sees: no copy may be kept anywhere (it shows their own cards).
fn personal(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn token_of(headers: &HeaderMap) -> Option<String> {
    cookies::read(headers, COOKIE).filter(|t| cookies::is_token(t))
}

/// The session the code in the address names, for this request (`live::find_by_code`).
async fn session_for(
    state: &AppState,
    code: &str,
    client: &str,
    headers: &HeaderMap,
) -> Result<LiveSession, WebError> {
    let token = token_of(headers);
    let asker = live::CodeAsker {
        client,
        token: token.as_deref(),
        cross_site: headers
            .get("sec-fetch-site")
            .is_some_and(|site| site == "cross-site"),
    };
    Ok(live::session_at(&state.store, code, asker).await?)
}

/// The kinds-of-card rows of a form (`live/_kinds.html`), with the choices each row offers.
pub struct KindsPart {
    pub rows: Vec<KindTyped>,
    pub colours: [CardColour; 6],
    pub pictures: [CardPicture; 6],
    pub in_review: [InReview; 3],
}

impl KindsPart {
    /// The rows as typed (`typed`), or else those of `kinds`; with empty rows to add more.
    fn new(typed: Option<Vec<KindTyped>>, kinds: &[CardKind]) -> KindsPart {
        let mut rows = typed.unwrap_or_else(|| KindsForm::of(kinds));
        rows.truncate(MAX_CARD_KINDS);
        while rows.len() < MAX_CARD_KINDS {
            rows.push(KindTyped::default());
        }
        KindsPart {
            rows,
            colours: CardColour::ALL,
            pictures: CardPicture::ALL,
            in_review: InReview::ALL,
        }
    }

    /// The id of row `i`'s field (`part` is label, easy, colour, picture or review).
    pub fn field(&self, part: &str, i: &usize) -> &'static str {
        mir_domain::live::kind_field(part, *i)
    }

    /// The names of the kinds in use, for a summary line.
    pub fn names(&self) -> String {
        self.rows
            .iter()
            .filter(|r| !r.label.trim().is_empty())
            .map(|r| r.label.trim())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Whether any problem is in the kinds-of-card rows (they are then shown open).
fn kinds_have_errors(errors: &FieldErrors) -> bool {
    errors.iter().any(|e| e.field.starts_with("kind_"))
}

/// The board's parts every board template shows (`live/_board.html`).
pub struct BoardParts {
    pub board: BoardView,
    pub viewer: Viewer,
    pub code: String,
    /// The facilitator's workspace address for this session (empty for others).
    pub manage: String,
    /// Where a card or group becomes a draft priority (the facilitator's only).
    pub new_priority: String,
    pub session_id: i64,
    pub open: bool,
    /// A hide form refused: the card, the problem and the reason as typed (shown on that card).
    pub hide_error: Option<HideError>,
}

/// A card's hide form, refused.
pub struct HideError {
    pub card: i64,
    pub message: String,
    pub typed: String,
}

impl BoardParts {
    /// The problem with this card's hide form, if it was the one refused.
    pub fn hide_error_for(&self, card: &i64) -> Option<&HideError> {
        self.hide_error.as_ref().filter(|e| e.card == *card)
    }

    pub fn kind_label<'k>(&self, kind: &'k CardKind, easy: &bool) -> &'k str {
        kind.label_for(*easy)
    }

    pub fn picture(&self, kind: &CardKind) -> String {
        crate::assets::url(kind.picture.file())
    }

    /// "3 dots" / "1 dot".
    pub fn dots(&self, n: &i64) -> String {
        if *n == 1 {
            "1 dot".into()
        } else {
            format!("{n} dots")
        }
    }

    /// A share as a whole percentage.
    pub fn share(&self, of: &i64, out_of: &i64) -> u32 {
        mir_domain::live::share(*of, *out_of)
    }

    /// The width of a bar in the chart (out of 300 pixels).
    pub fn bar(&self, of: &i64, out_of: &i64) -> u32 {
        mir_domain::live::share(*of, *out_of) * 3
    }

    /// The agreement chart's bars: for each of the first [`CHART_ITEMS`] ranked cards or groups,
    /// a bar per line of figures (its share), laid out top to bottom.
    pub fn chart(&self) -> Chart {
        let mut bars = Vec::new();
        let mut labels = Vec::new();
        let mut y = 0;
        for ranked in self.board.ranking.iter().take(CHART_ITEMS) {
            labels.push((y + 16, ranked.label.chars().take(60).collect::<String>()));
            y += 24;
            for (line, of, out_of) in &ranked.support.by_line {
                let share = mir_domain::live::share(*of, *out_of);
                bars.push(ChartBar {
                    y,
                    width: share * 3,
                    text_x: share * 3 + 226,
                    label: line.label(),
                    share,
                });
                y += 20;
            }
            y += 8;
        }
        Chart {
            height: y.max(20),
            bars,
            labels,
        }
    }

    pub fn target_key(&self, target: &mir_store::DotTarget) -> String {
        target_key(*target)
    }

    /// "12 people joined · 14 cards".
    pub fn counts(&self, participants: &i64, cards: &i64) -> String {
        counts(*participants, *cards)
    }

    /// The ranking as this board shows it: all of it for the facilitator, the first
    /// [`RANKING_SHOWN`] on a phone or the projector.
    pub fn ranking(&self) -> &[mir_app::live::Ranked] {
        let all = &self.board.ranking;
        if self.viewer.is_facilitator() {
            all
        } else {
            &all[..all.len().min(RANKING_SHOWN)]
        }
    }
}

fn target_key(target: mir_store::DotTarget) -> String {
    match target {
        mir_store::DotTarget::Card(id) => format!("c{id}"),
        mir_store::DotTarget::Group(id) => format!("g{id}"),
    }
}

fn counts(participants: i64, cards: i64) -> String {
    format!(
        "{participants} {} joined · {cards} {}",
        if participants == 1 {
            "person"
        } else {
            "people"
        },
        if cards == 1 { "card" } else { "cards" }
    )
}

/// Ranked cards and groups a phone or the projector lists (the facilitator's page and the
/// record list them all): a room's 300 cards are no list to read on a phone, and the live
/// stream stays small.
pub const RANKING_SHOWN: usize = 10;

/// One card alone, as a phone or the projector shows it to everyone (no one's own controls;
/// the page's script adds the form token and the dots left).
#[derive(Template)]
#[template(path = "live/card_alone.html")]
struct CardAlone<'a> {
    ctx: &'a PageContext,
    parts: &'a BoardParts,
    c: &'a mir_app::live::CardView,
}

/// What changed on a board from `before` to `now`, made once for every stream of the session
/// (decision 0034): `None` when boards must fetch themselves again.
pub fn render_deltas(
    session: &LiveSession,
    before: &mir_app::live::BoardData,
    now: &mir_app::live::BoardData,
) -> Option<crate::live_events::Deltas> {
    let change = live::delta(&before.board, &now.board)?;
    let dots_on = |target: mir_store::DotTarget| {
        i64::try_from(now.board.dots.iter().filter(|(t, _)| *t == target).count()).unwrap_or(0)
    };
    let kinds = live::kinds_of(session);
    let variant = |viewer: Viewer, easy: bool| -> Option<String> {
        let view = if easy {
            ViewMode::EasyRead
        } else {
            ViewMode::Standard
        };
        let ctx = PageContext::bare(view, &axum::http::Uri::from_static("/"), &HeaderMap::new());
        let parts = BoardParts {
            board: BoardView {
                version: now.board.version,
                columns: Vec::new(),
                groups: Vec::new(),
                hidden: Vec::new(),
                ranking: Vec::new(),
                participants: change.participants,
                cards: change.cards,
                // The page's script disables "Put a dot on it" when its own dots are used.
                dots_left: 1,
                lines_shown: false,
            },
            viewer,
            code: session.code.clone(),
            manage: String::new(),
            new_priority: String::new(),
            session_id: session.id,
            open: session.state == SessionState::Open.key(),
            hide_error: None,
        };
        let mut added = Vec::new();
        for card in &change.added {
            let view = mir_app::live::CardView {
                kind: live::kind_for(&kinds, &card.kind),
                perspective: Perspective::parse(&card.perspective).unwrap_or(Perspective::Other),
                dots: dots_on(mir_store::DotTarget::Card(card.id)),
                mine: false,
                my_dot: false,
                card: card.clone(),
            };
            let html = CardAlone {
                ctx: &ctx,
                parts: &parts,
                c: &view,
            }
            .render()
            .map_err(|error| tracing::warn!(%error, "could not make a live card"))
            .ok()?;
            added.push(serde_json::json!({
                "id": card.id,
                "kind": view.kind.key,
                "group": card.group_id,
                "html": html,
            }));
        }
        let dots: serde_json::Map<String, serde_json::Value> = change
            .dots
            .iter()
            .map(|(target, n)| (target_key(*target), parts.dots(n).into()))
            .collect();
        Some(
            serde_json::json!({
                "version": now.board.version,
                "from": before.board.version,
                "added": added,
                "moved": change.moved,
                "removed": change.removed,
                "dots": dots,
                "counts": counts(change.participants, change.cards),
                "reranks": change.reranks(),
            })
            .to_string(),
        )
    };
    Some(crate::live_events::Deltas {
        participant: [
            variant(Viewer::Participant, false)?,
            variant(Viewer::Participant, true)?,
        ],
        projector: [
            variant(Viewer::Projector, false)?,
            variant(Viewer::Projector, true)?,
        ],
    })
}

/// Ranked cards and groups drawn in the chart (the table lists them all).
pub const CHART_ITEMS: usize = 8;

/// The agreement chart, drawn by the server as SVG (a table gives the same numbers).
pub struct Chart {
    pub height: u32,
    pub bars: Vec<ChartBar>,
    /// Each ranked item's name and where it is written.
    pub labels: Vec<(u32, String)>,
}

pub struct ChartBar {
    pub y: u32,
    pub width: u32,
    pub text_x: u32,
    pub label: &'static str,
    pub share: u32,
}

// ---------------------------------------------------------------------------------------
// Joining

#[derive(Template)]
#[template(path = "live/join.html")]
struct JoinPage {
    ctx: PageContext,
    code: String,
    errors: FieldErrors,
}

/// `GET /join`
pub async fn join_page(ctx: PageContext) -> Result<Response, WebError> {
    render(
        StatusCode::OK,
        &JoinPage {
            ctx,
            code: String::new(),
            errors: FieldErrors::new(),
        },
    )
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct CodeForm {
    code: String,
}

/// `POST /join`: the code typed, counted against the client so codes cannot be guessed fast.
pub async fn find(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> Result<Response, WebError> {
    let token = token_of(&headers);
    // A form sent from this site only (the form token sees to that).
    let asker = live::CodeAsker {
        client: &client,
        token: token.as_deref(),
        cross_site: false,
    };
    match live::find_by_code(&state.store, &form.code, asker).await {
        Ok(session) => Ok(Redirect::to(&format!("/live/{}", session.code)).into_response()),
        Err(mir_app::AppError::NotFound) => {
            let mut errors = FieldErrors::new();
            errors.add(
                "code",
                if mir_domain::live::normalise_code(&form.code).is_none() {
                    "Enter the 6 letters and numbers shown in the room, like ABC 234"
                } else {
                    "There is no session with that code. Check it with the facilitator"
                },
            );
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &JoinPage {
                    ctx,
                    code: form.code.chars().take(20).collect(),
                    errors,
                },
            )
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "live/session_join.html")]
struct SessionJoinPage {
    ctx: PageContext,
    session: LiveSession,
    state: SessionState,
    form: JoinForm,
    errors: FieldErrors,
    perspectives: [Perspective; 4],
}

impl SessionJoinPage {
    fn chosen(&self, p: &Perspective) -> bool {
        self.form.perspective == p.key()
    }
}

#[derive(Template)]
#[template(path = "live/board.html")]
struct ParticipantPage {
    ctx: PageContext,
    session: LiveSession,
    state: SessionState,
    me: Participant,
    parts: BoardParts,
    statements: Vec<Statement>,
    form: CardForm,
    errors: FieldErrors,
    kinds: Vec<std::sync::Arc<CardKind>>,
    max_chars: usize,
    /// The card being changed (its form is shown instead of the new-card form).
    editing: Option<i64>,
}

impl ParticipantPage {
    fn kind_chosen(&self, kind: &CardKind) -> bool {
        self.form.kind == kind.key
    }
    fn perspective_label(&self) -> &'static str {
        Perspective::parse(&self.me.perspective).map_or("", |p| {
            if self.ctx.easy {
                p.easy_label()
            } else {
                p.label()
            }
        })
    }
}

struct Visit {
    session: LiveSession,
    state: SessionState,
    me: Option<Participant>,
}

async fn visit(
    state: &AppState,
    code: &str,
    client: &str,
    headers: &HeaderMap,
) -> Result<Visit, WebError> {
    let session = session_for(state, code, client, headers).await?;
    let me = live::participant(&state.store, &session, token_of(headers).as_deref()).await?;
    let session_state = SessionState::parse(&session.state).ok_or(WebError::NotFound)?;
    Ok(Visit {
        session,
        state: session_state,
        me,
    })
}

async fn participant_page(
    state: &AppState,
    ctx: PageContext,
    visit: Visit,
    me: Participant,
    form: CardForm,
    errors: FieldErrors,
    editing: Option<i64>,
) -> Result<ParticipantPage, WebError> {
    let data = state.live.board_data(&state.store, &visit.session).await?;
    let board = live::board_view(&data, &visit.session, Some(&me), false);
    let statements = live::statements_of(&state.store, &visit.session).await?;
    let kinds = live::kinds_of(&visit.session);
    Ok(ParticipantPage {
        ctx,
        parts: BoardParts {
            board,
            viewer: Viewer::Participant,
            code: visit.session.code.clone(),
            manage: String::new(),
            new_priority: String::new(),
            session_id: visit.session.id,
            open: visit.state == SessionState::Open,
            hide_error: None,
        },
        state: visit.state,
        session: visit.session,
        me,
        statements,
        form,
        errors,
        kinds,
        max_chars: MAX_CARD_CHARS,
        editing,
    })
}

fn join_page_for(
    ctx: PageContext,
    visit: Visit,
    form: JoinForm,
    errors: FieldErrors,
) -> SessionJoinPage {
    SessionJoinPage {
        ctx,
        state: visit.state,
        session: visit.session,
        form,
        errors,
        perspectives: Perspective::ALL,
    }
}

/// `GET /live/{code}`: the join form, or the participant's board.
pub async fn show(
    State(state): State<AppState>,
    Path(code): Path<JoinCode>,
    Client(client): Client,
    headers: HeaderMap,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let visit = visit(&state, &code, &client, &headers).await?;
    let response = match visit.me.clone() {
        Some(me) => render(
            StatusCode::OK,
            &participant_page(
                &state,
                ctx,
                visit,
                me,
                CardForm::default(),
                FieldErrors::new(),
                None,
            )
            .await?,
        )?,
        None => render(
            StatusCode::OK,
            &join_page_for(ctx, visit, JoinForm::default(), FieldErrors::new()),
        )?,
    };
    Ok(personal(response))
}

/// `POST /live/{code}/join`
pub async fn join(
    State(state): State<AppState>,
    Path(code): Path<JoinCode>,
    Client(client): Client,
    headers: HeaderMap,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<JoinForm>,
) -> Result<Response, WebError> {
    let visit = visit(&state, &code, &client, &headers).await?;
    if visit.me.is_some() {
        return Ok(Redirect::to(&format!("/live/{code}")).into_response());
    }
    let token = cookies::random_token();
    match form::answer(
        live::join(
            &state.store,
            &visit.session,
            &form,
            &token,
            &client,
            state.config.live,
        )
        .await,
        "perspective",
    )? {
        Outcome::Done(_) => {
            let mut response = Redirect::to(&format!("/live/{code}")).into_response();
            cookies::set_at(
                response.headers_mut(),
                COOKIE,
                &token,
                CookieSpec {
                    same_site: cookie::SameSite::Lax,
                    secure: state.config.https,
                    max_age: None,
                },
                &format!("/live/{code}"),
            );
            Ok(response)
        }
        Outcome::Rejected(rejection) => Ok(personal(render(
            rejection.status,
            &join_page_for(ctx, visit, form, rejection.errors),
        )?)),
    }
}

/// The way back to the join form, for a device that has not joined (or whose browser has
/// closed since, ending its token).
fn to_join(visit: &Visit) -> Response {
    Redirect::to(&format!("/live/{}", visit.session.code)).into_response()
}

/// `POST /live/{code}/cards`
pub async fn add_card(
    State(state): State<AppState>,
    Path(code): Path<JoinCode>,
    Client(client): Client,
    headers: HeaderMap,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<CardForm>,
) -> Result<Response, WebError> {
    let visit = visit(&state, &code, &client, &headers).await?;
    let Some(me) = visit.me.clone() else {
        return Ok(to_join(&visit));
    };
    match form::answer(
        live::add_card(&state.store, &visit.session, &me, &form, state.config.live).await,
        "text",
    )? {
        Outcome::Done(id) => Ok(Redirect::to(&format!("/live/{code}#card-{id}")).into_response()),
        Outcome::Rejected(rejection) => Ok(personal(render(
            rejection.status,
            &participant_page(&state, ctx, visit, me, form, rejection.errors, None).await?,
        )?)),
    }
}

/// `GET /live/{code}/cards/{id}`: the participant's own card, to change or withdraw.
pub async fn edit_card_page(
    State(state): State<AppState>,
    Path((code, id)): Path<(JoinCode, i64)>,
    Client(client): Client,
    headers: HeaderMap,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let visit = visit(&state, &code, &client, &headers).await?;
    let Some(me) = visit.me.clone() else {
        return Ok(to_join(&visit));
    };
    let board = live::board(&state.store, &visit.session, Some(&me), false).await?;
    let card = board
        .columns
        .iter()
        .flat_map(|(_, cards)| cards)
        .chain(board.groups.iter().flat_map(|g| &g.cards))
        .find(|c| c.card.id == id && c.mine)
        .ok_or(WebError::NotFound)?;
    let form = CardForm {
        kind: card.kind.key.clone(),
        text: card.card.text.clone(),
        statement: card.card.statement.clone(),
        perspective: String::new(),
    };
    Ok(personal(render(
        StatusCode::OK,
        &participant_page(&state, ctx, visit, me, form, FieldErrors::new(), Some(id)).await?,
    )?))
}

/// `POST /live/{code}/cards/{id}`
pub async fn edit_card(
    State(state): State<AppState>,
    Path((code, id)): Path<(JoinCode, i64)>,
    Client(client): Client,
    headers: HeaderMap,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<CardForm>,
) -> Result<Response, WebError> {
    let visit = visit(&state, &code, &client, &headers).await?;
    let Some(me) = visit.me.clone() else {
        return Ok(to_join(&visit));
    };
    match form::answer(
        live::edit_card(&state.store, &visit.session, &me, id, &form).await,
        "text",
    )? {
        Outcome::Done(()) => Ok(Redirect::to(&format!("/live/{code}#card-{id}")).into_response()),
        Outcome::Rejected(rejection) => Ok(personal(render(
            rejection.status,
            &participant_page(&state, ctx, visit, me, form, rejection.errors, Some(id)).await?,
        )?)),
    }
}

/// `POST /live/{code}/cards/{id}/withdraw`
pub async fn withdraw_card(
    State(state): State<AppState>,
    Path((code, id)): Path<(JoinCode, i64)>,
    Client(client): Client,
    headers: HeaderMap,
    ctx: PageContext,
    CsrfForm(_form): CsrfForm<CodeForm>,
) -> Result<Response, WebError> {
    let visit = visit(&state, &code, &client, &headers).await?;
    let Some(me) = visit.me.clone() else {
        return Ok(to_join(&visit));
    };
    match form::answer(
        live::withdraw_card(&state.store, &visit.session, &me, id).await,
        "text",
    )? {
        Outcome::Done(()) => Ok(Redirect::to(&format!("/live/{code}")).into_response()),
        Outcome::Rejected(rejection) => Ok(personal(render(
            rejection.status,
            &participant_page(
                &state,
                ctx,
                visit,
                me,
                CardForm::default(),
                rejection.errors,
                None,
            )
            .await?,
        )?)),
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct DotForm {
    target: String,
}

/// `POST /live/{code}/dots`: places a dot on a card or group, or takes it off.
pub async fn dot(
    State(state): State<AppState>,
    Path(code): Path<JoinCode>,
    Client(client): Client,
    headers: HeaderMap,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<DotForm>,
) -> Result<Response, WebError> {
    let visit = visit(&state, &code, &client, &headers).await?;
    let Some(me) = visit.me.clone() else {
        return Ok(to_join(&visit));
    };
    match form::answer(
        live::toggle_dot(&state.store, &visit.session, &me, &form.target).await,
        "text",
    )? {
        Outcome::Done(_) => Ok(Redirect::to(&format!(
            "/live/{code}#{}",
            form.target
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
        ))
        .into_response()),
        Outcome::Rejected(rejection) => Ok(personal(render(
            rejection.status,
            &participant_page(
                &state,
                ctx,
                visit,
                me,
                CardForm::default(),
                rejection.errors,
                None,
            )
            .await?,
        )?)),
    }
}

// ---------------------------------------------------------------------------------------
// The projector, the QR code and the live stream

#[derive(Template)]
#[template(path = "live/projector.html")]
struct ProjectorPage {
    ctx: PageContext,
    session: LiveSession,
    state: SessionState,
    shown_code: String,
    join_address: String,
    parts: BoardParts,
}

/// `GET /live/{code}/projector`: for the wall. Anyone in the room may open it (the code is
/// what lets them in, as for joining); it shows no names.
pub async fn projector(
    State(state): State<AppState>,
    Path(code): Path<JoinCode>,
    Client(client): Client,
    headers: HeaderMap,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let session = session_for(&state, &code, &client, &headers).await?;
    let session_state = SessionState::parse(&session.state).ok_or(WebError::NotFound)?;
    let data = state.live.board_data(&state.store, &session).await?;
    let board = live::board_view(&data, &session, None, false);
    Ok(personal(render(
        StatusCode::OK,
        &ProjectorPage {
            ctx,
            shown_code: mir_domain::live::show_code(&session.code),
            join_address: format!("{}/join", state.config.base_url),
            parts: BoardParts {
                board,
                viewer: Viewer::Projector,
                code: session.code.clone(),
                manage: String::new(),
                new_priority: String::new(),
                session_id: session.id,
                open: session_state == SessionState::Open,
                hide_error: None,
            },
            state: session_state,
            session,
        },
    )?))
}

/// `GET /live/{code}/qr.svg`: the session's address as a QR code, drawn here.
pub async fn qr(
    State(state): State<AppState>,
    Path(code): Path<JoinCode>,
    Client(client): Client,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let session = session_for(&state, &code, &client, &headers).await?;
    let address = format!("{}/live/{}", state.config.base_url, session.code);
    let qr = qrcode::QrCode::with_error_correction_level(address.as_bytes(), qrcode::EcLevel::M)
        .map_err(|_| WebError::NotFound)?;
    let svg = qr
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build();
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        svg,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "live/ranking.html")]
struct RankingFragment {
    ctx: PageContext,
    parts: BoardParts,
}

/// `GET /live/{code}/ranking`: the ranking alone, as a phone or the projector shows it. A
/// board's script fetches it after dots move, at most every few seconds, instead of the whole
/// page. As open as the projector.
pub async fn ranking(
    State(state): State<AppState>,
    Path(code): Path<JoinCode>,
    Client(client): Client,
    headers: HeaderMap,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let session = session_for(&state, &code, &client, &headers).await?;
    let data = state.live.board_data(&state.store, &session).await?;
    let board = live::board_view(&data, &session, None, false);
    Ok(personal(render(
        StatusCode::OK,
        &RankingFragment {
            ctx,
            parts: BoardParts {
                board,
                viewer: Viewer::Projector,
                code: session.code.clone(),
                manage: String::new(),
                new_priority: String::new(),
                session_id: session.id,
                open: session.state == SessionState::Open.key(),
                hide_error: None,
            },
        },
    )?))
}

/// `GET /live/{code}/events`: within a second of any change on any server, either what
/// changed (`delta`: new cards as HTML, moves, cards taken back, dot counts), for a phone
/// (`?board=participant`) or the projector (`?board=projector`) in the reader's view; or
/// "something changed" (`change`, with the change count), after which the board fetches itself
/// again. Ends when the server stops (the browser reconnects).
pub async fn events(
    State(state): State<AppState>,
    Path(code): Path<JoinCode>,
    Client(client): Client,
    headers: HeaderMap,
    uri: axum::http::Uri,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let session = session_for(&state, &code, &client, &headers).await?;
    // Streams are counted: past the server's or the session's share, the browser is asked to
    // try again later (EventSource does), and the page still works by refreshing.
    let Some(place) = state
        .live
        .admit(session.id, state.config.live.max_participants + 50)
    else {
        let mut busy = StatusCode::SERVICE_UNAVAILABLE.into_response();
        busy.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
        return Ok(busy);
    };
    let board = uri
        .query()
        .unwrap_or("")
        .split('&')
        .find_map(|pair| match pair {
            "board=participant" => Some(false),
            "board=projector" => Some(true),
            _ => None,
        });
    let easy = ctx.easy;
    let changes = state.live.subscribe(&state.store, &session);
    let stopping = state.live.stopping();
    // A session that is not open changes rarely: its stream says where it is, then ends.
    let open = session.state == SessionState::Open.key();
    let ends_at = tokio::time::Instant::now() + crate::live_events::STREAM_LIFETIME;
    let change = |version: i64| Event::default().event("change").data(version.to_string());
    let stream = futures_util::stream::unfold(
        (changes, stopping, Some(open), place),
        move |(mut changes, mut stopping, first, place)| async move {
            if let Some(open) = first {
                let version = changes.borrow_and_update().version;
                if !open {
                    stopping = tokio::sync::watch::channel(true).1;
                }
                return Some((
                    Ok::<_, Infallible>(change(version)),
                    (changes, stopping, None, place),
                ));
            }
            if *stopping.borrow() {
                return None;
            }
            tokio::select! {
                changed = changes.changed() => {
                    changed.ok()?;
                    let tick = changes.borrow_and_update().clone();
                    let event = match (board, &tick.delta) {
                        (Some(projector), Some(delta)) => Event::default()
                            .event("delta")
                            .data(delta.for_board(projector, easy)),
                        _ => change(tick.version),
                    };
                    Some((Ok(event), (changes, stopping, None, place)))
                }
                _ = stopping.changed() => None,
                () = tokio::time::sleep_until(ends_at) => None,
            }
        },
    );
    let mut response = Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // Proxies (nginx) must pass each event on at once rather than buffer the stream.
    response
        .headers_mut()
        .insert("x-accel-buffering", HeaderValue::from_static("no"));
    Ok(response)
}

// ---------------------------------------------------------------------------------------
// The facilitator

#[derive(Template)]
#[template(path = "live/sessions.html")]
struct SessionsPage {
    ctx: PageContext,
    slug: String,
    name: String,
    sessions: Vec<LiveSession>,
    can_facilitate: bool,
    themes: Vec<mir_domain::framework::Theme>,
    statements: Vec<Statement>,
    form: SessionForm,
    kinds_part: KindsPart,
    /// Days closed sessions are kept, as saved or as just typed.
    retention_days: String,
    errors: FieldErrors,
}

impl SessionsPage {
    fn state_label(&self, state: &str) -> &'static str {
        SessionState::parse(state).map_or("", SessionState::label)
    }
    fn date(&self, at: &i64) -> String {
        super::when(at)
    }
    fn chosen(&self, code: &str) -> bool {
        self.form.statements.iter().any(|c| c == code)
    }
    fn theme_chosen(&self, code: &str) -> bool {
        self.form.themes.iter().any(|c| c == code)
    }
    fn kinds_open(&self) -> bool {
        kinds_have_errors(&self.errors)
    }
}

async fn sessions_page(
    state: &AppState,
    actor: &mir_app::Actor,
    slug: &str,
    ctx: PageContext,
    form: SessionForm,
    retention_typed: Option<String>,
    errors: FieldErrors,
) -> Result<SessionsPage, WebError> {
    let (ws, sessions) = live::sessions_of(&state.store, actor, slug).await?;
    let retention_days = match retention_typed {
        Some(typed) => typed,
        None => live::retention_days(&state.store, ws.organisation.id)
            .await?
            .to_string(),
    };
    let can_facilitate = mir_app::policy::group_permits(
        ws.me.role,
        ws.me.is_co_chair,
        mir_app::policy::GroupAction::FacilitateSessions,
    );
    let kinds_part = KindsPart::new(form.kinds().rows(), &CardKind::defaults());
    Ok(SessionsPage {
        ctx,
        kinds_part,
        slug: slug.to_owned(),
        name: ws.organisation.name.clone(),
        sessions,
        can_facilitate,
        themes: ws
            .framework
            .as_ref()
            .map(|f| f.themes.clone())
            .unwrap_or_default(),
        statements: ws
            .framework
            .map(|f| f.statements.clone())
            .unwrap_or_default(),
        form: SessionForm {
            vote_budget: if form.vote_budget.is_empty() {
                mir_domain::live::DEFAULT_VOTE_BUDGET.to_string()
            } else {
                form.vote_budget
            },
            ..form
        },
        retention_days,
        errors,
    })
}

/// `GET /manage/organisations/{slug}/sessions`: the group's sessions, and a new one.
pub async fn sessions(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(slug): Path<Slug>,
    ctx: PageContext,
) -> Result<Response, WebError> {
    render(
        StatusCode::OK,
        &sessions_page(
            &state,
            &actor,
            &slug,
            ctx,
            SessionForm::default(),
            None,
            FieldErrors::new(),
        )
        .await?,
    )
}

/// `POST /manage/organisations/{slug}/sessions`
pub async fn create(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(slug): Path<Slug>,
    session: Session,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<SessionForm>,
) -> Result<Response, WebError> {
    match form::answer(
        live::create(&state.store, &actor, &slug, &form).await,
        "title",
    )? {
        Outcome::Done(id) => Ok(form::saved(
            &session,
            "The session is ready. Open it when the room is ready to join.",
            &format!("/manage/organisations/{slug}/sessions/{id}"),
        )),
        Outcome::Rejected(rejection) => render(
            rejection.status,
            &sessions_page(&state, &actor, &slug, ctx, form, None, rejection.errors).await?,
        ),
    }
}

/// The retention form: days as typed.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct RetentionForm {
    pub retention_days: String,
}

/// `POST /manage/organisations/{slug}/sessions/retention`: how long closed sessions are kept.
pub async fn retention(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(slug): Path<Slug>,
    session: Session,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<RetentionForm>,
) -> Result<Response, WebError> {
    match form::answer(
        live::set_retention(&state.store, &actor, &slug, &form.retention_days).await,
        "retention_days",
    )? {
        Outcome::Done(days) => Ok(form::saved(
            &session,
            format!("Closed sessions are now deleted {days} days after they close, unless kept."),
            &format!("/manage/organisations/{slug}/sessions"),
        )),
        Outcome::Rejected(rejection) => render(
            rejection.status,
            &sessions_page(
                &state,
                &actor,
                &slug,
                ctx,
                SessionForm::default(),
                Some(form.retention_days),
                rejection.errors,
            )
            .await?,
        ),
    }
}

#[derive(Template)]
#[template(path = "live/facilitate.html")]
struct FacilitatePage {
    ctx: PageContext,
    slug: String,
    name: String,
    session: LiveSession,
    state: SessionState,
    shown_code: String,
    parts: BoardParts,
    statements: Vec<Statement>,
    form: CardForm,
    errors: FieldErrors,
    kinds: Vec<std::sync::Arc<CardKind>>,
    perspectives: [Perspective; 4],
    max_chars: usize,
    /// The group's open reviews the cards' words could go into (for those who lead reviews).
    reviews: Vec<mir_store::Review>,
    /// The review the words already went into.
    review_done: Option<mir_store::Review>,
    /// The kinds-of-card form (while the session is being prepared).
    kinds_part: KindsPart,
}

impl FacilitatePage {
    /// What each kind's words become in a review ("Working well cards as what is working
    /// well; …").
    fn words_in_review(&self) -> String {
        let said: Vec<String> = self
            .kinds
            .iter()
            .map(|k| match k.in_review {
                InReview::WorkingWell => format!("{} cards as what is working well", k.label),
                InReview::ShouldChange => format!("{} cards as what should change", k.label),
                InReview::Left => format!("{} cards not at all", k.label),
            })
            .collect();
        format!("{}.", said.join("; "))
    }
    fn kind_chosen(&self, kind: &CardKind) -> bool {
        self.form.kind == kind.key
    }
    fn perspective_chosen(&self, p: &Perspective) -> bool {
        self.form.perspective == p.key()
    }
    fn date(&self, at: &i64) -> String {
        super::when(at)
    }
}

async fn facilitate_page(
    state: &AppState,
    actor: &mir_app::Actor,
    slug: &str,
    id: i64,
    ctx: PageContext,
    form: CardForm,
    errors: FieldErrors,
) -> Result<FacilitatePage, WebError> {
    facilitate_page_with(state, actor, slug, id, ctx, form, None, errors).await
}

/// The facilitator's page, with the kinds-of-card rows as typed when they were refused.
#[allow(clippy::too_many_arguments)]
async fn facilitate_page_with(
    state: &AppState,
    actor: &mir_app::Actor,
    slug: &str,
    id: i64,
    ctx: PageContext,
    form: CardForm,
    kinds_typed: Option<Vec<KindTyped>>,
    errors: FieldErrors,
) -> Result<FacilitatePage, WebError> {
    let f = live::facilitated(&state.store, actor, slug, id).await?;
    let board = live::board(&state.store, &f.session, None, true).await?;
    let statements = live::statements_of(&state.store, &f.session).await?;
    let leads = mir_app::policy::group_permits(
        f.ws.me.role,
        f.ws.me.is_co_chair,
        mir_app::policy::GroupAction::LeadReviews,
    );
    let (open_reviews, review_done) = live::reviews_for(&state.store, &f.session).await?;
    let kinds = live::kinds_of(&f.session);
    let plain: Vec<CardKind> = kinds.iter().map(|k| CardKind::clone(k)).collect();
    let kinds_part = KindsPart::new(kinds_typed, &plain);
    // Only those who lead reviews are offered to put words into one.
    let reviews = if leads { open_reviews } else { Vec::new() };
    Ok(FacilitatePage {
        ctx,
        slug: slug.to_owned(),
        name: f.ws.organisation.name.clone(),
        shown_code: mir_domain::live::show_code(&f.session.code),
        parts: BoardParts {
            board,
            viewer: Viewer::Facilitator,
            code: f.session.code.clone(),
            manage: format!("/manage/organisations/{slug}/sessions/{id}"),
            new_priority: format!("/manage/organisations/{slug}/plan/priorities/new"),
            session_id: id,
            open: f.state == SessionState::Open,
            hide_error: None,
        },
        state: f.state,
        session: f.session,
        statements,
        form,
        errors,
        kinds,
        perspectives: Perspective::ALL,
        max_chars: MAX_CARD_CHARS,
        reviews,
        review_done,
        kinds_part,
    })
}

/// `POST /manage/organisations/{slug}/sessions/{id}/kinds`: a draft session's kinds of card.
pub async fn kinds(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, id)): Path<(Slug, i64)>,
    session: Session,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<KindsForm>,
) -> Result<Response, WebError> {
    match form::answer(
        live::set_kinds(&state.store, &actor, &slug, id, &form).await,
        // A clash (the session opened meanwhile) is shown where the page says its state.
        "state",
    )? {
        Outcome::Done(()) => Ok(form::saved(
            &session,
            "The kinds of card are saved.",
            &format!("/manage/organisations/{slug}/sessions/{id}"),
        )),
        Outcome::Rejected(rejection) => {
            // A conflict (the session opened meanwhile) shows the kinds as they are.
            let typed = (!rejection.is_conflict()).then(|| form.rows().unwrap_or_default());
            render(
                rejection.status,
                &facilitate_page_with(
                    &state,
                    &actor,
                    &slug,
                    id,
                    ctx,
                    CardForm::default(),
                    typed,
                    rejection.errors,
                )
                .await?,
            )
        }
    }
}

/// `GET /manage/organisations/{slug}/sessions/{id}`: the facilitator's board.
pub async fn facilitate(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, id)): Path<(Slug, i64)>,
    ctx: PageContext,
) -> Result<Response, WebError> {
    render(
        StatusCode::OK,
        &facilitate_page(
            &state,
            &actor,
            &slug,
            id,
            ctx,
            CardForm::default(),
            FieldErrors::new(),
        )
        .await?,
    )
}

/// A facilitator's form answered: back to the board with a message, or the board again
/// with the problem by its field.
#[allow(clippy::too_many_arguments)]
async fn facilitator_answer<T>(
    state: &AppState,
    actor: &mir_app::Actor,
    slug: &str,
    id: i64,
    session: &Session,
    ctx: PageContext,
    result: Result<T, mir_app::AppError>,
    field: &'static str,
    done: &str,
    form: CardForm,
    back_to: &str,
) -> Result<Response, WebError> {
    match form::answer(result, field)? {
        Outcome::Done(_) => Ok(form::saved(
            session,
            done,
            &format!("/manage/organisations/{slug}/sessions/{id}{back_to}"),
        )),
        Outcome::Rejected(rejection) => render(
            rejection.status,
            &facilitate_page(state, actor, slug, id, ctx, form, rejection.errors).await?,
        ),
    }
}

/// What went into a review and what stayed out, and why.
fn into_review_message(done: &live::IntoReview) -> String {
    let cards = |n: usize| {
        if n == 1 {
            "1 card".to_owned()
        } else {
            format!("{n} cards")
        }
    };
    let mut message = format!(
        "The words of {} are in the review, with what each perspective said.",
        cards(done.cards)
    );
    for (n, why) in [
        (done.left_by_kind, "of a kind kept out of reviews"),
        (done.left_no_statement, "about no statement in the review"),
        (
            done.left_other,
            "from people who are not using services, carers or staff",
        ),
    ] {
        if n > 0 {
            message.push_str(&format!(" Not put in: {} {why}.", cards(n)));
        }
    }
    message
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct IntoReviewForm {
    review: String,
}

/// `POST /manage/organisations/{slug}/sessions/{id}/review`: the cards' words into an open
/// review, for the perspectives that wrote them.
pub async fn into_review(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, id)): Path<(Slug, i64)>,
    session: Session,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<IntoReviewForm>,
) -> Result<Response, WebError> {
    let result = live::cards_into_review(&state.store, &actor, &slug, id, &form.review).await;
    match form::answer(result, "review")? {
        Outcome::Done((review, done)) => Ok(form::saved(
            &session,
            into_review_message(&done),
            &format!("/manage/organisations/{slug}/reviews/{review}"),
        )),
        Outcome::Rejected(rejection) => render(
            rejection.status,
            &facilitate_page(
                &state,
                &actor,
                &slug,
                id,
                ctx,
                CardForm::default(),
                rejection.errors,
            )
            .await?,
        ),
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct StateForm {
    to: String,
}

/// `POST /manage/organisations/{slug}/sessions/{id}/state`
pub async fn change_state(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, id)): Path<(Slug, i64)>,
    session: Session,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<StateForm>,
) -> Result<Response, WebError> {
    let result = live::change_state(&state.store, &actor, &slug, id, &form.to).await;
    let done = match result {
        Ok(SessionState::Open) => "The session is open: people can join with the code.",
        Ok(SessionState::Closed) => "The session is closed. Nothing more can be added.",
        _ => "The session is archived.",
    };
    facilitator_answer(
        &state,
        &actor,
        &slug,
        id,
        &session,
        ctx,
        result,
        "state",
        done,
        CardForm::default(),
        "",
    )
    .await
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct KeepForm {
    keep: String,
}

/// `POST /manage/organisations/{slug}/sessions/{id}/keep`
pub async fn keep(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, id)): Path<(Slug, i64)>,
    session: Session,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<KeepForm>,
) -> Result<Response, WebError> {
    let keep = form.keep == "yes";
    let result = live::keep(&state.store, &actor, &slug, id, keep).await;
    facilitator_answer(
        &state,
        &actor,
        &slug,
        id,
        &session,
        ctx,
        result,
        "state",
        if keep {
            "The session will be kept."
        } else {
            "The session will be deleted when its time is up."
        },
        CardForm::default(),
        "",
    )
    .await
}

/// `POST /manage/organisations/{slug}/sessions/{id}/cards`: a card written on paper.
pub async fn paper_card(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, id)): Path<(Slug, i64)>,
    session: Session,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<CardForm>,
) -> Result<Response, WebError> {
    let result =
        live::add_paper_card(&state.store, &actor, &slug, id, &form, state.config.live).await;
    facilitator_answer(
        &state,
        &actor,
        &slug,
        id,
        &session,
        ctx,
        result,
        "text",
        "The card is on the board.",
        form,
        "",
    )
    .await
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct GroupForm {
    name: String,
}

/// `POST /manage/organisations/{slug}/sessions/{id}/groups`
pub async fn add_group(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, id)): Path<(Slug, i64)>,
    session: Session,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<GroupForm>,
) -> Result<Response, WebError> {
    let result = live::add_group(&state.store, &actor, &slug, id, &form.name).await;
    facilitator_answer(
        &state,
        &actor,
        &slug,
        id,
        &session,
        ctx,
        result,
        "name",
        "The group is on the board. Move cards into it.",
        CardForm::default(),
        "",
    )
    .await
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct MoveForm {
    group: String,
}

/// `POST /manage/organisations/{slug}/sessions/{id}/cards/{card}/group`
pub async fn move_card(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, id, card)): Path<(Slug, i64, i64)>,
    session: Session,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<MoveForm>,
) -> Result<Response, WebError> {
    let result = live::move_card(&state.store, &actor, &slug, id, card, &form.group).await;
    facilitator_answer(
        &state,
        &actor,
        &slug,
        id,
        &session,
        ctx,
        result,
        "name",
        "The card is moved.",
        CardForm::default(),
        &format!("#card-{card}"),
    )
    .await
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct HideForm {
    reason: String,
    show: String,
}

/// `POST /manage/organisations/{slug}/sessions/{id}/cards/{card}/hide`: hides a card with a
/// reason (kept in the audit log), or shows it again (`show=yes`).
pub async fn hide_card(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, id, card)): Path<(Slug, i64, i64)>,
    session: Session,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<HideForm>,
) -> Result<Response, WebError> {
    let show = form.show == "yes";
    let result = live::hide_card(
        &state.store,
        &actor,
        &slug,
        id,
        card,
        (!show).then_some(form.reason.as_str()),
    )
    .await;
    match form::answer(result, "reason")? {
        Outcome::Done(()) => Ok(form::saved(
            &session,
            if show {
                "The card is shown again."
            } else {
                "The card is hidden."
            },
            &format!("/manage/organisations/{slug}/sessions/{id}#card-{card}"),
        )),
        Outcome::Rejected(rejection) => {
            // The problem is shown on the card's own form (each card has one), and the error
            // summary's link goes to its reason box.
            let message = rejection.message();
            let mut page = facilitate_page(
                &state,
                &actor,
                &slug,
                id,
                ctx,
                CardForm::default(),
                FieldErrors::new(),
            )
            .await?;
            // A card with no hide form on the page (hidden already, or not this session's):
            // the problem is shown where the page says the session's state.
            let b = &page.parts.board;
            let hideable = b
                .columns
                .iter()
                .flat_map(|(_, cards)| cards)
                .chain(b.groups.iter().flat_map(|g| &g.cards))
                .any(|c| c.card.id == card);
            if hideable && !show {
                page.errors.add(format!("reason-{card}"), message.clone());
                page.parts.hide_error = Some(HideError {
                    card,
                    message,
                    typed: form.reason,
                });
            } else {
                page.errors.add("state", message);
            }
            render(rejection.status, &page)
        }
    }
}

#[derive(Template)]
#[template(path = "live/record.html")]
struct RecordPage {
    ctx: PageContext,
    name: String,
    slug: String,
    session: LiveSession,
    state: SessionState,
    parts: BoardParts,
    statements: Vec<Statement>,
}

impl RecordPage {
    fn date(&self, at: &i64) -> String {
        super::when(at)
    }
}

/// `GET /manage/organisations/{slug}/sessions/{id}/record`: the printable record (A4).
pub async fn record(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path((slug, id)): Path<(Slug, i64)>,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let f = live::facilitated(&state.store, &actor, &slug, id).await?;
    let board = live::board(&state.store, &f.session, None, false).await?;
    let statements = live::statements_of(&state.store, &f.session).await?;
    render(
        StatusCode::OK,
        &RecordPage {
            ctx,
            name: f.ws.organisation.name.clone(),
            slug: slug.to_string(),
            parts: BoardParts {
                board,
                viewer: Viewer::Projector,
                code: f.session.code.clone(),
                manage: String::new(),
                new_priority: String::new(),
                session_id: f.session.id,
                open: false,
                hide_error: None,
            },
            state: f.state,
            session: f.session,
            statements,
        },
    )
}
