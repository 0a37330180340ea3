//! Importing, exporting and reading statement frameworks.

use std::collections::BTreeSet;

use mir_domain::framework::{Framework, export_toml, parse_toml_with_pictures};
use mir_store::{FrameworkRepo, FrameworkVersionSummary, PictureFile, StoreError};

use crate::AppError;
use crate::policy::{Action, Actor, authorize};

/// What an import added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub slug: String,
    pub version: String,
    pub themes: usize,
    pub statements: usize,
    pub pairs: usize,
    pub pictures: usize,
}

/// The content type for a picture file name (already checked to be .svg, .png or .jp(e)g).
fn content_type(file: &str) -> &'static str {
    let lower = file.to_ascii_lowercase();
    if lower.ends_with(".svg") {
        "image/svg+xml"
    } else if lower.ends_with(".png") {
        "image/png"
    } else {
        "image/jpeg"
    }
}

/// Validates a framework file and imports it as a new version, with the pictures it names.
/// `picture` reads a file beside the framework file (`None` if it is not there).
/// Nothing is stored unless everything is valid.
pub async fn import_framework(
    store: &impl FrameworkRepo,
    actor: &Actor,
    source: &str,
    picture: &dyn Fn(&str) -> Option<Vec<u8>>,
) -> Result<ImportReport, AppError> {
    authorize(actor, Action::ImportFramework)?;
    let framework = parse_toml_with_pictures(source, &|file| picture(file).is_some())
        .map_err(AppError::InvalidFile)?;
    let names: BTreeSet<&str> = framework
        .statements
        .iter()
        .filter_map(|s| s.picture.as_ref().map(|p| p.file.as_str()))
        .collect();
    let mut pictures = Vec::with_capacity(names.len());
    for name in names {
        let bytes = picture(name).ok_or_else(|| {
            AppError::Conflict(format!("the picture {name} disappeared during the import"))
        })?;
        pictures.push(PictureFile {
            file_name: name.to_owned(),
            content_type: content_type(name).to_owned(),
            bytes,
        });
    }
    match store
        .insert_framework_version(&framework, &pictures, mir_store::now())
        .await
    {
        Ok(_) => {}
        Err(StoreError::AlreadyExists(message)) => return Err(AppError::Conflict(message)),
        Err(other) => return Err(other.into()),
    }
    tracing::info!(slug = %framework.meta.slug, version = %framework.meta.version, "framework imported");
    Ok(ImportReport {
        slug: framework.meta.slug.clone(),
        version: framework.meta.version.clone(),
        themes: framework.themes.len(),
        statements: framework.statements.len(),
        pairs: framework.pair_count(),
        pictures: pictures.len(),
    })
}

/// The file for one version (the current one if `version` is `None`).
pub async fn export_framework(
    store: &impl FrameworkRepo,
    actor: &Actor,
    slug: &str,
    version: Option<&str>,
) -> Result<String, AppError> {
    let framework = framework(store, actor, slug, version).await?;
    export_toml(&framework)
        .map_err(|e| AppError::Conflict(format!("could not write the file: {e}")))
}

/// One version of a framework for reading; [`AppError::NotFound`] if there is none.
pub async fn framework(
    store: &impl FrameworkRepo,
    actor: &Actor,
    slug: &str,
    version: Option<&str>,
) -> Result<Framework, AppError> {
    authorize(actor, Action::ViewPublicPages)?;
    store
        .load_framework(slug, version)
        .await?
        .ok_or(AppError::NotFound)
}

/// Every framework version, grouped by slug, newest first.
pub async fn framework_versions(
    store: &impl FrameworkRepo,
    actor: &Actor,
) -> Result<Vec<FrameworkVersionSummary>, AppError> {
    authorize(actor, Action::ViewPublicPages)?;
    Ok(store.framework_versions().await?)
}

/// A picture of a framework version.
pub async fn framework_picture(
    store: &impl FrameworkRepo,
    actor: &Actor,
    slug: &str,
    version: &str,
    file: &str,
) -> Result<PictureFile, AppError> {
    authorize(actor, Action::ViewPublicPages)?;
    store
        .framework_picture(slug, version, file)
        .await?
        .ok_or(AppError::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;
    use mir_store::testing::TestDb;

    const DEMO: &str = include_str!("../../../frameworks/demonstration/framework.toml");

    fn pictures(file: &str) -> Option<Vec<u8>> {
        ["people.svg", "talk.svg", "plan.svg", "share.svg"]
            .contains(&file)
            .then(|| b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec())
    }

    #[tokio::test]
    async fn imports_with_pictures_and_refuses_anonymous_visitors() {
        let db = TestDb::sqlite().await.expect("db");
        let refused = import_framework(&db.store, &Actor::Anonymous, DEMO, &pictures).await;
        assert!(matches!(refused, Err(AppError::Forbidden)));
        let report = import_framework(&db.store, &Actor::Operator, DEMO, &pictures)
            .await
            .expect("import");
        assert_eq!(
            (report.themes, report.statements, report.pictures),
            (6, 30, 4)
        );
        let again = import_framework(&db.store, &Actor::Operator, DEMO, &pictures).await;
        assert!(matches!(again, Err(AppError::Conflict(_))));
        let file = export_framework(&db.store, &Actor::Anonymous, "demonstration", None)
            .await
            .expect("export");
        assert!(file.contains("[[statements]]"));
        db.cleanup().await;
    }

    #[tokio::test]
    async fn missing_pictures_are_problems_with_lines_and_nothing_is_stored() {
        let db = TestDb::sqlite().await.expect("db");
        let result = import_framework(&db.store, &Actor::Operator, DEMO, &|_| None).await;
        match result {
            Err(AppError::InvalidFile(problems)) => {
                assert_eq!(problems.len(), 6, "one per statement with a picture");
                assert!(
                    problems
                        .iter()
                        .all(|p| p.message.contains("not beside the framework file"))
                );
            }
            other => panic!("expected problems, got {other:?}"),
        }
        assert!(
            db.store
                .framework_versions()
                .await
                .expect("list")
                .is_empty()
        );
        db.cleanup().await;
    }
}
