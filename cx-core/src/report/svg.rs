//! Inline SVG charts for the HTML report. Every chart is an `<svg>` with a
//! `data-chart` name; every plotted point has `class="point"` and every bar
//! `class="bar"`, each with `data-value` (the JSON number, shortest
//! round-trip form) and a visible label (one decimal).

use std::fmt::Write;

use super::labels::{self, Anchor, Placement, Rect};
use super::writer::Bar;
use crate::analysis::{CommentAnalysis, TrendPoint, VitalProcesses};
use crate::score::Quadrant;

/// Escapes text for HTML and SVG.
pub(crate) fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

fn finite(x: f64) -> f64 {
    if x.is_finite() {
        x
    } else {
        0.0
    }
}

/// The opening tag of a chart `w` × `h` named `name`, with its title.
fn open(name: &str, title: &str, w: f64, h: f64) -> String {
    format!(
        r#"<svg data-chart="{}" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{}"><title>{}</title>"#,
        esc(name),
        esc(title),
        esc(title)
    )
}

/// A line chart of monthly values with the interval band.
pub(crate) fn trend(name: &str, title: &str, points: &[TrendPoint]) -> String {
    let (w, h, ml, mr, mt, mb) = (560.0, 210.0, 48.0, 16.0, 24.0, 34.0);
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for p in points {
        for v in [Some(p.value), p.low, p.high].into_iter().flatten() {
            if v.is_finite() {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
    }
    if !(lo.is_finite() && hi.is_finite()) {
        lo = 0.0;
        hi = 1.0;
    }
    if hi - lo < 1e-9 {
        lo -= 1.0;
        hi += 1.0;
    }
    let pad = (hi - lo) * 0.1;
    let (lo, hi) = (lo - pad, hi + pad);
    let n = points.len().max(1) as f64;
    let x = |i: usize| ml + (w - ml - mr) * (i as f64 + 0.5) / n;
    let y = |v: f64| mt + (h - mt - mb) * (1.0 - (finite(v) - lo) / (hi - lo));
    let mut o = open(name, title, w, h);
    let _ = write!(
        o,
        r#"<line class="axis" x1="{ml}" y1="{}" x2="{}" y2="{}"/>"#,
        h - mb,
        w - mr,
        h - mb
    );
    for v in [lo + pad, hi - pad] {
        let _ = write!(
            o,
            r#"<text class="tick" x="{}" y="{:.1}" text-anchor="end">{:.1}</text>"#,
            ml - 4.0,
            y(v) + 4.0,
            v
        );
    }
    let band: Vec<(usize, f64, f64)> = points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| Some((i, p.low?, p.high?)))
        .collect();
    if band.len() >= 2 {
        let mut d = String::new();
        for (k, (i, _, high)) in band.iter().enumerate() {
            let _ = write!(
                d,
                "{}{:.1},{:.1} ",
                if k == 0 { "M" } else { "L" },
                x(*i),
                y(*high)
            );
        }
        for (i, low, _) in band.iter().rev() {
            let _ = write!(d, "L{:.1},{:.1} ", x(*i), y(*low));
        }
        let _ = write!(o, r#"<path class="band" d="{}Z"/>"#, d.trim_end());
    }
    if points.len() >= 2 {
        let pts: Vec<String> = points
            .iter()
            .enumerate()
            .map(|(i, p)| format!("{:.1},{:.1}", x(i), y(p.value)))
            .collect();
        let _ = write!(o, r#"<polyline class="line" points="{}"/>"#, pts.join(" "));
    }
    significance_marks(&mut o, points, x, y);
    for (i, p) in points.iter().enumerate() {
        let _ = write!(
            o,
            r#"<circle class="point" cx="{:.1}" cy="{:.1}" r="3.5" data-period="{}" data-value="{}" data-n="{}"><title>{} {:.1} (n = {})</title></circle>"#,
            x(i),
            y(p.value),
            esc(&p.period),
            p.value,
            p.n,
            esc(&p.period),
            p.value,
            p.n
        );
        let _ = write!(
            o,
            r#"<text class="value" x="{:.1}" y="{:.1}" text-anchor="middle">{:.1}</text>"#,
            x(i),
            y(p.value) - 8.0,
            p.value
        );
        let _ = write!(
            o,
            r#"<text class="tick" x="{:.1}" y="{}" text-anchor="middle">{}</text>"#,
            x(i),
            h - mb + 16.0,
            esc(p.period.get(2..).unwrap_or(&p.period))
        );
    }
    o.push_str("</svg>");
    o
}

/// Whether a trend point's change is significant, and its direction:
/// `Some(true)` up, `Some(false)` down.
pub(crate) fn significant_up(p: &TrendPoint) -> Option<bool> {
    if !p.significant {
        return None;
    }
    Some(
        p.change
            .as_ref()
            .and_then(|c| c.delta)
            .is_none_or(|d| d >= 0.0),
    )
}

/// The legend of the significance marks (none when no point is marked).
pub(crate) fn significance_legend(points: &[TrendPoint]) -> Option<&'static str> {
    points
        .iter()
        .any(|p| p.significant)
        .then_some("▲▼ significant change against the month before (Holm-adjusted)")
}

/// A triangle beside each point whose change is significant
/// (`class="significant"`, pointing up or down with the change, with
/// `data-period` and `data-p-adjusted`), and the legend line above the
/// plot (at the left margin of the trend chart).
fn significance_marks(
    o: &mut String,
    points: &[TrendPoint],
    x: impl Fn(usize) -> f64,
    y: impl Fn(f64) -> f64,
) {
    for (i, p) in points.iter().enumerate() {
        let Some(up) = significant_up(p) else {
            continue;
        };
        let (cx, cy) = (x(i), y(p.value));
        // Right of the point, clear of its value label above it.
        let d = if up {
            format!("M{:.1},{:.1} l5,-9 l5,9 Z", cx + 7.0, cy + 4.0)
        } else {
            format!("M{:.1},{:.1} l5,9 l5,-9 Z", cx + 7.0, cy - 4.0)
        };
        let pa = p
            .change
            .as_ref()
            .and_then(|c| c.p_adjusted)
            .unwrap_or(f64::NAN);
        let _ = write!(
            o,
            r#"<path class="significant" d="{d}" data-period="{}" data-p-adjusted="{pa}"><title>{} significant change (adjusted p = {pa:.4})</title></path>"#,
            esc(&p.period),
            esc(&p.period),
        );
    }
    if let Some(legend) = significance_legend(points) {
        let _ = write!(
            o,
            r#"<text class="legend" x="48" y="14">{}</text>"#,
            esc(legend)
        );
    }
}

fn quadrant_class(q: Quadrant) -> &'static str {
    match q {
        Quadrant::ConcentrateHere => "q-concentrate",
        Quadrant::KeepUpTheGoodWork => "q-keep",
        Quadrant::LowPriority => "q-low",
        Quadrant::PossibleOverkill => "q-overkill",
    }
}

/// The importance–performance scatter with the quadrant lines. Point
/// labels are placed clear of each other, of the other points and of the
/// quadrant captions ([`labels::place`]); a label that stands away from its
/// point is joined to it by a leader line.
pub(crate) fn ipa(v: &VitalProcesses) -> String {
    let (w, h, ml, mr, mt, mb) = (560.0, 380.0, 56.0, 24.0, 24.0, 44.0);
    let perf: Vec<f64> = v.attributes.iter().map(|a| finite(a.performance)).collect();
    let imp: Vec<f64> = v.attributes.iter().map(|a| finite(a.importance)).collect();
    let range = |xs: &[f64]| {
        let lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if !(lo.is_finite() && hi.is_finite()) {
            return (0.0, 1.0);
        }
        let pad = ((hi - lo) * 0.08).max(0.5);
        (lo - pad, hi + pad)
    };
    let (px0, px1) = range(&perf);
    let (iy0, iy1) = range(&imp);
    let x = |p: f64| ml + (w - ml - mr) * (finite(p) - px0) / (px1 - px0);
    let y = |i: f64| mt + (h - mt - mb) * (1.0 - (finite(i) - iy0) / (iy1 - iy0));
    let plot = Rect {
        x0: ml,
        y0: mt,
        x1: w - mr,
        y1: h - mb,
    };
    let mut o = open("ipa", "Importance–performance", w, h);
    let _ = write!(
        o,
        r#"<rect class="frame" x="{ml}" y="{mt}" width="{}" height="{}"/>"#,
        w - ml - mr,
        h - mt - mb
    );
    let mut captions = Vec::new();
    if let (Some(im), Some(pm)) = (v.importance_mean, v.performance_mean) {
        let _ = write!(
            o,
            r#"<line class="mean" x1="{:.1}" y1="{mt}" x2="{:.1}" y2="{}"/><line class="mean" x1="{ml}" y1="{:.1}" x2="{}" y2="{:.1}"/>"#,
            x(pm),
            x(pm),
            h - mb,
            y(im),
            w - mr,
            y(im)
        );
        captions = quadrant_captions(&mut o, plot);
    }
    let _ = write!(
        o,
        r#"<text class="tick" x="{}" y="{}" text-anchor="middle">performance (0–100)</text><text class="tick" x="14" y="{}" transform="rotate(-90 14 {})" text-anchor="middle">importance</text>"#,
        (ml + w - mr) / 2.0,
        h - 10.0,
        (mt + h - mb) / 2.0,
        (mt + h - mb) / 2.0
    );
    let points: Vec<(f64, f64)> = v
        .attributes
        .iter()
        .map(|a| (x(a.performance), y(a.importance)))
        .collect();
    let ids: Vec<&str> = v.attributes.iter().map(|a| a.id.as_str()).collect();
    let placed = labels::place(&points, &ids, plot, &captions);
    for ((a, &(cx, cy)), place) in v.attributes.iter().zip(&points).zip(&placed) {
        let _ = write!(
            o,
            r#"<circle class="point {}" cx="{cx:.1}" cy="{cy:.1}" r="{}" data-id="{}" data-importance="{}" data-performance="{}" data-value="{}"><title>{}: importance {:.2}, performance {:.1}</title></circle>"#,
            quadrant_class(a.quadrant),
            labels::MARKER_R,
            esc(&a.id),
            a.importance,
            a.performance,
            a.performance,
            esc(&a.label),
            a.importance,
            a.performance
        );
        point_label(&mut o, &a.id, (cx, cy), place);
    }
    let unlabelled = placed.iter().filter(|p| **p == Placement::Below).count();
    if unlabelled > 0 {
        let _ = write!(
            o,
            r#"<text class="tick" x="{ml}" y="{}">{unlabelled} point(s) without room for a label (hover for names)</text>"#,
            h - 24.0
        );
    }
    o.push_str("</svg>");
    o
}

/// Writes the four quadrant captions in the plot's corners; returns the
/// boxes they take.
fn quadrant_captions(o: &mut String, plot: Rect) -> Vec<Rect> {
    let (left, right) = (plot.x0 + 6.0, plot.x1 - 6.0);
    let (top, bottom) = (plot.y0 + 14.0, plot.y1 - 6.0);
    let mut boxes = Vec::new();
    for (text, at_right, y) in [
        ("concentrate here", false, top),
        ("keep up the good work", true, top),
        ("low priority", false, bottom),
        ("possible overkill", true, bottom),
    ] {
        let (x, anchor) = if at_right {
            (right, Anchor::End)
        } else {
            (left, Anchor::Start)
        };
        let _ = write!(
            o,
            r#"<text class="quadrant" x="{x}" y="{y}" text-anchor="{}">{text}</text>"#,
            anchor.svg()
        );
        boxes.push(labels::text_box(text, x, y, anchor));
    }
    boxes
}

/// Writes the label of the point at `(cx, cy)` where it was placed, with
/// its leader line.
fn point_label(o: &mut String, id: &str, (cx, cy): (f64, f64), place: &Placement) {
    let Placement::At {
        x,
        y,
        anchor,
        leader,
    } = *place
    else {
        return;
    };
    if let Some((lx, ly)) = leader {
        let _ = write!(
            o,
            r#"<line class="leader" x1="{cx:.1}" y1="{cy:.1}" x2="{lx:.1}" y2="{ly:.1}"/>"#
        );
    }
    let _ = write!(
        o,
        r#"<text class="label" x="{x:.1}" y="{y:.1}" text-anchor="{}" data-for="{}">{}</text>"#,
        anchor.svg(),
        esc(id),
        esc(id)
    );
}

/// The label of a bar row whose top is `top`, right-aligned before `ml`.
fn row_label(o: &mut String, ml: f64, top: f64, label: &str) {
    let _ = write!(
        o,
        r#"<text class="label" x="{}" y="{:.1}" text-anchor="end">{}</text>"#,
        ml - 6.0,
        top + 17.0,
        esc(label)
    );
}

/// The value of a bar (one decimal, `—` for none) just after its end `x`.
fn value_label(o: &mut String, x: f64, top: f64, value: Option<f64>) {
    let _ = write!(
        o,
        r#"<text class="value" x="{:.1}" y="{:.1}">{}</text>"#,
        x + 4.0,
        top + 17.0,
        super::num(value, 1)
    );
}

/// Horizontal bars on 0..`max` (values are clamped for drawing only), with
/// an optional dashed reference line.
pub(crate) fn bars(
    name: &str,
    title: &str,
    items: &[Bar],
    min: f64,
    max: f64,
    reference: Option<f64>,
) -> String {
    let (w, ml, mr, row, mt) = (560.0, 200.0, 60.0, 26.0, 10.0);
    let h = mt * 2.0 + row * items.len() as f64;
    let span = (max - min).max(1e-9);
    let x = |v: f64| ml + (w - ml - mr) * ((finite(v) - min) / span).clamp(0.0, 1.0);
    let mut o = open(name, title, w, h);
    for (i, b) in items.iter().enumerate() {
        let top = mt + row * i as f64;
        row_label(&mut o, ml, top, &b.label);
        let width = b.value.map_or(0.0, |v| x(v) - ml);
        let data = b
            .value
            .map_or(String::new(), |v| format!(r#" data-value="{v}""#));
        let _ = write!(
            o,
            r#"<rect class="bar {}" x="{ml}" y="{:.1}" width="{:.1}" height="{}" data-label="{}"{data}><title>{}: {}</title></rect>"#,
            b.class,
            top + 4.0,
            width.max(0.0),
            row - 8.0,
            esc(&b.label),
            esc(&b.label),
            super::num(b.value, 1)
        );
        value_label(&mut o, ml + width.max(0.0), top, b.value);
    }
    if let Some(r) = reference {
        let _ = write!(
            o,
            r#"<line class="reference" x1="{:.1}" y1="{}" x2="{:.1}" y2="{:.1}"/>"#,
            x(r),
            mt / 2.0,
            x(r),
            h - mt / 2.0
        );
    }
    o.push_str("</svg>");
    o
}

/// The comment themes: one bar per theme on 0..`max` percent of the
/// comments (`max` the largest share rounded up to 10), outlined, with
/// `class="bar theme"` and `data-value` its share; inside it the shares of
/// its negative, neutral and positive mentions (`class="seg …"`, with
/// `data-count`); a legend below.
pub(crate) fn themes(c: &CommentAnalysis) -> String {
    let (w, ml, mr, row, mt, legend) = (560.0, 200.0, 60.0, 26.0, 10.0, 24.0);
    let h = mt * 2.0 + row * c.themes.len() as f64 + legend;
    let top_share = c
        .themes
        .iter()
        .filter_map(|t| t.share.value)
        .fold(0.0, f64::max);
    let max = ((finite(top_share) / 10.0).ceil() * 10.0).clamp(10.0, 100.0);
    let x = |v: f64| (w - ml - mr) * (finite(v) / max).clamp(0.0, 1.0);
    let mut o = open(
        "themes",
        "Themes: share of comments, by sentiment of the mentions",
        w,
        h,
    );
    for (i, t) in c.themes.iter().enumerate() {
        let top = mt + row * i as f64;
        row_label(&mut o, ml, top, &t.label);
        let width = t.share.value.map_or(0.0, x);
        let total = t.classes.total().max(1) as f64;
        let mut left = ml;
        for (class, count) in [
            ("negative", t.classes.negative),
            ("neutral", t.classes.neutral),
            ("positive", t.classes.positive),
        ] {
            let seg = width * count as f64 / total;
            let _ = write!(
                o,
                r#"<rect class="seg {class}" x="{left:.1}" y="{:.1}" width="{seg:.1}" height="{}" data-count="{count}"><title>{}: {count} {class}</title></rect>"#,
                top + 4.0,
                row - 8.0,
                esc(&t.label)
            );
            left += seg;
        }
        let data = t
            .share
            .value
            .map_or(String::new(), |v| format!(r#" data-value="{v}""#));
        let _ = write!(
            o,
            r#"<rect class="bar theme" x="{ml}" y="{:.1}" width="{width:.1}" height="{}" data-label="{}"{data}><title>{}: {}% of comments, net sentiment {}</title></rect>"#,
            top + 4.0,
            row - 8.0,
            esc(&t.id),
            esc(&t.label),
            super::num(t.share.value, 1),
            super::num(t.sentiment.value, 0)
        );
        value_label(&mut o, ml + width, top, t.share.value);
    }
    let y = h - legend + 6.0;
    for (i, class) in ["negative", "neutral", "positive"].iter().enumerate() {
        let lx = ml + 90.0 * i as f64;
        let _ = write!(
            o,
            r#"<rect class="seg {class}" x="{lx}" y="{y}" width="10" height="10"/><text class="legend" x="{}" y="{}">{class}</text>"#,
            lx + 14.0,
            y + 9.0
        );
    }
    o.push_str("</svg>");
    o
}
