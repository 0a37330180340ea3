//! Live co-production sessions: the cards people write in the room, their kinds, the
//! perspectives they speak from, join codes, and "agreement across perspectives" (decision
//! 0034).
//!
//! The rule that matters most is [`agreement`]: a card or group rises when every perspective
//! in the room backs it, not when one side backs it loudly. It ranks by the *lowest* share of
//! any perspective's participants who put a dot on it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::review::MIN_PEOPLE_APART;
use crate::validation::{FieldErrors, Lines, char_len, check_characters};

/// The longest card: a sticky note, read aloud in the room.
pub const MAX_CARD_CHARS: usize = 200;
/// The longest first name a participant gives.
pub const MAX_NAME_CHARS: usize = 40;
pub const MAX_TITLE_CHARS: usize = 120;
pub const MAX_QUESTION_CHARS: usize = 300;
pub const MAX_GROUP_NAME_CHARS: usize = 80;
pub const MAX_HIDE_REASON_CHARS: usize = 200;
/// Dots each participant may place, unless the facilitator sets another number.
pub const DEFAULT_VOTE_BUDGET: i64 = 3;
/// Letters and digits a join code is made of: none that look alike when read aloud or written
/// by hand (no 0/O, 1/I/L), so people can type it from a projector or a phone call.
pub const JOIN_CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/// Six characters from 31: 887 million codes; with join attempts rate-limited, guessing an
/// open session's code takes years.
pub const JOIN_CODE_LEN: usize = 6;

/// Where a session is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SessionState {
    /// Being prepared by the facilitator; nobody can join yet.
    Draft,
    /// People can join, write cards and vote.
    Open,
    /// Nothing more can be added; the record can be read and turned into priorities.
    Closed,
    /// Kept for the group's history only.
    Archived,
}

impl SessionState {
    pub fn key(self) -> &'static str {
        match self {
            SessionState::Draft => "draft",
            SessionState::Open => "open",
            SessionState::Closed => "closed",
            SessionState::Archived => "archived",
        }
    }

    pub fn parse(s: &str) -> Option<SessionState> {
        [
            SessionState::Draft,
            SessionState::Open,
            SessionState::Closed,
            SessionState::Archived,
        ]
        .into_iter()
        .find(|state| state.key() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            SessionState::Draft => "Being prepared",
            SessionState::Open => "Open: people can join",
            SessionState::Closed => "Closed",
            SessionState::Archived => "Archived",
        }
    }

    /// The states a facilitator may move the session to from here (forward only: a closed
    /// session is a record of what a room said, and is not reopened).
    pub fn may_become(self, next: SessionState) -> bool {
        matches!(
            (self, next),
            (SessionState::Draft, SessionState::Open)
                | (SessionState::Open, SessionState::Closed)
                | (SessionState::Closed, SessionState::Archived)
        )
    }
}

/// The most kinds of card a session may have: more colours than this are hard to tell apart
/// across a room, and a phone shows each kind as a choice.
pub const MAX_CARD_KINDS: usize = 6;
pub const MAX_KIND_LABEL_CHARS: usize = 40;
pub const MAX_KIND_EASY_CHARS: usize = 60;

/// A card's colour, from a fixed set whose tints all keep dark text readable (never the only
/// cue: the label and picture say the same).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CardColour {
    Green,
    Pink,
    Yellow,
    Blue,
    Orange,
    Purple,
}

impl CardColour {
    pub const ALL: [CardColour; 6] = [
        CardColour::Green,
        CardColour::Pink,
        CardColour::Yellow,
        CardColour::Blue,
        CardColour::Orange,
        CardColour::Purple,
    ];

    /// The colour as people in the room name it (also its CSS class).
    pub fn key(self) -> &'static str {
        match self {
            CardColour::Green => "green",
            CardColour::Pink => "pink",
            CardColour::Yellow => "yellow",
            CardColour::Blue => "blue",
            CardColour::Orange => "orange",
            CardColour::Purple => "purple",
        }
    }

    pub fn parse(s: &str) -> Option<CardColour> {
        CardColour::ALL.into_iter().find(|c| c.key() == s)
    }
}

/// A card's picture, from the pictures the platform ships.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CardPicture {
    Tick,
    Arrows,
    Bulb,
    Question,
    Heart,
    Star,
}

impl CardPicture {
    pub const ALL: [CardPicture; 6] = [
        CardPicture::Tick,
        CardPicture::Arrows,
        CardPicture::Bulb,
        CardPicture::Question,
        CardPicture::Heart,
        CardPicture::Star,
    ];

    pub fn key(self) -> &'static str {
        match self {
            CardPicture::Tick => "tick",
            CardPicture::Arrows => "arrows",
            CardPicture::Bulb => "bulb",
            CardPicture::Question => "question",
            CardPicture::Heart => "heart",
            CardPicture::Star => "star",
        }
    }

    pub fn parse(s: &str) -> Option<CardPicture> {
        CardPicture::ALL.into_iter().find(|p| p.key() == s)
    }

    /// What the picture shows, for the facilitator choosing one.
    pub fn label(self) -> &'static str {
        match self {
            CardPicture::Tick => "A tick",
            CardPicture::Arrows => "Two arrows going round",
            CardPicture::Bulb => "A light bulb",
            CardPicture::Question => "A question mark",
            CardPicture::Heart => "A heart",
            CardPicture::Star => "A star",
        }
    }

    /// The picture file (in the web crate's assets).
    pub fn file(self) -> &'static str {
        match self {
            CardPicture::Tick => "card-working-well.svg",
            CardPicture::Arrows => "card-needs-to-change.svg",
            CardPicture::Bulb => "card-idea.svg",
            CardPicture::Question => "card-question.svg",
            CardPicture::Heart => "card-heart.svg",
            CardPicture::Star => "card-star.svg",
        }
    }
}

/// What a kind of card's words become when a session's cards go into a review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InReview {
    /// What is working well.
    WorkingWell,
    /// What should change.
    ShouldChange,
    /// Not put into a review (questions, thanks).
    Left,
}

impl InReview {
    pub const ALL: [InReview; 3] = [
        InReview::WorkingWell,
        InReview::ShouldChange,
        InReview::Left,
    ];

    pub fn key(self) -> &'static str {
        match self {
            InReview::WorkingWell => "working-well",
            InReview::ShouldChange => "should-change",
            InReview::Left => "left",
        }
    }

    pub fn parse(s: &str) -> Option<InReview> {
        InReview::ALL.into_iter().find(|m| m.key() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            InReview::WorkingWell => "What is working well",
            InReview::ShouldChange => "What should change",
            InReview::Left => "Not put into a review",
        }
    }
}

/// A kind of card in a session: what kind of thing a card says (decision 0035). A session has
/// its own kinds, set while it is being prepared; most use the three of [`CardKind::defaults`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardKind {
    /// Made from the label: how cards and the board's columns name the kind.
    pub key: String,
    pub label: String,
    /// The words beside the picture in Easy Read.
    pub easy_label: String,
    pub colour: CardColour,
    pub picture: CardPicture,
    pub in_review: InReview,
}

impl CardKind {
    /// The three kinds a session has unless its facilitator chooses others.
    pub fn defaults() -> Vec<CardKind> {
        let kind = |key: &str, label: &str, easy: &str, colour, picture, in_review| CardKind {
            key: key.to_owned(),
            label: label.to_owned(),
            easy_label: easy.to_owned(),
            colour,
            picture,
            in_review,
        };
        vec![
            kind(
                "working-well",
                "Working well",
                "This is good",
                CardColour::Green,
                CardPicture::Tick,
                InReview::WorkingWell,
            ),
            kind(
                "needs-to-change",
                "Needs to change",
                "This must change",
                CardColour::Pink,
                CardPicture::Arrows,
                InReview::ShouldChange,
            ),
            kind(
                "idea",
                "Idea",
                "I have an idea",
                CardColour::Yellow,
                CardPicture::Bulb,
                InReview::ShouldChange,
            ),
        ]
    }

    /// The words for the kind, in Easy Read or not.
    pub fn label_for(&self, easy: bool) -> &str {
        if easy { &self.easy_label } else { &self.label }
    }
}

/// One kind of card as the facilitator typed it (a row of the kinds form; a row with no label
/// and no Easy Read words is not used).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KindTyped {
    pub label: String,
    pub easy_label: String,
    pub colour: String,
    pub picture: String,
    pub in_review: String,
}

impl KindTyped {
    pub fn from_kind(kind: &CardKind) -> KindTyped {
        KindTyped {
            label: kind.label.clone(),
            easy_label: kind.easy_label.clone(),
            colour: kind.colour.key().to_owned(),
            picture: kind.picture.key().to_owned(),
            in_review: kind.in_review.key().to_owned(),
        }
    }

    fn is_empty(&self) -> bool {
        self.label.trim().is_empty() && self.easy_label.trim().is_empty()
    }
}

/// The field a row's part is typed in (`kind_label_1` …), so a problem is shown beside it.
pub fn kind_field(part: &str, row: usize) -> &'static str {
    const LABEL: [&str; MAX_CARD_KINDS] = [
        "kind_label_1",
        "kind_label_2",
        "kind_label_3",
        "kind_label_4",
        "kind_label_5",
        "kind_label_6",
    ];
    const EASY: [&str; MAX_CARD_KINDS] = [
        "kind_easy_1",
        "kind_easy_2",
        "kind_easy_3",
        "kind_easy_4",
        "kind_easy_5",
        "kind_easy_6",
    ];
    const COLOUR: [&str; MAX_CARD_KINDS] = [
        "kind_colour_1",
        "kind_colour_2",
        "kind_colour_3",
        "kind_colour_4",
        "kind_colour_5",
        "kind_colour_6",
    ];
    const PICTURE: [&str; MAX_CARD_KINDS] = [
        "kind_picture_1",
        "kind_picture_2",
        "kind_picture_3",
        "kind_picture_4",
        "kind_picture_5",
        "kind_picture_6",
    ];
    const IN_REVIEW: [&str; MAX_CARD_KINDS] = [
        "kind_review_1",
        "kind_review_2",
        "kind_review_3",
        "kind_review_4",
        "kind_review_5",
        "kind_review_6",
    ];
    let names = match part {
        "label" => &LABEL,
        "easy" => &EASY,
        "colour" => &COLOUR,
        "picture" => &PICTURE,
        _ => &IN_REVIEW,
    };
    names[row.min(MAX_CARD_KINDS - 1)]
}

/// Keys a kind may not have: the card form's radio ids are `kind-KEY`, beside its own
/// `kind-error` and `kind-hint`.
const RESERVED_KEYS: [&str; 2] = ["error", "hint"];

/// A kind's key from its label: lower-case letters and digits joined by dashes, or `kind-N`
/// when the label has none (a label in another alphabet).
fn key_of(label: &str, row: usize) -> String {
    let mut key = String::new();
    for word in label
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !key.is_empty() {
            key.push('-');
        }
        key.push_str(&word.to_ascii_lowercase());
    }
    if key.is_empty() || key.len() > 40 {
        format!("kind-{}", row + 1)
    } else {
        key
    }
}

/// A session's kinds of card as typed, checked: one to [`MAX_CARD_KINDS`] rows used, each
/// with a label and Easy Read words, a colour no other kind has, a picture and what it
/// becomes in a review. Problems are reported beside the row's field.
pub fn check_kinds(rows: &[KindTyped]) -> Result<Vec<CardKind>, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut kinds: Vec<CardKind> = Vec::new();
    let mut colours: Vec<CardColour> = Vec::new();
    if rows.len() > MAX_CARD_KINDS {
        errors.add(
            kind_field("label", 0),
            format!("A session can have at most {MAX_CARD_KINDS} kinds of card"),
        );
    }
    for (row, typed) in rows.iter().enumerate().take(MAX_CARD_KINDS) {
        if typed.is_empty() {
            continue;
        }
        let n = row + 1;
        let (label, easy) = (typed.label.trim(), typed.easy_label.trim());
        check_text(
            &mut errors,
            kind_field("label", row),
            label,
            MAX_KIND_LABEL_CHARS,
            &format!("Enter the name of kind {n}, or leave both its names empty"),
            Lines::One,
        );
        check_text(
            &mut errors,
            kind_field("easy", row),
            easy,
            MAX_KIND_EASY_CHARS,
            &format!("Enter kind {n}'s words in Easy Read, for people who read Easy Read"),
            Lines::One,
        );
        let colour = CardColour::parse(&typed.colour);
        match colour {
            None => errors.add(kind_field("colour", row), format!("Choose a colour for kind {n}")),
            Some(c) if colours.contains(&c) => errors.add(
                kind_field("colour", row),
                format!(
                    "Another kind is {}: choose a different colour for kind {n}, so people can tell the cards apart",
                    c.key()
                ),
            ),
            Some(c) => colours.push(c),
        }
        let picture = CardPicture::parse(&typed.picture);
        if picture.is_none() {
            errors.add(
                kind_field("picture", row),
                format!("Choose a picture for kind {n}"),
            );
        }
        let in_review = InReview::parse(&typed.in_review);
        if in_review.is_none() {
            errors.add(
                kind_field("review", row),
                format!("Choose what kind {n}'s cards become in a review"),
            );
        }
        if !label.is_empty()
            && kinds
                .iter()
                .any(|k| k.label.to_lowercase() == label.to_lowercase())
        {
            errors.add(
                kind_field("label", row),
                format!("Another kind is called {label}: give kind {n} a different name"),
            );
        }
        // A key no other kind has, and not one of the form's own words ("kind-error" is
        // the id of the card form's error message).
        let mut key = key_of(label, row);
        let mut tries = n;
        while RESERVED_KEYS.contains(&key.as_str()) || kinds.iter().any(|k| k.key == key) {
            key = format!("kind-{tries}");
            tries += 1;
        }
        kinds.push(CardKind {
            key,
            label: label.to_owned(),
            easy_label: easy.to_owned(),
            colour: colour.unwrap_or(CardColour::Green),
            picture: picture.unwrap_or(CardPicture::Tick),
            in_review: in_review.unwrap_or(InReview::Left),
        });
    }
    if kinds.is_empty() && errors.is_empty() {
        errors.add(
            kind_field("label", 0),
            "Enter at least one kind of card: a name and its words in Easy Read",
        );
    }
    errors.into_result(|| kinds)
}

/// Where a participant speaks from. Chosen by the participant; never checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Perspective {
    Person,
    Carer,
    Staff,
    Other,
}

impl Perspective {
    pub const ALL: [Perspective; 4] = [
        Perspective::Person,
        Perspective::Carer,
        Perspective::Staff,
        Perspective::Other,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Perspective::Person => "person",
            Perspective::Carer => "carer",
            Perspective::Staff => "staff",
            Perspective::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Perspective> {
        Perspective::ALL.into_iter().find(|p| p.key() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Perspective::Person => "A person who uses services",
            Perspective::Carer => "A carer or family member",
            Perspective::Staff => "Staff",
            Perspective::Other => "Someone else",
        }
    }

    /// The label of a line of figures (plural).
    pub fn plural(self) -> &'static str {
        match self {
            Perspective::Person => "People who use services",
            Perspective::Carer => "Carers and families",
            Perspective::Staff => "Staff",
            Perspective::Other => "Others",
        }
    }

    pub fn easy_label(self) -> &'static str {
        match self {
            Perspective::Person => "I use care and support",
            Perspective::Carer => "I am a carer or family",
            Perspective::Staff => "I work for a service",
            Perspective::Other => "Something else",
        }
    }
}

/// A join code as typed (any case, with spaces or a dash) in its stored form, or `None` if it
/// cannot be a code.
pub fn normalise_code(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.len() == JOIN_CODE_LEN && code.bytes().all(|b| JOIN_CODE_ALPHABET.contains(&b)))
        .then_some(code)
}

/// A code as shown and read aloud: two groups of three (`ABC DEF`).
pub fn show_code(code: &str) -> String {
    if code.len() == JOIN_CODE_LEN && code.is_ascii() {
        format!("{} {}", &code[..3], &code[3..])
    } else {
        code.to_owned()
    }
}

fn check_text(
    errors: &mut FieldErrors,
    field: &'static str,
    text: &str,
    max: usize,
    empty: &str,
    lines: Lines,
) {
    if text.is_empty() {
        errors.add(field, empty);
    } else if char_len(text) > max {
        errors.add(
            field,
            format!(
                "Use {max} characters or fewer (you have {})",
                char_len(text)
            ),
        );
    } else {
        check_characters(errors, field, text, lines);
    }
}

/// A session's title and question as typed, trimmed, or the problems with them.
pub fn check_session(title: &str, question: &str) -> Result<(String, String), FieldErrors> {
    let (title, question) = (title.trim(), question.trim());
    let mut errors = FieldErrors::new();
    check_text(
        &mut errors,
        "title",
        title,
        MAX_TITLE_CHARS,
        "Enter a title for the session",
        Lines::One,
    );
    check_text(
        &mut errors,
        "question",
        question,
        MAX_QUESTION_CHARS,
        "Enter the question people will answer on their cards",
        Lines::Many,
    );
    errors.into_result(|| (title.to_owned(), question.to_owned()))
}

/// A card's words as typed, trimmed, or the problem with them.
pub fn check_card(text: &str) -> Result<String, FieldErrors> {
    let text = text.trim();
    let mut errors = FieldErrors::new();
    check_text(
        &mut errors,
        "text",
        text,
        MAX_CARD_CHARS,
        "Write something on your card",
        Lines::Many,
    );
    errors.into_result(|| text.to_owned())
}

/// A first name (or nothing, to stay anonymous), trimmed, or the problem with it.
pub fn check_name(name: &str) -> Result<String, FieldErrors> {
    let name = name.trim();
    let mut errors = FieldErrors::new();
    if char_len(name) > MAX_NAME_CHARS {
        errors.add(
            "name",
            format!("Use {MAX_NAME_CHARS} characters or fewer, or leave it empty"),
        );
    } else if !name.is_empty() {
        check_characters(&mut errors, "name", name, Lines::One);
    }
    errors.into_result(|| name.to_owned())
}

/// A short text a facilitator types (a group's name, a reason for hiding a card).
pub fn check_short(
    field: &'static str,
    text: &str,
    max: usize,
    empty: &str,
) -> Result<String, FieldErrors> {
    let text = text.trim();
    let mut errors = FieldErrors::new();
    check_text(&mut errors, field, text, max, empty, Lines::One);
    errors.into_result(|| text.to_owned())
}

/// A line of the agreement figures: one perspective, or several small ones counted together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Line {
    Apart(Perspective),
    Together,
}

impl Line {
    pub fn label(self) -> &'static str {
        match self {
            Line::Apart(p) => p.plural(),
            Line::Together => "Several perspectives together",
        }
    }
}

/// Which lines a session's figures may show, so that nobody's dots can be picked out: a
/// perspective with fewer than `k` participants is pooled with the other small ones; if the
/// pool is still under `k`, the smallest perspective shown apart joins it (so no line can be
/// worked out by subtraction), until the pool reaches `k` or everything is pooled. The same
/// rule as a review's summary (`review::group_perspectives`).
pub fn lines(participants: &BTreeMap<Perspective, i64>, k: i64) -> BTreeMap<Perspective, Line> {
    let k = k.max(MIN_PEOPLE_APART);
    let count = |p: &Perspective| participants.get(p).copied().unwrap_or(0);
    let present: Vec<Perspective> = Perspective::ALL
        .into_iter()
        .filter(|p| count(p) > 0)
        .collect();
    let (mut apart, mut pooled): (Vec<Perspective>, Vec<Perspective>) =
        present.iter().partition(|p| count(p) >= k);
    apart.sort_by_key(|p| (count(p), *p));
    while !pooled.is_empty() && pooled.iter().map(count).sum::<i64>() < k && !apart.is_empty() {
        pooled.push(apart.remove(0));
    }
    let pool_shown = pooled.iter().map(count).sum::<i64>() >= k;
    let mut lines = BTreeMap::new();
    for p in apart {
        lines.insert(p, Line::Apart(p));
    }
    if pool_shown {
        for p in pooled {
            lines.insert(p, Line::Together);
        }
    }
    lines
}

/// One card's or group's support.
#[derive(Debug, Clone, PartialEq)]
pub struct Support<T> {
    pub target: T,
    /// Every dot on it.
    pub dots: i64,
    /// For each line shown: how many of its participants put a dot on it, of how many.
    pub by_line: Vec<(Line, i64, i64)>,
    /// The lowest share (0–100) across the lines shown; `None` when the room is too small to
    /// show any line, or only one line is shown (there is nothing to agree *across*).
    pub lowest_share: Option<u32>,
}

/// Whole-number percentage, rounded down (so 2 of 3 never shows as a clean majority of 67
/// when the figure is used to rank; rounding the same way for every line keeps the order).
pub fn share(of: i64, out_of: i64) -> u32 {
    if out_of <= 0 {
        0
    } else {
        u32::try_from((of.clamp(0, out_of) * 100) / out_of).unwrap_or(0)
    }
}

/// Agreement across perspectives. `participants` is each participant's perspective; `dots`
/// is (target, participant) for every dot placed; `k` the group's anonymity threshold. The
/// answer holds every target with a dot, ranked by the lowest share across the lines shown
/// (what every side backs first), then by dots, then by target.
pub fn agreement<T: Ord + Copy>(
    participants: &BTreeMap<i64, Perspective>,
    dots: &[(T, i64)],
    k: i64,
) -> Vec<Support<T>> {
    let mut per_perspective: BTreeMap<Perspective, i64> = BTreeMap::new();
    for p in participants.values() {
        *per_perspective.entry(*p).or_default() += 1;
    }
    let lines = lines(&per_perspective, k);
    let mut line_sizes: BTreeMap<Line, i64> = BTreeMap::new();
    for (p, line) in &lines {
        *line_sizes.entry(*line).or_default() += per_perspective.get(p).copied().unwrap_or(0);
    }
    // Per target: every dot, and the participants (each counted once) behind it.
    let mut by_target: BTreeMap<T, (i64, std::collections::BTreeSet<i64>)> = BTreeMap::new();
    for (target, participant) in dots {
        let entry = by_target.entry(*target).or_default();
        entry.0 += 1;
        entry.1.insert(*participant);
    }
    let mut supports: Vec<Support<T>> = by_target
        .into_iter()
        .map(|(target, (dots, voters))| {
            let mut backers: BTreeMap<Line, i64> = BTreeMap::new();
            for voter in &voters {
                if let Some(line) = participants.get(voter).and_then(|p| lines.get(p)) {
                    *backers.entry(*line).or_default() += 1;
                }
            }
            let by_line: Vec<(Line, i64, i64)> = line_sizes
                .iter()
                .map(|(line, size)| (*line, backers.get(line).copied().unwrap_or(0), *size))
                .collect();
            let lowest_share = (by_line.len() >= 2)
                .then(|| by_line.iter().map(|(_, of, n)| share(*of, *n)).min())
                .flatten();
            Support {
                target,
                dots,
                by_line,
                lowest_share,
            }
        })
        .collect();
    supports.sort_by(|a, b| {
        b.lowest_share
            .cmp(&a.lowest_share)
            .then(b.dots.cmp(&a.dots))
            .then(a.target.cmp(&b.target))
    });
    supports
}

#[cfg(test)]
mod tests {
    use super::*;

    fn room(people: &[(i64, Perspective)]) -> BTreeMap<i64, Perspective> {
        people.iter().copied().collect()
    }

    #[test]
    fn codes_are_read_aloud_easily_and_typed_any_way() {
        assert_eq!(normalise_code("abc-def").as_deref(), Some("ABCDEF"));
        assert_eq!(normalise_code(" ab c d e f ").as_deref(), Some("ABCDEF"));
        assert_eq!(show_code("ABCDEF"), "ABC DEF");
        // Letters that look like digits are never in a code, so they are refused, not guessed.
        assert_eq!(normalise_code("ABCDE0"), None);
        assert_eq!(normalise_code("ABCDEO"), None);
        assert_eq!(normalise_code("ABCDE1"), None);
        assert_eq!(normalise_code("ABCDEI"), None);
        assert_eq!(normalise_code("ABCDEL"), None);
        assert_eq!(normalise_code("ABCDE"), None);
        assert_eq!(normalise_code("ABCDEFG"), None);
        assert_eq!(normalise_code("ABCDÉF"), None);
        for confusable in b"0O1IL" {
            assert!(!JOIN_CODE_ALPHABET.contains(confusable));
        }
    }

    #[test]
    fn sessions_only_move_forward() {
        use SessionState::*;
        assert!(Draft.may_become(Open));
        assert!(Open.may_become(Closed));
        assert!(Closed.may_become(Archived));
        assert!(!Closed.may_become(Open));
        assert!(!Draft.may_become(Closed));
        assert!(!Open.may_become(Draft));
        for s in [Draft, Open, Closed, Archived] {
            assert_eq!(SessionState::parse(s.key()), Some(s));
        }
    }

    #[test]
    fn cards_and_names_are_checked_with_a_reason() {
        assert_eq!(
            check_card("  Buses on time  ").expect("fine"),
            "Buses on time"
        );
        let empty = check_card("   ").expect_err("empty");
        assert_eq!(
            empty.for_field("text"),
            Some("Write something on your card")
        );
        let long = check_card(&"a".repeat(MAX_CARD_CHARS + 1)).expect_err("long");
        assert_eq!(
            long.for_field("text"),
            Some("Use 200 characters or fewer (you have 201)")
        );
        assert_eq!(check_name("").expect("anonymous"), "");
        assert!(check_name(&"a".repeat(41)).is_err());
        assert!(check_name("Sam\nSmith").is_err());
        assert!(
            check_session("", "")
                .expect_err("both")
                .for_field("question")
                .is_some()
        );
    }

    #[test]
    fn what_every_side_backs_ranks_above_what_one_side_backs_loudly() {
        // Four people who use services, four staff.
        let people = room(&[
            (1, Perspective::Person),
            (2, Perspective::Person),
            (3, Perspective::Person),
            (4, Perspective::Person),
            (5, Perspective::Staff),
            (6, Perspective::Staff),
            (7, Perspective::Staff),
            (8, Perspective::Staff),
        ]);
        // Card 10: every member of staff and nobody else (4 dots). Card 20: two of each
        // (4 dots). Card 30: one of each (2 dots).
        let dots = [
            (10, 5),
            (10, 6),
            (10, 7),
            (10, 8),
            (20, 1),
            (20, 2),
            (20, 5),
            (20, 6),
            (30, 3),
            (30, 7),
        ];
        let ranked = agreement(&people, &dots, 3);
        let order: Vec<i32> = ranked.iter().map(|s| s.target).collect();
        assert_eq!(order, vec![20, 30, 10]);
        assert_eq!(ranked[0].lowest_share, Some(50));
        assert_eq!(ranked[2].lowest_share, Some(0));
        assert_eq!(ranked[2].dots, 4);
        assert_eq!(
            ranked[0].by_line,
            vec![
                (Line::Apart(Perspective::Person), 2, 4),
                (Line::Apart(Perspective::Staff), 2, 4)
            ]
        );
    }

    #[test]
    fn small_perspectives_are_pooled_so_no_one_s_dots_show() {
        // One carer and one "other" would show their own dots as 0 % or 100 %.
        let people = room(&[
            (1, Perspective::Person),
            (2, Perspective::Person),
            (3, Perspective::Person),
            (4, Perspective::Carer),
            (5, Perspective::Other),
            (6, Perspective::Staff),
            (7, Perspective::Staff),
            (8, Perspective::Staff),
        ]);
        let ranked = agreement(&people, &[(1, 4), (1, 1)], 3);
        let lines: Vec<Line> = ranked[0].by_line.iter().map(|(l, _, _)| *l).collect();
        // Carer (1) and other (1) are under 3, so the smallest apart (Person or Staff, 3
        // each; Person sorts first) joins them.
        assert!(!lines.contains(&Line::Apart(Perspective::Carer)));
        assert!(!lines.contains(&Line::Apart(Perspective::Other)));
        assert!(lines.contains(&Line::Together));
        let together = ranked[0]
            .by_line
            .iter()
            .find(|(l, _, _)| *l == Line::Together)
            .expect("pooled line");
        assert_eq!(
            together.2, 5,
            "carer, other and three people who use services"
        );
        // Too few people in all: no line at all, only the dots.
        let tiny = room(&[(1, Perspective::Person), (2, Perspective::Staff)]);
        let ranked = agreement(&tiny, &[(1, 1), (1, 2)], 3);
        assert!(ranked[0].by_line.is_empty());
        assert_eq!(ranked[0].lowest_share, None);
        assert_eq!(ranked[0].dots, 2);
    }

    #[test]
    fn a_higher_threshold_is_respected_and_a_lower_one_is_not() {
        let people = room(&[
            (1, Perspective::Person),
            (2, Perspective::Person),
            (3, Perspective::Staff),
            (4, Perspective::Staff),
        ]);
        // k = 1 is raised to the minimum 3: two of each are pooled into one line.
        let ranked = agreement(&people, &[(1, 1)], 1);
        assert_eq!(ranked[0].by_line, vec![(Line::Together, 1, 4)]);
        assert_eq!(
            ranked[0].lowest_share, None,
            "one line: nothing to agree across"
        );
    }

    fn typed(label: &str, easy: &str, colour: &str, picture: &str, in_review: &str) -> KindTyped {
        KindTyped {
            label: label.into(),
            easy_label: easy.into(),
            colour: colour.into(),
            picture: picture.into(),
            in_review: in_review.into(),
        }
    }

    #[test]
    fn the_default_kinds_read_back_as_typed() {
        let rows: Vec<KindTyped> = CardKind::defaults()
            .iter()
            .map(KindTyped::from_kind)
            .collect();
        assert_eq!(check_kinds(&rows), Ok(CardKind::defaults()));
    }

    #[test]
    fn a_session_may_choose_its_own_kinds() {
        let kinds = check_kinds(&[
            typed(" A question ", "I want to ask", "blue", "question", "left"),
            typed("", "", "", "", ""),
            typed("Thank you!", "Thank you", "purple", "heart", "working-well"),
        ])
        .expect("two kinds");
        assert_eq!(kinds.len(), 2, "an empty row is not a kind");
        assert_eq!(kinds[0].key, "a-question");
        assert_eq!(kinds[0].label, "A question");
        assert_eq!(kinds[0].colour, CardColour::Blue);
        assert_eq!(kinds[0].in_review, InReview::Left);
        assert_eq!(kinds[1].key, "thank-you");
        assert_eq!(kinds[1].picture, CardPicture::Heart);
    }

    #[test]
    fn every_kind_has_a_key_of_its_own() {
        let kinds = check_kinds(&[
            typed("kind 3", "K", "pink", "tick", "left"),
            typed("سؤال", "Q", "blue", "question", "left"),
            typed("Kind 3!", "K3", "green", "star", "left"),
            typed("Error", "E", "yellow", "star", "left"),
        ])
        .expect("four kinds");
        let keys: Vec<&str> = kinds.iter().map(|k| k.key.as_str()).collect();
        assert_eq!(keys[0], "kind-3");
        let mut unique = keys.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), 4, "{keys:?}");
        assert!(!keys.contains(&"error"), "{keys:?}");
    }

    #[test]
    fn a_label_with_no_latin_letters_gets_a_numbered_key() {
        let kinds =
            check_kinds(&[typed("سؤال", "سؤال", "blue", "question", "left")]).expect("one kind");
        assert_eq!(kinds[0].key, "kind-1");
    }

    #[test]
    fn kinds_need_words_distinct_colours_and_names() {
        let errors = check_kinds(&[
            typed("Good", "", "green", "tick", "working-well"),
            typed("good", "Also good", "green", "star", "working-well"),
            typed("Odd", "Odd", "grey", "cat", "maybe"),
        ])
        .expect_err("three mistakes");
        assert!(
            errors.for_field("kind_easy_1").is_some(),
            "Easy Read words are required"
        );
        let colour = errors
            .for_field("kind_colour_2")
            .expect("a colour used twice");
        assert!(colour.contains("green"), "{colour}");
        assert!(
            errors.for_field("kind_label_2").is_some(),
            "a name used twice"
        );
        assert!(errors.for_field("kind_colour_3").is_some());
        assert!(errors.for_field("kind_picture_3").is_some());
        assert!(errors.for_field("kind_review_3").is_some());
        assert!(errors.for_field("kind_label_1").is_none());
    }

    #[test]
    fn a_session_needs_one_kind_and_at_most_six() {
        let none = check_kinds(&[typed("", "  ", "green", "tick", "left")]).expect_err("none");
        assert!(none.for_field("kind_label_1").is_some());
        let row = typed("K", "K", "green", "tick", "left");
        let seven = check_kinds(&vec![row; 7]).expect_err("seven");
        assert!(seven.for_field("kind_label_1").is_some());
    }
}
