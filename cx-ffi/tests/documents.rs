//! The C ABI reads its JSON documents (EngineConfig, Snapshot,
//! ReportOptions, CompareRequest) as cx-wasm does, through
//! `cx_core::json`: for each bad document of
//! `cx-wasm/tests/fixtures/bad-documents.json` the last error has the same
//! JSON Pointer and the same message (in the user's terms) that
//! `cx-wasm/tests/js/documents.test.mjs` checks on the JS `Error`.

use std::ffi::{c_char, CStr};
use std::path::PathBuf;

use cx_ffi::*;

const PLAN: &str = r#"{"schemaVersion": 1, "organization": {"name": "Acme"}}"#;

/// One bad document and the error every surface gives for it.
struct Case {
    document: String,
    text: String,
    pointer: String,
    line: u64,
    column: u64,
    message: String,
}

fn cases() -> Vec<Case> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../cx-wasm/tests/fixtures/bad-documents.json");
    let text = std::fs::read_to_string(&path).expect("the shared fixture");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("fixture JSON");
    let field = |c: &serde_json::Value, k: &str| c[k].as_str().expect(k).to_string();
    doc["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| Case {
            document: field(c, "document"),
            text: field(c, "text"),
            pointer: field(c, "pointer"),
            line: c["line"].as_u64().expect("line"),
            column: c["column"].as_u64().expect("column"),
            message: field(c, "message"),
        })
        .collect()
}

fn last(f: extern "C" fn() -> *const c_char) -> String {
    // SAFETY: the last-error functions return a NUL-terminated string that
    // lives until the next call on this thread.
    unsafe { CStr::from_ptr(f()) }
        .to_string_lossy()
        .into_owned()
}

/// Sends `case.text` to the C function that reads that document; returns
/// its status.
///
/// # Safety
/// `plan` and `engine` are live handles.
unsafe fn send(case: &Case, plan: *const cx_plan, engine: *const cx_engine) -> cx_status {
    let (ptr, len) = (case.text.as_ptr().cast::<c_char>(), case.text.len());
    let mut buf = cx_buffer {
        ptr: std::ptr::null_mut(),
        len: 0,
    };
    let mut made = std::ptr::null_mut();
    // SAFETY: per this function's contract; the out-params are locals.
    let status = unsafe {
        match case.document.as_str() {
            "engineConfig" => cx_engine_new_with_config(plan, ptr, len, &mut made),
            "snapshot" => cx_engine_restore(ptr, len, &mut made),
            "reportOptions" => cx_engine_report(engine, ptr, len, 0, &mut buf),
            "compareRequest" => cx_engine_compare(engine, ptr, len, &mut buf),
            other => panic!("no C call reads a `{other}`"),
        }
    };
    assert!(
        made.is_null() && buf.ptr.is_null(),
        "out-param written on failure"
    );
    status
}

#[test]
fn c_errors_on_bad_documents_equal_the_js_ones() {
    let mut plan = std::ptr::null_mut();
    let mut engine = std::ptr::null_mut();
    // SAFETY: valid text and out-params.
    unsafe {
        assert_eq!(
            cx_plan_new(PLAN.as_ptr().cast(), PLAN.len(), &mut plan),
            cx_status::Ok
        );
        assert_eq!(cx_engine_new(plan, &mut engine), cx_status::Ok);
    }
    let cases = cases();
    for document in [
        "engineConfig",
        "snapshot",
        "reportOptions",
        "compareRequest",
    ] {
        assert!(
            cases.iter().any(|c| c.document == document),
            "no case for {document}"
        );
    }
    for case in &cases {
        // SAFETY: live handles.
        let status = unsafe { send(case, plan, engine) };
        let what = format!("{} {:?}", case.document, case.text);
        assert_eq!(status, cx_status::ParseError, "{what}");
        assert_eq!(last(cx_last_error_code), "parse-error", "{what}");
        assert_eq!(last(cx_last_error_path), case.pointer, "{what}");
        let message = last(cx_last_error_message);
        let tail = format!(
            " at line {}, column {} ({}): {}",
            case.line, case.column, case.pointer, case.message
        );
        assert!(
            message.starts_with("invalid ") && message.ends_with(&tail),
            "{what}: {message:?} does not end with {tail:?}"
        );
    }
    // SAFETY: live handles, freed once.
    unsafe {
        cx_engine_free(engine);
        cx_plan_free(plan);
    }
}

/// The request `cx_engine_compare` reads is cx-core's `CompareRequest`, with
/// a committed schema (`schema/compareRequest.schema.json`, checked for
/// drift by cx-core's `schema_drift`) whose level defaults to the core's.
#[test]
fn the_comparison_request_has_a_schema_with_the_core_default_level() {
    let schema = cx_core::schema::get("compareRequest").expect("a compareRequest schema");
    let schema = serde_json::to_value(schema).expect("schema JSON");
    assert_eq!(schema["title"], "CompareRequest");
    assert_eq!(
        schema["properties"]["level"]["default"].as_f64(),
        Some(cx_core::score::DEFAULT_LEVEL)
    );
    assert_eq!(schema["required"], serde_json::json!(["a", "b"]));
    let text = r#"{"a": {}, "b": {}}"#;
    let r: cx_core::engine::CompareRequest =
        cx_core::json::from_json_positioned(text).expect("a request");
    assert_eq!(r.level, cx_core::score::DEFAULT_LEVEL);
}
