//! Derived importance from co-moments alone: Pearson r of each predictor
//! with the outcome, R², Johnson's relative weights (equal to relaimpo's
//! `genizi`) and exact Shapley/LMG over all subsets (≤ 15 predictors).
//!
//! Complete cases (listwise deletion, as relaimpo) are the caller's
//! [`CoMoments`], or [`WeightedCoMoments`] for survey weights (through the
//! [`Moments`] trait: the formulas read only a correlation matrix, its
//! means and its number of cases). Weights are fractions of the outcome's variance and sum
//! to R². A constant column or linearly dependent predictors are an error,
//! never NaN.

use nalgebra::{DMatrix, DVector, SymmetricEigen};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{CoMoments, ScoreError, WeightedCoMoments};

/// The largest number of predictors for exact Shapley/LMG (2^15 regressions).
pub const MAX_LMG_PREDICTORS: usize = 15;

/// Relative eigenvalue below which the predictors count as linearly dependent.
const SINGULAR_TOLERANCE: f64 = 1e-10;

/// The importance of each predictor for one outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Importance {
    /// Complete cases.
    pub n: u64,
    /// The co-moment column of the outcome.
    pub outcome: usize,
    /// The co-moment columns of the predictors, in order (every column but the outcome).
    pub predictors: Vec<usize>,
    /// R² of the full linear model, a fraction of variance.
    pub r2: f64,
    /// Mean of each predictor, in co-moment units.
    pub means: Vec<f64>,
    /// Pearson r of each predictor with the outcome.
    pub pearson: Vec<f64>,
    /// Johnson's relative weights (sum to R²).
    pub johnson: Vec<f64>,
    /// Exact Shapley/LMG shares (sum to R²); `None` above [`MAX_LMG_PREDICTORS`].
    pub lmg: Option<Vec<f64>>,
}

/// What derived importance reads of co-moments: the number of complete
/// cases, the correlation matrix and the means. Implemented by
/// [`CoMoments`] (unweighted, as R `cor(x)`) and [`WeightedCoMoments`]
/// (weighted, as R `cov.wt(x, wt = w, cor = TRUE)$cor`; R² then equals
/// `summary(lm(y ~ x, weights = w))$r.squared`).
pub trait Moments {
    /// Number of variables.
    fn columns(&self) -> usize;
    /// Number of complete cases (not their weight).
    fn cases(&self) -> u64;
    /// The correlation matrix (row-major `columns × columns`).
    fn correlation_matrix(&self) -> Result<Vec<Vec<f64>>, ScoreError>;
    /// The mean of each column; `None` without data.
    fn means(&self) -> Option<Vec<f64>>;
}

/// [`Moments`] of a co-moments type by its own methods of the same names.
macro_rules! moments_of {
    ($t:ty) => {
        impl Moments for $t {
            fn columns(&self) -> usize {
                self.columns
            }
            fn cases(&self) -> u64 {
                self.n
            }
            fn correlation_matrix(&self) -> Result<Vec<Vec<f64>>, ScoreError> {
                <$t>::correlation_matrix(self)
            }
            fn means(&self) -> Option<Vec<f64>> {
                <$t>::means(self)
            }
        }
    };
}

moments_of!(CoMoments);
moments_of!(WeightedCoMoments);

/// Correlations split into predictors × predictors and predictors × outcome.
struct Prepared {
    n: u64,
    predictors: Vec<usize>,
    rxx: DMatrix<f64>,
    rxy: DVector<f64>,
}

fn prepare<M: Moments + ?Sized>(co: &M, outcome: usize) -> Result<Prepared, ScoreError> {
    if outcome >= co.columns() {
        return Err(ScoreError::NoSuchColumn {
            index: outcome,
            columns: co.columns(),
        });
    }
    let predictors: Vec<usize> = (0..co.columns()).filter(|&c| c != outcome).collect();
    let k = predictors.len();
    if k == 0 {
        return Err(ScoreError::NoPredictors);
    }
    let needed = k as u64 + 2;
    if co.cases() < needed {
        return Err(ScoreError::TooFewCases {
            n: co.cases(),
            predictors: k,
            needed,
        });
    }
    let r = co.correlation_matrix()?;
    let rxx = DMatrix::from_fn(k, k, |i, j| r[predictors[i]][predictors[j]]);
    let rxy = DVector::from_fn(k, |i, _| r[predictors[i]][outcome]);
    let eig = SymmetricEigen::new(rxx.clone());
    let max = eig.eigenvalues.max();
    let min = eig.eigenvalues.min();
    // `is_nan` catches a NaN eigenvalue; otherwise the ratio must be large enough.
    if min.is_nan() || max.is_nan() || min <= SINGULAR_TOLERANCE * max {
        return Err(ScoreError::Singular);
    }
    Ok(Prepared {
        n: co.cases(),
        predictors,
        rxx,
        rxy,
    })
}

/// Johnson's relative weights from prepared correlations.
fn johnson_of(p: &Prepared) -> Vec<f64> {
    // Rxx = V diag(λ) Vᵀ; Λ = Rxx^{1/2}; β = Λ⁻¹ rxy; ε_j = Σ_k Λ_jk² β_k².
    let eig = SymmetricEigen::new(p.rxx.clone());
    let v = &eig.eigenvectors;
    let sqrt = DMatrix::from_diagonal(&eig.eigenvalues.map(|l| l.max(0.0).sqrt()));
    let inv_sqrt = DMatrix::from_diagonal(&eig.eigenvalues.map(|l| 1.0 / l.max(0.0).sqrt()));
    let lambda = v * sqrt * v.transpose();
    let beta = v * inv_sqrt * v.transpose() * &p.rxy;
    let k = p.rxy.len();
    (0..k)
        .map(|j| {
            (0..k)
                .map(|m| lambda[(j, m)].powi(2) * beta[m].powi(2))
                .sum()
        })
        .collect()
}

/// R² of the regression on the predictors in `mask` (bit i = predictor i),
/// by a small Cholesky solve; 0 for the empty set.
fn subset_r2(rxx: &DMatrix<f64>, rxy: &DVector<f64>, mask: usize, buf: &mut Vec<f64>) -> f64 {
    let idx: Vec<usize> = (0..rxy.len()).filter(|i| mask & (1 << i) != 0).collect();
    let m = idx.len();
    if m == 0 {
        return 0.0;
    }
    // Cholesky L of the sub-matrix into buf (row-major m×m).
    buf.clear();
    buf.resize(m * m, 0.0);
    for i in 0..m {
        for j in 0..=i {
            let mut s = rxx[(idx[i], idx[j])];
            for t in 0..j {
                s -= buf[i * m + t] * buf[j * m + t];
            }
            if i == j {
                buf[i * m + i] = s.max(f64::MIN_POSITIVE).sqrt();
            } else {
                buf[i * m + j] = s / buf[j * m + j];
            }
        }
    }
    // R² = ‖L⁻¹ r‖².
    let mut y = vec![0.0; m];
    for i in 0..m {
        let mut s = rxy[idx[i]];
        for t in 0..i {
            s -= buf[i * m + t] * y[t];
        }
        y[i] = s / buf[i * m + i];
    }
    y.iter().map(|v| v * v).sum()
}

/// Exact Shapley/LMG shares from prepared correlations.
fn lmg_of(p: &Prepared) -> Result<Vec<f64>, ScoreError> {
    let k = p.rxy.len();
    if k > MAX_LMG_PREDICTORS {
        return Err(ScoreError::TooManyPredictors {
            predictors: k,
            max: MAX_LMG_PREDICTORS,
        });
    }
    let mut buf = Vec::new();
    let r2: Vec<f64> = (0..(1usize << k))
        .map(|mask| subset_r2(&p.rxx, &p.rxy, mask, &mut buf))
        .collect();
    // Shapley weight of a coalition of size s not containing j: s!(k−s−1)!/k!.
    let mut fact = vec![1.0f64; k + 1];
    for i in 1..=k {
        fact[i] = fact[i - 1] * i as f64;
    }
    let weight: Vec<f64> = (0..k)
        .map(|s| fact[s] * fact[k - s - 1] / fact[k])
        .collect();
    let mut out = vec![0.0; k];
    for (mask, &base) in r2.iter().enumerate() {
        let s = mask.count_ones() as usize;
        for (j, o) in out.iter_mut().enumerate() {
            if mask & (1 << j) == 0 {
                *o += weight[s] * (r2[mask | (1 << j)] - base);
            }
        }
    }
    Ok(out)
}

/// Pearson r, R², Johnson's relative weights and (for ≤ 15 predictors)
/// exact Shapley/LMG of every other column for the `outcome` column, from
/// unweighted or weighted co-moments ([`Moments`]). R² = rₓᵧᵀ Rₓₓ⁻¹ rₓᵧ,
/// as `summary(lm(y ~ x))$r.squared` (with `weights = w` for
/// [`WeightedCoMoments`]).
///
/// ```
/// use cx_core::score::{relative_importance, CoMoments};
/// let mut co = CoMoments::new(3);
/// for row in [[1, 1, 0], [2, 3, 1], [3, 2, 1], [4, 5, 0], [5, 4, 1], [6, 6, 0]] {
///     co.add(&row).unwrap();
/// }
/// let imp = relative_importance(&co, 0).unwrap();
/// let total: f64 = imp.johnson.iter().sum();
/// assert!((total - imp.r2).abs() < 1e-12);
/// assert!((imp.lmg.unwrap().iter().sum::<f64>() - imp.r2).abs() < 1e-12);
/// ```
pub fn relative_importance<M: Moments + ?Sized>(
    co: &M,
    outcome: usize,
) -> Result<Importance, ScoreError> {
    let p = prepare(co, outcome)?;
    let r2 = p
        .rxx
        .clone()
        .cholesky()
        .map(|c| p.rxy.dot(&c.solve(&p.rxy)))
        .ok_or(ScoreError::Singular)?;
    let johnson = johnson_of(&p);
    let lmg = lmg_of(&p).ok();
    let means = co.means().unwrap_or_default();
    Ok(Importance {
        n: p.n,
        outcome,
        means: p
            .predictors
            .iter()
            .map(|&c| means.get(c).copied().unwrap_or(0.0))
            .collect(),
        predictors: p.predictors,
        r2,
        pearson: p.rxy.iter().copied().collect(),
        johnson,
        lmg,
    })
}

/// Johnson's relative weights of every other column for `outcome`.
pub fn johnson_weights<M: Moments + ?Sized>(
    co: &M,
    outcome: usize,
) -> Result<Vec<f64>, ScoreError> {
    Ok(johnson_of(&prepare(co, outcome)?))
}

/// Exact Shapley/LMG shares of every other column for `outcome`; an error
/// above [`MAX_LMG_PREDICTORS`] predictors.
pub fn lmg<M: Moments + ?Sized>(co: &M, outcome: usize) -> Result<Vec<f64>, ScoreError> {
    lmg_of(&prepare(co, outcome)?)
}
