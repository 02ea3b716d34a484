//! The error type of the score area: invalid parameters and statistics that
//! cannot give a defined result (a singular correlation matrix, too many
//! predictors for exact Shapley…). An *empty* sample is not an error: it is a
//! score with `value: None` and a `reason`.

use crate::error::ErrorCode;

/// What went wrong computing a score.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ScoreError {
    /// The confidence level is not strictly between 0 and 1.
    #[error(
        "confidence level {0} is invalid: expected a number strictly between 0 and 1 (e.g. 0.95)"
    )]
    InvalidLevel(f64),
    /// A rating outside the histogram range 0..=10.
    #[error("rating {0} is outside 0..=10")]
    RatingOutOfRange(u8),
    /// A scale whose minimum is not below its maximum, or above 10.
    #[error("scale {min}..={max} is invalid: expected min < max <= 10")]
    InvalidScale {
        /// Lowest point.
        min: u8,
        /// Highest point.
        max: u8,
    },
    /// The histogram holds ratings outside the scale it is scored on.
    #[error("{count} rating(s) of {rating} are outside the scale {min}..={max}")]
    OutsideScale {
        /// The offending rating.
        rating: u8,
        /// How many times it occurs.
        count: u64,
        /// Scale minimum.
        min: u8,
        /// Scale maximum.
        max: u8,
    },
    /// More successes than trials.
    #[error("{successes} successes exceed n = {n}")]
    SuccessesExceedN {
        /// Successes given.
        successes: u64,
        /// Trials given.
        n: u64,
    },
    /// A non-finite or negative number where a finite, non-negative one is expected.
    #[error("{what} must be a finite number >= 0, got {value}")]
    InvalidNumber {
        /// Which parameter.
        what: &'static str,
        /// The value given.
        value: f64,
    },
    /// Two inputs that must have the same length (or dimension) do not.
    #[error("dimension mismatch: expected {expected}, got {got}")]
    DimensionMismatch {
        /// Expected length.
        expected: usize,
        /// Length given.
        got: usize,
    },
    /// An index outside the statistic's columns.
    #[error("column {index} does not exist (there are {columns})")]
    NoSuchColumn {
        /// The index given.
        index: usize,
        /// Number of columns.
        columns: usize,
    },
    /// An integer sum would overflow.
    #[error("overflow: {0} would pass 18446744073709551615 (2^64 − 1), the largest count")]
    Overflow(&'static str),
    /// No predictor to analyse.
    #[error("relative importance needs at least one predictor")]
    NoPredictors,
    /// Too few complete cases to fit the regression.
    #[error(
        "{n} complete case(s) are too few for {predictors} predictor(s): need at least {needed}"
    )]
    TooFewCases {
        /// Complete cases.
        n: u64,
        /// Number of predictors.
        predictors: usize,
        /// Cases needed (predictors + 2).
        needed: u64,
    },
    /// A column with zero variance: correlations are undefined.
    #[error("column {0} is constant over the complete cases: its correlation is undefined")]
    ConstantColumn(usize),
    /// The predictors are linearly dependent.
    #[error("the predictors are linearly dependent (singular correlation matrix); drop a redundant predictor")]
    Singular,
    /// Exact Shapley/LMG is limited to [`crate::score::MAX_LMG_PREDICTORS`] predictors.
    #[error("exact Shapley/LMG needs 2^k regressions: {predictors} predictors exceed the limit of {max}; use Johnson's relative weights")]
    TooManyPredictors {
        /// Number of predictors.
        predictors: usize,
        /// The limit.
        max: usize,
    },
    /// A key-driver cell (or the not-applicable value) that is not a
    /// decimal.
    #[error("{}: `{text}` is not a decimal number: {reason}", place(*row, column))]
    NotADecimal {
        /// The row (0-based in the input's rows); `None` for the
        /// not-applicable value.
        row: Option<usize>,
        /// The column's name (empty for the not-applicable value).
        column: String,
        /// The value as given.
        text: String,
        /// What was expected.
        reason: crate::number::DecimalError,
    },
    /// A key-driver column with zero variance over the complete cases.
    #[error("{role} `{name}` is constant over the {n} complete case(s): its correlation is undefined; drop it or add varied rows")]
    ConstantDriver {
        /// `outcome` or `predictor`.
        role: &'static str,
        /// The column's name.
        name: String,
        /// Complete cases.
        n: u64,
    },
    /// A rating outside 0..=4 for a readiness condition.
    #[error("readiness rating {0} is outside 0..=4")]
    ReadinessOutOfRange(u8),
}

impl ScoreError {
    /// A stable kebab-case code for bindings (`invalid-level`, …).
    pub fn code(&self) -> ErrorCode {
        match self {
            ScoreError::InvalidLevel(_) => ErrorCode::InvalidLevel,
            ScoreError::RatingOutOfRange(_) | ScoreError::ReadinessOutOfRange(_) => {
                ErrorCode::OutOfRange
            }
            ScoreError::InvalidScale { .. } => ErrorCode::InvalidScale,
            ScoreError::OutsideScale { .. } => ErrorCode::OutsideScale,
            ScoreError::SuccessesExceedN { .. } => ErrorCode::SuccessesExceedN,
            ScoreError::InvalidNumber { .. } | ScoreError::NotADecimal { .. } => {
                ErrorCode::InvalidNumber
            }
            ScoreError::DimensionMismatch { .. } => ErrorCode::DimensionMismatch,
            ScoreError::NoSuchColumn { .. } => ErrorCode::NoSuchColumn,
            ScoreError::Overflow(_) => ErrorCode::Overflow,
            ScoreError::NoPredictors => ErrorCode::NoPredictors,
            ScoreError::TooFewCases { .. } => ErrorCode::TooFewCases,
            ScoreError::ConstantColumn(_) | ScoreError::ConstantDriver { .. } => {
                ErrorCode::ConstantColumn
            }
            ScoreError::Singular => ErrorCode::Singular,
            ScoreError::TooManyPredictors { .. } => ErrorCode::TooManyPredictors,
        }
    }
}

/// Where a key-driver value is: "row 3, column `x`", or the not-applicable
/// value.
fn place(row: Option<usize>, column: &str) -> String {
    match row {
        Some(r) => format!("row {r}, column `{column}`"),
        None => "the not-applicable value".into(),
    }
}
