//! Attribute performance (mean, top-2-box, distribution, with a "not
//! applicable" value excluded) and the employee satisfaction index (mean of
//! item means rescaled to 0–100).

use super::ces::mean_score;
use super::csat::top_two_box;
use super::dist::check_level;
use super::{Flag, Histogram, Scale, Score, ScoreError};

/// Rescales a mean on `scale` to 0..100: (mean − min)/(max − min)·100.
///
/// ```
/// use cx_core::score::{rescale_0_100, Scale};
/// assert_eq!(rescale_0_100(3.0, Scale::FIVE).unwrap(), 50.0);
/// ```
pub fn rescale_0_100(mean: f64, scale: Scale) -> Result<f64, ScoreError> {
    scale.check()?;
    Ok(scale.rescale(mean))
}

/// Performance of one attribute: `value` = `mean` on its scale (t
/// interval), `topTwoBox` in percent and the distribution. `not_applicable`
/// (e.g. `Some(0)` in the airline data) is removed from the histogram first;
/// pass `None` when the histogram holds only valid ratings.
///
/// ```
/// use cx_core::score::{attribute_performance, Histogram, Scale};
/// let mut h = Histogram::from_counts(1, &[1, 1, 1, 1, 1]).unwrap();
/// h.add_n(0, 7).unwrap(); // "not applicable"
/// let s = attribute_performance(&h, Scale::FIVE, Some(0), 0.95).unwrap();
/// assert_eq!(s.n, 5);
/// assert_eq!(s.mean, Some(3.0));
/// ```
pub fn attribute_performance(
    h: &Histogram,
    scale: Scale,
    not_applicable: Option<u8>,
    level: f64,
) -> Result<Score, ScoreError> {
    check_level(level)?;
    let h = match not_applicable {
        Some(na) => h.without(na),
        None => *h,
    };
    h.check_scale(scale)?;
    let Some(mean) = h.mean() else {
        return Ok(Score::empty("no applicable ratings"));
    };
    let n = h.n();
    let nf = h.n_f64();
    let mut s = mean_score(&h, mean, nf, n, level)?;
    s.mean = Some(mean);
    s.top_two_box = Some(top_two_box(&h, scale) as f64 / nf * 100.0);
    s.distribution = Some(h.distribution(scale));
    Ok(s)
}

/// The employee satisfaction index: the mean of the item means, each
/// rescaled to 0..100 on `scale`. Items without answers are left out (flag
/// `partialData`); `n` is the largest item count (the respondents behind
/// the index). No SE: the items share respondents, so their means are not
/// independent.
///
/// ```
/// use cx_core::score::{employee_satisfaction_index, Histogram, Scale};
/// let a = Histogram::from_counts(1, &[0, 0, 0, 0, 2]).unwrap(); // mean 5 → 100
/// let b = Histogram::from_counts(1, &[0, 0, 2, 0, 0]).unwrap(); // mean 3 → 50
/// let s = employee_satisfaction_index(&[a, b], Scale::FIVE).unwrap();
/// assert_eq!(s.value, Some(75.0));
/// ```
pub fn employee_satisfaction_index(items: &[Histogram], scale: Scale) -> Result<Score, ScoreError> {
    scale.check()?;
    let mut sum = 0.0;
    let mut k = 0usize;
    let mut n = 0u64;
    let mut missing = false;
    for h in items {
        h.check_scale(scale)?;
        match h.mean() {
            Some(m) => {
                sum += scale.rescale(m);
                k += 1;
                n = n.max(h.n());
            }
            None => missing = true,
        }
    }
    if k == 0 {
        return Ok(Score::empty("no satisfaction item has answers"));
    }
    let mut s = Score {
        value: Some(sum / k as f64),
        n,
        ..Score::default()
    };
    if missing {
        s.add_flag(Flag::PartialData);
    }
    Ok(s)
}
