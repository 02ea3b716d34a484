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
                let dims_text: BTreeMap<String, String> = dim_cols
                    .iter()
                    .filter(|(_, _, c)| c.codes[r] != ABSENT)
                    .map(|(_, name, c)| {
                        (
                            name.to_string(),
                            c.dictionary[c.codes[r] as usize].to_string(),
                        )
                    })
                    .collect();
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
