//! What the home page shows of the national picture.

use mir_store::{OrganisationRepo, OrganisationSummary};

use crate::AppError;
use crate::policy::{Action, Actor, authorize};

#[derive(Debug, Clone)]
pub struct HomeSummary {
    pub organisation_count: i64,
    pub recent_organisations: Vec<OrganisationSummary>,
}

pub async fn home_summary(
    store: &impl OrganisationRepo,
    actor: &Actor,
) -> Result<HomeSummary, AppError> {
    authorize(actor, Action::ViewPublicPages)?;
    Ok(HomeSummary {
        organisation_count: store.count_organisations().await?,
        recent_organisations: store.recent_organisations(6).await?,
    })
}
