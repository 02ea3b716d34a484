//! Snapshots: the engine's statistics as a versioned serde document (never
//! the rows), restorable on any machine, and mergeable after restore.
//!
//! A document carries a `checksum` (see [`Snapshot::seal`]); restoring checks
//! its shapes and ids here, what its numbers say in `integrity.rs`, then the
//! checksum, so an inconsistent edit is refused naming its pointer and a
//! consistent one is refused by the checksum.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::cells::{AuditCell, CellKey, CellMap, EmployeeCell, KpiCell, ResponseCell};
use super::integrity::{add_total, check_response_totals, check_span, document_checksum, Buckets};
use super::weights::WeightedCell;
use super::{Alert, Engine, EngineConfig, EngineError, Interner};
use crate::comment::{CommentStats, Verbatim};
use crate::diagnostic::escape_pointer_token;
use crate::plan::Plan;
use crate::score::Histogram;

/// The `format` of every snapshot document.
pub const SNAPSHOT_FORMAT: &str = "cx-snapshot";
/// The version of the snapshot document this crate writes and reads (3:
/// the document with its `checksum`). Versions 1 (the document without a
/// checksum) and 2 (the stream without one) are refused: they were written
/// by an older cx and cannot be told from a tampered snapshot.
pub const SNAPSHOT_VERSION: u32 = 3;
/// The version of the compact snapshot stream ([`Engine::write_snapshot`]):
/// 4, the stream ending with the CRC-32 of every byte before it.
pub const SNAPSHOT_STREAM_VERSION: u32 = 4;
/// The oldest snapshot version this crate reads.
const OLDEST_READ: u32 = SNAPSHOT_VERSION;

/// The largest count a snapshot may hold (2^53, the largest integer every
/// JSON reader keeps exact). Far above any real volume, and far enough below
/// `u64::MAX` that ingesting into and merging a restored engine cannot
/// overflow a count.
pub const MAX_SNAPSHOT_COUNT: u64 = 1 << 53;

/// An engine's statistics, as a document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Snapshot {
    /// Always `cx-snapshot`.
    pub format: String,
    /// Snapshot version (3 for a document, 4 in a stream's header).
    pub version: u32,
    /// The plan the statistics belong to.
    pub plan: Plan,
    /// The engine settings.
    pub config: EngineConfig,
    /// Dimension names, in key order.
    pub dimensions: Vec<String>,
    /// Interned values per dimension (id 1 is the first).
    pub values: Vec<Vec<String>>,
    /// Interned employee-satisfaction item names (id 0 is the first).
    pub items: Vec<String>,
    /// Customer-response cells, sorted by key.
    pub responses: Vec<(CellKey, ResponseCell)>,
    /// Employee-response cells, sorted by key.
    pub employees: Vec<(CellKey, EmployeeCell)>,
    /// Audit cells, sorted by key.
    pub audits: Vec<(CellKey, AuditCell)>,
    /// KPI cells, sorted by key.
    pub kpis: Vec<(CellKey, KpiCell)>,
    /// The customer responses filed with a survey weight, once more with
    /// their weights, sorted by key (absent without weighted records).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub weighted_responses: Vec<(CellKey, WeightedCell)>,
    /// The employee responses filed with a survey weight, sorted by key.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub weighted_employees: Vec<(CellKey, WeightedCell)>,
    /// The statistics of the customer comments, keyed as the response
    /// cells, sorted by key (absent without comments).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub response_comments: Vec<(CellKey, CommentStats)>,
    /// The statistics of the employee comments, sorted by key.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub employee_comments: Vec<(CellKey, CommentStats)>,
    /// The verbatims kept per plan theme (in plan order), newest first
    /// (absent without any).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub verbatims: Vec<Vec<Verbatim>>,
    /// Earliest and latest observation, unix seconds.
    pub span: Option<(i64, i64)>,
    /// Latest customer response, unix seconds.
    pub last_response: Option<i64>,
    /// The alerts the engine keeps, oldest first (see [`Engine::alerts`]);
    /// absent in snapshots written before they were kept. Restoring keeps
    /// the newest `config.limits.maxAlertsKept` of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alerts: Vec<Alert>,
    /// `crc32:` and eight hex digits: the CRC-32 of the document serialized
    /// as compact JSON without this member ([`Snapshot::seal`]). Required in
    /// a document; absent in a stream's header (the stream's own checksum
    /// covers it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
}

impl Snapshot {
    /// Sets [`Snapshot::checksum`] for the document as it is now.
    /// [`Engine::snapshot`] returns sealed documents; seal again after
    /// editing one on purpose (a restore refuses a document whose checksum
    /// does not match, as it refuses any tampered snapshot).
    pub fn seal(&mut self) {
        self.checksum = None;
        self.checksum = Some(document_checksum(self));
    }
}

fn sorted<T: Clone>(m: &CellMap<T>) -> Vec<(CellKey, T)> {
    let mut v: Vec<(CellKey, T)> = m.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

pub(crate) fn bad(pointer: String, message: impl Into<String>) -> EngineError {
    EngineError::Snapshot {
        pointer,
        message: message.into(),
    }
}

/// A count of the snapshot at `pointer` (built only on failure).
pub(crate) fn count(v: u64, pointer: impl FnOnce() -> String) -> Result<(), EngineError> {
    if v <= MAX_SNAPSHOT_COUNT {
        return Ok(());
    }
    Err(bad(
        pointer(),
        format!("the count {v} is larger than {MAX_SNAPSHOT_COUNT} (2^53), the most a snapshot may hold"),
    ))
}

fn histogram(h: &Histogram, pointer: &str) -> Result<(), EngineError> {
    for (r, &c) in h.counts.iter().enumerate() {
        count(c, || format!("{pointer}/counts/{r}"))?;
    }
    Ok(())
}

/// Every count of one customer-response cell (at `p`) is at most
/// [`MAX_SNAPSHOT_COUNT`].
pub(crate) fn check_response_counts(c: &ResponseCell, p: &str) -> Result<(), EngineError> {
    count(c.responses, || format!("{p}/responses"))?;
    for (name, h) in [
        ("nps", &c.nps),
        ("csat", &c.csat),
        ("ces", &c.ces),
        ("overall", &c.overall),
    ] {
        histogram(h, &format!("{p}/{name}"))?;
    }
    for (a, cell) in c.attributes.iter().enumerate() {
        histogram(&cell.ratings, &format!("{p}/attributes/{a}/ratings"))?;
        count(cell.not_applicable, || {
            format!("{p}/attributes/{a}/notApplicable")
        })?;
        count(cell.gap.n, || format!("{p}/attributes/{a}/gap/n"))?;
    }
    count(c.drivers_nps.n, || format!("{p}/driversNps/n"))?;
    count(c.drivers_overall.n, || format!("{p}/driversOverall/n"))
}

/// The shapes of one customer-response cell (at `p`) fit a plan with
/// `n_attr` attributes.
pub(crate) fn check_response_shape(
    c: &ResponseCell,
    p: &str,
    n_attr: usize,
) -> Result<(), EngineError> {
    if c.attributes.len() != n_attr {
        return Err(bad(
            format!("{p}/attributes"),
            format!("expected {n_attr} attributes"),
        ));
    }
    for (name, co) in [
        ("driversNps", &c.drivers_nps),
        ("driversOverall", &c.drivers_overall),
    ] {
        let ok = (co.columns == 0 && co.n == 0 && co.sums.is_empty() && co.cross.is_empty())
            || (co.columns == n_attr + 1
                && co.sums.len() == n_attr + 1
                && co.cross.len() == (n_attr + 1) * (n_attr + 2) / 2);
        if !ok {
            return Err(bad(format!("{p}/{name}"), "co-moments of the wrong shape"));
        }
    }
    Ok(())
}

/// Every count of the snapshot is at most [`MAX_SNAPSHOT_COUNT`].
fn check_counts(s: &Snapshot) -> Result<(), EngineError> {
    for (i, (_, c)) in s.responses.iter().enumerate() {
        check_response_counts(c, &format!("/responses/{i}/1"))?;
    }
    for (i, (_, c)) in s.employees.iter().enumerate() {
        let p = format!("/employees/{i}/1");
        count(c.responses, || format!("{p}/responses"))?;
        histogram(&c.enps, &format!("{p}/enps"))?;
        for (j, h) in c.items.iter().enumerate() {
            histogram(h, &format!("{p}/items/{j}"))?;
        }
    }
    for (i, (_, c)) in s.audits.iter().enumerate() {
        let p = format!("/audits/{i}/1");
        count(c.critical_failures, || format!("{p}/criticalFailures"))?;
        let a = &c.compliance.audits;
        count(a.count, || format!("{p}/compliance/audits/count"))?;
        count(a.unscored, || format!("{p}/compliance/audits/unscored"))?;
        for (rule, r) in &c.compliance.rules {
            let rp = format!("{p}/compliance/rules/{}", escape_pointer_token(rule));
            count(r.pass, || format!("{rp}/pass"))?;
            count(r.fail, || format!("{rp}/fail"))?;
            count(r.not_applicable, || format!("{rp}/notApplicable"))?;
        }
    }
    for (i, (_, c)) in s.kpis.iter().enumerate() {
        for (name, k) in &c.sums {
            count(k.n, || {
                format!("/kpis/{i}/1/sums/{}/n", escape_pointer_token(name))
            })?;
        }
    }
    Ok(())
}

/// A snapshot `found` where this cx reads `expected` (at `pointer`): an
/// older version is refused with what to do about it.
pub(crate) fn check_version(found: u32, expected: u32, pointer: &str) -> Result<(), EngineError> {
    // Documents were versions 1 and 3, streams 2 and 4.
    let kind = |v: u32| {
        if matches!(v, 2 | 4) {
            "stream"
        } else {
            "document"
        }
    };
    let reads = format!(
        "this cx reads snapshot version {SNAPSHOT_VERSION} (a document) and {SNAPSHOT_STREAM_VERSION} (a stream)"
    );
    if found == expected {
        Ok(())
    } else if found < OLDEST_READ {
        Err(bad(
            pointer.into(),
            format!(
                "snapshot version {found} (a {}) was written by an older cx, without a checksum, and cannot be told from a tampered one; {reads}: write the snapshot again from the data",
                kind(found)
            ),
        ))
    } else if found > SNAPSHOT_STREAM_VERSION {
        Err(bad(
            pointer.into(),
            format!("snapshot version {found} was written by a newer cx; {reads}"),
        ))
    } else {
        Err(bad(
            pointer.into(),
            format!(
                "expected a snapshot {} (version {expected}) here, not version {found}",
                kind(expected)
            ),
        ))
    }
}

/// A document's checksum (`sealed`, computed; `None` for a stream's header)
/// against the one it carries.
fn check_checksum(claimed: Option<String>, sealed: Option<String>) -> Result<(), EngineError> {
    match (claimed, sealed) {
        (None, None) => Ok(()),
        (Some(_), None) => Err(bad(
            "/checksum".into(),
            "a stream's header carries no checksum (the stream's last bytes do)",
        )),
        (None, Some(_)) => Err(bad(
            "/checksum".into(),
            "the document has no checksum: it was not written by cx, or the member was removed",
        )),
        (Some(c), Some(s)) if c == s => Ok(()),
        (Some(c), Some(s)) => Err(bad(
            "/checksum".into(),
            format!(
                "the checksum is {c} but the document gives {s}: the snapshot was changed after it was written"
            ),
        )),
    }
}

/// What the numbers of a document say, beyond their shapes: see
/// `integrity.rs`.
fn check_semantics(s: &Snapshot) -> Result<(), EngineError> {
    let has_cells = !(s.responses.is_empty()
        && s.employees.is_empty()
        && s.audits.is_empty()
        && s.kpis.is_empty());
    check_span(s.span, s.last_response, has_cells)?;
    let buckets = Buckets::new(s.config.cube.granularity, s.span);
    buckets.check_keys(&s.responses, "responses")?;
    buckets.check_keys(&s.employees, "employees")?;
    buckets.check_keys(&s.audits, "audits")?;
    buckets.check_keys(&s.kpis, "kpis")?;
    buckets.check_keys(&s.weighted_responses, "weightedResponses")?;
    buckets.check_keys(&s.weighted_employees, "weightedEmployees")?;
    buckets.check_keys(&s.response_comments, "responseComments")?;
    buckets.check_keys(&s.employee_comments, "employeeComments")?;
    let mut total = 0u64;
    for (i, (_, c)) in s.responses.iter().enumerate() {
        let p = format!("/responses/{i}/1");
        check_response_totals(c, &p)?;
        add_total(&mut total, c.responses, || format!("{p}/responses"))?;
    }
    let mut total = 0u64;
    for (i, (_, c)) in s.employees.iter().enumerate() {
        let p = format!("/employees/{i}/1");
        add_total(&mut total, c.responses, || format!("{p}/responses"))?;
        within_histogram(&c.enps, c.responses, || format!("{p}/enps"))?;
        for (j, h) in c.items.iter().enumerate() {
            within_histogram(h, c.responses, || format!("{p}/items/{j}"))?;
        }
    }
    let mut total = 0u64;
    for (i, (_, c)) in s.audits.iter().enumerate() {
        let p = format!("/audits/{i}/1");
        let a = &c.compliance.audits;
        let audits = a.count.saturating_add(a.unscored);
        add_total(&mut total, audits, || {
            format!("{p}/compliance/audits/count")
        })?;
        if c.critical_failures > audits {
            return Err(bad(
                format!("{p}/criticalFailures"),
                format!(
                    "{} audits with a critical failure, more than the cell's {audits} audits",
                    c.critical_failures
                ),
            ));
        }
    }
    let mut total = 0u64;
    for (i, (_, c)) in s.kpis.iter().enumerate() {
        for (name, k) in &c.sums {
            add_total(&mut total, k.n, || {
                format!("/kpis/{i}/1/sums/{}/n", escape_pointer_token(name))
            })?;
        }
    }
    Ok(())
}

/// A histogram of a cell of `n` responses (at `p`) holds at most `n`
/// answers.
fn within_histogram(h: &Histogram, n: u64, p: impl FnOnce() -> String) -> Result<(), EngineError> {
    let t = h.counts.iter().fold(0u64, |a, &c| a.saturating_add(c));
    if t <= n {
        return Ok(());
    }
    Err(bad(
        p(),
        format!("{t} ratings, more than the cell's {n} responses"),
    ))
}

impl Engine {
    /// Every customer-response cell with its statistics, sorted by key.
    fn response_cells(&self) -> Vec<(CellKey, ResponseCell)> {
        let r = &self.responses;
        let mut v: Vec<(CellKey, ResponseCell)> = (0..r.len())
            .map(|id| {
                let key = CellKey {
                    bucket: r.bucket(id),
                    method: 0,
                    dims: r.key(id).into(),
                };
                (key, r.totals(id))
            })
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }

    /// The engine's statistics as a versioned document (version 3: every
    /// customer-response cell as histograms and co-moments, so a document
    /// to read or export, sealed with its `checksum`;
    /// [`Engine::write_snapshot`] writes the compact stream).
    pub fn snapshot(&self) -> Snapshot {
        let mut s = self.snapshot_header();
        s.version = SNAPSHOT_VERSION;
        s.responses = self.response_cells();
        s.seal();
        s
    }

    /// The snapshot document without the customer-response cells.
    pub(crate) fn snapshot_header(&self) -> Snapshot {
        Snapshot {
            format: SNAPSHOT_FORMAT.into(),
            version: SNAPSHOT_VERSION,
            plan: (*self.plan).clone(),
            config: self.config.clone(),
            dimensions: self.dims.clone(),
            values: self.interners.iter().map(|i| i.values().to_vec()).collect(),
            items: self.items.values().to_vec(),
            responses: Vec::new(),
            employees: sorted(&self.employees),
            audits: sorted(&self.audits),
            kpis: sorted(&self.kpis),
            weighted_responses: sorted(&self.weights.responses),
            weighted_employees: sorted(&self.weights.employees),
            response_comments: sorted(&self.comments.responses),
            employee_comments: sorted(&self.comments.employees),
            verbatims: self.comments.verbatims.kept(),
            span: self.span,
            last_response: self.last_response,
            alerts: self.alerts(),
            checksum: None,
        }
    }

    /// Rebuilds an engine from a snapshot; every id and shape is checked, so
    /// a corrupted snapshot is an error, never a panic.
    pub fn restore(s: Snapshot) -> Result<Engine, EngineError> {
        Engine::restore_version(s, SNAPSHOT_VERSION)
    }

    /// [`Engine::restore`] of a document of snapshot version `version` (a
    /// stream's header holds no customer-response cell and no checksum).
    pub(crate) fn restore_version(mut s: Snapshot, version: u32) -> Result<Engine, EngineError> {
        if s.format != SNAPSHOT_FORMAT {
            return Err(bad(
                "/format".into(),
                format!("expected `{SNAPSHOT_FORMAT}`, found `{}`", s.format),
            ));
        }
        check_version(s.version, version, "/version")?;
        // The checksum is compared last, so that an inconsistent edit is
        // refused naming what is wrong.
        let claimed = s.checksum.take();
        let sealed = (version == SNAPSHOT_VERSION).then(|| document_checksum(&s));
        check_counts(&s)?;
        check_semantics(&s)?;
        // A plan or cube the engine refuses is the snapshot's fault: an
        // invalid snapshot, pointing into it. (The plan is cloned so that
        // the checks below can still read the whole snapshot.)
        let mut e =
            Engine::with_config(s.plan.clone(), std::mem::take(&mut s.config)).map_err(|e| {
                let at = match e {
                    EngineError::InvalidPlan(_) => "/plan",
                    _ => "/config",
                };
                bad(
                    format!("{at}{}", e.pointer()),
                    format!("the snapshot's {}: {e}", &at[1..]),
                )
            })?;
        check_dictionaries(&s.dimensions, &s.values, &s.items, &e)?;
        check_cell_keys(&s, e.plan.attributes.len())?;
        e.fill_from(s)?;
        check_checksum(claimed, sealed)?;
        e.check_restored()?;
        Ok(e)
    }
}

/// The dictionaries of a snapshot against the engine its plan and cube
/// make: the dimensions, their values (within the limit, no duplicate) and
/// the item names (no duplicate).
fn check_dictionaries(
    dimensions: &[String],
    values: &[Vec<String>],
    items: &[String],
    e: &Engine,
) -> Result<(), EngineError> {
    if e.dims != dimensions {
        return Err(bad(
            "/dimensions".into(),
            format!("expected {:?} for this plan and cube", e.dims),
        ));
    }
    if values.len() != e.dims.len() {
        return Err(bad(
            "/values".into(),
            format!("expected {} lists of values", e.dims.len()),
        ));
    }
    let max_values = e.config.limits.max_distinct_values;
    for (d, vals) in values.iter().enumerate() {
        if vals.len() > max_values {
            return Err(bad(
                format!("/values/{d}"),
                format!(
                    "{} values for `{}`; the limit is {max_values} (/config/limits/maxDistinctValues)",
                    vals.len(),
                    e.dims[d]
                ),
            ));
        }
        let set: std::collections::HashSet<&String> = vals.iter().collect();
        if set.len() != vals.len() {
            return Err(bad(format!("/values/{d}"), "duplicate values"));
        }
    }
    // Item ids are positions in the list: a name twice would leave a
    // cell's items pointing past the names kept.
    let names: std::collections::HashSet<&String> = items.iter().collect();
    if names.len() != items.len() {
        return Err(bad("/items".into(), "duplicate item names"));
    }
    Ok(())
}

/// Every cell key of a snapshot names values it has and a valid method;
/// every cell has the shape of the plan (`n_attr` attributes).
fn check_cell_keys(s: &Snapshot, n_attr: usize) -> Result<(), EngineError> {
    let n_items = s.items.len();
    let check_key = |k: &CellKey, pointer: String, audit: bool| -> Result<(), EngineError> {
        if k.dims.len() != s.values.len() {
            return Err(bad(pointer, "wrong number of dimension ids"));
        }
        for (d, &id) in k.dims.iter().enumerate() {
            if id as usize > s.values[d].len() {
                return Err(bad(
                    format!("{pointer}/dims/{d}"),
                    format!("id {id} names no value"),
                ));
            }
        }
        let method_ok = if audit {
            (1..=4).contains(&k.method)
        } else {
            k.method == 0
        };
        if !method_ok {
            return Err(bad(
                format!("{pointer}/method"),
                "invalid audit method code",
            ));
        }
        Ok(())
    };
    for (i, (k, c)) in s.responses.iter().enumerate() {
        check_key(k, format!("/responses/{i}/0"), false)?;
        check_response_shape(c, &format!("/responses/{i}/1"), n_attr)?;
    }
    for (i, (k, c)) in s.employees.iter().enumerate() {
        check_key(k, format!("/employees/{i}/0"), false)?;
        if c.items.len() > n_items {
            return Err(bad(
                format!("/employees/{i}/1/items"),
                "more items than item names",
            ));
        }
    }
    for (i, (k, _)) in s.audits.iter().enumerate() {
        check_key(k, format!("/audits/{i}/0"), true)?;
    }
    let themes = s.plan.themes.len();
    for (name, cells) in [
        ("responseComments", &s.response_comments),
        ("employeeComments", &s.employee_comments),
    ] {
        for (i, (k, c)) in cells.iter().enumerate() {
            check_key(k, format!("/{name}/{i}/0"), false)?;
            super::comments::check_stats(c, themes, &format!("/{name}/{i}/1"))?;
        }
    }
    let weighted = [
        ("weightedResponses", &s.weighted_responses, 4 + n_attr),
        ("weightedEmployees", &s.weighted_employees, 1 + n_items),
    ];
    for (name, cells, items) in weighted {
        for (i, (k, c)) in cells.iter().enumerate() {
            check_key(k, format!("/{name}/{i}/0"), false)?;
            super::integrity::check_weighted(c, items, &format!("/{name}/{i}/1"))?;
        }
    }
    for (i, (k, c)) in s.kpis.iter().enumerate() {
        check_key(k, format!("/kpis/{i}/0"), false)?;
        if c.sums.values().any(|v| !v.sum.is_finite()) {
            return Err(bad(format!("/kpis/{i}/1"), "a KPI sum is not finite"));
        }
    }
    Ok(())
}

impl Engine {
    /// Fills a new engine with the checked contents of a snapshot.
    fn fill_from(&mut self, s: Snapshot) -> Result<(), EngineError> {
        self.interners = s.values.into_iter().map(Interner::from_values).collect();
        self.items = Interner::from_values(s.items);
        for (k, v) in s.responses {
            if !self.responses.insert_dense(k.bucket, &k.dims, v) {
                return Err(bad("/responses".into(), "duplicate cell keys"));
            }
        }
        for (k, v) in s.employees {
            if !self.employees.insert(k, v) {
                return Err(bad("/employees".into(), "duplicate cell keys"));
            }
        }
        for (k, v) in s.audits {
            if !self.audits.insert(k, v) {
                return Err(bad("/audits".into(), "duplicate cell keys"));
            }
        }
        for (k, v) in s.kpis {
            if !self.kpis.insert(k, v) {
                return Err(bad("/kpis".into(), "duplicate cell keys"));
            }
        }
        for (k, v) in s.weighted_responses {
            if !self.weights.responses.insert(k, v) {
                return Err(bad("/weightedResponses".into(), "duplicate cell keys"));
            }
        }
        for (k, v) in s.weighted_employees {
            if !self.weights.employees.insert(k, v) {
                return Err(bad("/weightedEmployees".into(), "duplicate cell keys"));
            }
        }
        self.comments
            .fill(s.response_comments, s.employee_comments, s.verbatims)?;
        self.span = s.span;
        self.last_response = s.last_response;
        for a in s.alerts {
            self.alerts.push(a);
        }
        Ok(())
    }
}
