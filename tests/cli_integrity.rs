//! The command line against tampered snapshots, overflowing counts and
//! non-finite results (issue 16, items 3–5): `--snapshot-out` writes the
//! same stream whatever the extension, and any one changed byte is refused
//! with exit 1; NPS counts past 2^64 − 1 are an overflow error; a KPI too
//! large for a float shows "—" and why, never `inf`.

mod common;
use common::*;

use std::process::Output;

const PLAN: &str = "examples/data/plan.json";
const DATA: &str = "examples/data/responses.jsonl";

fn score_from(snap: &str) -> Output {
    cx(&["score", PLAN, "--from-snapshot", snap, "--json"])
}

#[test]
fn any_extension_writes_the_stream_and_a_tampered_one_exits_1() {
    let dir = temp_dir("tamper");
    let direct = cx(&["score", PLAN, DATA, "--json"]);
    assert_eq!(direct.status.code(), Some(0));
    let mut written = Vec::new();
    for name in ["s.snap", "s.json", "s"] {
        let snap = dir.join(name);
        let out = cx(&[
            "ingest",
            PLAN,
            DATA,
            "--snapshot-out",
            snap.to_str().unwrap(),
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let restored = score_from(snap.to_str().unwrap());
        assert_eq!(
            restored.status.code(),
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&restored.stderr)
        );
        assert_eq!(restored.stdout, direct.stdout, "{name}");
        written.push(std::fs::read(&snap).unwrap());
    }
    // The same bytes whatever the extension: the stream.
    assert!(written.windows(2).all(|w| w[0] == w[1]));
    assert!(written[0].starts_with(b"CXSNAP"));

    // One changed byte in the header, a cell, the end mark or the checksum.
    let good = &written[0];
    let tampered = dir.join("tampered.snap");
    for at in [7, 20, good.len() / 2, good.len() - 9, good.len() - 1] {
        let mut b = good.clone();
        b[at] ^= 0x04;
        std::fs::write(&tampered, &b).unwrap();
        let out = score_from(tampered.to_str().unwrap());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "byte {at}: {stderr}");
        assert!(stderr.contains("invalid snapshot"), "byte {at}: {stderr}");
        assert!(out.stdout.is_empty(), "byte {at}");
    }
}

/// Issue 16, item 4: NPS counts whose total passes 2^64 − 1 are an
/// `overflow` error (exit 1), not n = 2^64 − 1.
#[test]
fn stats_nps_counts_past_u64_exit_1_with_overflow() {
    let max = u64::MAX.to_string();
    let counts = format!("{max},{max},1");
    for json in [false, true] {
        let mut args = vec!["stats", "nps", "--counts", counts.as_str()];
        if json {
            args.push("--json");
        }
        let out = cx(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("overflow"), "{stderr}");
        assert!(!String::from_utf8_lossy(&out.stdout).contains(&max));
    }
    let out = cx(&["stats", "nps-diff", "--a", &counts, "--b", "1,2,3"]);
    assert_eq!(out.status.code(), Some(1));
}

/// Issue 16, item 5: a KPI average basket of 1.7e308 sales over 5e-324
/// orders is "—" with its reason in text and `null` with a reason and no
/// `inf` in JSON.
#[test]
fn a_kpi_too_large_for_a_float_is_a_dash_with_its_reason() {
    let dir = temp_dir("kpi");
    let data = dir.join("kpi.jsonl");
    std::fs::write(
        &data,
        "{\"kind\":\"kpi\",\"metric\":\"sales\",\"period\":{\"start\":\"2026-01-01\",\"end\":\"2026-01-31\"},\"value\":1.7e308}\n\
         {\"kind\":\"kpi\",\"metric\":\"orders\",\"period\":{\"start\":\"2026-01-01\",\"end\":\"2026-01-31\"},\"value\":5e-324}\n",
    )
    .unwrap();
    let q = r#"{"metrics": ["kpi:averageBasket"]}"#;
    let out = cx(&["score", PLAN, data.to_str().unwrap(), "--query", q]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(!text.contains("inf"), "{text}");
    let line = text
        .lines()
        .find(|l| l.contains("kpi:averageBasket"))
        .unwrap();
    assert!(line.contains('—') && line.contains("overflow"), "{line}");
    let out = cx(&[
        "score",
        PLAN,
        data.to_str().unwrap(),
        "--query",
        q,
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let s = &v["rows"][0]["scores"]["kpi:averageBasket"];
    assert!(s["value"].is_null(), "{s}");
    assert!(s["reason"].as_str().unwrap().contains("overflow"), "{s}");
}
