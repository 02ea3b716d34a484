//! The free functions: `version`, `validatePlan` and the score
//! statistics on counts and rows (`npsStats`, `npsDiff`, `proportion`,
//! `drivers`), which need no engine.

use cx_core::diagnostic::Diagnostic;
use cx_core::score::{self, DriversInput, NpsCounts, NpsOptions};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::convert::{count, from_js, level_of, optional, plan_from, to_js};
use crate::errors::score_error;
use crate::NpsOptionsArg;

/// The library version, e.g. `"0.1.0"`.
#[wasm_bindgen]
pub fn version() -> String {
    cx_core::VERSION.to_string()
}

#[derive(Serialize)]
struct Validation {
    diagnostics: Vec<Diagnostic>,
}

/// Validates a plan (an object, or JSON text): every diagnostic (errors,
/// warnings, info). A plan that cannot be read gives one `parse-error`
/// diagnostic; this function throws only when the result cannot be built.
#[wasm_bindgen(js_name = validatePlan, unchecked_return_type = "Validation")]
pub fn validate_plan(
    #[wasm_bindgen(unchecked_param_type = "Plan | string")] plan: JsValue,
) -> Result<JsValue, JsValue> {
    let diagnostics = match plan_from(&plan) {
        Ok(p) => p.validate(),
        Err(d) => vec![d],
    };
    to_js(&Validation { diagnostics })
}

/// NPS with its interval from detractor/passive/promoter counts.
#[wasm_bindgen(js_name = npsStats, unchecked_return_type = "Score")]
pub fn nps_stats(
    #[wasm_bindgen(unchecked_param_type = "NpsCounts")] counts: JsValue,
    options: Option<NpsOptionsArg>,
) -> Result<JsValue, JsValue> {
    let counts: NpsCounts = from_js(&counts, "counts", false)?;
    let options: NpsOptions = optional(options, "options")?;
    let s = score::nps(&counts, options.method(), options.level())
        .map_err(|e| score_error(e, "/level"))?;
    to_js(&s)
}

/// The two-sample NPS difference a − b with its interval and p-value.
#[wasm_bindgen(js_name = npsDiff, unchecked_return_type = "DifferenceTest")]
pub fn nps_diff(
    #[wasm_bindgen(unchecked_param_type = "NpsCounts")] a: JsValue,
    #[wasm_bindgen(unchecked_param_type = "NpsCounts")] b: JsValue,
    options: Option<NpsOptionsArg>,
) -> Result<JsValue, JsValue> {
    let a: NpsCounts = from_js(&a, "a", false)?;
    let b: NpsCounts = from_js(&b, "b", false)?;
    let options: NpsOptions = optional(options, "options")?;
    let d = score::nps_diff(&a, &b, options.method(), options.level())
        .map_err(|e| score_error(e, "/level"))?;
    to_js(&d)
}

/// A share `successes / n` in percent with its Wilson interval.
#[wasm_bindgen(unchecked_return_type = "Score")]
pub fn proportion(successes: f64, n: f64, level: Option<f64>) -> Result<JsValue, JsValue> {
    let s = score::proportion(
        count(successes, "successes")?,
        count(n, "n")?,
        level_of(level)?,
    )
    .map_err(|e| score_error(e, ""))?;
    to_js(&s)
}

/// Key-driver analysis (relative importance) of rows of numbers: Pearson r,
/// Johnson's relative weights and exact Shapley/LMG of every column but the
/// outcome, over complete cases.
#[wasm_bindgen(unchecked_return_type = "Drivers")]
pub fn drivers(
    #[wasm_bindgen(unchecked_param_type = "DriversInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    let input: DriversInput = from_js(&input, "input", false)?;
    let d = score::drivers(&input).map_err(|e| score_error(e, ""))?;
    to_js(&d)
}
