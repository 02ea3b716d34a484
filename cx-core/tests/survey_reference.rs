//! Weighted scores, comparison tests and p-value adjustment against R
//! `survey` 4.1.1 (R 4.2, Debian's r-cran-survey), issue #19.
//!
//! Every figure was computed by `benches/reference/survey_weighted.R`
//! (`Rscript benches/reference/survey_weighted.R /work/shared/testdata`),
//! which also wrote the data this test reads:
//!
//! - `data/survey_nps_testdata.csv`: columns `REC`, `Product.Tastiness` and
//!   `Region` of `nps_testdata.csv` (1000 rows), in file order;
//! - `data/survey_airline_wifi.csv`: the airline file's
//!   (`airline_passenger_satisfaction.csv`, 20000 rows) counts per `Class`,
//!   `Inflight wifi service` rating (0 = not applicable) and k = (row − 1)
//!   mod 7, which is all a score of that column needs.
//!
//! The weights are constructed: data row i (1-based) weighs
//! w = 0.5 + ((i − 1) mod 7)/4 (0.5, 0.75, …, 2.0), in R
//! `d$w <- 0.5 + ((seq_len(nrow(d)) - 1) %% 7) / 4` and
//! `des <- svydesign(ids = ~1, weights = ~w, data = d)`, with
//! `d$nps <- ifelse(REC >= 9, 100, ifelse(REC <= 6, -100, 0))`,
//! `d$promoter <- as.numeric(REC >= 9)`, `d$taste <- Product.Tastiness`.
//! Every figure must match to 1e-9 relative.

// The figures are copied as R printed them (sprintf("%.17g")).
#![allow(clippy::excessive_precision)]

use cx_core::score::{
    adjust_p, attribute_performance, ces, change_of, csat, fixed_weight, nps, proportion,
    survey_score, weighted_attribute, weighted_ces, weighted_ces_index, weighted_csat,
    weighted_employee_satisfaction_index, weighted_linear, weighted_nps, Adjust, ChangeMethod,
    Flag, Histogram, IntervalMethod, NpsCounts, NpsMethod, Scale, Score, SurveyKind,
    WeightedHistogram, WEIGHT_SCALE,
};

const REGIONS: [&str; 4] = ["APAC", "EMEA", "LATAM", "NAM"];

fn close(got: f64, want: f64, what: &str) {
    let tol = 1e-9 * want.abs().max(1e-300);
    assert!(
        (got - want).abs() <= tol,
        "{what}: got {got:.17e}, R {want:.17e}"
    );
}

/// The weight of data row `i` (1-based) in millionths.
fn weight_of_row(i: usize) -> u64 {
    let w = 0.5 + ((i - 1) % 7) as f64 / 4.0;
    fixed_weight(w).unwrap().millionths
}

struct NpsRow {
    row: usize,
    rec: u8,
    taste: u8,
    region: String,
}

fn nps_rows() -> Vec<NpsRow> {
    include_str!("data/survey_nps_testdata.csv")
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            NpsRow {
                row: f[0].parse().unwrap(),
                rec: f[1].parse().unwrap(),
                taste: f[2].parse().unwrap(),
                region: f[3].to_string(),
            }
        })
        .collect()
}

/// (REC, taste) histograms of the rows where `keep`, weighted or with all
/// weights 1.
fn histograms(
    weighted: bool,
    keep: impl Fn(&NpsRow) -> bool,
) -> (WeightedHistogram, WeightedHistogram) {
    let (mut rec, mut taste) = (WeightedHistogram::default(), WeightedHistogram::default());
    for r in nps_rows().iter().filter(|r| keep(r)) {
        let w = if weighted {
            weight_of_row(r.row)
        } else {
            WEIGHT_SCALE
        };
        rec.add(r.rec, w);
        taste.add(r.taste, w);
    }
    (rec, taste)
}

/// value, se, low, high of a score.
fn check(s: &Score, want: [f64; 4], what: &str) {
    close(s.value.unwrap(), want[0], &format!("{what} value"));
    close(s.se.unwrap(), want[1], &format!("{what} se"));
    let i = s.interval.unwrap();
    close(i.low, want[2], &format!("{what} low"));
    close(i.high, want[3], &format!("{what} high"));
}

#[test]
fn design_weights_on_nps_testdata_match_svymean_and_svyciprop() {
    let (rec, taste) = histograms(true, |_| true);
    // svymean(~nps, des); confint(svymean(~nps, des))
    let s = weighted_nps(&rec, 1000, 0.95).unwrap();
    let nps_r = [
        9.8258955373223937,
        3.0765038828920819,
        3.7960587285562823,
        15.855732346088505,
    ];
    check(&s, nps_r, "nps");
    assert_eq!(s.interval.unwrap().method, IntervalMethod::Normal);
    assert_eq!(s.n, 1000);
    // sum(weights(des))^2 / sum(weights(des)^2); sum(weights(des))
    close(s.effective_n.unwrap(), 862.07522872432241, "effective n");
    close(s.weight_sum.unwrap(), 1249.25, "weight sum");
    // svymean(~taste, des); confint(...)
    let t = weighted_attribute(&taste, Scale::NPS, None, 1000, 0.95).unwrap();
    let taste_r = [
        6.1723033820292175,
        0.057711524417045974,
        6.0591908726789034,
        6.2854158913795315,
    ];
    check(&t, taste_r, "taste");
    // svyciprop(~I(promoter == 1), des, method = "logit"), in percent
    let p = weighted_csat(&rec, Scale::NPS, 1000, 0.95).unwrap();
    let share_r = [
        46.08765259500392,
        1.6984288245178933,
        42.777091189126404,
        49.433091823938291,
    ];
    check(&p, share_r, "promoter share");
    assert_eq!(p.interval.unwrap().method, IntervalMethod::Logit);
}

#[test]
fn all_ones_weights_match_r_and_the_unweighted_values() {
    let (rec, taste) = histograms(false, |_| true);
    // des1 <- svydesign(ids = ~1, weights = ~one, data = d): svymean,
    // confint, svyciprop(method = "logit")
    let s = weighted_nps(&rec, 1000, 0.95).unwrap();
    check(
        &s,
        [
            10.0,
            2.854496128592249,
            4.4052903939501782,
            15.594709606049822,
        ],
        "nps (ones)",
    );
    close(s.effective_n.unwrap(), 1000.0, "effective n (ones)");
    close(s.weight_sum.unwrap(), 1000.0, "weight sum (ones)");
    let t = weighted_attribute(&taste, Scale::NPS, None, 1000, 0.95).unwrap();
    check(
        &t,
        [
            6.1930000000000005,
            0.053615535301119774,
            6.0879154817979702,
            6.2980845182020309,
        ],
        "taste (ones)",
    );
    let p = weighted_csat(&rec, Scale::NPS, 1000, 0.95).unwrap();
    // R's coefficient comes from an IRLS fit: 0.46200000001995195 (4e-11 off 0.462).
    check(
        &p,
        [
            46.200000001995195,
            1.577354762901495,
            43.123226489501265,
            49.305993867789338,
        ],
        "promoter share (ones)",
    );
    // svymean's se on all-ones weights is √(m/(m − 1)) × the plug-in se.
    let plain = nps(
        &NpsCounts::from_histogram(&rec.counts()),
        NpsMethod::Wald,
        0.95,
    )
    .unwrap();
    close(
        s.se.unwrap(),
        plain.se.unwrap() * (1000.0f64 / 999.0).sqrt(),
        "se ratio",
    );
}

/// Values, n and extras of all-ones weights equal the unweighted scores.
#[test]
fn all_ones_values_equal_the_unweighted_functions() {
    let (rec, taste) = histograms(false, |_| true);
    let same = |a: Option<f64>, b: Option<f64>, what: &str| {
        let (a, b) = (a.unwrap(), b.unwrap());
        assert!((a - b).abs() <= 1e-12 * b.abs().max(1.0), "{what}: {a} {b}");
    };
    let u = nps(
        &NpsCounts::from_histogram(&rec.counts()),
        NpsMethod::Wald,
        0.95,
    )
    .unwrap();
    let w = weighted_nps(&rec, 1000, 0.95).unwrap();
    same(w.value, u.value, "nps");
    assert_eq!(
        (w.n, w.detractors, w.passives, w.promoters),
        (u.n, u.detractors, u.passives, u.promoters)
    );
    let u = csat(&rec.counts(), Scale::NPS, 0.95).unwrap();
    let w = weighted_csat(&rec, Scale::NPS, 1000, 0.95).unwrap();
    same(w.value, u.value, "csat");
    assert_eq!(w.mean, u.mean, "csat mean, bit for bit");
    for (a, b) in w.distribution.unwrap().iter().zip(u.distribution.unwrap()) {
        assert_eq!((a.rating, a.count), (b.rating, b.count));
        same(Some(a.share), Some(b.share), "distribution share");
    }
    let u = attribute_performance(&taste.counts(), Scale::NPS, Some(0), 0.95).unwrap();
    let w = weighted_attribute(&taste, Scale::NPS, Some(0), 999, 0.95).unwrap();
    assert_eq!(
        (w.value, w.mean, w.n),
        (u.value, u.mean, u.n),
        "bit for bit"
    );
    same(w.top_two_box, u.top_two_box, "top two box");
    // CES on 1..7: the taste ratings 1..7 only.
    let mut h = Histogram::default();
    for r in 1..=7u8 {
        h.add_n(r, taste.counts().count(r)).unwrap();
    }
    let hw = WeightedHistogram::of_unweighted(&h);
    let u = ces(&h, Scale::SEVEN, 0.95).unwrap();
    let w = weighted_ces(&hw, Scale::SEVEN, h.n(), 0.95).unwrap();
    assert_eq!((w.value, w.n), (u.value, u.n), "ces mean, bit for bit");
    same(w.agree, u.agree, "agree");
    same(w.index, u.index, "index");
    let i = weighted_ces_index(&hw, Scale::SEVEN, h.n(), 0.95).unwrap();
    same(i.value, u.index, "ces index");
}

#[test]
fn domains_of_svyby_by_region() {
    // svyby(~nps, ~Region, des, svymean); confint(...)
    let nps_r = [
        [
            25.333333333333332,
            7.997310072742204,
            9.6588936175592153,
            41.007773049107449,
        ],
        [
            1.5491866769945779,
            6.0044312037522367,
            -10.219282230008286,
            13.317655583997443,
        ],
        [
            2.1834061135371177,
            9.6827083630267161,
            -16.794353550800025,
            21.16116577787426,
        ],
        [
            11.270890011659541,
            4.3528210346759044,
            2.7395175525463955,
            19.802262470772686,
        ],
    ];
    // svyby(~taste, ~Region, des, svymean)
    let taste_r = [
        [6.3125925925925923, 0.17034183825535937],
        [6.1766072811773816, 0.1117687699003284],
        [6.2030567685589517, 0.16370574891344469],
        [6.1278663039253791, 0.080952278106687217],
    ];
    // svyby(~I(promoter == 1), ~Region, des, svyciprop, method = "logit",
    // vartype = c("se", "ci")): coef, SE, ci_l, ci_u (percent here)
    let share_r = [
        [
            0.53925925923663454,
            0.045836508529582223,
            0.44833043070098733,
            0.627648183697599,
        ],
        [
            0.4089852827265687,
            0.032810885635118629,
            0.34627269774198483,
            0.47480640160545179,
        ],
        [
            0.40174672489082974,
            0.053815198975003434,
            0.30095280657304374,
            0.51159294552132151,
        ],
        [
            0.47687524290850797,
            0.023879623990234716,
            0.43029956965169053,
            0.52385659446071375,
        ],
    ];
    // c(sum(s), sum(w[s])^2 / sum(w[s]^2), sum(w[s])) per Region
    let sizes = [
        (139, 118.19066147859922, 168.75),
        (259, 223.08673537679024, 322.75),
        (95, 82.976265822784811, 114.5),
        (507, 438.11322877374096, 643.25),
    ];
    for (k, region) in REGIONS.iter().enumerate() {
        let (rec, taste) = histograms(true, |r| r.region == *region);
        let s = weighted_nps(&rec, 1000, 0.95).unwrap();
        check(&s, nps_r[k], &format!("{region} nps"));
        assert_eq!(s.n, sizes[k].0);
        close(s.effective_n.unwrap(), sizes[k].1, "domain effective n");
        close(s.weight_sum.unwrap(), sizes[k].2, "domain weight sum");
        let t = weighted_attribute(&taste, Scale::NPS, None, 1000, 0.95).unwrap();
        close(t.value.unwrap(), taste_r[k][0], "domain taste");
        close(t.se.unwrap(), taste_r[k][1], "domain taste se");
        let p = weighted_csat(&rec, Scale::NPS, 1000, 0.95).unwrap();
        check(
            &p,
            share_r[k].map(|x| x * 100.0),
            &format!("{region} share"),
        );
    }
}

/// The airline file: (Class, rating, k) counts → per-Class histograms of
/// `Inflight wifi service`, weight 0.5 + k/4.
fn airline_wifi() -> Vec<(String, WeightedHistogram)> {
    let mut out: Vec<(String, WeightedHistogram)> = Vec::new();
    for l in include_str!("data/survey_airline_wifi.csv").lines().skip(1) {
        let f: Vec<&str> = l.split(',').collect();
        let (class, rating, k, count): (&str, u8, usize, u64) = (
            f[0],
            f[1].parse().unwrap(),
            f[2].parse().unwrap(),
            f[3].parse().unwrap(),
        );
        if out.last().is_none_or(|(c, _)| c != class) {
            out.push((class.to_string(), WeightedHistogram::default()));
        }
        let h = &mut out.last_mut().unwrap().1;
        for _ in 0..count {
            h.add(rating, weight_of_row(k + 1));
        }
    }
    out
}

#[test]
fn airline_attribute_and_top_two_box_by_class() {
    // app <- a[a$wifi != 0, ]; app$top2 <- as.numeric(app$wifi >= 4)
    // ades <- svydesign(ids = ~1, weights = ~w, data = app)
    // svyby(~wifi, ~Class, ades, svymean); confint(...)
    let mean_r = [
        [
            2.8824403461235906,
            0.015137576847096643,
            2.8527712406900738,
            2.9121094515571073,
        ],
        [
            2.7393244682056044,
            0.013450028037973034,
            2.7129628976601232,
            2.7656860387510855,
        ],
        [
            2.811731448763251,
            0.035084650206204895,
            2.7429667979489034,
            2.8804960995775986,
        ],
    ];
    // svyby(~I(top2 == 1), ~Class, ades, svyciprop, method = "logit",
    // vartype = c("se", "ci"))
    let top2_r = [
        [
            0.34732540861817002,
            0.0053553519574043923,
            0.33690327290905642,
            0.35789593854710261,
        ],
        [
            0.27440364270807377,
            0.0051061712513971172,
            0.26450865956414077,
            0.2845255894560797,
        ],
        [
            0.30303886925858053,
            0.013179426964858298,
            0.27782492617131355,
            0.3294970531153838,
        ],
    ];
    let sizes = [
        (9162, 7897.8192020514371, 11441.0),
        (8819, 7604.2210198514749, 11035.75),
        (1416, 1217.7502736893323, 1768.75),
    ];
    let classes = airline_wifi();
    assert_eq!(
        classes.iter().map(|c| c.0.as_str()).collect::<Vec<_>>(),
        ["Business", "Eco", "Eco Plus"]
    );
    let design_n: u64 = classes.iter().map(|(_, h)| h.n() - h.counts[0]).sum();
    assert_eq!(design_n, 19397);
    for (k, (class, h)) in classes.iter().enumerate() {
        let s = weighted_attribute(h, Scale::FIVE, Some(0), design_n, 0.95).unwrap();
        check(&s, mean_r[k], &format!("{class} wifi"));
        assert_eq!(s.n, sizes[k].0);
        close(s.effective_n.unwrap(), sizes[k].1, "effective n");
        close(s.weight_sum.unwrap(), sizes[k].2, "weight sum");
        close(s.top_two_box.unwrap(), top2_r[k][0] * 100.0, "top two box");
        let mut applicable = *h;
        (
            applicable.counts[0],
            applicable.weights[0],
            applicable.squares[0],
        ) = (0, 0, 0);
        let t = weighted_csat(&applicable, Scale::FIVE, design_n, 0.95).unwrap();
        check(
            &t,
            top2_r[k].map(|x| x * 100.0),
            &format!("{class} top two"),
        );
    }
}

/// The p-values of NAM against EMEA: unweighted Welch, weighted Welch, NPS,
/// share, unweighted share.
fn compare_p_values() -> [f64; 5] {
    let (rec_n, taste_n) = histograms(true, |r| r.region == "NAM");
    let (rec_e, taste_e) = histograms(true, |r| r.region == "EMEA");
    let mut p = [0.0; 5];
    // t.test(x, y): x, y the taste of NAM and EMEA
    let ua = attribute_performance(&taste_n.counts(), Scale::NPS, None, 0.95).unwrap();
    let ub = attribute_performance(&taste_e.counts(), Scale::NPS, None, 0.95).unwrap();
    let c = change_of(SurveyKind::Mean, &ua, &ub);
    assert_eq!(c.method, ChangeMethod::Welch);
    close(c.delta.unwrap(), -0.072231995308918329, "welch delta");
    close(c.p.unwrap(), 0.57839695459160034, "t.test p");
    p[0] = c.p.unwrap();
    // Weighted Welch on the svyby domain estimates (se from svyby, df from
    // (v1 + v2)^2 / (v1^2/(n1 - 1) + v2^2/(n2 - 1)), p = 2 * pt(-|t|, df))
    let wa = weighted_attribute(&taste_n, Scale::NPS, None, 1000, 0.95).unwrap();
    let wb = weighted_attribute(&taste_e, Scale::NPS, None, 1000, 0.95).unwrap();
    let c = change_of(SurveyKind::Mean, &wa, &wb);
    close(
        c.delta.unwrap(),
        -0.048740977252002438,
        "weighted welch delta",
    );
    close(c.se.unwrap(), 0.13800554067027521, "weighted welch se");
    close(c.p.unwrap(), 0.72409404442612091, "weighted welch p");
    p[1] = c.p.unwrap();
    // NPS: 2 * pnorm(-|d / sqrt(v1 + v2)|) on the svyby estimates
    let a = weighted_nps(&rec_n, 1000, 0.95).unwrap();
    let b = weighted_nps(&rec_e, 1000, 0.95).unwrap();
    let c = change_of(SurveyKind::Net, &a, &b);
    assert_eq!(c.method, ChangeMethod::NpsDiff);
    close(c.delta.unwrap(), 9.7217033346649622, "nps delta");
    close(c.se.unwrap(), 7.4162150077051132, "nps se");
    close(c.p.unwrap(), 0.18990125198727864, "nps p");
    p[2] = c.p.unwrap();
    // Share: the same z on 100 * svyciprop's coef and SE. R's coef is the
    // IRLS fit (4e-11 relative off the exact share).
    let a = weighted_csat(&rec_n, Scale::NPS, 1000, 0.95).unwrap();
    let b = weighted_csat(&rec_e, Scale::NPS, 1000, 0.95).unwrap();
    let c = change_of(SurveyKind::Share, &a, &b);
    assert_eq!(c.method, ChangeMethod::TwoProportionZ);
    close(c.delta.unwrap(), 6.7889960181939273, "share delta");
    close(c.se.unwrap(), 4.0580668526723747, "share se");
    close(c.p.unwrap(), 0.094334564503295304, "share p");
    p[3] = c.p.unwrap();
    // Unweighted, unpooled: se_i = 100 * sqrt(p_i (1 - p_i) / n_i)
    let a = csat(&rec_n.counts(), Scale::NPS, 0.95).unwrap();
    let b = csat(&rec_e.counts(), Scale::NPS, 0.95).unwrap();
    let c = change_of(SurveyKind::Share, &a, &b);
    close(
        c.delta.unwrap(),
        4.8662356354664098,
        "unweighted share delta",
    );
    close(c.se.unwrap(), 3.7882225312070155, "unweighted share se");
    close(c.p.unwrap(), 0.19894271518775067, "unweighted share p");
    p[4] = c.p.unwrap();
    p
}

#[test]
fn compare_tests_and_p_adjust_holm_and_bh() {
    let mut p = compare_p_values().to_vec();
    p.extend([0.01, 0.04, 0.04, 0.03, 0.5, 0.001, 0.03, 1.0]);
    // p.adjust(p, "holm"); p.adjust(p, "BH")
    let holm = [
        1.0,
        1.0,
        1.0,
        0.66034195152306707,
        1.0,
        0.12,
        0.35999999999999999,
        0.35999999999999999,
        0.32999999999999996,
        1.0,
        0.013000000000000001,
        0.32999999999999996,
        1.0,
    ];
    let bh = [
        0.68356003724461867,
        0.78443521479496425,
        0.28736169971563985,
        0.17519276264897701,
        0.28736169971563985,
        0.065000000000000002,
        0.086666666666666656,
        0.086666666666666656,
        0.086666666666666656,
        0.65000000000000002,
        0.013000000000000001,
        0.086666666666666656,
        1.0,
    ];
    for (got, want) in adjust_p(&p, Adjust::Holm).iter().zip(holm) {
        close(*got, want, "holm");
    }
    for (got, want) in adjust_p(&p, Adjust::Bh).iter().zip(bh) {
        close(*got, want, "BH");
    }
    assert_eq!(adjust_p(&p, Adjust::None), p);
}

// ---- Edge cases (no R): no data, one response, p̂ = 0 or 1, NaN ----------

#[test]
fn estimates_without_data_are_none_never_nan() {
    let empty = WeightedHistogram::default();
    assert!(weighted_linear(&empty, &[Some(1.0); 11], 10).is_none());
    let s = weighted_nps(&empty, 10, 0.95).unwrap();
    assert_eq!((s.value, s.se, s.n), (None, None, 0));
    assert_eq!(s.reason.as_deref(), Some("no responses"));
    for s in [
        weighted_csat(&empty, Scale::FIVE, 0, 0.95).unwrap(),
        weighted_ces(&empty, Scale::SEVEN, 0, 0.95).unwrap(),
        weighted_ces_index(&empty, Scale::SEVEN, 0, 0.95).unwrap(),
        weighted_attribute(&empty, Scale::FIVE, Some(0), 0, 0.95).unwrap(),
        weighted_employee_satisfaction_index(&[empty], Scale::FIVE).unwrap(),
    ] {
        assert!(s.value.is_none() && s.reason.is_some(), "{s:?}");
    }
    // Ratings with no value (None or not finite) are not in the estimate.
    let mut h = WeightedHistogram::default();
    h.add(3, WEIGHT_SCALE);
    let mut y = [None; 11];
    y[3] = Some(f64::NAN);
    assert!(weighted_linear(&h, &y, 5).is_none());
    // Invalid levels and ratings off the scale are errors.
    assert!(weighted_nps(&h, 1, 1.5).is_err());
    assert!(weighted_nps(&empty, 1, f64::NAN).is_err());
    assert!(weighted_csat(&h, Scale::new(5, 7).unwrap(), 1, 0.95).is_err());
}

#[test]
fn one_response_has_no_variance_and_no_interval() {
    let mut h = WeightedHistogram::default();
    h.add(9, 2 * WEIGHT_SCALE);
    let e = weighted_linear(&h, &[Some(1.0); 11], 1).unwrap();
    assert_eq!((e.value, e.variance, e.n), (1.0, None, 1));
    for s in [
        weighted_nps(&h, 1, 0.95).unwrap(),
        weighted_csat(&h, Scale::NPS, 1, 0.95).unwrap(),
        weighted_attribute(&h, Scale::NPS, None, 1, 0.95).unwrap(),
    ] {
        assert!(s.value.is_some() && s.se.is_none() && s.interval.is_none());
        assert!(s.flags.contains(&Flag::NoInterval), "{s:?}");
    }
    // In a design of two, a domain of one has a variance (m = 2) but its
    // logit interval has 0 degrees of freedom (degf of the domain): none.
    let mut two = h;
    two.add(3, WEIGHT_SCALE);
    let s = weighted_csat(&h, Scale::NPS, 2, 0.95).unwrap();
    assert_eq!(s.se, Some(0.0));
    assert!(s.interval.is_none() && s.flags.contains(&Flag::NoInterval));
    assert!(weighted_nps(&two, 2, 0.95).unwrap().interval.is_some());
}

#[test]
fn shares_of_zero_and_one_have_a_point_interval() {
    let mut h = WeightedHistogram::default();
    h.add(10, WEIGHT_SCALE / 2);
    h.add(9, 3 * WEIGHT_SCALE);
    let all = weighted_csat(&h, Scale::NPS, 50, 0.95).unwrap();
    assert_eq!(all.value, Some(100.0));
    assert_eq!(all.se, Some(0.0));
    let i = all.interval.unwrap();
    assert_eq!(
        (i.low, i.high, i.method),
        (100.0, 100.0, IntervalMethod::Logit)
    );
    assert!(all.flags.contains(&Flag::ZeroVariance));
    let mut low = WeightedHistogram::default();
    low.add(2, WEIGHT_SCALE);
    low.add(3, 7 * WEIGHT_SCALE);
    let none = weighted_csat(&low, Scale::NPS, 50, 0.95).unwrap();
    let i = none.interval.unwrap();
    assert_eq!((none.value, i.low, i.high), (Some(0.0), 0.0, 0.0));
    // A logit interval stays inside 0..100 and around the value.
    let mut mixed = h;
    mixed.merge(&low);
    let s = weighted_csat(&mixed, Scale::NPS, 4, 0.95).unwrap();
    let i = s.interval.unwrap();
    assert!(0.0 < i.low && i.low < s.value.unwrap() && s.value.unwrap() < i.high && i.high < 100.0);
}

#[test]
fn survey_score_reports_effective_n_and_the_flag_uses_it() {
    let mut h = WeightedHistogram::default();
    for (r, w) in [(10, 9.0), (0, 0.25), (5, 0.25), (8, 0.5)] {
        h.add(r, fixed_weight(w).unwrap().millionths);
    }
    let e = weighted_linear(&h, &[Some(1.0); 11], 4).unwrap();
    // (Σw)² / Σw² = 100 / 81.375
    close(e.effective_n, 100.0 / 81.375, "effective n");
    let mut s = survey_score(&e, SurveyKind::Mean, 0.95).unwrap();
    assert_eq!(s.n, 4);
    s.flag_small_sample(2);
    assert!(
        s.flags.contains(&Flag::SmallSample),
        "n = 4 but effective n 1.23 < 2"
    );
    let mut u = proportion(3, 4, 0.95).unwrap();
    u.flag_small_sample(2);
    assert!(
        !u.flags.contains(&Flag::SmallSample),
        "unweighted: n = 4 ≥ 2"
    );
    let json = serde_json::to_value(&s).unwrap();
    close(json["effectiveN"].as_f64().unwrap(), 100.0 / 81.375, "json");
    assert_eq!(json["weightSum"], 10.0);
    assert!(serde_json::to_value(&u)
        .unwrap()
        .get("effectiveN")
        .is_none());
    assert!(survey_score(&e, SurveyKind::Share, 0.0).is_err());
}

#[test]
fn employee_satisfaction_index_of_weighted_items() {
    let mut a = WeightedHistogram::default();
    a.add(5, 3 * WEIGHT_SCALE); // 5 with weight 3, 1 with weight 1: mean 4 → 75
    a.add(1, WEIGHT_SCALE);
    let mut b = WeightedHistogram::default();
    b.add(3, WEIGHT_SCALE / 4); // mean 3 → 50
    b.add(3, WEIGHT_SCALE / 4);
    b.add(3, WEIGHT_SCALE / 4);
    let s =
        weighted_employee_satisfaction_index(&[a, b, WeightedHistogram::default()], Scale::FIVE)
            .unwrap();
    assert_eq!(s.value, Some(62.5));
    assert_eq!(s.n, 3);
    assert_eq!(s.weight_sum, Some(0.75));
    assert!(s.flags.contains(&Flag::PartialData));
    assert!(s.se.is_none());
}

#[test]
fn changes_without_data_say_why() {
    let a = Score {
        value: Some(5.0),
        se: Some(0.5),
        n: 1,
        ..Score::default()
    };
    let b = Score {
        value: Some(4.0),
        se: Some(0.5),
        n: 30,
        ..Score::default()
    };
    let c = change_of(SurveyKind::Mean, &a, &b);
    assert_eq!((c.delta, c.p), (Some(1.0), None));
    assert!(c.reason.is_some());
    let c = change_of(SurveyKind::Net, &Score::empty("no responses"), &b);
    assert_eq!((c.delta, c.se, c.p), (None, None, None));
    assert!(c.reason.is_some());
    let zero = Score {
        se: Some(0.0),
        n: 30,
        ..b.clone()
    };
    let c = change_of(SurveyKind::Share, &zero, &zero);
    assert_eq!((c.delta, c.p), (Some(0.0), None));
    let json = serde_json::to_value(change_of(SurveyKind::Share, &b, &a)).unwrap();
    assert_eq!(json["method"], "twoProportionZ");
    assert!(json["pAdjusted"].is_null());
}

#[test]
fn p_adjust_edge_cases() {
    assert!(adjust_p(&[], Adjust::Holm).is_empty());
    // NaN is R's NA: kept, and not counted in n.
    // R: p.adjust(c(0.02, NA, 0.01), "holm") = 0.02 NA 0.02; "BH": 0.02 NA 0.02
    let h = adjust_p(&[0.02, f64::NAN, 0.01], Adjust::Holm);
    assert!(h[1].is_nan());
    assert_eq!((h[0], h[2]), (0.02, 0.02));
    let b = adjust_p(&[0.02, f64::NAN, 0.01], Adjust::Bh);
    assert_eq!((b[0], b[2]), (0.02, 0.02));
    // Capped at 1, and monotone in p.
    let p = [0.9, 0.8, 0.3, 0.3];
    for m in [Adjust::Holm, Adjust::Bh] {
        let a = adjust_p(&p, m);
        assert!(a.iter().all(|&x| (0.0..=1.0).contains(&x)));
        assert_eq!(a[2], a[3], "ties");
        assert!(a[2] <= a[1] && a[1] <= a[0]);
    }
    let json: Adjust = serde_json::from_str("\"bh\"").unwrap();
    assert_eq!(json, Adjust::Bh);
    assert_eq!(Adjust::default(), Adjust::Holm);
}
