//! Evaluation: each trigger's condition is checked against the analysis
//! (and, for `score` and `diagnostic` conditions, the engine and its plan);
//! a firing trigger yields [`Evidence`]; evidence is gathered into one
//! [`Recommendation`] per intervention, ordered by priority.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::conditions;
use super::{Condition, Trigger};
use crate::analysis::Analysis;
use crate::engine::Engine;
use crate::plan::{InterventionKind, InterventionStatus};

/// One row behind a piece of evidence (a team, a team × rule, a goal…).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EvidenceRow {
    /// What the row is: dimension or kind → value (`{"team": "branches", "rule": "rule-own"}`).
    pub key: BTreeMap<String, String>,
    /// The value (display scale).
    pub value: Option<f64>,
    /// Its sample size.
    pub n: u64,
}

/// Why a trigger fired.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    /// The trigger.
    pub trigger: String,
    /// The trigger's rationale.
    pub rationale: String,
    /// What was found, in words.
    pub summary: String,
    /// The metric (or diagnostic) examined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<String>,
    /// The value that fired the trigger (the worst one when there are rows).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// The threshold it was compared with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    /// The rows concerned.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<EvidenceRow>,
    /// Teams concerned.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub teams: Vec<String>,
    /// Employees concerned.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub employees: Vec<String>,
    /// Rules concerned.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<String>,
    /// Attributes concerned.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<String>,
    /// Processes concerned.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub processes: Vec<String>,
    /// Goals concerned.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub goals: Vec<String>,
}

/// An intervention to make, with the evidence of every trigger that recommends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Recommendation {
    /// The intervention (SPEC §3.6).
    pub intervention: InterventionKind,
    /// The most urgent priority of its triggers (1 = first).
    pub priority: u8,
    /// The triggers that fired for it.
    pub triggers: Vec<String>,
    /// Their evidence.
    pub evidence: Vec<Evidence>,
    /// Plan interventions of this kind already planned or in progress.
    pub planned: Vec<String>,
}

/// The evidence of one trigger, or `None` when it does not fire: one
/// function per kind of condition, in [`conditions`].
fn check(t: &Trigger, engine: &Engine, a: &Analysis) -> Option<Evidence> {
    let plan = engine.plan();
    let e = Evidence {
        trigger: t.id.clone(),
        rationale: t.rationale.clone(),
        ..Evidence::default()
    };
    match &t.when {
        Condition::NoIdentity => conditions::no_identity(plan, e),
        Condition::NoNeeds => conditions::no_needs(plan, e),
        Condition::NoRules => conditions::no_rules(plan, e),
        Condition::ComplianceBelowFloor => conditions::compliance_below_floor(a, e),
        Condition::RuleNotMeasured => conditions::rule_not_measured(a, e),
        Condition::NoRecentSurvey => conditions::no_recent_survey(a, e),
        Condition::VitalProcess => conditions::vital_process(a, e),
        Condition::TangibleVital => conditions::tangible_vital(plan, a, e),
        Condition::LowEnps { threshold } => {
            conditions::low_enps(threshold.unwrap_or(plan.thresholds.low_enps), a, e)
        }
        Condition::GoalStatus { statuses } => conditions::goal_status(statuses, a, e),
        Condition::NpsDrop { significance } => {
            conditions::nps_drop(significance.unwrap_or(plan.thresholds.significance), a, e)
        }
        Condition::CommentsPointAt { significance } => conditions::comments_point_at(
            significance.unwrap_or(plan.thresholds.significance),
            plan,
            a,
            e,
        ),
        Condition::Diagnostic { code } => conditions::diagnostic(code, plan, e),
        Condition::Score {
            metric,
            below,
            above,
            group_by,
            window,
            min_n,
        } => {
            let test = conditions::ScoreTest {
                metric,
                below: *below,
                above: *above,
                group_by: group_by.as_deref(),
                window: *window,
                min_n: min_n.unwrap_or(1),
            };
            conditions::score(&test, engine, a, e)
        }
    }
}

/// Evaluates `triggers` over an analysis of `engine` (made with
/// [`crate::analysis::analyse`]): one [`Recommendation`] per intervention,
/// with the evidence of every trigger recommending it, ordered by priority
/// (then catalogue order).
pub fn evaluate(triggers: &[Trigger], engine: &Engine, analysis: &Analysis) -> Vec<Recommendation> {
    let plan = engine.plan();
    let mut recs: Vec<Recommendation> = Vec::new();
    for t in triggers {
        let Some(evidence) = check(t, engine, analysis) else {
            continue;
        };
        for kind in &t.recommend {
            match recs.iter_mut().find(|r| r.intervention == *kind) {
                Some(r) => {
                    r.priority = r.priority.min(t.priority);
                    if !r.triggers.contains(&t.id) {
                        r.triggers.push(t.id.clone());
                        r.evidence.push(evidence.clone());
                    }
                }
                None => recs.push(Recommendation {
                    intervention: *kind,
                    priority: t.priority,
                    triggers: vec![t.id.clone()],
                    evidence: vec![evidence.clone()],
                    planned: plan
                        .interventions
                        .iter()
                        .filter(|i| {
                            i.kind == *kind
                                && matches!(
                                    i.status,
                                    InterventionStatus::Planned | InterventionStatus::InProgress
                                )
                        })
                        .map(|i| i.id.clone())
                        .collect(),
                }),
            }
        }
    }
    recs.sort_by(|a, b| {
        a.priority
            .cmp(&b.priority)
            .then_with(|| a.intervention.cmp(&b.intervention))
    });
    recs
}
