//! Analyses over an engine (SPEC §3.2): the results a management committee
//! reads — headline scores with monthly trends, vital processes
//! (importance–performance), identity alignment, goal progress, TCS and
//! expectation gaps, benchmarks, impact KPIs, the service-profit link, rule
//! compliance, readiness, and what customers say (comment sentiment and
//! themes, [`comment_analysis`], whose links feed the vital-process
//! ranking: [`VitalProcesses::add_comment_signals`]).
//!
//! One concept per file; every result is a typed serde + JSON Schema value.
//! The formulas live in [`crate::score`]: this module only chooses the
//! observations (selections, windows, groups) and feeds them to it. The
//! playbook ([`crate::playbook`]) and the report ([`crate::report`]) read
//! an [`Analysis`].
//!
//! **Time.** Every time-dependent result uses the reference date `asOf`
//! ([`AnalysisOptions::as_of`], by default the engine's latest observation
//! date) — never the wall clock. Two windows are used, both ending at
//! `asOf`:
//!
//! - *all data up to asOf*: headline scores, trends, vital processes,
//!   identity alignment, TCS and gaps, benchmarks, impact KPIs and the
//!   service-profit link (structure needs many observations);
//! - *the recent window*, the last `thresholds.recentDays` days up to and
//!   including asOf: goal progress (the current value of a goal's metric),
//!   rule compliance (what employees do now) and the "recent survey" check.
//!
//! When the engine keeps no time (`cube.granularity = none`), both windows
//! are every observation and monthly trends are empty.
//!
//! The comment analysis reads the comments up to asOf, and the verbatims
//! the engine keeps (the newest of every comment) of those days.

mod benchmarks;
mod comments;
mod compliance;
mod goals;
mod identity;
mod impact;
mod link;
mod satisfaction;
mod trends;
mod vital;
mod weighting;

use chrono::{Duration, NaiveDate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::engine::{
    document_struct, Engine, Granularity, Query, QueryError, RakeTarget, Scorecard, Selection,
    Totals,
};
use crate::metric::MetricId;
use crate::score::{self, NpsMethod, Readiness, ReadinessInput, Score, DEFAULT_LEVEL};

pub use benchmarks::BenchmarkResult;
pub use comments::{
    comment_analysis, CommentAnalysis, CommentOptions, GroupContrast, Quote, ThemeResult,
    VERBATIMS_SHOWN,
};
pub use compliance::{ComplianceReport, GroupCompliance, RuleCompliance};
pub use goals::GoalReport;
pub use identity::{
    FacetPerformance, IdentityAlignment, Inversion, InversionKind, SegmentAlignment,
    TierPerformance,
};
pub use impact::{Impact, KpiTrend};
pub use link::{ServiceProfitLink, TeamLink};
pub use satisfaction::{AttributeResult, GroupGap, Satisfaction};
pub use trends::{HeadlineScore, NpsChange, Recency, TrendPoint};
pub use vital::{
    DriverOutcome, ImportanceMethod, ProcessTheme, VitalAttribute, VitalProcess, VitalProcesses,
};
pub use weighting::WeightingSummary;

document_struct! {
    /// What to analyse and how. Every field is optional.
    ///
    /// ```
    /// use cx_core::analysis::AnalysisOptions;
    /// let o: AnalysisOptions = serde_json::from_str(r#"{"asOf": "2026-09-30", "importance": "lmg"}"#).unwrap();
    /// assert!(o.as_of.is_some());
    /// ```
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub struct AnalysisOptions {
        ..statistics,
        /// How attribute importance is obtained \[johnson\].
        #[serde(default)]
        pub importance: ImportanceMethod,
        /// The outcome of derived importance; default: the NPS rating, unless it
        /// has fewer than `thresholds.minSample` complete cases and overall
        /// satisfaction has more.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub outcome: Option<DriverOutcome>,
        /// Also align the identity per value of this dimension (e.g. `segment`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub identity_by: Option<String>,
    }
}

/// A date range (both ends included; `None` = open).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Window {
    /// First day included.
    pub from: Option<NaiveDate>,
    /// Last day included.
    pub to: Option<NaiveDate>,
}

/// Every analysis of one engine at one date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Analysis {
    /// Reference date (`None` when the engine has no observation).
    pub as_of: Option<NaiveDate>,
    /// Confidence level of every interval.
    pub level: f64,
    /// The recent window (last `thresholds.recentDays` days up to asOf).
    pub recent: Window,
    /// Headline scores over all data up to asOf, with monthly trends.
    pub headline: Vec<HeadlineScore>,
    /// Whether customers were surveyed recently.
    pub recency: Recency,
    /// NPS of asOf's month against the month before.
    pub nps_change: Option<NpsChange>,
    /// Importance–performance analysis: vital attributes and processes.
    pub vital: VitalProcesses,
    /// Identity alignment: perceived performance per facet and tier.
    pub identity: IdentityAlignment,
    /// Progress of every plan goal.
    pub goals: Vec<GoalReport>,
    /// TCS, its three factors, attribute performance and expectation gaps.
    pub satisfaction: Satisfaction,
    /// Benchmarks (BCE), one entry per benchmarked metric.
    pub benchmarks: Vec<BenchmarkResult>,
    /// Impact KPIs by month with period-over-period change.
    pub impact: Impact,
    /// Team eNPS against team NPS.
    pub service_profit_link: ServiceProfitLink,
    /// Rule compliance by rule, team, employee and method (recent window).
    pub compliance: ComplianceReport,
    /// The five success conditions as one score, when the plan rates them.
    pub readiness: Option<Readiness>,
    /// How the scores were weighted: absent for unweighted data under a
    /// plan without a `weighting` section.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weighting: Option<WeightingSummary>,
    /// `thresholds.significance`: a trend point whose change against the
    /// month before has a Holm-adjusted p-value below it is `significant`.
    pub significance: f64,
    /// What customers say: sentiment and themes of every comment the
    /// engine holds; absent when the plan has no theme and there is no
    /// comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comments: Option<CommentAnalysis>,
}

/// Shared state of one analysis run.
pub(crate) struct Ctx<'a> {
    pub engine: &'a Engine,
    pub as_of: Option<NaiveDate>,
    pub level: f64,
    pub method: NpsMethod,
    timed: bool,
    /// The plan's `weighting.weights` (the query field `weights`).
    weights: Option<bool>,
    /// The plan's `weighting.rake` (the query field `rake`).
    rake: Vec<RakeTarget>,
    /// Whether the scores are weighted (the engine's weighted mode over
    /// every observation up to asOf).
    weighted: bool,
}

impl Ctx<'_> {
    /// Every observation up to asOf.
    pub fn upto(&self) -> Selection {
        Selection {
            to: self.as_of.filter(|_| self.timed),
            ..Selection::default()
        }
    }

    /// The recent window.
    pub fn recent(&self) -> Selection {
        let w = self.recent_window();
        Selection {
            from: w.from,
            to: w.to,
            ..Selection::default()
        }
    }

    pub fn recent_window(&self) -> Window {
        if !self.timed {
            return Window::default();
        }
        let days = i64::from(self.engine.plan().thresholds.recent_days.max(1));
        Window {
            from: self
                .as_of
                .and_then(|d| d.checked_sub_signed(Duration::days(days - 1))),
            to: self.as_of,
        }
    }

    /// Whether the cube keeps time (periods and ranges are available).
    pub fn timed(&self) -> bool {
        self.timed
    }

    /// Runs `q` with the plan's weighting (`weights`, `rake`), so that every
    /// analysis scores as the weighting section says.
    pub fn query(&self, q: Query) -> Result<Scorecard, QueryError> {
        self.engine.query(&Query {
            weights: self.weights,
            rake: self.rake.clone(),
            ..q
        })
    }

    /// The score of `metric` over `sel` (whose totals are `totals`): the
    /// engine's unweighted score, or in weighted mode the weighted (and
    /// raked) score of an ungrouped [`Ctx::query`] over `sel`, empty with
    /// the query's error as reason when that query fails.
    pub fn score(&self, metric: &MetricId, sel: &Selection, totals: &Totals) -> Score {
        if !self.weighted {
            return self.engine.score(metric, totals, self.level, self.method);
        }
        let card = self.query(Query {
            metrics: Some(vec![metric.clone()]),
            filters: sel.filters.clone(),
            from: sel.from,
            to: sel.to,
            level: Some(self.level),
            nps_method: Some(self.method),
            ..Query::default()
        });
        match card {
            Ok(c) => c
                .rows
                .into_iter()
                .next()
                .and_then(|mut r| r.scores.remove(&metric.to_string()))
                .unwrap_or_else(|| Score::empty("no observation in the selection")),
            Err(e) => Score::empty(e.to_string()),
        }
    }

    /// Whether the scores are weighted.
    pub fn weighted(&self) -> bool {
        self.weighted
    }

    /// Whether the cube keeps this dimension.
    pub fn keeps(&self, dim: &str) -> bool {
        self.engine.dimensions().iter().any(|d| d == dim)
    }
}

/// `sel` restricted to `dim = value`.
pub(crate) fn with_filter(sel: &Selection, dim: &str, value: &str) -> Selection {
    let mut s = sel.clone();
    s.filters.insert(dim.to_string(), vec![value.to_string()]);
    s
}

/// Runs every analysis. Fails only on invalid options (a level outside
/// (0, 1), an `identityBy` dimension the plan or the cube does not have);
/// an analysis the data cannot support is returned empty with a reason.
///
/// ```
/// use cx_core::analysis::{analyse, AnalysisOptions};
/// use cx_core::demo::{generate, DemoConfig};
/// use cx_core::engine::Engine;
/// use cx_core::plan::Plan;
/// let plan = Plan::from_json(include_str!("../../../examples/data/plan.json")).unwrap();
/// let mut engine = Engine::new(plan).unwrap();
/// engine.ingest_batch(&generate(&DemoConfig { days: 60, ..DemoConfig::default() }).records).unwrap();
/// let a = analyse(&engine, &AnalysisOptions::default()).unwrap();
/// assert_eq!(a.as_of, engine.latest_date());
/// assert!(!a.vital.attributes.is_empty());
/// ```
pub fn analyse(engine: &Engine, options: &AnalysisOptions) -> Result<Analysis, QueryError> {
    let level = options.level.unwrap_or(DEFAULT_LEVEL);
    if !(level > 0.0 && level < 1.0) {
        return Err(QueryError::InvalidLevel(level));
    }
    let timed = engine.config().cube.granularity != Granularity::None;
    let section = engine.plan().weighting.clone();
    let mut ctx = Ctx {
        engine,
        as_of: options.as_of.or_else(|| engine.latest_date()),
        level,
        method: options.nps_method.unwrap_or_default(),
        timed,
        weights: section.as_ref().and_then(|w| w.weights),
        rake: section.as_ref().map(|w| w.rake.clone()).unwrap_or_default(),
        weighted: false,
    };
    let weighting = weighting::summary(&ctx, section.is_some())?;
    ctx.weighted = weighting.as_ref().is_some_and(|w| w.weighted);
    if let Some(dim) = &options.identity_by {
        // Validates the dimension (known to the plan and kept by the cube).
        engine.query(&crate::engine::Query {
            metrics: Some(vec![]),
            group_by: vec![crate::engine::GroupBy::Dimension(dim.clone())],
            ..Default::default()
        })?;
    }
    let plan = engine.plan();
    let readiness = plan.success_conditions.and_then(|c| {
        score::readiness(&ReadinessInput {
            leadership: c.leadership,
            existing_strengths: c.existing_strengths,
            employee_enthusiasm: c.employee_enthusiasm,
            rigour: c.rigour,
            celebrate_successes: c.celebrate_successes,
        })
        .ok()
    });
    let comments = comments_of(&ctx);
    let mut vital = vital::vital_processes(&ctx, options.importance, options.outcome);
    if let Some(c) = &comments {
        vital.add_comment_signals(plan, c);
    }
    Ok(Analysis {
        as_of: ctx.as_of,
        level,
        recent: ctx.recent_window(),
        headline: trends::headline(&ctx),
        recency: trends::recency(&ctx),
        nps_change: trends::nps_change(&ctx),
        vital,
        identity: identity::alignment(&ctx, options.identity_by.as_deref()),
        goals: goals::goals(&ctx),
        satisfaction: satisfaction::satisfaction(&ctx),
        benchmarks: benchmarks::benchmarks(&ctx),
        impact: impact::impact(&ctx),
        service_profit_link: link::service_profit_link(&ctx),
        compliance: compliance::compliance(&ctx),
        readiness,
        weighting,
        significance: ctx.engine.plan().thresholds.significance,
        comments,
    })
}

/// The comment analysis of the comments up to asOf, with each theme's
/// kept verbatims of those days.
fn comments_of(ctx: &Ctx) -> Option<CommentAnalysis> {
    let plan = ctx.engine.plan();
    let upto = ctx.upto();
    let stats = ctx.engine.totals(&upto).ok()?.comments().clone();
    let kept = |v: &crate::comment::Verbatim| upto.to.is_none_or(|to| v.at.date() <= to);
    let verbatims: Vec<Vec<crate::comment::Verbatim>> = (0..plan.themes.len())
        .map(|i| {
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            ctx.engine.verbatims(i).into_iter().filter(kept).collect()
        })
        .collect();
    comment_analysis(
        plan,
        &stats,
        &verbatims,
        CommentOptions {
            level: ctx.level,
            significance: plan.thresholds.significance,
            method: ctx.method,
        },
    )
}
