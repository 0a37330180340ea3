//! Good practice stories: a group publishes a short story (Markdown) about how it improved on
//! some statements; everyone can read them, filter them, and find them from statement pages.

use mir_domain::validation::{FieldErrors, Lines, check_characters};
use mir_store::{Story, StoryRepo};
use serde_json::json;

use crate::AppError;
use crate::plans::{PlanStore, workspace};
use crate::policy::{Actor, GroupAction, authorize_in_group};

pub const MAX_STORY_CHARS: usize = 10_000;

/// The story form as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct StoryForm {
    pub title: String,
    pub body: String,
    pub statements: Vec<String>,
}

/// Publishes a story for the group (those who may change the plan may publish stories).
pub async fn publish(
    store: &impl PlanStore,
    actor: &Actor,
    slug: &str,
    form: &StoryForm,
) -> Result<i64, AppError> {
    let ws = workspace(store, actor, slug).await?;
    authorize_in_group(ws.me.role, ws.me.is_co_chair, GroupAction::EditPlan)?;
    let mut errors = FieldErrors::new();
    let title = form.title.trim();
    if title.is_empty() {
        errors.add("title", "Enter a title for the story");
    } else if title.chars().count() > 150 {
        errors.add("title", "The title must be 150 characters or fewer");
    } else {
        check_characters(&mut errors, "title", title, Lines::One);
    }
    let body = form.body.trim();
    if body.is_empty() {
        errors.add("body", "Write the story");
    } else if body.chars().count() > MAX_STORY_CHARS {
        errors.add("body", "The story must be 10,000 characters or fewer");
    } else {
        check_characters(&mut errors, "body", body, Lines::Many);
    }
    let codes = ws.statement_codes();
    let statements: Vec<String> = codes
        .iter()
        .filter(|c| form.statements.contains(c))
        .cloned()
        .collect();
    if statements.is_empty() {
        errors.add(
            "statements",
            "Choose at least one statement the story is about",
        );
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let id = store
        .publish_story(
            ws.organisation.id,
            title,
            body,
            &statements,
            ws.me.person_id,
            mir_store::now(),
        )
        .await?;
    crate::audit::record(
        store,
        Some(ws.organisation.id),
        actor,
        "story published",
        json!({"story": id}),
    )
    .await?;
    if ws.organisation.status.is_public() {
        crate::search::reindex(store, &ws.organisation.slug).await?;
    }
    Ok(id)
}

pub async fn story(store: &impl StoryRepo, id: i64) -> Result<Story, AppError> {
    store.story(id).await?.ok_or(AppError::NotFound)
}

/// The newest stories about any of `statements` (all stories when empty), at most `limit`.
/// Public.
pub async fn list(
    store: &impl StoryRepo,
    statements: &[String],
    limit: i64,
) -> Result<Vec<Story>, AppError> {
    Ok(store.stories(statements, limit).await?)
}
