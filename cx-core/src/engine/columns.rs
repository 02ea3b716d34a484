//! Columnar input for callers that already hold columns (data frames,
//! column stores, the C structs of a call centre): scores as `u8` slices with
//! [`MISSING`](super::cells::MISSING) for no answer, dimensions
//! dictionary-encoded, timestamps as unix seconds. Rows are checked like any
//! other record and go through the same batch and kernel.

use std::collections::BTreeMap;

use super::alerts::Raised;
use super::cells::{MISSING, NOT_APPLICABLE};
use super::ingest::{IngestReport, Position, RecordError};
use super::rows::{check_weight, file_weight};
use super::Engine;
use crate::error::ErrorCode;
use crate::plan::Plan;
use crate::record::Timestamp;
use crate::score::{FixedWeight, Histogram};

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
    /// Survey weight per row (`None`: every row weighs 1): a finite number
    /// from 0.000001 to 100000, rounded to the nearest millionth; a row
    /// whose weight is out of range, 0 or NaN is rejected (field
    /// `weight`). A weight of exactly 1 is the same as none.
    pub weight: Option<&'a [f64]>,
    /// Free-text comment per row (`None`: no comment column; a `None` or
    /// blank entry: no comment). A comment longer than
    /// `limits.maxCommentBytes` rejects its row (field `comment`).
    pub comment: Option<&'a [Option<&'a str>]>,
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
    /// The cells would pass `limits.maxCellBytes`: nothing of the call was
    /// kept.
    #[error(transparent)]
    MemoryLimit(#[from] super::MemoryLimit),
    /// The customer responses would pass 2^53
    /// ([`MAX_SNAPSHOT_COUNT`](super::MAX_SNAPSHOT_COUNT)): nothing of the
    /// call was kept.
    #[error(transparent)]
    Overflow(#[from] super::Overflow),
}

impl From<super::LimitError> for ColumnsError {
    fn from(e: super::LimitError) -> ColumnsError {
        match e {
            super::LimitError::MemoryLimit(e) => ColumnsError::MemoryLimit(e),
            super::LimitError::Overflow(e) => ColumnsError::Overflow(e),
        }
    }
}

impl ColumnsError {
    /// A stable kebab-case code for bindings.
    pub fn code(&self) -> ErrorCode {
        match self {
            ColumnsError::Length { .. } => ErrorCode::ColumnLength,
            ColumnsError::Unknown(_) => ErrorCode::UnknownColumn,
            ColumnsError::Code { .. } => ErrorCode::InvalidCode,
            ColumnsError::MemoryLimit(e) => e.code(),
            ColumnsError::Overflow(e) => e.code(),
        }
    }
}

impl Engine {
    /// Ingests customer responses held in columns. Column shapes are checked
    /// first (an error rejects the whole call and changes nothing); then each
    /// row is checked against the plan's scales, rejected rows are reported
    /// with their index and field, and accepted rows go through the batch
    /// kernel. Alerts are raised as for any record (without record ids).
    /// Fails, keeping nothing of the call, when the cells would pass
    /// `limits.maxCellBytes` or the customer responses 2^53.
    pub fn ingest_columns(
        &mut self,
        cols: &ResponseColumns<'_>,
    ) -> Result<IngestReport, ColumnsError> {
        self.transaction(|e| e.columns(cols, &ColumnExtras::default()))?
    }

    /// [`Engine::ingest_columns`] with the call's `extras`, outside a
    /// transaction of its own (the caller's holds it).
    pub(crate) fn columns(
        &mut self,
        cols: &ResponseColumns<'_>,
        extras: &ColumnExtras<'_>,
    ) -> Result<IngestReport, ColumnsError> {
        let (attr_cols, dim_cols) = self.column_shapes(cols)?;
        let exp_cols = self.expectation_shapes(cols.at.len(), extras)?;
        // The fast path checks the codes as it goes; it declines a call with
        // a code outside its dictionary, which is an error found here.
        if exp_cols.is_empty() && cols.weight.is_none() && cols.comment.is_none() {
            if let Some(report) = self.ingest_columns_dense(cols, &dim_cols, extras) {
                return Ok(report);
            }
        }
        check_codes(&dim_cols)?;
        let shapes = Shapes {
            attr_cols: &attr_cols,
            exp_cols: &exp_cols,
            dim_cols: &dim_cols,
        };
        Ok(self.ingest_column_rows(cols, &shapes, extras))
    }

    /// The expected-level columns of `extras` with their plan index, each
    /// known to the plan and `rows` long; and the ids `rows` long.
    fn expectation_shapes<'c>(
        &self,
        rows: usize,
        extras: &ColumnExtras<'c>,
    ) -> Result<Vec<AttributeCol<'c>>, ColumnsError> {
        let length = |column: &str, len: usize| ColumnsError::Length {
            column: column.to_string(),
            len,
            rows,
        };
        if let Some(ids) = extras.ids.filter(|ids| ids.len() != rows) {
            return Err(length("id", ids.len()));
        }
        let mut out = Vec::with_capacity(extras.expectations.len());
        for &(id, c) in extras.expectations {
            let i = self
                .plan
                .attributes
                .iter()
                .position(|a| a.id == id)
                .ok_or_else(|| ColumnsError::Unknown(id.to_string()))?;
            if c.len() != rows {
                return Err(length(id, c.len()));
            }
            out.push((i, id, c));
        }
        Ok(out)
    }

    /// The call's shape, checked before anything changes: every column as
    /// long as `at`, every attribute and dimension known to the plan. Gives
    /// the attribute columns with their plan index and the dimension
    /// columns with their key position (`None`: known but not kept).
    fn column_shapes<'c>(
        &self,
        cols: &'c ResponseColumns<'c>,
    ) -> Result<(Vec<AttributeCol<'c>>, Vec<DimCol<'c>>), ColumnsError> {
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
        if let Some(w) = cols.weight {
            len_check("weight", w.len())?;
        }
        let mut attr_cols = Vec::new();
        for (id, c) in &cols.attributes {
            let i = self
                .plan
                .attributes
                .iter()
                .position(|a| a.id == *id)
                .ok_or_else(|| ColumnsError::Unknown(id.to_string()))?;
            len_check(id, c.len())?;
            attr_cols.push((i, *id, *c));
        }
        let mut dim_cols = Vec::new();
        for (name, c) in &cols.dimensions {
            let known = crate::plan::STANDARD_DIMENSIONS.contains(name)
                || self.plan.dimensions.iter().any(|d| d.id == *name);
            if !known {
                return Err(ColumnsError::Unknown(name.to_string()));
            }
            len_check(name, c.codes.len())?;
            dim_cols.push((self.dims.iter().position(|d| d == name), *name, c));
        }
        Ok((attr_cols, dim_cols))
    }

    /// The row path: each row is checked (time, ratings, attributes,
    /// dimension values under the distinct-values limit), rejected with its
    /// index and field or added to the batch, and its alerts raised.
    fn ingest_column_rows(
        &mut self,
        cols: &ResponseColumns<'_>,
        shapes: &Shapes<'_, '_>,
        extras: &ColumnExtras<'_>,
    ) -> IngestReport {
        let Shapes {
            attr_cols,
            exp_cols,
            dim_cols,
        } = *shapes;
        let plan = std::sync::Arc::clone(&self.plan);
        let max_errors = self.config.limits.max_errors_listed;
        let max_comment = self.config.limits.max_comment_bytes;
        let mut report = IngestReport::default();
        let mut batch = self.new_batch();
        // Per dimension column: dictionary code → interned id (0 = not yet).
        let mut id_of: Vec<Vec<u32>> = dim_cols
            .iter()
            .map(|(_, _, c)| vec![0; c.dictionary.len()])
            .collect();
        let mut key = vec![0u32; self.dims.len()];
        let mut attrs = vec![MISSING; plan.attributes.len()];
        let mut expect = vec![MISSING; plan.attributes.len()];
        for r in 0..cols.at.len() {
            if self.over_budget() {
                break;
            }
            let checked = Timestamp::from_unix(cols.at[r])
                .ok_or_else(|| RowFault::bad_time(cols.at[r]))
                .and_then(|at| Ok((at, column_ratings(cols, r, &plan)?)))
                .and_then(|found| Ok((found, column_weight(cols, r)?)))
                .and_then(|(found, weight)| {
                    column_attributes(&plan, attr_cols, r, &mut attrs, "attributes")?;
                    if !exp_cols.is_empty() {
                        column_attributes(&plan, exp_cols, r, &mut expect, "expectations")?;
                    }
                    let comment = column_comment(cols, r, max_comment)?;
                    self.column_key(dim_cols, &mut id_of, r, &mut key)?;
                    Ok((found, weight, comment))
                });
            let ((at, ratings), weight, comment) = match checked {
                Ok(found) => found,
                Err(fault) => {
                    report.reject(fault.error(extras, r), max_errors);
                    continue;
                }
            };
            let bucket = self.bucket_of(at);
            batch.push_row(bucket, &key, ratings, &attrs, &expect);
            if let Some(w) = weight {
                file_weight(&mut batch, w, &mut report);
            }
            self.note_response_time(at.unix());
            report.total += 1;
            report.accepted += 1;
            let [nps, csat, ces, _] = ratings;
            let raised = Raised {
                id: extras.id(r),
                pos: Position {
                    index: extras.first_row + r,
                    line: None,
                },
                at,
                nps,
                csat,
                ces,
            };
            if let Some(text) = comment {
                self.file_comment(&raised, bucket, &key, text);
            }
            if self.would_alert(nps, csat, ces) {
                self.raise_response_alerts(&mut report, raised, || column_dims(dim_cols, r));
            }
            if comment.is_some() {
                self.raise_comment_alerts(&mut report, &raised, || column_dims(dim_cols, r));
            }
            if batch.len() >= super::ingest::BATCH_ROWS {
                self.flush(&mut batch);
            }
        }
        self.flush(&mut batch);
        report
    }

    /// The interned ids of row `r`'s dimension values into `key`, all or
    /// nothing under the distinct-values limit. `id_of[j]` caches column
    /// `j`'s dictionary code → id (0: not yet interned).
    #[inline]
    fn column_key(
        &mut self,
        dim_cols: &[DimCol<'_>],
        id_of: &mut [Vec<u32>],
        r: usize,
        key: &mut [u32],
    ) -> Result<(), RowFault> {
        let max_values = self.config.limits.max_distinct_values;
        key.iter_mut().for_each(|k| *k = 0);
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
                return Err(RowFault {
                    field: name.to_string(),
                    message: format!("dimension `{name}` already has {max_values} distinct values (limits.maxDistinctValues)"),
                    code: ErrorCode::TooManyValues,
                });
            } else {
                let id = self.interners[*pos].intern(value);
                id_of[j][code as usize] = id;
                key[*pos] = id;
            }
        }
        Ok(())
    }
}

/// An attribute column of a call: its plan index, id and ratings.
type AttributeCol<'c> = (usize, &'c str, &'c [u8]);

/// What a columnar call carries besides its [`ResponseColumns`] (the
/// Arrow adapter's calls, `engine::arrow`): record ids, expected levels
/// and the input position of its first row.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ColumnExtras<'a> {
    /// Record id per row (`None`: no id): named by alerts and errors.
    pub(crate) ids: Option<&'a [Option<&'a str>]>,
    /// Attribute id → expected levels ([`MISSING`] = none).
    pub(crate) expectations: &'a [(&'a str, &'a [u8])],
    /// Position of row 0 in the call's input.
    pub(crate) first_row: usize,
}

impl ColumnExtras<'_> {
    /// Row `r`'s record id.
    fn id(&self, r: usize) -> Option<&[u8]> {
        self.ids.and_then(|ids| ids[r]).map(str::as_bytes)
    }
}

/// A fast-path call: its columns, dimension columns and extras.
type DenseCall<'a, 'c> = (
    &'a ResponseColumns<'c>,
    &'a [(Option<usize>, &'a str, &'a DimensionColumn<'c>)],
    &'a ColumnExtras<'c>,
);

/// The checked columns of a row-path call.
#[derive(Clone, Copy)]
struct Shapes<'s, 'c> {
    attr_cols: &'s [AttributeCol<'c>],
    exp_cols: &'s [AttributeCol<'c>],
    dim_cols: &'s [DimCol<'c>],
}

/// A dimension column of a call: its key position (`None`: known but not
/// kept by the cube), name and codes.
type DimCol<'c> = (Option<usize>, &'c str, &'c DimensionColumn<'c>);

/// Why one row of the columns is rejected: its field and what was expected.
struct RowFault {
    field: String,
    message: String,
    code: ErrorCode,
}

impl RowFault {
    /// A timestamp outside the years 1–9999.
    #[cold]
    fn bad_time(at: i64) -> RowFault {
        RowFault {
            field: "at".into(),
            message: format!("{at} is not a time in the years 1–9999"),
            code: ErrorCode::OutOfRange,
        }
    }

    /// A rating `v` of `field` outside `lo..=hi`.
    #[cold]
    fn out_of_range(field: String, name: &str, v: u8, lo: u8, hi: u8) -> RowFault {
        RowFault {
            field,
            message: format!("`{name}` is {v}, but it must be an integer from {lo} to {hi}"),
            code: ErrorCode::OutOfRange,
        }
    }

    /// The error of row `r` of a call with `extras`.
    fn error(self, extras: &ColumnExtras<'_>, r: usize) -> RecordError {
        RecordError {
            index: extras.first_row + r,
            line: None,
            column: None,
            pointer: format!("/{}", self.field),
            field: Some(self.field),
            id: extras
                .id(r)
                .map(|b| String::from_utf8_lossy(b).into_owned()),
            code: self.code,
            message: self.message,
        }
    }
}

/// A code outside its column's dictionary (the whole call is refused).
fn check_codes(dim_cols: &[DimCol<'_>]) -> Result<(), ColumnsError> {
    for (_, name, c) in dim_cols {
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
    }
    Ok(())
}

/// Row `r`'s NPS, CSAT, CES and overall rating ([`MISSING`] without a
/// column), each checked against its scale.
#[inline]
fn column_ratings(cols: &ResponseColumns<'_>, r: usize, plan: &Plan) -> Result<[u8; 4], RowFault> {
    let get = |c: Option<&[u8]>| c.map_or(MISSING, |c| c[r]);
    let scales = plan.scales;
    let ratings = [
        get(cols.nps),
        get(cols.csat),
        get(cols.ces),
        get(cols.overall),
    ];
    let bad = [
        ("nps", 0, 10),
        ("csat", scales.csat.min, scales.csat.max),
        ("ces", scales.ces.min, scales.ces.max),
        ("overall", 0, 10),
    ]
    .into_iter()
    .zip(ratings)
    .find(|((_, lo, hi), v)| *v != MISSING && !(*lo..=*hi).contains(v));
    match bad {
        Some(((name, lo, hi), v)) => Err(RowFault::out_of_range(name.into(), name, v, lo, hi)),
        None => Ok(ratings),
    }
}

/// Row `r`'s weight, checked as every input's ([`check_weight`]); `None`
/// without a weight column.
#[inline]
fn column_weight(cols: &ResponseColumns<'_>, r: usize) -> Result<Option<FixedWeight>, RowFault> {
    let Some(w) = cols.weight.and_then(|c| c.get(r)) else {
        return Ok(None);
    };
    check_weight(*w).map(Some).map_err(|e| RowFault {
        field: "weight".into(),
        message: e.message,
        code: e.code,
    })
}

/// Row `r`'s comment, checked as every input's
/// ([`super::comments::check_comment`]); `None` without one.
fn column_comment<'a>(
    cols: &ResponseColumns<'a>,
    r: usize,
    max: usize,
) -> Result<Option<&'a str>, RowFault> {
    let text = cols.comment.and_then(|c| c.get(r).copied().flatten());
    super::comments::check_comment(text.map(str::as_bytes), max, "/comment").map_err(|e| RowFault {
        field: "comment".into(),
        message: e.message,
        code: e.code,
    })
}

/// Row `r`'s attribute ratings into `attrs` (by plan index; not-applicable
/// values as [`NOT_APPLICABLE`]), each checked against its scale.
#[inline]
fn column_attributes(
    plan: &Plan,
    attr_cols: &[AttributeCol<'_>],
    r: usize,
    attrs: &mut [u8],
    key: &str,
) -> Result<(), RowFault> {
    attrs.fill(MISSING);
    for (i, id, c) in attr_cols {
        let a = &plan.attributes[*i];
        let v = c[r];
        attrs[*i] = if v == MISSING {
            MISSING
        } else if a.not_applicable == Some(v) {
            NOT_APPLICABLE
        } else if a.scale.contains(v) {
            v
        } else {
            let (lo, hi) = (a.scale.min, a.scale.max);
            return Err(RowFault::out_of_range(format!("{key}/{id}"), id, v, lo, hi));
        };
    }
    Ok(())
}

/// Most dense cells the columnar fast path counts into (each holds up to
/// 4 × 16 `u32` counters: 16.8 MB at the limit); a cube with more distinct
/// keys in one call goes through the row path.
const DENSE_LIMIT: usize = 1 << 16;

/// Rows per chunk of the fast path: the chunk's columns are checked, then
/// read again from cache while counting; the cell-index buffer stays in L1.
const CHUNK: usize = 4096;

/// Counter slots per score column (one 64-byte line of `u32`s): a checked
/// rating `v` (0–10, or [`MISSING`]) is counted in slot `v & 15`, so
/// ratings 0–10 in slots 0–10 and "missing" in slot 15.
const SLOTS: usize = 16;

/// Dense layouts of at most this many cells count into four partial
/// histograms (row `r` into lane `r mod 4`), so that rows landing in the
/// same cell do not wait for each other's increments.
const LANED_CELLS: usize = 64;

/// A kept dimension in the fast path. `index[k + 1]` is the dense index of
/// dictionary code `k` (`index[0]`, where [`ABSENT`] wraps to, is the
/// absent value's); `codes[j]` is the code of dense index `j` (`codes[0]` =
/// [`ABSENT`]). A dimension without a column in the call has one dense
/// index (absent) and no column.
struct DenseDim<'c> {
    column: Option<&'c DimensionColumn<'c>>,
    /// `index[j] == j` (dense indexes by code).
    identity: bool,
    index: Vec<u32>,
    codes: Vec<u32>,
}

impl DenseDim<'_> {
    fn card(&self) -> usize {
        self.codes.len()
    }

    /// Dense indexes by the codes the column uses (absent first), not by
    /// its whole dictionary; `None` for a code outside the dictionary.
    fn index_used_codes(&mut self) -> Option<()> {
        let Some(c) = self.column else {
            return Some(());
        };
        let mut used = vec![false; self.index.len()];
        for &k in c.codes {
            *used.get_mut(k.wrapping_add(1) as usize)? = true;
        }
        self.codes = std::iter::once(ABSENT)
            .chain((1..used.len()).filter(|&j| used[j]).map(|j| j as u32 - 1))
            .collect();
        self.identity = false;
        for (j, &k) in self.codes.iter().enumerate() {
            self.index[k.wrapping_add(1) as usize] = j as u32;
        }
        Some(())
    }
}

/// The shape of one fast-path call: where each row's counters are.
struct DenseLayout<'c> {
    dims: Vec<DenseDim<'c>>,
    granularity: super::Granularity,
    /// First time bucket (days since the epoch; 0 without time).
    b_lo: i32,
    /// Days per bucket step (7 for ISO weeks).
    step: i32,
    /// Time buckets × Π dimension cardinalities.
    space: usize,
    /// Partial histograms per cell (1 or 4).
    lanes: usize,
    /// The timestamps' span when a cube with time needed it before
    /// counting (then the counting pass does not fold it again).
    span: Option<(i64, i64)>,
}

/// The time buckets of a fast-path call.
struct DenseTime {
    /// First time bucket (days since the epoch; 0 without time).
    b_lo: i32,
    /// Days per bucket step (7 for ISO weeks).
    step: i32,
    /// Number of buckets.
    buckets: usize,
    /// The timestamps' span, when read (a cube with time).
    span: Option<(i64, i64)>,
}

/// The time buckets of a fast-path call. The span is read before counting
/// (one pass over the timestamps); without time there is one bucket.
/// `None` for months (not dense) or a timestamp out of range.
fn dense_time(granularity: super::Granularity, at: &[i64]) -> Option<DenseTime> {
    use super::Granularity;
    match granularity {
        Granularity::Month => None,
        Granularity::None => Some(DenseTime {
            b_lo: 0,
            step: 1,
            buckets: 1,
            span: None,
        }),
        g => {
            let (lo, hi) = span(at, i64::MAX, i64::MIN);
            let (first, last) = (Timestamp::from_unix(lo)?, Timestamp::from_unix(hi)?);
            let (b_lo, b_hi) = (super::bucket_of(g, first), super::bucket_of(g, last));
            let step = if g == Granularity::IsoWeek { 7 } else { 1 };
            Some(DenseTime {
                b_lo,
                step,
                buckets: ((b_hi - b_lo) / step + 1) as usize,
                span: Some((lo, hi)),
            })
        }
    }
}

impl DenseLayout<'_> {
    /// The dense index of each dimension of `cell` into `out`; gives the
    /// cell's time bucket (steps from the first).
    fn cell_indexes(&self, cell: usize, out: &mut [usize]) -> usize {
        let mut rest = cell;
        for (d, dd) in self.dims.iter().enumerate().rev() {
            out[d] = rest % dd.card();
            rest /= dd.card();
        }
        rest
    }

    /// Per dimension, which dense indexes the `filled` cells use.
    fn used_indexes(&self, filled: &[usize]) -> Vec<Vec<bool>> {
        let mut at = vec![0usize; self.dims.len()];
        let mut used: Vec<Vec<bool>> = self.dims.iter().map(|d| vec![false; d.card()]).collect();
        for &cell in filled {
            self.cell_indexes(cell, &mut at);
            for (u, &j) in used.iter_mut().zip(&at) {
                u[j] = true;
            }
        }
        used
    }
}

/// What the counting pass found: the counters, the time span, and whether
/// every value was valid.
struct DenseCounts<const N: usize> {
    counts: Vec<[[u32; SLOTS]; N]>,
    lo: i64,
    hi: i64,
    valid: bool,
}

impl<const N: usize> DenseCounts<N> {
    /// Rows counted in `cell` (its `lanes` partial histograms summed).
    fn rows_in(&self, cell: usize, lanes: usize) -> u64 {
        self.counts[cell * lanes..(cell + 1) * lanes]
            .iter()
            .flat_map(|l| l[0].iter())
            .map(|&x| u64::from(x))
            .sum()
    }
}

/// One pass over the rows, chunk by chunk: each chunk's ratings, codes and
/// timestamps are checked, its rows' cell indexes computed, then every
/// score column counted in the same loop (one cell's counters are
/// adjacent). `scores` are (ratings, lowest, highest valid rating).
fn count_dense<const N: usize>(
    layout: &DenseLayout<'_>,
    at: &[i64],
    scores: [(&[u8], u8, u8); N],
) -> DenseCounts<N> {
    use super::Granularity;
    let rows = at.len();
    let mut counts = vec![[[0u32; SLOTS]; N]; layout.space * layout.lanes];
    let (mut lo, mut hi) = layout.span.unwrap_or((i64::MAX, i64::MIN));
    let mut bad = false;
    let mut idx = vec![0u32; CHUNK];
    let mut start = 0;
    while start < rows {
        let end = (start + CHUNK).min(rows);
        let n = end - start;
        let idx = &mut idx[..n];
        let at = &at[start..end];
        // Checks, branch-free over the chunk.
        for (col, l, h) in &scores {
            bad |= col[start..end]
                .iter()
                .fold(false, |b, &v| b | ((v < *l) | (v > *h)) & (v != MISSING));
        }
        if layout.span.is_none() {
            (lo, hi) = span(at, lo, hi);
        }
        // Cell index per row: time, then each dimension with a column, then
        // the lane; `fresh` until something is written.
        let mut fresh = false;
        match layout.granularity {
            Granularity::Day => {
                for (i, &t) in idx.iter_mut().zip(at) {
                    *i = (t.div_euclid(86_400) as i32).wrapping_sub(layout.b_lo) as u32;
                }
            }
            Granularity::IsoWeek => {
                // Weeks since Monday 1969-12-29 (day −3); b_lo is a Monday.
                let w_lo = (layout.b_lo + 3).div_euclid(7);
                for (i, &t) in idx.iter_mut().zip(at) {
                    let week = t.wrapping_add(3 * 86_400).div_euclid(7 * 86_400) as i32;
                    *i = week.wrapping_sub(w_lo) as u32;
                }
            }
            _ => fresh = true,
        }
        for d in &layout.dims {
            let Some(c) = d.column else { continue };
            let card = d.card() as u32;
            let codes = &c.codes[start..end];
            bad |= match (fresh, d.identity) {
                (true, true) => dim_pass::<true, true>(idx, codes, &d.index, card),
                (true, false) => dim_pass::<true, false>(idx, codes, &d.index, card),
                (false, true) => dim_pass::<false, true>(idx, codes, &d.index, card),
                (false, false) => dim_pass::<false, false>(idx, codes, &d.index, card),
            };
            fresh = false;
        }
        if layout.lanes > 1 {
            let lanes = layout.lanes as u32;
            for (r, i) in idx.iter_mut().enumerate() {
                let lane = r as u32 & (lanes - 1);
                *i = if fresh {
                    lane
                } else {
                    i.wrapping_mul(lanes) + lane
                };
            }
        } else if fresh {
            idx.fill(0);
        }
        let cols: [&[u8]; N] = std::array::from_fn(|j| &scores[j].0[start..end]);
        if bad {
            // Out-of-range indexes are possible now: stop before counting.
            break;
        }
        count_chunk(&mut counts, idx, cols);
        start = end;
    }
    DenseCounts {
        counts,
        lo,
        hi,
        valid: !bad,
    }
}

/// Folds one dimension's codes into the cell indexes: `idx[r] = idx[r] ×
/// card + index[code + 1]` (`FRESH`: `idx` holds nothing yet; `IDENTITY`:
/// `index[j] == j`). [`ABSENT`] wraps to 0; returns whether a code lies
/// past the dictionary (the indexes are then meaningless).
#[inline]
fn dim_pass<const FRESH: bool, const IDENTITY: bool>(
    idx: &mut [u32],
    codes: &[u32],
    index: &[u32],
    card: u32,
) -> bool {
    let last = index.len() - 1;
    let mut bad = false;
    for (i, &k) in idx.iter_mut().zip(codes) {
        let j = k.wrapping_add(1) as usize;
        bad |= j > last;
        let j = if IDENTITY {
            j as u32
        } else {
            index[j.min(last)]
        };
        *i = if FRESH {
            j
        } else {
            i.wrapping_mul(card).wrapping_add(j)
        };
    }
    bad
}

/// The lowest and highest of `lo`, `hi` and the timestamps (four
/// independent scalar chains: i64 comparisons do not vectorise on the
/// baseline x86-64 target).
fn span(at: &[i64], lo: i64, hi: i64) -> (i64, i64) {
    let (mut l, mut h) = ([lo; 4], [hi; 4]);
    let quads = at.chunks_exact(4);
    let rest = quads.remainder();
    for q in quads {
        for k in 0..4 {
            l[k] = l[k].min(q[k]);
            h[k] = h[k].max(q[k]);
        }
    }
    let l = rest
        .iter()
        .fold(l.into_iter().min().unwrap_or(lo), |a, &t| a.min(t));
    let h = rest
        .iter()
        .fold(h.into_iter().max().unwrap_or(hi), |a, &t| a.max(t));
    (l, h)
}

/// Counts one chunk's rows, all checked: row `r`'s rating in column `j`
/// into `counts[idx[r]][j]`. Kept out of line so that its loop gets the
/// registers to itself.
#[inline(never)]
fn count_chunk<const N: usize>(counts: &mut [[[u32; SLOTS]; N]], idx: &[u32], cols: [&[u8]; N]) {
    let n = idx.len();
    let cols = cols.map(|c| &c[..n]);
    for (r, &i) in idx.iter().enumerate() {
        let cell = &mut counts[i as usize];
        for j in 0..N {
            cell[j][usize::from(cols[j][r] & 15)] += 1;
        }
    }
}

impl Engine {
    /// The columnar fast path: one pass over the columns that checks every
    /// value and counts each row's ratings into dense per-call counters,
    /// then adds the counters to the cells. Taken when the call has no
    /// attribute columns, at most `u32::MAX` rows, every value is valid, no
    /// new dimension value would break the distinct-values limit, the cube's
    /// time is none, day or ISO week, and the call's keys fit
    /// [`DENSE_LIMIT`]; `None` (nothing changed) sends the call down the row
    /// path, which gives the same statistics and reports every bad row or
    /// code.
    fn ingest_columns_dense(
        &mut self,
        cols: &ResponseColumns<'_>,
        dim_cols: &[(Option<usize>, &str, &DimensionColumn<'_>)],
        extras: &ColumnExtras<'_>,
    ) -> Option<IngestReport> {
        let rows = cols.at.len();
        if rows == 0 || !cols.attributes.is_empty() || u32::try_from(rows).is_err() {
            return None;
        }
        // Columns of dimensions the cube does not keep are only checked (the
        // kept ones are checked while counting); a bad code is the row
        // path's error to report.
        let outside = |c: &DimensionColumn| {
            let size = c.dictionary.len() as u64;
            c.codes.iter().any(|&k| u64::from(k.wrapping_add(1)) > size)
        };
        if dim_cols
            .iter()
            .any(|(pos, _, c)| pos.is_none() && outside(c))
        {
            return None;
        }
        let granularity = self.config.cube.granularity;
        let time = dense_time(granularity, cols.at)?;
        let (dims, space) = self.dense_dims(dim_cols, time.buckets)?;
        let layout = DenseLayout {
            dims,
            granularity,
            b_lo: time.b_lo,
            step: time.step,
            space,
            lanes: if space <= LANED_CELLS { 4 } else { 1 },
            span: time.span,
        };
        self.count_dense_scores(cols, dim_cols, &layout, extras)
    }

    /// The kept dimensions of a fast-path call (at most one column each,
    /// else `None`) with their dense indexes — by dictionary code when the
    /// dictionaries are small, else by the codes used — and the number of
    /// cells (`None` past [`DENSE_LIMIT`]).
    fn dense_dims<'c>(
        &self,
        dim_cols: &[(Option<usize>, &str, &'c DimensionColumn<'c>)],
        n_buckets: usize,
    ) -> Option<(Vec<DenseDim<'c>>, usize)> {
        let mut dims: Vec<DenseDim> = Vec::with_capacity(self.dims.len());
        for d in 0..self.dims.len() {
            let mut here = dim_cols.iter().filter(|(pos, _, _)| *pos == Some(d));
            let column = here.next().map(|(_, _, c)| *c);
            if here.next().is_some() {
                return None;
            }
            let size = column.map_or(0, |c| c.dictionary.len());
            dims.push(DenseDim {
                column,
                identity: true,
                index: (0..=size as u32).collect(),
                codes: std::iter::once(ABSENT).chain(0..size as u32).collect(),
            });
        }
        let space_of = |dims: &[DenseDim]| {
            dims.iter()
                .try_fold(n_buckets, |s, d| s.checked_mul(d.card()))
        };
        if space_of(&dims)? > DENSE_LIMIT {
            for d in &mut dims {
                d.index_used_codes()?;
            }
        }
        let space = space_of(&dims)?;
        (space <= DENSE_LIMIT).then_some((dims, space))
    }

    /// Counts the call's score columns (as many as it has, each checked
    /// against its scale) into the layout's cells, then files them.
    fn count_dense_scores(
        &mut self,
        cols: &ResponseColumns<'_>,
        dim_cols: &[(Option<usize>, &str, &DimensionColumn<'_>)],
        layout: &DenseLayout<'_>,
        extras: &ColumnExtras<'_>,
    ) -> Option<IngestReport> {
        let rows = cols.at.len();
        let scales = self.plan.scales;
        let present: Vec<(&[u8], u8, u8, usize)> = [
            (cols.nps, 0, 10, 0),
            (cols.csat, scales.csat.min, scales.csat.max, 1),
            (cols.ces, scales.ces.min, scales.ces.max, 2),
            (cols.overall, 0, 10, 3),
        ]
        .into_iter()
        .filter_map(|(c, lo, hi, k)| c.map(|c| (c, lo, hi, k)))
        .collect();
        let kinds: Vec<usize> = present.iter().map(|p| p.3).collect();
        let p = |j: usize| (present[j].0, present[j].1, present[j].2);
        match present.len() {
            0 => {
                // No score column: count the rows in NPS's "missing" slot.
                let none = vec![MISSING; rows];
                let c = count_dense(layout, cols.at, [(&none[..], 0, 10)]);
                self.finish_dense((cols, dim_cols, extras), layout, c, &[0])
            }
            1 => {
                let c = count_dense(layout, cols.at, [p(0)]);
                self.finish_dense((cols, dim_cols, extras), layout, c, &kinds)
            }
            2 => {
                let c = count_dense(layout, cols.at, [p(0), p(1)]);
                self.finish_dense((cols, dim_cols, extras), layout, c, &kinds)
            }
            3 => {
                let c = count_dense(layout, cols.at, [p(0), p(1), p(2)]);
                self.finish_dense((cols, dim_cols, extras), layout, c, &kinds)
            }
            _ => {
                let c = count_dense(layout, cols.at, [p(0), p(1), p(2), p(3)]);
                self.finish_dense((cols, dim_cols, extras), layout, c, &kinds)
            }
        }
    }

    /// Adds a fast-path call's counters to the cells (after the last checks:
    /// timestamps in range, the distinct-values limit), then lists its
    /// alerts. `kinds[j]`: the score (0 NPS, 1 CSAT, 2 CES, 3 overall) of
    /// counter block `j`.
    fn finish_dense<const N: usize>(
        &mut self,
        (cols, dim_cols, extras): DenseCall<'_, '_>,
        layout: &DenseLayout<'_>,
        c: DenseCounts<N>,
        kinds: &[usize],
    ) -> Option<IngestReport> {
        if !c.valid {
            return None;
        }
        Timestamp::from_unix(c.lo)?;
        Timestamp::from_unix(c.hi)?;
        let filled: Vec<usize> = (0..layout.space)
            .filter(|&cell| c.rows_in(cell, layout.lanes) > 0)
            .collect();
        let used = layout.used_indexes(&filled);
        if !self.dense_values_fit(layout, &used) {
            return None;
        }
        let ids = self.intern_dense(layout, &used);
        let totals = self.add_dense_cells(layout, &c, &filled, &ids, kinds);
        self.note_response_time(c.lo);
        self.note_response_time(c.hi);
        let rows = cols.at.len();
        let mut report = IngestReport {
            total: rows as u64,
            accepted: rows as u64,
            ..IngestReport::default()
        };
        let raised = self.dense_alert_count(&totals);
        self.list_column_alerts((cols, dim_cols, extras), &mut report, raised);
        Some(report)
    }

    /// Whether the distinct-values limit holds for every new value the
    /// call brings (`used[d][j]`: dense index `j` of dimension `d` in use).
    fn dense_values_fit(&self, layout: &DenseLayout<'_>, used: &[Vec<bool>]) -> bool {
        let max_values = self.config.limits.max_distinct_values;
        layout.dims.iter().enumerate().all(|(d, dd)| {
            let Some(col) = dd.column else { return true };
            let new: std::collections::HashSet<&str> = dd
                .codes
                .iter()
                .zip(&used[d])
                .skip(1)
                .filter(|(_, &u)| u)
                .map(|(&k, _)| col.dictionary[k as usize])
                .filter(|v| self.interners[d].get(v).is_none())
                .collect();
            self.interners[d].len() + new.len() <= max_values
        })
    }

    /// The interned id of each dense index in use, per dimension (0 =
    /// absent or unused).
    fn intern_dense(&mut self, layout: &DenseLayout<'_>, used: &[Vec<bool>]) -> Vec<Vec<u32>> {
        layout
            .dims
            .iter()
            .enumerate()
            .map(|(d, dd)| match dd.column {
                None => vec![0],
                Some(col) => dd
                    .codes
                    .iter()
                    .zip(&used[d])
                    .map(|(&k, &u)| {
                        if u && k != ABSENT {
                            self.interners[d].intern(col.dictionary[k as usize])
                        } else {
                            0
                        }
                    })
                    .collect(),
            })
            .collect()
    }

    /// Adds the counters of every filled cell to the engine's cells (lanes
    /// summed); gives the call's histogram per score (0 NPS, 1 CSAT, 2 CES,
    /// 3 overall) for its alerts.
    fn add_dense_cells<const N: usize>(
        &mut self,
        layout: &DenseLayout<'_>,
        c: &DenseCounts<N>,
        filled: &[usize],
        ids: &[Vec<u32>],
        kinds: &[usize],
    ) -> [[u64; SLOTS]; 4] {
        let lanes = layout.lanes;
        let mut totals = [[0u64; SLOTS]; 4];
        let mut at = vec![0usize; layout.dims.len()];
        let mut key = vec![0u32; layout.dims.len()];
        for &cell in filled {
            let bucket = layout.cell_indexes(cell, &mut at);
            for ((k, &j), ids) in key.iter_mut().zip(&at).zip(ids) {
                *k = ids[j];
            }
            // Without time, b_lo is 0 and there is one bucket.
            let id = self
                .responses
                .slot(layout.b_lo + bucket as i32 * layout.step, &key);
            let mut scores = [Histogram::default(); 4];
            for lane in &c.counts[cell * lanes..(cell + 1) * lanes] {
                for (block, &k) in lane.iter().zip(kinds) {
                    for (r, &x) in block[..11].iter().enumerate() {
                        scores[k].counts[r] += u64::from(x);
                        totals[k][r] += u64::from(x);
                    }
                }
            }
            self.responses
                .add_score_counts(id, c.rows_in(cell, lanes), &scores);
        }
        totals
    }

    /// How many alerts a call raises, from its histograms per score and the
    /// plan's alert rules.
    fn dense_alert_count(&self, totals: &[[u64; SLOTS]; 4]) -> u64 {
        let rules = &self.plan.thresholds.alerts;
        let below =
            |k: usize, top: u8| -> u64 { totals[k][..=usize::from(top.min(10))].iter().sum() };
        let csat_min = self.plan.scales.csat.min;
        (if rules.detractor { below(0, 6) } else { 0 })
            + if rules.csat_bottom_two {
                below(1, csat_min + 1)
            } else {
                0
            }
            + rules.ces_at_most.map_or(0, |l| below(2, l))
    }

    /// Raises the alerts of a fast-path call: every row that raises one is
    /// scanned (none raised: no scan), its alerts listed up to
    /// `maxAlertsListed` (the others counted) and offered to the engine's
    /// kept alerts. An alert is built only when it is listed or may be
    /// kept: past the listing limit, a row older than the call's newest
    /// `maxAlertsKept` alerts ([`Engine::column_alert_floor`]) is counted,
    /// and one older than every kept alert costs a comparison per alert.
    fn list_column_alerts(
        &mut self,
        (cols, dim_cols, extras): DenseCall<'_, '_>,
        report: &mut IngestReport,
        raised: u64,
    ) {
        let max = self.config.limits.max_alerts_listed;
        let get = |c: Option<&[u8]>, r: usize| c.map_or(MISSING, |c| c[r]);
        let floor = match raised {
            0 => None,
            _ => self.column_alert_floor(cols),
        };
        // Stop once every raised alert is seen, or when no other can be
        // listed nor kept.
        let (mut r, mut seen) = (0, 0u64);
        while r < cols.at.len() && seen < raised {
            if report.alerts.len() >= max && self.config.limits.max_alerts_kept == 0 {
                break;
            }
            let (nps, csat, ces) = (get(cols.nps, r), get(cols.csat, r), get(cols.ces, r));
            let count = self.alert_count(nps, csat, ces);
            seen += count;
            let past_floor = floor.is_some_and(|f| cols.at[r] < f);
            if count > 0 && report.alerts.len() >= max && past_floor {
                report.alerts_not_listed += count;
            } else if count > 0 {
                let raised = Raised {
                    id: extras.id(r),
                    pos: Position {
                        index: extras.first_row + r,
                        line: None,
                    },
                    at: Timestamp::from_unix(cols.at[r]).unwrap_or_default(),
                    nps,
                    csat,
                    ces,
                };
                self.raise_response_alerts(report, raised, || column_dims(dim_cols, r));
            }
            r += 1;
        }
        report.alerts_not_listed += raised.saturating_sub(seen);
    }

    /// The time of the call's `maxAlertsKept`-th newest alert (`None` when
    /// it raises fewer): an alert raised before it cannot be kept (the
    /// call's newest are all strictly newer, whatever the ids). Found from
    /// the times and ratings alone, with a buffer of at most twice
    /// `maxAlertsKept` times cut to the newest whenever it fills: a sorted
    /// bulk load builds about `maxAlertsKept` alerts, not one per row.
    fn column_alert_floor(&self, cols: &ResponseColumns<'_>) -> Option<i64> {
        let kept = self.config.limits.max_alerts_kept;
        if kept == 0 {
            return None;
        }
        let get = |c: Option<&[u8]>, r: usize| c.map_or(MISSING, |c| c[r]);
        let mut floor = None;
        let mut newest: Vec<i64> = Vec::new();
        for (r, &at) in cols.at.iter().enumerate() {
            if floor.is_some_and(|f| at < f) {
                continue;
            }
            let count = self.alert_count(get(cols.nps, r), get(cols.csat, r), get(cols.ces, r));
            newest.extend((0..count).map(|_| at));
            if newest.len() >= 2 * kept {
                floor = Some(keep_newest(&mut newest, kept));
            }
        }
        if newest.len() >= kept {
            floor = Some(keep_newest(&mut newest, kept));
        }
        floor
    }
}

/// Keeps the newest `kept` of `times` (at least `kept`, `kept` > 0) and
/// returns the oldest of them.
fn keep_newest(times: &mut Vec<i64>, kept: usize) -> i64 {
    let from = times.len() - kept;
    times.select_nth_unstable(from);
    let oldest = times[from];
    times.drain(..from);
    oldest
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
