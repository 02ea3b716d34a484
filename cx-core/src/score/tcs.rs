//! TCS (total customer satisfaction) and the three experience [`Factor`]s.
//!
//! Each factor's score is the mean of its attributes' 0–100 means; TCS is
//! the weighted mean of the factors *that have data*. When a factor has no
//! data its weight is dropped and the remaining weights are re-normalised
//! (flag `partialData`) — an absent factor is not a zero.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Flag, ScoreError};

/// The three factors of the experience.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "camelCase")]
pub enum Factor {
    /// The product or service itself.
    Product,
    /// The interaction with staff and channels.
    Interaction,
    /// The brand.
    Brand,
}

impl Factor {
    /// The three factors in order.
    pub const ALL: [Factor; 3] = [Factor::Product, Factor::Interaction, Factor::Brand];
}

/// Relative weights of the factors (default equal).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FactorWeights {
    /// Weight of the product or service factor \[1\].
    #[serde(default = "one")]
    pub product: f64,
    /// Weight of the interaction factor \[1\].
    #[serde(default = "one")]
    pub interaction: f64,
    /// Weight of the brand factor \[1\].
    #[serde(default = "one")]
    pub brand: f64,
}

fn one() -> f64 {
    1.0
}

impl Default for FactorWeights {
    fn default() -> Self {
        FactorWeights {
            product: 1.0,
            interaction: 1.0,
            brand: 1.0,
        }
    }
}

impl FactorWeights {
    /// The weight of one factor.
    pub fn of(&self, f: Factor) -> f64 {
        match f {
            Factor::Product => self.product,
            Factor::Interaction => self.interaction,
            Factor::Brand => self.brand,
        }
    }
}

/// One factor's score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FactorScore {
    /// The factor.
    pub factor: Factor,
    /// Mean of its attributes' 0–100 means; `None` without data.
    pub value: Option<f64>,
    /// Attributes with data.
    pub attributes: usize,
}

/// The TCS result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Tcs {
    /// TCS on 0..100; `None` when no factor has data.
    pub value: Option<f64>,
    /// Per factor.
    pub factors: Vec<FactorScore>,
    /// `partialData` when a factor without data was left out.
    pub flags: Vec<Flag>,
    /// Why `value` is `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// TCS from the 0–100 means of each attribute, grouped by factor
/// (`None` entries are attributes without data and are skipped).
///
/// ```
/// use cx_core::score::{tcs, Factor, FactorWeights};
/// let t = tcs(&[(Factor::Product, vec![Some(80.0), Some(60.0)]), (Factor::Interaction, vec![Some(40.0)])],
///             FactorWeights::default()).unwrap();
/// assert_eq!(t.value, Some(55.0)); // (70 + 40) / 2, brand re-normalised away
/// ```
pub fn tcs(
    attributes: &[(Factor, Vec<Option<f64>>)],
    weights: FactorWeights,
) -> Result<Tcs, ScoreError> {
    for f in Factor::ALL {
        let w = weights.of(f);
        if !(w.is_finite() && w >= 0.0) {
            return Err(ScoreError::InvalidNumber {
                what: "factor weight",
                value: w,
            });
        }
    }
    let mut factors = Vec::with_capacity(3);
    let (mut num, mut den) = (0.0, 0.0);
    let mut missing = false;
    for f in Factor::ALL {
        let vals: Vec<f64> = attributes
            .iter()
            .filter(|(g, _)| *g == f)
            .flat_map(|(_, v)| v.iter().flatten().copied())
            .filter(|x| x.is_finite())
            .collect();
        let value = (!vals.is_empty()).then(|| vals.iter().sum::<f64>() / vals.len() as f64);
        match value {
            Some(v) if weights.of(f) > 0.0 => {
                num += weights.of(f) * v;
                den += weights.of(f);
            }
            None if weights.of(f) > 0.0 => missing = true,
            _ => {}
        }
        factors.push(FactorScore {
            factor: f,
            value,
            attributes: vals.len(),
        });
    }
    let value = (den > 0.0).then(|| num / den);
    Ok(Tcs {
        reason: value
            .is_none()
            .then(|| "no weighted factor has data".to_string()),
        value,
        factors,
        flags: if missing && den > 0.0 {
            vec![Flag::PartialData]
        } else {
            vec![]
        },
    })
}
