//! Net Promoter Score (and eNPS, the same formula on employee ratings):
//! [`NpsCounts`], the point estimate, its variance, the `wald`,
//! `adjustedWald` and `score` (Tango) intervals, the one-sample z-test and the
//! two-sample difference ([`nps_diff`], a [`DifferenceTest`]) (SPEC §3.2).
//!
//! Internally everything is on the −1..1 scale of the literature; the
//! returned [`Score`] and [`DifferenceTest`] are on the display scale
//! −100..100.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::dist::check_level;
use super::{
    two_sided_p, z_quantile, DifferenceInterval, DifferenceTest, Estimate, Flag, Histogram,
    Interval, IntervalMethod, Score, ScoreError,
};

/// Pseudo-observations of the adjusted Wald interval (detractor, passive, promoter).
const ADJUST: (f64, f64, f64) = (0.75, 1.5, 0.75);

/// Detractor (0–6), passive (7–8) and promoter (9–10) counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct NpsCounts {
    /// Ratings 0–6.
    pub detractors: u64,
    /// Ratings 7–8.
    pub passives: u64,
    /// Ratings 9–10.
    pub promoters: u64,
}

/// The interval method of an NPS (SPEC §3.2). Default: `adjustedWald`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum NpsMethod {
    /// NPS ± z·SE.
    Wald,
    /// Add 0.75 / 1.5 / 0.75 pseudo-observations, then Wald on the adjusted
    /// counts, centred on the adjusted NPS, not clipped.
    #[default]
    AdjustedWald,
    /// Tango's score interval for the difference of paired proportions
    /// (promoters and detractors as the discordant counts), by root finding.
    Score,
}

/// The options of an NPS score or difference: interval method and
/// confidence level (both optional: `adjustedWald`, 0.95). Used by the
/// bindings (`npsStats`, `npsDiff`, `engine.compare` in JavaScript).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NpsOptions {
    /// Interval method \[adjustedWald\].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<NpsMethod>,
    /// Confidence level \[0.95\].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<f64>,
}

impl NpsOptions {
    /// The method, or the default.
    pub fn method(&self) -> NpsMethod {
        self.method.unwrap_or_default()
    }

    /// The level, or [`super::DEFAULT_LEVEL`].
    pub fn level(&self) -> f64 {
        self.level.unwrap_or(super::DEFAULT_LEVEL)
    }
}

impl NpsMethod {
    /// The interval method recorded in the score.
    pub fn interval_method(self) -> IntervalMethod {
        match self {
            NpsMethod::Wald => IntervalMethod::Wald,
            NpsMethod::AdjustedWald => IntervalMethod::AdjustedWald,
            NpsMethod::Score => IntervalMethod::Score,
        }
    }
}

impl NpsCounts {
    /// Counts from (detractors, passives, promoters).
    pub fn new(detractors: u64, passives: u64, promoters: u64) -> NpsCounts {
        NpsCounts {
            detractors,
            passives,
            promoters,
        }
    }

    /// Classifies a 0–10 histogram.
    pub fn from_histogram(h: &Histogram) -> NpsCounts {
        NpsCounts {
            detractors: h.count_range(0, 6),
            passives: h.count_range(7, 8),
            promoters: h.count_range(9, 10),
        }
    }

    /// Adds the counts of `other` (saturating).
    pub fn merge(&mut self, other: &NpsCounts) {
        self.detractors = self.detractors.saturating_add(other.detractors);
        self.passives = self.passives.saturating_add(other.passives);
        self.promoters = self.promoters.saturating_add(other.promoters);
    }

    /// Total responses, or [`ScoreError::Overflow`] when the three counts
    /// sum past `u64::MAX` (every score of these counts fails the same way:
    /// a total that cannot be counted is no sample).
    pub fn checked_n(&self) -> Result<u64, ScoreError> {
        self.detractors
            .checked_add(self.passives)
            .and_then(|n| n.checked_add(self.promoters))
            .ok_or(ScoreError::Overflow(
                "the number of responses (detractors + passives + promoters)",
            ))
    }

    /// Total responses (saturating; [`NpsCounts::checked_n`] fails
    /// instead).
    pub fn n(&self) -> u64 {
        self.detractors
            .saturating_add(self.passives)
            .saturating_add(self.promoters)
    }

    /// The NPS of these counts as an [`Estimate`] on −1..1 (variance V/n),
    /// of the observed counts, or of the counts with the adjusted Wald
    /// pseudo-observations added when `adjusted`; `None` when n = 0.
    fn nps_estimate(&self, adjusted: bool) -> Option<Estimate> {
        let (d, pa, pr) = self.as_f64();
        let (value, var, n) = if adjusted {
            estimate(d + ADJUST.0, pa + ADJUST.1, pr + ADJUST.2)?
        } else {
            estimate(d, pa, pr)?
        };
        Some(Estimate {
            value,
            variance: var / n,
        })
    }

    fn as_f64(&self) -> (f64, f64, f64) {
        (
            self.detractors as f64,
            self.passives as f64,
            self.promoters as f64,
        )
    }
}

/// NPS (−1..1) and per-response variance of real-valued counts; `None` if n = 0.
fn estimate(d: f64, pa: f64, pr: f64) -> Option<(f64, f64, f64)> {
    let n = d + pa + pr;
    if n <= 0.0 {
        return None;
    }
    let (pd, pp) = (d / n, pr / n);
    let nps = pp - pd;
    Some((nps, nps_variance(pd, pp), n))
}

/// The variance of one response's score (+1, 0, −1):
/// (pPr + pD) − (pPr − pD)², clamped at 0 against rounding.
///
/// ```
/// // (D, Pa, Pr) = (1, 2, 3): 5/9 — R package NPS, tests/test_01_basics.R
/// let v = cx_core::score::nps_variance(1.0 / 6.0, 3.0 / 6.0);
/// assert!((v - 5.0 / 9.0).abs() < 1e-15);
/// ```
pub fn nps_variance(p_detractors: f64, p_promoters: f64) -> f64 {
    let d = p_promoters - p_detractors;
    ((p_promoters + p_detractors) - d * d).max(0.0)
}

/// The NPS score on the display scale, with the interval of `method` at
/// `level`. `value` and `se` are the observed ones.
///
/// ```
/// use cx_core::score::{nps, NpsCounts, NpsMethod};
/// let s = nps(&NpsCounts::new(20, 30, 50), NpsMethod::Wald, 0.95).unwrap();
/// assert!((s.value.unwrap() - 30.0).abs() < 1e-9);
/// let i = s.interval.unwrap();
/// assert!((i.low - 14.69219192).abs() < 1e-6 && (i.high - 45.30780808).abs() < 1e-6);
/// ```
pub fn nps(counts: &NpsCounts, method: NpsMethod, level: f64) -> Result<Score, ScoreError> {
    let z = z_quantile(level)?;
    let total = counts.checked_n()?;
    let (d, pa, pr) = counts.as_f64();
    let Some((value, var, n)) = estimate(d, pa, pr) else {
        return Ok(Score {
            detractors: Some(0),
            passives: Some(0),
            promoters: Some(0),
            ..Score::empty("no responses")
        });
    };
    let se = (var / n).sqrt();
    let (low, high) = match method {
        NpsMethod::Wald => (value - z * se, value + z * se),
        NpsMethod::AdjustedWald => {
            let (v, var_a, n_a) =
                estimate(d + ADJUST.0, pa + ADJUST.1, pr + ADJUST.2).unwrap_or((value, var, n));
            let se_a = (var_a / n_a).sqrt();
            (v - z * se_a, v + z * se_a)
        }
        NpsMethod::Score => tango_interval(pr, d, n, z),
    };
    let mut s = Score {
        value: Some(value * 100.0),
        n: total,
        se: Some(se * 100.0),
        interval: Some(Interval {
            low: low * 100.0,
            high: high * 100.0,
            level,
            method: method.interval_method(),
        }),
        detractors: Some(counts.detractors),
        passives: Some(counts.passives),
        promoters: Some(counts.promoters),
        ..Score::default()
    };
    if var == 0.0 {
        s.add_flag(Flag::ZeroVariance);
    }
    Ok(s)
}

/// eNPS: the NPS formula on employees' 0–10 "recommend as a place to work"
/// ratings (SPEC §3.2). Identical to [`nps`]; named for call sites.
pub fn enps(counts: &NpsCounts, method: NpsMethod, level: f64) -> Result<Score, ScoreError> {
    nps(counts, method, level)
}

/// Tango's score statistic for H0: p12 − p21 = delta with discordant counts
/// `b` (promoters) and `c` (detractors) among `n`.
fn tango_z(b: f64, c: f64, n: f64, delta: f64) -> f64 {
    let a = 2.0 * n;
    let bb = -b - c + (2.0 * n - b + c) * delta;
    let cc = -c * delta * (1.0 - delta);
    let disc = (bb * bb - 4.0 * a * cc).max(0.0);
    let q21 = (disc.sqrt() - bb) / (2.0 * a);
    let var = n * (2.0 * q21 + delta * (1.0 - delta));
    let num = b - c - n * delta;
    if var <= 0.0 {
        // Degenerate: the statistic is ±∞ unless the numerator is 0.
        return if num > 0.0 {
            f64::INFINITY
        } else if num < 0.0 {
            f64::NEG_INFINITY
        } else {
            0.0
        };
    }
    num / var.sqrt()
}

/// Bisection for the δ in [lo, hi] where `f` (decreasing) crosses `target`.
fn bisect(f: impl Fn(f64) -> f64, target: f64, mut lo: f64, mut hi: f64) -> f64 {
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if f(mid) > target {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo < 1e-13 {
            break;
        }
    }
    0.5 * (lo + hi)
}

/// Tango's score interval on −1..1: the set of δ with |Z(δ)| ≤ z.
fn tango_interval(b: f64, c: f64, n: f64, z: f64) -> (f64, f64) {
    let est = (b - c) / n;
    let f = |delta: f64| tango_z(b, c, n, delta);
    let low = if f(-1.0) <= z {
        -1.0
    } else {
        bisect(f, z, -1.0, est)
    };
    let high = if f(1.0) >= -z {
        1.0
    } else {
        bisect(f, -z, est, 1.0)
    };
    (low, high)
}

/// A z-test result.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ZTest {
    /// The z statistic.
    pub z: f64,
    /// Two-sided p-value.
    pub p: f64,
}

/// One-sample z-test of H0: NPS = `null` (display scale, e.g. 0), using the
/// observed SE. `None` when n = 0 or the SE is 0.
///
/// ```
/// use cx_core::score::{nps_z_test, NpsCounts};
/// let t = nps_z_test(&NpsCounts::new(20, 30, 50), 0.0).unwrap();
/// assert!((t.p - 1.2248e-4).abs() < 1e-7);
/// ```
pub fn nps_z_test(counts: &NpsCounts, null: f64) -> Option<ZTest> {
    counts.checked_n().ok()?;
    let (d, pa, pr) = counts.as_f64();
    let (value, var, n) = estimate(d, pa, pr)?;
    let se = (var / n).sqrt();
    if se <= 0.0 || !null.is_finite() {
        return None;
    }
    let z = (value - null / 100.0) / se;
    Some(ZTest {
        z,
        p: two_sided_p(z)?,
    })
}

/// The two-sample NPS difference Δ = a − b and its z-test (SPEC §3.2), a
/// [`DifferenceTest`] on the display scale. The estimates are the observed
/// NPS of each sample (on −1..1) with variance V/n; `adjustedWald` centres
/// the interval on the difference of the adjusted counts' NPS, with their
/// SE. `method` `score` is not defined for two samples and falls back to
/// `wald`.
///
/// ```
/// use cx_core::score::{nps_diff, NpsCounts, NpsMethod};
/// let d = nps_diff(&NpsCounts::new(20, 30, 50), &NpsCounts::new(30, 30, 40), NpsMethod::Wald, 0.95).unwrap();
/// assert!((d.delta.unwrap() - 20.0).abs() < 1e-9);
/// assert!((d.p.unwrap() - 0.0794106260).abs() < 1e-9);
/// ```
pub fn nps_diff(
    a: &NpsCounts,
    b: &NpsCounts,
    method: NpsMethod,
    level: f64,
) -> Result<DifferenceTest, ScoreError> {
    check_level(level)?;
    a.checked_n()?;
    b.checked_n()?;
    let (Some(ea), Some(eb)) = (a.nps_estimate(false), b.nps_estimate(false)) else {
        return Ok(DifferenceTest::unavailable(
            a.n(),
            b.n(),
            "one of the samples has no responses",
        ));
    };
    let interval = match (method, a.nps_estimate(true), b.nps_estimate(true)) {
        (NpsMethod::AdjustedWald, Some(xa), Some(xb)) => DifferenceInterval {
            on: Some((xa, xb)),
            method: IntervalMethod::AdjustedWald,
        },
        _ => DifferenceInterval {
            on: None,
            method: IntervalMethod::Wald,
        },
    };
    DifferenceTest::from_estimates((ea, eb), (a.n(), b.n()), interval, level, 100.0)
}
