//! Benchmarking (BCE): own score against external or internal benchmarks —
//! the gap, a z-test where the benchmark has a sample size, and the rank.
//!
//! The benchmark's SE is its own `se` when given. Otherwise, when it gives
//! `n`, the same variance per response as the own score is assumed:
//! SE_b = SE_own·√(n_own / n_b). Without either, there is no test.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::metric::Direction;

use super::dist::check_level;
use super::{two_sided_p, Score, ScoreError};

/// One benchmark value, on the display scale of the metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Benchmark {
    /// Name (competitor, industry average, other branch…).
    pub name: String,
    /// Its value.
    pub value: f64,
    /// Its sample size, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<u64>,
    /// Its standard error, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub se: Option<f64>,
}

/// Own score vs one benchmark.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BenchmarkComparison {
    /// Benchmark name.
    pub name: String,
    /// Benchmark value.
    pub benchmark: f64,
    /// own − benchmark (signed; whether it is good depends on the direction).
    pub gap: f64,
    /// z = gap / √(SE_own² + SE_b²), when both SEs are known.
    pub z: Option<f64>,
    /// Two-sided p-value of z.
    pub p: Option<f64>,
    /// p < 1 − level.
    pub significant: Option<bool>,
    /// True when own is better than the benchmark in the metric's direction.
    pub better: bool,
}

/// The benchmark report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BenchmarkReport {
    /// Own rank among own + benchmarks, 1 = best (ties share the best rank).
    pub rank: usize,
    /// Number of ranked entries (benchmarks + own).
    pub of: usize,
    /// One comparison per benchmark, in input order.
    pub comparisons: Vec<BenchmarkComparison>,
}

/// Compares `own` to each benchmark. `None` when own has no value.
///
/// ```
/// use cx_core::metric::Direction;
/// use cx_core::score::{compare_benchmarks, proportion, Benchmark};
/// let own = proportion(74, 107, 0.95).unwrap();
/// let b = [Benchmark { name: "sector".into(), value: 60.0, n: Some(400), se: None }];
/// let r = compare_benchmarks(&own, &b, Direction::HigherIsBetter, 0.95).unwrap().unwrap();
/// assert_eq!(r.rank, 1);
/// assert!(r.comparisons[0].gap > 9.0);
/// ```
pub fn compare_benchmarks(
    own: &Score,
    benchmarks: &[Benchmark],
    direction: Direction,
    level: f64,
) -> Result<Option<BenchmarkReport>, ScoreError> {
    check_level(level)?;
    let Some(v) = own.value.filter(|v| v.is_finite()) else {
        return Ok(None);
    };
    let better = |a: f64, b: f64| match direction {
        Direction::HigherIsBetter => a > b,
        Direction::LowerIsBetter => a < b,
    };
    let mut comparisons = Vec::with_capacity(benchmarks.len());
    let mut ahead = 0;
    for b in benchmarks {
        if !b.value.is_finite() {
            return Err(ScoreError::InvalidNumber {
                what: "benchmark value",
                value: b.value,
            });
        }
        if better(b.value, v) {
            ahead += 1;
        }
        let gap = v - b.value;
        let se_b = match (b.se, b.n, own.se) {
            (Some(se), _, _) if se.is_finite() && se >= 0.0 => Some(se),
            (_, Some(nb), Some(se)) if nb > 0 && own.n > 0 => {
                Some(se * (own.n as f64 / nb as f64).sqrt())
            }
            _ => None,
        };
        let z = match (own.se, se_b) {
            (Some(a), Some(b)) if (a * a + b * b) > 0.0 => Some(gap / (a * a + b * b).sqrt()),
            _ => None,
        };
        let p = z.and_then(two_sided_p);
        comparisons.push(BenchmarkComparison {
            name: b.name.clone(),
            benchmark: b.value,
            gap,
            z,
            p,
            significant: p.map(|p| p < 1.0 - level),
            better: better(v, b.value),
        });
    }
    Ok(Some(BenchmarkReport {
        rank: ahead + 1,
        of: benchmarks.len() + 1,
        comparisons,
    }))
}
