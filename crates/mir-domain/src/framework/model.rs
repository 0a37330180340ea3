use std::fmt;

/// One version of a statement framework, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Framework {
    pub meta: FrameworkMeta,
    /// Ordered from the first level to the last.
    pub scale: Vec<ScaleLevel>,
    /// In display order.
    pub themes: Vec<Theme>,
    /// In the order of the file.
    pub statements: Vec<Statement>,
    /// Other frameworks' items this one's statements map to (cross-references), in the
    /// publisher's words: what an evidence pack is organised by.
    pub crosswalks: Vec<Crosswalk>,
    /// How this version's statements follow on from an earlier version's, for organisations
    /// moving to it (decision 0040).
    pub mapping: Option<VersionMapping>,
}

/// Where each statement of an earlier version went in this one. As written in a file, only
/// the statements that did not simply keep their code are listed; once imported, every
/// statement of the earlier version is (see `mir_app::frameworks`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionMapping {
    pub from_version: String,
    pub moves: Vec<StatementMove>,
}

/// One earlier statement and the statements of this version it became: one (the same idea),
/// several (split), or none (retired). Several earlier statements may become one (merged).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementMove {
    pub from: String,
    pub to: Vec<String>,
}

impl VersionMapping {
    /// The earlier statements that became `code`.
    pub fn earlier_codes<'a>(&'a self, code: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.moves
            .iter()
            .filter(move |m| m.to.iter().any(|t| t == code))
            .map(|m| m.from.as_str())
    }

    /// What an earlier statement became (`None` when the mapping does not list it).
    pub fn became(&self, from: &str) -> Option<&[String]> {
        self.moves
            .iter()
            .find(|m| m.from == from)
            .map(|m| m.to.as_slice())
    }
}

/// Another framework's items (for example a regulator's quality statements), as the framework
/// file describes them; statements point at them with `cross_refs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crosswalk {
    /// The key statements' cross-references use (`framework = "…"`).
    pub framework: String,
    pub title: String,
    /// Who publishes the other framework, and where its own words are.
    pub publisher: String,
    pub items: Vec<CrosswalkItem>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrosswalkItem {
    pub id: String,
    pub title: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameworkMeta {
    /// Stable name in URLs, shared by every version: lowercase letters, digits, hyphens.
    pub slug: String,
    pub title: String,
    pub version: String,
    pub publisher: String,
    pub licence: String,
    pub source_url: Option<String>,
    /// BCP 47 language tag, e.g. `en`.
    pub language: String,
    /// When this version was published, `YYYY-MM-DD`.
    pub date: String,
    /// A demonstration framework: every page that shows it says so.
    pub demonstration: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaleLevel {
    pub key: String,
    pub label: String,
    pub description: String,
    pub easy_label: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    pub code: String,
    pub order: i64,
    pub title: String,
    pub summary: String,
    pub easy_summary: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatementKind {
    /// In the voice of a person who uses services.
    I,
    /// What organisations commit to.
    We,
}

impl StatementKind {
    pub fn key(self) -> &'static str {
        match self {
            StatementKind::I => "I",
            StatementKind::We => "We",
        }
    }

    pub fn parse(s: &str) -> Option<StatementKind> {
        match s {
            "I" => Some(StatementKind::I),
            "We" => Some(StatementKind::We),
            _ => None,
        }
    }

    /// How the kind is described to people.
    pub fn label(self) -> &'static str {
        match self {
            StatementKind::I => "\"I\" statement",
            StatementKind::We => "\"We\" statement",
        }
    }
}

impl fmt::Display for StatementKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    /// A file name beside the framework file (no folders).
    pub file: String,
    pub alt: String,
}

/// A pointer to a statement in another framework, e.g. a CQC quality statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrossRef {
    pub framework: String,
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub code: String,
    pub theme: String,
    pub kind: StatementKind,
    pub text: String,
    pub easy_text: String,
    pub picture: Option<Picture>,
    /// Codes of the statements this one pairs with, as written in the file.
    pub pairs: Vec<String>,
    pub cross_refs: Vec<CrossRef>,
    /// Markers of progress: what would be in place if the statement were true.
    pub markers: Vec<Marker>,
}

/// A marker of progress for a statement, in the framework's words and in Easy Read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    pub text: String,
    pub easy_text: String,
}

/// A text of a draft framework that has no Easy Read yet (see [`Framework::easy_read_gaps`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EasyReadGap {
    /// Names the text, and the form field for it: `level-KEY`, `theme-CODE`,
    /// `statement-CODE` or `marker-CODE-N` (markers from 1).
    pub key: String,
    /// What it is, in words: "The Easy Read text of statement WB-I1".
    pub what: String,
    /// The words it is the Easy Read of.
    pub standard: String,
    /// The longest Easy Read text accepted, in characters.
    pub max_chars: usize,
}

impl Framework {
    /// Every Easy Read text left empty, in file order: a draft imported without them lists
    /// here what the national team writes before publishing.
    pub fn easy_read_gaps(&self) -> Vec<EasyReadGap> {
        let mut gaps = Vec::new();
        let mut gap = |key: String, what: String, standard: &str, max_chars: usize| {
            gaps.push(EasyReadGap {
                key,
                what,
                standard: standard.to_owned(),
                max_chars,
            });
        };
        for l in self.scale.iter().filter(|l| l.easy_label.is_empty()) {
            gap(
                format!("level-{}", l.key),
                format!("The Easy Read label of the level \"{}\"", l.label),
                &l.label,
                200,
            );
        }
        for t in self.themes.iter().filter(|t| t.easy_summary.is_empty()) {
            gap(
                format!("theme-{}", t.code),
                format!("The Easy Read summary of the theme \"{}\"", t.title),
                &t.summary,
                1000,
            );
        }
        for s in &self.statements {
            if s.easy_text.is_empty() {
                gap(
                    format!("statement-{}", s.code),
                    format!("The Easy Read text of statement {}", s.code),
                    &s.text,
                    1000,
                );
            }
            for (i, m) in s.markers.iter().enumerate() {
                if m.easy_text.is_empty() {
                    gap(
                        format!("marker-{}-{}", s.code, i + 1),
                        format!(
                            "The Easy Read text of marker {} of statement {}",
                            i + 1,
                            s.code
                        ),
                        &m.text,
                        1000,
                    );
                }
            }
        }
        gaps
    }

    /// Writes the Easy Read text named by a gap's `key`; `false` if no text has that key.
    pub fn set_easy_read(&mut self, key: &str, text: &str) -> bool {
        let text = text.to_owned();
        if let Some(level) = key.strip_prefix("level-")
            && let Some(l) = self.scale.iter_mut().find(|l| l.key == level)
        {
            l.easy_label = text;
            return true;
        }
        if let Some(code) = key.strip_prefix("theme-")
            && let Some(t) = self.themes.iter_mut().find(|t| t.code == code)
        {
            t.easy_summary = text;
            return true;
        }
        if let Some(code) = key.strip_prefix("statement-")
            && let Some(s) = self.statements.iter_mut().find(|s| s.code == code)
        {
            s.easy_text = text;
            return true;
        }
        if let Some(rest) = key.strip_prefix("marker-")
            && let Some((code, number)) = rest.rsplit_once('-')
            && let Ok(number) = number.parse::<usize>()
            && let Some(s) = self.statements.iter_mut().find(|s| s.code == code)
            && let Some(m) = number.checked_sub(1).and_then(|i| s.markers.get_mut(i))
        {
            m.easy_text = text;
            return true;
        }
        false
    }

    pub fn crosswalk(&self, framework: &str) -> Option<&Crosswalk> {
        self.crosswalks.iter().find(|c| c.framework == framework)
    }

    /// The statements that cross-refer to one item of another framework, in file order.
    pub fn statements_for_item<'a>(
        &'a self,
        framework: &'a str,
        id: &'a str,
    ) -> impl Iterator<Item = &'a Statement> + 'a {
        self.statements.iter().filter(move |s| {
            s.cross_refs
                .iter()
                .any(|r| r.framework == framework && r.id == id)
        })
    }

    /// Each picture file its statements name, once, in name order.
    pub fn picture_files(&self) -> std::collections::BTreeSet<&str> {
        self.statements
            .iter()
            .filter_map(|s| s.picture.as_ref().map(|p| p.file.as_str()))
            .collect()
    }

    pub fn theme(&self, code: &str) -> Option<&Theme> {
        self.themes.iter().find(|t| t.code == code)
    }

    pub fn statement(&self, code: &str) -> Option<&Statement> {
        self.statements.iter().find(|s| s.code == code)
    }

    pub fn statements_in<'a>(&'a self, theme: &'a str) -> impl Iterator<Item = &'a Statement> + 'a {
        self.statements.iter().filter(move |s| s.theme == theme)
    }

    /// Statements paired with `code`, in either direction, each once, in file order.
    pub fn paired_with(&self, code: &str) -> Vec<&Statement> {
        let declared: Vec<&str> = self
            .statement(code)
            .map(|s| s.pairs.iter().map(String::as_str).collect())
            .unwrap_or_default();
        self.statements
            .iter()
            .filter(|s| s.code != code)
            .filter(|s| declared.contains(&s.code.as_str()) || s.pairs.iter().any(|p| p == code))
            .collect()
    }

    /// The number of distinct pairs (an I statement with a We statement).
    pub fn pair_count(&self) -> usize {
        let mut pairs: Vec<(&str, &str)> = self
            .statements
            .iter()
            .flat_map(|s| {
                s.pairs.iter().map(move |p| {
                    if s.code.as_str() < p.as_str() {
                        (s.code.as_str(), p.as_str())
                    } else {
                        (p.as_str(), s.code.as_str())
                    }
                })
            })
            .collect();
        pairs.sort_unstable();
        pairs.dedup();
        pairs.len()
    }
}
