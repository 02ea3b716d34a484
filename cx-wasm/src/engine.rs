//! The `Engine` class: creation, ingest (records, JSON Lines, CSV, a
//! feed), queries, comparisons, reports, alerts, snapshots, restore and
//! merge.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use cx_core::engine::{
    CsvMapping, Engine, EngineConfig, IngestError, IngestReport, Query, Selection, Snapshot,
};
use cx_core::error::ErrorCode;
use cx_core::score::NpsOptions;
use wasm_bindgen::prelude::*;

use crate::convert::{
    from_js, json_with_bigints, optional, parse_doc, plan_from, records_json, text_bytes, to_js,
    write_json,
};
use crate::errors::{
    diagnostic_error, engine_error, error, freed_engine, invalid_argument, limit_error,
    memory_error, overflow_error, parse_error,
};
use crate::json_lines_feed::JsJsonLinesFeed;
use crate::{EngineConfigArg, NpsOptionsArg, QueryArg, ReportOptionsArg};

/// The customer-experience engine: ingests records into mergeable
/// statistics, answers queries with scorecards, raises alerts.
#[wasm_bindgen(js_name = Engine)]
pub struct JsEngine {
    /// `None` once `free()` was called. Shared (`Rc`) only so that `merge`
    /// can reach another engine given as a plain JS value (see `share`).
    inner: Rc<RefCell<Option<Engine>>>,
}

thread_local! {
    /// The engine an `Engine` hands to `merge` through `__cxShare`.
    static SHARED: Cell<Option<Rc<RefCell<Option<Engine>>>>> = const { Cell::new(None) };
}

#[wasm_bindgen(js_class = Engine)]
impl JsEngine {
    /// An engine for a valid plan (an object, or JSON text) with optional
    /// settings (cube and limits). Throws `parse-error` when the plan cannot
    /// be read and `invalid-plan` (with `diagnostics`) when it has errors.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "Plan | string")] plan: JsValue,
        config: Option<EngineConfigArg>,
    ) -> Result<JsEngine, JsValue> {
        let plan = plan_from(&plan).map_err(|d| diagnostic_error(&d))?;
        let config: EngineConfig = optional(config, "config")?;
        let engine = Engine::with_config(plan, config).map_err(engine_error)?;
        Ok(JsEngine::wrap(engine))
    }

    /// Ingests one record object or an array of them. Bad records are
    /// reported (with their JSON Pointer, e.g. `/3/nps`) in the returned
    /// report, never thrown. Objects are read as `JSON.stringify` writes
    /// them: `undefined` properties are absent, a `Date` is its ISO string,
    /// and a non-finite number (`NaN`, `Infinity`) is `null`, a missing answer.
    #[wasm_bindgen(unchecked_return_type = "IngestReport")]
    pub fn ingest(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Record | Record[]")] records: JsValue,
    ) -> Result<JsValue, JsValue> {
        if records.is_undefined() || records.is_null() {
            return Err(invalid_argument(
                "records must be a record object or an array of them",
            ));
        }
        let text = records_json(&records, "records")?;
        let report = self.engine_mut()?.ingest_json(&text).map_err(|e| match e {
            IngestError::Parse(e) => parse_error(
                "records",
                Some(e.line),
                Some(e.column),
                &e.pointer,
                &e.message,
            ),
            IngestError::MemoryLimit(e) => memory_error(&e),
            IngestError::Overflow(e) => overflow_error(&e),
            e => error(e.code(), &e.to_string(), "").into(),
        })?;
        report_js(&report)
    }

    /// Ingests JSON Lines text (a string or UTF-8 bytes): one record per
    /// line; bad lines are reported with their line and column.
    #[wasm_bindgen(js_name = ingestJsonLines, unchecked_return_type = "IngestReport")]
    pub fn ingest_json_lines(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | ArrayBuffer")] text: JsValue,
    ) -> Result<JsValue, JsValue> {
        let bytes = text_bytes(&text, "text")?;
        let report = self
            .engine_mut()?
            .ingest_json_lines(&bytes)
            .map_err(|e| limit_error(&e))?;
        report_js(&report)
    }

    /// A feed for JSON Lines that arrives in pieces split anywhere (a
    /// `File`'s `stream()`, a `fetch` body, a WebSocket): `feed.push(chunk)`
    /// files the lines the chunk completes and returns their report (alerts
    /// due now); `feed.finish()` files the last line and returns the report
    /// of the whole input, equal to `ingestJsonLines` of the whole text.
    /// Memory holds one unfinished line at most.
    #[wasm_bindgen(js_name = jsonLinesFeed)]
    pub fn json_lines_feed(&self) -> Result<JsJsonLinesFeed, JsValue> {
        self.engine()?; // a freed engine throws here, not at the first push
        Ok(JsJsonLinesFeed {
            engine: Rc::clone(&self.inner),
            feed: Some(cx_core::engine::JsonLinesFeed::new()),
        })
    }

    /// Ingests CSV text (a string or UTF-8 bytes) with a column mapping (an
    /// object or JSON text). A mapping that does not fit the header or the
    /// plan throws; bad rows are reported.
    #[wasm_bindgen(js_name = ingestCsv, unchecked_return_type = "IngestReport")]
    pub fn ingest_csv(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | ArrayBuffer")] text: JsValue,
        #[wasm_bindgen(unchecked_param_type = "CsvMapping | string")] mapping: JsValue,
    ) -> Result<JsValue, JsValue> {
        let bytes = text_bytes(&text, "text")?;
        let mapping: CsvMapping = from_js(&mapping, "mapping", true)?;
        let report = self
            .engine_mut()?
            .ingest_csv(&bytes, &mapping)
            .map_err(|e| JsValue::from(error(e.code(), &e.to_string(), &e.pointer())))?;
        report_js(&report)
    }

    /// Answers a query (every field optional; no query: every metric the
    /// data has, overall, at 95%).
    #[wasm_bindgen(unchecked_return_type = "Scorecard")]
    pub fn query(&self, query: Option<QueryArg>) -> Result<JsValue, JsValue> {
        let query: Query = optional(query, "query")?;
        let card = self
            .engine()?
            .query(&query)
            .map_err(|e| JsValue::from(error(e.code(), &e.to_string(), &e.pointer())))?;
        to_js(&card)
    }

    /// The CX report (SPEC §3.5): plan summary, headline scores with
    /// intervals and trends, goals, vital processes, identity alignment,
    /// compliance, impact, benchmarks, recommended interventions, alerts.
    /// `options` (`ReportOptions`, e.g. `{analysis: {asOf: "2026-09-30"}}`)
    /// is optional; time-dependent results use `asOf`, never the clock.
    #[wasm_bindgen(unchecked_return_type = "Report")]
    pub fn report(&self, options: Option<ReportOptionsArg>) -> Result<JsValue, JsValue> {
        to_js(&self.build_report(options)?)
    }

    /// The CX report as Markdown.
    #[wasm_bindgen(js_name = reportMarkdown)]
    pub fn report_markdown(&self, options: Option<ReportOptionsArg>) -> Result<String, JsValue> {
        Ok(self.build_report(options)?.to_markdown())
    }

    /// The CX report as one self-contained HTML page (inline SVG charts, no
    /// script, no external assets).
    #[wasm_bindgen(js_name = reportHtml)]
    pub fn report_html(&self, options: Option<ReportOptionsArg>) -> Result<String, JsValue> {
        Ok(self.build_report(options)?.to_html())
    }

    /// Two-sample tests between selections `a` and `b` (Δ = a − b): NPS,
    /// eNPS, CSAT top-2-box, CES mean.
    #[wasm_bindgen(unchecked_return_type = "Comparison")]
    pub fn compare(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Selection")] a: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Selection")] b: JsValue,
        options: Option<NpsOptionsArg>,
    ) -> Result<JsValue, JsValue> {
        let a: Selection = optional(Some(a), "a")?;
        let b: Selection = optional(Some(b), "b")?;
        let options: NpsOptions = optional(options, "options")?;
        let c = self
            .engine()?
            .compare(&a, &b, options.level(), options.method())
            .map_err(|e| JsValue::from(error(e.code(), &e.to_string(), &e.pointer())))?;
        to_js(&c)
    }

    /// The alerts the engine keeps, oldest first: the newest
    /// `limits.maxAlertsKept` of every alert raised, by `at`, then record id
    /// (absent first), then reason — the same whatever the path (one call
    /// or a feed, merges in any order, a restored snapshot).
    #[wasm_bindgen(unchecked_return_type = "Alert[]")]
    pub fn alerts(&self) -> Result<JsValue, JsValue> {
        to_js(&self.engine()?.alerts())
    }

    /// The engine's statistics as a versioned document (never the rows).
    /// Exact: a sum that may exceed 2^53 (audit score squares) is a
    /// `BigInt`, so store the text of `snapshotJson()` rather than
    /// `JSON.stringify` of this object.
    #[wasm_bindgen(unchecked_return_type = "Snapshot")]
    pub fn snapshot(&self) -> Result<JsValue, JsValue> {
        to_js(&self.engine()?.snapshot())
    }

    /// The snapshot as exact JSON text, to store and give back to
    /// `Engine.restore`.
    #[wasm_bindgen(js_name = snapshotJson)]
    pub fn snapshot_json(&self) -> Result<String, JsValue> {
        Ok(write_json(&self.engine()?.snapshot(), true)?.0)
    }

    /// The engine's statistics as the compact snapshot stream (version 4,
    /// binary): what to store and give back to `Engine.restore`; a few bytes
    /// a response where `snapshotJson()` takes about 1.5 KB a cell.
    #[wasm_bindgen(js_name = snapshotStream)]
    pub fn snapshot_stream(&self) -> Result<js_sys::Uint8Array, JsValue> {
        let mut bytes = Vec::new();
        self.engine()?
            .write_snapshot(&mut bytes)
            .map_err(|e| JsValue::from(error(ErrorCode::Unrepresentable, &e.to_string(), "")))?;
        Ok(js_sys::Uint8Array::from(&bytes[..]))
    }

    /// Rebuilds an engine from a snapshot: the object of `snapshot()`
    /// (`BigInt`s included), the text of `snapshotJson()`, or the bytes of
    /// `snapshotStream()`.
    pub fn restore(
        #[wasm_bindgen(unchecked_param_type = "Snapshot | string | Uint8Array")] snapshot: JsValue,
    ) -> Result<JsEngine, JsValue> {
        if let Some(bytes) = snapshot.dyn_ref::<js_sys::Uint8Array>() {
            let engine = Engine::read_snapshot(&bytes.to_vec()[..]).map_err(engine_error)?;
            return Ok(JsEngine::wrap(engine));
        }
        let snapshot: Snapshot = if snapshot.is_string() {
            from_js(&snapshot, "snapshot", true)?
        } else {
            parse_doc(&json_with_bigints(&snapshot)?, "snapshot", false)?
        };
        let engine = Engine::restore(snapshot).map_err(engine_error)?;
        Ok(JsEngine::wrap(engine))
    }

    /// Merges `other` into this engine (same plan and settings): the result
    /// answers every query as one engine that ingested both inputs. Throws
    /// `invalid-argument` when `other` is not an `Engine` and `freed-engine`
    /// when either engine was freed.
    pub fn merge(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Engine")] other: JsValue,
    ) -> Result<(), JsValue> {
        let other = engine_of(&other)?;
        let result = if Rc::ptr_eq(&self.inner, &other) {
            let copy = self.engine()?.clone();
            self.engine_mut()?.merge(&copy)
        } else {
            let other = other.borrow();
            let other = other.as_ref().ok_or_else(freed_engine)?;
            self.engine_mut()?.merge(other)
        };
        result.map_err(engine_error)
    }

    /// Internal: lends this engine to `merge` (which finds it by calling this
    /// method on the JS object it was given).
    #[wasm_bindgen(js_name = __cxShare, skip_typescript)]
    pub fn share(&self) {
        SHARED.with(|s| s.set(Some(Rc::clone(&self.inner))));
    }

    /// Releases the engine's memory at once (rather than when the object is
    /// garbage-collected). Any later call on it throws `freed-engine`.
    #[wasm_bindgen(skip_typescript)]
    pub fn free(&self) {
        self.inner.borrow_mut().take();
    }

    /// Number of statistics cells held: what memory grows with.
    #[wasm_bindgen(js_name = cellCount)]
    pub fn cell_count(&self) -> Result<usize, JsValue> {
        Ok(self.engine()?.cell_count())
    }

    /// The engine's footprint: `{cells, bytes, rows}` (bytes: the heap the
    /// cell store owns inside the module's memory).
    #[wasm_bindgen(unchecked_return_type = "EngineStats")]
    pub fn stats(&self) -> Result<JsValue, JsValue> {
        to_js(&self.engine()?.stats())
    }
}

impl JsEngine {
    fn wrap(engine: Engine) -> JsEngine {
        JsEngine {
            inner: Rc::new(RefCell::new(Some(engine))),
        }
    }

    /// The engine, or `freed-engine` after `free()`.
    fn engine(&self) -> Result<std::cell::Ref<'_, Engine>, JsValue> {
        std::cell::Ref::filter_map(self.inner.borrow(), Option::as_ref).map_err(|_| freed_engine())
    }

    fn engine_mut(&self) -> Result<std::cell::RefMut<'_, Engine>, JsValue> {
        live_engine(&self.inner)
    }

    fn build_report(
        &self,
        options: Option<ReportOptionsArg>,
    ) -> Result<cx_core::report::Report, JsValue> {
        let options: cx_core::report::ReportOptions = optional(options, "report options")?;
        cx_core::report::Report::build(&*self.engine()?, &options)
            .map_err(|e| JsValue::from(error(e.code(), &e.to_string(), &e.pointer())))
    }
}
/// The engine in a shared cell, unless `free()` emptied it.
pub(crate) fn live_engine(
    cell: &RefCell<Option<Engine>>,
) -> Result<std::cell::RefMut<'_, Engine>, JsValue> {
    std::cell::RefMut::filter_map(cell.borrow_mut(), Option::as_mut).map_err(|_| freed_engine())
}

/// The engine behind a JS `Engine` object given as a plain value: asks the
/// object to lend it (`__cxShare`). A value that is not an `Engine` is an
/// `invalid-argument`; a freed one (whose method throws) a `freed-engine`.
pub(crate) fn engine_of(value: &JsValue) -> Result<Rc<RefCell<Option<Engine>>>, JsValue> {
    let not_engine = || invalid_argument("other must be an Engine");
    if !value.is_object() {
        return Err(not_engine());
    }
    let share = js_sys::Reflect::get(value, &JsValue::from_str("__cxShare"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .ok_or_else(not_engine)?;
    SHARED.with(|s| s.set(None));
    share.call0(value).map_err(|_| freed_engine())?;
    SHARED.with(|s| s.take()).ok_or_else(not_engine)
}

pub(crate) fn report_js(report: &IngestReport) -> Result<JsValue, JsValue> {
    to_js(report)
}
