//! Cells: the statistics the engine keeps, one set per cube cell, and the
//! columnar batch every input path is converted to before one kernel updates
//! the cells.
//!
//! A cell is keyed by a time bucket, the interned values of the dimensions
//! kept, and (for audits) the audit method. Every statistic is a mergeable
//! value from [`crate::score`]; no row is stored.

use std::collections::HashMap;

use rustc_hash::FxBuildHasher;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::score::{CoMoments, ComplianceStats, Histogram, PairedDiff};

/// Marker for a missing rating in a batch column.
pub const MISSING: u8 = u8::MAX;
/// Marker for a "not applicable" attribute rating in a batch column.
pub const NOT_APPLICABLE: u8 = u8::MAX - 1;

/// The key of a cell.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "camelCase")]
pub struct CellKey {
    /// Start of the time bucket, in days since 1970-01-01 (0 when the cube
    /// keeps no time).
    pub bucket: i32,
    /// Audit method + 1 for audit cells, 0 otherwise.
    pub method: u8,
    /// Interned value id per kept dimension (0 = absent).
    pub dims: Box<[u32]>,
}

/// Statistics of one attribute in one cell.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AttributeCell {
    /// Ratings on the attribute's scale.
    pub ratings: Histogram,
    /// Answers with the attribute's "not applicable" value.
    pub not_applicable: u64,
    /// Perception − expectation pairs.
    pub gap: PairedDiff,
}

/// Customer-response statistics of one cell.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResponseCell {
    /// Responses filed in the cell.
    pub responses: u64,
    /// NPS ratings 0–10.
    pub nps: Histogram,
    /// CSAT ratings.
    pub csat: Histogram,
    /// CES ratings.
    pub ces: Histogram,
    /// Overall outcome 0–10.
    pub overall: Histogram,
    /// One entry per plan attribute, in plan order.
    pub attributes: Vec<AttributeCell>,
    /// Co-moments of [attributes…, NPS rating] over complete cases.
    pub drivers_nps: CoMoments,
    /// Co-moments of [attributes…, overall] over complete cases.
    pub drivers_overall: CoMoments,
}

impl ResponseCell {
    /// Adds the statistics of `other`.
    pub fn merge(&mut self, other: &ResponseCell) {
        self.responses = self.responses.saturating_add(other.responses);
        self.nps.merge(&other.nps);
        self.csat.merge(&other.csat);
        self.ces.merge(&other.ces);
        self.overall.merge(&other.overall);
        if self.attributes.len() < other.attributes.len() {
            self.attributes
                .resize(other.attributes.len(), AttributeCell::default());
        }
        for (a, b) in self.attributes.iter_mut().zip(&other.attributes) {
            a.ratings.merge(&b.ratings);
            a.not_applicable = a.not_applicable.saturating_add(b.not_applicable);
            a.gap.merge(&b.gap);
        }
        // Shapes always agree within one plan; a mismatch cannot happen.
        let _ = self.drivers_nps.merge(&other.drivers_nps);
        let _ = self.drivers_overall.merge(&other.drivers_overall);
    }
}

/// Employee-survey statistics of one cell.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EmployeeCell {
    /// Employee responses filed in the cell.
    pub responses: u64,
    /// eNPS ratings 0–10.
    pub enps: Histogram,
    /// Satisfaction item histograms (1–5), indexed by interned item id.
    pub items: Vec<Histogram>,
}

impl EmployeeCell {
    /// Adds the statistics of `other`, whose item ids are mapped by `item_map`.
    pub fn merge_mapped(&mut self, other: &EmployeeCell, item_map: &[u32]) {
        self.responses = self.responses.saturating_add(other.responses);
        self.enps.merge(&other.enps);
        for (i, h) in other.items.iter().enumerate() {
            let to = item_map.get(i).map_or(i, |&m| m as usize);
            if self.items.len() <= to {
                self.items.resize(to + 1, Histogram::default());
            }
            self.items[to].merge(h);
        }
    }
}

/// Audit statistics of one cell.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditCell {
    /// Per-rule counts and audit scores.
    pub compliance: ComplianceStats,
    /// Audits with a failed critical rule.
    pub critical_failures: u64,
}

impl AuditCell {
    /// Adds the statistics of `other`.
    pub fn merge(&mut self, other: &AuditCell) {
        self.compliance.merge(&other.compliance);
        self.critical_failures = self
            .critical_failures
            .saturating_add(other.critical_failures);
    }
}

/// One KPI's running totals in a cell.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct KpiSum {
    /// Number of observations.
    pub n: u64,
    /// Sum of values.
    pub sum: f64,
}

/// KPI statistics of one cell: raw KPI name → totals.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct KpiCell {
    /// Totals per raw KPI name.
    pub sums: std::collections::BTreeMap<String, KpiSum>,
}

impl KpiCell {
    /// Adds the totals of `other`.
    pub fn merge(&mut self, other: &KpiCell) {
        for (k, v) in &other.sums {
            let e = self.sums.entry(k.clone()).or_default();
            e.n = e.n.saturating_add(v.n);
            e.sum += v.sum;
        }
    }
}

/// A batch of customer responses in columns (struct of arrays): the one
/// form every input path (typed rows, JSON Lines, CSV, C structs) is
/// converted to. Ratings are `u8` with [`MISSING`] for no answer and
/// [`NOT_APPLICABLE`] for an attribute's not-applicable value.
#[derive(Debug, Clone, Default)]
pub struct ResponseBatch {
    /// Time bucket per row.
    pub bucket: Vec<i32>,
    /// Interned dimension ids: `dims[d][row]`.
    pub dims: Vec<Vec<u32>>,
    /// NPS column.
    pub nps: Vec<u8>,
    /// CSAT column.
    pub csat: Vec<u8>,
    /// CES column.
    pub ces: Vec<u8>,
    /// Overall column.
    pub overall: Vec<u8>,
    /// Attribute columns: `attributes[a][row]`.
    pub attributes: Vec<Vec<u8>>,
    /// Expectation columns: `expectations[a][row]`.
    pub expectations: Vec<Vec<u8>>,
}

impl ResponseBatch {
    /// An empty batch for `dims` dimensions and `attributes` attributes.
    pub fn new(dims: usize, attributes: usize) -> ResponseBatch {
        ResponseBatch {
            dims: vec![Vec::new(); dims],
            attributes: vec![Vec::new(); attributes],
            expectations: vec![Vec::new(); attributes],
            ..ResponseBatch::default()
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.bucket.len()
    }

    /// True when the batch has no row.
    pub fn is_empty(&self) -> bool {
        self.bucket.is_empty()
    }

    /// Empties the batch, keeping its allocations.
    pub fn clear(&mut self) {
        self.bucket.clear();
        self.nps.clear();
        self.csat.clear();
        self.ces.clear();
        self.overall.clear();
        for c in &mut self.dims {
            c.clear();
        }
        for c in self.attributes.iter_mut().chain(&mut self.expectations) {
            c.clear();
        }
    }
}

/// Cells of one record kind: a key → value map that keeps insertion order
/// (so the kernel can hold an index instead of a borrow).
#[derive(Debug, Clone, PartialEq)]
pub struct CellMap<T> {
    index: HashMap<CellKey, usize, FxBuildHasher>,
    /// Keys, in insertion order.
    pub keys: Vec<CellKey>,
    /// Values, parallel to `keys`.
    pub values: Vec<T>,
}

impl<T> Default for CellMap<T> {
    fn default() -> Self {
        CellMap {
            index: HashMap::default(),
            keys: Vec::new(),
            values: Vec::new(),
        }
    }
}

impl<T> CellMap<T> {
    /// The position of `key`, inserting `make()` when absent.
    pub fn slot(&mut self, key: &CellKey, make: impl FnOnce() -> T) -> usize {
        if let Some(&i) = self.index.get(key) {
            return i;
        }
        let i = self.values.len();
        self.index.insert(key.clone(), i);
        self.keys.push(key.clone());
        self.values.push(make());
        i
    }

    /// The value of `key`, if the cell exists.
    pub fn get(&self, key: &CellKey) -> Option<&T> {
        self.index.get(key).map(|&i| &self.values[i])
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// True when there is no cell.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Iterates over (key, value).
    pub fn iter(&self) -> impl Iterator<Item = (&CellKey, &T)> {
        self.keys.iter().zip(&self.values)
    }
}

/// The kernel: adds every row of `batch` to its cell.
#[allow(clippy::needless_range_loop)] // three parallel arrays indexed by attribute
pub fn apply_responses(
    cells: &mut CellMap<ResponseCell>,
    batch: &ResponseBatch,
    n_attributes: usize,
) {
    let rows = batch.len();
    let n_dims = batch.dims.len();
    let mut key = CellKey {
        bucket: 0,
        method: 0,
        dims: vec![0; n_dims].into_boxed_slice(),
    };
    let mut row_buf: Vec<i64> = vec![0; n_attributes + 1];
    let mut slot: Option<usize> = None;
    let mut dense: Vec<usize> = Vec::new();
    let mut dense_bucket: Option<i32> = None;
    let uniform = n_dims == 1 && batch.bucket.iter().all(|b| Some(b) == batch.bucket.first());
    for r in 0..rows {
        let mut same = slot.is_some() && key.bucket == batch.bucket[r];
        for (d, col) in batch.dims.iter().enumerate() {
            if key.dims[d] != col[r] {
                key.dims[d] = col[r];
                same = false;
            }
        }
        key.bucket = batch.bucket[r];
        // One kept dimension and one bucket in the batch (e.g. a segment ×
        // no-time cube): a dense table from the dimension id to the cell
        // saves the hash lookup on every key change.
        if uniform {
            if dense_bucket != Some(key.bucket) {
                dense.clear();
                dense_bucket = Some(key.bucket);
            }
            let id = key.dims[0] as usize;
            if dense.len() <= id {
                dense.resize(id + 1, usize::MAX);
            }
            if dense[id] == usize::MAX {
                dense[id] = cells.slot(&key, || ResponseCell {
                    attributes: vec![AttributeCell::default(); n_attributes],
                    ..ResponseCell::default()
                });
            }
            slot = Some(dense[id]);
        }
        let i = match slot {
            Some(i) if same || uniform => i,
            _ => {
                let i = cells.slot(&key, || ResponseCell {
                    attributes: vec![AttributeCell::default(); n_attributes],
                    ..ResponseCell::default()
                });
                slot = Some(i);
                i
            }
        };
        let c = &mut cells.values[i];
        c.responses += 1;
        // Ratings were checked against their scales before entering the batch.
        let _ = add(&mut c.nps, batch.nps[r]);
        let _ = add(&mut c.csat, batch.csat[r]);
        let _ = add(&mut c.ces, batch.ces[r]);
        let _ = add(&mut c.overall, batch.overall[r]);
        let mut complete = n_attributes > 0;
        // The index walks several parallel columns.
        #[allow(clippy::needless_range_loop)]
        for a in 0..n_attributes {
            let v = batch.attributes[a][r];
            let cellattr = &mut c.attributes[a];
            match v {
                MISSING => complete = false,
                NOT_APPLICABLE => {
                    cellattr.not_applicable += 1;
                    complete = false;
                }
                v => {
                    let _ = cellattr.ratings.add(v);
                    row_buf[a] = i64::from(v);
                    let e = batch.expectations[a].get(r).copied().unwrap_or(MISSING);
                    if e != MISSING && e != NOT_APPLICABLE {
                        cellattr.gap.add(v, e);
                    }
                }
            }
        }
        if complete {
            if batch.nps[r] != MISSING {
                row_buf[n_attributes] = i64::from(batch.nps[r]);
                let _ = c.drivers_nps.add(&row_buf);
            }
            if batch.overall[r] != MISSING {
                row_buf[n_attributes] = i64::from(batch.overall[r]);
                let _ = c.drivers_overall.add(&row_buf);
            }
        }
    }
}

#[inline]
fn add(h: &mut Histogram, v: u8) -> Result<(), crate::score::ScoreError> {
    if v == MISSING {
        Ok(())
    } else {
        h.add(v)
    }
}
