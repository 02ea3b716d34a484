//! Columnar input for callers that already hold columns (data frames,
//! column stores, the C structs of a call centre): scores as `u8` slices with
//! [`MISSING`](super::cells::MISSING) for no answer, dimensions
//! dictionary-encoded, timestamps as unix seconds. Rows are checked like any
//! other record and go through the same batch and kernel.

use std::collections::BTreeMap;

use super::cells::{MISSING, NOT_APPLICABLE};
use super::ingest::{IngestReport, RecordError};
use super::Engine;
use crate::record::Timestamp;

/// A dictionary-encoded dimension column: row `i` has value
/// `dictionary[codes[i]]`, or none when `codes[i]` is [`ABSENT`].
#[derive(Debug, Clone, Copy)]
pub struct DimensionColumn<'a> {
    /// The distinct values.
    pub dictionary: &'a [&'a str],
    /// One code per row.
    pub codes: &'a [u32],
}

/// The code of an absent dimension value.
pub const ABSENT: u32 = u32::MAX;

/// Customer responses in columns. Every present column has one entry per
/// row (`at.len()` rows).
#[derive(Debug, Clone, Default)]
pub struct ResponseColumns<'a> {
    /// Unix seconds per row.
    pub at: &'a [i64],
    /// Dimension id (standard or declared by the plan) → column.
    pub dimensions: Vec<(&'a str, DimensionColumn<'a>)>,
    /// NPS 0–10 ([`MISSING`](super::cells::MISSING) = no answer).
    pub nps: Option<&'a [u8]>,
    /// CSAT on the plan's scale.
    pub csat: Option<&'a [u8]>,
    /// CES on the plan's scale.
    pub ces: Option<&'a [u8]>,
    /// Overall outcome 0–10.
    pub overall: Option<&'a [u8]>,
    /// Attribute id → ratings (the attribute's not-applicable value allowed).
    pub attributes: Vec<(&'a str, &'a [u8])>,
}

/// Columns that do not fit the plan or each other: an invalid argument.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ColumnsError {
    /// A column's length differs from `at`.
    #[error("column `{column}` has {len} rows, `at` has {rows}")]
    Length {
        /// The column.
        column: String,
        /// Its length.
        len: usize,
        /// The number of rows.
        rows: usize,
    },
    /// A dimension or attribute the plan does not have.
    #[error("`{0}` is not a dimension or attribute of the plan")]
    Unknown(String),
    /// A dimension code outside its dictionary.
    #[error("dimension `{column}` row {row}: code {code} is outside its dictionary of {size}")]
    Code {
        /// The column.
        column: String,
        /// The row.
        row: usize,
        /// The code.
        code: u32,
        /// Dictionary size.
        size: usize,
    },
}

impl ColumnsError {
    /// A stable kebab-case code for bindings.
    pub fn code(&self) -> &'static str {
        match self {
            ColumnsError::Length { .. } => "column-length",
            ColumnsError::Unknown(_) => "unknown-column",
            ColumnsError::Code { .. } => "invalid-code",
        }
    }
}

impl Engine {
    /// Ingests customer responses held in columns. Column shapes are checked
    /// first (an error rejects the whole call and changes nothing); then each
    /// row is checked against the plan's scales, rejected rows are reported
    /// with their index and field, and accepted rows go through the batch
    /// kernel. Alerts are raised as for any record (without record ids).
    pub fn ingest_columns(
        &mut self,
        cols: &ResponseColumns<'_>,
    ) -> Result<IngestReport, ColumnsError> {
        let rows = cols.at.len();
        let len_check = |name: &str, len: usize| {
            if len == rows {
                Ok(())
            } else {
                Err(ColumnsError::Length {
                    column: name.to_string(),
                    len,
                    rows,
                })
            }
        };
        for (name, c) in [
            ("nps", cols.nps),
            ("csat", cols.csat),
            ("ces", cols.ces),
            ("overall", cols.overall),
        ] {
            if let Some(c) = c {
                len_check(name, c.len())?;
            }
        }
        // Attribute column → plan index.
        let mut attr_cols: Vec<(usize, &str, &[u8])> = Vec::new();
        for (id, c) in &cols.attributes {
            let i = self
                .plan
                .attributes
                .iter()
                .position(|a| a.id == *id)
                .ok_or_else(|| ColumnsError::Unknown(id.to_string()))?;
            len_check(id, c.len())?;
            attr_cols.push((i, id, c));
        }
        // Dimension column → key position (None: known but not kept) and a
        // dictionary → interned id table, built once per call.
        let mut dim_cols: Vec<(Option<usize>, &str, &DimensionColumn)> = Vec::new();
        for (name, c) in &cols.dimensions {
            let known = crate::plan::STANDARD_DIMENSIONS.contains(name)
                || self.plan.dimensions.iter().any(|d| d.id == *name);
            if !known {
                return Err(ColumnsError::Unknown(name.to_string()));
            }
            len_check(name, c.codes.len())?;
            if let Some((row, &code)) = c
                .codes
                .iter()
                .enumerate()
                .find(|(_, &k)| k != ABSENT && k as usize >= c.dictionary.len())
            {
                return Err(ColumnsError::Code {
                    column: name.to_string(),
                    row,
                    code,
                    size: c.dictionary.len(),
                });
            }
            dim_cols.push((self.dims.iter().position(|d| d == name), name, c));
        }
        if let Some(report) = self.ingest_columns_dense(cols, &dim_cols) {
            return Ok(report);
        }
        let plan = std::sync::Arc::clone(&self.plan);
        let scales = plan.scales;
        let max_errors = self.config.limits.max_errors_listed;
        let max_values = self.config.limits.max_distinct_values;
        let mut report = IngestReport::default();
        let mut batch = self.new_batch();
        // Per dimension column: dictionary code → interned id (0 = not yet).
        let mut id_of: Vec<Vec<u32>> = dim_cols
            .iter()
            .map(|(_, _, c)| vec![0; c.dictionary.len()])
            .collect();
        let get = |c: Option<&[u8]>, r: usize| c.map_or(MISSING, |c| c[r]);
        let mut key = vec![0u32; self.dims.len()];
        for r in 0..rows {
            let reject = |report: &mut IngestReport, field: &str, message: String, code: &str| {
                report.reject(
                    RecordError {
                        index: r,
                        line: None,
                        column: None,
                        pointer: format!("/{field}"),
                        field: Some(field.to_string()),
                        id: None,
                        code: code.to_string(),
                        message,
                    },
                    max_errors,
                );
            };
            let Some(at) = Timestamp::from_unix(cols.at[r]) else {
                reject(
                    &mut report,
                    "at",
                    format!("{} is not a time in the years 1–9999", cols.at[r]),
                    "out-of-range",
                );
                continue;
            };
            let (nps, csat, ces, overall) = (
                get(cols.nps, r),
                get(cols.csat, r),
                get(cols.ces, r),
                get(cols.overall, r),
            );
            let bad = [
                ("nps", nps, 0, 10),
                ("csat", csat, scales.csat.min, scales.csat.max),
                ("ces", ces, scales.ces.min, scales.ces.max),
                ("overall", overall, 0, 10),
            ]
            .into_iter()
            .find(|(_, v, lo, hi)| *v != MISSING && !(*lo..=*hi).contains(v));
            if let Some((name, v, lo, hi)) = bad {
                reject(
                    &mut report,
                    name,
                    format!("`{name}` is {v}, but it must be an integer from {lo} to {hi}"),
                    "out-of-range",
                );
                continue;
            }
            let mut attrs = vec![MISSING; plan.attributes.len()];
            let mut attr_error = None;
            for (i, id, c) in &attr_cols {
                let a = &plan.attributes[*i];
                let v = c[r];
                attrs[*i] = if v == MISSING {
                    MISSING
                } else if a.not_applicable == Some(v) {
                    NOT_APPLICABLE
                } else if a.scale.contains(v) {
                    v
                } else {
                    attr_error = Some((*id, v, a.scale));
                    break;
                };
            }
            if let Some((id, v, s)) = attr_error {
                reject(
                    &mut report,
                    &format!("attributes/{id}"),
                    format!(
                        "`{id}` is {v}, but it must be an integer from {} to {}",
                        s.min, s.max
                    ),
                    "out-of-range",
                );
                continue;
            }
            // Dimension ids, all or nothing under the cardinality limit.
            key.iter_mut().for_each(|k| *k = 0);
            let mut limit_hit = None;
            for (j, (pos, name, c)) in dim_cols.iter().enumerate() {
                let code = c.codes[r];
                if code == ABSENT {
                    continue;
                }
                let value = c.dictionary[code as usize];
                let Some(pos) = pos else { continue };
                let known = id_of[j][code as usize];
                if known != 0 {
                    key[*pos] = known;
                } else if let Some(id) = self.interners[*pos].get(value) {
                    id_of[j][code as usize] = id;
                    key[*pos] = id;
                } else if self.interners[*pos].len() >= max_values {
                    limit_hit = Some(name.to_string());
                    break;
                } else {
                    let id = self.interners[*pos].intern(value);
                    id_of[j][code as usize] = id;
                    key[*pos] = id;
                }
            }
            if let Some(name) = limit_hit {
                reject(&mut report, &name, format!("dimension `{name}` already has {max_values} distinct values (limits.maxDistinctValues)"), "too-many-values");
                continue;
            }
            batch.bucket.push(self.bucket_of(at));
            for (col, id) in batch.dims.iter_mut().zip(&key) {
                col.push(*id);
            }
            batch.nps.push(nps);
            batch.csat.push(csat);
            batch.ces.push(ces);
            batch.overall.push(overall);
            for (col, v) in batch.attributes.iter_mut().zip(&attrs) {
                col.push(*v);
            }
            for col in batch.expectations.iter_mut() {
                col.push(MISSING);
            }
            self.note_response_time(at.unix());
            report.total += 1;
            report.accepted += 1;
            if self.would_alert(nps, csat, ces) {
                let dims_text = column_dims(&dim_cols, r);
                let alerts = self.response_alerts(
                    None,
                    super::ingest::Position {
                        index: r,
                        line: None,
                    },
                    at,
                    nps,
                    csat,
                    ces,
                    &dims_text,
                );
                for a in alerts {
                    report.list_alert(a, self.config.limits.max_alerts_listed);
                }
            }
            if batch.len() >= super::ingest::BATCH_ROWS {
                self.flush(&mut batch);
            }
        }
        self.flush(&mut batch);
        self.log_alerts(&report.alerts);
        Ok(report)
    }
}

/// Most dense cells the columnar fast path counts into (each holds 4 × 12
/// `u32` counters: 12.6 MB at the limit); a cube with more distinct keys in
/// one call goes through the row path.
const DENSE_LIMIT: usize = 1 << 16;

/// Rows per chunk of the fast path (the cell-index buffer stays in L1).
const CHUNK: usize = 4096;

/// Counter slots per score column: ratings 0–10 and one for "missing".
const SLOTS: usize = 12;

/// Rows between folds of the `u32` counters into the cells' `u64`s.
const FOLD_ROWS: usize = 1 << 31;

/// A kept dimension in the fast path: its column's code → interned id
/// table (the last entry is [`ABSENT`]'s), or a single id-0 entry when the
/// call has no column for it.
struct DenseDim {
    ids: Vec<u32>,
}

impl Engine {
    /// The columnar fast path: whole columns checked at once, rows counted
    /// into dense per-call histograms, histograms added to the cells. Taken
    /// when the call has no attribute columns, every value is valid, no new
    /// dimension value would break the distinct-values limit, the cube's
    /// time is none, day or ISO week, and the call's keys fit
    /// [`DENSE_LIMIT`]; `None` sends the call down the row path, which
    /// gives the same statistics and reports every bad row.
    fn ingest_columns_dense(
        &mut self,
        cols: &ResponseColumns<'_>,
        dim_cols: &[(Option<usize>, &str, &DimensionColumn<'_>)],
    ) -> Option<IngestReport> {
        use super::Granularity;
        let rows = cols.at.len();
        if rows == 0 || !cols.attributes.is_empty() {
            return None;
        }
        let granularity = self.config.cube.granularity;
        if granularity == Granularity::Month {
            return None;
        }
        // Every timestamp and rating valid (branch-free passes).
        let (lo, hi) = cols
            .at
            .iter()
            .fold((i64::MAX, i64::MIN), |(lo, hi), &t| (lo.min(t), hi.max(t)));
        let (first, last) = (Timestamp::from_unix(lo)?, Timestamp::from_unix(hi)?);
        let scales = self.plan.scales;
        let scores: Vec<(&[u8], usize)> = [
            (cols.nps, 0, 10, 0),
            (cols.csat, scales.csat.min, scales.csat.max, 1),
            (cols.ces, scales.ces.min, scales.ces.max, 2),
            (cols.overall, 0, 10, 3),
        ]
        .into_iter()
        .filter_map(|(c, lo, hi, k)| c.map(|c| (c, lo, hi, k)))
        .map(|(c, lo, hi, k)| {
            let bad = c
                .iter()
                .fold(false, |bad, &v| bad | ((v < lo || v > hi) & (v != MISSING)));
            (!bad).then_some((c, k))
        })
        .collect::<Option<_>>()?;
        // Kept dimensions: one column each at most; the distinct-values
        // limit holds for every new value the call brings.
        let max_values = self.config.limits.max_distinct_values;
        let mut dense: Vec<DenseDim> = Vec::with_capacity(self.dims.len());
        for (d, _) in self.dims.iter().enumerate() {
            let mut cols_here = dim_cols.iter().filter(|(pos, _, _)| *pos == Some(d));
            let Some((_, _, c)) = cols_here.next() else {
                dense.push(DenseDim { ids: vec![0] });
                continue;
            };
            if cols_here.next().is_some() {
                return None;
            }
            let mut used = vec![false; c.dictionary.len()];
            for &k in c.codes {
                if let Some(u) = used.get_mut(k as usize) {
                    *u = true;
                }
            }
            let new: std::collections::HashSet<&str> = c
                .dictionary
                .iter()
                .zip(&used)
                .filter(|(v, &u)| u && self.interners[d].get(v).is_none())
                .map(|(v, _)| *v)
                .collect();
            if self.interners[d].len() + new.len() > max_values {
                return None;
            }
            let mut ids: Vec<u32> = c
                .dictionary
                .iter()
                .zip(&used)
                .map(|(v, &u)| if u { self.interners[d].intern(v) } else { 0 })
                .collect();
            ids.push(0); // ABSENT
            dense.push(DenseDim { ids });
        }
        let bucket =
            |t: i64| super::bucket_of(granularity, Timestamp::from_unix(t).unwrap_or_default());
        let (b_lo, b_hi) = (bucket(first.unix()), bucket(last.unix()));
        let step = if granularity == Granularity::IsoWeek {
            7
        } else {
            1
        };
        let n_buckets = ((b_hi - b_lo) / step + 1) as usize;
        let mut space = n_buckets;
        for dd in &dense {
            space = space.checked_mul(dd.ids.len())?;
        }
        if space > DENSE_LIMIT {
            return None;
        }
        // The columns of the kept dimensions, in key order.
        let codes: Vec<Option<&[u32]>> = (0..self.dims.len())
            .map(|d| {
                dim_cols
                    .iter()
                    .find(|(pos, _, _)| *pos == Some(d))
                    .map(|(_, _, c)| c.codes)
            })
            .collect();
        let mut counts = vec![0u32; space * 4 * SLOTS];
        let mut totals = [[0u64; SLOTS]; 4];
        let mut idx = vec![0u32; CHUNK];
        let mut folded = 0usize;
        let mut start = 0;
        while start < rows {
            let end = (start + CHUNK).min(rows);
            let n = end - start;
            // Cell index per row: time, then each kept dimension.
            let idx = &mut idx[..n];
            if granularity == Granularity::None {
                idx.fill(0);
            } else {
                let days = idx.iter_mut().zip(&cols.at[start..end]);
                if step == 7 {
                    for (i, &t) in days {
                        let day = t.div_euclid(86_400) as i32;
                        *i = ((day - (day + 3).rem_euclid(7) - b_lo) / 7) as u32;
                    }
                } else {
                    for (i, &t) in days {
                        *i = (t.div_euclid(86_400) as i32 - b_lo) as u32;
                    }
                }
            }
            for (dd, c) in dense.iter().zip(&codes) {
                let card = dd.ids.len() as u32;
                if card == 1 {
                    for i in idx.iter_mut() {
                        *i *= card;
                    }
                    continue;
                }
                let Some(c) = c else { continue };
                let absent = card - 1;
                for (i, &k) in idx.iter_mut().zip(&c[start..end]) {
                    *i = *i * card + k.min(absent);
                }
            }
            let part = |j: usize| -> (&[u8], usize) {
                let (col, k) = scores[j];
                (&col[start..end], k)
            };
            match scores.len() {
                // No score column: count the rows in the NPS "missing" slot.
                0 => count_rows(&mut counts, space, idx, [(&[MISSING; CHUNK][..n], 0)]),
                1 => count_rows(&mut counts, space, idx, [part(0)]),
                2 => count_rows(&mut counts, space, idx, [part(0), part(1)]),
                3 => count_rows(&mut counts, space, idx, [part(0), part(1), part(2)]),
                _ => count_rows(
                    &mut counts,
                    space,
                    idx,
                    [part(0), part(1), part(2), part(3)],
                ),
            }
            folded += n;
            start = end;
            if folded >= FOLD_ROWS - CHUNK || start == rows {
                let rows_column = scores.first().map_or(0, |s| s.1);
                let layout = (space, b_lo, step, rows_column);
                self.fold_dense(&mut counts, &mut totals, layout, &dense);
                folded = 0;
            }
        }
        self.note_response_time(lo);
        self.note_response_time(hi);
        let mut report = IngestReport {
            total: rows as u64,
            accepted: rows as u64,
            ..IngestReport::default()
        };
        // Every alert the call raises, from the histograms.
        let rules = &self.plan.thresholds.alerts;
        let below =
            |k: usize, top: u8| -> u64 { totals[k][..=usize::from(top.min(10))].iter().sum() };
        let csat_min = self.plan.scales.csat.min;
        let raised = if rules.detractor { below(0, 6) } else { 0 }
            + if rules.csat_bottom_two {
                below(1, csat_min + 1)
            } else {
                0
            }
            + rules.ces_at_most.map_or(0, |l| below(2, l));
        self.list_column_alerts(cols, dim_cols, &mut report, raised);
        Some(report)
    }

    /// Adds the dense counters to the cells and zeroes them.
    fn fold_dense(
        &mut self,
        counts: &mut [u32],
        totals: &mut [[u64; SLOTS]; 4],
        (space, b_lo, step, rows_column): (usize, i32, i32, usize),
        dense: &[DenseDim],
    ) {
        let n_attr = self.plan.attributes.len();
        let mut ids = vec![0u32; dense.len()];
        for cell in 0..space {
            let rows_here: u64 = counts[(rows_column * space + cell) * SLOTS..][..SLOTS]
                .iter()
                .map(|&c| u64::from(c))
                .sum();
            if rows_here == 0 {
                continue;
            }
            let mut rest = cell;
            for (d, dd) in dense.iter().enumerate().rev() {
                let card = dd.ids.len();
                ids[d] = dd.ids[rest % card];
                rest /= card;
            }
            let key = super::cells::CellKey {
                // Without time, b_lo is 0 and there is one bucket.
                bucket: b_lo + rest as i32 * step,
                method: 0,
                dims: ids.clone().into_boxed_slice(),
            };
            let slot = self.responses.slot(&key, || super::cells::ResponseCell {
                attributes: vec![super::cells::AttributeCell::default(); n_attr],
                ..super::cells::ResponseCell::default()
            });
            let c = &mut self.responses.values[slot];
            c.responses += rows_here;
            for (k, h) in [&mut c.nps, &mut c.csat, &mut c.ces, &mut c.overall]
                .into_iter()
                .enumerate()
            {
                let src = &mut counts[(k * space + cell) * SLOTS..][..SLOTS];
                for (r, n) in src[..11].iter().enumerate() {
                    h.counts[r] += u64::from(*n);
                    totals[k][r] += u64::from(*n);
                }
                src.fill(0);
            }
        }
    }

    /// Lists the alerts of a fast-path call: the rows are scanned only until
    /// `maxAlertsListed` alerts are built; the other `raised − listed` are
    /// counted.
    fn list_column_alerts(
        &mut self,
        cols: &ResponseColumns<'_>,
        dim_cols: &[(Option<usize>, &str, &DimensionColumn<'_>)],
        report: &mut IngestReport,
        raised: u64,
    ) {
        let max = self.config.limits.max_alerts_listed;
        let get = |c: Option<&[u8]>, r: usize| c.map_or(MISSING, |c| c[r]);
        let mut r = 0;
        while r < cols.at.len() && report.alerts.len() < max {
            let (nps, csat, ces) = (get(cols.nps, r), get(cols.csat, r), get(cols.ces, r));
            if self.would_alert(nps, csat, ces) {
                let dims = column_dims(dim_cols, r);
                let at = Timestamp::from_unix(cols.at[r]).unwrap_or_default();
                let pos = super::ingest::Position {
                    index: r,
                    line: None,
                };
                for a in self.response_alerts(None, pos, at, nps, csat, ces, &dims) {
                    report.list_alert(a, max);
                }
            }
            r += 1;
        }
        report.alerts_not_listed = raised.saturating_sub(report.alerts.len() as u64);
        self.log_alerts(&report.alerts);
    }
}

/// Counts each row's ratings into its dense cell: `counts` holds, per
/// score column, a block of `space` cells × [`SLOTS`] counters; `cols` are (ratings, score
/// column) pairs, one pass over the rows for all of them.
#[inline]
fn count_rows<const N: usize>(
    counts: &mut [u32],
    space: usize,
    idx: &[u32],
    cols: [(&[u8], usize); N],
) {
    // Column by column, each into its own block of counters (which stays
    // in cache): one load and one increment per row.
    for (col, k) in cols {
        let h = &mut counts[k * space * SLOTS..(k + 1) * space * SLOTS];
        for (&i, &v) in idx.iter().zip(col) {
            h[i as usize * SLOTS + usize::from(v.min(11))] += 1;
        }
    }
}

/// The dimension values of row `r` of dictionary-encoded columns.
fn column_dims(
    dim_cols: &[(Option<usize>, &str, &DimensionColumn<'_>)],
    r: usize,
) -> BTreeMap<String, String> {
    dim_cols
        .iter()
        .filter(|(_, _, c)| c.codes[r] != ABSENT)
        .map(|(_, name, c)| {
            (
                name.to_string(),
                c.dictionary[c.codes[r] as usize].to_string(),
            )
        })
        .collect()
}
