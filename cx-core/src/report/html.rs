//! HTML rendering of a [`super::Report`]: one self-contained file — inline
//! CSS and SVG, no script, no external asset (the favicon is `data:`).
//!
//! Layout: the page is at most 1180 px wide and fluid below; the headline
//! scores stand in a CSS grid (as many columns of at least 300 px as fit,
//! one on a phone); charts scale down with the page (`max-width: 100%`);
//! a wide table scrolls inside its own box (its words are never broken),
//! so the page never scrolls sideways.

use std::fmt::Write;

use super::svg::{self, esc};
use super::writer::{Card, Chart, Item, Span, Table, Writer};

const CSS: &str = r#"
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;max-width:1180px;margin:0 auto;padding:24px;overflow-wrap:anywhere}
@media (max-width:600px){body{padding:12px}}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:32px 0 8px;border-bottom:2px solid #e4e7ee;padding-bottom:4px}
.muted{color:#667085}.card{border:1px solid #e4e7ee;border-radius:8px;padding:12px;background:#fff;min-width:0}
.scores{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,300px),1fr));gap:16px}
.table{max-width:100%;overflow-x:auto}.table td,.table th{overflow-wrap:normal}.table code{white-space:nowrap}
table{border-collapse:collapse;margin:8px 0}td,th{border-bottom:1px solid #e4e7ee;padding:4px 10px;text-align:left;vertical-align:top}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.kpi{font-size:28px;font-weight:600}.tag{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;background:#eef1f6}
.s-achieved,.s-onTrack{background:#dcf5e3}.s-atRisk{background:#fff0cc}.s-missed{background:#fde0dd}.s-noData{background:#eef1f6}
svg{display:block;margin:8px 0;max-width:100%;height:auto;font:11px system-ui,sans-serif;background:#fff}svg .axis,svg .frame{stroke:#98a2b3;fill:none}svg .band{fill:#b9d3f5;opacity:.6}
svg .line{fill:none;stroke:#2463c7;stroke-width:2}svg .significant{fill:#c0392b}svg .legend{fill:#667085}svg .point{fill:#2463c7}svg .value{fill:#1d2330}svg .tick,svg .quadrant{fill:#667085}
svg .mean{stroke:#98a2b3;stroke-dasharray:4 3}svg .reference{stroke:#c0392b;stroke-dasharray:5 3}svg .leader{stroke:#475467;stroke-width:1}
svg .q-concentrate{fill:#c0392b}svg .q-keep{fill:#2e8b57}svg .q-low{fill:#98a2b3}svg .q-overkill{fill:#e0a526}
svg .bar{fill:#2463c7}svg .bar.dominant{fill:#6b3fa0}svg .bar.emphasized{fill:#2463c7}svg .bar.base{fill:#7ea6e0}svg .bar.below{fill:#c0392b}
ol.recs>li{margin-bottom:10px}
svg .bar.theme{fill:none;stroke:#475467}svg .seg.negative{fill:#c0392b}svg .seg.neutral{fill:#b0b7c3}svg .seg.positive{fill:#2e8b57}
q.verbatim{font-style:italic}
"#;

/// The HTML writer.
#[derive(Default)]
pub(crate) struct Html {
    o: String,
}

impl Html {
    fn spans(&mut self, spans: &[Span]) {
        for s in spans {
            let _ = match s {
                Span::Text(t) => write!(self.o, "{}", esc(t)),
                Span::Strong(t) => write!(self.o, "<b>{}</b>", esc(t)),
                Span::Code(t) => write!(self.o, "<code>{}</code>", esc(t)),
                Span::Muted(t) => write!(self.o, r#"<span class="muted">{}</span>"#, esc(t)),
                Span::Quote(t) => write!(self.o, r#"<q class="verbatim">{}</q>"#, esc(t)),
                Span::Tag(class, t) => {
                    write!(
                        self.o,
                        r#"<span class="tag {}">{}</span>"#,
                        esc(class),
                        esc(t)
                    )
                }
            };
        }
    }
}

impl Writer for Html {
    fn begin(&mut self, title: &str, byline: &[Span]) {
        let _ = write!(
            self.o,
            r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><title>{}</title><style>{CSS}</style></head><body><h1>{}</h1><p>"#,
            esc(title),
            esc(title)
        );
        self.spans(byline);
        self.o.push_str("</p>");
    }

    fn section(&mut self, id: &str, heading: &str) {
        let _ = write!(
            self.o,
            r#"<section id="{}"><h2>{}</h2>"#,
            esc(id),
            esc(heading)
        );
    }

    fn end_section(&mut self) {
        self.o.push_str("</section>");
    }

    fn paragraph(&mut self, text: &[Span]) {
        self.o.push_str("<p>");
        self.spans(text);
        self.o.push_str("</p>");
    }

    fn table(&mut self, table: &Table) {
        if table.rows.is_empty() {
            return;
        }
        let class = |numeric: bool| if numeric { r#" class="num""# } else { "" };
        self.o.push_str(r#"<div class="table"><table><tr>"#);
        for c in &table.columns {
            let _ = write!(self.o, "<th{}>{}</th>", class(c.numeric), esc(c.name));
        }
        self.o.push_str("</tr>");
        for row in &table.rows {
            self.o.push_str("<tr>");
            for (c, cell) in table.columns.iter().zip(row) {
                let _ = write!(self.o, "<td{}>", class(c.numeric));
                self.spans(cell);
                self.o.push_str("</td>");
            }
            self.o.push_str("</tr>");
        }
        self.o.push_str("</table></div>");
    }

    fn list(&mut self, ordered: bool, items: &[Item]) {
        if items.is_empty() {
            return;
        }
        self.o.push_str(if ordered {
            r#"<ol class="recs">"#
        } else {
            "<ul>"
        });
        for item in items {
            match &item.data {
                Some((k, v)) => {
                    let _ = write!(self.o, r#"<li data-{k}="{}">"#, esc(v));
                }
                None => self.o.push_str("<li>"),
            }
            self.spans(&item.text);
            if !item.sub.is_empty() {
                self.o.push_str("<ul>");
                for sub in &item.sub {
                    self.o.push_str("<li>");
                    self.spans(sub);
                    self.o.push_str("</li>");
                }
                self.o.push_str("</ul>");
            }
            self.o.push_str("</li>");
        }
        self.o.push_str(if ordered { "</ol>" } else { "</ul>" });
    }

    fn chart(&mut self, chart: &Chart<'_>) {
        let svg = match chart {
            Chart::Trend {
                name,
                title,
                points,
            } => {
                if points.is_empty() {
                    return;
                }
                svg::trend(name, title, points)
            }
            Chart::Ipa(v) => svg::ipa(v),
            Chart::Themes(c) => svg::themes(c),
            Chart::Bars {
                name,
                title,
                bars,
                reference,
            } => svg::bars(name, title, bars, 0.0, 100.0, *reference),
        };
        self.o.push_str(&svg);
    }

    fn cards(&mut self, cards: &[Card<'_>]) {
        self.o.push_str(r#"<div class="scores">"#);
        for c in cards {
            let _ = write!(
                self.o,
                r#"<div class="card" data-metric="{}"><b>{}</b><div class="kpi">{}</div><span class="muted">{}</span>"#,
                esc(&c.metric),
                esc(&c.metric),
                esc(&c.value),
                esc(&c.detail)
            );
            self.chart(&c.trend);
            self.o.push_str("</div>");
        }
        self.o.push_str("</div>");
    }

    fn finish(mut self) -> String {
        self.o.push_str("</body></html>\n");
        self.o
    }
}
