//! The report's "What customers say" section (id `comments`, after the
//! vital processes): net sentiment with its interval and n, the themes
//! ranked by mentions with a bar per theme split by sentiment (HTML), a
//! table of their shares, sentiment and detractor/promoter contrast, and
//! the two newest verbatims of each theme. Absent when the analysis has no
//! comment analysis.
//!
//! A verbatim is what a customer wrote: it is given as [`Span::Quote`], so
//! each writer escapes it for its format, and shortened to
//! [`VERBATIM_CHARS`] characters.

use super::writer::{num_col, text_col, Chart, Item, Span, Table, Writer};
use super::{num, Report};
use crate::analysis::{CommentAnalysis, GroupContrast, Quote, ThemeResult};

/// The longest verbatim shown, in characters (a longer one ends in `…`).
pub(crate) const VERBATIM_CHARS: usize = 280;

/// Writes the section, when there is a comment analysis.
pub(super) fn comments(r: &Report, w: &mut impl Writer) {
    let Some(c) = &r.analysis.comments else {
        return;
    };
    w.section("comments", "What customers say");
    w.paragraph(&headline(c));
    if c.themes.is_empty() {
        w.paragraph(&[Span::text("The plan declares no comment theme.")]);
        w.end_section();
        return;
    }
    w.chart(&Chart::Themes(c));
    w.table(&themes_table(c));
    w.paragraph(&[Span::Muted(format!(
        "Share: mentions in percent of every comment. Net sentiment: % positive − % negative \
         of the comments that mention the theme. Lift: the share among detractors' comments \
         over the share among promoters'. ▲ detractors (▼ promoters) mention the theme \
         significantly more often: unpooled two-proportion z-test, p < {} after Holm's \
         adjustment over the themes.",
        c.significance
    ))]);
    let items: Vec<Item> = c
        .themes
        .iter()
        .filter(|t| !t.verbatims.is_empty())
        .map(verbatims)
        .collect();
    w.list(false, &items);
    w.end_section();
}

/// Net sentiment with its interval, n and mean compound.
fn headline(c: &CommentAnalysis) -> Vec<Span> {
    let s = &c.sentiment;
    vec![
        Span::Strong(format!("Net sentiment {}", num(s.value, 1))),
        Span::text(format!(
            " {} · n = {} comments ({} positive, {} neutral, {} negative) · mean compound {}.",
            s.interval.map_or("(no interval)".into(), |i| format!(
                "[{:.1}, {:.1}]",
                i.low, i.high
            )),
            c.comments,
            c.classes.positive,
            c.classes.neutral,
            c.classes.negative,
            num(c.mean_compound, 3)
        )),
        Span::Muted(
            " % positive − % negative (VADER compound ≥ 0.05 positive, ≤ −0.05 negative).".into(),
        ),
    ]
}

/// The mark of a significant contrast: ▲ detractors, ▼ promoters.
fn mark(g: &GroupContrast) -> &'static str {
    match (g.significant, g.delta) {
        (true, Some(d)) if d > 0.0 => " ▲",
        (true, Some(d)) if d < 0.0 => " ▼",
        _ => "",
    }
}

/// A p-value to three decimals, `< 0.001` below that, `—` for none.
fn p_value(p: Option<f64>) -> String {
    match p {
        Some(x) if x < 0.001 => "< 0.001".into(),
        _ => num(p, 3),
    }
}

/// One row per theme, in rank order.
fn themes_table(c: &CommentAnalysis) -> Table {
    let mut t = Table::new(&[
        text_col("theme"),
        num_col("mentions"),
        num_col("share"),
        num_col("net sentiment"),
        num_col("neg / neu / pos"),
        num_col("detractors"),
        num_col("promoters"),
        num_col("lift"),
        num_col("p (Holm)"),
    ]);
    let pct = |v: Option<f64>| v.map_or("—".into(), |x| format!("{x:.1}%"));
    for th in &c.themes {
        let g = &th.by_group;
        let share = match th.share.interval {
            Some(i) => format!("{} [{:.1}, {:.1}]", pct(th.share.value), i.low, i.high),
            None => pct(th.share.value),
        };
        t.rows.push(vec![
            vec![
                Span::text(format!("{} ", th.label)),
                Span::Muted(format!("({})", th.id)),
            ],
            vec![Span::text(th.mentions.to_string())],
            vec![Span::text(share)],
            vec![Span::text(num(th.sentiment.value, 0))],
            vec![Span::text(format!(
                "{} / {} / {}",
                th.classes.negative, th.classes.neutral, th.classes.positive
            ))],
            vec![Span::text(pct(g.detractors.value))],
            vec![Span::text(pct(g.promoters.value))],
            vec![Span::text(format!("{}{}", num(g.lift, 1), mark(g)))],
            vec![Span::text(p_value(g.p_adjusted))],
        ]);
    }
    t
}

/// The theme's verbatims as a list entry with one sub-entry each.
fn verbatims(t: &ThemeResult) -> Item {
    Item {
        data: Some(("theme", t.id.clone())),
        text: vec![Span::Strong(t.label.clone())],
        sub: t.verbatims.iter().map(verbatim).collect(),
    }
}

/// “text” — date · record id · compound.
fn verbatim(q: &Quote) -> Vec<Span> {
    let mut text: String = q.text.chars().take(VERBATIM_CHARS).collect();
    if q.text.chars().nth(VERBATIM_CHARS).is_some() {
        text.push('…');
    }
    let id = match &q.record_id {
        Some(id) => Span::Code(code_text(id)),
        None => Span::Muted("without id".into()),
    };
    vec![
        Span::Quote(text),
        Span::Muted(format!(" — {} · record ", q.at.date())),
        id,
        Span::Muted(format!(" · compound {}", num(Some(q.compound), 2))),
    ]
}

/// A record id (user input) as code on one line: control characters as
/// spaces and backticks as `'`, so that no Markdown code span ends early
/// (HTML escapes the rest).
fn code_text(id: &str) -> String {
    id.chars()
        .map(|c| match c {
            c if c.is_control() => ' ',
            '`' => '\'',
            c => c,
        })
        .collect()
}
