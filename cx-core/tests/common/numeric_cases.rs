// The one table of the numeric standard (issue #16, item 6; the rule is
// `cx_core::number`), run through every adapter by
// `cx-core/tests/numeric_standard.rs` (JSON document, JSON Lines, CSV,
// columns) and `cx-ffi/tests/numeric_standard.rs` (the C ABI). Included
// with `include!`, so both read the very same cases.

/// A rating written as `text` (the JSON text of a number, or a CSV cell):
/// `Some(v)` when every adapter reads it as `v`, `None` when every adapter
/// rejects the record.
pub const NUMERIC_CASES: &[(&str, Option<u8>)] = &[
    // Whole values, however JSON spells them.
    ("7", Some(7)),
    ("7.0", Some(7)),
    ("7.000", Some(7)),
    ("7e0", Some(7)),
    ("7E0", Some(7)),
    ("7e+0", Some(7)),
    ("0.7e1", Some(7)),
    ("70e-1", Some(7)),
    ("700E-2", Some(7)),
    ("0", Some(0)),
    ("-0", Some(0)),
    ("-0.0", Some(0)),
    ("0e5", Some(0)),
    ("10", Some(10)),
    ("10.0", Some(10)),
    ("1e1", Some(10)),
    // The value is the nearest double, as every JSON reader takes it:
    // 7.0000000000000001 is 7 (documented in `cx_core::number`).
    ("7.0000000000000001", Some(7)),
    // Not whole.
    ("7.5", None),
    ("6.02", None),
    ("-0.5", None),
    // Not JSON number grammar.
    ("+7", None),
    ("07", None),
    ("00", None),
    (".7e1", None),
    ("7.", None),
    ("7e", None),
    ("-", None),
    ("0x7", None),
    ("7 points", None),
    ("NaN", None),
    ("Infinity", None),
    // Whole, outside the field's range (NPS and the test attribute: 0–10).
    ("11", None),
    ("-1", None),
    ("255", None),
    ("256", None),
    ("300", None),
    ("1e400", None),
];

/// The integer a typed caller (columns, C rows) would pass for a case:
/// the whole value of the texts that are plain integers, `None` for text a
/// typed input cannot carry (`7.5`, `+7`).
pub fn typed_value(text: &str) -> Option<i64> {
    let v: i64 = text.parse().ok()?;
    let leading_zero = text.len() > 1 && text.starts_with('0');
    let signed = text.starts_with('+');
    (!(signed || leading_zero)).then_some(v)
}
