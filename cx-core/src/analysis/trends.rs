//! Headline scores with monthly trends, survey recency, and the NPS change
//! between asOf's month and the month before.

use chrono::{Datelike, Duration, NaiveDate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Ctx;
use crate::engine::{CompareTo, GroupBy, PeriodUnit, Query, Selection};
use crate::metric::MetricId;
use crate::score::{adjust_p, Adjust, Score, ScoreChange};

/// A headline metric: its score over all data up to asOf and its trend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HeadlineScore {
    /// Metric id.
    pub metric: String,
    /// The score, with n, interval and flags.
    pub score: Score,
    /// One point per month with a value, oldest first.
    pub trend: Vec<TrendPoint>,
}

/// One month of a trend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TrendPoint {
    /// Month label (`2026-03`).
    pub period: String,
    /// The value.
    pub value: f64,
    /// Lower end of the interval, when there is one.
    pub low: Option<f64>,
    /// Upper end of the interval, when there is one.
    pub high: Option<f64>,
    /// Sample size.
    pub n: u64,
    /// The change against the month before (`compare: previousPeriod`),
    /// with its p-value Holm-adjusted over the metric's trend; absent when
    /// the trend was not compared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<ScoreChange>,
    /// The change's adjusted p-value is below `thresholds.significance`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub significant: bool,
}

/// Whether customers were surveyed in the recent window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Recency {
    /// `thresholds.recentDays`.
    pub recent_days: u32,
    /// Customer responses in the recent window.
    pub responses_in_window: u64,
    /// Date of the latest customer response the engine holds.
    pub last_response: Option<NaiveDate>,
    /// Days from the latest response to asOf (when the response is not after asOf).
    pub days_since: Option<i64>,
    /// True when the window holds at least one response.
    pub recent: bool,
}

/// NPS of asOf's month against the previous month (Δ = current − previous).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct NpsChange {
    /// Current month (`2026-09`), up to asOf.
    pub current: String,
    /// Previous month.
    pub previous: String,
    /// NPS current − previous; `None` when a month has no NPS answer.
    pub delta: Option<f64>,
    /// Two-sided p-value of the two-sample z-test.
    pub p: Option<f64>,
    /// n of the current month.
    pub n_current: u64,
    /// n of the previous month.
    pub n_previous: u64,
    /// p < `thresholds.significance`.
    pub significant: bool,
}

pub(crate) fn headline(ctx: &Ctx) -> Vec<HeadlineScore> {
    let sel = ctx.upto();
    let Ok(totals) = ctx.engine.totals(&sel) else {
        return Vec::new();
    };
    // The headline is every fixed metric the data can score.
    let scored: Vec<(MetricId, Score)> = MetricId::FIXED
        .iter()
        .map(|m| (m.clone(), ctx.score(m, &sel, &totals)))
        .filter(|(_, s)| s.value.is_some())
        .collect();
    let metrics: Vec<MetricId> = scored.iter().map(|(m, _)| m.clone()).collect();
    let monthly = if ctx.timed() && !metrics.is_empty() {
        monthly_rows(ctx, &metrics, sel.to)
    } else {
        None
    };
    let significance = ctx.engine.plan().thresholds.significance;
    scored
        .into_iter()
        .map(|(m, score)| {
            let id = m.to_string();
            let mut trend: Vec<TrendPoint> = monthly
                .iter()
                .flat_map(|card| &card.rows)
                .filter_map(|row| {
                    let s = row.scores.get(&id)?;
                    let period = row.key.get("period:month").cloned().flatten()?;
                    Some(TrendPoint {
                        period,
                        value: s.value.filter(|v| v.is_finite())?,
                        low: s.interval.map(|i| i.low),
                        high: s.interval.map(|i| i.high),
                        n: s.n,
                        change: s.change.clone(),
                        significant: false,
                    })
                })
                .collect();
            holm_over_trend(&mut trend, significance);
            HeadlineScore {
                score,
                metric: id,
                trend,
            }
        })
        .collect()
}

/// The monthly rows of `metrics` up to `to`, each compared with the month
/// before (`compare: previousPeriod`, p-values left unadjusted: the family
/// is each metric's trend, [`holm_over_trend`]). Without a change when the
/// comparison cannot run.
fn monthly_rows(
    ctx: &Ctx,
    metrics: &[MetricId],
    to: Option<chrono::NaiveDate>,
) -> Option<crate::engine::Scorecard> {
    let q = Query {
        metrics: Some(metrics.to_vec()),
        group_by: vec![GroupBy::Period(PeriodUnit::Month)],
        to,
        level: Some(ctx.level),
        nps_method: Some(ctx.method),
        ..Query::default()
    };
    ctx.query(Query {
        compare: Some(CompareTo::PreviousPeriod),
        adjust: Some(Adjust::None),
        ..q.clone()
    })
    .or_else(|_| ctx.query(q))
    .ok()
}

/// Adjusts the p-values of one metric's trend together (Holm, R's
/// `p.adjust(p, "holm")` through [`adjust_p`]) and marks the points whose
/// adjusted p-value is below `significance`. The family is the points the
/// engine kept in its family (those with `pAdjusted`: a p-value and no
/// small-sample flag).
fn holm_over_trend(trend: &mut [TrendPoint], significance: f64) {
    let family: Vec<usize> = (0..trend.len())
        .filter(|&i| {
            trend[i]
                .change
                .as_ref()
                .is_some_and(|c| c.p.is_some() && c.p_adjusted.is_some())
        })
        .collect();
    let p: Vec<f64> = family
        .iter()
        .filter_map(|&i| trend[i].change.as_ref()?.p)
        .collect();
    for (&i, adjusted) in family.iter().zip(adjust_p(&p, Adjust::Holm)) {
        if let Some(c) = trend[i].change.as_mut() {
            c.p_adjusted = Some(adjusted);
            trend[i].significant = adjusted < significance;
        }
    }
}

pub(crate) fn recency(ctx: &Ctx) -> Recency {
    let responses_in_window = ctx
        .engine
        .totals(&ctx.recent())
        .map_or(0, |t| t.responses.responses);
    let last_response = ctx.engine.latest_response_date();
    let days_since = match (last_response, ctx.as_of) {
        (Some(l), Some(a)) if l <= a => Some((a - l).num_days()),
        _ => None,
    };
    Recency {
        recent_days: ctx.engine.plan().thresholds.recent_days,
        responses_in_window,
        last_response,
        days_since,
        recent: responses_in_window > 0,
    }
}

fn month_start(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

pub(crate) fn nps_change(ctx: &Ctx) -> Option<NpsChange> {
    let as_of = ctx.as_of.filter(|_| ctx.timed())?;
    let cur_start = month_start(as_of);
    let prev_end = cur_start.checked_sub_signed(Duration::days(1))?;
    let prev_start = month_start(prev_end);
    let cur = Selection {
        from: Some(cur_start),
        to: Some(as_of),
        ..Selection::default()
    };
    let prev = Selection {
        from: Some(prev_start),
        to: Some(prev_end),
        ..Selection::default()
    };
    if ctx.weighted() {
        return weighted_nps_change(ctx, cur_start, prev_start, as_of);
    }
    let c = ctx
        .engine
        .compare(&cur, &prev, ctx.level, ctx.method)
        .ok()?;
    Some(NpsChange {
        current: PeriodUnit::Month.label(cur_start),
        previous: PeriodUnit::Month.label(prev_start),
        delta: c.nps.delta,
        p: c.nps.p,
        n_current: c.nps.n_a,
        n_previous: c.nps.n_b,
        significant: c.nps_significant,
    })
}

/// [`nps_change`] in weighted mode: the weighted (and raked) NPS of asOf's
/// month against the month before, from the monthly query of the trends
/// (every observation up to asOf, `groupBy: period:month`, `compare:
/// previousPeriod`: the raking runs over that selection, as the trend's):
/// the change is the weighted `npsDiff`, its p-value unadjusted.
fn weighted_nps_change(
    ctx: &Ctx,
    cur_start: NaiveDate,
    prev_start: NaiveDate,
    as_of: NaiveDate,
) -> Option<NpsChange> {
    let card = ctx
        .query(Query {
            metrics: Some(vec![MetricId::Nps]),
            group_by: vec![GroupBy::Period(PeriodUnit::Month)],
            to: Some(as_of),
            level: Some(ctx.level),
            compare: Some(CompareTo::PreviousPeriod),
            adjust: Some(Adjust::None),
            ..Query::default()
        })
        .ok()?;
    let (current, previous) = (
        PeriodUnit::Month.label(cur_start),
        PeriodUnit::Month.label(prev_start),
    );
    let score_of = |month: &str| {
        card.rows
            .iter()
            .find(|r| r.key.get("period:month").cloned().flatten().as_deref() == Some(month))
            .and_then(|r| r.scores.get("nps"))
    };
    let cur = score_of(&current);
    let change = cur.and_then(|s| s.change.as_ref());
    let p = change.and_then(|c| c.p);
    Some(NpsChange {
        delta: change.and_then(|c| c.delta),
        p,
        n_current: cur.map_or(0, |s| s.n),
        n_previous: score_of(&previous).map_or(0, |s| s.n),
        significant: p.is_some_and(|p| p < ctx.engine.plan().thresholds.significance),
        current,
        previous,
    })
}
