//! Expectation gap (SERVQUAL style): perception − expectation per attribute
//! from paired integer ratings ([`PairedDiff`], mergeable), and the
//! (weighted) mean of attribute gaps per facet or factor.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{t_quantile, Flag, Interval, IntervalMethod, Score, ScoreError};

/// Exact sums of paired differences d = perception − expectation over the
/// responses that gave both ratings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PairedDiff {
    /// Complete pairs.
    pub n: u64,
    /// Σd.
    pub sum: i64,
    /// Σd².
    pub sum_sq: u64,
}

impl PairedDiff {
    /// Records one pair of ratings.
    pub fn add(&mut self, perception: u8, expectation: u8) {
        let d = i64::from(perception) - i64::from(expectation);
        self.n = self.n.saturating_add(1);
        self.sum = self.sum.saturating_add(d);
        self.sum_sq = self
            .sum_sq
            .saturating_add(d.unsigned_abs() * d.unsigned_abs());
    }

    /// Adds the sums of `other` (saturating).
    pub fn merge(&mut self, other: &PairedDiff) {
        self.n = self.n.saturating_add(other.n);
        self.sum = self.sum.saturating_add(other.sum);
        self.sum_sq = self.sum_sq.saturating_add(other.sum_sq);
    }
}

/// The gap of one attribute: mean of perception − expectation on the rating
/// scale (negative = below expectations), with a t interval.
///
/// ```
/// use cx_core::score::{attribute_gap, PairedDiff};
/// let mut d = PairedDiff::default();
/// d.add(4, 5);
/// d.add(3, 5);
/// assert_eq!(attribute_gap(&d, 0.95).unwrap().value, Some(-1.5));
/// ```
pub fn attribute_gap(d: &PairedDiff, level: f64) -> Result<Score, ScoreError> {
    let nf = d.n as f64;
    let t = t_quantile(level, nf - 1.0)?;
    if d.n == 0 {
        return Ok(Score::empty(
            "no response rated both perception and expectation",
        ));
    }
    let mean = d.sum as f64 / nf;
    let mut s = Score {
        value: Some(mean),
        n: d.n,
        ..Score::default()
    };
    if d.n >= 2 {
        // Exact n·Σd² − (Σd)² when it fits in i128, else in f64.
        let exact = i128::from(d.n)
            .checked_mul(i128::from(d.sum_sq))
            .and_then(|a| a.checked_sub(i128::from(d.sum) * i128::from(d.sum)));
        let scatter = match exact {
            Some(x) => x.max(0) as f64,
            None => (nf * d.sum_sq as f64 - (d.sum as f64).powi(2)).max(0.0),
        };
        let var = scatter / (nf * (nf - 1.0));
        let se = (var / nf).sqrt();
        s.se = Some(se);
        if let Some(t) = t {
            s.interval = Some(Interval::around(mean, t * se, level, IntervalMethod::T));
        }
        if scatter == 0.0 {
            s.add_flag(Flag::ZeroVariance);
        }
    } else {
        s.add_flag(Flag::NoInterval);
    }
    Ok(s)
}

/// The mean of attribute gaps, weighted when `weights` is given (weights
/// are relative: they need not sum to 1 or 100). `None` when there is no
/// gap or the weights sum to 0.
///
/// ```
/// use cx_core::score::weighted_mean_gap;
/// // 12manage SERVQUAL example.
/// let gaps = [-0.65, -1.10, -0.83, -0.70, -1.01];
/// assert!((weighted_mean_gap(&gaps, None).unwrap().unwrap() + 0.858).abs() < 1e-12);
/// let w = [10.0, 30.0, 20.0, 20.0, 20.0];
/// assert!((weighted_mean_gap(&gaps, Some(&w)).unwrap().unwrap() + 0.903).abs() < 1e-12);
/// ```
pub fn weighted_mean_gap(gaps: &[f64], weights: Option<&[f64]>) -> Result<Option<f64>, ScoreError> {
    for &g in gaps {
        if !g.is_finite() {
            return Err(ScoreError::InvalidNumber {
                what: "gap",
                value: g,
            });
        }
    }
    let (num, den) = match weights {
        None => (gaps.iter().sum::<f64>(), gaps.len() as f64),
        Some(w) => {
            if w.len() != gaps.len() {
                return Err(ScoreError::DimensionMismatch {
                    expected: gaps.len(),
                    got: w.len(),
                });
            }
            if let Some(&bad) = w.iter().find(|x| !(x.is_finite() && **x >= 0.0)) {
                return Err(ScoreError::InvalidNumber {
                    what: "gap weight",
                    value: bad,
                });
            }
            (
                gaps.iter().zip(w).map(|(g, w)| g * w).sum::<f64>(),
                w.iter().sum::<f64>(),
            )
        }
    };
    Ok((den > 0.0).then(|| num / den))
}
