//! The panic boundary and argument conversion shared by every export.

use std::ffi::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};

use cx_core::error::ErrorCode;

use crate::status::{cx_status, set_last_error, Failure};

/// Runs an export's body: `Ok` becomes `CX_STATUS_OK`; a failure or a panic
/// is recorded as the thread's last error and its status returned.
pub(crate) fn guard(f: impl FnOnce() -> Result<(), Failure>) -> cx_status {
    let failure = match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => return cx_status::Ok,
        Ok(Err(failure)) => failure,
        Err(payload) => Failure::internal(format!(
            "internal error (a panic was caught at the C boundary): {}",
            panic_message(payload.as_ref())
        )),
    };
    let status = failure.status;
    set_last_error(failure);
    status
}

/// Runs an infallible export's body; a panic gives `fallback`.
pub(crate) fn guard_value<T>(fallback: T, f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(fallback)
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)")
}

/// A JSON document argument (an `EngineConfig`, a `Snapshot`, a
/// `ReportOptions`, a `CompareRequest`) read by `cx_core::json`, as cx-wasm
/// reads it: the same JSON Pointer and the same message in the user's
/// terms on every surface. The last error's message is
/// `cx_core::error::ParseError::in_document`, as the query's
/// and the mapping's: `invalid {what} at line L, column C (POINTER):
/// MESSAGE`; its path is the pointer.
pub(crate) fn document<T: serde::de::DeserializeOwned>(
    what: &str,
    text: &str,
) -> Result<T, Failure> {
    cx_core::json::from_json_positioned(text).map_err(|e| {
        let message = e.in_document(what);
        Failure::new(e.code(), e.pointer, message)
    })
}

/// A non-NULL pointer argument, as a reference.
///
/// # Safety
/// `ptr` is NULL or valid for reads as a `T` for `'a`.
pub(crate) unsafe fn arg<'a, T>(ptr: *const T, name: &str) -> Result<&'a T, Failure> {
    // SAFETY: the caller promises `ptr` is NULL or valid.
    unsafe { ptr.as_ref() }.ok_or_else(|| Failure::null(name))
}

/// A non-NULL out-pointer; checked before any work so that out-params are
/// written only on success.
pub(crate) fn out<T>(ptr: *mut T, name: &str) -> Result<*mut T, Failure> {
    if ptr.is_null() {
        Err(Failure::null(name))
    } else {
        Ok(ptr)
    }
}

/// `len` bytes at `ptr`.
///
/// # Safety
/// `ptr` is NULL or valid for reads of `len` bytes for `'a`.
pub(crate) unsafe fn bytes<'a>(
    ptr: *const c_char,
    len: usize,
    name: &str,
) -> Result<&'a [u8], Failure> {
    if ptr.is_null() {
        return Err(Failure::null(name));
    }
    if len > isize::MAX as usize {
        return Err(Failure::new(
            ErrorCode::InvalidArgument,
            "",
            format!("`{name}` is longer than any buffer can be ({len} bytes)"),
        ));
    }
    // SAFETY: non-NULL, at most isize::MAX bytes, readable per the caller.
    Ok(unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) })
}

/// `len` bytes at `ptr`, which must be UTF-8.
///
/// # Safety
/// As [`bytes`].
pub(crate) unsafe fn text<'a>(
    ptr: *const c_char,
    len: usize,
    name: &str,
) -> Result<&'a str, Failure> {
    // SAFETY: forwarded from the caller.
    let b = unsafe { bytes(ptr, len, name) }?;
    std::str::from_utf8(b).map_err(|e| {
        Failure::new(
            ErrorCode::InvalidUtf8,
            "",
            format!(
                "`{name}` is not valid UTF-8 (invalid byte at offset {})",
                e.valid_up_to()
            ),
        )
    })
}

/// The NUL-terminated string at `ptr`, which must be UTF-8.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string readable for `'a`.
pub(crate) unsafe fn c_str<'a>(ptr: *const c_char, name: &str) -> Result<&'a str, Failure> {
    if ptr.is_null() {
        return Err(Failure::null(name));
    }
    // SAFETY: non-NULL and NUL-terminated per the caller.
    let c = unsafe { std::ffi::CStr::from_ptr(ptr) };
    // SAFETY: the same bytes, without their NUL.
    unsafe { text(c.as_ptr(), c.to_bytes().len(), name) }
}
