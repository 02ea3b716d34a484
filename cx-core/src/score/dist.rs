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
    if df > LARGE_DF {
        // Cornish–Fisher expansion in 1/df (Abramowitz & Stegun 26.7.5):
        // the error is O(df⁻⁵), far below f64 precision here, and it avoids
        // the incomplete-beta inversion, which is slow for huge df.
        let z = z_quantile(level)?;
        let (z2, z3) = (z * z, z * z * z);
        let z5 = z3 * z2;
        let z7 = z5 * z2;
        let z9 = z7 * z2;
        let g1 = (z3 + z) / 4.0;
        let g2 = (5.0 * z5 + 16.0 * z3 + 3.0 * z) / 96.0;
        let g3 = (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / 384.0;
        let g4 = (79.0 * z9 + 776.0 * z7 + 1482.0 * z5 - 1920.0 * z3 - 945.0 * z) / 92160.0;
        let d2 = df * df;
        return Ok(Some(
            z + g1 / df + g2 / d2 + g3 / (d2 * df) + g4 / (d2 * d2),
        ));
    }
    Ok(StudentsT::new(0.0, 1.0, df)
        .ok()
        .map(|t| t.inverse_cdf(1.0 - (1.0 - level) / 2.0)))
}

/// Degrees of freedom above which the t quantile uses its expansion.
const LARGE_DF: f64 = 1e3;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_are_fast_and_continuous_at_the_switch() {
        for level in [1e-12, 0.5, 0.9, 0.95, 0.99, 0.999_999_999] {
            let below = t_quantile(level, LARGE_DF).unwrap().unwrap();
            let above = t_quantile(level, LARGE_DF * (1.0 + 1e-12))
                .unwrap()
                .unwrap();
            if level >= 0.8 {
                assert!(
                    (below - above).abs() <= 1e-9 * below,
                    "{level}: {below} {above}"
                );
            }
            for df in [1.0, 2.0, 29.0, 1e3, 1e6, 1e12, 1e30] {
                let t = t_quantile(level, df).unwrap().unwrap();
                assert!(t.is_finite() && t >= 0.0, "{level} {df} {t}");
            }
        }
        // R: qt(0.975, 1e5) = 1.959986...; qt(0.975, 10) = 2.228138851986274
        let t = t_quantile(0.95, 1e5).unwrap().unwrap();
        assert!((t - 1.959983).abs() < 1e-5, "{t}");
        assert!((t_quantile(0.95, 10.0).unwrap().unwrap() - 2.228138851986274).abs() < 1e-12);
    }
}
