//! Significance on comparisons (issue #19): the change of a score against
//! a reference ([`change_of`], a [`ScoreChange`]) with the test its kind
//! calls for, and the adjustment of a family of p-values ([`adjust_p`], R's
//! `p.adjust`).
//!
//! Tests, on two independent samples and the scores' display scale:
//!
//! - net scores (NPS-like): the two-sample z-test of `nps-diff`
//!   ([`DifferenceTest`]);
//! - shares: the unpooled two-proportion z-test, the same z-test on the
//!   two shares and their standard errors;
//! - means: Welch's t with the Welch–Satterthwaite degrees of freedom.
//!
//! They work from [`Score`]s (value, se, n), weighted or not. What does not
//! live here: which rows are compared and which p-values form a family (the
//! engine).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::dist::two_sided_p_t;
use super::{DifferenceTest, Estimate, Score, SurveyKind, DEFAULT_LEVEL};

/// How a family of p-values is adjusted, as R `p.adjust`. Default: Holm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Adjust {
    /// Holm's step-down family-wise error rate (`p.adjust(p, "holm")`).
    #[default]
    Holm,
    /// Benjamini–Hochberg false discovery rate (`p.adjust(p, "BH")`).
    Bh,
    /// No adjustment (`p.adjust(p, "none")`).
    None,
}

/// Adjusts the p-values `p` of one family, exactly as R `p.adjust(p,
/// method)` (same operations in the same order):
///
/// - Holm: with o the ascending order of p and i = 1..n,
///   `pmin(1, cummax((n + 1 − i) · p[o]))`, back in the input order;
/// - BH: with o the descending order and i = n..1,
///   `pmin(1, cummin(n / i · p[o]))`, back in the input order;
/// - none: p unchanged.
///
/// Ties keep equal adjusted values. A NaN entry is R's `NA`: it stays NaN
/// and is not counted in n. Never panics.
///
/// ```
/// use cx_core::score::{adjust_p, Adjust};
/// // R: p.adjust(c(0.01, 0.04, 0.03), "holm") = 0.03 0.06 0.06
/// let h = adjust_p(&[0.01, 0.04, 0.03], Adjust::Holm);
/// assert!((h[0] - 0.03).abs() < 1e-15 && (h[1] - 0.06).abs() < 1e-15 && (h[2] - 0.06).abs() < 1e-15);
/// ```
pub fn adjust_p(p: &[f64], method: Adjust) -> Vec<f64> {
    let mut out = p.to_vec();
    let mut idx: Vec<usize> = (0..p.len()).filter(|&i| !p[i].is_nan()).collect();
    let n = idx.len() as f64;
    match method {
        Adjust::None => {}
        Adjust::Holm => {
            idx.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
            let mut run = f64::NEG_INFINITY;
            for (k, &j) in idx.iter().enumerate() {
                run = run.max((n - k as f64) * p[j]);
                out[j] = run.min(1.0);
            }
        }
        Adjust::Bh => {
            idx.sort_by(|&a, &b| p[b].total_cmp(&p[a]));
            let mut run = f64::INFINITY;
            for (k, &j) in idx.iter().enumerate() {
                run = run.min(n / (n - k as f64) * p[j]);
                out[j] = run.min(1.0);
            }
        }
    }
    out
}

/// The test behind a [`ScoreChange`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ChangeMethod {
    /// Two-sample z on a net score's difference (as `nps-diff`).
    NpsDiff,
    /// Welch's t with Welch–Satterthwaite degrees of freedom.
    Welch,
    /// Unpooled two-proportion z.
    TwoProportionZ,
}

impl ChangeMethod {
    /// The test of a score of `kind`.
    pub fn of(kind: SurveyKind) -> ChangeMethod {
        match kind {
            SurveyKind::Net => ChangeMethod::NpsDiff,
            SurveyKind::Mean => ChangeMethod::Welch,
            SurveyKind::Share => ChangeMethod::TwoProportionZ,
        }
    }
}

/// The change of a score against its reference (a previous period, or the
/// rest of the selection): Δ = this − reference on the score's display
/// scale, its standard error, the two-sided p-value of the test of
/// `method` and the p-value adjusted over the query's family (filled by
/// the caller with [`adjust_p`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScoreChange {
    /// this − reference; `None` when a side has no value or no standard
    /// error (`reason` says which).
    pub delta: Option<f64>,
    /// √(se₁² + se₂²) (independent samples).
    pub se: Option<f64>,
    /// Two-sided p-value; `None` when se = 0 or the test is undefined.
    pub p: Option<f64>,
    /// `p` adjusted over the family; `None` until the caller fills it.
    pub p_adjusted: Option<f64>,
    /// The test.
    pub method: ChangeMethod,
    /// Why `delta` or `p` is `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The change of `this` against `reference`, two scores of `kind` on two
/// independent samples (weighted or not), from their `value`, `se` and `n`
/// (module doc):
///
/// - [`SurveyKind::Net`] and [`SurveyKind::Share`]: the z-test of
///   [`DifferenceTest::of_scores`], p = 2(1 − Φ(|Δ|/se)) (for shares it
///   is the unpooled two-proportion z: each se is √(p(1 − p)/n)
///   unweighted, the linearized se weighted);
/// - [`SurveyKind::Mean`]: Welch's t = Δ/se with
///   df = (v₁ + v₂)²/(v₁²/(n₁ − 1) + v₂²/(n₂ − 1)), vᵢ = seᵢ². Unweighted
///   (seᵢ² = sᵢ²/nᵢ) this is R `t.test(x, y)`. Weighted, vᵢ are the
///   `svymean` variances and nᵢ the responses: the same formula, a choice
///   (R `survey` has no two-sample Welch test; `svyttest` is a regression
///   on the whole design).
///
/// `p_adjusted` is `None`.
///
/// ```
/// use cx_core::score::{change_of, Score, SurveyKind};
/// let a = Score { value: Some(80.0), se: Some(3.0), n: 100, ..Score::default() };
/// let b = Score { value: Some(74.0), se: Some(4.0), n: 90, ..Score::default() };
/// let c = change_of(SurveyKind::Net, &a, &b);
/// assert_eq!((c.delta, c.se), (Some(6.0), Some(5.0)));
/// // R: 2 * pnorm(-6 / 5)
/// assert!((c.p.unwrap() - 0.23013934044341).abs() < 1e-12);
/// ```
pub fn change_of(kind: SurveyKind, this: &Score, reference: &Score) -> ScoreChange {
    let method = ChangeMethod::of(kind);
    let unavailable = |why: &str| ScoreChange {
        delta: None,
        se: None,
        p: None,
        p_adjusted: None,
        method,
        reason: Some(why.into()),
    };
    let (Some(a), Some(b)) = (Estimate::of_score(this), Estimate::of_score(reference)) else {
        return unavailable("one side has no value or no standard error");
    };
    if kind != SurveyKind::Mean {
        // The level only shapes the interval, which a change does not keep.
        return match DifferenceTest::of_scores(this, reference, DEFAULT_LEVEL) {
            Ok(d) => ScoreChange {
                reason: match d.p {
                    Some(_) => d.reason,
                    None => Some("the standard error of the difference is 0".into()),
                },
                delta: d.delta,
                se: d.se,
                p: d.p,
                p_adjusted: None,
                method,
            },
            Err(e) => unavailable(&e.to_string()),
        };
    }
    let delta = a.value - b.value;
    let v = a.variance + b.variance;
    let se = v.sqrt();
    let (n1, n2) = (this.n as f64, reference.n as f64);
    let df = v * v / (a.variance * a.variance / (n1 - 1.0) + b.variance * b.variance / (n2 - 1.0));
    let p = if this.n < 2 || reference.n < 2 || se <= 0.0 {
        None
    } else {
        two_sided_p_t(delta / se, df)
    };
    ScoreChange {
        delta: Some(delta),
        se: Some(se),
        p,
        p_adjusted: None,
        method,
        reason: p.is_none().then(|| {
            "Welch's t needs two responses on each side and a standard error above 0".into()
        }),
    }
}
