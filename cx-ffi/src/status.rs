//! Status codes (`cx_status`) and the thread-local last error
//! (`cx_last_error_message`, `cx_last_error_code`, `cx_last_error_path`).
//!
//! Codes are stable: a number is never reused nor renumbered; new codes are
//! only ever appended.

use std::cell::RefCell;
use std::ffi::{c_char, c_int, CString};

use cx_core::error::ErrorCode;

/// The result of every fallible call. `CX_STATUS_OK` (0) is success; any
/// other value is a failure, described further by `cx_last_error_message`.
/// The numbers are stable and never reused; new codes may be added, so
/// treat an unknown value as a generic failure.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cx_status {
    /// Success.
    Ok = 0,
    /// A required pointer argument was NULL.
    NullArgument = 1,
    /// A text argument is not valid UTF-8.
    InvalidUtf8 = 2,
    /// A JSON document argument is malformed or has the wrong shape (plan,
    /// config, query, comparison, mapping, snapshot, JSON records).
    ParseError = 3,
    /// The plan has validation errors (the engine refuses it).
    InvalidPlan = 4,
    /// An argument is out of its domain (a length too large, an unknown cube
    /// dimension, the same engine twice in `cx_engine_merge`).
    InvalidArgument = 5,
    /// The query cannot run (unknown metric or dimension, invalid level…).
    QueryError = 6,
    /// The CSV column mapping does not fit the CSV header or the plan.
    MappingError = 7,
    /// The two engines have different plans or cubes and cannot be merged.
    Incompatible = 8,
    /// The snapshot is not one this library can restore.
    InvalidSnapshot = 9,
    /// An internal error (a Rust panic, caught at the boundary, or an engine
    /// left unusable by an earlier one). Please report it.
    Panic = 10,
    /// An ingest would pass the engine's memory budget for cells
    /// (`limits.maxCellBytes`); nothing was filed.
    MemoryLimit = 11,
    /// An output file could not be written (a full disk, a missing
    /// directory, no permission); the file was left as it was.
    WriteError = 12,
    /// A count or sum would overflow (an ingest or merge past 2^53 records
    /// of a kind, NPS counts past 2^64 − 1); nothing was changed.
    Overflow = 13,
}

/// Declares the description of every `cx_status` (one line each, in
/// number order) and from it `cx_status::ALL`, `describe` and `from_int`,
/// in the manner of rustls-ffi's `u32_enum_builder!`. The enum itself is
/// written out above: cbindgen reads it from the source and does not expand
/// macros. A status missing here does not compile (`describe` is an
/// exhaustive match); the header test checks the numbers.
macro_rules! status_list {
    ($( $variant:ident => $description:literal, )*) => {
        impl cx_status {
            /// Every status with its Rust name, in number order.
            pub const ALL: &'static [(cx_status, &'static str)] =
                &[$((cx_status::$variant, stringify!($variant))),*];

            /// A short description, NUL-terminated.
            fn describe(self) -> &'static str {
                match self {
                    $(cx_status::$variant => concat!($description, "\0"),)*
                }
            }

            /// The status with this number, if this version knows it.
            fn from_int(n: c_int) -> Option<cx_status> {
                cx_status::ALL
                    .iter()
                    .map(|&(s, _)| s)
                    .find(|&s| s as c_int == n)
            }
        }
    };
}

status_list! {
    Ok => "ok",
    NullArgument => "null argument",
    InvalidUtf8 => "invalid UTF-8",
    ParseError => "parse error",
    InvalidPlan => "invalid plan",
    InvalidArgument => "invalid argument",
    QueryError => "query error",
    MappingError => "mapping error",
    Incompatible => "incompatible engines",
    InvalidSnapshot => "invalid snapshot",
    Panic => "internal error (panic)",
    MemoryLimit => "memory limit",
    WriteError => "write error",
    Overflow => "overflow",
}

/// The status a call fails with for each error code: the one place that
/// maps core codes to C statuses. `None` for a code a newer core added and
/// this table does not know yet (the tests require every code here).
pub(crate) fn status_of(code: ErrorCode) -> Option<cx_status> {
    use ErrorCode as C;
    Some(match code {
        C::NullArgument => cx_status::NullArgument,
        C::InvalidUtf8 => cx_status::InvalidUtf8,
        C::ParseError => cx_status::ParseError,
        C::Panic => cx_status::Panic,
        C::IncompatibleEngines | C::TooManyValues => cx_status::Incompatible,
        C::InvalidSnapshot => cx_status::InvalidSnapshot,
        C::MemoryLimit => cx_status::MemoryLimit,
        C::WriteError => cx_status::WriteError,
        C::Overflow => cx_status::Overflow,
        C::UnknownDimension
        | C::DimensionNotKept
        | C::PeriodUnavailable
        | C::UnknownMetric
        | C::DuplicateGroupBy
        | C::InvalidLevel
        | C::InvalidCompare
        | C::InvalidRake
        | C::RakeNotConverged => cx_status::QueryError,
        C::MissingColumn
        | C::UnknownId
        | C::MappingTime
        | C::InvalidDelimiter
        | C::InvalidHeader => cx_status::MappingError,
        // Calls fail with these; rejected records, scores and playbooks
        // (no C call reports them today) are arguments out of their domain.
        C::InvalidArgument
        | C::FinishedFeed
        | C::ReadError
        | C::FreedEngine
        | C::Unrepresentable
        | C::ColumnLength
        | C::UnknownColumn
        | C::InvalidCode
        | C::LineTooLong
        | C::CommentTooLong
        | C::OutOfRange
        | C::UnknownAttribute
        | C::UnknownRule
        | C::UnknownKpi
        | C::InvalidValue
        | C::RecommendCount
        | C::InvalidScale
        | C::OutsideScale
        | C::SuccessesExceedN
        | C::InvalidNumber
        | C::DimensionMismatch
        | C::NoSuchColumn
        | C::NoPredictors
        | C::TooFewCases
        | C::ConstantColumn
        | C::Singular
        | C::TooManyPredictors => cx_status::InvalidArgument,
        // The plan's own codes: a plan with an error diagnostic is refused
        // with `CX_STATUS_INVALID_PLAN` (warnings never fail a call).
        C::InvalidPlan
        | C::DuplicateId
        | C::UnknownSchemaVersion
        | C::DanglingReference
        | C::InvalidId
        | C::IdentityMissingDominant
        | C::FacetInTwoTiers
        | C::GoalValueOutOfRange
        | C::GoalDatesReversed
        | C::RuleWeightNotPositive
        | C::AttributeScaleInvalid
        | C::NotApplicableInScale
        | C::ScaleNotSupported
        | C::ValueOutOfRange
        | C::ReservedDimensionId
        | C::InstrumentKindMismatch
        | C::TooManyAttributes
        | C::NoIdentity
        | C::NoPositioning
        | C::NoRules
        | C::NoNeeds
        | C::NoContextAnalysis
        | C::PositioningNotDominant
        | C::GoalNotAddressed
        | C::EmphasizedUnsupported
        | C::RuleNotMeasured
        | C::NoEmployeeSurvey
        | C::LeadershipNotCommitted
        | C::LongTermBeforeMidTerm => cx_status::InvalidPlan,
        _ => return None,
    })
}

impl From<ErrorCode> for cx_status {
    /// The status of a code (`CX_STATUS_INVALID_ARGUMENT` for a code this
    /// table does not know yet).
    fn from(code: ErrorCode) -> cx_status {
        status_of(code).unwrap_or(cx_status::InvalidArgument)
    }
}

/// A failed call: its status and what the last-error functions report.
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    pub status: cx_status,
    pub code: ErrorCode,
    pub pointer: String,
    pub message: String,
}

impl Failure {
    /// A failure with `code`'s status.
    pub(crate) fn new(
        code: ErrorCode,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Failure {
        Failure {
            status: code.into(),
            code,
            pointer: pointer.into(),
            message: message.into(),
        }
    }

    /// The same failure reported with another status (a call whose
    /// contract names one status for several codes).
    pub(crate) fn with_status(self, status: cx_status) -> Failure {
        Failure { status, ..self }
    }

    /// An ingest past the engine's memory budget (`CX_STATUS_MEMORY_LIMIT`)
    /// or past 2^53 records of a kind (`CX_STATUS_OVERFLOW`).
    pub(crate) fn limit(e: &cx_core::engine::LimitError) -> Failure {
        Failure::new(e.code(), "", e.to_string())
    }

    /// A NULL pointer argument.
    pub(crate) fn null(name: &str) -> Failure {
        Failure::new(ErrorCode::NullArgument, "", format!("`{name}` is NULL"))
    }

    /// A caught panic or an otherwise impossible state.
    pub(crate) fn internal(message: impl Into<String>) -> Failure {
        Failure::new(ErrorCode::Panic, "", message)
    }
}

struct LastError {
    message: CString,
    code: CString,
    pointer: CString,
}

thread_local! {
    static LAST: RefCell<LastError> = RefCell::new(LastError {
        message: CString::default(),
        code: CString::default(),
        pointer: CString::default(),
    });
}

/// A C string from Rust text (interior NULs dropped).
fn c_string(s: String) -> CString {
    CString::new(s).unwrap_or_else(|e| {
        let mut bytes = e.into_vec();
        bytes.retain(|&b| b != 0);
        CString::new(bytes).unwrap_or_default()
    })
}

/// Records a failure as this thread's last error.
pub(crate) fn set_last_error(f: Failure) {
    let new = LastError {
        message: c_string(f.message),
        code: c_string(f.code.as_str().to_string()),
        pointer: c_string(f.pointer),
    };
    // `try_with`: during thread teardown there is nowhere to record it.
    let _ = LAST.try_with(|l| *l.borrow_mut() = new);
}

fn last_field(pick: fn(&LastError) -> *const c_char) -> *const c_char {
    crate::boundary::guard_value(c"".as_ptr(), || {
        LAST.try_with(|l| pick(&l.borrow())).unwrap_or(c"".as_ptr())
    })
}

/// The message of the most recent failed call on the calling thread, in
/// plain words (e.g. `"expected value at line 1, column 1"`); `""` when no
/// call has failed on this thread. Never NULL.
///
/// Only failing calls change it: a successful call leaves it as it was. The
/// string belongs to the library; it stays valid until the next failing
/// `cx_` call on the same thread (copy it to keep it). Thread-safe: each
/// thread has its own last error.
#[no_mangle]
pub extern "C" fn cx_last_error_message() -> *const c_char {
    last_field(|l| l.message.as_ptr())
}

/// The stable kebab-case code of the most recent failure on the calling
/// thread (e.g. `"parse-error"`, `"invalid-plan"`, `"unknown-metric"`,
/// `"null-argument"`); `""` when none. Never NULL. Same lifetime and
/// thread-safety as `cx_last_error_message`.
#[no_mangle]
pub extern "C" fn cx_last_error_code() -> *const c_char {
    last_field(|l| l.code.as_ptr())
}

/// The JSON Pointer (RFC 6901) into the offending document of the most
/// recent failure on the calling thread (e.g. `"/metrics/0"`), `""` when the
/// failure is about the whole document or has no position. Never NULL. Same
/// lifetime and thread-safety as `cx_last_error_message`.
#[no_mangle]
pub extern "C" fn cx_last_error_path() -> *const c_char {
    last_field(|l| l.pointer.as_ptr())
}

/// A short static description of a status code (e.g. `"parse error"`);
/// `"unknown status"` for a number this version does not know. Never NULL,
/// never free it. Thread-safe.
#[no_mangle]
pub extern "C" fn cx_status_str(status: c_int) -> *const c_char {
    crate::boundary::guard_value(c"unknown status".as_ptr(), || {
        cx_status::from_int(status)
            .map_or(c"unknown status".as_ptr(), |s| s.describe().as_ptr().cast())
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::ffi::CStr;

    use super::*;

    #[test]
    fn statuses_keep_their_numbers_and_have_distinct_descriptions() {
        // ABI: a number is never renumbered nor reused.
        let numbers: Vec<(&str, c_int)> = cx_status::ALL
            .iter()
            .map(|&(s, name)| (name, s as c_int))
            .collect();
        let kept = [
            ("Ok", 0),
            ("NullArgument", 1),
            ("InvalidUtf8", 2),
            ("ParseError", 3),
            ("InvalidPlan", 4),
            ("InvalidArgument", 5),
            ("QueryError", 6),
            ("MappingError", 7),
            ("Incompatible", 8),
            ("InvalidSnapshot", 9),
            ("Panic", 10),
            ("MemoryLimit", 11),
            ("WriteError", 12),
            ("Overflow", 13),
        ];
        assert_eq!(numbers, kept);
        let mut seen = BTreeSet::new();
        for &(s, _) in cx_status::ALL {
            assert_eq!(cx_status::from_int(s as c_int), Some(s));
            let text = CStr::from_bytes_with_nul(s.describe().as_bytes())
                .unwrap()
                .to_str()
                .unwrap();
            assert!(seen.insert(text), "`{text}` twice");
            // SAFETY: static NUL-terminated string.
            let via_c = unsafe { CStr::from_ptr(cx_status_str(s as c_int)) };
            assert_eq!(via_c.to_str().unwrap(), text);
        }
        let past = cx_status::ALL
            .iter()
            .map(|&(s, _)| s as c_int)
            .max()
            .unwrap()
            + 1;
        assert_eq!(cx_status::from_int(past), None);
    }

    #[test]
    fn every_error_code_has_a_status() {
        for &code in ErrorCode::ALL {
            let status = status_of(code).unwrap_or_else(|| panic!("no status for `{code}`"));
            assert_eq!(cx_status::from(code), status);
            assert_ne!(status, cx_status::Ok, "{code}");
            assert_eq!(
                status == cx_status::Panic,
                code == ErrorCode::Panic,
                "{code}"
            );
            let f = Failure::new(code, "", "m");
            assert_eq!((f.status, f.code), (status, code));
        }
        assert_eq!(
            cx_status::from(ErrorCode::MemoryLimit),
            cx_status::MemoryLimit
        );
    }
}
