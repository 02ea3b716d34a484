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

/// The schema of one document by name (`plan`, `record`, `query`,
/// `scorecard`, `ingestReport`, `snapshot`, …), or `None`.
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
    use crate::{diagnostic, engine, record, score};
    vec![
        ("plan", schema_for!(crate::plan::Plan)),
        ("record", schema_for!(record::Record)),
        ("response", schema_for!(record::Response)),
        ("employeeResponse", schema_for!(record::EmployeeResponse)),
        ("audit", schema_for!(record::Audit)),
        ("kpiObservation", schema_for!(record::KpiObservation)),
        ("diagnostic", schema_for!(diagnostic::Diagnostic)),
        ("trace", schema_for!(crate::plan::Trace)),
        ("engineConfig", schema_for!(engine::EngineConfig)),
        ("csvMapping", schema_for!(engine::CsvMapping)),
        ("query", schema_for!(engine::Query)),
        ("selection", schema_for!(engine::Selection)),
        ("scorecard", schema_for!(engine::Scorecard)),
        ("ingestReport", schema_for!(engine::IngestReport)),
        ("alert", schema_for!(engine::Alert)),
        ("engineStats", schema_for!(engine::EngineStats)),
        ("compareRequest", schema_for!(engine::CompareRequest)),
        ("comparison", schema_for!(engine::Comparison)),
        ("snapshot", schema_for!(engine::Snapshot)),
        ("score", schema_for!(score::Score)),
        ("npsCounts", schema_for!(score::NpsCounts)),
        ("npsOptions", schema_for!(score::NpsOptions)),
        ("npsDiff", schema_for!(score::DifferenceTest)),
        ("driversInput", schema_for!(score::DriversInput)),
        ("drivers", schema_for!(score::Drivers)),
        ("playbook", schema_for!(crate::playbook::Playbook)),
        ("report", schema_for!(crate::report::Report)),
        ("reportOptions", schema_for!(crate::report::ReportOptions)),
    ]
}
