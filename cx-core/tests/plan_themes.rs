//! Validation of the plan's `themes`, `lexicon` and comment alert
//! threshold (issue #20, item 3), and the trace's theme rows and notes.

use cx_core::diagnostic::{Diagnostic, Severity};
use cx_core::plan::{codes, Plan};
use serde_json::{json, Value};

const SAMPLE: &str = include_str!("../../examples/data/plan.json");

/// The sample plan with `themes` (and `extra` top-level fields) replaced.
fn plan_with(themes: Value, extra: Value) -> Plan {
    let mut doc: Value = serde_json::from_str(SAMPLE).unwrap();
    doc["themes"] = themes;
    if let Value::Object(fields) = extra {
        for (k, v) in fields {
            doc[k] = v;
        }
    }
    Plan::from_json(&doc.to_string()).expect("plan parses")
}

/// The error diagnostics of `plan`.
fn errors(plan: &Plan) -> Vec<Diagnostic> {
    plan.validate()
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect()
}

/// Asserts exactly one error, with `code` at `pointer`, whose message
/// contains each of `words`.
fn one_error(plan: &Plan, code: &str, pointer: &str, words: &[&str]) {
    let errs = errors(plan);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    let d = &errs[0];
    assert_eq!(
        (d.code.as_str(), d.pointer.as_str()),
        (code, pointer),
        "{d:#?}"
    );
    for w in words {
        assert!(d.message.contains(w), "{w:?} not in {:?}", d.message);
    }
    assert!(codes::ALL.contains(&(code, Severity::Error)));
}

fn delay() -> Value {
    json!({"id": "delay", "label": "Delays", "terms": ["delay*", "late", "long wait"],
           "links": {"processes": ["claims"], "attributes": ["claim-speed"],
                     "facets": ["fluidity"], "rules": ["rule-inform", "norm-help"]}})
}

#[test]
fn valid_themes_and_lexicon_have_no_diagnostic() {
    let plan = plan_with(
        json!([delay(), {"id": "staff", "terms": ["staff", "wi-fi", "e-mail*"], "alert": true},
               // A theme may share its id with an attribute.
               {"id": "courtesy", "terms": ["rude*"], "links": {"attributes": ["courtesy"]}}]),
        json!({"lexicon": {"claim": 0.0, "refund": 1.5, "adjuster": -4, "sans souci": 4},
               "thresholds": {"alerts": {"commentCompoundAtMost": -1}}}),
    );
    assert_eq!(errors(&plan), vec![]);
    assert!(plan.is_valid());
}

#[test]
fn duplicate_theme_ids() {
    let mut again = delay();
    again["terms"] = json!(["slow"]);
    let plan = plan_with(
        json!([delay(), {"id": "x", "terms": ["y"]}, {"id": "z", "terms": ["y"]}, again]),
        json!({}),
    );
    one_error(
        &plan,
        codes::DUPLICATE_ID,
        "/themes/3/id",
        &["theme", "\"delay\""],
    );
}

#[test]
fn empty_theme_id() {
    let plan = plan_with(json!([{"id": "", "terms": ["late"]}]), json!({}));
    one_error(&plan, codes::INVALID_ID, "/themes/0/id", &["theme id"]);
}

#[test]
fn theme_without_terms() {
    let plan = plan_with(json!([{"id": "quiet", "terms": []}]), json!({}));
    one_error(
        &plan,
        codes::INVALID_VALUE,
        "/themes/0/terms",
        &["\"quiet\"", "no terms"],
    );
}

#[test]
fn bad_terms_each_have_their_pointer() {
    let cases = [
        ("", "is empty"),
        (" \t", "only white space"),
        ("*", "only `*`"),
        ("**", "only `*`"),
        ("de*lay", "other than at its end"),
        ("*delay", "other than at its end"),
        ("delay**", "other than at its end"),
        ("delay *", "after white space"),
    ];
    for (term, words) in cases {
        let plan = plan_with(
            json!([{"id": "t", "terms": ["late", "slow", term]}]),
            json!({}),
        );
        one_error(
            &plan,
            codes::INVALID_VALUE,
            "/themes/0/terms/2",
            &[words, "theme \"t\""],
        );
    }
    // Whitespace around a term, and a star after punctuation, are fine.
    let plan = plan_with(
        json!([{"id": "t", "terms": [" delay* ", "wi-*", "long  wait"]}]),
        json!({}),
    );
    assert_eq!(errors(&plan), vec![]);
}

#[test]
fn unknown_links_name_the_id_and_the_ids_of_that_kind() {
    let mut t = delay();
    t["links"]["processes"] = json!(["claims", "claimz"]);
    let plan = plan_with(json!([t]), json!({}));
    one_error(
        &plan,
        codes::DANGLING_REFERENCE,
        "/themes/0/links/processes/1",
        &[
            "\"claimz\"",
            "process",
            "\"billing\", \"branch\", \"claims\"",
        ],
    );
    for (field, bad, kind) in [
        ("attributes", "speed", "survey attribute"),
        ("facets", "speed", "identity facet"),
        ("rules", "rule-fast", "rule of the game"),
    ] {
        let mut t = delay();
        t["links"][field] = json!([bad]);
        let plan = plan_with(json!([{"id": "a", "terms": ["a"]}, t]), json!({}));
        let pointer = format!("/themes/1/links/{field}/0");
        one_error(
            &plan,
            codes::DANGLING_REFERENCE,
            &pointer,
            &[bad, kind, "its"],
        );
    }
    // Theme ids are their own kind: a link to a theme id is no link.
    let mut t = delay();
    t["links"]["attributes"] = json!(["delay"]);
    let plan = plan_with(json!([t]), json!({}));
    one_error(
        &plan,
        codes::DANGLING_REFERENCE,
        "/themes/0/links/attributes/0",
        &["\"delay\""],
    );
}

#[test]
fn a_link_to_a_kind_the_plan_lacks_says_so() {
    let mut doc: Value = serde_json::from_str(SAMPLE).unwrap();
    doc["processes"] = json!([]);
    doc["themes"] = json!([{"id": "t", "terms": ["x"], "links": {"processes": ["claims"]}}]);
    let plan = Plan::from_json(&doc.to_string()).unwrap();
    let d: Vec<_> = errors(&plan)
        .into_iter()
        .filter(|d| d.pointer == "/themes/0/links/processes/0")
        .collect();
    assert_eq!(d.len(), 1);
    assert!(
        d[0].message.contains("it has no processes"),
        "{}",
        d[0].message
    );
}

#[test]
fn many_known_ids_are_listed_ten_then_counted() {
    let mut doc: Value = serde_json::from_str(SAMPLE).unwrap();
    assert_eq!(doc["attributes"].as_array().unwrap().len(), 12);
    doc["themes"] = json!([{"id": "t", "terms": ["x"], "links": {"attributes": ["nope"]}}]);
    let plan = Plan::from_json(&doc.to_string()).unwrap();
    let errs = errors(&plan);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(
        errs[0].message.contains("and 2 more"),
        "{}",
        errs[0].message
    );
}

#[test]
fn lexicon_valences_outside_minus_four_to_four() {
    for v in [4.01, -4.5, 100.0] {
        let plan = plan_with(json!([]), json!({"lexicon": {"claim": 0, "slow/a~b": v}}));
        one_error(
            &plan,
            codes::VALUE_OUT_OF_RANGE,
            "/lexicon/slow~1a~0b",
            &["\"slow/a~b\"", "-4", "4"],
        );
    }
    let mut plan = plan_with(json!([]), json!({}));
    plan.lexicon.insert("nan".into(), f64::NAN);
    one_error(&plan, codes::VALUE_OUT_OF_RANGE, "/lexicon/nan", &["NaN"]);
    plan.lexicon.insert("nan".into(), f64::INFINITY);
    one_error(&plan, codes::VALUE_OUT_OF_RANGE, "/lexicon/nan", &["inf"]);
}

#[test]
fn empty_lexicon_word() {
    let plan = plan_with(json!([]), json!({"lexicon": {"": 1}}));
    one_error(&plan, codes::INVALID_VALUE, "/lexicon/", &["empty"]);
    let plan = plan_with(json!([]), json!({"lexicon": {"  ": 1}}));
    one_error(&plan, codes::INVALID_VALUE, "/lexicon/  ", &["white space"]);
}

#[test]
fn comment_alert_threshold_outside_minus_one_to_one() {
    for v in [-1.01, 1.5] {
        let plan = plan_with(
            json!([]),
            json!({"thresholds": {"alerts": {"commentCompoundAtMost": v}}}),
        );
        one_error(
            &plan,
            codes::VALUE_OUT_OF_RANGE,
            "/thresholds/alerts/commentCompoundAtMost",
            &["-1", "1"],
        );
    }
    for v in [-1.0, 0.0, 1.0, -0.6] {
        let plan = plan_with(
            json!([]),
            json!({"thresholds": {"alerts": {"commentCompoundAtMost": v}}}),
        );
        assert_eq!(errors(&plan), vec![]);
    }
}

#[test]
fn the_trace_has_a_row_per_theme_and_a_note_for_a_theme_linked_to_nothing() {
    let plan = plan_with(
        json!([delay(), {"id": "loose", "terms": ["x"], "alert": true}, {"id": "b", "terms": ["y"], "links": {"rules": ["rule-polite"]}}]),
        json!({}),
    );
    // A note, not a diagnostic.
    assert!(plan
        .validate()
        .iter()
        .all(|d| !d.pointer.starts_with("/themes")));
    let trace = plan.trace();
    let ids: Vec<_> = trace.themes.iter().map(|t| t.theme_id.as_str()).collect();
    assert_eq!(ids, ["delay", "loose", "b"]);
    assert_eq!(
        trace.themes.iter().map(|t| t.linked).collect::<Vec<_>>(),
        [true, false, true]
    );
    assert_eq!(
        trace.themes.iter().map(|t| t.alert).collect::<Vec<_>>(),
        [false, true, false]
    );
    assert_eq!(trace.themes[0].links.processes, ["claims"]);
    assert_eq!(trace.themes[2].links.rules, ["rule-polite"]);
    assert_eq!(trace.notes.len(), 1);
    assert_eq!(trace.notes[0].pointer, "/themes/1");
    assert!(trace.notes[0].message.contains("\"loose\" is linked to no"));
    // Serialised: the rows and notes are there, and absent without themes.
    let json = serde_json::to_value(&trace).unwrap();
    assert_eq!(json["themes"][1]["themeId"], "loose");
    assert_eq!(json["notes"][0]["pointer"], "/themes/1");
    let bare = serde_json::to_value(plan_with(json!([]), json!({})).trace()).unwrap();
    assert!(bare.get("themes").is_none() && bare.get("notes").is_none());
}
