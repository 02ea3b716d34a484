//! Issue #16, item 11: a UTF-8 byte-order mark is accepted at the start of
//! every JSON document — plan, mapping, query, playbook, records, a
//! snapshot document — as it is at the start of JSON Lines and CSV.

use cx_core::engine::{CsvMapping, Engine, Query};
use cx_core::plan::Plan;
use cx_core::playbook::Playbook;

const BOM: &str = "\u{FEFF}";
const PLAN: &str = r#"{"schemaVersion": 1, "organization": {"name": "Acme"}}"#;

fn bom(text: &str) -> String {
    format!("{BOM}{text}")
}

fn engine() -> Engine {
    Engine::new(Plan::from_json(PLAN).unwrap()).unwrap()
}

#[test]
fn every_json_document_may_start_with_a_bom() {
    let plan = Plan::from_json(&bom(PLAN)).unwrap();
    assert_eq!(plan, Plan::from_json(PLAN).unwrap());
    let mapping = r#"{"fixedAt": "2026-01-05", "nps": "NPS"}"#;
    assert_eq!(
        CsvMapping::from_json(&bom(mapping)).unwrap(),
        CsvMapping::from_json(mapping).unwrap()
    );
    let query = r#"{"metrics": ["nps"]}"#;
    assert_eq!(
        Query::from_json(&bom(query)).unwrap(),
        Query::from_json(query).unwrap()
    );
    let playbook = r#"{"triggers": []}"#;
    assert_eq!(
        Playbook::from_json(&bom(playbook)).is_ok(),
        Playbook::from_json(playbook).is_ok()
    );
    assert!(Playbook::from_json(&bom(playbook)).is_ok());
    let records = r#"[{"at": "2026-01-05", "nps": 9}, {"at": "2026-01-05", "nps": 3}]"#;
    let mut e = engine();
    let r = e.ingest_json(&bom(records)).unwrap();
    assert_eq!((r.accepted, r.rejected), (2, 0));
    let record = r#"{"at": "2026-01-05", "nps": 9}"#;
    assert_eq!(e.ingest_json(&bom(record)).unwrap().accepted, 1);
    // A snapshot document (the JSON form), read by `read_snapshot`.
    let doc = serde_json::to_string(&e.snapshot()).unwrap();
    let restored = Engine::read_snapshot(bom(&doc).as_bytes()).unwrap();
    assert_eq!(restored.snapshot(), e.snapshot());
}

#[test]
fn an_error_after_a_bom_is_placed_in_the_document() {
    let e = Plan::from_json(&bom("{\"schemaVersion\": \"one\"}")).unwrap_err();
    let cx_core::plan::PlanError::Parse(e) = e else {
        panic!("a parse error")
    };
    // Not "line 1, column 1" on the mark: the value that is wrong.
    assert_eq!((e.line, e.pointer.as_str()), (1, "/schemaVersion"));
    assert!(e.column > 1);
}
