//! Diagnostics: what validation (and parsing) says about a document.
//!
//! A [`Diagnostic`] has a [`Severity`], a stable [`ErrorCode`] (the table of
//! plan codes is in `docs/diagnostics.md` and on [`crate::plan::codes`]), a
//! JSON Pointer into the document (`path` in JSON), and a message a CX
//! manager understands.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::ErrorCode;

/// How serious a diagnostic is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "camelCase")]
pub enum Severity {
    /// The document cannot be used (the engine refuses a plan with errors).
    Error,
    /// Advice from the method; the document is usable.
    Warning,
    /// Information only.
    Info,
}

/// One finding about a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Diagnostic {
    /// Error, warning or info.
    pub severity: Severity,
    /// Stable code, e.g. `dangling-reference`.
    pub code: ErrorCode,
    /// JSON Pointer to the offending value (`""` is the whole document).
    // Named `path` in JSON (the documents keep their field names).
    #[serde(rename = "path")]
    pub pointer: String,
    /// A plain-language explanation.
    pub message: String,
    /// 1-based line, for parse errors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based column, for parse errors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
}

impl Diagnostic {
    /// An error diagnostic.
    pub fn error(code: ErrorCode, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, pointer, message)
    }

    /// A warning diagnostic.
    pub fn warning(
        code: ErrorCode,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Warning, code, pointer, message)
    }

    fn new(
        severity: Severity,
        code: ErrorCode,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity,
            code,
            pointer: pointer.into(),
            message: message.into(),
            line: None,
            column: None,
        }
    }

    /// True when the severity is [`Severity::Error`].
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Escapes one JSON Pointer reference token (RFC 6901: `~` → `~0`, `/` → `~1`).
pub fn escape_pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}
