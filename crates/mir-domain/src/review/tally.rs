//! The arithmetic of a review's summary, kept apart from storage: who counts, how many people
//! each perspective has, which views and words a statement shows and in which line, and when
//! anonymous words must be blended so that nobody's stand out. The use-case reads the rows and
//! calls these; nothing here does I/O.

use super::{CountedView, Grouping, NOT_SURE, Perspective};

/// A member's view on one statement, as the summary needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberView {
    pub person_id: i64,
    pub perspective: Perspective,
    pub statement_code: String,
    /// A scale key, [`NOT_SURE`], or empty when no level was chosen.
    pub level: String,
    pub working: String,
    pub to_change: String,
    /// The member's email address, or `None` when they chose to be anonymous in this review.
    pub who: Option<String>,
}

impl MemberView {
    fn wrote(&self) -> bool {
        !(self.working.is_empty() && self.to_change.is_empty())
    }
}

/// Views typed in from a workshop: `people` people of one perspective at one level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkshopCount {
    pub session_label: String,
    pub perspective: Perspective,
    pub statement_code: String,
    /// A scale key, [`NOT_SURE`], or empty when no level was chosen.
    pub level: String,
    pub people: i64,
    pub working: String,
    pub to_change: String,
}

/// Words someone wrote, with whose they are as far as others may know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Words {
    pub perspective: Perspective,
    /// An email address, or `None` when anonymous or from a workshop.
    pub who: Option<String>,
    pub from_workshop: bool,
    pub working: String,
    pub to_change: String,
}

/// How many people gave views, by perspective.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Headcount {
    /// Everyone: each member once, and each workshop session once per perspective (its largest
    /// count on any statement). In perspective order.
    pub people: Vec<(Perspective, i64)>,
    /// Members only, for deciding which perspectives are shown on their own: a co-chair types
    /// in workshop figures and knows them, so they cannot hide a member (subtracting them
    /// would leave the member's view).
    pub members: Vec<(Perspective, i64)>,
}

fn add(to: &mut Vec<(Perspective, i64)>, perspective: Perspective, n: i64) {
    match to.iter_mut().find(|(q, _)| *q == perspective) {
        Some((_, total)) => *total += n,
        None => to.push((perspective, n)),
    }
}

/// Counts the people behind a review's views.
pub fn headcount(members: &[MemberView], workshop: &[WorkshopCount]) -> Headcount {
    let mut people = Vec::new();
    let mut counted: Vec<i64> = Vec::new();
    for m in members {
        if !counted.contains(&m.person_id) {
            counted.push(m.person_id);
            add(&mut people, m.perspective, 1);
        }
    }
    let by_members = Perspective::ALL
        .into_iter()
        .map(|p| {
            let mut seen: Vec<i64> = members
                .iter()
                .filter(|m| m.perspective == p)
                .map(|m| m.person_id)
                .collect();
            seen.sort_unstable();
            seen.dedup();
            (p, i64::try_from(seen.len()).unwrap_or(i64::MAX))
        })
        .collect();
    let mut sessions: Vec<((&str, Perspective), i64)> = Vec::new();
    for w in workshop {
        let key = (w.session_label.as_str(), w.perspective);
        let on_statement: i64 = workshop
            .iter()
            .filter(|x| {
                x.session_label == w.session_label
                    && x.perspective == w.perspective
                    && x.statement_code == w.statement_code
            })
            .map(|x| x.people)
            .sum();
        match sessions.iter_mut().find(|(k, _)| *k == key) {
            Some((_, n)) => *n = (*n).max(on_statement),
            None => sessions.push((key, on_statement)),
        }
    }
    for ((_, perspective), n) in sessions {
        add(&mut people, perspective, n);
    }
    people.sort_by_key(|(p, _)| *p);
    Headcount {
        people,
        members: by_members,
    }
}

/// What one statement shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementTally {
    /// The levels chosen, each in the line it is shown in.
    pub counted: Vec<CountedView>,
    pub words: Vec<Words>,
    /// The words are shown without names or perspectives, in an order that says nothing about
    /// who wrote them (too few people wrote anonymously for theirs to be hidden otherwise).
    pub blended: bool,
}

/// The levels and words shown for one statement under `grouping`. With too few people in all,
/// only named words are shown; otherwise every view goes in its line, and anonymous words are
/// blended unless at least `k` members wrote anonymously on this statement.
pub fn tally_statement(
    code: &str,
    members: &[MemberView],
    workshop: &[WorkshopCount],
    grouping: &Grouping,
) -> StatementTally {
    let level_of = |level: &str| (level != NOT_SURE).then(|| level.to_owned());
    let mut counted = Vec::new();
    let mut words = Vec::new();
    for m in members.iter().filter(|m| m.statement_code == code) {
        let named = m.who.is_some();
        if grouping.too_few && !named {
            continue;
        }
        let perspective = if grouping.too_few {
            m.perspective
        } else {
            grouping.line_of(m.perspective)
        };
        if !m.level.is_empty() && !grouping.too_few {
            counted.push(CountedView {
                perspective,
                level: level_of(&m.level),
                people: 1,
            });
        }
        if m.wrote() {
            words.push(Words {
                perspective,
                who: m.who.clone(),
                from_workshop: false,
                working: m.working.clone(),
                to_change: m.to_change.clone(),
            });
        }
    }
    if !grouping.too_few {
        for w in workshop.iter().filter(|w| w.statement_code == code) {
            let perspective = grouping.line_of(w.perspective);
            if !w.level.is_empty() {
                counted.push(CountedView {
                    perspective,
                    level: level_of(&w.level),
                    people: w.people,
                });
            }
            if !(w.working.is_empty() && w.to_change.is_empty()) {
                words.push(Words {
                    perspective,
                    who: None,
                    from_workshop: true,
                    working: w.working.clone(),
                    to_change: w.to_change.clone(),
                });
            }
        }
    }
    let anonymous_writers = members
        .iter()
        .filter(|m| m.statement_code == code && m.who.is_none() && m.wrote())
        .count();
    let blended =
        anonymous_writers > 0 && i64::try_from(anonymous_writers).unwrap_or(i64::MAX) < grouping.k;
    if blended {
        for w in &mut words {
            w.who = None;
            w.perspective = Perspective::Together;
            w.from_workshop = false;
        }
        words.sort_by(|a, b| (&a.working, &a.to_change).cmp(&(&b.working, &b.to_change)));
    }
    StatementTally {
        counted,
        words,
        blended,
    }
}

/// The people line as the summary shows it: by line, never a small perspective's own count;
/// empty when there are too few people in all.
pub fn people_line(people: &[(Perspective, i64)], grouping: &Grouping) -> Vec<(Perspective, i64)> {
    let mut line = Vec::new();
    if !grouping.too_few {
        for (p, n) in people {
            add(&mut line, grouping.line_of(*p), *n);
        }
        line.sort_by_key(|(p, _)| *p);
    }
    line
}

#[cfg(test)]
mod tests {
    use super::super::group_perspectives;
    use super::*;

    fn member(person_id: i64, perspective: Perspective, who: Option<&str>) -> MemberView {
        MemberView {
            person_id,
            perspective,
            statement_code: "S1".into(),
            level: "good".into(),
            working: format!("words of {person_id}"),
            to_change: String::new(),
            who: who.map(str::to_owned),
        }
    }

    #[test]
    fn a_workshop_session_counts_its_people_once_per_perspective() {
        let line = |statement: &str, people| WorkshopCount {
            session_label: "May".into(),
            perspective: Perspective::Carer,
            statement_code: statement.into(),
            level: "good".into(),
            people,
            working: String::new(),
            to_change: String::new(),
        };
        let members = [
            member(1, Perspective::Staff, Some("a@x")),
            member(1, Perspective::Staff, Some("a@x")),
        ];
        let count = headcount(&members, &[line("S1", 4), line("S2", 6), line("S1", 1)]);
        // Member 1 once; the session's largest statement count (S2: 6) once.
        assert_eq!(
            count.people,
            [(Perspective::Carer, 6), (Perspective::Staff, 1)]
        );
        assert!(count.members.contains(&(Perspective::Staff, 1)));
        assert!(count.members.contains(&(Perspective::Carer, 0)));
    }

    #[test]
    fn anonymous_words_are_blended_until_k_members_wrote_anonymously() {
        let members = [
            member(1, Perspective::Person, Some("a@x")),
            member(2, Perspective::Person, None),
            member(3, Perspective::Person, Some("c@x")),
            member(4, Perspective::Staff, Some("d@x")),
            member(5, Perspective::Staff, Some("e@x")),
            member(6, Perspective::Staff, Some("f@x")),
        ];
        let count = headcount(&members, &[]);
        let grouping = group_perspectives(&count.members, 3);
        let tally = tally_statement("S1", &members, &[], &grouping);
        assert!(tally.blended, "one anonymous writer among named ones");
        assert!(tally.words.iter().all(|w| w.who.is_none()));
        assert!(
            tally
                .words
                .iter()
                .all(|w| w.perspective == Perspective::Together)
        );
        assert_eq!(tally.counted.len(), 6);
        assert_eq!(
            people_line(&count.people, &grouping),
            [(Perspective::Person, 3), (Perspective::Staff, 3)]
        );
    }

    #[test]
    fn with_too_few_people_only_named_words_show_and_nothing_is_counted() {
        let mut quiet = member(2, Perspective::Carer, None);
        quiet.working.clear();
        let members = [member(1, Perspective::Carer, Some("a@x")), quiet];
        let grouping = group_perspectives(&headcount(&members, &[]).members, 3);
        assert!(grouping.too_few);
        let tally = tally_statement("S1", &members, &[], &grouping);
        assert!(tally.counted.is_empty());
        assert_eq!(tally.words.len(), 1);
        assert_eq!(tally.words[0].who.as_deref(), Some("a@x"));
        assert!(people_line(&[(Perspective::Carer, 2)], &grouping).is_empty());
    }
}
