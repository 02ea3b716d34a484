//! Issue #19 acceptance through the command line: a CSV with a weight
//! column (`tests/data/airline-weighted.csv`, the first 600 airline records
//! with a constructed weight) through
//! `cx score PLAN FILE --mapping M --query '{…, "rake": …, "compare": "rest"}' --json`
//! shows the raked values (R `survey`'s, see `cx-core/tests/weighted_rake.rs`
//! for the R calls), `effectiveN`, `weightSum`, the weighting and a change
//! on every score. `cargo test` builds the example next to this test binary.

// R's figures are copied as printed, all 17 significant digits.
#![allow(clippy::excessive_precision)]

mod common;
use common::*;

const QUERY: &str = r#"{"metrics": ["attribute:wifi"], "groupBy": ["segment"], "compare": "rest",
  "rake": [{"dimension": "class", "shares": {"Business": 0.45, "Eco": 0.45, "Eco Plus": 0.10}},
           {"dimension": "typeOfTravel", "shares": {"Business travel": 0.6, "Personal Travel": 0.4}}]}"#;

fn close(got: &serde_json::Value, want: f64, what: &str) {
    let got = got.as_f64().unwrap_or_else(|| panic!("{what}: {got}"));
    assert!(
        ((got - want) / want).abs() <= 1e-9,
        "{what}: got {got}, want {want}"
    );
}

#[test]
fn score_rakes_weights_and_compares_from_the_command_line() {
    let out = cx(&[
        "score",
        "examples/data/airline-plan.json",
        "tests/data/airline-weighted.csv",
        "--mapping",
        "tests/data/airline-weighted-mapping.json",
        "--query",
        QUERY,
        "--json",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let card: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let w = &card["weighting"];
    assert_eq!(w["responses"], 600);
    assert_eq!(w["rake"][0]["dimension"], "class");
    let rows = card["rows"].as_array().unwrap();
    assert_eq!(rows[0]["key"]["segment"], "Female");
    let female = &rows[0]["scores"]["attribute:wifi"];
    // svyby(~wifi, ~gender, r, svymean, na.rm = TRUE) on the raked design.
    close(&female["value"], 2.759436788681898, "value");
    close(&female["se"], 0.075481105990812994, "se");
    close(&female["weightSum"], 455.34013137397568, "weightSum");
    close(&female["effectiveN"], 239.2872919025032, "effectiveN");
    let male = &rows[1]["scores"]["attribute:wifi"];
    close(&male["value"], 2.8606620591142398, "male value");
    let change = &female["change"];
    assert_eq!(change["method"], "welch");
    close(
        &change["delta"],
        2.759436788681898 - 2.8606620591142398,
        "delta",
    );
    assert!(change["p"].as_f64().is_some() && change["pAdjusted"].as_f64().is_some());
}

#[test]
fn a_query_that_cannot_rake_says_where_and_why() {
    let out = cx(&[
        "score",
        "examples/data/airline-plan.json",
        "tests/data/airline-weighted.csv",
        "--mapping",
        "tests/data/airline-weighted-mapping.json",
        "--query",
        r#"{"rake": [{"dimension": "class", "shares": {"Business": 0.5, "Eco": 0.5}}]}"#,
        "--json",
    ]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("/rake/0/shares"), "{stderr}");
    assert!(stderr.contains("`Eco Plus`"), "{stderr}");
}

#[test]
fn the_text_scorecard_states_the_weighting_and_the_changes() {
    let out = cx(&[
        "score",
        "examples/data/airline-plan.json",
        "tests/data/airline-weighted.csv",
        "--mapping",
        "tests/data/airline-weighted-mapping.json",
        "--query",
        QUERY,
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("(effective 239.3)"), "{stdout}");
    assert!(stdout.contains("Δ -0.10 p="), "{stdout}");
    assert!(
        stdout.contains("weighted: 600 responses (530 with a weight)"),
        "{stdout}"
    );
    assert!(stdout.contains("raked on class, typeOfTravel"), "{stdout}");
}
