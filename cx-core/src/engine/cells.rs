//! Cells: the statistics the engine keeps, one set per cube cell, and the
//! columnar batch every input path is converted to before one kernel updates
//! the cells.
//!
//! A cell is keyed by a time bucket, the interned values of the dimensions
//! kept, and (for audits) the audit method. Every statistic is a mergeable
//! value from [`crate::score`]; no row is stored.

use std::collections::BTreeMap;

use hashbrown::HashMap;
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
    pub sums: BTreeMap<String, KpiSum>,
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

/// The records a cell counts (employee responses, audits, KPI
/// observations): what [`CellMap`] keeps a running total of, for the
/// engine's limit of 2^53 records of a kind.
pub trait CellRecords {
    /// Records filed in the cell.
    fn records(&self) -> u64;
}

impl CellRecords for EmployeeCell {
    fn records(&self) -> u64 {
        self.responses
    }
}

impl CellRecords for AuditCell {
    fn records(&self) -> u64 {
        let a = &self.compliance.audits;
        a.count.saturating_add(a.unscored)
    }
}

impl CellRecords for KpiCell {
    fn records(&self) -> u64 {
        self.sums.values().fold(0, |t, s| t.saturating_add(s.n))
    }
}

/// Heap bytes a cell owns beyond its own size. Vectors count their
/// capacity; a `BTreeMap` counts its entries and key strings with a node
/// overhead of one half (its nodes are not visible), so the figure is an
/// estimate for the maps and exact for everything else.
pub trait HeapBytes {
    /// Heap bytes owned.
    fn heap_bytes(&self) -> usize;
}

fn map_bytes<V>(m: &BTreeMap<String, V>) -> usize {
    let entry = std::mem::size_of::<String>() + std::mem::size_of::<V>();
    m.len() * entry * 3 / 2 + m.keys().map(String::capacity).sum::<usize>()
}

impl HeapBytes for EmployeeCell {
    fn heap_bytes(&self) -> usize {
        self.items.capacity() * std::mem::size_of::<Histogram>()
    }
}

impl HeapBytes for AuditCell {
    fn heap_bytes(&self) -> usize {
        map_bytes(&self.compliance.rules)
    }
}

impl HeapBytes for KpiCell {
    fn heap_bytes(&self) -> usize {
        map_bytes(&self.sums)
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
    /// Weight per row in millionths ([`crate::score::WEIGHT_SCALE`]), 0 for
    /// a row without a weight; empty while no row of the batch has one
    /// (see [`ResponseBatch::set_weight`]).
    pub weights: Vec<u64>,
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
        self.weights.clear();
        for c in &mut self.dims {
            c.clear();
        }
        for c in self.attributes.iter_mut().chain(&mut self.expectations) {
            c.clear();
        }
    }

    /// Appends one row: its time bucket, its dimension ids (one per
    /// dimension), NPS, CSAT, CES and overall (`MISSING` when absent), and
    /// a rating and an expected level per plan attribute.
    #[inline]
    pub fn push_row(
        &mut self,
        bucket: i32,
        ids: &[u32],
        [nps, csat, ces, overall]: [u8; 4],
        attributes: &[u8],
        expectations: &[u8],
    ) {
        self.bucket.push(bucket);
        for (col, &id) in self.dims.iter_mut().zip(ids) {
            col.push(id);
        }
        self.nps.push(nps);
        self.csat.push(csat);
        self.ces.push(ces);
        self.overall.push(overall);
        for (col, &v) in self.attributes.iter_mut().zip(attributes) {
            col.push(v);
        }
        for (col, &v) in self.expectations.iter_mut().zip(expectations) {
            col.push(v);
        }
    }

    /// Gives row `row` the weight `millionths` (a checked
    /// [`crate::score::FixedWeight`] other than 1). The weight column is
    /// filled with 0 (no weight) the first time, so a batch without weights
    /// costs nothing.
    pub fn set_weight(&mut self, row: usize, millionths: u64) {
        if self.weights.len() < self.len() {
            self.weights.resize(self.len(), 0);
        }
        if let Some(w) = self.weights.get_mut(row) {
            *w = millionths;
        }
    }
}

/// Cells of one record kind: a key → value map that keeps insertion order
/// (so the kernel can hold an index instead of a borrow), with running
/// counts of the heap its values own and of the records they hold and,
/// during a transaction, what it takes to undo it.
#[derive(Debug, Clone)]
pub struct CellMap<T> {
    index: HashMap<CellKey, usize, FxBuildHasher>,
    /// Keys, in insertion order.
    keys: Vec<CellKey>,
    /// Values, parallel to `keys`.
    values: Vec<T>,
    /// Heap bytes owned by the values.
    heap: usize,
    /// Records the values hold ([`CellRecords`]).
    records: u64,
    journal: Option<Box<CellJournal<T>>>,
}

/// What undoes a transaction on a [`CellMap`]: its size and capacities at
/// the start, and the first value of every older cell changed since.
#[derive(Debug, Clone)]
struct CellJournal<T> {
    len: usize,
    heap: usize,
    records: u64,
    capacities: [usize; 3],
    saved: Vec<(usize, T)>,
    seen: hashbrown::HashSet<usize, FxBuildHasher>,
}

impl<T: PartialEq> PartialEq for CellMap<T> {
    fn eq(&self, other: &Self) -> bool {
        self.keys == other.keys && self.values == other.values
    }
}

impl<T> Default for CellMap<T> {
    fn default() -> Self {
        CellMap {
            index: HashMap::default(),
            keys: Vec::new(),
            values: Vec::new(),
            heap: 0,
            records: 0,
            journal: None,
        }
    }
}

impl<T> CellMap<T> {
    /// The value of `key`, if the cell exists.
    pub fn get(&self, key: &CellKey) -> Option<&T> {
        self.index.get(key).map(|&i| &self.values[i])
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Iterates over (key, value), in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&CellKey, &T)> {
        self.keys.iter().zip(&self.values)
    }

    /// Records the cells hold together ([`CellRecords`]), kept as they
    /// change: no cell is visited.
    pub fn records(&self) -> u64 {
        self.records
    }
}

impl<T: Clone + HeapBytes + CellRecords> CellMap<T> {
    /// Applies `f` to the value of `key`, inserting `make()` first when the
    /// cell is absent; keeps the heap and record counts and the
    /// transaction's journal.
    pub fn update<R>(
        &mut self,
        key: &CellKey,
        make: impl FnOnce() -> T,
        f: impl FnOnce(&mut T) -> R,
    ) -> R {
        let i = match self.index.get(key) {
            Some(&i) => i,
            None => {
                let i = self.values.len();
                self.index.insert(key.clone(), i);
                self.keys.push(key.clone());
                let v = make();
                self.heap += v.heap_bytes();
                self.records = self.records.saturating_add(v.records());
                self.values.push(v);
                i
            }
        };
        if let Some(j) = &mut self.journal {
            if i < j.len && j.seen.insert(i) {
                j.saved.push((i, self.values[i].clone()));
            }
        }
        let v = &mut self.values[i];
        let (before, records) = (v.heap_bytes(), v.records());
        let out = f(v);
        self.heap = self.heap - before + v.heap_bytes();
        self.records = self
            .records
            .saturating_sub(records)
            .saturating_add(v.records());
        out
    }

    /// Inserts a cell; false (and nothing changes) when the key is there.
    pub fn insert(&mut self, key: CellKey, value: T) -> bool {
        if self.index.contains_key(&key) {
            return false;
        }
        self.update(&key, || value, |_| ());
        true
    }

    /// Heap bytes: the index, the keys and the values with what they own.
    pub fn bytes(&self) -> usize {
        let key = std::mem::size_of::<CellKey>();
        self.index.allocation_size()
            + self.keys.capacity() * key
            + self.values.capacity() * std::mem::size_of::<T>()
            + (self.index.len() + self.keys.len())
                * (self.keys.first().map_or(0, |k| k.dims.len()) * 4)
            + self.heap
    }

    /// Starts journaling changes for [`CellMap::rollback`].
    pub(crate) fn begin(&mut self) {
        self.journal = Some(Box::new(CellJournal {
            len: self.values.len(),
            heap: self.heap,
            records: self.records,
            capacities: [
                self.index.capacity(),
                self.keys.capacity(),
                self.values.capacity(),
            ],
            saved: Vec::new(),
            seen: Default::default(),
        }));
    }

    /// Keeps the changes since [`CellMap::begin`].
    pub(crate) fn commit(&mut self) {
        self.journal = None;
    }

    /// Undoes the changes since [`CellMap::begin`], the room taken
    /// included.
    pub(crate) fn rollback(&mut self) {
        let Some(j) = self.journal.take() else {
            return;
        };
        for (i, v) in j.saved {
            self.values[i] = v;
        }
        for k in self.keys.drain(j.len..) {
            self.index.remove(&k);
        }
        self.values.truncate(j.len);
        (self.heap, self.records) = (j.heap, j.records);
        let [index, keys, values] = j.capacities;
        self.index.shrink_to(index);
        self.keys.shrink_to(keys);
        self.values.shrink_to(values);
    }
}
