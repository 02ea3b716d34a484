//! Customer Effort Score: mean with a t interval, share agreeing and the CES
//! index.
//!
//! Definitions for any scale (they reduce to SPEC §3.2 on 1–7):
//! - **agree** = share of ratings above the scale midpoint: 5–7 on 1–7,
//!   4–5 on 1–5 (the top two points);
//! - **index** = share of the top two points − share of ratings below the
//!   midpoint: 6–7 minus 1–3 on 1–7; on 1–5 it is 4–5 minus 1–2.
//!
//! Shares are in percent, the index in −100..100, the mean on the scale.

use super::csat::top_two_box;
use super::{t_quantile, Flag, Histogram, Interval, IntervalMethod, Scale, Score, ScoreError};

/// The CES score: `value` = `mean` (t interval on n − 1 df), with `agree`
/// and `index` as extras.
///
/// ```
/// use cx_core::score::{ces, Histogram, Scale};
/// let h = Histogram::from_counts(1, &[80, 210, 140, 110, 160, 180, 120]).unwrap();
/// let s = ces(&h, Scale::SEVEN, 0.95).unwrap();
/// assert!((s.mean.unwrap() - 4.08).abs() < 1e-12);
/// assert!((s.agree.unwrap() - 46.0).abs() < 1e-9);
/// assert!((s.index.unwrap() + 13.0).abs() < 1e-9);
/// ```
pub fn ces(h: &Histogram, scale: Scale, level: f64) -> Result<Score, ScoreError> {
    h.check_scale(scale)?;
    let n = h.n();
    let Some(mean) = h.mean() else {
        t_quantile(level, 1.0)?;
        return Ok(Score::empty("no CES responses"));
    };
    let nf = h.n_f64();
    let mid = scale.midpoint();
    let above: f64 = (scale.min..=scale.max)
        .filter(|&r| f64::from(r) > mid)
        .map(|r| h.count(r) as f64)
        .sum();
    let below: f64 = (scale.min..=scale.max)
        .filter(|&r| f64::from(r) < mid)
        .map(|r| h.count(r) as f64)
        .sum();
    let top2 = top_two_box(h, scale) as f64;
    let mut s = mean_score(h, mean, nf, n, level)?;
    s.mean = Some(mean);
    s.agree = Some(above / nf * 100.0);
    s.index = Some((top2 - below) / nf * 100.0);
    Ok(s)
}

/// A mean with its t interval; shared by CES and attribute performance.
pub(crate) fn mean_score(
    h: &Histogram,
    mean: f64,
    nf: f64,
    n: u64,
    level: f64,
) -> Result<Score, ScoreError> {
    let mut s = Score {
        value: Some(mean),
        n,
        ..Score::default()
    };
    let t = t_quantile(level, nf - 1.0)?;
    match (h.sample_variance(), t) {
        (Some(var), Some(t)) => {
            let se = (var / nf).sqrt();
            s.se = Some(se);
            s.interval = Some(Interval::around(mean, t * se, level, IntervalMethod::T));
            if var == 0.0 {
                s.add_flag(Flag::ZeroVariance);
            }
        }
        _ => s.add_flag(Flag::NoInterval),
    }
    Ok(s)
}
