//! Comments in the engine: records carry a comment, the engine files its
//! sentiment class, compound and themes per cell, answers `sentiment` and
//! `theme:<id>` in queries, keeps verbatims, raises comment alerts, and
//! keeps all of it through merges, both snapshot formats and a failed call.
//!
//! Expected statistics are computed here from the comment analysis itself
//! (`Vader`, `ThemeMatcher`) over the raw records, independently of the
//! engine's cells.

use cx_core::comment::themes::ThemeMatcher;
use cx_core::comment::vader::Vader;
use cx_core::comment::{compound_units, CommentStats, SentimentClass};
use cx_core::engine::{AlertReason, Engine, EngineConfig, Query};
use cx_core::metric::MetricId;
use cx_core::plan::Plan;
use cx_core::record::{Record, Response, Timestamp};
use cx_core::score::{net_sentiment, theme_share, NpsMethod};

const PLAN: &str = r#"{"schemaVersion": 1, "organization": {"name": "Air"},
  "themes": [
    {"id": "delay", "label": "Delays", "terms": ["delay*", "late", "waiting"]},
    {"id": "staff", "label": "Staff", "terms": ["staff", "crew"], "alert": true},
    {"id": "food", "terms": ["food", "meal"]}
  ],
  "thresholds": {"alerts": {"detractor": false, "csatBottomTwo": false, "cesAtMost": null,
                            "commentCompoundAtMost": -0.5}}}"#;

const COMMENTS: [&str; 8] = [
    "The flight was late and the crew was rude. Awful!",
    "Great crew, lovely food :)",
    "Delayed again. Waiting two hours is not acceptable",
    "Good value, nothing to add.",
    "The meal was bad, the staff was great",
    "",
    "   ",
    "I LOVE this airline!!! never late",
];

fn plan() -> Plan {
    Plan::from_json(PLAN).unwrap()
}

fn records() -> Vec<Record> {
    (0..40)
        .map(|i| {
            let c = COMMENTS[i % COMMENTS.len()];
            Record::Response(Response {
                id: Some(format!("r{i:02}")),
                at: Timestamp::from_unix(1_767_225_600 + (i as i64 % 9) * 86_400).unwrap(),
                segment: Some(["a", "b"][i % 2].into()),
                nps: (i % 3 != 0).then_some((i % 11) as u8),
                comment: Some(c.to_string()),
                ..Response::default()
            })
        })
        .collect()
}

/// The statistics of `records` computed from the analysis directly.
fn expected(records: &[Record], plan: &Plan) -> CommentStats {
    let matcher = ThemeMatcher::new(&plan.themes);
    let mut s = CommentStats::default();
    for r in records {
        let Record::Response(r) = r else { continue };
        let Some(text) = r.comment.as_deref().filter(|t| !t.trim().is_empty()) else {
            continue;
        };
        let p = Vader::standard().polarity_scores(text);
        let class = SentimentClass::of(p.compound);
        let units = i128::from(compound_units(p.compound));
        s.classes.add(class);
        s.compound += units;
        s.groups.add(r.nps.unwrap_or(u8::MAX));
        let mut themes = Vec::new();
        matcher.matches(text, &mut themes);
        for t in themes {
            let th = s.theme_mut(t);
            th.classes.add(class);
            th.compound += units;
            th.groups.add(r.nps.unwrap_or(u8::MAX));
        }
    }
    s
}

fn engine() -> Engine {
    let mut e = Engine::new(plan()).unwrap();
    let report = e.ingest_batch(&records()).unwrap();
    assert_eq!((report.accepted, report.rejected), (40, 0));
    e
}

#[test]
fn comment_statistics_equal_the_analysis_of_every_comment() {
    let e = engine();
    let want = expected(&records(), &plan());
    assert_eq!(e.comment_stats(), want);
    // Blank comments are no comment: 40 records, 30 comments.
    assert_eq!(want.comments(), 30);
}

#[test]
fn sentiment_and_theme_metrics_in_queries() {
    let e = engine();
    let want = expected(&records(), &plan());
    let q = Query::from_json(r#"{"metrics": ["sentiment", "theme:delay", "theme:staff", "nps"]}"#)
        .unwrap();
    let card = e.query(&q).unwrap();
    let row = &card.rows[0].scores;
    let s = net_sentiment(&want.classes, want.compound, NpsMethod::default(), 0.95).unwrap();
    assert_eq!(row["sentiment"].value, s.value);
    assert_eq!(row["sentiment"].interval, s.interval);
    assert_eq!(row["sentiment"].n, 30);
    assert_eq!(row["sentiment"].mean_compound, s.mean_compound);
    let delay = want.theme(0).unwrap();
    let t = theme_share(&delay.classes, delay.compound, 30, 0.95).unwrap();
    assert_eq!(row["theme:delay"].value, t.value);
    assert_eq!(row["theme:delay"].interval, t.interval);
    assert_eq!(row["theme:delay"].net_sentiment, t.net_sentiment);
    // A comment-only record changes no other score's n.
    let nps = e
        .query(&Query::from_json(r#"{"metrics": ["nps"]}"#).unwrap())
        .unwrap();
    let rated = records()
        .iter()
        .filter(|r| matches!(r, Record::Response(r) if r.nps.is_some()))
        .count() as u64;
    assert_eq!(nps.rows[0].scores["nps"].n, rated);
    // Every metric present lists the comment metrics.
    let all = e.query(&Query::default()).unwrap();
    for m in ["sentiment", "theme:delay", "theme:staff", "theme:food"] {
        assert!(
            all.metrics.iter().any(|x| x == m),
            "{m} in {:?}",
            all.metrics
        );
    }
}

#[test]
fn group_by_splits_the_comments() {
    let e = engine();
    let q = Query::from_json(r#"{"metrics": ["sentiment"], "groupBy": ["segment"]}"#).unwrap();
    let card = e.query(&q).unwrap();
    let n: u64 = card.rows.iter().map(|r| r.scores["sentiment"].n).sum();
    assert_eq!(n, 30);
    let (a, _): (Vec<Record>, Vec<Record>) = records()
        .into_iter()
        .partition(|r| matches!(r, Record::Response(r) if r.segment.as_deref() == Some("a")));
    let want = expected(&a, &plan());
    let row = card
        .rows
        .iter()
        .find(|r| r.key["segment"].as_deref() == Some("a"))
        .unwrap();
    assert_eq!(row.scores["sentiment"].n, want.comments());
}

#[test]
fn unknown_theme_metric_is_an_error_at_its_pointer() {
    let e = engine();
    let err = e
        .query(&Query::from_json(r#"{"metrics": ["nps", "theme:nope"]}"#).unwrap())
        .unwrap_err();
    assert_eq!(err.pointer(), "/metrics/1");
    assert!("theme:".parse::<MetricId>().is_err());
}

#[test]
fn verbatims_are_the_newest_of_each_theme() {
    let mut config = EngineConfig::default();
    config.limits.max_verbatims = 3;
    let mut e = Engine::with_config(plan(), config).unwrap();
    e.ingest_batch(&records()).unwrap();
    let matcher = ThemeMatcher::new(&plan().themes);
    for t in 0..3u32 {
        let mut all: Vec<(Timestamp, String, String)> = records()
            .into_iter()
            .filter_map(|r| match r {
                Record::Response(r) => {
                    let c = r.comment.clone()?;
                    let mut m = Vec::new();
                    matcher.matches(&c, &mut m);
                    m.contains(&t).then(|| (r.at, r.id.clone().unwrap(), c))
                }
                _ => None,
            })
            .collect();
        all.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        all.truncate(3);
        let got: Vec<(Timestamp, String, String)> = e
            .verbatims(t)
            .into_iter()
            .map(|v| (v.at, v.record_id.unwrap(), v.text))
            .collect();
        assert_eq!(got, all, "theme {t}");
    }
    assert!(e.verbatims(9).is_empty());
}

#[test]
fn merges_and_snapshots_keep_comments_and_verbatims() {
    let all = records();
    let one = engine();
    let mut a = Engine::new(plan()).unwrap();
    let mut b = Engine::new(plan()).unwrap();
    a.ingest_batch(&all[25..]).unwrap();
    b.ingest_batch(&all[..25]).unwrap();
    a.merge(&b).unwrap();
    assert_eq!(a.comment_stats(), one.comment_stats());
    for t in 0..3 {
        assert_eq!(a.verbatims(t), one.verbatims(t));
    }
    let doc = Engine::restore(one.snapshot()).unwrap();
    assert_eq!(doc.snapshot(), one.snapshot());
    assert_eq!(doc.verbatims(1), one.verbatims(1));
    let mut bytes = Vec::new();
    one.write_snapshot(&mut bytes).unwrap();
    let stream = Engine::read_snapshot(&bytes[..]).unwrap();
    assert_eq!(stream.snapshot(), one.snapshot());
}

#[test]
fn a_tampered_comment_cell_is_refused_at_its_pointer() {
    let e = engine();
    let mut s = e.snapshot();
    s.response_comments[0].1.compound = 10_000 * 1_000;
    s.seal();
    let err = Engine::restore(s).unwrap_err();
    assert_eq!(err.pointer(), "/responseComments/0/1/compound", "{err}");
    let mut s = e.snapshot();
    let cell = &mut s.response_comments[0].1;
    cell.themes.push(cx_core::comment::ThemeStats {
        theme: 7,
        ..Default::default()
    });
    s.seal();
    let err = Engine::restore(s).unwrap_err();
    assert!(
        err.pointer().starts_with("/responseComments/0/1/themes/"),
        "{err}"
    );
    // A theme's promoters beyond the cell's: the analysis would read a
    // share above 100 % of promoters' comments.
    let mut s = e.snapshot();
    let (i, cell) = s
        .response_comments
        .iter_mut()
        .map(|c| &mut c.1)
        .enumerate()
        .find(|(_, c)| !c.themes.is_empty())
        .expect("a cell with a theme");
    let t = &mut cell.themes[0];
    let spare = t.classes.total() - t.groups.detractors - t.groups.passives - t.groups.promoters;
    let room = cell.groups.promoters - t.groups.promoters;
    assert!(
        spare > 0 && room < spare,
        "the tampering needs room: {cell:?}"
    );
    t.groups.promoters += room + 1;
    s.seal();
    let err = Engine::restore(s).unwrap_err();
    assert_eq!(
        err.pointer(),
        format!("/responseComments/{i}/1/themes/0/groups"),
        "{err}"
    );
}

#[test]
fn comments_raise_alerts_by_theme_and_by_compound() {
    let mut e = Engine::new(plan()).unwrap();
    let text = "The crew was rude and awful, terrible service";
    let p = Vader::standard().polarity_scores(text);
    let report = e
        .ingest(Response {
            id: Some("x1".into()),
            at: "2026-03-01T10:00:00Z".parse().unwrap(),
            comment: Some(text.into()),
            ..Response::default()
        })
        .unwrap();
    let reasons: Vec<(AlertReason, Option<String>)> = report
        .alerts
        .iter()
        .map(|a| (a.reason, a.theme.clone()))
        .collect();
    let mut want = Vec::new();
    if p.compound <= -0.5 {
        want.push((AlertReason::NegativeComment, None));
    }
    want.push((AlertReason::CommentTheme, Some("staff".to_string())));
    assert_eq!(reasons, want);
    assert_eq!(e.alerts().len(), want.len());
    assert_eq!(e.alerts()[want.len() - 1].theme.as_deref(), Some("staff"));
}

#[test]
fn a_long_comment_rejects_its_record_and_keeps_nothing() {
    let mut config = EngineConfig::default();
    config.limits.max_comment_bytes = 16;
    let mut e = Engine::with_config(plan(), config).unwrap();
    let report = e
        .ingest_json_lines(
            b"{\"at\": \"2026-03-01\", \"nps\": 9, \"comment\": \"the crew was late again\"}\n{\"at\": \"2026-03-01\", \"comment\": \"late crew\"}\n",
        )
        .unwrap();
    assert_eq!((report.accepted, report.rejected), (1, 1));
    assert_eq!(report.errors[0].pointer, "/comment");
    assert_eq!(report.errors[0].code.as_str(), "comment-too-long");
    assert!(
        report.errors[0].message.contains("16"),
        "{}",
        report.errors[0].message
    );
    assert_eq!(e.comment_stats().comments(), 1);
    // The accepted line is comment-only: no NPS, and no response cell's score.
    let card = e.query(&Query::default()).unwrap();
    assert!(!card.metrics.iter().any(|m| m == "nps"));
}

#[test]
fn a_call_past_the_budget_keeps_no_comment_nor_verbatim() {
    let probe = engine();
    let mut tight = probe.config().clone();
    tight.limits.max_cell_bytes = probe.stats().bytes + 256;
    let mut e = Engine::with_config(plan(), tight).unwrap();
    e.ingest_batch(&records()).unwrap();
    let kept = (e.comment_stats(), e.verbatims(0), e.stats(), e.snapshot());
    let many: Vec<Record> = (0..500)
        .map(|i| {
            Record::Response(Response {
                id: Some(format!("n{i}")),
                at: Timestamp::from_unix(1_800_000_000 + i * 86_400).unwrap(),
                comment: Some(format!("late again {i}, waiting forever")),
                ..Response::default()
            })
        })
        .collect();
    assert!(e.ingest_batch(&many).is_err());
    assert_eq!(
        (e.comment_stats(), e.verbatims(0), e.stats(), e.snapshot()),
        kept
    );
}

#[test]
fn employee_comments_are_kept_per_employee_cell() {
    use cx_core::engine::Selection;
    use cx_core::record::{EmployeeKind, EmployeeResponse};
    let mut e = Engine::new(plan()).unwrap();
    let text = "Great team, but the crew rota is late every week";
    let report = e
        .ingest(EmployeeResponse {
            kind: EmployeeKind::Employee,
            at: "2026-03-01".parse().unwrap(),
            team: Some("north".into()),
            enps: Some(3),
            comment: Some(text.into()),
            ..EmployeeResponse::default()
        })
        .unwrap();
    assert_eq!(report.accepted, 1);
    // No customer comment, no comment alert.
    assert_eq!(e.comment_stats().comments(), 0);
    assert!(report.alerts.is_empty());
    let t = e.totals(&Selection::default()).unwrap();
    let c = t.employee_comments();
    assert_eq!(c.comments(), 1);
    assert_eq!(c.groups.detractors, 1);
    let class = SentimentClass::of(Vader::standard().polarity_scores(text).compound);
    let mut want = cx_core::comment::ClassCounts::default();
    want.add(class);
    assert_eq!(c.classes, want);
    assert_eq!(c.theme(0).map(|s| s.classes.total()), Some(1));
    // An employee comment over the limit rejects the response.
    let mut config = EngineConfig::default();
    config.limits.max_comment_bytes = 4;
    let mut small = Engine::with_config(plan(), config).unwrap();
    let r = small
        .ingest(EmployeeResponse {
            at: "2026-03-01".parse().unwrap(),
            comment: Some(text.into()),
            ..EmployeeResponse::default()
        })
        .unwrap();
    assert_eq!((r.rejected, r.errors[0].pointer.as_str()), (1, "/comment"));
}
