//! `cx sql`: the airline CSV (and its Parquet copy) through SQL (`cx_attribute` grouped by
//! `Class`) gives the figures of the CSV path through the engine (`cx
//! score` with the airline plan and mapping, grouped by class); JSON with
//! nested scores; errors and their exit status. Without the `datafusion`
//! feature, `cx sql` says how to build it.

mod common;

#[cfg(not(feature = "datafusion"))]
use common::cx;

#[cfg(not(feature = "datafusion"))]
#[test]
fn without_the_feature_cx_sql_says_how_to_build_it() {
    let out = cx(&["sql", "SELECT 1"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cargo build --release --features datafusion --example cx"),
        "{err}"
    );
}

#[cfg(feature = "datafusion")]
mod with_sql {
    use super::common::{cx, json_of, temp_dir};

    const PLAN: &str = "examples/data/airline-plan.json";
    const MAPPING: &str = "examples/data/airline-mapping.json";
    const CSV: &str = "tests/fixtures/airline-sample.csv";
    /// The same rows as Parquet (tests/cli_parquet.rs checks it is the CSV).
    const PARQUET: &str = "tests/data/airline-sample.parquet";

    fn stderr(out: &std::process::Output) -> String {
        String::from_utf8_lossy(&out.stderr).into_owned()
    }

    /// Every attribute's score by class, through `cx sql` on the CSV and on
    /// its Parquet copy, and through `cx score` on the CSV: identical n,
    /// value, standard error, interval and flags.
    #[test]
    fn airline_attributes_by_class_equal_the_csv_path() {
        for table in [CSV, PARQUET] {
            attributes_by_class_equal_the_csv_path(table);
        }
    }

    fn attributes_by_class_equal_the_csv_path(table: &str) {
        let mapping: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(super::common::root().join(MAPPING)).unwrap(),
        )
        .unwrap();
        let attributes = mapping["attributes"].as_object().unwrap();
        let calls: Vec<String> = attributes
            .iter()
            .map(|(id, column)| {
                format!("cx_attribute(\"{}\") AS \"{id}\"", column.as_str().unwrap())
            })
            .collect();
        let sql = format!(
            "SELECT \"Class\" AS class, {} FROM t GROUP BY \"Class\" ORDER BY class",
            calls.join(", ")
        );
        let out = cx(&["sql", &sql, "--table", &format!("t={table}"), "--json"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let rows = json_of(&out);
        let rows = rows.as_array().unwrap();

        let query = r#"{"groupBy": ["class"]}"#;
        let out = cx(&[
            "score",
            PLAN,
            CSV,
            "--mapping",
            MAPPING,
            "--query",
            query,
            "--json",
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let card = json_of(&out);
        let want = card["rows"].as_array().unwrap();
        assert_eq!(rows.len(), want.len(), "one row per class");
        assert_eq!(rows.len(), 3, "Business, Eco, Eco Plus");
        for (got, want) in rows.iter().zip(want) {
            assert_eq!(got["class"], want["key"]["class"]);
            for id in attributes.keys() {
                let (g, w) = (
                    &got[id.as_str()],
                    &want["scores"][format!("attribute:{id}")],
                );
                let what = format!("{table}: {id} in {}", got["class"]);
                assert!(
                    w["n"].as_u64().unwrap() > 0,
                    "{what}: the engine has answers"
                );
                assert_eq!(g["n"], w["n"], "{what}: n");
                for field in ["value", "se", "mean", "topTwoBox"] {
                    assert_eq!(g[field].as_f64(), w[field].as_f64(), "{what}: {field}");
                }
                assert_eq!(
                    g["low"].as_f64(),
                    w["interval"]["low"].as_f64(),
                    "{what}: low"
                );
                assert_eq!(
                    g["high"].as_f64(),
                    w["interval"]["high"].as_f64(),
                    "{what}: high"
                );
                assert_eq!(g["method"], w["interval"]["method"], "{what}: method");
                assert_eq!(g["flags"], w["flags"], "{what}: flags");
            }
        }
    }

    /// The default output is a table with the column names.
    #[test]
    fn prints_a_table() {
        let out = cx(&[
            "sql",
            "SELECT \"Class\", cx_attribute(\"Seat comfort\")['n'] AS n FROM t GROUP BY \"Class\" ORDER BY \"Class\"",
            "--table",
            &format!("t={CSV}"),
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("| Class") && text.contains("| Business"),
            "{text}"
        );
    }

    /// Errors: usage, files and SQL planning exit 2; a bad rating in the
    /// data exits 1; each message says what and where.
    #[test]
    fn errors_say_what_and_exit_like_the_other_commands() {
        let dir = temp_dir("sql-errors");
        let bad = dir.join("bad.csv");
        std::fs::write(&bad, "nps\n9\n12\n").unwrap();
        let bad_table = format!("t={}", bad.display());
        let table = format!("t={CSV}");
        let cases: [(&[&str], i32, &str); 7] = [
            (&["sql"], 2, "expected one SQL statement"),
            (
                &["sql", "SELECT 1", "--table", "t"],
                2,
                "--table t: expected NAME=PATH",
            ),
            (
                &["sql", "SELECT 1", "--table", "t=data/missing.parquet"],
                2,
                "cannot read the file",
            ),
            (
                &["sql", "SELECT 1", "--table", "t=README.md"],
                2,
                "unknown file type",
            ),
            (
                &["sql", "SELEC 1", "--table", &table],
                2,
                "cx sql: the query cannot run: SQL error",
            ),
            (
                &["sql", "SELECT cx_csat(\"Class\") FROM t", "--table", &table],
                2,
                "cx_csat: the rating must be an integer or floating-point column",
            ),
            (
                &["sql", "SELECT cx_nps(nps) FROM t", "--table", &bad_table],
                1,
                "cx_nps(nps): 12 is out of range: expected an integer from 0 to 10",
            ),
        ];
        for (args, code, want) in cases {
            let out = cx(args);
            assert_eq!(out.status.code(), Some(code), "{args:?}: {}", stderr(&out));
            assert!(stderr(&out).contains(want), "{args:?}: {}", stderr(&out));
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
