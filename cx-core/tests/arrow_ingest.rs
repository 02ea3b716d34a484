//! Issue #18, item 1: Arrow record batches and Parquet files in, through
//! the CSV mapping document. Each Arrow type path files what the CSV path
//! files for the same cells (statistics, alerts, rejected rows with their
//! row, column and field); the mapping-less path; bad mappings; the
//! transaction; the airline CSV converted to Parquet gives the CSV's
//! answers.

use std::sync::Arc;

use arrow_array::types::{Int16Type, Int8Type, UInt16Type};
use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, Date64Array, DictionaryArray, Float32Array, Float64Array,
    Int32Array, Int64Array, LargeStringArray, RecordBatch, StringArray, StringViewArray,
    TimestampMicrosecondArray, TimestampMillisecondArray, TimestampNanosecondArray,
    TimestampSecondArray, UInt64Array, UInt8Array,
};
use arrow_schema::{DataType, Field, Schema};
use cx_core::engine::{
    ArrowIngestError, CsvMapping, Engine, EngineConfig, IngestReport, Query, RecordError,
};
use cx_core::error::ErrorCode;
use cx_core::plan::Plan;
use cx_core::record::Timestamp;
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;

/// A plan with alerts, a custom dimension, an attribute with a
/// not-applicable value and non-default CSAT/CES scales (the one the CSV
/// mapping's unit tests use, `cx-core/src/engine/csv_mapping.rs`).
const PLAN: &str = r#"{
    "schemaVersion": 1,
    "organization": {"name": "Test"},
    "attributes": [
        {"id": "wait", "label": "Wait", "scale": {"min": 1, "max": 5}},
        {"id": "speed", "label": "Speed", "scale": {"min": 1, "max": 5}, "notApplicable": 0}
    ],
    "dimensions": [{"id": "region", "label": "Region"}],
    "scales": {"csat": {"min": 1, "max": 5}, "ces": {"min": 1, "max": 7}},
    "thresholds": {"alerts": {"detractor": true, "csatBottomTwo": true, "cesAtMost": 2}}
}"#;

fn engine() -> Engine {
    Engine::new(Plan::from_json(PLAN).unwrap()).unwrap()
}

fn query() -> Query {
    Query::from_json(
        r#"{"metrics": ["nps", "csat", "ces", "attribute:wait", "attribute:speed"], "groupBy": ["segment", "region", "period:month"]}"#,
    )
    .unwrap()
}

/// How a test column is built from its CSV cells (an empty cell is null).
#[derive(Debug, Clone, Copy)]
enum Kind {
    Utf8,
    Large,
    View,
    DictI8,
    DictU16,
    DictLarge,
    Int64,
    Int32,
    UInt8,
    UInt64,
    Float64,
    Float32,
    TsSecond,
    TsMilliUtc,
    TsMicroParis,
    TsNano,
    Date32,
    Date64,
}

/// Unix seconds of a cell written as a date or RFC 3339 time.
fn unix(cell: &str) -> i64 {
    cell.parse::<Timestamp>().unwrap().unix()
}

fn opt<T>(cell: &str, f: impl Fn(&str) -> T) -> Option<T> {
    (!cell.is_empty()).then(|| f(cell))
}

fn column(kind: Kind, cells: &[&str]) -> ArrayRef {
    let strs = || {
        cells
            .iter()
            .map(|c| opt(c, |c| c.to_string()))
            .collect::<Vec<_>>()
    };
    match kind {
        Kind::Utf8 => Arc::new(StringArray::from(strs())),
        Kind::Large => Arc::new(LargeStringArray::from(strs())),
        Kind::View => Arc::new(StringViewArray::from(strs())),
        Kind::DictI8 => Arc::new(
            cells
                .iter()
                .map(|c| (!c.is_empty()).then_some(*c))
                .collect::<DictionaryArray<Int8Type>>(),
        ),
        Kind::DictU16 => Arc::new(
            cells
                .iter()
                .map(|c| (!c.is_empty()).then_some(*c))
                .collect::<DictionaryArray<UInt16Type>>(),
        ),
        Kind::DictLarge => {
            // Large strings as dictionary values, with a value no row uses
            // and one with spaces around it.
            let mut values: Vec<Option<String>> = vec![Some("unused".into())];
            let mut keys = Vec::new();
            for c in cells {
                if c.is_empty() {
                    keys.push(None);
                    continue;
                }
                let padded = format!("  {c} ");
                let k = values.iter().position(|v| v.as_deref() == Some(&padded));
                keys.push(Some(k.unwrap_or_else(|| {
                    values.push(Some(padded));
                    values.len() - 1
                }) as i16));
            }
            let keys = arrow_array::PrimitiveArray::<Int16Type>::from(keys);
            Arc::new(
                DictionaryArray::try_new(keys, Arc::new(LargeStringArray::from(values))).unwrap(),
            )
        }
        Kind::Int64 => Arc::new(Int64Array::from(
            cells
                .iter()
                .map(|c| opt(c, |c| c.parse().unwrap()))
                .collect::<Vec<_>>(),
        )),
        Kind::Int32 => Arc::new(Int32Array::from(
            cells
                .iter()
                .map(|c| opt(c, |c| c.parse().unwrap()))
                .collect::<Vec<_>>(),
        )),
        Kind::UInt8 => Arc::new(UInt8Array::from(
            cells
                .iter()
                .map(|c| opt(c, |c| c.parse().unwrap()))
                .collect::<Vec<_>>(),
        )),
        Kind::UInt64 => Arc::new(UInt64Array::from(
            cells
                .iter()
                .map(|c| opt(c, |c| c.parse().unwrap()))
                .collect::<Vec<_>>(),
        )),
        Kind::Float64 => Arc::new(Float64Array::from(
            cells
                .iter()
                .map(|c| opt(c, |c| c.parse().unwrap()))
                .collect::<Vec<_>>(),
        )),
        Kind::Float32 => Arc::new(Float32Array::from(
            cells
                .iter()
                .map(|c| opt(c, |c| c.parse().unwrap()))
                .collect::<Vec<_>>(),
        )),
        Kind::TsSecond => Arc::new(TimestampSecondArray::from(
            cells.iter().map(|c| opt(c, unix)).collect::<Vec<_>>(),
        )),
        Kind::TsMilliUtc => Arc::new(
            TimestampMillisecondArray::from(
                cells
                    .iter()
                    .map(|c| opt(c, |c| unix(c) * 1000 + 999))
                    .collect::<Vec<_>>(),
            )
            .with_timezone("UTC"),
        ),
        Kind::TsMicroParis => Arc::new(
            TimestampMicrosecondArray::from(
                cells
                    .iter()
                    .map(|c| opt(c, |c| unix(c) * 1_000_000))
                    .collect::<Vec<_>>(),
            )
            .with_timezone("Europe/Paris"),
        ),
        Kind::TsNano => Arc::new(TimestampNanosecondArray::from(
            cells
                .iter()
                .map(|c| opt(c, |c| unix(c) * 1_000_000_000 + 5))
                .collect::<Vec<_>>(),
        )),
        Kind::Date32 => Arc::new(Date32Array::from(
            cells
                .iter()
                .map(|c| opt(c, |c| (unix(c) / 86_400) as i32))
                .collect::<Vec<_>>(),
        )),
        Kind::Date64 => Arc::new(Date64Array::from(
            cells
                .iter()
                .map(|c| opt(c, |c| unix(c) * 1000))
                .collect::<Vec<_>>(),
        )),
    }
}

/// The columns of the type tests: name, CSV cells. Row 3 has an `nps` of
/// 11 (off scale), row 5 a `wait` of 6, row 6 a `speed` of 0 (not
/// applicable); empty cells are no answer.
const COLUMNS: [(&str, [&str; 8]); 9] = [
    (
        "id",
        ["101", "102", "103", "104", "105", "106", "107", "108"],
    ),
    (
        "at",
        [
            "2026-01-05",
            "2026-01-05",
            "2026-02-10",
            "2026-02-11",
            "2026-01-20",
            "2026-03-01",
            "2026-03-02",
            "2026-01-05",
        ],
    ),
    (
        "segment",
        ["fam", "biz", "fam", "", "biz", "fam", "seniors", "biz"],
    ),
    (
        "region",
        [
            "north", "south", "", "north", "north", "south", "south", "east",
        ],
    ),
    ("nps", ["9", "3", "10", "11", "", "7", "0", "6"]),
    ("csat", ["5", "1", "4", "", "3", "2", "5", "4"]),
    ("ces", ["7", "2", "", "6", "1", "5", "7", "3"]),
    ("wait", ["1", "5", "3", "4", "6", "", "2", "2"]),
    ("speed", ["0", "5", "4", "", "1", "0", "3", "5"]),
];

/// The CSV text of [`COLUMNS`].
fn csv_text() -> String {
    let mut text = COLUMNS.map(|c| c.0).join(",") + "\n";
    for r in 0..8 {
        text += &COLUMNS.map(|c| c.1[r]).join(",");
        text += "\n";
    }
    text
}

/// A batch of [`COLUMNS`] with column `i` built as `kinds[i]`.
fn batch(kinds: [Kind; 9]) -> RecordBatch {
    let cols: Vec<(&str, ArrayRef)> = COLUMNS
        .iter()
        .zip(kinds)
        .map(|((name, cells), k)| (*name, column(k, cells)))
        .collect();
    RecordBatch::try_from_iter(cols).unwrap()
}

const MAPPING: &str = r#"{"id": "id", "at": {"column": "at"}, "dimensions": {"segment": "segment", "region": "region"}, "nps": "nps", "csat": "csat", "ces": "ces", "attributes": {"wait": "wait", "speed": "speed"}, "expectations": {"wait": "speed"}}"#;

/// The errors without their line (Arrow rows have none).
fn without_lines(errors: &[RecordError]) -> Vec<RecordError> {
    errors
        .iter()
        .map(|e| RecordError {
            line: None,
            ..e.clone()
        })
        .collect()
}

/// The report of `a` equals the CSV report `c` but for lines; the
/// answers and kept alerts of the engines are the same.
fn assert_same(kinds: &str, a: &IngestReport, ea: &Engine, c: &IngestReport, ec: &Engine) {
    assert_eq!(a.accepted + a.rejected, a.total, "{kinds}");
    assert_eq!(
        (a.total, a.accepted, a.rejected),
        (c.total, c.accepted, c.rejected),
        "{kinds}"
    );
    assert_eq!(a.errors, without_lines(&c.errors), "{kinds}");
    let strip = |alerts: &[cx_core::engine::Alert]| -> Vec<_> {
        alerts
            .iter()
            .map(|x| cx_core::engine::Alert {
                line: None,
                ..x.clone()
            })
            .collect()
    };
    assert_eq!(strip(&a.alerts), strip(&c.alerts), "{kinds}");
    assert_eq!(
        ea.query(&query()).unwrap(),
        ec.query(&query()).unwrap(),
        "{kinds}"
    );
    assert_eq!(strip(&ea.alerts()), strip(&ec.alerts()), "{kinds}");
}

/// Every type path (strings of each layout, dictionaries, integers as ids
/// and dimensions, integer and integral float ratings, timestamps of each
/// unit with and without a time zone, dates, integer unix seconds) files
/// what CSV files for the same cells, with the same rejected rows.
#[test]
fn each_type_path_equals_the_csv_path() {
    use Kind::*;
    let mapping = CsvMapping::from_json(MAPPING).unwrap();
    let mut ec = engine();
    let c = ec.ingest_csv(csv_text().as_bytes(), &mapping).unwrap();
    assert_eq!((c.accepted, c.rejected), (4, 4), "{c:?}");
    let cases: [[Kind; 9]; 8] = [
        [Utf8, Utf8, Utf8, Utf8, Utf8, Utf8, Utf8, Utf8, Utf8],
        [Large, Large, View, Large, View, Large, View, Large, View],
        [
            Int64, TsSecond, DictI8, DictU16, Int64, Int32, UInt8, UInt64, Int64,
        ],
        [
            UInt64, TsMilliUtc, DictLarge, View, Float64, Float32, Float64, Float64, Float32,
        ],
        [
            Int32,
            TsMicroParis,
            DictU16,
            DictLarge,
            Int32,
            UInt8,
            Int64,
            UInt8,
            UInt8,
        ],
        [
            DictI8, TsNano, Large, Utf8, UInt8, Int64, Int64, Int32, Int32,
        ],
        [Utf8, Date32, Utf8, Utf8, Int64, Int64, Int64, Int64, Int64],
        [View, Date64, View, View, Int64, Int64, Int64, Int64, Int64],
    ];
    for kinds in cases {
        let b = batch(kinds);
        let words = format!("{kinds:?}");
        let mut ea = engine();
        let a = ea.ingest_arrow([&b], Some(&mapping)).unwrap();
        assert_same(&words, &a, &ea, &c, &ec);
        // Split into batches of 3 rows: the same rows, numbered from the
        // first batch.
        let parts: Vec<RecordBatch> = (0..8)
            .step_by(3)
            .map(|s| b.slice(s, 3.min(8 - s)))
            .collect();
        let mut ep = engine();
        let p = ep.ingest_arrow(&parts, Some(&mapping)).unwrap();
        assert_same(&words, &p, &ep, &c, &ec);
    }
}

/// Integer unix seconds in the time column (format `unix` or auto) file
/// what CSV's `unix` format files.
#[test]
fn integer_unix_seconds_equal_csv_unix() {
    let cells: Vec<String> = COLUMNS[1].1.iter().map(|c| unix(c).to_string()).collect();
    let mut text = COLUMNS.map(|c| c.0).join(",") + "\n";
    for (r, at) in cells.iter().enumerate() {
        let row: Vec<&str> = COLUMNS
            .iter()
            .enumerate()
            .map(|(j, c)| if j == 1 { at.as_str() } else { c.1[r] })
            .collect();
        text += &(row.join(",") + "\n");
    }
    let unix_mapping = MAPPING.replace(
        r#"{"column": "at"}"#,
        r#"{"column": "at", "format": "unix"}"#,
    );
    let mapping = CsvMapping::from_json(&unix_mapping).unwrap();
    let mut ec = engine();
    let c = ec.ingest_csv(text.as_bytes(), &mapping).unwrap();
    let mut b = batch([Kind::Utf8; 9]);
    let at: ArrayRef = Arc::new(Int64Array::from(
        cells
            .iter()
            .map(|c| c.parse::<i64>().unwrap())
            .collect::<Vec<_>>(),
    ));
    let mut cols = b.columns().to_vec();
    cols[1] = at;
    let schema = Schema::new(
        b.schema()
            .fields()
            .iter()
            .enumerate()
            .map(|(j, f)| {
                if j == 1 {
                    Field::new("at", DataType::Int64, true)
                } else {
                    f.as_ref().clone()
                }
            })
            .collect::<Vec<_>>(),
    );
    b = RecordBatch::try_new(Arc::new(schema), cols).unwrap();
    for m in [unix_mapping.as_str(), MAPPING] {
        let mut ea = engine();
        let a = ea
            .ingest_arrow([&b], Some(&CsvMapping::from_json(m).unwrap()))
            .unwrap();
        assert_same("unix", &a, &ea, &c, &ec);
    }
}

/// Bad values reject their row with its row (counted from the first
/// batch's first row), column and field: a float that is not whole, NaN,
/// a negative or too large integer, a null or unreadable time, a text
/// rating that is no number, a text outside a `map`. Nulls and `missing`
/// texts are no answer. Accepted + rejected = total.
#[test]
fn bad_values_are_rejected_rows() {
    let nps: ArrayRef = Arc::new(Float64Array::from(vec![
        Some(9.0),
        Some(7.5),
        None,
        Some(f64::NAN),
        Some(8.0),
        Some(-0.0),
    ]));
    let csat: ArrayRef = Arc::new(Int64Array::from(vec![
        Some(4),
        Some(-1),
        Some(300),
        Some(3),
        Some(2),
        Some(5),
    ]));
    let at: ArrayRef = Arc::new(StringArray::from(vec![
        Some("2026-01-05"),
        Some("2026-01-05"),
        Some("2026-01-05"),
        Some("2026-01-06"),
        None,
        Some("yesterday"),
    ]));
    let ces: ArrayRef = Arc::new(StringArray::from(vec![
        Some("easy"),
        Some("hard"),
        Some("NA"),
        Some(" easy "),
        Some("meh"),
        None,
    ]));
    let wait: ArrayRef = Arc::new(StringArray::from(vec![
        Some("3"),
        Some("4e0"),
        Some("NA"),
        Some("+3"),
        Some("2"),
        Some(""),
    ]));
    let b = RecordBatch::try_from_iter([
        ("at", at),
        ("nps", nps),
        ("csat", csat),
        ("ces", ces),
        ("wait", wait),
    ])
    .unwrap();
    let mapping = CsvMapping::from_json(
        r#"{"at": {"column": "at", "format": "date"}, "nps": "nps", "csat": "csat", "ces": {"column": "ces", "map": {"easy": 7, "hard": 1}}, "attributes": {"wait": "wait"}, "missing": ["NA"]}"#,
    )
    .unwrap();
    // Two batches: rows 0–2 and 3–5 of the input.
    let parts = [b.slice(0, 3), b.slice(3, 3)];
    let mut e = engine();
    let r = e.ingest_arrow(&parts, Some(&mapping)).unwrap();
    let got: Vec<(usize, Option<usize>, Option<&str>, ErrorCode)> = r
        .errors
        .iter()
        .map(|x| (x.index, x.column, x.field.as_deref(), x.code))
        .collect();
    assert_eq!(
        got,
        [
            (1, Some(2), Some("nps"), ErrorCode::InvalidValue),
            (2, Some(3), Some("csat"), ErrorCode::OutOfRange),
            (3, Some(2), Some("nps"), ErrorCode::InvalidValue),
            (4, Some(1), Some("at"), ErrorCode::InvalidValue),
            (5, Some(1), Some("at"), ErrorCode::InvalidValue),
        ],
        "{:#?}",
        r.errors
    );
    assert!(
        r.errors[0].message.contains("`7.5` is not a whole number"),
        "{}",
        r.errors[0].message
    );
    assert!(
        r.errors[1].message.contains("`300` is out of range"),
        "{}",
        r.errors[1].message
    );
    assert!(
        r.errors[3].message.contains("no time (null)"),
        "{}",
        r.errors[3].message
    );
    assert!(
        r.errors[4].message.contains("`yesterday`"),
        "{}",
        r.errors[4].message
    );
    assert_eq!((r.total, r.accepted, r.rejected), (6, 1, 5));
    // Row 0 only: NPS 9, CSAT 4, CES easy = 7, wait 3. Row 1's −1 CSAT
    // was seen after its NPS fault (the first fault is reported).
    let card = e
        .query(
            &Query::from_json(r#"{"metrics": ["nps", "csat", "ces", "attribute:wait"]}"#).unwrap(),
        )
        .unwrap();
    let json = serde_json::to_value(&card).unwrap();
    let n = |m: &str| {
        json.pointer(&format!("/rows/0/scores/{m}/n"))
            .and_then(|v| v.as_u64())
    };
    assert_eq!(
        (n("nps"), n("csat"), n("ces")),
        (Some(1), Some(1), Some(1)),
        "{json:#}"
    );
    // Row 1 of the second batch (input row 4) would have had "meh" for a
    // map: the time fault came first, in CSV's field order.
    let mut e = engine();
    let b2 = RecordBatch::try_from_iter([
        (
            "at",
            Arc::new(StringArray::from(vec!["2026-01-05", "2026-01-06"])) as ArrayRef,
        ),
        (
            "ces",
            Arc::new(StringArray::from(vec!["meh", "hard"])) as ArrayRef,
        ),
        (
            "nps",
            Arc::new(Float32Array::from(vec![1.0, 2.0])) as ArrayRef,
        ),
        ("csat", Arc::new(Int64Array::from(vec![1, 2])) as ArrayRef),
        (
            "wait",
            Arc::new(StringArray::from(vec!["1", "2"])) as ArrayRef,
        ),
    ])
    .unwrap();
    let r = e.ingest_arrow([&b2], Some(&mapping)).unwrap();
    assert_eq!((r.accepted, r.rejected), (1, 1));
    assert_eq!(r.errors[0].field.as_deref(), Some("ces"));
    assert!(
        r.errors[0]
            .message
            .contains(r#"holds `meh`, expected one of ["easy", "hard"]"#),
        "{}",
        r.errors[0].message
    );
}

/// A boolean rating is 1 for true, 0 for false; `equals` on an integer
/// column compares its decimal text: the engine files what CSV files.
#[test]
fn booleans_and_equals_on_integers() {
    let b = RecordBatch::try_from_iter([
        (
            "at",
            Arc::new(Date32Array::from(vec![20_000, 20_000, 20_001])) as ArrayRef,
        ),
        (
            "ok",
            Arc::new(BooleanArray::from(vec![Some(true), None, Some(true)])) as ArrayRef,
        ),
        (
            "code",
            Arc::new(Int64Array::from(vec![7, 3, 7])) as ArrayRef,
        ),
    ])
    .unwrap();
    // No alerts kept: their lines would differ (CSV has lines, Arrow rows not).
    let mut config = EngineConfig::default();
    config.limits.max_alerts_kept = 0;
    let engine = || Engine::with_config(Plan::from_json(PLAN).unwrap(), config.clone()).unwrap();
    let mut e = engine();
    let m = CsvMapping::from_json(
        r#"{"at": {"column": "at"}, "overall": "ok", "nps": {"column": "code", "equals": "7"}}"#,
    )
    .unwrap();
    let r = e.ingest_arrow([&b], Some(&m)).unwrap();
    assert_eq!((r.accepted, r.rejected), (3, 0));
    let mut t = engine();
    let text = b"at,ok,code\n2024-10-04,1,1\n2024-10-04,,0\n2024-10-05,1,1\n";
    t.ingest_csv(
        text,
        &CsvMapping::from_json(r#"{"at": {"column": "at"}, "overall": "ok", "nps": "code"}"#)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(e.snapshot(), t.snapshot());
}

/// Without a mapping, columns named after the record fields are read as
/// they are (`dimensions.ID`, `attributes.ID`, `expectations.ID` for the
/// nested ones) and give what the same mapping written out gives; a column
/// that is no record field, or no `at`, is an error naming it.
#[test]
fn mapping_less_columns_are_the_record_fields() {
    let b = batch([Kind::Utf8; 9]);
    let renamed: Vec<(String, ArrayRef)> = b
        .schema()
        .fields()
        .iter()
        .zip(b.columns())
        .map(|(f, c)| {
            let name = match f.name().as_str() {
                "region" => "dimensions.region".to_string(),
                "wait" | "speed" => format!("attributes.{}", f.name()),
                n => n.to_string(),
            };
            (name, c.clone())
        })
        .collect();
    let named = RecordBatch::try_from_iter(renamed.clone()).unwrap();
    let derived = CsvMapping::of_schema(&named.schema()).unwrap();
    assert_eq!(
        serde_json::to_value(&derived).unwrap(),
        serde_json::json!({
            "delimiter": ",", "id": "id", "at": {"column": "at", "format": "auto"},
            "dimensions": {"segment": "segment", "region": "dimensions.region"},
            "nps": "nps", "csat": "csat", "ces": "ces",
            "attributes": {"wait": "attributes.wait", "speed": "attributes.speed"},
            "expectations": {}, "missing": []
        })
    );
    let mut a = engine();
    let ra = a.ingest_arrow([&named], None).unwrap();
    let mut m = engine();
    let written = MAPPING.replace(r#", "expectations": {"wait": "speed"}"#, "");
    let rm = m
        .ingest_arrow([&b], Some(&CsvMapping::from_json(&written).unwrap()))
        .unwrap();
    assert_eq!((ra.accepted, ra.rejected), (6, 2));
    assert_eq!(ra.errors.len(), rm.errors.len());
    assert_eq!(a.query(&query()).unwrap(), m.query(&query()).unwrap());
    // A misspelt field is an error, not a dropped column.
    let mut bad = renamed.clone();
    bad[4].0 = "NPS".into();
    let bad = RecordBatch::try_from_iter(bad).unwrap();
    let err = engine().ingest_arrow([&bad], None).unwrap_err();
    assert!(
        matches!(&err, ArrowIngestError::UnknownColumn { column } if column == "NPS"),
        "{err}"
    );
    assert_eq!(err.code(), ErrorCode::UnknownColumn);
    let no_time =
        RecordBatch::try_from_iter(renamed.into_iter().filter(|(n, _)| n != "at")).unwrap();
    let err = engine().ingest_arrow([&no_time], None).unwrap_err();
    assert!(err.to_string().contains("needs an `at` column"), "{err}");
    // An unknown attribute id, named by its pointer.
    let unknown = RecordBatch::try_from_iter([
        (
            "at",
            Arc::new(StringArray::from(vec!["2026-01-01"])) as ArrayRef,
        ),
        (
            "attributes.wifi",
            Arc::new(Int64Array::from(vec![3])) as ArrayRef,
        ),
    ])
    .unwrap();
    let err = engine().ingest_arrow([&unknown], None).unwrap_err();
    assert!(err.to_string().contains("/attributes/wifi"), "{err}");
}

/// A mapping naming a column the schema lacks, a column of a type its
/// field cannot hold, or an unknown id is an error of the call naming the
/// column and the mapping's JSON Pointer; nothing is filed.
#[test]
fn bad_mappings_name_the_column_and_pointer() {
    let b = batch([Kind::Utf8; 9]);
    let mut e = engine();
    let before = e.snapshot();
    let m = CsvMapping::from_json(r#"{"at": {"column": "when"}, "nps": "nps"}"#).unwrap();
    let err = e.ingest_arrow([&b], Some(&m)).unwrap_err();
    assert_eq!(err.code(), ErrorCode::MissingColumn);
    let text = err.to_string();
    assert!(
        text.contains("`when`") && text.contains("/at/column") && text.contains("the Arrow schema"),
        "{text}"
    );
    assert!(!text.contains("CSV"), "{text}");
    let floats = RecordBatch::try_from_iter([
        (
            "at",
            Arc::new(StringArray::from(vec!["2026-01-01"])) as ArrayRef,
        ),
        ("seg", Arc::new(Float64Array::from(vec![1.5])) as ArrayRef),
        ("when", Arc::new(BooleanArray::from(vec![true])) as ArrayRef),
    ])
    .unwrap();
    for (mapping, pointer) in [
        (
            r#"{"at": {"column": "at"}, "dimensions": {"segment": "seg"}}"#,
            "/dimensions/segment",
        ),
        (r#"{"at": {"column": "when"}}"#, "/at/column"),
        (
            r#"{"at": {"column": "seg", "format": "unix"}}"#,
            "/at/column",
        ),
        (
            r#"{"fixedAt": "2026-01-01", "overall": {"column": "seg", "equals": "1.5"}}"#,
            "/overall",
        ),
    ] {
        let err = e
            .ingest_arrow([&floats], Some(&CsvMapping::from_json(mapping).unwrap()))
            .unwrap_err();
        let ArrowIngestError::ColumnType { pointer: p, .. } = &err else {
            panic!("{mapping}: {err}");
        };
        assert_eq!(p, pointer, "{err}");
    }
    let m = CsvMapping::from_json(r#"{"at": {"column": "at"}, "attributes": {"legroom": "wait"}}"#)
        .unwrap();
    let err = e.ingest_arrow([&b], Some(&m)).unwrap_err();
    assert_eq!(err.code(), ErrorCode::UnknownId, "{err}");
    let m = CsvMapping::from_json(r#"{"at": {"column": "at"}, "fixedAt": "2026-01-01"}"#).unwrap();
    assert_eq!(
        e.ingest_arrow([&b], Some(&m)).unwrap_err().code(),
        ErrorCode::MappingTime
    );
    // Batches whose schema changes.
    let m = CsvMapping::from_json(MAPPING).unwrap();
    let other = batch([Kind::Large; 9]);
    let err = e.ingest_arrow([&b, &other], Some(&m)).unwrap_err();
    assert!(
        matches!(err, ArrowIngestError::SchemaChanged { batch: 1, .. }),
        "{err}"
    );
    // Nothing was filed by any failed call, the first batch included.
    assert_eq!(e.snapshot(), before);
}

/// A call past `limits.maxCellBytes` keeps nothing of itself, whatever
/// batch passes it; the engine answers as before the call.
#[test]
fn a_limit_error_keeps_nothing_of_the_call() {
    let mapping = CsvMapping::from_json(MAPPING).unwrap();
    let mut config = EngineConfig::default();
    let mut probe = Engine::with_config(Plan::from_json(PLAN).unwrap(), config.clone()).unwrap();
    probe
        .ingest_arrow([&batch([Kind::Utf8; 9])], Some(&mapping))
        .unwrap();
    // A budget the first call fits and a second, with new cells, passes.
    config.limits.max_cell_bytes = probe.stats().bytes + 1;
    let mut e = Engine::with_config(Plan::from_json(PLAN).unwrap(), config).unwrap();
    e.ingest_arrow([&batch([Kind::Utf8; 9])], Some(&mapping))
        .unwrap();
    let before = e.snapshot();
    let mut moved = batch([Kind::Utf8; 9]);
    let later: ArrayRef = Arc::new(StringArray::from(vec!["2027-05-01"; 8]));
    let mut cols = moved.columns().to_vec();
    cols[1] = later;
    moved = RecordBatch::try_new(moved.schema(), cols).unwrap();
    let err = e
        .ingest_arrow([&batch([Kind::Utf8; 9]), &moved], Some(&mapping))
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::MemoryLimit, "{err}");
    assert_eq!(e.snapshot(), before);
}

/// A fresh directory for one test's files.
fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("cx-arrow-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes `batch` to a Parquet file with row groups of `group` rows.
fn write_parquet(path: &std::path::Path, batch: &RecordBatch, group: usize) {
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(group))
        .build();
    let file = std::fs::File::create(path).unwrap();
    let mut w = ArrowWriter::try_new(file, batch.schema(), Some(props)).unwrap();
    w.write(batch).unwrap();
    w.close().unwrap();
}

/// The airline sample CSV (`tests/fixtures/airline-sample.csv`, 40 rows)
/// as one batch: integer columns as Int64, decimal ones as Float64, the
/// rest as text, `Class` dictionary-encoded.
fn airline_batch() -> RecordBatch {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/airline-sample.csv"
    ))
    .unwrap();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = rows.headers().unwrap().iter().map(str::to_string).collect();
    let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    let cols: Vec<(String, ArrayRef)> = header
        .iter()
        .enumerate()
        .map(|(j, name)| {
            let cells: Vec<&str> = records.iter().map(|r| &r[j]).collect();
            let kind = if name == "Class" {
                Kind::DictI8
            } else if cells.iter().all(|c| c.parse::<i64>().is_ok()) {
                Kind::Int64
            } else if cells.iter().all(|c| c.parse::<f64>().is_ok()) {
                Kind::Float64
            } else {
                Kind::Utf8
            };
            (name.clone(), column(kind, &cells))
        })
        .collect();
    RecordBatch::try_from_iter(cols).unwrap()
}

/// Acceptance (issue #18): the airline CSV converted to Parquet (several
/// row groups) gives the same `Engine::query` answers as the CSV path,
/// through the airline mapping, unchanged.
#[test]
fn airline_parquet_equals_the_csv() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let plan = Plan::from_json(
        &std::fs::read_to_string(format!("{root}/examples/data/airline-plan.json")).unwrap(),
    )
    .unwrap();
    let mapping = CsvMapping::from_json(
        &std::fs::read_to_string(format!("{root}/examples/data/airline-mapping.json")).unwrap(),
    )
    .unwrap();
    let csv = std::fs::read(format!("{root}/tests/fixtures/airline-sample.csv")).unwrap();
    let mut from_csv = Engine::new(plan.clone()).unwrap();
    let c = from_csv.ingest_csv(&csv, &mapping).unwrap();
    assert_eq!(c.total, 40);
    let dir = temp_dir("airline");
    let path = dir.join("airline.parquet");
    let b = airline_batch();
    assert!(matches!(
        b.schema().field_with_name("Class").unwrap().data_type(),
        DataType::Dictionary(..)
    ));
    write_parquet(&path, &b, 7);
    let mut from_parquet = Engine::new(plan.clone()).unwrap();
    let p = from_parquet
        .ingest_parquet(std::fs::File::open(&path).unwrap(), Some(&mapping))
        .unwrap();
    assert_eq!(
        (p.total, p.accepted, p.rejected),
        (c.total, c.accepted, c.rejected)
    );
    assert_eq!(p.errors, without_lines(&c.errors));
    let metrics: Vec<String> = plan
        .attributes
        .iter()
        .map(|a| format!("\"attribute:{}\"", a.id))
        .collect();
    for group in ["[]", r#"["class"]"#, r#"["segment", "typeOfTravel"]"#] {
        let q = Query::from_json(&format!(
            r#"{{"metrics": [{}], "groupBy": {group}}}"#,
            metrics.join(", ")
        ))
        .unwrap();
        let a = serde_json::to_string(&from_parquet.query(&q).unwrap()).unwrap();
        let b = serde_json::to_string(&from_csv.query(&q).unwrap()).unwrap();
        assert_eq!(a, b, "{group}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A Parquet file is read by row group in batches, with rejected rows
/// numbered from the file's first row, only the mapped columns decoded;
/// a file that is not Parquet is a read error that files nothing; one cut
/// short keeps nothing either (its footer is gone).
#[test]
fn parquet_rows_are_numbered_from_the_file_start() {
    // Two batches and a part of a third; row groups of 30,000 rows.
    let batch_rows = cx_core::engine::PARQUET_BATCH_ROWS;
    let rows = 2 * batch_rows + 5_000;
    let at: Vec<&str> = vec!["2026-01-05"; rows];
    let nps: Vec<i64> = (0..rows as i64)
        .map(|i| if i % 5_000 == 4_999 { 11 } else { i % 11 })
        .collect();
    let b = RecordBatch::try_from_iter([
        ("at", Arc::new(StringArray::from(at)) as ArrayRef),
        ("nps", Arc::new(Int64Array::from(nps)) as ArrayRef),
        (
            "remark",
            Arc::new(StringArray::from(vec!["free text"; rows])) as ArrayRef,
        ),
    ])
    .unwrap();
    let dir = temp_dir("rows");
    let path = dir.join("rows.parquet");
    write_parquet(&path, &b, 30_000);
    let mapping = CsvMapping::from_json(r#"{"at": {"column": "at"}, "nps": "nps"}"#).unwrap();
    let mut e = engine();
    let r = e
        .ingest_parquet(std::fs::File::open(&path).unwrap(), Some(&mapping))
        .unwrap();
    // Every 5,000th row (4,999, 9,999, …) has an NPS of 11.
    let bad: Vec<usize> = (4_999..rows).step_by(5_000).collect();
    let n = bad.len() as u64;
    assert_eq!(
        (r.total, r.accepted, r.rejected),
        (rows as u64, rows as u64 - n, n)
    );
    let at: Vec<usize> = r.errors.iter().map(|x| x.index).collect();
    assert_eq!(at, bad);
    assert!(r
        .errors
        .iter()
        .all(|x| x.field.as_deref() == Some("nps") && x.column == Some(2)));
    // Without a mapping, the `remark` column is no record field (`comment` is one, #20).
    let err = engine()
        .ingest_parquet(std::fs::File::open(&path).unwrap(), None)
        .unwrap_err();
    assert!(err.to_string().contains("`remark`"), "{err}");
    let missing = CsvMapping::from_json(r#"{"at": {"column": "at"}, "nps": "score"}"#).unwrap();
    let err = engine()
        .ingest_parquet(std::fs::File::open(&path).unwrap(), Some(&missing))
        .unwrap_err();
    assert!(
        err.to_string().contains("the Parquet file does not have"),
        "{err}"
    );
    // A page header of the fourth row group (rows 90,000–119,999, in the
    // second batch) broken: the first batch is filed (as for a CSV read
    // error), the error names the first row not filed.
    let mut broken = std::fs::read(&path).unwrap();
    let meta = parquet::file::reader::FileReader::metadata(
        &parquet::file::serialized_reader::SerializedFileReader::new(
            std::fs::File::open(&path).unwrap(),
        )
        .unwrap(),
    )
    .clone();
    let page = meta.row_group(3).column(1).data_page_offset() as usize;
    broken[page..page + 16].fill(0xFF);
    let broken_path = dir.join("broken.parquet");
    std::fs::write(&broken_path, broken).unwrap();
    let mut e = engine();
    let err = e
        .ingest_parquet(std::fs::File::open(&broken_path).unwrap(), Some(&mapping))
        .unwrap_err();
    let ArrowIngestError::Read { row, report, .. } = &err else {
        panic!("{err}");
    };
    assert_eq!(*row, batch_rows, "{err}");
    let n = bad.iter().filter(|&&r| r < batch_rows).count() as u64;
    let first = batch_rows as u64;
    assert_eq!(
        (report.total, report.accepted, report.rejected),
        (first, first - n, n)
    );
    assert_eq!(e.stats().rows, first - n);
    assert!(
        err.to_string().contains(&format!(
            "the Parquet file cannot be read from row {batch_rows} on"
        )),
        "{err}"
    );
    // Not Parquet; cut short.
    let bytes = std::fs::read(&path).unwrap();
    for (name, content) in [
        ("text.parquet", b"id,nps\n1,9\n".to_vec()),
        ("cut.parquet", bytes[..bytes.len() / 2].to_vec()),
    ] {
        let p = dir.join(name);
        std::fs::write(&p, content).unwrap();
        let mut e = engine();
        let err = e
            .ingest_parquet(std::fs::File::open(&p).unwrap(), Some(&mapping))
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::ReadError, "{err}");
        assert_eq!(e.stats().rows, 0);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `tests/data/airline-sample.parquet`, which the CLI test reads, is the
/// airline sample CSV as [`airline_batch`] converts it (row groups of 7
/// rows); `CX_UPDATE_DATA=1` rewrites it.
#[test]
fn checked_in_airline_parquet_is_the_csv() {
    let path = std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/data/airline-sample.parquet"
    ));
    let expected = airline_batch();
    if std::env::var_os("CX_UPDATE_DATA").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        write_parquet(path, &expected, 7);
    }
    let file = std::fs::File::open(path).unwrap();
    let reader =
        parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
    assert_eq!(reader.metadata().num_row_groups(), 6);
    let batches: Vec<RecordBatch> = reader
        .with_batch_size(1024)
        .build()
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(batches.len(), 1);
    let hint = format!("run with CX_UPDATE_DATA=1 to rewrite {}", path.display());
    assert_eq!(
        batches[0].schema().fields(),
        expected.schema().fields(),
        "{hint}"
    );
    assert_eq!(batches[0].columns(), expected.columns(), "{hint}");
}

/// Issue #20: a plan with themes, a lexicon entry and a comment alert.
const COMMENT_PLAN: &str = r#"{
    "schemaVersion": 1,
    "organization": {"name": "Test"},
    "themes": [
        {"id": "delay", "terms": ["delay*", "late"]},
        {"id": "staff", "terms": ["staff", "crew"], "alert": true}
    ],
    "lexicon": {"meh": -1.5},
    "thresholds": {"alerts": {"commentCompoundAtMost": -0.5}}
}"#;

/// Rows of the comment test: a comment with a score, a missing one, a
/// comment only, one past the limit, one across a line break, one on a
/// rejected score and a blank one (none).
const COMMENT_ROWS: [(&str, &str, Option<i64>, Option<&str>); 7] = [
    (
        "r1",
        "2026-01-05",
        Some(9),
        Some("The crew was great, thank you!"),
    ),
    ("r2", "2026-01-06", Some(10), None),
    (
        "r3",
        "2026-01-07",
        None,
        Some("Delayed again. Terrible, TERRIBLE service!!!"),
    ),
    (
        "r4",
        "2026-01-08",
        Some(3),
        Some(concat!(
            "late late late late late late late late ",
            "late late late late late late late late late late late late"
        )),
    ),
    ("r5", "2026-01-08", Some(6), Some("late, \"late\" and\nmeh")),
    ("r6", "2026-01-09", Some(11), Some("Staff were rude")),
    ("r7", "2026-01-09", Some(8), Some("   ")),
];

const COMMENT_MAPPING: &str =
    r#"{"id": "id", "at": {"column": "at"}, "nps": "nps", "comment": "comment"}"#;

/// An engine of [`COMMENT_PLAN`] whose comments hold at most 64 bytes.
fn comment_engine() -> Engine {
    let mut config = EngineConfig::default();
    config.limits.max_comment_bytes = 64;
    Engine::with_config(Plan::from_json(COMMENT_PLAN).unwrap(), config).unwrap()
}

/// Builds a comment column of one string layout from its cells.
type CommentColumn = fn(Vec<Option<&str>>) -> ArrayRef;

/// [`COMMENT_ROWS`] as a batch, the comments built by `text`.
fn comment_batch(text: CommentColumn) -> RecordBatch {
    let rows = COMMENT_ROWS;
    RecordBatch::try_from_iter([
        (
            "id",
            Arc::new(StringArray::from_iter_values(rows.map(|r| r.0))) as ArrayRef,
        ),
        (
            "at",
            Arc::new(StringArray::from_iter_values(rows.map(|r| r.1))) as ArrayRef,
        ),
        (
            "nps",
            Arc::new(Int64Array::from(rows.map(|r| r.2).to_vec())) as ArrayRef,
        ),
        ("comment", text(rows.map(|r| r.3).to_vec())),
    ])
    .unwrap()
}

/// What must not depend on the path: the report (but lines), the comment
/// cells, the verbatims, the alerts (but lines) and the comment scores.
fn comment_facts(r: &IngestReport, e: &Engine) -> (String, String, String, String, String) {
    let s = e.snapshot();
    let q = Query::from_json(
        r#"{"metrics": ["nps", "sentiment", "theme:delay", "theme:staff"], "groupBy": ["period:day"]}"#,
    )
    .unwrap();
    let alerts: Vec<_> = e
        .alerts()
        .into_iter()
        .map(|a| cx_core::engine::Alert { line: None, ..a })
        .collect();
    let report = (r.total, r.accepted, r.rejected, without_lines(&r.errors));
    (
        format!("{report:?}"),
        serde_json::to_string(&s.response_comments).unwrap(),
        serde_json::to_string(&s.verbatims).unwrap(),
        format!("{alerts:?}"),
        serde_json::to_string(&e.query(&q).unwrap().rows).unwrap(),
    )
}

/// Issue #20: a `comment` column, mapped or by name, of each string
/// layout, and from Parquet, files the comments the CSV path files: the
/// comment cells, verbatims, alerts and scores, a comment past the limit
/// rejected at `/comment` with its column; a blank comment is none.
#[test]
fn comments_equal_the_csv_path() {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["id", "at", "nps", "comment"]).unwrap();
    for (id, at, nps, comment) in COMMENT_ROWS {
        let nps = nps.map(|n| n.to_string()).unwrap_or_default();
        w.write_record([id, at, &nps, comment.unwrap_or("")])
            .unwrap();
    }
    let mapping = CsvMapping::from_json(COMMENT_MAPPING).unwrap();
    let mut c = comment_engine();
    let rc = c.ingest_csv(&w.into_inner().unwrap(), &mapping).unwrap();
    let want = comment_facts(&rc, &c);
    assert_eq!((rc.total, rc.accepted, rc.rejected), (7, 5, 2));
    let e = &rc.errors[0];
    assert_eq!(
        (e.index, e.pointer.as_str(), e.column),
        (3, "/comment", Some(4))
    );
    let q = Query::from_json(r#"{"metrics": ["sentiment"]}"#).unwrap();
    let n = c.query(&q).unwrap().rows[0].scores["sentiment"].n;
    assert_eq!(n, 3, "r1, r3 and r5: r7 is blank");
    assert!(
        want.2.contains("\"r3\"") && want.2.contains("\"r5\""),
        "{}",
        want.2
    );
    assert!(want.3.contains("r1") && want.3.contains("r3"), "{}", want.3);
    let layouts: [CommentColumn; 3] = [
        |v| Arc::new(StringArray::from(v)),
        |v| Arc::new(LargeStringArray::from(v)),
        |v| Arc::new(StringViewArray::from(v)),
    ];
    for (i, text) in layouts.into_iter().enumerate() {
        let b = comment_batch(text);
        let mut a = comment_engine();
        let ra = a.ingest_arrow([&b], Some(&mapping)).unwrap();
        assert_eq!(comment_facts(&ra, &a), want, "layout {i}, mapped");
        let mut n = comment_engine();
        let rn = n.ingest_arrow([&b], None).unwrap();
        assert_eq!(comment_facts(&rn, &n), want, "layout {i}, by name");
    }
    let dir = temp_dir("comments");
    let path = dir.join("comments.parquet");
    write_parquet(&path, &comment_batch(|v| Arc::new(StringArray::from(v))), 3);
    let mut p = comment_engine();
    let rp = p
        .ingest_parquet(std::fs::File::open(&path).unwrap(), Some(&mapping))
        .unwrap();
    assert_eq!(comment_facts(&rp, &p), want, "Parquet");
    let _ = std::fs::remove_dir_all(&dir);
    // A comment column of numbers is an error of the call at `/comment`.
    let mut cols = comment_batch(|v| Arc::new(StringArray::from(v)))
        .columns()
        .to_vec();
    cols[3] = Arc::new(Float64Array::from(vec![1.5; 7]));
    let floats = RecordBatch::try_new(
        Arc::new(Schema::new(vec![
            Field::new("id", DataType::Utf8, false),
            Field::new("at", DataType::Utf8, false),
            Field::new("nps", DataType::Int64, true),
            Field::new("comment", DataType::Float64, false),
        ])),
        cols,
    )
    .unwrap();
    let err = comment_engine()
        .ingest_arrow([&floats], Some(&mapping))
        .unwrap_err();
    let ArrowIngestError::ColumnType { pointer, .. } = &err else {
        panic!("{err}");
    };
    assert_eq!(pointer, "/comment", "{err}");
}
