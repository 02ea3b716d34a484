//! Raking: weights fitted to population shares by iterative proportional
//! fitting ([`rake`]), and the mean of a score over a domain of the raked
//! responses with its calibration-linearization variance ([`raked_linear`]),
//! both over cell aggregates, never rows.
//!
//! **Cells.** The engine collapses a selection to *rake cells*: one per
//! combination of the raking dimensions' values (the joint distribution),
//! possibly split further (by the groups of a query). A cell gives, per
//! raking dimension, the index of its value in that dimension's
//! [`Margin::shares`], and the sums of the design weights of its responses.
//! Raking multiplies every weight of a joint combination by the same factor
//! g (w' = g·w), so a factor per combination is all raking produces.
//!
//! **Reference.** Both functions match R `survey` (Lumley): raking gives the
//! g of `calibrate(design, ~a + b, population, calfun = "raking")` on
//! `svydesign(ids = ~1, weights = ~w, data)`, and [`raked_linear`] the value
//! and variance of `svymean(~y, r)` / `svyby(~y, ~domain, r, svymean)` on
//! the calibrated design `r` (with `na.rm = TRUE` when some responses lack
//! the score). `cx-core/tests/rake_reference.rs` holds the figures, and
//! `benches/reference/rake_reference.R` recomputes them.
//!
//! What is not here: names (the engine maps dimension and value indices to
//! the user's words), the cells themselves, and design-weighted estimators
//! without raking (`score::survey`).

use std::collections::{BTreeMap, BTreeSet};

use nalgebra::{DMatrix, DVector};

use super::{WeightedHistogram, HISTOGRAM_POINTS};

/// Convergence of [`rake`]: every margin within this relative distance of
/// its target.
pub const RAKE_TOLERANCE: f64 = 1e-10;
/// How far the shares of a margin may sum from 1.
pub const SHARE_SUM_TOLERANCE: f64 = 1e-9;
/// The most sweeps [`rake`] makes over the margins before it gives up with
/// [`RakeError::NotConverged`]. IPF converges linearly; on survey data it
/// needs tens of sweeps, and a thousand only fail when the margins cannot be
/// met together (or nearly so) by the joint distribution of the data.
pub const MAX_RAKE_ITERATIONS: u32 = 1000;

/// The population shares of one raking dimension: `shares[v]` for the value
/// of index `v`.
#[derive(Debug, Clone, PartialEq)]
pub struct Margin {
    /// Share of each value, each finite and ≥ 0, summing to 1 within
    /// [`SHARE_SUM_TOLERANCE`]. A value with data needs a share > 0.
    pub shares: Vec<f64>,
}

/// One rake cell: its value index per raking dimension and Σw, the sum of
/// the design weights of all its responses.
#[derive(Debug, Clone, PartialEq)]
pub struct RakeCell {
    /// `values[d]` indexes `margins[d].shares`.
    pub values: Vec<usize>,
    /// Σw of the cell's responses (finite, ≥ 0).
    pub weight: f64,
}

/// The result of [`rake`]: a factor g per distinct joint combination
/// (w' = g·w for every response of the combination).
#[derive(Debug, Clone, PartialEq)]
pub struct Raking {
    /// The distinct joint combinations of the cells, in ascending order.
    pub combinations: Vec<Vec<usize>>,
    /// `factors[k]`: the g of `combinations[k]`.
    pub factors: Vec<f64>,
    /// `cell_combination[i]`: the index in `combinations` of cell `i`.
    pub cell_combination: Vec<usize>,
    /// Sweeps over the margins made (0 when the data already met them).
    pub iterations: u32,
}

impl Raking {
    /// The factor g of input cell `cell` (`None` past the last cell).
    pub fn factor(&self, cell: usize) -> Option<f64> {
        let k = *self.cell_combination.get(cell)?;
        self.factors.get(k).copied()
    }
}

/// Why raking (or a raked estimate) cannot be computed. Dimensions, values
/// and cells are indices into the inputs; the engine names them.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RakeError {
    /// No cell, or all weights are 0.
    #[error("the selection to rake is empty")]
    EmptySelection,
    /// A share that is negative, NaN or infinite.
    #[error("dimension {dimension}, value {value}: share {share} is not a finite number >= 0")]
    InvalidShare {
        /// Dimension index.
        dimension: usize,
        /// Value index.
        value: usize,
        /// The share given.
        share: f64,
    },
    /// Shares of a dimension that do not sum to 1 within 1e-9.
    #[error("dimension {dimension}: the shares sum to {sum}, expected 1 (within 1e-9)")]
    SharesDoNotSumToOne {
        /// Dimension index.
        dimension: usize,
        /// Their sum.
        sum: f64,
    },
    /// A cell with a value that has no share.
    #[error("dimension {dimension}: value {value} is in the data but has no share")]
    ValueWithoutShare {
        /// Dimension index.
        dimension: usize,
        /// Value index.
        value: usize,
    },
    /// A share > 0 for a value without responses in the selection.
    #[error("dimension {dimension}: value {value} has a share but no data in the selection")]
    ShareWithoutData {
        /// Dimension index.
        dimension: usize,
        /// Value index.
        value: usize,
    },
    /// A share of 0 for a value with responses: raking cannot give them
    /// weight 0.
    #[error("dimension {dimension}: value {value} has data but a share of 0")]
    ZeroShareWithData {
        /// Dimension index.
        dimension: usize,
        /// Value index.
        value: usize,
    },
    /// A cell whose number of values is not the number of margins.
    #[error("cell {cell} has {got} value(s), expected one per dimension ({expected})")]
    DimensionMismatch {
        /// Cell index.
        cell: usize,
        /// Number of dimensions expected.
        expected: usize,
        /// Values the cell gives.
        got: usize,
    },
    /// A cell with a weight sum, square sum or factor that is negative or
    /// not finite (a factor must be > 0).
    #[error("cell {cell} has a weight, square or factor that is not a finite number >= 0")]
    InvalidCell {
        /// Cell index.
        cell: usize,
    },
    /// A score value that is not finite.
    #[error("the score value of rating {rating} is not finite")]
    InvalidScoreValue {
        /// The rating.
        rating: usize,
    },
    /// No response with the score in the domain.
    #[error("no response with the score in the domain")]
    NoResponses,
    /// Sums too large for a finite result (weights near f64's limit).
    #[error("the weight sums are too large to give a finite result")]
    Overflow,
    /// The margins were not all met after [`MAX_RAKE_ITERATIONS`] sweeps:
    /// the worst margin.
    #[error(
        "raking did not converge: dimension {dimension}, value {value} reached {achieved}, target {target}"
    )]
    NotConverged {
        /// Dimension index.
        dimension: usize,
        /// Value index.
        value: usize,
        /// Its raked weight sum.
        achieved: f64,
        /// Its target (share × the selection's Σw).
        target: f64,
    },
}

/// Rakes the cells to the margins by iterative proportional fitting.
///
/// The target of value v of dimension d is T(d,v) = share(d,v) · W, with W
/// the selection's Σw, so the raked weights keep W (shares are first divided
/// by their sum, which is within [`SHARE_SUM_TOLERANCE`] of 1, so that the
/// targets of every dimension sum to W exactly enough to all be met). Starting from g = 1 for
/// every joint combination c, each sweep takes the dimensions in order and
/// sets g(c) ← g(c) · T(d, c_d) / M(d, c_d), where M(d,v) = Σ g(c)·W(c)
/// over the combinations with value v. It stops when every margin is within
/// [`RAKE_TOLERANCE`] relative of its target (checked before each sweep, so
/// data that already meets the margins takes 0 sweeps and keeps g = 1
/// exactly), or fails after [`MAX_RAKE_ITERATIONS`] sweeps with the worst
/// margin. Sums run over the combinations in ascending order: the same input
/// gives bit-identical output.
///
/// The factors are those of R `survey`:
/// `calibrate(svydesign(ids = ~1, weights = ~w, data), ~a + b,
/// population = c(W, W·share(a2), …, W·share(b2), …), calfun = "raking")`
/// gives w' = g·w (raking and R's Newton iterations reach the same unique
/// solution, g = exp of an additive function of the values).
///
/// ```
/// use cx_core::score::{rake, Margin, RakeCell};
/// let cells = vec![
///     RakeCell { values: vec![0, 0], weight: 30.0 },
///     RakeCell { values: vec![0, 1], weight: 10.0 },
///     RakeCell { values: vec![1, 0], weight: 20.0 },
///     RakeCell { values: vec![1, 1], weight: 40.0 },
/// ];
/// let margins = vec![
///     Margin { shares: vec![0.5, 0.5] },
///     Margin { shares: vec![0.5, 0.5] },
/// ];
/// let r = rake(&cells, &margins).unwrap();
/// let w: Vec<f64> = (0..4).map(|i| r.factor(i).unwrap() * cells[i].weight).collect();
/// assert!((w[0] + w[1] - 50.0).abs() < 1e-8 && (w[0] + w[2] - 50.0).abs() < 1e-8);
/// ```
pub fn rake(cells: &[RakeCell], margins: &[Margin]) -> Result<Raking, RakeError> {
    check_shares(margins)?;
    let (combinations, weights, cell_combination) = combine(cells, margins.len())?;
    let total: f64 = weights.iter().sum();
    if !total.is_finite() {
        return Err(RakeError::Overflow);
    }
    if total <= 0.0 {
        return Err(RakeError::EmptySelection);
    }
    let targets = check_data(&combinations, &weights, margins, total)?;
    let mut factors = vec![1.0; combinations.len()];
    let mut iterations = 0;
    loop {
        let worst = worst_margin(&combinations, &weights, &factors, &targets);
        let Some((dimension, value, achieved, target)) = worst else {
            break;
        };
        if iterations >= MAX_RAKE_ITERATIONS {
            return Err(RakeError::NotConverged {
                dimension,
                value,
                achieved,
                target,
            });
        }
        for (d, target) in targets.iter().enumerate() {
            let achieved = margin_totals(&combinations, &weights, &factors, d, target.len());
            for (c, g) in combinations.iter().zip(factors.iter_mut()) {
                let v = c[d];
                let ratio = target[v] / achieved[v];
                if achieved[v] > 0.0 && ratio.is_finite() {
                    *g *= ratio;
                }
            }
        }
        iterations += 1;
    }
    Ok(Raking {
        combinations,
        factors,
        cell_combination,
        iterations,
    })
}

/// A cell gives one value per dimension.
fn check_dimensions(cell: usize, values: &[usize], dimensions: usize) -> Result<(), RakeError> {
    if values.len() == dimensions {
        Ok(())
    } else {
        Err(RakeError::DimensionMismatch {
            cell,
            expected: dimensions,
            got: values.len(),
        })
    }
}

/// Every share finite and ≥ 0, every margin summing to 1 within
/// [`SHARE_SUM_TOLERANCE`].
fn check_shares(margins: &[Margin]) -> Result<(), RakeError> {
    for (dimension, m) in margins.iter().enumerate() {
        for (value, &share) in m.shares.iter().enumerate() {
            if !share.is_finite() || share < 0.0 {
                return Err(RakeError::InvalidShare {
                    dimension,
                    value,
                    share,
                });
            }
        }
        let sum: f64 = m.shares.iter().sum();
        if (sum - 1.0).abs() > SHARE_SUM_TOLERANCE {
            return Err(RakeError::SharesDoNotSumToOne { dimension, sum });
        }
    }
    Ok(())
}

/// The distinct joint combinations (ascending), their Σw (summed in cell
/// order) and each cell's combination.
type Combined = (Vec<Vec<usize>>, Vec<f64>, Vec<usize>);

fn combine(cells: &[RakeCell], dimensions: usize) -> Result<Combined, RakeError> {
    let mut index: BTreeMap<&[usize], usize> = BTreeMap::new();
    for (cell, c) in cells.iter().enumerate() {
        check_dimensions(cell, &c.values, dimensions)?;
        if !c.weight.is_finite() || c.weight < 0.0 {
            return Err(RakeError::InvalidCell { cell });
        }
        index.insert(&c.values, 0);
    }
    for (k, slot) in index.values_mut().enumerate() {
        *slot = k;
    }
    let combinations: Vec<Vec<usize>> = index.keys().map(|k| k.to_vec()).collect();
    let mut weights = vec![0.0; combinations.len()];
    let mut cell_combination = Vec::with_capacity(cells.len());
    for c in cells {
        let k = index[c.values.as_slice()];
        weights[k] += c.weight;
        cell_combination.push(k);
    }
    Ok((combinations, weights, cell_combination))
}

/// Checks the data against the shares (a value with data has a share > 0,
/// a share > 0 has data) and gives the targets share · W per dimension.
fn check_data(
    combinations: &[Vec<usize>],
    weights: &[f64],
    margins: &[Margin],
    total: f64,
) -> Result<Vec<Vec<f64>>, RakeError> {
    let mut targets = Vec::with_capacity(margins.len());
    for (dimension, m) in margins.iter().enumerate() {
        let mut observed = vec![0.0; m.shares.len()];
        for (c, &w) in combinations.iter().zip(weights) {
            // Every cell's value needs a share, even a cell of weight 0.
            let Some(o) = observed.get_mut(c[dimension]) else {
                return Err(RakeError::ValueWithoutShare {
                    dimension,
                    value: c[dimension],
                });
            };
            *o += w;
        }
        for (value, (&share, &o)) in m.shares.iter().zip(&observed).enumerate() {
            if share > 0.0 && o <= 0.0 {
                return Err(RakeError::ShareWithoutData { dimension, value });
            }
            if share == 0.0 && o > 0.0 {
                return Err(RakeError::ZeroShareWithData { dimension, value });
            }
        }
        // Shares within 1e-9 of summing to 1 are rescaled to sum to 1, so
        // every dimension's targets sum to W and the margins can all be met.
        let sum: f64 = m.shares.iter().sum();
        targets.push(m.shares.iter().map(|s| s / sum * total).collect());
    }
    Ok(targets)
}

/// M(d,v) = Σ g(c)·W(c) over the combinations with value v of dimension d.
fn margin_totals(
    combinations: &[Vec<usize>],
    weights: &[f64],
    factors: &[f64],
    d: usize,
    values: usize,
) -> Vec<f64> {
    let mut out = vec![0.0; values];
    for ((c, &w), &g) in combinations.iter().zip(weights).zip(factors) {
        out[c[d]] += g * w;
    }
    out
}

/// The margin furthest from its target, relative to the target, when it is
/// further than [`RAKE_TOLERANCE`]: (dimension, value, achieved, target).
fn worst_margin(
    combinations: &[Vec<usize>],
    weights: &[f64],
    factors: &[f64],
    targets: &[Vec<f64>],
) -> Option<(usize, usize, f64, f64)> {
    let mut worst: Option<(f64, (usize, usize, f64, f64))> = None;
    for (d, target) in targets.iter().enumerate() {
        let achieved = margin_totals(combinations, weights, factors, d, target.len());
        for (v, (&a, &t)) in achieved.iter().zip(target).enumerate() {
            if t <= 0.0 {
                continue;
            }
            let gap = (a - t).abs() / t;
            // A NaN gap is never within the tolerance.
            let far = gap.is_nan() || gap > RAKE_TOLERANCE;
            if far && worst.is_none_or(|(g, _)| gap > g || gap.is_nan()) {
                worst = Some((gap, (d, v, a, t)));
            }
        }
    }
    worst.map(|(_, m)| m)
}

/// One rake cell of a domain estimate after raking.
///
/// The cells passed to [`raked_linear`] are all the rake cells of the
/// selection (every response of the calibrated design), with `domain`
/// holding the responses of the cell that are in the domain and have the
/// score (empty for the cells of other groups).
#[derive(Debug, Clone, PartialEq)]
pub struct RakedDomainCell {
    /// The cell's value index per raking dimension (its joint combination).
    pub values: Vec<usize>,
    /// The raking factor g of the combination (finite, > 0).
    pub g: f64,
    /// How many responses the cell holds (all of them).
    pub responses: u64,
    /// Σw of all the cell's responses (design weights, before raking).
    pub weight: f64,
    /// Σw² of all the cell's responses (design weights).
    pub square: f64,
    /// The design-weighted histogram of the cell's responses in the domain
    /// with the score.
    pub domain: WeightedHistogram,
}

/// A domain mean after raking: value, linearization variance, and the
/// responses behind it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RakedMean {
    /// The raked mean ȳ = Σg·w·y / Σg·w over the domain's responses.
    pub value: f64,
    /// Its calibration-linearization variance; `None` with fewer than two
    /// responses in the selection, or when the regression cannot be solved.
    pub variance: Option<f64>,
    /// Responses in the domain with the score.
    pub n: u64,
    /// Σ of their raked weights g·w.
    pub weight_sum: f64,
    /// Kish's effective n of their raked weights, (Σg·w)² / Σ(g·w)².
    pub effective_n: f64,
}

impl RakedMean {
    /// The standard error √variance.
    pub fn se(&self) -> Option<f64> {
        self.variance.map(f64::sqrt)
    }
}

/// The domain aggregates of one cell: Σw and Σw·y over its domain
/// responses, their Σw², and Σw, Σw² of its other responses.
struct DomainSums {
    weight: f64,
    weighted_y: f64,
    square: f64,
    rest_weight: f64,
    rest_square: f64,
}

fn domain_sums(c: &RakedDomainCell, y: &[Option<f64>; HISTOGRAM_POINTS]) -> DomainSums {
    let (mut weight, mut weighted_y, mut square) = (0.0, 0.0, 0.0);
    for (r, v) in y.iter().enumerate() {
        if let Some(v) = v {
            let w = c.domain.weight(r as u8);
            weight += w;
            weighted_y += w * v;
            square += c.domain.square(r as u8);
        }
    }
    DomainSums {
        weight,
        weighted_y,
        square,
        rest_weight: (c.weight - weight).max(0.0),
        rest_square: (c.square - square).max(0.0),
    }
}

/// The mean of a score over a domain of the raked responses, with the
/// calibration-linearization variance of R `survey`.
///
/// `y[r]` is the score's value of rating r; a rating with `None` is not a
/// response to the score (like `NA` under `na.rm = TRUE`).
///
/// With rows i of design weight w_i, factor g_i (w'_i = g_i·w_i), d_i = 1
/// for a domain response with the score, W' = Σ d·w' and ȳ = Σ d·w'·y / W':
/// u_i = d_i (y_i − ȳ); β solves the weighted least squares of u on x_i,
/// the indicators of the margins' values (intercept plus all but one value
/// per dimension), with weights w_i (design weights); the residual
/// e_i = g_i·w_i (u_i − x_i'β) / W'; and, with m the responses in the
/// selection, Var = m/(m−1) Σ (e_i − ē)². As x_i depends only on the cell,
/// the regression runs on the cells' Σw-weighted means of u, and Σe, Σe²
/// come from each cell's per-rating Σw, Σw² (its domain histogram) and the
/// Σw, Σw² of its other responses (for which u = 0).
///
/// This is what R computes row by row for
/// `svymean(~y, r, na.rm = TRUE)` (overall) and
/// `svyby(~y, ~g, r, svymean, na.rm = TRUE)` (domains) on
/// `r <- calibrate(svydesign(ids = ~1, weights = ~w, data), ~a + b,
/// population, calfun = "raking")`: `svyrecvar` takes
/// `qr.resid(qr(X·√w), x/(g√w))·g√w` of the estimating function
/// x_i = w'_i d_i (y_i − ȳ)/W', and a subset of a calibrated design keeps
/// every row with weight 0.
pub fn raked_linear(
    cells: &[RakedDomainCell],
    y: &[Option<f64>; HISTOGRAM_POINTS],
) -> Result<RakedMean, RakeError> {
    if let Some(rating) = y.iter().position(|v| v.is_some_and(|v| !v.is_finite())) {
        return Err(RakeError::InvalidScoreValue { rating });
    }
    let dimensions = cells.first().map_or(0, |c| c.values.len());
    for (cell, c) in cells.iter().enumerate() {
        check_dimensions(cell, &c.values, dimensions)?;
        let finite = [c.weight, c.square]
            .iter()
            .all(|v| v.is_finite() && *v >= 0.0);
        if !finite || !c.g.is_finite() || c.g <= 0.0 {
            return Err(RakeError::InvalidCell { cell });
        }
    }
    let sums: Vec<DomainSums> = cells.iter().map(|c| domain_sums(c, y)).collect();
    let weight_sum: f64 = cells.iter().zip(&sums).map(|(c, s)| c.g * s.weight).sum();
    if weight_sum <= 0.0 {
        return Err(RakeError::NoResponses);
    }
    let value = cells
        .iter()
        .zip(&sums)
        .map(|(c, s)| c.g * s.weighted_y)
        .sum::<f64>()
        / weight_sum;
    let square_sum: f64 = cells
        .iter()
        .zip(&sums)
        .map(|(c, s)| c.g * c.g * s.square)
        .sum();
    let n = cells.iter().map(|c| domain_count(&c.domain, y)).sum();
    let m: u64 = cells.iter().map(|c| c.responses).sum();
    let variance = if m >= 2 {
        residual_variance(cells, &sums, y, value, m).map(|v| v / (weight_sum * weight_sum))
    } else {
        None
    };
    let effective_n = weight_sum * weight_sum / square_sum;
    if !(value.is_finite() && weight_sum.is_finite() && effective_n.is_finite()) {
        return Err(RakeError::Overflow);
    }
    Ok(RakedMean {
        value,
        variance,
        n,
        weight_sum,
        effective_n,
    })
}

/// Responses of the histogram whose rating has a score value.
fn domain_count(h: &WeightedHistogram, y: &[Option<f64>; HISTOGRAM_POINTS]) -> u64 {
    h.counts
        .iter()
        .zip(y)
        .filter(|(_, v)| v.is_some())
        .fold(0u64, |a, (&c, _)| a.saturating_add(c))
}

/// m/(m−1) Σ(e − ē)² with e_i = g_i w_i (u_i − x_i'β), u_i = d_i (y_i − ȳ)
/// (not yet divided by W'): see [`raked_linear`].
fn residual_variance(
    cells: &[RakedDomainCell],
    sums: &[DomainSums],
    y: &[Option<f64>; HISTOGRAM_POINTS],
    mean: f64,
    m: u64,
) -> Option<f64> {
    // Σ_i∈c w_i u_i per cell: the regression's right-hand side.
    let wu: Vec<f64> = sums
        .iter()
        .map(|s| s.weighted_y - mean * s.weight)
        .collect();
    let fitted = fitted_means(cells, &wu)?;
    let (mut sum, mut sum_sq) = (0.0, 0.0);
    for ((c, s), &f) in cells.iter().zip(sums).zip(&fitted) {
        let (mut e, mut e2) = (-s.rest_weight * f, s.rest_square * f * f);
        for (r, v) in y.iter().enumerate() {
            if let Some(v) = v {
                let d = v - mean - f;
                e += c.domain.weight(r as u8) * d;
                e2 += c.domain.square(r as u8) * d * d;
            }
        }
        sum += c.g * e;
        sum_sq += c.g * c.g * e2;
    }
    let m = m as f64;
    let v = m / (m - 1.0) * (sum_sq - sum * sum / m);
    v.is_finite().then_some(v.max(0.0))
}

/// The fitted value x_c'β of every cell, β the weighted least squares of
/// the cells' means of u on the margins' indicators (weights Σw): the
/// projection of b_c = Σw·u/√W_c on the columns of the rows √W_c·x_c, by a
/// singular value decomposition (rank-deficient designs, as with
/// confounded dimensions, project on the space the columns span, like
/// `qr.resid`). `None` when the decomposition fails.
fn fitted_means(cells: &[RakedDomainCell], wu: &[f64]) -> Option<Vec<f64>> {
    let columns = indicator_columns(cells);
    let p = 1 + columns.iter().map(BTreeMap::len).sum::<usize>();
    let rows = cells.len();
    let mut a = DMatrix::<f64>::zeros(rows, p);
    let mut b = DVector::<f64>::zeros(rows);
    for (i, c) in cells.iter().enumerate() {
        if c.weight <= 0.0 {
            continue;
        }
        let s = c.weight.sqrt();
        a[(i, 0)] = s;
        for (d, &v) in c.values.iter().enumerate() {
            if let Some(&k) = columns[d].get(&v) {
                a[(i, k)] = s;
            }
        }
        b[i] = wu[i] / s;
    }
    let svd = nalgebra::SVD::try_new(a.clone(), true, true, f64::EPSILON, SVD_ITERATIONS)?;
    let largest = svd.singular_values.iter().copied().fold(0.0, f64::max);
    let beta = svd.solve(&b, largest * 1e-10).ok()?;
    let fit = a * beta;
    Some(
        cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if c.weight > 0.0 {
                    fit[i] / c.weight.sqrt()
                } else {
                    0.0
                }
            })
            .collect(),
    )
}

/// The most iterations of the singular value decomposition (it takes a few
/// per singular value).
const SVD_ITERATIONS: usize = 10_000;

/// The column of each value's indicator, per dimension: the values present
/// (in cells with Σw > 0) but the smallest, numbered after the intercept.
fn indicator_columns(cells: &[RakedDomainCell]) -> Vec<BTreeMap<usize, usize>> {
    let dimensions = cells.first().map_or(0, |c| c.values.len());
    let mut next = 1;
    (0..dimensions)
        .map(|d| {
            let present: BTreeSet<usize> = cells
                .iter()
                .filter(|c| c.weight > 0.0)
                .map(|c| c.values[d])
                .collect();
            present
                .into_iter()
                .skip(1)
                .map(|v| {
                    next += 1;
                    (v, next - 1)
                })
                .collect()
        })
        .collect()
}
