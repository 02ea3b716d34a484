//! Behaviour of the score formulas beyond the reference vectors: edge cases,
//! documented conventions and errors.

use chrono::NaiveDate;
use cx_core::metric::Direction;
use cx_core::score::*;

fn item(rule: &str, outcome: Outcome, weight: f64, critical: bool) -> AuditItem {
    AuditItem {
        rule: rule.into(),
        outcome,
        weight,
        critical,
    }
}

#[test]
fn audit_scores_follow_qa_scorecard_semantics() {
    use Outcome::*;
    // Not applicable re-bases the denominator.
    let a = [
        item("a", Pass, 1.0, false),
        item("b", NotApplicable, 3.0, false),
    ];
    assert_eq!(audit_score(&a).unwrap(), Some(1.0));
    // A failed critical rule sets the audit to 0.
    let b = [item("a", Pass, 5.0, false), item("b", Fail, 1.0, true)];
    assert_eq!(audit_score(&b).unwrap(), Some(0.0));
    // A passed critical rule is just a rule.
    let c = [item("a", Fail, 1.0, false), item("b", Pass, 3.0, true)];
    assert_eq!(audit_score(&c).unwrap(), Some(0.75));
    // No applicable item: not scored.
    assert_eq!(
        audit_score(&[item("a", NotApplicable, 1.0, true)]).unwrap(),
        None
    );
    assert_eq!(audit_score(&[]).unwrap(), None);
    // Invalid weights are errors.
    assert!(audit_score(&[item("a", Pass, f64::NAN, false)]).is_err());
    assert!(audit_score(&[item("a", Pass, -1.0, false)]).is_err());

    let mut stats = ComplianceStats::default();
    stats.add_audit(&a).unwrap();
    stats.add_audit(&b).unwrap();
    stats
        .add_audit(&[item("a", NotApplicable, 1.0, false)])
        .unwrap();
    assert_eq!(stats.audits.count, 2);
    assert_eq!(stats.audits.unscored, 1);
    let mean = audit_compliance(&stats.audits, 0.95).unwrap();
    assert_eq!(mean.value, Some(50.0));
    let i = mean.interval.unwrap();
    assert!(i.low >= 0.0 && i.high <= 100.0);
    let rule_a = rule_compliance(&stats.rules["a"], 0.95).unwrap();
    assert_eq!(rule_a.n, 2);
    assert_eq!(rule_a.value, Some(100.0));
    assert_eq!(rule_a.interval.unwrap().method, IntervalMethod::Wilson);
}

#[test]
fn importance_errors_are_clear() {
    // Constant predictor.
    let mut co = CoMoments::new(3);
    for r in [[1, 5, 1], [2, 5, 3], [3, 5, 2], [4, 5, 5], [5, 5, 4]] {
        co.add(&r).unwrap();
    }
    assert_eq!(
        relative_importance(&co, 0),
        Err(ScoreError::ConstantColumn(1))
    );
    // Linearly dependent predictors.
    let mut co = CoMoments::new(3);
    for r in [[1, 1, 2], [3, 2, 4], [2, 3, 6], [5, 4, 8], [4, 5, 10]] {
        co.add(&r).unwrap();
    }
    assert_eq!(relative_importance(&co, 0), Err(ScoreError::Singular));
    // Too few cases, no such column, no predictor.
    let mut co = CoMoments::new(3);
    co.add(&[1, 2, 3]).unwrap();
    assert!(matches!(
        relative_importance(&co, 0),
        Err(ScoreError::TooFewCases { .. })
    ));
    assert!(matches!(
        relative_importance(&co, 7),
        Err(ScoreError::NoSuchColumn { .. })
    ));
    let mut one = CoMoments::new(1);
    one.add(&[1]).unwrap();
    assert_eq!(relative_importance(&one, 0), Err(ScoreError::NoPredictors));
    // Mismatched rows and merges.
    assert!(co.add(&[1, 2]).is_err());
    assert!(co.merge(&CoMoments::new(2)).is_err());
    // Overflow is an error, not a wrap; nothing is half-applied.
    let mut big = CoMoments::new(1);
    let before = big.clone();
    assert_eq!(
        big.add(&[i64::MAX]),
        Err(ScoreError::Overflow("cross products"))
    );
    assert_eq!(big, before);
    // Each path (small non-negative values, any values) on sums and cross
    // products near the limits: the checked reference's result, and
    // nothing changed on error.
    let reference = |co: &CoMoments, row: &[i64]| -> Result<CoMoments, ScoreError> {
        let mut out = co.clone();
        for (s, &x) in out.sums.iter_mut().zip(row) {
            *s = s.checked_add(x).ok_or(ScoreError::Overflow("sums"))?;
        }
        let mut p = 0;
        for (i, &xi) in row.iter().enumerate() {
            for &xj in &row[i..] {
                let prod = xi.checked_mul(xj);
                out.cross[p] = prod
                    .and_then(|v| out.cross[p].checked_add(v))
                    .ok_or(ScoreError::Overflow("cross products"))?;
                p += 1;
            }
        }
        out.n += 1;
        Ok(out)
    };
    let values = [
        0,
        1,
        5,
        -3,
        1 << 30,
        (1 << 31) - 1,
        1 << 31,
        -(1 << 40),
        i64::MAX / 2,
    ];
    for (a, &x) in values.iter().enumerate() {
        for &y in &values[a..] {
            for start in [0, i64::MAX - (1 << 62), i64::MIN + 7] {
                let mut co = CoMoments::new(2);
                co.sums = vec![start / 3, 0];
                co.cross = vec![start, 0, start];
                let expected = reference(&co, &[x, y]);
                let before = co.clone();
                let got = co.add(&[x, y]);
                match expected {
                    Ok(e) => assert_eq!((got, &co), (Ok(()), &e), "{x} {y} {start}"),
                    Err(e) => assert_eq!((got, &co), (Err(e), &before), "{x} {y} {start}"),
                }
            }
        }
    }
}

#[test]
fn lmg_is_refused_above_15_predictors_but_johnson_works() {
    // 17 columns: outcome + 16 predictors, pseudo-random but fixed.
    let k = 17;
    let mut co = CoMoments::new(k);
    let mut x: i64 = 12345;
    for _ in 0..200 {
        let row: Vec<i64> = (0..k)
            .map(|_| {
                x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
                x % 7
            })
            .collect();
        co.add(&row).unwrap();
    }
    let imp = relative_importance(&co, 0).unwrap();
    assert!(imp.lmg.is_none());
    assert!((imp.johnson.iter().sum::<f64>() - imp.r2).abs() < 1e-12);
    assert_eq!(
        lmg(&co, 0),
        Err(ScoreError::TooManyPredictors {
            predictors: 16,
            max: MAX_LMG_PREDICTORS
        })
    );
}

#[test]
fn ipa_quadrants_ranking_and_roll_up() {
    let p = |id: &str, importance, performance| IpaPoint {
        id: id.into(),
        importance,
        performance,
    };
    // Means: importance 0.25, performance 60.
    let r = ipa(&[
        p("wait", 0.40, 40.0),
        p("billing", 0.30, 50.0),
        p("staff", 0.20, 80.0),
        p("parking", 0.10, 70.0),
    ])
    .unwrap()
    .unwrap();
    let q: Vec<Quadrant> = r.entries.iter().map(|e| e.quadrant).collect();
    assert_eq!(
        q,
        [
            Quadrant::ConcentrateHere,
            Quadrant::ConcentrateHere,
            Quadrant::PossibleOverkill,
            Quadrant::PossibleOverkill
        ]
    );
    // priority = importance × (mean performance − performance): 8 vs 3.
    assert_eq!(r.vital, vec!["wait".to_string(), "billing".to_string()]);
    assert!((r.entries[0].priority.unwrap() - 8.0).abs() < 1e-12);
    let procs = roll_up(&r, |id| match id {
        "wait" | "billing" => Some("checkout"),
        "staff" => Some("service"),
        _ => None,
    });
    assert_eq!(procs[0].process, "checkout");
    assert!((procs[0].importance - 0.7).abs() < 1e-12);
    assert_eq!(procs[0].performance, 45.0);
    assert_eq!(procs[0].vital_attributes.len(), 2);
    assert_eq!(procs.len(), 2);
    assert!(ipa(&[]).unwrap().is_none());
}

#[test]
fn benchmark_gap_test_and_rank() {
    let own = nps(&NpsCounts::new(20, 30, 50), NpsMethod::Wald, 0.95).unwrap();
    let b = |name: &str, value, n, se| Benchmark {
        name: name.into(),
        value,
        n,
        se,
    };
    let r = compare_benchmarks(
        &own,
        &[
            b("sector", 10.0, Some(100), None),
            b("leader", 45.0, None, Some(5.0)),
            b("unknown", 20.0, None, None),
        ],
        Direction::HigherIsBetter,
        0.95,
    )
    .unwrap()
    .unwrap();
    assert_eq!((r.rank, r.of), (2, 4));
    let sector = &r.comparisons[0];
    assert!((sector.gap - 20.0).abs() < 1e-9);
    // Same per-response variance and n: SE_b = SE_own, z = 20 / (√2·7.81).
    let z = 20.0 / (2.0f64.sqrt() * own.se.unwrap());
    assert!((sector.z.unwrap() - z).abs() < 1e-9);
    // z ≈ 1.81, p ≈ 0.07: not significant at 95%.
    assert_eq!(sector.significant, Some(false));
    assert!(!r.comparisons[1].better);
    assert!(r.comparisons[2].z.is_none());
    // Lower is better flips the ranking.
    let low = compare_benchmarks(
        &own,
        &[b("x", 10.0, None, None)],
        Direction::LowerIsBetter,
        0.95,
    )
    .unwrap()
    .unwrap();
    assert_eq!(low.rank, 2);
    assert!(
        compare_benchmarks(&Score::empty("none"), &[], Direction::HigherIsBetter, 0.95)
            .unwrap()
            .is_none()
    );
}

#[test]
fn goal_statuses() {
    let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    let base = GoalInput {
        baseline: 20.0,
        baseline_date: d(1, 1),
        target: 40.0,
        target_date: d(12, 31),
        current: Some(25.0),
        as_of: d(7, 1),
        direction: Direction::HigherIsBetter,
    };
    let status = |g: GoalInput| goal_progress(&g).unwrap().status;
    assert_eq!(status(base), GoalStatus::AtRisk);
    assert_eq!(goal_progress(&base).unwrap().progress, Some(25.0));
    assert_eq!(
        status(GoalInput {
            current: Some(40.0),
            ..base
        }),
        GoalStatus::Achieved
    );
    assert_eq!(
        status(GoalInput {
            current: Some(31.0),
            ..base
        }),
        GoalStatus::OnTrack
    );
    assert_eq!(
        status(GoalInput {
            current: None,
            ..base
        }),
        GoalStatus::NoData
    );
    assert_eq!(
        status(GoalInput {
            as_of: d(12, 31),
            current: Some(39.0),
            ..base
        }),
        GoalStatus::AtRisk
    );
    let late = GoalInput {
        as_of: NaiveDate::from_ymd_opt(2027, 1, 2).unwrap(),
        current: Some(39.0),
        ..base
    };
    assert_eq!(status(late), GoalStatus::Missed);
    // Lower is better (complaints): 12 → 6 target, now 9 halfway through.
    let complaints = GoalInput {
        baseline: 12.0,
        target: 6.0,
        current: Some(9.0),
        direction: Direction::LowerIsBetter,
        ..base
    };
    let p = goal_progress(&complaints).unwrap();
    assert_eq!(p.progress, Some(50.0));
    assert_eq!(p.status, GoalStatus::OnTrack);
    // target = baseline: no progress figure, no NaN.
    let flat = GoalInput {
        target: 20.0,
        current: Some(20.0),
        ..base
    };
    let p = goal_progress(&flat).unwrap();
    assert_eq!((p.progress, p.status), (None, GoalStatus::Achieved));
}

#[test]
fn kpis_and_changes() {
    assert_eq!(retention_rate(90.0, 120.0).value, Some(75.0));
    assert_eq!(repurchase_rate(30.0, 120.0).value, Some(25.0));
    assert_eq!(
        staff_turnover(5.0, average_headcount(48.0, 52.0)).value,
        Some(10.0)
    );
    assert_eq!(complaint_rate(3.0, 1500.0).value, Some(2.0));
    assert_eq!(average_basket(1000.0, 40.0).value, Some(25.0));
    for v in [
        retention_rate(1.0, 0.0),
        average_basket(1.0, 0.0),
        complaint_rate(f64::NAN, 1.0),
        staff_turnover(-1.0, 3.0),
    ] {
        assert!(v.value.is_none() && v.reason.is_some());
    }
    assert_eq!(
        change(5.0, 5.0, Direction::HigherIsBetter).unwrap().trend,
        Trend::Unchanged
    );
    assert_eq!(
        change(5.0, 6.0, Direction::HigherIsBetter).unwrap().trend,
        Trend::Improved
    );
    assert_eq!(
        change(5.0, 6.0, Direction::LowerIsBetter).unwrap().trend,
        Trend::Worsened
    );
    assert_eq!(
        change(0.0, 6.0, Direction::HigherIsBetter)
            .unwrap()
            .relative,
        None
    );
    assert!(change(f64::NAN, 1.0, Direction::HigherIsBetter).is_none());
}

#[test]
fn tcs_renormalises_missing_factors() {
    let w = FactorWeights {
        product: 2.0,
        interaction: 1.0,
        brand: 1.0,
    };
    let full = tcs(
        &[
            (Factor::Product, vec![Some(80.0), Some(60.0), None]),
            (Factor::Interaction, vec![Some(50.0)]),
            (Factor::Brand, vec![Some(30.0)]),
        ],
        w,
    )
    .unwrap();
    assert_eq!(full.value, Some((2.0 * 70.0 + 50.0 + 30.0) / 4.0));
    assert!(full.flags.is_empty());
    let partial = tcs(
        &[
            (Factor::Product, vec![Some(70.0)]),
            (Factor::Brand, vec![Some(30.0)]),
        ],
        w,
    )
    .unwrap();
    assert_eq!(partial.value, Some((2.0 * 70.0 + 30.0) / 3.0));
    assert_eq!(partial.flags, vec![Flag::PartialData]);
    let none = tcs(&[], w).unwrap();
    assert!(none.value.is_none() && none.reason.is_some());
    let json = serde_json::to_value(Factor::Interaction).unwrap();
    assert_eq!(json, "interaction");
}

#[test]
fn readiness_names_every_weakest_condition() {
    let r = readiness(&ReadinessInput {
        leadership: 2,
        existing_strengths: 2,
        employee_enthusiasm: 3,
        rigour: 4,
        celebrate_successes: 4,
    })
    .unwrap();
    assert_eq!(r.value, 75.0);
    assert_eq!(
        r.weakest,
        vec![Condition::Leadership, Condition::ExistingStrengths]
    );
    assert!(readiness(&ReadinessInput {
        rigour: 5,
        ..Default::default()
    })
    .is_err());
}

#[test]
fn service_profit_link_edge_cases() {
    assert!(service_profit_link(&[]).unwrap().r.is_none());
    let two = service_profit_link(&[(1.0, 2.0), (2.0, 3.0)]).unwrap();
    assert_eq!((two.r, two.p), (Some(1.0), None));
    let flat = service_profit_link(&[(1.0, 2.0), (1.0, 3.0), (1.0, 4.0)]).unwrap();
    assert!(flat.r.is_none() && flat.reason.is_some());
    assert!(service_profit_link(&[(f64::NAN, 1.0)]).is_err());
    // Ten teams, nearly aligned: strong r, tiny p (t test on 8 df).
    let ys = [1.0, 3.0, 2.0, 5.0, 4.0, 7.0, 6.0, 9.0, 8.0, 10.0];
    let pairs: Vec<(f64, f64)> = ys.iter().enumerate().map(|(i, &y)| (i as f64, y)).collect();
    let c = service_profit_link(&pairs).unwrap();
    let r = c.r.unwrap();
    let df = 8.0f64;
    let t = r * (df / (1.0 - r * r)).sqrt();
    assert!(r > 0.9 && t > 3.0);
    // r = 157/165; t = 8.7492679374 on 8 df; two-sided p from the closed
    // form of the t CDF for even df: 2.279854920650415e-05.
    assert!((r - 157.0 / 165.0).abs() < 1e-15);
    assert!((c.p.unwrap() - 2.279854920650415e-05).abs() < 1e-12);
}

#[test]
fn attribute_and_employee_scores() {
    let h = Histogram::from_counts(1, &[0, 0, 0, 0, 3]).unwrap();
    let s = attribute_performance(&h, Scale::FIVE, None, 0.95).unwrap();
    assert_eq!(s.mean, Some(5.0));
    assert_eq!(s.top_two_box, Some(100.0));
    assert!(s.flags.contains(&Flag::ZeroVariance));
    assert_eq!(rescale_0_100(5.0, Scale::FIVE).unwrap(), 100.0);
    assert_eq!(rescale_0_100(1.0, Scale::SEVEN).unwrap(), 0.0);
    assert!(rescale_0_100(1.0, Scale { min: 3, max: 3 }).is_err());
    let single = attribute_performance(
        &Histogram::from_counts(4, &[1]).unwrap(),
        Scale::FIVE,
        None,
        0.95,
    )
    .unwrap();
    assert!(single.interval.is_none() && single.flags.contains(&Flag::NoInterval));
    let esi = employee_satisfaction_index(&[h, Histogram::default()], Scale::FIVE).unwrap();
    assert_eq!(esi.value, Some(100.0));
    assert!(esi.flags.contains(&Flag::PartialData));
    let e = enps(&NpsCounts::new(1, 0, 3), NpsMethod::Wald, 0.95).unwrap();
    assert_eq!(e.value, Some(50.0));
}

#[test]
fn small_sample_flag() {
    let mut s = proportion(3, 10, 0.95).unwrap();
    s.flag_small_sample(30);
    s.flag_small_sample(30);
    assert_eq!(s.flags, vec![Flag::SmallSample]);
    let mut e = Score::empty("none");
    e.flag_small_sample(30);
    assert!(e.flags.is_empty());
    let mut big = proportion(30, 30, 0.95).unwrap();
    big.flag_small_sample(30);
    assert!(!big.flags.contains(&Flag::SmallSample));
}

#[test]
fn score_json_shape() {
    let s = nps(&NpsCounts::new(20, 30, 50), NpsMethod::default(), 0.95).unwrap();
    let v = serde_json::to_value(&s).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    for k in [
        "value",
        "n",
        "se",
        "interval",
        "flags",
        "detractors",
        "passives",
        "promoters",
    ] {
        assert!(keys.contains(&k), "{k}");
    }
    assert!(!keys.contains(&"mean") && !keys.contains(&"reason"));
    assert_eq!(v["interval"]["method"], "adjustedWald");
    let back: Score = serde_json::from_value(v).unwrap();
    assert_eq!(back, s);
    // Schemas are derivable for the snapshot statistics.
    let schema = schemars::schema_for!(CoMoments);
    assert!(serde_json::to_string(&schema).unwrap().contains("cross"));
}
