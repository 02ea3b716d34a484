//! `cx stats sentiment` (issue #20, item 8): VADER scores and theme ids of
//! comments, one JSON line per CSV row in input order, or of one `--text`.
//!
//! The expected scores come from vaderSentiment 3.3.2 (PyPI), e.g.
//! `python3 -c 'from vaderSentiment.vaderSentiment import
//! SentimentIntensityAnalyzer as S; print(S().polarity_scores("…"))'`; with
//! a plan lexicon, `s = S(); s.lexicon["refund"] = 2.0` first. Those value
//! checks are in the tests named `*_scores_*`; the others check structure,
//! ids, themes and errors.

mod common;
use common::*;

use serde_json::{json, Value};

/// A fresh directory for one test.
fn dir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("cx-sentiment-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Writes `text` to `name` in `d`; returns its path as text.
fn write(d: &std::path::Path, name: &str, text: &str) -> String {
    let p = d.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

/// The sample plan with these themes and lexicon, written to `d`.
fn plan_file(d: &std::path::Path, themes: Value, lexicon: Value) -> String {
    let mut plan: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("examples/data/plan.json")).unwrap(),
    )
    .unwrap();
    plan["themes"] = themes;
    plan["lexicon"] = lexicon;
    write(d, "plan.json", &plan.to_string())
}

fn themes() -> Value {
    json!([
        {"id": "delay", "terms": ["late", "wait*", "slow"], "links": {"processes": ["claims"]}},
        {"id": "staff", "terms": ["adjuster*", "agent*", "rude"]},
        {"id": "refund", "terms": ["refund*"]}
    ])
}

/// Runs `cx stats sentiment args…`.
fn sentiment(args: &[&str]) -> std::process::Output {
    let mut all = vec!["stats", "sentiment"];
    all.extend_from_slice(args);
    cx(&all)
}

/// The JSON lines of a command's standard output.
fn lines(out: &std::process::Output) -> Vec<Value> {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Quoted cells with commas, doubled quotes and line breaks; ids that look
/// like numbers.
const CSV: &str = concat!(
    "id,when,comment\n",
    "007,2026-01-02,\"The claim was handled quickly and the adjuster was great!\"\n",
    "1e3,2026-01-03,\"Still waiting for my refund. Terrible service 😡\"\n",
    "-5,2026-01-04,\"Rude agent, long wait,\nand nobody helped.\"\n",
    "12,2026-01-05,\"It's \"\"fine\"\", I guess\"\n",
    " x ,2026-01-06,\n",
);

/// The keys of each JSON line of `out`, in the order they are written.
fn key_order(out: &std::process::Output) -> Vec<Vec<String>> {
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    text.lines()
        .map(|line| {
            let mut keys: Vec<(usize, String)> = ["id", "compound", "pos", "neu", "neg", "themes"]
                .iter()
                .filter_map(|k| {
                    line.find(&format!("\"{k}\":"))
                        .map(|at| (at, k.to_string()))
                })
                .collect();
            keys.sort();
            keys.into_iter().map(|(_, k)| k).collect()
        })
        .collect()
}

#[test]
fn one_json_line_per_row_in_input_order_with_ids_as_strings() {
    let d = dir("lines");
    let csv = write(&d, "c.csv", CSV);
    let out = sentiment(&["--csv", &csv, "--column", "comment", "--id", "id", "--json"]);
    let rows = lines(&out);
    assert_eq!(rows.len(), 5);
    let ids: Vec<&Value> = rows.iter().map(|r| &r["id"]).collect();
    // Exactly the cell's text, as strings: never 7, 1000 or -5.
    assert_eq!(
        ids,
        [
            &json!("007"),
            &json!("1e3"),
            &json!("-5"),
            &json!("12"),
            &json!(" x ")
        ]
    );
    for keys in key_order(&out) {
        assert_eq!(keys, ["id", "compound", "pos", "neu", "neg"]);
    }
    for r in &rows {
        assert_eq!(r.as_object().unwrap().len(), 5, "{r}");
        for k in ["compound", "pos", "neu", "neg"] {
            assert!(r[k].is_f64(), "{r}");
        }
    }
    // The empty comment scores 0 everywhere (vaderSentiment: all 0.0).
    assert_eq!(
        rows[4],
        json!({"id": " x ", "compound": 0.0, "pos": 0.0, "neu": 0.0, "neg": 0.0})
    );
    // Keys in the documented order, on one line each.
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("{\"id\":\"007\",\"compound\":"), "{text}");
    let _ = std::fs::remove_dir_all(d);
}

#[test]
fn csv_rows_scores_match_vader_sentiment() {
    let d = dir("scores");
    let csv = write(&d, "c.csv", CSV);
    let rows = lines(&sentiment(&[
        "--csv", &csv, "--column", "comment", "--id", "id", "--json",
    ]));
    // vaderSentiment 3.3.2 polarity_scores of each comment (the CSV cell
    // unquoted: "It's \"fine\", I guess", "Rude agent, long wait,\nand
    // nobody helped.").
    let expected = [
        (0.6588, 0.328, 0.672, 0.0),
        (-0.4767, 0.0, 0.721, 0.279),
        (-0.4588, 0.0, 0.667, 0.333),
        (0.2023, 0.375, 0.625, 0.0),
        (0.0, 0.0, 0.0, 0.0),
    ];
    for (r, (c, p, u, n)) in rows.iter().zip(expected) {
        let got = [&r["compound"], &r["pos"], &r["neu"], &r["neg"]].map(|v| v.as_f64().unwrap());
        for (g, e) in got.iter().zip([c, p, u, n]) {
            assert!((g - e).abs() < 1e-4, "{r}: expected {:?}", (c, p, u, n));
        }
    }
    let _ = std::fs::remove_dir_all(d);
}

#[test]
fn without_id_there_is_no_id_field() {
    let d = dir("noid");
    let csv = write(&d, "c.csv", CSV);
    let rows = lines(&sentiment(&[
        "--csv", &csv, "--column", "comment", "--json",
    ]));
    assert_eq!(rows.len(), 5);
    assert!(rows
        .iter()
        .all(|r| r.get("id").is_none() && r.get("themes").is_none()));
    let _ = std::fs::remove_dir_all(d);
}

#[test]
fn with_a_plan_each_line_has_the_themes_mentioned() {
    let d = dir("themes");
    let csv = write(&d, "c.csv", CSV);
    let plan = plan_file(&d, themes(), json!({}));
    let out = sentiment(&[
        "--csv", &csv, "--column", "comment", "--id", "id", "--plan", &plan, "--json",
    ]);
    let rows = lines(&out);
    let themes: Vec<&Value> = rows.iter().map(|r| &r["themes"]).collect();
    assert_eq!(
        themes,
        [
            &json!(["staff"]),
            &json!(["delay", "refund"]),
            &json!(["delay", "staff"]),
            &json!([]),
            &json!([]),
        ]
    );
    for keys in key_order(&out) {
        assert_eq!(keys, ["id", "compound", "pos", "neu", "neg", "themes"]);
    }
    let _ = std::fs::remove_dir_all(d);
}

#[test]
fn text_scores_one_comment_with_themes() {
    let d = dir("text");
    let plan = plan_file(&d, themes(), json!({}));
    let text = "Great adjuster, but the claim was late";
    let rows = lines(&sentiment(&["--text", text, "--plan", &plan, "--json"]));
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["themes"], json!(["delay", "staff"]));
    assert!(rows[0].get("id").is_none());
    // The readable form: compound, class, shares, themes.
    let out = sentiment(&["--text", text, "--plan", &plan]);
    assert_eq!(out.status.code(), Some(0));
    let shown = String::from_utf8(out.stdout).unwrap();
    assert!(shown.starts_with("compound "), "{shown}");
    assert!(shown.contains("themes: delay, staff"), "{shown}");
    assert_eq!(shown.lines().count(), 1);
    let _ = std::fs::remove_dir_all(d);
}

#[test]
fn text_scores_match_vader_sentiment() {
    // vaderSentiment 3.3.2: polarity_scores("Great adjuster, but the claim
    // was late") = {'neg': 0.0, 'neu': 0.702, 'pos': 0.298, 'compound': 0.3716}.
    let rows = lines(&sentiment(&[
        "--text",
        "Great adjuster, but the claim was late",
        "--json",
    ]));
    assert_eq!(
        rows,
        [json!({"compound": 0.3716, "pos": 0.298, "neu": 0.702, "neg": 0.0})]
    );
    let out = sentiment(&["--text", "Great adjuster, but the claim was late"]);
    let shown = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        shown,
        "compound +0.3716 (positive)  pos 0.298  neu 0.702  neg 0.000\n"
    );
}

#[test]
fn the_plans_lexicon_changes_the_scores() {
    let d = dir("lexicon");
    let plan = plan_file(&d, themes(), json!({"refund": 2.0}));
    let with = lines(&sentiment(&[
        "--text",
        "I got my refund",
        "--plan",
        &plan,
        "--json",
    ]));
    let without = lines(&sentiment(&["--text", "I got my refund", "--json"]));
    // vaderSentiment 3.3.2: 0.0 (refund is not in its lexicon); with
    // s.lexicon["refund"] = 2.0: compound 0.4588, pos 0.5, neu 0.5.
    assert_eq!(without[0]["compound"], json!(0.0));
    assert!(
        (with[0]["compound"].as_f64().unwrap() - 0.4588).abs() < 1e-4,
        "{}",
        with[0]
    );
    assert_eq!(with[0]["themes"], json!(["refund"]));
    let _ = std::fs::remove_dir_all(d);
}

#[test]
fn lexicon_scores_match_vader_sentiment() {
    let d = dir("lexicon-shares");
    let plan = plan_file(&d, json!([]), json!({"refund": 2.0}));
    let with = lines(&sentiment(&[
        "--text",
        "I got my refund",
        "--plan",
        &plan,
        "--json",
    ]));
    assert_eq!(
        with,
        [json!({"compound": 0.4588, "pos": 0.5, "neu": 0.5, "neg": 0.0, "themes": []})]
    );
    let _ = std::fs::remove_dir_all(d);
}

#[test]
fn many_rows_stream_out_in_order() {
    let d = dir("many");
    let mut text = String::from("n,c\n");
    for i in 0..20_000 {
        text.push_str(&format!("{i},\"row {i}, late\"\n"));
    }
    let csv = write(&d, "c.csv", &text);
    let rows = lines(&sentiment(&[
        "--csv", &csv, "--column", "c", "--id", "n", "--json",
    ]));
    assert_eq!(rows.len(), 20_000);
    assert!(rows
        .iter()
        .enumerate()
        .all(|(i, r)| r["id"] == json!(i.to_string())));
    // The readable form numbers rows without --id.
    let out = sentiment(&["--csv", &csv, "--column", "c"]);
    let shown = String::from_utf8(out.stdout).unwrap();
    assert_eq!(shown.lines().count(), 20_000);
    assert!(
        shown
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("row 2\tcompound "),
        "{shown:.200}"
    );
    let _ = std::fs::remove_dir_all(d);
}

/// Asserts exit status 2 and a message on stderr containing each of
/// `words`.
fn fails(args: &[&str], words: &[&str]) {
    let out = cx(args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    for w in words {
        assert!(err.contains(w), "{w:?} not in {err}");
    }
}

#[test]
fn errors_say_what_is_wrong_with_their_exit_status() {
    let d = dir("errors");
    let csv = write(&d, "c.csv", CSV);
    // A missing column: named, with the header's columns.
    fails(
        &[
            "stats",
            "sentiment",
            "--csv",
            &csv,
            "--column",
            "text",
            "--json",
        ],
        &["no column `text`", "id, when, comment"],
    );
    fails(
        &[
            "stats",
            "sentiment",
            "--csv",
            &csv,
            "--column",
            "comment",
            "--id",
            "ref",
        ],
        &["no column `ref`"],
    );
    // A row without the column: its line (after a quoted line break).
    let short = write(&d, "short.csv", "id,comment\n1,\"a\nb\"\n2\n");
    fails(
        &[
            "stats",
            "sentiment",
            "--csv",
            &short,
            "--column",
            "comment",
            "--json",
        ],
        &["line 4", "no `comment` column"],
    );
    // An unreadable file.
    let missing = d.join("nope.csv");
    fails(
        &[
            "stats",
            "sentiment",
            "--csv",
            missing.to_str().unwrap(),
            "--column",
            "c",
        ],
        &["cannot read", "nope.csv"],
    );
    // Not UTF-8.
    let mut bytes = b"id,c\n1,caf".to_vec();
    bytes.extend_from_slice(&[0xe9, b'\n']);
    let latin = d.join("latin1.csv");
    std::fs::write(&latin, bytes).unwrap();
    fails(
        &[
            "stats",
            "sentiment",
            "--csv",
            latin.to_str().unwrap(),
            "--column",
            "c",
        ],
        &["cannot read", "UTF-8"],
    );
    // A plan with errors: the diagnostics with their pointers.
    // It exits with 1, as every command does for a plan with errors.
    let bad = plan_file(&d, json!([{"id": "x", "terms": []}]), json!({"w": 9}));
    let out = cx(&["stats", "sentiment", "--text", "late", "--plan", &bad]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    for w in ["/themes/0/terms", "/lexicon/w", "errors"] {
        assert!(err.contains(w), "{w:?} not in {err}");
    }
    // Usage.
    fails(&["stats", "sentiment", "--json"], &["--text", "--csv"]);
    fails(
        &["stats", "sentiment", "--text", "a", "--csv", &csv],
        &["not both"],
    );
    fails(
        &["stats", "sentiment", "--csv", &csv],
        &["--column is required"],
    );
    fails(
        &["stats", "sentiment", "--text", "a", "--column", "c"],
        &["--column"],
    );
    fails(
        &["stats", "sentiment", "--text", "a", "extra"],
        &["unexpected argument"],
    );
    let _ = std::fs::remove_dir_all(d);
}

#[test]
fn stats_help_lists_sentiment() {
    let out = cx(&["stats", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(
        "cx stats sentiment --csv FILE --column NAME [--id NAME] [--plan PLAN] [--json]"
    ));
    assert!(text.contains("cx stats sentiment --text"));
}
