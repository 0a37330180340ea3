//! The framework file format (TOML): parsing with every problem reported at once, each with its
//! line and column, and export back to the same format.
//!
//! Longer than most modules because it is one thing: the file format, read and written in one
//! place so that an export always imports again (the conformance suite checks the round trip).

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::model::{
    CrossRef, Crosswalk, CrosswalkItem, Framework, FrameworkMeta, Marker, Picture, ScaleLevel,
    Statement, StatementKind, StatementMove, Theme, VersionMapping,
};
use crate::validation::char_len;

/// One problem in a framework file, in plain words, with where it is (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

// ---- What the file holds, before validation. Every field is optional so that one missing
// ---- field does not hide the others: validation names each one.

#[derive(Deserialize)]
struct RawFile {
    framework: Option<Spanned<RawMeta>>,
    #[serde(default)]
    scale: Vec<Spanned<RawLevel>>,
    #[serde(default)]
    themes: Vec<Spanned<RawTheme>>,
    #[serde(default)]
    statements: Vec<Spanned<RawStatement>>,
    #[serde(default)]
    crosswalks: Vec<Spanned<RawCrosswalk>>,
    mapping: Option<Spanned<RawMapping>>,
}

#[derive(Deserialize)]
struct RawMapping {
    from_version: Text,
    #[serde(default)]
    statements: Vec<Spanned<RawMove>>,
}

#[derive(Deserialize)]
struct RawMove {
    from: Text,
    to: Option<Vec<Spanned<String>>>,
}

#[derive(Deserialize)]
struct RawCrosswalk {
    framework: Text,
    title: Text,
    publisher: Text,
    #[serde(default)]
    items: Vec<Spanned<RawCrosswalkItem>>,
}

#[derive(Deserialize)]
struct RawCrosswalkItem {
    id: Text,
    title: Text,
    text: Text,
}

type Text = Option<Spanned<String>>;

#[derive(Deserialize)]
struct RawMeta {
    slug: Text,
    title: Text,
    version: Text,
    publisher: Text,
    licence: Text,
    source_url: Text,
    language: Text,
    date: Text,
    demonstration: Option<bool>,
}

#[derive(Deserialize)]
struct RawLevel {
    key: Text,
    label: Text,
    description: Text,
    easy_label: Text,
}

#[derive(Deserialize)]
struct RawTheme {
    code: Text,
    order: Option<Spanned<i64>>,
    title: Text,
    summary: Text,
    easy_summary: Text,
}

#[derive(Deserialize)]
struct RawStatement {
    code: Text,
    theme: Text,
    kind: Text,
    text: Text,
    easy_text: Text,
    picture: Option<Spanned<RawPicture>>,
    #[serde(default)]
    pairs: Vec<Spanned<String>>,
    #[serde(default)]
    cross_refs: Vec<Spanned<RawCrossRef>>,
    #[serde(default)]
    markers: Vec<Spanned<RawMarker>>,
}

#[derive(Deserialize)]
struct RawMarker {
    text: Text,
    easy_text: Text,
}

#[derive(Deserialize)]
struct RawPicture {
    file: Text,
    alt: Text,
}

#[derive(Deserialize)]
struct RawCrossRef {
    framework: Text,
    id: Text,
}

/// Longest texts accepted, in characters.
const SHORT_MAX: usize = 200;
const LONG_MAX: usize = 1000;

/// The most problems listed for one file: enough to fix a file, never a 60 MB error page
/// for a hostile one (finding 14). Beyond it, one line says how many more there are.
pub const MAX_PROBLEMS: usize = 100;

/// Turns byte offsets into 1-based lines and columns. The line starts are found once, so
/// each lookup is a binary search, not a scan of the file: the cost of reporting problems
/// grows with the file, not with its square.
struct Locator<'a> {
    source: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> Locator<'a> {
    fn new(source: &'a str) -> Locator<'a> {
        let mut line_starts = vec![0];
        line_starts.extend(source.match_indices('\n').map(|(i, _)| i + 1));
        Locator {
            source,
            line_starts,
        }
    }

    fn at(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.source.len());
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let start = self
            .line_starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(0);
        let column = self
            .source
            .get(start..offset)
            .map_or(0, |text| text.chars().count())
            + 1;
        (line.max(1), column)
    }
}

struct Problems<'a> {
    /// A draft may leave Easy Read texts out, for the national team to write before publishing.
    easy_may_be_missing: bool,
    locator: Locator<'a>,
    list: Vec<Problem>,
    /// Problems found beyond [`MAX_PROBLEMS`], counted but not described.
    more: usize,
}

impl Problems<'_> {
    fn add(&mut self, span: Range<usize>, message: impl Into<String>) {
        if self.list.len() >= MAX_PROBLEMS {
            self.more += 1;
            return;
        }
        let (line, column) = self.locator.at(span.start);
        self.list.push(Problem {
            line,
            column,
            message: message.into(),
        });
    }

    /// The problems in file order, with a last line for any beyond the limit.
    fn into_list(mut self) -> Vec<Problem> {
        self.list.sort_by_key(|p| (p.line, p.column));
        if self.more > 0 {
            let (line, column) = self.list.last().map_or((1, 1), |p| (p.line, p.column));
            self.list.push(Problem {
                line,
                column,
                message: format!(
                    "and {} more problems not listed: fix these first, then upload the file again",
                    self.more
                ),
            });
        }
        self.list
    }

    /// An Easy Read text: required like [`Problems::text`], except in a draft, where a missing
    /// or empty one is left empty (and listed by [`Framework::easy_read_gaps`]).
    fn easy(&mut self, value: &Text, within: Range<usize>, what: &str, max: usize) -> String {
        let blank = value.as_ref().is_none_or(|v| v.get_ref().trim().is_empty());
        if self.easy_may_be_missing && blank {
            return String::new();
        }
        self.text(value, within, what, max)
    }

    /// A required text: present, not blank, not too long. Returns it trimmed.
    fn text(&mut self, value: &Text, within: Range<usize>, what: &str, max: usize) -> String {
        match value {
            None => {
                self.add(within, format!("{what} is missing"));
                String::new()
            }
            Some(v) if v.get_ref().trim().is_empty() => {
                self.add(v.span(), format!("{what} is empty"));
                String::new()
            }
            Some(v) => {
                let text = v.get_ref().trim();
                if char_len(text) > max {
                    self.add(
                        v.span(),
                        format!(
                            "{what} is longer than {max} characters ({})",
                            char_len(text)
                        ),
                    );
                }
                text.to_owned()
            }
        }
    }

    /// A required code (slug, theme code, statement code, level key).
    fn code(&mut self, value: &Text, within: Range<usize>, what: &str, rule: CodeRule) -> String {
        let code = self.text(value, within, what, 40);
        if !code.is_empty()
            && !rule.accepts(&code)
            && let Some(v) = value
        {
            self.add(v.span(), format!("{what} \"{code}\" {}", rule.explain()));
        }
        code
    }
}

#[derive(Clone, Copy)]
enum CodeRule {
    /// lowercase letters, digits and single hyphens (URLs)
    Slug,
    /// letters, digits, hyphens and dots
    Code,
}

impl CodeRule {
    fn accepts(self, s: &str) -> bool {
        match self {
            CodeRule::Slug => {
                s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    && !s.starts_with('-')
                    && !s.ends_with('-')
                    && !s.contains("--")
            }
            CodeRule::Code => {
                s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
                    && s.starts_with(|c: char| c.is_ascii_alphanumeric())
            }
        }
    }

    fn explain(self) -> &'static str {
        match self {
            CodeRule::Slug => "can only use lowercase letters, numbers and single hyphens",
            CodeRule::Code => {
                "can only use letters, numbers, hyphens and dots, starting with a letter or number"
            }
        }
    }
}

fn is_iso_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    if parts.len() != 3 || parts[0].len() != 4 || parts[1].len() != 2 || parts[2].len() != 2 {
        return false;
    }
    let numbers: Vec<Option<u32>> = parts.iter().map(|p| p.parse().ok()).collect();
    matches!(numbers[..], [Some(_), Some(1..=12), Some(1..=31)])
}

fn is_safe_picture_name(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    let allowed_ext = [".svg", ".png", ".jpg", ".jpeg"]
        .iter()
        .any(|e| lower.ends_with(e));
    allowed_ext
        && !s.starts_with('.')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Parses and validates a framework file. On failure, returns every problem found, in the
/// order they appear in the file.
pub fn parse_toml(source: &str) -> Result<Framework, Vec<Problem>> {
    parse_toml_with_pictures(source, &|_| true)
}

/// Like [`parse_toml`], also reporting each picture for which `has_picture(file)` is false
/// (the importer passes "is this file beside the framework file").
pub fn parse_toml_with_pictures(
    source: &str,
    has_picture: &dyn Fn(&str) -> bool,
) -> Result<Framework, Vec<Problem>> {
    parse(source, has_picture, false)
}

/// Like [`parse_toml_with_pictures`], for a draft: Easy Read texts may be missing or empty
/// (everything else is checked as usual). [`Framework::easy_read_gaps`] lists them; such a
/// framework is published only once they are written (issue 19, decision 0038).
pub fn parse_toml_draft(
    source: &str,
    has_picture: &dyn Fn(&str) -> bool,
) -> Result<Framework, Vec<Problem>> {
    parse(source, has_picture, true)
}

fn parse(
    source: &str,
    has_picture: &dyn Fn(&str) -> bool,
    easy_may_be_missing: bool,
) -> Result<Framework, Vec<Problem>> {
    let mut problems = Problems {
        easy_may_be_missing,
        locator: Locator::new(source),
        list: Vec::new(),
        more: 0,
    };
    let raw: RawFile = match toml::from_str(source) {
        Ok(raw) => raw,
        Err(error) => {
            let span = error.span().unwrap_or(0..0);
            let message = error.message().trim().to_owned();
            problems.add(span, format!("the file is not valid here: {message}"));
            return Err(problems.into_list());
        }
    };
    let whole = 0..0;

    // Metadata.
    let meta = match &raw.framework {
        None => {
            problems.add(
                whole.clone(),
                "the [framework] table with the framework's details is missing",
            );
            None
        }
        Some(meta) => {
            let span = meta.span();
            let m = meta.get_ref();
            let slug = problems.code(
                &m.slug,
                span.clone(),
                "the framework's slug",
                CodeRule::Slug,
            );
            let title = problems.text(&m.title, span.clone(), "the framework's title", SHORT_MAX);
            let version = problems.code(&m.version, span.clone(), "the version", CodeRule::Code);
            let publisher = problems.text(&m.publisher, span.clone(), "the publisher", SHORT_MAX);
            let licence = problems.text(&m.licence, span.clone(), "the licence", SHORT_MAX);
            let language = problems.text(&m.language, span.clone(), "the language", 20);
            let date = problems.text(&m.date, span.clone(), "the date", 10);
            if !date.is_empty()
                && !is_iso_date(&date)
                && let Some(v) = &m.date
            {
                problems.add(
                    v.span(),
                    format!("the date \"{date}\" must be written YYYY-MM-DD"),
                );
            }
            let source_url = m.source_url.as_ref().map(|u| u.get_ref().trim().to_owned());
            if let (Some(url), Some(raw_url)) = (&source_url, &m.source_url)
                && !(url.starts_with("https://") || url.starts_with("http://"))
            {
                problems.add(
                    raw_url.span(),
                    "the source URL must start with https:// or http://",
                );
            }
            Some(FrameworkMeta {
                slug,
                title,
                version,
                publisher,
                licence,
                source_url: source_url.filter(|u| !u.is_empty()),
                language,
                date,
                demonstration: m.demonstration.unwrap_or(false),
            })
        }
    };

    // The progress scale.
    if raw.scale.len() < 2 {
        problems.add(
            whole.clone(),
            "the progress scale needs at least two [[scale]] levels",
        );
    }
    let mut level_keys = HashSet::new();
    let mut scale = Vec::new();
    for level in &raw.scale {
        let span = level.span();
        let l = level.get_ref();
        let key = problems.code(&l.key, span.clone(), "a scale level's key", CodeRule::Slug);
        if !key.is_empty()
            && !level_keys.insert(key.clone())
            && let Some(v) = &l.key
        {
            problems.add(
                v.span(),
                format!("the scale level key \"{key}\" is used more than once"),
            );
        }
        let what = format!("scale level \"{key}\"");
        scale.push(ScaleLevel {
            label: problems.text(
                &l.label,
                span.clone(),
                &format!("the label of {what}"),
                SHORT_MAX,
            ),
            description: problems.text(
                &l.description,
                span.clone(),
                &format!("the description of {what}"),
                LONG_MAX,
            ),
            easy_label: problems.easy(
                &l.easy_label,
                span.clone(),
                &format!("the Easy Read label of {what}"),
                SHORT_MAX,
            ),
            key,
        });
    }

    // Themes.
    if raw.themes.is_empty() {
        problems.add(whole.clone(), "there are no [[themes]]");
    }
    let mut theme_codes = HashSet::new();
    let mut themes = Vec::new();
    for theme in &raw.themes {
        let span = theme.span();
        let t = theme.get_ref();
        let code = problems.code(&t.code, span.clone(), "a theme's code", CodeRule::Code);
        if !code.is_empty()
            && !theme_codes.insert(code.clone())
            && let Some(v) = &t.code
        {
            problems.add(
                v.span(),
                format!("the theme code \"{code}\" is used more than once"),
            );
        }
        let what = format!("theme \"{code}\"");
        let order = match &t.order {
            Some(order) => *order.get_ref(),
            None => {
                problems.add(span.clone(), format!("the order of {what} is missing"));
                0
            }
        };
        themes.push(Theme {
            order,
            title: problems.text(
                &t.title,
                span.clone(),
                &format!("the title of {what}"),
                SHORT_MAX,
            ),
            summary: problems.text(
                &t.summary,
                span.clone(),
                &format!("the summary of {what}"),
                LONG_MAX,
            ),
            easy_summary: problems.easy(
                &t.easy_summary,
                span.clone(),
                &format!("the Easy Read summary of {what}"),
                LONG_MAX,
            ),
            code,
        });
    }
    themes.sort_by_key(|t| t.order);

    // Statements: first their codes and kinds, so pairs can be checked in any order.
    if raw.statements.is_empty() {
        problems.add(whole, "there are no [[statements]]");
    }
    let kinds: HashMap<String, Option<StatementKind>> = raw
        .statements
        .iter()
        .filter_map(|s| {
            let s = s.get_ref();
            let code = s.code.as_ref()?.get_ref().trim().to_owned();
            let kind = s
                .kind
                .as_ref()
                .and_then(|k| StatementKind::parse(k.get_ref().trim()));
            Some((code, kind))
        })
        .collect();
    let mut statement_codes = HashSet::new();
    let mut statements = Vec::new();
    for statement in &raw.statements {
        let span = statement.span();
        let s = statement.get_ref();
        let code = problems.code(&s.code, span.clone(), "a statement's code", CodeRule::Code);
        if !code.is_empty()
            && !statement_codes.insert(code.clone())
            && let Some(v) = &s.code
        {
            problems.add(
                v.span(),
                format!("the statement code \"{code}\" is used more than once"),
            );
        }
        let what = format!("statement \"{code}\"");
        let theme = problems.text(&s.theme, span.clone(), &format!("the theme of {what}"), 40);
        if !theme.is_empty()
            && !theme_codes.contains(&theme)
            && let Some(v) = &s.theme
        {
            problems.add(
                v.span(),
                format!("{what} is in theme \"{theme}\", which is not one of the [[themes]]"),
            );
        }
        let kind_text = problems.text(&s.kind, span.clone(), &format!("the kind of {what}"), 10);
        let kind = StatementKind::parse(&kind_text);
        if kind.is_none()
            && !kind_text.is_empty()
            && let Some(v) = &s.kind
        {
            problems.add(
                v.span(),
                format!("the kind of {what} must be \"I\" or \"We\", not \"{kind_text}\""),
            );
        }
        let text = problems.text(
            &s.text,
            span.clone(),
            &format!("the text of {what}"),
            LONG_MAX,
        );
        let easy_text = problems.easy(
            &s.easy_text,
            span.clone(),
            &format!("the Easy Read text of {what}"),
            LONG_MAX,
        );
        let picture = s.picture.as_ref().map(|picture| {
            let p = picture.get_ref();
            let file = problems.text(
                &p.file,
                picture.span(),
                &format!("the picture file of {what}"),
                100,
            );
            if !file.is_empty()
                && !is_safe_picture_name(&file)
                && let Some(v) = &p.file
            {
                problems.add(
                    v.span(),
                    format!(
                        "the picture \"{file}\" must be a plain file name ending .svg, .png or .jpg"
                    ),
                );
            }
            if !file.is_empty()
                && is_safe_picture_name(&file)
                && !has_picture(&file)
                && let Some(v) = &p.file
            {
                problems.add(
                    v.span(),
                    format!("the picture \"{file}\" is not beside the framework file"),
                );
            }
            let alt = problems.text(
                &p.alt,
                picture.span(),
                &format!("the picture's alt text for {what}"),
                SHORT_MAX,
            );
            Picture { file, alt }
        });
        let mut pairs = Vec::new();
        for pair in &s.pairs {
            let other = pair.get_ref().trim().to_owned();
            match kinds.get(&other) {
                None => problems.add(
                    pair.span(),
                    format!("{what} pairs with \"{other}\", which is not a statement in this file"),
                ),
                Some(_) if other == code => {
                    problems.add(pair.span(), format!("{what} cannot pair with itself"))
                }
                Some(other_kind) => {
                    if let (Some(mine), Some(theirs)) = (kind, other_kind)
                        && mine == *theirs
                    {
                        problems.add(
                                pair.span(),
                                format!("{what} pairs with \"{other}\", but pairs join an \"I\" statement with a \"We\" statement"),
                            );
                    }
                }
            }
            if pairs.contains(&other) {
                problems.add(
                    pair.span(),
                    format!("{what} lists the pair \"{other}\" twice"),
                );
            }
            pairs.push(other);
        }
        let cross_refs = s
            .cross_refs
            .iter()
            .map(|r| {
                let x = r.get_ref();
                CrossRef {
                    framework: problems.text(
                        &x.framework,
                        r.span(),
                        &format!("the framework of a cross-reference in {what}"),
                        SHORT_MAX,
                    ),
                    id: problems.text(
                        &x.id,
                        r.span(),
                        &format!("the id of a cross-reference in {what}"),
                        SHORT_MAX,
                    ),
                }
            })
            .collect();
        let markers = s
            .markers
            .iter()
            .enumerate()
            .map(|(n, m)| {
                let raw = m.get_ref();
                let which = format!("marker {} of {what}", n + 1);
                Marker {
                    text: problems.text(
                        &raw.text,
                        m.span(),
                        &format!("the text of {which}"),
                        LONG_MAX,
                    ),
                    easy_text: problems.easy(
                        &raw.easy_text,
                        m.span(),
                        &format!("the Easy Read text of {which}"),
                        LONG_MAX,
                    ),
                }
            })
            .collect();
        statements.push(Statement {
            code,
            theme,
            kind: kind.unwrap_or(StatementKind::I),
            text,
            easy_text,
            picture,
            pairs,
            cross_refs,
            markers,
        });
    }

    let crosswalks = crosswalks(&raw, &statements, &mut problems);
    let mapping = mapping(
        &raw,
        &statements,
        meta.as_ref().map(|m| m.version.as_str()),
        &mut problems,
    );

    match meta {
        Some(meta) if problems.list.is_empty() && problems.more == 0 => Ok(Framework {
            meta,
            scale,
            themes,
            statements,
            crosswalks,
            mapping,
        }),
        _ => Err(problems.into_list()),
    }
}

/// Checks the `[[crosswalks]]`: each names another framework once, with at least one item,
/// item ids unique within it; and every statement's cross-reference to a described framework
/// names one of its items (cross-references to frameworks not described stay free text).
fn crosswalks(raw: &RawFile, statements: &[Statement], problems: &mut Problems) -> Vec<Crosswalk> {
    let mut out: Vec<Crosswalk> = Vec::new();
    for (n, c) in raw.crosswalks.iter().enumerate() {
        let span = c.span();
        let x = c.get_ref();
        let what = format!("crosswalk {}", n + 1);
        let framework = problems.code(
            &x.framework,
            span.clone(),
            &format!("the framework key of {what}"),
            CodeRule::Slug,
        );
        if !framework.is_empty() && out.iter().any(|o| o.framework == framework) {
            problems.add(
                span.clone(),
                format!("the crosswalk to \"{framework}\" is described twice"),
            );
        }
        let title = problems.text(
            &x.title,
            span.clone(),
            &format!("the title of {what}"),
            SHORT_MAX,
        );
        let publisher = problems.text(
            &x.publisher,
            span.clone(),
            &format!("the publisher of {what}"),
            SHORT_MAX,
        );
        if x.items.is_empty() {
            problems.add(
                span.clone(),
                format!("{what} has no [[crosswalks.items]]: describe at least one"),
            );
        }
        let mut items: Vec<CrosswalkItem> = Vec::new();
        for (i, item) in x.items.iter().enumerate() {
            let raw_item = item.get_ref();
            let which = format!("item {} of {what}", i + 1);
            let id = problems.text(
                &raw_item.id,
                item.span(),
                &format!("the id of {which}"),
                SHORT_MAX,
            );
            if !id.is_empty() && items.iter().any(|o| o.id == id) {
                problems.add(
                    item.span(),
                    format!("the item id \"{id}\" is used twice in {what}"),
                );
            }
            items.push(CrosswalkItem {
                id,
                title: problems.text(
                    &raw_item.title,
                    item.span(),
                    &format!("the title of {which}"),
                    SHORT_MAX,
                ),
                text: problems.text(
                    &raw_item.text,
                    item.span(),
                    &format!("the text of {which}"),
                    LONG_MAX,
                ),
            });
        }
        out.push(Crosswalk {
            framework,
            title,
            publisher,
            items,
        });
    }
    // Cross-references into a described framework must land on one of its items (statements
    // are read one for one; if one was skipped for its own problems, this waits for the fix).
    if raw.statements.len() != statements.len() {
        return out;
    }
    for (raw_statement, statement) in raw.statements.iter().zip(statements) {
        for (raw_ref, r) in raw_statement
            .get_ref()
            .cross_refs
            .iter()
            .zip(&statement.cross_refs)
        {
            if let Some(c) = out.iter().find(|c| c.framework == r.framework)
                && !c.items.iter().any(|i| i.id == r.id)
            {
                problems.add(
                    raw_ref.span(),
                    format!(
                        "statement \"{}\" refers to \"{}\" of \"{}\", which is not one of its [[crosswalks.items]]",
                        statement.code, r.id, r.framework
                    ),
                );
            }
        }
    }
    out
}

/// Checks the `[mapping]` from an earlier version: a version other than this one; each earlier
/// statement listed once, with `to` naming statements of this version (empty: retired).
/// Whether the earlier codes exist is checked on import, where the earlier version is known.
fn mapping(
    raw: &RawFile,
    statements: &[Statement],
    version: Option<&str>,
    problems: &mut Problems,
) -> Option<VersionMapping> {
    let m = raw.mapping.as_ref()?;
    let span = m.span();
    let x = m.get_ref();
    let from_version = problems.text(
        &x.from_version,
        span.clone(),
        "the version the [mapping] is from",
        40,
    );
    if version == Some(from_version.as_str()) {
        problems.add(
            span.clone(),
            "the [mapping] is from this same version: name the earlier version it follows",
        );
    }
    let mut moves: Vec<StatementMove> = Vec::new();
    for (n, raw_move) in x.statements.iter().enumerate() {
        let what = format!("statement {} of the [mapping]", n + 1);
        let r = raw_move.get_ref();
        let from = problems.text(
            &r.from,
            raw_move.span(),
            &format!("the \"from\" of {what}"),
            40,
        );
        if !from.is_empty() && moves.iter().any(|m| m.from == from) {
            problems.add(
                raw_move.span(),
                format!("the earlier statement \"{from}\" is mapped twice"),
            );
        }
        let mut to = Vec::new();
        match &r.to {
            None => problems.add(
                raw_move.span(),
                format!(
                    "{what} has no \"to\": list the statements it became, or [] if it was retired"
                ),
            ),
            Some(list) => {
                for code in list {
                    let c = code.get_ref().trim().to_owned();
                    if !statements.iter().any(|s| s.code == c) {
                        problems.add(
                            code.span(),
                            format!("\"{from}\" is mapped to \"{c}\", which is not a statement of this version"),
                        );
                    } else if !to.contains(&c) {
                        to.push(c);
                    }
                }
            }
        }
        moves.push(StatementMove { from, to });
    }
    Some(VersionMapping {
        from_version,
        moves,
    })
}

// ---- Export: the same format, written back.

#[derive(Serialize)]
struct OutFile<'a> {
    framework: OutMeta<'a>,
    scale: Vec<OutLevel<'a>>,
    themes: Vec<OutTheme<'a>>,
    statements: Vec<OutStatement<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    crosswalks: Vec<OutCrosswalk<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mapping: Option<OutMapping<'a>>,
}

#[derive(Serialize)]
struct OutMapping<'a> {
    from_version: &'a str,
    statements: Vec<OutMove<'a>>,
}

#[derive(Serialize)]
struct OutMove<'a> {
    from: &'a str,
    to: Vec<&'a str>,
}

#[derive(Serialize)]
struct OutCrosswalk<'a> {
    framework: &'a str,
    title: &'a str,
    publisher: &'a str,
    items: Vec<OutCrosswalkItem<'a>>,
}

#[derive(Serialize)]
struct OutCrosswalkItem<'a> {
    id: &'a str,
    title: &'a str,
    text: &'a str,
}

#[derive(Serialize)]
struct OutMeta<'a> {
    slug: &'a str,
    title: &'a str,
    version: &'a str,
    publisher: &'a str,
    licence: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_url: Option<&'a str>,
    language: &'a str,
    date: &'a str,
    demonstration: bool,
}

#[derive(Serialize)]
struct OutLevel<'a> {
    key: &'a str,
    label: &'a str,
    description: &'a str,
    easy_label: &'a str,
}

#[derive(Serialize)]
struct OutTheme<'a> {
    code: &'a str,
    order: i64,
    title: &'a str,
    summary: &'a str,
    easy_summary: &'a str,
}

#[derive(Serialize)]
struct OutStatement<'a> {
    code: &'a str,
    theme: &'a str,
    kind: &'a str,
    text: &'a str,
    easy_text: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pairs: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    picture: Option<OutPicture<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    cross_refs: Vec<OutCrossRef<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    markers: Vec<OutMarker<'a>>,
}

#[derive(Serialize)]
struct OutMarker<'a> {
    text: &'a str,
    easy_text: &'a str,
}

#[derive(Serialize)]
struct OutPicture<'a> {
    file: &'a str,
    alt: &'a str,
}

#[derive(Serialize)]
struct OutCrossRef<'a> {
    framework: &'a str,
    id: &'a str,
}

/// Writes a framework in the file format; `parse_toml` of the result gives it back unchanged.
pub fn export_toml(framework: &Framework) -> Result<String, toml::ser::Error> {
    let m = &framework.meta;
    let file = OutFile {
        framework: OutMeta {
            slug: &m.slug,
            title: &m.title,
            version: &m.version,
            publisher: &m.publisher,
            licence: &m.licence,
            source_url: m.source_url.as_deref(),
            language: &m.language,
            date: &m.date,
            demonstration: m.demonstration,
        },
        scale: framework
            .scale
            .iter()
            .map(|l| OutLevel {
                key: &l.key,
                label: &l.label,
                description: &l.description,
                easy_label: &l.easy_label,
            })
            .collect(),
        themes: framework
            .themes
            .iter()
            .map(|t| OutTheme {
                code: &t.code,
                order: t.order,
                title: &t.title,
                summary: &t.summary,
                easy_summary: &t.easy_summary,
            })
            .collect(),
        statements: framework
            .statements
            .iter()
            .map(|s| OutStatement {
                code: &s.code,
                theme: &s.theme,
                kind: s.kind.key(),
                text: &s.text,
                easy_text: &s.easy_text,
                pairs: s.pairs.iter().map(String::as_str).collect(),
                picture: s.picture.as_ref().map(|p| OutPicture {
                    file: &p.file,
                    alt: &p.alt,
                }),
                cross_refs: s
                    .cross_refs
                    .iter()
                    .map(|r| OutCrossRef {
                        framework: &r.framework,
                        id: &r.id,
                    })
                    .collect(),
                markers: s
                    .markers
                    .iter()
                    .map(|m| OutMarker {
                        text: &m.text,
                        easy_text: &m.easy_text,
                    })
                    .collect(),
            })
            .collect(),
        crosswalks: framework
            .crosswalks
            .iter()
            .map(|c| OutCrosswalk {
                framework: &c.framework,
                title: &c.title,
                publisher: &c.publisher,
                items: c
                    .items
                    .iter()
                    .map(|i| OutCrosswalkItem {
                        id: &i.id,
                        title: &i.title,
                        text: &i.text,
                    })
                    .collect(),
            })
            .collect(),
        mapping: framework.mapping.as_ref().map(|m| OutMapping {
            from_version: &m.from_version,
            statements: m
                .moves
                .iter()
                .map(|mv| OutMove {
                    from: &mv.from,
                    to: mv.to.iter().map(String::as_str).collect(),
                })
                .collect(),
        }),
    };
    let body = toml::to_string(&file)?;
    Ok(format!(
        "# {} — version {}\n# Framework file: see docs/framework-format.md\n\n{body}",
        m.title, m.version
    ))
}
