//! Replays the inputs of the `cabi` fuzz target — the seeds in
//! `fuzz/seeds/cabi/` and the crash inputs committed under
//! `cx-ffi/tests/fuzz-regressions/cabi/` (found by the fuzzer, fixed since)
//! — through the fuzz harness itself (`fuzz/src/cabi.rs`, included below),
//! so each replay checks the same invariants as the fuzzer. To add a
//! regression: copy `fuzz/artifacts/cabi/crash-…` into
//! `cx-ffi/tests/fuzz-regressions/cabi/` with a name saying what it hit.
#![cfg(not(miri))]

#[path = "../../fuzz/src/cabi.rs"]
mod cabi;

use std::path::Path;

fn replay(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut files: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
    files.sort();
    for f in &files {
        eprintln!("replaying {}", f.display());
        cabi::cabi(&std::fs::read(f).unwrap());
    }
    files.len()
}

#[test]
fn cabi_seeds_and_crash_inputs_replay() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert!(
        replay(&root.join("../fuzz/seeds/cabi")) > 0,
        "no cabi seeds"
    );
    let n = replay(&root.join("tests/fuzz-regressions/cabi"));
    eprintln!("{n} regression inputs replayed");
}
