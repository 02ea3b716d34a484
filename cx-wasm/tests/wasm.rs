//! Tests of the wasm exports, run in Node by `wasm-bindgen-test-runner`:
//!
//! ```text
//! CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
//!   cargo test -p cx-wasm --target wasm32-unknown-unknown
//! ```
//!
//! (`scripts/ci/wasm.sh` does this.) The JavaScript-side tests are in
//! `tests/js/` (Node) and `tests/browser/` (Chromium).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn version_is_the_crate_version() {
    assert_eq!(cx_wasm::version(), env!("CARGO_PKG_VERSION"));
}

use wasm_bindgen::{JsCast, JsValue};

const PLAN: &str = include_str!("../../examples/data/plan.json");

fn get(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &JsValue::from_str(key)).unwrap()
}

#[wasm_bindgen_test]
fn nps_stats_of_2_3_5_is_30() {
    let counts = js_sys::JSON::parse(r#"{"detractors":2,"passives":3,"promoters":5}"#).unwrap();
    let options = js_sys::JSON::parse(r#"{"method":"wald"}"#).unwrap();
    let s = cx_wasm::nps_stats(counts, Some(options.unchecked_into())).unwrap();
    assert_eq!(get(&s, "value").as_f64(), Some(30.0));
    assert_eq!(get(&s, "n").as_f64(), Some(10.0));
}

#[wasm_bindgen_test]
fn engine_ingests_json_lines_and_answers_a_query() {
    let engine = cx_wasm::JsEngine::new(JsValue::from_str(PLAN), None).unwrap();
    let report = engine
        .ingest_json_lines(JsValue::from_str(
            "{\"at\":\"2026-03-01\",\"nps\":9}\n{\"at\":\"2026-03-01\",\"nps\":3}\n{\"at\":\"2026-03-01\",\"nps\":11}\n",
        ))
        .unwrap();
    assert_eq!(get(&report, "accepted").as_f64(), Some(2.0));
    assert_eq!(get(&report, "rejected").as_f64(), Some(1.0));
    let card = engine.query(None).unwrap();
    let rows: js_sys::Array = get(&card, "rows").unchecked_into();
    let nps = get(&get(&rows.get(0), "scores"), "nps");
    assert_eq!(get(&nps, "value").as_f64(), Some(0.0));
}

#[wasm_bindgen_test]
fn errors_are_error_objects_with_code_and_path() {
    let err = cx_wasm::JsEngine::new(
        JsValue::from_str("{\"schemaVersion\": 1, \"organization\": {\"name\": 7}}"),
        None,
    )
    .err()
    .unwrap();
    assert!(err.is_instance_of::<js_sys::Error>());
    assert_eq!(
        get(&err, "code").as_string().as_deref(),
        Some("parse-error")
    );
    assert_eq!(
        get(&err, "path").as_string().as_deref(),
        Some("/organization/name")
    );
    let err = cx_wasm::proportion(5.0, 3.0, None).err().unwrap();
    assert_eq!(
        get(&err, "code").as_string().as_deref(),
        Some("successes-exceed-n")
    );
}
