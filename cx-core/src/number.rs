//! The one numeric standard of every input (issue #16, item 6).
//!
//! **Rule.** A number is written in JSON number grammar (RFC 8259 §6): an
//! optional `-`, an integer part without leading zeros, an optional
//! fraction `.digits`, an optional exponent `e`/`E` with an optional sign.
//! Its value is the IEEE 754 double nearest to it, as every JSON reader
//! takes it. A rating (or any other count of a record) is a number whose
//! value is a whole number within its field's range: `7`, `7.0`, `7e0` and
//! `0.7e1` are all 7, and `-0` is 0; `7.5`, `+7`, `07`, `.7e1`, `7.`, `0x7`
//! and `7 points` are not ratings anywhere.
//!
//! One rule for every input: JSON documents and JSON Lines (the record
//! deserializers in [`crate::record`] read ratings with [`Rating`]), CSV
//! cells (the CSV reader calls [`rating_of_text`]: a cell holds the text a
//! JSON number would), typed columns and C rows (integers already, so a
//! whole value by type; their ranges are checked by the engine as every
//! input's are).
//!
//! What does not live here: the scales of a plan ([`crate::plan`]) and the
//! check of a rating against them (the engine, which reports the field's
//! range with [`Range::expected`]).

use std::fmt;

use serde::de::{self, Deserializer, Visitor};

/// Why a number is not a rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RatingError {
    /// The text is not a number in JSON grammar.
    NotANumber,
    /// A number, but its value is not whole (`7.5`).
    NotWhole,
    /// A whole number a rating can never be (negative, or above 255).
    OutOfRange,
}

/// The range of a rating field: `min`–`max`, and the value that means "not
/// applicable" when the field has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    /// The lowest rating.
    pub min: u8,
    /// The highest rating.
    pub max: u8,
    /// The value meaning "not applicable", outside `min..=max`.
    pub not_applicable: Option<u8>,
}

impl Range {
    /// 0–10: NPS, eNPS and the overall outcome.
    pub const ZERO_TO_TEN: Range = Range {
        min: 0,
        max: 10,
        not_applicable: None,
    };

    /// `min`–`max` without a not-applicable value.
    pub const fn new(min: u8, max: u8) -> Range {
        Range {
            min,
            max,
            not_applicable: None,
        }
    }

    /// What a value of this range is, in words: "a whole number from 0 to
    /// 10" (", or 99 for not applicable").
    pub fn expected(&self) -> String {
        let na = self
            .not_applicable
            .map_or(String::new(), |na| format!(", or {na} for not applicable"));
        format!("a whole number from {} to {}{na}", self.min, self.max)
    }
}

/// Whether `text` is a number in JSON grammar (RFC 8259 §6), nothing
/// before or after it.
///
/// ```
/// use cx_core::number::is_json_number;
/// for ok in ["0", "-0", "7", "7.0", "6e0", "0.6E+1", "-12.5e-3"] {
///     assert!(is_json_number(ok), "{ok}");
/// }
/// for bad in ["", "+6", "06", ".6e1", "6.", "6e", "-", "0x6", "6 ", "NaN", "inf"] {
///     assert!(!is_json_number(bad), "{bad}");
/// }
/// ```
pub fn is_json_number(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            digits(&mut i);
        }
        _ => return false,
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// A rating from the value of a number: whole, from 0 to 255 (the widest
/// any field allows; the field's own range is the engine's check).
///
/// ```
/// use cx_core::number::{rating_of_f64, RatingError};
/// assert_eq!(rating_of_f64(7.0), Ok(7));
/// assert_eq!(rating_of_f64(-0.0), Ok(0));
/// assert_eq!(rating_of_f64(7.5), Err(RatingError::NotWhole));
/// assert_eq!(rating_of_f64(256.0), Err(RatingError::OutOfRange));
/// ```
pub fn rating_of_f64(value: f64) -> Result<u8, RatingError> {
    if !value.is_finite() {
        return Err(RatingError::NotANumber);
    }
    if value.fract() != 0.0 {
        return Err(RatingError::NotWhole);
    }
    if !(0.0..=255.0).contains(&value) {
        return Err(RatingError::OutOfRange);
    }
    // Whole and within 0..=255: the conversion is exact.
    Ok(value as u8)
}

/// A rating from text (a CSV cell): JSON number grammar, then
/// [`rating_of_f64`] of its value.
///
/// ```
/// use cx_core::number::{rating_of_text, RatingError};
/// assert_eq!(rating_of_text("7e0"), Ok(7));
/// assert_eq!(rating_of_text("-0.0"), Ok(0));
/// assert_eq!(rating_of_text("+7"), Err(RatingError::NotANumber));
/// assert_eq!(rating_of_text("300"), Err(RatingError::OutOfRange));
/// ```
pub fn rating_of_text(text: &str) -> Result<u8, RatingError> {
    if !is_json_number(text) {
        return Err(RatingError::NotANumber);
    }
    // JSON grammar is a subset of what `f64::from_str` reads; a value too
    // large for a double reads as infinity, out of range.
    match text.parse::<f64>() {
        Ok(v) if v.is_infinite() => Err(RatingError::OutOfRange),
        Ok(v) => rating_of_f64(v),
        Err(_) => Err(RatingError::NotANumber),
    }
}

/// What to say of a rating `found` (its text) that broke the rule, for a
/// field whose range is `expected` (words, as [`Range::expected`]).
pub fn rating_message(found: &str, error: RatingError, expected: &str) -> String {
    match error {
        RatingError::NotANumber => format!(
            "`{found}` is not a number as JSON writes one (no `+`, no leading zero, digits on both sides of `.`): expected {expected}"
        ),
        RatingError::NotWhole => format!("`{found}` is not a whole number: expected {expected}"),
        RatingError::OutOfRange => format!("`{found}` is out of range: expected {expected}"),
    }
}

/// Reads a rating from any serde input under the rule: a whole number
/// 0–255, whatever its JSON spelling. `expected` words the field's range
/// in its errors (the record deserializers know only fixed ranges; a
/// plan's scale is the engine's check, which names it).
#[derive(Debug, Clone, Copy)]
pub struct Rating(pub &'static str);

impl Rating {
    /// NPS, eNPS, overall outcome.
    pub const ZERO_TO_TEN: Rating = Rating("a whole number from 0 to 10");
    /// CSAT, CES and attribute ratings: the plan's scale.
    pub const ON_SCALE: Rating = Rating("a whole number on the plan's scale");
    /// Employee satisfaction items.
    pub const ONE_TO_FIVE: Rating = Rating("a whole number from 1 to 5");

    fn error<E: de::Error>(self, found: &str, error: RatingError) -> E {
        E::custom(rating_message(found, error, self.0))
    }
}

impl<'de> de::DeserializeSeed<'de> for Rating {
    type Value = u8;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<u8, D::Error> {
        d.deserialize_any(self)
    }
}

impl Visitor<'_> for Rating {
    type Value = u8;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.0)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<u8, E> {
        u8::try_from(v).map_err(|_| self.error(&v.to_string(), RatingError::OutOfRange))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<u8, E> {
        u8::try_from(v).map_err(|_| self.error(&v.to_string(), RatingError::OutOfRange))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<u8, E> {
        // `{:?}` writes 1e300 as `1e300`, not 301 digits.
        rating_of_f64(v).map_err(|e| self.error(&format!("{v:?}"), e))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<u8, E> {
        Err(E::custom(format_args!(
            "\"{v}\" is text: expected {}, written without quotes",
            self.0
        )))
    }
}

/// An optional rating (`null` or absent is no answer) read by `rating`.
pub(crate) fn optional<'de, D: Deserializer<'de>>(
    d: D,
    rating: Rating,
) -> Result<Option<u8>, D::Error> {
    struct Opt(Rating);
    impl<'de> Visitor<'de> for Opt {
        type Value = Option<u8>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            write!(f, "{} or null", self.0 .0)
        }
        fn visit_none<E: de::Error>(self) -> Result<Option<u8>, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Option<u8>, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<u8>, D::Error> {
            d.deserialize_any(self.0).map(Some)
        }
    }
    d.deserialize_option(Opt(rating))
}

/// A decimal number exactly as written: `digits` × 10^−`places`
/// (`"80.25"` is 8025 × 10^−2). Key-driver analysis reads decimals this way
/// so that its sums stay exact integers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal {
    /// The digits as an integer, with the sign.
    pub digits: i64,
    /// The number of decimal places, at most [`Decimal::MAX_PLACES`].
    pub places: u32,
}

/// Why a text (or a number) is not a [`Decimal`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DecimalError {
    /// Not a number in JSON grammar (or not finite).
    #[error("expected a number such as 3, -12.5 or 8.25e1")]
    NotANumber,
    /// More decimal places than [`Decimal::MAX_PLACES`].
    #[error("expected at most 9 decimal places")]
    TooPrecise,
    /// Its digits do not fit in a 64-bit integer.
    #[error("expected at most 18 digits (below 2^63)")]
    TooLarge,
}

impl Decimal {
    /// The most decimal places a decimal may have.
    pub const MAX_PLACES: u32 = 9;

    /// The decimal a text holds: JSON number grammar (the rule of this
    /// module, nothing before or after it), the exponent folded into the
    /// places: `"8.25e1"` is 825 × 10^−1, `"2.50"` is 250 × 10^−2.
    ///
    /// ```
    /// use cx_core::number::{Decimal, DecimalError};
    /// assert_eq!(Decimal::of_text("-9.96"), Ok(Decimal { digits: -996, places: 2 }));
    /// assert_eq!(Decimal::of_text("12e2"), Ok(Decimal { digits: 1200, places: 0 }));
    /// assert_eq!(Decimal::of_text("+3"), Err(DecimalError::NotANumber));
    /// assert_eq!(Decimal::of_text("1e-10"), Err(DecimalError::TooPrecise));
    /// ```
    pub fn of_text(text: &str) -> Result<Decimal, DecimalError> {
        if !is_json_number(text) {
            return Err(DecimalError::NotANumber);
        }
        let (mantissa, exponent) = match text.find(['e', 'E']) {
            Some(i) => (&text[..i], &text[i + 1..]),
            None => (text, "0"),
        };
        let (negative, mantissa) = match mantissa.strip_prefix('-') {
            Some(m) => (true, m),
            None => (false, mantissa),
        };
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let mut digits: i64 = 0;
        for c in int.bytes().chain(frac.bytes()) {
            digits = digits
                .checked_mul(10)
                .and_then(|d| d.checked_add(i64::from(c - b'0')))
                .ok_or(DecimalError::TooLarge)?;
        }
        // Places = fraction digits − exponent; an exponent past ±10^9 is
        // never a decimal of 9 places or fewer with 18 digits.
        let exponent: i64 = exponent.parse().unwrap_or(if exponent.starts_with('-') {
            i64::MIN / 2
        } else {
            i64::MAX / 2
        });
        let places = frac.len() as i64 - exponent;
        if places > i64::from(Decimal::MAX_PLACES) {
            return Err(DecimalError::TooPrecise);
        }
        if places < 0 {
            let scale = u32::try_from(-places)
                .ok()
                .and_then(|p| 10i64.checked_pow(p))
                .ok_or(DecimalError::TooLarge)?;
            digits = if digits == 0 {
                0
            } else {
                digits.checked_mul(scale).ok_or(DecimalError::TooLarge)?
            };
        }
        Ok(Decimal {
            digits: if negative { -digits } else { digits },
            places: places.max(0) as u32,
        })
    }

    /// The decimal of a number (from JSON or JavaScript, where the text is
    /// gone): the shortest decimal that reads back to it, as Rust prints
    /// it. Not finite: [`DecimalError::NotANumber`].
    ///
    /// ```
    /// use cx_core::number::Decimal;
    /// assert_eq!(Decimal::of_f64(0.1), Ok(Decimal { digits: 1, places: 1 }));
    /// ```
    pub fn of_f64(value: f64) -> Result<Decimal, DecimalError> {
        if !value.is_finite() {
            return Err(DecimalError::NotANumber);
        }
        Decimal::of_text(&value.to_string())
    }

    /// Whether two decimals are the same number (`2.50` and `2.5`, `-0`
    /// and `0`).
    pub fn same_value(&self, other: &Decimal) -> bool {
        let places = self.places.max(other.places);
        let scaled = |d: &Decimal| i128::from(d.digits) * 10i128.pow(places - d.places);
        scaled(self) == scaled(other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_value_agree() {
        // Every text in JSON grammar reads as serde_json reads the same
        // number.
        for t in [
            "0", "-0", "7", "7.0", "6e0", "0.6E+1", "255", "256", "2.55e2", "1e400",
        ] {
            let json: Result<u8, _> = de::DeserializeSeed::deserialize(
                Rating::ON_SCALE,
                &mut serde_json::Deserializer::from_str(t),
            );
            assert_eq!(json.ok(), rating_of_text(t).ok(), "{t}");
        }
    }

    #[test]
    fn messages_name_the_range() {
        assert_eq!(
            rating_message("7.5", RatingError::NotWhole, &Range::ZERO_TO_TEN.expected()),
            "`7.5` is not a whole number: expected a whole number from 0 to 10"
        );
        let na = Range {
            not_applicable: Some(99),
            ..Range::new(1, 5)
        };
        assert_eq!(
            na.expected(),
            "a whole number from 1 to 5, or 99 for not applicable"
        );
    }
}
