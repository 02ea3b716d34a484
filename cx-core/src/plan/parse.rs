//! Parsing a plan from JSON, with errors that say where.

use super::Plan;
use crate::diagnostic::{escape_pointer_token, Diagnostic, Severity};

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

/// Converts a `serde_path_to_error` path into a JSON Pointer.
pub(crate) fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => {
                out.push('/');
                out.push_str(&index.to_string());
            }
            Segment::Map { key } => {
                out.push('/');
                out.push_str(&escape_pointer_token(key));
            }
            Segment::Enum { variant } => {
                out.push('/');
                out.push_str(&escape_pointer_token(variant));
            }
            Segment::Unknown => out.push_str("/?"),
        }
    }
    out
}

/// Deserialises any document from JSON text with a positioned error:
/// `(line, column, JSON Pointer, message)`.
pub(crate) fn from_json_positioned<T: serde::de::DeserializeOwned>(
    text: &str,
) -> Result<T, (usize, usize, String, String)> {
    let mut de = serde_json::Deserializer::from_str(text);
    let result: Result<T, _> = serde_path_to_error::deserialize(&mut de);
    let value = match result {
        Ok(v) => v,
        Err(e) => {
            let path = pointer_of(e.path());
            let inner = e.into_inner();
            let message = clean_message(&inner.to_string());
            return Err((inner.line().max(1), inner.column().max(1), path, message));
        }
    };
    if let Err(e) = de.end() {
        return Err((
            e.line(),
            e.column(),
            String::new(),
            clean_message(&e.to_string()),
        ));
    }
    Ok(value)
}

/// serde_json appends " at line L column C"; we report those separately.
fn clean_message(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

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
