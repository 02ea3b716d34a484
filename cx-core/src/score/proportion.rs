//! Proportions: the Wilson score interval and a share as a [`Score`] in
//! percent. Used by CSAT, rule compliance and every top-box share.

use super::{z_quantile, Flag, Interval, IntervalMethod, Score, ScoreError};

/// The Wilson score interval of `successes`/`n` on the 0..1 scale, at
/// `level`; `None` when n = 0. Bounds are exactly 0 when there is no success
/// and exactly 1 when every trial succeeds.
///
/// ```
/// // Newcombe (1998) Table I: 81/263 → [0.2553, 0.3662]
/// let (lo, hi) = cx_core::score::wilson(81, 263, 0.95).unwrap().unwrap();
/// assert!((lo - 0.2553).abs() < 5e-5 && (hi - 0.3662).abs() < 5e-5);
/// ```
pub fn wilson(successes: u64, n: u64, level: f64) -> Result<Option<(f64, f64)>, ScoreError> {
    let z = z_quantile(level)?;
    if successes > n {
        return Err(ScoreError::SuccessesExceedN { successes, n });
    }
    if n == 0 {
        return Ok(None);
    }
    let nf = n as f64;
    let p = successes as f64 / nf;
    let z2 = z * z;
    let denom = 1.0 + z2 / nf;
    let centre = (p + z2 / (2.0 * nf)) / denom;
    let half = z * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt() / denom;
    let low = if successes == 0 {
        0.0
    } else {
        (centre - half).clamp(0.0, p)
    };
    let high = if successes == n {
        1.0
    } else {
        (centre + half).clamp(p, 1.0)
    };
    Ok(Some((low, high)))
}

/// A share `successes`/`n` as a score in percent with its Wilson interval
/// and the binomial SE √(p(1 − p)/n).
///
/// ```
/// use cx_core::score::proportion;
/// let s = proportion(74, 107, 0.95).unwrap();
/// assert!((s.value.unwrap() - 69.1588785).abs() < 1e-6);
/// assert!(proportion(0, 0, 0.95).unwrap().value.is_none());
/// ```
pub fn proportion(successes: u64, n: u64, level: f64) -> Result<Score, ScoreError> {
    let Some((low, high)) = wilson(successes, n, level)? else {
        return Ok(Score::empty("no observations"));
    };
    let p = successes as f64 / n as f64;
    let mut s = Score {
        value: Some(p * 100.0),
        n,
        se: Some((p * (1.0 - p) / n as f64).sqrt() * 100.0),
        interval: Some(Interval {
            low: low * 100.0,
            high: high * 100.0,
            level,
            method: IntervalMethod::Wilson,
        }),
        ..Score::default()
    };
    if successes == 0 || successes == n {
        s.add_flag(Flag::ZeroVariance);
    }
    Ok(s)
}
