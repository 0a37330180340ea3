//! Demonstration data, so `mir serve --demo` shows a living platform to a newcomer.
//!
//! Every name is invented and marked as a demonstration. Loading is idempotent: everything is
//! keyed by a natural key (a slug) and added only if absent, so a second run adds nothing.

use mir_domain::organisation::{OrgSlug, OrganisationKind};
use mir_store::{MetaRepo, NewOrganisation, OrganisationRepo};

use crate::AppError;

/// What one run of the loader added.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DemoReport {
    pub organisations_added: usize,
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
    store: &(impl OrganisationRepo + MetaRepo),
) -> Result<DemoReport, AppError> {
    let mut report = DemoReport::default();
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
