//! Key-driver analysis from plain rows of numbers: the rows are turned into
//! exact integer [`CoMoments`] over complete cases (each column scaled by
//! 10^its largest number of decimal places, which changes no correlation or
//! weight), then [`relative_importance`] gives Pearson r, Johnson's relative
//! weights and exact Shapley/LMG per predictor. Used by the bindings
//! (`drivers(...)` in JavaScript), where data arrive as rows of numbers.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{parse_decimal, relative_importance, CoMoments, ScoreError};

/// Rows of numbers, their column names and the outcome column.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DriversInput {
    /// Column names, in row order: the outcome and the predictors.
    pub names: Vec<String>,
    /// The rows; `null` is a missing value (the row is not a complete case).
    pub rows: Vec<Vec<Option<f64>>>,
    /// The name of the outcome column; every other column is a predictor.
    pub outcome: String,
    /// A value meaning "not applicable / missing" (survey exports often use
    /// 0); a row holding it in any column is dropped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub na: Option<f64>,
}

/// The importance of one predictor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Driver {
    /// Column name.
    pub name: String,
    /// Mean over the complete cases, in the data's units.
    pub mean: f64,
    /// Pearson r with the outcome.
    pub pearson: f64,
    /// Johnson's relative weight, a fraction of the outcome's variance.
    pub johnson: f64,
    /// Exact Shapley/LMG share (≤ 15 predictors), a fraction of variance.
    pub lmg: Option<f64>,
}

/// Key-driver analysis: R² of the full model and each predictor's importance,
/// in column order (as relaimpo prints them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Drivers {
    /// Complete cases used.
    pub n: u64,
    /// R² of the full linear model, a fraction of variance.
    pub r2: f64,
    /// One entry per predictor, in column order.
    pub drivers: Vec<Driver>,
}

/// Relative importance of every column but `outcome` for `outcome`.
///
/// A row with a `null`, a non-finite value or the `na` value is not a
/// complete case and is skipped (listwise deletion). A row of the wrong
/// length or an unknown outcome name is an error.
///
/// ```
/// use cx_core::score::{drivers, DriversInput};
/// let input = DriversInput {
///     names: vec!["y".into(), "a".into(), "b".into()],
///     rows: [[1.0, 1.0, 0.0], [2.0, 3.0, 1.0], [3.0, 2.0, 1.0], [4.0, 5.0, 0.0], [5.0, 4.0, 1.0], [6.0, 6.0, 0.0]]
///         .iter().map(|r| r.iter().map(|&x| Some(x)).collect()).collect(),
///     outcome: "y".into(),
///     na: None,
/// };
/// let d = drivers(&input).unwrap();
/// assert_eq!((d.n, d.drivers.len()), (6, 2));
/// let total: f64 = d.drivers.iter().map(|x| x.johnson).sum();
/// assert!((total - d.r2).abs() < 1e-12);
/// ```
pub fn drivers(input: &DriversInput) -> Result<Drivers, ScoreError> {
    let k = input.names.len();
    let outcome =
        input
            .names
            .iter()
            .position(|n| *n == input.outcome)
            .ok_or(ScoreError::NoSuchColumn {
                index: k,
                columns: k,
            })?;
    // First pass: each complete case as (digits, decimal places) per column.
    let mut cases: Vec<Vec<(i64, u32)>> = Vec::new();
    let mut places = vec![0u32; k];
    for row in &input.rows {
        if row.len() != k {
            return Err(ScoreError::DimensionMismatch {
                expected: k,
                got: row.len(),
            });
        }
        let mut case = Vec::with_capacity(k);
        for v in row {
            match v {
                Some(x) if x.is_finite() && Some(*x) != input.na => {
                    let d = parse_decimal(&format!("{x}")).ok_or(ScoreError::InvalidNumber {
                        what: "a driver value (at most 9 decimal places, below 2^63)",
                        value: *x,
                    })?;
                    case.push(d);
                }
                _ => break,
            }
        }
        if case.len() == k {
            for (p, &(_, d)) in places.iter_mut().zip(&case) {
                *p = (*p).max(d);
            }
            cases.push(case);
        }
    }
    // Second pass: scale each column to its largest number of places.
    let mut co = CoMoments::new(k);
    for case in &cases {
        let row: Option<Vec<i64>> = case
            .iter()
            .zip(&places)
            .map(|(&(v, d), &p)| 10i64.checked_pow(p - d).and_then(|f| v.checked_mul(f)))
            .collect();
        co.add(&row.ok_or(ScoreError::Overflow("scaled values"))?)?;
    }
    let imp = relative_importance(&co, outcome)?;
    let drivers = imp
        .predictors
        .iter()
        .enumerate()
        .map(|(i, &c)| Driver {
            name: input.names[c].clone(),
            mean: imp.means[i] / 10f64.powi(places[c] as i32),
            pearson: imp.pearson[i],
            johnson: imp.johnson[i],
            lmg: imp.lmg.as_ref().map(|l| l[i]),
        })
        .collect();
    Ok(Drivers {
        n: imp.n,
        r2: imp.r2,
        drivers,
    })
}
