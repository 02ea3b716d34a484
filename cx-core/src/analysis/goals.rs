//! Goal progress for every plan goal.
//!
//! The current value of a goal's metric is computed over the **recent
//! window** (the last `thresholds.recentDays` days up to asOf), restricted
//! to the goal's `segment` and `touchpoint` when it names them; progress,
//! status and projection come from [`crate::score::goal_progress`] with
//! asOf as the date of the current value.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{with_filter, Ctx, Window};
use crate::plan::{GoalPoint, Horizon};
use crate::score::{self, GoalInput, GoalStatus};

/// One goal's progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GoalReport {
    /// Goal id.
    pub id: String,
    /// Metric id.
    pub metric: String,
    /// What the goal is about.
    pub description: Option<String>,
    /// Horizon.
    pub horizon: Horizon,
    /// Segment scope.
    pub segment: Option<String>,
    /// Touchpoint scope.
    pub touchpoint: Option<String>,
    /// Baseline.
    pub baseline: GoalPoint,
    /// Target.
    pub target: GoalPoint,
    /// Current value over the window.
    pub current: Option<f64>,
    /// Sample size of the current value.
    pub n: u64,
    /// The window of the current value.
    pub window: Window,
    /// Progress in percent of the way from baseline to target.
    pub progress: Option<f64>,
    /// Status.
    pub status: GoalStatus,
    /// Linear projection at the target date.
    pub projected: Option<f64>,
    /// Why there is no current value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

pub(crate) fn goals(ctx: &Ctx) -> Vec<GoalReport> {
    let plan = ctx.engine.plan();
    let window = ctx.recent_window();
    plan.strategy
        .goals
        .iter()
        .map(|g| {
            let mut sel = ctx.recent();
            let mut reason = None;
            for (dim, value) in [("segment", &g.segment), ("touchpoint", &g.touchpoint)] {
                if let Some(v) = value {
                    if ctx.keeps(dim) {
                        sel = with_filter(&sel, dim, v);
                    } else {
                        reason = Some(format!("the engine does not keep `{dim}`"));
                    }
                }
            }
            let (current, n) = match (&reason, ctx.as_of, ctx.engine.totals(&sel)) {
                (None, Some(_), Ok(t)) => {
                    let s = ctx.score(&g.metric, &sel, &t);
                    if s.value.is_none() {
                        reason = s.reason.clone();
                    }
                    (s.value, s.n)
                }
                (None, None, _) => {
                    reason = Some("the engine has no observation".into());
                    (None, 0)
                }
                (None, _, Err(e)) => {
                    reason = Some(e.to_string());
                    (None, 0)
                }
                _ => (None, 0),
            };
            let progress = ctx.as_of.and_then(|as_of| {
                score::goal_progress(&GoalInput {
                    baseline: g.baseline.value,
                    baseline_date: g.baseline.date,
                    target: g.target.value,
                    target_date: g.target.date,
                    current,
                    as_of,
                    direction: g.metric.direction(),
                })
                .ok()
            });
            GoalReport {
                id: g.id.clone(),
                metric: g.metric.to_string(),
                description: g.description.clone(),
                horizon: g.horizon,
                segment: g.segment.clone(),
                touchpoint: g.touchpoint.clone(),
                baseline: g.baseline.clone(),
                target: g.target.clone(),
                current,
                n,
                window,
                progress: progress.and_then(|p| p.progress),
                status: progress.map_or(GoalStatus::NoData, |p| p.status),
                projected: progress.and_then(|p| p.projected),
                reason,
            }
        })
        .collect()
}
