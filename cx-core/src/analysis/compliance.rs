//! Rule compliance over the recent window: per rule (Wilson interval), and
//! the mean audit score per team, employee and audit method, each group
//! with the rules it is below the floor on (`thresholds.complianceFloor`).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{with_filter, Ctx, Window};
use crate::engine::{GroupBy, Query, Selection};
use crate::metric::MetricId;
use crate::plan::trace::RuleAudits;
use crate::score::{self, RuleCounts, Score};

/// One rule's compliance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RuleCompliance {
    /// Rule (or norm) id.
    pub rule: String,
    /// The behaviour.
    pub behaviour: String,
    /// A failed critical rule fails the audit.
    pub critical: bool,
    /// True for a collaboration norm.
    pub norm: bool,
    /// Audit instruments of the plan covering it.
    pub instruments: Vec<String>,
    /// Pass rate in percent (Wilson interval); n = applicable checks.
    pub score: Score,
    /// True when an instrument covers it and it was checked in the window.
    pub measured: bool,
    /// True when the pass rate is below the floor.
    pub below_floor: bool,
}

/// Compliance of one group (team, employee or method).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GroupCompliance {
    /// The group's value (team, employee or method name).
    pub key: String,
    /// The employee's team, for employees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// Mean audit score, percent.
    pub score: Score,
    /// True when the mean audit score is below the floor.
    pub below_floor: bool,
    /// Rules whose pass rate in this group is below the floor, worst first:
    /// for teams and methods every rule with at least `thresholds.minSample`
    /// checks; for employees (small samples) only when the employee's mean
    /// audit score is below the floor.
    pub rules_below_floor: Vec<RuleScore>,
}

/// A rule's pass rate within a group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RuleScore {
    /// Rule id.
    pub rule: String,
    /// Pass rate, percent.
    pub value: f64,
    /// Applicable checks.
    pub n: u64,
}

/// Compliance by rule, team, employee and method.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ComplianceReport {
    /// The window (recent).
    pub window: Window,
    /// `thresholds.complianceFloor`, percent.
    pub floor: f64,
    /// Mean audit score over every audit in the window.
    pub overall: Score,
    /// Audits with a failed critical rule.
    pub critical_failures: u64,
    /// Every rule of the game and collaboration norm of the plan, in plan order.
    pub by_rule: Vec<RuleCompliance>,
    /// Teams, by name.
    pub by_team: Vec<GroupCompliance>,
    /// Employees, by name.
    pub by_employee: Vec<GroupCompliance>,
    /// Audit methods.
    pub by_method: Vec<GroupCompliance>,
}

fn rules_below(ctx: &Ctx, sel: &Selection, floor: f64, min_n: u64) -> Vec<RuleScore> {
    let Ok(t) = ctx.engine.totals(sel) else {
        return Vec::new();
    };
    let mut out: Vec<RuleScore> = t
        .audits
        .compliance
        .rules
        .iter()
        .filter_map(|(rule, c)| {
            let s = score::rule_compliance(c, ctx.level).ok()?;
            let value = s.value?;
            (value < floor && s.n >= min_n).then(|| RuleScore {
                rule: rule.clone(),
                value,
                n: s.n,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        a.value
            .total_cmp(&b.value)
            .then_with(|| a.rule.cmp(&b.rule))
    });
    out
}

fn groups(ctx: &Ctx, group_by: Vec<GroupBy>) -> Vec<(BTreeMap<String, Option<String>>, Score)> {
    let sel = ctx.recent();
    ctx.engine
        .query(&Query {
            metrics: Some(vec![MetricId::Compliance]),
            group_by,
            from: sel.from,
            to: sel.to,
            level: Some(ctx.level),
            ..Query::default()
        })
        .map(|c| c.rows)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|row| {
            let s = row.scores.get("compliance")?.clone();
            s.value?;
            Some((row.key, s))
        })
        .collect()
}

pub(crate) fn compliance(ctx: &Ctx) -> ComplianceReport {
    let plan = ctx.engine.plan();
    let floor = plan.thresholds.compliance_floor;
    let sel = ctx.recent();
    let t = ctx.engine.totals(&sel).unwrap_or_default();
    let overall = ctx
        .engine
        .score(&MetricId::Compliance, &t, ctx.level, ctx.method);
    let audits = RuleAudits::of_plan(plan);
    let by_rule = plan
        .deployment
        .rules
        .iter()
        .map(|r| (r, false))
        .chain(plan.deployment.norms.iter().map(|r| (r, true)))
        .map(|(r, norm)| {
            let counts = t
                .audits
                .compliance
                .rules
                .get(&r.id)
                .copied()
                .unwrap_or(RuleCounts::default());
            let mut score = score::rule_compliance(&counts, ctx.level)
                .unwrap_or_else(|e| Score::empty(e.to_string()));
            score.flag_small_sample(plan.thresholds.min_sample);
            let instruments = audits.covering(&r.id);
            RuleCompliance {
                rule: r.id.clone(),
                behaviour: r.behaviour.clone(),
                critical: r.critical,
                norm,
                measured: !instruments.is_empty() && score.n > 0,
                below_floor: score.value.is_some_and(|v| v < floor),
                instruments,
                score,
            }
        })
        .collect();
    let min_n = plan.thresholds.min_sample;
    let group = |key: String, team: Option<String>, score: Score, sel: Selection, always: bool| {
        let below = score.value.is_some_and(|v| v < floor);
        GroupCompliance {
            rules_below_floor: if always {
                rules_below(ctx, &sel, floor, min_n)
            } else if below {
                rules_below(ctx, &sel, floor, 0)
            } else {
                Vec::new()
            },
            key,
            team,
            score,
            below_floor: below,
        }
    };
    let by_team = if ctx.keeps("team") {
        groups(ctx, vec![GroupBy::Dimension("team".into())])
            .into_iter()
            .filter_map(|(k, s)| {
                let team = k.get("team").cloned().flatten()?;
                let sel = with_filter(&sel, "team", &team);
                Some(group(team, None, s, sel, true))
            })
            .collect()
    } else {
        Vec::new()
    };
    let by_employee = if ctx.keeps("employee") {
        let with_team = ctx.keeps("team");
        let keys = if with_team {
            vec![
                GroupBy::Dimension("team".into()),
                GroupBy::Dimension("employee".into()),
            ]
        } else {
            vec![GroupBy::Dimension("employee".into())]
        };
        groups(ctx, keys)
            .into_iter()
            .filter_map(|(k, s)| {
                let team = k.get("team").cloned().flatten();
                let employee = k.get("employee").cloned().flatten()?;
                let sel = with_filter(&sel, "employee", &employee);
                Some(group(employee, team, s, sel, false))
            })
            .collect()
    } else {
        Vec::new()
    };
    let by_method = groups(ctx, vec![GroupBy::AuditMethod])
        .into_iter()
        .filter_map(|(k, s)| {
            let m = k.get("auditMethod").cloned().flatten()?;
            let sel = {
                let mut x = sel.clone();
                x.filters.insert("auditMethod".into(), vec![m.clone()]);
                x
            };
            Some(group(m, None, s, sel, true))
        })
        .collect();
    ComplianceReport {
        window: ctx.recent_window(),
        floor,
        overall,
        critical_failures: t.audits.critical_failures,
        by_rule,
        by_team,
        by_employee,
        by_method,
    }
}
