//! Survey weights: the fixed point they are kept in, the checks a weight
//! passes, and [`WeightedHistogram`], the weighted sufficient statistic of
//! every rating score.
//!
//! **Fixed point.** A weight is kept as an integer number of millionths
//! ([`WEIGHT_SCALE`]): Σw is kept in millionths and Σw² in millionths
//! squared, both as exact `u128`. Sums are therefore exact and merging is
//! exactly associative and commutative, like the unweighted counts. A weight
//! with more than six decimals is rounded to the nearest millionth; the
//! ingest report counts those records.
//!
//! **Range.** A weight is a finite number in
//! \[[`MIN_WEIGHT`], [`MAX_WEIGHT`]\] (0.000001 to 100,000). The maximum
//! keeps every sum exact: a weight of at most 10¹¹ millionths, squared, is
//! below 2⁷⁴, and 2⁵³ records (the engine's limit of records of a kind) of
//! it stay below 2¹²⁸. Expansion weights of a population survey (one
//! respondent standing for thousands of customers) fit; a weight above
//! 100,000 is taken for a data error.
//!
//! **Weight 1.** A record of weight exactly 1 is the same as a record
//! without a weight: the engine keeps it as unweighted, so all-ones weights
//! give the same cells as no weights.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Histogram, HISTOGRAM_POINTS};

/// Millionths per unit of weight: the fixed point of every weight sum.
pub const WEIGHT_SCALE: u64 = 1_000_000;
/// The smallest weight a record may carry (one millionth).
pub const MIN_WEIGHT: f64 = 1e-6;
/// The largest weight a record may carry.
pub const MAX_WEIGHT: f64 = 100_000.0;

/// A weight in fixed point: millionths, and whether the weight given had
/// more decimals than that and was rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedWeight {
    /// The weight in millionths (1 ≤ `millionths` ≤ 10¹¹).
    pub millionths: u64,
    /// True when the weight given was rounded to the nearest millionth.
    pub rounded: bool,
}

impl FixedWeight {
    /// A weight of exactly 1: the same as no weight.
    pub fn is_one(self) -> bool {
        self.millionths == WEIGHT_SCALE
    }
}

/// Why a weight is refused.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum WeightError {
    /// Zero or negative.
    #[error("a weight must be positive; got {0}")]
    NotPositive(f64),
    /// NaN or infinite.
    #[error("a weight must be a finite number")]
    NotFinite,
    /// Above [`MAX_WEIGHT`].
    #[error("a weight must be at most 100000; got {0}")]
    TooLarge(f64),
    /// Positive but below [`MIN_WEIGHT`] (it would round to 0).
    #[error("a weight must be at least 0.000001; got {0}")]
    TooSmall(f64),
}

/// Checks a weight and puts it in fixed point.
///
/// ```
/// use cx_core::score::fixed_weight;
/// let w = fixed_weight(1.25).unwrap();
/// assert_eq!((w.millionths, w.rounded), (1_250_000, false));
/// assert!(fixed_weight(0.1234567).unwrap().rounded);
/// assert!(fixed_weight(0.0).is_err());
/// assert!(fixed_weight(f64::NAN).is_err());
/// assert!(fixed_weight(1e6).is_err());
/// ```
pub fn fixed_weight(w: f64) -> Result<FixedWeight, WeightError> {
    if !w.is_finite() {
        return Err(WeightError::NotFinite);
    }
    if w <= 0.0 {
        return Err(WeightError::NotPositive(w));
    }
    if w > MAX_WEIGHT {
        return Err(WeightError::TooLarge(w));
    }
    let scaled = (w * WEIGHT_SCALE as f64).round();
    if scaled < 1.0 {
        return Err(WeightError::TooSmall(w));
    }
    // In range: 1 ≤ scaled ≤ 10¹¹, exact in both f64 and u64.
    let millionths = scaled as u64;
    Ok(FixedWeight {
        millionths,
        rounded: millionths as f64 / WEIGHT_SCALE as f64 != w,
    })
}

/// Ratings 0..=10 with, per rating, the count of responses, Σw in
/// millionths and Σw² in millionths squared: the sufficient statistic of a
/// weighted rating score (a design-weighted mean, share or net score and
/// its linearized variance).
///
/// ```
/// use cx_core::score::{Histogram, WeightedHistogram, WEIGHT_SCALE};
/// let mut h = WeightedHistogram::default();
/// h.add(9, 2 * WEIGHT_SCALE);
/// h.add(3, WEIGHT_SCALE / 2);
/// assert_eq!(h.n(), 2);
/// assert_eq!(h.weight_sum(), 2.5);
/// assert_eq!(h.effective_n(), Some(2.5 * 2.5 / 4.25));
/// let ones = WeightedHistogram::of_unweighted(&Histogram::from_counts(0, &[1, 2]).unwrap());
/// assert_eq!(ones.weight_sum(), 3.0);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WeightedHistogram {
    /// Responses per rating.
    pub counts: [u64; HISTOGRAM_POINTS],
    /// Σw per rating, in millionths.
    pub weights: [u128; HISTOGRAM_POINTS],
    /// Σw² per rating, in millionths squared.
    pub squares: [u128; HISTOGRAM_POINTS],
}

impl WeightedHistogram {
    /// The histogram of unweighted responses: weight 1 each.
    pub fn of_unweighted(h: &Histogram) -> WeightedHistogram {
        let mut out = WeightedHistogram::default();
        for r in 0..HISTOGRAM_POINTS {
            let c = h.count(r as u8);
            out.counts[r] = c;
            out.weights[r] = u128::from(c) * u128::from(WEIGHT_SCALE);
            out.squares[r] = u128::from(c) * u128::from(WEIGHT_SCALE) * u128::from(WEIGHT_SCALE);
        }
        out
    }

    /// Adds one response of `rating` (ignored above 10) and weight
    /// `millionths`.
    pub fn add(&mut self, rating: u8, millionths: u64) {
        let r = usize::from(rating);
        if r >= HISTOGRAM_POINTS {
            return;
        }
        let w = u128::from(millionths);
        self.counts[r] = self.counts[r].saturating_add(1);
        self.weights[r] = self.weights[r].saturating_add(w);
        self.squares[r] = self.squares[r].saturating_add(w * w);
    }

    /// Adds the statistics of `other`.
    pub fn merge(&mut self, other: &WeightedHistogram) {
        for r in 0..HISTOGRAM_POINTS {
            self.counts[r] = self.counts[r].saturating_add(other.counts[r]);
            self.weights[r] = self.weights[r].saturating_add(other.weights[r]);
            self.squares[r] = self.squares[r].saturating_add(other.squares[r]);
        }
    }

    /// The number of responses.
    pub fn n(&self) -> u64 {
        self.counts.iter().fold(0u64, |a, &c| a.saturating_add(c))
    }

    /// The unweighted counts.
    pub fn counts(&self) -> Histogram {
        let mut h = Histogram::default();
        for (r, &c) in self.counts.iter().enumerate() {
            // r ≤ 10: always a rating the histogram holds.
            let _ = h.add_n(r as u8, c);
        }
        h
    }

    /// Σw of rating `r`, in units of weight.
    pub fn weight(&self, r: u8) -> f64 {
        self.weights.get(usize::from(r)).map_or(0.0, |&w| w as f64) / WEIGHT_SCALE as f64
    }

    /// Σw² of rating `r`, in units of weight squared.
    pub fn square(&self, r: u8) -> f64 {
        let s = WEIGHT_SCALE as f64;
        self.squares.get(usize::from(r)).map_or(0.0, |&w| w as f64) / (s * s)
    }

    /// Σw over every rating, in units of weight.
    pub fn weight_sum(&self) -> f64 {
        let total = self.weights.iter().fold(0u128, |a, &w| a.saturating_add(w));
        total as f64 / WEIGHT_SCALE as f64
    }

    /// Σw² over every rating, in units of weight squared.
    pub fn square_sum(&self) -> f64 {
        let total = self.squares.iter().fold(0u128, |a, &w| a.saturating_add(w));
        let s = WEIGHT_SCALE as f64;
        total as f64 / (s * s)
    }

    /// The weighted mean rating Σw·r / Σw; `None` without responses.
    pub fn mean(&self) -> Option<f64> {
        let w = self.weight_sum();
        (w > 0.0).then(|| {
            (0..HISTOGRAM_POINTS as u8)
                .map(|r| self.weight(r) * f64::from(r))
                .sum::<f64>()
                / w
        })
    }

    /// Kish's effective sample size (Σw)²/Σw²; `None` without responses.
    pub fn effective_n(&self) -> Option<f64> {
        let q = self.square_sum();
        (q > 0.0).then(|| {
            let w = self.weight_sum();
            w * w / q
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_are_checked_and_rounded_to_millionths() {
        assert_eq!(fixed_weight(1.0).unwrap().millionths, WEIGHT_SCALE);
        assert!(fixed_weight(1.0).unwrap().is_one());
        assert!(!fixed_weight(0.1).unwrap().rounded);
        assert!(!fixed_weight(MAX_WEIGHT).unwrap().rounded);
        assert_eq!(fixed_weight(MIN_WEIGHT).unwrap().millionths, 1);
        assert_eq!(fixed_weight(4e-7), Err(WeightError::TooSmall(4e-7)));
        let w = fixed_weight(6e-7).unwrap();
        assert_eq!((w.millionths, w.rounded), (1, true));
        assert_eq!(fixed_weight(-2.0), Err(WeightError::NotPositive(-2.0)));
        assert_eq!(fixed_weight(f64::INFINITY), Err(WeightError::NotFinite));
        assert_eq!(
            fixed_weight(100_000.5),
            Err(WeightError::TooLarge(100_000.5))
        );
    }

    #[test]
    fn the_largest_sums_stay_exact() {
        // 2^53 records of the largest weight: Σw² < 2^128.
        let w = u128::from(fixed_weight(MAX_WEIGHT).unwrap().millionths);
        assert!((w * w).checked_mul(1u128 << 53).is_some());
    }
}
