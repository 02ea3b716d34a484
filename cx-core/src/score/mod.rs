//! Mergeable sufficient statistics and the scores computed from them
//! (SPEC §3.2, §5.1).
//!
//! Two layers live here:
//!
//! - **statistics**: plain values that the engine keeps per cell and merges
//!   ([`Histogram`], [`NpsCounts`], [`RuleCounts`], [`AuditScores`],
//!   [`ComplianceStats`], [`CoMoments`], [`PairedDiff`]). Each has
//!   `merge(&mut self, &other)`, and `Default` is the identity of `merge`.
//!   Ratings are small integers, so the sums are exact integers: merging is
//!   exactly associative and commutative.
//! - **formulas**: pure functions from statistics to a [`Score`] (or a
//!   metric-specific result) on the display scale of SPEC §5.1 — NPS
//!   −100..100, shares in percent, means on their own scale — with `n`, a
//!   standard error, an [`Interval`] at the requested level and [`Flag`]s.
//!
//! Nothing here knows about plans, records or cells: the engine maps those to
//! the plain parameters these functions take. No function panics on any
//! input; an empty sample gives `value: None` with a `reason`, never NaN.
//!
//! ```
//! use cx_core::score::{nps, Histogram, NpsCounts, NpsMethod, DEFAULT_LEVEL};
//! let mut h = Histogram::default();
//! for r in [0, 7, 7, 9, 9, 9] {
//!     h.add(r).unwrap();
//! }
//! let s = nps(&NpsCounts::from_histogram(&h), NpsMethod::Wald, DEFAULT_LEVEL).unwrap();
//! assert!((s.value.unwrap() - 100.0 / 3.0).abs() < 1e-12);
//! ```

mod adjust;
mod attribute;
mod benchmark;
mod ces;
mod comoments;
mod compliance;
mod correlation;
mod csat;
mod difference;
mod dist;
mod drivers;
mod error;
mod gap;
mod goal;
mod hist;
mod importance;
mod ipa;
mod kpi;
mod nps;
mod object;
mod proportion;
mod rake;
mod readiness;
mod sentiment;
mod survey;
mod tcs;
mod weighted;
mod weighted_comoments;

// The re-exports, grouped (issue #17): the score object, the scores, the
// intervals and tests, the drivers, then helpers.

// The score object every score returns.
pub use object::{Bucket, Flag, Interval, IntervalMethod, Score};

// Scores: customer, employee, operations and strategy.
pub use attribute::{attribute_performance, employee_satisfaction_index};
pub use benchmark::{compare_benchmarks, Benchmark, BenchmarkComparison, BenchmarkReport};
pub use ces::ces;
pub use compliance::{
    audit_compliance, audit_score, rule_compliance, AuditItem, AuditScores, ComplianceStats,
    Outcome, RuleCounts,
};
pub use csat::{csat, top_two_box};
pub use gap::{attribute_gap, weighted_mean_gap, PairedDiff};
pub use goal::{goal_progress, GoalInput, GoalProgress, GoalStatus};
pub use kpi::{
    average_basket, average_headcount, change, complaint_rate, repurchase_rate, retention_rate,
    staff_turnover, Change, KpiValue, Trend,
};
pub use nps::{enps, nps, nps_variance, NpsCounts, NpsMethod, NpsOptions};
pub use readiness::{readiness, Condition, Readiness, ReadinessInput};
pub use sentiment::{mean_compound, net_sentiment, theme_share};
pub use tcs::{tcs, Factor, FactorScore, FactorWeights, Tcs};

// Intervals and tests.
pub use difference::{DifferenceInterval, DifferenceTest, Estimate};
pub use dist::{t_quantile, two_sided_p, z_quantile, DEFAULT_LEVEL};
pub use nps::{nps_diff, nps_z_test, ZTest};
pub use proportion::{proportion, wilson};
pub use rake::{
    rake, raked_linear, Margin, RakeCell, RakeError, RakedDomainCell, RakedMean, Raking,
    MAX_RAKE_ITERATIONS, RAKE_TOLERANCE, SHARE_SUM_TOLERANCE,
};

// Drivers: what moves the outcome.
pub use comoments::CoMoments;
pub use correlation::{pearson, service_profit_link, Correlation};
pub use drivers::{drivers, Driver, DriverValue, Drivers, DriversInput, NaColumns};
pub use importance::{
    johnson_weights, lmg, relative_importance, Importance, Moments, MAX_LMG_PREDICTORS,
};
pub use ipa::{ipa, roll_up, IpaEntry, IpaPoint, IpaResult, ProcessRollUp, Quadrant};
pub use weighted_comoments::WeightedCoMoments;

// Helpers: scales and histograms, decimal text, rescaling, the error.
pub use adjust::{adjust_p, change_of, Adjust, ChangeMethod, ScoreChange};
pub use attribute::rescale_0_100;
pub use error::ScoreError;
pub use hist::{Histogram, Scale, HISTOGRAM_POINTS};
pub use survey::{
    survey_score, weighted_attribute, weighted_ces, weighted_ces_index, weighted_csat,
    weighted_employee_satisfaction_index, weighted_linear, weighted_nps, Estimator, LinearEstimate,
    SurveyKind, Svymean,
};
pub use weighted::{
    fixed_weight, FixedWeight, WeightError, WeightedHistogram, MAX_WEIGHT, MIN_WEIGHT, WEIGHT_SCALE,
};
