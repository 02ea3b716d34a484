//! Mergeable sufficient statistics and the scores computed from them.
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The three factors of the experience.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "camelCase")]
pub enum Factor {
    /// Product or service.
    Product,
    /// Interaction.
    Interaction,
    /// Brand.
    Brand,
}
