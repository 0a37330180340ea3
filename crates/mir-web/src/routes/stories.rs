//! Good practice stories: the list (with filters), a story's page, and writing one.

use crate::params::{Path, Slug};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use mir_app::stories::{self, MAX_STORY_CHARS, StoryForm};
use mir_domain::framework::{Framework, Statement};
use mir_domain::validation::FieldErrors;
use mir_store::Story;
use serde::Deserialize;

use super::CurrentActor;
use crate::AppState;
use crate::error::WebError;
use crate::form::{self, Outcome};
use crate::middleware::csrf::CsrfForm;
use crate::middleware::session::Session;
use crate::page::{PageContext, ok, render};

/// Markdown to HTML with only safe elements and attributes left (ammonia's allow-list: no
/// scripts, no event handlers, no styles; links get `rel="noopener noreferrer"`).
pub fn story_html(markdown: &str) -> String {
    let parser = pulldown_cmark::Parser::new(markdown);
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, parser);
    ammonia::clean(&html)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StoriesQuery {
    theme: String,
    statement: String,
}

#[derive(Template)]
#[template(path = "stories/list.html")]
struct ListPage {
    ctx: PageContext,
    stories: Vec<Story>,
    framework: Option<std::sync::Arc<Framework>>,
    theme: String,
    statement: String,
}

impl ListPage {
    fn date(&self, at: &i64) -> String {
        super::when(at)
            .split(',')
            .next()
            .unwrap_or_default()
            .to_owned()
    }
}

/// `GET /stories`
pub async fn list(
    State(state): State<AppState>,
    Query(query): Query<StoriesQuery>,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let framework = mir_app::directory::framework(&state.store).await?;
    let statements: Vec<String> = if !query.statement.is_empty() {
        vec![query.statement.clone()]
    } else if let (false, Some(f)) = (query.theme.is_empty(), framework.as_ref()) {
        let codes: Vec<String> = f
            .statements_in(&query.theme)
            .map(|s| s.code.clone())
            .collect();
        if codes.is_empty() {
            vec!["-".into()]
        } else {
            codes
        }
    } else {
        Vec::new()
    };
    let stories = stories::list(&state.store, &statements, 50).await?;
    ok(&ListPage {
        ctx,
        stories,
        framework,
        theme: query.theme,
        statement: query.statement,
    })
}

#[derive(Template)]
#[template(path = "stories/story.html")]
struct StoryPage {
    ctx: PageContext,
    story: Story,
    html: String,
    statements: Vec<Statement>,
}

impl StoryPage {
    fn date(&self, at: &i64) -> String {
        super::when(at)
            .split(',')
            .next()
            .unwrap_or_default()
            .to_owned()
    }
}

/// `GET /stories/{id}`
pub async fn show(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    ctx: PageContext,
) -> Result<Response, WebError> {
    let story = stories::story(&state.store, id).await?;
    let framework = mir_app::directory::framework(&state.store).await?;
    let statements = framework
        .map(|f| {
            story
                .statements
                .iter()
                .filter_map(|c| f.statement(c).cloned())
                .collect()
        })
        .unwrap_or_default();
    let html = story_html(&story.body);
    ok(&StoryPage {
        ctx,
        story,
        html,
        statements,
    })
}

#[derive(Template)]
#[template(path = "stories/new.html")]
struct NewPage {
    ctx: PageContext,
    slug: String,
    name: String,
    statements: Vec<Statement>,
    form: StoryForm,
    errors: FieldErrors,
    max_chars: usize,
}

impl NewPage {
    fn chosen(&self, code: &str) -> bool {
        self.form.statements.iter().any(|c| c == code)
    }
}

async fn new_page(
    state: &AppState,
    actor: &mir_app::Actor,
    slug: &str,
    ctx: PageContext,
    form: StoryForm,
    errors: FieldErrors,
) -> Result<NewPage, WebError> {
    let ws = mir_app::plans::workspace(&state.store, actor, slug).await?;
    if !ws.can_edit {
        return Err(WebError::Forbidden);
    }
    Ok(NewPage {
        ctx,
        slug: slug.to_owned(),
        name: ws.organisation.name.clone(),
        statements: ws
            .framework
            .map(|f| f.statements.clone())
            .unwrap_or_default(),
        form,
        errors,
        max_chars: MAX_STORY_CHARS,
    })
}

/// `GET /manage/organisations/{slug}/stories/new`
pub async fn new(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(slug): Path<Slug>,
    ctx: PageContext,
) -> Result<Response, WebError> {
    ok(&new_page(
        &state,
        &actor,
        &slug,
        ctx,
        StoryForm::default(),
        FieldErrors::new(),
    )
    .await?)
}

/// `POST /manage/organisations/{slug}/stories/new`
pub async fn publish(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(slug): Path<Slug>,
    session: Session,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<StoryForm>,
) -> Result<Response, WebError> {
    match form::answer(
        stories::publish(&state.store, &actor, &slug, &form).await,
        "title",
    )? {
        Outcome::Done(id) => Ok(form::saved(
            &session,
            "Your story is published.",
            &format!("/stories/{id}"),
        )),
        Outcome::Rejected(rejection) => render(
            rejection.status,
            &new_page(&state, &actor, &slug, ctx, form, rejection.errors).await?,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::story_html;

    #[test]
    fn stories_are_markdown_without_anything_dangerous() {
        let html = story_html(
            "# Hi\n\n**bold** <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>",
        );
        assert!(html.contains("<strong>bold</strong>"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("javascript:"));
        assert!(!html.contains("onerror"));
    }

    /// Pieces an attacker would mix into a story, with plain Markdown and any text between.
    fn hostile_markdown() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            Just("<script>alert(1)</script>".to_owned()),
            Just("<img src=x onerror=alert(1)>".to_owned()),
            Just("[x](javascript:alert(1))".to_owned()),
            Just("[x](JaVaScRiPt:alert(1))".to_owned()),
            Just("<a href=\"javascript&#58;alert(1)\">x</a>".to_owned()),
            Just("<svg onload=alert(1)>".to_owned()),
            Just("<iframe src=//evil.example></iframe>".to_owned()),
            Just("<style>*{}</style>".to_owned()),
            Just("<div style=\"x\" onclick=\"y\">".to_owned()),
            Just("**bold** _it_ `code`\n\n# h\n> q\n- li\n".to_owned()),
            Just("<".to_owned()),
            Just("\"'`=".to_owned()),
            "\\PC{0,40}",
        ];
        proptest::collection::vec(piece, 0..12).prop_map(|pieces| pieces.concat())
    }

    proptest::proptest! {
        // PROPTEST_CASES sets how many (scripts/property-tests runs 100,000).
        #![proptest_config(proptest::test_runner::Config {
            cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(1_000),
            ..proptest::test_runner::Config::default()
        })]

        #[test]
        fn no_story_text_leaves_a_script_a_handler_or_a_javascript_link(markdown in hostile_markdown()) {
            let html = story_html(&markdown);
            // Read as a browser would: escaped text such as `&lt;img onerror=…&gt;` is harmless.
            let parsed = scraper::Html::parse_fragment(&html);
            for element in parsed.root_element().descendants().filter_map(scraper::ElementRef::wrap) {
                let name = element.value().name();
                proptest::prop_assert!(!["script", "iframe", "style", "svg", "object", "embed"].contains(&name), "{html}");
                for (attribute, value) in element.value().attrs() {
                    let attribute = attribute.to_ascii_lowercase();
                    proptest::prop_assert!(!attribute.starts_with("on") && attribute != "style", "{html}");
                    let value: String = value.chars().filter(|c| !c.is_whitespace()).collect();
                    proptest::prop_assert!(!value.to_ascii_lowercase().starts_with("javascript:"), "{html}");
                }
            }
        }
    }
}
