//! The `cx` command line (SPEC §5.5), run as a user would. `cargo test`
//! builds the example next to this test binary (`target/<profile>/examples/cx`).

mod common;
use common::*;

use std::process::{Command, Output};

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
fn demo_runs_and_writes_the_html_report() {
    let dir = temp_dir("demo");
    let out = Command::new(cx_binary())
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Riverside Home Insurance"));
    assert!(text.contains("prepareTraining") && text.contains("claim-speed"));
    let html = std::fs::read_to_string(dir.join("cx-report.html")).unwrap();
    assert!(html.contains(r#"data-chart="ipa""#));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn report_airline_sample_json_html_md() {
    let dir = temp_dir("report");
    let (html, md) = (dir.join("r.html"), dir.join("r.md"));
    let out = cx(&[
        "report",
        "examples/data/airline-plan.json",
        "tests/fixtures/airline-sample.csv",
        "--mapping",
        "examples/data/airline-mapping.json",
        "--json",
        "--html",
        html.to_str().unwrap(),
        "--md",
        md.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = json_of(&out);
    assert_eq!(r["reportVersion"], 1);
    assert!(
        r["analysis"]["vital"]["attributes"]
            .as_array()
            .unwrap()
            .len()
            > 1
    );
    assert!(r["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["intervention"] == "establishIdentity"));
    assert!(std::fs::read_to_string(&html)
        .unwrap()
        .starts_with("<!DOCTYPE html>"));
    assert!(std::fs::read_to_string(&md)
        .unwrap()
        .starts_with("# CX report"));
    assert_eq!(cx(&["report"]).status.code(), Some(2));
    assert_eq!(
        cx(&[
            "report",
            "examples/data/plan.json",
            "--from-snapshot",
            "nope.json"
        ])
        .status
        .code(),
        Some(2)
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn score_airline_sample_grouped_by_class() {
    let out = cx(&[
        "score",
        "examples/data/airline-plan.json",
        "tests/fixtures/airline-sample.csv",
        "--mapping",
        "examples/data/airline-mapping.json",
        "--query",
        r#"{"groupBy": ["class"], "metrics": ["attribute:seat-comfort"]}"#,
        "--json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let card = json_of(&out);
    // Recompute from the rows directly: Seat comfort per class, 0 = n/a.
    let mut reader =
        csv::Reader::from_path(root().join("tests/fixtures/airline-sample.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let class = headers.iter().position(|h| h == "Class").unwrap();
    let seat = headers.iter().position(|h| h == "Seat comfort").unwrap();
    let mut sums: std::collections::BTreeMap<String, (f64, u64)> = Default::default();
    for row in reader.records() {
        let row = row.unwrap();
        let v: u8 = row[seat].parse().unwrap();
        if v != 0 {
            let e = sums.entry(row[class].to_string()).or_default();
            e.0 += f64::from(v);
            e.1 += 1;
        }
    }
    let rows = card["rows"].as_array().unwrap();
    assert_eq!(rows.len(), sums.len());
    for row in rows {
        let c = row["key"]["class"].as_str().unwrap();
        let (sum, n) = sums[c];
        let s = &row["scores"]["attribute:seat-comfort"];
        assert_eq!(s["n"].as_u64().unwrap(), n, "{c}");
        assert!(
            (s["mean"].as_f64().unwrap() - sum / n as f64).abs() < 1e-12,
            "{c}"
        );
    }
    // The text output names every class.
    let text = cx(&[
        "score",
        "examples/data/airline-plan.json",
        "tests/fixtures/airline-sample.csv",
        "--mapping",
        "examples/data/airline-mapping.json",
        "--query",
        r#"{"groupBy": ["class"]}"#,
    ]);
    let stdout = String::from_utf8_lossy(&text.stdout);
    for c in sums.keys() {
        assert!(stdout.contains(&format!("class={c}")), "{stdout}");
    }
}

#[test]
fn a_memory_budget_too_small_fails_with_a_hint() {
    let dir = temp_dir("budget");
    let data = dir.join("data.jsonl");
    std::fs::write(
        &data,
        "{\"at\":\"2026-01-05\",\"segment\":\"families\",\"nps\":9}\n",
    )
    .unwrap();
    let snap = dir.join("snap.bin");
    let out = cx(&[
        "ingest",
        "examples/data/plan.json",
        data.to_str().unwrap(),
        "--max-cell-bytes",
        "1000",
        "--snapshot-out",
        snap.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("limits.maxCellBytes = 1000") && stderr.contains("--cube"),
        "{stderr}"
    );
    assert!(!snap.exists(), "no snapshot of a failed ingest");
    let out = cx(&[
        "ingest",
        "examples/data/plan.json",
        data.to_str().unwrap(),
        "--max-cell-bytes",
        "lots",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--max-cell-bytes lots"));
    let out = cx(&[
        "ingest",
        "examples/data/plan.json",
        data.to_str().unwrap(),
        "--max-cell-bytes",
        "100000",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}

#[test]
fn ingest_reports_rejects_and_snapshots_round_trip() {
    let dir = temp_dir("ingest");
    let data = dir.join("data.jsonl");
    std::fs::write(
        &data,
        "{\"at\":\"2026-01-05\",\"segment\":\"families\",\"nps\":9}\n{\"at\":\"2026-01-05\",\"nps\":14}\n{\"at\":\"2026-01-06\",\"segment\":\"seniors\",\"nps\":2}\n",
    )
    .unwrap();
    let snap = dir.join("snap.json");
    let out = cx(&[
        "ingest",
        "examples/data/plan.json",
        data.to_str().unwrap(),
        "--snapshot-out",
        snap.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1), "a rejected record exits 1");
    let report = json_of(&out);
    assert_eq!(
        (report["accepted"].as_u64(), report["rejected"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(report["errors"][0]["line"], 2);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(":2:") || stderr.contains(":2 "), "{stderr}");
    assert!(stderr.contains("out-of-range"), "{stderr}");

    let q = r#"{"groupBy": ["segment"], "metrics": ["nps"]}"#;
    let direct = cx(&[
        "score",
        "examples/data/plan.json",
        data.to_str().unwrap(),
        "--query",
        q,
        "--json",
    ]);
    let restored = cx(&[
        "score",
        "examples/data/plan.json",
        "--from-snapshot",
        snap.to_str().unwrap(),
        "--query",
        q,
        "--json",
    ]);
    assert_eq!(
        restored.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&restored.stderr)
    );
    assert_eq!(json_of(&direct), json_of(&restored));
    // Usage and I/O errors exit 2.
    assert_eq!(
        cx(&["score", "examples/data/plan.json"]).status.code(),
        Some(2)
    );
    assert_eq!(
        cx(&["score", "examples/data/plan.json", "nope.jsonl"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        cx(&[
            "score",
            "examples/data/plan.json",
            "tests/fixtures/airline-sample.csv"
        ])
        .status
        .code(),
        Some(2)
    );
    assert_eq!(
        cx(&[
            "score",
            "examples/data/plan.json",
            data.to_str().unwrap(),
            "--query",
            "{\"groupBy\": [\"country\"]}"
        ])
        .status
        .code(),
        Some(2)
    );
}

/// `-` reads JSON Lines from standard input (streamed in chunks); `--cube`
/// and `--granularity` set what the engine keeps: the scores equal those of
/// the same file with the default cube, with fewer cells; a bad
/// granularity is a usage error.
#[test]
fn stdin_and_cube_options() {
    let dir = temp_dir("stdin");
    let mut text = String::new();
    for i in 0..3_000 {
        text.push_str(&format!(
            "{{\"at\":\"2026-01-{:02}T10:00:00Z\",\"segment\":\"{}\",\"touchpoint\":\"claims\",\"nps\":{}}}\n",
            1 + i % 28,
            ["families", "seniors", "business"][i % 3],
            i % 11
        ));
    }
    text.push_str("{\"at\":\"2026-01-05\",\"nps\":14}\n");
    let data = dir.join("data.jsonl");
    std::fs::write(&data, &text).unwrap();
    let q = r#"{"groupBy": ["segment"], "metrics": ["nps"]}"#;
    let from_file = cx(&[
        "score",
        "examples/data/plan.json",
        data.to_str().unwrap(),
        "--query",
        q,
        "--json",
    ]);
    let from_stdin = cx_stdin(
        &[
            "score",
            "examples/data/plan.json",
            "-",
            "--cube",
            "segment",
            "--granularity",
            "none",
            "--query",
            q,
            "--json",
        ],
        &text,
    );
    assert_eq!(from_stdin.status.code(), Some(1), "one record is rejected");
    let stderr = String::from_utf8_lossy(&from_stdin.stderr);
    assert!(stderr.contains("-:3001:"), "{stderr}");
    let (a, b) = (json_of(&from_file), json_of(&from_stdin));
    assert_eq!(a["rows"], b["rows"]);
    assert_eq!(a["rows"].as_array().unwrap().len(), 3);
    let cells = |args: &[&str]| {
        let out = cx(args);
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let small = cells(&[
        "ingest",
        "examples/data/plan.json",
        data.to_str().unwrap(),
        "--cube",
        "segment",
        "--granularity",
        "none",
    ]);
    assert!(small.contains("; 3 cell(s) kept"), "{small}");
    let all = cells(&["ingest", "examples/data/plan.json", data.to_str().unwrap()]);
    assert!(all.contains("; 84 cell(s) kept"), "{all}");
    let bad = cx(&[
        "ingest",
        "examples/data/plan.json",
        data.to_str().unwrap(),
        "--granularity",
        "hour",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    let unknown = cx(&[
        "ingest",
        "examples/data/plan.json",
        data.to_str().unwrap(),
        "--cube",
        "planet",
    ]);
    // A cube naming a dimension the plan does not have is a usage error
    // (issue 16, item 9).
    assert_eq!(unknown.status.code(), Some(2));
}

/// `cx report --json` has the same alerts section whether the data came
/// from a file (read in parallel parts), standard input or a snapshot:
/// the newest 10,000 (`maxAlertsKept`) of the 28,000 raised, by time, in
/// an input that is not in time order.
#[test]
fn report_alerts_are_the_same_from_a_file_stdin_or_a_snapshot() {
    let dir = temp_dir("alerts");
    let n = 24_000usize;
    let mut text = String::new();
    // (minute, reason) of every alert raised, for the rule's answer.
    let mut raised: Vec<(usize, &str)> = Vec::new();
    for i in 0..n {
        // A permutation of the minutes (7,919 is prime to 24,000).
        let minute = i * 7_919 % n;
        // The last 4,000 minutes also raise a CSAT alert.
        let csat = if minute >= 20_000 { 1 } else { 4 };
        text.push_str(&format!(
            "{{\"at\":\"2026-01-{:02}T{:02}:{:02}:00Z\",\"nps\":{},\"csat\":{csat}}}\n",
            1 + minute / 1_440,
            minute % 1_440 / 60,
            minute % 60,
            i % 7
        ));
        raised.push((minute, "detractor"));
        if csat == 1 {
            raised.push((minute, "csatBottomTwo"));
        }
    }
    raised.sort_unstable();
    let kept = &raised[raised.len() - 10_000..];
    let count = |reason: &str| kept.iter().filter(|(_, r)| *r == reason).count();
    let by_reason = serde_json::json!({"detractor": count("detractor"), "csatBottomTwo": count("csatBottomTwo")});
    // Due (48 hours after) before the end of the last day, 2026-01-17.
    let due = kept
        .iter()
        .filter(|(m, _)| m + 48 * 60 < 17 * 1_440)
        .count();
    let data = dir.join("data.jsonl");
    std::fs::write(&data, &text).unwrap();
    let snap = dir.join("snap.json");
    let plan = "examples/data/plan.json";
    let alerts = |out: &Output| json_of(out)["alerts"].clone();
    let from_file = alerts(&cx(&["report", plan, data.to_str().unwrap(), "--json"]));
    let from_stdin = alerts(&cx_stdin(&["report", plan, "-", "--json"], &text));
    assert_eq!(from_file["total"], 10_000);
    assert_eq!(from_file["byReason"], by_reason);
    assert_eq!(from_file["dueByAsOf"], due);
    assert_eq!(from_file["latest"], "2026-01-17");
    assert_eq!(from_stdin, from_file);
    let out = cx(&[
        "ingest",
        plan,
        data.to_str().unwrap(),
        "--snapshot-out",
        snap.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let restored = cx(&[
        "report",
        plan,
        "--from-snapshot",
        snap.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(alerts(&restored), from_file);
    std::fs::remove_dir_all(&dir).ok();
}
