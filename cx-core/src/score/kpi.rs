//! Impact KPIs derived from raw KPI sums (SPEC §3.2): retention and
//! repurchase rates, staff turnover, complaint rate, average basket, and the
//! period-over-period change judged by the KPI's good direction.
//!
//! Rates are in percent, the complaint rate per 1,000 customers. A zero or
//! invalid denominator, or a value too large for a 64-bit float (sales of
//! 1.7e308 over 5e-324 orders), gives `value: None` with a `reason`, never
//! NaN nor infinity.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::metric::Direction;

/// A derived KPI value.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct KpiValue {
    /// The value; `None` when undefined.
    pub value: Option<f64>,
    /// Why `value` is `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl KpiValue {
    fn none(reason: &str) -> KpiValue {
        KpiValue {
            value: None,
            reason: Some(reason.to_string()),
        }
    }
}

fn ratio(num: f64, den: f64, factor: f64, what: &str) -> KpiValue {
    if !(num.is_finite() && den.is_finite()) || num < 0.0 || den < 0.0 {
        return KpiValue::none(&format!("{what}: inputs must be finite and non-negative"));
    }
    if den == 0.0 {
        return KpiValue::none(&format!("{what}: the denominator is zero"));
    }
    let value = num / den * factor;
    if !value.is_finite() {
        return KpiValue::none(&format!(
            "{what}: {num:e} / {den:e} is too large to represent (overflow)"
        ));
    }
    KpiValue {
        value: Some(value),
        reason: None,
    }
}

/// Retention rate = retained / customers at start, percent.
///
/// ```
/// assert_eq!(cx_core::score::retention_rate(90.0, 120.0).value, Some(75.0));
/// assert!(cx_core::score::retention_rate(1.0, 0.0).value.is_none());
/// ```
pub fn retention_rate(retained: f64, customers_at_start: f64) -> KpiValue {
    ratio(retained, customers_at_start, 100.0, "retention rate")
}

/// Repurchase rate = repeat customers / customers, percent.
pub fn repurchase_rate(repeat: f64, customers: f64) -> KpiValue {
    ratio(repeat, customers, 100.0, "repurchase rate")
}

/// The average headcount of a period: (start + end) / 2.
pub fn average_headcount(start: f64, end: f64) -> f64 {
    (start + end) / 2.0
}

/// Staff turnover = separations / average headcount, percent.
pub fn staff_turnover(separations: f64, average_headcount: f64) -> KpiValue {
    ratio(separations, average_headcount, 100.0, "staff turnover")
}

/// Complaint rate = complaints per 1,000 customers.
pub fn complaint_rate(complaints: f64, customers: f64) -> KpiValue {
    ratio(complaints, customers, 1000.0, "complaint rate")
}

/// Average basket = sales / orders.
pub fn average_basket(sales: f64, orders: f64) -> KpiValue {
    ratio(sales, orders, 1.0, "average basket")
}

/// Whether a change is good news.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Trend {
    /// Moved in the good direction.
    Improved,
    /// Moved in the bad direction.
    Worsened,
    /// No change.
    Unchanged,
}

/// A period-over-period change.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    /// current − previous.
    pub delta: f64,
    /// delta / |previous|, percent; `None` when previous is 0.
    pub relative: Option<f64>,
    /// Good or bad news, by the metric's direction.
    pub trend: Trend,
}

/// The change from `previous` to `current`; `None` when either is not
/// finite or the difference overflows; `relative` is `None` when previous
/// is 0 or the ratio overflows.
///
/// ```
/// use cx_core::metric::Direction;
/// use cx_core::score::{change, Trend};
/// let c = change(12.0, 9.0, Direction::LowerIsBetter).unwrap();
/// assert_eq!(c.trend, Trend::Improved);
/// assert_eq!(c.relative, Some(-25.0));
/// ```
pub fn change(previous: f64, current: f64, direction: Direction) -> Option<Change> {
    if !(previous.is_finite() && current.is_finite()) {
        return None;
    }
    let delta = current - previous;
    if !delta.is_finite() {
        return None;
    }
    let trend = if delta == 0.0 {
        Trend::Unchanged
    } else if (delta > 0.0) == (direction == Direction::HigherIsBetter) {
        Trend::Improved
    } else {
        Trend::Worsened
    };
    Some(Change {
        delta,
        relative: Some(delta / previous.abs() * 100.0).filter(|r| previous != 0.0 && r.is_finite()),
        trend,
    })
}
