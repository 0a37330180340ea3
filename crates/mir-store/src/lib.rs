//! Storage for mir: one implementation that serves SQLite (the embedded default) and
//! PostgreSQL (larger deployments) through sqlx's `Any` driver and portable SQL.
//!
//! Each aggregate has a small trait (`SessionRepo`, `FeedbackRepo`, …) so use-cases name only
//! what they need; [`Store`] implements them all. Where the engines differ (DDL, later full-text
//! search) the code branches on [`Engine`] in one place. The conformance suite in `tests/` runs
//! every behaviour on both engines.

mod approvals;
mod audit;
mod bulk;
mod changes;
mod co_chair_requests;
mod crosswalks;
mod database_url;
mod directory;
mod email_preferences;
mod error;
mod feedback;
mod framework_moves;
mod framework_uploads;
mod frameworks;
mod jobs;
mod kept_forms;
mod live;
mod maintenance;
mod members;
mod meta;
mod organisations;
mod outbox;
mod partnerships;
mod people;
mod personal_data;
mod plans;
mod postcodes;
mod public_index;
mod rate_limits;
mod review_markers;
mod reviews;
mod search;
mod sessions;
mod sign_up;
mod store;
mod stories;
pub mod testing;
mod working_groups;

pub use approvals::{ApprovalOutcome, ApprovalRepo, PlanApproval, PlanPublication, VersionRow};
pub use audit::{AuditEvent, AuditRepo};
pub use bulk::NationalReport;
pub use changes::Changes;
pub use co_chair_requests::{CoChairChange, CoChairRequest, CoChairRequestRepo};
pub use database_url::{DatabaseUrl, Engine, UnsupportedDatabase};
pub use directory::{
    DirectoryEntry, DirectoryFilter, DirectoryRepo, DirectorySort, PublishedPriority, WorkingOn,
};
pub use email_preferences::EmailPreferenceRepo;
pub use error::StoreError;
pub use feedback::FeedbackRepo;
pub use framework_moves::{FrameworkMoveRepo, MoveApproval};
pub use framework_uploads::{FrameworkUpload, FrameworkUploadRepo};
pub use frameworks::{FrameworkRepo, FrameworkVersionSummary, PictureFile};
pub use jobs::{DatedAction, DigestItem, JobRepo};
pub use kept_forms::{KeptFormRepo, MAX_KEPT_FORMS};
pub use live::{
    Board, DotOutcome, DotTarget, IntoReviewOutcome, LiveCard, LiveGroup, LiveRepo, LiveSession,
    NewLiveSession, Participant,
};
pub use maintenance::TableDigest;
pub use members::{GroupLeader, Invitation, Member, MemberRepo, OrganisationRef};
pub use meta::MetaRepo;
pub use organisations::{NewOrganisation, OrganisationRepo, OrganisationSummary};
pub use outbox::{NewMail, OutboxRepo, OutboxReport, QueuedMail, StuckMail};
pub use partnerships::{
    InviteOutcome, NamedOrganisation, Partner, PartnershipLink, PartnershipRepo, REINVITE_AFTER,
};
pub use people::{PeopleRepo, Person, TokenPurpose, UsedToken};
pub use personal_data::{DELETED_PERSON, MyView, PersonalDataRepo, PersonalRecords};
pub use plans::{
    ActionRecord, ActionRow, OrganisationDetails, OrganisationProfile, PlanRepo, PriorityRecord,
    PriorityRow, UpdateRow,
};
pub use postcodes::{PostcodeRepo, PostcodeRow};
pub use rate_limits::RateLimitRepo;
pub use review_markers::{ActionHome, MarkerActionOutcome, MarkerCheck, MarkerCheckRepo};
pub use reviews::{
    Confirmation, NewReviewRecord, Position, Review, ReviewRepo, ReviewedPosition, SharedView,
    View, WorkshopView,
};
pub use search::{RANK_AMONG, SearchEntry, SearchHit, SearchRepo};
pub use sessions::{SessionRecord, SessionRepo};
pub use sign_up::{MembershipSummary, PendingOrganisation, SignUp, SignUpRepo};
pub use store::Store;
pub use stories::{Story, StoryRepo};
pub use working_groups::{WorkingGroup, WorkingGroupRepo};

/// Told how a long operation is going: what it is working on, how much is done, of how much.
/// The command line shows it as a progress bar (or plain lines); tests pass [`NO_PROGRESS`].
pub type Progress<'a> = &'a (dyn Fn(&str, u64, u64) + Sync);

/// A [`Progress`] that shows nothing.
pub const NO_PROGRESS: Progress<'static> = &|_, _, _| {};

/// Seconds since the Unix epoch: the one time representation stored in both engines.
pub type UnixTime = i64;

/// Takes an organisation's row for the rest of a transaction, so changes that must look at
/// the whole group first (how many co-chairs, how many areas) happen one at a time: a row lock
/// in PostgreSQL, the single writer's lock in SQLite (a write first, so it waits rather than
/// failing to upgrade a read).
pub(crate) async fn lock_organisation(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    organisation_id: i64,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE organisations SET name = name WHERE id = $1")
        .bind(organisation_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The current time as [`UnixTime`].
pub fn now() -> UnixTime {
    time::OffsetDateTime::now_utc().unix_timestamp()
}
