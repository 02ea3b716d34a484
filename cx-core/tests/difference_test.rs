//! Issue #17, item 1: one difference-test type in `score`
//! ([`DifferenceTest`]), used by the NPS difference and by the engine's
//! comparison (NPS, eNPS, CSAT, CES), with the figures of the formulas it
//! replaced, to the bit.

use cx_core::engine::{Engine, Selection};
use cx_core::plan::Plan;
use cx_core::score::{
    nps_diff, two_sided_p, z_quantile, DifferenceTest, IntervalMethod, NpsCounts, NpsMethod, Score,
};

/// The NPS difference as written before it moved into `DifferenceTest`
/// (SPEC §3.2): Δ and SE on −1..1 from the observed counts, the interval
/// centred on the adjusted counts' difference for `adjustedWald`, all × 100.
fn nps_diff_by_hand(a: NpsCounts, b: NpsCounts, adjusted: bool, level: f64) -> [f64; 4] {
    let est = |d: f64, pa: f64, pr: f64| {
        let n = d + pa + pr;
        let (pd, pp) = (d / n, pr / n);
        let v = ((pp + pd) - (pp - pd) * (pp - pd)).max(0.0);
        (pp - pd, v / n)
    };
    let f = |c: NpsCounts| (c.detractors as f64, c.passives as f64, c.promoters as f64);
    let ((ad, apa, apr), (bd, bpa, bpr)) = (f(a), f(b));
    let ((va, wa), (vb, wb)) = (est(ad, apa, apr), est(bd, bpa, bpr));
    let delta = va - vb;
    let se = (wa + wb).sqrt();
    let (centre, se_i) = if adjusted {
        let ((xa, ua), (xb, ub)) = (
            est(ad + 0.75, apa + 1.5, apr + 0.75),
            est(bd + 0.75, bpa + 1.5, bpr + 0.75),
        );
        (xa - xb, (ua + ub).sqrt())
    } else {
        (delta, se)
    };
    let z = z_quantile(level).unwrap();
    [
        delta * 100.0,
        se * 100.0,
        (centre - z * se_i) * 100.0,
        (centre + z * se_i) * 100.0,
    ]
}

#[test]
fn the_nps_difference_is_a_difference_test_with_the_same_figures() {
    let counts = [
        NpsCounts::new(20, 30, 50),
        NpsCounts::new(30, 30, 40),
        NpsCounts::new(0, 0, 7),
        NpsCounts::new(1, 0, 0),
        NpsCounts::new(123, 4567, 89),
    ];
    for a in counts {
        for b in counts {
            for (method, adjusted) in [
                (NpsMethod::Wald, false),
                (NpsMethod::Score, false),
                (NpsMethod::AdjustedWald, true),
            ] {
                for level in [0.8, 0.95, 0.99] {
                    let d: DifferenceTest = nps_diff(&a, &b, method, level).unwrap();
                    let i = d.interval.unwrap();
                    let got = [d.delta.unwrap(), d.se.unwrap(), i.low, i.high];
                    assert_eq!(got, nps_diff_by_hand(a, b, adjusted, level), "{a:?} {b:?}");
                    let expected = if adjusted {
                        IntervalMethod::AdjustedWald
                    } else {
                        IntervalMethod::Wald
                    };
                    assert_eq!(i.method, expected);
                    let se = d.se.unwrap();
                    let p = (se > 0.0).then(|| two_sided_p(d.delta.unwrap() / se).unwrap());
                    match (d.p, p) {
                        (Some(x), Some(y)) => assert!((x - y).abs() < 1e-12),
                        (x, y) => assert_eq!(x, y),
                    }
                }
            }
        }
    }
    // R: the two-proportion-difference z-test of the NPS package,
    // 2 * pnorm(-20 / sqrt(0.61 / 100 + 0.7 / 100) / 100) = 0.0794106260.
    let d = nps_diff(
        &NpsCounts::new(20, 30, 50),
        &NpsCounts::new(30, 30, 40),
        NpsMethod::Wald,
        0.95,
    )
    .unwrap();
    assert!((d.p.unwrap() - 0.0794106260).abs() < 1e-9);
    let empty = nps_diff(&NpsCounts::default(), &counts[0], NpsMethod::Wald, 0.95).unwrap();
    assert_eq!((empty.delta, empty.n_a, empty.n_b), (None, 0, 100));
    assert!(empty.reason.is_some());
}

#[test]
fn scores_give_a_normal_difference() {
    let score = |value: f64, se: f64, n: u64| Score {
        value: Some(value),
        se: Some(se),
        n,
        ..Score::default()
    };
    // Δ = 6, SE = √(3² + 4²) = 5, z = 1.2: p = 0.2301393 (R: 2 * pnorm(-1.2)),
    // interval 6 ± 1.959964 · 5.
    let d = DifferenceTest::of_scores(&score(80.0, 3.0, 100), &score(74.0, 4.0, 90), 0.95).unwrap();
    assert_eq!(
        (d.delta, d.se, d.n_a, d.n_b),
        (Some(6.0), Some(5.0), 100, 90)
    );
    assert!((d.p.unwrap() - 0.2301393).abs() < 1e-7);
    let i = d.interval.unwrap();
    assert!((i.low - (6.0 - 1.959963985 * 5.0)).abs() < 1e-8);
    assert!((i.high - (6.0 + 1.959963985 * 5.0)).abs() < 1e-8);
    assert_eq!(i.method, IntervalMethod::Normal);
    // A side without a standard error: no difference, and why.
    let none = DifferenceTest::of_scores(&Score::empty("no responses"), &score(1.0, 1.0, 3), 0.95)
        .unwrap();
    assert_eq!((none.delta, none.interval, none.n_b), (None, None, 3));
    assert!(none.reason.is_some());
    assert!(DifferenceTest::of_scores(&score(1.0, 1.0, 3), &score(1.0, 1.0, 3), 1.5).is_err());
}

#[test]
fn the_engine_comparison_holds_one_difference_type_with_its_json_shape() {
    let plan = Plan::from_json(include_str!("../../examples/data/plan.json")).unwrap();
    let mut engine = Engine::new(plan).unwrap();
    engine
        .ingest_json_lines(include_bytes!("../../examples/data/responses.jsonl"))
        .unwrap();
    let all = Selection::default();
    let c = engine.compare(&all, &all, 0.95, NpsMethod::Wald).unwrap();
    // Every field is a `DifferenceTest` (this does not compile otherwise).
    let tests: [&DifferenceTest; 4] = [&c.nps, &c.enps, &c.csat, &c.ces];
    for t in tests {
        if let Some(delta) = t.delta {
            assert_eq!(delta, 0.0);
        }
    }
    let json = serde_json::to_value(&c).unwrap();
    for field in ["nps", "enps", "csat", "ces"] {
        let keys: Vec<&String> = json[field].as_object().unwrap().keys().collect();
        for k in &keys {
            assert!(
                ["delta", "se", "interval", "p", "nA", "nB", "reason"].contains(&k.as_str()),
                "{field}: {k}"
            );
        }
        assert!(keys.iter().any(|k| *k == "nA") && keys.iter().any(|k| *k == "nB"));
    }
}
