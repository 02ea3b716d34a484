//! Goal progress: how far a metric has moved from its baseline towards its
//! target, and a status from a linear projection.
//!
//! - progress = (current − baseline)/(target − baseline), in percent
//!   (direction-free: it is negative when moving away from the target);
//! - `achieved`: current meets the target (≥ when higher is better, ≤ when
//!   lower is better), at any date;
//! - `missed`: as-of is after the target date and the target is not met;
//! - `onTrack` / `atRisk`: the line from (baseline date, baseline) through
//!   (as-of, current) reaches the target by the target date, or not. When no
//!   time has elapsed since the baseline there is nothing to project: the
//!   goal is `onTrack`;
//! - `noData`: no current value.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::metric::Direction;

use super::ScoreError;

/// A goal and the current value of its metric.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GoalInput {
    /// Value at the baseline date.
    pub baseline: f64,
    /// Date of the baseline.
    pub baseline_date: NaiveDate,
    /// Target value.
    pub target: f64,
    /// Date by which the target should be met.
    pub target_date: NaiveDate,
    /// Current value, if any data.
    pub current: Option<f64>,
    /// The date of `current` (the query's as-of, never the wall clock).
    pub as_of: NaiveDate,
    /// Which way the metric should move.
    pub direction: Direction,
}

/// The status of a goal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum GoalStatus {
    /// The target is met.
    Achieved,
    /// The projection reaches the target in time.
    OnTrack,
    /// The projection misses the target.
    AtRisk,
    /// Past the target date, target not met.
    Missed,
    /// No current value.
    NoData,
}

/// Progress and status of a goal.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GoalProgress {
    /// Progress in percent; `None` without data, when target = baseline,
    /// or when it is too large for a 64-bit float.
    pub progress: Option<f64>,
    /// Status.
    pub status: GoalStatus,
    /// Linear projection at the target date, when computable (and finite).
    pub projected: Option<f64>,
}

/// Computes a goal's progress and status.
///
/// ```
/// use chrono::NaiveDate;
/// use cx_core::metric::Direction;
/// use cx_core::score::{goal_progress, GoalInput, GoalStatus};
/// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
/// let g = GoalInput { baseline: 20.0, baseline_date: d(1, 1), target: 40.0, target_date: d(12, 31),
///                     current: Some(30.0), as_of: d(7, 1), direction: Direction::HigherIsBetter };
/// let p = goal_progress(&g).unwrap();
/// assert_eq!(p.progress, Some(50.0));
/// assert_eq!(p.status, GoalStatus::OnTrack);
/// ```
pub fn goal_progress(g: &GoalInput) -> Result<GoalProgress, ScoreError> {
    for (what, v) in [("baseline", g.baseline), ("target", g.target)] {
        if !v.is_finite() {
            return Err(ScoreError::InvalidNumber { what, value: v });
        }
    }
    let Some(current) = g.current.filter(|c| c.is_finite()) else {
        return Ok(GoalProgress {
            progress: None,
            status: GoalStatus::NoData,
            projected: None,
        });
    };
    let span = g.target - g.baseline;
    // Never infinity nor NaN: a number too large for a float is `None`.
    let progress =
        Some((current - g.baseline) / span * 100.0).filter(|p| span != 0.0 && p.is_finite());
    let meets = |x: f64| match g.direction {
        Direction::HigherIsBetter => x >= g.target,
        Direction::LowerIsBetter => x <= g.target,
    };
    let elapsed = (g.as_of - g.baseline_date).num_days();
    let total = (g.target_date - g.baseline_date).num_days();
    let projected = Some(g.baseline + (current - g.baseline) / elapsed as f64 * total as f64)
        .filter(|p| elapsed > 0 && p.is_finite());
    let status = if meets(current) {
        GoalStatus::Achieved
    } else if g.as_of > g.target_date {
        GoalStatus::Missed
    } else {
        match projected {
            Some(p) if meets(p) => GoalStatus::OnTrack,
            Some(_) => GoalStatus::AtRisk,
            None => GoalStatus::OnTrack,
        }
    };
    Ok(GoalProgress {
        progress,
        status,
        projected,
    })
}
