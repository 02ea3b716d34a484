//! Triggers: a condition over scores, diagnostics or goal status, the
//! intervention(s) it recommends, a priority and a rationale.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::metric::MetricId;
use crate::plan::InterventionKind;
use crate::score::GoalStatus;

/// One trigger of a playbook.
///
/// ```
/// use cx_core::playbook::Trigger;
/// let t: Trigger = serde_json::from_str(r#"{"id": "enps-low", "when": {"type": "lowEnps", "threshold": -10},
///     "recommend": ["enlivenEnvironment"], "priority": 2, "rationale": "Unhappy staff."}"#).unwrap();
/// assert_eq!(t.recommend.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Trigger {
    /// Stable id (unique in the playbook).
    pub id: String,
    /// When it fires.
    pub when: Condition,
    /// The intervention(s) it recommends: one or two (SPEC §3.6).
    pub recommend: Vec<InterventionKind>,
    /// 1 = most urgent; recommendations are ordered by it.
    pub priority: u8,
    /// Why, in the method's words.
    pub rationale: String,
}

/// Which observations a `score` condition reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ScoreWindow {
    /// Every observation up to asOf (the default).
    #[default]
    All,
    /// The last `thresholds.recentDays` days up to asOf.
    Recent,
}

/// A trigger condition (`{"type": "…", …}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    deny_unknown_fields
)]
pub enum Condition {
    /// The plan has no identity (or no dominant trait).
    NoIdentity,
    /// The plan captures no customer need.
    NoNeeds,
    /// The plan has no rule of the game.
    NoRules,
    /// Rule compliance below `thresholds.complianceFloor` in the recent
    /// window: a team with a rule below the floor (at least
    /// `thresholds.minSample` checks) or a mean audit score below it, or an
    /// employee with a mean audit score below it. The evidence lists the
    /// teams, the employees and the rules.
    ComplianceBelowFloor,
    /// A rule of the game no audit instrument covers, or that was not
    /// checked in the recent window.
    RuleNotMeasured,
    /// No customer response in the last `thresholds.recentDays` days.
    NoRecentSurvey,
    /// The importance–performance analysis finds at least one vital
    /// attribute (quadrant concentrateHere).
    VitalProcess,
    /// A vital attribute rates tangible elements (`attributes[].tangibles`).
    TangibleVital,
    /// eNPS (overall or of a team) at or below the threshold.
    LowEnps {
        /// Threshold; default `thresholds.lowEnps`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        threshold: Option<f64>,
    },
    /// A goal has one of these statuses.
    GoalStatus {
        /// Statuses that fire the trigger.
        statuses: Vec<GoalStatus>,
    },
    /// NPS of asOf's month is significantly below the previous month's.
    NpsDrop {
        /// Significance level; default `thresholds.significance`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        significance: Option<f64>,
    },
    /// Detractors' comments point at the plan: a comment theme linked to a
    /// process, an attribute or a rule is mentioned significantly more often
    /// in detractors' comments than in promoters' (Holm-adjusted over the
    /// themes, [`crate::analysis::GroupContrast::points_at_detractors`]).
    /// The evidence lists the themes with their shares, lift and p, and the
    /// processes, attributes and rules they point at.
    CommentsPointAt {
        /// Significance level; default `thresholds.significance`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        significance: Option<f64>,
    },
    /// Plan validation reports a diagnostic with this code.
    Diagnostic {
        /// The diagnostic code (`no-employee-survey`…).
        code: String,
    },
    /// A metric, overall or per group, is below and/or above thresholds.
    Score {
        /// The metric (SPEC §5.3).
        metric: MetricId,
        /// Fires when the value is strictly below this.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        below: Option<f64>,
        /// Fires when the value is strictly above this.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        above: Option<f64>,
        /// Evaluate per value of this dimension (`team`…); overall when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        group_by: Option<String>,
        /// Observations read \[all\].
        #[serde(default)]
        window: ScoreWindow,
        /// Ignore groups with fewer observations \[1\].
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_n: Option<u64>,
    },
}
