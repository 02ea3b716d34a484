//! Parsing a plan from JSON, with errors that say where.

use super::Plan;
use crate::diagnostic::{Diagnostic, Severity};

/// Why a plan document could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// The text is not valid JSON, or does not have the plan's shape (wrong
    /// type, unknown field, missing field).
    #[error("{message} at line {line}, column {column} (path `{path}`)")]
    Parse {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// JSON Pointer of the value being read (`""` for the document).
        path: String,
        /// What was wrong and what was expected.
        message: String,
    },
}

impl PlanError {
    /// The error as a `parse-error` diagnostic (with line and column).
    pub fn to_diagnostic(&self) -> Diagnostic {
        match self {
            PlanError::Parse {
                line,
                column,
                path,
                message,
            } => Diagnostic {
                severity: Severity::Error,
                code: "parse-error".to_string(),
                path: path.clone(),
                message: message.clone(),
                line: Some(*line),
                column: Some(*column),
            },
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
    /// let PlanError::Parse { line, path, .. } = err else { unreachable!() };
    /// assert_eq!((line, path.as_str()), (2, "/organization/name"));
    /// ```
    pub fn from_json(text: &str) -> Result<Plan, PlanError> {
        from_json_positioned(text).map_err(|(line, column, path, message)| PlanError::Parse {
            line,
            column,
            path,
            message,
        })
    }
}

impl PlanError {
    /// The stable code (`parse-error`).
    pub fn code(&self) -> &'static str {
        "parse-error"
    }
}
