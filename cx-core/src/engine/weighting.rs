//! Weighted mode: how a query scores its rows with survey weights.
//!
//! A query is in **weighted mode** when some record of its selection
//! carries a weight (other than 1), or when it rakes, unless it says
//! `"weights": false`; `"weights": true` asks for it on data without
//! weights (every record then weighs 1, and the standard errors are the
//! design-based ones of R `survey` on all-ones weights). In weighted mode
//! every customer- and employee-response score is the design-weighted
//! estimate of [`crate::score::weighted_nps`] and its siblings, as R
//! `svymean` on `svydesign(ids = ~1, weights = ~w)` (and `svyby` for
//! grouped rows: the design is the query's whole selection, so `n` in the
//! variance factor n/(n − 1) counts the responses with that score in the
//! selection). Audits and KPIs are not survey responses and keep their
//! formulas.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::query::Totals;
use super::raking::{RakeTarget, RakedSelection};
use super::weights;
use super::Engine;
use crate::metric::MetricId;
use crate::score::{
    self, Estimator, Histogram, Scale, Score, ScoreError, Svymean, WeightedHistogram,
    HISTOGRAM_POINTS,
};

/// What a weighted scorecard was weighted with: stated with the rows so a
/// reader knows what the figures stand for.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Weighting {
    /// Customer responses in the selection.
    pub responses: u64,
    /// Of those, the responses with a weight of their own (other than 1).
    pub weighted_responses: u64,
    /// Σw of the selection's customer responses (raked when the query
    /// rakes).
    pub weight_sum: f64,
    /// Kish's effective sample size (Σw)²/Σw² of the selection's customer
    /// responses.
    pub effective_n: Option<f64>,
    /// The population shares the selection was raked to (empty without
    /// raking).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rake: Vec<RakeTarget>,
    /// Sweeps of iterative proportional fitting the raking took.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rake_iterations: Option<u32>,
}

impl Totals {
    /// Whether a record of these totals carries a weight of its own.
    pub(crate) fn has_weights(&self) -> bool {
        self.weighted.records > 0 || self.weighted_employees.records > 0
    }

    /// The weighting of these totals' customer responses.
    pub(crate) fn weighting(&self) -> Weighting {
        let (w, q) = self.weighted.totals(self.responses.responses);
        Weighting {
            responses: self.responses.responses,
            weighted_responses: self.weighted.records,
            weight_sum: w,
            effective_n: (q > 0.0).then(|| w * w / q),
            rake: Vec::new(),
            rake_iterations: None,
        }
    }
}

/// The design a weighted score is estimated over.
#[derive(Clone, Copy)]
pub(crate) enum Design<'a> {
    /// The selection's design weights (`svymean`, `svyby`): the totals of
    /// the whole selection give the responses of the design.
    Plain {
        /// The selection's totals.
        overall: &'a Totals,
    },
    /// The raked selection, and the row's domain in it.
    Raked {
        /// The selection's totals (for employee responses, not raked).
        overall: &'a Totals,
        /// The raked selection.
        selection: &'a RakedSelection,
        /// Whether a cell of the group labelled so is in the domain.
        in_domain: &'a dyn Fn(&[Option<String>]) -> bool,
    },
}

impl Design<'_> {
    fn overall(&self) -> &Totals {
        match self {
            Design::Plain { overall } | Design::Raked { overall, .. } => overall,
        }
    }

    /// The estimator of customer-response item `item` for the group of
    /// totals `t`; `counts` gives the item's counts in any totals.
    fn estimator<'t>(
        &self,
        t: &'t Totals,
        item: u32,
        counts: &dyn Fn(&Totals) -> Histogram,
    ) -> Box<dyn Estimator + 't>
    where
        Self: 't,
    {
        match *self {
            Design::Plain { overall } => Box::new(Svymean::owned(
                t.weighted.histogram(item, &counts(t)),
                counts(overall).n(),
            )),
            Design::Raked {
                selection,
                in_domain,
                ..
            } => Box::new(selection.estimator(in_domain, &|c: &Totals| {
                c.weighted.histogram(item, &counts(c))
            })),
        }
    }
}

impl Engine {
    /// One metric's weighted score over the totals `t` of a group, in
    /// `design`.
    pub(crate) fn weighted_score(
        &self,
        metric: &MetricId,
        t: &Totals,
        design: Design<'_>,
        level: f64,
    ) -> Score {
        let plan = &*self.plan;
        let or_empty =
            |x: Result<Score, ScoreError>| x.unwrap_or_else(|e| Score::empty(e.to_string()));
        let est =
            |item: u32, counts: &dyn Fn(&Totals) -> Histogram| design.estimator(t, item, counts);
        let mut s = match metric {
            MetricId::Nps => or_empty(score::weighted_nps(
                &*est(weights::ITEM_NPS, &|x| x.responses.nps),
                level,
            )),
            MetricId::Csat => or_empty(score::weighted_csat(
                &*est(weights::ITEM_CSAT, &|x| x.responses.csat),
                plan.scales.csat,
                level,
            )),
            MetricId::Ces => or_empty(score::weighted_ces(
                &*est(weights::ITEM_CES, &|x| x.responses.ces),
                plan.scales.ces,
                level,
            )),
            MetricId::CesIndex => or_empty(score::weighted_ces_index(
                &*est(weights::ITEM_CES, &|x| x.responses.ces),
                plan.scales.ces,
                level,
            )),
            MetricId::Enps => or_empty(score::weighted_nps(
                &Svymean::owned(
                    t.weighted_employees
                        .histogram(weights::ITEM_ENPS, &t.employees.enps),
                    design.overall().employees.enps.n(),
                ),
                level,
            )),
            MetricId::EmployeeSatisfaction => or_empty(
                score::weighted_employee_satisfaction_index(&self.weighted_items(t), Scale::FIVE),
            ),
            MetricId::Attribute(id) => match plan.attributes.iter().position(|a| &a.id == id) {
                Some(i) => or_empty(score::weighted_attribute(
                    &*est(weights::RESPONSE_ITEMS + i as u32, &|x| {
                        attribute_counts(x, i)
                    }),
                    plan.attributes[i].scale,
                    None,
                    level,
                )),
                None => Score::empty(format!("`{id}` is not an attribute of the plan")),
            },
            MetricId::Tcs => self.tcs_of(&t.responses, |i, _| {
                let e = est(weights::RESPONSE_ITEMS + i as u32, &|x| {
                    attribute_counts(x, i)
                });
                let mut y = [None; HISTOGRAM_POINTS];
                for (r, v) in y.iter_mut().enumerate() {
                    *v = Some(r as f64);
                }
                e.estimate(&y).map(|e| e.value)
            }),
            // Comments are scored unweighted (docs/comments.md).
            MetricId::Compliance | MetricId::Kpi(_) | MetricId::Sentiment | MetricId::Theme(_) => {
                return self.score(metric, t, level, Default::default())
            }
        };
        s.flag_small_sample(plan.thresholds.min_sample);
        s
    }

    /// The weighted histograms of the employee-satisfaction items, in
    /// item-name order (as [`Engine::score`] reads them).
    fn weighted_items(&self, t: &Totals) -> Vec<WeightedHistogram> {
        let e = &t.employees;
        let mut named: Vec<(&str, WeightedHistogram)> = self
            .items
            .values()
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let counts = e.items.get(i).copied().unwrap_or_default();
                let item = weights::EMPLOYEE_ITEMS + i as u32;
                (name.as_str(), t.weighted_employees.histogram(item, &counts))
            })
            .collect();
        named.sort_by(|a, b| a.0.cmp(b.0));
        named.into_iter().map(|(_, h)| h).collect()
    }
}

/// The counts of plan attribute `i` in `t` (empty when absent).
fn attribute_counts(t: &Totals, i: usize) -> Histogram {
    t.responses
        .attributes
        .get(i)
        .map(|c| c.ratings)
        .unwrap_or_default()
}
