//! The id syntax of plans (`cx_core::plan::id`, docs/diagnostics.md "Ids"):
//! one table of ids, each put in one id field of the sample plan, with the
//! JSON Pointer of the `invalid-id` diagnostic expected (or none), and the
//! same table against the committed JSON Schema.

use cx_core::plan::{codes, Plan};
use serde_json::Value;

const SAMPLE: &str = include_str!("../../examples/data/plan.json");
const AIRLINE: &str = include_str!("../../examples/data/airline-plan.json");
const SCHEMA: &str = include_str!("../../schema/plan.schema.json");

/// (JSON Pointer of an id field of the sample plan, the id put there,
/// accepted?). The schema check is skipped for NFC (JSON Schema cannot
/// express it): see `NOT_NFC`.
const CASES: &[(&str, &str, bool)] = &[
    // Accepted: the styles of examples/data (camelCase, kebab-case, spaces
    // inside), digits, accents in NFC, other scripts, `:` and `,` outside
    // dimension ids.
    ("/attributes/0/id", "waitTime", true),
    ("/attributes/0/id", "wait-time", true),
    ("/context/segments/0/id", "Loyal Customer", true),
    ("/context/segments/0/id", "disloyal Customer", true),
    ("/dimensions/0/id", "typeOfTravel", true),
    ("/dimensions/0/id", "region 2", true),
    ("/dimensions/0/id", "région", true),
    ("/processes/0/id", "café", true),
    ("/processes/0/id", "顧客対応", true),
    ("/attributes/0/id", "a:b", true),
    ("/deployment/rules/0/id", "rule,one", true),
    ("/strategy/goals/0/id", "x", true),
    // Empty ids: their data could never be queried.
    ("/attributes/0/id", "", false),
    ("/dimensions/0/id", "", false),
    ("/context/segments/0/id", "", false),
    ("/deployment/rules/0/id", "", false),
    // Dimension ids: `:` is shadowed by period grouping, `,` cannot be
    // passed to --cube.
    ("/dimensions/0/id", "period:month", false),
    ("/dimensions/0/id", "region:north", false),
    ("/dimensions/0/id", "class,cabin", false),
    // White space at either end (trimmed by the CLI and CSV).
    ("/strategy/goals/0/id", " goal-nps-mid", false),
    ("/dimensions/0/id", "region ", false),
    ("/attributes/0/id", "wait-time\t", false),
    // Control characters.
    ("/context/segments/0/id", "Loyal\u{0}Customer", false),
    ("/attributes/0/id", "wait\ntime", false),
    ("/processes/0/id", "claims\u{7F}", false),
    ("/processes/0/id", "claims\u{85}x", false),
    // Zero-width and other invisible characters.
    ("/deployment/rules/0/id", "rule\u{200B}name", false),
    ("/deployment/rules/0/id", "rule\u{200C}name", false),
    ("/deployment/rules/0/id", "rule\u{200D}name", false),
    ("/deployment/norms/0/id", "norm\u{2060}x", false),
    ("/strategy/identity/dominant/id", "\u{FEFF}fluidity", false),
    ("/strategy/identity/emphasized/0/id", "x\u{AD}y", false),
    ("/deployment/tangibles/0/id", "a\u{202E}b", false),
    ("/deployment/policies/0/id", "a\u{2066}b", false),
    ("/interventions/0/id", "a\u{200E}b", false),
    ("/evaluation/instruments/0/id", "a\u{2028}b", false),
    ("/benchmarks/0/id", "a\u{E0041}b", false),
    ("/context/needs/0/id", "a\u{34F}b", false),
    ("/deployment/mobilization/0/id", "a\u{FFF9}b", false),
    ("/context/contactReasons/0/id", "a\u{180E}b", false),
];

/// Not NFC: `e` + U+0301 COMBINING ACUTE ACCENT (NFC is `é`, U+00E9), and
/// U+212B ANGSTROM SIGN (NFC is U+00C5). The schema cannot check these.
const NOT_NFC: &[(&str, &str)] = &[
    ("/processes/0/id", "cafe\u{301}"),
    ("/context/segments/0/id", "\u{212B}ngstr\u{F6}m"),
    ("/dimensions/0/id", "re\u{301}gion"),
];

fn plan_with(pointer: &str, id: &str) -> Value {
    let mut doc: Value = serde_json::from_str(SAMPLE).unwrap();
    *doc.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("{pointer} is not in the sample plan")) = Value::from(id);
    doc
}

/// The pointers of the `invalid-id` diagnostics of a plan document.
fn invalid_ids(doc: &Value) -> Vec<(String, String)> {
    let plan = Plan::from_json(&doc.to_string()).expect("the plan parses");
    plan.validate()
        .into_iter()
        .filter(|d| d.code == codes::INVALID_ID)
        .map(|d| {
            assert!(d.is_error());
            (d.pointer, d.message)
        })
        .collect()
}

#[test]
fn the_sample_plans_have_valid_ids() {
    for text in [SAMPLE, AIRLINE] {
        let doc: Value = serde_json::from_str(text).unwrap();
        assert_eq!(invalid_ids(&doc), vec![]);
    }
}

#[test]
fn every_id_field_follows_the_one_syntax_with_its_pointer() {
    let all = CASES
        .iter()
        .copied()
        .chain(NOT_NFC.iter().map(|&(p, id)| (p, id, false)));
    for (pointer, id, accepted) in all {
        let found = invalid_ids(&plan_with(pointer, id));
        if accepted {
            assert_eq!(found, vec![], "{id:?} at {pointer} refused");
        } else {
            assert_eq!(found.len(), 1, "{id:?} at {pointer}: {found:?}");
            let (at, message) = &found[0];
            assert_eq!(at, pointer, "{id:?}: {message}");
            // The message shows the id without raw invisible characters.
            assert!(
                !message.chars().any(|c| c.is_control() || c == '\u{200B}'),
                "{message:?}"
            );
        }
    }
}

#[test]
fn messages_say_what_is_wrong_and_what_is_expected() {
    for (pointer, id, words) in [
        ("/attributes/0/id", "", "is empty"),
        ("/dimensions/0/id", "period:month", "`:`"),
        ("/dimensions/0/id", "class,cabin", "--cube"),
        ("/deployment/rules/0/id", "rule\u{200B}name", "U+200B"),
        (
            "/context/segments/0/id",
            "Loyal\u{0}Customer",
            "control character",
        ),
        ("/processes/0/id", "cafe\u{301}", "NFC"),
        ("/strategy/goals/0/id", " goal", "white space"),
    ] {
        let found = invalid_ids(&plan_with(pointer, id));
        assert!(found[0].1.contains(words), "{:?}", found[0].1);
    }
}

#[test]
fn a_dimension_may_not_shadow_a_standard_dimension_or_query_key() {
    for name in ["segment", "team", "period", "auditMethod", "kind"] {
        let plan = Plan::from_json(&plan_with("/dimensions/0/id", name).to_string()).unwrap();
        assert!(plan
            .validate()
            .iter()
            .any(|d| d.code == codes::RESERVED_DIMENSION_ID && d.pointer == "/dimensions/0/id"));
    }
}

#[test]
fn the_schema_holds_the_same_syntax() {
    let schema: Value = serde_json::from_str(SCHEMA).unwrap();
    let v = jsonschema::validator_for(&schema).unwrap();
    for &(pointer, id, accepted) in CASES {
        let doc = plan_with(pointer, id);
        let errors: Vec<String> = v
            .iter_errors(&doc)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        if accepted {
            assert!(errors.is_empty(), "{id:?} at {pointer}: {errors:?}");
        } else {
            assert!(
                !errors.is_empty(),
                "{id:?} at {pointer} accepted by the schema"
            );
            // The error is at the id, or at an optional object holding it
            // (`anyOf` of the object and null).
            let paths: Vec<String> = v
                .iter_errors(&doc)
                .map(|e| e.instance_path().to_string())
                .collect();
            assert!(
                paths.iter().all(|p| pointer.starts_with(p.as_str())),
                "{id:?} at {pointer}: {errors:?}"
            );
        }
    }
}
