//! Ratings in: a column of integers or floats to the rating codes a
//! histogram counts, each checked against the function's accepted range.
//! A NULL is no answer ([`NO_ANSWER`]): skipped, as the engine skips a
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

/// The code of a NULL rating.
pub const NO_ANSWER: u8 = u8::MAX;

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

/// The rating codes of a column: the rating, or [`NO_ANSWER`] for NULL.
pub fn rating_codes(source: Source<'_>, array: &ArrayRef) -> Result<Vec<u8>> {
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
    match array.data_type() {
        DataType::Null => Ok(vec![NO_ANSWER; array.len()]),
        DataType::Int8 => codes::<Int8Type>(array, |v| int(v.into())),
        DataType::Int16 => codes::<Int16Type>(array, |v| int(v.into())),
        DataType::Int32 => codes::<Int32Type>(array, |v| int(v.into())),
        DataType::Int64 => codes::<Int64Type>(array, |v| int(v.into())),
        DataType::UInt8 => codes::<UInt8Type>(array, |v| int(v.into())),
        DataType::UInt16 => codes::<UInt16Type>(array, |v| int(v.into())),
        DataType::UInt32 => codes::<UInt32Type>(array, |v| int(v.into())),
        DataType::UInt64 => codes::<UInt64Type>(array, |v| int(v.into())),
        DataType::Float32 => codes::<Float32Type>(array, |v| float(v.into())),
        DataType::Float64 => codes::<Float64Type>(array, float),
        t => exec_err!(
            "{}: the rating must be an integer or floating-point column; got a value of type {t}",
            source.function
        ),
    }
}

fn codes<T: ArrowPrimitiveType>(
    array: &ArrayRef,
    code: impl Fn(T::Native) -> Result<u8>,
) -> Result<Vec<u8>> {
    let a: &PrimitiveArray<T> = array.as_primitive::<T>();
    let mut out = Vec::with_capacity(a.len());
    match a.nulls().filter(|n| n.null_count() > 0) {
        None => {
            for &v in a.values().iter() {
                out.push(code(v)?);
            }
        }
        Some(nulls) => {
            for (i, &v) in a.values().iter().enumerate() {
                out.push(if nulls.is_valid(i) {
                    code(v)?
                } else {
                    NO_ANSWER
                });
            }
        }
    }
    Ok(out)
}
