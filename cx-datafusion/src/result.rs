//! The result struct of every cx score function (`cx_nps` … `cx_attribute`
//! and `cx_score`): one Arrow struct type for all metrics, so that
//! `cx_score(cx_nps_state(r))` and `cx_nps(r)` have the same type and a
//! column of states of mixed metrics scores into one column. Fields a
//! metric does not define are null.
//!
//! The fields are cx-core's [`Score`] flattened (the interval's bounds,
//! level and method side by side), plus `metric` and, for attributes,
//! `notApplicable`. Enum values (interval method, flags) are written as in
//! cx's JSON (`adjustedWald`, `smallSample`).

use std::sync::Arc;

use cx_core::score::{Histogram, Score};
use datafusion::arrow::array::{
    ArrayRef, Float64Array, ListBuilder, StringArray, StringBuilder, StructArray, UInt64Array,
};
use datafusion::arrow::buffer::NullBuffer;
use datafusion::arrow::datatypes::{DataType, Field, Fields};
use serde::Serialize;

use crate::metric::{Metric, NOT_APPLICABLE};
use crate::options::Options;

/// One scored group: the metric, its histogram, the score and the level
/// asked for.
#[derive(Debug, Clone)]
pub struct Scored {
    /// The metric.
    pub metric: Metric,
    /// The histogram scored.
    pub histogram: Histogram,
    /// cx-core's score of it.
    pub score: Score,
    /// The confidence level asked for.
    pub level: f64,
}

/// The kind of a result field.
#[derive(Clone, Copy)]
enum Kind {
    Text,
    Float,
    Count,
    Flags,
}

/// The result struct's fields, in order.
const FIELDS: &[(&str, Kind)] = &[
    ("metric", Kind::Text),
    ("value", Kind::Float),
    ("n", Kind::Count),
    ("se", Kind::Float),
    ("low", Kind::Float),
    ("high", Kind::Float),
    ("level", Kind::Float),
    ("method", Kind::Text),
    ("flags", Kind::Flags),
    ("reason", Kind::Text),
    ("detractors", Kind::Count),
    ("passives", Kind::Count),
    ("promoters", Kind::Count),
    ("mean", Kind::Float),
    ("topTwoBox", Kind::Float),
    ("agree", Kind::Float),
    ("index", Kind::Float),
    ("notApplicable", Kind::Count),
];

fn fields() -> Fields {
    FIELDS
        .iter()
        .map(|&(name, kind)| {
            let t = match kind {
                Kind::Text => DataType::Utf8,
                Kind::Float => DataType::Float64,
                Kind::Count => DataType::UInt64,
                Kind::Flags => {
                    DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true)))
                }
            };
            Field::new(name, t, true)
        })
        .collect()
}

/// The Arrow type of a score.
pub fn result_type() -> DataType {
    DataType::Struct(fields())
}

/// The JSON name of an enum value (`adjustedWald`, `smallSample`): cx's
/// own serde names, declared once in cx-core.
fn json_name<T: Serialize>(t: &T) -> Option<String> {
    match serde_json::to_value(t) {
        Ok(serde_json::Value::String(s)) => Some(s),
        _ => None,
    }
}

impl Scored {
    /// The score of `histogram`, a histogram of `metric`, under `options`.
    pub fn new(metric: Metric, histogram: Histogram, options: Options) -> Scored {
        Scored {
            metric,
            histogram,
            score: metric.score(&histogram, options.method, options.level),
            level: options.level,
        }
    }

    fn f64_field(&self, name: &str) -> Option<f64> {
        let s = &self.score;
        match name {
            "value" => s.value,
            "se" => s.se,
            "low" => s.interval.map(|i| i.low),
            "high" => s.interval.map(|i| i.high),
            "level" => Some(self.level),
            "mean" => s.mean,
            // CSAT is the top-two-box share: its value.
            "topTwoBox" if self.metric == Metric::Csat => s.value,
            "topTwoBox" => s.top_two_box,
            "agree" => s.agree,
            "index" => s.index,
            _ => None,
        }
    }

    fn text_field(&self, name: &str) -> Option<String> {
        match name {
            "metric" => Some(self.metric.name().to_string()),
            "method" => json_name(&self.score.interval?.method),
            "reason" => self.score.reason.clone(),
            _ => None,
        }
    }

    fn u64_field(&self, name: &str) -> Option<u64> {
        let s = &self.score;
        match name {
            "n" => Some(s.n),
            "detractors" => s.detractors,
            "passives" => s.passives,
            "promoters" => s.promoters,
            "notApplicable" if self.metric == Metric::Attribute => {
                Some(self.histogram.count(NOT_APPLICABLE))
            }
            _ => None,
        }
    }
}

/// A column of scores, `None` for a null score (the score of a null
/// state).
pub fn result_array(rows: &[Option<Scored>]) -> ArrayRef {
    let columns = FIELDS
        .iter()
        .map(|&(name, kind)| -> ArrayRef {
            match kind {
                Kind::Float => Arc::new(Float64Array::from_iter(
                    rows.iter()
                        .map(|r| r.as_ref().and_then(|r| r.f64_field(name))),
                )),
                Kind::Count => Arc::new(UInt64Array::from_iter(
                    rows.iter()
                        .map(|r| r.as_ref().and_then(|r| r.u64_field(name))),
                )),
                Kind::Flags => flags_array(rows),
                Kind::Text => Arc::new(StringArray::from_iter(
                    rows.iter()
                        .map(|r| r.as_ref().and_then(|r| r.text_field(name))),
                )),
            }
        })
        .collect();
    let nulls = NullBuffer::from_iter(rows.iter().map(Option::is_some));
    let nulls = (nulls.null_count() > 0).then_some(nulls);
    Arc::new(StructArray::new(fields(), columns, nulls))
}

fn flags_array(rows: &[Option<Scored>]) -> ArrayRef {
    let mut flags = ListBuilder::new(StringBuilder::new());
    for r in rows {
        match r {
            Some(r) => {
                for f in &r.score.flags {
                    flags.values().append_option(json_name(f));
                }
                flags.append(true);
            }
            None => flags.append(false),
        }
    }
    Arc::new(flags.finish())
}
