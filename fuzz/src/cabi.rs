//! The `cabi` fuzz target: arbitrary sequences of calls of the C ABI
//! (`cx-ffi`'s `cx_*` exports) over a small pool of handles — plans,
//! engines and buffers — built with `arbitrary` from the fuzz input.
//!
//! Self-contained (only `cx_ffi`, `serde_json` and `arbitrary`): the fuzz
//! library declares it as a module, and `cx-ffi/tests/fuzz_regressions.rs`
//! includes this file (`#[path]`) to replay the committed inputs through the
//! same checks.
//!
//! Invariants checked after every call:
//! - every status is a known code and never `CX_STATUS_PANIC`; a failure
//!   leaves a last-error code and message, and a path that is empty or a
//!   JSON Pointer;
//! - out-params (handles, buffers) are untouched on failure;
//! - every ingest report has accepted + rejected = total (and total = the
//!   number of rows for `cx_engine_ingest_responses`);
//! - `cx_engine_restore(cx_engine_snapshot(e))` answers a query exactly as
//!   `e`;
//! - after `cx_engine_merge(a, b)`, `a` answers like one engine that
//!   ingested the inputs of both (each engine keeps a log of the ingest
//!   calls that filed something; the log is replayed into a fresh engine);
//!   a refused merge changes nothing.
//!
//! At the end every handle and buffer is freed, so LeakSanitizer sees any
//! leak of the library.

use std::ffi::{c_char, CStr, CString};
use std::ptr::{null, null_mut, NonNull};

use arbitrary::{Arbitrary, Unstructured};
use cx_ffi::{
    cx_alert, cx_attribute, cx_buffer, cx_buffer_free, cx_dimension, cx_engine, cx_engine_alerts,
    cx_engine_free, cx_engine_ingest_csv, cx_engine_ingest_json, cx_engine_ingest_json_lines,
    cx_engine_ingest_responses, cx_engine_ingest_rows, cx_engine_merge, cx_engine_new,
    cx_engine_new_with_config, cx_engine_query, cx_engine_report, cx_engine_restore,
    cx_engine_snapshot, cx_ingest_result_alerts, cx_ingest_result_counts, cx_ingest_result_free,
    cx_ingest_result_json, cx_last_error_code, cx_last_error_message, cx_last_error_path, cx_plan,
    cx_plan_free, cx_plan_new, cx_plan_validate, cx_response, cx_response_init, cx_status,
    cx_status_str,
};
use serde_json::Value;

/// The sample plan.
const PLAN: &str = include_str!("../../examples/data/plan.json");
/// Records of every kind for the sample plan.
const SAMPLE_JSONL: &[u8] = include_bytes!("../seeds/records/sample.jsonl");
/// A CSV column mapping, a NUL, then CSV for it.
const MAPPING_AND_CSV: &[u8] = include_bytes!("../seeds/csv/mapping-and-csv.bin");
/// Strings the plan knows (ids, dimension values), so that rows are often
/// accepted.
const WORDS: &[&str] = &[
    "families",
    "seniors",
    "small-business",
    "claims",
    "billing",
    "north",
    "south",
    "e1",
    "phone",
    "wait-time",
    "claim-speed",
    "courtesy",
    "region",
    "",
];
/// Engine settings to pick from (the last one keeps another cube, so
/// merging it with a default engine is refused).
const CONFIGS: &[&str] = &[
    "{}",
    r#"{"limits": {"maxErrorsListed": 1, "maxDistinctValues": 3, "maxAlertsKept": 2}}"#,
    r#"{"cube": {"dimensions": ["segment", "team"], "granularity": "month"}}"#,
];
/// Queries to pick from; the first is the comparison query of the checks.
const QUERIES: &[&str] = &[
    r#"{"groupBy": ["segment", "period:month"]}"#,
    "{}",
    r#"{"metrics": ["nps", "csat"], "groupBy": ["team"], "level": 0.9}"#,
    r#"{"metrics": ["nps"], "groupBy": ["segment", "segment"]}"#,
    r#"{"metrics": ["nope"]}"#,
];

const POOL: usize = 4;
/// Longest ingest log kept per engine (replaying more costs too much time).
const MAX_LOG: usize = 16;

/// A string field of a row.
#[derive(Arbitrary, Debug, Clone)]
enum Str {
    Null,
    Word(u8),
    /// Any bytes (interior NULs dropped): often not UTF-8.
    Bytes(Vec<u8>),
}

/// A score field of a row: -1, a plausible rating, or any `i16`.
#[derive(Arbitrary, Debug, Clone)]
enum Rating {
    Missing,
    Small(u8),
    Any(i16),
}

#[derive(Arbitrary, Debug, Clone)]
enum At {
    /// A day of 2026.
    Day(u16),
    Any(i64),
}

#[derive(Arbitrary, Debug, Clone)]
struct Row {
    id: Str,
    at: At,
    segment: Str,
    touchpoint: Str,
    channel: Str,
    team: Str,
    employee: Str,
    nps: Rating,
    csat: Rating,
    ces: Rating,
    overall: Rating,
    attributes: Vec<(Str, i8)>,
    expectations: Vec<(Str, i8)>,
    dimensions: Vec<(Str, Str)>,
    /// 255: pass a NULL `attributes` with a non-zero length (the row is
    /// refused).
    null_attributes: u8,
}

/// A text argument.
#[derive(Arbitrary, Debug, Clone)]
enum Text {
    /// The sample for this call (plan, records, CSV and mapping, query…).
    Sample,
    /// One of a few fixed choices (configs, queries).
    Pick(u8),
    /// The sample with a few bytes changed.
    Edited(Vec<(u16, u8)>),
    Bytes(Vec<u8>),
    Null,
}

#[derive(Arbitrary, Debug, Clone)]
enum Op {
    PlanNew {
        slot: u8,
        json: Text,
    },
    PlanValidate {
        plan: u8,
        buffer: u8,
    },
    PlanFree {
        slot: u8,
    },
    EngineNew {
        plan: u8,
        slot: u8,
        config: Option<Text>,
    },
    EngineFree {
        slot: u8,
    },
    IngestRows {
        engine: u8,
        rows: Vec<Row>,
    },
    IngestJson {
        engine: u8,
        text: Text,
    },
    IngestJsonLines {
        engine: u8,
        text: Text,
    },
    IngestCsv {
        engine: u8,
        csv: Text,
        mapping: Text,
    },
    Query {
        engine: u8,
        query: Text,
        buffer: u8,
    },
    Alerts {
        engine: u8,
        buffer: u8,
    },
    Report {
        engine: u8,
        format: u8,
        options: Text,
        buffer: u8,
    },
    Snapshot {
        engine: u8,
        buffer: u8,
    },
    Restore {
        buffer: u8,
        slot: u8,
        edit: Vec<(u16, u8)>,
    },
    RestoreBytes {
        slot: u8,
        text: Text,
    },
    Merge {
        into: u8,
        from: u8,
    },
    BufferFree {
        buffer: u8,
    },
    /// Every export with NULL arguments.
    Nulls,
}

/// An ingest call that filed something, replayable into another engine.
#[derive(Debug, Clone)]
enum Ingest {
    Rows(Vec<Row>),
    Json(Vec<u8>),
    JsonLines(Vec<u8>),
    Csv(Vec<u8>, Vec<u8>),
}

/// An engine handle and what is known of its contents.
struct EngineSlot {
    handle: *mut cx_engine,
    /// Index into [`CONFIGS`], or `None` for fuzzed settings.
    config: Option<usize>,
    /// Every ingest call that filed something, in order, with the report's
    /// (total, accepted, rejected); `None` once unknown (too long, restored,
    /// fuzzed plan or settings).
    log: Option<Vec<(Ingest, Counts)>>,
}

/// An ingest report's (total, accepted, rejected).
type Counts = (u64, u64, u64);

struct State {
    plans: [*mut cx_plan; POOL],
    /// Whether each plan slot holds the sample plan.
    plan_sample: [bool; POOL],
    engines: [Option<EngineSlot>; POOL],
    buffers: [cx_buffer; POOL],
}

fn empty_buffer() -> cx_buffer {
    cx_buffer {
        ptr: null_mut(),
        len: 0,
    }
}

/// A buffer value no call writes: a failed call must leave it as it was.
fn sentinel_buffer() -> cx_buffer {
    cx_buffer {
        ptr: NonNull::<c_char>::dangling().as_ptr(),
        len: usize::MAX,
    }
}

fn is_sentinel(b: &cx_buffer) -> bool {
    b.ptr == NonNull::<c_char>::dangling().as_ptr() && b.len == usize::MAX
}

fn last(f: extern "C" fn() -> *const c_char) -> String {
    let p = f();
    assert!(!p.is_null(), "a last-error function returned NULL");
    // SAFETY: the library returns a NUL-terminated string it owns.
    unsafe { CStr::from_ptr(p) }
        .to_str()
        .expect("last error is UTF-8")
        .to_owned()
}

/// Checks a status: a known code, never a panic; a failure has a code, a
/// message and a path that is empty or a JSON Pointer. Returns `true` on
/// success.
#[track_caller]
fn status_ok(s: cx_status, call: &str) -> bool {
    let n = s as i32;
    assert!((0..=10).contains(&n), "{call}: unknown status {n}");
    // SAFETY: returns a static string.
    let described = unsafe { CStr::from_ptr(cx_status_str(n)) };
    assert_ne!(described.to_bytes(), b"unknown status", "{call}: {n}");
    if s == cx_status::Ok {
        return true;
    }
    let (code, message, pointer) = (
        last(cx_last_error_code),
        last(cx_last_error_message),
        last(cx_last_error_path),
    );
    assert_ne!(
        s,
        cx_status::Panic,
        "{call}: a panic was caught at the C boundary: {message}"
    );
    assert!(!code.is_empty(), "{call}: failure {n} without a code");
    assert!(!message.is_empty(), "{call}: failure {n} without a message");
    assert!(
        pointer.is_empty() || pointer.starts_with('/'),
        "{call}: pointer {pointer:?} is not a JSON Pointer"
    );
    false
}

/// The bytes of a buffer.
fn bytes_of(b: &cx_buffer) -> &[u8] {
    if b.ptr.is_null() {
        return &[];
    }
    // SAFETY: a buffer filled by the library: `len` bytes and a NUL.
    let all = unsafe { std::slice::from_raw_parts(b.ptr.cast::<u8>(), b.len + 1) };
    assert_eq!(all[b.len], 0, "a buffer is not NUL-terminated");
    &all[..b.len]
}

/// Takes a buffer's JSON and frees it.
fn take_json(mut b: cx_buffer) -> Value {
    let v = serde_json::from_slice(bytes_of(&b)).expect("a buffer holds JSON");
    // SAFETY: filled by the library.
    unsafe { cx_buffer_free(&mut b) };
    v
}

/// Calls `f` with a sentinel buffer; on success returns the filled buffer,
/// on failure checks that the buffer was not touched.
#[track_caller]
fn with_buffer(call: &str, f: impl FnOnce(*mut cx_buffer) -> cx_status) -> Option<cx_buffer> {
    let mut b = sentinel_buffer();
    if status_ok(f(&mut b), call) {
        assert!(
            !is_sentinel(&b),
            "{call}: success without writing the buffer"
        );
        Some(b)
    } else {
        assert!(is_sentinel(&b), "{call}: a failed call wrote its buffer");
        None
    }
}

/// As [`with_buffer`] for calls writing a handle.
#[track_caller]
fn with_handle<T>(call: &str, f: impl FnOnce(*mut *mut T) -> cx_status) -> Option<*mut T> {
    let sentinel = NonNull::<T>::dangling().as_ptr();
    let mut h = sentinel;
    if status_ok(f(&mut h), call) {
        assert!(!h.is_null() && h != sentinel, "{call}: no handle written");
        Some(h)
    } else {
        assert_eq!(h, sentinel, "{call}: a failed call wrote its handle");
        None
    }
}

/// The ingest report's counts; checks accepted + rejected = total.
#[track_caller]
fn check_report(report: &Value) -> (u64, u64, u64) {
    let n = |k: &str| {
        report[k]
            .as_u64()
            .unwrap_or_else(|| panic!("{k}: {report}"))
    };
    let (total, accepted, rejected) = (n("total"), n("accepted"), n("rejected"));
    assert_eq!(accepted + rejected, total, "{report}");
    let listed = report["errors"].as_array().expect("errors").len() as u64;
    assert_eq!(listed + n("errorsNotListed"), rejected, "{report}");
    (total, accepted, rejected)
}

// `approx_eq`: equal JSON up to float rounding (shared with lib.rs).
include!("approx.rs");

/// The text of an argument: `(bytes, null)`.
fn text(t: &Text, sample: &[u8], picks: &[&str]) -> (Vec<u8>, bool) {
    match t {
        Text::Sample => (sample.to_vec(), false),
        Text::Pick(i) => (
            picks
                .get(usize::from(*i) % picks.len().max(1))
                .map_or(sample, |s| s.as_bytes())
                .to_vec(),
            false,
        ),
        Text::Edited(edits) => {
            let mut v = sample.to_vec();
            apply_edits(&mut v, edits, 8);
            (v, false)
        }
        Text::Bytes(b) => (b.clone(), false),
        Text::Null => (Vec::new(), true),
    }
}

/// Sets up to `most` bytes of `v` (positions wrap around).
fn apply_edits(v: &mut [u8], edits: &[(u16, u8)], most: usize) {
    for &(at, byte) in edits.iter().take(most) {
        if !v.is_empty() {
            let i = usize::from(at) % v.len();
            v[i] = byte;
        }
    }
}

fn ptr_of(bytes: &[u8], is_null: bool) -> *const c_char {
    if is_null {
        null()
    } else {
        bytes.as_ptr().cast()
    }
}

fn mapping_and_csv() -> (&'static [u8], &'static [u8]) {
    let nul = MAPPING_AND_CSV.iter().position(|&b| b == 0).unwrap_or(0);
    (&MAPPING_AND_CSV[..nul], &MAPPING_AND_CSV[nul + 1..])
}

/// Owns the C strings and arrays the `cx_response` rows point to.
#[derive(Default)]
struct RowStore {
    strings: Vec<CString>,
    attributes: Vec<Vec<cx_attribute>>,
    dimensions: Vec<Vec<cx_dimension>>,
}

impl RowStore {
    fn string(&mut self, s: &Str) -> *const c_char {
        let bytes: Vec<u8> = match s {
            Str::Null => return null(),
            Str::Word(i) => WORDS[usize::from(*i) % WORDS.len()].as_bytes().to_vec(),
            Str::Bytes(b) => b.iter().copied().filter(|&c| c != 0).collect(),
        };
        let c = CString::new(bytes).expect("no interior NUL");
        // The heap buffer of a CString does not move with the Vec.
        let p = c.as_ptr();
        self.strings.push(c);
        p
    }

    fn ratings(&mut self, list: &[(Str, i8)]) -> (*const cx_attribute, usize) {
        if list.is_empty() {
            return (null(), 0);
        }
        let v: Vec<cx_attribute> = list
            .iter()
            .map(|(id, value)| cx_attribute {
                id: self.string(id),
                value: *value,
            })
            .collect();
        let out = (v.as_ptr(), v.len());
        self.attributes.push(v);
        out
    }

    fn row(&mut self, r: &Row) -> cx_response {
        let mut row = cx_response::empty();
        // SAFETY: a valid, writable row.
        unsafe { cx_response_init(&mut row) };
        let rating = |x: &Rating| match x {
            Rating::Missing => -1,
            Rating::Small(v) => i16::from(*v % 12),
            Rating::Any(v) => *v,
        };
        row.id = self.string(&r.id);
        row.at = match r.at {
            At::Day(d) => 1_767_225_600 + i64::from(d % 400) * 86_400 + 3_600,
            At::Any(t) => t,
        };
        row.segment = self.string(&r.segment);
        row.touchpoint = self.string(&r.touchpoint);
        row.channel = self.string(&r.channel);
        row.team = self.string(&r.team);
        row.employee = self.string(&r.employee);
        row.nps = rating(&r.nps);
        row.csat = rating(&r.csat);
        row.ces = rating(&r.ces);
        row.overall = rating(&r.overall);
        (row.attributes, row.attributes_len) = self.ratings(&r.attributes);
        if r.null_attributes == u8::MAX {
            (row.attributes, row.attributes_len) = (null(), 1);
        }
        (row.expectations, row.expectations_len) = self.ratings(&r.expectations);
        if !r.dimensions.is_empty() {
            let v: Vec<cx_dimension> = r
                .dimensions
                .iter()
                .map(|(id, value)| cx_dimension {
                    id: self.string(id),
                    value: self.string(value),
                })
                .collect();
            (row.dimensions, row.dimensions_len) = (v.as_ptr(), v.len());
            self.dimensions.push(v);
        }
        row
    }
}

/// Runs one ingest call on `engine`; returns the report's counts, or
/// `None` when the call failed.
fn ingest(engine: *mut cx_engine, what: &Ingest, is_null: bool) -> Option<Counts> {
    let report = match what {
        Ingest::Rows(rows) => {
            let mut store = RowStore::default();
            let c_rows: Vec<cx_response> = rows.iter().map(|r| store.row(r)).collect();
            let p = if is_null && c_rows.is_empty() {
                null()
            } else {
                c_rows.as_ptr()
            };
            // Odd batches go through the JSON-free hot path, whose counts and
            // alert array must agree with its own JSON report.
            let r = if c_rows.len() % 2 == 1 {
                ingest_rows(engine, p, c_rows.len())?
            } else {
                let report = with_buffer("cx_engine_ingest_responses", |out| {
                    // SAFETY: rows and everything they point to live in `store`.
                    unsafe { cx_engine_ingest_responses(engine, p, c_rows.len(), out) }
                })?;
                take_json(report)
            };
            assert_eq!(r["total"].as_u64(), Some(rows.len() as u64), "{r}");
            r
        }
        Ingest::Json(t) => take_json(with_buffer("cx_engine_ingest_json", |out| {
            // SAFETY: `t` lives across the call.
            unsafe { cx_engine_ingest_json(engine, ptr_of(t, is_null), t.len(), out) }
        })?),
        Ingest::JsonLines(t) => take_json(with_buffer("cx_engine_ingest_json_lines", |out| {
            // SAFETY: `t` lives across the call.
            unsafe { cx_engine_ingest_json_lines(engine, ptr_of(t, is_null), t.len(), out) }
        })?),
        Ingest::Csv(csv, mapping) => take_json(with_buffer("cx_engine_ingest_csv", |out| {
            // SAFETY: both live across the call.
            unsafe {
                cx_engine_ingest_csv(
                    engine,
                    ptr_of(csv, is_null),
                    csv.len(),
                    mapping.as_ptr().cast(),
                    mapping.len(),
                    out,
                )
            }
        })?),
    };
    Some(check_report(&report))
}

/// `cx_engine_ingest_rows` and the readers of its result: the counts and
/// the `cx_alert` array equal the result's JSON report, which is returned.
fn ingest_rows(engine: *mut cx_engine, rows: *const cx_response, n: usize) -> Option<Value> {
    let mut result = null_mut();
    // SAFETY: the caller's rows live across the call.
    let status = unsafe { cx_engine_ingest_rows(engine, rows, n, &mut result) };
    if !status_ok(status, "cx_engine_ingest_rows") {
        assert!(
            result.is_null(),
            "cx_engine_ingest_rows wrote its out-param on failure"
        );
        return None;
    }
    let (mut total, mut accepted, mut rejected) = (0u64, 0u64, 0u64);
    let mut alerts: *const cx_alert = null();
    // SAFETY: a live result, read then freed once.
    let (structs, json) = unsafe {
        cx_ingest_result_counts(result, &mut total, &mut accepted, &mut rejected);
        let count = cx_ingest_result_alerts(result, &mut alerts);
        let listed: Vec<cx_alert> = if count == 0 {
            Vec::new()
        } else {
            std::slice::from_raw_parts(alerts, count).to_vec()
        };
        let json = with_buffer("cx_ingest_result_json", |out| {
            cx_ingest_result_json(result, out)
        });
        cx_ingest_result_free(result);
        (listed, json)
    };
    let r = take_json(json?);
    assert_eq!(r["total"].as_u64(), Some(total), "{r}");
    assert_eq!(r["accepted"].as_u64(), Some(accepted), "{r}");
    assert_eq!(r["rejected"].as_u64(), Some(rejected), "{r}");
    let listed = r["alerts"].as_array().map_or(0, Vec::len);
    assert_eq!(listed, structs.len(), "{r}");
    for (a, j) in structs
        .iter()
        .zip(r["alerts"].as_array().into_iter().flatten())
    {
        assert_eq!(j["index"].as_u64(), Some(a.index as u64), "{r}");
        assert!(a.index < n, "alert index {} out of {n} rows", a.index);
        assert_eq!(j["value"].as_i64(), Some(i64::from(a.value)), "{r}");
    }
    Some(r)
}

/// The answer of `engine` to `query` (JSON), or `None` when refused.
fn query(engine: *const cx_engine, query: &[u8]) -> Option<Value> {
    with_buffer("cx_engine_query", |out| {
        // SAFETY: `query` lives across the call.
        unsafe { cx_engine_query(engine, query.as_ptr().cast(), query.len(), out) }
    })
    .map(take_json)
}

fn snapshot(engine: *const cx_engine) -> Vec<u8> {
    let b = with_buffer("cx_engine_snapshot", |out| {
        // SAFETY: a live handle.
        unsafe { cx_engine_snapshot(engine, out) }
    })
    .expect("a live engine snapshots");
    let mut b = b;
    let v = bytes_of(&b).to_vec();
    // SAFETY: filled by the library.
    unsafe { cx_buffer_free(&mut b) };
    v
}

fn restore(bytes: &[u8], null: bool) -> Option<*mut cx_engine> {
    with_handle("cx_engine_restore", |out| {
        // SAFETY: `bytes` lives across the call.
        unsafe { cx_engine_restore(ptr_of(bytes, null), bytes.len(), out) }
    })
}

/// An engine over the sample plan with settings `CONFIGS[config]`.
fn fresh(config: usize) -> *mut cx_engine {
    let plan = with_handle("cx_plan_new", |out| {
        // SAFETY: PLAN lives forever.
        unsafe { cx_plan_new(PLAN.as_ptr().cast(), PLAN.len(), out) }
    })
    .expect("the sample plan parses");
    let c = CONFIGS[config];
    let e = with_handle("cx_engine_new_with_config", |out| {
        // SAFETY: live plan, static config.
        unsafe { cx_engine_new_with_config(plan, c.as_ptr().cast(), c.len(), out) }
    })
    .expect("the sample plan and configs are valid");
    // SAFETY: a live plan, freed once; the engine keeps its own copy.
    unsafe { cx_plan_free(plan) };
    e
}

fn probe(engine: *const cx_engine) -> Option<Value> {
    query(engine, QUERIES[0].as_bytes())
}

impl State {
    fn new() -> State {
        State {
            plans: [null_mut(); POOL],
            plan_sample: [false; POOL],
            engines: [None, None, None, None],
            buffers: [
                empty_buffer(),
                empty_buffer(),
                empty_buffer(),
                empty_buffer(),
            ],
        }
    }

    fn engine(&self, i: u8) -> *mut cx_engine {
        self.engines[usize::from(i) % POOL]
            .as_ref()
            .map_or(null_mut(), |s| s.handle)
    }

    fn put_engine(&mut self, i: u8, slot: EngineSlot) {
        self.free_engine(i);
        self.engines[usize::from(i) % POOL] = Some(slot);
    }

    fn free_engine(&mut self, i: u8) {
        if let Some(s) = self.engines[usize::from(i) % POOL].take() {
            // SAFETY: a live handle, freed once.
            unsafe { cx_engine_free(s.handle) };
        }
    }

    /// Writes a filled buffer into a slot, freeing what it held.
    fn put_buffer(&mut self, i: u8, b: cx_buffer) {
        let slot = &mut self.buffers[usize::from(i) % POOL];
        // SAFETY: empty or filled by the library.
        unsafe { cx_buffer_free(slot) };
        *slot = b;
    }

    fn step(&mut self, op: &Op) {
        match op {
            Op::PlanNew { slot, json } => {
                let (t, null) = text(json, PLAN.as_bytes(), &[]);
                let got = with_handle("cx_plan_new", |out| {
                    // SAFETY: `t` lives across the call.
                    unsafe { cx_plan_new(ptr_of(&t, null), t.len(), out) }
                });
                if let Some(p) = got {
                    let i = usize::from(*slot) % POOL;
                    // SAFETY: NULL or a live plan, freed once.
                    unsafe { cx_plan_free(self.plans[i]) };
                    self.plans[i] = p;
                    self.plan_sample[i] = matches!(json, Text::Sample);
                }
            }
            Op::PlanValidate { plan, buffer } => {
                let p = self.plans[usize::from(*plan) % POOL];
                if let Some(b) = with_buffer("cx_plan_validate", |out| {
                    // SAFETY: NULL or a live plan.
                    unsafe { cx_plan_validate(p, out) }
                }) {
                    self.put_buffer(*buffer, b);
                }
            }
            Op::PlanFree { slot } => self.free_plan(usize::from(*slot) % POOL),
            Op::EngineNew { plan, slot, config } => {
                let p = self.plans[usize::from(*plan) % POOL];
                let (handle, config) = match config {
                    None => (
                        with_handle("cx_engine_new", |out| {
                            // SAFETY: NULL or a live plan.
                            unsafe { cx_engine_new(p, out) }
                        }),
                        Some(0),
                    ),
                    Some(c) => {
                        let (t, null) = text(c, CONFIGS[0].as_bytes(), CONFIGS);
                        let known = CONFIGS.iter().position(|k| k.as_bytes() == t);
                        let h = with_handle("cx_engine_new_with_config", |out| {
                            // SAFETY: `t` lives across the call.
                            unsafe { cx_engine_new_with_config(p, ptr_of(&t, null), t.len(), out) }
                        });
                        (h, known)
                    }
                };
                if let Some(handle) = handle {
                    // The log can be replayed only into an engine over the
                    // sample plan (the plan slot may hold a fuzzed one).
                    let sample = self.plan_sample[usize::from(*plan) % POOL];
                    self.put_engine(
                        *slot,
                        EngineSlot {
                            handle,
                            config: config.filter(|_| sample),
                            log: sample.then(Vec::new),
                        },
                    );
                }
            }
            Op::EngineFree { slot } => self.free_engine(*slot),
            Op::IngestRows { engine, rows } => self.ingest(
                *engine,
                Ingest::Rows(rows.iter().take(64).cloned().collect()),
                false,
            ),
            Op::IngestJson { engine, text: t } => {
                let (b, null) = text(t, SAMPLE_JSONL_AS_JSON.as_bytes(), &[]);
                self.ingest(*engine, Ingest::Json(b), null)
            }
            Op::IngestJsonLines { engine, text: t } => {
                let (b, null) = text(t, SAMPLE_JSONL, &[]);
                self.ingest(*engine, Ingest::JsonLines(b), null)
            }
            Op::IngestCsv {
                engine,
                csv,
                mapping,
            } => {
                let (m0, c0) = mapping_and_csv();
                let (c, null) = text(csv, c0, &[]);
                let (m, _) = text(mapping, m0, &[]);
                self.ingest(*engine, Ingest::Csv(c, m), null)
            }
            Op::Query {
                engine,
                query: q,
                buffer,
            } => {
                let (t, null) = text(q, QUERIES[0].as_bytes(), QUERIES);
                let e = self.engine(*engine);
                if let Some(b) = with_buffer("cx_engine_query", |out| {
                    // SAFETY: `t` lives across the call.
                    unsafe { cx_engine_query(e, ptr_of(&t, null), t.len(), out) }
                }) {
                    self.put_buffer(*buffer, b);
                }
            }
            Op::Alerts { engine, buffer } => {
                let e = self.engine(*engine);
                if let Some(b) = with_buffer("cx_engine_alerts", |out| {
                    // SAFETY: NULL or a live handle.
                    unsafe { cx_engine_alerts(e, out) }
                }) {
                    assert!(
                        serde_json::from_slice::<Value>(bytes_of(&b)).is_ok_and(|v| v.is_array())
                    );
                    self.put_buffer(*buffer, b);
                }
            }
            Op::Report {
                engine,
                format,
                options,
                buffer,
            } => {
                let e = self.engine(*engine);
                let (t, null) = text(options, b"{}", &[]);
                if let Some(b) = with_buffer("cx_engine_report", |out| {
                    // SAFETY: `t` lives across the call.
                    unsafe {
                        cx_engine_report(e, ptr_of(&t, null), t.len(), u32::from(*format % 4), out)
                    }
                }) {
                    assert!(
                        std::str::from_utf8(bytes_of(&b)).is_ok(),
                        "a report is UTF-8"
                    );
                    self.put_buffer(*buffer, b);
                }
            }
            Op::Snapshot { engine, buffer } => {
                let e = self.engine(*engine);
                if let Some(b) = with_buffer("cx_engine_snapshot", |out| {
                    // SAFETY: NULL or a live handle.
                    unsafe { cx_engine_snapshot(e, out) }
                }) {
                    self.check_restore(*engine, bytes_of(&b));
                    self.put_buffer(*buffer, b);
                }
            }
            Op::Restore { buffer, slot, edit } => {
                let mut bytes = bytes_of(&self.buffers[usize::from(*buffer) % POOL]).to_vec();
                apply_edits(&mut bytes, edit, 4);
                self.restore_into(*slot, &bytes, false);
            }
            Op::RestoreBytes { slot, text: t } => {
                let (b, null) = text(t, b"{}", &[]);
                self.restore_into(*slot, &b, null);
            }
            Op::Merge { into, from } => self.merge(*into, *from),
            Op::BufferFree { buffer } => {
                let b = &mut self.buffers[usize::from(*buffer) % POOL];
                // SAFETY: empty or filled by the library; freed twice is
                // harmless (it is reset).
                unsafe {
                    cx_buffer_free(b);
                    cx_buffer_free(b);
                }
                assert!(b.ptr.is_null() && b.len == 0);
            }
            Op::Nulls => nulls(),
        }
    }

    fn ingest(&mut self, engine: u8, what: Ingest, null: bool) {
        let e = self.engine(engine);
        let before = (!e.is_null()).then(|| snapshot(e));
        let counts = ingest(e, &what, null);
        let Some(slot) = self.engines[usize::from(engine) % POOL].as_mut() else {
            assert!(counts.is_none(), "ingest into a NULL engine succeeded");
            return;
        };
        match counts {
            // A refused call files nothing.
            None => assert!(
                before.as_deref() == Some(&snapshot(e)[..]),
                "a failed ingest changed the engine"
            ),
            Some(counts) => {
                if counts.1 > 0 {
                    if let Some(log) = &mut slot.log {
                        log.push((what, counts));
                    }
                }
                if slot.log.as_ref().is_some_and(|l| l.len() > MAX_LOG) {
                    slot.log = None;
                }
            }
        }
    }

    /// snapshot → restore answers the probe query exactly as the engine.
    fn check_restore(&self, engine: u8, snapshot: &[u8]) {
        let e = self.engine(engine);
        let r = restore(snapshot, false).expect("an engine's own snapshot restores");
        let (a, b) = (probe(e), probe(r));
        assert_eq!(a, b, "restore(snapshot) answers differently");
        // SAFETY: a live engine, freed once.
        unsafe { cx_engine_free(r) };
    }

    fn merge(&mut self, into: u8, from: u8) {
        let (a, b) = (self.engine(into), self.engine(from));
        let before = (!a.is_null()).then(|| snapshot(a));
        // SAFETY: NULL or live handles.
        let s = unsafe { cx_engine_merge(a, b) };
        if !a.is_null() && a == b {
            assert_eq!(
                s,
                cx_status::InvalidArgument,
                "merging an engine into itself"
            );
        }
        if !status_ok(s, "cx_engine_merge") {
            if let Some(before) = before {
                assert!(before == snapshot(a), "a refused merge changed the engine");
            }
            return;
        }
        let (ia, ib) = (usize::from(into) % POOL, usize::from(from) % POOL);
        let log_b = self.engines[ib].as_ref().and_then(|s| s.log.clone());
        let config_b = self.engines[ib].as_ref().and_then(|s| s.config);
        let slot = self.engines[ia]
            .as_mut()
            .expect("merged into a live engine");
        let (Some(log_a), Some(log_b)) = (slot.log.as_mut(), log_b) else {
            slot.log = None;
            return;
        };
        if slot.config != config_b || slot.config.is_none() || log_a.len() + log_b.len() > MAX_LOG {
            slot.log = None;
            return;
        }
        log_a.extend(log_b);
        // One engine that ingested both inputs answers like the merge, when
        // it accepted the same records (a limit may refuse a record in one
        // order and not the other).
        let log = log_a.clone();
        let config = slot.config.unwrap_or(0);
        let one = fresh(config);
        let same = log
            .iter()
            .all(|(i, counts)| ingest(one, i, false) == Some(*counts));
        let merged = probe(a);
        let expected = probe(one);
        // SAFETY: a live engine, freed once.
        unsafe { cx_engine_free(one) };
        if std::env::var_os("CX_FUZZ_TRACE").is_some() {
            eprintln!(
                "  merge vs one engine over {} ingest calls: compared = {same}",
                log.len()
            );
        }
        if same {
            match (&merged, &expected) {
                (Some(m), Some(x)) => assert!(
                    approx_eq(m, x),
                    "merge answers unlike one engine\n merged: {m}\n   one: {x}"
                ),
                _ => panic!("the probe query failed on a merged engine"),
            }
        }
    }

    /// Restores `bytes` into an engine slot (its contents unknown).
    fn restore_into(&mut self, slot: u8, bytes: &[u8], is_null: bool) {
        if let Some(handle) = restore(bytes, is_null) {
            let _ = probe(handle);
            let log = None;
            self.put_engine(
                slot,
                EngineSlot {
                    handle,
                    config: None,
                    log,
                },
            );
        }
    }

    fn free_plan(&mut self, i: usize) {
        // SAFETY: NULL or a live plan, freed once.
        unsafe { cx_plan_free(self.plans[i]) };
        self.plans[i] = null_mut();
        self.plan_sample[i] = false;
    }

    fn free_all(&mut self) {
        for i in 0..POOL as u8 {
            self.free_engine(i);
            self.free_plan(usize::from(i));
            // SAFETY: empty or filled by the library.
            unsafe { cx_buffer_free(&mut self.buffers[usize::from(i)]) };
        }
    }
}

/// The sample records as one JSON array.
const SAMPLE_JSONL_AS_JSON: &str = "[{\"id\":\"j1\",\"at\":\"2026-01-05\",\"segment\":\"families\",\"nps\":9,\"csat\":5},{\"kind\":\"employee\",\"id\":\"w1\",\"at\":\"2026-01-10\",\"team\":\"north\",\"enps\":9},{\"id\":\"j2\",\"at\":\"2026-01-06\",\"nps\":11}]";

/// Every export with NULL arguments: `CX_STATUS_NULL_ARGUMENT` (or nothing
/// for the frees), out-params untouched.
fn nulls() {
    let e = fresh(0);
    let expect_null = |call: &str, s: cx_status| {
        assert_eq!(s, cx_status::NullArgument, "{call}");
        assert!(!status_ok(s, call));
        assert_eq!(last(cx_last_error_code), "null-argument", "{call}");
    };
    let mut b = sentinel_buffer();
    let mut h: *mut cx_engine = NonNull::dangling().as_ptr();
    let mut p: *mut cx_plan = NonNull::dangling().as_ptr();
    // SAFETY: NULL or live arguments only.
    unsafe {
        expect_null("cx_plan_new", cx_plan_new(null(), 0, &mut p));
        expect_null(
            "cx_plan_new out",
            cx_plan_new(PLAN.as_ptr().cast(), PLAN.len(), null_mut()),
        );
        expect_null("cx_plan_validate", cx_plan_validate(null(), &mut b));
        expect_null("cx_engine_new", cx_engine_new(null(), &mut h));
        expect_null(
            "cx_engine_ingest_json",
            cx_engine_ingest_json(null_mut(), c"[]".as_ptr(), 2, &mut b),
        );
        expect_null(
            "cx_engine_ingest_json_lines",
            cx_engine_ingest_json_lines(e, null(), 0, &mut b),
        );
        expect_null(
            "cx_engine_ingest_responses",
            cx_engine_ingest_responses(e, null(), 1, &mut b),
        );
        expect_null(
            "cx_engine_ingest_responses out",
            cx_engine_ingest_responses(e, null(), 0, null_mut()),
        );
        expect_null("cx_engine_query", cx_engine_query(e, null(), 0, &mut b));
        expect_null("cx_engine_snapshot", cx_engine_snapshot(null(), &mut b));
        expect_null("cx_engine_alerts", cx_engine_alerts(e, null_mut()));
        expect_null("cx_engine_restore", cx_engine_restore(null(), 0, &mut h));
        expect_null("cx_engine_merge", cx_engine_merge(e, null()));
        expect_null("cx_engine_merge into", cx_engine_merge(null_mut(), e));
        expect_null(
            "cx_engine_report",
            cx_engine_report(null(), null(), 0, 0, &mut b),
        );
        cx_engine_free(null_mut());
        cx_plan_free(null_mut());
        cx_buffer_free(null_mut());
        cx_response_init(null_mut());
        cx_engine_free(e);
    }
    assert!(is_sentinel(&b));
    assert_eq!(h, NonNull::dangling().as_ptr());
    assert_eq!(p, NonNull::dangling().as_ptr());
}

/// The `cabi` target: a sequence of up to 48 operations. With
/// `CX_FUZZ_TRACE=1` in the environment each operation is printed before it
/// runs (to read a crash input).
pub fn cabi(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let mut state = State::new();
    let trace = std::env::var_os("CX_FUZZ_TRACE").is_some();
    for _ in 0..48 {
        let Ok(op) = Op::arbitrary(&mut u) else { break };
        if trace {
            eprintln!("{op:?}");
        }
        state.step(&op);
        if u.is_empty() {
            break;
        }
    }
    state.free_all();
}
