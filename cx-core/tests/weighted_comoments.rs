//! `score::WeightedCoMoments` and weighted relative importance (issue #19,
//! "relative-importance drivers use weighted co-moments") against R 4 (base
//! only; `benches/reference/drivers_weighted.R`), on
//! `tests/data/drivers_airline.csv`: the first 300 records of the shared
//! airline survey (`airline_passenger_satisfaction.csv`), the 14 rated
//! services (0 = not applicable: listwise deletion leaves 278 complete
//! cases), overall = 1 when satisfied, a constructed 0–10 recommendation
//! `min(10, seat + entertainment + id %% 3)` and a constructed weight
//! `0.5 + (id %% 9) / 4`:
//!
//! ```r
//! x <- as.matrix(d[, attrs]); keep <- apply(x != 0, 1, all); w <- d$weight[keep]
//! m <- cbind(x[keep, ], y)
//! cov.wt(m, wt = w, cor = TRUE)$cor
//! summary(lm(y ~ x, weights = w))$r.squared
//! colSums(m * w) / sum(w)
//! # Johnson: e <- eigen(rxx); lam <- V sqrt(l) V'; beta <- solve(lam, rxy); (lam^2) %*% beta^2
//! # LMG: Shapley average of lm.wfit R² over all 2^14 subsets
//! ```
//!
//! relaimpo is not installed: Johnson's weights and LMG come from the R
//! script's own computation (eigen-decomposition; 16384 weighted least
//! squares fits), independent of the Rust code (nalgebra eigen; Cholesky on
//! correlations), and each sums to `lm`'s R².

// R's figures are copied as printed, all 17 significant digits.
#![allow(clippy::excessive_precision)]

use cx_core::score::{
    fixed_weight, johnson_weights, lmg, relative_importance, CoMoments, ScoreError,
    WeightedCoMoments, WEIGHT_SCALE,
};

const CSV: &str = include_str!("data/drivers_airline.csv");

/// Complete cases: the 14 ratings then overall (0/1) or the recommendation,
/// and the weight in millionths.
fn cases(nps: bool) -> Vec<(Vec<i64>, u64)> {
    CSV.lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            let mut row: Vec<i64> = f[4..18].iter().map(|v| v.parse().unwrap()).collect();
            if row.contains(&0) {
                return None;
            }
            row.push(if nps {
                f[19].parse().unwrap()
            } else {
                i64::from(f[18] == "\"satisfied\"")
            });
            let w = fixed_weight(f[20].parse().unwrap()).unwrap();
            Some((row, w.millionths))
        })
        .collect()
}

fn weighted(nps: bool) -> WeightedCoMoments {
    let mut co = WeightedCoMoments::default();
    for (row, w) in cases(nps) {
        co.add(&row, w).unwrap();
    }
    co
}

fn close(got: f64, want: f64, what: &str) {
    let tol = 1e-9 * want.abs();
    assert!(
        (got - want).abs() <= tol,
        "{what}: {got:.17e} vs R {want:.17e} (rel {:e})",
        ((got - want) / want).abs()
    );
}

fn all_close(got: &[f64], want: &[f64], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        close(*g, *w, &format!("{what}[{i}]"));
    }
}

/// R figures for one outcome.
struct Reference {
    cor_outcome: [f64; 14],
    r2: f64,
    last_mean: f64,
    johnson: [f64; 14],
    lmg: [f64; 14],
}

const OVERALL: Reference = Reference {
    cor_outcome: [
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
    ],
    r2: 0.44595422562468928,
    last_mean: 0.40473300970873788,
    johnson: [
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
    ],
    lmg: [
        0.025305383756749008,
        0.032007924075339089,
        0.017721180236133213,
        0.0052162080283510489,
        0.0072749122861932407,
        0.13076717563015913,
        0.02758309710563113,
        0.057518197024632414,
        0.031154078467366168,
        0.034783689140089703,
        0.012743591862150029,
        0.034399983213307318,
        0.016639740874270243,
        0.012839063924318042,
    ],
};

const NPS: Reference = Reference {
    cor_outcome: [
        0.18966661287036629,
        -0.13491311752472415,
        0.035075036798302102,
        -0.070132279357253233,
        0.5797370368748932,
        0.45948007814415975,
        0.82529146412334331,
        0.82665137400740629,
        0.29673694202204487,
        0.1611460543769174,
        0.12395534619942679,
        0.064761831550055673,
        0.1395365802731626,
        0.72262094006453204,
    ],
    r2: 0.90205718549759328,
    last_mean: 7.6061893203883493,
    johnson: [
        0.0093319133215265266,
        0.0060367121222723924,
        0.0018051302341212296,
        0.0014734360531306518,
        0.085870364902109836,
        0.057054421467599536,
        0.27807156597847882,
        0.25695308361140201,
        0.032304849341297216,
        0.0081625429635083444,
        0.0073062055635428075,
        0.0036480415382085457,
        0.013409541169830643,
        0.14062937723056659,
    ],
    lmg: [
        0.0085697046037019574,
        0.0058219763924903817,
        0.0014572196923455824,
        0.0014555585237093684,
        0.083093489506514739,
        0.05283372395107739,
        0.27714638404344794,
        0.27855655786516281,
        0.02640624215316419,
        0.0061091822752072913,
        0.0047821589572736266,
        0.003332270724038802,
        0.010465452761341941,
        0.14202726404811761,
    ],
};

/// The weighted means of the 14 attributes (the same rows for both
/// outcomes): `colSums(m * w) / sum(w)`.
const ATTRIBUTE_MEANS: [f64; 14] = [
    2.7512135922330097,
    3.2111650485436893,
    2.808859223300971,
    2.916868932038835,
    3.149878640776699,
    3.3015776699029127,
    3.3938106796116503,
    3.4320388349514563,
    3.367111650485437,
    3.449635922330097,
    3.600121359223301,
    3.325242718446602,
    3.6783980582524274,
    3.2299757281553396,
];

fn check_outcome(nps: bool, r: &Reference) {
    let co = weighted(nps);
    // complete cases: 278, sum of weights: 412.
    assert_eq!(co.n, 278);
    assert_eq!(co.weight, 412 * i128::from(WEIGHT_SCALE));
    let cor = co.correlation_matrix().unwrap();
    let outcome_row: Vec<f64> = (0..14).map(|i| cor[i][14]).collect();
    all_close(&outcome_row, &r.cor_outcome, "cov.wt cor with the outcome");
    // cov.wt cor[7, 8] (seat comfort, entertainment), cor[1, 14] (wifi, cleanliness).
    close(cor[6][7], 0.53059602511036597, "cor seat/entertainment");
    close(cor[0][13], 0.093132225618384079, "cor wifi/cleanliness");
    let means = co.means().unwrap();
    all_close(&means[..14], &ATTRIBUTE_MEANS, "weighted means");
    close(means[14], r.last_mean, "weighted outcome mean");
    let imp = relative_importance(&co, 14).unwrap();
    assert_eq!(imp.n, 278);
    close(imp.r2, r.r2, "lm(weights = w) R²");
    all_close(&imp.pearson, &r.cor_outcome, "pearson");
    all_close(&imp.means, &ATTRIBUTE_MEANS, "importance means");
    all_close(&imp.johnson, &r.johnson, "johnson");
    all_close(imp.lmg.as_deref().unwrap(), &r.lmg, "lmg");
    close(imp.johnson.iter().sum(), r.r2, "Σ johnson = R²");
    close(imp.lmg.unwrap().iter().sum(), r.r2, "Σ lmg = R²");
    all_close(
        &johnson_weights(&co, 14).unwrap(),
        &r.johnson,
        "johnson_weights",
    );
    all_close(&lmg(&co, 14).unwrap(), &r.lmg, "lmg()");
}

#[test]
fn weighted_importance_of_overall_equals_r() {
    check_outcome(false, &OVERALL);
}

#[test]
fn weighted_importance_of_the_recommendation_equals_r() {
    check_outcome(true, &NPS);
}

#[test]
fn weights_of_one_give_the_unweighted_importance_to_the_bit() {
    for nps in [false, true] {
        let mut plain = CoMoments::default();
        let mut ones = WeightedCoMoments::default();
        for (row, _) in cases(nps) {
            plain.add(&row).unwrap();
            ones.add(&row, WEIGHT_SCALE).unwrap();
        }
        assert_eq!(ones, WeightedCoMoments::of_unweighted(&plain).unwrap());
        assert_eq!(
            ones.correlation_matrix().unwrap(),
            plain.correlation_matrix().unwrap()
        );
        assert_eq!(ones.means(), plain.means());
        assert_eq!(
            relative_importance(&ones, 14).unwrap(),
            relative_importance(&plain, 14).unwrap()
        );
        // And the R figures are not those of the unweighted data: the
        // weights matter (R: unweighted lm r.squared 0.45383586969482065
        // for overall, 0.90481466432741642 for the recommendation).
        let unweighted_r2 = if nps {
            0.90481466432741642
        } else {
            0.45383586969482065
        };
        close(
            relative_importance(&plain, 14).unwrap().r2,
            unweighted_r2,
            "unweighted R²",
        );
    }
}

#[test]
fn the_corrected_unweighted_sums_equal_the_weighted_sums_exactly() {
    let all = cases(false);
    let mut plain = CoMoments::default();
    let mut correction = WeightedCoMoments::default();
    for (row, w) in &all {
        plain.add(row).unwrap();
        correction.add_reweighted(row, *w).unwrap();
    }
    let direct = weighted(false);
    assert_eq!(
        WeightedCoMoments::corrected(&plain, &correction).unwrap(),
        direct
    );
    // Weighted correction with only some records reweighted: the others
    // count with weight 1.
    let mut partial = WeightedCoMoments::default();
    let mut expected = WeightedCoMoments::default();
    for (i, (row, w)) in all.iter().enumerate() {
        let w = if i % 3 == 0 { *w } else { WEIGHT_SCALE };
        expected.add(row, w).unwrap();
        if i % 3 == 0 {
            partial.add_reweighted(row, w).unwrap();
        }
    }
    assert_eq!(partial.n, all.len().div_ceil(3) as u64);
    assert_eq!(
        WeightedCoMoments::corrected(&plain, &partial).unwrap(),
        expected
    );
}

#[test]
fn merging_parts_equals_adding_the_whole() {
    let all = cases(true);
    let whole = weighted(true);
    let part = |r: std::ops::Range<usize>| {
        let mut co = WeightedCoMoments::default();
        for (row, w) in &all[r] {
            co.add(row, *w).unwrap();
        }
        co
    };
    let (a, b, c) = (part(0..90), part(90..91), part(91..all.len()));
    let mut left = a.clone();
    left.merge(&b).unwrap();
    left.merge(&c).unwrap();
    let mut right = c.clone();
    let mut bc = b.clone();
    bc.merge(&a).unwrap();
    right.merge(&bc).unwrap();
    assert_eq!(left, whole);
    assert_eq!(right, whole);
    // Default is the identity on both sides.
    let mut id = WeightedCoMoments::default();
    id.merge(&whole).unwrap();
    assert_eq!(id, whole);
    let mut same = whole.clone();
    same.merge(&WeightedCoMoments::default()).unwrap();
    assert_eq!(same, whole);
}

#[test]
fn sums_are_exact_and_symmetric() {
    let mut co = WeightedCoMoments::new(3);
    co.add(&[1, 2, 3], 1_500_000).unwrap();
    co.add(&[4, 0, 10], 250_000).unwrap();
    assert_eq!(co.n, 2);
    assert_eq!(co.weight, 1_750_000);
    assert_eq!(co.sums, vec![2_500_000, 3_000_000, 7_000_000]);
    // Σw·x0·x2 = 1.5·3 + 0.25·40 = 14.5.
    assert_eq!(co.cross_sum(0, 2), Some(14_500_000));
    assert_eq!(co.cross_sum(2, 0), Some(14_500_000));
    // Σw·x2² = 1.5·9 + 0.25·100 = 38.5.
    assert_eq!(co.cross_sum(2, 2), Some(38_500_000));
    assert_eq!(co.cross_sum(0, 3), None);
    assert_eq!(co.weight_sum(), 1.75);
    // A correction: (w − 1)·x, negative for a weight below 1.
    let mut d = WeightedCoMoments::default();
    d.add_reweighted(&[2, 5], 250_000).unwrap();
    assert_eq!((d.n, d.weight), (1, -750_000));
    assert_eq!(d.sums, vec![-1_500_000, -3_750_000]);
    assert_eq!(d.cross_sum(0, 1), Some(-7_500_000));
}

#[test]
fn no_data_and_bad_shapes_are_errors_never_nan() {
    let empty = WeightedCoMoments::new(3);
    assert!(empty.means().is_none());
    assert!(matches!(
        empty.correlation_matrix(),
        Err(ScoreError::InvalidNumber { .. })
    ));
    assert!(relative_importance(&empty, 2).is_err());
    assert!(WeightedCoMoments::default().correlation_matrix().is_err());
    // n = 1: every column constant.
    let mut one = WeightedCoMoments::default();
    one.add(&[1, 2, 3], 2_000_000).unwrap();
    assert!(matches!(
        one.correlation_matrix(),
        Err(ScoreError::ConstantColumn(0))
    ));
    assert!(matches!(
        relative_importance(&one, 2),
        Err(ScoreError::TooFewCases { n: 1, .. })
    ));
    // A correction alone has a negative weight sum: no correlation.
    let mut d = WeightedCoMoments::default();
    d.add_reweighted(&[1, 2], 500_000).unwrap();
    d.add_reweighted(&[2, 1], 500_000).unwrap();
    assert!(d.correlation_matrix().is_err());
    assert!(d.means().is_none());
    // Rows of another width change nothing.
    let before = one.clone();
    assert!(matches!(
        one.add(&[1, 2], 1),
        Err(ScoreError::DimensionMismatch { .. })
    ));
    assert!(one.merge(&WeightedCoMoments::new(2)).is_err());
    assert_eq!(one, before);
    // An inconsistent shape (as from a hand-made value) is an error.
    let mut broken = before.clone();
    broken.cross.pop();
    assert!(broken.correlation_matrix().is_err());
    assert!(one.merge(&broken).is_err());
    assert!(WeightedCoMoments::corrected(&CoMoments::new(2), &broken).is_err());
}

#[test]
fn overflow_is_an_error_and_changes_nothing() {
    let mut co = WeightedCoMoments::default();
    // (2^42)² · 2^42 = 2^126; twice that passes 2^127 − 1.
    co.add(&[1 << 42, 1], 1 << 42).unwrap();
    let before = co.clone();
    assert!(matches!(
        co.add(&[1 << 42, 1], 1 << 42),
        Err(ScoreError::Overflow(_))
    ));
    assert_eq!(co, before);
    let mut twice = co.clone();
    assert!(matches!(twice.merge(&co), Err(ScoreError::Overflow(_))));
    assert_eq!(twice, before);
    // Sums beyond 2^63 after scaling: an error, not a wrong correlation.
    let mut big = WeightedCoMoments::default();
    big.add(&[1 << 40, 1], 3_000_001).unwrap();
    big.add(&[1, 2], 1_000_003).unwrap();
    assert!(matches!(
        big.correlation_matrix(),
        Err(ScoreError::Overflow(_))
    ));
}

#[test]
fn json_keeps_every_sum_as_decimal_text() {
    let co = weighted(false);
    let json = serde_json::to_value(&co).unwrap();
    assert_eq!(json["weight"], "412000000");
    assert!(json["cross"][0].is_string());
    let back: WeightedCoMoments = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(back, co);
    let mut d = WeightedCoMoments::default();
    d.add_reweighted(&[2, 5], 250_000).unwrap();
    let text = serde_json::to_string(&d).unwrap();
    assert!(text.contains("\"-750000\""), "{text}");
    assert_eq!(serde_json::from_str::<WeightedCoMoments>(&text).unwrap(), d);
    for bad in [
        "\"1e6\"",
        "\"+5\"",
        "\"\"",
        "\"-\"",
        "5",
        "\"99999999999999999999999999999999999999999\"",
    ] {
        let text =
            format!(r#"{{"columns": 1, "n": 1, "weight": {bad}, "sums": ["0"], "cross": ["0"]}}"#);
        assert!(
            serde_json::from_str::<WeightedCoMoments>(&text).is_err(),
            "{bad} read"
        );
    }
}

#[test]
fn weights_of_one_are_unweighted_to_the_bit_when_the_sums_share_a_divisor() {
    // Ratings 0, 3, 6, 9 over 30 cases: every sum is a multiple of 3, so a
    // reduction by any common divisor other than the weight scale would
    // scale the scatter and could move the last bit.
    for seed in 1..40u64 {
        let mut plain = CoMoments::default();
        let mut ones = WeightedCoMoments::default();
        let mut x = seed;
        for _ in 0..30 {
            let row: Vec<i64> = (0..4)
                .map(|_| {
                    x = x
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1_442_695_040_888_963_407);
                    3 * ((x >> 33) % 4) as i64
                })
                .collect();
            plain.add(&row).unwrap();
            ones.add(&row, WEIGHT_SCALE).unwrap();
        }
        assert_eq!(
            ones.correlation_matrix().ok(),
            plain.correlation_matrix().ok(),
            "seed {seed}"
        );
        assert_eq!(
            relative_importance(&ones, 3).ok(),
            relative_importance(&plain, 3).ok(),
            "seed {seed}"
        );
    }
}

mod props {
    use super::*;
    use proptest::prelude::*;

    fn cases() -> impl Strategy<Value = Vec<(Vec<i64>, u64)>> {
        prop::collection::vec(
            (prop::collection::vec(0i64..=10, 3), 1u64..=100_000_000_000),
            0..40,
        )
    }

    fn sum(rows: &[(Vec<i64>, u64)]) -> WeightedCoMoments {
        let mut co = WeightedCoMoments::default();
        for (row, w) in rows {
            co.add(row, *w).unwrap();
        }
        co
    }

    proptest! {
        #[test]
        fn merge_is_associative_commutative_and_splits_the_whole(
            rows in cases(), i in 0usize..40, j in 0usize..40,
        ) {
            let (i, j) = (i.min(rows.len()), j.min(rows.len()));
            let (i, j) = (i.min(j), i.max(j));
            let (a, b, c) = (sum(&rows[..i]), sum(&rows[i..j]), sum(&rows[j..]));
            let mut ab_c = a.clone();
            ab_c.merge(&b).unwrap();
            ab_c.merge(&c).unwrap();
            let mut bc = b.clone();
            bc.merge(&c).unwrap();
            let mut a_bc = a.clone();
            a_bc.merge(&bc).unwrap();
            let mut cba = c.clone();
            cba.merge(&b).unwrap();
            cba.merge(&a).unwrap();
            let whole = sum(&rows);
            prop_assert_eq!(&ab_c, &whole);
            prop_assert_eq!(&a_bc, &whole);
            prop_assert_eq!(&cba, &whole);
        }

        #[test]
        fn the_corrected_unweighted_sums_are_the_weighted_sums(rows in cases()) {
            let mut plain = CoMoments::default();
            let mut correction = WeightedCoMoments::default();
            for (row, w) in &rows {
                plain.add(row).unwrap();
                correction.add_reweighted(row, *w).unwrap();
            }
            let corrected = WeightedCoMoments::corrected(&plain, &correction).unwrap();
            let direct = sum(&rows);
            if rows.is_empty() {
                prop_assert!(corrected.weight == 0 && corrected.n == 0);
            } else {
                prop_assert_eq!(corrected, direct);
            }
        }
    }
}
