//! Key-driver analysis from plain rows of values: the rows are turned into
//! exact integer [`CoMoments`] over complete cases (each value read as a
//! [`Decimal`], each column scaled by 10^its largest number of decimal
//! places, which changes no correlation or weight), then
//! [`relative_importance`] gives Pearson r, Johnson's relative weights and
//! exact Shapley/LMG per predictor.
//!
//! One implementation for every caller: the bindings (`drivers(...)` in
//! JavaScript) send numbers ([`DriversInput`], cells `f64`), and `cx stats
//! drivers` sends the decimal text of its CSV cells as read
//! (`DriversInput<String>`), parsed once by [`Decimal::of_text`] (the
//! numeric standard of [`crate::number`]).
//!
//! **Not applicable.** Survey exports often write "not applicable" as a
//! value (0, 99). A row holding the `na` value (equal in value: `0` and
//! `0.0` are the same) is not a complete case; [`NaColumns`] says in which
//! columns: every column (the default, the bindings' rule), or the
//! predictors only (the rule of `cx stats drivers`, where an outcome of 0
//! is a real rating).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{relative_importance, CoMoments, ScoreError};
use crate::number::{Decimal, DecimalError};

/// Which columns the not-applicable value applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum NaColumns {
    /// Every column, the outcome included: a row holding `na` anywhere is
    /// dropped.
    #[default]
    All,
    /// The predictors only: an outcome equal to `na` is a value like any
    /// other.
    Predictors,
}

impl NaColumns {
    fn is_all(&self) -> bool {
        *self == NaColumns::All
    }
}

/// A cell of a drivers row as the caller has it: a number (`f64`, from JSON
/// or JavaScript) or the decimal text as read (`String`, from a CSV cell).
pub trait DriverValue {
    /// Its decimal; `Ok(None)` when it holds no value (a non-finite
    /// number), so that the row is not a complete case.
    fn decimal(&self) -> Result<Option<Decimal>, DecimalError>;
    /// The value as it reads in an error message.
    fn text(&self) -> String;
}

impl DriverValue for f64 {
    fn decimal(&self) -> Result<Option<Decimal>, DecimalError> {
        if self.is_finite() {
            Decimal::of_f64(*self).map(Some)
        } else {
            Ok(None)
        }
    }

    fn text(&self) -> String {
        self.to_string()
    }
}

impl DriverValue for String {
    fn decimal(&self) -> Result<Option<Decimal>, DecimalError> {
        Decimal::of_text(self).map(Some)
    }

    fn text(&self) -> String {
        self.clone()
    }
}

/// Rows of values, their column names and the outcome column. In JSON the
/// values are numbers; in Rust a value may also be the decimal text as read
/// (`DriversInput<String>`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "DriversInput")]
pub struct DriversInput<C = f64> {
    /// Column names, in row order: the outcome and the predictors.
    pub names: Vec<String>,
    /// The rows; `null` is a missing value (the row is not a complete case).
    pub rows: Vec<Vec<Option<C>>>,
    /// The name of the outcome column; every other column is a predictor.
    pub outcome: String,
    /// A value meaning "not applicable / missing" (survey exports often use
    /// 0); a row holding it (in the columns of `naColumns`) is dropped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub na: Option<C>,
    /// Which columns `na` applies to \[all\].
    #[serde(default, skip_serializing_if = "NaColumns::is_all")]
    pub na_columns: NaColumns,
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
/// A row with a missing value (`None`, a non-finite number) or the `na`
/// value (in the columns of [`NaColumns`]) is not a complete case and is
/// skipped (listwise deletion); the cells are read in column order up to
/// the first such one. A cell that is not a decimal (JSON number grammar,
/// at most 9 places, 18 digits) is [`ScoreError::NotADecimal`], naming its
/// row (0-based in `rows`) and column; a row of the wrong length or an
/// unknown outcome name is an error; a constant column is
/// [`ScoreError::ConstantDriver`], naming it.
///
/// ```
/// use cx_core::score::{drivers, DriversInput};
/// let input = DriversInput {
///     names: vec!["y".into(), "a".into(), "b".into()],
///     rows: [[1.0, 1.0, 0.0], [2.0, 3.0, 1.0], [3.0, 2.0, 1.0], [4.0, 5.0, 0.0], [5.0, 4.0, 1.0], [6.0, 6.0, 0.0]]
///         .iter().map(|r| r.iter().map(|&x| Some(x)).collect()).collect(),
///     outcome: "y".into(),
///     ..DriversInput::default()
/// };
/// let d = drivers(&input).unwrap();
/// assert_eq!((d.n, d.drivers.len()), (6, 2));
/// let total: f64 = d.drivers.iter().map(|x| x.johnson).sum();
/// assert!((total - d.r2).abs() < 1e-12);
/// ```
pub fn drivers<C: DriverValue>(input: &DriversInput<C>) -> Result<Drivers, ScoreError> {
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
    let na = match &input.na {
        Some(v) => v
            .decimal()
            .map_err(|reason| not_a_decimal(None, "", v, reason))?,
        None => None,
    };
    // First pass: each complete case as decimals, and each column's places.
    let mut cases: Vec<Vec<Decimal>> = Vec::new();
    let mut places = vec![0u32; k];
    for (r, row) in input.rows.iter().enumerate() {
        if row.len() != k {
            return Err(ScoreError::DimensionMismatch {
                expected: k,
                got: row.len(),
            });
        }
        let mut case = Vec::with_capacity(k);
        for (c, v) in row.iter().enumerate() {
            let Some(v) = v else { break };
            let name = &input.names[c];
            let Some(d) = v
                .decimal()
                .map_err(|e| not_a_decimal(Some(r), name, v, e))?
            else {
                break;
            };
            let na_here = input.na_columns.is_all() || c != outcome;
            if na_here && na.is_some_and(|na| na.same_value(&d)) {
                break;
            }
            case.push(d);
        }
        if case.len() == k {
            for (p, d) in places.iter_mut().zip(&case) {
                *p = (*p).max(d.places);
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
            .map(|(d, &p)| {
                10i64
                    .checked_pow(p - d.places)
                    .and_then(|f| d.digits.checked_mul(f))
            })
            .collect();
        co.add(&row.ok_or(ScoreError::Overflow("scaled values"))?)?;
    }
    let imp = relative_importance(&co, outcome).map_err(|e| match e {
        ScoreError::ConstantColumn(c) => ScoreError::ConstantDriver {
            role: if c == outcome { "outcome" } else { "predictor" },
            name: input.names.get(c).cloned().unwrap_or_default(),
            n: co.n,
        },
        e => e,
    })?;
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

/// The error of a cell (`row` `Some`) or of the `na` value (`None`) that is
/// not a decimal.
fn not_a_decimal(
    row: Option<usize>,
    column: &str,
    value: &impl DriverValue,
    reason: DecimalError,
) -> ScoreError {
    ScoreError::NotADecimal {
        row,
        column: column.to_string(),
        text: value.text(),
        reason,
    }
}
