//! The comparison request: one document naming two selections and how to
//! test them, as a caller sends it whole (`cx_engine_compare` in C; the
//! schema `schema/compareRequest.schema.json`). It lives here, beside
//! [`Engine::compare`](super::Engine::compare), rather than in a binding:
//! any surface that takes the comparison as one document reads this type,
//! so its fields, defaults and errors are the same everywhere. The tests
//! themselves are in [`crate::score`].

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Comparison, Engine, QueryError, Selection};
use crate::score::NpsMethod;

/// Two selections to compare (Δ = a − b), with the confidence level and
/// the NPS interval method, e.g.
/// `{"a": {"filters": {"segment": ["smb"]}}, "b": {}, "level": 0.9}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CompareRequest {
    /// The first selection (Δ = a − b).
    pub a: Selection,
    /// The second selection.
    pub b: Selection,
    /// Confidence level of the intervals, strictly between 0 and 1
    /// \[0.95, `score::DEFAULT_LEVEL`\].
    #[serde(default = "default_level")]
    pub level: f64,
    /// Interval method of the NPS difference \[adjustedWald\].
    #[serde(default)]
    pub nps_method: NpsMethod,
}

/// The level when the request gives none: the core's default, not a copy.
fn default_level() -> f64 {
    crate::score::DEFAULT_LEVEL
}

impl Engine {
    /// Runs the comparison a [`CompareRequest`] asks for (see
    /// [`Engine::compare`]); the level defaults to
    /// [`DEFAULT_LEVEL`](crate::score::DEFAULT_LEVEL).
    ///
    /// ```
    /// use cx_core::engine::CompareRequest;
    /// let r: CompareRequest = cx_core::json::from_json_positioned(r#"{"a": {}, "b": {}}"#).unwrap();
    /// assert_eq!(r.level, cx_core::score::DEFAULT_LEVEL);
    /// let e = cx_core::json::from_json_positioned::<CompareRequest>(r#"{"a": {}}"#).unwrap_err();
    /// assert_eq!((e.pointer.as_str(), e.message.as_str()), ("", "missing field `b`"));
    /// ```
    pub fn compare_request(&self, request: &CompareRequest) -> Result<Comparison, QueryError> {
        self.compare(&request.a, &request.b, request.level, request.nps_method)
    }
}
