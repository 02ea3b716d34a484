//! Vital processes: importance–performance analysis per attribute, the
//! ranked vital attributes (quadrant `concentrateHere`) and their roll-up
//! to the plan's processes.
//!
//! Performance is the attribute mean rescaled to 0–100 over every rating up
//! to asOf. Importance is the plan's stated importance, or derived from the
//! engine's co-moments over complete cases: Pearson r with the outcome, or
//! Johnson's relative weight (default) or Shapley/LMG share, both in percent
//! of the outcome's variance. LMG above 15 attributes falls back to Johnson
//! (the method used is reported).
//!
//! When records of the selection carry a survey weight
//! (`Totals::has_weights`), derived importance reads the weighted
//! co-moments (`Totals::weighted_nps_drivers`, records without a weight
//! counting with weight 1): correlations as R `cov.wt(x, wt = w, cor =
//! TRUE)`, R² as `lm(y ~ x, weights = w)`. The reported `n` stays the count
//! of complete cases. Unweighted data gives the unweighted figures, to the
//! bit.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{CommentAnalysis, Ctx, ThemeResult};
use crate::engine::Totals;
use crate::plan::Plan;
use crate::score::{self, IpaPoint, IpaResult, Quadrant};

/// How attribute importance is obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ImportanceMethod {
    /// The plan's `attributes[].importance` (attributes without one are left out).
    Stated,
    /// Pearson r with the outcome.
    Pearson,
    /// Johnson's relative weights (the default).
    #[default]
    Johnson,
    /// Exact Shapley/LMG shares (≤ 15 attributes).
    Lmg,
}

/// The outcome derived importance explains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum DriverOutcome {
    /// The NPS rating (0–10).
    Nps,
    /// Overall satisfaction.
    Overall,
}

/// One attribute placed in the importance–performance grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VitalAttribute {
    /// Attribute id.
    pub id: String,
    /// Question label.
    pub label: String,
    /// Process the attribute belongs to.
    pub process: Option<String>,
    /// Importance (unit depends on the method).
    pub importance: f64,
    /// Performance, 0–100.
    pub performance: f64,
    /// Quadrant.
    pub quadrant: Quadrant,
    /// importance × shortfall, for vital attributes.
    pub priority: Option<f64>,
    /// Rank among the vital attributes (1 = first), for vital attributes.
    pub rank: Option<u32>,
    /// Ratings behind the performance.
    pub n: u64,
}

/// A plan process rolled up from its attributes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VitalProcess {
    /// Process id.
    pub id: String,
    /// Process name.
    pub name: String,
    /// Rank (1 = first).
    pub rank: u32,
    /// Σ importance of its attributes.
    pub importance: f64,
    /// Mean performance of its attributes.
    pub performance: f64,
    /// Σ priority of its vital attributes.
    pub priority: f64,
    /// Attributes of the process in the analysis.
    pub attributes: usize,
    /// Its vital attributes (empty for a process only comments point at).
    pub vital_attributes: Vec<String>,
    /// The comment themes linked to it that customers mention, with their
    /// detractor/promoter contrast ([`VitalProcesses::add_comment_signals`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub comments: Vec<ProcessTheme>,
}

/// A comment theme linked to a process: what detractors' comments say of
/// it against promoters'.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProcessTheme {
    /// Theme id.
    pub theme: String,
    /// Theme label.
    pub label: String,
    /// How the theme reaches the process: `process` (a direct link) or
    /// `attribute:<id>` (a linked attribute of the process).
    pub via: Vec<String>,
    /// Share of detractors' comments that mention the theme, percent.
    pub detractors: Option<f64>,
    /// Share of promoters' comments that mention it, percent.
    pub promoters: Option<f64>,
    /// Detractor share / promoter share.
    pub lift: Option<f64>,
    /// Holm-adjusted p of the difference.
    pub p_adjusted: Option<f64>,
    /// Detractors mention it significantly more often than promoters.
    pub significant: bool,
}

/// The importance–performance analysis.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VitalProcesses {
    /// Method actually used; `None` when there is no result.
    pub method: Option<ImportanceMethod>,
    /// Outcome of derived importance.
    pub outcome: Option<DriverOutcome>,
    /// Complete cases behind derived importance.
    pub n: u64,
    /// R² of the outcome on the attributes (fraction), for derived importance.
    pub r2: Option<f64>,
    /// Mean importance (the quadrant line).
    pub importance_mean: Option<f64>,
    /// Mean performance (the quadrant line).
    pub performance_mean: Option<f64>,
    /// Every attribute analysed, in plan order.
    pub attributes: Vec<VitalAttribute>,
    /// Vital attributes (`concentrateHere`), highest priority first.
    pub vital_attributes: Vec<VitalAttribute>,
    /// Processes with at least one vital attribute, highest priority first.
    pub vital_processes: Vec<VitalProcess>,
    /// Why there is no result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

pub(crate) fn vital_processes(
    ctx: &Ctx,
    method: ImportanceMethod,
    outcome: Option<DriverOutcome>,
) -> VitalProcesses {
    let plan = ctx.engine.plan();
    let mut out = VitalProcesses::default();
    let totals = match ctx.engine.totals(&ctx.upto()) {
        Ok(t) => t,
        Err(e) => {
            out.reason = Some(e.to_string());
            return out;
        }
    };
    let perf = performance(plan, &totals);
    let importance = match method {
        ImportanceMethod::Stated => {
            out.method = Some(ImportanceMethod::Stated);
            stated_importance(plan)
        }
        _ => match derived_importance(plan, &totals, method, outcome, &mut out) {
            Ok(importance) => importance,
            Err(reason) => {
                out.reason = Some(reason);
                return out;
            }
        },
    };
    let (points, idx) = ipa_points(plan, &importance, &perf);
    let result = match score::ipa(&points) {
        Ok(Some(r)) => r,
        Ok(None) => {
            out.reason = Some("no attribute has both an importance and ratings".into());
            return out;
        }
        Err(e) => {
            out.reason = Some(e.to_string());
            return out;
        }
    };
    out.importance_mean = Some(result.importance_mean);
    out.performance_mean = Some(result.performance_mean);
    out.attributes = analysed_attributes(plan, &result, &idx, &perf);
    out.vital_attributes = result
        .vital
        .iter()
        .filter_map(|id| out.attributes.iter().find(|a| &a.id == id).cloned())
        .collect();
    out.vital_processes = ranked_processes(plan, &result);
    out
}

/// Performance per attribute (plan order): its mean rating on the 0–100
/// scale and its number of ratings, `None` without a finite mean.
fn performance(plan: &Plan, totals: &Totals) -> Vec<Option<(f64, u64)>> {
    plan.attributes
        .iter()
        .zip(totals.attribute_ratings())
        .map(|(a, ratings)| {
            ratings
                .mean()
                .map(|m| (a.scale.rescale(m), ratings.n()))
                .filter(|(p, _)| p.is_finite())
        })
        .collect()
}

/// Importance per attribute as the plan states it.
fn stated_importance(plan: &Plan) -> Vec<Option<f64>> {
    plan.attributes
        .iter()
        .map(|a| a.importance.filter(|x| x.is_finite()))
        .collect()
}

/// Importance per attribute derived from the ratings' relation to the
/// outcome (NPS, or overall when NPS has too few complete cases), by
/// `method` (Johnson's relative weights when LMG is not available), from
/// the weighted co-moments when the totals have weighted records; records the outcome, method, cases and R² in `out`. `Err`: why it
/// cannot be derived.
fn derived_importance(
    plan: &Plan,
    totals: &Totals,
    method: ImportanceMethod,
    outcome: Option<DriverOutcome>,
    out: &mut VitalProcesses,
) -> Result<Vec<Option<f64>>, String> {
    let min_n = plan.thresholds.min_sample.max(1);
    let outcome = outcome.unwrap_or(
        if totals.nps_drivers().n < min_n && totals.overall_drivers().n > totals.nps_drivers().n {
            DriverOutcome::Overall
        } else {
            DriverOutcome::Nps
        },
    );
    let co = match outcome {
        DriverOutcome::Nps => totals.nps_drivers(),
        DriverOutcome::Overall => totals.overall_drivers(),
    };
    out.outcome = Some(outcome);
    out.n = co.n;
    let k = plan.attributes.len();
    // Weighted records: the weighted co-moments (records without a weight
    // count with weight 1), so that derived importance is that of
    // `lm(y ~ x, weights = w)`; `n` stays the count of complete cases.
    let imp = if totals.has_weights() {
        match outcome {
            DriverOutcome::Nps => totals.weighted_nps_drivers(),
            DriverOutcome::Overall => totals.weighted_overall_drivers(),
        }
        .and_then(|w| score::relative_importance(&w, k))
    } else {
        score::relative_importance(co, k)
    };
    let imp = imp.map_err(|e| {
        format!(
            "importance cannot be derived from {} complete case(s): {e}",
            co.n
        )
    })?;
    out.r2 = Some(imp.r2);
    let (used, values) = match (method, imp.lmg) {
        (ImportanceMethod::Pearson, _) => (ImportanceMethod::Pearson, imp.pearson),
        (ImportanceMethod::Lmg, Some(l)) => {
            (ImportanceMethod::Lmg, l.iter().map(|x| x * 100.0).collect())
        }
        _ => (
            ImportanceMethod::Johnson,
            imp.johnson.iter().map(|x| x * 100.0).collect(),
        ),
    };
    out.method = Some(used);
    let mut importance: Vec<Option<f64>> = vec![None; k];
    for (&col, v) in imp.predictors.iter().zip(values) {
        if let Some(slot) = importance.get_mut(col) {
            *slot = Some(v).filter(|x| x.is_finite());
        }
    }
    Ok(importance)
}

/// The attributes with both an importance and a performance, as points of
/// the importance–performance analysis, with their plan indexes.
fn ipa_points(
    plan: &Plan,
    importance: &[Option<f64>],
    perf: &[Option<(f64, u64)>],
) -> (Vec<IpaPoint>, Vec<usize>) {
    let mut points = Vec::new();
    let mut idx = Vec::new();
    for (i, a) in plan.attributes.iter().enumerate() {
        if let (Some(imp), Some((p, _))) = (importance[i], perf[i]) {
            points.push(IpaPoint {
                id: a.id.clone(),
                importance: imp,
                performance: p,
            });
            idx.push(i);
        }
    }
    (points, idx)
}

/// Every analysed attribute with its quadrant, priority and vital rank
/// (`idx[j]`: the plan index of entry `j`).
fn analysed_attributes(
    plan: &Plan,
    result: &IpaResult,
    idx: &[usize],
    perf: &[Option<(f64, u64)>],
) -> Vec<VitalAttribute> {
    result
        .entries
        .iter()
        .zip(idx)
        .map(|(e, &i)| {
            let a = &plan.attributes[i];
            VitalAttribute {
                id: e.id.clone(),
                label: a.label.clone(),
                process: a.process_id.clone(),
                importance: e.importance,
                performance: e.performance,
                quadrant: e.quadrant,
                priority: e.priority,
                rank: result
                    .vital
                    .iter()
                    .position(|v| *v == e.id)
                    .map(|p| p as u32 + 1),
                n: perf[i].map_or(0, |(_, n)| n),
            }
        })
        .collect()
}

/// The processes with at least one vital attribute, ranked by priority.
fn ranked_processes(plan: &Plan, result: &IpaResult) -> Vec<VitalProcess> {
    score::roll_up(result, |id| {
        plan.attribute(id).and_then(|a| a.process_id.as_deref())
    })
    .into_iter()
    .filter(|p| !p.vital_attributes.is_empty())
    .enumerate()
    .map(|(i, p)| VitalProcess {
        name: plan
            .processes
            .iter()
            .find(|x| x.id == p.process)
            .map_or_else(|| p.process.clone(), |x| x.name.clone()),
        id: p.process,
        rank: i as u32 + 1,
        importance: p.importance,
        performance: p.performance,
        priority: p.priority,
        attributes: p.attributes,
        vital_attributes: p.vital_attributes,
        comments: Vec::new(),
    })
    .collect()
}

impl VitalProcesses {
    /// Feeds the comment analysis into the vital-process ranking.
    ///
    /// A theme points at a process when it links the process
    /// (`links.processes`) or one of its attributes (`links.attributes`,
    /// through `attributes[].process`); rules belong to no process in the
    /// plan, so `links.rules` gives no process signal (the playbook reads
    /// them). Every process gets the mentioned themes that point at it
    /// ([`VitalProcess::comments`]). A signal is *significant* when
    /// detractors' comments mention the theme significantly more often
    /// than promoters' ([`super::GroupContrast::points_at_detractors`] at
    /// the analysis's significance). The ranking:
    ///
    /// 1. processes with a vital attribute first, by priority as the
    ///    ratings give it; at an equal priority, one with a significant
    ///    signal first, then the higher lift;
    /// 2. then the processes with no vital attribute but a significant
    ///    signal (comments say what ratings alone do not), by their highest
    ///    lift, ties in plan order, with the importance and performance of
    ///    their analysed attributes and priority 0.
    ///
    /// Without a significant signal the ranking is the ratings' one.
    pub fn add_comment_signals(&mut self, plan: &Plan, comments: &CommentAnalysis) {
        let mut extra = Vec::new();
        for process in &plan.processes {
            let signals = process_signals(plan, &process.id, comments);
            match self.vital_processes.iter_mut().find(|p| p.id == process.id) {
                Some(p) => p.comments = signals,
                None if signals.iter().any(|s| s.significant) => {
                    extra.push(self.comment_only_process(process, signals));
                }
                None => {}
            }
        }
        self.vital_processes.sort_by(|a, b| {
            b.priority
                .total_cmp(&a.priority)
                .then_with(|| signal(b).0.cmp(&signal(a).0))
                .then_with(|| signal(b).1.total_cmp(&signal(a).1))
        });
        extra.sort_by(|a, b| signal(b).1.total_cmp(&signal(a).1));
        self.vital_processes.extend(extra);
        for (i, p) in self.vital_processes.iter_mut().enumerate() {
            p.rank = u32::try_from(i + 1).unwrap_or(u32::MAX);
        }
    }

    /// A process only comments point at, with the importance and mean
    /// performance of its analysed attributes.
    fn comment_only_process(
        &self,
        process: &crate::plan::Process,
        comments: Vec<ProcessTheme>,
    ) -> VitalProcess {
        let own: Vec<&VitalAttribute> = self
            .attributes
            .iter()
            .filter(|a| a.process.as_deref() == Some(process.id.as_str()))
            .collect();
        let performance = if own.is_empty() {
            0.0
        } else {
            own.iter().map(|a| a.performance).sum::<f64>() / own.len() as f64
        };
        VitalProcess {
            id: process.id.clone(),
            name: process.name.clone(),
            rank: 0,
            importance: own.iter().map(|a| a.importance).sum(),
            performance,
            priority: 0.0,
            attributes: own.len(),
            vital_attributes: Vec::new(),
            comments,
        }
    }
}

/// Whether a process has a significant comment signal, and its highest
/// significant lift (−∞ without one).
fn signal(p: &VitalProcess) -> (bool, f64) {
    let lift = p
        .comments
        .iter()
        .filter(|s| s.significant)
        .filter_map(|s| s.lift)
        .fold(f64::NEG_INFINITY, f64::max);
    (p.comments.iter().any(|s| s.significant), lift)
}

/// The mentioned themes that point at process `id`, in ranking order of
/// the comment analysis.
fn process_signals(plan: &Plan, id: &str, comments: &CommentAnalysis) -> Vec<ProcessTheme> {
    comments
        .themes
        .iter()
        .filter(|t| t.mentions > 0)
        .filter_map(|t| {
            let via = links_to_process(plan, t, id);
            (!via.is_empty()).then(|| ProcessTheme {
                theme: t.id.clone(),
                label: t.label.clone(),
                via,
                detractors: t.by_group.detractors.value,
                promoters: t.by_group.promoters.value,
                lift: t.by_group.lift,
                p_adjusted: t.by_group.p_adjusted,
                significant: t.by_group.points_at_detractors(comments.significance),
            })
        })
        .collect()
}

/// How theme `t` reaches process `id`: `process`, `attribute:<id>`….
fn links_to_process(plan: &Plan, t: &ThemeResult, id: &str) -> Vec<String> {
    let mut via = Vec::new();
    if t.links.processes.iter().any(|p| p == id) {
        via.push("process".to_string());
    }
    for a in &t.links.attributes {
        let of_process = plan
            .attribute(a)
            .is_some_and(|x| x.process_id.as_deref() == Some(id));
        if of_process {
            via.push(format!("attribute:{a}"));
        }
    }
    via
}
