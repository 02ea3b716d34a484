//! Normal and Student t quantiles and p-values (statrs), and the default
//! confidence level. Every function validates the level instead of panicking.

use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

use super::ScoreError;

/// The default confidence level, 0.95.
pub const DEFAULT_LEVEL: f64 = 0.95;

pub(crate) fn check_level(level: f64) -> Result<(), ScoreError> {
    if level.is_finite() && level > 0.0 && level < 1.0 {
        Ok(())
    } else {
        Err(ScoreError::InvalidLevel(level))
    }
}

/// The two-sided standard normal quantile z = Φ⁻¹(1 − (1 − level)/2),
/// e.g. 1.959963984540054 for 0.95.
///
/// ```
/// let z = cx_core::score::z_quantile(0.95).unwrap();
/// assert!((z - 1.959963984540054).abs() < 1e-12);
/// ```
pub fn z_quantile(level: f64) -> Result<f64, ScoreError> {
    check_level(level)?;
    Ok(Normal::standard().inverse_cdf(1.0 - (1.0 - level) / 2.0))
}

/// The two-sided Student t quantile with `df` degrees of freedom; `None` when
/// `df` is not positive.
pub fn t_quantile(level: f64, df: f64) -> Result<Option<f64>, ScoreError> {
    check_level(level)?;
    if !(df.is_finite() && df > 0.0) {
        return Ok(None);
    }
    Ok(StudentsT::new(0.0, 1.0, df)
        .ok()
        .map(|t| t.inverse_cdf(1.0 - (1.0 - level) / 2.0)))
}

/// The two-sided p-value of a z statistic, 2·(1 − Φ(|z|)); `None` for NaN.
pub fn two_sided_p(z: f64) -> Option<f64> {
    if z.is_nan() {
        return None;
    }
    Some((2.0 * Normal::standard().sf(z.abs())).min(1.0))
}

/// The two-sided p-value of a t statistic with `df` degrees of freedom.
pub(crate) fn two_sided_p_t(t: f64, df: f64) -> Option<f64> {
    if t.is_nan() || !(df.is_finite() && df > 0.0) {
        return None;
    }
    let dist = StudentsT::new(0.0, 1.0, df).ok()?;
    Some((2.0 * dist.sf(t.abs())).min(1.0))
}
