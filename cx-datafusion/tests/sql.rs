//! `cx_datafusion::sql`: tables by extension, errors in the user's words
//! and on the right side (query or data), JSON with nested structs.

use cx_datafusion::sql::{run, to_json, to_text, SqlError, Tables};

fn dir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("cx-datafusion-sql-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn csv_and_json_lines_tables_join_with_nested_json_out() {
    let d = dir("join");
    std::fs::write(d.join("r.csv"), "id,nps\n1,9\n2,10\n3,3\n4,\n").unwrap();
    std::fs::write(d.join("s.JSONL"), "{\"id\": 1, \"seg\": \"a\"}\n{\"id\": 2, \"seg\": \"a\"}\n{\"id\": 3, \"seg\": \"b\"}\n{\"id\": 4, \"seg\": \"b\"}\n").unwrap();
    let mut t = Tables::default();
    t.add(&format!("r={}", d.join("r.csv").display())).unwrap();
    t.add(&format!("s={}", d.join("s.JSONL").display()))
        .unwrap();
    let b = run(
        "SELECT seg, cx_nps(nps, 'wald') AS nps FROM r JOIN s ON r.id = s.id GROUP BY seg ORDER BY seg",
        &t,
    )
    .unwrap();
    let json: serde_json::Value = serde_json::from_str(&to_json(&b).unwrap()).unwrap();
    let rows = json.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    // a: 9, 10 → NPS 100; b: 3 and a NULL → NPS −100, n = 1.
    assert_eq!(rows[0]["seg"], "a");
    assert_eq!(rows[0]["nps"]["value"], 100.0);
    assert_eq!(rows[0]["nps"]["n"], 2);
    assert_eq!(rows[0]["nps"]["method"], "wald");
    assert_eq!(rows[1]["nps"]["value"], -100.0);
    assert_eq!(rows[1]["nps"]["n"], 1);
    assert_eq!(
        rows[1]["nps"]["flags"],
        serde_json::json!(["zeroVariance", "smallSample"])
    );
    assert!(rows[1]["nps"]["agree"].is_null(), "explicit nulls");
    let text = to_text(&b).unwrap();
    assert!(text.contains("| seg |"), "{text}");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn an_empty_result_is_an_empty_array() {
    let d = dir("empty");
    std::fs::write(d.join("r.csv"), "nps\n9\n").unwrap();
    let mut t = Tables::default();
    t.add(&format!("r={}", d.join("r.csv").display())).unwrap();
    let b = run("SELECT nps FROM r WHERE nps > 10", &t).unwrap();
    assert_eq!(to_json(&b).unwrap(), "[]");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn errors_say_what_and_where() {
    let d = dir("errors");
    std::fs::write(d.join("r.csv"), "nps\n9\n11\n").unwrap();
    std::fs::write(d.join("r.txt"), "nps\n9\n").unwrap();
    let csv = d.join("r.csv").display().to_string();
    let mut t = Tables::default();
    let cases = [
        ("r".to_string(), "--table r: expected NAME=PATH"),
        (
            format!("x={}", d.join("r.txt").display()),
            "unknown file type; expected .parquet, .csv, .jsonl or .ndjson",
        ),
        (
            format!("x={}", d.join("missing.csv").display()),
            "cannot read the file: No such file or directory",
        ),
    ];
    for (spec, want) in cases {
        let e = t.add(&spec).unwrap_err().to_string();
        assert!(e.contains(want), "{spec}: {e}");
    }
    t.add(&format!("r={csv}")).unwrap();
    let e = t.add(&format!("r={csv}")).unwrap_err();
    assert!(matches!(e, SqlError::DuplicateTable(_)), "{e}");

    let e = run("SELEC nps FROM r", &t).unwrap_err();
    assert!(
        !e.is_data_error() && e.to_string().starts_with("the query cannot run: SQL error"),
        "{e}"
    );
    let e = run("SELECT cx_nps(nope) FROM r", &t).unwrap_err();
    assert!(!e.is_data_error() && e.to_string().contains("nope"), "{e}");
    let e = run("SELECT cx_nps(nps) FROM r", &t).unwrap_err();
    assert!(e.is_data_error(), "{e}");
    assert!(
        e.to_string()
            .contains("cx_nps(nps): 11 is out of range: expected an integer from 0 to 10"),
        "{e}"
    );
    std::fs::remove_dir_all(&d).unwrap();
}

/// A result of several batches streams into one valid JSON array, every
/// row once, in order.
#[test]
fn json_rows_stream_batch_by_batch() {
    let d = dir("stream");
    let mut csv = String::from("k\n");
    for k in 0..20_000 {
        csv.push_str(&format!("{k}\n"));
    }
    std::fs::write(d.join("r.csv"), csv).unwrap();
    let mut t = Tables::default();
    t.add(&format!("r={}", d.join("r.csv").display())).unwrap();
    let (mut rows, mut text, mut batches) =
        (cx_datafusion::sql::JsonRows::default(), String::new(), 0);
    cx_datafusion::sql::run_each(
        "SELECT k FROM r ORDER BY k",
        &t,
        |b| -> Result<(), SqlError> {
            batches += 1;
            text.push_str(&rows.batch(b)?);
            Ok(())
        },
    )
    .unwrap();
    text.push_str(rows.finish());
    assert!(batches > 1, "{batches} batch(es)");
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let keys: Vec<u64> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["k"].as_u64().unwrap())
        .collect();
    assert_eq!(keys, (0..20_000).collect::<Vec<u64>>());
    std::fs::remove_dir_all(&d).unwrap();
}
