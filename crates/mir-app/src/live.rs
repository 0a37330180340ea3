//! Live co-production sessions (issue 17, decision 0034): a facilitator in the group sets one
//! up; people in the room join with a short code, with no account, and write cards; the
//! facilitator groups them; everyone places dots; the board ranks what every perspective backs.
//! Afterwards a card or a group becomes a draft priority.
//!
//! Two kinds of caller: a group member (an [`Actor`], checked by the group policy) and a
//! participant (a device token from a cookie, checked against the session here).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use mir_domain::live::{
    self, CardKind, DEFAULT_VOTE_BUDGET, InReview, JOIN_CODE_ALPHABET, JOIN_CODE_LEN, KindTyped,
    MAX_GROUP_NAME_CHARS, MAX_HIDE_REASON_CHARS, Perspective, SessionState, Support,
};
use mir_domain::plan::PriorityStatus;
use mir_domain::validation::FieldErrors;
use mir_store::{
    Board, DotOutcome, DotTarget, LiveCard, LiveRepo, LiveSession, NewLiveSession, Participant,
    RateLimitRepo, StoreError,
};
use rand::Rng;
use serde::Deserialize;
use serde_json::json;

use crate::AppError;
use crate::plans::{PlanStore, PlanWorkspace, PriorityForm, workspace};
use crate::policy::{Actor, GroupAction, authorize_in_group};
use crate::rate_limit::{self, Limit};

/// Everything the storage for live sessions needs.
pub trait LiveStore: PlanStore + LiveRepo + RateLimitRepo {}
impl<T: PlanStore + LiveRepo + RateLimitRepo> LiveStore for T {}

/// Limits a server is run with (`mir serve --live-max-participants`, `--live-max-cards`).
#[derive(Debug, Clone, Copy)]
pub struct LiveLimits {
    pub max_participants: i64,
    pub max_cards: i64,
}

impl Default for LiveLimits {
    fn default() -> Self {
        LiveLimits {
            max_participants: 300,
            max_cards: 2_000,
        }
    }
}

/// Days a closed session is kept before it is deleted, unless the group keeps it.
pub const DEFAULT_RETENTION_DAYS: i64 = 90;
/// Cards, edits and dots one participant may send in the window.
pub const PARTICIPANT_ACTIONS: i64 = 300;

/// The new-session form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SessionForm {
    pub title: String,
    pub question: String,
    pub statements: Vec<String>,
    /// Whole themes the session is about: all their statements.
    pub themes: Vec<String>,
    pub vote_budget: String,
    // The kinds-of-card rows (as in [`KindsForm`]; repeated fields cannot be flattened).
    pub kind_label: Vec<String>,
    pub kind_easy: Vec<String>,
    pub kind_colour: Vec<String>,
    pub kind_picture: Vec<String>,
    pub kind_review: Vec<String>,
}

impl SessionForm {
    pub fn kinds(&self) -> KindsForm {
        KindsForm {
            kind_label: self.kind_label.clone(),
            kind_easy: self.kind_easy.clone(),
            kind_colour: self.kind_colour.clone(),
            kind_picture: self.kind_picture.clone(),
            kind_review: self.kind_review.clone(),
        }
    }
}

/// The kinds-of-card rows as typed: each field once per row, rows in order (a form without
/// them keeps the kinds it had, or the default three for a new session).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct KindsForm {
    pub kind_label: Vec<String>,
    pub kind_easy: Vec<String>,
    pub kind_colour: Vec<String>,
    pub kind_picture: Vec<String>,
    pub kind_review: Vec<String>,
}

impl KindsForm {
    /// The rows as typed, or `None` when the form had no kinds part at all.
    pub fn rows(&self) -> Option<Vec<KindTyped>> {
        let n = [
            self.kind_label.len(),
            self.kind_easy.len(),
            self.kind_colour.len(),
            self.kind_picture.len(),
            self.kind_review.len(),
        ]
        .into_iter()
        .max()
        .unwrap_or(0);
        let at = |v: &Vec<String>, i: usize| v.get(i).cloned().unwrap_or_default();
        (n > 0).then(|| {
            (0..n)
                .map(|i| KindTyped {
                    label: at(&self.kind_label, i),
                    easy_label: at(&self.kind_easy, i),
                    colour: at(&self.kind_colour, i),
                    picture: at(&self.kind_picture, i),
                    in_review: at(&self.kind_review, i),
                })
                .collect()
        })
    }

    /// The rows the form shows for these kinds, with empty rows to add more.
    pub fn of(kinds: &[CardKind]) -> Vec<KindTyped> {
        let mut rows: Vec<KindTyped> = kinds.iter().map(KindTyped::from_kind).collect();
        while rows.len() < live::MAX_CARD_KINDS {
            rows.push(KindTyped::default());
        }
        rows
    }
}

/// A session's kinds of card, in their order (the default three unless it chose others).
pub fn kinds_of(session: &LiveSession) -> Vec<Arc<CardKind>> {
    let kinds: Vec<CardKind> = if session.card_kinds.is_empty() {
        CardKind::defaults()
    } else {
        serde_json::from_str(&session.card_kinds).unwrap_or_else(|error| {
            tracing::warn!(session = session.id, %error, "unreadable kinds of card");
            CardKind::defaults()
        })
    };
    kinds.into_iter().map(Arc::new).collect()
}

/// The kind a card has, by its key (the last kind if the key is not one of the session's, so
/// no card ever drops off a board).
pub fn kind_for(kinds: &[Arc<CardKind>], key: &str) -> Arc<CardKind> {
    kinds
        .iter()
        .find(|k| k.key == key)
        .or_else(|| kinds.last())
        .cloned()
        .unwrap_or_else(|| Arc::new(CardKind::defaults().remove(0)))
}

fn kinds_text(kinds: &[CardKind]) -> Result<String, AppError> {
    serde_json::to_string(kinds).map_err(|e| AppError::Internal(format!("kinds of card: {e}")))
}

/// The join form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct JoinForm {
    pub perspective: String,
    pub name: String,
}

/// A card as typed (by a participant, or by the facilitator from paper with `perspective`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CardForm {
    pub kind: String,
    pub text: String,
    pub statement: String,
    pub perspective: String,
}

fn state_of(session: &LiveSession) -> Result<SessionState, AppError> {
    SessionState::parse(&session.state)
        .ok_or_else(|| AppError::Internal(format!("session state {:?}", session.state)))
}

/// A fresh join code (not yet checked against those in use).
pub fn new_code() -> String {
    let mut rng = rand::rng();
    (0..JOIN_CODE_LEN)
        .map(|_| char::from(JOIN_CODE_ALPHABET[rng.random_range(0..JOIN_CODE_ALPHABET.len())]))
        .collect()
}

/// A session as its facilitator sees it, with the group it belongs to.
pub struct Facilitated {
    pub ws: PlanWorkspace,
    pub session: LiveSession,
    pub state: SessionState,
}

async fn facilitator(
    store: &impl LiveStore,
    actor: &Actor,
    slug: &str,
) -> Result<PlanWorkspace, AppError> {
    let ws = workspace(store, actor, slug).await?;
    authorize_in_group(
        ws.me.role,
        ws.me.is_co_chair,
        GroupAction::FacilitateSessions,
    )?;
    Ok(ws)
}

/// The group's sessions, newest first (every member sees the list: it is the group's history).
pub async fn sessions_of(
    store: &impl LiveStore,
    actor: &Actor,
    slug: &str,
) -> Result<(PlanWorkspace, Vec<LiveSession>), AppError> {
    let ws = workspace(store, actor, slug).await?;
    let sessions = store.live_sessions_of(ws.organisation.id).await?;
    Ok((ws, sessions))
}

/// Creates a session in the draft state. Returns its id.
pub async fn create(
    store: &impl LiveStore,
    actor: &Actor,
    slug: &str,
    form: &SessionForm,
) -> Result<i64, AppError> {
    let ws = facilitator(store, actor, slug).await?;
    let mut errors = FieldErrors::new();
    let (title, question) = match live::check_session(&form.title, &form.question) {
        Ok(pair) => pair,
        Err(more) => {
            errors.merge(more);
            Default::default()
        }
    };
    let budget = if form.vote_budget.trim().is_empty() {
        Some(DEFAULT_VOTE_BUDGET)
    } else {
        form.vote_budget
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=10).contains(n))
    };
    if budget.is_none() {
        errors.add(
            "vote_budget",
            "Enter how many dots each person has, a number from 1 to 10",
        );
    }
    let kinds = match form.kinds().rows() {
        None => CardKind::defaults(),
        Some(rows) => live::check_kinds(&rows).unwrap_or_else(|more| {
            errors.merge(more);
            Vec::new()
        }),
    };
    // Statements chosen one by one or with their theme, in the framework's order.
    let statements: Vec<String> = ws
        .framework
        .as_ref()
        .map(|f| {
            f.statements
                .iter()
                .filter(|st| form.statements.contains(&st.code) || form.themes.contains(&st.theme))
                .map(|st| st.code.clone())
                .collect()
        })
        .unwrap_or_default();
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let person_id = ws.me.person_id;
    let retention_days = store.live_retention_days(ws.organisation.id).await?;
    // The default three are stored as nothing, so they read back as they are.
    let card_kinds = if kinds == CardKind::defaults() {
        String::new()
    } else {
        kinds_text(&kinds)?
    };
    // A code in use is drawn again (with 887 million codes, a second draw is rare).
    for _ in 0..5 {
        let code = new_code();
        match store
            .create_live_session(&NewLiveSession {
                organisation_id: ws.organisation.id,
                code: &code,
                title: &title,
                question: &question,
                statements: &statements,
                vote_budget: budget.unwrap_or(DEFAULT_VOTE_BUDGET),
                retention_days,
                card_kinds: &card_kinds,
                created_by: person_id,
                now: mir_store::now(),
            })
            .await
        {
            Ok(id) => {
                crate::audit::record(
                    store,
                    Some(ws.organisation.id),
                    actor,
                    "live session created",
                    json!({"session": id}),
                )
                .await?;
                return Ok(id);
            }
            Err(StoreError::AlreadyExists(_)) => continue,
            Err(other) => return Err(other.into()),
        }
    }
    Err(AppError::Internal("no free join code after 5 draws".into()))
}

/// One of the group's sessions, for its facilitator.
pub async fn facilitated(
    store: &impl LiveStore,
    actor: &Actor,
    slug: &str,
    id: i64,
) -> Result<Facilitated, AppError> {
    let ws = facilitator(store, actor, slug).await?;
    let session = store
        .live_session(id)
        .await?
        .filter(|s| s.organisation_id == ws.organisation.id)
        .ok_or(AppError::NotFound)?;
    let state = state_of(&session)?;
    Ok(Facilitated { ws, session, state })
}

/// Sets a session's kinds of card while it is being prepared (once people can write cards,
/// the kinds stay as they are).
pub async fn set_kinds(
    store: &impl LiveStore,
    actor: &Actor,
    slug: &str,
    id: i64,
    form: &KindsForm,
) -> Result<(), AppError> {
    let f = facilitated(store, actor, slug, id).await?;
    let kinds = live::check_kinds(&form.rows().unwrap_or_default()).map_err(AppError::Invalid)?;
    let text = if kinds == CardKind::defaults() {
        String::new()
    } else {
        kinds_text(&kinds)?
    };
    if !store.set_live_kinds(f.session.id, &text).await? {
        return Err(AppError::Conflict(
            "People can already write cards in this session, so its kinds of card cannot change"
                .into(),
        ));
    }
    crate::audit::record(
        store,
        Some(f.ws.organisation.id),
        actor,
        "live session kinds of card",
        json!({"session": id, "kinds": kinds.iter().map(|k| &k.key).collect::<Vec<_>>()}),
    )
    .await?;
    Ok(())
}

/// Opens, closes or archives a session (forward only).
pub async fn change_state(
    store: &impl LiveStore,
    actor: &Actor,
    slug: &str,
    id: i64,
    to: &str,
) -> Result<SessionState, AppError> {
    let f = facilitated(store, actor, slug, id).await?;
    let to = SessionState::parse(to).ok_or(AppError::NotFound)?;
    if !f.state.may_become(to)
        || !store
            .set_live_state(id, f.state.key(), to.key(), mir_store::now())
            .await?
    {
        return Err(AppError::Conflict(format!(
            "The session is {} and cannot become {}",
            f.state.label().to_lowercase(),
            to.label().to_lowercase()
        )));
    }
    crate::audit::record(
        store,
        Some(f.ws.organisation.id),
        actor,
        "live session state",
        json!({"session": id, "state": to.key()}),
    )
    .await?;
    Ok(to)
}

/// Keeps a closed session past the retention period, or lets it go.
pub async fn keep(
    store: &impl LiveStore,
    actor: &Actor,
    slug: &str,
    id: i64,
    keep: bool,
) -> Result<(), AppError> {
    let f = facilitated(store, actor, slug, id).await?;
    store.set_live_keep(f.session.id, keep).await?;
    crate::audit::record(
        store,
        Some(f.ws.organisation.id),
        actor,
        "live session kept",
        json!({"session": id, "keep": keep}),
    )
    .await?;
    Ok(())
}

/// The longest a group may keep closed sessions, in days (two years).
pub const MAX_RETENTION_DAYS: i64 = 730;

/// Sets how long the group keeps a closed session before it is deleted (unless kept): for new
/// sessions and every session not deleted yet. Those who facilitate decide it.
pub async fn set_retention(
    store: &impl LiveStore,
    actor: &Actor,
    slug: &str,
    days: &str,
) -> Result<i64, AppError> {
    let ws = facilitator(store, actor, slug).await?;
    let days = match days.trim().parse::<i64>() {
        Ok(n) if (1..=MAX_RETENTION_DAYS).contains(&n) => n,
        _ => {
            let mut errors = FieldErrors::new();
            errors.add(
                "retention_days",
                format!("Enter a whole number of days from 1 to {MAX_RETENTION_DAYS}, like 90"),
            );
            return Err(AppError::Invalid(errors));
        }
    };
    store
        .set_live_retention_days(ws.organisation.id, days)
        .await?;
    crate::audit::record(
        store,
        Some(ws.organisation.id),
        actor,
        "live session retention set",
        json!({"days": days}),
    )
    .await?;
    Ok(days)
}

/// Days the group keeps a closed session.
pub async fn retention_days(store: &impl LiveStore, organisation_id: i64) -> Result<i64, AppError> {
    Ok(store.live_retention_days(organisation_id).await?)
}

/// What went into a review from a session's cards.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IntoReview {
    /// Cards whose words went in.
    pub cards: usize,
    /// Lines of words added (one per statement and perspective).
    pub lines: usize,
    /// Cards of a kind whose words are not put into reviews (questions, thanks).
    pub left_by_kind: usize,
    /// Cards from "other" people (a review counts people who use services, carers and staff).
    pub left_other: usize,
    /// Cards about no statement in the review.
    pub left_no_statement: usize,
}

/// The reviews a session's cards could go into (the group's open ones), and the one they
/// went into, if they did.
pub async fn reviews_for(
    store: &(impl LiveStore + crate::reviews::ReviewStore),
    session: &LiveSession,
) -> Result<(Vec<mir_store::Review>, Option<mir_store::Review>), AppError> {
    let all = store.reviews_of(session.organisation_id).await?;
    let done = session
        .review_id
        .and_then(|id| all.iter().find(|r| r.id == id).cloned());
    Ok((all.into_iter().filter(|r| r.is_open).collect(), done))
}

/// Puts the words of a session's cards into an open review of the group, as words from a
/// workshop: for each statement and perspective, what was working well ("working well" cards)
/// and what should change ("needs to change" and "idea" cards), with no count of people (a
/// card is words, not a level). Hidden cards never go. Once per session, so nothing is said
/// twice. Those who both facilitate and lead reviews may do it.
pub async fn cards_into_review(
    store: &(impl LiveStore + crate::reviews::ReviewStore),
    actor: &Actor,
    slug: &str,
    id: i64,
    review_id: &str,
) -> Result<(i64, IntoReview), AppError> {
    let f = facilitated(store, actor, slug, id).await?;
    authorize_in_group(f.ws.me.role, f.ws.me.is_co_chair, GroupAction::LeadReviews)?;
    let Ok(review_id) = review_id.trim().parse::<i64>() else {
        let mut errors = FieldErrors::new();
        errors.add("review", "Choose the review the words go into");
        return Err(AppError::Invalid(errors));
    };
    let ctx = crate::reviews::review_in_context(store, actor, slug, review_id).await?;
    if !ctx.review.is_open {
        return Err(AppError::Conflict(
            "this review is closed: nothing can be added to it".into(),
        ));
    }
    if f.session.review_id.is_some() {
        return Err(AppError::Conflict(
            "the words of this session's cards are already in a review".into(),
        ));
    }
    // Afterwards only: cards written later could never follow (it is once per session).
    if matches!(f.state, SessionState::Draft | SessionState::Open) {
        return Err(AppError::Conflict(
            "Close the session first: its cards go into a review once, when nobody can add more"
                .into(),
        ));
    }
    let board = store.live_board(f.session.id).await?;
    let mut words: BTreeMap<(String, mir_domain::review::Perspective), (Vec<String>, Vec<String>)> =
        BTreeMap::new();
    let mut done = IntoReview::default();
    let kinds = kinds_of(&f.session);
    for card in board.cards.iter().filter(|c| c.hidden_reason.is_none()) {
        let in_review = kind_for(&kinds, &card.kind).in_review;
        if in_review == InReview::Left {
            done.left_by_kind += 1;
            continue;
        }
        let perspective = match Perspective::parse(&card.perspective) {
            Some(Perspective::Person) => mir_domain::review::Perspective::Person,
            Some(Perspective::Carer) => mir_domain::review::Perspective::Carer,
            Some(Perspective::Staff) => mir_domain::review::Perspective::Staff,
            _ => {
                done.left_other += 1;
                continue;
            }
        };
        if card.statement.is_empty() || ctx.in_review(&card.statement).is_none() {
            done.left_no_statement += 1;
            continue;
        }
        let (working, to_change) = words
            .entry((card.statement.clone(), perspective))
            .or_default();
        if in_review == InReview::WorkingWell {
            working.push(card.text.clone());
        } else {
            to_change.push(card.text.clone());
        }
        done.cards += 1;
    }
    if words.is_empty() {
        let mut errors = FieldErrors::new();
        errors.add(
            "review",
            "No card is about a statement in this review: only cards about one of its statements can go in",
        );
        return Err(AppError::Invalid(errors));
    }
    let label: String = format!("Live session: {}", f.session.title)
        .chars()
        .take(200)
        .collect();
    let within = |texts: Vec<String>| {
        mir_domain::validation::whole_lines_within(texts, mir_domain::review::MAX_WORDS_CHARS)
    };
    let rows: Vec<mir_store::WorkshopView> = words
        .into_iter()
        .map(
            |((code, perspective), (working, to_change))| mir_store::WorkshopView {
                statement_code: code,
                perspective: perspective.key().to_owned(),
                level: String::new(),
                people: 0,
                working: within(working),
                to_change: within(to_change),
                session_label: label.clone(),
            },
        )
        .collect();
    done.lines = rows.len();
    // The claim and the words in one transaction: two clicks at once put the words in once,
    // and a failure leaves neither.
    match store
        .live_cards_into_review(
            f.session.id,
            review_id,
            &rows,
            f.ws.me.person_id,
            mir_store::now(),
        )
        .await?
    {
        mir_store::IntoReviewOutcome::Done => {}
        mir_store::IntoReviewOutcome::AlreadyIn => {
            return Err(AppError::Conflict(
                "the words of this session's cards are already in a review".into(),
            ));
        }
        mir_store::IntoReviewOutcome::ReviewClosed => {
            return Err(AppError::Conflict(
                "this review is closed: nothing can be added to it".into(),
            ));
        }
    }
    crate::audit::record(
        store,
        Some(f.ws.organisation.id),
        actor,
        "live session cards into review",
        json!({"session": id, "review": review_id, "cards": done.cards, "lines": done.lines}),
    )
    .await?;
    Ok((review_id, done))
}

/// Codes that name no session, per client, before that client is refused for a while: only
/// wrong codes count, so a room on one venue's Wi-Fi (one address) joining together is never
/// locked out, while guessing an open session's code stays out of reach.
pub const WRONG_CODES: i64 = 30;

/// A client's wrong codes, counted apart for requests another site's page made: such a page
/// (30 hidden images) can then use up only its own share, never the room's. A hand-made
/// request that says it is cross-site gains 30 more guesses, no more.
fn wrong_codes(client: &str, cross_site: bool) -> Limit {
    let bucket = if cross_site {
        "live-code-cross-site"
    } else {
        "live-code"
    };
    Limit::per_client(bucket, client, WRONG_CODES)
}

/// Who asks for a session by its code: the client (an address), the device token its cookie
/// carries, and whether the request came from another site's page.
#[derive(Debug, Clone, Copy)]
pub struct CodeAsker<'a> {
    pub client: &'a str,
    pub token: Option<&'a str>,
    /// A request another site's page made the browser send (`Sec-Fetch-Site: cross-site`):
    /// its wrong codes are counted apart ([`wrong_codes`]).
    pub cross_site: bool,
}

/// The session a code names (typed at `/join`, or in an address). A code that names no session
/// is counted against the client; after [`WRONG_CODES`] of them the client is refused
/// (`RateLimited`) whatever the code, so a guesser learns nothing more, except for a device
/// that joined the session the code names: a room's phones keep their places even if someone
/// on the room's Wi-Fi uses up its wrong codes. Archived sessions are not found.
pub async fn find_by_code(
    store: &impl LiveStore,
    typed: &str,
    asker: CodeAsker<'_>,
) -> Result<LiveSession, AppError> {
    let limit = wrong_codes(asker.client, asker.cross_site);
    let since = mir_store::now() - rate_limit::WINDOW_SECS;
    let locked = store.count_attempts(&limit.bucket, since).await? >= limit.max;
    let found = match live::normalise_code(typed) {
        Some(code) => store
            .live_session_by_code(&code)
            .await?
            .filter(|s| s.state != SessionState::Archived.key()),
        None => None,
    };
    match found {
        Some(session) if !locked => Ok(session),
        Some(session) if participant(store, &session, asker.token).await?.is_some() => Ok(session),
        _ if locked => {
            tracing::info!("rate limit reached");
            Err(AppError::RateLimited)
        }
        _ => {
            rate_limit::check(store, &[limit]).await?;
            Err(AppError::NotFound)
        }
    }
}

/// The same for a code in an address (`/live/CODE…`).
pub async fn session_at(
    store: &impl LiveStore,
    code: &str,
    asker: CodeAsker<'_>,
) -> Result<LiveSession, AppError> {
    find_by_code(store, code, asker).await
}

/// The participant a device token names in this session.
pub async fn participant(
    store: &impl LiveStore,
    session: &LiveSession,
    token: Option<&str>,
) -> Result<Option<Participant>, AppError> {
    match token.filter(|t| crate::accounts::is_token(t)) {
        Some(token) => Ok(store
            .live_participant(session.id, &crate::accounts::hash_token(token))
            .await?),
        None => Ok(None),
    }
}

/// Joins an open session: returns the device token to keep in a cookie.
pub async fn join(
    store: &impl LiveStore,
    session: &LiveSession,
    form: &JoinForm,
    token: &str,
    client: &str,
    limits: LiveLimits,
) -> Result<i64, AppError> {
    // A venue's Wi-Fi (or a phone network's shared addresses) puts a whole room behind one
    // address, so one address may bring as many people as the session holds and no more: a
    // lower limit locked the 101st person in a full room out (decision 0034).
    rate_limit::check(
        store,
        &[Limit::per_client(
            &format!("live-joins:{}", session.id),
            client,
            limits.max_participants,
        )],
    )
    .await?;
    let mut errors = FieldErrors::new();
    let perspective = Perspective::parse(&form.perspective);
    if perspective.is_none() {
        errors.add(
            "perspective",
            "Choose who you are: for example, a person who uses services",
        );
    }
    let name = match live::check_name(&form.name) {
        Ok(name) => name,
        Err(more) => {
            errors.merge(more);
            String::new()
        }
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let perspective = perspective.unwrap_or(Perspective::Other);
    closed_or_full(store, session, "join").await?;
    store
        .join_live(
            session.id,
            &crate::accounts::hash_token(token),
            perspective.key(),
            &name,
            limits.max_participants,
            mir_store::now(),
        )
        .await?
        .ok_or_else(|| AppError::Conflict("This session is full: nobody else can join".into()))
}

/// A clear reason when the session cannot take more: it is not open.
async fn closed_or_full(
    store: &impl LiveStore,
    session: &LiveSession,
    doing: &str,
) -> Result<(), AppError> {
    let now = store
        .live_session(session.id)
        .await?
        .ok_or(AppError::NotFound)?;
    match state_of(&now)? {
        SessionState::Open => Ok(()),
        SessionState::Draft => Err(AppError::Conflict(format!(
            "This session has not started yet, so you cannot {doing} it. Ask the facilitator."
        ))),
        SessionState::Closed | SessionState::Archived => Err(AppError::Conflict(
            "This session has closed: nothing more can be added".into(),
        )),
    }
}

async fn count_action(store: &impl LiveStore, participant: &Participant) -> Result<(), AppError> {
    rate_limit::check(
        store,
        &[Limit {
            bucket: format!("live-participant:{}", participant.id),
            max: PARTICIPANT_ACTIONS,
        }],
    )
    .await
}

fn check_card(
    form: &CardForm,
    session: &LiveSession,
) -> Result<(String, String, String), AppError> {
    let mut errors = FieldErrors::new();
    let kind = kinds_of(session)
        .iter()
        .find(|k| k.key == form.kind)
        .map(|k| k.key.clone());
    if kind.is_none() {
        errors.add("kind", "Choose what kind of card it is");
    }
    let text = match live::check_card(&form.text) {
        Ok(text) => text,
        Err(more) => {
            errors.merge(more);
            String::new()
        }
    };
    // Only a statement the session is about; anything else is left off, not refused.
    let statement = if session.statements.contains(&form.statement) {
        form.statement.clone()
    } else {
        String::new()
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    Ok((kind.unwrap_or_default(), text, statement))
}

/// A participant adds a card.
pub async fn add_card(
    store: &impl LiveStore,
    session: &LiveSession,
    participant: &Participant,
    form: &CardForm,
    limits: LiveLimits,
) -> Result<i64, AppError> {
    let (kind, text, statement) = check_card(form, session)?;
    count_action(store, participant).await?;
    closed_or_full(store, session, "add cards to").await?;
    store
        .add_live_card(
            session.id,
            Some(participant.id),
            &participant.perspective,
            &kind,
            &text,
            &statement,
            limits.max_cards,
            mir_store::now(),
        )
        .await?
        .ok_or_else(|| AppError::Conflict("This session has as many cards as it can hold".into()))
}

/// A participant changes their own card.
pub async fn edit_card(
    store: &impl LiveStore,
    session: &LiveSession,
    participant: &Participant,
    card: i64,
    form: &CardForm,
) -> Result<(), AppError> {
    let (kind, text, statement) = check_card(form, session)?;
    count_action(store, participant).await?;
    closed_or_full(store, session, "change cards in").await?;
    if store
        .edit_live_card(
            session.id,
            card,
            participant.id,
            &kind,
            &text,
            &statement,
            mir_store::now(),
        )
        .await?
    {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// A participant takes their own card away.
pub async fn withdraw_card(
    store: &impl LiveStore,
    session: &LiveSession,
    participant: &Participant,
    card: i64,
) -> Result<(), AppError> {
    count_action(store, participant).await?;
    closed_or_full(store, session, "change cards in").await?;
    if store
        .withdraw_live_card(session.id, card, participant.id)
        .await?
    {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// What a dot form names: `c12` (card 12) or `g3` (group 3).
pub fn parse_target(typed: &str) -> Option<DotTarget> {
    let (kind, id) = typed.split_at_checked(1)?;
    let id: i64 = id.parse().ok().filter(|n| *n > 0)?;
    match kind {
        "c" => Some(DotTarget::Card(id)),
        "g" => Some(DotTarget::Group(id)),
        _ => None,
    }
}

/// A participant places a dot or takes it off.
pub async fn toggle_dot(
    store: &impl LiveStore,
    session: &LiveSession,
    participant: &Participant,
    target: &str,
) -> Result<DotOutcome, AppError> {
    let target = parse_target(target).ok_or(AppError::NotFound)?;
    count_action(store, participant).await?;
    closed_or_full(store, session, "vote in").await?;
    match store
        .toggle_dot(
            session.id,
            participant.id,
            target,
            session.vote_budget,
            mir_store::now(),
        )
        .await?
    {
        DotOutcome::NotOpen => Err(AppError::NotFound),
        DotOutcome::NoneLeft => Err(AppError::Conflict(format!(
            "You have used all {} of your dots. Take one off to put it somewhere else.",
            session.vote_budget
        ))),
        placed_or_removed => Ok(placed_or_removed),
    }
}

/// The facilitator types in a card someone wrote on paper, with the perspective they gave.
pub async fn add_paper_card(
    store: &impl LiveStore,
    actor: &Actor,
    slug: &str,
    id: i64,
    form: &CardForm,
    limits: LiveLimits,
) -> Result<i64, AppError> {
    let f = facilitated(store, actor, slug, id).await?;
    let checked = check_card(form, &f.session);
    let perspective = Perspective::parse(&form.perspective);
    let (kind, text, statement) = match (checked, perspective) {
        (Ok(card), Some(_)) => card,
        (checked, perspective) => {
            let mut errors = match checked {
                Err(AppError::Invalid(errors)) => errors,
                Err(other) => return Err(other),
                Ok(_) => FieldErrors::new(),
            };
            if perspective.is_none() {
                errors.add("perspective", "Choose who wrote the card");
            }
            return Err(AppError::Invalid(errors));
        }
    };
    closed_or_full(store, &f.session, "add cards to").await?;
    let card = store
        .add_live_card(
            f.session.id,
            None,
            perspective.map_or("other", Perspective::key),
            &kind,
            &text,
            &statement,
            limits.max_cards,
            mir_store::now(),
        )
        .await?
        .ok_or_else(|| {
            AppError::Conflict("This session has as many cards as it can hold".into())
        })?;
    Ok(card)
}

/// The facilitator starts a named group of cards.
pub async fn add_group(
    store: &impl LiveStore,
    actor: &Actor,
    slug: &str,
    id: i64,
    name: &str,
) -> Result<i64, AppError> {
    let f = facilitated(store, actor, slug, id).await?;
    let name = live::check_short(
        "name",
        name,
        MAX_GROUP_NAME_CHARS,
        "Enter a name for the group",
    )
    .map_err(AppError::Invalid)?;
    if f.state != SessionState::Open {
        return Err(AppError::Conflict(
            "Cards can only be grouped while the session is open".into(),
        ));
    }
    Ok(store
        .add_live_group(f.session.id, &name, mir_store::now())
        .await?)
}

/// The facilitator moves a card into a group, or out of any group (`group` empty).
pub async fn move_card(
    store: &impl LiveStore,
    actor: &Actor,
    slug: &str,
    id: i64,
    card: i64,
    group: &str,
) -> Result<(), AppError> {
    let f = facilitated(store, actor, slug, id).await?;
    if f.state != SessionState::Open {
        return Err(AppError::Conflict(
            "Cards can only be grouped while the session is open".into(),
        ));
    }
    let group = match group.trim() {
        "" => None,
        typed => Some(typed.parse::<i64>().map_err(|_| AppError::NotFound)?),
    };
    if store.move_live_card(f.session.id, card, group).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// The facilitator hides a card (with a reason, kept in the audit log) or shows it again.
pub async fn hide_card(
    store: &impl LiveStore,
    actor: &Actor,
    slug: &str,
    id: i64,
    card: i64,
    reason: Option<&str>,
) -> Result<(), AppError> {
    let f = facilitated(store, actor, slug, id).await?;
    let reason = match reason {
        Some(reason) => Some(
            live::check_short(
                "reason",
                reason,
                MAX_HIDE_REASON_CHARS,
                "Say why the card is hidden",
            )
            .map_err(AppError::Invalid)?,
        ),
        None => None,
    };
    if !store
        .hide_live_card(f.session.id, card, reason.as_deref())
        .await?
    {
        return Err(AppError::NotFound);
    }
    crate::audit::record(
        store,
        Some(f.ws.organisation.id),
        actor,
        if reason.is_some() {
            "live card hidden"
        } else {
            "live card shown again"
        },
        json!({"session": id, "card": card, "reason": reason}),
    )
    .await?;
    Ok(())
}

/// A card as a board shows it.
#[derive(Debug, Clone)]
pub struct CardView {
    pub card: LiveCard,
    pub kind: Arc<CardKind>,
    pub perspective: Perspective,
    pub dots: i64,
    /// Whether the participant looking wrote it (they may change it) …
    pub mine: bool,
    /// … and has a dot on it.
    pub my_dot: bool,
}

/// A group of cards.
#[derive(Debug, Clone)]
pub struct GroupView {
    pub id: i64,
    pub name: String,
    pub cards: Vec<CardView>,
    pub dots: i64,
    pub my_dot: bool,
}

/// One line of the agreement ranking, named.
#[derive(Debug, Clone)]
pub struct Ranked {
    /// "Card" or "Group".
    pub what: &'static str,
    pub target: DotTarget,
    pub label: String,
    pub support: Support<DotTarget>,
}

/// Everything a board shows, for one viewer.
#[derive(Debug, Clone)]
pub struct BoardView {
    /// The change count the board was read at (the live stream's changes follow from it).
    pub version: i64,
    /// Cards in no group, by kind (every kind, even with no cards).
    pub columns: Vec<(Arc<CardKind>, Vec<CardView>)>,
    pub groups: Vec<GroupView>,
    /// Hidden cards: every one for the facilitator, a participant's own for them.
    pub hidden: Vec<CardView>,
    pub ranking: Vec<Ranked>,
    pub participants: i64,
    pub cards: i64,
    /// Dots the participant looking has left.
    pub dots_left: i64,
    /// Whether per-perspective figures could be shown at all (enough people in the room).
    pub lines_shown: bool,
}

/// What a board is made from, read at one moment: its cards, groups, people and dots, and the
/// group's anonymity threshold. The same for every viewer, so a server may share one read
/// among all the boards that ask at the same change count.
#[derive(Debug, Clone)]
pub struct BoardData {
    pub board: Board,
    pub anonymity_threshold: i64,
}

/// Reads what a board is made from.
pub async fn board_data(
    store: &impl LiveStore,
    session: &LiveSession,
) -> Result<BoardData, AppError> {
    Ok(BoardData {
        anonymity_threshold: store.anonymity_threshold(session.organisation_id).await?,
        board: store.live_board(session.id).await?,
    })
}

/// What changed on a board between two reads, when the boards already open can be brought up
/// to date in place (new cards, cards moved or taken back, new dot counts): the live stream
/// carries it, so a change costs one small message per board instead of every board fetching
/// itself again (decision 0034, `scripts/live-load`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BoardDelta {
    /// Cards new on the board (not hidden), in the order they were written.
    pub added: Vec<LiveCard>,
    /// Cards now in another group (or in none), with where they are now.
    pub moved: Vec<(i64, Option<i64>)>,
    /// Cards taken back by their writers.
    pub removed: Vec<i64>,
    /// The dot count now of every card or group whose count changed.
    pub dots: Vec<(DotTarget, i64)>,
    /// People joined and cards shown, now.
    pub participants: i64,
    pub cards: i64,
}

impl BoardDelta {
    /// Whether the ranking may have changed (dots moved, or cards came or went).
    pub fn reranks(&self) -> bool {
        !self.dots.is_empty() || !self.removed.is_empty()
    }
}

/// What changed from `before` to `after`, or `None` when a board must be read again whole:
/// groups made or renamed, a card's words, kind or statement changed, a card hidden or shown
/// again (its writer's phone shows why; dots go back to those who placed them).
pub fn delta(before: &Board, after: &Board) -> Option<BoardDelta> {
    if before.groups != after.groups {
        return None;
    }
    let old: HashMap<i64, &LiveCard> = before.cards.iter().map(|c| (c.id, c)).collect();
    let mut change = BoardDelta::default();
    for card in &after.cards {
        match old.get(&card.id) {
            None if card.hidden_reason.is_none() => change.added.push(card.clone()),
            None => {}
            Some(was) => {
                if was.text != card.text
                    || was.kind != card.kind
                    || was.statement != card.statement
                    || was.hidden_reason != card.hidden_reason
                {
                    return None;
                }
                if was.group_id != card.group_id && card.hidden_reason.is_none() {
                    change.moved.push((card.id, card.group_id));
                }
            }
        }
    }
    let now: HashSet<i64> = after.cards.iter().map(|c| c.id).collect();
    change.removed = before
        .cards
        .iter()
        .filter(|c| !now.contains(&c.id) && c.hidden_reason.is_none())
        .map(|c| c.id)
        .collect();
    let counts = |board: &Board| {
        let mut counts: BTreeMap<DotTarget, i64> = BTreeMap::new();
        for (target, _) in &board.dots {
            *counts.entry(*target).or_default() += 1;
        }
        counts
    };
    let (was, is) = (counts(before), counts(after));
    let shown = |target: &DotTarget| match target {
        DotTarget::Card(id) => now.contains(id),
        DotTarget::Group(_) => true,
    };
    change.dots = was
        .keys()
        .chain(is.keys())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .filter(|target| shown(target) && was.get(target) != is.get(target))
        .map(|target| (*target, is.get(target).copied().unwrap_or(0)))
        .collect();
    change.participants = i64::try_from(after.participants.len()).unwrap_or(0);
    change.cards = i64::try_from(
        after
            .cards
            .iter()
            .filter(|c| c.hidden_reason.is_none())
            .count(),
    )
    .unwrap_or(0);
    Some(change)
}

/// The board, as a participant (`viewer`), the projector (`None`) or the facilitator sees it.
/// Hidden cards are left out unless `with_hidden`.
pub async fn board(
    store: &impl LiveStore,
    session: &LiveSession,
    viewer: Option<&Participant>,
    with_hidden: bool,
) -> Result<BoardView, AppError> {
    let data = board_data(store, session).await?;
    Ok(board_view(&data, session, viewer, with_hidden))
}

/// The board one viewer sees, from what was read.
pub fn board_view(
    data: &BoardData,
    session: &LiveSession,
    viewer: Option<&Participant>,
    with_hidden: bool,
) -> BoardView {
    let (board, k) = (&data.board, data.anonymity_threshold);
    let me = viewer.map(|p| p.id);
    let dots_on = |target: DotTarget| board.dots.iter().filter(|(t, _)| *t == target).count();
    let mine_on = |target: DotTarget| {
        me.is_some_and(|me| board.dots.iter().any(|(t, p)| *t == target && *p == me))
    };
    let kinds = kinds_of(session);
    let view = |card: &LiveCard| CardView {
        kind: kind_for(&kinds, &card.kind),
        perspective: Perspective::parse(&card.perspective).unwrap_or(Perspective::Other),
        dots: i64::try_from(dots_on(DotTarget::Card(card.id))).unwrap_or(0),
        mine: me.is_some() && card.participant_id == me,
        my_dot: mine_on(DotTarget::Card(card.id)),
        card: card.clone(),
    };
    let shown: Vec<&LiveCard> = board
        .cards
        .iter()
        .filter(|c| c.hidden_reason.is_none())
        .collect();
    let columns = kinds
        .iter()
        .map(|kind| {
            let cards = shown
                .iter()
                .filter(|c| c.group_id.is_none() && kind_for(&kinds, &c.kind).key == kind.key)
                .map(|c| view(c))
                .collect();
            (Arc::clone(kind), cards)
        })
        .collect();
    let groups: Vec<GroupView> = board
        .groups
        .iter()
        .map(|g| GroupView {
            id: g.id,
            name: g.name.clone(),
            cards: shown
                .iter()
                .filter(|c| c.group_id == Some(g.id))
                .map(|c| view(c))
                .collect(),
            dots: i64::try_from(dots_on(DotTarget::Group(g.id))).unwrap_or(0),
            my_dot: mine_on(DotTarget::Group(g.id)),
        })
        .collect();
    // The facilitator sees every hidden card; a participant sees their own, with the reason,
    // so a card never disappears from its writer's phone without a word.
    let hidden = board
        .cards
        .iter()
        .filter(|c| c.hidden_reason.is_some())
        .filter(|c| with_hidden || (me.is_some() && c.participant_id == me))
        .map(view)
        .collect();
    // Dots on hidden cards do not count towards the ranking.
    let hidden_ids: Vec<i64> = board
        .cards
        .iter()
        .filter(|c| c.hidden_reason.is_some())
        .map(|c| c.id)
        .collect();
    let participants: BTreeMap<i64, Perspective> = board
        .participants
        .iter()
        .map(|(id, p)| (*id, Perspective::parse(p).unwrap_or(Perspective::Other)))
        .collect();
    let dots: Vec<(DotTarget, i64)> = board
        .dots
        .iter()
        .filter(|(t, _)| !matches!(t, DotTarget::Card(id) if hidden_ids.contains(id)))
        .copied()
        .collect();
    let supports = live::agreement(&participants, &dots, k);
    let mut per_perspective: BTreeMap<Perspective, i64> = BTreeMap::new();
    for p in participants.values() {
        *per_perspective.entry(*p).or_default() += 1;
    }
    let lines_shown = !live::lines(&per_perspective, k).is_empty();
    let ranking = supports
        .into_iter()
        .filter_map(|support| {
            let (what, label) = match support.target {
                DotTarget::Card(id) => (
                    "Card",
                    board.cards.iter().find(|c| c.id == id)?.text.clone(),
                ),
                DotTarget::Group(id) => (
                    "Group",
                    board.groups.iter().find(|g| g.id == id)?.name.clone(),
                ),
            };
            Some(Ranked {
                what,
                target: support.target,
                label,
                support,
            })
        })
        .collect();
    let used = me.map_or(0, |me| board.dots.iter().filter(|(_, p)| *p == me).count());
    BoardView {
        version: board.version,
        columns,
        groups,
        hidden,
        ranking,
        participants: i64::try_from(board.participants.len()).unwrap_or(0),
        cards: i64::try_from(shown.len()).unwrap_or(0),
        dots_left: (session.vote_budget - i64::try_from(used).unwrap_or(0)).max(0),
        lines_shown,
    }
}

/// The statements a session is about, from the framework version its organisation uses
/// (for the card form's choice and the board's labels).
pub async fn statements_of(
    store: &impl LiveStore,
    session: &LiveSession,
) -> Result<Vec<mir_domain::framework::Statement>, AppError> {
    if session.statements.is_empty() {
        return Ok(Vec::new());
    }
    let Some((slug, version)) = store.adopted_framework(session.organisation_id).await? else {
        return Ok(Vec::new());
    };
    let Some(framework) = store.load_framework(&slug, Some(&version)).await? else {
        return Ok(Vec::new());
    };
    Ok(session
        .statements
        .iter()
        .filter_map(|code| framework.statement(code).cloned())
        .collect())
}

/// A session by its number, as the live watcher reads it (`None` once deleted).
pub async fn session_by_id(
    store: &impl LiveStore,
    session_id: i64,
) -> Result<Option<LiveSession>, AppError> {
    Ok(store.live_session(session_id).await?)
}

/// A draft priority's form, started from a card or a group of a session: its words as the
/// title, the statements the session and its cards name, and in "why" what the room said
/// and how much each perspective backed it. Nothing is saved until the person adds it.
pub async fn priority_from_session(
    store: &impl LiveStore,
    actor: &Actor,
    slug: &str,
    id: i64,
    target: &str,
) -> Result<PriorityForm, AppError> {
    let f = facilitated(store, actor, slug, id).await?;
    let target = parse_target(target).ok_or(AppError::NotFound)?;
    let view = board(store, &f.session, None, false).await?;
    let (title, cards): (String, Vec<CardView>) = match target {
        DotTarget::Group(gid) => {
            let group = view
                .groups
                .iter()
                .find(|g| g.id == gid)
                .ok_or(AppError::NotFound)?;
            (group.name.clone(), group.cards.clone())
        }
        DotTarget::Card(cid) => {
            let card = view
                .columns
                .iter()
                .flat_map(|(_, cards)| cards)
                .chain(view.groups.iter().flat_map(|g| &g.cards))
                .find(|c| c.card.id == cid)
                .ok_or(AppError::NotFound)?;
            (card.card.text.clone(), vec![card.clone()])
        }
    };
    let codes = f.ws.statement_codes();
    let mut statements: Vec<String> = f.session.statements.clone();
    for c in &cards {
        if !c.card.statement.is_empty() && !statements.contains(&c.card.statement) {
            statements.push(c.card.statement.clone());
        }
    }
    statements.retain(|s| codes.contains(s));
    let mut why = vec![format!(
        "From the live session “{}” (“{}”).",
        f.session.title, f.session.question
    )];
    if let Some(ranked) = view.ranking.iter().find(|r| r.target == target) {
        let lines: Vec<String> = ranked
            .support
            .by_line
            .iter()
            .map(|(line, of, n)| format!("{} {of} of {n}", line.label().to_lowercase()))
            .collect();
        let dots = match ranked.support.dots {
            1 => "1 dot".to_owned(),
            n => format!("{n} dots"),
        };
        why.push(if lines.is_empty() {
            format!("It had {dots}.")
        } else {
            format!("It had {dots}; backed by {}.", lines.join(", "))
        });
    }
    for c in cards.iter().take(20) {
        // The words only: with few people in a perspective, naming it could name the writer.
        why.push(format!("“{}”", c.card.text));
    }
    let kept = mir_domain::validation::whole_lines_within(why, 2000);
    Ok(PriorityForm {
        title: title.chars().take(150).collect(),
        statements,
        why: kept,
        status: PriorityStatus::Proposed.key().into(),
        ..PriorityForm::default()
    })
}

/// Deletes sessions past their retention period (a background job). Returns how many.
pub async fn delete_expired(store: &impl LiveRepo) -> Result<u64, AppError> {
    Ok(store.delete_expired_live_sessions(mir_store::now()).await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use mir_store::LiveGroup;

    #[test]
    fn dot_targets_are_read_strictly() {
        assert_eq!(parse_target("c12"), Some(DotTarget::Card(12)));
        assert_eq!(parse_target("g3"), Some(DotTarget::Group(3)));
        for bad in ["", "c", "x1", "c-1", "c0", "g1.5", "c 1", "é1"] {
            assert_eq!(parse_target(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn new_codes_are_made_of_the_readable_alphabet() {
        for _ in 0..200 {
            let code = new_code();
            assert_eq!(live::normalise_code(&code).as_deref(), Some(code.as_str()));
        }
    }

    fn card(id: i64, text: &str, group: Option<i64>) -> LiveCard {
        LiveCard {
            id,
            participant_id: Some(1),
            perspective: "person".into(),
            kind: "idea".into(),
            text: text.into(),
            statement: String::new(),
            group_id: group,
            hidden_reason: None,
            created_at: 0,
        }
    }

    fn board(cards: Vec<LiveCard>, dots: Vec<(DotTarget, i64)>) -> Board {
        Board {
            version: 1,
            cards,
            groups: vec![LiveGroup {
                id: 7,
                name: "Getting about".into(),
            }],
            participants: vec![(1, "person".into()), (2, "staff".into())],
            dots,
        }
    }

    #[test]
    fn a_delta_carries_new_cards_moves_withdrawals_and_new_dot_counts() {
        let before = board(
            vec![card(1, "Buses", None), card(2, "Ramps", None)],
            vec![(DotTarget::Card(1), 1), (DotTarget::Card(2), 2)],
        );
        let after = board(
            vec![card(1, "Buses", Some(7)), card(3, "Taxis", None)],
            vec![
                (DotTarget::Card(1), 1),
                (DotTarget::Card(1), 2),
                (DotTarget::Group(7), 1),
            ],
        );
        let change = delta(&before, &after).expect("in place");
        assert_eq!(change.added.iter().map(|c| c.id).collect::<Vec<_>>(), [3]);
        assert_eq!(change.moved, [(1, Some(7))]);
        assert_eq!(change.removed, [2]);
        // Card 2 is gone (its count goes with it); card 1 and the group have new counts.
        assert_eq!(
            change.dots,
            [(DotTarget::Card(1), 2), (DotTarget::Group(7), 1)]
        );
        assert_eq!((change.participants, change.cards), (2, 2));
        assert!(change.reranks());
        assert_eq!(
            delta(&after, &after),
            Some(BoardDelta {
                participants: 2,
                cards: 2,
                ..BoardDelta::default()
            }),
            "nothing changed"
        );
    }

    #[test]
    fn changed_words_hiding_and_new_groups_need_the_whole_board() {
        let before = board(vec![card(1, "Buses", None)], vec![]);
        let mut words = before.clone();
        words.cards[0].text = "Trains".into();
        assert_eq!(delta(&before, &words), None);
        let mut hidden = before.clone();
        hidden.cards[0].hidden_reason = Some("A name".into());
        assert_eq!(delta(&before, &hidden), None);
        let mut groups = before.clone();
        groups.groups.push(LiveGroup {
            id: 8,
            name: "Money".into(),
        });
        assert_eq!(delta(&before, &groups), None);
        let mut hidden_new = before.clone();
        let mut secret = card(2, "Secret", None);
        secret.hidden_reason = Some("A name".into());
        hidden_new.cards.push(secret);
        let change = delta(&before, &hidden_new).expect("in place");
        assert!(change.added.is_empty(), "a hidden card is never sent");
    }
}
