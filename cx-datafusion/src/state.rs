//! The state of every cx aggregate, as an Arrow value: what the `_state`
//! functions return, what `cx_merge` merges and `cx_score` scores, and the
//! partial state DataFusion ships between partitions and machines.
//!
//! Layout: `Struct { metric: Utf8, counts: List<UInt64> }`, where `metric`
//! is `nps`, `csat`, `ces`, `enps` or `attribute` and `counts` holds the
//! [`Histogram`] of cx-core exactly: 11 counts, `counts[r]` = number of
//! ratings equal to `r` (0..=10), whatever the metric's scale (attributes
//! keep their "not applicable" answers in `counts[0]`). A list of UInt64 is
//! plain Parquet (a repeated INT64); the count is exact, so states merge in
//! any order and give bit-identical sums.

use std::sync::Arc;

use cx_core::score::{Histogram, HISTOGRAM_POINTS};
use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, ListArray, StringArray, StructArray, UInt64Array,
};
use datafusion::arrow::buffer::{NullBuffer, OffsetBuffer};
use datafusion::arrow::compute::{cast_with_options, CastOptions};
use datafusion::arrow::datatypes::{DataType, Field, Fields, UInt64Type};
use datafusion::common::{exec_err, plan_err, Result};

use crate::metric::Metric;

/// The name of the state's metric field.
pub const METRIC: &str = "metric";
/// The name of the state's counts field.
pub const COUNTS: &str = "counts";

fn counts_type() -> DataType {
    DataType::List(Arc::new(Field::new_list_field(DataType::UInt64, false)))
}

fn state_fields() -> Fields {
    Fields::from(vec![
        Field::new(METRIC, DataType::Utf8, false),
        Field::new(COUNTS, counts_type(), false),
    ])
}

/// The Arrow type of a state.
pub fn state_type() -> DataType {
    DataType::Struct(state_fields())
}

/// Whether `t` can be read as a state: a struct with a string `metric` and
/// a list (or large list) `counts` of integers. States written by cx have
/// [`state_type`]; the looser check admits the same values read back from
/// Parquet by other readers (view strings, nullable fields).
pub fn check_state_type(function: &str, t: &DataType) -> Result<()> {
    let ok = match t {
        DataType::Struct(fields) => {
            let field = |name: &str| fields.iter().find(|f| f.name() == name);
            let metric = field(METRIC).is_some_and(|f| {
                matches!(
                    f.data_type(),
                    DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
                )
            });
            let counts = field(COUNTS).is_some_and(|f| match f.data_type() {
                DataType::List(i) | DataType::LargeList(i) => i.data_type().is_integer(),
                _ => false,
            });
            metric && counts
        }
        DataType::Null => true,
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        plan_err!(
            "{function}: the argument must be a cx state (a struct {{metric: string, counts: list of 11 UInt64}}, as a cx_*_state function returns); got {t}"
        )
    }
}

/// A column of states: one per row, `None` for a null state (the state of
/// `cx_merge` over no state).
pub fn state_array(states: &[Option<(Metric, Histogram)>]) -> ArrayRef {
    let metric =
        StringArray::from_iter_values(states.iter().map(|s| s.map_or("", |(m, _)| m.name())));
    let values = UInt64Array::from_iter_values(
        states
            .iter()
            .flat_map(|s| s.map_or([0; HISTOGRAM_POINTS], |(_, h)| h.counts)),
    );
    let offsets = OffsetBuffer::from_lengths(std::iter::repeat_n(HISTOGRAM_POINTS, states.len()));
    let counts = ListArray::new(
        Arc::new(Field::new_list_field(DataType::UInt64, false)),
        offsets,
        Arc::new(values),
        None,
    );
    let nulls = NullBuffer::from_iter(states.iter().map(Option::is_some));
    let nulls = (nulls.null_count() > 0).then_some(nulls);
    Arc::new(StructArray::new(
        state_fields(),
        vec![Arc::new(metric), Arc::new(counts)],
        nulls,
    ))
}

/// Reads a column of states, checking each: a known metric, 11 counts, no
/// count outside the metric's accepted ratings. `expect` (the metric of
/// `cx_nps`'s own partial states) rejects a state of another metric.
pub fn read_states(
    function: &str,
    array: &ArrayRef,
    expect: Option<Metric>,
) -> Result<Vec<Option<(Metric, Histogram)>>> {
    if array.data_type() == &DataType::Null {
        return Ok(vec![None; array.len()]);
    }
    check_state_type(function, array.data_type())?;
    let s = array.as_struct();
    let strict = CastOptions {
        safe: false,
        ..Default::default()
    };
    let metric = cast_with_options(column(function, s, METRIC)?, &DataType::Utf8, &strict)?;
    let metric = metric.as_string::<i32>();
    let counts =
        cast_with_options(column(function, s, COUNTS)?, &counts_type(), &strict).or_else(|e| {
            exec_err!("{function}: a state's counts must be integers from 0 to 2^64 − 1: {e}")
        })?;
    let counts = counts.as_list::<i32>();
    let mut out = Vec::with_capacity(s.len());
    for row in 0..s.len() {
        if s.is_null(row) {
            out.push(None);
            continue;
        }
        out.push(Some(read_one(function, metric, counts, row, expect)?));
    }
    Ok(out)
}

fn column<'a>(function: &str, s: &'a StructArray, name: &str) -> Result<&'a ArrayRef> {
    match s.column_by_name(name) {
        Some(c) => Ok(c),
        None => plan_err!("{function}: a cx state has a `{name}` field; this struct has none"),
    }
}

fn read_one(
    function: &str,
    metric: &StringArray,
    counts: &ListArray,
    row: usize,
    expect: Option<Metric>,
) -> Result<(Metric, Histogram)> {
    let name = if metric.is_null(row) {
        "null"
    } else {
        metric.value(row)
    };
    let Some(m) = Metric::from_name(name) else {
        return exec_err!(
            "{function}: a state's metric is `{name}`: expected nps, csat, ces, enps or attribute"
        );
    };
    if let Some(e) = expect.filter(|&e| e != m) {
        return exec_err!(
            "{function}: cannot merge a {} state into {} states",
            m.name(),
            e.name()
        );
    }
    let values = counts.value(row);
    let values = values.as_primitive::<UInt64Type>();
    if counts.is_null(row) || values.len() != HISTOGRAM_POINTS || values.null_count() > 0 {
        return exec_err!(
            "{function}: a {} state's counts must be {HISTOGRAM_POINTS} counts (ratings 0 to 10) without nulls; got {} value(s), {} null",
            m.name(),
            values.len(),
            values.null_count()
        );
    }
    let mut h = Histogram::default();
    h.counts.copy_from_slice(values.values());
    if let Err(e) = m.check(&h) {
        return exec_err!("{function}: this {} state is invalid: {e}", m.name());
    }
    Ok((m, h))
}
