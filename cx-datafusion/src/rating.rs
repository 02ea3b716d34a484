//! Ratings in: a column of integers or floats to the rating codes a
//! histogram counts, each checked against the function's accepted range.
//! A NULL is no answer: skipped, as the engine skips a
//! record's missing rating (it counts in no histogram, so not in `n`). A
//! float must be integral (7.0 is 7; 7.5 is an error); a value outside the
//! range is an error naming the function, the column and the value. Never
//! a clamp.

use datafusion::arrow::array::{Array, ArrayRef, ArrowPrimitiveType, AsArray, PrimitiveArray};
use datafusion::arrow::datatypes::{
    DataType, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type, UInt16Type,
    UInt32Type, UInt64Type, UInt8Type,
};
use datafusion::common::{exec_err, plan_err, Result};

use crate::metric::Metric;

/// Checks the rating column's type at planning time.
pub fn check_rating_type(function: &str, t: &DataType) -> Result<()> {
    if t.is_integer() || matches!(t, DataType::Float32 | DataType::Float64 | DataType::Null) {
        Ok(())
    } else {
        plan_err!(
            "{function}: the rating must be an integer or floating-point column; got a value of type {t}"
        )
    }
}

/// Where a rating comes from, for errors: the function and the column.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// The SQL function (`cx_nps`).
    pub function: &'a str,
    /// The column or expression (`rating`).
    pub column: &'a str,
    /// The function's metric.
    pub metric: Metric,
}

impl Source<'_> {
    fn error<T>(&self, value: impl std::fmt::Display, what: &str) -> Result<T> {
        exec_err!(
            "{}({}): {value} {what}: expected {}",
            self.function,
            self.column,
            self.metric.expected()
        )
    }
}

/// Calls `sink(row, rating)` for every answered row of the column, in
/// order, after checking the rating; NULLs (no answer) are skipped. Stops at
/// the first bad value with an error naming it.
pub fn for_each_rating(
    source: Source<'_>,
    array: &ArrayRef,
    mut sink: impl FnMut(usize, u8),
) -> Result<()> {
    let (lo, hi) = source.metric.accepted();
    let int = |v: i128| -> Result<u8> {
        match u8::try_from(v) {
            Ok(r) if (lo..=hi).contains(&r) => Ok(r),
            _ => source.error(v, "is out of range"),
        }
    };
    let float = |v: f64| -> Result<u8> {
        if !v.is_finite() || v.fract() != 0.0 {
            return source.error(v, "is not an integer");
        }
        if v < f64::from(lo) || v > f64::from(hi) {
            return source.error(v, "is out of range");
        }
        // Integral and within lo..=hi: exact.
        Ok(v as u8)
    };
    let sink = &mut sink;
    match array.data_type() {
        DataType::Null => Ok(()),
        DataType::Int8 => each::<Int8Type>(array, |v| int(v.into()), sink),
        DataType::Int16 => each::<Int16Type>(array, |v| int(v.into()), sink),
        DataType::Int32 => each::<Int32Type>(array, |v| int(v.into()), sink),
        DataType::Int64 => each::<Int64Type>(array, |v| int(v.into()), sink),
        DataType::UInt8 => each::<UInt8Type>(array, |v| int(v.into()), sink),
        DataType::UInt16 => each::<UInt16Type>(array, |v| int(v.into()), sink),
        DataType::UInt32 => each::<UInt32Type>(array, |v| int(v.into()), sink),
        DataType::UInt64 => each::<UInt64Type>(array, |v| int(v.into()), sink),
        DataType::Float32 => each::<Float32Type>(array, |v| float(v.into()), sink),
        DataType::Float64 => each::<Float64Type>(array, float, sink),
        t => exec_err!(
            "{}: the rating must be an integer or floating-point column; got a value of type {t}",
            source.function
        ),
    }
}

fn each<T: ArrowPrimitiveType>(
    array: &ArrayRef,
    code: impl Fn(T::Native) -> Result<u8>,
    sink: &mut impl FnMut(usize, u8),
) -> Result<()> {
    let a: &PrimitiveArray<T> = array.as_primitive::<T>();
    match a.nulls().filter(|n| n.null_count() > 0) {
        None => {
            for (i, &v) in a.values().iter().enumerate() {
                sink(i, code(v)?);
            }
        }
        Some(nulls) => {
            for (i, &v) in a.values().iter().enumerate() {
                if nulls.is_valid(i) {
                    sink(i, code(v)?);
                }
            }
        }
    }
    Ok(())
}
