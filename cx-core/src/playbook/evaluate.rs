//! Evaluation: each trigger's condition is checked against the analysis
//! (and, for `score` and `diagnostic` conditions, the engine and its plan);
//! a firing trigger yields [`Evidence`]; evidence is gathered into one
//! [`Recommendation`] per intervention, ordered by priority.

use std::collections::{BTreeMap, HashSet};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Condition, ScoreWindow, Trigger};
use crate::analysis::Analysis;
use crate::engine::{Engine, GroupBy, Query};
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

fn row(pairs: &[(&str, &str)], value: Option<f64>, n: u64) -> EvidenceRow {
    EvidenceRow {
        key: pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        value,
        n,
    }
}

/// The names already listed in each list of one [`Evidence`], so that a
/// name is added once in constant time (a search of the list made the
/// evidence quadratic: 100,000 unmeasured rules took minutes).
#[derive(Default)]
struct Listed(HashSet<(&'static str, String)>);

impl Listed {
    /// Appends `s` to the list `field` (`v`) unless it is there already.
    fn push(&mut self, field: &'static str, v: &mut Vec<String>, s: &str) {
        if self.0.insert((field, s.to_string())) {
            v.push(s.to_string());
        }
    }
}

/// The evidence of one trigger, or `None` when it does not fire.
fn check(t: &Trigger, engine: &Engine, a: &Analysis) -> Option<Evidence> {
    let plan = engine.plan();
    let th = &plan.thresholds;
    let mut listed = Listed::default();
    let mut e = Evidence {
        trigger: t.id.clone(),
        rationale: t.rationale.clone(),
        ..Evidence::default()
    };
    match &t.when {
        Condition::NoIdentity => {
            let ok = plan
                .strategy
                .identity
                .as_ref()
                .is_some_and(|i| i.dominant.is_some());
            if ok {
                return None;
            }
            e.summary =
                "The plan has no identity (dominant trait, emphasised and base strengths).".into();
        }
        Condition::NoNeeds => {
            if !plan.context.needs.is_empty() {
                return None;
            }
            e.summary = "The plan captures no customer need.".into();
        }
        Condition::NoRules => {
            if !plan.deployment.rules.is_empty() {
                return None;
            }
            e.summary = "The plan has no rule of the game.".into();
        }
        Condition::ComplianceBelowFloor => {
            let c = &a.compliance;
            e.metric = Some("compliance".into());
            e.threshold = Some(c.floor);
            let concerned = |g: &&crate::analysis::GroupCompliance| {
                g.below_floor || !g.rules_below_floor.is_empty()
            };
            for g in c.by_team.iter().filter(concerned) {
                listed.push("teams", &mut e.teams, &g.key);
                e.rows
                    .push(row(&[("team", &g.key)], g.score.value, g.score.n));
                for r in &g.rules_below_floor {
                    listed.push("rules", &mut e.rules, &r.rule);
                    e.rows.push(row(
                        &[("team", &g.key), ("rule", &r.rule)],
                        Some(r.value),
                        r.n,
                    ));
                }
            }
            for g in c.by_employee.iter().filter(|g| g.below_floor) {
                listed.push("employees", &mut e.employees, &g.key);
                let mut key = vec![("employee", g.key.as_str())];
                if let Some(team) = &g.team {
                    key.push(("team", team));
                }
                e.rows.push(row(&key, g.score.value, g.score.n));
                for r in &g.rules_below_floor {
                    if e.teams.is_empty() {
                        listed.push("rules", &mut e.rules, &r.rule);
                    }
                }
            }
            if e.teams.is_empty() && e.employees.is_empty() {
                return None;
            }
            e.value = e.rows.iter().filter_map(|r| r.value).reduce(f64::min);
            e.summary = format!(
                "Below the {:.0}% compliance floor: {} team(s) ({}) and {} employee(s); rules missed: {}.",
                c.floor,
                e.teams.len(),
                e.teams.join(", "),
                e.employees.len(),
                if e.rules.is_empty() { "—".to_string() } else { e.rules.join(", ") }
            );
        }
        Condition::RuleNotMeasured => {
            for r in a
                .compliance
                .by_rule
                .iter()
                .filter(|r| !r.norm && !r.measured)
            {
                listed.push("rules", &mut e.rules, &r.rule);
                e.rows.push(row(
                    &[
                        ("rule", &r.rule),
                        ("instruments", &r.instruments.len().to_string()),
                    ],
                    r.score.value,
                    r.score.n,
                ));
            }
            if e.rules.is_empty() {
                return None;
            }
            e.summary = format!(
                "Rules of the game no audit measured in the recent window: {}.",
                e.rules.join(", ")
            );
        }
        Condition::NoRecentSurvey => {
            if a.recency.recent {
                return None;
            }
            e.metric = Some("responses".into());
            e.value = Some(a.recency.responses_in_window as f64);
            e.threshold = Some(f64::from(a.recency.recent_days));
            e.summary = match a.recency.last_response {
                Some(d) => format!(
                    "No customer response in the last {} days (latest: {d}).",
                    a.recency.recent_days
                ),
                None => "No customer response at all.".into(),
            };
        }
        Condition::VitalProcess => {
            let v = &a.vital;
            if v.vital_attributes.is_empty() {
                return None;
            }
            for p in &v.vital_processes {
                listed.push("processes", &mut e.processes, &p.id);
                e.rows.push(row(
                    &[("process", &p.id), ("rank", &p.rank.to_string())],
                    Some(p.priority),
                    p.attributes as u64,
                ));
            }
            for x in &v.vital_attributes {
                listed.push("attributes", &mut e.attributes, &x.id);
                e.rows.push(row(
                    &[
                        ("attribute", &x.id),
                        ("rank", &x.rank.unwrap_or(0).to_string()),
                    ],
                    Some(x.performance),
                    x.n,
                ));
            }
            e.metric = Some("importance×shortfall".into());
            e.value = v.vital_attributes.first().and_then(|x| x.priority);
            e.summary = format!(
                "Vital (high importance, low performance): {}{}.",
                e.attributes.join(", "),
                if e.processes.is_empty() {
                    String::new()
                } else {
                    format!("; processes: {}", e.processes.join(", "))
                }
            );
        }
        Condition::TangibleVital => {
            for x in &a.vital.vital_attributes {
                let Some(attr) = plan.attribute(&x.id) else {
                    continue;
                };
                for tg in &attr.tangibles {
                    listed.push("attributes", &mut e.attributes, &x.id);
                    e.rows.push(row(
                        &[("attribute", &x.id), ("tangible", tg)],
                        Some(x.performance),
                        x.n,
                    ));
                }
            }
            if e.attributes.is_empty() {
                return None;
            }
            e.summary = format!(
                "Vital attributes that rate tangible elements: {}.",
                e.attributes.join(", ")
            );
        }
        Condition::LowEnps { threshold } => {
            let limit = threshold.unwrap_or(th.low_enps);
            e.metric = Some("enps".into());
            e.threshold = Some(limit);
            let overall = a
                .headline
                .iter()
                .find(|h| h.metric == "enps")
                .and_then(|h| h.score.value.map(|v| (v, h.score.n)));
            if let Some((v, n)) = overall.filter(|(v, _)| *v <= limit) {
                e.rows.push(row(&[("scope", "overall")], Some(v), n));
            }
            for tl in &a.service_profit_link.teams {
                if let Some(v) = tl.enps.filter(|v| *v <= limit) {
                    listed.push("teams", &mut e.teams, &tl.team);
                    e.rows
                        .push(row(&[("team", &tl.team)], Some(v), tl.n_employees));
                }
            }
            if e.rows.is_empty() {
                return None;
            }
            e.value = e.rows.iter().filter_map(|r| r.value).reduce(f64::min);
            e.summary = format!(
                "eNPS at or below {limit}: {}.",
                e.rows
                    .iter()
                    .map(|r| format!(
                        "{} {:.0}",
                        r.key.values().next().map_or("", String::as_str),
                        r.value.unwrap_or(f64::NAN)
                    ))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        Condition::GoalStatus { statuses } => {
            for g in a.goals.iter().filter(|g| statuses.contains(&g.status)) {
                listed.push("goals", &mut e.goals, &g.id);
                let status = serde_json::to_value(g.status)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                e.rows.push(row(
                    &[("goal", &g.id), ("metric", &g.metric), ("status", &status)],
                    g.current,
                    g.n,
                ));
            }
            if e.goals.is_empty() {
                return None;
            }
            e.summary = format!("Goals {}: {}.", statuses_text(statuses), e.goals.join(", "));
        }
        Condition::NpsDrop { significance } => {
            let alpha = significance.unwrap_or(th.significance);
            let c = a.nps_change.as_ref()?;
            let (Some(delta), Some(p)) = (c.delta, c.p) else {
                return None;
            };
            if !(delta < 0.0 && p < alpha) {
                return None;
            }
            e.metric = Some("nps".into());
            e.value = Some(delta);
            e.threshold = Some(alpha);
            e.rows
                .push(row(&[("period", &c.previous)], None, c.n_previous));
            e.rows
                .push(row(&[("period", &c.current)], Some(delta), c.n_current));
            e.summary = format!(
                "NPS fell by {:.1} points from {} to {} (p = {p:.4} < {alpha}).",
                -delta, c.previous, c.current
            );
        }
        Condition::Diagnostic { code } => {
            let found: Vec<_> = plan
                .validate()
                .into_iter()
                .filter(|d| &d.code == code)
                .collect();
            if found.is_empty() {
                return None;
            }
            e.metric = Some(code.clone());
            for d in &found {
                e.rows.push(row(&[("path", &d.pointer)], None, 0));
            }
            e.summary = found
                .iter()
                .map(|d| d.message.clone())
                .collect::<Vec<_>>()
                .join(" ");
        }
        Condition::Score {
            metric,
            below,
            above,
            group_by,
            window,
            min_n,
        } => {
            let (from, to) = match window {
                ScoreWindow::All => (None, a.as_of),
                ScoreWindow::Recent => (a.recent.from, a.recent.to),
            };
            let timed = engine.config().cube.granularity != crate::engine::Granularity::None;
            let card = engine
                .query(&Query {
                    metrics: Some(vec![metric.clone()]),
                    group_by: group_by
                        .iter()
                        .map(|g| GroupBy::Dimension(g.clone()))
                        .collect(),
                    from: from.filter(|_| timed),
                    to: to.filter(|_| timed),
                    level: Some(a.level),
                    ..Query::default()
                })
                .ok()?;
            let id = metric.to_string();
            e.metric = Some(id.clone());
            e.threshold = below.or(*above);
            for r in &card.rows {
                let Some(s) = r.scores.get(&id) else { continue };
                let Some(v) = s.value else { continue };
                if s.n < min_n.unwrap_or(1) {
                    continue;
                }
                let fires = below.is_some_and(|b| v < b) || above.is_some_and(|x| v > x);
                if !fires {
                    continue;
                }
                let key: Vec<(String, String)> = r
                    .key
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone().unwrap_or_default()))
                    .collect();
                for (k, v) in &key {
                    match k.as_str() {
                        "team" => listed.push("teams", &mut e.teams, v),
                        "employee" => listed.push("employees", &mut e.employees, v),
                        _ => {}
                    }
                }
                let pairs: Vec<(&str, &str)> =
                    key.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                e.rows.push(row(&pairs, Some(v), s.n));
            }
            if e.rows.is_empty() {
                return None;
            }
            e.value = match (below, above) {
                (Some(_), _) => e.rows.iter().filter_map(|r| r.value).reduce(f64::min),
                _ => e.rows.iter().filter_map(|r| r.value).reduce(f64::max),
            };
            e.summary = format!(
                "{id} {}{}: {} group(s).",
                below.map_or(String::new(), |b| format!("below {b}")),
                above.map_or(String::new(), |x| format!(" above {x}")),
                e.rows.len()
            );
        }
    }
    Some(e)
}

fn statuses_text(s: &[crate::score::GoalStatus]) -> String {
    s.iter()
        .filter_map(|x| serde_json::to_value(x).ok())
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect::<Vec<_>>()
        .join(" or ")
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
