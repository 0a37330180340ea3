//! Riverside's live sessions: a closed one from its last co-production day (cards from every
//! perspective, a fourth kind of card for questions, three groups, dots, one group turned into a draft priority) and an open one a
//! newcomer can join from the home page with the code `RVS 234`.

use mir_store::{DotTarget, LiveRepo, MemberRepo, NewLiveSession, PlanRepo, PriorityRecord};

use crate::AppError;

use super::DEMO_GROUP_SLUG;

/// The open demonstration session's code (shown as `RVS 234`).
pub const DEMO_OPEN_CODE: &str = "RVS234";
const DEMO_CLOSED_CODE: &str = "SPR567";
const DAY: i64 = 24 * 60 * 60;

/// (perspective, kind, text, group index or none, statement)
type DemoCard = (
    &'static str,
    &'static str,
    &'static str,
    Option<usize>,
    &'static str,
);

const CLOSED_GROUPS: [&str; 3] = [
    "Getting about",
    "Being listened to",
    "Knowing what is on offer",
];

const CLOSED_CARDS: [DemoCard; 16] = [
    (
        "person",
        "needs-to-change",
        "The community bus stops at 4pm, so I miss evening groups",
        Some(0),
        "WB-I1",
    ),
    (
        "carer",
        "needs-to-change",
        "Taxi vouchers run out before the end of the month",
        Some(0),
        "",
    ),
    (
        "staff",
        "idea",
        "Share the day-centre minibus with the youth club at weekends",
        Some(0),
        "",
    ),
    (
        "person",
        "idea",
        "A buddy to travel with the first few times",
        Some(0),
        "WB-I1",
    ),
    (
        "person",
        "working-well",
        "My support worker asks me what I want before the meeting",
        Some(1),
        "WB-I2",
    ),
    (
        "carer",
        "needs-to-change",
        "I tell my story again at every new assessment",
        Some(1),
        "",
    ),
    (
        "staff",
        "needs-to-change",
        "Reviews are booked when it suits us, not the person",
        Some(1),
        "WB-I2",
    ),
    (
        "person",
        "needs-to-change",
        "Letters come in words I cannot read",
        Some(2),
        "",
    ),
    (
        "carer",
        "idea",
        "One page listing every carers' group in town",
        Some(2),
        "",
    ),
    (
        "staff",
        "working-well",
        "The new Easy Read leaflets are being used",
        Some(2),
        "",
    ),
    (
        "person",
        "working-well",
        "The Tuesday drop-in is friendly",
        None,
        "",
    ),
    (
        "staff",
        "idea",
        "Invite people who use services to interview new staff",
        None,
        "",
    ),
    (
        "carer",
        "working-well",
        "The carers' line rings back the same day",
        None,
        "",
    ),
    (
        "other",
        "idea",
        "Ask the library to host the information fair",
        None,
        "",
    ),
    (
        "carer",
        "question",
        "Who do I ring when the care worker does not come?",
        None,
        "",
    ),
    (
        "person",
        "question",
        "Can I bring a friend to the next meeting?",
        None,
        "",
    ),
];

/// The co-production day had a fourth kind of card, for questions to answer on the day (kept
/// out of reviews: a question is not a view).
fn closed_kinds() -> Result<String, AppError> {
    use mir_domain::live::{CardColour, CardKind, CardPicture, InReview};
    let mut kinds = CardKind::defaults();
    kinds.push(CardKind {
        key: "question".into(),
        label: "Question".into(),
        easy_label: "I want to ask".into(),
        colour: CardColour::Blue,
        picture: CardPicture::Question,
        in_review: InReview::Left,
    });
    serde_json::to_string(&kinds).map_err(|e| AppError::Internal(format!("demo kinds: {e}")))
}

/// Who was in the room: 5 people who use services, 3 carers, 4 staff.
const CLOSED_ROOM: [&str; 12] = [
    "person", "person", "person", "person", "person", "carer", "carer", "carer", "staff", "staff",
    "staff", "staff",
];

/// Each participant's dots: (participant index, group index) — getting about is backed by
/// every side; being listened to mostly by staff.
const CLOSED_DOTS: [(usize, usize); 20] = [
    (0, 0),
    (1, 0),
    (2, 0),
    (3, 1),
    (4, 2),
    (0, 2),
    (1, 2),
    (5, 0),
    (6, 0),
    (7, 1),
    (5, 2),
    (8, 1),
    (9, 1),
    (10, 1),
    (11, 0),
    (8, 0),
    (9, 0),
    (10, 2),
    (11, 1),
    (3, 0),
];

const OPEN_CARDS: [DemoCard; 5] = [
    (
        "person",
        "needs-to-change",
        "The bus timetable online is hard to read",
        None,
        "",
    ),
    (
        "staff",
        "working-well",
        "Travel training helped three people start college",
        None,
        "",
    ),
    (
        "carer",
        "idea",
        "A map of step-free routes in town",
        Some(0),
        "",
    ),
    (
        "person",
        "idea",
        "Bus drivers trained to wait until we sit down",
        Some(0),
        "",
    ),
    (
        "staff",
        "needs-to-change",
        "We never ask about transport at reviews",
        None,
        "",
    ),
];

fn token(seed: &str) -> String {
    crate::accounts::hash_token(&format!("demo-live-participant-{seed}"))
}

async fn fill(
    store: &(impl LiveRepo + Sync),
    session: i64,
    room: &[&str],
    cards: &[DemoCard],
    groups: &[&str],
    at: i64,
) -> Result<(Vec<i64>, Vec<i64>), AppError> {
    let mut people = Vec::new();
    for (i, perspective) in room.iter().enumerate() {
        let name = if i % 3 == 0 { "" } else { "Guest" };
        if let Some(id) = store
            .join_live(
                session,
                &token(&format!("{session}-{i}")),
                perspective,
                name,
                300,
                at,
            )
            .await?
        {
            people.push(id);
        }
    }
    let mut group_ids = Vec::new();
    for name in groups {
        group_ids.push(store.add_live_group(session, name, at).await?);
    }
    for (i, (perspective, kind, text, group, statement)) in cards.iter().enumerate() {
        // Each card is from the first participant of its perspective who has not written yet;
        // a few are typed in from paper.
        let writer = if i % 5 == 4 {
            None
        } else {
            room.iter()
                .position(|p| p == perspective)
                .and_then(|p| people.get(p).copied())
        };
        let Some(card) = store
            .add_live_card(
                session,
                writer,
                perspective,
                kind,
                text,
                statement,
                2_000,
                at,
            )
            .await?
        else {
            continue;
        };
        if let Some(g) = group.and_then(|g| group_ids.get(g)) {
            store.move_live_card(session, card, Some(*g)).await?;
        }
    }
    Ok((people, group_ids))
}

/// Loads Riverside's two live sessions (once: the caller claims a key first).
pub(super) async fn load_demo_sessions(
    store: &(impl LiveRepo + MemberRepo + PlanRepo + Sync),
    framework_statements: &[String],
    now: i64,
) -> Result<(), AppError> {
    let Some(org) = store.organisation_by_slug(DEMO_GROUP_SLUG).await? else {
        return Ok(());
    };
    let members = store.members(org.id).await?;
    let Some(facilitator) = members.iter().find(|m| m.is_co_chair) else {
        return Ok(());
    };
    let statements: Vec<String> = ["WB-I1", "WB-I2"]
        .iter()
        .map(|s| (*s).to_owned())
        .filter(|s| framework_statements.contains(s))
        .collect();

    // The co-production day, seven weeks ago.
    let day = now - 49 * DAY;
    let closed_kinds = closed_kinds()?;
    let closed = store
        .create_live_session(&NewLiveSession {
            organisation_id: org.id,
            code: DEMO_CLOSED_CODE,
            title: "Spring co-production day",
            question: "What would make day-to-day life better for you?",
            statements: &statements,
            vote_budget: 3,
            retention_days: 90,
            card_kinds: &closed_kinds,
            created_by: facilitator.person_id,
            now: day - 7 * DAY,
        })
        .await?;
    store.set_live_state(closed, "draft", "open", day).await?;
    let (people, groups) = fill(
        store,
        closed,
        &CLOSED_ROOM,
        &CLOSED_CARDS,
        &CLOSED_GROUPS,
        day,
    )
    .await?;
    for (who, group) in CLOSED_DOTS {
        if let (Some(p), Some(g)) = (people.get(who), groups.get(group)) {
            store
                .toggle_dot(closed, *p, DotTarget::Group(*g), 3, day)
                .await?;
        }
    }
    store
        .set_live_state(closed, "open", "closed", day + 3 * 60 * 60)
        .await?;
    store.set_live_keep(closed, true).await?;
    // "Getting about", backed by every side, became a draft priority.
    store
        .create_priority(
            org.id,
            &PriorityRecord {
                title: "Getting about, evenings and weekends too".into(),
                statements: statements.iter().take(1).cloned().collect(),
                target: "People can get to evening and weekend groups without relying on family."
                    .into(),
                why: "From the live session “Spring co-production day”: the group “Getting about” \
                      was backed by people who use services, carers and staff alike."
                    .into(),
                review_id: None,
                status: "proposed".into(),
                dropped_reason: String::new(),
            },
            day + DAY,
        )
        .await?;

    // This week's board meeting: open, for a newcomer to join.
    let open = store
        .create_live_session(&NewLiveSession {
            organisation_id: org.id,
            code: DEMO_OPEN_CODE,
            title: "Board meeting: travel and transport",
            question: "What helps, or gets in the way, when you travel around town?",
            statements: &statements,
            vote_budget: 3,
            retention_days: 90,
            card_kinds: "",
            created_by: facilitator.person_id,
            now: now - DAY,
        })
        .await?;
    store.set_live_state(open, "draft", "open", now).await?;
    fill(
        store,
        open,
        &["person", "staff", "carer", "person"],
        &OPEN_CARDS,
        &["Making journeys easier"],
        now,
    )
    .await?;
    Ok(())
}
