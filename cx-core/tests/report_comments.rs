//! The report's "What customers say" section (issue #20, item 7): net
//! sentiment with its interval and n, the themes ranked with a bar per
//! theme split by sentiment (HTML) and a table (both formats), the
//! detractor/promoter contrast with its mark, and two verbatims per theme,
//! escaped. The engine holds no comment yet, so the comment analysis is
//! built by hand and set on a report of the demo engine.

use std::sync::OnceLock;

use cx_core::analysis::{comment_analysis, CommentAnalysis, CommentOptions};
use cx_core::comment::{ClassCounts, CommentStats, GroupCounts, ThemeStats, Verbatim};
use cx_core::demo::{generate, DemoConfig};
use cx_core::engine::Engine;
use cx_core::plan::{Plan, Theme, ThemeLinks};
use cx_core::record::Timestamp;
use cx_core::report::{Report, ReportOptions};
use cx_core::score::NpsMethod;

const PLAN: &str = include_str!("../../examples/data/plan.json");

fn theme(id: &str, label: &str) -> Theme {
    Theme {
        id: id.into(),
        label: Some(label.into()),
        terms: vec![id.into()],
        links: ThemeLinks {
            attributes: vec!["claim-speed".into()],
            ..ThemeLinks::default()
        },
        alert: false,
    }
}

fn plan() -> Plan {
    let mut p = Plan::from_json(PLAN).unwrap();
    p.themes = vec![
        theme("delay", "Delays"),
        theme("staff", "Staff"),
        theme("price", "Price"),
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

fn groups(detractors: u64, promoters: u64) -> GroupCounts {
    GroupCounts {
        detractors,
        passives: 0,
        promoters,
    }
}

/// 400 comments (120 negative, 80 neutral, 200 positive), 100 of
/// detractors and 150 of promoters. delay: 40 mentions (30/5/5), 34 of
/// detractors and 9 of promoters; staff: 60 (10/10/40), 10 and 40; price:
/// 10 (8/2/0), 5 and 3.
fn stats() -> CommentStats {
    let t = |theme, c, g| ThemeStats {
        theme,
        classes: c,
        compound: 0,
        groups: g,
    };
    CommentStats {
        classes: classes(120, 80, 200),
        compound: 51_234,
        groups: groups(100, 150),
        themes: vec![
            t(0, classes(30, 5, 5), groups(34, 9)),
            t(1, classes(10, 10, 40), groups(10, 40)),
            t(2, classes(8, 2, 0), groups(5, 3)),
        ],
    }
}

fn verbatim(id: &str, day: i64, text: &str, compound: i32) -> Verbatim {
    Verbatim {
        at: Timestamp::from_unix(1_767_225_600 + day * 86_400).unwrap(),
        record_id: Some(id.into()),
        text: text.into(),
        compound,
    }
}

/// delay: three kept (two shown), one with markup and a line break;
/// staff: one very long; price: none.
fn kept() -> Vec<Vec<Verbatim>> {
    vec![
        vec![
            verbatim(
                "r-31",
                30,
                "<script>alert('x')</script> still *waiting*\nfor my claim",
                -4_767,
            ),
            verbatim("r-12", 12, "Late again & again", -1_027),
            verbatim("r-02", 2, "Delay, not shown", 0),
        ],
        vec![verbatim("r-40", 40, &"Kind staff. ".repeat(40), 9_000)],
        vec![],
    ]
}

fn analysis() -> CommentAnalysis {
    analysis_of(&plan())
}

fn analysis_of(plan: &Plan) -> CommentAnalysis {
    let o = CommentOptions {
        level: 0.95,
        significance: 0.05,
        method: NpsMethod::AdjustedWald,
    };
    comment_analysis(plan, &stats(), &kept(), o).unwrap()
}

fn report() -> &'static Report {
    static R: OnceLock<Report> = OnceLock::new();
    R.get_or_init(|| {
        let mut e = Engine::new(plan()).unwrap();
        let d = generate(&DemoConfig {
            days: 45,
            ..DemoConfig::default()
        });
        e.ingest_batch(&d.records).unwrap();
        let mut r = Report::build(&e, &ReportOptions::default()).unwrap();
        r.analysis.comments = Some(analysis());
        r
    })
}

/// The text of the section `id` in the HTML.
fn html_section(html: &str, id: &str) -> String {
    let start = html
        .find(&format!(r#"<section id="{id}">"#))
        .expect("section");
    let end = html[start..].find("</section>").unwrap();
    html[start..start + end].to_string()
}

/// The Markdown section under `heading`.
fn md_section(md: &str, heading: &str) -> String {
    let start = md.find(&format!("## {heading}\n")).expect("section");
    let rest = &md[start + 3..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    rest[..end].to_string()
}

#[test]
fn the_section_follows_the_vital_processes_in_both_formats() {
    let r = report();
    let html = r.to_html();
    let md = r.to_markdown();
    let h: Vec<&str> = html
        .split("<h2>")
        .skip(1)
        .filter_map(|s| s.split("</h2>").next())
        .collect();
    let m: Vec<&str> = md.lines().filter_map(|l| l.strip_prefix("## ")).collect();
    assert_eq!(h, m);
    let i = h
        .iter()
        .position(|x| *x == "What customers say")
        .expect("section");
    assert_eq!(h[i - 1], "Vital processes");
    assert!(html.contains(r#"<section id="comments"><h2>What customers say</h2>"#));
}

#[test]
fn the_section_is_omitted_without_a_comment_analysis() {
    let mut r = report().clone();
    r.analysis.comments = None;
    assert!(!r.to_html().contains("What customers say"));
    assert!(!r.to_markdown().contains("What customers say"));
    assert!(!r.to_html().contains(r#"data-chart="themes""#));
}

#[test]
fn net_sentiment_with_its_interval_and_n() {
    let r = report();
    let s = &r.analysis.comments.as_ref().unwrap().sentiment;
    let i = s.interval.unwrap();
    let line = "Net sentiment 20.0";
    let rest = format!(
        " [{:.1}, {:.1}] · n = 400 comments (200 positive, 80 neutral, 120 negative) · mean compound 0.013.",
        i.low, i.high
    );
    let html = html_section(&r.to_html(), "comments");
    assert!(html.contains(&format!("<b>{line}</b>{rest}")), "{html}");
    let md = md_section(&r.to_markdown(), "What customers say");
    assert!(md.contains(&format!("**{line}**{rest}")), "{md}");
}

#[test]
fn one_bar_per_theme_split_by_sentiment() {
    let r = report();
    let html = html_section(&r.to_html(), "comments");
    let svg = html
        .split(r#"<svg data-chart="themes""#)
        .nth(1)
        .and_then(|s| s.split("</svg>").next())
        .expect("themes chart");
    let bars: Vec<&str> = svg.split(r#"<rect class="bar theme""#).skip(1).collect();
    assert_eq!(bars.len(), 3);
    // Ranked by mentions: staff 15%, delay 10%, price 2.5% (of 400).
    for (bar, (id, share)) in bars
        .iter()
        .zip([("staff", "15"), ("delay", "10"), ("price", "2.5")])
    {
        assert!(bar.contains(&format!(r#"data-label="{id}""#)), "{bar}");
        assert!(bar.contains(&format!(r#"data-value="{share}""#)), "{bar}");
    }
    // The scale is 0..20% over 300 px: staff's bar is 225 px, its segments
    // 10/60, 10/60 and 40/60 of it.
    assert!(bars[0].contains(r#"width="225.0""#), "{}", bars[0]);
    let first_row = svg.split(r#"<rect class="bar theme""#).next().unwrap();
    for (class, width, count) in [
        ("negative", "37.5", 10),
        ("neutral", "37.5", 10),
        ("positive", "150.0", 40),
    ] {
        let seg = format!(r#"<rect class="seg {class}" x="#);
        let at = first_row.find(&seg).unwrap_or_else(|| panic!("{class}"));
        let tail = &first_row[at..];
        assert!(
            tail.contains(&format!(
                r#"width="{width}" height="18" data-count="{count}""#
            )),
            "{tail}"
        );
    }
    // One value label per theme, and a legend.
    assert_eq!(svg.matches(r#"<text class="value""#).count(), 3);
    assert!(svg.contains(r#"<text class="legend""#));
}

#[test]
fn the_table_shows_shares_lift_and_the_significance_mark() {
    let md = md_section(&report().to_markdown(), "What customers say");
    // delay: 34% vs 6%, lift 5.7, Holm p 1.35e-7 → < 0.001, ▲.
    let delay = md
        .lines()
        .find(|l| l.starts_with("| Delays"))
        .expect("delay row");
    assert_eq!(
        delay,
        "| Delays (delay) | 40 | 10.0% [7.4, 13.3] | -62 | 30 / 5 / 5 | 34.0% | 6.0% | 5.7 ▲ | < 0.001 |"
    );
    // staff: promoters mention it more, significantly: ▼.
    let staff = md
        .lines()
        .find(|l| l.starts_with("| Staff"))
        .expect("staff row");
    assert!(
        staff.contains("| 10.0% | 26.7% | 0.4 ▼ | < 0.001 |"),
        "{staff}"
    );
    // price: not significant, no mark.
    let price = md
        .lines()
        .find(|l| l.starts_with("| Price"))
        .expect("price row");
    assert!(price.contains("| 5.0% | 2.0% | 2.5 | 0.223 |"), "{price}");
    let html = html_section(&report().to_html(), "comments");
    assert!(html.contains(r#"<td class="num">5.7 ▲</td>"#), "{html}");
}

#[test]
fn two_verbatims_per_theme_quoted_dated_and_escaped() {
    let r = report();
    let html = html_section(&r.to_html(), "comments");
    assert!(!html.contains("<script>"), "a comment's markup is escaped");
    assert!(
        html.contains(
            r#"<q class="verbatim">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; still *waiting*
for my claim</q>"#
        ),
        "{html}"
    );
    assert!(html.contains(r#"<q class="verbatim">Late again &amp; again</q>"#));
    assert!(
        html.contains(
            r#"— 2026-01-31 · record </span><code>r-31</code><span class="muted"> · compound -0.48"#
        ),
        "{html}"
    );
    assert!(!html.contains("Delay, not shown"), "two per theme");
    assert!(
        html.contains(r#"<li data-theme="delay"><b>Delays</b>"#),
        "{html}"
    );
    assert!(
        !html.contains(r#"data-theme="price""#),
        "no verbatim, no entry"
    );
    let md = md_section(&r.to_markdown(), "What customers say");
    assert!(md.contains(
        "   - “&lt;script&gt;alert('x')&lt;/script&gt; still \\*waiting\\* for my claim” — 2026-01-31 · record `r-31` · compound -0.48"
    ), "{md}");
    assert!(!md.contains("<script>"));
    assert!(!md.contains("Delay, not shown"));
}

#[test]
fn a_long_verbatim_is_shortened() {
    let md = md_section(&report().to_markdown(), "What customers say");
    let line = md
        .lines()
        .find(|l| l.contains("record `r-40`"))
        .expect("staff verbatim");
    let quoted = line.split('“').nth(1).unwrap().split('”').next().unwrap();
    assert!(quoted.ends_with('…'), "{quoted}");
    // The first 280 characters of "Kind staff. " × 40, then "…".
    assert_eq!(quoted.chars().count(), 281, "{quoted}");
}

#[test]
fn vital_processes_show_the_themes_that_point_at_them() {
    // Every theme of this plan links claim-speed (process claims); delay
    // points at detractors, staff at promoters, price is not significant.
    let mut r = report().clone();
    let c = r.analysis.comments.clone().unwrap();
    r.analysis.vital.add_comment_signals(&plan(), &c);
    let claims = r
        .analysis
        .vital
        .vital_processes
        .iter()
        .find(|p| p.id == "claims")
        .expect("claims is ranked");
    let md = md_section(&r.to_markdown(), "Vital processes");
    assert!(md.contains(
        "   - comments on 'Delays' (via attribute:claim-speed): 34% of detractors' vs 6% of promoters', lift 5.7 ▲\n"
    ), "{md}");
    assert!(md.contains(
        "   - comments on 'Staff' (via attribute:claim-speed): 10% of detractors' vs 27% of promoters', lift 0.4\n"
    ), "{md}");
    if claims.vital_attributes.is_empty() {
        assert!(
            md.contains("**Claims handling** (claims): named by detractors' comments"),
            "{md}"
        );
    }
    let html = html_section(&r.to_html(), "vital");
    assert!(html.contains(
        "<li>comments on &#39;Delays&#39; (via attribute:claim-speed): 34% of detractors&#39; vs 6% of promoters&#39;, lift 5.7 ▲</li>"
    ), "{html}");
}

#[test]
fn a_process_only_comments_rank_says_so() {
    let mut r = report().clone();
    let mut p = plan();
    let vital: Vec<String> = r
        .analysis
        .vital
        .vital_processes
        .iter()
        .map(|x| x.id.clone())
        .collect();
    let other = p
        .processes
        .iter()
        .find(|x| !vital.contains(&x.id))
        .expect("a process the ratings do not rank")
        .clone();
    p.themes[0].links = ThemeLinks {
        processes: vec![other.id.clone()],
        ..ThemeLinks::default()
    };
    r.analysis.vital.add_comment_signals(&p, &analysis_of(&p));
    let md = md_section(&r.to_markdown(), "Vital processes");
    let line = format!(
        "{}. **{}** ({}): named by detractors' comments\n   - comments on 'Delays' (via process): 34% of detractors' vs 6% of promoters', lift 5.7 ▲",
        vital.len() + 1,
        other.name,
        other.id
    );
    assert!(md.contains(&line), "{line}\n{md}");
}

#[test]
fn no_comment_yet_and_odd_text_render_without_numbers_made_up() {
    let mut r = report().clone();
    let o = CommentOptions {
        level: 0.95,
        significance: 0.05,
        method: NpsMethod::AdjustedWald,
    };
    let odd = vec![vec![verbatim(
        "r\u{0}1",
        1,
        "e\u{301}\u{0}\u{1b}[31m 😡\t\r\n<b>ok</b>",
        -10_000,
    )]];
    r.analysis.comments =
        Some(comment_analysis(&plan(), &CommentStats::default(), &odd, o).unwrap());
    let html = html_section(&r.to_html(), "comments");
    assert!(
        html.contains("<b>Net sentiment —</b> (no interval) · n = 0 comments"),
        "{html}"
    );
    // Three bars without a value, each labelled "—".
    assert_eq!(html.matches(r#"<rect class="bar theme""#).count(), 3);
    assert!(!html.contains("data-value"), "{html}");
    assert_eq!(
        html.matches(r#"<text class="value" x="204.0" y="27.0">—</text>"#)
            .count(),
        1
    );
    assert!(html.contains("&lt;b&gt;ok&lt;/b&gt;") && !html.contains("<b>ok</b>"));
    let md = md_section(&r.to_markdown(), "What customers say");
    assert!(md.contains("“e\u{301} \\[31m 😡 &lt;b&gt;ok&lt;/b&gt;” — 2026-01-02 · record `r 1` · compound -1.00"), "{md}");
    assert!(
        md.contains("| Delays (delay) | 0 | — | — | 0 / 0 / 0 | — | — | — | — |"),
        "{md}"
    );
}
