//! The engine: ingests observations into mergeable statistics kept per cube
//! cell, answers queries with scorecards, and raises closed-loop alerts
//! (SPEC §3.3, §3.4 alerts).
//!
//! - [`Engine::new`] refuses a plan with validation errors.
//! - Ingest: one record ([`Engine::ingest`]), typed batches
//!   ([`Engine::ingest_batch`]), JSON ([`Engine::ingest_json`]), JSON Lines
//!   ([`Engine::ingest_json_lines`]) and CSV with a column mapping
//!   ([`Engine::ingest_csv`], or streamed from a reader by a [`CsvFeed`]);
//!   with the `arrow` feature, Arrow record batches and Parquet files
//!   through the same mapping (`Engine::ingest_arrow`,
//!   `Engine::ingest_parquet`, `docs/arrow.md`).
//!   Every path converts customer responses to one
//!   columnar batch and one kernel updates the cells (the cells and their
//!   store are private: what they hold is read through queries,
//!   comparisons and analyses).
//!   Every call returns an [`IngestReport`]: accepted + rejected = total, each
//!   rejected record with its position and reason; a rejected record changes
//!   nothing.
//! - The [`Cube`] names the dimensions kept and the time granularity: memory
//!   grows with the number of distinct cells, never with rows.
//! - [`Engine::query`] returns a [`Scorecard`]; [`Engine::compare`] runs the
//!   two-sample tests; [`Engine::merge`], [`Engine::snapshot`] and
//!   [`Engine::restore`] make engines mergeable and durable.
//!
//! The formulas live in [`crate::score`]; the analyses and the playbook are
//! elsewhere.

mod alerts;
#[cfg(feature = "arrow")]
mod arrow;
mod budget;
mod cells;
mod changes;
mod columns;
mod comments;
mod compare;
mod compare_request;
mod csv_fast;
mod csv_feed;
mod csv_mapping;
mod ingest;
mod integrity;
#[cfg(feature = "arrow")]
mod parquet;
mod query;
mod raking;
mod rows;
mod snapshot;
mod snapshot_file;
mod store;
mod stream;
mod text;
mod weighting;
mod weights;

use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::error::ErrorCode;
use crate::plan::{Plan, STANDARD_DIMENSIONS};
use crate::record::Timestamp;
use alerts::AlertLog;
use cells::{AuditCell, CellKey, CellMap, EmployeeCell, KpiCell};
use store::ResponseStore;

#[cfg(feature = "arrow")]
pub use arrow::ArrowIngestError;
pub use budget::{LimitError, MemoryLimit, Overflow};
pub use cells::MISSING;
pub use changes::CompareTo;
pub use columns::{ColumnsError, DimensionColumn, ResponseColumns, ABSENT};
pub use comments::{CommentAnalyzer, CommentFacts};
pub use compare::Comparison;
pub use compare_request::CompareRequest;
pub use csv_feed::{CsvFeed, UnterminatedQuote};
pub use csv_mapping::{CsvMapping, MappingError, ScoreColumn, TimeColumn, TimeFormat};
pub use ingest::{Alert, AlertReason, IngestReport, RecordError};
#[cfg(feature = "arrow")]
pub use parquet::PARQUET_BATCH_ROWS;
pub(crate) use query::document_struct;
pub use query::{GroupBy, PeriodUnit, Query, QueryError, ScoreRow, Scorecard, Selection, Totals};
pub use raking::RakeTarget;
pub use rows::{ResponseIngest, ResponseRef, RowScratch};
pub use snapshot::{
    Snapshot, MAX_SNAPSHOT_COUNT, SNAPSHOT_FORMAT, SNAPSHOT_STREAM_VERSION, SNAPSHOT_VERSION,
};
pub use stream::seal_stream;
pub use text::{IngestError, JsonLinesFeed, ReadError};
pub use weighting::Weighting;
pub use weights::{WeightEntry, WeightedCell};

/// The kinds of record an engine counts, in words, in the order of its
/// running totals: at most [`MAX_SNAPSHOT_COUNT`] of each.
pub(crate) const RECORD_KINDS: [&str; 4] = [
    "customer responses",
    "employee responses",
    "audits",
    "KPI observations",
];

/// Time granularity of the cube.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Granularity {
    /// No time kept (period grouping and time filters are unavailable).
    None,
    /// One bucket per UTC day (the default).
    #[default]
    Day,
    /// One bucket per ISO week (Monday to Sunday).
    IsoWeek,
    /// One bucket per calendar month.
    Month,
}

impl Granularity {
    /// What a cube of this granularity keeps of time, in the user's words
    /// (its config value in backquotes).
    pub fn in_words(self) -> &'static str {
        match self {
            Granularity::None => "no time (granularity `none`)",
            Granularity::Day => "time by day (granularity `day`)",
            Granularity::IsoWeek => "time by ISO week (granularity `isoWeek`)",
            Granularity::Month => "time by month (granularity `month`)",
        }
    }
}

/// What the engine keeps: the dimensions and the time granularity.
///
/// The default keeps every standard dimension (segment, touchpoint, channel,
/// team, employee) and every custom dimension of the plan, per day. Keeping
/// fewer dimensions or a coarser granularity trades detail for memory.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Cube {
    /// Dimension ids kept; `None` keeps every dimension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dimensions: Option<Vec<String>>,
    /// Time granularity.
    #[serde(default)]
    pub granularity: Granularity,
}

/// Limits against hostile input. Exceeding one rejects the record with a
/// clear error, never an out-of-memory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Limits {
    /// Longest accepted line (JSON Lines, CSV record), in bytes \[1 MiB\].
    #[serde(default = "Limits::d_line")]
    pub max_line_bytes: usize,
    /// Most distinct values per dimension \[100,000\].
    #[serde(default = "Limits::d_values")]
    pub max_distinct_values: usize,
    /// Most rejected records described in one ingest report (all are
    /// counted) \[1,000\].
    #[serde(default = "Limits::d_errors")]
    pub max_errors_listed: usize,
    /// Most alerts the engine keeps for [`Engine::alerts`] \[10,000\]: the
    /// newest of every alert raised by the accepted records (listed in a
    /// report or not), by `at`, ties broken by record id (an absent id
    /// first), then by reason (in the order [`AlertReason`] declares), then
    /// by the rest of the alert. The same alerts whatever the path: one
    /// call or a stream, split files, parallel parts, merges in any order,
    /// a restored snapshot.
    #[serde(default = "Limits::d_alerts")]
    pub max_alerts_kept: usize,
    /// Most alerts listed in one ingest report; the others are counted in
    /// `alertsNotListed` and not built (a bulk load of history raises
    /// alerts nobody follows up) \[10,000\].
    #[serde(default = "Limits::d_alerts")]
    pub max_alerts_listed: usize,
    /// Most heap bytes the cells may take (the `bytes` of
    /// [`Engine::stats`]: cells, keys, indexes and interned values)
    /// \[1 GiB\]. An ingest or merge that would pass it fails with a
    /// `memory-limit` error and keeps nothing of the call.
    #[serde(default = "Limits::d_cell_bytes")]
    pub max_cell_bytes: u64,
    /// Longest accepted comment, in bytes of UTF-8 \[8 KiB\]; a longer
    /// one rejects its record (`comment-too-long`).
    #[serde(default = "Limits::d_comment_bytes")]
    pub max_comment_bytes: usize,
    /// Verbatims kept per plan theme \[10\]: the newest comments that
    /// mention it (see [`Engine::verbatims`]).
    #[serde(default = "Limits::d_verbatims")]
    pub max_verbatims: usize,
}

impl Limits {
    fn d_line() -> usize {
        1 << 20
    }
    fn d_values() -> usize {
        100_000
    }
    fn d_errors() -> usize {
        1_000
    }
    fn d_alerts() -> usize {
        10_000
    }
    fn d_cell_bytes() -> u64 {
        1 << 30
    }
    fn d_comment_bytes() -> usize {
        8 << 10
    }
    fn d_verbatims() -> usize {
        10
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_line_bytes: Limits::d_line(),
            max_distinct_values: Limits::d_values(),
            max_errors_listed: Limits::d_errors(),
            max_alerts_kept: Limits::d_alerts(),
            max_alerts_listed: Limits::d_alerts(),
            max_cell_bytes: Limits::d_cell_bytes(),
            max_comment_bytes: Limits::d_comment_bytes(),
            max_verbatims: Limits::d_verbatims(),
        }
    }
}

/// Engine settings.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EngineConfig {
    /// What is kept.
    #[serde(default)]
    pub cube: Cube,
    /// Limits against hostile input.
    #[serde(default)]
    pub limits: Limits,
}

/// An engine's footprint: what its memory follows ([`Engine::stats`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EngineStats {
    /// Cells held (customer responses, employee responses, audits, KPIs,
    /// and the weighted cells of records with a survey weight).
    pub cells: u64,
    /// Heap bytes the cell store owns: the cells, their keys and indexes,
    /// the packed rows of sparse cells and the interned dimension values.
    /// Exact for customer-response cells and interned values; audit and KPI
    /// cells count their maps' entries with a node overhead of one half.
    pub bytes: u64,
    /// Records filed: customer and employee responses, audits and KPI
    /// observations.
    pub rows: u64,
    /// Of those, the customer and employee responses filed with a survey
    /// weight other than 1 (they are kept once more, in weighted cells).
    #[serde(default)]
    pub weighted_rows: u64,
}

/// Why an engine could not be created, merged or restored.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum EngineError {
    /// The plan has validation errors.
    #[error("the plan has {} error(s); the first: {} at {}", .0.len(), .0.first().map_or("", |d| d.message.as_str()), .0.first().map_or("", |d| d.pointer.as_str()))]
    InvalidPlan(Vec<Diagnostic>),
    /// The cube names a dimension the plan does not have.
    #[error("the cube keeps `{0}`, which is not a standard dimension nor one the plan declares")]
    UnknownCubeDimension(String),
    /// Two engines with different plans or cubes cannot be merged.
    #[error("cannot merge: {0}")]
    Incompatible(String),
    /// A merge would give a dimension more distinct values than
    /// `limits.maxDistinctValues`; nothing was merged.
    #[error("cannot merge: dimension `{dimension}` would have {values} distinct values; the limit is {limit} (limits.maxDistinctValues)")]
    TooManyValues {
        /// The dimension.
        dimension: String,
        /// Distinct values the merged engine would have.
        values: usize,
        /// `limits.maxDistinctValues` of the engine merged into.
        limit: usize,
    },
    /// The cells would pass `limits.maxCellBytes` (of the engine merged
    /// into, or of the snapshot restored): nothing was merged or restored.
    #[error(transparent)]
    MemoryLimit(#[from] MemoryLimit),
    /// A merge would take the records of one kind past
    /// [`MAX_SNAPSHOT_COUNT`] (2^53) together: nothing was merged.
    #[error(transparent)]
    Overflow(#[from] Overflow),
    /// A snapshot that cannot be restored.
    #[error("invalid snapshot{}: {message}", at_pointer(pointer))]
    Snapshot {
        /// JSON Pointer into the snapshot.
        pointer: String,
        /// What is wrong.
        message: String,
    },
}

/// Interned strings: id 0 means "absent"; ids from 1.
///
/// The index holds ids only; each string is stored once, in `values`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Interner {
    /// Looked up by bytes, so a row path can find a value before checking
    /// that it is UTF-8 (every key is).
    index: hashbrown::HashTable<u32>,
    values: Vec<String>,
    /// Bytes of the strings' buffers.
    heap: usize,
}

impl PartialEq for Interner {
    fn eq(&self, other: &Self) -> bool {
        self.values == other.values
    }
}

impl Eq for Interner {}

fn hash_bytes(s: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    h.write(s);
    h.write_usize(s.len());
    h.finish()
}

impl Interner {
    pub(crate) fn get(&self, s: &str) -> Option<u32> {
        self.get_bytes(s.as_bytes())
    }

    pub(crate) fn get_bytes(&self, s: &[u8]) -> Option<u32> {
        let values = &self.values;
        self.index
            .find(hash_bytes(s), |&id| values[id as usize - 1].as_bytes() == s)
            .copied()
    }

    pub(crate) fn intern(&mut self, s: &str) -> u32 {
        if let Some(id) = self.get(s) {
            return id;
        }
        self.values.push(s.to_string());
        self.heap += self.values.last().map_or(0, String::capacity);
        let id = self.values.len() as u32;
        let values = &self.values;
        self.index
            .insert_unique(hash_bytes(s.as_bytes()), id, |&i| {
                hash_bytes(values[i as usize - 1].as_bytes())
            });
        id
    }

    /// The string of an id (None for 0 or unknown ids).
    pub(crate) fn value(&self, id: u32) -> Option<&str> {
        id.checked_sub(1)
            .and_then(|i| self.values.get(i as usize))
            .map(String::as_str)
    }

    pub(crate) fn len(&self) -> usize {
        self.values.len()
    }

    pub(crate) fn values(&self) -> &[String] {
        &self.values
    }

    pub(crate) fn from_values(values: Vec<String>) -> Interner {
        let mut i = Interner::default();
        for v in &values {
            i.intern(v);
        }
        i
    }

    /// Heap bytes: the index, the list and the strings.
    pub(crate) fn bytes(&self) -> usize {
        self.index.allocation_size()
            + self.values.capacity() * std::mem::size_of::<String>()
            + self.heap
    }

    /// The capacities of the index and the list, for [`Interner::truncate`].
    pub(crate) fn mark(&self) -> (usize, usize, usize) {
        (
            self.values.len(),
            self.index.capacity(),
            self.values.capacity(),
        )
    }

    /// Forgets the values interned since `mark` was taken, and the room
    /// taken for them.
    pub(crate) fn truncate(&mut self, (len, index_cap, values_cap): (usize, usize, usize)) {
        for id in (len + 1..=self.values.len()).rev() {
            let hash = hash_bytes(self.values[id - 1].as_bytes());
            if let Ok(e) = self.index.find_entry(hash, |&i| i as usize == id) {
                e.remove();
            }
        }
        for v in self.values.drain(len..) {
            self.heap -= v.capacity();
        }
        let values = &self.values;
        self.index.shrink_to(index_cap, |&i| {
            hash_bytes(values[i as usize - 1].as_bytes())
        });
        self.values.shrink_to(values_cap);
    }
}

/// The customer-experience engine.
///
/// ```
/// use cx_core::engine::{Engine, Query};
/// use cx_core::plan::Plan;
/// use cx_core::metric::MetricId;
///
/// let plan = Plan::from_json(r#"{"schemaVersion": 1, "organization": {"name": "Acme"}}"#).unwrap();
/// let mut engine = Engine::new(plan).unwrap();
/// let report = engine.ingest_json_lines(b"{\"at\": \"2026-03-01\", \"nps\": 9}\n{\"at\": \"2026-03-02\", \"nps\": 3}\n{\"at\": \"2026-03-02\", \"nps\": 11}\n").unwrap();
/// assert_eq!((report.accepted, report.rejected), (2, 1));
/// assert_eq!(report.errors[0].line, Some(3));
/// assert_eq!(report.alerts.len(), 1); // the detractor
/// let card = engine.query(&Query::default()).unwrap();
/// let nps = &card.rows[0].scores["nps"];
/// assert_eq!((nps.value, nps.n), (Some(0.0), 2));
/// ```
#[derive(Debug, Clone)]
pub struct Engine {
    plan: Arc<Plan>,
    config: EngineConfig,
    /// Names of the dimensions kept, in key order.
    dims: Vec<String>,
    interners: Vec<Interner>,
    items: Interner,
    responses: ResponseStore,
    employees: CellMap<EmployeeCell>,
    audits: CellMap<AuditCell>,
    kpis: CellMap<KpiCell>,
    /// The records with a survey weight, once more with their weights.
    weights: weights::Weights,
    /// The comments: their statistics per cell, and the verbatims.
    comments: comments::Comments,
    /// Earliest and latest observation (unix seconds).
    span: Option<(i64, i64)>,
    /// Latest customer response (unix seconds).
    last_response: Option<i64>,
    /// The newest alerts raised (up to `limits.maxAlertsKept`).
    alerts: AlertLog,
    /// The row checker's layout and buffers (a function of plan and cube).
    rows: rows::RowChecker,
    /// The call in progress, undone when it passes the memory budget.
    tx: budget::Transaction,
}

impl Engine {
    /// An engine for a valid plan with the default cube (every dimension ×
    /// day) and limits.
    pub fn new(plan: Plan) -> Result<Engine, EngineError> {
        Engine::with_config(plan, EngineConfig::default())
    }

    /// An engine with explicit settings.
    pub fn with_config(plan: Plan, config: EngineConfig) -> Result<Engine, EngineError> {
        let errors: Vec<Diagnostic> = plan
            .validate()
            .into_iter()
            .filter(Diagnostic::is_error)
            .collect();
        if !errors.is_empty() {
            return Err(EngineError::InvalidPlan(errors));
        }
        let all: Vec<String> = STANDARD_DIMENSIONS
            .iter()
            .map(|s| s.to_string())
            .chain(plan.dimensions.iter().map(|d| d.id.clone()))
            .collect();
        let dims = match &config.cube.dimensions {
            None => all,
            Some(kept) => {
                for d in kept {
                    if !all.contains(d) {
                        return Err(EngineError::UnknownCubeDimension(d.clone()));
                    }
                }
                // Keep the canonical order, without duplicates.
                all.into_iter().filter(|d| kept.contains(d)).collect()
            }
        };
        let alerts = AlertLog::new(config.limits.max_alerts_kept);
        let comments = comments::Comments::new(&plan, config.limits.max_verbatims);
        Ok(Engine {
            comments,
            rows: rows::RowChecker::new(&plan, &dims),
            interners: vec![Interner::default(); dims.len()],
            responses: ResponseStore::new(dims.len(), plan.attributes.len()),
            dims,
            plan: Arc::new(plan),
            config,
            items: Interner::default(),
            employees: CellMap::default(),
            audits: CellMap::default(),
            kpis: CellMap::default(),
            weights: weights::Weights::default(),
            span: None,
            last_response: None,
            alerts,
            tx: budget::Transaction::default(),
        })
    }

    /// The plan.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The settings.
    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// The dimensions kept, in key order.
    pub fn dimensions(&self) -> &[String] {
        &self.dims
    }

    /// Number of cells held (responses, employee responses, audits, KPIs):
    /// what memory grows with.
    pub fn cell_count(&self) -> usize {
        self.responses.len()
            + self.employees.len()
            + self.audits.len()
            + self.kpis.len()
            + self.weights.len()
            + self.comments.len()
    }

    /// The engine's footprint: cells, heap bytes of the cell store, and
    /// records filed.
    ///
    /// ```
    /// use cx_core::engine::Engine;
    /// use cx_core::plan::Plan;
    ///
    /// let plan = Plan::from_json(r#"{"schemaVersion": 1, "organization": {"name": "Acme"}}"#).unwrap();
    /// let mut engine = Engine::new(plan).unwrap();
    /// engine.ingest_json_lines(b"{\"at\": \"2026-03-01\", \"nps\": 9, \"segment\": \"a\"}\n").unwrap();
    /// let stats = engine.stats();
    /// assert_eq!((stats.cells, stats.rows), (1, 1));
    /// assert!(stats.bytes > 0);
    /// ```
    pub fn stats(&self) -> EngineStats {
        EngineStats {
            cells: self.cell_count() as u64,
            bytes: self.cell_bytes() as u64,
            rows: self.count_totals().into_iter().fold(0, u64::saturating_add),
            weighted_rows: self.weights.records(),
        }
    }

    /// Heap bytes of the cells, their keys and indexes and the interned
    /// values (what `limits.maxCellBytes` bounds).
    pub(crate) fn cell_bytes(&self) -> usize {
        self.responses.bytes()
            + self.employees.bytes()
            + self.audits.bytes()
            + self.kpis.bytes()
            + self.weights.bytes()
            + self.comments.bytes()
            + self.items.bytes()
            + self.interners.iter().map(Interner::bytes).sum::<usize>()
            + self.interners.capacity() * std::mem::size_of::<Interner>()
    }

    /// The most rows a sparse response cell holds before it turns dense (0:
    /// every cell dense, as before cells cost what they hold). For tests
    /// comparing the two forms; cells keep their form until their next row.
    #[doc(hidden)]
    pub fn set_sparse_threshold(&mut self, rows: usize) {
        self.responses.set_threshold(rows);
    }

    /// The date of the latest observation (the default `asOf`).
    pub fn latest_date(&self) -> Option<NaiveDate> {
        self.span
            .and_then(|(_, hi)| Timestamp::from_unix(hi))
            .map(Timestamp::date)
    }

    /// The date of the latest customer response.
    pub fn latest_response_date(&self) -> Option<NaiveDate> {
        self.last_response
            .and_then(Timestamp::from_unix)
            .map(Timestamp::date)
    }

    /// The alerts the engine keeps, oldest first: the newest
    /// `limits.maxAlertsKept` of every alert its accepted records raised
    /// (listed in their call's report or not), by `at`, ties broken by
    /// record id (an absent id first), then by reason (in the order
    /// [`AlertReason`] declares), then by the rest of the alert — one total
    /// order, so the same alerts whatever the path (one call or a stream,
    /// split files, parallel parts, [`Engine::merge`] in any order,
    /// [`Engine::restore`]). Equal alerts (a record ingested twice) are
    /// each kept. `index` and `line` are those of the call that ingested
    /// the record.
    pub fn alerts(&self) -> Vec<Alert> {
        self.alerts.to_vec()
    }

    /// The statistics of every customer comment the engine holds (for a
    /// selection: [`Engine::totals`] and [`Totals::comments`]).
    pub fn comment_stats(&self) -> crate::comment::CommentStats {
        let mut all = crate::comment::CommentStats::default();
        for (_, c) in self.comments.responses.iter() {
            all.merge(c);
        }
        all
    }

    /// The verbatims kept for theme `theme` (its index in the plan's
    /// `themes`): the newest `limits.maxVerbatims` customer comments that
    /// mention it, newest first (ties by record id, then text). Empty for
    /// an index the plan does not have.
    pub fn verbatims(&self, theme: u32) -> Vec<crate::comment::Verbatim> {
        self.comments.verbatims.of(theme)
    }

    /// An empty engine with the same plan and settings (shares the plan).
    pub fn empty_like(&self) -> Engine {
        Engine {
            plan: Arc::clone(&self.plan),
            config: self.config.clone(),
            dims: self.dims.clone(),
            interners: vec![Interner::default(); self.dims.len()],
            items: Interner::default(),
            responses: ResponseStore::new(self.dims.len(), self.plan.attributes.len()),
            employees: CellMap::default(),
            audits: CellMap::default(),
            kpis: CellMap::default(),
            weights: weights::Weights::default(),
            comments: self.comments.empty_like(),
            span: None,
            last_response: None,
            alerts: AlertLog::new(self.config.limits.max_alerts_kept),
            rows: self.rows.clone(),
            tx: budget::Transaction::default(),
        }
    }

    /// An empty engine for one part of a call split across threads, whose
    /// report already lists `listed` (errors, alerts): it lists at most the
    /// room left, and its alert log refuses what this engine's full log
    /// would refuse.
    #[cfg(feature = "parallel")]
    pub(crate) fn empty_part(&self, (errors, alerts): (usize, usize)) -> Engine {
        let mut e = self.empty_like();
        let limits = &mut e.config.limits;
        limits.max_errors_listed = limits.max_errors_listed.saturating_sub(errors);
        limits.max_alerts_listed = limits.max_alerts_listed.saturating_sub(alerts);
        e.alerts.set_floor(&self.alerts);
        e
    }

    pub(crate) fn bucket_of(&self, t: Timestamp) -> i32 {
        bucket_of(self.config.cube.granularity, t)
    }

    fn note_time(&mut self, t: i64) {
        self.span = Some(match self.span {
            None => (t, t),
            Some((lo, hi)) => (lo.min(t), hi.max(t)),
        });
    }

    /// Merges `other` into `self`: the result answers every query exactly as
    /// one engine that ingested both inputs, and keeps the newest alerts of
    /// both (see [`Engine::alerts`]). Both must have the same plan and
    /// settings.
    ///
    /// Fails, changing nothing, when the cells would pass
    /// `limits.maxCellBytes` ([`EngineError::MemoryLimit`]) or the records
    /// of a kind would pass [`MAX_SNAPSHOT_COUNT`] together
    /// ([`EngineError::Overflow`]).
    pub fn merge(&mut self, other: &Engine) -> Result<(), EngineError> {
        self.check_count_totals(other)?;
        self.check_kpi_totals(other)?;
        self.transaction(|e| e.merge_inner(other))?
    }

    /// The records an engine holds, by kind ([`RECORD_KINDS`]): customer
    /// responses, employee responses, audits, KPI observations. Running
    /// totals kept by the cell maps (journaled with their transactions,
    /// rebuilt as a restore or a merge files cells), so reading them costs
    /// no visit of the cells. Each is at most [`MAX_SNAPSHOT_COUNT`] after
    /// any call (an ingest, a merge, a restore), so no sum over cells (a
    /// query, a comparison) can overflow.
    pub(crate) fn count_totals(&self) -> [u64; 4] {
        [
            self.responses.rows(),
            self.employees.records(),
            self.audits.records(),
            self.kpis.records(),
        ]
    }

    /// Refuses a merge that would take the records of a kind past
    /// [`MAX_SNAPSHOT_COUNT`] (2^53), before anything changes (the merge's
    /// transaction would refuse it too, after the work).
    fn check_count_totals(&self, other: &Engine) -> Result<(), Overflow> {
        let totals = self.count_totals().into_iter().zip(other.count_totals());
        for ((held, theirs), kind) in totals.zip(RECORD_KINDS) {
            let reached = held.saturating_add(theirs);
            if reached > MAX_SNAPSHOT_COUNT {
                return Err(Overflow {
                    kind,
                    reached,
                    held,
                });
            }
        }
        Ok(())
    }

    /// Refuses a merge whose KPI totals would overflow, before anything
    /// changes (an infinite total can be neither queried nor snapshotted).
    pub(crate) fn check_kpi_totals(&self, other: &Engine) -> Result<(), EngineError> {
        for (k, theirs) in other.kpis.iter() {
            let dims: Option<Box<[u32]>> = k
                .dims
                .iter()
                .enumerate()
                .map(|(d, &id)| match id {
                    0 => Some(0),
                    id => other.interners[d]
                        .value(id)
                        .and_then(|v| self.interners.get(d)?.get(v)),
                })
                .collect();
            let Some(dims) = dims else { continue };
            let key = CellKey {
                bucket: k.bucket,
                method: k.method,
                dims,
            };
            let Some(mine) = self.kpis.get(&key) else {
                continue;
            };
            for (name, s) in &theirs.sums {
                if mine
                    .sums
                    .get(name)
                    .is_some_and(|m| !(m.sum + s.sum).is_finite())
                {
                    return Err(EngineError::Incompatible(format!(
                        "the total of KPI `{name}` would overflow a 64-bit float"
                    )));
                }
            }
        }
        Ok(())
    }

    pub(crate) fn merge_inner(&mut self, other: &Engine) -> Result<(), EngineError> {
        if *self.plan != *other.plan {
            return Err(EngineError::Incompatible(
                "the engines have different plans".into(),
            ));
        }
        if self.config.cube != other.config.cube {
            return Err(EngineError::Incompatible(
                "the engines keep different cubes".into(),
            ));
        }
        // All or nothing: refuse before interning anything.
        let limit = self.config.limits.max_distinct_values;
        for (d, (mine, theirs)) in self.interners.iter().zip(&other.interners).enumerate() {
            let new = theirs
                .values()
                .iter()
                .filter(|v| mine.get(v).is_none())
                .count();
            if mine.len() + new > limit {
                return Err(EngineError::TooManyValues {
                    dimension: self.dims[d].clone(),
                    values: mine.len() + new,
                    limit,
                });
            }
        }
        // Map the other engine's interned ids to ours.
        let maps: Vec<Vec<u32>> = other
            .interners
            .iter()
            .enumerate()
            .map(|(d, int)| {
                std::iter::once(0)
                    .chain(int.values().iter().map(|v| self.interners[d].intern(v)))
                    .collect()
            })
            .collect();
        let item_map: Vec<u32> = other
            .items
            .values()
            .iter()
            .map(|v| self.items.intern(v) - 1)
            .collect();
        let remap = |k: &CellKey| CellKey {
            bucket: k.bucket,
            method: k.method,
            dims: k
                .dims
                .iter()
                .enumerate()
                .map(|(d, &id)| maps[d][id as usize])
                .collect(),
        };
        let mut key = vec![0u32; self.dims.len()];
        for id in 0..other.responses.len() {
            for (d, (k, &theirs)) in key.iter_mut().zip(other.responses.key(id)).enumerate() {
                *k = maps[d][theirs as usize];
            }
            let mine = self.responses.slot(other.responses.bucket(id), &key);
            self.responses.merge_cell(mine, &other.responses, id);
        }
        self.responses.compact();
        for (k, v) in other.employees.iter() {
            self.employees
                .update(&remap(k), EmployeeCell::default, |c| {
                    c.merge_mapped(v, &item_map)
                });
        }
        for (k, v) in other.weights.responses.iter() {
            self.weights
                .responses
                .update(&remap(k), WeightedCell::default, |c| c.merge(v));
        }
        let item_of = |item: u32| match item.checked_sub(weights::EMPLOYEE_ITEMS) {
            Some(i) => item_map
                .get(i as usize)
                .map_or(item, |&m| m + weights::EMPLOYEE_ITEMS),
            None => item,
        };
        for (k, v) in other.weights.employees.iter() {
            self.weights
                .employees
                .update(&remap(k), WeightedCell::default, |c| {
                    c.merge_mapped(v, Some(&item_of))
                });
        }
        self.comments.merge(&other.comments, &remap);
        for (k, v) in other.audits.iter() {
            self.audits
                .update(&remap(k), AuditCell::default, |c| c.merge(v));
        }
        for (k, v) in other.kpis.iter() {
            self.kpis
                .update(&remap(k), KpiCell::default, |c| c.merge(v));
        }
        if let Some((lo, hi)) = other.span {
            self.note_time(lo);
            self.note_time(hi);
        }
        self.last_response = match (self.last_response, other.last_response) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        self.alerts.merge(&other.alerts);
        self.within_budget();
        Ok(())
    }
}

/// The start of the bucket holding `t`, in days since 1970-01-01.
pub(crate) fn bucket_of(g: Granularity, t: Timestamp) -> i32 {
    let day = t.unix().div_euclid(86_400) as i32;
    match g {
        Granularity::None => 0,
        Granularity::Day => day,
        Granularity::IsoWeek => {
            // 1970-01-01 was a Thursday: Monday-based weekday = (day + 3) mod 7.
            day - (day + 3).rem_euclid(7)
        }
        Granularity::Month => {
            let d = t.date();
            NaiveDate::from_ymd_opt(d.year(), d.month(), 1).map_or(day, days_since_epoch)
        }
    }
}

/// Days since 1970-01-01.
pub(crate) fn days_since_epoch(d: NaiveDate) -> i32 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()).num_days() as i32
}

/// The date of a day number.
pub(crate) fn date_of_day(day: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1)
        .unwrap_or_default()
        .checked_add_signed(chrono::Duration::days(i64::from(day)))
        .unwrap_or_default()
}

/// ` at /pointer`, or nothing for the whole document (the empty pointer).
fn at_pointer(pointer: &str) -> String {
    if pointer.is_empty() {
        String::new()
    } else {
        format!(" at {pointer}")
    }
}

impl EngineError {
    /// The stable code for bindings (`invalid-plan`, …).
    pub fn code(&self) -> ErrorCode {
        match self {
            EngineError::InvalidPlan(_) => ErrorCode::InvalidPlan,
            EngineError::UnknownCubeDimension(_) => ErrorCode::UnknownDimension,
            EngineError::Incompatible(_) => ErrorCode::IncompatibleEngines,
            EngineError::TooManyValues { .. } => ErrorCode::TooManyValues,
            EngineError::Snapshot { .. } => ErrorCode::InvalidSnapshot,
            EngineError::Overflow(e) => e.code(),
            EngineError::MemoryLimit(e) => e.code(),
        }
    }

    /// The JSON Pointer the error is about (`""` when none).
    pub fn pointer(&self) -> String {
        match self {
            EngineError::InvalidPlan(d) => d.first().map(|d| d.pointer.clone()).unwrap_or_default(),
            EngineError::UnknownCubeDimension(_) => "/cube/dimensions".into(),
            EngineError::Incompatible(_)
            | EngineError::TooManyValues { .. }
            | EngineError::MemoryLimit(_)
            | EngineError::Overflow(_) => String::new(),
            EngineError::Snapshot { pointer, .. } => pointer.clone(),
        }
    }
}

impl From<LimitError> for EngineError {
    fn from(e: LimitError) -> EngineError {
        match e {
            LimitError::MemoryLimit(e) => EngineError::MemoryLimit(e),
            LimitError::Overflow(e) => EngineError::Overflow(e),
        }
    }
}

impl QueryError {
    /// The stable code for bindings.
    pub fn code(&self) -> ErrorCode {
        match self {
            QueryError::UnknownDimension { .. } => ErrorCode::UnknownDimension,
            QueryError::DimensionNotKept { .. } => ErrorCode::DimensionNotKept,
            QueryError::PeriodUnavailable { .. } => ErrorCode::PeriodUnavailable,
            QueryError::UnknownMetric { .. } => ErrorCode::UnknownMetric,
            QueryError::DuplicateGroupBy { .. } => ErrorCode::DuplicateGroupBy,
            QueryError::InvalidLevel(_) => ErrorCode::InvalidLevel,
            QueryError::Parse(e) => e.code(),
            QueryError::Compare(_) => ErrorCode::InvalidCompare,
            QueryError::Rake { .. } => ErrorCode::InvalidRake,
            QueryError::RakeNotConverged(_) => ErrorCode::RakeNotConverged,
        }
    }

    /// The JSON Pointer into the query.
    pub fn pointer(&self) -> String {
        match self {
            QueryError::UnknownDimension { pointer, .. }
            | QueryError::DimensionNotKept { pointer, .. }
            | QueryError::PeriodUnavailable { pointer, .. }
            | QueryError::UnknownMetric { pointer, .. }
            | QueryError::DuplicateGroupBy { pointer, .. } => pointer.clone(),
            QueryError::Parse(e) => e.pointer.clone(),
            QueryError::InvalidLevel(_) => "/level".into(),
            QueryError::Compare(_) => "/compare".into(),
            QueryError::Rake { pointer, .. } => pointer.clone(),
            QueryError::RakeNotConverged(_) => "/rake".into(),
        }
    }
}

impl MappingError {
    /// The stable code for bindings.
    pub fn code(&self) -> ErrorCode {
        match self {
            MappingError::MissingColumn { .. } => ErrorCode::MissingColumn,
            MappingError::UnknownId { .. } => ErrorCode::UnknownId,
            MappingError::Time => ErrorCode::MappingTime,
            MappingError::Delimiter => ErrorCode::InvalidDelimiter,
            MappingError::Header(_) => ErrorCode::InvalidHeader,
            MappingError::Parse(e) => e.code(),
            MappingError::MemoryLimit(e) => e.code(),
            MappingError::Overflow(e) => e.code(),
            MappingError::Quote(_) => ErrorCode::ParseError,
        }
    }

    /// The JSON Pointer into the mapping.
    pub fn pointer(&self) -> String {
        match self {
            MappingError::MissingColumn { pointer, .. }
            | MappingError::UnknownId { pointer, .. } => pointer.clone(),
            MappingError::Parse(e) => e.pointer.clone(),
            MappingError::Time => "/at".into(),
            MappingError::Delimiter => "/delimiter".into(),
            MappingError::Header(_)
            | MappingError::MemoryLimit(_)
            | MappingError::Overflow(_)
            | MappingError::Quote(_) => String::new(),
        }
    }
}
