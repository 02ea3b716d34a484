//! Traceability (SPEC §2.2): strategy linked to measurement.
//!
//! [`Plan::trace`] builds the matrix facet → rules / norms / policies /
//! tangibles → instruments → goals → interventions, with coverage figures:
//! the share of facets supported by deployment, of rules measured by an
//! audit, and of goals acted on.

use std::collections::BTreeSet;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{InstrumentKind, Plan, Tier};

/// The traceability matrix of a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Trace {
    /// One row per identity facet, dominant first.
    pub facets: Vec<FacetTrace>,
    /// One row per rule of the game and collaboration norm.
    pub rules: Vec<RuleTrace>,
    /// One row per goal.
    pub goals: Vec<GoalTrace>,
    /// Coverage figures.
    pub coverage: Coverage,
}

/// What deploys and measures one facet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FacetTrace {
    /// Facet id.
    pub facet_id: String,
    /// Facet name.
    pub name: String,
    /// Identity tier.
    pub tier: Tier,
    /// Rules of the game supporting it.
    pub rules: Vec<String>,
    /// Collaboration norms supporting it.
    pub norms: Vec<String>,
    /// Policies supporting it.
    pub policies: Vec<String>,
    /// Tangible elements supporting it.
    pub tangibles: Vec<String>,
    /// Survey attributes measuring how customers perceive it.
    pub attributes: Vec<String>,
    /// Audit instruments covering its rules and norms.
    pub instruments: Vec<String>,
    /// Goals served by its rules or addressed by its interventions.
    pub goals: Vec<String>,
    /// Interventions addressing the facet or its rules.
    pub interventions: Vec<String>,
    /// True when at least one rule, norm, policy or tangible supports it.
    pub supported: bool,
}

/// How one rule or norm is deployed and measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RuleTrace {
    /// Rule id.
    pub rule_id: String,
    /// True for a collaboration norm, false for a rule of the game.
    pub norm: bool,
    /// Facets it supports.
    pub facets: Vec<String>,
    /// Audit instruments that measure it.
    pub instruments: Vec<String>,
    /// Mobilisation (guidance, coaching, training) that covers it.
    pub mobilization: Vec<String>,
    /// Goals it serves.
    pub goals: Vec<String>,
    /// Interventions addressing it.
    pub interventions: Vec<String>,
    /// True when an audit instrument measures it.
    pub measured: bool,
}

/// What acts on and measures one goal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GoalTrace {
    /// Goal id.
    pub goal_id: String,
    /// Its metric.
    pub metric: String,
    /// Rules and norms serving it.
    pub rules: Vec<String>,
    /// Instruments tracking it (naming it, or measuring its metric).
    pub instruments: Vec<String>,
    /// Interventions addressing it.
    pub interventions: Vec<String>,
    /// True when a rule or intervention acts on it.
    pub acted_on: bool,
}

/// A covered/total share.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Share {
    /// How many are covered.
    pub covered: usize,
    /// How many there are.
    pub total: usize,
    /// covered / total in percent; `None` when total is 0.
    pub percent: Option<f64>,
}

impl Share {
    fn of(covered: usize, total: usize) -> Share {
        Share {
            covered,
            total,
            percent: (total > 0).then(|| covered as f64 * 100.0 / total as f64),
        }
    }
}

/// The coverage figures of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Coverage {
    /// Facets supported by at least one rule, norm, policy or tangible.
    pub facets_supported: Share,
    /// Rules of the game (not norms) measured by an audit instrument.
    pub rules_measured: Share,
    /// Goals with a rule or intervention acting on them.
    pub goals_acted_on: Share,
}

fn ids_where<'a, T: 'a>(
    items: impl IntoIterator<Item = &'a T>,
    id: impl Fn(&T) -> &str,
    keep: impl Fn(&T) -> bool,
) -> Vec<String> {
    items
        .into_iter()
        .filter(|x| keep(x))
        .map(|x| id(x).to_string())
        .collect()
}

fn contains(list: &[String], id: &str) -> bool {
    list.iter().any(|x| x == id)
}

impl Plan {
    /// Builds the traceability matrix (SPEC §2.2).
    ///
    /// ```
    /// use cx_core::plan::Plan;
    /// let trace = Plan::new("Acme").trace();
    /// assert_eq!(trace.coverage.rules_measured.total, 0);
    /// assert_eq!(trace.coverage.rules_measured.percent, None);
    /// ```
    pub fn trace(&self) -> Trace {
        let d = &self.deployment;
        let audits: Vec<_> = self
            .evaluation
            .instruments
            .iter()
            .filter(|i| i.kind == InstrumentKind::RuleAudit)
            .collect();
        let rule_rows: Vec<RuleTrace> = d
            .rules
            .iter()
            .map(|r| (r, false))
            .chain(d.norms.iter().map(|r| (r, true)))
            .map(|(r, norm)| {
                let instruments = ids_where(
                    audits.iter().copied(),
                    |i| &i.id,
                    |i| contains(&i.rules, &r.id),
                );
                RuleTrace {
                    rule_id: r.id.clone(),
                    norm,
                    facets: r.supports.clone(),
                    measured: !instruments.is_empty(),
                    instruments,
                    mobilization: ids_where(
                        &d.mobilization,
                        |m| &m.id,
                        |m| contains(&m.rules, &r.id),
                    ),
                    goals: r.goals.clone(),
                    interventions: ids_where(
                        &self.interventions,
                        |i| &i.id,
                        |i| contains(&i.addresses, &r.id),
                    ),
                }
            })
            .collect();

        let mut facet_rows = Vec::new();
        if let Some(identity) = &self.strategy.identity {
            for (tier, f) in identity.facets() {
                let rules = ids_where(&d.rules, |r| &r.id, |r| contains(&r.supports, &f.id));
                let norms = ids_where(&d.norms, |r| &r.id, |r| contains(&r.supports, &f.id));
                let mine: BTreeSet<&str> = rules.iter().chain(&norms).map(String::as_str).collect();
                let rows_of_mine = rule_rows
                    .iter()
                    .filter(|r| mine.contains(r.rule_id.as_str()));
                let mut instruments = BTreeSet::new();
                let mut goals = BTreeSet::new();
                let mut interventions = BTreeSet::new();
                for row in rows_of_mine {
                    instruments.extend(row.instruments.iter().cloned());
                    goals.extend(row.goals.iter().cloned());
                    interventions.extend(row.interventions.iter().cloned());
                }
                for iv in &self.interventions {
                    if contains(&iv.addresses, &f.id) {
                        interventions.insert(iv.id.clone());
                        for a in &iv.addresses {
                            if self.strategy.goals.iter().any(|g| &g.id == a) {
                                goals.insert(a.clone());
                            }
                        }
                    }
                }
                let policies = ids_where(&d.policies, |x| &x.id, |x| contains(&x.supports, &f.id));
                let tangibles =
                    ids_where(&d.tangibles, |x| &x.id, |x| contains(&x.supports, &f.id));
                let supported = !(rules.is_empty()
                    && norms.is_empty()
                    && policies.is_empty()
                    && tangibles.is_empty());
                facet_rows.push(FacetTrace {
                    facet_id: f.id.clone(),
                    name: f.name.clone(),
                    tier,
                    attributes: ids_where(
                        &self.attributes,
                        |a| &a.id,
                        |a| a.facet_id.as_deref() == Some(f.id.as_str()),
                    ),
                    rules,
                    norms,
                    policies,
                    tangibles,
                    instruments: instruments.into_iter().collect(),
                    goals: goals.into_iter().collect(),
                    interventions: interventions.into_iter().collect(),
                    supported,
                });
            }
        }

        let goal_rows: Vec<GoalTrace> = self
            .strategy
            .goals
            .iter()
            .map(|g| {
                let rules = ids_where(
                    d.rules.iter().chain(&d.norms),
                    |r| &r.id,
                    |r| contains(&r.goals, &g.id),
                );
                let interventions = ids_where(
                    &self.interventions,
                    |i| &i.id,
                    |i| contains(&i.addresses, &g.id),
                );
                GoalTrace {
                    goal_id: g.id.clone(),
                    metric: g.metric.to_string(),
                    acted_on: !(rules.is_empty() && interventions.is_empty()),
                    instruments: ids_where(
                        &self.evaluation.instruments,
                        |i| &i.id,
                        |i| contains(&i.goals, &g.id) || i.metrics.contains(&g.metric),
                    ),
                    rules,
                    interventions,
                }
            })
            .collect();

        let rules_only: Vec<&RuleTrace> = rule_rows.iter().filter(|r| !r.norm).collect();
        let coverage = Coverage {
            facets_supported: Share::of(
                facet_rows.iter().filter(|f| f.supported).count(),
                facet_rows.len(),
            ),
            rules_measured: Share::of(
                rules_only.iter().filter(|r| r.measured).count(),
                rules_only.len(),
            ),
            goals_acted_on: Share::of(
                goal_rows.iter().filter(|g| g.acted_on).count(),
                goal_rows.len(),
            ),
        };
        Trace {
            facets: facet_rows,
            rules: rule_rows,
            goals: goal_rows,
            coverage,
        }
    }
}
