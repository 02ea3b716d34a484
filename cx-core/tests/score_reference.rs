//! Reference vectors (shared/testdata/reference-vectors.md), each with its
//! source. Every figure is copied here: tests never read files outside the
//! repository.

use cx_core::number::Decimal;
use cx_core::score::*;

fn close(got: f64, want: f64, tol: f64) {
    assert!(
        (got - want).abs() <= tol,
        "got {got:.12}, want {want:.12} (tolerance {tol:e})"
    );
}

/// Relative closeness for figures given to 10 significant digits.
fn rel(got: f64, want: f64) {
    close(got, want, 1e-9 * want.abs().max(1e-300));
}

/// R `datasets::swiss` (47 Swiss provinces, 1888), as printed by
/// `write.csv(swiss)` — the raw rows behind the relaimpo reference below.
const SWISS: &str = r#""","Fertility","Agriculture","Examination","Education","Catholic","Infant.Mortality"
"Courtelary",80.2,17,15,12,9.96,22.2
"Delemont",83.1,45.1,6,9,84.84,22.2
"Franches-Mnt",92.5,39.7,5,5,93.4,20.2
"Moutier",85.8,36.5,12,7,33.77,20.3
"Neuveville",76.9,43.5,17,15,5.16,20.6
"Porrentruy",76.1,35.3,9,7,90.57,26.6
"Broye",83.8,70.2,16,7,92.85,23.6
"Glane",92.4,67.8,14,8,97.16,24.9
"Gruyere",82.4,53.3,12,7,97.67,21
"Sarine",82.9,45.2,16,13,91.38,24.4
"Veveyse",87.1,64.5,14,6,98.61,24.5
"Aigle",64.1,62,21,12,8.52,16.5
"Aubonne",66.9,67.5,14,7,2.27,19.1
"Avenches",68.9,60.7,19,12,4.43,22.7
"Cossonay",61.7,69.3,22,5,2.82,18.7
"Echallens",68.3,72.6,18,2,24.2,21.2
"Grandson",71.7,34,17,8,3.3,20
"Lausanne",55.7,19.4,26,28,12.11,20.2
"La Vallee",54.3,15.2,31,20,2.15,10.8
"Lavaux",65.1,73,19,9,2.84,20
"Morges",65.5,59.8,22,10,5.23,18
"Moudon",65,55.1,14,3,4.52,22.4
"Nyone",56.6,50.9,22,12,15.14,16.7
"Orbe",57.4,54.1,20,6,4.2,15.3
"Oron",72.5,71.2,12,1,2.4,21
"Payerne",74.2,58.1,14,8,5.23,23.8
"Paysd'enhaut",72,63.5,6,3,2.56,18
"Rolle",60.5,60.8,16,10,7.72,16.3
"Vevey",58.3,26.8,25,19,18.46,20.9
"Yverdon",65.4,49.5,15,8,6.1,22.5
"Conthey",75.5,85.9,3,2,99.71,15.1
"Entremont",69.3,84.9,7,6,99.68,19.8
"Herens",77.3,89.7,5,2,100,18.3
"Martigwy",70.5,78.2,12,6,98.96,19.4
"Monthey",79.4,64.9,7,3,98.22,20.2
"St Maurice",65,75.9,9,9,99.06,17.8
"Sierre",92.2,84.6,3,3,99.46,16.3
"Sion",79.3,63.1,13,13,96.83,18.1
"Boudry",70.4,38.4,26,12,5.62,20.3
"La Chauxdfnd",65.7,7.7,29,11,13.79,20.5
"Le Locle",72.7,16.7,22,13,11.22,18.9
"Neuchatel",64.4,17.6,35,32,16.92,23
"Val de Ruz",77.6,37.6,15,7,4.97,20
"ValdeTravers",67.6,18.7,25,7,8.65,19.5
"V. De Geneve",35,1.2,37,53,42.34,18
"Rive Droite",44.7,46.6,16,29,50.43,18.2
"Rive Gauche",42.8,27.7,22,29,58.33,19.3
"#;

const Z95: f64 = 0.95;

// ---------------------------------------------------------------------------
// NPS — R package `NPS` (B. Rocks), tests/test_01_basics.R and `nps_test_`.
// Sources use −1..1; cx displays ×100 (SPEC §5.1).
// ---------------------------------------------------------------------------

#[test]
fn nps_of_ratings_0_7_7_9_9_9_is_one_third() {
    let mut h = Histogram::default();
    for r in [0, 7, 7, 9, 9, 9] {
        h.add(r).unwrap();
    }
    let c = NpsCounts::from_histogram(&h);
    assert_eq!(c, NpsCounts::new(1, 2, 3));
    let s = nps(&c, NpsMethod::Wald, Z95).unwrap();
    rel(s.value.unwrap(), 100.0 / 3.0);
}

#[test]
fn nps_variances() {
    let var = |d: f64, pa: f64, pr: f64| {
        let n = d + pa + pr;
        nps_variance(d / n, pr / n)
    };
    rel(var(1.0, 2.0, 3.0), 5.0 / 9.0);
    rel(var(1.0, 0.0, 1.0), 1.0);
    rel(var(0.0, 1.0, 1.0), 0.25);
    rel(var(1.0, 1.0, 1.0), 2.0 / 3.0);
    for single in [(5.0, 0.0, 0.0), (0.0, 5.0, 0.0), (0.0, 0.0, 5.0)] {
        assert_eq!(var(single.0, single.1, single.2), 0.0);
    }
    // SE 0.304 at n = 6 for (1, 2, 3).
    let s = nps(&NpsCounts::new(1, 2, 3), NpsMethod::Wald, Z95).unwrap();
    close(s.se.unwrap() / 100.0, 0.304, 5e-4);
}

#[test]
fn single_category_has_zero_variance_and_defined_intervals() {
    for counts in [
        NpsCounts::new(7, 0, 0),
        NpsCounts::new(0, 7, 0),
        NpsCounts::new(0, 0, 7),
    ] {
        for m in [NpsMethod::Wald, NpsMethod::AdjustedWald, NpsMethod::Score] {
            let s = nps(&counts, m, Z95).unwrap();
            assert_eq!(s.se, Some(0.0));
            assert!(s.flags.contains(&Flag::ZeroVariance));
            let i = s.interval.unwrap();
            assert!(
                i.low.is_finite() && i.high.is_finite() && i.low <= i.high,
                "{m:?} {i:?}"
            );
        }
    }
}

#[test]
fn nps_wald_20_30_50() {
    let c = NpsCounts::new(20, 30, 50);
    let s = nps(&c, NpsMethod::Wald, Z95).unwrap();
    rel(s.value.unwrap(), 30.0);
    rel(s.se.unwrap(), 7.81024968);
    let i = s.interval.unwrap();
    rel(i.low, 14.69219192);
    rel(i.high, 45.30780808);
    assert_eq!(i.method, IntervalMethod::Wald);
    // p 1.2248e-4: one-sample z test of NPS = 0.
    close(nps_z_test(&c, 0.0).unwrap().p, 1.2248e-4, 5e-9);
}

#[test]
fn nps_adjusted_wald_20_30_50() {
    let s = nps(&NpsCounts::new(20, 30, 50), NpsMethod::AdjustedWald, Z95).unwrap();
    // value and se stay the observed ones.
    rel(s.value.unwrap(), 30.0);
    rel(s.se.unwrap(), 7.81024968);
    let i = s.interval.unwrap();
    rel(i.low, 14.05113018);
    rel(i.high, 44.20129701);
    assert_eq!(i.method, IntervalMethod::AdjustedWald);
    assert_eq!(NpsMethod::default(), NpsMethod::AdjustedWald);
}

#[test]
fn nps_score_interval_20_30_50() {
    // R NPS package, bisection to 1e-7: match to ~1e-6 on the −1..1 scale.
    let s = nps(&NpsCounts::new(20, 30, 50), NpsMethod::Score, Z95).unwrap();
    let i = s.interval.unwrap();
    close(i.low / 100.0, 0.1395514127, 1e-6);
    close(i.high / 100.0, 0.4433930516, 1e-6);
    assert_eq!(i.method, IntervalMethod::Score);
}

#[test]
fn nps_wald_14_36_50() {
    let i = nps(&NpsCounts::new(14, 36, 50), NpsMethod::Wald, Z95)
        .unwrap()
        .interval
        .unwrap();
    rel(i.low, 21.99756956);
    rel(i.high, 50.00243044);
}

#[test]
fn nps_two_sample() {
    let a = NpsCounts::new(20, 30, 50);
    let b = NpsCounts::new(30, 30, 40);
    let d = nps_diff(&a, &b, NpsMethod::Wald, Z95).unwrap();
    rel(d.delta.unwrap(), 20.0);
    rel(d.se.unwrap(), 11.401754251);
    let i = d.interval.unwrap();
    // Printed to 10 decimals on −1..1: ±5e-11 there, ±5e-9 on the display scale.
    close(i.low, -2.34702769, 5e-9);
    rel(i.high, 42.34702769);
    rel(d.p.unwrap(), 0.0794106260);
    // Signed: b − a is the negative.
    let r = nps_diff(&b, &a, NpsMethod::Wald, Z95).unwrap();
    rel(r.delta.unwrap(), -20.0);
    rel(r.p.unwrap(), 0.0794106260);
    let json = serde_json::to_value(&d).unwrap();
    for key in ["delta", "se", "interval", "p"] {
        assert!(json.get(key).is_some(), "{key}");
    }
}

// ---------------------------------------------------------------------------
// Wilson score interval, 95% — Newcombe (1998) Table I, checked with
// statsmodels 0.14 (4 decimals printed).
// ---------------------------------------------------------------------------

#[test]
fn wilson_newcombe_table_1() {
    let cases = [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
        (29, 29, 0.8830, 1.0),
    ];
    for (x, n, lo, hi) in cases {
        let (l, h) = wilson(x, n, Z95).unwrap().unwrap();
        close(l, lo, 5e-5);
        close(h, hi, 5e-5);
    }
    assert_eq!(wilson(0, 20, Z95).unwrap().unwrap().0, 0.0);
    assert_eq!(wilson(29, 29, Z95).unwrap().unwrap().1, 1.0);
}

// ---------------------------------------------------------------------------
// CSAT — Delighted help-centre example; Wilson bounds from statsmodels.
// ---------------------------------------------------------------------------

#[test]
fn csat_delighted() {
    // Counts for 5,4,3,2,1 = 42, 32, 10, 9, 14.
    let h = Histogram::from_counts(1, &[14, 9, 10, 32, 42]).unwrap();
    let s = csat(&h, Scale::FIVE, Z95).unwrap();
    assert_eq!(s.n, 107);
    close(s.value.unwrap(), 69.1589, 5e-5);
    rel(s.value.unwrap(), 7400.0 / 107.0);
    let i = s.interval.unwrap();
    rel(i.low, 59.87150913);
    rel(i.high, 77.11826025);
    assert_eq!(i.method, IntervalMethod::Wilson);
    rel(
        s.mean.unwrap(),
        (14.0 + 18.0 + 30.0 + 128.0 + 210.0) / 107.0,
    );
    assert_eq!(s.distribution.as_ref().unwrap().len(), 5);
    // Out-of-scale ratings are an error, never dropped.
    let mut bad = h;
    bad.add(0).unwrap();
    assert!(csat(&bad, Scale::FIVE, Z95).is_err());
}

// ---------------------------------------------------------------------------
// CES — 7-point example (counts for 1..7 = 80, 210, 140, 110, 160, 180, 120).
// ---------------------------------------------------------------------------

#[test]
fn ces_seven_point() {
    let h = Histogram::from_counts(1, &[80, 210, 140, 110, 160, 180, 120]).unwrap();
    let s = ces(&h, Scale::SEVEN, Z95).unwrap();
    rel(s.value.unwrap(), 4.08);
    rel(s.mean.unwrap(), 4.08);
    rel(s.agree.unwrap(), 46.0);
    rel(s.index.unwrap(), -13.0);
    let i = s.interval.unwrap();
    assert_eq!(i.method, IntervalMethod::T);
    assert!(i.contains(4.08));
}

#[test]
fn ces_five_point_uses_top_two_and_bottom_two() {
    // 1..5 = 1, 2, 3, 4, 5 (n = 15): agree = 4–5 = 9/15; index = 9/15 − 3/15.
    let h = Histogram::from_counts(1, &[1, 2, 3, 4, 5]).unwrap();
    let s = ces(&h, Scale::FIVE, Z95).unwrap();
    rel(s.agree.unwrap(), 60.0);
    rel(s.index.unwrap(), 40.0);
}

// ---------------------------------------------------------------------------
// SERVQUAL gap — 12manage example.
// ---------------------------------------------------------------------------

#[test]
fn servqual_12manage() {
    let gaps = [-0.65, -1.10, -0.83, -0.70, -1.01];
    rel(weighted_mean_gap(&gaps, None).unwrap().unwrap(), -0.858);
    let w = [10.0, 30.0, 20.0, 20.0, 20.0];
    rel(weighted_mean_gap(&gaps, Some(&w)).unwrap().unwrap(), -0.903);
}

// ---------------------------------------------------------------------------
// Relative importance — R relaimpo 2.2-7 on `swiss`:
// Fertility ~ Agriculture + Examination + Education + Catholic + Infant.Mortality
// ---------------------------------------------------------------------------

/// The swiss rows as exact integer co-moments (each column ×10^d, d its
/// largest number of decimals); column 0 is Fertility.
fn swiss_comoments() -> CoMoments {
    let rows: Vec<Vec<(i64, u32)>> = SWISS
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            l.split(',')
                .skip(1)
                .map(|f| {
                    Decimal::of_text(f.trim())
                        .map(|d| (d.digits, d.places))
                        .unwrap()
                })
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), 47);
    let dec: Vec<u32> = (0..6)
        .map(|c| rows.iter().map(|r| r[c].1).max().unwrap())
        .collect();
    let mut co = CoMoments::new(6);
    for r in &rows {
        let scaled: Vec<i64> = r
            .iter()
            .zip(&dec)
            .map(|(&(v, d), &m)| v * 10i64.pow(m - d))
            .collect();
        co.add(&scaled).unwrap();
    }
    co
}

#[test]
fn swiss_relaimpo() {
    let imp = relative_importance(&swiss_comoments(), 0).unwrap();
    assert_eq!(imp.n, 47);
    assert_eq!(imp.predictors, vec![1, 2, 3, 4, 5]);
    rel(imp.r2, 0.7067350016);
    let lmg_ref = [
        0.05709122077,
        0.17117302890,
        0.26013467862,
        0.10557015037,
        0.11276592293,
    ];
    let johnson_ref = [
        0.04841689581,
        0.15470824981,
        0.27196410465,
        0.11468002995,
        0.11696572138,
    ];
    let pearson_ref = [0.353079, -0.645883, -0.663789, 0.463685, 0.416556];
    let lmg = imp.lmg.as_ref().unwrap();
    for j in 0..5 {
        rel(lmg[j], lmg_ref[j]);
        rel(imp.johnson[j], johnson_ref[j]);
        close(imp.pearson[j], pearson_ref[j], 5e-7);
    }
    rel(lmg.iter().sum::<f64>(), imp.r2);
    rel(imp.johnson.iter().sum::<f64>(), imp.r2);
}

#[test]
fn swiss_scaling_does_not_change_weights() {
    // Same data ×10 in every column: identical correlations, weights.
    let co = swiss_comoments();
    let mut scaled = CoMoments::new(6);
    scaled.n = co.n;
    scaled.sums = co.sums.iter().map(|s| s * 10).collect();
    scaled.cross = co.cross.iter().map(|s| s * 100).collect();
    let a = relative_importance(&co, 0).unwrap();
    let b = relative_importance(&scaled, 0).unwrap();
    for j in 0..5 {
        close(a.johnson[j], b.johnson[j], 1e-12);
    }
}

// ---------------------------------------------------------------------------
// Real data — airline_passenger_satisfaction.csv (first 20,000 rows of the
// Kaggle "Airline Passenger Satisfaction" training set). "Seat comfort"
// counts for ratings 0..5 = 1, 2352, 2842, 3547, 6264, 4994 (0 = not
// applicable). Reference: n 19,999, top-2-box 11,258 → 0.5629281464,
// Wilson 95% [0.5560421201, 0.5697900026], mean 3.4353217661.
// ---------------------------------------------------------------------------

#[test]
fn airline_seat_comfort() {
    let h = Histogram::from_counts(0, &[1, 2352, 2842, 3547, 6264, 4994]).unwrap();
    let s = attribute_performance(&h, Scale::FIVE, Some(0), Z95).unwrap();
    assert_eq!(s.n, 19_999);
    rel(s.mean.unwrap(), 3.4353217661);
    rel(s.top_two_box.unwrap(), 56.29281464);
    let c = csat(&h.without(0), Scale::FIVE, Z95).unwrap();
    rel(c.value.unwrap(), 56.29281464);
    let i = c.interval.unwrap();
    rel(i.low, 55.60421201);
    rel(i.high, 56.97900026);
    // Without excluding 0 the rating is outside the 1–5 scale: an error.
    assert!(attribute_performance(&h, Scale::FIVE, None, Z95).is_err());
}
