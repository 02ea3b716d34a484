//! `cx-core` — the pure domain crate of **cx**, an embeddable
//! customer-experience engine.
//!
//! - [`plan`]: the organisation's CX strategy (positioning, three-tier
//!   identity, goals, rules of the game, instruments, interventions),
//!   validated ([`plan::Plan::validate`]) and traced ([`plan::Plan::trace`]).
//! - [`metric`]: metric identifiers shared by goals, queries, benchmarks and
//!   triggers.
//! - [`score`]: mergeable sufficient statistics and every score computed from
//!   them, with honest statistics (n, standard error, interval, flags).
//! - [`schema`]: the JSON Schemas of every document type.
//! - [`error`]: the stable code of every error ([`error::ErrorCode`]) and
//!   the one parse error ([`error::ParseError`]).
//! - [`file`](mod@file): writing output files atomically (a failure never leaves a
//!   half-written file) and telling whether two paths are the same file.
//! - [`json`]: reading a JSON document with errors that say where (line,
//!   column, JSON Pointer), in the user's words.
//! - [`number`]: the one numeric standard of every input (JSON number
//!   grammar; a rating's value whole and in its field's range).
//!
//! The crate has no `unsafe`, no FFI and no wasm dependency: the bindings
//! (`cx-ffi`, `cx-wasm`) only convert types and errors.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod analysis;
pub mod demo;
pub mod diagnostic;
pub mod engine;
pub mod error;
pub mod file;
pub mod json;
pub mod metric;
pub mod number;
pub mod plan;
pub mod playbook;
pub mod record;
pub mod report;
pub mod schema;
pub mod score;

/// The version of this crate (`CARGO_PKG_VERSION`), e.g. `"0.1.0"`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
