//! cx-core's Miri tests (`cx-core/tests/miri.rs`: score statistics and their
//! merges, engine ingest, merge, snapshot and restore), built here under
//! Miri only: cx-ffi's few dev-dependencies build in seconds under Miri,
//! cx-core's (jsonschema, proptest) take minutes, so the `miri` CI step
//! (`scripts/ci/miri.sh`) runs only `cargo miri test -p cx-ffi`. A normal
//! `cargo test` runs these tests in cx-core.
#![cfg(miri)]

#[path = "../../cx-core/tests/miri.rs"]
mod core_miri;
