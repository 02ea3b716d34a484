//! Issue #19, item 1 (customer responses): a response's survey `weight`
//! through every ingest path — typed records, the row session, JSON Lines
//! (the flat scanner and serde_json), the CSV mapping (the fast path and
//! the general one), the columns API. Every path accepts and rejects the
//! same weights with field `weight`, rounds the same ones to millionths
//! (counted in `weightsRounded`), and a weight of exactly 1 is no weight.

use cx_core::engine::{
    ColumnsError, CsvMapping, DimensionColumn, Engine, IngestReport, MappingError, RecordError,
    ResponseColumns, ResponseRef,
};
use cx_core::error::ErrorCode;
use cx_core::plan::Plan;
use cx_core::record::{Record, Response, Timestamp};

const PLAN: &str = include_str!("../../examples/data/plan.json");
const MISSING: u8 = u8::MAX;
/// 2026-01-01T00:00:00Z.
const DAY: i64 = 1_767_225_600;

fn engine() -> Engine {
    Engine::new(Plan::from_json(PLAN).unwrap()).unwrap()
}

/// The weights every path is given, and what each must do: `Ok(rounded)`
/// for an accepted weight (whether it was rounded to millionths), or the
/// error code of a rejected one.
fn cases() -> Vec<(f64, Result<bool, ErrorCode>)> {
    vec![
        (2.5, Ok(false)),
        (1.0, Ok(false)),
        (0.000001, Ok(false)),
        (100_000.0, Ok(false)),
        (0.1234567, Ok(true)),
        (3.0000004, Ok(true)),
        (0.0, Err(ErrorCode::OutOfRange)),
        (-2.0, Err(ErrorCode::OutOfRange)),
        (100_000.5, Err(ErrorCode::OutOfRange)),
        (0.0000004, Err(ErrorCode::OutOfRange)),
    ]
}

/// What a report says of each record: accepted, or (index, pointer,
/// code); with the rounded count.
fn outcome(r: &IngestReport) -> (u64, u64, u64, Vec<(usize, String, ErrorCode)>) {
    assert_eq!(r.accepted + r.rejected, r.total);
    let errors = r
        .errors
        .iter()
        .map(|e| (e.index, e.pointer.clone(), e.code))
        .collect();
    (r.accepted, r.rejected, r.weights_rounded, errors)
}

/// The outcome `cases()` must give.
fn expected() -> (u64, u64, u64, Vec<(usize, String, ErrorCode)>) {
    let c = cases();
    let ok = c.iter().filter(|(_, o)| o.is_ok()).count() as u64;
    let rounded = c.iter().filter(|(_, o)| *o == Ok(true)).count() as u64;
    let errors = c
        .iter()
        .enumerate()
        .filter_map(|(i, (_, o))| o.err().map(|code| (i, "/weight".to_string(), code)))
        .collect();
    (ok, c.len() as u64 - ok, rounded, errors)
}

fn response(i: usize, weight: Option<f64>) -> Response {
    Response {
        id: Some(format!("r{i}")),
        at: Timestamp::from_unix(DAY).unwrap(),
        segment: Some(["families", "seniors"][i % 2].into()),
        nps: Some(7 + (i % 4) as u8),
        csat: Some(4),
        weight,
        ..Response::default()
    }
}

fn typed() -> Vec<Response> {
    cases()
        .iter()
        .enumerate()
        .map(|(i, (w, _))| response(i, Some(*w)))
        .collect()
}

#[test]
fn typed_responses_check_and_round_their_weight() {
    let report = engine().ingest_responses(&typed()).unwrap();
    assert_eq!(outcome(&report), expected());
    // The error names the field and says what was expected.
    let e = &report.errors[0];
    assert_eq!(e.id.as_deref(), Some("r6"));
    assert_eq!(e.message, "`weight`: a weight must be positive; got 0");
    assert_eq!(
        report.errors[2].message,
        "`weight`: a weight must be at most 100000; got 100000.5"
    );
    assert_eq!(
        report.errors[3].message,
        "`weight`: a weight must be at least 0.000001; got 0.0000004"
    );
    // The same through `ingest_batch` (records of every kind).
    let records: Vec<Record> = typed().into_iter().map(Record::from).collect();
    assert_eq!(
        outcome(&engine().ingest_batch(&records).unwrap()),
        expected()
    );
}

#[test]
fn a_weight_that_is_no_finite_number_is_an_invalid_value() {
    let mut e = engine();
    let rows: Vec<Response> = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY]
        .iter()
        .enumerate()
        .map(|(i, &w)| response(i, Some(w)))
        .collect();
    let report = e.ingest_responses(&rows).unwrap();
    assert_eq!((report.accepted, report.rejected), (0, 3));
    for err in &report.errors {
        assert_eq!(
            (err.pointer.as_str(), err.code),
            ("/weight", ErrorCode::InvalidValue)
        );
        assert_eq!(err.message, "`weight`: a weight must be a finite number");
    }
    // A rejected record changes nothing: not even its time.
    assert_eq!(e.stats().rows, 0);
}

#[test]
fn the_row_session_checks_weights_as_typed_records() {
    let mut e = engine();
    let mut ingest = e.response_ingest();
    for (i, (w, _)) in cases().iter().enumerate() {
        ingest.push(&ResponseRef {
            id: Some(format!("r{i}").as_bytes()),
            at: Timestamp::from_unix(DAY).unwrap(),
            nps: Some(9),
            weight: Some(*w),
            ..ResponseRef::default()
        });
    }
    assert_eq!(outcome(&ingest.finish().unwrap()), expected());
}

/// The JSON line of `response(i, weight)` with the weight written as
/// `weight` (JSON text).
fn json_line(i: usize, weight: &str, escaped: bool) -> String {
    // An escape in the id sends the line past the flat scanner to
    // serde_json.
    let id = if escaped {
        format!("r\\u0030{i}")
    } else {
        format!("r{i}")
    };
    let segment = ["families", "seniors"][i % 2];
    format!(
        r#"{{"id": "{id}", "at": "2026-01-01T00:00:00Z", "segment": "{segment}", "nps": {}, "csat": 4, "weight": {weight}}}"#,
        7 + i % 4
    )
}

/// JSON Lines of `json_line(i, weights[i], escaped)`.
fn json_lines(weights: &[String], escaped: bool) -> String {
    weights
        .iter()
        .enumerate()
        .map(|(i, w)| json_line(i, w, escaped) + "\n")
        .collect()
}

#[test]
fn json_lines_read_weights_as_typed_records_on_both_paths() {
    for escaped in [false, true] {
        let text: String = cases()
            .iter()
            .enumerate()
            .map(|(i, (w, _))| json_line(i, &format!("{w:?}"), escaped) + "\n")
            .collect();
        let report = engine().ingest_json_lines(text.as_bytes()).unwrap();
        assert_eq!(outcome(&report), expected(), "escaped: {escaped}");
        for e in &report.errors {
            assert_eq!(e.line, Some(e.index + 1));
        }
    }
}

#[test]
fn json_lines_weight_shapes() {
    // Every number shape of JSON, `null` (no weight), and what is no
    // weight: a string, an overflow, a boolean.
    let lines = [
        ("2", Ok(false)),
        ("2.50", Ok(false)),
        ("25e-1", Ok(false)),
        ("0.25E+1", Ok(false)),
        ("-0", Err(ErrorCode::OutOfRange)),
        ("null", Ok(false)),
        ("1.0000001", Ok(true)),
        ("\"2\"", Err(ErrorCode::ParseError)),
        ("1e400", Err(ErrorCode::ParseError)),
        ("true", Err(ErrorCode::ParseError)),
    ];
    for escaped in [false, true] {
        let text: String = lines
            .iter()
            .enumerate()
            .map(|(i, (w, _))| json_line(i, w, escaped) + "\n")
            .collect();
        let report = engine().ingest_json_lines(text.as_bytes()).unwrap();
        let got: Vec<Result<(), ErrorCode>> = (0..lines.len())
            .map(|i| match report.errors.iter().find(|e| e.index == i) {
                Some(e) => {
                    assert_eq!(e.pointer, "/weight", "{e:?}");
                    Err(e.code)
                }
                None => Ok(()),
            })
            .collect();
        let want: Vec<Result<(), ErrorCode>> = lines.iter().map(|(_, o)| o.map(drop)).collect();
        assert_eq!(got, want, "escaped: {escaped}");
        assert_eq!(report.weights_rounded, 1);
    }
}

/// A CSV of `cases()`: id, date, segment, nps, weight (the weight as
/// written by `text`). `quoted` quotes the id, which sends every line to
/// the general path.
fn csv(weights: &[String], quoted: bool) -> String {
    let mut out = String::from("id,date,segment,nps,csat,wt\n");
    for (i, w) in weights.iter().enumerate() {
        let id = if quoted {
            format!("\"r{i}\"")
        } else {
            format!("r{i}")
        };
        let segment = ["families", "seniors"][i % 2];
        out.push_str(&format!("{id},2026-01-01,{segment},{},4,{w}\n", 7 + i % 4));
    }
    out
}

fn mapping() -> CsvMapping {
    CsvMapping::from_json(
        r#"{"id": "id", "at": {"column": "date", "format": "date"},
            "dimensions": {"segment": "segment"}, "nps": "nps", "csat": "csat", "weight": "wt",
            "missing": ["NA"]}"#,
    )
    .unwrap()
}

#[test]
fn csv_weights_on_the_fast_and_the_general_path() {
    let weights: Vec<String> = cases().iter().map(|(w, _)| format!("{w:?}")).collect();
    for quoted in [false, true] {
        let mut e = engine();
        // A first row interns the segments, so the fast path takes rows.
        let report = e
            .ingest_csv(csv(&weights, quoted).as_bytes(), &mapping())
            .unwrap();
        assert_eq!(outcome(&report), expected(), "quoted: {quoted}");
        for err in &report.errors {
            assert_eq!(err.line, Some(err.index + 2));
            assert_eq!(err.column, Some(6));
            assert_eq!(err.field.as_deref(), Some("wt"));
        }
    }
}

#[test]
fn csv_weight_cells_that_are_no_weight() {
    let cells = [
        "", "NA", "abc", "+2", "1;5", ".5", "inf", "NaN", "1e400", " 2 ",
    ];
    let weights: Vec<String> = cells.iter().map(|s| s.to_string()).collect();
    for quoted in [false, true] {
        let report = engine()
            .ingest_csv(csv(&weights, quoted).as_bytes(), &mapping())
            .unwrap();
        // " 2 " is trimmed, as every cell.
        assert_eq!(
            (report.accepted, report.rejected),
            (1, 9),
            "quoted: {quoted}"
        );
        let got: Vec<(usize, ErrorCode, &str)> = report
            .errors
            .iter()
            .map(|e| (e.index, e.code, e.field.as_deref().unwrap_or("")))
            .collect();
        let want: Vec<(usize, ErrorCode, &str)> = (0..9)
            .map(|i| {
                // 1e400 reads as infinity: no finite number.
                (i, ErrorCode::InvalidValue, "wt")
            })
            .collect();
        assert_eq!(got, want, "quoted: {quoted}");
        assert_eq!(
            report.errors[0].message,
            "`weight`: column `wt` has no value; expected a weight: a number from 0.000001 to 100000"
        );
        assert_eq!(
            report.errors[2].message,
            "`weight`: column `wt` holds `abc`, which is not a number; expected a weight: a number from 0.000001 to 100000"
        );
        assert_eq!(
            report.errors[8].message,
            "`weight`: a weight must be a finite number"
        );
    }
}

#[test]
fn a_mapping_naming_no_column_of_the_header_is_refused() {
    let m = CsvMapping::from_json(r#"{"fixedAt": "2026-01-01", "nps": "nps", "weight": "Weight"}"#)
        .unwrap();
    let err = engine().ingest_csv(b"nps,wt\n9,2\n", &m).unwrap_err();
    assert_eq!(
        err,
        MappingError::MissingColumn {
            column: "Weight".into(),
            pointer: "/weight".into()
        }
    );
}

fn columns_report(weights: &[f64]) -> Result<IngestReport, ColumnsError> {
    columns_engine(weights).map(|(r, _)| r)
}

fn columns_engine(weights: &[f64]) -> Result<(IngestReport, Engine), ColumnsError> {
    let n = weights.len();
    let at: Vec<i64> = vec![DAY; n];
    let nps: Vec<u8> = (0..n).map(|i| 7 + (i % 4) as u8).collect();
    let csat: Vec<u8> = vec![4; n];
    let codes: Vec<u32> = (0..n).map(|i| (i % 2) as u32).collect();
    let dict = ["families", "seniors"];
    let cols = ResponseColumns {
        at: &at,
        dimensions: vec![(
            "segment",
            DimensionColumn {
                dictionary: &dict,
                codes: &codes,
            },
        )],
        nps: Some(&nps),
        csat: Some(&csat),
        weight: Some(weights),
        ..ResponseColumns::default()
    };
    let mut e = engine();
    Ok((e.ingest_columns(&cols)?, e))
}

#[test]
fn columns_check_weights_per_row() {
    let weights: Vec<f64> = cases().iter().map(|(w, _)| *w).collect();
    let report = columns_report(&weights).unwrap();
    assert_eq!(outcome(&report), expected());
    let e: &RecordError = &report.errors[0];
    assert_eq!(e.field.as_deref(), Some("weight"));
    assert_eq!(e.message, "`weight`: a weight must be positive; got 0");
    let nan = columns_report(&[1.0, f64::NAN]).unwrap();
    assert_eq!(
        (nan.accepted, nan.errors[0].index, nan.errors[0].code),
        (1, 1, ErrorCode::InvalidValue)
    );
}

#[test]
fn a_weight_column_of_another_length_refuses_the_call() {
    let at = [DAY, DAY];
    let nps = [9, MISSING];
    let cols = ResponseColumns {
        at: &at,
        nps: Some(&nps),
        weight: Some(&[2.0]),
        ..ResponseColumns::default()
    };
    let err = engine().ingest_columns(&cols).unwrap_err();
    assert_eq!(
        err,
        ColumnsError::Length {
            column: "weight".into(),
            len: 1,
            rows: 2
        }
    );
    assert_eq!(err.code(), ErrorCode::ColumnLength);
}

#[test]
fn reports_absorb_the_rounded_count() {
    // A JSON Lines feed's report is the absorbed reports of its pushes.
    let mut e = engine();
    let mut feed = cx_core::engine::JsonLinesFeed::new();
    let a = feed
        .push(&mut e, (json_line(0, "1.0000001", false) + "\n").as_bytes())
        .unwrap();
    let b = feed
        .push(
            &mut e,
            (json_line(1, "2.00000049", false) + "\n").as_bytes(),
        )
        .unwrap();
    let whole = feed.finish(&mut e).unwrap();
    assert_eq!((a.weights_rounded, b.weights_rounded), (1, 1));
    assert_eq!((whole.accepted, whole.weights_rounded), (2, 2));
    // Serialized as `weightsRounded`, 0 when absent in older reports.
    let json = serde_json::to_value(&whole).unwrap();
    assert_eq!(json["weightsRounded"], 2);
    let mut old = json.clone();
    old.as_object_mut().unwrap().remove("weightsRounded");
    let back: IngestReport = serde_json::from_value(old).unwrap();
    assert_eq!(back.weights_rounded, 0);
}

#[test]
fn a_response_serializes_its_weight() {
    let r = response(0, Some(0.25));
    let json = serde_json::to_string(&r).unwrap();
    assert!(json.contains(r#""weight":0.25"#), "{json}");
    let back: Response = serde_json::from_str(&json).unwrap();
    assert_eq!(back, r);
    let none = serde_json::to_string(&response(0, None)).unwrap();
    assert!(!none.contains("weight"), "{none}");
}

/// The engine's state: every cell, the weighted ones included.
fn state(e: &Engine) -> serde_json::Value {
    serde_json::to_value(e.snapshot()).unwrap()
}

/// Records of `cases()` accepted with a weight other than 1.
fn weighted() -> u64 {
    cases()
        .iter()
        .filter(|(w, o)| o.is_ok() && *w != 1.0)
        .count() as u64
}

#[test]
fn every_path_files_the_same_weighted_cells() {
    let mut typed = engine();
    typed.ingest_responses(&typed_rows()).unwrap();
    assert_eq!(weighted(), 5);
    assert_eq!(typed.stats().weighted_rows, weighted());
    let want = state(&typed);
    let weights: Vec<String> = cases().iter().map(|(w, _)| format!("{w:?}")).collect();
    let mut paths: Vec<(String, Engine)> = Vec::new();
    for escaped in [false, true] {
        let text = json_lines(&weights, escaped);
        let mut e = engine();
        e.ingest_json_lines(text.as_bytes()).unwrap();
        paths.push((format!("json lines, escaped: {escaped}"), e));
    }
    for quoted in [false, true] {
        let mut e = engine();
        e.ingest_csv(csv(&weights, quoted).as_bytes(), &mapping())
            .unwrap();
        paths.push((format!("csv, quoted: {quoted}"), e));
    }
    let floats: Vec<f64> = cases().iter().map(|(w, _)| *w).collect();
    paths.push(("columns".into(), columns_engine(&floats).unwrap().1));
    for (what, e) in &paths {
        assert_eq!(e.stats().weighted_rows, weighted(), "{what}");
        assert_eq!(&state(e), &want, "{what}");
    }
}

fn typed_rows() -> Vec<Response> {
    typed()
}

#[test]
fn a_weight_of_one_is_no_weight() {
    // 1, and 1.0000004, which rounds to exactly one million millionths.
    for one in [1.0, 1.0000004] {
        let rows = |w: Option<f64>| -> Vec<Response> { (0..6).map(|i| response(i, w)).collect() };
        let mut ones = engine();
        let report = ones.ingest_responses(&rows(Some(one))).unwrap();
        assert_eq!(report.weights_rounded, u64::from(one != 1.0) * 6);
        let mut plain = engine();
        plain.ingest_responses(&rows(None)).unwrap();
        assert_eq!(ones.stats().weighted_rows, 0);
        assert_eq!(state(&ones), state(&plain), "{one}");
        // The same from CSV (fast path) and columns.
        let cells = vec![format!("{one:?}"); 6];
        let mut csv_ones = engine();
        csv_ones
            .ingest_csv(csv(&cells, false).as_bytes(), &mapping())
            .unwrap();
        assert_eq!(csv_ones.stats().weighted_rows, 0);
        let (_, col_ones) = columns_engine(&[one; 6]).unwrap();
        assert_eq!(col_ones.stats().weighted_rows, 0);
    }
    // A weight other than 1 is filed with its weight.
    let mut two = engine();
    two.ingest_responses(&[response(0, Some(2.0))]).unwrap();
    assert_eq!(two.stats().weighted_rows, 1);
}

#[test]
fn inputs_read_on_several_threads_keep_every_weight() {
    // 4,000 lines (about 500 KB: past the 64 KiB a part needs), weights
    // of 1 to 4 with a rounded one every 7th line.
    let weights: Vec<String> = (0..4000)
        .map(|i| match i % 7 {
            0 => "1.0000001".to_string(),
            k => format!("{}.5", k % 4),
        })
        .collect();
    let text = json_lines(&weights, false);
    let mut one = engine();
    let whole = one.ingest_json_lines(text.as_bytes()).unwrap();
    assert_eq!((whole.accepted, whole.weights_rounded), (4000, 572));
    let mut threaded = engine();
    let report = cx_core::engine::JsonLinesFeed::new()
        .threads(2)
        .read(&mut threaded, text.as_bytes())
        .unwrap();
    assert_eq!(report, whole);
    assert_eq!(state(&threaded), state(&one));
    // 1.0000001 rounds to 1: no weight.
    assert_eq!(threaded.stats().weighted_rows, 4000 - 572);
    // The same rows as CSV, on two threads.
    let mut csv_one = engine();
    let csv_text = csv(&weights, false);
    let csv_whole = csv_one.ingest_csv(csv_text.as_bytes(), &mapping()).unwrap();
    assert_eq!(csv_whole.weights_rounded, 572);
    let mut csv_threaded = engine();
    let r = cx_core::engine::CsvFeed::new(&mapping())
        .threads(2)
        .read(&mut csv_threaded, csv_text.as_bytes())
        .unwrap();
    assert_eq!(r, csv_whole);
    assert_eq!(state(&csv_threaded), state(&csv_one));
    assert_eq!(state(&csv_threaded), state(&one));
}
