//! Reading a JSON document into a typed value with an error that says where:
//! line, column and the JSON Pointer of the value being read.
//!
//! The document is read by serde_json alone; only when it fails is the
//! pointer worked out, by scanning the text up to the error's position. This
//! keeps one deserializer per type (no path-tracking wrapper around every
//! visitor: a large part of the WebAssembly module and of the parse time) and
//! gives the pointer `serde_path_to_error` would: the member or element being
//! read, or the object or array just closed for an error found at its end (a
//! missing field, a wrong length). What this module does not do: validate
//! documents (see `plan::validate`) or split JSON Lines (see `engine`).

use serde::de::DeserializeOwned;

use crate::diagnostic::escape_pointer_token;
use crate::error::ParseError;

/// Reads a whole JSON document (nothing but whitespace after it, a
/// byte-order mark before it: see [`strip_bom`]) into `T`.
/// The error has the 1-based line and column, the JSON Pointer and the
/// message without serde_json's " at line L column C".
///
/// ```
/// use cx_core::json::from_json_positioned;
/// let err = from_json_positioned::<Vec<u8>>("[1,\n 2, \"x\"]").unwrap_err();
/// assert_eq!((err.line, err.column, err.pointer.as_str()), (2, 7, "/2"));
/// assert_eq!(err.message, "invalid type: string \"x\", expected a whole number from 0 to 255");
/// ```
pub fn from_json_positioned<T: DeserializeOwned>(text: &str) -> Result<T, ParseError> {
    let text = strip_bom(text);
    serde_json::from_str(text).map_err(|e: serde_json::Error| {
        let message = clean_message(&e.to_string());
        // A syntax error's position includes the offending byte.
        let syntax = e.classify() == serde_json::error::Category::Syntax;
        let between = BETWEEN_VALUES.iter().any(|m| message.starts_with(m));
        // A value checked once read (a custom `Deserialize`, an untagged or
        // internally tagged enum) can fail after its container was read to
        // the end: the pointer is then the container's last member.
        let buffered = e.classify() == serde_json::error::Category::Data
            && !OBJECT_ITSELF.iter().any(|m| message.starts_with(m));
        let at = Scan {
            skip_last: syntax,
            between,
            buffered,
        };
        ParseError {
            line: e.line().max(1),
            column: e.column().max(1),
            pointer: pointer_at(text, e.line(), e.column(), at),
            message: user_terms(&message),
        }
    })
}

/// A UTF-8 byte-order mark at the start of `text` removed: every JSON
/// document (plan, mapping, query, playbook, records, a snapshot
/// document) may start with one, as JSON Lines and CSV inputs may (editors
/// on Windows write it). Columns on line 1 are then counted after it: it
/// is no character a user sees.
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{FEFF}').unwrap_or(text)
}

/// Messages about the container rather than the member just read: text
/// missing between members or elements (serde_json), a repeated member
/// (serde's derive, `record::unique_keys`).
const BETWEEN_VALUES: [&str; 9] = [
    "duplicate field",
    "duplicate key",
    "expected `,` or",
    "expected `:`",
    "trailing comma",
    "trailing characters",
    "key must be a string",
    "EOF while parsing a list",
    "EOF while parsing an object",
];

/// Messages of a data error found at the end of an object or array that is
/// about that object or array itself.
const OBJECT_ITSELF: [&str; 2] = ["missing field", "invalid length"];

/// How to read the scan's end (see `from_json_positioned`).
struct Scan {
    /// The last byte read is not scanned (the offending byte of a syntax
    /// error).
    skip_last: bool,
    /// The error lies between members or elements: the innermost
    /// container's current member is left out.
    between: bool,
    /// A data error right after an object or array closed is about its last
    /// member or element (a value whose own check failed once read).
    buffered: bool,
}

/// serde_json appends " at line L column C"; we report those separately.
pub(crate) fn clean_message(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// What serde says in Rust's terms, said in the user's: the one table of
/// those words. serde's derive and serde_json name the Rust type they
/// expected (`expected u8`, `expected struct Response`, `invalid length 0,
/// expected a tuple of size 2`); a document's reader sees JSON values.
/// Fields with their own deserializer (ratings: [`crate::number`]) say
/// more; this is the floor for every other field of every document.
///
/// ```
/// use cx_core::json::user_terms;
/// assert_eq!(user_terms("invalid type: string \"x\", expected u8"),
///            "invalid type: string \"x\", expected a whole number from 0 to 255");
/// assert_eq!(user_terms("invalid length 0, expected a tuple of size 2"),
///            "found an array of 0 elements, expected a pair [first, second]");
/// assert_eq!(user_terms("invalid type: sequence, expected struct Organization"),
///            "invalid type: an array, expected an object");
/// ```
pub fn user_terms(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("invalid length ") {
        let (n, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        if expected.starts_with("struct ") {
            return "invalid type: an array, expected an object".into();
        }
        if expected.starts_with("a tuple of size 2") {
            return format!("found an array of {n} elements, expected a pair [first, second]");
        }
        if let Some(size) = expected.strip_prefix("a tuple of size ") {
            return format!("found an array of {n} elements, expected an array of {size}");
        }
    }
    if message.starts_with("data did not match any variant of untagged enum ") {
        return "the value has none of the shapes allowed here (see the schema)".into();
    }
    // (Rust's words, the user's), each replaced where it is a whole word.
    const WORDS: [(&str, &str); 17] = [
        (
            "expected a tuple of size 2",
            "expected a pair [first, second]",
        ),
        ("expected struct ", "expected an object"),
        ("expected enum ", "expected one of the allowed values"),
        ("expected u8", "expected a whole number from 0 to 255"),
        ("expected u16", "expected a whole number from 0 to 65535"),
        (
            "expected u32",
            "expected a whole number from 0 to 4294967295",
        ),
        (
            "expected u64",
            "expected a whole number from 0 to 18446744073709551615",
        ),
        (
            "expected usize",
            "expected a whole number from 0 to 18446744073709551615",
        ),
        ("expected i32", "expected a whole number"),
        ("expected i64", "expected a whole number"),
        ("expected f32", "expected a number"),
        ("expected f64", "expected a number"),
        ("expected a sequence", "expected an array"),
        ("expected a map", "expected an object"),
        ("invalid type: sequence", "invalid type: an array"),
        ("invalid type: map", "invalid type: an object"),
        ("floating point `", "number `"),
    ];
    let mut out = message.to_string();
    for (rust, user) in WORDS {
        let Some(i) = out.find(rust) else { continue };
        let mut end = i + rust.len();
        if rust.ends_with(' ') {
            // `struct NAME` / `enum NAME`, and `with N elements`.
            let name = out[end..].find([',', ';']).map_or(out.len(), |j| end + j);
            end = name;
        } else if !rust.ends_with('`')
            && out[end..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
        {
            continue;
        }
        out.replace_range(i..end, user);
    }
    out
}

/// One open object or array while scanning.
enum Frame {
    /// The key of the member being read (until the next comma), and whether
    /// a key is expected next.
    Object {
        key: Option<String>,
        expect_key: bool,
    },
    /// The index of the element being read, `None` before it starts.
    Array { index: usize, started: bool },
}

/// The JSON Pointer of the value serde_json was reading when it stopped at
/// `(line, column)` (1-based line; column = bytes of that line it had read).
fn pointer_at(text: &str, line: usize, column: usize, at: Scan) -> String {
    let bytes = text.as_bytes();
    // Byte offset of the start of `line`.
    let mut start = 0;
    if line > 1 {
        let mut seen = 1;
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' {
                seen += 1;
                if seen == line {
                    start = i + 1;
                    break;
                }
            }
        }
    }
    let end = (start + column).min(bytes.len());
    let end = if at.skip_last {
        end.saturating_sub(1)
    } else {
        end
    };
    let mut stack: Vec<Frame> = Vec::new();
    // The last member of the object closed by the last byte scanned.
    let mut closed_member: Option<String> = None;
    let mut i = 0;
    while i < end {
        if !bytes[i].is_ascii_whitespace() {
            closed_member = None;
        }
        match bytes[i] {
            b'{' => {
                value_starts(&mut stack);
                stack.push(Frame::Object {
                    key: None,
                    expect_key: true,
                });
            }
            b'[' => {
                value_starts(&mut stack);
                stack.push(Frame::Array {
                    index: 0,
                    started: false,
                });
            }
            b'}' | b']' => {
                closed_member = match stack.pop() {
                    Some(Frame::Object { key, .. }) => key.map(|k| escape_pointer_token(&k)),
                    Some(Frame::Array {
                        index,
                        started: true,
                    }) => Some(index.to_string()),
                    _ => None,
                };
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object { key, expect_key }) => {
                    *key = None;
                    *expect_key = true;
                }
                Some(Frame::Array { index, started }) => {
                    *index += 1;
                    *started = false;
                }
                None => {}
            },
            b'"' => {
                let open = i;
                i += 1;
                while i < end && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                let closed = i < end;
                match stack.last_mut() {
                    Some(Frame::Object { key, expect_key }) if *expect_key => {
                        if closed {
                            *key = serde_json::from_str(&text[open..=i]).ok();
                            *expect_key = false;
                        }
                    }
                    _ => value_starts(&mut stack),
                }
            }
            b' ' | b'\t' | b'\n' | b'\r' | b':' => {}
            _ => value_starts(&mut stack),
        }
        i += 1;
    }
    if at.between {
        match stack.last_mut() {
            Some(Frame::Object { key, .. }) => *key = None,
            Some(Frame::Array { started, .. }) => *started = false,
            None => {}
        }
    }
    let mut out = String::new();
    for frame in &stack {
        match frame {
            Frame::Object { key: Some(k), .. } => {
                out.push('/');
                out.push_str(&escape_pointer_token(k));
            }
            Frame::Array {
                index,
                started: true,
            } => {
                out.push('/');
                out.push_str(&index.to_string());
            }
            _ => {}
        }
    }
    if let (true, Some(token)) = (at.buffered, closed_member) {
        out.push('/');
        out.push_str(&token);
    }
    out
}

/// A value starts in the innermost container: an array's element begins.
fn value_starts(stack: &mut [Frame]) {
    if let Some(Frame::Array { started, .. }) = stack.last_mut() {
        *started = true;
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    type Doc = BTreeMap<String, String>;

    #[test]
    fn positions_and_messages() {
        let e = from_json_positioned::<Doc>("{\n  \"name\": 7\n}").unwrap_err();
        assert_eq!((e.line, e.column, e.pointer.as_str()), (2, 11, "/name"));
        assert_eq!(e.message, "invalid type: integer `7`, expected a string");
        let e = from_json_positioned::<Doc>("").unwrap_err();
        assert_eq!((e.line, e.column, e.pointer.as_str()), (1, 1, ""));
    }
}
