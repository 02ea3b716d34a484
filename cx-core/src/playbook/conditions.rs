//! One function per playbook [`Condition`](super::Condition): each reads
//! the analysis (and the plan or the engine when the condition needs them),
//! fills the trigger's [`Evidence`] — what was found, the rows behind it, the
//! teams, rules, attributes… concerned — and returns it, or returns `None`
//! when the condition does not hold. The dispatch lives in
//! `evaluate::check`, which also gathers the evidence into
//! recommendations.

use std::collections::HashSet;

use super::{Evidence, EvidenceRow, ScoreWindow};
use crate::analysis::{Analysis, GroupCompliance, ThemeResult};
use crate::engine::{Engine, Granularity, GroupBy, Query};
use crate::metric::MetricId;
use crate::plan::Plan;
use crate::score::GoalStatus;

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

/// The lowest value of the evidence's rows.
fn lowest(e: &Evidence) -> Option<f64> {
    e.rows.iter().filter_map(|r| r.value).reduce(f64::min)
}

/// The highest value of the evidence's rows.
fn highest(e: &Evidence) -> Option<f64> {
    e.rows.iter().filter_map(|r| r.value).reduce(f64::max)
}

/// The plan has no identity, or one without a dominant trait.
pub(super) fn no_identity(plan: &Plan, mut e: Evidence) -> Option<Evidence> {
    let identity = plan.strategy.identity.as_ref();
    if identity.is_some_and(|i| i.dominant.is_some()) {
        return None;
    }
    e.summary = "The plan has no identity (dominant trait, emphasised and base strengths).".into();
    Some(e)
}

/// The plan captures no customer need.
pub(super) fn no_needs(plan: &Plan, mut e: Evidence) -> Option<Evidence> {
    if !plan.context.needs.is_empty() {
        return None;
    }
    e.summary = "The plan captures no customer need.".into();
    Some(e)
}

/// The plan has no rule of the game.
pub(super) fn no_rules(plan: &Plan, mut e: Evidence) -> Option<Evidence> {
    if !plan.deployment.rules.is_empty() {
        return None;
    }
    e.summary = "The plan has no rule of the game.".into();
    Some(e)
}

/// Teams (with their rules) and employees below the compliance floor.
pub(super) fn compliance_below_floor(a: &Analysis, mut e: Evidence) -> Option<Evidence> {
    let c = &a.compliance;
    let mut listed = Listed::default();
    e.metric = Some("compliance".into());
    e.threshold = Some(c.floor);
    let concerned = |g: &&GroupCompliance| g.below_floor || !g.rules_below_floor.is_empty();
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
        if e.teams.is_empty() {
            for r in &g.rules_below_floor {
                listed.push("rules", &mut e.rules, &r.rule);
            }
        }
    }
    if e.teams.is_empty() && e.employees.is_empty() {
        return None;
    }
    e.value = lowest(&e);
    e.summary =
        format!(
        "Below the {:.0}% compliance floor: {} team(s) ({}) and {} employee(s); rules missed: {}.",
        c.floor,
        e.teams.len(),
        e.teams.join(", "),
        e.employees.len(),
        if e.rules.is_empty() { "—".to_string() } else { e.rules.join(", ") }
    );
    Some(e)
}

/// Rules of the game (not norms) no audit measured in the recent window.
pub(super) fn rule_not_measured(a: &Analysis, mut e: Evidence) -> Option<Evidence> {
    let mut listed = Listed::default();
    let unmeasured = a
        .compliance
        .by_rule
        .iter()
        .filter(|r| !r.norm && !r.measured);
    for r in unmeasured {
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
    Some(e)
}

/// No customer response in the recent window.
pub(super) fn no_recent_survey(a: &Analysis, mut e: Evidence) -> Option<Evidence> {
    let r = &a.recency;
    if r.recent {
        return None;
    }
    e.metric = Some("responses".into());
    e.value = Some(r.responses_in_window as f64);
    e.threshold = Some(f64::from(r.recent_days));
    e.summary = match r.last_response {
        Some(d) => format!(
            "No customer response in the last {} days (latest: {d}).",
            r.recent_days
        ),
        None => "No customer response at all.".into(),
    };
    Some(e)
}

/// Vital attributes (high importance, low performance) and their processes.
pub(super) fn vital_process(a: &Analysis, mut e: Evidence) -> Option<Evidence> {
    let v = &a.vital;
    if v.vital_attributes.is_empty() {
        return None;
    }
    let mut listed = Listed::default();
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
    Some(e)
}

/// Vital attributes that rate tangible elements (`attributes[].tangibles`).
pub(super) fn tangible_vital(plan: &Plan, a: &Analysis, mut e: Evidence) -> Option<Evidence> {
    let mut listed = Listed::default();
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
    Some(e)
}

/// eNPS, overall or of a team, at or below `limit`.
pub(super) fn low_enps(limit: f64, a: &Analysis, mut e: Evidence) -> Option<Evidence> {
    let mut listed = Listed::default();
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
    e.value = lowest(&e);
    let found: Vec<String> = e
        .rows
        .iter()
        .map(|r| {
            format!(
                "{} {:.0}",
                r.key.values().next().map_or("", String::as_str),
                r.value.unwrap_or(f64::NAN)
            )
        })
        .collect();
    e.summary = format!("eNPS at or below {limit}: {}.", found.join(", "));
    Some(e)
}

/// The JSON name of a goal status (`offTrack`…).
fn status_name(s: GoalStatus) -> String {
    serde_json::to_value(s)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Goals with one of `statuses`.
pub(super) fn goal_status(
    statuses: &[GoalStatus],
    a: &Analysis,
    mut e: Evidence,
) -> Option<Evidence> {
    let mut listed = Listed::default();
    for g in a.goals.iter().filter(|g| statuses.contains(&g.status)) {
        listed.push("goals", &mut e.goals, &g.id);
        let status = status_name(g.status);
        e.rows.push(row(
            &[("goal", &g.id), ("metric", &g.metric), ("status", &status)],
            g.current,
            g.n,
        ));
    }
    if e.goals.is_empty() {
        return None;
    }
    let names: Vec<String> = statuses
        .iter()
        .map(|s| status_name(*s))
        .filter(|s| !s.is_empty())
        .collect();
    e.summary = format!("Goals {}: {}.", names.join(" or "), e.goals.join(", "));
    Some(e)
}

/// NPS of the latest month significantly (at `alpha`) below the previous one's.
pub(super) fn nps_drop(alpha: f64, a: &Analysis, mut e: Evidence) -> Option<Evidence> {
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
    Some(e)
}

/// Plan validation reports a diagnostic with this code.
pub(super) fn diagnostic(code: &str, plan: &Plan, mut e: Evidence) -> Option<Evidence> {
    let found: Vec<_> = plan
        .validate()
        .into_iter()
        .filter(|d| d.code == code)
        .collect();
    if found.is_empty() {
        return None;
    }
    e.metric = Some(code.to_string());
    for d in &found {
        e.rows.push(row(&[("path", &d.pointer)], None, 0));
    }
    let messages: Vec<&str> = found.iter().map(|d| d.message.as_str()).collect();
    e.summary = messages.join(" ");
    Some(e)
}

/// A `score` condition, its defaults applied.
pub(super) struct ScoreTest<'a> {
    /// The metric.
    pub metric: &'a MetricId,
    /// Fires when the value is strictly below this.
    pub below: Option<f64>,
    /// Fires when the value is strictly above this.
    pub above: Option<f64>,
    /// Per value of this dimension; overall when `None`.
    pub group_by: Option<&'a str>,
    /// The observations read.
    pub window: ScoreWindow,
    /// Groups with fewer observations are ignored.
    pub min_n: u64,
}

impl ScoreTest<'_> {
    /// Whether `v` is beyond a threshold.
    fn fires(&self, v: f64) -> bool {
        self.below.is_some_and(|b| v < b) || self.above.is_some_and(|x| v > x)
    }

    /// The query of the metric over the window, per group.
    fn query(&self, engine: &Engine, a: &Analysis) -> Query {
        let (from, to) = match self.window {
            ScoreWindow::All => (None, a.as_of),
            ScoreWindow::Recent => (a.recent.from, a.recent.to),
        };
        let timed = engine.config().cube.granularity != Granularity::None;
        Query {
            metrics: Some(vec![self.metric.clone()]),
            group_by: self
                .group_by
                .iter()
                .map(|g| GroupBy::Dimension(g.to_string()))
                .collect(),
            from: from.filter(|_| timed),
            to: to.filter(|_| timed),
            level: Some(a.level),
            ..Query::default()
        }
    }
}

/// A metric, overall or per group, below and/or above thresholds.
pub(super) fn score(
    test: &ScoreTest,
    engine: &Engine,
    a: &Analysis,
    mut e: Evidence,
) -> Option<Evidence> {
    let card = engine.query(&test.query(engine, a)).ok()?;
    let id = test.metric.to_string();
    let mut listed = Listed::default();
    e.metric = Some(id.clone());
    e.threshold = test.below.or(test.above);
    for r in &card.rows {
        let Some(s) = r.scores.get(&id) else { continue };
        let Some(v) = s.value else { continue };
        if s.n < test.min_n || !test.fires(v) {
            continue;
        }
        let key: Vec<(&str, &str)> = r
            .key
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_deref().unwrap_or_default()))
            .collect();
        for (k, v) in &key {
            match *k {
                "team" => listed.push("teams", &mut e.teams, v),
                "employee" => listed.push("employees", &mut e.employees, v),
                _ => {}
            }
        }
        e.rows.push(row(&key, Some(v), s.n));
    }
    if e.rows.is_empty() {
        return None;
    }
    e.value = if test.below.is_some() {
        lowest(&e)
    } else {
        highest(&e)
    };
    e.summary = format!(
        "{id} {}{}: {} group(s).",
        test.below.map_or(String::new(), |b| format!("below {b}")),
        test.above.map_or(String::new(), |x| format!(" above {x}")),
        e.rows.len()
    );
    Some(e)
}

/// A p-value for people: `p < 0.001` or `p = 0.012`.
fn p_text(p: f64) -> String {
    if p < 0.001 {
        "p < 0.001".into()
    } else {
        format!("p = {p:.3}")
    }
}

/// What a theme points at in the plan, for people: process names,
/// attribute labels and rule ids, each with its list in the evidence.
fn theme_targets(
    plan: &Plan,
    t: &ThemeResult,
    e: &mut Evidence,
    listed: &mut Listed,
) -> Vec<(&'static str, String, String)> {
    let mut out = Vec::new();
    for id in &t.links.processes {
        listed.push("processes", &mut e.processes, id);
        let name = plan.processes.iter().find(|p| &p.id == id);
        out.push((
            "process",
            id.clone(),
            name.map_or(id.clone(), |p| p.name.clone()),
        ));
    }
    for id in &t.links.attributes {
        listed.push("attributes", &mut e.attributes, id);
        let label = plan.attribute(id).map_or(id.clone(), |a| a.label.clone());
        out.push(("attribute", id.clone(), label));
    }
    for id in &t.links.rules {
        listed.push("rules", &mut e.rules, id);
        out.push(("rule", id.clone(), id.clone()));
    }
    out
}

/// Comment themes linked to a process, an attribute or a rule that
/// detractors mention significantly more often than promoters (Holm at
/// `alpha`): one row per theme and target, valued by the detractor share.
pub(super) fn comments_point_at(
    alpha: f64,
    plan: &Plan,
    a: &Analysis,
    mut e: Evidence,
) -> Option<Evidence> {
    let c = a.comments.as_ref()?;
    let mut listed = Listed::default();
    let mut found = Vec::new();
    for t in &c.themes {
        let g = &t.by_group;
        if !g.points_at_detractors(alpha) {
            continue;
        }
        let targets = theme_targets(plan, t, &mut e, &mut listed);
        for (kind, id, _) in &targets {
            e.rows.push(row(
                &[("theme", &t.id), (kind, id)],
                g.detractors.value,
                g.detractors.n,
            ));
        }
        if targets.is_empty() {
            continue;
        }
        let names: Vec<&str> = targets.iter().map(|(_, _, n)| n.as_str()).collect();
        found.push(format!(
            "{}: '{}' in {}% of detractors' comments vs {}% of promoters' (lift {}, {})",
            names.join(", "),
            t.label,
            crate::report::num(g.detractors.value, 0),
            crate::report::num(g.promoters.value, 0),
            crate::report::num(g.lift, 1),
            p_text(g.p_adjusted.unwrap_or(1.0))
        ));
    }
    if found.is_empty() {
        return None;
    }
    e.metric = Some("detractors' comments mentioning the theme (%)".into());
    e.threshold = Some(alpha);
    e.value = highest(&e);
    e.summary = format!("Detractors' comments point at {}.", found.join("; "));
    Some(e)
}
