//! No function in `cx-core/src` is longer than [`LIMIT`] lines (issue #17).
//!
//! A function's length is every line from its `fn` line to the line of its
//! closing brace, counted as the review tool `fnlen.py` counts it, so the
//! two always agree:
//!
//! - a line starts a function when it matches `^\s*(pub(\(…\))?\s+)?(const\s+)?
//!   (async\s+)?(unsafe\s+)?(extern\s+"C"\s+)?fn\s+NAME` and does not end with
//!   `;` (a declaration without a body);
//! - from that line on, braces are counted line by line, after removing
//!   string literals (`"…"` with escapes, on one line), character literals
//!   (`'x'`, `'\x'`) and `//` comments; the function ends on the first line
//!   where a brace has been opened and the depth is back to zero or below
//!   (or at the end of the file, counted one past its last line);
//! - functions inside functions are counted too, from their own `fn` line.
//!
//! It is a Rust test, not a script, so that `cargo test --workspace` (CI's
//! `scripts/ci/rust.sh`, and every developer's test run) enforces it with no
//! other tool installed. It has no allow-list: split a long function into
//! named steps instead.

use std::path::{Path, PathBuf};

/// The longest a function of `cx-core/src` may be, in lines.
const LIMIT: usize = 120;

/// One function: where it starts and how many lines it spans.
#[derive(Debug, PartialEq)]
struct Function {
    /// Its 1-based `fn` line.
    line: usize,
    /// Its name.
    name: String,
    /// Lines from the `fn` line to the closing brace, both included.
    lines: usize,
}

/// Python's `\s` (`str.isspace`): Unicode white space and the separators
/// U+001C–U+001F.
fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `\w`: a letter, a digit or `_`.
fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `s` after at least one white-space character, or `None`.
fn after_spaces(s: &str) -> Option<&str> {
    let rest = s.trim_start_matches(is_space);
    (rest.len() < s.len()).then_some(rest)
}

/// `s` after the keyword `word` and the white space that must follow it.
fn after_keyword<'a>(s: &'a str, word: &str) -> Option<&'a str> {
    after_spaces(s.strip_prefix(word)?)
}

/// The visibility `pub`, `pub(…)` and its trailing white space, if `s`
/// starts with it.
fn after_visibility(s: &str) -> Option<&str> {
    let rest = s.strip_prefix("pub")?;
    let rest = match rest.strip_prefix('(') {
        Some(inner) => &inner[inner.find(')')? + 1..],
        None => rest,
    };
    after_spaces(rest)
}

/// The name of the function whose header starts `line`, if it does.
fn function_name(line: &str) -> Option<&str> {
    let mut s = line.trim_start_matches(is_space);
    if let Some(rest) = after_visibility(s) {
        s = rest;
    }
    for word in ["const", "async", "unsafe"] {
        if let Some(rest) = after_keyword(s, word) {
            s = rest;
        }
    }
    if let Some(rest) = after_keyword(s, "extern").and_then(|r| after_keyword(r, "\"C\"")) {
        s = rest;
    }
    let s = after_keyword(s, "fn")?;
    let end = s.find(|c: char| !is_word(c)).unwrap_or(s.len());
    (end > 0).then(|| &s[..end])
}

/// The length of a string literal opening `s` (at its `"`), escapes
/// included, or `None` when it does not close on this line.
fn string_literal(s: &str) -> Option<usize> {
    let mut chars = s.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some(i + 1),
            '\\' => {
                chars.next()?;
            }
            _ => {}
        }
    }
    None
}

/// The length of a character literal opening `s` (at its `'`): `'x'` or
/// `'\x'`, or `None` (a lifetime, a label).
fn char_literal(s: &str) -> Option<usize> {
    let mut chars = s.char_indices().skip(1);
    let (_, c) = chars.next()?;
    match c {
        '\'' => return None,
        '\\' => {
            chars.next()?;
        }
        _ => {}
    }
    let (i, c) = chars.next()?;
    (c == '\'').then_some(i + 1)
}

/// `line` without its string and character literals and its `//` comment.
fn code_of(line: &str) -> String {
    let mut code = String::with_capacity(line.len());
    let mut i = 0;
    while let Some(c) = line[i..].chars().next() {
        let rest = &line[i..];
        let literal = match c {
            '"' => string_literal(rest),
            '\'' => char_literal(rest),
            _ => None,
        };
        if let Some(len) = literal {
            i += len;
        } else if rest.starts_with("//") {
            break;
        } else {
            code.push(c);
            i += c.len_utf8();
        }
    }
    code
}

/// The lines of `text` as Python's `str.splitlines` cuts them.
fn split_lines(text: &str) -> Vec<&str> {
    let breaks = [
        '\n', '\r', '\u{b}', '\u{c}', '\u{1c}', '\u{1d}', '\u{1e}', '\u{85}', '\u{2028}',
        '\u{2029}',
    ];
    let mut lines = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(breaks) {
        lines.push(&rest[..at]);
        let skip = if rest[at..].starts_with("\r\n") {
            2
        } else {
            rest[at..].chars().next().map_or(1, char::len_utf8)
        };
        rest = &rest[at + skip..];
    }
    if !rest.is_empty() {
        lines.push(rest);
    }
    lines
}

/// Every function of one source text, in order of its `fn` line.
fn functions(text: &str) -> Vec<Function> {
    let lines = split_lines(text);
    let mut found = Vec::new();
    for (i, first) in lines.iter().enumerate() {
        let Some(name) = function_name(first) else {
            continue;
        };
        if first.trim_end_matches(is_space).ends_with(';') {
            continue;
        }
        let (mut depth, mut opened, mut j) = (0i64, false, i);
        while j < lines.len() {
            let code = code_of(lines[j]);
            depth += code.matches('{').count() as i64 - code.matches('}').count() as i64;
            opened = opened || code.contains('{');
            if opened && depth <= 0 {
                break;
            }
            j += 1;
        }
        found.push(Function {
            line: i + 1,
            name: name.to_string(),
            lines: j - i + 1,
        });
    }
    found
}

/// Every `.rs` file under `dir`, recursively.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        panic!("cannot read the directory {}", dir.display());
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_function_of_cx_core_src_is_longer_than_the_limit() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    sources(&root.join("src"), &mut files);
    files.sort();
    assert!(
        files.len() > 10,
        "cx-core/src has only {} files",
        files.len()
    );
    let mut long = Vec::new();
    for file in &files {
        let bytes = std::fs::read(file).unwrap_or_default();
        let shown = Path::new("cx-core").join(file.strip_prefix(root).unwrap_or(file));
        for f in functions(&String::from_utf8_lossy(&bytes)) {
            if f.lines > LIMIT {
                long.push((
                    f.lines,
                    format!("{}:{} {}", shown.display(), f.line, f.name),
                ));
            }
        }
    }
    long.sort_by(|a, b| b.cmp(a));
    let listed: Vec<String> = long
        .iter()
        .map(|(n, at)| format!("  {at}: {n} lines"))
        .collect();
    assert!(
        long.is_empty(),
        "{} function(s) of cx-core/src longer than {LIMIT} lines (from the `fn` line to the closing brace); split each into named steps:\n{}",
        long.len(),
        listed.join("\n")
    );
}

#[test]
fn a_function_spans_its_fn_line_to_its_closing_brace() {
    let text = "fn a() {\n    x();\n}\n\npub(crate) const fn b() -> u8 { 1 }\n";
    assert_eq!(
        functions(text),
        [
            Function {
                line: 1,
                name: "a".into(),
                lines: 3
            },
            Function {
                line: 5,
                name: "b".into(),
                lines: 1
            },
        ]
    );
}

#[test]
fn a_planted_long_function_is_measured_to_the_line() {
    let body: String = (0..LIMIT)
        .map(|i| format!("    let x{i} = {i};\n"))
        .collect();
    let text = format!("//! doc\n\npub fn long() {{\n{body}}}\n");
    let f = functions(&text);
    assert_eq!(f.len(), 1);
    assert_eq!(
        (f[0].line, f[0].name.as_str(), f[0].lines),
        (3, "long", LIMIT + 2)
    );
}

#[test]
fn braces_in_strings_characters_and_comments_do_not_count() {
    let text = concat!(
        "fn s() {\n",
        "    let a = \"{ \\\" {\";\n",
        "    let b = '{';\n",
        "    let c = '\\'';\n",
        "    // } } }\n",
        "    let d: &'static str = \"}\"; // {\n",
        "}\n",
        "fn after() {}\n",
    );
    let f = functions(text);
    assert_eq!((f[0].name.as_str(), f[0].lines), ("s", 7));
    assert_eq!((f[1].line, f[1].lines), (8, 1));
}

#[test]
fn declarations_without_a_body_and_other_items_are_not_functions() {
    let text = "trait T {\n    fn f(&self) -> u8;\n}\nlet fnord = 1;\n/// fn doc() {}\nextern \"C\" fn c() {\n}\n";
    let f = functions(text);
    assert_eq!(
        f,
        [Function {
            line: 6,
            name: "c".into(),
            lines: 2
        }]
    );
}

#[test]
fn a_function_that_never_closes_runs_one_past_the_end() {
    // As fnlen.py counts it: the scan stops past the last line.
    let f = functions("fn open() {\n    x\n");
    assert_eq!(f[0].lines, 3);
}
