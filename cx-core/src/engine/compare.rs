//! Two-sample tests between two selections (filters or periods):
//! NPS and eNPS differences (SPEC §3.2 formula), CSAT top-2-box and CES mean
//! differences (normal approximation on independent samples).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::query::{QueryError, Selection};
use super::Engine;
use crate::score::{self, Interval, IntervalMethod, NpsCounts, NpsDiff, NpsMethod, Score};

/// A difference a − b between two independent estimates.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DiffTest {
    /// a − b (display scale); `None` when either side has no data.
    pub delta: Option<f64>,
    /// Standard error of the difference.
    pub se: Option<f64>,
    /// Interval of the difference.
    pub interval: Option<Interval>,
    /// Two-sided p-value.
    pub p: Option<f64>,
    /// n of a.
    pub n_a: u64,
    /// n of b.
    pub n_b: u64,
    /// Why there is no value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The two-sample tests between selections a and b.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Comparison {
    /// Confidence level.
    pub level: f64,
    /// NPS a − b.
    pub nps: NpsDiff,
    /// eNPS a − b.
    pub enps: NpsDiff,
    /// CSAT top-2-box a − b (percentage points).
    pub csat: DiffTest,
    /// CES mean a − b.
    pub ces: DiffTest,
    /// True when the NPS difference is significant at the plan's significance level.
    pub nps_significant: bool,
}

/// Difference of two scores with standard errors, normal approximation.
pub(crate) fn diff(a: &Score, b: &Score, level: f64) -> DiffTest {
    let mut t = DiffTest {
        n_a: a.n,
        n_b: b.n,
        ..DiffTest::default()
    };
    let (Some(va), Some(vb), Some(sa), Some(sb)) = (a.value, b.value, a.se, b.se) else {
        t.reason = Some("one side has no data or no standard error".into());
        return t;
    };
    let delta = va - vb;
    let se = (sa * sa + sb * sb).sqrt();
    t.delta = Some(delta);
    t.se = Some(se);
    if let Ok(z) = score::z_quantile(level) {
        t.interval = Some(Interval {
            low: delta - z * se,
            high: delta + z * se,
            level,
            method: IntervalMethod::Normal,
        });
    }
    if se > 0.0 {
        t.p = score::two_sided_p(delta / se);
    }
    t
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
        let nps = |x: &super::query::Totals| NpsCounts::from_histogram(&x.responses.nps);
        let enps = |x: &super::query::Totals| NpsCounts::from_histogram(&x.employees.enps);
        let or_empty = |r: Result<NpsDiff, score::ScoreError>| {
            r.unwrap_or_else(|e| NpsDiff {
                reason: Some(e.to_string()),
                ..NpsDiff::default()
            })
        };
        let nps_d = or_empty(score::nps_diff(&nps(&ta), &nps(&tb), method, level));
        let plan = self.plan();
        let csat = |x: &super::query::Totals| {
            score::csat(&x.responses.csat, plan.scales.csat, level).unwrap_or_default()
        };
        let ces = |x: &super::query::Totals| {
            score::ces(&x.responses.ces, plan.scales.ces, level).unwrap_or_default()
        };
        Ok(Comparison {
            level,
            nps_significant: nps_d.p.is_some_and(|p| p < plan.thresholds.significance),
            nps: nps_d,
            enps: or_empty(score::nps_diff(&enps(&ta), &enps(&tb), method, level)),
            csat: diff(&csat(&ta), &csat(&tb), level),
            ces: diff(&ces(&ta), &ces(&tb), level),
        })
    }
}
