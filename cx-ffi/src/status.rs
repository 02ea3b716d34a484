//! Status codes (`cx_status`) and the thread-local last error
//! (`cx_last_error_message`, `cx_last_error_code`, `cx_last_error_path`).
//!
//! Codes are stable: a number is never reused nor renumbered; new codes are
//! only ever appended.

use std::cell::RefCell;
use std::ffi::{c_char, c_int, CString};

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
}

impl cx_status {
    /// A short description, NUL-terminated.
    fn describe(self) -> &'static str {
        match self {
            cx_status::Ok => "ok\0",
            cx_status::NullArgument => "null argument\0",
            cx_status::InvalidUtf8 => "invalid UTF-8\0",
            cx_status::ParseError => "parse error\0",
            cx_status::InvalidPlan => "invalid plan\0",
            cx_status::InvalidArgument => "invalid argument\0",
            cx_status::QueryError => "query error\0",
            cx_status::MappingError => "mapping error\0",
            cx_status::Incompatible => "incompatible engines\0",
            cx_status::InvalidSnapshot => "invalid snapshot\0",
            cx_status::Panic => "internal error (panic)\0",
        }
    }

    /// The status with this number, if this version knows it.
    fn from_int(n: c_int) -> Option<cx_status> {
        Some(match n {
            0 => cx_status::Ok,
            1 => cx_status::NullArgument,
            2 => cx_status::InvalidUtf8,
            3 => cx_status::ParseError,
            4 => cx_status::InvalidPlan,
            5 => cx_status::InvalidArgument,
            6 => cx_status::QueryError,
            7 => cx_status::MappingError,
            8 => cx_status::Incompatible,
            9 => cx_status::InvalidSnapshot,
            10 => cx_status::Panic,
            _ => return None,
        })
    }
}

/// A failed call: its status and what the last-error functions report.
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    pub status: cx_status,
    pub code: String,
    pub path: String,
    pub message: String,
}

impl Failure {
    pub(crate) fn new(
        status: cx_status,
        code: impl Into<String>,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Failure {
        Failure {
            status,
            code: code.into(),
            path: path.into(),
            message: message.into(),
        }
    }

    /// A NULL pointer argument.
    pub(crate) fn null(name: &str) -> Failure {
        Failure::new(
            cx_status::NullArgument,
            "null-argument",
            "",
            format!("`{name}` is NULL"),
        )
    }

    /// A caught panic or an otherwise impossible state.
    pub(crate) fn internal(message: impl Into<String>) -> Failure {
        Failure::new(cx_status::Panic, "panic", "", message)
    }
}

struct LastError {
    message: CString,
    code: CString,
    path: CString,
}

thread_local! {
    static LAST: RefCell<LastError> = RefCell::new(LastError {
        message: CString::default(),
        code: CString::default(),
        path: CString::default(),
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
        code: c_string(f.code),
        path: c_string(f.path),
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
    last_field(|l| l.path.as_ptr())
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
