//! Issue #16 (input items): the `cx` command line on hostile inputs — a
//! stray CSV quote, numbers, byte-order marks, messages in the user's
//! words. `cargo test` builds the example next to this test binary.

mod common;
use common::*;

/// Item 2: a stray quote on row 12 of a 100,000-row CSV is an error of
/// the call (exit 1) naming line 13 and the word "quote"; the report does
/// not say "1 rejected" and no snapshot is written.
#[test]
fn stray_csv_quote_fails_the_call() {
    let dir = temp_dir("quote");
    let csv = dir.join("data.csv");
    let header = std::fs::read_to_string(root().join("examples/data/survey-export.csv")).unwrap();
    let header = header.lines().next().unwrap().to_string();
    let mut text = format!("{header}\r\n");
    for i in 1..=100_000 {
        let id = if i == 12 {
            "\"r-12".to_string()
        } else {
            format!("r-{i}")
        };
        text.push_str(&format!(
            "{id},2026-01-01,seniors,branches,east,9,4,5,4,3\r\n"
        ));
    }
    std::fs::write(&csv, text).unwrap();
    let snap = dir.join("out.snap.json");
    let out = cx(&[
        "ingest",
        "examples/data/plan.json",
        csv.to_str().unwrap(),
        "--mapping",
        "examples/data/survey-mapping.json",
        "--snapshot-out",
        snap.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("quote"), "{stderr}");
    assert!(stderr.contains("line 13"), "{stderr}");
    assert!(!stderr.contains("rejected"), "{stderr}");
    assert!(!snap.exists(), "nothing of the call is written");
    std::fs::remove_dir_all(&dir).ok();
}

/// Item 13: `cx stats drivers` names a constant column (it said "column 1
/// is constant"): the predictor's header, or the outcome's.
#[test]
fn stats_drivers_names_the_constant_column() {
    let dir = temp_dir("drivers");
    let csv = dir.join("drivers.csv");
    std::fs::write(
        &csv,
        "overall,wait time,courtesy\n8,3,4\n6,3,2\n9,3,5\n4,3,1\n7,3,3\n",
    )
    .unwrap();
    let run = |outcome: &str, predictors: &str| {
        let out = cx(&[
            "stats",
            "drivers",
            "--csv",
            csv.to_str().unwrap(),
            "--outcome",
            outcome,
            "--predictors",
            predictors,
        ]);
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        String::from_utf8(out.stderr).unwrap()
    };
    let err = run("overall", "wait time,courtesy");
    assert!(err.contains("predictor `wait time` is constant"), "{err}");
    assert!(!err.contains("column 1"), "{err}");
    let err = run("wait time", "overall,courtesy");
    assert!(err.contains("outcome `wait time` is constant"), "{err}");
}
