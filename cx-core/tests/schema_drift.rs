//! The committed schemas under `schema/` equal the ones generated from the
//! code. `CX_UPDATE_SCHEMA=1 cargo test -p cx-core --test schema_drift`
//! rewrites them.

use std::path::PathBuf;

#[test]
fn committed_schemas_match_the_code() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../schema");
    let update = std::env::var_os("CX_UPDATE_SCHEMA").is_some_and(|v| v == "1");
    let mut drift = Vec::new();
    for (name, schema) in cx_core::schema::documents() {
        let path = dir.join(format!("{name}.schema.json"));
        let text = serde_json::to_string_pretty(&schema).unwrap() + "\n";
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &text).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            drift.push(path.display().to_string());
        }
    }
    assert!(
        drift.is_empty(),
        "schemas out of date: {drift:?}; run CX_UPDATE_SCHEMA=1 cargo test -p cx-core --test schema_drift"
    );
}
