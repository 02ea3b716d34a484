//! The score object of SPEC §5.1: value, n, standard error, interval, flags
//! and the metric extras, always on the display scale.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How an interval was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum IntervalMethod {
    /// Estimate ± z·SE.
    Wald,
    /// Wald on counts with pseudo-observations added (NPS: 0.75 / 1.5 / 0.75).
    AdjustedWald,
    /// Tango's score interval for the difference of paired proportions (NPS).
    Score,
    /// Wilson score interval for a proportion.
    Wilson,
    /// Mean ± t(n − 1)·SE.
    T,
    /// Estimate ± z·SE for a mean or a difference of means.
    Normal,
    /// A share's interval on the logit scale, mapped back: expit(logit p ±
    /// t·SE/(p(1 − p))), as R `survey`'s `svyciprop(method = "logit")`
    /// (weighted shares).
    Logit,
}

/// A confidence interval, in the same units as its value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Interval {
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
    /// Confidence level, e.g. 0.95.
    pub level: f64,
    /// How it was computed.
    pub method: IntervalMethod,
}

impl Interval {
    /// The interval `centre ± half_width` (a Wald, normal or t interval:
    /// the half-width is the quantile times the standard error).
    pub fn around(centre: f64, half_width: f64, level: f64, method: IntervalMethod) -> Interval {
        Interval {
            low: centre - half_width,
            high: centre + half_width,
            level,
            method,
        }
    }

    /// Multiplies both bounds by `factor` (e.g. 100 for the display scale).
    pub fn scaled(self, factor: f64) -> Interval {
        Interval {
            low: self.low * factor,
            high: self.high * factor,
            ..self
        }
    }

    /// True when `x` lies within `[low, high]`.
    pub fn contains(&self, x: f64) -> bool {
        self.low <= x && x <= self.high
    }
}

/// A caveat attached to a score.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "camelCase")]
pub enum Flag {
    /// n is below the minimum sample size (plan threshold, default 30).
    SmallSample,
    /// Every observation is the same: the observed standard error is 0.
    ZeroVariance,
    /// Some inputs had no data and were left out (e.g. a TCS factor); the
    /// weights were re-normalised over the inputs present.
    PartialData,
    /// Too few observations for an interval (e.g. a t interval with n < 2).
    NoInterval,
    /// A result too large for a 64-bit float (or undefined): it is `null`
    /// (with what depends on it) and `reason` says which; never infinity
    /// nor NaN.
    NonFinite,
}

/// One point of a rating distribution.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Bucket {
    /// The rating.
    pub rating: u8,
    /// How many responses gave it.
    pub count: u64,
    /// Its share of n, in percent.
    pub share: f64,
}

/// A score on the display scale (SPEC §5.1).
///
/// `value` and `se` are the observed ones; the interval comes from the chosen
/// method. When n = 0, `value`, `se` and `interval` are `None` and `reason`
/// says why. Metric extras are omitted from JSON when `None`.
///
/// ```
/// use cx_core::score::{proportion, Flag};
/// let mut s = proportion(74, 107, 0.95).unwrap();
/// s.flag_small_sample(200);
/// assert!(s.flags.contains(&Flag::SmallSample));
/// let json = serde_json::to_value(&s).unwrap();
/// assert_eq!(json["n"], 107);
/// assert_eq!(json["interval"]["method"], "wilson");
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Score {
    /// The observed score on the display scale; `None` when n = 0.
    pub value: Option<f64>,
    /// Number of observations behind the score.
    pub n: u64,
    /// Observed standard error, in the units of `value`.
    pub se: Option<f64>,
    /// Confidence interval, in the units of `value`.
    pub interval: Option<Interval>,
    /// Caveats.
    #[serde(default)]
    pub flags: Vec<Flag>,
    /// Why `value` is `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// NPS: detractor count (0–6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detractors: Option<u64>,
    /// NPS: passive count (7–8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passives: Option<u64>,
    /// NPS: promoter count (9–10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promoters: Option<u64>,
    /// Mean rating on its own scale (CSAT, CES, attributes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean: Option<f64>,
    /// Counts and shares per scale point (CSAT, attributes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distribution: Option<Vec<Bucket>>,
    /// CES: share agreeing (above the scale midpoint), percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agree: Option<f64>,
    /// CES: index (share of the top two points − share below the midpoint), −100..100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<f64>,
    /// Attributes: top-2-box share, percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_two_box: Option<f64>,
    /// Weighted scores: Kish's effective sample size (Σw)²/Σw² over the
    /// responses in the score; `None` for unweighted scores.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_n: Option<f64>,
    /// Weighted scores: Σw over the responses in the score; `None` for
    /// unweighted scores.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight_sum: Option<f64>,
    /// The change against the row's reference, when the query compares
    /// (`compare`: the previous period or the rest of the selection).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<super::ScoreChange>,
    /// Comments (`sentiment`, `theme:<id>`): how many were negative
    /// (compound ≤ −0.05), neutral and positive (≥ 0.05).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentiment_classes: Option<crate::comment::ClassCounts>,
    /// Comments: their mean compound score, −1..1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean_compound: Option<f64>,
    /// `theme:<id>`: the net sentiment of the comments that mention the
    /// theme, % positive − % negative.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub net_sentiment: Option<f64>,
}

impl Score {
    /// A score with no data: `value: None`, n = 0 and the given reason.
    pub fn empty(reason: impl Into<String>) -> Score {
        Score {
            reason: Some(reason.into()),
            ..Score::default()
        }
    }

    /// Adds `flag` unless already present.
    pub fn add_flag(&mut self, flag: Flag) {
        if !self.flags.contains(&flag) {
            self.flags.push(flag);
        }
    }

    /// The score with every non-finite number replaced by `None`, flagged
    /// [`Flag::NonFinite`] with a `reason`: the one guard that keeps
    /// infinity and NaN out of every surface (JSON has neither; text would
    /// print `inf`). A value that is not finite takes its standard error and
    /// interval with it.
    pub fn finite(mut self) -> Score {
        let mut what = Vec::new();
        if self.value.is_some_and(|v| !v.is_finite()) {
            self.value = None;
            self.se = None;
            self.interval = None;
            what.push("the value");
        }
        if self.se.is_some_and(|v| !v.is_finite()) {
            self.se = None;
            self.interval = None;
            what.push("the standard error");
        }
        if self
            .interval
            .is_some_and(|i| !(i.low.is_finite() && i.high.is_finite()))
        {
            self.interval = None;
            what.push("the interval");
        }
        for (name, slot) in [
            ("the mean", &mut self.mean),
            ("the share agreeing", &mut self.agree),
            ("the index", &mut self.index),
            ("the top-two-box share", &mut self.top_two_box),
        ] {
            if slot.is_some_and(|v| !v.is_finite()) {
                *slot = None;
                what.push(name);
            }
        }
        if let Some(d) = &mut self.distribution {
            if d.iter().any(|b| !b.share.is_finite()) {
                self.distribution = None;
                what.push("the distribution");
            }
        }
        if !what.is_empty() {
            self.add_flag(Flag::NonFinite);
            let why = format!(
                "{} cannot be represented (too large for a 64-bit float, or undefined)",
                what.join(", ")
            );
            self.reason = Some(match self.reason.take() {
                Some(r) => format!("{r}; {why}"),
                None => why,
            });
        }
        self
    }

    /// Sets [`Flag::SmallSample`] when 0 < n < `min_n` (an empty score
    /// already says so through `reason`). A weighted score (with
    /// `effective_n`) is compared by its effective sample size instead:
    /// flagged when 0 < n and `effective_n` < `min_n`. Returns `self` for
    /// chaining.
    pub fn flag_small_sample(&mut self, min_n: u64) -> &mut Score {
        let small = match self.effective_n {
            Some(e) => e < min_n as f64,
            None => self.n < min_n,
        };
        if self.n > 0 && small {
            self.add_flag(Flag::SmallSample);
        }
        self
    }
}
