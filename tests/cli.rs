//! The `cx` command line (SPEC §5.5), run as a user would. `cargo test`
//! builds the example next to this test binary (`target/<profile>/examples/cx`).

use std::path::PathBuf;
use std::process::{Command, Output};

fn cx_binary() -> PathBuf {
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

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn cx(args: &[&str]) -> Output {
    Command::new(cx_binary())
        .args(args)
        .current_dir(root())
        .output()
        .unwrap()
}

fn json_of(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn validate_sample_plan_json() {
    let out = cx(&["validate", "examples/data/plan.json", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json_of(&out), serde_json::json!({"diagnostics": []}));
}

#[test]
fn validate_reports_parse_errors_with_position() {
    let dir = std::env::temp_dir().join(format!("cx-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(
        &bad,
        "{\"schemaVersion\": 1,\n \"organization\": {\"name\": true}}",
    )
    .unwrap();
    let out = cx(&["validate", bad.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let d = &json_of(&out)["diagnostics"][0];
    assert_eq!(d["code"], "parse-error");
    assert_eq!(d["path"], "/organization/name");
    assert_eq!(d["line"], 2);
    assert!(d["column"].as_u64().unwrap() > 0);

    let invalid = dir.join("invalid.json");
    std::fs::write(
        &invalid,
        r#"{"schemaVersion": 3, "organization": {"name": "A"}}"#,
    )
    .unwrap();
    let out = cx(&["validate", invalid.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        json_of(&out)["diagnostics"][0]["code"],
        "unknown-schema-version"
    );

    let text = cx(&["validate", invalid.to_str().unwrap()]);
    assert_eq!(text.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&text.stdout).contains("error[unknown-schema-version]"));
}

#[test]
fn validate_usage_and_io_errors_exit_2() {
    assert_eq!(cx(&["validate"]).status.code(), Some(2));
    assert_eq!(
        cx(&["validate", "no/such/file.json"]).status.code(),
        Some(2)
    );
    assert_eq!(
        cx(&["validate", "examples/data/plan.json", "--bogus"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(cx(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn schema_command_prints_the_committed_schema() {
    let out = cx(&["schema", "plan"]);
    assert_eq!(out.status.code(), Some(0));
    let committed: serde_json::Value =
        serde_json::from_str(include_str!("../schema/plan.schema.json")).unwrap();
    assert_eq!(json_of(&out), committed);
    assert_eq!(cx(&["schema", "nope"]).status.code(), Some(2));
}

#[test]
fn demo_runs() {
    let out = cx(&[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Riverside Home Insurance"));
}
