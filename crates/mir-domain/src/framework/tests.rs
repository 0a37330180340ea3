use proptest::prelude::*;

use super::*;

const DEMO: &str = include_str!("../../../../frameworks/demonstration/framework.toml");

#[test]
fn the_demonstration_framework_is_valid_and_has_the_2018_shape() {
    let framework = parse_toml(DEMO).expect("demonstration framework is valid");
    assert!(framework.meta.demonstration);
    assert_eq!(framework.themes.len(), 6);
    assert_eq!(framework.scale.len(), 4);
    let titles: Vec<&str> = framework.themes.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(titles[0], "Wellbeing and independence");
    assert_eq!(titles[5], "Workforce");
    for theme in &framework.themes {
        let kinds: Vec<StatementKind> = framework
            .statements_in(&theme.code)
            .map(|s| s.kind)
            .collect();
        assert!(
            kinds.contains(&StatementKind::I) && kinds.contains(&StatementKind::We),
            "{}",
            theme.code
        );
    }
    assert!(framework.statements.iter().all(|s| !s.easy_text.is_empty()));
    assert!(framework.pair_count() >= 20);
    // Pairs are found from either side.
    let paired: Vec<&str> = framework
        .paired_with("WB-We1")
        .iter()
        .map(|s| s.code.as_str())
        .collect();
    assert_eq!(paired, ["WB-I1", "WB-I2"]);
}

#[test]
fn export_then_import_gives_the_same_framework() {
    let framework = parse_toml(DEMO).expect("valid");
    let exported = export_toml(&framework).expect("export");
    let again = parse_toml(&exported).expect("exported file is valid");
    assert_eq!(again, framework);
    assert_eq!(
        export_toml(&again).expect("export"),
        exported,
        "stable output"
    );
}

const SMALL: &str = r#"
[framework]
slug = "small"
title = "Small"
version = "1"
publisher = "Us"
licence = "CC0"
language = "en"
date = "2026-01-31"

[[scale]]
key = "no"
label = "No"
description = "Not yet"
easy_label = "No"

[[scale]]
key = "yes"
label = "Yes"
description = "It is true"
easy_label = "Yes"

[[themes]]
code = "A"
order = 1
title = "A theme"
summary = "About A"
easy_summary = "About A"

[[statements]]
code = "A-I1"
theme = "A"
kind = "I"
text = "I am fine."
easy_text = "I am fine."
pairs = ["A-We1"]

[[statements]]
code = "A-We1"
theme = "A"
kind = "We"
text = "We help."
easy_text = "We help."
"#;

#[test]
fn a_small_file_parses() {
    let framework = parse_toml(SMALL).expect("valid");
    assert_eq!(framework.statements.len(), 2);
    assert!(!framework.meta.demonstration);
}

/// The 1-based line on which `needle` first appears.
fn line_of(source: &str, needle: &str) -> usize {
    source
        .lines()
        .position(|l| l.contains(needle))
        .expect("needle")
        + 1
}

#[test]
fn every_problem_is_reported_at_once_with_its_line() {
    let broken = SMALL
        .replace("theme = \"A\"\nkind = \"I\"", "theme = \"Z\"\nkind = \"I\"")
        .replace("code = \"A-We1\"", "code = \"A-I1\"")
        .replace("easy_text = \"We help.\"\n", "");
    let problems = parse_toml(&broken).expect_err("three mistakes");
    let messages: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert!(problems.len() >= 3, "{messages:#?}");
    let unknown_theme = problems
        .iter()
        .find(|p| p.message.contains("\"Z\""))
        .expect("unknown theme");
    assert_eq!(unknown_theme.line, line_of(&broken, "theme = \"Z\""));
    let duplicate = problems
        .iter()
        .find(|p| p.message.contains("more than once"))
        .expect("duplicate");
    assert_eq!(
        duplicate.line,
        broken
            .lines()
            .enumerate()
            .filter(|(_, l)| l.contains("code = \"A-I1\""))
            .nth(1)
            .expect("second")
            .0
            + 1
    );
    assert!(
        problems
            .iter()
            .any(|p| p.message.contains("Easy Read text") && p.message.contains("missing")),
        "{messages:#?}"
    );
}

#[test]
fn pairs_must_point_somewhere_and_join_i_with_we() {
    let broken = SMALL.replace("pairs = [\"A-We1\"]", "pairs = [\"A-We9\", \"A-I1\"]");
    let problems = parse_toml(&broken).expect_err("bad pairs");
    assert!(
        problems
            .iter()
            .any(|p| p.message.contains("\"A-We9\", which is not a statement"))
    );
    assert!(
        problems
            .iter()
            .any(|p| p.message.contains("cannot pair with itself"))
    );
    let line = line_of(&broken, "pairs = ");
    assert!(problems.iter().all(|p| p.line == line));
}

#[test]
fn scale_keys_must_be_unique_and_dates_well_formed() {
    let broken = SMALL
        .replace("key = \"yes\"", "key = \"no\"")
        .replace("2026-01-31", "31/01/2026");
    let problems = parse_toml(&broken).expect_err("bad scale and date");
    assert!(problems.iter().any(|p| {
        p.message
            .contains("scale level key \"no\" is used more than once")
    }));
    assert!(
        problems
            .iter()
            .any(|p| p.message.contains("YYYY-MM-DD") && p.line == line_of(&broken, "31/01/2026"))
    );
}

#[test]
fn syntax_errors_say_where() {
    let broken = SMALL.replace("title = \"A theme\"", "title = \"A theme");
    let problems = parse_toml(&broken).expect_err("syntax");
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].line, line_of(&broken, "title = \"A theme"));
    assert!(
        problems[0]
            .message
            .starts_with("the file is not valid here")
    );
}

#[test]
fn missing_tables_are_named() {
    let problems = parse_toml("").expect_err("empty");
    let all = problems
        .iter()
        .map(|p| p.message.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    for expected in ["[framework]", "[[scale]]", "[[themes]]", "[[statements]]"] {
        assert!(all.contains(expected), "{all}");
    }
}

#[test]
fn pictures_must_be_plain_file_names() {
    let broken = SMALL.replace(
        "easy_text = \"I am fine.\"",
        "easy_text = \"I am fine.\"\npicture = { file = \"../../etc/passwd\", alt = \"\" }",
    );
    let problems = parse_toml(&broken).expect_err("bad picture");
    assert!(
        problems
            .iter()
            .any(|p| p.message.contains("plain file name"))
    );
    assert!(problems.iter().any(|p| p.message.contains("alt text")));
}

proptest! {
    // PROPTEST_CASES sets how many (scripts/property-tests runs 100,000).
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(512),
        ..ProptestConfig::default()
    })]

    #[test]
    fn no_input_makes_the_parser_panic(input in "\\PC{0,400}") {
        let _ = parse_toml(&input);
    }

    #[test]
    fn no_damage_to_a_valid_file_makes_the_parser_panic(cut in 0usize..2000, insert in "[\\[\\]=\"#a-z0-9 \\n]{0,12}") {
        let mut chars: Vec<char> = SMALL.chars().collect();
        let at = cut.min(chars.len());
        chars.splice(at..at, insert.chars());
        let damaged: String = chars.into_iter().collect();
        if let Err(problems) = parse_toml(&damaged) {
            prop_assert!(!problems.is_empty());
            for p in problems {
                prop_assert!(p.line >= 1 && p.column >= 1);
            }
        }
    }
}

#[test]
fn a_hostile_file_gets_at_most_a_hundred_problems_and_lines_stay_right() {
    // 40,000 empty statements: each one has several problems. Reporting them used to rescan
    // the file for each (quadratic); now the list stops at 100, with a line saying how many
    // more, and each location is a binary search.
    let source = "[[statements]]\n".repeat(40_000);
    let problems = parse_toml(&source).expect_err("refused");
    assert_eq!(problems.len(), MAX_PROBLEMS + 1);
    let last = problems.last().expect("a last line");
    assert!(last.message.starts_with("and "), "{}", last.message);
    assert!(last.message.contains("more problems not listed"));
    // Locations are still right: the second statement starts on line 2, column 1.
    let text = "[framework]\nslug = \"a\"\n\n[[themes]]\ncode = \"é é\"\n";
    let problems = parse_toml(text).expect_err("refused");
    assert!(problems.iter().any(|p| p.line == 5), "{problems:?}");
}

#[test]
fn markers_belong_to_their_statement_and_need_both_texts() {
    let with_markers = SMALL.replace(
        "pairs = [\"A-We1\"]\n",
        "pairs = [\"A-We1\"]\n\n[[statements.markers]]\ntext = \"Plans say what I want.\"\neasy_text = \"My plan says what I want.\"\n\n[[statements.markers]]\ntext = \"Reviews ask me.\"\neasy_text = \"People ask me.\"\n",
    );
    let framework = parse_toml(&with_markers).expect("valid");
    let markers = &framework.statement("A-I1").expect("A-I1").markers;
    assert_eq!(markers.len(), 2);
    assert_eq!(markers[1].easy_text, "People ask me.");
    assert!(
        framework
            .statement("A-We1")
            .expect("A-We1")
            .markers
            .is_empty()
    );
    // Written back and read again, they are the same.
    let again = parse_toml(&export_toml(&framework).expect("export")).expect("again");
    assert_eq!(again, framework);

    let broken = with_markers.replace("easy_text = \"People ask me.\"\n", "");
    let problems = parse_toml(&broken).expect_err("no Easy Read text");
    let problem = problems
        .iter()
        .find(|p| p.message.contains("marker 2 of") && p.message.contains("Easy Read"))
        .expect("named by its number");
    let header = broken
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("[[statements.markers]]"))
        .nth(1)
        .expect("second marker")
        .0
        + 1;
    assert!(
        (header..=header + 2).contains(&problem.line),
        "line {} for a marker at {header}",
        problem.line
    );
}

#[test]
fn a_draft_may_leave_easy_read_out_and_lists_what_is_missing() {
    // Every Easy Read text of the demonstration framework taken out.
    let bare: String = DEMO
        .lines()
        .filter(|l| !l.starts_with("easy_"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(
        parse_toml(&bare).is_err(),
        "published frameworks need Easy Read"
    );
    let mut draft = parse_toml_draft(&bare, &|_| true).expect("a draft without Easy Read");
    let gaps = draft.easy_read_gaps();
    let full = parse_toml(DEMO).expect("valid");
    let markers: usize = full.statements.iter().map(|s| s.markers.len()).sum();
    assert_eq!(
        gaps.len(),
        full.scale.len() + full.themes.len() + full.statements.len() + markers
    );
    assert!(
        gaps.iter().any(|g| g.key == "statement-WB-I1"
            && g.standard.starts_with("I decide how I spend my days"))
    );
    assert!(gaps.iter().any(|g| g.key == "marker-WB-I1-3"));
    // Other mistakes are still mistakes in a draft.
    let broken = bare.replacen("code = \"WB-I1\"", "code = \"\"", 1);
    assert!(parse_toml_draft(&broken, &|_| true).is_err());

    // Filled in, it is the same as the full framework and passes the strict check.
    for gap in &gaps {
        let easy = easy_text_of(&full, &gap.key);
        assert!(draft.set_easy_read(&gap.key, &easy), "{}", gap.key);
    }
    assert!(!draft.set_easy_read("statement-NOPE", "x"));
    assert!(draft.easy_read_gaps().is_empty());
    assert_eq!(draft, full);
    let exported = export_toml(&draft).expect("export");
    assert_eq!(parse_toml(&exported).expect("strict"), full);
}

fn easy_text_of(f: &Framework, key: &str) -> String {
    if let Some(k) = key.strip_prefix("level-") {
        return f
            .scale
            .iter()
            .find(|l| l.key == k)
            .expect("level")
            .easy_label
            .clone();
    }
    if let Some(c) = key.strip_prefix("theme-") {
        return f.theme(c).expect("theme").easy_summary.clone();
    }
    if let Some(c) = key.strip_prefix("statement-") {
        return f.statement(c).expect("statement").easy_text.clone();
    }
    let (code, n) = key
        .strip_prefix("marker-")
        .and_then(|r| r.rsplit_once('-'))
        .expect("marker key");
    let n: usize = n.parse().expect("number");
    f.statement(code).expect("statement").markers[n - 1]
        .easy_text
        .clone()
}

#[test]
fn crosswalks_describe_other_frameworks_items_and_references_must_land_on_them() {
    let framework = parse_toml(DEMO).expect("valid");
    let walk = framework
        .crosswalk("regulator-demo")
        .expect("demonstration crosswalk");
    assert_eq!(walk.items.len(), 6);
    let codes: Vec<&str> = framework
        .statements_for_item("regulator-demo", "RQ1")
        .map(|s| s.code.as_str())
        .collect();
    assert_eq!(codes, ["WB-I1", "WB-We1"]);

    let wrong = DEMO.replacen("id = \"RQ2\" }", "id = \"RQ9\" }", 1);
    let problems = parse_toml(&wrong).expect_err("RQ9 is not an item");
    let line = wrong.lines().position(|l| l.contains("RQ9")).expect("line") + 1;
    assert!(
        problems.iter().any(|p| p.line == line
            && p.message
                .contains("\"RQ9\" of \"regulator-demo\", which is not one of its")),
        "{problems:?}"
    );
    let twice = DEMO.replacen("id = \"RQ6\"\ntitle", "id = \"RQ5\"\ntitle", 1);
    assert!(
        parse_toml(&twice)
            .expect_err("two RQ5")
            .iter()
            .any(|p| p.message.contains("\"RQ5\" is used twice"))
    );
    // A cross-reference to a framework the file does not describe stays free text.
    let other = DEMO.replacen(
        "{ framework = \"regulator-demo\", id = \"RQ2\" }",
        "{ framework = \"elsewhere\", id = \"X1\" }",
        1,
    );
    assert!(parse_toml(&other).is_ok());
}
