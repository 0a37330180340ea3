//! Importing, exporting and reading statement frameworks.

use std::collections::BTreeSet;

use mir_domain::framework::{
    EasyReadGap, Framework, Problem, export_toml, parse_toml_draft, parse_toml_with_pictures,
};
use mir_store::{
    FrameworkRepo, FrameworkUploadRepo, FrameworkVersionSummary, PictureFile, StoreError,
};

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
    picture: &(dyn Fn(&str) -> Option<Vec<u8>> + Sync),
) -> Result<ImportReport, AppError> {
    authorize(actor, Action::ImportFramework)?;
    let mut framework = parse_toml_with_pictures(source, &|file| picture(file).is_some())
        .map_err(AppError::InvalidFile)?;
    resolve_mapping(store, &mut framework).await?;
    let names = framework.picture_files();
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

/// Completes a version's mapping from the earlier version, which must be imported: every
/// earlier statement is listed, those the file does not list keeping their code if this
/// version has it and retired otherwise. Earlier codes the file names must exist.
async fn resolve_mapping(
    store: &impl FrameworkRepo,
    framework: &mut Framework,
) -> Result<(), AppError> {
    let slug = framework.meta.slug.clone();
    let codes: Vec<String> = framework
        .statements
        .iter()
        .map(|s| s.code.clone())
        .collect();
    let Some(mapping) = framework.mapping.as_mut() else {
        return Ok(());
    };
    let earlier = store
        .load_framework(&slug, Some(&mapping.from_version))
        .await?
        .ok_or_else(|| {
            AppError::Conflict(format!(
                "the [mapping] is from version {} of {slug}, which is not imported: import that version first",
                mapping.from_version
            ))
        })?;
    let unknown: Vec<&str> = mapping
        .moves
        .iter()
        .map(|m| m.from.as_str())
        .filter(|c| earlier.statement(c).is_none())
        .collect();
    if !unknown.is_empty() {
        return Err(AppError::Conflict(format!(
            "the [mapping] names {} that version {} does not have: {}",
            if unknown.len() == 1 {
                "a statement"
            } else {
                "statements"
            },
            mapping.from_version,
            unknown.join(", ")
        )));
    }
    let listed = std::mem::take(&mut mapping.moves);
    mapping.moves = earlier
        .statements
        .iter()
        .map(|old| {
            listed
                .iter()
                .find(|m| m.from == old.code)
                .cloned()
                .unwrap_or_else(|| mir_domain::framework::StatementMove {
                    from: old.code.clone(),
                    to: if codes.contains(&old.code) {
                        vec![old.code.clone()]
                    } else {
                        Vec::new()
                    },
                })
        })
        .collect();
    Ok(())
}

/// The file for one version (the current one if `version` is `None`).
pub async fn export_framework(
    store: &impl FrameworkRepo,
    actor: &Actor,
    slug: &str,
    version: Option<&str>,
) -> Result<ExportedFramework, AppError> {
    let framework = framework(store, actor, slug, version).await?;
    let text = export_toml(&framework)
        .map_err(|e| AppError::Conflict(format!("could not write the file: {e}")))?;
    // Each picture the file names, once, to be written beside it: the file is then imported
    // again as it is.
    let names = framework.picture_files();
    let mut pictures = Vec::with_capacity(names.len());
    for name in names {
        let file = store
            .framework_picture(slug, &framework.meta.version, name)
            .await?
            .ok_or_else(|| AppError::Internal(format!("the stored picture {name} is missing")))?;
        pictures.push((name.to_owned(), file.bytes));
    }
    Ok(ExportedFramework { text, pictures })
}

/// A framework version as a file, with the pictures it names.
#[derive(Debug, Clone)]
pub struct ExportedFramework {
    /// The framework file (TOML).
    pub text: String,
    /// Each picture's file name and bytes, to be written beside the file.
    pub pictures: Vec<(String, Vec<u8>)>,
}

/// One version of a framework for reading; [`AppError::NotFound`] if there is none.
pub async fn framework(
    store: &impl FrameworkRepo,
    actor: &Actor,
    slug: &str,
    version: Option<&str>,
) -> Result<std::sync::Arc<Framework>, AppError> {
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
        assert!(file.text.contains("[[statements]]"));
        let names: Vec<&str> = file.pictures.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["people.svg", "plan.svg", "share.svg", "talk.svg"]);
        assert_eq!(
            file.pictures[0].1,
            pictures("people.svg").expect("a picture"),
            "the stored bytes"
        );
        db.cleanup().await;
    }

    #[tokio::test]
    async fn a_new_version_maps_from_the_one_before_and_round_trips() {
        const NEXT: &str = include_str!("../../../frameworks/demonstration/framework-2026.2.toml");
        let db = TestDb::sqlite().await.expect("db");
        // The earlier version must be there first.
        let alone = import_framework(&db.store, &Actor::Operator, NEXT, &pictures).await;
        assert!(
            matches!(&alone, Err(AppError::Conflict(m)) if m.contains("import that version first")),
            "{alone:?}"
        );
        import_framework(&db.store, &Actor::Operator, DEMO, &pictures)
            .await
            .expect("2026.1");
        let unknown = NEXT.replacen("from = \"AC-I3\"", "from = \"ZZ-I9\"", 1);
        let refused = import_framework(&db.store, &Actor::Operator, &unknown, &pictures).await;
        assert!(
            matches!(&refused, Err(AppError::Conflict(m)) if m.contains("ZZ-I9")),
            "{refused:?}"
        );
        import_framework(&db.store, &Actor::Operator, NEXT, &pictures)
            .await
            .expect("2026.2");
        let next = framework(
            &db.store,
            &Actor::Anonymous,
            "demonstration",
            Some("2026.2"),
        )
        .await
        .expect("load");
        let mapping = next.mapping.as_ref().expect("a mapping");
        assert_eq!(mapping.from_version, "2026.1");
        assert_eq!(mapping.moves.len(), 30, "every earlier statement, resolved");
        assert_eq!(mapping.became("AC-I3"), Some(&[][..]));
        assert_eq!(
            mapping.became("WF-We2").map(<[String]>::to_vec),
            Some(vec!["WF-We2".to_owned(), "WF-We3".to_owned()])
        );
        assert_eq!(
            mapping.became("WB-I1").map(<[String]>::to_vec),
            Some(vec!["WB-I1".to_owned()])
        );
        // Exported and imported into another database, it is the same version.
        let file = export_framework(
            &db.store,
            &Actor::Anonymous,
            "demonstration",
            Some("2026.2"),
        )
        .await
        .expect("export");
        let other = TestDb::sqlite().await.expect("db");
        import_framework(&other.store, &Actor::Operator, DEMO, &pictures)
            .await
            .expect("2026.1");
        let picture = |name: &str| {
            file.pictures
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, b)| b.clone())
        };
        import_framework(&other.store, &Actor::Operator, &file.text, &picture)
            .await
            .expect("re-import");
        let again = framework(
            &other.store,
            &Actor::Anonymous,
            "demonstration",
            Some("2026.2"),
        )
        .await
        .expect("load");
        assert_eq!(*again, *next);
        db.cleanup().await;
        other.cleanup().await;
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

/// A framework file uploaded in the browser and checked, waiting to be published.
#[derive(Debug, Clone)]
pub struct UploadPreview {
    pub upload_id: i64,
    pub file_name: String,
    pub framework: Framework,
    pub pictures: Vec<String>,
    /// Easy Read texts still to write: a framework is published only without any.
    pub gaps: Vec<EasyReadGap>,
}

fn person_id(actor: &Actor) -> Result<i64, AppError> {
    match actor {
        Actor::Person { id, .. } => Ok(*id),
        _ => Err(AppError::Forbidden),
    }
}

/// Files a browser sent: the framework file, and pictures it may name.
#[derive(Debug, Clone)]
pub struct UploadedFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// One framework file is parsed at a time per server, off the threads that answer requests:
/// a large or hostile upload then costs one core for a while, never the whole site
/// (finding 14: `/healthz` and every page keep answering).
static PARSING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

/// Parses a framework file on a blocking thread, one at a time. Uploads are drafts: Easy
/// Read may be missing until it is written on the admin pages (publishing checks it).
async fn parse_off_request_threads(
    source: String,
    pictures: Vec<String>,
) -> Result<Framework, AppError> {
    let _turn = PARSING
        .acquire()
        .await
        .map_err(|e| AppError::Conflict(format!("the server is stopping: {e}")))?;
    tokio::task::spawn_blocking(move || {
        parse_toml_draft(&source, &|name| pictures.iter().any(|p| p == name))
    })
    .await
    .map_err(|e| AppError::Conflict(format!("checking the file stopped: {e}")))?
    .map_err(AppError::InvalidFile)
}

/// Checks an uploaded framework file and keeps it for preview. Nothing is published yet.
pub async fn upload_framework(
    store: &(impl FrameworkRepo + FrameworkUploadRepo),
    actor: &Actor,
    framework_file: &UploadedFile,
    pictures: &[UploadedFile],
) -> Result<UploadPreview, AppError> {
    authorize(actor, Action::ImportFramework)?;
    let owner = person_id(actor)?;
    let Ok(source) = std::str::from_utf8(&framework_file.bytes) else {
        return Err(AppError::InvalidFile(vec![Problem {
            line: 1,
            column: 1,
            message: "the file is not text (UTF-8): save it as plain text and try again".into(),
        }]));
    };
    let find = |name: &str| pictures.iter().find(|p| p.name == name);
    let names = pictures.iter().map(|p| p.name.clone()).collect();
    let framework = parse_off_request_threads(source.to_owned(), names).await?;
    let meta = &framework.meta;
    if store
        .load_framework(&meta.slug, Some(&meta.version))
        .await?
        .is_some()
    {
        return Err(AppError::Conflict(format!(
            "version {} of framework {} is already published: give the file a new version",
            meta.version, meta.slug
        )));
    }
    let used: BTreeSet<&str> = framework
        .statements
        .iter()
        .filter_map(|s| s.picture.as_ref().map(|p| p.file.as_str()))
        .collect();
    let kept: Vec<PictureFile> = used
        .iter()
        .filter_map(|name| find(name))
        .map(|p| PictureFile {
            file_name: p.name.clone(),
            content_type: content_type(&p.name).to_owned(),
            bytes: p.bytes.clone(),
        })
        .collect();
    let upload_id = store
        .insert_framework_upload(owner, &framework_file.name, source, &kept, mir_store::now())
        .await?;
    Ok(UploadPreview {
        upload_id,
        file_name: framework_file.name.clone(),
        gaps: framework.easy_read_gaps(),
        framework,
        pictures: kept.into_iter().map(|p| p.file_name).collect(),
    })
}

/// An upload of the actor's, parsed again for its preview page.
pub async fn preview_upload(
    store: &impl FrameworkUploadRepo,
    actor: &Actor,
    upload_id: i64,
) -> Result<UploadPreview, AppError> {
    authorize(actor, Action::ImportFramework)?;
    let upload = store
        .framework_upload(upload_id, person_id(actor)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let pictures: Vec<String> = upload
        .pictures
        .iter()
        .map(|p| p.file_name.clone())
        .collect();
    let framework = parse_off_request_threads(upload.source.clone(), pictures.clone()).await?;
    Ok(UploadPreview {
        upload_id,
        file_name: upload.file_name,
        gaps: framework.easy_read_gaps(),
        framework,
        pictures,
    })
}

/// Writes Easy Read texts into a draft upload: `texts` are `(gap key, text)`; empty ones are
/// left for later. Every text is checked first and nothing is saved if one is wrong (each
/// problem is named by its field, `easy-KEY`). Returns how many are still missing.
pub async fn write_easy_read(
    store: &impl FrameworkUploadRepo,
    actor: &Actor,
    upload_id: i64,
    texts: &[(String, String)],
) -> Result<usize, AppError> {
    let mut preview = preview_upload(store, actor, upload_id).await?;
    let mut errors = mir_domain::validation::FieldErrors::new();
    let mut written = 0;
    // Looked up once per gap: a form with many repeated fields costs linear time, not
    // fields × gaps. The first value of a repeated field counts.
    let mut typed_by_key: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    for (key, value) in texts {
        typed_by_key.entry(key.as_str()).or_insert(value.as_str());
    }
    for gap in &preview.gaps {
        let Some(typed) = typed_by_key.get(gap.key.as_str()) else {
            continue;
        };
        let typed = typed.trim();
        let field = format!("easy-{}", gap.key);
        if typed.is_empty() {
            continue;
        } else if typed.chars().count() > gap.max_chars {
            errors.add(
                field,
                format!("This must be {} characters or fewer", gap.max_chars),
            );
        } else if let Some(problem) =
            mir_domain::validation::character_problem(typed, mir_domain::validation::Lines::One)
        {
            errors.add(field, problem);
        } else if preview.framework.set_easy_read(&gap.key, typed) {
            written += 1;
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    if written > 0 {
        let source = export_toml(&preview.framework)
            .map_err(|e| AppError::Internal(format!("could not write the draft: {e}")))?;
        if !store
            .replace_framework_upload_source(upload_id, person_id(actor)?, &source)
            .await?
        {
            return Err(AppError::NotFound);
        }
    }
    Ok(preview.framework.easy_read_gaps().len())
}

/// Publishes a previewed upload as a new framework version, then forgets the upload.
pub async fn publish_upload(
    store: &(impl FrameworkRepo + FrameworkUploadRepo),
    actor: &Actor,
    upload_id: i64,
) -> Result<ImportReport, AppError> {
    authorize(actor, Action::ImportFramework)?;
    let upload = store
        .framework_upload(upload_id, person_id(actor)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let names = upload
        .pictures
        .iter()
        .map(|p| p.file_name.clone())
        .collect();
    let missing = parse_off_request_threads(upload.source.clone(), names)
        .await?
        .easy_read_gaps()
        .len();
    if missing > 0 {
        return Err(AppError::Conflict(format!(
            "{missing} {} still need Easy Read words: write them before publishing",
            if missing == 1 { "text" } else { "texts" }
        )));
    }
    let picture = |name: &str| {
        upload
            .pictures
            .iter()
            .find(|p| p.file_name == name)
            .map(|p| p.bytes.clone())
    };
    let report = import_framework(store, actor, &upload.source, &picture).await?;
    store.delete_framework_upload(upload_id).await?;
    Ok(report)
}

/// Throws away an upload without publishing it.
pub async fn discard_upload(
    store: &impl FrameworkUploadRepo,
    actor: &Actor,
    upload_id: i64,
) -> Result<(), AppError> {
    authorize(actor, Action::ImportFramework)?;
    let owner = person_id(actor)?;
    if store.framework_upload(upload_id, owner).await?.is_none() {
        return Err(AppError::NotFound);
    }
    store.delete_framework_upload(upload_id).await?;
    Ok(())
}

#[cfg(test)]
mod upload_tests {
    use super::*;
    use mir_store::PeopleRepo;
    use mir_store::testing::TestDb;

    const DEMO: &str = include_str!("../../../frameworks/demonstration/framework.toml");

    fn picture(name: &str) -> UploadedFile {
        UploadedFile {
            name: name.into(),
            bytes: b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec(),
        }
    }

    #[tokio::test]
    async fn upload_preview_then_publish() {
        let db = TestDb::sqlite().await.expect("db");
        let admin = db
            .store
            .upsert_person("admin@example.org", true, 1)
            .await
            .expect("admin");
        let actor = Actor::Person {
            id: admin.id,
            national_admin: true,
        };
        let staff = Actor::Person {
            id: admin.id + 1,
            national_admin: false,
        };
        let file = UploadedFile {
            name: "demo.toml".into(),
            bytes: DEMO.as_bytes().to_vec(),
        };
        let pictures: Vec<UploadedFile> = [
            "people.svg",
            "talk.svg",
            "plan.svg",
            "share.svg",
            "unused.svg",
        ]
        .map(picture)
        .into();

        assert!(matches!(
            upload_framework(&db.store, &staff, &file, &pictures).await,
            Err(AppError::Forbidden)
        ));
        let preview = upload_framework(&db.store, &actor, &file, &pictures)
            .await
            .expect("upload");
        assert_eq!(
            preview.pictures.len(),
            4,
            "only the pictures the file names are kept"
        );
        assert!(
            db.store
                .framework_versions()
                .await
                .expect("list")
                .is_empty(),
            "not published yet"
        );
        let again = preview_upload(&db.store, &actor, preview.upload_id)
            .await
            .expect("preview");
        assert_eq!(again.framework, preview.framework);
        assert!(matches!(
            preview_upload(&db.store, &staff, preview.upload_id).await,
            Err(AppError::Forbidden)
        ));

        let report = publish_upload(&db.store, &actor, preview.upload_id)
            .await
            .expect("publish");
        assert_eq!(report.statements, 30);
        assert!(matches!(
            preview_upload(&db.store, &actor, preview.upload_id).await,
            Err(AppError::NotFound)
        ));
        // The same version again is refused at upload, before any preview.
        assert!(matches!(
            upload_framework(&db.store, &actor, &file, &pictures).await,
            Err(AppError::Conflict(_))
        ));
        db.cleanup().await;
    }

    #[tokio::test]
    async fn problems_come_back_with_lines_and_nothing_is_kept() {
        let db = TestDb::sqlite().await.expect("db");
        let admin = db
            .store
            .upsert_person("admin@example.org", true, 1)
            .await
            .expect("admin");
        let actor = Actor::Person {
            id: admin.id,
            national_admin: true,
        };
        let broken = DEMO.replacen("kind = \"We\"", "kind = \"They\"", 1);
        let file = UploadedFile {
            name: "broken.toml".into(),
            bytes: broken.into_bytes(),
        };
        match upload_framework(&db.store, &actor, &file, &[]).await {
            Err(AppError::InvalidFile(problems)) => {
                assert!(problems.iter().any(|p| p.message.contains("\"They\"")));
                assert!(
                    problems.iter().any(|p| p.message.contains("not beside")),
                    "pictures missing"
                );
            }
            other => panic!("expected problems, got {other:?}"),
        }
        let binary = UploadedFile {
            name: "x.toml".into(),
            bytes: vec![0xff, 0xfe, 0x00],
        };
        assert!(matches!(
            upload_framework(&db.store, &actor, &binary, &[]).await,
            Err(AppError::InvalidFile(_))
        ));
        db.cleanup().await;
    }
}
