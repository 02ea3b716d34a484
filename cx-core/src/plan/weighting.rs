//! The plan's `weighting` section: how the report weights the survey
//! responses (design weights on or off) and the population shares it rakes
//! them to, with its validation. The weighting itself (weighted cells,
//! raking, standard errors) is the engine's ([`crate::engine::Query`]
//! `weights` and `rake`, `docs/weighting.md`); the analysis passes this
//! section to every query it makes.
//!
//! ```
//! use cx_core::plan::Plan;
//! let plan = Plan::from_json(r#"{"schemaVersion": 1, "organization": {"name": "Air"},
//!   "dimensions": [{"id": "class", "label": "Class"}],
//!   "weighting": {"rake": [{"dimension": "class", "shares": {"Business": 0.45, "Eco": 0.55}}]}}"#).unwrap();
//! let w = plan.weighting.as_ref().unwrap();
//! assert_eq!(w.rake[0].dimension, "class");
//! assert!(plan.is_valid());
//! ```

use std::collections::BTreeSet;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Plan, STANDARD_DIMENSIONS};
use crate::diagnostic::{escape_pointer_token, Diagnostic};
use crate::engine::RakeTarget;
use crate::error::ErrorCode;
use crate::score::SHARE_SUM_TOLERANCE;

/// How the report weights the survey responses (SPEC §2, `weighting`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PlanWeighting {
    /// Design weights: `false` scores every record as weighing 1; `true`
    /// scores in weighted mode even without weights (all-ones); absent:
    /// weighted mode when a record carries a weight (the query field
    /// `weights`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights: Option<bool>,
    /// Population shares to rake the customer responses to, per dimension
    /// (the query field `rake`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rake: Vec<RakeTarget>,
}

/// The diagnostics of the plan's `weighting` section, with JSON Pointers
/// under `/weighting/rake`:
///
/// - `dangling-reference`: a dimension that is neither standard nor one the
///   plan declares;
/// - `duplicate-id`: a dimension raked twice;
/// - `value-out-of-range`: a share that is not a number in 0–1, a target
///   with no value, shares whose sum is not 1 within
///   [`SHARE_SUM_TOLERANCE`] (1e-9, the engine's check).
///
/// `"weights": false` with a rake is an error too (`value-out-of-range` at
/// `/weighting/weights`): raking weights the responses.
pub(crate) fn check(plan: &Plan) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Some(w) = &plan.weighting else {
        return out;
    };
    if w.weights == Some(false) && !w.rake.is_empty() {
        out.push(Diagnostic::error(
            ErrorCode::ValueOutOfRange,
            "/weighting/weights",
            "\"weights\" is false, but the section rakes: raking weights the responses; drop the rake or the false.",
        ));
    }
    let mut seen = BTreeSet::new();
    for (i, t) in w.rake.iter().enumerate() {
        let at = format!("/weighting/rake/{i}");
        let dim = t.dimension.as_str();
        let known =
            STANDARD_DIMENSIONS.contains(&dim) || plan.dimensions.iter().any(|d| d.id == dim);
        if !known {
            out.push(Diagnostic::error(
                ErrorCode::DanglingReference,
                format!("{at}/dimension"),
                format!("\"{dim}\" does not name any dimension in this plan (segment, touchpoint, channel, team, employee, or one of `dimensions`)."),
            ));
        }
        if !seen.insert(dim) {
            out.push(Diagnostic::error(
                ErrorCode::DuplicateId,
                format!("{at}/dimension"),
                format!(
                    "The dimension \"{dim}\" is raked twice; give each dimension's shares once."
                ),
            ));
        }
        out.extend(check_shares(t, &at));
    }
    out
}

/// The share diagnostics of one target at `at` (`/weighting/rake/0`).
fn check_shares(t: &RakeTarget, at: &str) -> Vec<Diagnostic> {
    let dim = &t.dimension;
    if t.shares.is_empty() {
        return vec![Diagnostic::error(
            ErrorCode::ValueOutOfRange,
            format!("{at}/shares"),
            format!("The shares of \"{dim}\" are empty; give the population share of every value."),
        )];
    }
    let mut out = Vec::new();
    for (value, &share) in &t.shares {
        if !(share.is_finite() && (0.0..=1.0).contains(&share)) {
            out.push(Diagnostic::error(
                ErrorCode::ValueOutOfRange,
                format!("{at}/shares/{}", escape_pointer_token(value)),
                format!("The share of \"{value}\" in \"{dim}\" is {share}, but it must be between 0 and 1."),
            ));
        }
    }
    let sum: f64 = t.shares.values().sum();
    if out.is_empty() && (sum - 1.0).abs() > SHARE_SUM_TOLERANCE {
        out.push(Diagnostic::error(
            ErrorCode::ValueOutOfRange,
            format!("{at}/shares"),
            format!("The shares of \"{dim}\" sum to {sum}; they must sum to 1 (within 1e-9)."),
        ));
    }
    out
}
