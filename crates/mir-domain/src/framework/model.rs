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

impl Framework {
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
