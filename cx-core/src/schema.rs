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
    vec![
        ("plan", schema_for!(crate::plan::Plan)),
        ("playbook", schema_for!(crate::playbook::Playbook)),
        ("report", schema_for!(crate::report::Report)),
    ]
}
