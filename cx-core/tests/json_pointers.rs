//! `cx_core::json` gives the JSON Pointer `serde_path_to_error` gave (the
//! parser it replaced), checked on mutations of real documents: the sample
//! plan, the CSV mappings and one record of each kind. Every value is
//! replaced by one of the wrong type, every object gets an unknown member
//! and loses each member in turn.

use cx_core::engine::{CsvMapping, Query};
use cx_core::error::ParseError;
use cx_core::json::from_json_positioned;
use cx_core::plan::Plan;
use cx_core::record::{Audit, EmployeeResponse, KpiObservation, Response};
use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

fn reference<T: DeserializeOwned>(text: &str) -> Option<String> {
    use serde_path_to_error::Segment;
    let mut de = serde_json::Deserializer::from_str(text);
    let e = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(e) => e,
        // Trailing characters: an error of the whole document.
        Ok(_) => return de.end().err().map(|_| String::new()),
    };
    let mut out = String::new();
    for seg in e.path().iter() {
        match seg {
            Segment::Seq { index } => out.push_str(&format!("/{index}")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                out.push('/');
                out.push_str(&cx_core::diagnostic::escape_pointer_token(key));
            }
            Segment::Unknown => out.push_str("/?"),
        }
    }
    Some(out)
}

/// Every mutation of `doc`: (what was changed, the mutated document).
fn mutations(doc: &Value) -> Vec<(String, Value)> {
    fn walk(v: &Value, at: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
        // `at` records the route as keys (strings) and indices (numbers).
        out.push(at.clone());
        match v {
            Value::Object(m) => {
                for (k, c) in m {
                    at.push(Value::String(k.clone()));
                    walk(c, at, out);
                    at.pop();
                }
            }
            Value::Array(a) => {
                for (i, c) in a.iter().enumerate() {
                    at.push(Value::from(i));
                    walk(c, at, out);
                    at.pop();
                }
            }
            _ => {}
        }
    }
    fn get<'a>(v: &'a mut Value, route: &[Value]) -> &'a mut Value {
        route.iter().fold(v, |v, step| match step {
            Value::String(k) => &mut v[k.as_str()],
            Value::Number(i) => &mut v[i.as_u64().unwrap() as usize],
            _ => unreachable!(),
        })
    }
    let mut routes = Vec::new();
    walk(doc, &mut Vec::new(), &mut routes);
    let mut out = Vec::new();
    for route in routes {
        let here = get(&mut doc.clone(), &route).clone();
        let wrong = match &here {
            Value::String(_) => Value::from(7),
            Value::Number(_) => Value::from("seven"),
            Value::Bool(_) => Value::from(1),
            _ => Value::from(true),
        };
        let mut d = doc.clone();
        *get(&mut d, &route) = wrong;
        out.push((format!("{route:?} wrong type"), d));
        if let Value::Object(m) = &here {
            let mut d = doc.clone();
            get(&mut d, &route)["zzUnknown"] = Value::from(1);
            out.push((format!("{route:?} unknown member"), d));
            for k in m.keys() {
                let mut d = doc.clone();
                get(&mut d, &route).as_object_mut().unwrap().remove(k);
                out.push((format!("{route:?} without {k}"), d));
            }
        }
    }
    out
}

fn check<T: DeserializeOwned>(name: &str, text: &str) -> usize {
    let doc: Value = serde_json::from_str(text).unwrap();
    let mut compared = 0;
    for (what, mutated) in mutations(&doc) {
        // Pretty-printed: positions on several lines, like a file.
        let text = serde_json::to_string_pretty(&mutated).unwrap();
        let Some(expected) = reference::<T>(&text) else {
            continue;
        };
        let Err(ParseError { pointer, .. }) = from_json_positioned::<T>(&text) else {
            panic!("{name}: {what}: read without error")
        };
        assert_eq!(pointer, expected, "{name}: {what}");
        compared += 1;
    }
    compared
}

#[test]
fn pointers_equal_serde_path_to_error_on_real_documents() {
    let plan = include_str!("../../examples/data/plan.json");
    assert!(check::<Plan>("plan", plan) > 500);
    check::<Plan>(
        "airline plan",
        include_str!("../../examples/data/airline-plan.json"),
    );
    check::<CsvMapping>(
        "mapping",
        include_str!("../../examples/data/survey-mapping.json"),
    );
    check::<CsvMapping>(
        "airline mapping",
        include_str!("../../examples/data/airline-mapping.json"),
    );
    check::<Query>(
        "query",
        r#"{"groupBy": ["team"], "metrics": ["nps"], "filters": {"team": ["a"]}, "level": 0.9}"#,
    );
    let lines = include_str!("../../examples/data/responses.jsonl");
    for kind in [
        "\"kind\":\"employee\"",
        "\"kind\":\"audit\"",
        "\"kind\":\"kpi\"",
    ] {
        let line = lines
            .lines()
            .find(|l| l.replace(' ', "").contains(kind))
            .unwrap();
        match kind {
            k if k.contains("employee") => check::<EmployeeResponse>(k, line),
            k if k.contains("audit") => check::<Audit>(k, line),
            k => check::<KpiObservation>(k, line),
        };
    }
    let response = lines.lines().find(|l| !l.contains("\"kind\"")).unwrap();
    assert!(check::<Response>("response", response) > 10);
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Inner {
    n: u8,
    #[serde(default)]
    tags: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Doc {
    name: String,
    #[serde(default)]
    items: Vec<Inner>,
    #[serde(default)]
    map: BTreeMap<String, Inner>,
    #[serde(default)]
    dates: Vec<chrono::NaiveDate>,
}

#[test]
fn pointers_equal_serde_path_to_error_on_edge_cases() {
    for (text, expected) in [
        (r#"{"name": 7}"#, "/name"),
        (r#"{"name": "a", "bogus": 1}"#, "/bogus"),
        (r#"{"items": []}"#, ""),
        (
            r#"{"name": "a", "items": [{"n": 1}, {"n": 300}]}"#,
            "/items/1/n",
        ),
        (r#"{"name": "a", "items": [{"n": 1}, {}]}"#, "/items/1"),
        (
            r#"{"name": "a", "items": [{"n": 1, "tags": ["x", 2]}]}"#,
            "/items/0/tags/1",
        ),
        (
            r#"{"name": "a", "map": {"a~/b": {"n": "x"}}}"#,
            "/map/a~0~1b/n",
        ),
        (
            r#"{"name": "a", "map": {"k\"q": {"n": 1, "m": 2}}}"#,
            "/map/k\"q/m",
        ),
        (r#"{"name": "a", "items": {}}"#, "/items"),
        ("{\"name\": \"a\",\n \"items\": [1]}", "/items/0"),
        (r#"{"name": "a", "items": [{"n": 1}"#, "/items"),
        (r#"{"name": "a", "items": [{"n": 1} {"n": 2}]}"#, "/items"),
        (
            r#"{"name": "a", "items": [{"n": 1, "tags": ["x" "y"]}]}"#,
            "/items/0/tags",
        ),
        (
            r#"{"name": "a", "items": [{"n": 1, "tags": ["x", "\q"]}]}"#,
            "/items/0/tags/1",
        ),
        (
            r#"{"name": "a", "items": [{"n": 1, "tags": ["x", "y"#,
            "/items/0/tags/1",
        ),
        (
            r#"{"name": "a", "items": [{"n": 1, "tags": ["x", tr"#,
            "/items/0/tags/1",
        ),
        (r#"{"name": "a", "items": [{"n": 1e999}]}"#, "/items/0/n"),
        (r#"{"name" "a"}"#, ""),
        (r#"{"name": "a", "items": [{"n": 1, "n": 2}]}"#, "/items/0"),
        (r#"{"name": "a", "items": [{"n": -}]}"#, "/items/0/n"),
        (
            r#"{"name": "a", "dates": ["2026-01-01", "2026-13-01"]}"#,
            "/dates/1",
        ),
        (
            r#"{"name": "a", "dates": ["2026-13-01", "2026-01-01"]}"#,
            "/dates/0",
        ),
        (r#"{"name": "a"} x"#, ""),
        (
            r#"{"name": "a", "items": [{"n": 1}, {"n": tru}]}"#,
            "/items/1/n",
        ),
        (r#"{"name": "a", "items": [{"n": 1},]}"#, "/items"),
        (
            r#"{"name": "a", "items": [{"n": 1, "tags": "x"}], "map": {}}"#,
            "/items/0/tags",
        ),
        ("", ""),
    ] {
        assert_eq!(
            reference::<Doc>(text).as_deref(),
            Some(expected),
            "serde_path_to_error, {text}"
        );
        assert_eq!(
            from_json_positioned::<Doc>(text).unwrap_err().pointer,
            expected,
            "{text}"
        );
    }
}
