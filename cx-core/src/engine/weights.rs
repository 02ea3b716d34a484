//! Weighted cells: what the engine keeps of the records that carry a
//! survey weight (other than 1), beside the unweighted statistics every
//! record feeds.
//!
//! Every record, weighted or not, is counted in its ordinary cell (the
//! customer-response store or the employee cell map): n, the unweighted
//! scores and the footprint of unweighted data are unchanged. A record with
//! a weight also adds, in a [`WeightedCell`] of the same key, its weight
//! (Σw, Σw²) and, per item and rating, its count and weight. A group's
//! weighted histogram is then exact: the unweighted records of the group
//! count with weight 1, the weighted ones with their own
//! ([`WeightedCell::histogram`]). Cells of data without weights have no
//! weighted cell at all.
//!
//! Items: a customer response's NPS, CSAT, CES and overall ratings are items
//! 0–3 ([`RESPONSE_ITEMS`]) and plan attribute `a` is item `4 + a`; an
//! employee response's eNPS is item 0 and satisfaction item `i` (the
//! engine's interned item id) is item `1 + i`.
//!
//! Drivers: a customer response's weighted cell also keeps, for the
//! co-moments of [attributes…, NPS] and [attributes…, overall] over
//! complete cases, the correction of its weighted records,
//! Σ(w − 1)·(1, xᵢ, xᵢxⱼ) ([`WeightedCoMoments::add_reweighted`]). The
//! ordinary cell counts those records with weight 1, so a group's weighted
//! co-moments are its unweighted co-moments corrected by these sums
//! ([`WeightedCell::drivers`]), exactly.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::cells::{CellKey, CellMap, CellRecords, HeapBytes, ResponseBatch};
use crate::score::{
    CoMoments, Histogram, ScoreError, WeightedCoMoments, WeightedHistogram, HISTOGRAM_POINTS,
    WEIGHT_SCALE,
};

/// Items of a customer response before the attributes: NPS, CSAT, CES and
/// overall.
pub const RESPONSE_ITEMS: u32 = 4;
/// The item of a customer response's NPS rating.
pub const ITEM_NPS: u32 = 0;
/// The item of a customer response's CSAT rating.
pub const ITEM_CSAT: u32 = 1;
/// The item of a customer response's CES rating.
pub const ITEM_CES: u32 = 2;
/// The item of an employee response's eNPS rating.
pub const ITEM_ENPS: u32 = 0;
/// Items of an employee response before its satisfaction items (eNPS).
pub const EMPLOYEE_ITEMS: u32 = 1;

/// One item and rating of a [`WeightedCell`]: the weighted records that
/// gave it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WeightEntry {
    /// The item (see the module documentation).
    pub item: u32,
    /// The rating, 0–10.
    pub rating: u8,
    /// Weighted records that gave it.
    pub count: u64,
    /// Their Σw, in millionths.
    #[serde(with = "u128_text")]
    #[schemars(with = "String")]
    pub weight: u128,
    /// Their Σw², in millionths squared.
    #[serde(with = "u128_text")]
    #[schemars(with = "String")]
    pub square: u128,
}

/// The weighted records of one cell: their number and weight, and per item
/// and rating their counts and weights (sorted by item, then rating).
/// Sums are exact integers in fixed point (millionths), written as decimal
/// text in JSON so that every JSON reader keeps them exact.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WeightedCell {
    /// Records filed with a weight.
    pub records: u64,
    /// Their Σw, in millionths.
    #[serde(with = "u128_text")]
    #[schemars(with = "String")]
    pub weight: u128,
    /// Their Σw², in millionths squared.
    #[serde(with = "u128_text")]
    #[schemars(with = "String")]
    pub square: u128,
    /// Per item and rating, sorted by (item, rating).
    pub entries: Vec<WeightEntry>,
    /// The correction Σ(w − 1)·(1, xᵢ, xᵢxⱼ) of the weighted complete
    /// cases of [attributes…, NPS]; empty (and not written) without any.
    #[serde(default, skip_serializing_if = "WeightedCoMoments::is_empty")]
    pub drivers_nps: WeightedCoMoments,
    /// The same for [attributes…, overall].
    #[serde(default, skip_serializing_if = "WeightedCoMoments::is_empty")]
    pub drivers_overall: WeightedCoMoments,
}

impl WeightedCell {
    /// Counts one record of weight `millionths`.
    pub fn add_record(&mut self, millionths: u64) {
        let w = u128::from(millionths);
        self.records = self.records.saturating_add(1);
        self.weight = self.weight.saturating_add(w);
        self.square = self.square.saturating_add(w * w);
    }

    /// Adds a rating `rating` of `item` with weight `millionths` (ratings
    /// above 10 are not ratings and are left out).
    pub fn add_rating(&mut self, item: u32, rating: u8, millionths: u64) {
        let w = u128::from(millionths);
        self.add_entry(WeightEntry {
            item,
            rating,
            count: 1,
            weight: w,
            square: w * w,
        });
    }

    fn add_entry(&mut self, e: WeightEntry) {
        if usize::from(e.rating) >= HISTOGRAM_POINTS {
            return;
        }
        match self
            .entries
            .binary_search_by_key(&(e.item, e.rating), |x| (x.item, x.rating))
        {
            Ok(i) => {
                let x = &mut self.entries[i];
                x.count = x.count.saturating_add(e.count);
                x.weight = x.weight.saturating_add(e.weight);
                x.square = x.square.saturating_add(e.square);
            }
            Err(i) => self.entries.insert(i, e),
        }
    }

    /// Adds the statistics of `other`, whose items are mapped by `item_map`
    /// (the identity when `None`).
    pub fn merge_mapped(&mut self, other: &WeightedCell, item_map: Option<&dyn Fn(u32) -> u32>) {
        self.records = self.records.saturating_add(other.records);
        self.weight = self.weight.saturating_add(other.weight);
        self.square = self.square.saturating_add(other.square);
        for e in &other.entries {
            let item = item_map.map_or(e.item, |f| f(e.item));
            self.add_entry(WeightEntry { item, ..*e });
        }
        // Shapes agree within one engine; a mismatch (only from a cell
        // that failed its snapshot checks) leaves these sums as they were.
        let _ = self.drivers_nps.merge(&other.drivers_nps);
        let _ = self.drivers_overall.merge(&other.drivers_overall);
    }

    /// The weighted co-moments of a group whose records have the
    /// unweighted co-moments `co` (every record with weight 1) and whose
    /// weighted records are these (`correction` is [`Self::drivers_nps`]
    /// or [`Self::drivers_overall`]): records without a weight count with
    /// weight 1.
    pub fn drivers(
        co: &CoMoments,
        correction: &WeightedCoMoments,
    ) -> Result<WeightedCoMoments, ScoreError> {
        WeightedCoMoments::corrected(co, correction)
    }

    /// Adds the statistics of `other`.
    pub fn merge(&mut self, other: &WeightedCell) {
        self.merge_mapped(other, None);
    }

    /// The weighted histogram of `item`, given `counts`, the item's counts
    /// over every record of the same cells (weighted or not): the records
    /// without a weight count with weight 1.
    pub fn histogram(&self, item: u32, counts: &Histogram) -> WeightedHistogram {
        let mut h = WeightedHistogram::of_unweighted(counts);
        let at = self.entries.partition_point(|e| e.item < item);
        for e in self.entries[at..].iter().take_while(|e| e.item == item) {
            let r = usize::from(e.rating);
            let plain = u128::from(h.counts[r].saturating_sub(e.count));
            let s = u128::from(WEIGHT_SCALE);
            h.weights[r] = (plain * s).saturating_add(e.weight);
            h.squares[r] = (plain * s * s).saturating_add(e.square);
        }
        h
    }

    /// Σw and Σw² (in units of weight) of `responses` records of the same
    /// cells, weighted or not.
    pub fn totals(&self, responses: u64) -> (f64, f64) {
        let plain = u128::from(responses.saturating_sub(self.records));
        let s = u128::from(WEIGHT_SCALE);
        let w = (plain * s).saturating_add(self.weight);
        let q = (plain * s * s).saturating_add(self.square);
        let sf = WEIGHT_SCALE as f64;
        (w as f64 / sf, q as f64 / (sf * sf))
    }

    /// Counts row `row` of `batch`, of weight `millionths`: the record and
    /// each of its ratings.
    pub(crate) fn file_row(&mut self, batch: &ResponseBatch, row: usize, millionths: u64) {
        self.add_record(millionths);
        let scores = [&batch.nps, &batch.csat, &batch.ces, &batch.overall];
        for (item, col) in (0u32..).zip(scores) {
            self.add_rating(item, col[row], millionths);
        }
        for (a, col) in (RESPONSE_ITEMS..).zip(&batch.attributes) {
            self.add_rating(a, col[row], millionths);
        }
        self.file_drivers(batch, row, millionths);
    }

    /// The drivers correction of row `row` of `batch`: when every
    /// attribute is rated (0–10, as the store's complete cases), per
    /// outcome (NPS, overall) that is rated.
    fn file_drivers(&mut self, batch: &ResponseBatch, row: usize, millionths: u64) {
        let mut x: Vec<i64> = Vec::with_capacity(batch.attributes.len() + 1);
        for col in &batch.attributes {
            match col.get(row) {
                Some(&v) if v <= 10 => x.push(i64::from(v)),
                _ => return,
            }
        }
        if x.is_empty() {
            return;
        }
        let outcomes = [
            (&batch.nps, &mut self.drivers_nps),
            (&batch.overall, &mut self.drivers_overall),
        ];
        for (col, co) in outcomes {
            if let Some(&y) = col.get(row).filter(|&&y| y <= 10) {
                x.push(i64::from(y));
                // Ratings 0–10 and weights below 2^37 millionths: no sum
                // of 2^53 records can reach 2^127, so this never fails.
                let _ = co.add_reweighted(&x, millionths);
                x.pop();
            }
        }
    }
}

impl HeapBytes for WeightedCell {
    fn heap_bytes(&self) -> usize {
        self.entries.capacity() * std::mem::size_of::<WeightEntry>()
            + [&self.drivers_nps, &self.drivers_overall]
                .iter()
                .map(|d| (d.sums.capacity() + d.cross.capacity()) * std::mem::size_of::<i128>())
                .sum::<usize>()
    }
}

impl CellRecords for WeightedCell {
    fn records(&self) -> u64 {
        self.records
    }
}

/// `u128` as decimal text in JSON (exact for every reader), read back from
/// text only.
mod u128_text {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &u128, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(v)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u128, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(d)?;
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(serde::de::Error::custom(format!(
                "`{text}` is not a whole number written in decimal digits"
            )));
        }
        text.parse().map_err(|_| {
            serde::de::Error::custom(format!("`{text}` is too large for a weight sum"))
        })
    }
}

/// The weighted cells of an engine: customer responses and employee
/// responses, each keyed as their ordinary cells.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Weights {
    /// Customer responses with a weight.
    pub responses: CellMap<WeightedCell>,
    /// Employee responses with a weight.
    pub employees: CellMap<WeightedCell>,
}

impl Weights {
    /// Weighted cells held.
    pub fn len(&self) -> usize {
        self.responses.len() + self.employees.len()
    }

    /// Heap bytes of the weighted cells, keys and indexes.
    pub fn bytes(&self) -> usize {
        self.responses.bytes() + self.employees.bytes()
    }

    /// Records filed with a weight.
    pub fn records(&self) -> u64 {
        self.responses
            .records()
            .saturating_add(self.employees.records())
    }

    /// Starts journaling, as the other cell maps of a transaction.
    pub fn begin(&mut self) {
        self.responses.begin();
        self.employees.begin();
    }

    /// Keeps the transaction's changes.
    pub fn commit(&mut self) {
        self.responses.commit();
        self.employees.commit();
    }

    /// Undoes the transaction's changes.
    pub fn rollback(&mut self) {
        self.responses.rollback();
        self.employees.rollback();
    }

    /// Files the weighted rows of `batch` (the rows already filed in the
    /// response store).
    pub fn file_batch(&mut self, batch: &ResponseBatch) {
        for (row, &w) in batch.weights.iter().enumerate() {
            if w == 0 {
                continue;
            }
            let key = CellKey {
                bucket: batch.bucket[row],
                method: 0,
                dims: batch.dims.iter().map(|c| c[row]).collect(),
            };
            self.responses
                .update(&key, WeightedCell::default, |c| c.file_row(batch, row, w));
        }
    }
}
