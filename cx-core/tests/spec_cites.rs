//! Every "SPEC §N" cite in the repository names a section of its own
//! `docs/SPEC.md` (issue #17, item 5).
//!
//! A cite is `SPEC §` followed by a section number (`3`, `3.2`, `3.2.1`);
//! a list continues it (`SPEC §3.3, §3.4` and `SPEC §1, §3.4` cite two
//! sections). Inside `docs/SPEC.md` a bare `§N` is a cross-reference and
//! is checked the same way. A section exists when `docs/SPEC.md` has a
//! Markdown heading whose first word is its number (`## 3. Observations`,
//! `### 3.2 Scores`). Other `§` (`RFC 8259 §6`) are not cites.
//!
//! The scan covers every text file of the repository (the crates' sources,
//! READMEs, `docs/`, `schema/`, `include/`, examples and tests), skipping
//! build output (`target*`, `node_modules`, `pkg`, hidden folders) and the
//! fuzz corpus.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// One cite: where it is and the section it names (`None`: no number).
#[derive(Debug, PartialEq)]
struct Cite {
    line: usize,
    column: usize,
    section: Option<String>,
}

/// The section number at the start of `text` (`3.2` of `3.2 formula`,
/// `5` of `5.`), or `None` when `text` does not start with a digit.
fn section_at(text: &str) -> Option<(String, usize)> {
    let len = text
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_digit() || c == '.'))
        .map_or(text.len(), |(i, _)| i);
    let number = text[..len].trim_end_matches('.');
    let valid = !number.is_empty() && number.split('.').all(|p| !p.is_empty());
    valid.then(|| (number.to_string(), len))
}

/// The cites in `text`: after `marker` (`"SPEC §"`), and each `§N` that
/// continues a list (`, §N`, ` and §N`, ` or §N`).
fn cites(text: &str, marker: &str) -> Vec<Cite> {
    let mut out = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let mut from = 0;
        while let Some(found) = line[from..].find(marker) {
            let mut at = from + found + marker.len();
            let column = line[..from + found].chars().count() + 1;
            let Some((section, len)) = section_at(&line[at..]) else {
                out.push(Cite {
                    line: index + 1,
                    column,
                    section: None,
                });
                from = at;
                continue;
            };
            out.push(Cite {
                line: index + 1,
                column,
                section: Some(section),
            });
            at += len;
            // The rest of a list: `, §3.4`, ` and §3.4`.
            loop {
                let rest = &line[at..];
                let skipped = rest.trim_start_matches([',', ' ']);
                let skipped = ["and ", "or "]
                    .iter()
                    .find_map(|w| skipped.strip_prefix(w))
                    .unwrap_or(skipped);
                let Some(after) = skipped.strip_prefix('§') else {
                    break;
                };
                let Some((section, len)) = section_at(after) else {
                    break;
                };
                at += rest.len() - after.len();
                let column = line[..at].chars().count();
                out.push(Cite {
                    line: index + 1,
                    column,
                    section: Some(section),
                });
                at += len;
            }
            from = at;
        }
    }
    out
}

/// The section numbers of `spec`'s headings.
fn sections(spec: &str) -> BTreeSet<String> {
    let mut fenced = false;
    let mut out = BTreeSet::new();
    for line in spec.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        }
        let Some(title) = line.strip_prefix('#') else {
            continue;
        };
        if fenced {
            continue;
        }
        let title = title.trim_start_matches('#');
        if !title.starts_with(' ') {
            continue;
        }
        let first = title.split_whitespace().next().unwrap_or("");
        if let Some((number, len)) = section_at(first) {
            if len == first.len() {
                out.insert(number);
            }
        }
    }
    out
}

/// Every problem with the cites of `text` (named `name`) against `known`.
fn problems(name: &str, text: &str, marker: &str, known: &BTreeSet<String>) -> Vec<String> {
    cites(text, marker)
        .into_iter()
        .filter_map(|c| match c.section {
            None => Some(format!(
                "{name}:{}:{}: `{marker}` without a section number",
                c.line, c.column
            )),
            Some(s) if !known.contains(&s) => Some(format!(
                "{name}:{}:{}: §{s} is not a heading of docs/SPEC.md",
                c.line, c.column
            )),
            Some(_) => None,
        })
        .collect()
}

/// Text files under `dir`, in a stable order, without build output.
fn text_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            let skip = name.starts_with('.')
                || name.starts_with("target")
                || matches!(name, "node_modules" | "pkg" | "corpus" | "artifacts");
            if !skip {
                text_files(&path, out);
            }
        } else {
            out.push(path);
        }
    }
}

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The text of `docs/SPEC.md`.
fn spec() -> String {
    std::fs::read_to_string(repository().join("docs/SPEC.md"))
        .unwrap_or_else(|e| panic!("docs/SPEC.md, which the rustdoc's SPEC cites name: {e}"))
}

#[test]
fn every_spec_cite_names_a_section_of_docs_spec() {
    let root = repository();
    let spec = spec();
    let known = sections(&spec);
    let mut files = Vec::new();
    text_files(&root, &mut files);
    let mut found = 0;
    let mut bad = Vec::new();
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        }; // not UTF-8: not text
        let name = path
            .strip_prefix(&root)
            .unwrap_or(path)
            .display()
            .to_string();
        if name.ends_with("spec_cites.rs") {
            continue; // this file: its cites are examples of the syntax
        }
        found += cites(&text, "SPEC §").len();
        bad.extend(problems(&name, &text, "SPEC §", &known));
    }
    bad.extend(problems("docs/SPEC.md", &spec, "§", &known));
    // The sources cite the spec about 56 times: a scan that finds none is broken.
    assert!(
        found >= 50,
        "only {found} cites found: is the scan reading the repository?"
    );
    assert!(
        bad.is_empty(),
        "cites that docs/SPEC.md does not answer:\n{}",
        bad.join("\n")
    );
}

#[test]
fn docs_spec_has_every_part_of_the_contract() {
    let known = sections(&spec());
    // The contract's parts, in order: method, plan, observations and
    // scores, surfaces, JSON and command line, journeys.
    let parts = [
        "1", "2", "2.1", "2.2", "3", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "4", "5", "5.1",
        "5.2", "5.3", "5.4", "5.5", "5.6", "6",
    ];
    for s in parts {
        assert!(known.contains(s), "docs/SPEC.md has no section {s}");
    }
}

#[test]
fn cites_are_read_as_written() {
    let text = "//! Engine (SPEC §3.3, §3.4 alerts).\n\
                /// See SPEC §5.1 and RFC 8259 §6; SPEC §1, §3.4. SPEC §5.\n\
                /// shapes of SPEC §5 and §2.2 or §9\n\
                /// a bad SPEC §N";
    let got: Vec<(usize, Option<String>)> = cites(text, "SPEC §")
        .into_iter()
        .map(|c| (c.line, c.section))
        .collect();
    let want = [
        (1, Some("3.3")),
        (1, Some("3.4")),
        (2, Some("5.1")),
        (2, Some("1")),
        (2, Some("3.4")),
        (2, Some("5")),
        (3, Some("5")),
        (3, Some("2.2")),
        (3, Some("9")),
        (4, None),
    ]
    .map(|(l, s)| (l, s.map(String::from)));
    assert_eq!(got, want);
    let spec = "# cx\n## 1. Method\n### 3.2 Scores\n```\n## 7. in a fence\n```\n#### 3.2.1 NPS\n##9 no space\n";
    let known = sections(spec);
    assert_eq!(known, ["1", "3.2", "3.2.1"].map(String::from).into());
    let bad = problems("x.rs", text, "SPEC §", &known);
    assert!(
        bad.contains(&"x.rs:1:24: §3.4 is not a heading of docs/SPEC.md".to_string()),
        "{bad:?}"
    );
    assert!(
        bad.contains(&"x.rs:4:11: `SPEC §` without a section number".to_string()),
        "{bad:?}"
    );
    assert!(
        !bad.iter().any(|b| b.contains("§3.2") || b.contains("§1 ")),
        "{bad:?}"
    );
}
