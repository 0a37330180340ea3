//! Demonstration data, so `mir serve --demo` shows a living platform to a newcomer.
//!
//! Every name is invented and marked as a demonstration. Loading is idempotent: everything is
//! keyed by a natural key (a slug) and added only if absent, so a second run adds nothing.

use mir_domain::framework::parse_toml;
use mir_domain::organisation::{OrgSlug, OrganisationKind};
use mir_store::{FrameworkRepo, MetaRepo, NewOrganisation, OrganisationRepo};

use crate::AppError;
use crate::frameworks::import_framework;
use crate::policy::Actor;

/// The demonstration framework shipped with the code, with its pictures.
pub const DEMO_FRAMEWORK: &str = include_str!("../../../frameworks/demonstration/framework.toml");
const DEMO_PICTURES: [(&str, &[u8]); 4] = [
    (
        "people.svg",
        include_bytes!("../../../frameworks/demonstration/people.svg"),
    ),
    (
        "talk.svg",
        include_bytes!("../../../frameworks/demonstration/talk.svg"),
    ),
    (
        "plan.svg",
        include_bytes!("../../../frameworks/demonstration/plan.svg"),
    ),
    (
        "share.svg",
        include_bytes!("../../../frameworks/demonstration/share.svg"),
    ),
];

fn demo_picture(file: &str) -> Option<Vec<u8>> {
    DEMO_PICTURES
        .iter()
        .find(|(name, _)| *name == file)
        .map(|(_, bytes)| bytes.to_vec())
}

/// What one run of the loader added.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DemoReport {
    pub organisations_added: usize,
    pub framework_imported: bool,
}

const DEMO_ORGANISATIONS: [(&str, &str, OrganisationKind); 5] = [
    (
        "demo-riverside-council",
        "Riverside Council (demonstration)",
        OrganisationKind::Council,
    ),
    (
        "demo-oakfield-home-care",
        "Oakfield Home Care (demonstration)",
        OrganisationKind::CareProvider,
    ),
    (
        "demo-northgate-peoples-voice",
        "Northgate People's Voice (demonstration)",
        OrganisationKind::UserLed,
    ),
    (
        "demo-hillcrest-nhs-trust",
        "Hillcrest Community NHS Trust (demonstration)",
        OrganisationKind::NhsBody,
    ),
    (
        "demo-brookside-housing",
        "Brookside Housing Association (demonstration)",
        OrganisationKind::Housing,
    ),
];

/// Loads the demonstration data; safe to run any number of times.
pub async fn load_demo_data(
    store: &(impl OrganisationRepo + MetaRepo + FrameworkRepo),
) -> Result<DemoReport, AppError> {
    let mut report = DemoReport::default();
    let framework = parse_toml(DEMO_FRAMEWORK).map_err(AppError::InvalidFile)?;
    let meta = &framework.meta;
    if store
        .load_framework(&meta.slug, Some(&meta.version))
        .await?
        .is_none()
    {
        import_framework(store, &Actor::Operator, DEMO_FRAMEWORK, &demo_picture).await?;
        report.framework_imported = true;
    }
    let now = mir_store::now();
    for (slug, name, kind) in DEMO_ORGANISATIONS {
        let slug = OrgSlug::parse(slug)
            .map_err(|e| AppError::Store(mir_store::StoreError::Corrupt(e.to_string())))?;
        let org = NewOrganisation {
            slug,
            name: name.to_owned(),
            kind,
            is_demo: true,
        };
        if store.insert_organisation_if_absent(&org, now).await? {
            report.organisations_added += 1;
        }
    }
    store
        .set_meta_if_absent("demo_loaded_at", &now.to_string())
        .await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use mir_store::testing::TestDb;

    #[tokio::test]
    async fn loads_once_and_a_second_run_adds_nothing() {
        let db = TestDb::sqlite().await.expect("db");
        let first = load_demo_data(&db.store).await.expect("first load");
        assert_eq!(first.organisations_added, DEMO_ORGANISATIONS.len());
        assert!(first.framework_imported);
        let second = load_demo_data(&db.store).await.expect("second load");
        assert_eq!(second, DemoReport::default());
        assert_eq!(db.store.count_organisations().await.expect("count"), 5);
        let listed = db.store.recent_organisations(10).await.expect("list");
        assert!(
            listed
                .iter()
                .all(|o| o.is_demo && o.name.contains("demonstration"))
        );
        db.cleanup().await;
    }
}
