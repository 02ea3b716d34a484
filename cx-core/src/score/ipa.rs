//! Importance–performance analysis: quadrants around the means of importance
//! and performance, the ranked *vital processes* (concentrateHere) and the
//! roll-up from attributes to the process they belong to.
//!
//! Conventions: "high" means ≥ the mean (a point on a mean line counts as
//! high). The performance **shortfall** of an attribute is
//! mean performance − its performance (positive below the mean); the
//! priority of a vital attribute is importance × shortfall.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::ScoreError;

/// One attribute's importance and performance (0–100).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct IpaPoint {
    /// Attribute id.
    pub id: String,
    /// Importance (stated or derived; any scale, e.g. relative weights).
    pub importance: f64,
    /// Performance (attribute mean rescaled 0–100).
    pub performance: f64,
}

/// The quadrant of an attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Quadrant {
    /// High importance, low performance: a vital process.
    ConcentrateHere,
    /// High importance, high performance.
    KeepUpTheGoodWork,
    /// Low importance, low performance.
    LowPriority,
    /// Low importance, high performance.
    PossibleOverkill,
}

/// One attribute placed in its quadrant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct IpaEntry {
    /// Attribute id.
    pub id: String,
    /// Importance.
    pub importance: f64,
    /// Performance.
    pub performance: f64,
    /// Quadrant.
    pub quadrant: Quadrant,
    /// Mean performance − performance.
    pub shortfall: f64,
    /// importance × shortfall, for `concentrateHere` entries.
    pub priority: Option<f64>,
}

/// The quadrant analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct IpaResult {
    /// Mean importance (the vertical line).
    pub importance_mean: f64,
    /// Mean performance (the horizontal line).
    pub performance_mean: f64,
    /// Entries in input order.
    pub entries: Vec<IpaEntry>,
    /// Ids of the vital attributes, highest priority first.
    pub vital: Vec<String>,
}

/// Places attributes in quadrants and ranks the vital ones. `None` when
/// there is no point.
///
/// ```
/// use cx_core::score::{ipa, IpaPoint, Quadrant};
/// let p = |id: &str, importance, performance| IpaPoint { id: id.into(), importance, performance };
/// let r = ipa(&[p("wait", 0.4, 40.0), p("staff", 0.3, 80.0), p("decor", 0.1, 90.0), p("parking", 0.2, 50.0)])
///     .unwrap().unwrap();
/// assert_eq!(r.entries[0].quadrant, Quadrant::ConcentrateHere);
/// assert_eq!(r.vital, vec!["wait".to_string()]);
/// ```
pub fn ipa(points: &[IpaPoint]) -> Result<Option<IpaResult>, ScoreError> {
    for p in points {
        for (what, v) in [("importance", p.importance), ("performance", p.performance)] {
            if !v.is_finite() {
                return Err(ScoreError::InvalidNumber { what, value: v });
            }
        }
    }
    if points.is_empty() {
        return Ok(None);
    }
    let k = points.len() as f64;
    let im = points.iter().map(|p| p.importance).sum::<f64>() / k;
    let pm = points.iter().map(|p| p.performance).sum::<f64>() / k;
    let entries: Vec<IpaEntry> = points
        .iter()
        .map(|p| {
            let hi_i = p.importance >= im;
            let hi_p = p.performance >= pm;
            let quadrant = match (hi_i, hi_p) {
                (true, false) => Quadrant::ConcentrateHere,
                (true, true) => Quadrant::KeepUpTheGoodWork,
                (false, false) => Quadrant::LowPriority,
                (false, true) => Quadrant::PossibleOverkill,
            };
            let shortfall = pm - p.performance;
            IpaEntry {
                id: p.id.clone(),
                importance: p.importance,
                performance: p.performance,
                quadrant,
                shortfall,
                priority: (quadrant == Quadrant::ConcentrateHere)
                    .then_some(p.importance * shortfall),
            }
        })
        .collect();
    let mut vital: Vec<(&IpaEntry, f64)> = entries
        .iter()
        .filter_map(|e| e.priority.map(|p| (e, p)))
        .collect();
    vital.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.id.cmp(&b.0.id)));
    let vital = vital.into_iter().map(|(e, _)| e.id.clone()).collect();
    Ok(Some(IpaResult {
        importance_mean: im,
        performance_mean: pm,
        entries,
        vital,
    }))
}

/// A process (group of attributes) rolled up from its attributes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProcessRollUp {
    /// Process id.
    pub process: String,
    /// Attributes of the process in the analysis.
    pub attributes: usize,
    /// Vital attributes of the process.
    pub vital_attributes: Vec<String>,
    /// Σ importance of its attributes (importance adds up, as shares of variance do).
    pub importance: f64,
    /// Mean performance of its attributes.
    pub performance: f64,
    /// Σ priority of its vital attributes (0 when none).
    pub priority: f64,
}

/// Rolls entries up to processes: importance is **summed** (relative
/// weights are additive), performance **averaged**, priority summed over
/// the vital attributes. Attributes without a process are skipped. Sorted
/// by priority, highest first (ties by process id).
pub fn roll_up<'a>(
    result: &IpaResult,
    process_of: impl Fn(&str) -> Option<&'a str>,
) -> Vec<ProcessRollUp> {
    let mut map: BTreeMap<&str, ProcessRollUp> = BTreeMap::new();
    for e in &result.entries {
        let Some(proc_id) = process_of(&e.id) else {
            continue;
        };
        let r = map.entry(proc_id).or_insert_with(|| ProcessRollUp {
            process: proc_id.to_string(),
            attributes: 0,
            vital_attributes: vec![],
            importance: 0.0,
            performance: 0.0,
            priority: 0.0,
        });
        r.attributes += 1;
        r.importance += e.importance;
        r.performance += e.performance;
        if let Some(p) = e.priority {
            r.priority += p;
            r.vital_attributes.push(e.id.clone());
        }
    }
    let mut out: Vec<ProcessRollUp> = map
        .into_values()
        .map(|mut r| {
            r.performance /= r.attributes as f64;
            r
        })
        .collect();
    out.sort_by(|a, b| {
        b.priority
            .total_cmp(&a.priority)
            .then_with(|| a.process.cmp(&b.process))
    });
    out
}
