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
use super::weights;
use super::Engine;
use crate::metric::MetricId;
use crate::score::{self, Histogram, Scale, Score, ScoreError, WeightedHistogram};

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
}

impl Totals {
    /// Whether a record of these totals carries a weight of its own.
    pub(crate) fn has_weights(&self) -> bool {
        self.weighted.records > 0 || self.weighted_employees.records > 0
    }

    /// The weighted histogram of customer-response item `item` (see
    /// [`weights`]), whose counts over every record are `counts`.
    fn response_histogram(&self, item: u32, counts: &Histogram) -> WeightedHistogram {
        self.weighted.histogram(item, counts)
    }

    /// The weighting of these totals' customer responses.
    pub(crate) fn weighting(&self) -> Weighting {
        let (w, q) = self.weighted.totals(self.responses.responses);
        Weighting {
            responses: self.responses.responses,
            weighted_responses: self.weighted.records,
            weight_sum: w,
            effective_n: (q > 0.0).then(|| w * w / q),
        }
    }
}

impl Engine {
    /// One metric's design-weighted score over the totals `t` of a group
    /// whose design is the selection `design` (for the responses counted
    /// in each score's variance factor).
    pub(crate) fn weighted_score(
        &self,
        metric: &MetricId,
        t: &Totals,
        design: &Totals,
        level: f64,
    ) -> Score {
        let plan = &*self.plan;
        let r = &t.responses;
        let d = &design.responses;
        let or_empty =
            |x: Result<Score, ScoreError>| x.unwrap_or_else(|e| Score::empty(e.to_string()));
        let mut s = match metric {
            MetricId::Nps => or_empty(score::weighted_nps(
                &t.response_histogram(weights::ITEM_NPS, &r.nps),
                d.nps.n(),
                level,
            )),
            MetricId::Csat => or_empty(score::weighted_csat(
                &t.response_histogram(weights::ITEM_CSAT, &r.csat),
                plan.scales.csat,
                d.csat.n(),
                level,
            )),
            MetricId::Ces => or_empty(score::weighted_ces(
                &t.response_histogram(weights::ITEM_CES, &r.ces),
                plan.scales.ces,
                d.ces.n(),
                level,
            )),
            MetricId::CesIndex => or_empty(score::weighted_ces_index(
                &t.response_histogram(weights::ITEM_CES, &r.ces),
                plan.scales.ces,
                d.ces.n(),
                level,
            )),
            MetricId::Enps => or_empty(score::weighted_nps(
                &t.weighted_employees
                    .histogram(weights::ITEM_ENPS, &t.employees.enps),
                design.employees.enps.n(),
                level,
            )),
            MetricId::EmployeeSatisfaction => or_empty(
                score::weighted_employee_satisfaction_index(&self.weighted_items(t), Scale::FIVE),
            ),
            MetricId::Attribute(id) => match plan.attributes.iter().position(|a| &a.id == id) {
                Some(i) => {
                    let counts = |x: &Totals| x.responses.attributes.get(i).map(|c| c.ratings);
                    or_empty(score::weighted_attribute(
                        &t.response_histogram(
                            weights::RESPONSE_ITEMS + i as u32,
                            &counts(t).unwrap_or_default(),
                        ),
                        plan.attributes[i].scale,
                        None,
                        counts(design).unwrap_or_default().n(),
                        level,
                    ))
                }
                None => Score::empty(format!("`{id}` is not an attribute of the plan")),
            },
            MetricId::Tcs => self.tcs_of(r, |i, ratings| {
                t.response_histogram(weights::RESPONSE_ITEMS + i as u32, ratings)
                    .mean()
            }),
            MetricId::Compliance | MetricId::Kpi(_) => {
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
