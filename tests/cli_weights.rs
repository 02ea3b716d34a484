//! Issue #19, item 1: a CSV with a weight column through the `cx` command
//! line: the ingest summary on stderr counts the weights rounded to
//! millionths, a bad weight is a rejected row naming the column, and
//! `cx ingest --json` gives `weightsRounded`. `cargo test` builds the
//! example next to this test binary.

mod common;
use common::*;

const CSV: &str = "date,segment,nps,wt\n\
2026-01-05,families,9,2.5\n\
2026-01-05,families,8,0.1234567\n\
2026-01-05,seniors,3,0\n\
2026-01-05,seniors,10,\n\
2026-01-05,seniors,7,1\n";

const MAPPING: &str = r#"{"at": {"column": "date", "format": "date"},
  "dimensions": {"segment": "segment"}, "nps": "nps", "weight": "wt"}"#;

#[test]
fn the_ingest_summary_counts_rounded_weights_and_names_bad_ones() {
    let dir = temp_dir("weights");
    let (csv, mapping) = (dir.join("w.csv"), dir.join("m.json"));
    std::fs::write(&csv, CSV).unwrap();
    std::fs::write(&mapping, MAPPING).unwrap();
    let (csv, mapping) = (csv.to_str().unwrap(), mapping.to_str().unwrap());
    let out = cx(&[
        "ingest",
        "examples/data/plan.json",
        csv,
        "--mapping",
        mapping,
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Rejected rows: exit 1.
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stdout.contains(
            "5 record(s): 3 accepted, 2 rejected; 0 alert(s), 1 weight(s) rounded to millionths;"
        ),
        "{stdout}"
    );
    assert!(stderr.contains(":4:4"), "{stderr}");
    assert!(
        stderr.contains("`weight`: a weight must be positive; got 0"),
        "{stderr}"
    );
    assert!(
        stderr.contains("`weight`: column `wt` has no value"),
        "{stderr}"
    );
    let json = cx(&[
        "ingest",
        "examples/data/plan.json",
        csv,
        "--mapping",
        mapping,
        "--json",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["weightsRounded"], 1);
    assert_eq!(report["errors"][0]["field"], "wt");
    assert_eq!(report["errors"][0]["pointer"], "/weight");
}

#[test]
fn score_prints_the_rounded_count_on_stderr() {
    let dir = temp_dir("weights-score");
    let (csv, mapping) = (dir.join("w.csv"), dir.join("m.json"));
    std::fs::write(&csv, CSV).unwrap();
    std::fs::write(&mapping, MAPPING).unwrap();
    let out = cx(&[
        "score",
        "examples/data/plan.json",
        csv.to_str().unwrap(),
        "--mapping",
        mapping.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "5 record(s): 3 accepted, 2 rejected, 0 alert(s), 1 weight(s) rounded to millionths"
        ),
        "{stderr}"
    );
}
