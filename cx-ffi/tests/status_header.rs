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

/// `struct cx_response` holds the fields of `ResponseField` (the one
/// declaration of a customer response), each map with its
/// `_len`; `kind` (every row is a response) and `comment` (not filed) are
/// left out.
#[test]
fn header_response_struct_matches_the_response_fields() {
    use cx_core::record::ResponseField as F;
    let header = include_str!("../../include/cx.h");
    let body = header
        .split("typedef struct cx_response {")
        .nth(1)
        .and_then(|rest| rest.split("} cx_response;").next())
        .expect("struct cx_response in include/cx.h");
    let members: Vec<&str> = body
        .lines()
        .map(str::trim)
        .filter(|l| l.ends_with(';') && !l.starts_with('*') && !l.starts_with("/*"))
        .filter_map(|l| l.trim_end_matches(';').rsplit([' ', '*']).next())
        .collect();
    let mut expected: Vec<String> = Vec::new();
    for f in F::ALL.iter().filter(|f| !matches!(f, F::Kind)) {
        expected.push(f.name().to_string());
        if matches!(f, F::Dimensions | F::Attributes | F::Expectations) {
            expected.push(format!("{}_len", f.name()));
        }
    }
    let mut sorted_members: Vec<String> = members.iter().map(|m| m.to_string()).collect();
    sorted_members.sort();
    expected.sort();
    assert_eq!(
        sorted_members, expected,
        "members in header order: {members:?}"
    );
}
