//! Weighted mode and comparisons in queries: the engine's weighted scores
//! are the `score::weighted_*` formulas (matched to R `survey` in
//! `survey_reference.rs`) over the right histograms and design; `weights`
//! switches the mode; `compare` adds a change to every score and adjusts
//! the family's p-values.

use cx_core::engine::{Engine, Query, QueryError};
use cx_core::plan::Plan;
use cx_core::record::{EmployeeKind, EmployeeResponse, Record, Timestamp};
use cx_core::score::{
    adjust_p, fixed_weight, weighted_nps, Adjust, Flag, Svymean, WeightedHistogram, DEFAULT_LEVEL,
};

const PLAN: &str = include_str!("../../examples/data/plan.json");

/// Employee responses over two months and three teams, with weights
/// 0.5 + (i mod 7)/4 on every other record.
fn records() -> Vec<(Record, u8, Option<f64>, usize)> {
    (0..240u32)
        .map(|i| {
            let enps = ((i * 7 + i / 5) % 11) as u8;
            let team = (i % 3) as usize;
            let weight = (i % 2 == 0).then(|| 0.5 + f64::from(i % 7) / 4.0);
            let month = i64::from(i % 2) * 31;
            let r = Record::Employee(EmployeeResponse {
                kind: EmployeeKind::Employee,
                id: Some(format!("e{i}")),
                at: Timestamp::from_unix(1_767_225_600 + (month + i64::from(i % 28)) * 86_400)
                    .unwrap(),
                team: Some(["a", "b", "c"][team].into()),
                enps: Some(enps),
                satisfaction: Default::default(),
                weight,
                comment: None,
            });
            (r, enps, weight, team)
        })
        .collect()
}

fn engine() -> Engine {
    let mut e = Engine::new(Plan::from_json(PLAN).unwrap()).unwrap();
    let recs: Vec<Record> = records().into_iter().map(|r| r.0).collect();
    e.ingest_batch(&recs).unwrap();
    e
}

fn query(e: &Engine, json: &str) -> cx_core::engine::Scorecard {
    e.query(&Query::from_json(json).unwrap()).unwrap()
}

/// The weighted histogram of the records `keep` selects, by hand.
fn histogram(keep: impl Fn(usize) -> bool) -> WeightedHistogram {
    let mut h = WeightedHistogram::default();
    for (_, enps, w, team) in records() {
        if keep(team) {
            h.add(enps, fixed_weight(w.unwrap_or(1.0)).unwrap().millionths);
        }
    }
    h
}

#[test]
fn weighted_mode_scores_with_the_weights_and_the_whole_design() {
    let e = engine();
    let card = query(&e, r#"{"metrics": ["enps"], "groupBy": ["team"]}"#);
    assert!(card.weighting.is_some());
    for (t, row) in card.rows.iter().enumerate() {
        let want =
            weighted_nps(&Svymean::owned(histogram(|x| x == t), 240), DEFAULT_LEVEL).unwrap();
        let got = &row.scores["enps"];
        assert_eq!(got.value, want.value);
        assert_eq!(got.se, want.se);
        assert_eq!(got.interval, want.interval);
        assert_eq!(got.effective_n, want.effective_n);
        assert_eq!(got.n, 80);
    }
    let all = query(&e, r#"{"metrics": ["enps"]}"#);
    let want = weighted_nps(&Svymean::owned(histogram(|_| true), 240), DEFAULT_LEVEL).unwrap();
    assert_eq!(all.rows[0].scores["enps"].value, want.value);
    assert_eq!(all.rows[0].scores["enps"].se, want.se);
}

#[test]
fn weights_false_and_true_switch_the_mode() {
    let e = engine();
    let off = query(&e, r#"{"metrics": ["enps"], "weights": false}"#);
    assert!(off.weighting.is_none());
    let s = &off.rows[0].scores["enps"];
    assert_eq!((s.effective_n, s.weight_sum), (None, None));
    // Unweighted: the counts alone.
    let ones = histogram(|_| true).counts();
    let plain = WeightedHistogram::of_unweighted(&ones);
    let forced = weighted_nps(&Svymean::owned(plain, 240), DEFAULT_LEVEL).unwrap();
    assert!((s.value.unwrap() - forced.value.unwrap()).abs() < 1e-12);
    // weights: true on an engine without weights: all-ones, design se.
    let mut unweighted = Engine::new(Plan::from_json(PLAN).unwrap()).unwrap();
    let recs: Vec<Record> = records()
        .into_iter()
        .map(|(r, ..)| match r {
            Record::Employee(x) => Record::Employee(EmployeeResponse { weight: None, ..x }),
            r => r,
        })
        .collect();
    unweighted.ingest_batch(&recs).unwrap();
    assert!(query(&unweighted, r#"{"metrics": ["enps"]}"#)
        .weighting
        .is_none());
    let on = query(&unweighted, r#"{"metrics": ["enps"], "weights": true}"#);
    let got = &on.rows[0].scores["enps"];
    assert_eq!(got.se, forced.se);
    assert_eq!(got.effective_n, Some(240.0));
}

#[test]
fn compare_rest_tests_each_group_against_the_others_and_adjusts() {
    let e = engine();
    for (adjust, method) in [
        ("holm", Adjust::Holm),
        ("bh", Adjust::Bh),
        ("none", Adjust::None),
    ] {
        let card = query(
            &e,
            &format!(
                r#"{{"metrics": ["enps"], "groupBy": ["team"], "compare": "rest", "adjust": "{adjust}"}}"#
            ),
        );
        let mut p = Vec::new();
        for (t, row) in card.rows.iter().enumerate() {
            let c = row.scores["enps"].change.clone().unwrap();
            let this =
                weighted_nps(&Svymean::owned(histogram(|x| x == t), 240), DEFAULT_LEVEL).unwrap();
            let rest =
                weighted_nps(&Svymean::owned(histogram(|x| x != t), 240), DEFAULT_LEVEL).unwrap();
            let delta = this.value.unwrap() - rest.value.unwrap();
            assert!((c.delta.unwrap() - delta).abs() < 1e-9);
            let se = (this.se.unwrap().powi(2) + rest.se.unwrap().powi(2)).sqrt();
            assert!((c.se.unwrap() - se).abs() < 1e-9);
            p.push(c.p.unwrap());
        }
        let adjusted = adjust_p(&p, method);
        for (row, a) in card.rows.iter().zip(adjusted) {
            assert_eq!(
                row.scores["enps"].change.as_ref().unwrap().p_adjusted,
                Some(a)
            );
        }
    }
}

#[test]
fn compare_previous_period_needs_one_period_key() {
    let e = engine();
    let card = query(
        &e,
        r#"{"metrics": ["enps"], "groupBy": ["team", "period:month"], "compare": "previousPeriod"}"#,
    );
    assert_eq!(card.rows.len(), 6);
    for row in &card.rows {
        let c = row.scores["enps"].change.clone().unwrap();
        let month = row.key["period:month"].as_deref().unwrap();
        if month == "2026-01" {
            assert!(c.delta.is_none() && c.reason.is_some(), "{c:?}");
        } else {
            let team = row.key["team"].clone();
            let prev = card
                .rows
                .iter()
                .find(|r| {
                    r.key["team"] == team && r.key["period:month"].as_deref() == Some("2026-01")
                })
                .unwrap();
            let d = row.scores["enps"].value.unwrap() - prev.scores["enps"].value.unwrap();
            assert!((c.delta.unwrap() - d).abs() < 1e-9);
            assert!(c.p_adjusted.is_some());
        }
    }
    let err = e
        .query(&Query::from_json(r#"{"groupBy": ["team"], "compare": "previousPeriod"}"#).unwrap())
        .unwrap_err();
    assert!(matches!(err, QueryError::Compare(_)), "{err}");
    assert_eq!(err.pointer(), "/compare");
    assert_eq!(err.code().as_str(), "invalid-compare");
}

#[test]
fn small_rows_are_flagged_and_left_out_of_the_family() {
    let e = engine();
    // Per team and day: a handful of responses each, below the minimum.
    let card = query(
        &e,
        r#"{"metrics": ["enps"], "groupBy": ["team"], "compare": "rest", "filters": {"team": ["a", "b"]}, "from": "2026-01-01", "to": "2026-01-03"}"#,
    );
    for row in &card.rows {
        let s = &row.scores["enps"];
        assert!(s.flags.contains(&Flag::SmallSample));
        let c = s.change.as_ref().unwrap();
        assert_eq!(c.p_adjusted, None);
    }
}
