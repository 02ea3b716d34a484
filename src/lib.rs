//! `cx` — the umbrella crate of the cx customer-experience engine.
//!
//! Everything lives in [`cx_core`], re-exported here so that `cx::plan::Plan`
//! and friends read naturally. This crate also owns the `cx` command-line
//! example (`cargo run --release --example cx`) and the benches.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub use cx_core::*;
