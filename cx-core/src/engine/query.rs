//! Queries and scorecards (SPEC §3.3, §5.4): metrics, `groupBy` dimensions
//! and periods, filters, time range and confidence level in; rows of keys
//! and scores out, each score with n, interval and flags.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use rustc_hash::FxBuildHasher;
use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::cells::{AuditCell, CellKey, EmployeeCell, KpiCell, ResponseCell};
use super::changes::Domain;
use super::changes::{self, CompareTo};
use super::ingest::method_of;
use super::raking::{RakeTarget, RakedSelection};
use super::weighting::{Design, Weighting};
use super::weights::WeightedCell;
use super::{date_of_day, days_since_epoch, Engine, Granularity};
use crate::comment::CommentStats;
use crate::metric::{Kpi, MetricId};
use crate::plan::{AuditMethod, STANDARD_DIMENSIONS};
use crate::score::{
    self, Adjust, CoMoments, Histogram, NpsCounts, NpsMethod, Scale, Score, ScoreError,
    WeightedCoMoments, DEFAULT_LEVEL,
};

/// A time unit to group by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PeriodUnit {
    /// Calendar day (`2026-03-01`).
    Day,
    /// ISO week (`2026-W09`; the ISO year may differ from the calendar year).
    IsoWeek,
    /// Month (`2026-03`).
    Month,
    /// Quarter (`2026-Q1`).
    Quarter,
    /// Year (`2026`).
    Year,
}

impl PeriodUnit {
    fn name(self) -> &'static str {
        match self {
            PeriodUnit::Day => "day",
            PeriodUnit::IsoWeek => "isoWeek",
            PeriodUnit::Month => "month",
            PeriodUnit::Quarter => "quarter",
            PeriodUnit::Year => "year",
        }
    }

    /// The label of the period holding `date`.
    pub fn label(self, date: NaiveDate) -> String {
        match self {
            PeriodUnit::Day => date.format("%Y-%m-%d").to_string(),
            PeriodUnit::IsoWeek => {
                let w = date.iso_week();
                format!("{:04}-W{:02}", w.year(), w.week())
            }
            PeriodUnit::Month => date.format("%Y-%m").to_string(),
            PeriodUnit::Quarter => format!("{:04}-Q{}", date.year(), (date.month() - 1) / 3 + 1),
            PeriodUnit::Year => format!("{:04}", date.year()),
        }
    }

    /// Whether a cube of this granularity can answer this unit exactly.
    fn available(self, g: Granularity) -> bool {
        match g {
            Granularity::None => false,
            Granularity::Day => true,
            Granularity::IsoWeek => self == PeriodUnit::IsoWeek,
            Granularity::Month => matches!(
                self,
                PeriodUnit::Month | PeriodUnit::Quarter | PeriodUnit::Year
            ),
        }
    }
}

/// One `groupBy` key: a dimension, the audit method, or a period.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GroupBy {
    /// A standard or custom dimension (`segment`, `team`, `class`…).
    Dimension(String),
    /// The audit method (audits only).
    AuditMethod,
    /// A period: `period:day|isoWeek|month|quarter|year`.
    Period(PeriodUnit),
}

impl fmt::Display for GroupBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GroupBy::Dimension(d) => f.write_str(d),
            GroupBy::AuditMethod => f.write_str("auditMethod"),
            GroupBy::Period(p) => write!(f, "period:{}", p.name()),
        }
    }
}

impl FromStr for GroupBy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "auditMethod" => GroupBy::AuditMethod,
            "period:day" => GroupBy::Period(PeriodUnit::Day),
            "period:isoWeek" => GroupBy::Period(PeriodUnit::IsoWeek),
            "period:month" => GroupBy::Period(PeriodUnit::Month),
            "period:quarter" => GroupBy::Period(PeriodUnit::Quarter),
            "period:year" => GroupBy::Period(PeriodUnit::Year),
            p if p.starts_with("period") => {
                return Err(format!("`{p}`: expected period:day, period:isoWeek, period:month, period:quarter or period:year"))
            }
            "" => return Err("an empty groupBy key".into()),
            d => GroupBy::Dimension(d.to_string()),
        })
    }
}

impl Serialize for GroupBy {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for GroupBy {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Cow::<str>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for GroupBy {
    fn schema_name() -> Cow<'static, str> {
        "GroupBy".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "A dimension (segment, touchpoint, channel, team, employee, or a custom dimension of the plan), auditMethod, or period:day|isoWeek|month|quarter|year.",
            "minLength": 1
        })
    }
}

/// Declares a document struct whose body may name groups of fields shared
/// by several documents, so that each group is declared once:
/// `..selection,` (`filters`, `from`, `to`: which observations; in
/// [`Selection`] and [`Query`]) and `..statistics,`
/// (`asOf`, `level`, `npsMethod`: how the scores are stated; in [`Query`]
/// and [`AnalysisOptions`](crate::analysis::AnalysisOptions)). The groups'
/// fields take the place of the marker, in order.
macro_rules! document_struct {
    ($(#[$meta:meta])* pub struct $name:ident { $($body:tt)* }) => {
        $crate::engine::document_struct!(@munch [$(#[$meta])* pub struct $name] [] $($body)*);
    };
    (@munch $head:tt [$($done:tt)*] ..selection, $($rest:tt)*) => {
        $crate::engine::document_struct!(@munch $head [$($done)*
            /// Dimension (or `auditMethod`) → accepted values.
            #[serde(
                default,
                deserialize_with = "crate::record::unique_keys",
                skip_serializing_if = "std::collections::BTreeMap::is_empty"
            )]
            pub filters: std::collections::BTreeMap<String, Vec<String>>,
            /// First day included.
            #[serde(
                default,
                skip_serializing_if = "Option::is_none",
                deserialize_with = "crate::record::optional_date"
            )]
            pub from: Option<chrono::NaiveDate>,
            /// Last day included.
            #[serde(
                default,
                skip_serializing_if = "Option::is_none",
                deserialize_with = "crate::record::optional_date"
            )]
            pub to: Option<chrono::NaiveDate>,
        ] $($rest)*);
    };
    (@munch $head:tt [$($done:tt)*] ..statistics, $($rest:tt)*) => {
        $crate::engine::document_struct!(@munch $head [$($done)*
            /// Reference date of time-dependent results; default: the latest observation.
            #[serde(
                default,
                skip_serializing_if = "Option::is_none",
                deserialize_with = "crate::record::optional_date"
            )]
            pub as_of: Option<chrono::NaiveDate>,
            /// Confidence level \[0.95\].
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub level: Option<f64>,
            /// NPS interval method \[adjustedWald\].
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub nps_method: Option<$crate::score::NpsMethod>,
        ] $($rest)*);
    };
    (@munch $head:tt [$($done:tt)*] $(#[$field_meta:meta])* pub $field:ident : $ty:ty, $($rest:tt)*) => {
        $crate::engine::document_struct!(@munch $head [$($done)* $(#[$field_meta])* pub $field: $ty,] $($rest)*);
    };
    (@munch [$($head:tt)*] [$($done:tt)*]) => {
        $($head)* { $($done)* }
    };
}
pub(crate) use document_struct;

document_struct! {
    /// Which observations: dimension filters and a time range. Shared by
    /// queries and comparisons.
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub struct Selection {
        ..selection,
    }
}

document_struct! {
    /// A query (SPEC §5.4). Every field is optional: by default every metric the
    /// data has, overall, at 95%.
    ///
    /// ```
    /// use cx_core::engine::Query;
    /// let q: Query = serde_json::from_str(r#"{"metrics": ["nps"], "groupBy": ["segment", "period:isoWeek"],
    ///     "filters": {"segment": ["retail"]}, "from": "2026-01-01", "level": 0.9}"#).unwrap();
    /// assert_eq!(q.group_by.len(), 2);
    /// ```
    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub struct Query {
        /// Metrics to compute; absent = every metric the data has.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub metrics: Option<Vec<MetricId>>,
        /// Grouping keys, in order.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub group_by: Vec<GroupBy>,
        /// Survey weights: `false` scores every record as weighing 1;
        /// `true` scores in weighted mode even without weights (all-ones);
        /// absent: weighted mode when a record of the selection carries a
        /// weight (see `docs/weighting.md`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub weights: Option<bool>,
        /// Compare each row with the same key one period earlier
        /// (`previousPeriod`) or with the rest of the selection (`rest`):
        /// every score then gets a `change` (see `docs/weighting.md`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub compare: Option<CompareTo>,
        /// How the p-values of the changes are adjusted over the query's
        /// family: `holm` (default), `bh` or `none`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub adjust: Option<Adjust>,
        /// Population shares to rake the selection's customer responses to,
        /// per dimension (see `docs/weighting.md`).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub rake: Vec<RakeTarget>,
        ..selection,
        ..statistics,
    }
}

impl Query {
    /// The selection part of the query.
    pub fn selection(&self) -> Selection {
        Selection {
            filters: self.filters.clone(),
            from: self.from,
            to: self.to,
        }
    }
}

/// One row of a scorecard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScoreRow {
    /// The group's key: groupBy key → value (`null` when the records have none).
    pub key: BTreeMap<String, Option<String>>,
    /// Metric id → score.
    pub scores: BTreeMap<String, Score>,
}

/// The answer to a query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Scorecard {
    /// The metrics computed, in order.
    pub metrics: Vec<String>,
    /// The grouping keys.
    pub group_by: Vec<String>,
    /// Confidence level of every interval.
    pub level: f64,
    /// Reference date (the query's, or the latest observation).
    pub as_of: Option<NaiveDate>,
    /// Minimum sample below which a score is flagged `smallSample`
    /// (compared with `effectiveN` in weighted mode).
    pub min_sample: u64,
    /// Present in weighted mode: what the rows were weighted with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weighting: Option<Weighting>,
    /// Rows, sorted by key (absent values first).
    pub rows: Vec<ScoreRow>,
}

/// Why a query cannot run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum QueryError {
    /// A dimension the plan does not have.
    #[error("{pointer}: `{name}` is not a dimension (segment, touchpoint, channel, team, employee, auditMethod, or one the plan declares)")]
    UnknownDimension {
        /// The name.
        name: String,
        /// JSON Pointer into the query.
        pointer: String,
    },
    /// A dimension the engine's cube does not keep.
    #[error("{pointer}: the engine's cube does not keep `{name}`; add it to cube.dimensions")]
    DimensionNotKept {
        /// The name.
        name: String,
        /// JSON Pointer into the query.
        pointer: String,
    },
    /// The cube's time granularity cannot answer this period or time filter.
    #[error("{pointer}: the engine's cube keeps {}, which cannot answer {what}", .granularity.in_words())]
    PeriodUnavailable {
        /// What was asked.
        what: String,
        /// The cube granularity.
        granularity: Granularity,
        /// JSON Pointer into the query.
        pointer: String,
    },
    /// A metric the plan does not define.
    #[error("{pointer}: `{metric}` is not a metric of this plan")]
    UnknownMetric {
        /// The metric.
        metric: String,
        /// JSON Pointer into the query.
        pointer: String,
    },
    /// The same grouping key twice.
    #[error("{pointer}: `{name}` is already a grouping key; group by each key once")]
    DuplicateGroupBy {
        /// The key.
        name: String,
        /// JSON Pointer into the query.
        pointer: String,
    },
    /// The confidence level is not in (0, 1).
    #[error("/level: {0} is not a confidence level; use a number strictly between 0 and 1, such as 0.95")]
    InvalidLevel(f64),
    /// The query text is not a query.
    #[error("{}", .0.in_document("query"))]
    Parse(crate::error::ParseError),
    /// A `compare` the query's keys cannot answer.
    #[error("/compare: {0}")]
    Compare(String),
    /// A `rake` that cannot be applied.
    #[error("{pointer}: {message}")]
    Rake {
        /// JSON Pointer into the query.
        pointer: String,
        /// What is wrong, naming the dimension and value.
        message: String,
    },
    /// Raking did not converge; the worst margin.
    #[error("/rake: {0}")]
    RakeNotConverged(String),
}

impl Query {
    /// Reads a query from JSON text.
    pub fn from_json(text: &str) -> Result<Query, QueryError> {
        crate::plan::parse::from_json_positioned(text).map_err(QueryError::Parse)
    }
}

/// Statistics of one selection (or group), merged over its cells: what
/// [`Engine::totals`] gives and [`Engine::score`] scores. Opaque: the cells
/// are the engine's own.
#[derive(Debug, Clone, Default)]
pub struct Totals {
    /// Customer responses.
    pub(crate) responses: ResponseCell,
    /// Employee responses (items by engine item id).
    pub(crate) employees: EmployeeCell,
    /// Audits.
    pub(crate) audits: AuditCell,
    /// KPIs.
    pub(crate) kpis: KpiCell,
    /// The customer responses with a weight, once more with their weights.
    pub(crate) weighted: WeightedCell,
    /// The employee responses with a weight, once more with their weights.
    pub(crate) weighted_employees: WeightedCell,
    /// The customer comments.
    pub(crate) comments: CommentStats,
    /// The employee comments.
    pub(crate) employee_comments: CommentStats,
}

impl Totals {
    /// Adds the statistics of `other` (of the same engine).
    pub(crate) fn merge(&mut self, other: &Totals) {
        if self.responses.attributes.len() < other.responses.attributes.len() {
            self.responses
                .attributes
                .resize(other.responses.attributes.len(), Default::default());
        }
        self.responses.merge(&other.responses);
        self.employees.merge_mapped(&other.employees, &[]);
        self.audits.merge(&other.audits);
        self.kpis.merge(&other.kpis);
        self.weighted.merge(&other.weighted);
        self.weighted_employees.merge(&other.weighted_employees);
        self.comments.merge(&other.comments);
        self.employee_comments.merge(&other.employee_comments);
    }

    /// The number of customer responses.
    pub fn responses(&self) -> u64 {
        self.responses.responses
    }

    /// The statistics of the customer comments.
    pub fn comments(&self) -> &CommentStats {
        &self.comments
    }

    /// The statistics of the employee comments (by the eNPS group of their
    /// response).
    pub fn employee_comments(&self) -> &CommentStats {
        &self.employee_comments
    }

    /// The ratings of each plan attribute, in plan order (on the
    /// attribute's own scale): what identity alignment and the attribute
    /// performances read.
    pub fn attribute_ratings(&self) -> impl Iterator<Item = &Histogram> {
        self.responses.attributes.iter().map(|a| &a.ratings)
    }

    /// The co-moments of the attribute ratings with the NPS rating (0–10),
    /// over complete cases: what derived importance reads.
    pub fn nps_drivers(&self) -> &CoMoments {
        &self.responses.drivers_nps
    }

    /// The co-moments of the attribute ratings with overall satisfaction,
    /// over complete cases: derived importance's other outcome.
    pub fn overall_drivers(&self) -> &CoMoments {
        &self.responses.drivers_overall
    }

    /// The weighted co-moments of the attribute ratings with the NPS
    /// rating over complete cases: [`Totals::nps_drivers`] with each
    /// record's weight (1 for records without one), Σw·(1, xᵢ, xᵢxⱼ)
    /// exactly. What weighted derived importance reads.
    pub fn weighted_nps_drivers(&self) -> Result<WeightedCoMoments, ScoreError> {
        WeightedCell::drivers(&self.responses.drivers_nps, &self.weighted.drivers_nps)
    }

    /// The weighted co-moments of the attribute ratings with overall
    /// satisfaction over complete cases, as [`Totals::weighted_nps_drivers`].
    pub fn weighted_overall_drivers(&self) -> Result<WeightedCoMoments, ScoreError> {
        WeightedCell::drivers(
            &self.responses.drivers_overall,
            &self.weighted.drivers_overall,
        )
    }
}

/// One `groupBy` entry, resolved.
#[derive(Clone, Copy)]
enum Slot {
    /// A kept dimension, by key position.
    Dim(usize),
    /// The audit method.
    Method,
    /// A period of the time bucket.
    Period(PeriodUnit),
}

/// A compiled selection: filter ids per key position, day range.
pub(crate) struct Compiled {
    /// Per kept dimension: accepted ids (None = any).
    dims: Vec<Option<BTreeSet<u32>>>,
    methods: Option<BTreeSet<u8>>,
    from: Option<i32>,
    to: Option<i32>,
}

impl Compiled {
    fn keeps(&self, k: &CellKey) -> bool {
        self.keeps_parts(k.bucket, k.method, &k.dims)
    }

    fn keeps_parts(&self, bucket: i32, method: u8, dims: &[u32]) -> bool {
        if self.from.is_some_and(|f| bucket < f) || self.to.is_some_and(|t| bucket > t) {
            return false;
        }
        if let Some(m) = &self.methods {
            if !m.contains(&method) {
                return false;
            }
        }
        self.dims
            .iter()
            .zip(dims)
            .all(|(f, id)| f.as_ref().is_none_or(|set| set.contains(id)))
    }
}

impl Engine {
    fn dimension_position(&self, name: &str, pointer: String) -> Result<usize, QueryError> {
        let known = STANDARD_DIMENSIONS.contains(&name)
            || self.plan.dimensions.iter().any(|d| d.id == name);
        if !known {
            return Err(QueryError::UnknownDimension {
                name: name.into(),
                pointer,
            });
        }
        self.dims
            .iter()
            .position(|d| d == name)
            .ok_or(QueryError::DimensionNotKept {
                name: name.into(),
                pointer,
            })
    }

    pub(crate) fn compile(
        &self,
        sel: &Selection,
        pointer_prefix: &str,
    ) -> Result<Compiled, QueryError> {
        let mut dims: Vec<Option<BTreeSet<u32>>> = vec![None; self.dims.len()];
        let mut methods = None;
        for (name, values) in &sel.filters {
            let pointer = format!(
                "{pointer_prefix}/filters/{}",
                crate::diagnostic::escape_pointer_token(name)
            );
            if name == "auditMethod" {
                let set = values
                    .iter()
                    .filter_map(|v| AuditMethod::ALL.iter().find(|m| m.as_str() == v))
                    .map(|m| super::ingest::method_code(*m))
                    .collect();
                methods = Some(set);
                continue;
            }
            let d = self.dimension_position(name, pointer)?;
            // A value never seen matches nothing.
            dims[d] = Some(
                values
                    .iter()
                    .filter_map(|v| self.interners[d].get(v))
                    .collect(),
            );
        }
        if (sel.from.is_some() || sel.to.is_some())
            && self.config.cube.granularity == Granularity::None
        {
            return Err(QueryError::PeriodUnavailable {
                what: "a time range".into(),
                granularity: Granularity::None,
                pointer: format!("{pointer_prefix}/from"),
            });
        }
        Ok(Compiled {
            dims,
            methods,
            from: sel.from.map(days_since_epoch),
            to: sel.to.map(days_since_epoch),
        })
    }

    /// Statistics of a selection, merged over every matching cell.
    pub fn totals(&self, sel: &Selection) -> Result<Totals, QueryError> {
        let c = self.compile(sel, "")?;
        let mut t = Totals::default();
        t.responses.attributes = vec![Default::default(); self.plan.attributes.len()];
        let identity: Vec<u32> = (0..self.items.len() as u32).collect();
        let mut buf = self.responses.scratch();
        for id in 0..self.responses.len() {
            if c.keeps_parts(self.responses.bucket(id), 0, self.responses.key(id)) {
                self.responses.merge_into(id, &mut t.responses, &mut buf);
            }
        }
        for (_, v) in self.employees.iter().filter(|(k, _)| c.keeps(k)) {
            t.employees.merge_mapped(v, &identity);
        }
        for (_, v) in self.audits.iter().filter(|(k, _)| c.keeps(k)) {
            t.audits.merge(v);
        }
        for (_, v) in self.kpis.iter().filter(|(k, _)| c.keeps(k)) {
            t.kpis.merge(v);
        }
        for (_, v) in self.weights.responses.iter().filter(|(k, _)| c.keeps(k)) {
            t.weighted.merge(v);
        }
        for (_, v) in self.weights.employees.iter().filter(|(k, _)| c.keeps(k)) {
            t.weighted_employees.merge(v);
        }
        for (_, v) in self.comments.responses.iter().filter(|(k, _)| c.keeps(k)) {
            t.comments.merge(v);
        }
        for (_, v) in self.comments.employees.iter().filter(|(k, _)| c.keeps(k)) {
            t.employee_comments.merge(v);
        }
        Ok(t)
    }

    /// The customer-response statistics of the cells `compiled` keeps,
    /// summed by the raw key parts of `slots` (dimension ids, the bucket for
    /// a period): no string per cell; the caller labels the few groups.
    fn group_responses(
        &self,
        compiled: &Compiled,
        slots: &[Slot],
    ) -> Vec<(Box<[i64]>, ResponseCell)> {
        let raw_of = |bucket: i32, dims: &[u32], out: &mut Vec<i64>| {
            out.clear();
            out.extend(slots.iter().map(|s| match s {
                Slot::Dim(d) => i64::from(dims[*d]),
                Slot::Method => 0,
                Slot::Period(_) => i64::from(bucket),
            }));
        };
        // Neighbouring cells often share a group: the last one is tried first.
        let mut raw: Vec<(Box<[i64]>, ResponseCell)> = Vec::new();
        let mut at: HashMap<Box<[i64]>, usize, FxBuildHasher> = HashMap::default();
        let (mut parts, mut buf) = (Vec::<i64>::new(), self.responses.scratch());
        let mut last: Option<usize> = None;
        for id in 0..self.responses.len() {
            let (bucket, dims) = (self.responses.bucket(id), self.responses.key(id));
            if !compiled.keeps_parts(bucket, 0, dims) {
                continue;
            }
            raw_of(bucket, dims, &mut parts);
            let g = match last {
                Some(g) if *raw[g].0 == *parts => g,
                _ => *at.entry(parts.as_slice().into()).or_insert_with(|| {
                    raw.push((parts.as_slice().into(), ResponseCell::default()));
                    raw.len() - 1
                }),
            };
            last = Some(g);
            self.responses.merge_into(id, &mut raw[g].1, &mut buf);
        }
        raw
    }

    /// Runs a query.
    pub fn query(&self, q: &Query) -> Result<Scorecard, QueryError> {
        let level = q.level.unwrap_or(DEFAULT_LEVEL);
        if !(level > 0.0 && level < 1.0) {
            return Err(QueryError::InvalidLevel(level));
        }
        let compiled = self.compile(&q.selection(), "")?;
        let slots = self.slots(&q.group_by)?;
        let (groups, overall) = self.query_groups(&compiled, &slots);
        let metrics = self.query_metrics(q, &overall)?;
        let method = q.nps_method.unwrap_or_default();
        let raked = self.raked(q, &compiled, &slots)?;
        let weighted = raked.is_some() || q.weights.unwrap_or_else(|| overall.has_weights());
        let score = |m: &MetricId, t: &Totals, domain: &Domain| match (weighted, &raked) {
            (false, _) => self.score(m, t, level, method),
            (true, None) => self.weighted_score(m, t, Design::Plain { overall: &overall }, level),
            (true, Some(selection)) => {
                let in_domain = |g: &[Option<String>]| domain.contains(g);
                let design = Design::Raked {
                    overall: &overall,
                    selection,
                    in_domain: &in_domain,
                };
                self.weighted_score(m, t, design, level)
            }
        };
        let groups: Vec<(Vec<Option<String>>, Totals)> = groups.into_iter().collect();
        let mut rows: Vec<ScoreRow> = groups
            .iter()
            .map(|(key, t)| ScoreRow {
                key: q
                    .group_by
                    .iter()
                    .map(|g| g.to_string())
                    .zip(key.clone())
                    .collect(),
                scores: metrics
                    .iter()
                    .map(|m| {
                        let domain = Domain::Group(key.clone());
                        (m.to_string(), score(m, t, &domain).finite())
                    })
                    .collect(),
            })
            .collect();
        if let Some(compare) = q.compare {
            let refs = changes::references(&groups, compare, &q.group_by)?;
            let adjust = q.adjust.unwrap_or_default();
            changes::set_changes(&mut rows, &metrics, adjust, |i, m| {
                refs[i]
                    .as_ref()
                    .map(|(t, domain)| score(m, t, domain).finite())
            });
        }
        let weighting = match (&raked, weighted) {
            (_, false) => None,
            (None, true) => Some(overall.weighting()),
            (Some(r), true) => Some(r.weighting(&overall, &q.rake)),
        };
        Ok(Scorecard {
            metrics: metrics.iter().map(MetricId::to_string).collect(),
            group_by: q.group_by.iter().map(GroupBy::to_string).collect(),
            level,
            as_of: q.as_of.or_else(|| self.latest_date()),
            min_sample: self.plan.thresholds.min_sample,
            weighting,
            rows,
        })
    }

    /// The query's selection raked to its `rake` targets (`None` without
    /// targets).
    fn raked(
        &self,
        q: &Query,
        compiled: &Compiled,
        slots: &[Slot],
    ) -> Result<Option<RakedSelection>, QueryError> {
        if q.rake.is_empty() {
            return Ok(None);
        }
        if q.weights == Some(false) {
            return Err(QueryError::Rake {
                pointer: "/weights".into(),
                message: "raking weights the responses; drop `\"weights\": false` or the rake"
                    .into(),
            });
        }
        let mut fine = slots.to_vec();
        for (i, t) in q.rake.iter().enumerate() {
            let pointer = format!("/rake/{i}/dimension");
            if q.rake[..i].iter().any(|o| o.dimension == t.dimension) {
                return Err(QueryError::Rake {
                    pointer,
                    message: format!("`{}` is raked twice; give each dimension once", t.dimension),
                });
            }
            fine.push(Slot::Dim(self.dimension_position(&t.dimension, pointer)?));
        }
        let (cells, _) = self.query_groups(compiled, &fine);
        self.rake_selection(&q.rake, cells.into_iter().collect())
            .map(Some)
    }

    /// The totals of every group of a query's selection (keyed by their
    /// labels), and of the whole selection.
    fn query_groups(
        &self,
        compiled: &Compiled,
        slots: &[Slot],
    ) -> (BTreeMap<Vec<Option<String>>, Totals>, Totals) {
        let key_of = |bucket: i32, method: u8, dims: &[u32]| -> Vec<Option<String>> {
            slots
                .iter()
                .map(|s| match s {
                    Slot::Dim(d) => self.interners[*d].value(dims[*d]).map(str::to_string),
                    Slot::Method => method_of(method).map(|m| m.as_str().to_string()),
                    Slot::Period(p) => Some(p.label(date_of_day(bucket))),
                })
                .collect()
        };
        let n_attr = self.plan.attributes.len();
        let raw = self.group_responses(compiled, slots);
        let mut groups: BTreeMap<Vec<Option<String>>, Totals> = BTreeMap::new();
        let identity: Vec<u32> = (0..self.items.len() as u32).collect();
        let mut overall = Totals::default();
        overall.responses.attributes = vec![Default::default(); n_attr];
        for (parts, cell) in &raw {
            let (mut full, mut bucket) = (vec![0u32; self.dims.len()], 0);
            for (s, &p) in slots.iter().zip(parts.iter()) {
                match s {
                    Slot::Dim(d) => full[*d] = p as u32,
                    Slot::Period(_) => bucket = p as i32,
                    Slot::Method => {}
                }
            }
            let g = groups.entry(key_of(bucket, 0, &full)).or_default();
            if g.responses.attributes.is_empty() {
                g.responses.attributes = vec![Default::default(); n_attr];
            }
            g.responses.merge(cell);
            overall.responses.merge(cell);
        }
        let mut add = |k: &CellKey, f: &dyn Fn(&mut Totals)| {
            f(groups
                .entry(key_of(k.bucket, k.method, &k.dims))
                .or_default());
            f(&mut overall);
        };
        let kept = |k: &&CellKey| compiled.keeps(k);
        for (k, v) in self.employees.iter().filter(|(k, _)| kept(k)) {
            add(k, &|t| t.employees.merge_mapped(v, &identity));
        }
        for (k, v) in self.audits.iter().filter(|(k, _)| kept(k)) {
            add(k, &|t| t.audits.merge(v));
        }
        for (k, v) in self.kpis.iter().filter(|(k, _)| kept(k)) {
            add(k, &|t| t.kpis.merge(v));
        }
        for (k, v) in self.weights.responses.iter().filter(|(k, _)| kept(k)) {
            add(k, &|t| t.weighted.merge(v));
        }
        for (k, v) in self.weights.employees.iter().filter(|(k, _)| kept(k)) {
            add(k, &|t| t.weighted_employees.merge(v));
        }
        for (k, v) in self.comments.responses.iter().filter(|(k, _)| kept(k)) {
            add(k, &|t| t.comments.merge(v));
        }
        for (k, v) in self.comments.employees.iter().filter(|(k, _)| kept(k)) {
            add(k, &|t| t.employee_comments.merge(v));
        }
        (groups, overall)
    }

    /// The `groupBy` keys resolved to slots: a repeated key, an unknown
    /// dimension or a period finer than the cube is an error at its pointer.
    fn slots(&self, group_by: &[GroupBy]) -> Result<Vec<Slot>, QueryError> {
        let mut slots = Vec::new();
        for (i, g) in group_by.iter().enumerate() {
            let pointer = format!("/groupBy/{i}");
            // Row keys are a map: a repeated key would lose a column.
            if group_by[..i].contains(g) {
                return Err(QueryError::DuplicateGroupBy {
                    name: g.to_string(),
                    pointer,
                });
            }
            slots.push(match g {
                GroupBy::Dimension(d) => Slot::Dim(self.dimension_position(d, pointer)?),
                GroupBy::AuditMethod => Slot::Method,
                GroupBy::Period(p) => {
                    if !p.available(self.config.cube.granularity) {
                        return Err(QueryError::PeriodUnavailable {
                            what: format!("period:{}", p.name()),
                            granularity: self.config.cube.granularity,
                            pointer,
                        });
                    }
                    Slot::Period(*p)
                }
            });
        }
        Ok(slots)
    }

    /// The metrics a query asks for (each attribute and theme metric
    /// checked against the plan), or every metric with data in `overall`.
    fn query_metrics(&self, q: &Query, overall: &Totals) -> Result<Vec<MetricId>, QueryError> {
        Ok(match &q.metrics {
            Some(m) => {
                for (i, metric) in m.iter().enumerate() {
                    let known = match metric {
                        MetricId::Attribute(a) => self.plan.attribute(a).is_some(),
                        MetricId::Theme(id) => self.plan.themes.iter().any(|t| &t.id == id),
                        _ => true,
                    };
                    if !known {
                        return Err(QueryError::UnknownMetric {
                            metric: metric.to_string(),
                            pointer: format!("/metrics/{i}"),
                        });
                    }
                }
                m.clone()
            }
            None => self.metrics_present(overall),
        })
    }

    /// Every metric with data in `t`, in a stable order.
    pub(crate) fn metrics_present(&self, t: &Totals) -> Vec<MetricId> {
        let r = &t.responses;
        let mut out = Vec::new();
        if r.nps.n() > 0 {
            out.push(MetricId::Nps);
        }
        if r.csat.n() > 0 {
            out.push(MetricId::Csat);
        }
        if r.ces.n() > 0 {
            out.push(MetricId::Ces);
            out.push(MetricId::CesIndex);
        }
        if t.employees.enps.n() > 0 {
            out.push(MetricId::Enps);
        }
        if t.employees.items.iter().any(|h| h.n() > 0) {
            out.push(MetricId::EmployeeSatisfaction);
        }
        if t.audits.compliance.audits.count > 0 {
            out.push(MetricId::Compliance);
        }
        let attrs: Vec<MetricId> = self
            .plan
            .attributes
            .iter()
            .zip(&r.attributes)
            .filter(|(_, c)| c.ratings.n() > 0)
            .map(|(a, _)| MetricId::Attribute(a.id.clone()))
            .collect();
        if self
            .plan
            .attributes
            .iter()
            .zip(&r.attributes)
            .any(|(a, c)| a.factor.is_some() && c.ratings.n() > 0)
        {
            out.push(MetricId::Tcs);
        }
        out.extend(attrs);
        if t.comments.comments() > 0 {
            out.push(MetricId::Sentiment);
            out.extend(
                self.plan
                    .themes
                    .iter()
                    .map(|th| MetricId::Theme(th.id.clone())),
            );
        }
        for name in t.kpis.sums.keys() {
            if let Some(k) = Kpi::from_name(name) {
                out.push(MetricId::Kpi(k));
            }
        }
        for k in [
            Kpi::RetentionRate,
            Kpi::RepurchaseRate,
            Kpi::StaffTurnover,
            Kpi::ComplaintRate,
            Kpi::AverageBasket,
        ] {
            if derived_kpi(&k, &t.kpis).is_some() {
                out.push(MetricId::Kpi(k));
            }
        }
        out
    }

    /// One metric's score over merged statistics.
    pub fn score(&self, metric: &MetricId, t: &Totals, level: f64, method: NpsMethod) -> Score {
        let plan = &*self.plan;
        let min_n = plan.thresholds.min_sample;
        let or_empty =
            |r: Result<Score, score::ScoreError>| r.unwrap_or_else(|e| Score::empty(e.to_string()));
        let mut s = match metric {
            MetricId::Nps => or_empty(score::nps(
                &NpsCounts::from_histogram(&t.responses.nps),
                method,
                level,
            )),
            MetricId::Enps => or_empty(score::nps(
                &NpsCounts::from_histogram(&t.employees.enps),
                method,
                level,
            )),
            MetricId::Csat => or_empty(score::csat(&t.responses.csat, plan.scales.csat, level)),
            MetricId::Ces => or_empty(score::ces(&t.responses.ces, plan.scales.ces, level)),
            MetricId::CesIndex => ces_index(&t.responses.ces, plan.scales.ces, level),
            MetricId::EmployeeSatisfaction => or_empty(score::employee_satisfaction_index(
                &self.items_by_name(&t.employees),
                Scale::FIVE,
            )),
            MetricId::Compliance => {
                or_empty(score::audit_compliance(&t.audits.compliance.audits, level))
            }
            MetricId::Tcs => self.tcs_score(&t.responses),
            MetricId::Attribute(id) => match plan.attributes.iter().position(|a| &a.id == id) {
                Some(i) => or_empty(score::attribute_performance(
                    &t.responses
                        .attributes
                        .get(i)
                        .map(|c| c.ratings)
                        .unwrap_or_default(),
                    plan.attributes[i].scale,
                    None,
                    level,
                )),
                None => Score::empty(format!("`{id}` is not an attribute of the plan")),
            },
            MetricId::Kpi(k) => kpi_score(k, &t.kpis),
            MetricId::Sentiment => {
                let c = &t.comments;
                or_empty(score::net_sentiment(&c.classes, c.compound, method, level))
            }
            MetricId::Theme(id) => self.theme_score(id, t, level),
        };
        s.flag_small_sample(min_n);
        s
    }

    /// The score of `theme:<id>`: the theme's share of the comments.
    fn theme_score(&self, id: &str, t: &Totals, level: f64) -> Score {
        let Some(i) = self.plan.themes.iter().position(|th| th.id == id) else {
            return Score::empty(format!("`{id}` is not a theme of the plan"));
        };
        let c = &t.comments;
        let (classes, compound) = c
            .theme(i as u32)
            .map_or((Default::default(), 0), |s| (s.classes, s.compound));
        score::theme_share(&classes, compound, c.comments(), level)
            .unwrap_or_else(|e| Score::empty(e.to_string()))
    }

    /// Item histograms in item-name order, one per item the engine knows
    /// (empty where the group has no answer): the result does not depend on
    /// the order items were first seen in.
    fn items_by_name(&self, e: &EmployeeCell) -> Vec<Histogram> {
        let mut named: Vec<(&str, Histogram)> = self
            .items
            .values()
            .iter()
            .enumerate()
            .map(|(i, name)| (name.as_str(), e.items.get(i).copied().unwrap_or_default()))
            .collect();
        named.sort_by(|a, b| a.0.cmp(b.0));
        named.into_iter().map(|(_, h)| h).collect()
    }

    fn tcs_score(&self, r: &ResponseCell) -> Score {
        self.tcs_of(r, |_, ratings| ratings.mean())
    }

    /// The TCS of `r`, with `mean_of(attribute index, its ratings)` each
    /// attribute's mean rating (unweighted or weighted).
    pub(crate) fn tcs_of(
        &self,
        r: &ResponseCell,
        mean_of: impl Fn(usize, &Histogram) -> Option<f64>,
    ) -> Score {
        let mut by_factor: Vec<(crate::score::Factor, Vec<Option<f64>>)> = Vec::new();
        for (i, (a, c)) in self.plan.attributes.iter().zip(&r.attributes).enumerate() {
            let Some(f) = a.factor else { continue };
            let v = mean_of(i, &c.ratings).map(|m| a.scale.rescale(m));
            match by_factor.iter_mut().find(|(g, _)| *g == f) {
                Some((_, list)) => list.push(v),
                None => by_factor.push((f, vec![v])),
            }
        }
        match score::tcs(&by_factor, self.plan.factor_weights) {
            Ok(t) => Score {
                value: t.value,
                n: r.responses,
                flags: t.flags,
                reason: t.reason,
                ..Score::default()
            },
            Err(e) => Score::empty(e.to_string()),
        }
    }
}

/// CES index with its standard error: the share of the top two points minus
/// the share below the midpoint, with the multinomial variance of a
/// difference of two shares (the NPS formula) and a Wald interval.
fn ces_index(h: &Histogram, scale: Scale, level: f64) -> Score {
    let mid = scale.midpoint();
    let below: u64 = (scale.min..=scale.max)
        .filter(|&r| f64::from(r) < mid)
        .fold(0u64, |a, r| a.saturating_add(h.count(r)));
    let top = score::top_two_box(h, scale);
    let n = h.n();
    let counts = NpsCounts::new(below, n.saturating_sub(below.saturating_add(top)), top);
    score::nps(&counts, NpsMethod::Wald, level).unwrap_or_else(|e| Score::empty(e.to_string()))
}

fn sum_of(k: &KpiCell, name: &str) -> Option<(u64, f64)> {
    k.sums.get(name).map(|s| (s.n, s.sum))
}

/// A derived KPI from raw sums: (n, value or reason).
pub(crate) fn derived_kpi(k: &Kpi, cell: &KpiCell) -> Option<(u64, crate::score::KpiValue)> {
    let pair = |a: &str, b: &str| Some((sum_of(cell, a)?, sum_of(cell, b)?));
    let (((na, a), (nb, b)), v) = match k {
        Kpi::RetentionRate => {
            let p = pair("retainedCustomers", "customers")?;
            (p, score::retention_rate(p.0 .1, p.1 .1))
        }
        Kpi::RepurchaseRate => {
            let p = pair("repeatCustomers", "customers")?;
            (p, score::repurchase_rate(p.0 .1, p.1 .1))
        }
        Kpi::StaffTurnover => {
            let (n_s, s) = sum_of(cell, "separations")?;
            let (n_h, h) = sum_of(cell, "headcount")?;
            // Average headcount over the headcount observations.
            let avg = h / n_h as f64;
            (((n_s, s), (n_h, h)), score::staff_turnover(s, avg))
        }
        Kpi::ComplaintRate => {
            let p = pair("complaints", "customers")?;
            (p, score::complaint_rate(p.0 .1, p.1 .1))
        }
        Kpi::AverageBasket => {
            let p = pair("sales", "orders")?;
            (p, score::average_basket(p.0 .1, p.1 .1))
        }
        _ => return None,
    };
    let _ = (a, b);
    Some((na.min(nb), v))
}

fn kpi_score(k: &Kpi, cell: &KpiCell) -> Score {
    if k.is_derived() {
        return match derived_kpi(k, cell) {
            Some((n, v)) => Score {
                value: v.value,
                n,
                reason: v.reason,
                ..Score::default()
            },
            None => Score::empty(format!("no KPI observations to compute {}", k.name())),
        };
    }
    match sum_of(cell, k.name()) {
        Some((n, sum)) => Score {
            value: Some(sum),
            n,
            ..Score::default()
        },
        None => Score::empty(format!("no `{}` observations", k.name())),
    }
}
