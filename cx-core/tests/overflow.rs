//! Checked arithmetic (issue 16, item 4): counts that would pass what an
//! engine counts exactly (2^53 records of a kind) or what a `u64` holds
//! fail with the `overflow` code and change nothing, instead of saturating
//! into a wrong n (2^64 − 1) and a wrong score.

use cx_core::engine::{Engine, EngineError, Query, Snapshot, MAX_SNAPSHOT_COUNT};
use cx_core::error::ErrorCode;
use cx_core::plan::Plan;
use cx_core::score::{nps, nps_diff, NpsCounts, NpsMethod};

/// An engine restored from a sealed document whose first customer-response
/// cell holds `responses` responses (no rating: a consistent cell).
fn engine_with(responses: u64) -> Engine {
    let plan = Plan::from_json(r#"{"schemaVersion": 1, "organization": {"name": "A"}}"#).unwrap();
    let mut e = Engine::new(plan).unwrap();
    e.ingest_json_lines(
        b"{\"at\": \"2026-03-05\", \"nps\": 9}\n{\"at\": \"2026-03-06\", \"nps\": 3}\n",
    )
    .unwrap();
    let mut v = serde_json::to_value(e.snapshot()).unwrap();
    v["responses"][0][1]["responses"] = responses.into();
    let mut s: Snapshot = serde_json::from_value(v).unwrap();
    s.seal();
    Engine::restore(s).unwrap()
}

#[test]
fn a_merge_past_2_53_records_fails_with_overflow_and_changes_nothing() {
    let mut a = engine_with(MAX_SNAPSHOT_COUNT - 10);
    let b = engine_with(100);
    let before = a.snapshot();
    let card = serde_json::to_string(&a.query(&Query::default()).unwrap()).unwrap();
    let err = a.merge(&b).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Overflow, "{err}");
    assert!(matches!(err, EngineError::Overflow(_)));
    assert!(err.to_string().contains("2^53"), "{err}");
    assert_eq!(a.snapshot(), before, "a refused merge changes nothing");
    assert_eq!(
        serde_json::to_string(&a.query(&Query::default()).unwrap()).unwrap(),
        card
    );
    // Just within: merged, and every count exact.
    let mut a = engine_with(MAX_SNAPSHOT_COUNT - 200);
    a.merge(&b).unwrap();
    let t = a.totals(&Default::default()).unwrap();
    assert_eq!(t.responses(), MAX_SNAPSHOT_COUNT - 200 + 1 + 100 + 1);
}

#[test]
fn restored_cells_each_within_2_53_but_not_together_are_refused() {
    // The hostile run: 4,380 cells each within 2^53 summed to n = 2^64 − 1.
    let plan = Plan::from_json(r#"{"schemaVersion": 1, "organization": {"name": "A"}}"#).unwrap();
    let mut e = Engine::new(plan).unwrap();
    let mut text = String::new();
    for day in 1..=28 {
        text += &format!("{{\"at\": \"2026-02-{day:02}\", \"nps\": 9}}\n");
    }
    e.ingest_json_lines(text.as_bytes()).unwrap();
    let mut v = serde_json::to_value(e.snapshot()).unwrap();
    for c in v["responses"].as_array_mut().unwrap() {
        c[1]["responses"] = MAX_SNAPSHOT_COUNT.into();
    }
    let mut s: Snapshot = serde_json::from_value(v).unwrap();
    s.seal();
    let err = Engine::restore(s).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidSnapshot, "{err}");
    assert_eq!(err.pointer(), "/responses/1/1/responses");
}

#[test]
fn nps_counts_past_u64_fail_with_overflow() {
    let huge = NpsCounts::new(u64::MAX, u64::MAX, 1);
    let err = nps(&huge, NpsMethod::AdjustedWald, 0.95).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Overflow, "{err}");
    assert!(err.to_string().contains("overflow"), "{err}");
    let ok = NpsCounts::new(1, 1, 1);
    let err = nps_diff(&huge, &ok, NpsMethod::Wald, 0.95).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Overflow);
    let err = nps_diff(&ok, &huge, NpsMethod::Wald, 0.95).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Overflow);
    // The largest total that fits is a score with an exact n.
    let edge = NpsCounts::new(u64::MAX - 2, 1, 1);
    assert_eq!(nps(&edge, NpsMethod::Wald, 0.95).unwrap().n, u64::MAX);
}
