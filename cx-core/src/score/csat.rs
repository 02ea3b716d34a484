//! CSAT: the top-2-box share of a satisfaction scale (4–5 on 1–5, 6–7 on
//! 1–7, 9–10 on 1–10) with its Wilson interval, plus mean and distribution.

use super::{proportion, Histogram, Scale, Score, ScoreError};

/// Number of ratings in the top two points of `scale`.
pub fn top_two_box(h: &Histogram, scale: Scale) -> u64 {
    h.count_range(scale.max.saturating_sub(1).max(scale.min), scale.max)
}

/// The CSAT score: top-2-box share in percent (Wilson interval), with the
/// mean rating and the distribution over `scale` as extras. Ratings outside
/// the scale are an error (never silently dropped).
///
/// ```
/// use cx_core::score::{csat, Histogram, Scale};
/// // Delighted help-centre example: counts for 1..5 = 14, 9, 10, 32, 42.
/// let h = Histogram::from_counts(1, &[14, 9, 10, 32, 42]).unwrap();
/// let s = csat(&h, Scale::FIVE, 0.95).unwrap();
/// assert!((s.value.unwrap() - 7400.0 / 107.0).abs() < 1e-9);
/// ```
pub fn csat(h: &Histogram, scale: Scale, level: f64) -> Result<Score, ScoreError> {
    h.check_scale(scale)?;
    let mut s = proportion(top_two_box(h, scale), h.n(), level)?;
    if s.value.is_none() {
        s.reason = Some("no CSAT responses".into());
        return Ok(s);
    }
    s.mean = h.mean();
    s.distribution = Some(h.distribution(scale));
    Ok(s)
}
