//! Identity alignment: how customers perceive each facet of the three-tier
//! identity, each tier's mean, and every inversion.
//!
//! A facet's performance is the mean of the 0–100 performances of the
//! attributes mapped to it (`attributes[].facetId`); a tier's is the mean of
//! its facets'. The method wants the dominant trait perceived at least as
//! strongly as every other facet, and every emphasised strength above every
//! base strength; each pair that breaks this is an [`Inversion`].

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{with_filter, Ctx};
use crate::engine::{GroupBy, Query, Totals};
use crate::plan::{Plan, Tier};

/// Perceived performance of one facet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FacetPerformance {
    /// Facet id.
    pub id: String,
    /// Facet name.
    pub name: String,
    /// Tier.
    pub tier: Tier,
    /// Mean 0–100 performance of its attributes; `None` without ratings.
    pub performance: Option<f64>,
    /// Attributes mapped to it.
    pub attributes: Vec<String>,
    /// Ratings behind it.
    pub n: u64,
}

/// Mean performance of one tier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TierPerformance {
    /// Tier.
    pub tier: Tier,
    /// Mean of its facets' performances.
    pub performance: Option<f64>,
    /// Facets with a performance.
    pub facets: usize,
}

/// What kind of inversion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum InversionKind {
    /// The dominant trait is perceived below another facet: it is not the strongest.
    DominantNotStrongest,
    /// An emphasised strength is perceived below a base strength.
    EmphasizedBelowBase,
}

/// A facet perceived below one it should exceed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Inversion {
    /// Kind.
    pub kind: InversionKind,
    /// The facet that should be stronger (dominant or emphasised).
    pub facet: String,
    /// Its performance.
    pub performance: f64,
    /// The facet perceived above it.
    pub above: String,
    /// The tier of that facet.
    pub above_tier: Tier,
    /// Its performance.
    pub above_performance: f64,
    /// performance − above performance (negative).
    pub gap: f64,
}

/// Alignment in one segment (value of the `identityBy` dimension).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SegmentAlignment {
    /// Dimension.
    pub dimension: String,
    /// Value (`null` for records without one).
    pub value: Option<String>,
    /// Facets.
    pub facets: Vec<FacetPerformance>,
    /// Tiers.
    pub tiers: Vec<TierPerformance>,
    /// Inversions.
    pub inversions: Vec<Inversion>,
}

/// Identity alignment.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct IdentityAlignment {
    /// True when the plan has an identity.
    pub defined: bool,
    /// Facets, dominant first.
    pub facets: Vec<FacetPerformance>,
    /// Tiers: dominant, emphasized, base.
    pub tiers: Vec<TierPerformance>,
    /// Every inversion, largest gap first.
    pub inversions: Vec<Inversion>,
    /// True when there is an identity, some facet has data and no inversion.
    pub aligned: bool,
    /// Per segment, when asked (`identityBy`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub segments: Vec<SegmentAlignment>,
}

type Aligned = (Vec<FacetPerformance>, Vec<TierPerformance>, Vec<Inversion>);

/// Facets, tiers and inversions of the responses of one selection.
fn align(plan: &Plan, t: &Totals) -> Aligned {
    let Some(identity) = &plan.strategy.identity else {
        return (vec![], vec![], vec![]);
    };
    let facets: Vec<FacetPerformance> = identity
        .facets()
        .map(|(tier, f)| {
            let mut vals = Vec::new();
            let mut attrs = Vec::new();
            let mut n = 0u64;
            for (a, ratings) in plan.attributes.iter().zip(t.attribute_ratings()) {
                if a.facet_id.as_deref() != Some(f.id.as_str()) {
                    continue;
                }
                attrs.push(a.id.clone());
                if let Some(m) = ratings.mean() {
                    vals.push(a.scale.rescale(m));
                    n = n.saturating_add(ratings.n());
                }
            }
            FacetPerformance {
                id: f.id.clone(),
                name: f.name.clone(),
                tier,
                performance: mean(&vals),
                attributes: attrs,
                n,
            }
        })
        .collect();
    let tiers = [Tier::Dominant, Tier::Emphasized, Tier::Base]
        .into_iter()
        .map(|tier| {
            let vals: Vec<f64> = facets
                .iter()
                .filter(|f| f.tier == tier)
                .filter_map(|f| f.performance)
                .collect();
            TierPerformance {
                tier,
                performance: mean(&vals),
                facets: vals.len(),
            }
        })
        .collect();
    let mut inversions = Vec::new();
    for hi in &facets {
        let Some(hp) = hi.performance else { continue };
        for lo in &facets {
            let Some(lp) = lo.performance else { continue };
            let kind = match (hi.tier, lo.tier) {
                (Tier::Dominant, Tier::Emphasized | Tier::Base) => {
                    InversionKind::DominantNotStrongest
                }
                (Tier::Emphasized, Tier::Base) => InversionKind::EmphasizedBelowBase,
                _ => continue,
            };
            if hp < lp {
                inversions.push(Inversion {
                    kind,
                    facet: hi.id.clone(),
                    performance: hp,
                    above: lo.id.clone(),
                    above_tier: lo.tier,
                    above_performance: lp,
                    gap: hp - lp,
                });
            }
        }
    }
    inversions.sort_by(|a, b| a.gap.total_cmp(&b.gap));
    (facets, tiers, inversions)
}

fn mean(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

pub(crate) fn alignment(ctx: &Ctx, by: Option<&str>) -> IdentityAlignment {
    let plan = ctx.engine.plan();
    let sel = ctx.upto();
    let Ok(t) = ctx.engine.totals(&sel) else {
        return IdentityAlignment::default();
    };
    let (facets, tiers, inversions) = align(plan, &t);
    let mut segments = Vec::new();
    if let Some(dim) = by {
        let values = ctx
            .engine
            .query(&Query {
                metrics: Some(vec![]),
                group_by: vec![GroupBy::Dimension(dim.to_string())],
                to: sel.to,
                ..Query::default()
            })
            .map(|c| {
                c.rows
                    .into_iter()
                    .filter_map(|r| r.key.into_values().next())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        for value in values {
            // Records without a value cannot be selected by a filter.
            let Some(v) = value.clone() else { continue };
            let Ok(st) = ctx.engine.totals(&with_filter(&sel, dim, &v)) else {
                continue;
            };
            if st.responses() == 0 {
                continue;
            }
            let (facets, tiers, inversions) = align(plan, &st);
            segments.push(SegmentAlignment {
                dimension: dim.to_string(),
                value,
                facets,
                tiers,
                inversions,
            });
        }
    }
    IdentityAlignment {
        defined: plan.strategy.identity.is_some(),
        aligned: plan.strategy.identity.is_some()
            && facets.iter().any(|f| f.performance.is_some())
            && inversions.is_empty(),
        facets,
        tiers,
        inversions,
        segments,
    }
}
