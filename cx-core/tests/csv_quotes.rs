//! Issue #16, item 2: a stray quote in a CSV is an error of the whole call
//! (code `parse-error`) naming the physical line the quote opened on and
//! how many lines it ran over; nothing of the call is filed, on one thread
//! or several, with LF or CRLF line ends, through `CsvFeed` and
//! `Engine::ingest_csv`. A quoted field that closes (even over several
//! lines) is still read as one field.

use cx_core::engine::{
    CsvFeed, CsvMapping, Engine, EngineConfig, IngestError, MappingError, Query, UnterminatedQuote,
};
use cx_core::error::ErrorCode;
use cx_core::plan::Plan;

const PLAN: &str = r#"{"schemaVersion": 1, "organization": {"name": "Acme"}}"#;
const MAPPING: &str = r#"{"fixedAt": "2026-01-05", "nps": "NPS"}"#;

fn engine(max_line: Option<usize>) -> Engine {
    let mut config = EngineConfig::default();
    if let Some(m) = max_line {
        config.limits.max_line_bytes = m;
    }
    let mut e = Engine::with_config(Plan::from_json(PLAN).unwrap(), config).unwrap();
    // Data filed before the call: the failed call must leave it as it is.
    let before = "NPS,comment\n10,kept\n3,kept\n";
    let r = e
        .ingest_csv(before.as_bytes(), &CsvMapping::from_json(MAPPING).unwrap())
        .unwrap();
    assert_eq!(r.accepted, 2);
    e
}

fn answers(e: &Engine) -> String {
    serde_json::to_string(&e.query(&Query::default()).unwrap()).unwrap()
}

/// `rows` data rows after the header; row `stray` (1-based) has a stray
/// quote opening its comment, which then never closes.
fn csv(rows: usize, stray: usize, eol: &str) -> String {
    let mut s = format!("NPS,comment{eol}");
    for i in 1..=rows {
        let comment = if i == stray {
            "\"the boss, said Bob".to_string()
        } else {
            format!("row {i}")
        };
        s.push_str(&format!("{},{comment}{eol}", i % 11));
    }
    s
}

fn expect_quote(result: Result<cx_core::engine::IngestReport, IngestError>) -> UnterminatedQuote {
    match result {
        Err(IngestError::Quote(q)) => {
            assert_eq!(IngestError::Quote(q.clone()).code(), ErrorCode::ParseError);
            q
        }
        Ok(r) => panic!(
            "expected an unterminated-quote error, got a report of {} record(s)",
            r.total
        ),
        Err(e) => panic!("expected an unterminated-quote error, got {e}"),
    }
}

#[test]
fn a_stray_quote_to_the_end_fails_the_call_and_files_nothing() {
    let mapping = CsvMapping::from_json(MAPPING).unwrap();
    for eol in ["\n", "\r\n"] {
        for threads in [1, 2, 4] {
            let text = csv(2_000, 12, eol);
            let mut e = engine(None);
            let before = answers(&e);
            let q = expect_quote(
                CsvFeed::new(&mapping)
                    .threads(threads)
                    .read(&mut e, text.as_bytes()),
            );
            // Header line 1, row 12 is line 13; the quote is the 3rd byte
            // of `1,"the boss, said Bob`.
            assert_eq!(
                (q.line, q.column, q.to_end),
                (13, 3, true),
                "{eol:?} {threads}"
            );
            // From the quote to the end: the line ends of rows 12 to 2000.
            assert_eq!(q.lines, 2_000 - 12 + 1);
            let message = q.to_string();
            assert!(message.contains("quote"), "{message}");
            assert!(message.contains("line 13"), "{message}");
            assert!(message.contains("1989 line(s)"), "{message}");
            assert_eq!(answers(&e), before, "nothing of the call is filed");
            assert_eq!(e.stats().rows, 2);
        }
    }
}

#[test]
fn a_stray_quote_past_max_line_bytes_fails_the_call() {
    let mapping = CsvMapping::from_json(MAPPING).unwrap();
    // A later quoted field closes the stray one far below: without the
    // limit the rows in between would be one long rejected record.
    let mut text = csv(5_000, 40, "\n");
    text.push_str("5,\"a quoted, closed field\"\n");
    for threads in [1, 3] {
        let mut e = engine(Some(1_000));
        let before = answers(&e);
        let q = expect_quote(
            CsvFeed::new(&mapping)
                .threads(threads)
                .read(&mut e, text.as_bytes()),
        );
        assert_eq!((q.line, q.column, q.to_end), (41, 3, false));
        assert!(q.lines > 50 && q.lines < 200, "{}", q.lines);
        assert!(q.to_string().contains("limits.maxLineBytes"), "{q}");
        assert_eq!(answers(&e), before);
    }
}

#[test]
fn ingest_csv_reports_the_quote_as_an_error_of_the_call() {
    let mapping = CsvMapping::from_json(MAPPING).unwrap();
    let mut e = engine(None);
    let before = answers(&e);
    match e.ingest_csv(csv(30, 12, "\r\n").as_bytes(), &mapping) {
        Err(MappingError::Quote(q)) => {
            assert_eq!((q.line, q.lines), (13, 19));
            assert_eq!(MappingError::Quote(q).code(), ErrorCode::ParseError);
        }
        Ok(r) => panic!("no error: {} record(s)", r.total),
        Err(e) => panic!("{e}"),
    }
    assert_eq!(answers(&e), before);
}

#[test]
fn a_quote_in_the_header_that_never_closes() {
    let mapping = CsvMapping::from_json(MAPPING).unwrap();
    let mut e = engine(None);
    let q = expect_quote(CsvFeed::new(&mapping).read(&mut e, "NPS,\"comment\n9,x\n".as_bytes()));
    assert_eq!((q.line, q.column, q.lines), (1, 5, 2));
}

#[test]
fn closed_quoted_fields_over_several_lines_are_still_read() {
    let mapping = CsvMapping::from_json(MAPPING).unwrap();
    for eol in ["\n", "\r\n"] {
        let text =
            format!("NPS,comment{eol}9,\"great,{eol}really{eol}\"\"good\"\"\"{eol}4,\"\"{eol}");
        let mut e = engine(None);
        let r = CsvFeed::new(&mapping)
            .read(&mut e, text.as_bytes())
            .unwrap();
        assert_eq!((r.accepted, r.rejected), (2, 0));
        // A quote ending the input closes its field.
        let text = format!("NPS,comment{eol}9,\"closed\"");
        let r = CsvFeed::new(&mapping)
            .read(&mut e, text.as_bytes())
            .unwrap();
        assert_eq!((r.accepted, r.rejected), (1, 0));
    }
}
