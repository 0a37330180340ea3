//! Easy Read on every page a person uses (issue 14): each page template has Easy Read content
//! (`{% if ctx.easy %}`), apart from the few listed here with the reason. A new template without
//! it fails this test until it has Easy Read words or a reason to be listed.

/// Templates that are not pages people use to take part or decide, with why.
const WITHOUT_EASY_READ: &[(&str, &str)] = &[
    ("macros.html", "form pieces, not a page"),
    (
        "find/_entry.html",
        "one result in the directory, a part of a page that has Easy Read words",
    ),
    (
        "frameworks/_statement_easy.html",
        "a part of pages that is itself Easy Read",
    ),
    (
        "frameworks/print.html",
        "printed cards that carry both wordings side by side",
    ),
    (
        "plans/embed.html",
        "shown inside other websites, with no session or Easy Read switch",
    ),
    (
        "account/easy_read.html",
        "the page for choosing Easy Read is in Easy Read for everyone",
    ),
    ("admin/audit.html", "the national programme team's desk"),
    (
        "admin/easy_read.html",
        "the national programme team's desk: it is where Easy Read is written",
    ),
    ("admin/home.html", "the national programme team's desk"),
    (
        "admin/organisations.html",
        "the national programme team's desk",
    ),
    ("admin/people.html", "the national programme team's desk"),
    ("admin/preview.html", "the national programme team's desk"),
    ("admin/upload.html", "the national programme team's desk"),
    (
        "live/card_alone.html",
        "a fragment: its Easy Read words are in live/_card.html",
    ),
    (
        "live/ranking.html",
        "a fragment: its Easy Read words are in live/_ranking.html",
    ),
];

fn templates(dir: &std::path::Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).expect("templates") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            templates(&path, out);
        } else if path.extension().is_some_and(|e| e == "html") {
            out.push(path.to_string_lossy().into_owned());
        }
    }
}

#[test]
fn every_page_a_person_uses_has_easy_read_content() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut all = Vec::new();
    templates(&root, &mut all);
    assert!(all.len() > 40, "found the templates: {}", all.len());
    let mut missing = Vec::new();
    for path in &all {
        let name = path
            .strip_prefix(&format!("{}/", root.display()))
            .unwrap_or(path)
            .to_owned();
        if WITHOUT_EASY_READ.iter().any(|(n, _)| *n == name) {
            continue;
        }
        let text = std::fs::read_to_string(path).expect("read");
        if !text.contains("ctx.easy") {
            missing.push(name);
        }
    }
    assert!(
        missing.is_empty(),
        "pages without Easy Read content: {missing:?}"
    );
    // The list only names templates that exist.
    for (name, _) in WITHOUT_EASY_READ {
        assert!(root.join(name).exists(), "{name} is listed but gone");
    }
}
