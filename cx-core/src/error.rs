//! The one error model of every surface: [`ErrorCode`], the stable
//! kebab-case code of every failure, rejected record and diagnostic, and
//! [`ParseError`], the one shape of a JSON document that could not be read.
//!
//! Each area keeps its own error enum (plan, query, mapping, engine,
//! score, …) saying what went wrong in its terms; every one of them gives
//! its [`ErrorCode`] with `code()`. The bindings only translate: the C
//! status of a code is chosen once in `cx-ffi`, the JS `code` is
//! [`ErrorCode::as_str`].

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Severity};

/// Declares [`ErrorCode`] from one list of `Variant = "kebab-code"`: the
/// enum, its serde names (the kebab code) and [`ErrorCode::as_str`].
macro_rules! error_codes {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, )*) => {
        /// A stable kebab-case code (`parse-error`, `out-of-range`, …): what
        /// bindings report (the C `cx_last_error_code`, the JS error's
        /// `code`), what a rejected record and a diagnostic carry. Codes are
        /// never renamed nor reused; serialized as the kebab string.
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
            JsonSchema,
        )]
        #[non_exhaustive]
        pub enum ErrorCode {
            $( $(#[$doc])* #[serde(rename = $code)] $variant, )*
        }

        impl ErrorCode {
            /// Every code, in declaration order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            /// The kebab-case code, e.g. `"parse-error"`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)*
                }
            }
        }
    };
}

error_codes! {
    // Arguments and documents (every surface).
    /// A required argument is missing (a NULL pointer in C).
    NullArgument = "null-argument",
    /// Text that is not UTF-8 (an argument, a JSON line, a CSV cell).
    InvalidUtf8 = "invalid-utf8",
    /// A JSON document (or record) that is not JSON or not the expected
    /// shape; see [`ParseError`].
    ParseError = "parse-error",
    /// An argument outside its domain (a length too large, an unknown
    /// report format, the same engine twice in a merge).
    InvalidArgument = "invalid-argument",
    /// A JSON Lines feed used after it was finished.
    FinishedFeed = "finished-feed",
    /// An input that could not be read to its end (an I/O error).
    ReadError = "read-error",
    /// An output file that could not be written (an I/O error: a full
    /// disk, a missing directory); the file was left as it was.
    WriteError = "write-error",
    /// A JS engine used after `free()`.
    FreedEngine = "freed-engine",
    /// A result that cannot be represented in JSON (JS).
    Unrepresentable = "unrepresentable",
    /// An internal error (a panic caught at the C boundary). Please report it.
    Panic = "panic",
    // Engines.
    /// The plan has validation errors: the engine refuses it.
    InvalidPlan = "invalid-plan",
    /// The two engines have different plans or cubes (or a KPI total would
    /// overflow): they cannot be merged.
    IncompatibleEngines = "incompatible-engines",
    /// A dimension would have more distinct values than
    /// `limits.maxDistinctValues`.
    TooManyValues = "too-many-values",
    /// An ingest would pass the engine's memory budget for cells
    /// (`limits.maxCellBytes`).
    MemoryLimit = "memory-limit",
    /// A snapshot that cannot be restored.
    InvalidSnapshot = "invalid-snapshot",
    // Queries.
    /// A dimension that is not a standard one nor one the plan declares.
    UnknownDimension = "unknown-dimension",
    /// A dimension the engine's cube does not keep.
    DimensionNotKept = "dimension-not-kept",
    /// A period or time filter the cube's granularity cannot answer.
    PeriodUnavailable = "period-unavailable",
    /// A metric the plan does not define.
    UnknownMetric = "unknown-metric",
    /// The same grouping key twice.
    DuplicateGroupBy = "duplicate-group-by",
    /// A confidence level not strictly between 0 and 1.
    InvalidLevel = "invalid-level",
    /// A query's `compare` that its keys cannot answer (`previousPeriod`
    /// without exactly one `period:*` key).
    InvalidCompare = "invalid-compare",
    /// A query's `rake` that cannot be applied: a dimension the cube does
    /// not keep, a share for a value absent from the data, a value without
    /// a share, shares that do not sum to 1.
    InvalidRake = "invalid-rake",
    /// Raking did not meet every margin within 1e-10 (the worst margin is
    /// named).
    RakeNotConverged = "rake-not-converged",
    // CSV mappings.
    /// The mapping names a column the CSV header does not have.
    MissingColumn = "missing-column",
    /// The mapping names an attribute or dimension the plan does not have.
    UnknownId = "unknown-id",
    /// The mapping needs exactly one of `at` or `fixedAt`.
    MappingTime = "mapping-time",
    /// The delimiter is not one ASCII character.
    InvalidDelimiter = "invalid-delimiter",
    /// The CSV header cannot be read.
    InvalidHeader = "invalid-header",
    // Columnar ingest.
    /// A column whose length differs from `at`.
    ColumnLength = "column-length",
    /// A column for a dimension or attribute the plan does not have.
    UnknownColumn = "unknown-column",
    /// A dimension code outside its dictionary.
    InvalidCode = "invalid-code",
    // Rejected records.
    /// A line (JSON Lines, CSV record) longer than `limits.maxLineBytes`.
    LineTooLong = "line-too-long",
    /// A comment longer than `limits.maxCommentBytes`.
    CommentTooLong = "comment-too-long",
    /// A number outside its range (a rating, a time).
    OutOfRange = "out-of-range",
    /// An attribute the plan does not have.
    UnknownAttribute = "unknown-attribute",
    /// An audit item naming a rule the plan does not have.
    UnknownRule = "unknown-rule",
    /// A KPI the plan does not have.
    UnknownKpi = "unknown-kpi",
    /// A value of the wrong kind (not a time, not a rating, NULL).
    InvalidValue = "invalid-value",
    // Playbooks.
    /// Two entities of one kind share an id (plan validation, playbooks).
    DuplicateId = "duplicate-id",
    /// A trigger recommends no intervention, or more than two.
    RecommendCount = "recommend-count",
    // Scores.
    /// A scale whose minimum is not below its maximum, or above 10.
    InvalidScale = "invalid-scale",
    /// Ratings outside the scale they are scored on.
    OutsideScale = "outside-scale",
    /// More successes than trials.
    SuccessesExceedN = "successes-exceed-n",
    /// A non-finite or negative number where a finite, non-negative one is
    /// expected.
    InvalidNumber = "invalid-number",
    /// Two inputs that must have the same length do not.
    DimensionMismatch = "dimension-mismatch",
    /// An index outside a statistic's columns.
    NoSuchColumn = "no-such-column",
    /// An integer sum would overflow.
    Overflow = "overflow",
    /// No predictor to analyse.
    NoPredictors = "no-predictors",
    /// Too few complete cases for the regression.
    TooFewCases = "too-few-cases",
    /// A column with zero variance.
    ConstantColumn = "constant-column",
    /// Linearly dependent predictors.
    Singular = "singular",
    /// More predictors than exact Shapley/LMG allows.
    TooManyPredictors = "too-many-predictors",
    // Plan validation (`crate::plan::codes`; severities there).
    /// `schemaVersion` is not 1.
    UnknownSchemaVersion = "unknown-schema-version",
    /// A reference names no entity of the expected kind.
    DanglingReference = "dangling-reference",
    /// A plan id that does not follow the id syntax (`crate::plan::id`).
    InvalidId = "invalid-id",
    /// An identity without its dominant trait.
    IdentityMissingDominant = "identity-missing-dominant",
    /// One facet id in two identity tiers.
    FacetInTwoTiers = "facet-in-two-tiers",
    /// A goal baseline or target outside the metric's range.
    GoalValueOutOfRange = "goal-value-out-of-range",
    /// A goal's target date on or before its baseline date.
    GoalDatesReversed = "goal-dates-reversed",
    /// A rule or norm weight ≤ 0.
    RuleWeightNotPositive = "rule-weight-not-positive",
    /// An attribute scale with min ≥ max, or max above 10.
    AttributeScaleInvalid = "attribute-scale-invalid",
    /// An attribute's not-applicable value is a point of its scale.
    NotApplicableInScale = "not-applicable-in-scale",
    /// An unsupported CSAT or CES scale.
    ScaleNotSupported = "scale-not-supported",
    /// A number outside its documented range.
    ValueOutOfRange = "value-out-of-range",
    /// A custom dimension named like a standard one.
    ReservedDimensionId = "reserved-dimension-id",
    /// Instrument fields inconsistent with its kind.
    InstrumentKindMismatch = "instrument-kind-mismatch",
    /// More attributes than a plan may have.
    TooManyAttributes = "too-many-attributes",
    /// No identity yet (a warning).
    NoIdentity = "no-identity",
    /// No positioning yet (a warning).
    NoPositioning = "no-positioning",
    /// No rules of the game (a warning).
    NoRules = "no-rules",
    /// No customer needs captured (a warning).
    NoNeeds = "no-needs",
    /// No context analysis (a warning).
    NoContextAnalysis = "no-context-analysis",
    /// Positioning on a facet other than the dominant trait (a warning).
    PositioningNotDominant = "positioning-not-dominant",
    /// A goal nothing addresses (a warning).
    GoalNotAddressed = "goal-not-addressed",
    /// An emphasised strength nothing supports (a warning).
    EmphasizedUnsupported = "emphasized-unsupported",
    /// A rule of the game no audit measures (a warning).
    RuleNotMeasured = "rule-not-measured",
    /// No employee survey instrument (a warning).
    NoEmployeeSurvey = "no-employee-survey",
    /// `leadershipCommitted` is false (a warning).
    LeadershipNotCommitted = "leadership-not-committed",
    /// A long-term goal due before a mid-term one (a warning).
    LongTermBeforeMidTerm = "long-term-before-mid-term",
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string that is no [`ErrorCode`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an error code")]
pub struct UnknownErrorCode(pub String);

impl FromStr for ErrorCode {
    type Err = UnknownErrorCode;

    fn from_str(s: &str) -> Result<ErrorCode, UnknownErrorCode> {
        ErrorCode::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownErrorCode(s.to_string()))
    }
}

impl PartialEq<str> for ErrorCode {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for ErrorCode {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

/// A JSON document that could not be read (a plan, query, mapping, config,
/// snapshot, playbook, records): not JSON, or not the expected shape (a
/// wrong type, an unknown or missing field). Code `parse-error`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} at line {line}, column {column}")]
pub struct ParseError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// JSON Pointer of the value being read (`""` for the document or when
    /// unknown).
    pub pointer: String,
    /// What was wrong and what was expected.
    pub message: String,
}

impl ParseError {
    /// The code: always [`ErrorCode::ParseError`].
    pub fn code(&self) -> ErrorCode {
        ErrorCode::ParseError
    }

    /// The error as a sentence naming the document it was read from:
    /// `invalid WHAT at line L, column C (POINTER): MESSAGE`, the one wording
    /// of a document error in Rust and C.
    pub fn in_document(&self, what: &str) -> String {
        format!(
            "invalid {what} at line {}, column {} ({}): {}",
            self.line, self.column, self.pointer, self.message
        )
    }

    /// The error as a `parse-error` diagnostic (with line and column).
    pub fn to_diagnostic(&self) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code: ErrorCode::ParseError,
            pointer: self.pointer.clone(),
            message: self.message.clone(),
            line: Some(self.line),
            column: Some(self.column),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_round_trip() {
        let mut seen = std::collections::BTreeSet::new();
        for &c in ErrorCode::ALL {
            let s = c.as_str();
            assert!(seen.insert(s), "`{s}` twice");
            assert_eq!(s.parse::<ErrorCode>(), Ok(c));
            assert_eq!(c.to_string(), s);
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{s}\""));
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).unwrap(), c);
            assert!(s
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
        }
        assert!("no-such-code".parse::<ErrorCode>().is_err());
        assert!(serde_json::from_str::<ErrorCode>("\"no-such-code\"").is_err());
    }
}
