//! What every command-line test needs: the `cx` binary that `cargo test`
//! builds next to the test binary (`target/<profile>/examples/cx`), run from
//! the repository root, and a fresh directory per test. Each test binary
//! uses part of it.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// The `cx` example built by `cargo test`.
pub fn cx_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().unwrap().parent().unwrap();
    let bin = profile_dir
        .join("examples")
        .join(format!("cx{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} missing: run `cargo test` (it builds examples)",
        bin.display()
    );
    bin
}

/// The repository root, where every command runs.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `cx args…` from the repository root.
pub fn cx(args: &[&str]) -> Output {
    Command::new(cx_binary())
        .args(args)
        .current_dir(root())
        .output()
        .unwrap()
}

/// `cx` with `input` on its standard input.
pub fn cx_stdin(args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(cx_binary())
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// The standard output of a command, read as JSON.
pub fn json_of(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

/// A fresh, empty directory for one test, on the real disk
/// (`CARGO_TARGET_TMPDIR`, not a tmpfs `/tmp`: a write and its fsync take
/// real time), named after the test binary and `name`.
pub fn temp_dir(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "{}-{name}-{}",
        env!("CARGO_CRATE_NAME"),
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}
