//! `cx_buffer`: library-allocated output (JSON documents), freed with
//! `cx_buffer_free`.

use std::ffi::c_char;

use crate::status::Failure;

/// Bytes the library allocated and the caller owns: `len` bytes at `ptr`,
/// followed by a NUL byte (not counted in `len`) so text can be used as a C
/// string. The text is UTF-8 JSON.
///
/// Free it with `cx_buffer_free` exactly once; never with `free()`. An
/// empty buffer is `{NULL, 0}`; a zero-initialised `cx_buffer` is empty and
/// safe to free.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct cx_buffer {
    /// The bytes, NUL-terminated; NULL when empty.
    pub ptr: *mut c_char,
    /// Number of bytes, not counting the terminating NUL.
    pub len: usize,
}

impl cx_buffer {
    /// Takes ownership of the bytes (a NUL is appended).
    pub(crate) fn from_vec(mut v: Vec<u8>) -> cx_buffer {
        v.push(0);
        let boxed = v.into_boxed_slice();
        let len = boxed.len() - 1;
        cx_buffer {
            ptr: Box::into_raw(boxed).cast::<c_char>(),
            len,
        }
    }

    /// A serde value as JSON.
    pub(crate) fn json<T: serde::Serialize + ?Sized>(value: &T) -> Result<cx_buffer, Failure> {
        serde_json::to_vec(value)
            .map(cx_buffer::from_vec)
            .map_err(|e| Failure::internal(format!("internal error: cannot write JSON: {e}")))
    }
}

/// Writes `value` as JSON to `*out` (already checked non-NULL).
///
/// # Safety
/// `out` is valid for writes.
pub(crate) unsafe fn write_json<T: serde::Serialize + ?Sized>(
    out: *mut cx_buffer,
    value: &T,
) -> Result<(), Failure> {
    let b = cx_buffer::json(value)?;
    // SAFETY: per the caller; `cx_buffer` has no destructor, so the old
    // contents are not dropped.
    unsafe { out.write(b) };
    Ok(())
}

/// Frees a buffer the library returned and resets it to `{NULL, 0}`, so a
/// second call is harmless. `buffer` may be NULL, and `buffer->ptr` may be
/// NULL (both do nothing).
///
/// # Safety
/// `buffer` is NULL or points to a `cx_buffer` that is empty or was filled
/// by this library and not modified since. Not thread-safe for the same
/// buffer.
#[no_mangle]
pub unsafe extern "C" fn cx_buffer_free(buffer: *mut cx_buffer) {
    crate::boundary::guard_value((), || {
        // SAFETY: NULL or valid per the contract.
        let Some(b) = (unsafe { buffer.as_mut() }) else {
            return;
        };
        if !b.ptr.is_null() {
            let slice = std::ptr::slice_from_raw_parts_mut(b.ptr.cast::<u8>(), b.len + 1);
            // SAFETY: allocated by `from_vec` as a boxed slice of len + 1.
            drop(unsafe { Box::from_raw(slice) });
        }
        b.ptr = std::ptr::null_mut();
        b.len = 0;
    })
}
