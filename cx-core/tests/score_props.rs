//! Property tests of the score statistics: `merge` is associative and
//! commutative with `Default` as identity; scoring merged halves equals
//! scoring the whole; scores stay in range and intervals contain their
//! estimate; no input panics.

use cx_core::score::*;
use proptest::prelude::*;

fn hist() -> impl Strategy<Value = Histogram> {
    prop::array::uniform11(0u64..1_000).prop_map(|counts| Histogram { counts })
}

fn huge_hist() -> impl Strategy<Value = Histogram> {
    prop::array::uniform11(prop_oneof![
        Just(0u64),
        Just(u64::MAX),
        any::<u64>(),
        0u64..5
    ])
    .prop_map(|counts| Histogram { counts })
}

fn level() -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.95), Just(0.9), Just(0.99), 0.5f64..0.999]
}

fn comoments(rows: &[Vec<i64>], k: usize) -> CoMoments {
    let mut c = CoMoments::new(k);
    for r in rows {
        c.add(r).unwrap();
    }
    c
}

fn rows(k: usize) -> impl Strategy<Value = Vec<Vec<i64>>> {
    prop::collection::vec(prop::collection::vec(-1000i64..1000, k), 0..30)
}

fn item() -> impl Strategy<Value = AuditItem> {
    (
        prop::sample::select(vec!["a", "b", "c"]),
        prop::sample::select(vec![Outcome::Pass, Outcome::Fail, Outcome::NotApplicable]),
        0u8..5,
        any::<bool>(),
    )
        .prop_map(|(rule, outcome, w, critical)| AuditItem {
            rule: rule.into(),
            outcome,
            weight: f64::from(w),
            critical,
        })
}

fn compliance() -> impl Strategy<Value = ComplianceStats> {
    prop::collection::vec(prop::collection::vec(item(), 0..5), 0..8).prop_map(|audits| {
        let mut s = ComplianceStats::default();
        for a in audits {
            s.add_audit(&a).unwrap();
        }
        s
    })
}

fn paired() -> impl Strategy<Value = PairedDiff> {
    prop::collection::vec((1u8..=7, 1u8..=7), 0..20).prop_map(|pairs| {
        let mut d = PairedDiff::default();
        for (p, e) in pairs {
            d.add(p, e);
        }
        d
    })
}

/// Checks the monoid laws of a `merge(&mut self, &other)` statistic.
macro_rules! monoid_laws {
    ($a:expr, $b:expr, $c:expr) => {{
        let (a, b, c) = ($a, $b, $c);
        let mut ab = a.clone();
        ab.merge(&b);
        let mut ab_c = ab.clone();
        ab_c.merge(&c);
        let mut bc = b.clone();
        bc.merge(&c);
        let mut a_bc = a.clone();
        a_bc.merge(&bc);
        prop_assert_eq!(&ab_c, &a_bc, "associativity");
        let mut ba = b.clone();
        ba.merge(&a);
        prop_assert_eq!(&ab, &ba, "commutativity");
        let mut a0 = a.clone();
        a0.merge(&Default::default());
        prop_assert_eq!(&a0, &a, "right identity");
        prop_assert_eq!(&identity_merged_with(&a), &a, "left identity");
    }};
}

trait Merge {
    fn merge_ref(&mut self, other: &Self);
}
impl Merge for Histogram {
    fn merge_ref(&mut self, o: &Self) {
        self.merge(o)
    }
}
impl Merge for NpsCounts {
    fn merge_ref(&mut self, o: &Self) {
        self.merge(o)
    }
}
impl Merge for ComplianceStats {
    fn merge_ref(&mut self, o: &Self) {
        self.merge(o)
    }
}
impl Merge for PairedDiff {
    fn merge_ref(&mut self, o: &Self) {
        self.merge(o)
    }
}
/// `Default::default()` merged with `a`.
fn identity_merged_with<T: Merge + Default>(a: &T) -> T {
    let mut d = T::default();
    d.merge_ref(a);
    d
}

proptest! {
    #[test]
    fn histogram_merge_is_a_monoid(a in huge_hist(), b in huge_hist(), c in hist()) {
        monoid_laws!(a, b, c);
    }

    #[test]
    fn nps_counts_merge_is_a_monoid(a in hist(), b in huge_hist(), c in hist()) {
        monoid_laws!(
            NpsCounts::from_histogram(&a),
            NpsCounts::from_histogram(&b),
            NpsCounts::from_histogram(&c)
        );
    }

    #[test]
    fn compliance_merge_is_a_monoid(a in compliance(), b in compliance(), c in compliance()) {
        monoid_laws!(a, b, c);
    }

    #[test]
    fn paired_diff_merge_is_a_monoid(a in paired(), b in paired(), c in paired()) {
        monoid_laws!(a, b, c);
    }

    #[test]
    fn comoments_merge_is_a_monoid(a in rows(3), b in rows(3), c in rows(3)) {
        let (a, b, c) = (comoments(&a, 3), comoments(&b, 3), comoments(&c, 3));
        let mut ab = a.clone();
        ab.merge(&b).unwrap();
        let mut ab_c = ab.clone();
        ab_c.merge(&c).unwrap();
        let mut bc = b.clone();
        bc.merge(&c).unwrap();
        let mut a_bc = a.clone();
        a_bc.merge(&bc).unwrap();
        prop_assert_eq!(&ab_c, &a_bc);
        let mut ba = b.clone();
        ba.merge(&a).unwrap();
        prop_assert_eq!(&ab, &ba);
        let mut a0 = a.clone();
        a0.merge(&CoMoments::default()).unwrap();
        prop_assert_eq!(&a0, &a);
        let mut d = CoMoments::default();
        d.merge(&a).unwrap();
        prop_assert_eq!(&d, &a);
    }

    #[test]
    fn comoments_of_halves_equal_the_whole(all in rows(4), split in 0usize..30) {
        let split = split.min(all.len());
        let mut left = comoments(&all[..split], 4);
        left.merge(&comoments(&all[split..], 4)).unwrap();
        let whole = comoments(&all, 4);
        prop_assert_eq!(&left, &whole);
        // And importance (when defined) is bit-identical.
        let a = relative_importance(&left, 0);
        let b = relative_importance(&whole, 0);
        prop_assert_eq!(format!("{a:?}"), format!("{b:?}"));
    }

    #[test]
    fn scoring_merged_halves_equals_scoring_the_whole(
        ratings in prop::collection::vec(0u8..=10, 0..200),
        split in 0usize..200,
        lvl in level(),
    ) {
        let split = split.min(ratings.len());
        let mut left = Histogram::default();
        let mut right = Histogram::default();
        let mut whole = Histogram::default();
        for (i, &r) in ratings.iter().enumerate() {
            if i < split { left.add(r).unwrap() } else { right.add(r).unwrap() }
            whole.add(r).unwrap();
        }
        left.merge(&right);
        prop_assert_eq!(left, whole);
        for m in [NpsMethod::Wald, NpsMethod::AdjustedWald, NpsMethod::Score] {
            let a = nps(&NpsCounts::from_histogram(&left), m, lvl).unwrap();
            let b = nps(&NpsCounts::from_histogram(&whole), m, lvl).unwrap();
            prop_assert_eq!(a, b);
        }
        let h1 = left.without(0);
        prop_assert_eq!(csat(&h1, Scale::TEN, lvl).unwrap(), csat(&whole.without(0), Scale::TEN, lvl).unwrap());
    }

    #[test]
    fn nps_is_in_range_and_wald_contains_it(h in huge_hist(), lvl in level()) {
        let c = NpsCounts::from_histogram(&h);
        for m in [NpsMethod::Wald, NpsMethod::AdjustedWald, NpsMethod::Score] {
            // Counts whose total passes u64::MAX are an overflow error.
            let Ok(s) = nps(&c, m, lvl) else {
                prop_assert!(c.checked_n().is_err());
                continue;
            };
            match s.value {
                None => {
                    prop_assert_eq!(s.n, 0);
                    prop_assert!(s.reason.is_some());
                }
                Some(v) => {
                    prop_assert!((-100.0..=100.0).contains(&v), "{}", v);
                    let i = s.interval.unwrap();
                    prop_assert!(i.low.is_finite() && i.high.is_finite());
                    prop_assert!(s.se.unwrap().is_finite());
                    if m != NpsMethod::AdjustedWald {
                        prop_assert!(i.low <= v + 1e-9 && v <= i.high + 1e-9, "{:?} {} {:?}", m, v, i);
                    }
                    if m == NpsMethod::Score {
                        prop_assert!(i.low >= -100.0 && i.high <= 100.0);
                    }
                }
            }
        }
    }

    #[test]
    fn wilson_contains_its_estimate(n in 0u64..100_000, x in 0u64..100_000, lvl in level()) {
        let x = x.min(n);
        let s = proportion(x, n, lvl).unwrap();
        match s.value {
            None => prop_assert_eq!(n, 0),
            Some(v) => {
                let i = s.interval.unwrap();
                prop_assert!(i.low <= v && v <= i.high && i.low >= 0.0 && i.high <= 100.0);
            }
        }
    }

    #[test]
    fn no_input_panics(
        h in huge_hist(),
        g in huge_hist(),
        x in any::<u64>(),
        n in any::<u64>(),
        lvl in prop_oneof![any::<f64>(), level()],
    ) {
        let c = NpsCounts::from_histogram(&h);
        let d = NpsCounts::from_histogram(&g);
        for m in [NpsMethod::Wald, NpsMethod::AdjustedWald, NpsMethod::Score] {
            let _ = nps(&c, m, lvl);
            let _ = nps_diff(&c, &d, m, lvl);
        }
        let _ = nps_z_test(&c, 0.0);
        let _ = proportion(x, n, lvl);
        let _ = proportion(x.min(n), n, lvl);
        for scale in [Scale::FIVE, Scale::SEVEN, Scale::TEN, Scale::NPS] {
            let _ = csat(&h, scale, lvl);
            let _ = ces(&h, scale, lvl);
            let _ = attribute_performance(&h, scale, Some(0), lvl);
            let _ = employee_satisfaction_index(&[h, g], scale);
        }
        let a = AuditScores { count: x, unscored: 0, sum: n, sum_sq: u128::from(x) * 7 };
        let _ = audit_compliance(&a, lvl);
        let _ = rule_compliance(&RuleCounts { pass: x, fail: n, not_applicable: 0 }, lvl);
        let p = PairedDiff { n: x, sum: n as i64, sum_sq: n };
        let _ = attribute_gap(&p, lvl);
    }

    #[test]
    fn nan_never_leaks_from_scores(h in hist(), lvl in level()) {
        for scale in [Scale::FIVE, Scale::SEVEN, Scale::TEN] {
            let h = Histogram { counts: std::array::from_fn(|r| if (usize::from(scale.min)..=usize::from(scale.max)).contains(&r) { h.counts[r] } else { 0 }) };
            for s in [csat(&h, scale, lvl).unwrap(), ces(&h, scale, lvl).unwrap(), attribute_performance(&h, scale, None, lvl).unwrap()] {
                let json = serde_json::to_string(&s).unwrap();
                prop_assert!(!json.contains("NaN") && !json.contains("null,\"n\":1"));
                if let Some(v) = s.value { prop_assert!(v.is_finite()); } else { prop_assert!(s.reason.is_some()); }
                if let Some(i) = s.interval { prop_assert!(i.low.is_finite() && i.high.is_finite()); }
            }
        }
    }

    #[test]
    fn compliance_stats_round_trip_through_json(s in compliance()) {
        let json = serde_json::to_string(&s).unwrap();
        let back: ComplianceStats = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, s);
    }
}

#[test]
fn huge_audit_sums_round_trip_through_json() {
    let a = AuditScores {
        count: u64::MAX,
        unscored: 1,
        sum: u64::MAX,
        sum_sq: u128::MAX,
    };
    let back: AuditScores = serde_json::from_str(&serde_json::to_string(&a).unwrap()).unwrap();
    assert_eq!(back, a);
}

#[test]
fn empty_inputs_give_none_with_a_reason() {
    let empty = Histogram::default();
    let scores = [
        nps(&NpsCounts::default(), NpsMethod::default(), 0.95).unwrap(),
        proportion(0, 0, 0.95).unwrap(),
        csat(&empty, Scale::FIVE, 0.95).unwrap(),
        ces(&empty, Scale::SEVEN, 0.95).unwrap(),
        attribute_performance(&empty, Scale::FIVE, Some(0), 0.95).unwrap(),
        employee_satisfaction_index(&[empty], Scale::FIVE).unwrap(),
        rule_compliance(&RuleCounts::default(), 0.95).unwrap(),
        audit_compliance(&AuditScores::default(), 0.95).unwrap(),
        attribute_gap(&PairedDiff::default(), 0.95).unwrap(),
    ];
    for s in scores {
        assert_eq!(s.value, None);
        assert!(s.reason.is_some());
        let json = serde_json::to_value(&s).unwrap();
        assert!(json["value"].is_null());
        assert!(json["reason"].is_string());
    }
    let d = nps_diff(
        &NpsCounts::default(),
        &NpsCounts::new(1, 1, 1),
        NpsMethod::Wald,
        0.95,
    )
    .unwrap();
    assert!(d.delta.is_none() && d.reason.is_some());
}

#[test]
fn invalid_levels_are_errors() {
    for l in [0.0, 1.0, -0.5, f64::NAN, f64::INFINITY, 95.0] {
        assert!(matches!(
            proportion(1, 2, l),
            Err(ScoreError::InvalidLevel(_))
        ));
        assert!(nps(&NpsCounts::new(1, 1, 1), NpsMethod::Wald, l).is_err());
    }
}
