//! Weighted relative-importance drivers through the engine (issue #19,
//! "relative-importance drivers use weighted co-moments"):
//! `tests/data/drivers_airline.csv` (the first 300 airline records with a
//! constructed recommendation and weight; see `weighted_comoments.rs` and
//! `benches/reference/drivers_weighted.R`) read by a CSV mapping with a
//! weight column. The weighted co-moments of a selection, and the derived
//! importance of the vital-process analysis, equal R's:
//!
//! ```r
//! cov.wt(m, wt = w, cor = TRUE)$cor; summary(lm(y ~ x, weights = w))$r.squared
//! # Johnson: eigen-decomposition of the weighted correlation matrix
//! ```
//!
//! Weights of 1 leave the engine and the analysis as without weights;
//! merged engines equal one engine; snapshots keep the weighted co-moments
//! and refuse tampered ones.

// R's figures are copied as printed, all 17 significant digits.
#![allow(clippy::excessive_precision)]

use cx_core::analysis::{analyse, AnalysisOptions, DriverOutcome, ImportanceMethod};
use cx_core::engine::{CsvMapping, Engine, EngineError, Selection, Snapshot};
use cx_core::error::ErrorCode;
use cx_core::plan::Plan;
use cx_core::score::{relative_importance, WeightedCoMoments, WEIGHT_SCALE};
use serde_json::Value;

const PLAN: &str = include_str!("../../examples/data/airline-plan.json");
const CSV: &str = include_str!("data/drivers_airline.csv");

/// The airline mapping's columns for this extract, with NPS read from the
/// constructed recommendation and, when `weight`, the weight column.
fn mapping(weight: bool) -> CsvMapping {
    let attributes = [
        ("wifi", "Inflight wifi service"),
        ("schedule", "Departure/Arrival time convenient"),
        ("online-booking", "Ease of Online booking"),
        ("gate-location", "Gate location"),
        ("food", "Food and drink"),
        ("online-boarding", "Online boarding"),
        ("seat-comfort", "Seat comfort"),
        ("entertainment", "Inflight entertainment"),
        ("onboard-service", "On-board service"),
        ("leg-room", "Leg room service"),
        ("baggage", "Baggage handling"),
        ("checkin", "Checkin service"),
        ("inflight-service", "Inflight service"),
        ("cleanliness", "Cleanliness"),
    ];
    let attributes: serde_json::Map<String, Value> = attributes
        .iter()
        .map(|(id, col)| (id.to_string(), Value::from(*col)))
        .collect();
    let mut m = serde_json::json!({
        "id": "id",
        "fixedAt": "2019-01-01",
        "dimensions": {"segment": "Gender", "class": "Class", "typeOfTravel": "Type of Travel"},
        "nps": "Recommend",
        "overall": {"column": "satisfaction", "equals": "satisfied"},
        "attributes": attributes,
    });
    if weight {
        m["weight"] = "weight".into();
    }
    CsvMapping::from_json(&m.to_string()).unwrap()
}

fn engine_of(csv: &str, weight: bool) -> Engine {
    let mut e = Engine::new(Plan::from_json(PLAN).unwrap()).unwrap();
    let report = e.ingest_csv(csv.as_bytes(), &mapping(weight)).unwrap();
    assert_eq!(report.rejected, 0, "{:?}", report.errors);
    e
}

fn engine() -> Engine {
    engine_of(CSV, true)
}

/// The CSV with every weight replaced by `w`.
fn with_weights(w: &str) -> String {
    CSV.lines()
        .enumerate()
        .map(|(i, line)| match i {
            0 => format!("{line}\n"),
            _ => format!("{},{w}\n", &line[..line.rfind(',').unwrap()]),
        })
        .collect()
}

fn close(got: f64, want: f64, what: &str) {
    assert!(
        (got - want).abs() <= 1e-9 * want.abs(),
        "{what}: {got:.17e} vs R {want:.17e}"
    );
}

/// R: `cov.wt(m, wt = w, cor = TRUE)$cor[1:14, 15]` for overall.
const COR_OVERALL: [f64; 14] = [
    0.28082235954137219,
    -0.1487082067276714,
    0.18410102298029166,
    -0.012529229916457326,
    0.13815459186980875,
    0.49918221061736273,
    0.30314252691636012,
    0.40500418504698898,
    0.33680784955313536,
    0.32009428737128387,
    0.22746227653970635,
    0.25156424205367628,
    0.25973943850139652,
    0.23056936075849585,
];
/// R: `summary(lm(overall ~ x, weights = w))$r.squared`.
const R2_OVERALL: f64 = 0.44595422562468928;
/// R: Johnson's weights of overall (eigen-decomposition).
const JOHNSON_OVERALL: [f64; 14] = [
    0.02493285286822049,
    0.031162211732049496,
    0.018192841741159815,
    0.0060550326790445993,
    0.0074313114060751894,
    0.13066404028868592,
    0.029049969710845325,
    0.052562067808790761,
    0.02995885900644776,
    0.036086263711921258,
    0.013468114395557227,
    0.036612728221991499,
    0.017075327682027085,
    0.012702604371873653,
];
/// R: `summary(lm(recommend ~ x, weights = w))$r.squared`.
const R2_NPS: f64 = 0.90205718549759328;
/// R: the recommendation's weighted correlations with seat comfort and
/// entertainment.
const COR_NPS_SEAT_ENTERTAINMENT: [f64; 2] = [0.82529146412334331, 0.82665137400740629];

#[test]
fn weighted_drivers_of_a_selection_equal_r() {
    let e = engine();
    let t = e.totals(&Selection::default()).unwrap();
    for (co, r2) in [
        (t.weighted_overall_drivers().unwrap(), R2_OVERALL),
        (t.weighted_nps_drivers().unwrap(), R2_NPS),
    ] {
        // complete cases: 278, sum of weights: 412.
        assert_eq!(co.n, 278);
        assert_eq!(co.weight, 412 * i128::from(WEIGHT_SCALE));
        close(relative_importance(&co, 14).unwrap().r2, r2, "R²");
    }
    let cor = t
        .weighted_overall_drivers()
        .unwrap()
        .correlation_matrix()
        .unwrap();
    for (i, want) in COR_OVERALL.iter().enumerate() {
        close(cor[i][14], *want, "cov.wt cor with overall");
    }
    let cor = t
        .weighted_nps_drivers()
        .unwrap()
        .correlation_matrix()
        .unwrap();
    close(
        cor[6][14],
        COR_NPS_SEAT_ENTERTAINMENT[0],
        "cor seat/recommend",
    );
    close(
        cor[7][14],
        COR_NPS_SEAT_ENTERTAINMENT[1],
        "cor entertainment/recommend",
    );
    // The unweighted co-moments are unchanged by the weights.
    assert_eq!(
        t.overall_drivers(),
        engine_of(CSV, false)
            .totals(&Selection::default())
            .unwrap()
            .overall_drivers()
    );
}

fn vital(
    e: &Engine,
    importance: ImportanceMethod,
    outcome: DriverOutcome,
) -> cx_core::analysis::VitalProcesses {
    let options = AnalysisOptions {
        importance,
        outcome: Some(outcome),
        ..AnalysisOptions::default()
    };
    analyse(e, &options).unwrap().vital
}

#[test]
fn derived_importance_of_the_analysis_is_weighted() {
    let e = engine();
    let v = vital(&e, ImportanceMethod::Johnson, DriverOutcome::Overall);
    assert_eq!(v.method, Some(ImportanceMethod::Johnson));
    assert_eq!(v.n, 278);
    close(v.r2.unwrap(), R2_OVERALL, "vital R²");
    assert_eq!(v.attributes.len(), 14);
    for (a, want) in v.attributes.iter().zip(JOHNSON_OVERALL) {
        close(a.importance, want * 100.0, &a.id);
    }
    let v = vital(&e, ImportanceMethod::Pearson, DriverOutcome::Overall);
    for (a, want) in v.attributes.iter().zip(COR_OVERALL) {
        close(a.importance, want, &a.id);
    }
    let v = vital(&e, ImportanceMethod::Lmg, DriverOutcome::Nps);
    assert_eq!(v.method, Some(ImportanceMethod::Lmg));
    close(v.r2.unwrap(), R2_NPS, "vital R² of the recommendation");
    let total: f64 = v.attributes.iter().map(|a| a.importance).sum();
    close(total, R2_NPS * 100.0, "Σ LMG = R²");
    // Without weights, the unweighted figures (R: unweighted lm r.squared
    // 0.45383586969482065).
    let plain = vital(
        &engine_of(CSV, false),
        ImportanceMethod::Johnson,
        DriverOutcome::Overall,
    );
    close(plain.r2.unwrap(), 0.45383586969482065, "unweighted R²");
}

#[test]
fn weights_of_one_are_no_weights_to_the_bit() {
    let ones = engine_of(&with_weights("1"), true);
    let none = engine_of(CSV, false);
    assert_eq!(ones.snapshot(), none.snapshot());
    for (importance, outcome) in [
        (ImportanceMethod::Johnson, DriverOutcome::Overall),
        (ImportanceMethod::Lmg, DriverOutcome::Nps),
        (ImportanceMethod::Pearson, DriverOutcome::Nps),
    ] {
        assert_eq!(
            vital(&ones, importance, outcome),
            vital(&none, importance, outcome)
        );
    }
    let t = none.totals(&Selection::default()).unwrap();
    assert_eq!(
        t.weighted_overall_drivers().unwrap(),
        WeightedCoMoments::of_unweighted(t.overall_drivers()).unwrap()
    );
    // A constant weight other than 1 changes no correlation: importance
    // equal to the unweighted within rounding, although weighted.
    let twos = engine_of(&with_weights("2"), true);
    let (a, b) = (
        vital(&twos, ImportanceMethod::Johnson, DriverOutcome::Overall),
        vital(&none, ImportanceMethod::Johnson, DriverOutcome::Overall),
    );
    for (x, y) in a.attributes.iter().zip(&b.attributes) {
        close(x.importance, y.importance, &x.id);
    }
}

#[test]
fn merged_engines_equal_one_engine() {
    let lines: Vec<&str> = CSV.lines().collect();
    let part = |r: std::ops::Range<usize>| {
        let mut text = format!("{}\n", lines[0]);
        for l in &lines[r] {
            text.push_str(l);
            text.push('\n');
        }
        engine_of(&text, true)
    };
    let (a, b) = (part(1..137), part(137..lines.len()));
    let mut merged = Engine::new(Plan::from_json(PLAN).unwrap()).unwrap();
    merged.merge(&b).unwrap();
    merged.merge(&a).unwrap();
    let one = engine();
    let (tm, to) = (
        merged.totals(&Selection::default()).unwrap(),
        one.totals(&Selection::default()).unwrap(),
    );
    assert_eq!(tm.weighted_nps_drivers(), to.weighted_nps_drivers());
    assert_eq!(tm.weighted_overall_drivers(), to.weighted_overall_drivers());
    assert_eq!(
        vital(&merged, ImportanceMethod::Lmg, DriverOutcome::Overall),
        vital(&one, ImportanceMethod::Lmg, DriverOutcome::Overall)
    );
}

#[test]
fn snapshots_keep_the_weighted_drivers() {
    let e = engine();
    let doc = e.snapshot();
    let restored = Engine::restore(doc.clone()).unwrap();
    assert_eq!(restored.snapshot(), doc);
    let t = restored.totals(&Selection::default()).unwrap();
    assert_eq!(
        t.weighted_overall_drivers().unwrap().weight,
        412 * i128::from(WEIGHT_SCALE)
    );
    let mut bytes = Vec::new();
    e.write_snapshot(&mut bytes).unwrap();
    let streamed = Engine::read_snapshot(&bytes[..]).unwrap();
    assert_eq!(
        streamed
            .totals(&Selection::default())
            .unwrap()
            .weighted_nps_drivers(),
        e.totals(&Selection::default())
            .unwrap()
            .weighted_nps_drivers()
    );
    let json = serde_json::to_value(&doc).unwrap();
    let cells = json["weightedResponses"].as_array().unwrap();
    assert!(cells
        .iter()
        .any(|c| c[1]["driversOverall"]["cross"][0].is_string()));
    // Without weights, no weighted cell (and so no drivers correction).
    assert!(engine_of(CSV, false)
        .snapshot()
        .weighted_responses
        .is_empty());
}

fn refused(doc: &Snapshot, edit: impl FnOnce(&mut Value)) -> (String, String) {
    let mut v = serde_json::to_value(doc).unwrap();
    edit(&mut v);
    let mut s: Snapshot = serde_json::from_value(v).unwrap();
    s.seal();
    match Engine::restore(s) {
        Ok(_) => panic!("accepted"),
        Err(e) => {
            assert_eq!(e.code(), ErrorCode::InvalidSnapshot, "{e}");
            let EngineError::Snapshot { pointer, message } = e else {
                unreachable!()
            };
            (pointer, message)
        }
    }
}

/// The first weighted cell with a drivers correction.
fn cell_with_drivers(v: &Value) -> usize {
    v["weightedResponses"]
        .as_array()
        .unwrap()
        .iter()
        .position(|c| c[1].get("driversOverall").is_some())
        .unwrap()
}

#[test]
fn tampered_weighted_drivers_are_refused() {
    let doc = engine().snapshot();
    let at = |v: &Value| format!("/weightedResponses/{}/1", cell_with_drivers(v));
    let mut p = String::new();
    // A cross product beyond what 0–10 ratings with weights in range reach.
    let (pointer, message) = refused(&doc, |v| {
        p = at(v);
        let i = cell_with_drivers(v);
        v["weightedResponses"][i][1]["driversOverall"]["cross"][3] = "-9999999999999999999".into();
    });
    assert_eq!(pointer, format!("{p}/driversOverall/cross/3"));
    assert!(message.contains("weighted co-moment"), "{message}");
    // More cases than the cell's weighted records.
    let (pointer, _) = refused(&doc, |v| {
        let i = cell_with_drivers(v);
        v["weightedResponses"][i][1]["driversNps"]["n"] = 1_000_000.into();
    });
    assert!(pointer.ends_with("/driversNps/n"), "{pointer}");
    // Another shape than the plan's attributes and outcome.
    let (pointer, _) = refused(&doc, |v| {
        let i = cell_with_drivers(v);
        let d = &mut v["weightedResponses"][i][1]["driversNps"];
        d["columns"] = 2.into();
        d["sums"] = serde_json::json!(["0", "0"]);
        d["cross"] = serde_json::json!(["0", "0", "0"]);
    });
    assert!(pointer.ends_with("/driversNps/columns"), "{pointer}");
    // A weight sum its cases cannot have.
    let (pointer, _) = refused(&doc, |v| {
        let i = cell_with_drivers(v);
        v["weightedResponses"][i][1]["driversOverall"]["weight"] = "99999999999999999999".into();
    });
    assert!(pointer.ends_with("/driversOverall/weight"), "{pointer}");
}

#[test]
fn snapshots_without_the_drivers_fields_still_read() {
    let doc = engine().snapshot();
    let mut v = serde_json::to_value(&doc).unwrap();
    for c in v["weightedResponses"].as_array_mut().unwrap() {
        let cell = c[1].as_object_mut().unwrap();
        cell.remove("driversNps");
        cell.remove("driversOverall");
    }
    let mut s: Snapshot = serde_json::from_value(v).unwrap();
    s.seal();
    let e = Engine::restore(s).unwrap();
    // No correction: the weighted records count with weight 1 in drivers.
    let t = e.totals(&Selection::default()).unwrap();
    assert_eq!(
        t.weighted_overall_drivers().unwrap(),
        WeightedCoMoments::of_unweighted(t.overall_drivers()).unwrap()
    );
}
