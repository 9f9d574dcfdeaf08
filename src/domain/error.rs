//! One error type for rule violations. Messages are Chinese: they reach the user as they are.

use thiserror::Error;

/// Why a rule refused an action. The HTTP layer maps each variant to API.md's error codes.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DomainError {
    /// The input is malformed or violates a validation rule (400/422 `invalid`).
    #[error("{0}")]
    Invalid(String),
    /// The actor's role or scope does not allow this (403 `forbidden`).
    #[error("{0}")]
    Forbidden(String),
    /// The object does not exist, or is outside what the actor may see (404 `not_found`).
    #[error("{0}")]
    NotFound(String),
    /// The action is not allowed in the object's current state (409 `conflict`).
    #[error("{message}")]
    Conflict {
        /// Chinese explanation.
        message: String,
        /// The current state, when the conflict is about a state.
        state: Option<String>,
    },
}

impl DomainError {
    /// Shorthand for [`DomainError::Invalid`].
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::Invalid(message.into())
    }

    /// A conflict that is not about a state machine (e.g. a name already taken).
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::Conflict { message: message.into(), state: None }
    }
}
