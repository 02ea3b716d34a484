//! The comment analysis (issue #20, item 7) on hand-built comment
//! statistics: theme shares with their Wilson intervals, net sentiment as
//! NPS's trinomial, detractors against promoters (lift, unpooled
//! two-proportion z, Holm), verbatims, and the empty and one-sided cases.
//!
//! Reference figures from R 4 (`Rscript`), the calls next to each figure:
//! Wilson bounds from `prop.test(x, n, correct = FALSE)$conf.int` (the
//! Wilson score interval), the unpooled z p-value from
//! `2 * pnorm(-abs(p1 - p2) / sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2))`
//! and Holm from `p.adjust(p, "holm")`.

use cx_core::analysis::{comment_analysis, CommentAnalysis, CommentOptions, ThemeResult};
use cx_core::comment::{ClassCounts, CommentStats, GroupCounts, ThemeStats, Verbatim};
use cx_core::plan::{Plan, Theme, ThemeLinks};
use cx_core::record::Timestamp;
use cx_core::score::{nps, Flag, NpsCounts, NpsMethod};

const PLAN: &str = include_str!("../../examples/data/plan.json");

fn theme(id: &str, label: Option<&str>) -> Theme {
    Theme {
        id: id.into(),
        label: label.map(str::to_string),
        terms: vec![id.into()],
        links: ThemeLinks::default(),
        alert: false,
    }
}

/// The demo plan with four themes: delay, staff, price, app.
fn plan() -> Plan {
    let mut p = Plan::from_json(PLAN).unwrap();
    p.themes = vec![
        theme("delay", Some("Delays")),
        theme("staff", None),
        theme("price", Some("Price")),
        theme("app", Some("The app")),
    ];
    p
}

fn classes(negative: u64, neutral: u64, positive: u64) -> ClassCounts {
    ClassCounts {
        negative,
        neutral,
        positive,
    }
}

fn groups(detractors: u64, passives: u64, promoters: u64) -> GroupCounts {
    GroupCounts {
        detractors,
        passives,
        promoters,
    }
}

fn theme_stats(theme: u32, c: ClassCounts, compound: i128, g: GroupCounts) -> ThemeStats {
    ThemeStats {
        theme,
        classes: c,
        compound,
        groups: g,
    }
}

/// 400 comments: 120 negative, 80 neutral, 200 positive; 100 of
/// detractors, 100 of passives, 150 of promoters (50 without a rating).
/// delay: 40 mentions, 34 of detractors and 9 of promoters; staff: 60, 10
/// and 40; price: 10, 5 and 3; app: none.
fn stats() -> CommentStats {
    CommentStats {
        classes: classes(120, 80, 200),
        compound: 51_234,
        groups: groups(100, 100, 150),
        themes: vec![
            theme_stats(0, classes(30, 5, 5), -180_000, groups(34, 4, 9)),
            theme_stats(1, classes(10, 10, 40), 210_000, groups(10, 8, 40)),
            theme_stats(2, classes(8, 2, 0), -45_000, groups(5, 2, 3)),
        ],
    }
}

fn options() -> CommentOptions {
    CommentOptions {
        level: 0.95,
        significance: 0.05,
        method: NpsMethod::AdjustedWald,
    }
}

fn analysis() -> CommentAnalysis {
    comment_analysis(&plan(), &stats(), &[], options()).unwrap()
}

fn find<'a>(a: &'a CommentAnalysis, id: &str) -> &'a ThemeResult {
    a.themes.iter().find(|t| t.id == id).unwrap()
}

fn close(a: Option<f64>, b: f64, tol: f64) {
    let a = a.expect("a value");
    assert!((a - b).abs() <= tol, "{a} vs {b}");
}

#[test]
fn themes_are_ranked_by_mentions_with_their_share_and_wilson_interval() {
    let a = analysis();
    let ids: Vec<&str> = a.themes.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["staff", "delay", "price", "app"]);
    assert_eq!(a.comments, 400);
    // (mentions, R prop.test(x, 400, correct = FALSE)$conf.int × 100)
    for (id, x, low, high) in [
        ("staff", 60, 11.834499530338, 18.831361073063),
        ("delay", 40, 7.429925914003, 13.331057632740),
        ("price", 10, 1.363509174594, 4.540158787165),
    ] {
        let t = find(&a, id);
        assert_eq!(t.mentions, x);
        close(t.share.value, x as f64 / 4.0, 1e-12);
        let i = t.share.interval.unwrap();
        assert!(
            (i.low - low).abs() < 1e-9 && (i.high - high).abs() < 1e-9,
            "{id}: {i:?}"
        );
    }
    let app = find(&a, "app");
    assert_eq!((app.mentions, app.share.value), (0, Some(0.0)));
    // Labels: the plan's, or the id.
    assert_eq!(find(&a, "delay").label, "Delays");
    assert_eq!(find(&a, "staff").label, "staff");
}

/// The figures of a net sentiment and of NPS on the same counts agree
/// (the net sentiment names its counts by class, not by NPS group).
fn same(a: &cx_core::score::Score, b: &cx_core::score::Score) {
    assert_eq!(
        (a.value, a.se, a.interval, a.n),
        (b.value, b.se, b.interval, b.n)
    );
    assert_eq!(a.detractors, None);
}

#[test]
fn net_sentiment_is_the_nps_trinomial_on_the_same_counts() {
    let a = analysis();
    let expected = nps(&NpsCounts::new(120, 80, 200), NpsMethod::AdjustedWald, 0.95).unwrap();
    same(&a.sentiment, &expected);
    let classes = a.sentiment.sentiment_classes.unwrap();
    assert_eq!(
        (classes.negative, classes.neutral, classes.positive),
        (120, 80, 200)
    );
    // (200 − 120) / 400 = 20 points.
    close(a.sentiment.value, 20.0, 1e-12);
    let delay = find(&a, "delay");
    same(
        &delay.sentiment,
        &nps(&NpsCounts::new(30, 5, 5), NpsMethod::AdjustedWald, 0.95).unwrap(),
    );
    // The method and level of the options are used.
    let wald = comment_analysis(
        &plan(),
        &stats(),
        &[],
        CommentOptions {
            method: NpsMethod::Wald,
            level: 0.9,
            ..options()
        },
    )
    .unwrap();
    same(
        &wald.sentiment,
        &nps(&NpsCounts::new(120, 80, 200), NpsMethod::Wald, 0.9).unwrap(),
    );
    // Price has 10 mentions, below minSample (30): flagged.
    assert!(find(&a, "price")
        .sentiment
        .flags
        .contains(&Flag::SmallSample));
    assert!(!a.sentiment.flags.contains(&Flag::SmallSample));
}

#[test]
fn mean_compound_comes_from_the_fixed_point_sum() {
    let a = analysis();
    // 51,234 / 10,000 / 400
    close(a.mean_compound, 0.0128085, 1e-15);
    // −180,000 / 10,000 / 40
    close(find(&a, "delay").mean_compound, -0.45, 1e-15);
    assert_eq!(find(&a, "app").mean_compound, None);
    assert_eq!(a.classes, classes(120, 80, 200));
}

#[test]
fn detractors_against_promoters_lift_test_and_holm() {
    let a = analysis();
    // (id, detractor share, R Wilson, promoter share, R Wilson, lift, R p, R Holm)
    // p.adjust(c(4.493944742322360e-08, 3.847075940359308e-04,
    //            2.228434331056660e-01), "holm")
    let cases = [
        (
            "delay",
            34.0,
            (25.461520797348, 43.722271145275),
            6.0,
            (3.188404420921, 11.008977083470),
            34.0 / 6.0,
            4.49394474232236e-8,
            1.348183422696708e-07,
        ),
        (
            "staff",
            10.0,
            (5.522913706068, 17.436566150491),
            80.0 / 3.0,
            (20.237161354935, 34.261450048908),
            10.0 / (80.0 / 3.0),
            3.847075940359308e-04,
            7.694151880718617e-04,
        ),
        (
            "price",
            5.0,
            (2.154367915437, 11.175046923192),
            2.0,
            (0.682475132297, 5.714668327039),
            2.5,
            2.22843433105666e-1,
            2.22843433105666e-1,
        ),
    ];
    for (id, d, (dl, dh), p, (pl, ph), lift, pv, holm) in cases {
        let g = &find(&a, id).by_group;
        close(g.detractors.value, d, 1e-12);
        close(g.promoters.value, p, 1e-12);
        let (di, pi) = (
            g.detractors.interval.unwrap(),
            g.promoters.interval.unwrap(),
        );
        assert!(
            (di.low - dl).abs() < 1e-9 && (di.high - dh).abs() < 1e-9,
            "{id}"
        );
        assert!(
            (pi.low - pl).abs() < 1e-9 && (pi.high - ph).abs() < 1e-9,
            "{id}"
        );
        close(g.lift, lift, 1e-12);
        close(g.delta, d - p, 1e-9);
        let got = g.p.unwrap();
        assert!(
            (got - pv).abs() <= 1e-9 * pv.max(1e-6),
            "{id}: p {got} vs {pv}"
        );
        let adj = g.p_adjusted.unwrap();
        assert!(
            (adj - holm).abs() <= 1e-9 * holm.max(1e-6),
            "{id}: Holm {adj} vs {holm}"
        );
        assert_eq!(g.significant, holm < 0.05, "{id}");
    }
    assert!(find(&a, "delay").by_group.points_at_detractors(0.05));
    // Staff is significant, but promoters mention it more: not a detractor signal.
    assert!(find(&a, "staff").by_group.significant);
    assert!(!find(&a, "staff").by_group.points_at_detractors(0.05));
    // No mention on either side: no test, no lift, left out of the family.
    let app = &find(&a, "app").by_group;
    assert_eq!((app.lift, app.p, app.p_adjusted), (None, None, None));
    assert!(!app.significant);
}

#[test]
fn one_sided_groups_give_no_nan_nor_infinity() {
    // No promoter comment at all.
    let mut s = stats();
    s.groups.promoters = 0;
    for t in &mut s.themes {
        t.groups.promoters = 0;
    }
    let a = comment_analysis(&plan(), &s, &[], options()).unwrap();
    let g = &find(&a, "delay").by_group;
    assert_eq!(
        (g.promoters.value, g.lift, g.p, g.p_adjusted),
        (None, None, None, None)
    );
    assert!(g.reason.as_deref().unwrap().contains("no comment of"));
    close(g.detractors.value, 34.0, 1e-12);
    // No detractor comment at all.
    let mut s = stats();
    s.groups.detractors = 0;
    for t in &mut s.themes {
        t.groups.detractors = 0;
    }
    let a = comment_analysis(&plan(), &s, &[], options()).unwrap();
    let g = &find(&a, "staff").by_group;
    assert_eq!((g.detractors.value, g.lift, g.p), (None, None, None));
    // Promoters mention it, detractors' comments exist but never do: lift 0.
    let mut s = stats();
    s.themes[0].groups.detractors = 0;
    let a = comment_analysis(&plan(), &s, &[], options()).unwrap();
    let g = &find(&a, "delay").by_group;
    assert_eq!(g.lift, Some(0.0));
    // Detractors mention it, promoters never do: no lift (not infinity).
    let mut s = stats();
    s.themes[0].groups.promoters = 0;
    let a = comment_analysis(&plan(), &s, &[], options()).unwrap();
    let g = &find(&a, "delay").by_group;
    assert_eq!(g.lift, None);
    assert!(g.p.is_some() && g.significant);
    let json = serde_json::to_string(&a).unwrap();
    assert!(!json.contains("NaN") && !json.contains("inf"), "{json}");
}

#[test]
fn no_theme_and_no_comment_is_no_analysis() {
    let mut p = plan();
    p.themes.clear();
    assert_eq!(
        comment_analysis(&p, &CommentStats::default(), &[], options()),
        None
    );
    // Comments without themes: sentiment only.
    let s = CommentStats {
        classes: classes(1, 0, 3),
        compound: 12_000,
        ..CommentStats::default()
    };
    let a = comment_analysis(&p, &s, &[], options()).unwrap();
    assert!(a.themes.is_empty());
    assert_eq!(a.comments, 4);
    close(a.sentiment.value, 50.0, 1e-12);
    close(a.mean_compound, 0.3, 1e-15);
    // Themes without comments: every theme, empty scores.
    let a = comment_analysis(&plan(), &CommentStats::default(), &[], options()).unwrap();
    assert_eq!(a.themes.len(), 4);
    assert_eq!((a.sentiment.value, a.mean_compound), (None, None));
    for t in &a.themes {
        assert_eq!((t.mentions, t.share.value, t.by_group.p), (0, None, None));
    }
    let ids: Vec<&str> = a.themes.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(
        ids,
        ["delay", "staff", "price", "app"],
        "ties in plan order"
    );
}

#[test]
fn small_groups_are_left_out_of_the_holm_family() {
    let mut s = stats();
    // 20 detractors' comments: below minSample (30).
    s.groups.detractors = 20;
    for t in &mut s.themes {
        t.groups.detractors = t.groups.detractors.min(5);
    }
    let a = comment_analysis(&plan(), &s, &[], options()).unwrap();
    for t in &a.themes {
        let g = &t.by_group;
        assert_eq!(g.p_adjusted, None, "{}", t.id);
        assert!(!g.significant);
        if g.p.is_some() {
            assert!(
                g.reason.as_deref().unwrap().contains("left out"),
                "{}",
                t.id
            );
        }
        assert!(g.detractors.value.is_none() || g.detractors.flags.contains(&Flag::SmallSample));
    }
}

#[test]
fn the_two_newest_verbatims_of_each_theme_are_kept() {
    let v = |id: &str, secs: i64, text: &str, compound: i32| Verbatim {
        at: Timestamp::from_unix(secs).unwrap(),
        record_id: Some(id.into()),
        text: text.into(),
        compound,
    };
    let kept = vec![
        vec![
            v("r3", 3_000, "Still waiting after three weeks", -4_767),
            v("r2", 2_000, "Late again", -1_027),
            v("r1", 1_000, "Delay", 0),
        ],
        vec![],
        vec![v("r9", 9_000, "<script>alert(1)</script>", 0)],
    ];
    let a = comment_analysis(&plan(), &stats(), &kept, options()).unwrap();
    let d = &find(&a, "delay").verbatims;
    assert_eq!(d.len(), 2);
    assert_eq!(d[0].record_id.as_deref(), Some("r3"));
    assert_eq!(d[1].text, "Late again");
    close(Some(d[0].compound), -0.4767, 1e-15);
    assert_eq!(d[0].at, Timestamp::from_unix(3_000).unwrap());
    assert!(find(&a, "staff").verbatims.is_empty());
    assert_eq!(find(&a, "price").verbatims.len(), 1);
    assert!(find(&a, "app").verbatims.is_empty(), "no entry: none");
}

#[test]
fn the_shape_is_camel_case_json() {
    let a = analysis();
    let json = serde_json::to_value(&a).unwrap();
    assert!(json["meanCompound"].is_number());
    let t = &json["themes"][1];
    assert_eq!(t["id"], "delay");
    assert!(t["byGroup"]["pAdjusted"].is_number());
    assert!(t["byGroup"]["lift"].is_number());
    let back: CommentAnalysis = serde_json::from_value(json).unwrap();
    assert_eq!(back, a);
}
