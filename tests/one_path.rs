//! Issue #17, item 4: every public item has one path, `cx_core::…`. The
//! umbrella crate `cx` re-exports nothing (a `pub use cx_core::*` gave every
//! item a second path, `cx::…`), and the examples and benches use
//! `cx_core::` as a Rust user does.

/// The Rust sources of the umbrella crate's library, examples and benches.
const SOURCES: [(&str, &str); 11] = [
    ("src/lib.rs", include_str!("../src/lib.rs")),
    ("examples/peers.rs", include_str!("../examples/peers.rs")),
    (
        "examples/cx/main.rs",
        include_str!("../examples/cx/main.rs"),
    ),
    (
        "examples/cx/data.rs",
        include_str!("../examples/cx/data.rs"),
    ),
    (
        "examples/cx/demo.rs",
        include_str!("../examples/cx/demo.rs"),
    ),
    ("examples/cx/out.rs", include_str!("../examples/cx/out.rs")),
    (
        "examples/cx/report.rs",
        include_str!("../examples/cx/report.rs"),
    ),
    (
        "examples/cx/stats.rs",
        include_str!("../examples/cx/stats.rs"),
    ),
    (
        "examples/cx/validate.rs",
        include_str!("../examples/cx/validate.rs"),
    ),
    ("benches/engine.rs", include_str!("../benches/engine.rs")),
    (
        "benches/validate.rs",
        include_str!("../benches/validate.rs"),
    ),
];

#[test]
fn the_umbrella_crate_re_exports_nothing() {
    let lib = SOURCES[0].1;
    let code: Vec<&str> = lib
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("//"))
        .collect();
    assert!(
        code.iter().all(|l| l.starts_with("#![")),
        "src/lib.rs holds only its documentation and lints: {code:?}"
    );
}

#[test]
fn examples_and_benches_use_the_one_path() {
    for (file, text) in SOURCES {
        for (i, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            let second_path = code
                .match_indices("cx::")
                .any(|(at, _)| !code[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_'));
            assert!(
                !second_path,
                "{file}:{}: `cx::` is not a path: {line}",
                i + 1
            );
        }
    }
}
