//! Issue #19 acceptance through the engine: the first 600 records of the
//! airline survey with a constructed weight (0.5 + (id mod 9)/4), read by a
//! CSV mapping with a weight column (`tests/data/airline-weighted.csv` and
//! `airline-weighted-mapping.json`, Gender mapped to `segment`), raked on
//! class and type of travel, scored by segment: the figures are R
//! `survey` 4.1.1's (`benches/reference/rake_reference.R`, the same data as
//! `rake_reference.rs`):
//!
//! ```r
//! d <- svydesign(ids = ~1, weights = ~weight, data = air); W <- sum(air$weight)
//! r <- calibrate(d, ~class + travel, population = c(`(Intercept)` = W,
//!        classEco = 0.45 * W, `classEco Plus` = 0.10 * W,
//!        `travelPersonal Travel` = 0.4 * W), calfun = "raking", epsilon = 1e-13)
//! svymean(~wifi, r, na.rm = TRUE); svyby(~wifi, ~gender, r, svymean, na.rm = TRUE)
//! w <- weights(r); sum(w[keep]); sum(w[keep])^2 / sum(w[keep]^2)
//! ```

// R's figures are copied as printed, all 17 significant digits.
#![allow(clippy::excessive_precision)]

use cx_core::engine::{CsvMapping, Engine, Query, QueryError};
use cx_core::plan::Plan;
use cx_core::score::{z_quantile, ChangeMethod};

const PLAN: &str = include_str!("../../examples/data/airline-plan.json");
const CSV: &str = include_str!("../../tests/data/airline-weighted.csv");
const MAPPING: &str = include_str!("../../tests/data/airline-weighted-mapping.json");

const RAKE: &str = r#""rake": [
    {"dimension": "class", "shares": {"Business": 0.45, "Eco": 0.45, "Eco Plus": 0.10}},
    {"dimension": "typeOfTravel", "shares": {"Business travel": 0.6, "Personal Travel": 0.4}}]"#;

fn engine() -> Engine {
    let mut e = Engine::new(Plan::from_json(PLAN).unwrap()).unwrap();
    let report = e
        .ingest_csv(CSV.as_bytes(), &CsvMapping::from_json(MAPPING).unwrap())
        .unwrap();
    assert_eq!((report.accepted, report.rejected), (600, 0));
    e
}

fn close(got: f64, want: f64, what: &str) {
    let rel = (got - want).abs() / want.abs();
    assert!(
        rel <= 1e-9,
        "{what}: got {got:.17}, want {want:.17} ({rel:e})"
    );
}

fn query(e: &Engine, body: &str) -> cx_core::engine::Scorecard {
    e.query(&Query::from_json(&format!("{{{body}}}")).unwrap())
        .unwrap()
}

/// value, se, Σw, effective n of R.
fn check(s: &cx_core::score::Score, want: [f64; 4], what: &str) {
    close(s.value.unwrap(), want[0], what);
    close(s.se.unwrap(), want[1], what);
    close(s.weight_sum.unwrap(), want[2], what);
    close(s.effective_n.unwrap(), want[3], what);
}

#[test]
fn raked_wifi_equals_r_overall_and_by_gender() {
    let e = engine();
    let all = query(&e, &format!(r#""metrics": ["attribute:wifi"], {RAKE}"#));
    let s = &all.rows[0].scores["attribute:wifi"];
    check(
        s,
        [
            2.8081955949583932,
            0.054473975334982466,
            878.50265266813255,
            472.31307165751855,
        ],
        "overall",
    );
    assert_eq!(s.n, 585);
    // confint(svymean(~wifi, r, na.rm = TRUE)).
    let interval = s.interval.unwrap();
    close(interval.low, 2.7014285652071042, "ci low");
    close(interval.high, 2.9149626247096823, "ci high");
    let _ = z_quantile(0.95);
    let w = all.weighting.as_ref().unwrap();
    assert_eq!(w.responses, 600);
    assert_eq!(w.rake.len(), 2);
    let by = query(
        &e,
        &format!(r#""metrics": ["attribute:wifi"], "groupBy": ["segment"], {RAKE}"#),
    );
    let female = &by.rows[0];
    assert_eq!(female.key["segment"].as_deref(), Some("Female"));
    check(
        &female.scores["attribute:wifi"],
        [
            2.759436788681898,
            0.075481105990812994,
            455.34013137397568,
            239.2872919025032,
        ],
        "Female",
    );
    check(
        &by.rows[1].scores["attribute:wifi"],
        [
            2.8606620591142398,
            0.080325716154419274,
            423.16252129415682,
            233.2967821107479,
        ],
        "Male",
    );
}

#[test]
fn raked_rows_compared_with_the_rest() {
    let e = engine();
    let card = query(
        &e,
        &format!(
            r#""metrics": ["attribute:wifi"], "groupBy": ["segment"], "compare": "rest", {RAKE}"#
        ),
    );
    let (f, m) = (
        &card.rows[0].scores["attribute:wifi"],
        &card.rows[1].scores["attribute:wifi"],
    );
    // With two groups, the rest of each is the other.
    let c = f.change.as_ref().unwrap();
    close(
        c.delta.unwrap(),
        f.value.unwrap() - m.value.unwrap(),
        "delta",
    );
    let se = (f.se.unwrap().powi(2) + m.se.unwrap().powi(2)).sqrt();
    close(c.se.unwrap(), se, "se");
    assert_eq!(c.method, ChangeMethod::Welch);
    let cm = m.change.as_ref().unwrap();
    close(cm.delta.unwrap(), -c.delta.unwrap(), "symmetric");
    // Holm over the two p-values (equal here): both adjusted to min(1, 2p).
    close(c.p_adjusted.unwrap(), (2.0 * c.p.unwrap()).min(1.0), "holm");
}

#[test]
fn raking_errors_name_the_dimension_and_value() {
    let e = engine();
    let err = |body: &str| {
        e.query(&Query::from_json(&format!("{{{body}}}")).unwrap())
            .unwrap_err()
    };
    let absent = err(
        r#""rake": [{"dimension": "class", "shares": {"Business": 0.4, "Eco": 0.4, "Eco Plus": 0.1, "First": 0.1}}]"#,
    );
    assert!(matches!(&absent, QueryError::Rake { .. }), "{absent}");
    assert_eq!(absent.pointer(), "/rake/0/shares/First");
    assert!(absent.to_string().contains("`First`"), "{absent}");
    let missing =
        err(r#""rake": [{"dimension": "class", "shares": {"Business": 0.5, "Eco": 0.5}}]"#);
    assert!(missing.to_string().contains("`Eco Plus`"), "{missing}");
    assert_eq!(missing.code().as_str(), "invalid-rake");
    let sum = err(
        r#""rake": [{"dimension": "class", "shares": {"Business": 0.5, "Eco": 0.4, "Eco Plus": 0.2}}]"#,
    );
    assert!(sum.to_string().contains("sum to"), "{sum}");
    assert_eq!(sum.pointer(), "/rake/0/shares");
    let kept = err(r#""rake": [{"dimension": "gender", "shares": {"Female": 1}}]"#);
    assert_eq!(kept.pointer(), "/rake/0/dimension");
    let off = err(&format!(r#""weights": false, {RAKE}"#));
    assert_eq!(off.pointer(), "/weights");
}

#[test]
fn observed_shares_leave_the_weighted_scores_unchanged() {
    let e = engine();
    let plain = query(
        &e,
        r#""metrics": ["attribute:wifi"], "groupBy": ["segment"]"#,
    );
    // The observed weighted shares of class, as the engine sees them.
    let by_class = query(
        &e,
        r#""metrics": ["attribute:wifi"], "groupBy": ["class"], "weights": true"#,
    );
    let total: f64 = by_class.weighting.as_ref().unwrap().weight_sum;
    let mut shares = Vec::new();
    for row in &by_class.rows {
        let name = row.key["class"].clone().unwrap();
        // Σw of every response of the class (wifi answered or not).
        let sub = query(
            &e,
            &format!(r#""metrics": ["attribute:wifi"], "filters": {{"class": ["{name}"]}}"#),
        );
        shares.push(format!(
            r#""{name}": {}"#,
            sub.weighting.unwrap().weight_sum / total
        ));
    }
    let raked = query(
        &e,
        &format!(
            r#""metrics": ["attribute:wifi"], "groupBy": ["segment"], "rake": [{{"dimension": "class", "shares": {{{}}}}}]"#,
            shares.join(", ")
        ),
    );
    assert_eq!(raked.weighting.as_ref().unwrap().rake_iterations, Some(0));
    for (a, b) in plain.rows.iter().zip(&raked.rows) {
        let (a, b) = (&a.scores["attribute:wifi"], &b.scores["attribute:wifi"]);
        close(b.value.unwrap(), a.value.unwrap(), "value");
        close(b.weight_sum.unwrap(), a.weight_sum.unwrap(), "weight sum");
        close(
            b.effective_n.unwrap(),
            a.effective_n.unwrap(),
            "effective n",
        );
    }
}
