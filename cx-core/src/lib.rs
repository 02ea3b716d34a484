//! `cx-core` — the pure domain crate of **cx**, an embeddable
//! customer-experience engine.
//!
//! A map of the public modules, in the order of the method: plan → records
//! → engine → scores → analysis → playbook → report, then what every step
//! shares.
//!
//! 1. [`plan`]: the organisation's CX strategy (positioning, three-tier
//!    identity, goals, rules of the game, instruments, interventions),
//!    validated ([`plan::Plan::validate`]) and traced
//!    ([`plan::Plan::trace`]). What validation says is a
//!    [`diagnostic::Diagnostic`] ([`diagnostic`]).
//! 2. [`record`]: the observations (customer and employee responses,
//!    audits, KPI observations) and the fields of a response, declared once.
//! 3. [`engine`]: ingests observations into mergeable statistics kept per
//!    cube cell (JSON, JSON Lines, CSV, typed rows, columns), within a
//!    memory budget, answers queries with scorecards, compares, raises
//!    alerts, snapshots, restores and merges.
//! 4. [`score`]: the sufficient statistics and every score computed from
//!    them, with honest statistics (n, standard error, interval, flags);
//!    [`metric`]: the metric ids shared by goals, queries, benchmarks and
//!    triggers.
//! 5. [`analysis`]: what a management committee reads: headline scores
//!    and trends, vital processes, identity alignment, goals, TCS and gaps,
//!    benchmarks, impact, compliance.
//! 6. [`playbook`]: triggers as data, evaluated over an analysis into
//!    prioritised recommendations with their evidence.
//! 7. [`report`]: the CX report as one document, rendered to JSON,
//!    Markdown and self-contained HTML.
//!
//! Shared by every step:
//!
//! - [`error`]: the stable code of every error ([`error::ErrorCode`]) and
//!   the one parse error ([`error::ParseError`]).
//! - [`json`]: reading a JSON document with errors that say where (line,
//!   column, JSON Pointer), in the user's words.
//! - [`number`]: the one numeric standard of every input (JSON number
//!   grammar; a rating's value whole and in its field's range).
//! - [`schema`]: the JSON Schemas of every document type.
//! - [`file`](mod@file): writing output files atomically (a failure never
//!   leaves a half-written file) and telling whether two paths are the same
//!   file.
//! - [`demo`]: a seeded generator of realistic data for the sample plan.
//!
//! The crate has no `unsafe`, no FFI and no wasm dependency: the bindings
//! (`cx-ffi`, `cx-wasm`) only convert types and errors.
//!
//! A cite "SPEC §3.2" in these docs means section 3.2 of the repository's `docs/SPEC.md`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod analysis;
pub mod comment;
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
