//! One declaration of a customer response's fields (`ResponseField`): every
//! shape a response takes — the typed `Response`, the engine's row
//! (`ResponseRef`), the columns (`ResponseColumns`) and the CSV mapping —
//! holds exactly those fields, but for the ones each surface leaves out on
//! purpose, listed here with the reason. (The JSON Lines scanner reads
//! members by `ResponseField::from_name`; the C struct is checked in
//! `cx-ffi/tests/status_header.rs`.)

use std::collections::BTreeSet;

use cx_core::engine::{CsvMapping, ResponseColumns, ResponseRef};
use cx_core::record::{Response, ResponseField as F};

fn names(fields: &[F]) -> BTreeSet<String> {
    fields.iter().map(|f| f.name().to_string()).collect()
}

/// Every field but `except`.
fn all_but(except: &[F]) -> BTreeSet<String> {
    let all: Vec<F> = F::ALL
        .iter()
        .copied()
        .filter(|f| !except.contains(f))
        .collect();
    names(&all)
}

/// The top-level property names of a type's JSON schema.
fn schema_properties<T: schemars::JsonSchema>() -> BTreeSet<String> {
    let schema = serde_json::to_value(schemars::schema_for!(T)).unwrap();
    schema["properties"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}

/// The field names of a struct's derived `Debug` (depth 1), in camelCase.
fn debug_fields(debug: &str) -> BTreeSet<String> {
    let body = &debug[debug.find('{').unwrap() + 1..debug.rfind('}').unwrap()];
    let (mut depth, mut start, mut out) = (0, 0, BTreeSet::new());
    for (i, c) in body.char_indices() {
        match c {
            '{' | '(' | '[' => depth += 1,
            '}' | ')' | ']' => depth -= 1,
            ':' if depth == 0
                && body[start..i]
                    .trim()
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_') =>
            {
                out.insert(body[start..i].trim().to_string());
            }
            ',' if depth == 0 => start = i + 1,
            _ => {}
        }
    }
    out
}

#[test]
fn names_are_read_back() {
    for &f in F::ALL {
        assert_eq!(F::from_name(f.name().as_bytes()), Some(f));
    }
    for other in ["", "x", "nps ", "NPS", "comments", "dimension", "segmentt"] {
        assert_eq!(F::from_name(other.as_bytes()), None, "{other}");
    }
}

#[test]
fn the_typed_response_holds_every_field() {
    assert_eq!(schema_properties::<Response>(), all_but(&[]));
}

#[test]
fn the_engine_row_holds_what_the_engine_files() {
    // `kind` is read before a row is built.
    assert_eq!(
        debug_fields(&format!("{:?}", ResponseRef::default())),
        all_but(&[F::Kind])
    );
}

#[test]
fn columns_hold_what_a_columnar_caller_has() {
    // Columns carry no record ids nor expectations; standard dimensions
    // are columns of `dimensions`, like custom ones.
    let cols = ResponseColumns::default();
    let mut expected = all_but(&[F::Kind, F::Id, F::Expectations]);
    for f in F::STANDARD_DIMENSIONS {
        expected.remove(f.name());
    }
    assert_eq!(debug_fields(&format!("{cols:?}")), expected);
}

#[test]
fn a_csv_mapping_maps_every_field_a_row_can_hold() {
    // Standard dimensions are mapped under `dimensions`; `delimiter`,
    // `fixedAt` and `missing` say how to read the CSV.
    let mut expected = all_but(&[F::Kind]);
    for f in F::STANDARD_DIMENSIONS {
        expected.remove(f.name());
    }
    let mut props = schema_properties::<CsvMapping>();
    for how in ["delimiter", "fixedAt", "missing"] {
        assert!(props.remove(how), "{how}");
    }
    assert_eq!(props, expected);
}
