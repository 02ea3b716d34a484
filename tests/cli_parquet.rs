//! Issue #18, item 3: `cx score PLAN data.parquet [--mapping M]` works like
//! CSV input — the airline sample as Parquet (`tests/data/airline-sample.parquet`,
//! the CSV `tests/fixtures/airline-sample.csv` converted by cx-core's
//! `arrow_ingest` test, which checks it) prints what the CSV prints. A
//! build without the `datafusion` feature says how to get Parquet input.

mod common;
use common::*;

const PLAN: &str = "examples/data/airline-plan.json";
const MAPPING: &str = "examples/data/airline-mapping.json";
const PARQUET: &str = "tests/data/airline-sample.parquet";

/// The scorecard (text, JSON, and a query grouped by class) of the Parquet
/// file is the CSV's, and both files' reports count 40 accepted records.
#[cfg(feature = "datafusion")]
#[test]
fn score_on_parquet_prints_what_csv_prints() {
    const CSV: &str = "tests/fixtures/airline-sample.csv";
    let by_class = r#"{"metrics": ["attribute:wifi", "attribute:seat-comfort", "attribute:cleanliness"], "groupBy": ["class"]}"#;
    let extras: [&[&str]; 3] = [&[], &["--json"], &["--query", by_class, "--json"]];
    for extra in extras {
        let run = |file: &str| {
            let mut args = vec!["score", PLAN, file, "--mapping", MAPPING];
            args.extend_from_slice(extra);
            let out = cx(&args);
            let stderr = String::from_utf8_lossy(&out.stderr).to_string();
            assert_eq!(out.status.code(), Some(0), "{file} {extra:?}: {stderr}");
            assert!(
                stderr.contains(&format!("{file}: 40 record(s): 40 accepted, 0 rejected")),
                "{stderr}"
            );
            String::from_utf8(out.stdout).unwrap()
        };
        let (csv, parquet) = (run(CSV), run(PARQUET));
        assert!(!csv.trim().is_empty());
        assert_eq!(parquet, csv, "{extra:?}");
    }
}

/// A mapping naming a column the file lacks fails (exit 2) naming the
/// column, the mapping's pointer and the Parquet file; without a mapping
/// the airline file's columns are no record fields, and the error names
/// the first and says to give a mapping.
#[cfg(feature = "datafusion")]
#[test]
fn parquet_errors_name_the_column() {
    let bad = r#"{"fixedAt": "2019-01-01", "attributes": {"wifi": "WiFi"}}"#;
    let out = cx(&["score", PLAN, PARQUET, "--mapping", bad]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    for words in [
        "`WiFi`",
        "/attributes/wifi",
        "the Parquet file does not have",
    ] {
        assert!(stderr.contains(words), "{words}: {stderr}");
    }
    let out = cx(&["score", PLAN, PARQUET]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("column `Gender` is not a record field"),
        "{stderr}"
    );
    assert!(stderr.contains("--mapping"), "{stderr}");
}

/// Without the feature, a Parquet file is refused with the command that
/// builds a cx that reads it.
#[cfg(not(feature = "datafusion"))]
#[test]
fn parquet_without_the_feature_says_how_to_build() {
    let out = cx(&["score", PLAN, PARQUET, "--mapping", MAPPING]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("cargo build --release --features datafusion --example cx"),
        "{stderr}"
    );
}
