//! `cx` — the umbrella crate of the cx customer-experience engine: it owns
//! the `cx` command line (`cargo run --release --example cx`), the other
//! examples and the benches, and re-exports nothing.
//!
//! **One path per item.** The library is [`cx_core`], and every item has
//! one path, under `cx_core::` (`cx_core::plan::Plan`,
//! `cx_core::engine::Engine`, `cx_core::score::nps`): the examples and
//! benches of this crate use `cx_core::` as a Rust user does. A glob
//! re-export (`pub use cx_core::*`) would give every item a second path,
//! `cx::plan::Plan`, and two names for one thing in the docs and in code
//! (issue #17).
//!
//! Start with the map of the method in [`cx_core`]'s documentation: plan →
//! records → engine → scores → analysis → playbook → report.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
