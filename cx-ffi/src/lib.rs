//! `cx-ffi` — the C ABI of cx (`libcx_ffi`, header `include/cx.h`).
//!
//! A thin layer over `cx-core`: it converts C arguments to core types and
//! core results to JSON buffers and status codes, and holds no domain
//! logic. The contract (ownership, errors, threading, ABI stability) is
//! written in `cx-ffi/README.md`.
//!
//! - [`status`]: `cx_status`, the thread-local last error.
//! - [`buffer`]: `cx_buffer`, library-allocated output.
//! - [`plan`]: `cx_plan` (parse, validate, trace).
//! - [`engine`]: `cx_engine` (create, text ingest, query, compare, alerts,
//!   stats, snapshot to a buffer, a stream or a file, restore, merge).
//! - [`feed`]: `cx_json_lines_feed`, JSON Lines pushed in chunks of any
//!   size.
//! - [`response`]: `cx_response`, the typed hot path.
//! - `report` (private module): `cx_engine_report`, the report as JSON,
//!   Markdown or HTML.
//! - `version` (private module): the `CX_VERSION_MAJOR/MINOR/PATCH` macros.
//!
//! Every export runs inside a panic boundary: a panic becomes
//! `CX_STATUS_PANIC`, never an unwind into C.
#![deny(missing_docs)]

mod boundary;
pub mod buffer;
pub mod engine;
pub mod feed;
pub mod plan;
mod report;
pub mod response;
pub mod status;
mod version;

pub use buffer::{cx_buffer, cx_buffer_free};
pub use engine::*;
pub use feed::*;
pub use plan::*;
pub use report::*;
pub use response::*;
pub use status::*;
pub use version::{CX_VERSION_MAJOR, CX_VERSION_MINOR, CX_VERSION_PATCH};

/// The library version as a NUL-terminated string, e.g. `"0.1.0"`. The
/// pointer is static: never free it. Thread-safe.
#[no_mangle]
pub extern "C" fn cx_version() -> *const std::ffi::c_char {
    boundary::guard_value(std::ptr::null(), || {
        concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
    })
}

#[cfg(test)]
mod tests;
