//! JSON Schemas of every document type, generated from the Rust types with
//! schemars and committed under `schema/` (a test fails on drift;
//! `CX_UPDATE_SCHEMA=1` rewrites them).

use schemars::{schema_for, Schema};

/// The names of the documents that have a schema, in a stable order.
///
/// ```
/// assert!(cx_core::schema::names().contains(&"plan"));
/// ```
pub fn names() -> Vec<&'static str> {
    documents().into_iter().map(|(n, _)| n).collect()
}

/// The schema of one document by name (`plan`, …), or `None`.
///
/// ```
/// let s = cx_core::schema::get("plan").unwrap();
/// assert_eq!(s.get("title").and_then(|t| t.as_str()), Some("Plan"));
/// ```
pub fn get(name: &str) -> Option<Schema> {
    documents()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, s)| s)
}

/// Every document schema with its name; the file is `schema/<name>.schema.json`.
pub fn documents() -> Vec<(&'static str, Schema)> {
    use crate::engine;
    use crate::record;
    vec![
        ("plan", schema_for!(crate::plan::Plan)),
        ("diagnostic", schema_for!(crate::diagnostic::Diagnostic)),
        ("trace", schema_for!(crate::plan::Trace)),
        ("record", schema_for!(record::Record)),
        ("response", schema_for!(record::Response)),
        ("employee-response", schema_for!(record::EmployeeResponse)),
        ("audit", schema_for!(record::Audit)),
        ("kpi-observation", schema_for!(record::KpiObservation)),
        ("csv-mapping", schema_for!(engine::CsvMapping)),
        ("engine-config", schema_for!(engine::EngineConfig)),
        ("query", schema_for!(engine::Query)),
        ("selection", schema_for!(engine::Selection)),
        ("scorecard", schema_for!(engine::Scorecard)),
        ("comparison", schema_for!(engine::Comparison)),
        ("ingest-report", schema_for!(engine::IngestReport)),
        ("snapshot", schema_for!(engine::Snapshot)),
    ]
}
