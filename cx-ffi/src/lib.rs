//! `cx-ffi` — the C ABI of cx (`libcx_ffi`, header `include/cx.h`).
#![deny(missing_docs)]

mod version;
pub use version::{CX_VERSION_MAJOR, CX_VERSION_MINOR, CX_VERSION_PATCH};

/// The library version as a NUL-terminated string, e.g. `"0.1.0"`. The
/// pointer is static: never free it. Thread-safe.
#[no_mangle]
pub extern "C" fn cx_version() -> *const std::ffi::c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}
