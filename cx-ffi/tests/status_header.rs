//! The C header's status list is `cx_status::ALL`: the same names, the same
//! numbers, in the same order (the ffi CI step also diffs the whole header
//! against cbindgen's output).

use cx_ffi::cx_status;

/// `ParseError` → `PARSE_ERROR`, `InvalidUtf8` → `INVALID_UTF8`.
fn screaming_snake(name: &str) -> String {
    let mut out = String::new();
    for (i, ch) in name.chars().enumerate() {
        if ch.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(ch.to_ascii_uppercase());
    }
    out
}

#[test]
fn header_status_list_matches() {
    let header = include_str!("../../include/cx.h");
    let listed: Vec<(String, i64)> = header
        .lines()
        .filter_map(|l| {
            let (name, value) = l.trim().strip_prefix("CX_STATUS_")?.split_once(" = ")?;
            Some((name.to_string(), value.trim_end_matches(',').parse().ok()?))
        })
        .collect();
    let expected: Vec<(String, i64)> = cx_status::ALL
        .iter()
        .map(|&(s, name)| (screaming_snake(name), s as i64))
        .collect();
    assert_eq!(listed, expected);
}
