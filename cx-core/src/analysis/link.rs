//! The service-profit link: across teams, the correlation between team
//! eNPS and team customer NPS (all data up to asOf), with n teams.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Ctx;
use crate::engine::{GroupBy, Query};
use crate::metric::MetricId;
use crate::score::{self, Correlation};

/// One team's pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TeamLink {
    /// Team.
    pub team: String,
    /// Team eNPS.
    pub enps: Option<f64>,
    /// eNPS n.
    pub n_employees: u64,
    /// Team customer NPS.
    pub nps: Option<f64>,
    /// NPS n.
    pub n_customers: u64,
}

/// The service-profit link.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServiceProfitLink {
    /// Every team seen.
    pub teams: Vec<TeamLink>,
    /// Pearson r across the teams with both values, with n and p.
    pub correlation: Correlation,
}

pub(crate) fn service_profit_link(ctx: &Ctx) -> ServiceProfitLink {
    if !ctx.keeps("team") {
        return ServiceProfitLink {
            correlation: Correlation {
                reason: Some("the engine does not keep `team`".into()),
                ..Correlation::default()
            },
            ..ServiceProfitLink::default()
        };
    }
    let card = ctx.engine.query(&Query {
        metrics: Some(vec![MetricId::Enps, MetricId::Nps]),
        group_by: vec![GroupBy::Dimension("team".into())],
        to: ctx.upto().to,
        level: Some(ctx.level),
        nps_method: Some(ctx.method),
        ..Query::default()
    });
    let teams: Vec<TeamLink> = card
        .map(|c| c.rows)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|row| {
            let team = row.key.get("team").cloned().flatten()?;
            let e = row.scores.get("enps");
            let n = row.scores.get("nps");
            Some(TeamLink {
                team,
                enps: e.and_then(|s| s.value),
                n_employees: e.map_or(0, |s| s.n),
                nps: n.and_then(|s| s.value),
                n_customers: n.map_or(0, |s| s.n),
            })
        })
        .collect();
    let pairs: Vec<(f64, f64)> = teams
        .iter()
        .filter_map(|t| Some((t.enps?, t.nps?)))
        .collect();
    let correlation = score::service_profit_link(&pairs).unwrap_or_else(|e| Correlation {
        reason: Some(e.to_string()),
        ..Correlation::default()
    });
    ServiceProfitLink { teams, correlation }
}
