//! Ingest: every bad record is reported at its position, every good one
//! counts, and the scorecard equals the one computed from the good records
//! alone (SPEC §3.3 "nothing lost").

use cx_core::engine::{CsvMapping, Engine, EngineConfig, IngestError, Limits, Query};
use cx_core::plan::Plan;
use cx_core::record::{Record, Response, Timestamp};

const PLAN: &str = include_str!("../../examples/data/plan.json");

fn engine() -> Engine {
    Engine::new(Plan::from_json(PLAN).unwrap()).unwrap()
}

fn all_metrics() -> Query {
    serde_json::from_str(
        r#"{"metrics": ["nps", "csat", "ces", "cesIndex", "enps", "employeeSatisfaction", "compliance", "tcs",
            "attribute:wait-time", "attribute:claim-speed", "kpi:customers", "kpi:retentionRate"],
            "groupBy": ["segment", "period:month"]}"#,
    )
    .unwrap()
}

const GOOD: [&str; 8] = [
    r#"{"id":"g1","at":"2026-01-05T09:00:00+01:00","segment":"families","touchpoint":"claims","team":"north","employee":"e1","nps":9,"csat":5,"ces":6,"attributes":{"wait-time":4,"claim-speed":5}}"#,
    r#"{"id":"g2","at":"2026-01-06","segment":"seniors","nps":6,"csat":3,"ces":5,"attributes":{"wait-time":2,"claim-speed":0},"expectations":{"wait-time":4}}"#,
    r#"{"id":"g3","at":"2026-02-01","segment":"families","nps":10,"csat":4,"dimensions":{"region":"north"},"comment":"merci, très bien"}"#,
    r#"{"kind":"employee","id":"w1","at":"2026-01-10","team":"north","enps":9,"satisfaction":{"workload":4,"recognition":2}}"#,
    r#"{"kind":"audit","id":"a1","at":"2026-01-11","method":"callRecording","employee":"e1","team":"north","items":[{"rule":"rule-name","outcome":"pass"},{"rule":"rule-inform","outcome":"fail"},{"rule":"rule-own","outcome":"notApplicable"}]}"#,
    r#"{"kind":"kpi","metric":"customers","period":{"start":"2026-01-01","end":"2026-01-31"},"value":5000}"#,
    r#"{"kind":"kpi","metric":"retainedCustomers","period":{"start":"2026-01-01","end":"2026-01-31"},"value":4400}"#,
    r#"{"id":"g4","at":"2026-02-03T23:30:00-05:00","segment":"small-business","nps":0,"ces":1}"#,
];

/// (line content, expected code, expected pointer)
const BAD: [(&str, &str, &str); 11] = [
    (r#"{"id":"b1","at":"2026-01-05","nps":9"#, "parse-error", ""),
    (
        r#"{"id":"b2","at":"2026-01-05","nps":"nine"}"#,
        "parse-error",
        "/nps",
    ),
    (
        r#"{"id":"b3","at":"2026-01-05","nps":11}"#,
        "out-of-range",
        "/nps",
    ),
    (
        r#"{"id":"b4","at":"2026-01-05","nps":7.5}"#,
        "parse-error",
        "/nps",
    ),
    (
        r#"{"id":"b5","at":"2026-01-05","attributes":{"wifi":3}}"#,
        "unknown-attribute",
        "/attributes/wifi",
    ),
    (
        r#"{"id":"b6","at":"2026-01-05","attributes":{"wait-time":0}}"#,
        "out-of-range",
        "/attributes/wait-time",
    ),
    (
        r#"{"id":"b7","at":"2026-01-05","dimensions":{"country":"FR"}}"#,
        "unknown-dimension",
        "/dimensions/country",
    ),
    (
        r#"{"id":"b8","at":"2026-01-05T10:00:00","nps":5}"#,
        "parse-error",
        "/at",
    ),
    (
        r#"{"kind":"audit","id":"b9","at":"2026-01-05","method":"callRecording","items":[{"rule":"rule-nope","outcome":"pass"}]}"#,
        "unknown-rule",
        "/items/0/rule",
    ),
    (
        r#"{"id":"b10","at":"2026-01-05","nps":5,"colour":"blue"}"#,
        "parse-error",
        "",
    ),
    (
        r#"{"kind":"kpi","metric":"retentionRate","period":{"start":"2026-01-01","end":"2026-01-31"},"value":88}"#,
        "unknown-kpi",
        "/metric",
    ),
];

#[test]
fn json_lines_with_corrupted_lines() {
    // Interleave good and bad lines, with a BOM, CRLF line ends, blank lines,
    // a line of invalid UTF-8 and a truncated last line.
    let mut text: Vec<u8> = b"\xEF\xBB\xBF".to_vec();
    let mut expected_bad: Vec<(usize, &str, &str)> = Vec::new();
    let mut line = 0;
    for i in 0..GOOD.len().max(BAD.len()) {
        if let Some(g) = GOOD.get(i) {
            text.extend_from_slice(g.as_bytes());
            text.extend_from_slice(b"\r\n");
            line += 1;
        }
        if let Some((b, code, ptr)) = BAD.get(i) {
            text.extend_from_slice(b.as_bytes());
            text.extend_from_slice(b"\n");
            line += 1;
            expected_bad.push((line, code, ptr));
        }
        if i == 2 {
            text.extend_from_slice(b"   \n");
            line += 1;
            text.extend_from_slice(
                b"{\"id\":\"u\",\"at\":\"2026-01-05\",\"segment\":\"caf\xE9\"}\n",
            );
            line += 1;
            expected_bad.push((line, "invalid-utf8", ""));
        }
    }
    text.extend_from_slice(br#"{"id":"trunc","at":"2026-01-0"#);
    line += 1;
    expected_bad.push((line, "parse-error", ""));

    let mut e = engine();
    let report = e.ingest_json_lines(&text).unwrap();
    assert_eq!(report.accepted as usize, GOOD.len(), "{report:#?}");
    assert_eq!(report.rejected as usize, expected_bad.len(), "{report:#?}");
    assert_eq!(report.total, report.accepted + report.rejected);
    for (err, (line, code, ptr)) in report.errors.iter().zip(&expected_bad) {
        assert_eq!(
            (err.line, err.code.as_str()),
            (Some(*line), *code),
            "{err:#?}"
        );
        if !ptr.is_empty() {
            assert_eq!(err.pointer, *ptr, "{err:#?}");
        }
        assert!(!err.message.is_empty());
    }
    // The ids of bad records that parse as JSON are reported.
    assert_eq!(report.errors[1].id.as_deref(), Some("b2"));

    let mut clean = engine();
    let good: String = GOOD.iter().map(|g| format!("{g}\n")).collect();
    let r2 = clean.ingest_json_lines(good.as_bytes()).unwrap();
    assert_eq!(r2.rejected, 0);
    assert_eq!(
        e.query(&all_metrics()).unwrap(),
        clean.query(&all_metrics()).unwrap()
    );
    assert_eq!(
        report.alerts,
        r2.alerts
            .iter()
            .cloned()
            .map(|mut a| {
                // Positions differ between the two inputs; everything else is equal.
                let orig = report
                    .alerts
                    .iter()
                    .find(|x| x.record_id == a.record_id && x.reason == a.reason)
                    .unwrap();
                a.index = orig.index;
                a.line = orig.line;
                a
            })
            .collect::<Vec<_>>()
    );
}

const CSV_PLAN_MAPPING: &str = r#"{
  "id": "Respondent",
  "at": {"column": "Date"},
  "dimensions": {"segment": "Segment", "region": "Region"},
  "nps": "Recommend",
  "csat": "Satisfied",
  "overall": {"column": "Outcome", "equals": "happy"},
  "attributes": {"wait-time": "Wait", "claim-speed": "Claim speed"},
  "missing": ["NA"]
}"#;

#[test]
fn csv_with_corrupted_rows() {
    let header = "Respondent,Date,Segment,Region,Recommend,Satisfied,Outcome,Wait,Claim speed\r\n";
    let good = [
        "r1,2026-01-05,families,north,9,5,happy,4,5",
        "r2,2026-01-06T10:00:00Z,seniors,,6,3,sad,2,0",
        "r3,2026-02-01,families,south,NA,4,happy,,3",
        "\"r4\",2026-02-02,\"small-business\",north,10,5,happy,5,4.0",
    ];
    let bad: [(&str, &str, Option<&str>); 7] = [
        (
            "b1,2026-01-05,families,north,11,5,happy,4,5",
            "out-of-range",
            Some("Recommend"),
        ),
        (
            "b2,2026-01-05,families,north,nine,5,happy,4,5",
            "invalid-value",
            Some("Recommend"),
        ),
        (
            "b3,05/01/2026,families,north,9,5,happy,4,5",
            "invalid-value",
            Some("Date"),
        ),
        (
            "b4,2026-01-05,families,north,9,5,happy,4",
            "parse-error",
            None,
        ),
        (
            "b5,2026-01-05,families,north,9,5,happy,9,5",
            "out-of-range",
            Some("Wait"),
        ),
        (
            "b6,2026-01-05,families,north,9,5,happy,3.5,5",
            "invalid-value",
            Some("Wait"),
        ),
        (
            "b7,2026-01-05,fam\u{FFFD}ilies,north,9,7,happy,3,5",
            "out-of-range",
            Some("Satisfied"),
        ),
    ];
    let mut text = b"\xEF\xBB\xBF".to_vec();
    text.extend_from_slice(header.as_bytes());
    let mut expected = Vec::new();
    let mut line = 1;
    for i in 0..good.len().max(bad.len()) {
        if let Some(g) = good.get(i) {
            text.extend_from_slice(g.as_bytes());
            text.extend_from_slice(b"\r\n");
            line += 1;
        }
        if let Some((b, code, field)) = bad.get(i) {
            text.extend_from_slice(b.as_bytes());
            text.extend_from_slice(b"\r\n");
            line += 1;
            expected.push((line, *code, *field));
        }
    }
    // Invalid UTF-8 in a field.
    text.extend_from_slice(b"b8,2026-01-05,fam\xFF,north,9,5,happy,4,5\r\n");
    line += 1;
    expected.push((line, "invalid-utf8", Some("Segment")));

    let mapping = CsvMapping::from_json(CSV_PLAN_MAPPING).unwrap();
    let mut e = engine();
    let report = e.ingest_csv(&text, &mapping).unwrap();
    assert_eq!(report.accepted as usize, good.len(), "{report:#?}");
    assert_eq!(report.rejected as usize, expected.len(), "{report:#?}");
    for (err, (line, code, field)) in report.errors.iter().zip(&expected) {
        assert_eq!(
            (err.line, err.code.as_str(), err.field.as_deref()),
            (Some(*line), *code, *field),
            "{err:#?}"
        );
        if field.is_some() {
            assert!(err.column.is_some());
        }
    }

    let mut clean = engine();
    let mut good_text = header.to_string();
    for g in good {
        good_text.push_str(g);
        good_text.push('\n');
    }
    assert_eq!(
        clean
            .ingest_csv(good_text.as_bytes(), &mapping)
            .unwrap()
            .rejected,
        0
    );
    let q = all_metrics();
    assert_eq!(e.query(&q).unwrap(), clean.query(&q).unwrap());
    let card = clean.query(&Query::default()).unwrap();
    // r1..r4: NPS ratings 9, 6, (NA), 10 → 2 promoters, 1 detractor of 3.
    let nps = &card.rows[0].scores["nps"];
    assert_eq!(nps.n, 3);
    assert!((nps.value.unwrap() - 100.0 / 3.0).abs() < 1e-9);
}

#[test]
fn mapping_errors_are_whole_call_errors() {
    let mut e = engine();
    let m = CsvMapping::from_json(r#"{"fixedAt": "2026-01-01", "nps": "NPS"}"#).unwrap();
    let err = e.ingest_csv(b"Score\n9\n", &m).unwrap_err();
    assert_eq!(err.code(), "missing-column");
    assert_eq!(err.pointer(), "/nps");
    let m = CsvMapping::from_json(r#"{"nps": "NPS"}"#).unwrap();
    assert_eq!(
        e.ingest_csv(b"NPS\n9\n", &m).unwrap_err().code(),
        "mapping-time"
    );
    let m =
        CsvMapping::from_json(r#"{"fixedAt": "2026-01-01", "attributes": {"wifi": "W"}}"#).unwrap();
    assert_eq!(
        e.ingest_csv(b"W\n3\n", &m).unwrap_err().code(),
        "unknown-id"
    );
    let err = CsvMapping::from_json(r#"{"fixedAt": "2026-01-01", "npss": "NPS"}"#).unwrap_err();
    assert_eq!(err.code(), "parse-error");
}

#[test]
fn limits_reject_hostile_records_with_clear_errors() {
    let config = EngineConfig {
        limits: Limits {
            max_line_bytes: 200,
            max_distinct_values: 3,
            max_errors_listed: 2,
            ..Limits::default()
        },
        ..EngineConfig::default()
    };
    let mut e = Engine::with_config(Plan::from_json(PLAN).unwrap(), config).unwrap();
    let mut text = String::new();
    for i in 0..5 {
        text.push_str(&format!(
            "{{\"at\":\"2026-01-01\",\"team\":\"t{i}\",\"nps\":9}}\n"
        ));
    }
    text.push_str(&format!(
        "{{\"at\":\"2026-01-01\",\"comment\":\"{}\"}}\n",
        "x".repeat(300)
    ));
    let r = e.ingest_json_lines(text.as_bytes()).unwrap();
    assert_eq!((r.accepted, r.rejected, r.total), (3, 3, 6));
    assert_eq!(r.errors.len(), 2);
    assert_eq!(r.errors_not_listed, 1);
    assert_eq!(r.errors[0].code, "too-many-values");
    assert_eq!(r.errors[0].pointer, "/team");
    // Huge numbers, NaN-like tokens and deep nesting are parse errors, not panics.
    let mut e = engine();
    let nested = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let hostile = format!("{{\"at\":\"2026-01-01\",\"nps\":1e400}}\n{{\"at\":\"2026-01-01\",\"nps\":NaN}}\n{{\"at\":\"2026-01-01\",\"nps\":99999999999999999999999}}\n{nested}\n{{\"at\":\"2026-01-01\",\"nps\":1,\"nps\":2}}\n");
    let r = e.ingest_json_lines(hostile.as_bytes()).unwrap();
    assert_eq!((r.accepted, r.rejected), (0, 5), "{r:#?}");
}

#[test]
fn typed_records_and_alerts() {
    let mut e = engine();
    let at: Timestamp = "2026-03-01T10:00:00Z".parse().unwrap();
    let r = Response {
        id: Some("call-1".into()),
        at,
        team: Some("north".into()),
        nps: Some(2),
        csat: Some(1),
        ces: Some(7),
        ..Response::default()
    };
    let report = e.ingest(Record::Response(r.clone())).unwrap();
    assert_eq!(report.accepted, 1);
    let reasons: Vec<_> = report.alerts.iter().map(|a| a.reason).collect();
    use cx_core::engine::AlertReason::*;
    assert_eq!(reasons, vec![Detractor, CsatBottomTwo]);
    assert_eq!(report.alerts[0].due.to_string(), "2026-03-03T10:00:00Z");
    assert_eq!(report.alerts[0].dimensions["team"], "north");
    assert_eq!(e.alerts().len(), 2);
    // A rejected record changes nothing.
    let before = e.query(&Query::default()).unwrap();
    let bad = Response { nps: Some(42), ..r };
    let report = e.ingest_responses(&[bad]).unwrap();
    assert_eq!((report.accepted, report.rejected), (0, 1));
    assert_eq!(e.query(&Query::default()).unwrap(), before);
}

#[test]
fn alerts_past_the_listing_limit_are_counted_not_built() {
    let config = EngineConfig {
        limits: Limits {
            max_alerts_listed: 2,
            ..Limits::default()
        },
        ..EngineConfig::default()
    };
    let plan = Plan::from_json(PLAN).unwrap();
    // Five detractors (one also CSAT 1: two alerts), one promoter.
    let lines = [
        r#"{"id": "a", "at": "2026-03-01", "nps": 1}"#,
        r#"{"id": "b", "at": "2026-03-01", "nps": 9}"#,
        r#"{"id": "c", "at": "2026-03-01", "nps": 2, "csat": 1}"#,
        r#"{"id": "d", "at": "2026-03-02", "nps": 3}"#,
        r#"{"id": "e", "at": "2026-03-02", "nps": 4}"#,
        r#"{"id": "f", "at": "2026-03-02", "nps": 5}"#,
    ]
    .join("\n");
    let records: Vec<Response> = lines
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut text = Engine::with_config(plan.clone(), config.clone()).unwrap();
    let mut typed = Engine::with_config(plan, config).unwrap();
    for report in [
        text.ingest_json_lines(lines.as_bytes()).unwrap(),
        typed.ingest_responses(&records).unwrap(),
    ] {
        assert_eq!((report.accepted, report.rejected), (6, 0));
        // The first two are listed; the other four are counted.
        let ids: Vec<_> = report
            .alerts
            .iter()
            .map(|a| a.record_id.as_deref().unwrap())
            .collect();
        assert_eq!(ids, ["a", "c"]);
        assert_eq!(report.alerts_not_listed, 4);
    }
    // The engine keeps every alert raised, listed or not (up to
    // maxAlertsKept), newest last; the statistics have all rows.
    let kept = |e: &Engine| -> Vec<_> {
        e.alerts()
            .into_iter()
            .map(|a| (a.record_id.unwrap(), a.reason, a.index))
            .collect()
    };
    assert_eq!(kept(&text), kept(&typed));
    use cx_core::engine::AlertReason::{CsatBottomTwo, Detractor};
    assert_eq!(
        kept(&text),
        [
            ("a".into(), Detractor, 0),
            ("c".into(), Detractor, 2),
            ("c".into(), CsatBottomTwo, 2),
            ("d".into(), Detractor, 3),
            ("e".into(), Detractor, 4),
            ("f".into(), Detractor, 5),
        ]
    );
    let card = typed.query(&Query::default()).unwrap();
    assert_eq!(card.rows[0].scores["nps"].n, 6);
}

#[test]
fn json_documents() {
    let mut e = engine();
    let r = e
        .ingest_json(r#"[{"at":"2026-01-01","nps":9},{"at":"2026-01-01","nps":12},{"kind":"employee","at":"2026-01-01","enps":3}]"#)
        .unwrap();
    assert_eq!((r.accepted, r.rejected), (2, 1));
    assert_eq!(r.errors[0].pointer, "/1/nps");
    let Err(IngestError::Parse(err)) = e.ingest_json("[{\"at\": ") else {
        panic!("not JSON");
    };
    assert_eq!(err.line, 1);
    assert_eq!(
        e.ingest_json(r#"{"at":"2026-01-01","nps":9}"#)
            .unwrap()
            .accepted,
        1
    );
}
