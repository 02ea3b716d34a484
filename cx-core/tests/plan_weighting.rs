//! The plan's `weighting` section (issue #19, item 5): parsing, the round
//! trip, and every validation diagnostic with its JSON Pointer.

use cx_core::plan::{codes, Plan};

fn plan(weighting: &str) -> Plan {
    Plan::from_json(&format!(
        r#"{{"schemaVersion": 1, "organization": {{"name": "Air"}},
            "dimensions": [{{"id": "class", "label": "Class"}}, {{"id": "a/b", "label": "Slash"}}],
            "weighting": {weighting}}}"#
    ))
    .unwrap()
}

/// The (code, pointer) of every error of the plan.
fn errors(weighting: &str) -> Vec<(String, String)> {
    plan(weighting)
        .validate()
        .into_iter()
        .filter(|d| d.is_error())
        .map(|d| (d.code.to_string(), d.pointer))
        .collect()
}

fn one(code: &str, pointer: &str) -> Vec<(String, String)> {
    vec![(code.to_string(), pointer.to_string())]
}

#[test]
fn a_valid_section_has_no_error_and_round_trips() {
    let w = r#"{"weights": true, "rake": [
        {"dimension": "class", "shares": {"Business": 0.45, "Eco": 0.45, "Eco Plus": 0.10}},
        {"dimension": "segment", "shares": {"a": 0.3, "b": 0.7}}]}"#;
    assert_eq!(errors(w), vec![]);
    let p = plan(w);
    let s = p.weighting.as_ref().unwrap();
    assert_eq!(s.weights, Some(true));
    assert_eq!(s.rake.len(), 2);
    assert_eq!(s.rake[0].shares["Eco Plus"], 0.10);
    let back = Plan::from_json(&serde_json::to_string(&p).unwrap()).unwrap();
    assert_eq!(back, p);
    // Shares off by less than 1e-9 are accepted.
    assert_eq!(
        errors(
            r#"{"rake": [{"dimension": "class", "shares": {"x": 0.3333333333, "y": 0.6666666667}}]}"#
        ),
        vec![]
    );
    // No section, or an empty one, is the plan of before.
    assert_eq!(plan("{}").weighting, Some(Default::default()));
    assert_eq!(errors("{}"), vec![]);
}

#[test]
fn an_unknown_dimension_is_a_dangling_reference() {
    assert_eq!(
        errors(
            r#"{"rake": [{"dimension": "class", "shares": {"x": 1}}, {"dimension": "region", "shares": {"x": 1}}]}"#
        ),
        one(codes::DANGLING_REFERENCE, "/weighting/rake/1/dimension")
    );
}

#[test]
fn a_dimension_raked_twice_is_a_duplicate() {
    assert_eq!(
        errors(
            r#"{"rake": [{"dimension": "class", "shares": {"x": 1}}, {"dimension": "class", "shares": {"y": 1}}]}"#
        ),
        one(codes::DUPLICATE_ID, "/weighting/rake/1/dimension")
    );
}

#[test]
fn shares_must_sum_to_one_within_1e_9() {
    assert_eq!(
        errors(r#"{"rake": [{"dimension": "class", "shares": {"x": 0.5, "y": 0.4999999}}]}"#),
        one(codes::VALUE_OUT_OF_RANGE, "/weighting/rake/0/shares")
    );
    let d =
        plan(r#"{"rake": [{"dimension": "class", "shares": {"x": 0.5, "y": 0.6}}]}"#).validate();
    let e = d.iter().find(|d| d.is_error()).unwrap();
    assert!(e.message.contains("\"class\" sum to 1.1"), "{}", e.message);
}

#[test]
fn a_share_outside_0_1_is_out_of_range_at_its_pointer() {
    // The pointer escapes `/` in the value (RFC 6901); the sum is not
    // reported again.
    assert_eq!(
        errors(r#"{"rake": [{"dimension": "a/b", "shares": {"x/y": -0.2, "z": 1.2}}]}"#),
        vec![
            (
                codes::VALUE_OUT_OF_RANGE.to_string(),
                "/weighting/rake/0/shares/x~1y".to_string()
            ),
            (
                codes::VALUE_OUT_OF_RANGE.to_string(),
                "/weighting/rake/0/shares/z".to_string()
            ),
        ]
    );
}

#[test]
fn an_empty_value_list_is_an_error() {
    assert_eq!(
        errors(r#"{"rake": [{"dimension": "class", "shares": {}}]}"#),
        one(codes::VALUE_OUT_OF_RANGE, "/weighting/rake/0/shares")
    );
    let d = plan(r#"{"rake": [{"dimension": "class", "shares": {}}]}"#).validate();
    let e = d.iter().find(|d| d.is_error()).unwrap();
    assert!(e.message.contains("\"class\" are empty"), "{}", e.message);
}

#[test]
fn weights_off_with_a_rake_is_an_error() {
    assert_eq!(
        errors(r#"{"weights": false, "rake": [{"dimension": "class", "shares": {"x": 1}}]}"#),
        one(codes::VALUE_OUT_OF_RANGE, "/weighting/weights")
    );
    assert_eq!(errors(r#"{"weights": false}"#), vec![]);
}

#[test]
fn unknown_fields_and_repeated_values_do_not_parse() {
    let base = r#"{"schemaVersion": 1, "organization": {"name": "Air"}, "weighting": "#;
    for bad in [
        r#"{"rakes": []}}"#,
        r#"{"rake": [{"dimension": "class", "shares": {"x": 0.5, "x": 0.5}}]}}"#,
        r#"{"rake": [{"dimension": "class", "shares": {"x": 1}, "by": 1}]}}"#,
    ] {
        let e = Plan::from_json(&format!("{base}{bad}")).unwrap_err();
        assert!(e.to_string().contains("/weighting"), "{e}");
    }
}
