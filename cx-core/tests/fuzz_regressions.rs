//! Replays every fuzz input committed under `tests/fuzz-regressions/<target>/`
//! (crashes the fuzzer found, fixed since) and every seed under
//! `fuzz/seeds/<target>/` through the fuzz harness itself
//! (`fuzz/src/lib.rs`, included below), so each replay checks the same
//! invariants as the fuzzer, not only "no panic". To add a regression: copy
//! the artifact `fuzz/artifacts/<target>/crash-…` into
//! `cx-core/tests/fuzz-regressions/<target>/` with a name saying what it hit.
#![cfg(not(miri))]

#[path = "../../fuzz/src/lib.rs"]
// `unexpected_cfgs`: the `ffi` feature is the fuzz crate's (the C ABI
// target, replayed by cx-ffi/tests/fuzz_regressions.rs).
#[allow(dead_code, unexpected_cfgs, clippy::neg_cmp_op_on_partial_ord)]
mod harness;

use std::path::Path;

fn replay(dir: &Path, target: &str) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut files: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
    files.sort();
    for f in &files {
        let data = std::fs::read(f).unwrap();
        eprintln!("replaying {}", f.display());
        harness::run(target, &data);
    }
    files.len()
}

#[test]
fn committed_crash_inputs_replay() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let mut n = 0;
    for t in harness::CORE_TARGETS {
        n += replay(&root.join(t), t);
    }
    if let Ok(entries) = std::fs::read_dir(&root) {
        for e in entries {
            let name = e.unwrap().file_name().into_string().unwrap();
            assert!(
                harness::CORE_TARGETS.contains(&name.as_str()),
                "tests/fuzz-regressions/{name} is not a fuzz target"
            );
        }
    }
    eprintln!("{n} regression inputs replayed");
}

#[test]
fn seed_corpora_pass_the_harness() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/seeds");
    for t in harness::CORE_TARGETS {
        assert!(replay(&root.join(t), t) > 0, "no seeds for {t}");
    }
}

/// `fuzz/seeds/snapshot/sample-snapshot.json` is a current snapshot;
/// `CX_UPDATE_SEEDS=1` rewrites it.
#[test]
fn snapshot_seed_is_current() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/seeds/snapshot/sample-snapshot.json");
    let json = harness::sample_snapshot_json();
    if std::env::var("CX_UPDATE_SEEDS").as_deref() == Ok("1") {
        std::fs::write(&path, json).unwrap();
    } else {
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == json,
            "{} is stale: run CX_UPDATE_SEEDS=1 cargo test -p cx-core --test fuzz_regressions",
            path.display()
        );
    }
}

/// `fuzz/seeds/stream/sample-stream.bin` is the sample engine's current
/// snapshot stream; `CX_UPDATE_SEEDS=1` rewrites it.
#[test]
fn stream_seed_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/seeds/stream/sample-stream.bin");
    let bytes = harness::sample_stream();
    if std::env::var("CX_UPDATE_SEEDS").as_deref() == Ok("1") {
        std::fs::write(&path, bytes).unwrap();
    } else {
        let committed = std::fs::read(&path).unwrap_or_default();
        assert!(
            committed == bytes,
            "{} is stale: run CX_UPDATE_SEEDS=1 cargo test -p cx-core --test fuzz_regressions",
            path.display()
        );
    }
}
