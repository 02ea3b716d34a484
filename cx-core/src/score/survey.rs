//! Weighted (design-weighted) scores: the linear estimator every weighted
//! rating score is, its linearized variance as R `survey` computes it, and
//! the weighted NPS, CSAT, CES, CES index, attribute and employee
//! satisfaction scores built on it (issue #19).
//!
//! **Estimator.** Every weighted rating score is a weighted mean of a value
//! y_r given to each rating r (NPS: −100/0/100; a share: 0/100; a mean: r).
//! Over a [`WeightedHistogram`] with Σw = W_r and Σw² = Q_r per rating:
//!
//! - ȳ = Σ W_r y_r / Σ W_r;
//! - the linearization z_i = w_i (y_i − ȳ)/Σw of R's `svymean` on
//!   `svydesign(ids = ~1, weights = ~w, data)` gives
//!   Var(ȳ) = m/(m − 1) Σ z_i² = m/(m − 1) Σ_r Q_r (y_r − ȳ)² / (Σ W_r)²,
//!   exact from the per-rating Σw², where m is the number of responses in
//!   the whole design (a domain of `svyby` is scored within the whole
//!   selection: the caller passes m).
//!
//! **Intervals** (whatever `npsMethod` says): means and NPS-like scores
//! ȳ ± z·se, as `confint(svymean(…))`; shares the logit interval of
//! `svyciprop(method = "logit")`, see [`survey_score`].
//!
//! What does not live here: which records are in the design, raking (its
//! own module) and the engine's cells.

use super::dist::check_level;
use super::{
    t_quantile, z_quantile, Bucket, Flag, Interval, IntervalMethod, Scale, Score, ScoreError,
    WeightedHistogram, HISTOGRAM_POINTS,
};

/// A weighted linear estimate ȳ with the variance of the estimate, over
/// the responses whose rating has a value y.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinearEstimate {
    /// ȳ = Σ W_r y_r / Σ W_r.
    pub value: f64,
    /// Var(ȳ) = se², as `svymean`; `None` when the design has fewer than
    /// two responses (m/(m − 1) is undefined).
    pub variance: Option<f64>,
    /// The responses in the estimate (with a value y).
    pub n: u64,
    /// Σw over those responses.
    pub weight_sum: f64,
    /// Kish's effective sample size (Σw)²/Σw² over those responses.
    pub effective_n: f64,
}

/// What a weighted score is, which decides its interval and its test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SurveyKind {
    /// A mean rating (CES, attributes): ȳ ± z·se; compared by Welch's t.
    Mean,
    /// A share in percent (y ∈ {0, 100}): the logit interval; compared by
    /// the unpooled two-proportion z-test.
    Share,
    /// A net score in points (y ∈ {−100, 0, 100}: NPS, eNPS, CES index):
    /// ȳ ± z·se; compared by the two-sample z-test of `nps-diff`.
    Net,
}

/// The weighted mean of `y` over `h` and its linearized variance (module
/// doc): ȳ = Σ W_r y_r / Σ W_r and
/// Var = m/(m − 1) Σ_r Q_r (y_r − ȳ)² / (Σ W_r)², which is R
/// `SE(svymean(~y, svydesign(ids = ~1, weights = ~w, data)))²` (and, for
/// a domain, `svyby(~y, ~group, design, svymean)`).
///
/// Ratings whose `y` is `None` (or not finite) are not in the estimate.
/// `design_n` is m, the responses of the whole design; it is taken as at
/// least the responses in the estimate. `None` when no response has a
/// value.
///
/// ```
/// use cx_core::score::{weighted_linear, Histogram, WeightedHistogram};
/// let h = WeightedHistogram::of_unweighted(&Histogram::from_counts(1, &[1, 0, 1]).unwrap());
/// let mut y = [None; 11];
/// (y[1], y[3]) = (Some(1.0), Some(3.0));
/// let e = weighted_linear(&h, &y, 2).unwrap();
/// // mean 2; plug-in variance 1/2, times m/(m − 1) = 2: 1.
/// assert_eq!((e.value, e.variance), (2.0, Some(1.0)));
/// ```
pub fn weighted_linear(
    h: &WeightedHistogram,
    y: &[Option<f64>; HISTOGRAM_POINTS],
    design_n: u64,
) -> Option<LinearEstimate> {
    let rated = |r: usize| y[r].filter(|v| v.is_finite()).map(|v| (r, v));
    let mut n = 0u64;
    let (mut w_total, mut q_total) = (0u128, 0u128);
    let mut sum = 0.0;
    for (r, v) in (0..HISTOGRAM_POINTS).filter_map(rated) {
        n = n.saturating_add(h.counts[r]);
        w_total = w_total.saturating_add(h.weights[r]);
        q_total = q_total.saturating_add(h.squares[r]);
        sum += h.weight(r as u8) * v;
    }
    let w = w_total as f64 / super::WEIGHT_SCALE as f64;
    if n == 0 || w <= 0.0 {
        return None;
    }
    let value = sum / w;
    let squares: f64 = (0..HISTOGRAM_POINTS)
        .filter_map(rated)
        .map(|(r, v)| h.square(r as u8) * (v - value) * (v - value))
        .sum();
    let m = design_n.max(n) as f64;
    let variance = (m >= 2.0).then(|| m / (m - 1.0) * squares / (w * w));
    let s = super::WEIGHT_SCALE as f64;
    let q = q_total as f64 / (s * s);
    Some(LinearEstimate {
        value,
        variance,
        n,
        weight_sum: w,
        effective_n: w * w / q,
    })
}

/// The logistic function 1/(1 + e^−x).
fn expit(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// A weighted estimate as a [`Score`] on the display scale, with its
/// interval at `level`, `n`, `effectiveN` and `weightSum`.
///
/// - [`SurveyKind::Mean`], [`SurveyKind::Net`]: ȳ ± z·se
///   ([`IntervalMethod::Normal`]), R `confint(svymean(~y, design))`.
/// - [`SurveyKind::Share`] (ȳ = 100·p̂ in percent):
///   100·expit(logit p̂ ± t·se_p/(p̂(1 − p̂))) with t the quantile on
///   n − 1 degrees of freedom ([`IntervalMethod::Logit`]). This is R
///   `svyciprop(~I(y == 1), design, method = "logit")` in survey 4.1: a
///   quasibinomial `svyglm` whose Wald interval uses `degf(design)`, the
///   responses − 1 of the design, and for a domain of `svyby` those of the
///   domain's subset design. At p̂ = 0 or 1 the logit is infinite (R's
///   `svyglm` then stops at a huge coefficient and its bounds are noise):
///   the interval is the point `[p̂, p̂]`, flagged `zeroVariance`, like the
///   standard error, which is 0 there.
///
/// No interval (flag `noInterval`) when the variance is undefined (fewer
/// than two responses). Errors: an invalid level.
pub fn survey_score(e: &LinearEstimate, kind: SurveyKind, level: f64) -> Result<Score, ScoreError> {
    check_level(level)?;
    let z = z_quantile(level)?;
    let mut s = Score {
        value: Some(e.value),
        n: e.n,
        effective_n: Some(e.effective_n),
        weight_sum: Some(e.weight_sum),
        ..Score::default()
    };
    let Some(var) = e.variance else {
        s.add_flag(Flag::NoInterval);
        return Ok(s.finite());
    };
    let se = var.max(0.0).sqrt();
    s.se = Some(se);
    if se == 0.0 {
        s.add_flag(Flag::ZeroVariance);
    }
    s.interval = match kind {
        SurveyKind::Mean | SurveyKind::Net => Some(Interval::around(
            e.value,
            z * se,
            level,
            IntervalMethod::Normal,
        )),
        SurveyKind::Share => logit_interval(e.value / 100.0, se / 100.0, e.n, level)?,
    };
    if s.interval.is_none() {
        s.add_flag(Flag::NoInterval);
    }
    Ok(s.finite())
}

/// The logit interval of a share p (0..1) with standard error `se`, in
/// percent (see [`survey_score`]); `None` when n < 2.
fn logit_interval(p: f64, se: f64, n: u64, level: f64) -> Result<Option<Interval>, ScoreError> {
    let Some(t) = t_quantile(level, n.saturating_sub(1) as f64)? else {
        return Ok(None);
    };
    let (low, high) = if p <= 0.0 || p >= 1.0 || se == 0.0 {
        (p, p)
    } else {
        let centre = (p / (1.0 - p)).ln();
        let half = t * se / (p * (1.0 - p));
        (expit(centre - half), expit(centre + half))
    };
    Ok(Some(Interval {
        low: low * 100.0,
        high: high * 100.0,
        level,
        method: IntervalMethod::Logit,
    }))
}

/// y per rating: `f(r)` for the ratings of `scale` (others `None`).
fn values_on(scale: Scale, f: impl Fn(u8) -> f64) -> [Option<f64>; HISTOGRAM_POINTS] {
    let mut y = [None; HISTOGRAM_POINTS];
    for r in scale.min..=scale.max {
        if let Some(slot) = y.get_mut(usize::from(r)) {
            *slot = Some(f(r));
        }
    }
    y
}

/// The weighted score of `y` over `h` as `kind`, or an empty score with
/// `reason` when no response has a value.
fn scored(
    h: &WeightedHistogram,
    y: &[Option<f64>; HISTOGRAM_POINTS],
    kind: SurveyKind,
    design_n: u64,
    level: f64,
    reason: &str,
) -> Result<Score, ScoreError> {
    check_level(level)?;
    match weighted_linear(h, y, design_n) {
        Some(e) => survey_score(&e, kind, level),
        None => Ok(Score::empty(reason)),
    }
}

/// The weighted share (percent) of the ratings of `scale` where `hit`.
fn share_of(h: &WeightedHistogram, scale: Scale, hit: impl Fn(u8) -> bool) -> Option<f64> {
    let y = values_on(scale, |r| if hit(r) { 100.0 } else { 0.0 });
    weighted_linear(h, &y, 0).map(|e| e.value)
}

/// The weighted mean rating over `scale`.
fn mean_of(h: &WeightedHistogram, scale: Scale) -> Option<f64> {
    weighted_linear(h, &values_on(scale, f64::from), 0).map(|e| e.value)
}

/// The weighted distribution over `scale`: `count` the responses, `share`
/// the weighted share Σw_r/Σw in percent.
fn weighted_distribution(h: &WeightedHistogram, scale: Scale) -> Vec<Bucket> {
    let total = h.weight_sum();
    (scale.min..=scale.max)
        .map(|r| Bucket {
            rating: r,
            count: h.counts.get(usize::from(r)).copied().unwrap_or(0),
            share: if total > 0.0 {
                h.weight(r) / total * 100.0
            } else {
                0.0
            },
        })
        .collect()
}

/// Whether `r` is in the top two points of `scale` (as [`super::top_two_box`]).
fn top_two(scale: Scale, r: u8) -> bool {
    r >= scale.max.saturating_sub(1).max(scale.min) && r <= scale.max
}

/// The weighted NPS (and eNPS) on the display scale: y = −100 for 0–6, 0
/// for 7–8, 100 for 9–10; interval ȳ ± z·se; the detractor, passive and
/// promoter counts (unweighted) as extras. R:
/// `svymean(~nps, design)`, `confint(…)`.
///
/// ```
/// use cx_core::score::{weighted_nps, WeightedHistogram, WEIGHT_SCALE};
/// let mut h = WeightedHistogram::default();
/// h.add(10, 3 * WEIGHT_SCALE);
/// h.add(0, WEIGHT_SCALE);
/// let s = weighted_nps(&h, 2, 0.95).unwrap();
/// assert_eq!(s.value, Some(50.0));
/// assert_eq!(s.weight_sum, Some(4.0));
/// ```
pub fn weighted_nps(h: &WeightedHistogram, design_n: u64, level: f64) -> Result<Score, ScoreError> {
    let y = values_on(Scale::NPS, |r| match r {
        0..=6 => -100.0,
        7 | 8 => 0.0,
        _ => 100.0,
    });
    let c = |lo: usize, hi: usize| {
        h.counts[lo..=hi]
            .iter()
            .fold(0u64, |a, &c| a.saturating_add(c))
    };
    let mut s = scored(h, &y, SurveyKind::Net, design_n, level, "no responses")?;
    s.detractors = Some(c(0, 6));
    s.passives = Some(c(7, 8));
    s.promoters = Some(c(9, 10));
    Ok(s)
}

/// The weighted CSAT: the top-2-box share in percent (logit interval),
/// with the weighted mean and the weighted distribution as extras. Ratings
/// outside `scale` are an error, as in [`super::csat`]. R:
/// `svyciprop(~I(top2 == 1), design, method = "logit")`.
pub fn weighted_csat(
    h: &WeightedHistogram,
    scale: Scale,
    design_n: u64,
    level: f64,
) -> Result<Score, ScoreError> {
    h.counts().check_scale(scale)?;
    let y = values_on(scale, |r| if top_two(scale, r) { 100.0 } else { 0.0 });
    let mut s = scored(
        h,
        &y,
        SurveyKind::Share,
        design_n,
        level,
        "no CSAT responses",
    )?;
    if s.value.is_some() {
        s.mean = mean_of(h, scale);
        s.distribution = Some(weighted_distribution(h, scale));
    }
    Ok(s)
}

/// The weighted CES: `value` = the weighted mean (ȳ ± z·se), with the
/// weighted `agree` share (above the midpoint) and `index` (top two points
/// − below the midpoint) as extras, as [`super::ces`] defines them. R:
/// `svymean(~ces, design)`.
pub fn weighted_ces(
    h: &WeightedHistogram,
    scale: Scale,
    design_n: u64,
    level: f64,
) -> Result<Score, ScoreError> {
    h.counts().check_scale(scale)?;
    let y = values_on(scale, f64::from);
    let mut s = scored(h, &y, SurveyKind::Mean, design_n, level, "no CES responses")?;
    if s.value.is_some() {
        let mid = scale.midpoint();
        s.mean = s.value;
        s.agree = share_of(h, scale, |r| f64::from(r) > mid);
        s.index = weighted_ces_index_value(h, scale);
    }
    Ok(s)
}

/// y of the CES index: 100 for the top two points, −100 below the
/// midpoint, 0 otherwise.
fn ces_index_values(scale: Scale) -> [Option<f64>; HISTOGRAM_POINTS] {
    let mid = scale.midpoint();
    values_on(scale, |r| {
        if top_two(scale, r) {
            100.0
        } else if f64::from(r) < mid {
            -100.0
        } else {
            0.0
        }
    })
}

fn weighted_ces_index_value(h: &WeightedHistogram, scale: Scale) -> Option<f64> {
    weighted_linear(h, &ces_index_values(scale), 0).map(|e| e.value)
}

/// The weighted CES index as a net score (−100..100): y = 100 for the top
/// two points, −100 below the midpoint, 0 otherwise; ȳ ± z·se. R:
/// `svymean(~index, design)`.
pub fn weighted_ces_index(
    h: &WeightedHistogram,
    scale: Scale,
    design_n: u64,
    level: f64,
) -> Result<Score, ScoreError> {
    h.counts().check_scale(scale)?;
    let y = ces_index_values(scale);
    scored(h, &y, SurveyKind::Net, design_n, level, "no CES responses")
}

/// `h` without the responses of `rating`.
fn without(h: &WeightedHistogram, rating: u8) -> WeightedHistogram {
    let mut out = *h;
    let r = usize::from(rating);
    if r < HISTOGRAM_POINTS {
        out.counts[r] = 0;
        out.weights[r] = 0;
        out.squares[r] = 0;
    }
    out
}

/// The weighted performance of an attribute: `value` = `mean` (ȳ ± z·se),
/// the weighted `topTwoBox` share and the weighted distribution, without
/// the `not_applicable` rating, as [`super::attribute_performance`].
/// `design_n` counts the applicable responses of the whole selection. R:
/// `svyby(~rating, ~group, svydesign(ids = ~1, weights = ~w,
/// data = applicable), svymean)`.
pub fn weighted_attribute(
    h: &WeightedHistogram,
    scale: Scale,
    not_applicable: Option<u8>,
    design_n: u64,
    level: f64,
) -> Result<Score, ScoreError> {
    let h = match not_applicable {
        Some(na) => without(h, na),
        None => *h,
    };
    h.counts().check_scale(scale)?;
    let y = values_on(scale, f64::from);
    let mut s = scored(
        &h,
        &y,
        SurveyKind::Mean,
        design_n,
        level,
        "no applicable ratings",
    )?;
    if s.value.is_some() {
        s.mean = s.value;
        s.top_two_box = share_of(&h, scale, |r| top_two(scale, r));
        s.distribution = Some(weighted_distribution(&h, scale));
    }
    Ok(s)
}

/// The weighted employee satisfaction index: the mean of the weighted item
/// means, each rescaled to 0..100 on `scale`, as
/// [`super::employee_satisfaction_index`] (items without answers left out,
/// flag `partialData`; `n` the largest item count; no SE). `effectiveN`
/// and `weightSum` are those of the item with the most responses.
pub fn weighted_employee_satisfaction_index(
    items: &[WeightedHistogram],
    scale: Scale,
) -> Result<Score, ScoreError> {
    scale.check()?;
    let (mut sum, mut k, mut missing) = (0.0, 0usize, false);
    let mut largest: Option<&WeightedHistogram> = None;
    for h in items {
        h.counts().check_scale(scale)?;
        match mean_of(h, scale) {
            Some(m) => {
                sum += scale.rescale(m);
                k += 1;
                if largest.is_none_or(|l| h.n() > l.n()) {
                    largest = Some(h);
                }
            }
            None => missing = true,
        }
    }
    let Some(largest) = largest else {
        return Ok(Score::empty("no satisfaction item has answers"));
    };
    let mut s = Score {
        value: Some(sum / k as f64),
        n: largest.n(),
        effective_n: largest.effective_n(),
        weight_sum: Some(largest.weight_sum()),
        ..Score::default()
    };
    if missing {
        s.add_flag(Flag::PartialData);
    }
    Ok(s.finite())
}
