//! Who may do what. Every use-case asks [`authorize`] first; the route × role matrix test in
//! the web crate checks the same rules from the outside.
//!
//! To add a permission: add an [`Action`], decide it in [`permits`] (the `match` is exhaustive,
//! so the compiler lists every place to decide), and add its routes to the matrix test.

use crate::AppError;
use mir_domain::organisation::Role;

/// Who is asking: a visitor who has not signed in, the operator at the command line, or a
/// signed-in person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Anonymous,
    /// Whoever runs the `mir` command on the server: they hold the database already.
    Operator,
    /// A signed-in person.
    Person {
        id: i64,
        national_admin: bool,
    },
}

/// Everything someone can ask mir to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Public pages: home, frameworks, published plans, statements about the service.
    ViewPublicPages,
    /// Send feedback about the service from the contact page.
    SendFeedback,
    /// Import a new framework version (the national programme team, in the browser or from
    /// the command line).
    ImportFramework,
    /// See the national programme team's pages.
    ViewAdmin,
    /// Sign an organisation up (anyone; it then waits for approval).
    SignUpOrganisation,
    /// Approve or decline organisations that signed up.
    ApproveOrganisations,
    /// See everyone with an account; make or remove national administrators.
    ManageNationalAdmins,
    /// Create accounts and issue their first sign-in link (`mir admin create-user`).
    CreateAccounts,
    /// Read operational metrics (`/metrics`): counts and timings by route, no personal data.
    ViewMetrics,
}

impl Action {
    pub const ALL: [Action; 9] = [
        Action::ManageNationalAdmins,
        Action::ViewPublicPages,
        Action::SendFeedback,
        Action::ImportFramework,
        Action::ViewAdmin,
        Action::SignUpOrganisation,
        Action::ApproveOrganisations,
        Action::CreateAccounts,
        Action::ViewMetrics,
    ];
}

/// The policy itself.
pub fn permits(actor: &Actor, action: Action) -> bool {
    match (actor, action) {
        (Actor::Anonymous, Action::ViewPublicPages) => true,
        (Actor::Anonymous, Action::SendFeedback) => true,
        // Metrics hold route names and timings only; operators who want them private put
        // `/metrics` behind their proxy (docs/decisions/0007-operations.md).
        (Actor::Anonymous, Action::ViewMetrics) => true,
        // Anyone may sign an organisation up; it waits for the national programme team.
        (Actor::Anonymous, Action::SignUpOrganisation) => true,
        (
            Actor::Anonymous,
            Action::ImportFramework
            | Action::ViewAdmin
            | Action::CreateAccounts
            | Action::ApproveOrganisations
            | Action::ManageNationalAdmins,
        ) => false,
        (Actor::Operator, _) => true,
        (
            Actor::Person { .. },
            Action::ViewPublicPages
            | Action::SendFeedback
            | Action::ViewMetrics
            | Action::SignUpOrganisation,
        ) => true,
        // The national programme team keeps the frameworks.
        (
            Actor::Person { national_admin, .. },
            Action::ImportFramework
            | Action::ViewAdmin
            | Action::ApproveOrganisations
            | Action::ManageNationalAdmins,
        ) => *national_admin,
        // Accounts are created by signing up or from the command line, never by another person.
        (Actor::Person { .. }, Action::CreateAccounts) => false,
    }
}

/// What a member may do inside their organisation's co-production group. People outside the
/// group never get this far: for them the group does not exist (404).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupAction {
    /// See the workspace, the members and their roles.
    SeeWorkspace,
    /// Invite, remove, make co-chair, hand over administration.
    ManageMembers,
    /// Give their own views in a review, and see everyone's.
    GiveViews,
    /// Open and close reviews, set the cadence, type in workshop views, record positions.
    LeadReviews,
    /// Confirm an agreed position.
    ConfirmPositions,
    /// Add and change priorities and actions, and post progress updates.
    EditPlan,
    /// Approve the plan for publishing, and choose how updates are published.
    ApprovePlan,
    /// Run live co-production sessions: create, open and close them, group and hide cards,
    /// type in cards written on paper, turn what the room said into draft priorities.
    FacilitateSessions,
}

impl GroupAction {
    pub const ALL: [GroupAction; 8] = [
        GroupAction::SeeWorkspace,
        GroupAction::ManageMembers,
        GroupAction::GiveViews,
        GroupAction::LeadReviews,
        GroupAction::ConfirmPositions,
        GroupAction::EditPlan,
        GroupAction::ApprovePlan,
        GroupAction::FacilitateSessions,
    ];
}

/// The group's leaders: its administrators and co-chairs. They lead reviews, receive the
/// messages people send the group, and get its reminders.
pub fn leads_group(role: Role, is_co_chair: bool) -> bool {
    role == Role::Admin || is_co_chair
}

/// Whether the co-chairs who agreed something (a position in a review; a plan) are enough to
/// speak for the group: two of them, at least one an Expert by Experience or a carer, so that
/// staff alone never decide on behalf of the people who use services.
pub fn co_chairs_agree(confirmer_roles: &[Role]) -> bool {
    confirmer_roles.len() >= 2
        && confirmer_roles
            .iter()
            .any(|r| matches!(r, Role::ExpertByExperience | Role::Carer))
}

/// The group policy: by role and the co-chair mark.
pub fn group_permits(role: Role, is_co_chair: bool, action: GroupAction) -> bool {
    match action {
        GroupAction::SeeWorkspace | GroupAction::GiveViews => true,
        GroupAction::ManageMembers => role == Role::Admin,
        // Co-chairs lead the group's reviews with its administrators.
        GroupAction::LeadReviews => leads_group(role, is_co_chair),
        // Only co-chairs agree positions, and approve plans, on the group's behalf.
        GroupAction::ConfirmPositions | GroupAction::ApprovePlan => is_co_chair,
        // Staff do much of the work and report on it, with administrators and co-chairs.
        GroupAction::EditPlan => matches!(role, Role::Admin | Role::Staff) || is_co_chair,
        // Those who do the plan's work run the sessions that feed it (decision 0034).
        GroupAction::FacilitateSessions => matches!(role, Role::Admin | Role::Staff) || is_co_chair,
    }
}

/// `Ok(())` when the member may act, otherwise [`AppError::Forbidden`].
pub fn authorize_in_group(
    role: Role,
    is_co_chair: bool,
    action: GroupAction,
) -> Result<(), AppError> {
    if group_permits(role, is_co_chair, action) {
        Ok(())
    } else {
        tracing::info!(?role, is_co_chair, ?action, "refused by group policy");
        Err(AppError::Forbidden)
    }
}

/// `Ok(())` when the actor may act, otherwise [`AppError::Forbidden`].
pub fn authorize(actor: &Actor, action: Action) -> Result<(), AppError> {
    if permits(actor, action) {
        Ok(())
    } else {
        tracing::info!(?actor, ?action, "refused by policy");
        Err(AppError::Forbidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What one kind of member may do: a named field per [`GroupAction`], so a row without
    /// every action does not compile.
    struct May {
        see_workspace: bool,
        manage_members: bool,
        give_views: bool,
        lead_reviews: bool,
        confirm_positions: bool,
        edit_plan: bool,
        approve_plan: bool,
        facilitate_sessions: bool,
    }

    impl May {
        /// The expectation for one action (exhaustive: a new action must be placed here).
        fn action(&self, action: GroupAction) -> bool {
            match action {
                GroupAction::SeeWorkspace => self.see_workspace,
                GroupAction::ManageMembers => self.manage_members,
                GroupAction::GiveViews => self.give_views,
                GroupAction::LeadReviews => self.lead_reviews,
                GroupAction::ConfirmPositions => self.confirm_positions,
                GroupAction::EditPlan => self.edit_plan,
                GroupAction::ApprovePlan => self.approve_plan,
                GroupAction::FacilitateSessions => self.facilitate_sessions,
            }
        }
    }

    /// The group policy, written out as the people in the room would say it: every role, with
    /// and without the co-chair mark, against every action.
    fn expected(role: Role, co_chair: bool) -> May {
        let member = |edit_plan| May {
            see_workspace: true,
            manage_members: false,
            give_views: true,
            lead_reviews: false,
            confirm_positions: false,
            edit_plan,
            approve_plan: false,
            facilitate_sessions: edit_plan,
        };
        match (role, co_chair) {
            (Role::Admin, false) => May {
                manage_members: true,
                lead_reviews: true,
                ..member(true)
            },
            // A co-chair leads, confirms and approves, whatever their role.
            (_, true) => May {
                manage_members: role == Role::Admin,
                lead_reviews: true,
                confirm_positions: true,
                approve_plan: true,
                ..member(true)
            },
            // Staff do much of the plan's work; people who use services and carers give views.
            (Role::Staff, false) => member(true),
            (Role::ExpertByExperience | Role::Carer, false) => member(false),
        }
    }

    #[test]
    fn in_a_group_administrators_manage_co_chairs_lead_confirm_and_approve() {
        for role in Role::ALL {
            for co_chair in [false, true] {
                let may = expected(role, co_chair);
                for action in GroupAction::ALL {
                    let allowed = may.action(action);
                    assert_eq!(
                        group_permits(role, co_chair, action),
                        allowed,
                        "{role:?} co-chair={co_chair} {action:?}"
                    );
                    assert_eq!(authorize_in_group(role, co_chair, action).is_ok(), allowed);
                }
                assert_eq!(leads_group(role, co_chair), may.lead_reviews, "{role:?}");
            }
        }
        // Spot checks that a rewrite of both tables cannot hide: staff edit, never approve.
        assert!(group_permits(Role::Staff, false, GroupAction::EditPlan));
        assert!(!group_permits(Role::Staff, false, GroupAction::ApprovePlan));
        assert!(!group_permits(Role::Carer, false, GroupAction::EditPlan));
        assert!(group_permits(Role::Carer, true, GroupAction::ApprovePlan));
    }

    #[test]
    fn a_decision_needs_two_co_chairs_one_of_them_not_staff() {
        assert!(!co_chairs_agree(&[Role::ExpertByExperience]));
        assert!(!co_chairs_agree(&[Role::Staff, Role::Admin]));
        assert!(co_chairs_agree(&[Role::Admin, Role::Carer]));
        assert!(co_chairs_agree(&[Role::ExpertByExperience, Role::Staff]));
    }

    #[test]
    fn anonymous_visitors_see_public_pages_and_can_send_feedback() {
        let expected = [
            (Action::ViewPublicPages, true),
            (Action::SendFeedback, true),
            (Action::ImportFramework, false),
            (Action::ViewAdmin, false),
            (Action::CreateAccounts, false),
            (Action::SignUpOrganisation, true),
            (Action::ApproveOrganisations, false),
            (Action::ManageNationalAdmins, false),
            (Action::ViewMetrics, true),
        ];
        assert_eq!(expected.len(), Action::ALL.len(), "decide every action");
        for (action, allowed) in expected {
            assert_eq!(permits(&Actor::Anonymous, action), allowed, "{action:?}");
            assert_eq!(authorize(&Actor::Anonymous, action).is_ok(), allowed);
        }
    }

    #[test]
    fn only_national_admins_keep_frameworks_and_nobody_signed_in_creates_accounts() {
        let admin = Actor::Person {
            id: 1,
            national_admin: true,
        };
        let person = Actor::Person {
            id: 2,
            national_admin: false,
        };
        for (action, admin_may, person_may) in [
            (Action::ViewPublicPages, true, true),
            (Action::SendFeedback, true, true),
            (Action::ImportFramework, true, false),
            (Action::ViewAdmin, true, false),
            (Action::CreateAccounts, false, false),
            (Action::SignUpOrganisation, true, true),
            (Action::ApproveOrganisations, true, false),
            (Action::ManageNationalAdmins, true, false),
            (Action::ViewMetrics, true, true),
        ] {
            assert_eq!(permits(&admin, action), admin_may, "admin {action:?}");
            assert_eq!(permits(&person, action), person_may, "person {action:?}");
        }
    }

    #[test]
    fn the_operator_running_mir_may_do_everything() {
        for action in Action::ALL {
            assert!(permits(&Actor::Operator, action), "{action:?}");
        }
    }
}
