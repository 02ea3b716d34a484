//! Benchmarks (BCE): the own score over all data up to asOf against each
//! plan benchmark of the same metric — gap, z-test where the benchmark has
//! n, and rank ([`crate::score::compare_benchmarks`]).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Ctx;
use crate::metric::{Direction, MetricId};
use crate::score::{self, BenchmarkComparison, Score};

/// One benchmarked metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BenchmarkResult {
    /// Metric id.
    pub metric: String,
    /// Good direction of the metric.
    pub direction: Direction,
    /// Own score.
    pub own: Score,
    /// Own rank among own + benchmarks (1 = best); `None` without an own value.
    pub rank: Option<usize>,
    /// Entries ranked.
    pub of: usize,
    /// One comparison per benchmark (name = the benchmark's source), in plan order.
    pub comparisons: Vec<BenchmarkComparison>,
}

pub(crate) fn benchmarks(ctx: &Ctx) -> Vec<BenchmarkResult> {
    let plan = ctx.engine.plan();
    let Ok(t) = ctx.engine.totals(&ctx.upto()) else {
        return Vec::new();
    };
    let mut metrics: Vec<&MetricId> = Vec::new();
    for b in &plan.benchmarks {
        if !metrics.contains(&&b.metric) {
            metrics.push(&b.metric);
        }
    }
    metrics
        .into_iter()
        .map(|m| {
            let own = ctx.score(m, &ctx.upto(), &t);
            let list: Vec<score::Benchmark> = plan
                .benchmarks
                .iter()
                .filter(|b| &b.metric == m)
                .map(|b| score::Benchmark {
                    name: b.source.clone(),
                    value: b.value,
                    n: b.n,
                    se: None,
                })
                .collect();
            let report = score::compare_benchmarks(&own, &list, m.direction(), ctx.level)
                .ok()
                .flatten();
            BenchmarkResult {
                metric: m.to_string(),
                direction: m.direction(),
                rank: report.as_ref().map(|r| r.rank),
                of: list.len() + 1,
                comparisons: report.map(|r| r.comparisons).unwrap_or_default(),
                own,
            }
        })
        .collect()
}
