//! Traceability (SPEC §2.2): strategy linked to measurement.
//!
//! [`Plan::trace`] builds the matrix facet → rules / norms / policies /
//! tangibles → instruments → goals → interventions, with coverage figures:
//! the share of facets supported by deployment, of rules measured by an
//! audit, and of goals acted on; then one row per comment theme with what
//! it is linked to, and notes (a theme linked to nothing).

use std::borrow::Borrow;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::Hash;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Instrument, InstrumentKind, Plan, Rule, ThemeLinks, Tier};

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
    /// One row per comment theme, in plan order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub themes: Vec<ThemeTrace>,
    /// What is worth knowing but is no error or advice (a theme linked to
    /// nothing), in plan order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<TraceNote>,
}

/// What one comment theme is linked to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ThemeTrace {
    /// Theme id.
    pub theme_id: String,
    /// The attributes, processes, facets and rules it speaks of.
    pub links: ThemeLinks,
    /// True when a comment mentioning it raises a closed-loop alert.
    pub alert: bool,
    /// True when it is linked to at least one part of the plan.
    pub linked: bool,
}

/// A note on the plan: information, neither an error nor advice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TraceNote {
    /// JSON Pointer to what the note is about (`/themes/2`).
    pub pointer: String,
    /// The note, for people.
    pub message: String,
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

/// Which items of a list name each key: key → the positions of the items
/// whose own list names it, in list order, each item once. Built in one
/// pass, so that the trace (and compliance) look a name up instead of
/// searching every list for it: linear in the plan's size, where searching
/// was quadratic (100,000 rules took minutes).
pub(crate) struct Named<K> {
    map: HashMap<K, Vec<usize>>,
}

impl<K: Hash + Eq> Named<K> {
    /// Indexes `items`, each given as the keys it names.
    pub(crate) fn new<I, L>(items: I) -> Self
    where
        I: IntoIterator<Item = L>,
        L: IntoIterator<Item = K>,
    {
        let mut map: HashMap<K, Vec<usize>> = HashMap::new();
        for (i, keys) in items.into_iter().enumerate() {
            for k in keys {
                let at = map.entry(k).or_default();
                if at.last() != Some(&i) {
                    at.push(i);
                }
            }
        }
        Named { map }
    }

    /// The positions of the items naming `key`, in list order.
    pub(crate) fn of<Q>(&self, key: &Q) -> &[usize]
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.map.get(key).map_or(&[], Vec::as_slice)
    }
}

/// The ids of `items` at `positions`.
fn ids_at<T>(items: &[T], positions: &[usize], id: impl Fn(&T) -> &str) -> Vec<String> {
    positions
        .iter()
        .map(|&i| id(&items[i]).to_string())
        .collect()
}

fn strs(list: &[String]) -> impl Iterator<Item = &str> {
    list.iter().map(String::as_str)
}

/// The rule audits of a plan and, for each rule or norm id, the audits
/// covering it: what "measured" means for the trace and for compliance.
pub(crate) struct RuleAudits<'p> {
    audits: Vec<&'p Instrument>,
    by_rule: Named<&'p str>,
}

impl<'p> RuleAudits<'p> {
    /// Indexes the plan's rule-audit instruments.
    pub(crate) fn of_plan(plan: &'p Plan) -> Self {
        let audits: Vec<&Instrument> = plan
            .evaluation
            .instruments
            .iter()
            .filter(|i| i.kind == InstrumentKind::RuleAudit)
            .collect();
        let by_rule = Named::new(audits.iter().map(|i| strs(&i.rules)));
        RuleAudits { audits, by_rule }
    }

    /// The ids of the audits covering `rule`, in plan order.
    pub(crate) fn covering(&self, rule: &str) -> Vec<String> {
        ids_at(&self.audits, self.by_rule.of(rule), |i| &i.id)
    }
}

impl Plan {
    /// Builds the traceability matrix (SPEC §2.2), in time linear in the
    /// plan's size and the matrix's.
    ///
    /// ```
    /// use cx_core::plan::Plan;
    /// let trace = Plan::new("Acme").trace();
    /// assert_eq!(trace.coverage.rules_measured.total, 0);
    /// assert_eq!(trace.coverage.rules_measured.percent, None);
    /// ```
    pub fn trace(&self) -> Trace {
        let d = &self.deployment;
        let audits = RuleAudits::of_plan(self);
        let mobilization = Named::new(d.mobilization.iter().map(|m| strs(&m.rules)));
        let addressed = Named::new(self.interventions.iter().map(|i| strs(&i.addresses)));
        let rule_rows: Vec<RuleTrace> = d
            .rules
            .iter()
            .map(|r| (r, false))
            .chain(d.norms.iter().map(|r| (r, true)))
            .map(|(r, norm)| {
                let instruments = audits.covering(&r.id);
                RuleTrace {
                    rule_id: r.id.clone(),
                    norm,
                    facets: r.supports.clone(),
                    measured: !instruments.is_empty(),
                    instruments,
                    mobilization: ids_at(&d.mobilization, mobilization.of(r.id.as_str()), |m| {
                        &m.id
                    }),
                    goals: r.goals.clone(),
                    interventions: ids_at(&self.interventions, addressed.of(r.id.as_str()), |i| {
                        &i.id
                    }),
                }
            })
            .collect();
        let facet_rows = self.facet_rows(&rule_rows, &addressed);
        let goal_rows = self.goal_rows(&addressed);
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
        let (themes, notes) = self.theme_rows();
        Trace {
            facets: facet_rows,
            rules: rule_rows,
            goals: goal_rows,
            coverage,
            themes,
            notes,
        }
    }

    /// One row per comment theme, and a note for each theme linked to
    /// nothing (its comments are counted and scored, but the analysis
    /// cannot point them at a part of the plan).
    fn theme_rows(&self) -> (Vec<ThemeTrace>, Vec<TraceNote>) {
        let mut notes = Vec::new();
        let rows = self
            .themes
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let linked = !t.links.is_empty();
                if !linked {
                    notes.push(TraceNote {
                        pointer: format!("/themes/{i}"),
                        message: format!(
                            "The theme \"{}\" is linked to no attribute, process, facet or rule: its comments are counted, but the analysis cannot point them at a part of the plan.",
                            t.id
                        ),
                    });
                }
                ThemeTrace {
                    theme_id: t.id.clone(),
                    links: t.links.clone(),
                    alert: t.alert,
                    linked,
                }
            })
            .collect();
        (rows, notes)
    }

    /// One row per identity facet, dominant first.
    fn facet_rows(&self, rule_rows: &[RuleTrace], addressed: &Named<&str>) -> Vec<FacetTrace> {
        let Some(identity) = &self.strategy.identity else {
            return Vec::new();
        };
        let d = &self.deployment;
        let rules = Named::new(d.rules.iter().map(|r| strs(&r.supports)));
        let norms = Named::new(d.norms.iter().map(|r| strs(&r.supports)));
        let policies = Named::new(d.policies.iter().map(|x| strs(&x.supports)));
        let tangibles = Named::new(d.tangibles.iter().map(|x| strs(&x.supports)));
        let attributes = Named::new(self.attributes.iter().map(|a| a.facet_id.as_deref()));
        let rows = Named::new(rule_rows.iter().map(|r| [r.rule_id.as_str()]));
        let goal_ids: HashSet<&str> = self.strategy.goals.iter().map(|g| g.id.as_str()).collect();
        // The goals each intervention addresses, found once per intervention.
        let goals_of: Vec<Vec<&str>> = self
            .interventions
            .iter()
            .map(|iv| {
                strs(&iv.addresses)
                    .filter(|a| goal_ids.contains(a))
                    .collect()
            })
            .collect();
        let mut out = Vec::new();
        for (tier, f) in identity.facets() {
            let id = f.id.as_str();
            let rules = ids_at(&d.rules, rules.of(id), |r| &r.id);
            let norms = ids_at(&d.norms, norms.of(id), |r| &r.id);
            let mine: BTreeSet<&str> = rules.iter().chain(&norms).map(String::as_str).collect();
            let mut instruments = BTreeSet::new();
            let mut goals = BTreeSet::new();
            let mut interventions = BTreeSet::new();
            for row in mine.iter().flat_map(|r| rows.of(r)).map(|&i| &rule_rows[i]) {
                instruments.extend(row.instruments.iter().cloned());
                goals.extend(row.goals.iter().cloned());
                interventions.extend(row.interventions.iter().cloned());
            }
            for &i in addressed.of(id) {
                interventions.insert(self.interventions[i].id.clone());
                goals.extend(goals_of[i].iter().map(|g| g.to_string()));
            }
            let policies = ids_at(&d.policies, policies.of(id), |x| &x.id);
            let tangibles = ids_at(&d.tangibles, tangibles.of(id), |x| &x.id);
            let supported = !(rules.is_empty()
                && norms.is_empty()
                && policies.is_empty()
                && tangibles.is_empty());
            out.push(FacetTrace {
                facet_id: f.id.clone(),
                name: f.name.clone(),
                tier,
                attributes: ids_at(&self.attributes, attributes.of(id), |a| &a.id),
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
        out
    }

    /// One row per goal.
    fn goal_rows(&self, addressed: &Named<&str>) -> Vec<GoalTrace> {
        let d = &self.deployment;
        let all_rules: Vec<&Rule> = d.rules.iter().chain(&d.norms).collect();
        let serving = Named::new(all_rules.iter().map(|r| strs(&r.goals)));
        let instruments = &self.evaluation.instruments;
        let naming = Named::new(instruments.iter().map(|i| strs(&i.goals)));
        let measuring = Named::new(instruments.iter().map(|i| &i.metrics));
        self.strategy
            .goals
            .iter()
            .map(|g| {
                let rules = ids_at(&all_rules, serving.of(g.id.as_str()), |r| &r.id);
                let interventions =
                    ids_at(&self.interventions, addressed.of(g.id.as_str()), |i| &i.id);
                // Instruments naming the goal or measuring its metric, in
                // plan order, each once.
                let mut tracking: Vec<usize> = naming
                    .of(g.id.as_str())
                    .iter()
                    .chain(measuring.of(&g.metric))
                    .copied()
                    .collect();
                tracking.sort_unstable();
                tracking.dedup();
                GoalTrace {
                    goal_id: g.id.clone(),
                    metric: g.metric.to_string(),
                    acted_on: !(rules.is_empty() && interventions.is_empty()),
                    instruments: ids_at(instruments, &tracking, |i| &i.id),
                    rules,
                    interventions,
                }
            })
            .collect()
    }
}
