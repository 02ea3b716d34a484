//! How an analysis weights its scores: the plan's `weighting` section
//! ([`crate::plan::PlanWeighting`]) passed to the engine's queries, and the
//! weighting the engine applied to the selection of every observation up to
//! asOf (its [`Weighting`]: Σw, effective n, raking targets). The weighting
//! itself is the engine's; this module only asks for it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Ctx;
use crate::engine::{Query, QueryError, Weighting};

/// How the analysis weighted the survey responses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WeightingSummary {
    /// Whether the scores are weighted (the engine's weighted mode over
    /// every observation up to asOf: a record carries a weight, the plan
    /// rakes or says `"weights": true`, and it does not say `false`).
    pub weighted: bool,
    /// The plan's `weighting.weights`, when it says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights: Option<bool>,
    /// The weighting of every observation up to asOf, in weighted mode:
    /// responses, Σw, Kish's effective n (Σw)²/Σw², the raking targets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selection: Option<Weighting>,
}

/// The weighting of the analysis: `None` for data without weights under a
/// plan without a `weighting` section (`has_section`). Fails with the
/// engine's error when the plan's raking cannot run on the data (a value
/// without a share, a share without data, a dimension the cube does not
/// keep…), so that a report never silently drops its weighting.
pub(crate) fn summary(
    ctx: &Ctx,
    has_section: bool,
) -> Result<Option<WeightingSummary>, QueryError> {
    let sel = ctx.upto();
    let card = ctx.query(Query {
        metrics: Some(Vec::new()),
        to: sel.to,
        level: Some(ctx.level),
        ..Query::default()
    });
    let card = match card {
        Ok(c) => c,
        // Nothing to rake yet: an engine without responses has no weighting.
        Err(_) if ctx.engine.totals(&sel)?.responses.responses == 0 => {
            return Ok(has_section.then_some(WeightingSummary {
                weighted: false,
                weights: ctx.weights,
                selection: None,
            }));
        }
        Err(e) => return Err(e),
    };
    if card.weighting.is_none() && !has_section {
        return Ok(None);
    }
    Ok(Some(WeightingSummary {
        weighted: card.weighting.is_some(),
        weights: ctx.weights,
        selection: card.weighting,
    }))
}
