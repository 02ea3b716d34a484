//! Issue #19, item 1 (customer responses): the `weight` of Arrow record
//! batches and Parquet files, through the mapping's `"weight": COLUMN` or
//! a column named `weight` without a mapping. Float, integer and text
//! columns give what the CSV mapping gives for the same cells: the same
//! rows accepted, the same rejected with their row, column and field, the
//! same rounded to millionths.

use std::sync::Arc;

use arrow_array::{
    Array, ArrayRef, BooleanArray, Float32Array, Float64Array, Int64Array, RecordBatch, StringArray,
};
use cx_core::engine::{ArrowIngestError, CsvMapping, Engine, IngestReport};
use cx_core::error::ErrorCode;
use cx_core::plan::Plan;
use parquet::arrow::ArrowWriter;

const PLAN: &str = include_str!("../../examples/data/plan.json");

fn engine() -> Engine {
    Engine::new(Plan::from_json(PLAN).unwrap()).unwrap()
}

/// The weight cells of every test, as CSV text ("" is null in Arrow).
const CELLS: [&str; 10] = [
    "2.5",
    "1",
    "",
    "0",
    "-3",
    "100000.5",
    "0.1234567",
    "0.0000004",
    "7",
    "1e-6",
];

/// The rows: id, date, segment, nps, and the weight column `weight`.
fn batch(weight: ArrayRef) -> RecordBatch {
    let n = weight.len();
    let ids: Vec<String> = (0..n).map(|i| format!("r{i}")).collect();
    let segments: Vec<&str> = (0..n).map(|i| ["families", "seniors"][i % 2]).collect();
    RecordBatch::try_from_iter([
        ("id", Arc::new(StringArray::from(ids)) as ArrayRef),
        (
            "at",
            Arc::new(StringArray::from(vec!["2026-01-01"; n])) as ArrayRef,
        ),
        ("segment", Arc::new(StringArray::from(segments)) as ArrayRef),
        (
            "nps",
            Arc::new(Int64Array::from_iter_values(
                (0..n as i64).map(|i| 7 + i % 4),
            )) as ArrayRef,
        ),
        ("weight", weight),
    ])
    .unwrap()
}

fn csv(cells: &[&str]) -> String {
    let mut out = String::from("id,at,segment,nps,weight\n");
    for (i, w) in cells.iter().enumerate() {
        let segment = ["families", "seniors"][i % 2];
        out.push_str(&format!("r{i},2026-01-01,{segment},{},{w}\n", 7 + i % 4));
    }
    out
}

fn mapping() -> CsvMapping {
    CsvMapping::from_json(
        r#"{"id": "id", "at": {"column": "at"}, "dimensions": {"segment": "segment"},
            "nps": "nps", "weight": "weight"}"#,
    )
    .unwrap()
}

/// (accepted, rejected, rounded, [(index, code, column, field)]).
type Outcome = (
    u64,
    u64,
    u64,
    Vec<(usize, ErrorCode, Option<usize>, String)>,
);

fn outcome(r: &IngestReport) -> Outcome {
    assert_eq!(r.accepted + r.rejected, r.total);
    let errors = r
        .errors
        .iter()
        .map(|e| {
            (
                e.index,
                e.code,
                e.column,
                e.field.clone().unwrap_or_default(),
            )
        })
        .collect();
    (r.accepted, r.rejected, r.weights_rounded, errors)
}

fn csv_outcome(cells: &[&str]) -> Outcome {
    outcome(
        &engine()
            .ingest_csv(csv(cells).as_bytes(), &mapping())
            .unwrap(),
    )
}

fn floats(cells: &[&str]) -> Vec<Option<f64>> {
    cells
        .iter()
        .map(|c| (!c.is_empty()).then(|| c.parse().unwrap()))
        .collect()
}

/// The engine's state: every cell, the weighted ones included.
fn state(e: &Engine) -> serde_json::Value {
    serde_json::to_value(e.snapshot()).unwrap()
}

#[test]
fn arrow_files_the_weighted_cells_csv_files() {
    let mut from_csv = engine();
    from_csv
        .ingest_csv(csv(&CELLS).as_bytes(), &mapping())
        .unwrap();
    // 2.5, 0.1234567, 7 and 1e-6: weights other than 1.
    assert_eq!(from_csv.stats().weighted_rows, 4);
    let b = batch(Arc::new(Float64Array::from(floats(&CELLS))));
    let mut from_arrow = engine();
    from_arrow.ingest_arrow([&b], Some(&mapping())).unwrap();
    assert_eq!(from_arrow.stats().weighted_rows, 4);
    assert_eq!(state(&from_arrow), state(&from_csv));
}

#[test]
fn float_columns_give_what_csv_gives() {
    let want = csv_outcome(&CELLS);
    // Accepted: 2.5, 1, 0.1234567 (rounded), 7, 1e-6; rejected: the null,
    // 0, -3, 100000.5 and 0.0000004, each in column 5 (`weight`).
    assert_eq!((want.0, want.1, want.2), (5, 5, 1));
    assert!(want.3.iter().all(|e| e.2 == Some(5) && e.3 == "weight"));
    let f64s = Arc::new(Float64Array::from(floats(&CELLS))) as ArrayRef;
    for mapping in [Some(mapping()), None] {
        let got = engine()
            .ingest_arrow([&batch(f64s.clone())], mapping.as_ref())
            .unwrap();
        assert_eq!(outcome(&got), want, "mapping: {}", mapping.is_some());
        assert!(got.errors.iter().any(|e| e.pointer == "/weight"));
    }
    // Float32: the nearest float of each cell, read as a double.
    let f32s: Vec<Option<f32>> = floats(&CELLS)
        .into_iter()
        .map(|w| w.map(|w| w as f32))
        .collect();
    let f32_cells: Vec<String> = f32s
        .iter()
        .map(|w| w.map_or(String::new(), |w| format!("{:?}", f64::from(w))))
        .collect();
    let f32_cells: Vec<&str> = f32_cells.iter().map(String::as_str).collect();
    let got = engine()
        .ingest_arrow(
            [&batch(Arc::new(Float32Array::from(f32s)))],
            Some(&mapping()),
        )
        .unwrap();
    assert_eq!(outcome(&got), csv_outcome(&f32_cells));
}

#[test]
fn integer_and_text_columns_give_what_csv_gives() {
    let ints = [Some(2), None, Some(0), Some(-1), Some(100_001), Some(1)];
    let cells = ["2", "", "0", "-1", "100001", "1"];
    let got = engine()
        .ingest_arrow(
            [&batch(Arc::new(Int64Array::from(ints.to_vec())))],
            Some(&mapping()),
        )
        .unwrap();
    assert_eq!(outcome(&got), csv_outcome(&cells));
    assert_eq!((got.accepted, got.rejected), (2, 4));
    let text = ["2.5", "", "abc", " 3 ", "1e400", "0.30000001"];
    let got = engine()
        .ingest_arrow(
            [&batch(Arc::new(StringArray::from(text.to_vec())))],
            Some(&mapping()),
        )
        .unwrap();
    assert_eq!(outcome(&got), csv_outcome(&text));
    assert_eq!((got.accepted, got.rejected, got.weights_rounded), (3, 3, 1));
    // An empty text is no weight, as an empty CSV cell.
    assert_eq!(
        got.errors[0].message,
        "`weight`: column `weight` has no value; expected a weight: a number from 0.000001 to 100000"
    );
}

#[test]
fn a_weight_column_of_another_type_is_refused() {
    let b = batch(Arc::new(BooleanArray::from(vec![true, false])));
    let err = engine().ingest_arrow([&b], Some(&mapping())).unwrap_err();
    match err {
        ArrowIngestError::ColumnType {
            column, pointer, ..
        } => assert_eq!((column.as_str(), pointer.as_str()), ("weight", "/weight")),
        e => panic!("{e:?}"),
    }
}

#[test]
fn parquet_files_read_the_weight_column() {
    let b = batch(Arc::new(Float64Array::from(floats(&CELLS))));
    let mut bytes = Vec::new();
    let mut w = ArrowWriter::try_new(&mut bytes, b.schema(), None).unwrap();
    w.write(&b).unwrap();
    w.close().unwrap();
    let dir = std::env::temp_dir().join(format!("cx-weight-arrow-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("weights.parquet");
    std::fs::write(&path, &bytes).unwrap();
    for mapping in [Some(mapping()), None] {
        let got = engine()
            .ingest_parquet(std::fs::File::open(&path).unwrap(), mapping.as_ref())
            .unwrap();
        assert_eq!(outcome(&got), csv_outcome(&CELLS));
    }
    let _ = std::fs::remove_dir_all(&dir);
}
