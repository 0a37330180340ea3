//! Who may do what. Every use-case asks [`authorize`] first; the route × role matrix test in
//! the web crate checks the same rules from the outside.
//!
//! To add a permission: add an [`Action`], decide it in [`permits`] (the `match` is exhaustive,
//! so the compiler lists every place to decide), and add its routes to the matrix test.

use crate::AppError;

/// Who is asking. People signing in arrives with the accounts work; until then every visitor is
/// anonymous.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Anonymous,
    /// Whoever runs the `mir` command on the server: they hold the database already.
    Operator,
}

/// Everything someone can ask mir to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Public pages: home, frameworks, published plans, statements about the service.
    ViewPublicPages,
    /// Send feedback about the service from the contact page.
    SendFeedback,
    /// Import a new framework version (from the command line; in the browser, the national
    /// programme team once signing in exists).
    ImportFramework,
    /// Read operational metrics (`/metrics`): counts and timings by route, no personal data.
    ViewMetrics,
}

impl Action {
    pub const ALL: [Action; 4] = [
        Action::ViewPublicPages,
        Action::SendFeedback,
        Action::ImportFramework,
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
        (Actor::Anonymous, Action::ImportFramework) => false,
        (Actor::Operator, _) => true,
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

    #[test]
    fn anonymous_visitors_see_public_pages_and_can_send_feedback() {
        let expected = [
            (Action::ViewPublicPages, true),
            (Action::SendFeedback, true),
            (Action::ImportFramework, false),
            (Action::ViewMetrics, true),
        ];
        assert_eq!(expected.len(), Action::ALL.len(), "decide every action");
        for (action, allowed) in expected {
            assert_eq!(permits(&Actor::Anonymous, action), allowed, "{action:?}");
            assert_eq!(authorize(&Actor::Anonymous, action).is_ok(), allowed);
        }
    }

    #[test]
    fn the_operator_running_mir_may_do_everything() {
        for action in Action::ALL {
            assert!(permits(&Actor::Operator, action), "{action:?}");
        }
    }
}
