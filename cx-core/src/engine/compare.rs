//! Two-sample tests between two selections (filters or periods): NPS and
//! eNPS differences, CSAT top-2-box and CES mean differences. The formulas
//! are [`score::nps_diff`] and [`DifferenceTest::of_scores`]; this module
//! only chooses the two samples.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::query::{QueryError, Selection, Totals};
use super::Engine;
use crate::score::{self, DifferenceTest, NpsCounts, NpsMethod, ScoreError};

/// The two-sample tests between selections a and b.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Comparison {
    /// Confidence level.
    pub level: f64,
    /// NPS a − b.
    pub nps: DifferenceTest,
    /// eNPS a − b.
    pub enps: DifferenceTest,
    /// CSAT top-2-box a − b (percentage points).
    pub csat: DifferenceTest,
    /// CES mean a − b.
    pub ces: DifferenceTest,
    /// True when the NPS difference is significant at the plan's significance level.
    pub nps_significant: bool,
}

impl Engine {
    /// Runs the two-sample tests between selections `a` and `b` (Δ = a − b).
    pub fn compare(
        &self,
        a: &Selection,
        b: &Selection,
        level: f64,
        method: NpsMethod,
    ) -> Result<Comparison, QueryError> {
        if !(level > 0.0 && level < 1.0) {
            return Err(QueryError::InvalidLevel(level));
        }
        let ta = self.totals(a)?;
        let tb = self.totals(b)?;
        let nps = |x: &Totals| NpsCounts::from_histogram(&x.responses.nps);
        let enps = |x: &Totals| NpsCounts::from_histogram(&x.employees.enps);
        // The level is valid (checked above): a failure is a difference
        // without a value, with the reason.
        let or_reason = |r: Result<DifferenceTest, ScoreError>| {
            r.unwrap_or_else(|e| DifferenceTest::unavailable(0, 0, e.to_string()))
        };
        let nps_d = or_reason(score::nps_diff(&nps(&ta), &nps(&tb), method, level));
        let plan = self.plan();
        let csat = |x: &Totals| {
            score::csat(&x.responses.csat, plan.scales.csat, level).unwrap_or_default()
        };
        let ces =
            |x: &Totals| score::ces(&x.responses.ces, plan.scales.ces, level).unwrap_or_default();
        Ok(Comparison {
            level,
            nps_significant: nps_d.p.is_some_and(|p| p < plan.thresholds.significance),
            nps: nps_d,
            enps: or_reason(score::nps_diff(&enps(&ta), &enps(&tb), method, level)),
            csat: or_reason(DifferenceTest::of_scores(&csat(&ta), &csat(&tb), level)),
            ces: or_reason(DifferenceTest::of_scores(&ces(&ta), &ces(&tb), level)),
        })
    }
}
