//! Errors as the UI receives them: `{code, message}` with the engine's stable codes plus the app's
//! own, so the UI can key on `code` and show `message` as written.

use serde::Serialize;
use skillsync_core::Error;
use ts_rs::TS;

/// One failed command, as JSON: `{"code": "...", "message": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct UiError {
    pub code: String,
    pub message: String,
}

pub type UiResult<T> = std::result::Result<T, UiError>;

impl UiError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        UiError { code: code.to_string(), message: message.into() }
    }

    /// A step was asked for before the one it needs (the UI keeps such buttons disabled).
    pub fn no_feed() -> Self {
        UiError::new(codes::NO_FEED, "open a feed first")
    }
    pub fn no_plan() -> Self {
        UiError::new(codes::NO_PLAN, "make a plan first: nothing is sent before the plan has been seen")
    }
    pub fn no_run() -> Self {
        UiError::new(codes::NO_RUN, "there is no finished run to show yet")
    }
    pub fn busy(what: &str) -> Self {
        UiError::new(codes::BUSY, format!("{what} is still running: wait for it, or cancel it"))
    }
    pub fn unknown_profile(name: &str) -> Self {
        UiError::new(codes::UNKNOWN_PROFILE, format!("there is no profile named '{name}'"))
    }
}

/// The app's own codes (the engine's are `skillsync_core::Error::code`).
pub mod codes {
    pub const NO_FEED: &str = "state.no_feed";
    pub const NO_PLAN: &str = "state.no_plan";
    pub const NO_RUN: &str = "state.no_run";
    pub const BUSY: &str = "state.busy";
    pub const UNKNOWN_PROFILE: &str = "profile.unknown";
    /// The system could not open a file (no default program for it).
    pub const OPEN_FAILED: &str = "open.failed";
    /// The window named a file the user did not choose in a dialog or drop on the window.
    pub const PATH_NOT_CHOSEN: &str = "path.not_chosen";
    /// A pair the plan changes no longer holds the value the plan was made against: nothing was
    /// sent. The message lists every such pair, one a line.
    pub const PLAN_DRIFTED: &str = "plan.drifted";
}

impl From<Error> for UiError {
    fn from(e: Error) -> Self {
        UiError { code: e.code().to_string(), message: e.to_string() }
    }
}

impl std::fmt::Display for UiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for UiError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_errors_cross_as_code_and_message() {
        let e: UiError = Error::Auth("the platform refused the client id".into()).into();
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            serde_json::json!({"code": "auth.failed", "message": "authentication failed: the platform refused the client id"}),
            "the UI keys on code and shows message"
        );
    }

    #[test]
    fn app_codes_are_stable() {
        assert_eq!(UiError::no_feed().code, "state.no_feed");
        assert_eq!(UiError::no_plan().code, "state.no_plan");
        assert_eq!(UiError::no_run().code, "state.no_run");
        assert_eq!(UiError::busy("an apply").code, "state.busy");
        assert_eq!(UiError::unknown_profile("x").code, "profile.unknown");
    }
}
