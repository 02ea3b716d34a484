//! Parsing a plan from JSON, with errors that say where.

use super::Plan;
use crate::diagnostic::Diagnostic;
use crate::error::{ErrorCode, ParseError};

/// Why a plan document could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// The text is not valid JSON, or does not have the plan's shape (wrong
    /// type, unknown field, missing field).
    #[error("{} at line {}, column {} (path `{}`)", .0.message, .0.line, .0.column, .0.pointer)]
    Parse(ParseError),
}

impl PlanError {
    /// The error as a `parse-error` diagnostic (with line and column).
    pub fn to_diagnostic(&self) -> Diagnostic {
        match self {
            PlanError::Parse(e) => e.to_diagnostic(),
        }
    }
}

pub(crate) use crate::json::from_json_positioned;

impl Plan {
    /// Reads a plan from JSON text.
    ///
    /// Malformed JSON, a wrong type or an unknown field give
    /// [`PlanError::Parse`] with the line, column and JSON Pointer. This only
    /// checks the shape; call [`Plan::validate`] for the method's checks.
    ///
    /// ```
    /// use cx_core::plan::{Plan, PlanError};
    /// let err = Plan::from_json("{\"schemaVersion\": 1,\n \"organization\": {\"name\": 7}}").unwrap_err();
    /// let PlanError::Parse(e) = err else { unreachable!() };
    /// assert_eq!((e.line, e.pointer.as_str()), (2, "/organization/name"));
    /// ```
    pub fn from_json(text: &str) -> Result<Plan, PlanError> {
        from_json_positioned(text).map_err(PlanError::Parse)
    }
}

impl PlanError {
    /// The stable code (`parse-error`).
    pub fn code(&self) -> ErrorCode {
        match self {
            PlanError::Parse(e) => e.code(),
        }
    }
}
