//! Columnar ingest gives exactly the statistics of typed ingest of the same
//! rows, rejects bad rows with their index and field, and refuses columns
//! that do not fit.

use cx_core::engine::{DimensionColumn, Engine, Query, ResponseColumns, ABSENT};
use cx_core::plan::Plan;
use cx_core::record::{Response, Timestamp};

const PLAN: &str = include_str!("../../examples/data/plan.json");
const MISSING: u8 = u8::MAX;

#[test]
fn columns_equal_typed_rows() {
    let plan = Plan::from_json(PLAN).unwrap();
    let segs = ["families", "seniors"];
    let at: Vec<i64> = (0..50).map(|i| 1_767_225_600 + i * 40_000).collect();
    let seg_codes: Vec<u32> = (0..50)
        .map(|i| if i % 7 == 0 { ABSENT } else { (i % 2) as u32 })
        .collect();
    let nps: Vec<u8> = (0..50)
        .map(|i| if i % 9 == 0 { MISSING } else { (i % 11) as u8 })
        .collect();
    let csat: Vec<u8> = (0..50).map(|i| 1 + (i % 5) as u8).collect();
    let wait: Vec<u8> = (0..50)
        .map(|i| {
            if i % 5 == 0 {
                MISSING
            } else {
                1 + (i % 5) as u8
            }
        })
        .collect();
    let claim: Vec<u8> = (0..50).map(|i| (i % 6) as u8).collect(); // 0 = not applicable
    let cols = ResponseColumns {
        at: &at,
        dimensions: vec![(
            "segment",
            DimensionColumn {
                dictionary: &segs,
                codes: &seg_codes,
            },
        )],
        nps: Some(&nps),
        csat: Some(&csat),
        attributes: vec![("wait-time", &wait), ("claim-speed", &claim)],
        ..ResponseColumns::default()
    };
    let mut a = Engine::new(plan.clone()).unwrap();
    let ra = a.ingest_columns(&cols).unwrap();
    let rows: Vec<Response> = (0..50)
        .map(|i| {
            let mut r = Response {
                at: Timestamp::from_unix(at[i]).unwrap(),
                segment: (seg_codes[i] != ABSENT).then(|| segs[seg_codes[i] as usize].to_string()),
                nps: (nps[i] != MISSING).then_some(nps[i]),
                csat: Some(csat[i]),
                ..Response::default()
            };
            if wait[i] != MISSING {
                r.attributes.insert("wait-time".into(), wait[i]);
            }
            r.attributes.insert("claim-speed".into(), claim[i]);
            r
        })
        .collect();
    let mut b = Engine::new(plan).unwrap();
    let rb = b.ingest_responses(&rows).unwrap();
    assert_eq!((ra.accepted, rb.accepted), (50, 50));
    assert_eq!(ra.alerts.len(), rb.alerts.len());
    let q = Query::from_json(r#"{"groupBy": ["segment", "period:day"]}"#).unwrap();
    assert_eq!(a.query(&q).unwrap(), b.query(&q).unwrap());
}

#[test]
fn bad_rows_and_bad_columns() {
    let plan = Plan::from_json(PLAN).unwrap();
    let mut e = Engine::new(plan).unwrap();
    let at = [1_767_225_600i64, 1_767_225_600, i64::MAX];
    let nps = [9u8, 11, 9];
    let cols = ResponseColumns {
        at: &at,
        nps: Some(&nps),
        ..ResponseColumns::default()
    };
    let r = e.ingest_columns(&cols).unwrap();
    assert_eq!((r.accepted, r.rejected), (1, 2));
    assert_eq!(
        (
            r.errors[0].index,
            r.errors[0].field.as_deref(),
            r.errors[0].code.as_str()
        ),
        (1, Some("nps"), "out-of-range")
    );
    assert_eq!(r.errors[1].field.as_deref(), Some("at"));
    let short = [9u8];
    let err = e
        .ingest_columns(&ResponseColumns {
            at: &at,
            nps: Some(&short),
            ..ResponseColumns::default()
        })
        .unwrap_err();
    assert_eq!(err.code(), "column-length");
    let bad = [5u8, 5, 5];
    let err = e
        .ingest_columns(&ResponseColumns {
            at: &at,
            attributes: vec![("wifi", &bad)],
            ..ResponseColumns::default()
        })
        .unwrap_err();
    assert_eq!(err.code(), "unknown-column");
    let dict = ["a"];
    let codes = [0u32, 3, 0];
    let err = e
        .ingest_columns(&ResponseColumns {
            at: &at,
            dimensions: vec![(
                "team",
                DimensionColumn {
                    dictionary: &dict,
                    codes: &codes,
                },
            )],
            ..ResponseColumns::default()
        })
        .unwrap_err();
    assert_eq!(err.code(), "invalid-code");
}

/// The dense fast path (no attribute columns, valid values, small cubes):
/// the statistics, counts and listed alerts of typed ingest of the same
/// rows, for each time granularity it takes, and when the call must fall
/// back to the row path (an off-scale value).
#[test]
fn dense_columns_equal_typed_rows_for_every_granularity() {
    use cx_core::engine::{Cube, EngineConfig, Granularity, Limits};
    let plan = Plan::from_json(PLAN).unwrap();
    let segs = ["families", "seniors", "business"];
    let tps = ["claims", "billing"];
    let n = 3_000usize;
    let mut x = 12345u64;
    let mut next = |m: u64| {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (x >> 33) % m
    };
    // Two years and a bit, so ISO weeks 2026-W53 / 2027-W01 are crossed.
    let at: Vec<i64> = (0..n)
        .map(|_| 1_767_225_600 + next(800 * 86_400) as i64)
        .collect();
    let seg: Vec<u32> = (0..n)
        .map(|_| match next(4) {
            3 => ABSENT,
            k => k as u32,
        })
        .collect();
    let tp: Vec<u32> = (0..n).map(|_| next(2) as u32).collect();
    let score = |v: u64, lo: u64, hi: u64| {
        if v == 0 {
            MISSING
        } else {
            (lo + v % (hi - lo + 1)) as u8
        }
    };
    let nps: Vec<u8> = (0..n).map(|_| score(next(12), 0, 10)).collect();
    let csat: Vec<u8> = (0..n).map(|_| score(next(6), 1, 5)).collect();
    let ces: Vec<u8> = (0..n).map(|_| score(next(8), 1, 7)).collect();
    let mut bad_nps = nps.clone();
    bad_nps[1234] = 11;
    for (granularity, keep, nps) in [
        (Granularity::None, vec!["segment"], &nps),
        (Granularity::Day, vec!["segment", "touchpoint"], &nps),
        (Granularity::IsoWeek, vec!["touchpoint"], &nps),
        (Granularity::IsoWeek, vec!["segment", "channel"], &nps),
        (Granularity::Day, vec!["segment"], &bad_nps),
    ] {
        let config = EngineConfig {
            cube: Cube {
                dimensions: Some(keep.iter().map(|s| s.to_string()).collect()),
                granularity,
            },
            limits: Limits {
                max_alerts_listed: 100,
                ..Limits::default()
            },
        };
        let cols = ResponseColumns {
            at: &at,
            dimensions: vec![
                (
                    "segment",
                    DimensionColumn {
                        dictionary: &segs,
                        codes: &seg,
                    },
                ),
                (
                    "touchpoint",
                    DimensionColumn {
                        dictionary: &tps,
                        codes: &tp,
                    },
                ),
            ],
            nps: Some(nps),
            csat: Some(&csat),
            ces: Some(&ces),
            ..ResponseColumns::default()
        };
        let mut a = Engine::with_config(plan.clone(), config.clone()).unwrap();
        let ra = a.ingest_columns(&cols).unwrap();
        let opt = |v: u8| (v != MISSING).then_some(v);
        let rows: Vec<Response> = (0..n)
            .map(|i| Response {
                at: Timestamp::from_unix(at[i]).unwrap(),
                segment: (seg[i] != ABSENT).then(|| segs[seg[i] as usize].to_string()),
                touchpoint: Some(tps[tp[i] as usize].to_string()),
                nps: opt(nps[i]),
                csat: opt(csat[i]),
                ces: opt(ces[i]),
                ..Response::default()
            })
            .collect();
        let mut b = Engine::with_config(plan.clone(), config).unwrap();
        let rb = b.ingest_responses(&rows).unwrap();
        let what = format!("{granularity:?} {keep:?}");
        assert_eq!(
            (ra.total, ra.accepted, ra.rejected),
            (rb.total, rb.accepted, rb.rejected),
            "{what}"
        );
        assert_eq!(ra.alerts.len(), 100, "{what}");
        let alert_keys = |r: &cx_core::engine::IngestReport| -> Vec<_> {
            r.alerts
                .iter()
                .map(|a| {
                    (
                        a.index,
                        a.reason,
                        a.value,
                        a.dimensions.get("segment").cloned(),
                    )
                })
                .collect()
        };
        assert_eq!(alert_keys(&ra), alert_keys(&rb), "{what}");
        assert_eq!(ra.alerts_not_listed, rb.alerts_not_listed, "{what}");
        assert!(ra.alerts_not_listed > 500, "{what}");
        let group: Vec<String> = keep
            .iter()
            .map(|s| s.to_string())
            .chain((granularity != Granularity::None).then(|| "period:isoWeek".to_string()))
            .collect();
        let q = Query::from_json(&format!(
            r#"{{"metrics": ["nps", "csat", "ces"], "groupBy": {}}}"#,
            serde_json::to_string(&group).unwrap()
        ))
        .unwrap();
        assert_eq!(a.query(&q).unwrap(), b.query(&q).unwrap(), "{what}");
        assert_eq!(
            a.query(&Query::default()).unwrap(),
            b.query(&Query::default()).unwrap(),
            "{what}"
        );
    }
}

/// The fast path's edge cases against typed ingest of the same rows: one
/// cell (partial histograms), a large dictionary of which few values are
/// used (dense indexes by the codes used), a dictionary that repeats a
/// value, no score column, the distinct-values limit (the row path rejects
/// the rows that would break it), an out-of-range timestamp, and a code
/// outside its dictionary (an error naming the first such row).
#[test]
fn dense_path_edge_cases() {
    use cx_core::engine::{ColumnsError, Cube, EngineConfig, Granularity, Limits};
    let plan = Plan::from_json(PLAN).unwrap();
    let n = 5_000usize;
    let mut x = 99u64;
    let mut next = |m: u64| {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (x >> 33) % m
    };
    let at: Vec<i64> = (0..n)
        .map(|_| 1_767_225_600 + next(400 * 86_400) as i64)
        .collect();
    let big: Vec<String> = (0..70_000).map(|i| format!("s{i}")).collect();
    let big: Vec<&str> = big.iter().map(String::as_str).collect();
    let big_codes: Vec<u32> = (0..n)
        .map(|_| [5, 69_999, 123, ABSENT][next(4) as usize])
        .collect();
    let twice = ["same", "other", "same"];
    let twice_codes: Vec<u32> = (0..n).map(|_| next(3) as u32).collect();
    let nps: Vec<u8> = (0..n)
        .map(|_| [MISSING, 0, 6, 7, 9, 10][next(6) as usize])
        .collect();
    let csat: Vec<u8> = (0..n).map(|_| 1 + next(5) as u8).collect();
    let mut bad_at = at.clone();
    bad_at[777] = i64::MAX;

    struct Case<'a> {
        what: &'a str,
        granularity: Granularity,
        keep: Vec<&'a str>,
        at: &'a [i64],
        dims: Vec<(&'a str, &'a [&'a str], &'a [u32])>,
        scores: bool,
        max_values: usize,
    }
    let cases = [
        Case {
            what: "one cell",
            granularity: Granularity::None,
            keep: vec![],
            at: &at,
            dims: vec![],
            scores: true,
            max_values: 10_000,
        },
        Case {
            what: "large dictionary, by day",
            granularity: Granularity::Day,
            keep: vec!["segment"],
            at: &at,
            dims: vec![("segment", &big, &big_codes)],
            scores: true,
            max_values: 10_000,
        },
        Case {
            what: "a repeated dictionary value, no scores",
            granularity: Granularity::IsoWeek,
            keep: vec!["segment"],
            at: &at,
            dims: vec![("segment", &twice, &twice_codes)],
            scores: false,
            max_values: 10_000,
        },
        Case {
            what: "distinct-values limit",
            granularity: Granularity::None,
            keep: vec!["segment"],
            at: &at,
            dims: vec![("segment", &big, &big_codes)],
            scores: true,
            max_values: 2,
        },
        Case {
            what: "timestamp out of range",
            granularity: Granularity::None,
            keep: vec!["segment"],
            at: &bad_at,
            dims: vec![("segment", &twice, &twice_codes)],
            scores: true,
            max_values: 10_000,
        },
    ];
    for case in cases {
        let what = case.what;
        let config = EngineConfig {
            cube: Cube {
                dimensions: Some(case.keep.iter().map(|s| s.to_string()).collect()),
                granularity: case.granularity,
            },
            limits: Limits {
                max_distinct_values: case.max_values,
                ..Limits::default()
            },
        };
        let cols = ResponseColumns {
            at: case.at,
            dimensions: case
                .dims
                .iter()
                .map(|&(name, dictionary, codes)| (name, DimensionColumn { dictionary, codes }))
                .collect(),
            nps: case.scores.then_some(&nps[..]),
            csat: case.scores.then_some(&csat[..]),
            ..ResponseColumns::default()
        };
        let mut a = Engine::with_config(plan.clone(), config.clone()).unwrap();
        let ra = a.ingest_columns(&cols).unwrap();
        let opt = |v: u8| (v != MISSING).then_some(v);
        let mut b = Engine::with_config(plan.clone(), config).unwrap();
        let mut rb = cx_core::engine::IngestReport::default();
        for i in 0..n {
            let Some(t) = Timestamp::from_unix(case.at[i]) else {
                rb.total += 1;
                rb.rejected += 1;
                continue;
            };
            let mut r = Response {
                at: t,
                nps: if case.scores { opt(nps[i]) } else { None },
                csat: if case.scores { opt(csat[i]) } else { None },
                ..Response::default()
            };
            for &(name, dict, codes) in &case.dims {
                assert_eq!(name, "segment");
                r.segment = (codes[i] != ABSENT).then(|| dict[codes[i] as usize].to_string());
            }
            let one = b.ingest_responses(&[r]).unwrap();
            rb.total += one.total;
            rb.accepted += one.accepted;
            rb.rejected += one.rejected;
        }
        assert_eq!(
            (ra.total, ra.accepted, ra.rejected),
            (rb.total, rb.accepted, rb.rejected),
            "{what}"
        );
        assert_eq!(ra.total, n as u64, "{what}");
        if !case.keep.is_empty() {
            let q = Query::from_json(r#"{"metrics": ["nps", "csat"], "groupBy": ["segment"]}"#)
                .unwrap();
            assert_eq!(a.query(&q).unwrap(), b.query(&q).unwrap(), "{what}");
        }
        assert_eq!(a.cell_count(), b.cell_count(), "{what}");
        assert_eq!(
            a.query(&Query::default()).unwrap(),
            b.query(&Query::default()).unwrap(),
            "{what}"
        );
    }
    // A code past its dictionary: an error naming the first such row, and
    // nothing ingested.
    let mut codes = twice_codes.clone();
    codes[4_321] = 3;
    codes[4_999] = 7;
    let cols = ResponseColumns {
        at: &at,
        dimensions: vec![(
            "segment",
            DimensionColumn {
                dictionary: &twice,
                codes: &codes,
            },
        )],
        nps: Some(&nps),
        ..ResponseColumns::default()
    };
    let mut e = Engine::new(plan.clone()).unwrap();
    let err = e.ingest_columns(&cols).unwrap_err();
    assert!(
        matches!(
            err,
            ColumnsError::Code {
                row: 4_321,
                code: 3,
                size: 3,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(e.cell_count(), 0);
}

/// (timestamp, segment code, region code, NPS, CSAT, CES).
type Row = (i64, u32, u32, u8, u8, u8);

/// One generated columnar call: rows of (timestamp, segment code, region
/// code, NPS, CSAT, CES), the dictionaries' sizes, the cube.
#[derive(Debug, Clone)]
struct ColumnsCase {
    rows: Vec<Row>,
    segments: usize,
    regions: usize,
    keep: Vec<&'static str>,
    granularity: u8,
    scores: bool,
}

fn columns_case() -> impl proptest::strategy::Strategy<Value = ColumnsCase> {
    use proptest::prelude::*;
    // Codes: mostly inside the dictionary, sometimes absent, rarely past it.
    let code = |size: u32| {
        prop_oneof![
            8 => 0..size,
            2 => Just(ABSENT),
            1 => Just(size),
        ]
    };
    let rating = |hi: u8| prop_oneof![10 => 0..=hi, 2 => Just(MISSING), 1 => hi + 1..=hi + 2];
    let time = prop_oneof![
        20 => 1_767_225_600i64..1_767_225_600 + 400 * 86_400,
        1 => Just(i64::MAX),
        1 => Just(-70_000_000_000i64),
    ];
    (
        1usize..6,
        1usize..4,
        0u8..4,
        any::<bool>(),
        0usize..4,
        any::<bool>(),
    )
        .prop_flat_map(
            move |(segments, regions, granularity, scores, keep, clean)| {
                let row = (
                    time.clone(),
                    code(segments as u32),
                    code(regions as u32),
                    rating(10),
                    rating(5),
                    rating(7),
                );
                proptest::collection::vec(row, 0..200).prop_map(move |mut rows| {
                    // Half the cases are clean (the fast path takes them).
                    if clean {
                        for r in &mut rows {
                            r.0 = r.0.clamp(0, 1_767_225_600 + 400 * 86_400);
                            for (k, size) in [(&mut r.1, segments), (&mut r.2, regions)] {
                                if *k != ABSENT && *k as usize >= size {
                                    *k = ABSENT;
                                }
                            }
                            for (v, lo, hi) in
                                [(&mut r.3, 0, 10), (&mut r.4, 1, 5), (&mut r.5, 1, 7)]
                            {
                                if *v != MISSING && !(lo..=hi).contains(v) {
                                    *v = MISSING;
                                }
                            }
                        }
                    }
                    ColumnsCase {
                        rows,
                        segments,
                        regions,
                        keep: [
                            vec![],
                            vec!["segment"],
                            vec!["region"],
                            vec!["segment", "region"],
                        ][keep]
                            .clone(),
                        granularity,
                        scores,
                    }
                })
            },
        )
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(96))]
    /// Any columnar call (the fast path or, when it declines, the row path)
    /// gives the counts, cells and scores of typed ingest of the same rows,
    /// or the code error naming the first code past its dictionary.
    #[test]
    fn columns_equal_typed_rows_for_any_input(case in columns_case()) {
        use cx_core::engine::{ColumnsError, Cube, EngineConfig, Granularity, IngestReport};
        let plan = Plan::from_json(PLAN).unwrap();
        let granularity = [Granularity::None, Granularity::Day, Granularity::IsoWeek, Granularity::Month]
            [usize::from(case.granularity)];
        let config = EngineConfig {
            cube: Cube {
                dimensions: Some(case.keep.iter().map(|s| s.to_string()).collect()),
                granularity,
            },
            ..EngineConfig::default()
        };
        let seg_names: Vec<String> = (0..case.segments).map(|i| format!("s{i}")).collect();
        let seg_dict: Vec<&str> = seg_names.iter().map(String::as_str).collect();
        let reg_names: Vec<String> = (0..case.regions).map(|i| format!("r{i}")).collect();
        let reg_dict: Vec<&str> = reg_names.iter().map(String::as_str).collect();
        let col = |f: fn(&Row) -> u8| -> Vec<u8> {
            case.rows.iter().map(f).collect()
        };
        let at: Vec<i64> = case.rows.iter().map(|r| r.0).collect();
        let seg: Vec<u32> = case.rows.iter().map(|r| r.1).collect();
        let reg: Vec<u32> = case.rows.iter().map(|r| r.2).collect();
        let (nps, csat, ces) = (col(|r| r.3), col(|r| r.4), col(|r| r.5));
        let cols = ResponseColumns {
            at: &at,
            dimensions: vec![
                ("segment", DimensionColumn { dictionary: &seg_dict, codes: &seg }),
                ("region", DimensionColumn { dictionary: &reg_dict, codes: &reg }),
            ],
            nps: case.scores.then_some(&nps[..]),
            csat: case.scores.then_some(&csat[..]),
            ces: case.scores.then_some(&ces[..]),
            ..ResponseColumns::default()
        };
        let mut a = Engine::with_config(plan.clone(), config.clone()).unwrap();
        let got = a.ingest_columns(&cols);
        // The first code past its dictionary, column by column.
        let past = |codes: &[u32], size: usize| {
            codes.iter().position(|&k| k != ABSENT && k as usize >= size)
        };
        if let Some(row) = past(&seg, case.segments).or(past(&reg, case.regions)) {
            let row_seg = past(&seg, case.segments);
            let expected_row = row_seg.unwrap_or(row);
            proptest::prop_assert!(
                matches!(got, Err(ColumnsError::Code { row, .. }) if row == expected_row),
                "{got:?}"
            );
            proptest::prop_assert_eq!(a.cell_count(), 0);
            return Ok(());
        }
        let ra = got.unwrap();
        let mut b = Engine::with_config(plan, config).unwrap();
        let mut rb = IngestReport::default();
        let opt = |v: u8| (v != MISSING).then_some(v);
        for (i, r) in case.rows.iter().enumerate() {
            let Some(t) = Timestamp::from_unix(r.0) else {
                rb.total += 1;
                rb.rejected += 1;
                continue;
            };
            let mut response = Response {
                at: t,
                segment: (r.1 != ABSENT).then(|| seg_dict[r.1 as usize].to_string()),
                ..Response::default()
            };
            if case.scores {
                (response.nps, response.csat, response.ces) = (opt(nps[i]), opt(csat[i]), opt(ces[i]));
            }
            if r.2 != ABSENT {
                response.dimensions.insert("region".into(), reg_dict[r.2 as usize].to_string());
            }
            let one = b.ingest_responses(&[response]).unwrap();
            rb.total += one.total;
            rb.accepted += one.accepted;
            rb.rejected += one.rejected;
            rb.alerts_not_listed += one.alerts.len() as u64 + one.alerts_not_listed;
        }
        proptest::prop_assert_eq!(
            (ra.total, ra.accepted, ra.rejected),
            (rb.total, rb.accepted, rb.rejected)
        );
        proptest::prop_assert_eq!(ra.alerts.len() as u64 + ra.alerts_not_listed, rb.alerts_not_listed);
        proptest::prop_assert_eq!(a.cell_count(), b.cell_count());
        proptest::prop_assert_eq!(a.query(&Query::default()).unwrap(), b.query(&Query::default()).unwrap());
        if !case.keep.is_empty() {
            let q = Query::from_json(&format!(
                r#"{{"metrics": ["nps", "csat", "ces"], "groupBy": {}}}"#,
                serde_json::to_string(&case.keep).unwrap()
            ))
            .unwrap();
            proptest::prop_assert_eq!(a.query(&q).unwrap(), b.query(&q).unwrap());
        }
    }
}
