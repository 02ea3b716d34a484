//! What customers say (issue #20): the net sentiment of every comment, each
//! plan theme's share of the comments with its sentiment, the theme among
//! detractors' comments against promoters' (lift and a Holm-adjusted test),
//! and the newest verbatims of each theme.
//!
//! Everything here is a pure function of the plan, the engine's
//! [`CommentStats`] and the kept [`Verbatim`]s ([`comment_analysis`]);
//! which comments are counted is the engine's business (every comment it
//! holds). The formulas are the crate's:
//!
//! - net sentiment = % positive − % negative, the trinomial of NPS:
//!   [`score::nps`] on (negative, neutral, positive) with the NPS interval
//!   method and level of the analysis, so its `detractors`, `passives` and
//!   `promoters` fields carry the negative, neutral and positive counts;
//! - a theme's share of the comments, and its share among detractors' and
//!   among promoters' comments: [`score::proportion`] (percent, Wilson
//!   interval);
//! - detractors against promoters: the unpooled two-proportion z-test of
//!   [`score::change_of`] with [`SurveyKind::Share`] (Δ in percentage
//!   points, p = 2(1 − Φ(|Δ|/√(se₁² + se₂²))), not R `prop.test`'s pooled
//!   test), the p-values adjusted by Holm over the themes
//!   ([`score::adjust_p`], R `p.adjust(p, "holm")`). A test with fewer
//!   than `thresholds.minSample` detractors' or promoters' comments is
//!   flagged small and left out of the family, as the engine does for
//!   changes.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::comment::COMPOUND_SCALE;
use crate::comment::{ClassCounts, CommentStats, GroupCounts, ThemeStats, Verbatim};
use crate::plan::{Plan, ThemeLinks};
use crate::record::Timestamp;
use crate::score::{self, Adjust, Flag, NpsMethod, Score, SurveyKind};

/// How many verbatims of each theme the analysis keeps (the newest).
pub const VERBATIMS_SHOWN: usize = 2;

/// What customers say: sentiment and themes of every comment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CommentAnalysis {
    /// Comments analysed.
    pub comments: u64,
    /// Net sentiment, % positive − % negative (−100..100), with the NPS
    /// interval method (its `detractors`, `passives`, `promoters` are the
    /// negative, neutral and positive counts).
    pub sentiment: Score,
    /// Mean compound score (−1..1); `None` without comments.
    pub mean_compound: Option<f64>,
    /// Comments by sentiment class.
    pub classes: ClassCounts,
    /// Comments by the NPS group of their record.
    pub groups: GroupCounts,
    /// The plan's themes, most mentioned first (ties in plan order).
    pub themes: Vec<ThemeResult>,
    /// A theme is `significant` when its Holm-adjusted p is below this.
    pub significance: f64,
}

/// One theme of the plan in the comments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ThemeResult {
    /// Theme id.
    pub id: String,
    /// Label for people (the id when the plan gives none).
    pub label: String,
    /// What the theme is linked to in the plan.
    pub links: ThemeLinks,
    /// Comments that mention it.
    pub mentions: u64,
    /// Mentions in percent of every comment, with a Wilson interval.
    pub share: Score,
    /// Net sentiment of the comments that mention it.
    pub sentiment: Score,
    /// Their mean compound score; `None` without mentions.
    pub mean_compound: Option<f64>,
    /// Those comments by sentiment class.
    pub classes: ClassCounts,
    /// The theme among detractors' against promoters' comments.
    pub by_group: GroupContrast,
    /// The newest comments that mention it (at most [`VERBATIMS_SHOWN`]).
    pub verbatims: Vec<Quote>,
}

/// A theme's share among detractors' comments against promoters'.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GroupContrast {
    /// Detractors' comments that mention the theme.
    pub detractor_mentions: u64,
    /// Promoters' comments that mention it.
    pub promoter_mentions: u64,
    /// Share of detractors' comments that mention it, percent (Wilson).
    pub detractors: Score,
    /// Share of promoters' comments that mention it, percent (Wilson).
    pub promoters: Score,
    /// Detractor share / promoter share; `None` when either share is
    /// missing or the promoter share is 0.
    pub lift: Option<f64>,
    /// Detractor share − promoter share, percentage points.
    pub delta: Option<f64>,
    /// Two-sided p of the unpooled two-proportion z-test.
    pub p: Option<f64>,
    /// `p` adjusted by Holm over the themes; `None` when left out of the
    /// family (no p, or a small sample).
    pub p_adjusted: Option<f64>,
    /// `pAdjusted` below the significance level.
    pub significant: bool,
    /// Why `p` or `pAdjusted` is `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl GroupContrast {
    /// Detractors' comments mention the theme significantly more often than
    /// promoters' (Holm-adjusted p below `alpha`, positive difference).
    pub fn points_at_detractors(&self, alpha: f64) -> bool {
        self.p_adjusted.is_some_and(|p| p < alpha) && self.delta.is_some_and(|d| d > 0.0)
    }
}

/// A verbatim as the analysis shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Quote {
    /// The record id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_id: Option<String>,
    /// When the record was observed.
    pub at: Timestamp,
    /// The comment.
    pub text: String,
    /// Its compound score, −1..1.
    pub compound: f64,
}

impl From<&Verbatim> for Quote {
    fn from(v: &Verbatim) -> Quote {
        Quote {
            record_id: v.record_id.clone(),
            at: v.at,
            text: v.text.clone(),
            compound: f64::from(v.compound) / COMPOUND_SCALE as f64,
        }
    }
}

/// The options of a comment analysis: the interval level, the plan's
/// significance level and the NPS interval method of net sentiment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CommentOptions {
    /// Confidence level of every interval.
    pub level: f64,
    /// Significance level of the detractor/promoter tests (Holm-adjusted).
    pub significance: f64,
    /// Interval method of net sentiment.
    pub method: NpsMethod,
}

/// The comment analysis of `stats` under `plan`; `verbatims[i]` are the
/// kept verbatims of the plan's theme `i`, newest first (a missing entry is
/// none). `None` when the plan has no theme and there is no comment.
///
/// ```
/// use cx_core::analysis::{comment_analysis, CommentOptions};
/// use cx_core::comment::CommentStats;
/// use cx_core::plan::Plan;
/// let plan = Plan::from_json(include_str!("../../../examples/data/plan.json")).unwrap();
/// let mut stats = CommentStats::default();
/// stats.classes.positive = 3;
/// stats.classes.negative = 1;
/// let o = CommentOptions { level: 0.95, significance: 0.05, method: Default::default() };
/// let a = comment_analysis(&plan, &stats, &[], o).unwrap();
/// assert_eq!(a.sentiment.value, Some(50.0));
/// ```
pub fn comment_analysis(
    plan: &Plan,
    stats: &CommentStats,
    verbatims: &[Vec<Verbatim>],
    options: CommentOptions,
) -> Option<CommentAnalysis> {
    let n = stats.comments();
    if plan.themes.is_empty() && n == 0 {
        return None;
    }
    let min_n = plan.thresholds.min_sample;
    let mut themes: Vec<ThemeResult> = plan
        .themes
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let empty = ThemeStats::default();
            let s = u32::try_from(i)
                .ok()
                .and_then(|i| stats.theme(i))
                .unwrap_or(&empty);
            let mut share = proportion(s.classes.total(), n, options.level);
            share.flag_small_sample(min_n);
            ThemeResult {
                id: t.id.clone(),
                label: t.label.clone().unwrap_or_else(|| t.id.clone()),
                links: t.links.clone(),
                mentions: s.classes.total(),
                share,
                sentiment: net_sentiment(&s.classes, s.compound, options, min_n),
                mean_compound: score::mean_compound(s.compound, s.classes.total()),
                classes: s.classes,
                by_group: contrast(s, &stats.groups, options.level, min_n),
                verbatims: verbatims
                    .get(i)
                    .map(|v| v.iter().take(VERBATIMS_SHOWN).map(Quote::from).collect())
                    .unwrap_or_default(),
            }
        })
        .collect();
    adjust_family(&mut themes, options.significance);
    // Stable: ties keep plan order.
    themes.sort_by_key(|t| std::cmp::Reverse(t.mentions));
    Some(CommentAnalysis {
        comments: n,
        sentiment: net_sentiment(&stats.classes, stats.compound, options, min_n),
        mean_compound: score::mean_compound(stats.compound, n),
        classes: stats.classes,
        groups: stats.groups,
        themes,
        significance: options.significance,
    })
}

/// Net sentiment of `classes` ([`score::net_sentiment`]: NPS's trinomial
/// on negative, neutral, positive), flagged small below `min_n`.
fn net_sentiment(
    classes: &ClassCounts,
    compound: i128,
    options: CommentOptions,
    min_n: u64,
) -> Score {
    let mut s = score::net_sentiment(classes, compound, options.method, options.level)
        .unwrap_or_else(|e| Score::empty(e.to_string()));
    s.flag_small_sample(min_n);
    s
}

/// `successes`/`n` in percent with its Wilson interval, or an empty score
/// saying why. Mentions never exceed the comments they are counted in (a
/// snapshot is checked for it on restore), so nothing is clamped here.
fn proportion(successes: u64, n: u64, level: f64) -> Score {
    score::proportion(successes, n, level).unwrap_or_else(|e| Score::empty(e.to_string()))
}

/// The theme's share among detractors' comments against promoters', with
/// the unpooled two-proportion z-test (`pAdjusted` is filled by
/// [`adjust_family`]).
fn contrast(s: &ThemeStats, groups: &GroupCounts, level: f64, min_n: u64) -> GroupContrast {
    let (dm, pm) = (s.groups.detractors, s.groups.promoters);
    let mut detractors = proportion(dm, groups.detractors, level);
    let mut promoters = proportion(pm, groups.promoters, level);
    detractors.flag_small_sample(min_n);
    promoters.flag_small_sample(min_n);
    let lift = match (detractors.value, promoters.value) {
        (Some(d), Some(p)) if p > 0.0 => Some(d / p).filter(|x| x.is_finite()),
        _ => None,
    };
    let change = score::change_of(SurveyKind::Share, &detractors, &promoters);
    let small = [&detractors, &promoters]
        .iter()
        .any(|s| s.flags.contains(&Flag::SmallSample));
    let reason = match (change.p, small) {
        (Some(_), true) => Some(format!(
            "fewer than {min_n} detractors' or promoters' comments: left out of the adjusted family"
        )),
        (None, _) if groups.detractors == 0 || groups.promoters == 0 => {
            Some("no comment of detractors or no comment of promoters".into())
        }
        _ => change.reason,
    };
    GroupContrast {
        detractor_mentions: dm,
        promoter_mentions: pm,
        detractors,
        promoters,
        lift,
        delta: change.delta,
        p: change.p,
        p_adjusted: None,
        significant: false,
        reason,
    }
}

/// Holm over the themes' p-values (those with a p and no small sample),
/// then `significant` at `alpha`.
fn adjust_family(themes: &mut [ThemeResult], alpha: f64) {
    let family: Vec<usize> = (0..themes.len())
        .filter(|&i| {
            let g = &themes[i].by_group;
            g.p.is_some() && g.reason.is_none()
        })
        .collect();
    let p: Vec<f64> = family
        .iter()
        .filter_map(|&i| themes[i].by_group.p)
        .collect();
    for (&i, adjusted) in family.iter().zip(score::adjust_p(&p, Adjust::Holm)) {
        let g = &mut themes[i].by_group;
        g.p_adjusted = Some(adjusted).filter(|x| x.is_finite());
        g.significant = g.p_adjusted.is_some_and(|x| x < alpha);
    }
}
