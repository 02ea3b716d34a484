//! Tampered snapshots are refused (issue 16, item 3): a checksum over every
//! byte of the stream and over the document, so any one-byte change is an
//! `invalid-snapshot` error; semantic checks on restore (histogram totals
//! against response counts, span order and presence, granularity against
//! the cells' buckets, counts and sums within range), each naming its
//! pointer; older versions refused with what to do.

use cx_core::engine::{seal_stream, Engine, EngineError, Snapshot};
use cx_core::error::ErrorCode;
use cx_core::plan::Plan;
use serde_json::Value;

const TINY_PLAN: &str = r#"{"schemaVersion": 1, "organization": {"name": "A"}}"#;

/// A small engine with a sparse cell and a dense one (80 responses in one
/// day and segment), over days that are not the first of a month.
fn tiny() -> Engine {
    let mut e = Engine::new(Plan::from_json(TINY_PLAN).unwrap()).unwrap();
    let mut text = String::new();
    for i in 0..80 {
        text += &format!(
            "{{\"at\": \"2026-03-05T10:00:00Z\", \"segment\": \"a\", \"nps\": {}, \"csat\": {}}}\n",
            i % 11,
            1 + i % 5
        );
    }
    for (day, nps) in [(6, 9), (7, 3), (9, 10)] {
        text += &format!("{{\"at\": \"2026-03-{day:02}T08:00:00Z\", \"segment\": \"b\", \"nps\": {nps}, \"ces\": 5}}\n");
    }
    let report = e.ingest_json_lines(text.as_bytes()).unwrap();
    assert_eq!(report.accepted, 83);
    e
}

/// The sample plan and the sample data: every record kind.
fn sample() -> Engine {
    let plan = Plan::from_json(include_str!("../../examples/data/plan.json")).unwrap();
    let mut e = Engine::new(plan).unwrap();
    e.ingest_json_lines(include_bytes!("../../examples/data/responses.jsonl"))
        .unwrap();
    e
}

fn stream(e: &Engine) -> Vec<u8> {
    let mut b = Vec::new();
    e.write_snapshot(&mut b).unwrap();
    b
}

fn refused(result: Result<Engine, EngineError>, what: &str) -> (String, String) {
    match result {
        Ok(_) => panic!("{what}: accepted"),
        Err(e) => {
            assert_eq!(e.code(), ErrorCode::InvalidSnapshot, "{what}: {e}");
            let EngineError::Snapshot { pointer, message } = e else {
                unreachable!()
            };
            (pointer, message)
        }
    }
}

#[test]
fn every_one_byte_change_of_a_stream_is_refused() {
    let good = stream(&tiny());
    let card = |e: &Engine| serde_json::to_string(&e.query(&Default::default()).unwrap()).unwrap();
    assert_eq!(
        card(&Engine::read_snapshot(&good[..]).unwrap()),
        card(&tiny())
    );
    assert!(good.len() > 500, "{} bytes", good.len());
    // Every byte: magic, version, header length and text, cells, end mark
    // and the checksum itself; the smallest and the largest change of each.
    for at in 0..good.len() {
        for x in [0x01u8, 0xff] {
            let mut b = good.clone();
            b[at] ^= x;
            refused(
                Engine::read_snapshot(&b[..]),
                &format!("byte {at} ^ {x:#x}"),
            );
        }
    }
    // Cut anywhere, or one byte more.
    for len in 0..good.len() {
        refused(
            Engine::read_snapshot(&good[..len]),
            &format!("cut at {len}"),
        );
    }
    let mut longer = good.clone();
    longer.push(0);
    refused(Engine::read_snapshot(&longer[..]), "a byte more");
}

#[test]
fn a_sample_of_one_byte_changes_of_a_large_stream_is_refused() {
    let good = stream(&sample());
    // Every 211th byte and each of the last 64 (end mark and checksum).
    let at = (0..good.len())
        .step_by(211)
        .chain(good.len().saturating_sub(64)..good.len());
    for at in at {
        let mut b = good.clone();
        b[at] ^= 0x20;
        refused(Engine::read_snapshot(&b[..]), &format!("byte {at}"));
    }
}

#[test]
fn every_one_byte_change_of_a_document_is_refused() {
    let e = tiny();
    let text = serde_json::to_vec(&e.snapshot()).unwrap();
    Engine::read_snapshot(&text[..]).unwrap();
    for at in 0..text.len() {
        for x in [0x01u8, 0x10] {
            let mut b = text.clone();
            b[at] ^= x;
            refused(
                Engine::read_snapshot(&b[..]),
                &format!("byte {at} ^ {x:#x}"),
            );
        }
    }
}

/// The document of `e` edited by `edit`, then restored: refused, with the
/// pointer and message.
fn edited(e: &Engine, seal: bool, edit: impl FnOnce(&mut Value)) -> (String, String) {
    let mut v = serde_json::to_value(e.snapshot()).unwrap();
    edit(&mut v);
    let mut s: Snapshot = serde_json::from_value(v).unwrap();
    if seal {
        s.seal();
    }
    refused(Engine::restore(s), "edited document")
}

#[test]
fn a_consistent_edit_is_refused_by_the_checksum() {
    let e = tiny();
    // One more promoter and one more response: consistent, and refused.
    let (pointer, message) = edited(&e, false, |v| {
        let cell = &mut v["responses"][0][1];
        cell["responses"] = (cell["responses"].as_u64().unwrap() + 1).into();
        let c = &mut cell["nps"]["counts"][10];
        *c = (c.as_u64().unwrap() + 1).into();
    });
    assert_eq!(pointer, "/checksum");
    assert!(
        message.contains("changed after it was written"),
        "{message}"
    );
    // The checksum removed.
    let (pointer, message) = edited(&e, false, |v| {
        v.as_object_mut().unwrap().remove("checksum");
    });
    assert_eq!(pointer, "/checksum");
    assert!(message.contains("no checksum"), "{message}");
}

#[test]
fn semantic_checks_name_their_pointer() {
    let e = tiny();
    let day_cell = |v: &Value| {
        let cells = v["responses"].as_array().unwrap();
        cells
            .iter()
            .position(|c| c[1]["responses"].as_u64() == Some(80))
            .unwrap()
    };
    // An NPS histogram summing to more than the cell's responses.
    let (pointer, message) = edited(&e, true, |v| {
        let i = day_cell(v);
        v["responses"][i][1]["nps"]["counts"][9] = 1000.into();
    });
    let i = day_cell(&serde_json::to_value(e.snapshot()).unwrap());
    assert_eq!(pointer, format!("/responses/{i}/1/nps"));
    assert!(
        message.contains("more than the cell's 80 responses"),
        "{message}"
    );
    // A deleted span.
    let (pointer, message) = edited(&e, true, |v| {
        v.as_object_mut().unwrap().remove("span");
    });
    assert_eq!(pointer, "/span");
    assert!(message.contains("no span"), "{message}");
    // A reversed span.
    let (pointer, message) = edited(&e, true, |v| {
        let span = v["span"].as_array_mut().unwrap();
        span.swap(0, 1);
    });
    assert_eq!(pointer, "/span");
    assert!(message.contains("after its end"), "{message}");
    // The latest response outside the span.
    let (pointer, _) = edited(&e, true, |v| {
        v["lastResponse"] = (v["span"][1].as_i64().unwrap() + 1).into();
    });
    assert_eq!(pointer, "/lastResponse");
    // A day cube turned into a month cube: its cells are days.
    let (pointer, message) = edited(&e, true, |v| {
        v["config"]["cube"]["granularity"] = "month".into();
    });
    assert_eq!(pointer, "/responses/0/0/bucket");
    assert!(message.contains("first day of a month"), "{message}");
    // A cell outside the span.
    let (pointer, message) = edited(&e, true, |v| {
        v["responses"][0][0]["bucket"] = 0.into();
    });
    assert_eq!(pointer, "/responses/0/0/bucket");
    assert!(message.contains("outside the span"), "{message}");
    // A count past 2^53.
    let (pointer, _) = edited(&e, true, |v| {
        v["responses"][0][1]["responses"] = (1u64 << 60).into();
    });
    assert_eq!(pointer, "/responses/0/1/responses");
    // Cells each within 2^53 whose total is not.
    let (pointer, message) = edited(&e, true, |v| {
        for c in v["responses"].as_array_mut().unwrap() {
            c[1]["responses"] = ((1u64 << 53) - 1).into();
        }
    });
    assert_eq!(pointer, "/responses/1/1/responses");
    assert!(message.contains("2^53"), "{message}");
}

#[test]
fn sums_out_of_range_and_employee_and_audit_counts_are_refused() {
    let e = sample();
    let v = serde_json::to_value(e.snapshot()).unwrap();
    // A response cell with co-moments (the sample plan has attributes).
    let i = v["responses"]
        .as_array()
        .unwrap()
        .iter()
        .position(|c| c[1]["driversNps"]["n"].as_u64() > Some(0))
        .unwrap();
    let (pointer, _) = edited(&e, true, |v| {
        v["responses"][i][1]["driversNps"]["sums"][0] = (-1).into();
    });
    assert_eq!(pointer, format!("/responses/{i}/1/driversNps/sums/0"));
    let (pointer, _) = edited(&e, true, |v| {
        v["responses"][i][1]["driversNps"]["n"] = 1_000_000.into();
    });
    assert_eq!(pointer, format!("/responses/{i}/1/driversNps/n"));
    // An employee cell whose eNPS histogram outnumbers its responses.
    let (pointer, _) = edited(&e, true, |v| {
        v["employees"][0][1]["enps"]["counts"][0] = 1_000_000.into();
    });
    assert_eq!(pointer, "/employees/0/1/enps");
    // An audit cell with more critical failures than audits.
    let (pointer, _) = edited(&e, true, |v| {
        v["audits"][0][1]["criticalFailures"] = 1_000_000.into();
    });
    assert_eq!(pointer, "/audits/0/1/criticalFailures");
}

/// The stream of `e` with its JSON header edited by `edit`, resealed.
fn stream_with_header(e: &Engine, edit: impl FnOnce(&mut Value)) -> Vec<u8> {
    let b = stream(e);
    let len = u64::from_le_bytes(b[8..16].try_into().unwrap()) as usize;
    let mut header: Value = serde_json::from_slice(&b[16..16 + len]).unwrap();
    edit(&mut header);
    let text = serde_json::to_vec(&header).unwrap();
    let mut out = b[..8].to_vec();
    out.extend_from_slice(&(text.len() as u64).to_le_bytes());
    out.extend_from_slice(&text);
    out.extend_from_slice(&b[16 + len..]);
    seal_stream(&mut out);
    out
}

#[test]
fn a_stream_resealed_after_an_edit_meets_the_semantic_checks() {
    let e = tiny();
    // The header alone, resealed: still reads (the edit tool works).
    Engine::read_snapshot(&stream_with_header(&e, |_| {})[..]).unwrap();
    let (pointer, message) = refused(
        Engine::read_snapshot(
            &stream_with_header(&e, |h| h["config"]["cube"]["granularity"] = "month".into())[..],
        ),
        "month",
    );
    assert_eq!(pointer, "/responses/0/bucket", "{message}");
    let (pointer, _) = refused(
        Engine::read_snapshot(
            &stream_with_header(&e, |h| {
                h.as_object_mut().unwrap().remove("span");
            })[..],
        ),
        "no span",
    );
    assert_eq!(pointer, "/span");
    let (pointer, _) = refused(
        Engine::read_snapshot(
            &stream_with_header(&e, |h| h["span"].as_array_mut().unwrap().swap(0, 1))[..],
        ),
        "reversed span",
    );
    assert_eq!(pointer, "/span");
    // A checksum in the header: the stream's own covers it.
    let (pointer, _) = refused(
        Engine::read_snapshot(&stream_with_header(&e, |h| h["checksum"] = "crc32:0".into())[..]),
        "header checksum",
    );
    assert_eq!(pointer, "/checksum");
}

#[test]
fn older_versions_are_refused_with_what_to_do() {
    let e = tiny();
    // A stream whose version byte was edited down (and resealed).
    for v in [1u8, 2, 3] {
        let mut b = stream(&e);
        b[7] = v;
        seal_stream(&mut b);
        let (pointer, message) = refused(Engine::read_snapshot(&b[..]), "old stream");
        assert_eq!(pointer, "/version");
        if v < 3 {
            assert!(message.contains("written by an older cx"), "{message}");
        }
    }
    // A newer one.
    let mut b = stream(&e);
    b[7] = 9;
    seal_stream(&mut b);
    let (_, message) = refused(Engine::read_snapshot(&b[..]), "newer stream");
    assert!(message.contains("newer cx"), "{message}");
    // A version-1 document (no checksum).
    let (pointer, message) = edited(&e, false, |v| {
        v["version"] = 1.into();
        v.as_object_mut().unwrap().remove("checksum");
    });
    assert_eq!(pointer, "/version");
    assert!(message.contains("written by an older cx"), "{message}");
}
