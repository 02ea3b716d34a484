//! Impact KPIs by month: every raw and derived KPI with data, its monthly
//! series up to asOf and the change from the previous month with data to
//! the latest, judged by the KPI's good direction.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Ctx;
use crate::engine::{GroupBy, PeriodUnit, Query};
use crate::metric::{Direction, MetricId};
use crate::score::{self, Change};

/// One month's value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PeriodValue {
    /// Month (`2026-03`).
    pub period: String,
    /// Value.
    pub value: f64,
}

/// One KPI over time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct KpiTrend {
    /// Metric id (`kpi:retentionRate`).
    pub metric: String,
    /// Good direction.
    pub direction: Direction,
    /// Value over all data up to asOf.
    pub total: Option<f64>,
    /// Months with a value, oldest first.
    pub series: Vec<PeriodValue>,
    /// Change from the month before the latest to the latest.
    pub change: Option<Change>,
}

/// Impact KPIs.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Impact {
    /// One entry per KPI with data.
    pub kpis: Vec<KpiTrend>,
}

pub(crate) fn impact(ctx: &Ctx) -> Impact {
    let Ok(t) = ctx.engine.totals(&ctx.upto()) else {
        return Impact::default();
    };
    let metrics: Vec<MetricId> = ctx
        .engine
        .metrics_present(&t)
        .into_iter()
        .filter(|m| matches!(m, MetricId::Kpi(_)))
        .collect();
    if metrics.is_empty() {
        return Impact::default();
    }
    let monthly = if ctx.timed() {
        ctx.engine
            .query(&Query {
                metrics: Some(metrics.clone()),
                group_by: vec![GroupBy::Period(PeriodUnit::Month)],
                to: ctx.upto().to,
                ..Query::default()
            })
            .ok()
    } else {
        None
    };
    let kpis = metrics
        .iter()
        .map(|m| {
            let id = m.to_string();
            let series: Vec<PeriodValue> = monthly
                .iter()
                .flat_map(|c| &c.rows)
                .filter_map(|row| {
                    Some(PeriodValue {
                        period: row.key.get("period:month").cloned().flatten()?,
                        value: row.scores.get(&id)?.value.filter(|v| v.is_finite())?,
                    })
                })
                .collect();
            let change = match series.as_slice() {
                [.., a, b] => score::change(a.value, b.value, m.direction()),
                _ => None,
            };
            KpiTrend {
                total: ctx.engine.score(m, &t, ctx.level, ctx.method).value,
                direction: m.direction(),
                metric: id,
                series,
                change,
            }
        })
        .collect();
    Impact { kpis }
}
