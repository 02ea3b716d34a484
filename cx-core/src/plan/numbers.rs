//! The plan numbers that weight scores (factor weights, attribute
//! importance, rule and norm weights) and the range that keeps every score
//! computed with them finite and exact (issue 16).
//!
//! Weights are relative: only their ratios matter. A weight is 0 (where
//! the plan allows it) or between [`MIN_WEIGHT`] and [`MAX_WEIGHT`]: a
//! larger one makes a weighted sum (a factor weight of 1e308 times a 0–100
//! factor score) overflow to infinity, and a smaller positive one is a
//! subnormal float whose products lose their digits (a TCS of 49.4 for 50).
//! The lower bounds (≥ 0, > 0 for rules) are checked in `validate.rs`.

use super::Plan;
use crate::diagnostic::Diagnostic;
use crate::error::ErrorCode;

/// The largest weight a plan may give (10^15). Three factor weights of
/// 10^15 times scores of 100, or thousands of attribute importances times
/// gaps of 10, stay far within a 64-bit float.
pub const MAX_WEIGHT: f64 = 1e15;
/// The smallest positive weight a plan may give (10^-15).
pub const MIN_WEIGHT: f64 = 1e-15;

/// A weight at `pointer` outside 0 ∪ [MIN_WEIGHT, MAX_WEIGHT].
fn weight(out: &mut Vec<Diagnostic>, pointer: String, what: &str, v: f64) {
    if v > MAX_WEIGHT || (v > 0.0 && v < MIN_WEIGHT) {
        out.push(Diagnostic::error(
            ErrorCode::ValueOutOfRange,
            pointer,
            format!(
                "{what} is {v:e}, but a weight must be 0 or between {MIN_WEIGHT:e} and {MAX_WEIGHT:e}: weights are relative, and one this far out makes scores overflow or lose their digits. Scale the weights down (or up) together."
            ),
        ));
    }
}

/// Every weight of `plan` outside the range that keeps scores finite, with
/// its pointer.
pub(crate) fn check_weights(plan: &Plan) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let w = plan.factor_weights;
    for (name, v) in [
        ("product", w.product),
        ("interaction", w.interaction),
        ("brand", w.brand),
    ] {
        weight(
            &mut out,
            format!("/factorWeights/{name}"),
            "A factor weight",
            v,
        );
    }
    for (i, a) in plan.attributes.iter().enumerate() {
        if let Some(imp) = a.importance {
            let what = format!("The stated importance of \"{}\"", a.id);
            weight(&mut out, format!("/attributes/{i}/importance"), &what, imp);
        }
    }
    for (key, list) in [
        ("rules", &plan.deployment.rules),
        ("norms", &plan.deployment.norms),
    ] {
        for (i, r) in list.iter().enumerate() {
            let what = format!("The weight of \"{}\"", r.id);
            weight(
                &mut out,
                format!("/deployment/{key}/{i}/weight"),
                &what,
                r.weight,
            );
        }
    }
    out
}
