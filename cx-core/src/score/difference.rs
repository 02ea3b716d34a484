//! The difference of two independent estimates and its z-test: one type,
//! [`DifferenceTest`], for every two-sample comparison (the NPS and eNPS
//! differences of [`super::nps_diff`], the CSAT and CES differences of the
//! engine's comparison).
//!
//! **Formula.** Two independent estimates a and b, each with the variance of
//! the estimate (its SE²):
//!
//! - Δ = a − b, SE(Δ) = √(Var a + Var b);
//! - p = 2·(1 − Φ(|Δ| / SE(Δ))), defined when SE(Δ) > 0;
//! - the interval is Δ′ ± z·SE′ at the requested level, where (Δ′, SE′) are
//!   (Δ, SE(Δ)) unless the caller centres the interval on other estimates
//!   (the adjusted Wald NPS interval uses the adjusted counts' Δ and SE).
//!
//! A formula may work on its own scale (NPS on −1..1) and report on the
//! display scale: [`DifferenceTest::from_estimates`] takes the factor
//! between the two (100 for NPS); the p-value does not depend on it.
//!
//! What does not live here: how each score gets its estimate and variance
//! (its own module), and which selections are compared (the engine).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::dist::check_level;
use super::{two_sided_p, z_quantile, Interval, IntervalMethod, Score, ScoreError};

/// One side of a difference: an estimate and the variance of the estimate
/// (SE², not the per-observation variance), on the formula's scale.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// The estimate.
    pub value: f64,
    /// Its variance (the square of its standard error).
    pub variance: f64,
}

impl Estimate {
    /// The estimate of a score with a value and a standard error (its
    /// display scale); `None` when either is missing.
    pub fn of_score(score: &Score) -> Option<Estimate> {
        let (value, se) = (score.value?, score.se?);
        Some(Estimate {
            value,
            variance: se * se,
        })
    }
}

/// Where the interval of a difference is centred, and how it is labelled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DifferenceInterval {
    /// The estimates the interval is built on: `None` for the observed ones
    /// (Δ ± z·SE(Δ)); the adjusted estimates of an adjusted Wald interval.
    pub on: Option<(Estimate, Estimate)>,
    /// The method the interval records.
    pub method: IntervalMethod,
}

/// A difference Δ = a − b between two independent samples (signed), on the
/// display scale, with its standard error, interval and two-sided z-test.
///
/// ```
/// use cx_core::score::{DifferenceTest, Score};
/// let a = Score { value: Some(80.0), se: Some(3.0), n: 100, ..Score::default() };
/// let b = Score { value: Some(74.0), se: Some(4.0), n: 90, ..Score::default() };
/// let d = DifferenceTest::of_scores(&a, &b, 0.95).unwrap();
/// assert_eq!((d.delta, d.se), (Some(6.0), Some(5.0)));
/// // z = 6 / 5 = 1.2: p = 2·(1 − Φ(1.2)) = 0.2301393 (R: 2 * pnorm(-1.2)).
/// assert!((d.p.unwrap() - 0.2301393).abs() < 1e-7);
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DifferenceTest {
    /// a − b on the display scale (NPS −200..200, percentage points, scale
    /// points); `None` when either side has no estimate.
    pub delta: Option<f64>,
    /// √(SE(a)² + SE(b)²), observed.
    pub se: Option<f64>,
    /// Interval on Δ (adjusted Wald NPS: centred on the adjusted difference).
    pub interval: Option<Interval>,
    /// Two-sided p-value of z = Δ/SE (observed); `None` when SE = 0.
    pub p: Option<f64>,
    /// Size of sample a.
    pub n_a: u64,
    /// Size of sample b.
    pub n_b: u64,
    /// Why `delta` is `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl DifferenceTest {
    /// No difference: samples of `n_a` and `n_b`, and why.
    pub fn unavailable(n_a: u64, n_b: u64, reason: impl Into<String>) -> DifferenceTest {
        DifferenceTest {
            n_a,
            n_b,
            reason: Some(reason.into()),
            ..DifferenceTest::default()
        }
    }

    /// The z-test of `a − b` for two independent estimates of samples of
    /// `n` = (n_a, n_b), with the interval `interval` at `level`; `display`
    /// is the factor from the estimates' scale to the display scale (1 when
    /// they are on it). Errors: an invalid level.
    pub fn from_estimates(
        (a, b): (Estimate, Estimate),
        (n_a, n_b): (u64, u64),
        interval: DifferenceInterval,
        level: f64,
        display: f64,
    ) -> Result<DifferenceTest, ScoreError> {
        check_level(level)?;
        let z = z_quantile(level)?;
        let delta = a.value - b.value;
        let se = (a.variance + b.variance).sqrt();
        let (centre, se_i) = match interval.on {
            Some((ia, ib)) => (ia.value - ib.value, (ia.variance + ib.variance).sqrt()),
            None => (delta, se),
        };
        Ok(DifferenceTest {
            delta: Some(delta * display),
            se: Some(se * display),
            interval: Some(
                Interval::around(centre, z * se_i, level, interval.method).scaled(display),
            ),
            p: if se > 0.0 {
                two_sided_p(delta / se)
            } else {
                None
            },
            n_a,
            n_b,
            reason: None,
        })
    }

    /// The difference of two scores on the display scale from their values
    /// and standard errors (normal approximation on independent samples,
    /// [`IntervalMethod::Normal`]): the CSAT and CES differences. A side
    /// without a value or a standard error gives no difference, with a
    /// reason. Errors: an invalid level.
    pub fn of_scores(a: &Score, b: &Score, level: f64) -> Result<DifferenceTest, ScoreError> {
        check_level(level)?;
        let (Some(ea), Some(eb)) = (Estimate::of_score(a), Estimate::of_score(b)) else {
            return Ok(DifferenceTest::unavailable(
                a.n,
                b.n,
                "one side has no data or no standard error",
            ));
        };
        let normal = DifferenceInterval {
            on: None,
            method: IntervalMethod::Normal,
        };
        DifferenceTest::from_estimates((ea, eb), (a.n, b.n), normal, level, 1.0)
    }
}
