//! Metric identifiers (SPEC §5.3), shared by goals, queries, benchmarks and
//! playbook triggers.
//!
//! A metric id is a string in every document: `nps`, `csat`, `ces`,
//! `cesIndex`, `enps`, `employeeSatisfaction`, `compliance`, `tcs`,
//! `attribute:<id>` or `kpi:<name>`. This module parses and prints them, and
//! knows each metric's display range and good direction. It does not compute
//! anything: the formulas live in [`crate::score`].

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A metric id (SPEC §5.3).
///
/// ```
/// use cx_core::metric::{MetricId, Kpi};
/// let m: MetricId = "kpi:retentionRate".parse().unwrap();
/// assert_eq!(m, MetricId::Kpi(Kpi::RetentionRate));
/// assert_eq!(m.to_string(), "kpi:retentionRate");
/// assert!("attribute:".parse::<MetricId>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MetricId {
    /// Net Promoter Score, −100..100.
    Nps,
    /// CSAT top-2-box share, percent.
    Csat,
    /// Customer Effort Score mean, on the plan's CES scale.
    Ces,
    /// CES index (share of the top two points − share of the bottom three), −100..100.
    CesIndex,
    /// Employee NPS, −100..100.
    Enps,
    /// Employee satisfaction index, 0..100.
    EmployeeSatisfaction,
    /// Rule-of-the-game compliance (mean audit score), percent.
    Compliance,
    /// Total customer satisfaction, 0..100.
    Tcs,
    /// Mean rating of one survey attribute, on its own scale.
    Attribute(String),
    /// Net sentiment of the customer comments: % positive − % negative,
    /// −100..100 (`docs/comments.md`).
    Sentiment,
    /// Share of the customer comments that mention a plan theme, percent
    /// (`theme:<id>`).
    Theme(String),
    /// An impact KPI, raw or derived.
    Kpi(Kpi),
}

/// An impact KPI name (`kpi:<name>`): the raw observations of SPEC §3.1, the
/// derived rates of SPEC §3.2, or a custom name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kpi {
    /// Sales value in the period.
    Sales,
    /// Number of orders.
    Orders,
    /// Customers at the start of the period.
    Customers,
    /// New customers acquired.
    NewCustomers,
    /// Customers retained from the start of the period.
    RetainedCustomers,
    /// Customers who bought again.
    RepeatCustomers,
    /// Complaints received.
    Complaints,
    /// Claims received.
    Claims,
    /// Staff headcount.
    Headcount,
    /// Staff separations (leavers).
    Separations,
    /// Derived: retained / customers at start, percent.
    RetentionRate,
    /// Derived: repeat customers / customers, percent.
    RepurchaseRate,
    /// Derived: separations / average headcount, percent.
    StaffTurnover,
    /// Derived: complaints per 1,000 customers.
    ComplaintRate,
    /// Derived: sales / orders.
    AverageBasket,
    /// Any other KPI the organisation tracks (higher is better).
    Custom(String),
}

/// Which way a metric should move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Direction {
    /// Higher values are better (NPS, CSAT, retention…).
    HigherIsBetter,
    /// Lower values are better (complaints, staff turnover…).
    LowerIsBetter,
}

/// The error of parsing a metric id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown metric id `{0}`: expected nps, csat, ces, cesIndex, enps, employeeSatisfaction, compliance, tcs, sentiment, attribute:<id>, theme:<id> or kpi:<name>")]
pub struct ParseMetricError(pub String);

impl Kpi {
    /// Every named KPI (raw then derived), without `Custom`.
    pub const NAMED: [Kpi; 15] = [
        Kpi::Sales,
        Kpi::Orders,
        Kpi::Customers,
        Kpi::NewCustomers,
        Kpi::RetainedCustomers,
        Kpi::RepeatCustomers,
        Kpi::Complaints,
        Kpi::Claims,
        Kpi::Headcount,
        Kpi::Separations,
        Kpi::RetentionRate,
        Kpi::RepurchaseRate,
        Kpi::StaffTurnover,
        Kpi::ComplaintRate,
        Kpi::AverageBasket,
    ];

    /// The name after `kpi:`.
    pub fn name(&self) -> &str {
        match self {
            Kpi::Sales => "sales",
            Kpi::Orders => "orders",
            Kpi::Customers => "customers",
            Kpi::NewCustomers => "newCustomers",
            Kpi::RetainedCustomers => "retainedCustomers",
            Kpi::RepeatCustomers => "repeatCustomers",
            Kpi::Complaints => "complaints",
            Kpi::Claims => "claims",
            Kpi::Headcount => "headcount",
            Kpi::Separations => "separations",
            Kpi::RetentionRate => "retentionRate",
            Kpi::RepurchaseRate => "repurchaseRate",
            Kpi::StaffTurnover => "staffTurnover",
            Kpi::ComplaintRate => "complaintRate",
            Kpi::AverageBasket => "averageBasket",
            Kpi::Custom(name) => name,
        }
    }

    /// Parses a KPI name; any name that is not a named KPI is `Custom`.
    /// Returns `None` for an empty name.
    pub fn from_name(name: &str) -> Option<Kpi> {
        if name.is_empty() {
            return None;
        }
        Some(
            Kpi::NAMED
                .iter()
                .find(|k| k.name() == name)
                .cloned()
                .unwrap_or_else(|| Kpi::Custom(name.to_string())),
        )
    }

    /// True for the rates computed from raw KPIs (retentionRate…).
    pub fn is_derived(&self) -> bool {
        matches!(
            self,
            Kpi::RetentionRate
                | Kpi::RepurchaseRate
                | Kpi::StaffTurnover
                | Kpi::ComplaintRate
                | Kpi::AverageBasket
        )
    }

    /// The good direction: complaints, claims, separations, staff turnover
    /// and the complaint rate are better when lower.
    pub fn direction(&self) -> Direction {
        match self {
            Kpi::Complaints
            | Kpi::Claims
            | Kpi::Separations
            | Kpi::StaffTurnover
            | Kpi::ComplaintRate => Direction::LowerIsBetter,
            _ => Direction::HigherIsBetter,
        }
    }
}

impl MetricId {
    /// The fixed metric ids (without `attribute:` and `kpi:`).
    pub const FIXED: [MetricId; 9] = [
        MetricId::Nps,
        MetricId::Csat,
        MetricId::Ces,
        MetricId::CesIndex,
        MetricId::Enps,
        MetricId::EmployeeSatisfaction,
        MetricId::Compliance,
        MetricId::Tcs,
        MetricId::Sentiment,
    ];

    /// The good direction of this metric.
    pub fn direction(&self) -> Direction {
        match self {
            MetricId::Kpi(k) => k.direction(),
            _ => Direction::HigherIsBetter,
        }
    }

    /// The display range (SPEC §5.1) of the metric when it does not depend on
    /// the plan: NPS-like −100..100, shares and indices 0..100; `None` for
    /// metrics on a plan scale (`ces`, `attribute:<id>`) or unbounded KPIs.
    pub fn fixed_range(&self) -> Option<(f64, f64)> {
        match self {
            MetricId::Nps | MetricId::Enps | MetricId::CesIndex | MetricId::Sentiment => {
                Some((-100.0, 100.0))
            }
            MetricId::Csat
            | MetricId::Theme(_)
            | MetricId::EmployeeSatisfaction
            | MetricId::Compliance
            | MetricId::Tcs => Some((0.0, 100.0)),
            MetricId::Kpi(Kpi::RetentionRate | Kpi::RepurchaseRate) => Some((0.0, 100.0)),
            MetricId::Kpi(_) => Some((0.0, f64::INFINITY)),
            MetricId::Ces | MetricId::Attribute(_) => None,
        }
    }
}

impl fmt::Display for MetricId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MetricId::Nps => f.write_str("nps"),
            MetricId::Csat => f.write_str("csat"),
            MetricId::Ces => f.write_str("ces"),
            MetricId::CesIndex => f.write_str("cesIndex"),
            MetricId::Enps => f.write_str("enps"),
            MetricId::EmployeeSatisfaction => f.write_str("employeeSatisfaction"),
            MetricId::Compliance => f.write_str("compliance"),
            MetricId::Tcs => f.write_str("tcs"),
            MetricId::Attribute(id) => write!(f, "attribute:{id}"),
            MetricId::Sentiment => f.write_str("sentiment"),
            MetricId::Theme(id) => write!(f, "theme:{id}"),
            MetricId::Kpi(k) => write!(f, "kpi:{}", k.name()),
        }
    }
}

impl FromStr for MetricId {
    type Err = ParseMetricError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ParseMetricError(s.to_string());
        Ok(match s {
            "nps" => MetricId::Nps,
            "csat" => MetricId::Csat,
            "ces" => MetricId::Ces,
            "cesIndex" => MetricId::CesIndex,
            "enps" => MetricId::Enps,
            "employeeSatisfaction" => MetricId::EmployeeSatisfaction,
            "compliance" => MetricId::Compliance,
            "tcs" => MetricId::Tcs,
            "sentiment" => MetricId::Sentiment,
            _ => {
                if let Some(id) = s.strip_prefix("attribute:") {
                    if id.is_empty() {
                        return Err(err());
                    }
                    MetricId::Attribute(id.to_string())
                } else if let Some(id) = s.strip_prefix("theme:") {
                    if id.is_empty() {
                        return Err(err());
                    }
                    MetricId::Theme(id.to_string())
                } else if let Some(name) = s.strip_prefix("kpi:") {
                    MetricId::Kpi(Kpi::from_name(name).ok_or_else(err)?)
                } else {
                    return Err(err());
                }
            }
        })
    }
}

impl Serialize for MetricId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for MetricId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = Cow::<str>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The regular expression every metric id matches (used in the schema).
pub const METRIC_ID_PATTERN: &str =
    "^(nps|csat|ces|cesIndex|enps|employeeSatisfaction|compliance|tcs|sentiment|attribute:.+|theme:.+|kpi:.+)$";

impl JsonSchema for MetricId {
    fn schema_name() -> Cow<'static, str> {
        "MetricId".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "A metric id (SPEC §5.3): nps, csat, ces, cesIndex, enps, employeeSatisfaction, compliance, tcs, attribute:<id> or kpi:<name> (sales, orders, customers, newCustomers, retainedCustomers, repeatCustomers, complaints, claims, headcount, separations, retentionRate, repurchaseRate, staffTurnover, complaintRate, averageBasket, or a custom name).",
            "pattern": METRIC_ID_PATTERN
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fixed_and_named_metric_round_trips() {
        let mut all: Vec<MetricId> = MetricId::FIXED.to_vec();
        all.extend(Kpi::NAMED.iter().cloned().map(MetricId::Kpi));
        all.push(MetricId::Kpi(Kpi::Custom("npsCalls".into())));
        all.push(MetricId::Attribute("seat-comfort".into()));
        all.push(MetricId::Theme("delay".into()));
        for m in all {
            let text = m.to_string();
            assert_eq!(text.parse::<MetricId>().unwrap(), m, "{text}");
            let json = serde_json::to_string(&m).unwrap();
            assert_eq!(serde_json::from_str::<MetricId>(&json).unwrap(), m);
        }
    }

    #[test]
    fn bad_ids_are_rejected() {
        for bad in ["", "NPS", "kpi:", "attribute:", "theme:", "score"] {
            assert!(bad.parse::<MetricId>().is_err(), "{bad}");
        }
    }

    #[test]
    fn directions() {
        assert_eq!(
            MetricId::Kpi(Kpi::Complaints).direction(),
            Direction::LowerIsBetter
        );
        assert_eq!(MetricId::Nps.direction(), Direction::HigherIsBetter);
    }
}
