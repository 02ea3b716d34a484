//! No score of any surface holds infinity or NaN (issue 16, item 5): a
//! result too large for a 64-bit float is `null` with a reason and the
//! `nonFinite` flag, and plan weights that would make scores overflow are
//! refused by validation, with their pointer.

use cx_core::engine::{Engine, Query, Scorecard};
use cx_core::error::ErrorCode;
use cx_core::plan::{Plan, MAX_WEIGHT};
use cx_core::score::{Flag, Interval, IntervalMethod, Score};
use proptest::prelude::*;

const PLAN: &str = include_str!("../../examples/data/plan.json");
const DATA: &[u8] = include_bytes!("../../examples/data/responses.jsonl");

fn kpi_lines(sales: f64, orders: f64) -> String {
    let line = |metric: &str, v: f64| {
        format!("{{\"kind\":\"kpi\",\"metric\":\"{metric}\",\"period\":{{\"start\":\"2026-01-01\",\"end\":\"2026-01-31\"}},\"value\":{v:e}}}\n")
    };
    line("sales", sales) + &line("orders", orders)
}

fn basket(e: &Engine) -> Score {
    let q: Query = serde_json::from_str(r#"{"metrics": ["kpi:averageBasket"]}"#).unwrap();
    let card = e.query(&q).unwrap();
    card.rows[0].scores["kpi:averageBasket"].clone()
}

/// Every number of every score of `card` is finite, and a missing value of
/// a score with data says why.
fn all_finite(card: &Scorecard) -> Result<(), String> {
    for row in &card.rows {
        for (m, s) in &row.scores {
            let nums = [s.value, s.se, s.mean, s.agree, s.index, s.top_two_box]
                .into_iter()
                .flatten()
                .chain(s.interval.iter().flat_map(|i| [i.low, i.high]))
                .chain(s.distribution.iter().flatten().map(|b| b.share));
            for v in nums {
                if !v.is_finite() {
                    return Err(format!("{m}: {v} in {s:?}"));
                }
            }
            if s.value.is_none() && s.reason.is_none() {
                return Err(format!("{m}: no value and no reason: {s:?}"));
            }
        }
    }
    Ok(())
}

#[test]
fn an_average_basket_too_large_for_a_float_is_null_with_a_reason() {
    let mut e = Engine::new(Plan::from_json(PLAN).unwrap()).unwrap();
    e.ingest_json_lines(kpi_lines(1.7e308, 5e-324).as_bytes())
        .unwrap();
    let s = basket(&e);
    assert_eq!(s.value, None, "{s:?}");
    let reason = s.reason.as_deref().unwrap_or_default();
    assert!(reason.contains("overflow"), "{reason}");
    // A representable one is a value.
    let mut e = Engine::new(Plan::from_json(PLAN).unwrap()).unwrap();
    e.ingest_json_lines(kpi_lines(1000.0, 8.0).as_bytes())
        .unwrap();
    assert_eq!(basket(&e).value, Some(125.0));
}

#[test]
fn a_non_finite_score_becomes_null_flagged_with_a_reason() {
    let s = Score {
        value: Some(f64::INFINITY),
        n: 3,
        se: Some(1.0),
        interval: Some(Interval {
            low: 0.0,
            high: 1.0,
            level: 0.95,
            method: IntervalMethod::Wald,
        }),
        mean: Some(f64::NAN),
        ..Score::default()
    }
    .finite();
    assert_eq!(
        (s.value, s.se, s.interval, s.mean),
        (None, None, None, None)
    );
    assert!(s.flags.contains(&Flag::NonFinite));
    let reason = s.reason.unwrap();
    assert!(
        reason.contains("the value") && reason.contains("the mean"),
        "{reason}"
    );
    // A finite score is unchanged.
    let ok = Score {
        value: Some(1.0),
        n: 1,
        ..Score::default()
    };
    assert_eq!(ok.clone().finite(), ok);
}

/// An edit of a plan's JSON.
type Edit = dyn Fn(&mut serde_json::Value);

/// The sample plan with `edit` applied to its JSON.
fn plan_with(edit: impl FnOnce(&mut serde_json::Value)) -> Plan {
    let mut v: serde_json::Value = serde_json::from_str(PLAN).unwrap();
    edit(&mut v);
    Plan::from_json(&v.to_string()).unwrap()
}

#[test]
fn weights_that_make_scores_overflow_are_refused_with_their_pointer() {
    let cases: [(&str, Box<Edit>); 5] = [
        (
            "/factorWeights/product",
            Box::new(|v| v["factorWeights"]["product"] = 1e308.into()),
        ),
        (
            "/factorWeights/brand",
            Box::new(|v| v["factorWeights"]["brand"] = 5e-324.into()),
        ),
        (
            "/attributes/0/importance",
            Box::new(|v| v["attributes"][0]["importance"] = 1e300.into()),
        ),
        (
            "/deployment/rules/0/weight",
            Box::new(|v| v["deployment"]["rules"][0]["weight"] = 1e200.into()),
        ),
        (
            "/deployment/rules/1/weight",
            Box::new(|v| v["deployment"]["rules"][1]["weight"] = 1e-320.into()),
        ),
    ];
    for (pointer, edit) in cases {
        let plan = plan_with(edit);
        let diags = plan.validate();
        let d = diags
            .iter()
            .find(|d| d.pointer == pointer)
            .unwrap_or_else(|| panic!("{pointer}: no diagnostic in {diags:?}"));
        assert!(d.is_error());
        assert_eq!(d.code, ErrorCode::ValueOutOfRange);
        assert!(
            d.message.contains("weight must be 0 or between"),
            "{}",
            d.message
        );
        assert!(Engine::new(plan).is_err(), "{pointer}: the engine took it");
    }
    // The largest weights allowed give finite scores.
    let plan = plan_with(|v| {
        v["factorWeights"] = serde_json::json!({"product": MAX_WEIGHT, "interaction": MAX_WEIGHT, "brand": MAX_WEIGHT});
        v["attributes"][0]["importance"] = MAX_WEIGHT.into();
    });
    assert!(plan.is_valid(), "{:?}", plan.validate());
    let mut e = Engine::new(plan).unwrap();
    e.ingest_json_lines(DATA).unwrap();
    let q: Query =
        serde_json::from_str(r#"{"metrics": ["tcs", "nps", "csat", "compliance"]}"#).unwrap();
    let card = e.query(&q).unwrap();
    all_finite(&card).unwrap();
    assert!(card.rows[0].scores["tcs"].value.unwrap().is_finite());
}

/// A hostile KPI value: extremes of every kind a JSON number can give.
fn hostile() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(f64::MAX),
        Just(1.7e308),
        Just(5e-324),
        Just(f64::MIN_POSITIVE),
        Just(0.0),
        Just(-1.7e308),
        any::<f64>().prop_filter("finite", |v| v.is_finite()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// No score of the sample plan over hostile KPI values (each KPI of the
    /// plan, derived or raw, by period) is non-finite or null without a
    /// reason.
    #[test]
    fn no_score_of_hostile_kpis_is_non_finite(values in proptest::collection::vec(hostile(), 8)) {
        let names = ["sales", "orders", "customers", "retainedCustomers", "repeatCustomers", "complaints", "headcount", "separations"];
        let mut text = String::new();
        for (name, v) in names.iter().zip(&values) {
            text += &format!("{{\"kind\":\"kpi\",\"metric\":\"{name}\",\"period\":{{\"start\":\"2026-01-01\",\"end\":\"2026-01-31\"}},\"value\":{v:e}}}\n");
        }
        let mut e = Engine::new(Plan::from_json(PLAN).unwrap()).unwrap();
        // A value refused (a sum past the float range) is a rejected record.
        let report = e.ingest_json_lines(text.as_bytes()).unwrap();
        prop_assert_eq!(report.accepted + report.rejected, 8);
        let metrics: Vec<String> = ["retentionRate", "repurchaseRate", "staffTurnover", "complaintRate", "averageBasket"]
            .iter()
            .map(|k| format!("kpi:{k}"))
            .chain(names.iter().map(|n| format!("kpi:{n}")))
            .collect();
        let q: Query = serde_json::from_value(serde_json::json!({"metrics": metrics, "groupBy": ["period:month"]})).unwrap();
        let card = e.query(&q).unwrap();
        prop_assert_eq!(card.metrics.len(), 13);
        prop_assert!(all_finite(&card).is_ok(), "{:?}", all_finite(&card));
    }
}

/// Goal progress and projection too large for a float are `None`, never
/// infinity (a KPI goal whose target is a hair above its baseline).
#[test]
fn goal_progress_too_large_for_a_float_is_none() {
    use cx_core::metric::Direction;
    use cx_core::score::{goal_progress, GoalInput};
    let d = |m, day| chrono::NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    let g = GoalInput {
        baseline: 0.0,
        baseline_date: d(1, 1),
        target: 1e-300,
        target_date: d(12, 31),
        current: Some(1.7e308),
        as_of: d(7, 1),
        direction: Direction::HigherIsBetter,
    };
    let p = goal_progress(&g).unwrap();
    assert_eq!(p.progress, None);
    assert!(p.projected.is_none_or(f64::is_finite), "{p:?}");
    let g = GoalInput {
        baseline: -1.7e308,
        current: Some(1.7e308),
        target: 1.0,
        ..g
    };
    let p = goal_progress(&g).unwrap();
    assert!(p.progress.is_none_or(f64::is_finite), "{p:?}");
    assert!(p.projected.is_none_or(f64::is_finite), "{p:?}");
}
