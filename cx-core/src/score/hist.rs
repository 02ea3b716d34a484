//! [`Histogram`]: the count histogram of ratings on a small discrete scale
//! (0..=10), and [`Scale`], the range a histogram is scored on. Means,
//! variances, shares and distributions over a scale are computed here; the
//! metric formulas (NPS, CSAT, CES…) live in their own files.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Bucket, ScoreError};

/// Number of rating points a [`Histogram`] holds (ratings 0..=10).
pub const HISTOGRAM_POINTS: usize = 11;

/// A rating scale `min..=max` (e.g. 0–10 for NPS, 1–5 for CSAT, 1–7 for CES).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Scale {
    /// Lowest point.
    pub min: u8,
    /// Highest point (at most 10).
    pub max: u8,
}

impl Scale {
    /// The 0–10 recommend scale of NPS and eNPS.
    pub const NPS: Scale = Scale { min: 0, max: 10 };
    /// The 1–5 scale.
    pub const FIVE: Scale = Scale { min: 1, max: 5 };
    /// The 1–7 scale.
    pub const SEVEN: Scale = Scale { min: 1, max: 7 };
    /// The 1–10 scale.
    pub const TEN: Scale = Scale { min: 1, max: 10 };

    /// A checked scale: `min < max <= 10`.
    pub fn new(min: u8, max: u8) -> Result<Scale, ScoreError> {
        let s = Scale { min, max };
        s.check()?;
        Ok(s)
    }

    pub(crate) fn check(&self) -> Result<(), ScoreError> {
        if self.min < self.max && usize::from(self.max) < HISTOGRAM_POINTS {
            Ok(())
        } else {
            Err(ScoreError::InvalidScale {
                min: self.min,
                max: self.max,
            })
        }
    }

    /// Whether `value` is a point of the scale.
    pub fn contains(&self, value: u8) -> bool {
        (self.min..=self.max).contains(&value)
    }

    /// The midpoint (min + max) / 2.
    pub fn midpoint(&self) -> f64 {
        (f64::from(self.min) + f64::from(self.max)) / 2.0
    }

    /// Maps a value of this scale to 0..100: (x − min)/(max − min)·100.
    pub fn rescale(&self, x: f64) -> f64 {
        (x - f64::from(self.min)) / (f64::from(self.max) - f64::from(self.min)) * 100.0
    }
}

/// Counts of ratings 0..=10: the sufficient statistic of every rating score.
///
/// Merging adds counts (saturating at `u64::MAX`, so it never panics).
///
/// ```
/// use cx_core::score::Histogram;
/// let mut a = Histogram::default();
/// a.add(9).unwrap();
/// a.add_n(3, 2).unwrap();
/// let mut b = Histogram::default();
/// b.add(9).unwrap();
/// a.merge(&b);
/// assert_eq!(a.count(9), 2);
/// assert_eq!(a.n(), 4);
/// assert!(a.add(11).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Histogram {
    /// `counts[r]` = number of ratings equal to `r`.
    pub counts: [u64; HISTOGRAM_POINTS],
}

impl Histogram {
    /// A histogram from counts for ratings `first, first+1, …`.
    pub fn from_counts(first: u8, counts: &[u64]) -> Result<Histogram, ScoreError> {
        let mut h = Histogram::default();
        for (i, &c) in counts.iter().enumerate() {
            let r = u8::try_from(usize::from(first) + i)
                .map_err(|_| ScoreError::RatingOutOfRange(u8::MAX))?;
            h.add_n(r, c)?;
        }
        Ok(h)
    }

    /// Counts one rating.
    #[inline]
    pub fn add(&mut self, rating: u8) -> Result<(), ScoreError> {
        self.add_n(rating, 1)
    }

    /// Counts `n` ratings equal to `rating`.
    #[inline]
    pub fn add_n(&mut self, rating: u8, n: u64) -> Result<(), ScoreError> {
        let slot = self
            .counts
            .get_mut(usize::from(rating))
            .ok_or(ScoreError::RatingOutOfRange(rating))?;
        *slot = slot.saturating_add(n);
        Ok(())
    }

    /// Adds the counts of `other`.
    pub fn merge(&mut self, other: &Histogram) {
        for (a, b) in self.counts.iter_mut().zip(other.counts.iter()) {
            *a = a.saturating_add(*b);
        }
    }

    /// The count of one rating (0 outside 0..=10).
    pub fn count(&self, rating: u8) -> u64 {
        self.counts.get(usize::from(rating)).copied().unwrap_or(0)
    }

    /// Total number of ratings (saturating).
    pub fn n(&self) -> u64 {
        self.counts.iter().fold(0u64, |a, &c| a.saturating_add(c))
    }

    /// Number of ratings in `lo..=hi`.
    pub fn count_range(&self, lo: u8, hi: u8) -> u64 {
        (lo..=hi).fold(0u64, |a, r| a.saturating_add(self.count(r)))
    }

    /// A copy without the ratings equal to `rating` (e.g. 0 = "not applicable").
    pub fn without(&self, rating: u8) -> Histogram {
        let mut h = *self;
        if let Some(c) = h.counts.get_mut(usize::from(rating)) {
            *c = 0;
        }
        h
    }

    /// Checks that every counted rating lies on `scale`.
    pub fn check_scale(&self, scale: Scale) -> Result<(), ScoreError> {
        scale.check()?;
        for (r, &c) in self.counts.iter().enumerate() {
            let r = r as u8;
            if c > 0 && (r < scale.min || r > scale.max) {
                return Err(ScoreError::OutsideScale {
                    rating: r,
                    count: c,
                    min: scale.min,
                    max: scale.max,
                });
            }
        }
        Ok(())
    }

    /// The mean rating; `None` when empty.
    pub fn mean(&self) -> Option<f64> {
        let n = self.n_f64();
        if n == 0.0 {
            return None;
        }
        let sum: f64 = self
            .counts
            .iter()
            .enumerate()
            .map(|(r, &c)| r as f64 * c as f64)
            .sum();
        Some(sum / n)
    }

    /// The sample variance (n − 1 denominator); `None` when n < 2.
    pub fn sample_variance(&self) -> Option<f64> {
        let n = self.n_f64();
        if n < 2.0 {
            return None;
        }
        let m = self.mean()?;
        let ss: f64 = self
            .counts
            .iter()
            .enumerate()
            .map(|(r, &c)| c as f64 * (r as f64 - m) * (r as f64 - m))
            .sum();
        Some(ss / (n - 1.0))
    }

    /// The distribution over `scale` (counts and percent shares).
    pub fn distribution(&self, scale: Scale) -> Vec<Bucket> {
        let n = self.n_f64();
        (scale.min..=scale.max)
            .map(|r| {
                let count = self.count(r);
                Bucket {
                    rating: r,
                    count,
                    share: if n > 0.0 {
                        count as f64 / n * 100.0
                    } else {
                        0.0
                    },
                }
            })
            .collect()
    }

    /// n as f64, computed without saturation.
    pub(crate) fn n_f64(&self) -> f64 {
        self.counts.iter().map(|&c| c as f64).sum()
    }
}
