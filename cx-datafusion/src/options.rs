//! [`Options`]: the confidence level and NPS interval method of a score
//! function, from its optional literal arguments.
//!
//! After the rating (or state) come at most two literals, in either order:
//! a number, the confidence level (default 0.95, strictly between 0 and 1),
//! and a string, the NPS interval method (`adjustedWald` (default), `wald`
//! or `score`, as in cx's queries). `cx_nps(rating, 'wald', 0.9)`,
//! `cx_csat(rating, 0.9)`. Only `cx_nps`, `cx_enps` and `cx_score` take a
//! method; `cx_score` applies it to NPS and eNPS states (the other metrics'
//! intervals have one method each: Wilson for CSAT, t for CES and
//! attributes).

use cx_core::score::{z_quantile, NpsMethod, DEFAULT_LEVEL};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{plan_err, Result, ScalarValue};

use crate::metric::Metric;

/// How a function states its scores.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// The confidence level of the intervals.
    pub level: f64,
    /// The NPS interval method.
    pub method: NpsMethod,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            level: DEFAULT_LEVEL,
            method: NpsMethod::default(),
        }
    }
}

/// Checks the types of the optional arguments (`args` after the first) at
/// planning time: numbers and strings only.
pub fn check_option_types(function: &str, args: &[DataType]) -> Result<()> {
    for (i, t) in args.iter().enumerate() {
        if !(t.is_numeric() || is_text(t)) {
            return plan_err!(
                "{function}: argument {} must be a literal confidence level (such as 0.9) or NPS interval method (such as 'wald'); got a value of type {t}",
                i + 2
            );
        }
    }
    Ok(())
}

fn is_text(t: &DataType) -> bool {
    matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
}

impl Options {
    /// The options of a call from its optional arguments' literal values
    /// (`None`: the argument is not a literal). `metric` is the function's
    /// metric (`None` for `cx_score`, which takes a method for its NPS
    /// states).
    pub fn from_literals(
        function: &str,
        metric: Option<Metric>,
        args: &[Option<ScalarValue>],
    ) -> Result<Options> {
        let (mut level, mut method) = (None, None);
        for (i, arg) in args.iter().enumerate() {
            let position = i + 2;
            let Some(v) = arg.as_ref().filter(|v| !v.is_null()) else {
                return plan_err!(
                    "{function}: argument {position} must be a literal confidence level (such as 0.9) or NPS interval method (such as 'wald'), not a column, an expression or NULL"
                );
            };
            if let Some(text) = v.try_as_str().flatten() {
                if metric.is_some_and(|m| !m.takes_method()) {
                    return plan_err!(
                        "{function}: '{text}' is an NPS interval method, but {function} takes none (only a confidence level such as 0.9)"
                    );
                }
                let parsed = serde_json::from_value::<NpsMethod>(text.into()).or_else(|_| {
                    plan_err!(
                        "{function}: '{text}' is not an NPS interval method: expected 'adjustedWald', 'wald' or 'score'"
                    )
                })?;
                set(function, &mut method, parsed, "an interval method")?;
            } else {
                let number = v.cast_to(&DataType::Float64)?;
                let ScalarValue::Float64(Some(x)) = number else {
                    return plan_err!("{function}: argument {position} ({v}) is not a number");
                };
                if let Err(e) = z_quantile(x) {
                    return plan_err!("{function}: {e}");
                }
                set(function, &mut level, x, "a confidence level")?;
            }
        }
        Ok(Options {
            level: level.unwrap_or(DEFAULT_LEVEL),
            method: method.unwrap_or_default(),
        })
    }
}

fn set<T>(function: &str, slot: &mut Option<T>, value: T, what: &str) -> Result<()> {
    if slot.is_some() {
        return plan_err!("{function}: {what} is given twice; give it once");
    }
    *slot = Some(value);
    Ok(())
}
