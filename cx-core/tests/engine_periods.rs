//! Grouping by period across year boundaries: ISO weeks of late December and
//! early January, quarters and years, with day, ISO-week and month cubes.

use cx_core::engine::{Cube, Engine, EngineConfig, Granularity, Query};
use cx_core::plan::Plan;

fn engine(g: Granularity) -> Engine {
    let plan = Plan::from_json(r#"{"schemaVersion": 1, "organization": {"name": "A"}}"#).unwrap();
    Engine::with_config(
        plan,
        EngineConfig {
            cube: Cube {
                dimensions: None,
                granularity: g,
            },
            ..Default::default()
        },
    )
    .unwrap()
}

/// NPS response count per period label.
fn counts(e: &Engine, unit: &str) -> Vec<(String, u64)> {
    let q: Query = serde_json::from_str(&format!(
        r#"{{"metrics": ["nps"], "groupBy": ["period:{unit}"]}}"#
    ))
    .unwrap();
    e.query(&q)
        .unwrap()
        .rows
        .into_iter()
        .map(|r| {
            (
                r.key[&format!("period:{unit}")].clone().unwrap(),
                r.scores["nps"].n,
            )
        })
        .collect()
}

// Dates around the 2020/2021, 2024/2025 and 2026/2027 boundaries.
// ISO calendar facts: 2020-12-31 is in 2020-W53; 2021-01-03 (Sunday) is in
// 2020-W53; 2021-01-04 (Monday) starts 2021-W01; 2024-12-30 (Monday) starts
// 2025-W01; 2026-12-31 is in 2026-W53; 2027-01-03 (Sunday) is in 2026-W53;
// 2027-01-04 starts 2027-W01.
const DATES: [&str; 9] = [
    "2020-12-31T23:59:59Z",
    "2021-01-03T12:00:00Z",
    "2021-01-04T00:00:00Z",
    "2024-12-29T10:00:00Z",
    "2024-12-30T10:00:00Z",
    "2025-01-01T00:00:00+02:00", // 2024-12-31T22:00Z: UTC decides
    "2026-12-31T10:00:00Z",
    "2027-01-03T10:00:00Z",
    "2027-01-04T10:00:00Z",
];

fn load(e: &mut Engine) {
    let text: String = DATES
        .iter()
        .map(|d| format!("{{\"at\": \"{d}\", \"nps\": 9}}\n"))
        .collect();
    assert_eq!(e.ingest_json_lines(text.as_bytes()).unwrap().accepted, 9);
}

fn s(v: &[(&str, u64)]) -> Vec<(String, u64)> {
    v.iter().map(|(a, b)| (a.to_string(), *b)).collect()
}

#[test]
fn iso_weeks_across_year_boundaries() {
    let expected = s(&[
        ("2020-W53", 2),
        ("2021-W01", 1),
        ("2024-W52", 1),
        ("2025-W01", 2),
        ("2026-W53", 2),
        ("2027-W01", 1),
    ]);
    for g in [Granularity::Day, Granularity::IsoWeek] {
        let mut e = engine(g);
        load(&mut e);
        assert_eq!(counts(&e, "isoWeek"), expected, "{g:?}");
    }
}

#[test]
fn days_months_quarters_years() {
    for g in [Granularity::Day, Granularity::Month] {
        let mut e = engine(g);
        load(&mut e);
        assert_eq!(
            counts(&e, "year"),
            s(&[
                ("2020", 1),
                ("2021", 2),
                ("2024", 3),
                ("2026", 1),
                ("2027", 2)
            ]),
            "{g:?}"
        );
        assert_eq!(
            counts(&e, "quarter"),
            s(&[
                ("2020-Q4", 1),
                ("2021-Q1", 2),
                ("2024-Q4", 3),
                ("2026-Q4", 1),
                ("2027-Q1", 2)
            ])
        );
        assert_eq!(
            counts(&e, "month"),
            s(&[
                ("2020-12", 1),
                ("2021-01", 2),
                ("2024-12", 3),
                ("2026-12", 1),
                ("2027-01", 2)
            ])
        );
    }
    let mut e = engine(Granularity::Day);
    load(&mut e);
    assert_eq!(counts(&e, "day")[0], ("2020-12-31".to_string(), 1));
    assert_eq!(counts(&e, "day").len(), 9);
}

#[test]
fn coarse_cubes_refuse_finer_periods() {
    let e = engine(Granularity::Month);
    let q: Query = serde_json::from_str(r#"{"groupBy": ["period:isoWeek"]}"#).unwrap();
    let err = e.query(&q).unwrap_err();
    assert_eq!(
        (err.code().as_str(), err.pointer().as_str()),
        ("period-unavailable", "/groupBy/0")
    );
    let e = engine(Granularity::IsoWeek);
    assert!(e
        .query(&serde_json::from_str(r#"{"groupBy": ["period:month"]}"#).unwrap())
        .is_err());
    let e = engine(Granularity::None);
    assert!(e
        .query(&serde_json::from_str(r#"{"from": "2026-01-01"}"#).unwrap())
        .is_err());
}

#[test]
fn time_filters_are_inclusive_days() {
    let mut e = engine(Granularity::Day);
    load(&mut e);
    let q: Query =
        serde_json::from_str(r#"{"metrics": ["nps"], "from": "2021-01-03", "to": "2024-12-30"}"#)
            .unwrap();
    assert_eq!(e.query(&q).unwrap().rows[0].scores["nps"].n, 4);
}

#[test]
fn query_errors_name_the_field() {
    let e = engine(Granularity::Day);
    let cases = [
        (
            r#"{"groupBy": ["country"]}"#,
            "unknown-dimension",
            "/groupBy/0",
        ),
        (
            r#"{"filters": {"country": ["FR"]}}"#,
            "unknown-dimension",
            "/filters/country",
        ),
        (r#"{"level": 1.5}"#, "invalid-level", "/level"),
        (
            r#"{"metrics": ["attribute:nope"]}"#,
            "unknown-metric",
            "/metrics/0",
        ),
    ];
    for (text, code, path) in cases {
        let err = e.query(&Query::from_json(text).unwrap()).unwrap_err();
        assert_eq!(
            (err.code().as_str(), err.pointer().as_str()),
            (code, path),
            "{text}"
        );
    }
    let err = Query::from_json(r#"{"groupBy": ["period:fortnight"]}"#).unwrap_err();
    assert_eq!(
        (err.code().as_str(), err.pointer().as_str()),
        ("parse-error", "/groupBy/0")
    );
    let err = Query::from_json(r#"{"metric": ["nps"]}"#).unwrap_err();
    assert_eq!(err.code(), "parse-error");
}
