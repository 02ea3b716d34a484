//! TCS and its three factors, attribute performance, and expectation gaps
//! (SERVQUAL style: perception − expectation per attribute, averaged per
//! facet and per factor), over all data up to asOf.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Ctx;
use crate::score::{self, Factor, Score, Tcs};

/// One attribute's performance and gap.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AttributeResult {
    /// Attribute id.
    pub id: String,
    /// Label.
    pub label: String,
    /// Facet.
    pub facet: Option<String>,
    /// Factor.
    pub factor: Option<Factor>,
    /// Mean on the attribute's scale, with interval and distribution.
    pub performance: Score,
    /// The mean rescaled to 0–100.
    pub performance100: Option<f64>,
    /// "Not applicable" answers.
    pub not_applicable: u64,
    /// Perception − expectation (on the rating scale; negative = below expectations).
    pub gap: Score,
}

/// The mean gap of a group of attributes (facet or factor).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GroupGap {
    /// Facet id or factor name.
    pub id: String,
    /// Unweighted mean of its attributes' gaps.
    pub gap: Option<f64>,
    /// Attributes with a gap.
    pub attributes: usize,
}

/// TCS, attributes and gaps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Satisfaction {
    /// TCS with the three factors (0–100).
    pub tcs: Option<Tcs>,
    /// Every plan attribute, in plan order.
    pub attributes: Vec<AttributeResult>,
    /// Mean gap per identity facet.
    pub facet_gaps: Vec<GroupGap>,
    /// Mean gap per factor.
    pub factor_gaps: Vec<GroupGap>,
}

pub(crate) fn satisfaction(ctx: &Ctx) -> Satisfaction {
    let plan = ctx.engine.plan();
    let t = ctx.engine.totals(&ctx.upto()).unwrap_or_default();
    let empty = Default::default();
    let attributes: Vec<AttributeResult> = plan
        .attributes
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let c = t.responses.attributes.get(i).unwrap_or(&empty);
            let or_empty = |r: Result<Score, score::ScoreError>| {
                r.unwrap_or_else(|e| Score::empty(e.to_string()))
            };
            let performance = or_empty(score::attribute_performance(
                &c.ratings, a.scale, None, ctx.level,
            ));
            AttributeResult {
                id: a.id.clone(),
                label: a.label.clone(),
                facet: a.facet_id.clone(),
                factor: a.factor,
                performance100: performance.value.map(|m| a.scale.rescale(m)),
                performance,
                not_applicable: c.not_applicable,
                gap: or_empty(score::attribute_gap(&c.gap, ctx.level)),
            }
        })
        .collect();
    let mut by_factor: Vec<(Factor, Vec<Option<f64>>)> = Vec::new();
    for a in &attributes {
        let Some(f) = a.factor else { continue };
        match by_factor.iter_mut().find(|(g, _)| *g == f) {
            Some((_, v)) => v.push(a.performance100),
            None => by_factor.push((f, vec![a.performance100])),
        }
    }
    let tcs = if by_factor.is_empty() {
        None
    } else {
        score::tcs(&by_factor, plan.factor_weights).ok()
    };
    let group = |id: String, pick: &dyn Fn(&AttributeResult) -> bool| {
        let gaps: Vec<f64> = attributes
            .iter()
            .filter(|a| pick(a))
            .filter_map(|a| a.gap.value)
            .collect();
        GroupGap {
            gap: score::weighted_mean_gap(&gaps, None).ok().flatten(),
            attributes: gaps.len(),
            id,
        }
    };
    let facet_gaps = plan
        .strategy
        .identity
        .iter()
        .flat_map(|i| i.facets())
        .map(|(_, f)| group(f.id.clone(), &|a| a.facet.as_deref() == Some(&f.id)))
        .collect();
    let factor_gaps = Factor::ALL
        .iter()
        .map(|f| {
            let name = serde_json::to_value(f)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            group(name, &|a| a.factor == Some(*f))
        })
        .collect();
    Satisfaction {
        tcs,
        attributes,
        facet_gaps,
        factor_gaps,
    }
}
