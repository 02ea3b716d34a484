//! Raking a query's selection to population shares: the query's `rake`
//! (`[{"dimension": "class", "shares": {"Business": 0.45, …}}, …]`) fits
//! the weights of the selection's customer responses to the shares of each
//! dimension by iterative proportional fitting ([`crate::score::rake`])
//! over the joint distribution of the raking dimensions, kept in the cells:
//! no row is read.
//!
//! Raking runs once, over the filtered selection, before grouping. The
//! raked weights keep the selection's weight sum. Each customer-response
//! score of a row is then the mean of its domain (the row's responses) over
//! the raked selection, with the calibration-linearization variance of R
//! `survey` ([`crate::score::raked_linear`]). Employee responses carry no
//! customer dimension: their scores are weighted, not raked.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::query::{QueryError, Totals};
use super::weighting::Weighting;
use super::Engine;
use crate::diagnostic::escape_pointer_token;
use crate::score::{
    self, raked_linear, Estimator, Histogram, LinearEstimate, Margin, RakeCell, RakeError,
    RakedDomainCell, Raking, WeightedHistogram, HISTOGRAM_POINTS,
};

/// The population shares of one dimension's values, to rake to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RakeTarget {
    /// A dimension the engine's cube keeps (`class`, `segment`, …).
    pub dimension: String,
    /// Value → population share (0–1); the shares sum to 1 within 1e-9,
    /// and every value of the selection has one.
    #[serde(deserialize_with = "crate::record::unique_keys")]
    pub shares: BTreeMap<String, f64>,
}

/// A raked selection: its cells by group and joint combination of the
/// raking dimensions, and the factor of each.
pub(crate) struct RakedSelection {
    /// Per cell: the group's labels, the cell's value index per raking
    /// dimension, its totals.
    cells: Vec<(Vec<Option<String>>, Vec<usize>, Totals)>,
    raking: Raking,
}

impl Engine {
    /// Rakes the selection of `groups`: `fine` are the selection's totals
    /// grouped by the query's keys followed by the raking dimensions (the
    /// last `targets.len()` labels of each key).
    pub(crate) fn rake_selection(
        &self,
        targets: &[RakeTarget],
        fine: Vec<(Vec<Option<String>>, Totals)>,
    ) -> Result<RakedSelection, QueryError> {
        let names: Vec<Vec<&String>> = targets.iter().map(|t| t.shares.keys().collect()).collect();
        let k = fine.first().map_or(0, |(key, _)| key.len() - targets.len());
        let mut cells = Vec::new();
        let mut rake_cells = Vec::new();
        for (key, t) in fine {
            if t.responses.responses == 0 {
                continue;
            }
            let mut values = Vec::with_capacity(targets.len());
            for (d, label) in key[k..].iter().enumerate() {
                let found = label
                    .as_ref()
                    .and_then(|l| names[d].iter().position(|n| *n == l));
                let Some(v) = found else {
                    return Err(rake_error(
                        d,
                        None,
                        format!(
                            "{} is in the selection but has no share; give every value of `{}` a share",
                            label.as_ref().map_or("a response without a value".into(), |l| format!("the value `{l}`")),
                            targets[d].dimension
                        ),
                    ));
                };
                values.push(v);
            }
            let (weight, _) = t.weighted.totals(t.responses.responses);
            rake_cells.push(RakeCell {
                values: values.clone(),
                weight,
            });
            cells.push((key[..k].to_vec(), values, t));
        }
        let margins: Vec<Margin> = targets
            .iter()
            .map(|t| Margin {
                shares: t.shares.values().copied().collect(),
            })
            .collect();
        let raking = score::rake(&rake_cells, &margins).map_err(|e| named(targets, e))?;
        Ok(RakedSelection { cells, raking })
    }
}

impl RakedSelection {
    /// The estimator of a customer-response item over the domain of the
    /// cells whose group `in_domain` accepts: `counts_of` gives the item's
    /// counts in a cell's totals, `histogram_of` its weighted histogram.
    pub(crate) fn estimator(
        &self,
        in_domain: &dyn Fn(&[Option<String>]) -> bool,
        histogram_of: &dyn Fn(&Totals) -> WeightedHistogram,
    ) -> RakedEstimator {
        let mut counts = Histogram::default();
        let cells = self
            .cells
            .iter()
            .enumerate()
            .map(|(i, (group, values, t))| {
                let (weight, square) = t.weighted.totals(t.responses.responses);
                let domain = if in_domain(group) {
                    let h = histogram_of(t);
                    counts.merge(&h.counts());
                    h
                } else {
                    WeightedHistogram::default()
                };
                RakedDomainCell {
                    values: values.clone(),
                    g: self.raking.factor(i).unwrap_or(1.0),
                    responses: t.responses.responses,
                    weight,
                    square,
                    domain,
                }
            })
            .collect();
        RakedEstimator { cells, counts }
    }

    /// The weighting of the raked selection: its raked weights' Σw and
    /// effective n, and the targets.
    pub(crate) fn weighting(&self, overall: &Totals, targets: &[RakeTarget]) -> Weighting {
        let (w, q) = self.weight_totals();
        Weighting {
            weight_sum: w,
            effective_n: (q > 0.0).then(|| w * w / q),
            rake: targets.to_vec(),
            rake_iterations: Some(self.raking.iterations),
            ..overall.weighting()
        }
    }

    /// Σw and Σw² of the raked weights of every customer response of the
    /// selection.
    fn weight_totals(&self) -> (f64, f64) {
        let mut out = (0.0, 0.0);
        for (i, (_, _, t)) in self.cells.iter().enumerate() {
            let g = self.raking.factor(i).unwrap_or(1.0);
            let (w, q) = t.weighted.totals(t.responses.responses);
            out.0 += g * w;
            out.1 += g * g * q;
        }
        out
    }
}

/// A domain of a raked selection as an [`Estimator`]: every score's value
/// and calibration-linearization variance come from
/// [`crate::score::raked_linear`].
pub(crate) struct RakedEstimator {
    cells: Vec<RakedDomainCell>,
    counts: Histogram,
}

impl Estimator for RakedEstimator {
    fn counts(&self) -> Histogram {
        self.counts
    }

    fn estimate(&self, y: &[Option<f64>; HISTOGRAM_POINTS]) -> Option<LinearEstimate> {
        let m = raked_linear(&self.cells, y).ok()?;
        Some(LinearEstimate {
            value: m.value,
            variance: m.variance,
            n: m.n,
            weight_sum: m.weight_sum,
            effective_n: m.effective_n,
        })
    }
}

/// A rake error at `/rake/{d}/shares[/value]`.
fn rake_error(d: usize, value: Option<&str>, message: String) -> QueryError {
    let mut pointer = format!("/rake/{d}/shares");
    if let Some(v) = value {
        pointer.push('/');
        pointer.push_str(&escape_pointer_token(v));
    }
    QueryError::Rake { pointer, message }
}

/// [`RakeError`] in the user's words: dimension and value by name.
fn named(targets: &[RakeTarget], e: RakeError) -> QueryError {
    let value_name = |d: usize, v: usize| -> String {
        targets
            .get(d)
            .and_then(|t| t.shares.keys().nth(v))
            .cloned()
            .unwrap_or_default()
    };
    let dim = |d: usize| targets.get(d).map_or("", |t| t.dimension.as_str());
    match e {
        RakeError::NotConverged {
            dimension,
            value,
            achieved,
            target,
        } => QueryError::RakeNotConverged(format!(
            "raking did not meet every share within 1e-10 after {} sweeps: the worst is `{}` = `{}`, at {achieved} of its target {target}; the shares may be out of reach of the data's joint distribution",
            score::MAX_RAKE_ITERATIONS,
            dim(dimension),
            value_name(dimension, value)
        )),
        RakeError::ShareWithoutData { dimension, value } => {
            let v = value_name(dimension, value);
            rake_error(dimension, Some(&v), format!("`{v}` has a share, but no response of the selection has this value of `{}`", dim(dimension)))
        }
        RakeError::ZeroShareWithData { dimension, value } => {
            let v = value_name(dimension, value);
            rake_error(dimension, Some(&v), format!("`{v}` has responses in the selection but a share of 0; raking cannot give them weight 0: filter them out or give a share above 0"))
        }
        RakeError::SharesDoNotSumToOne { dimension, sum } => rake_error(
            dimension,
            None,
            format!("the shares of `{}` sum to {sum}; they must sum to 1 (within 1e-9)", dim(dimension)),
        ),
        RakeError::InvalidShare {
            dimension,
            value,
            share,
        } => {
            let v = value_name(dimension, value);
            rake_error(dimension, Some(&v), format!("the share of `{v}` is {share}; a share is a number from 0 to 1"))
        }
        RakeError::EmptySelection => QueryError::Rake {
            pointer: "/rake".into(),
            message: "the selection has no customer response to rake".into(),
        },
        other => QueryError::Rake {
            pointer: "/rake".into(),
            message: other.to_string(),
        },
    }
}
