//! Markdown rendering of a [`super::Report`]. Markdown draws no chart: the
//! sections give every charted number in a table or a sentence as well.

use std::fmt::Write;

use super::writer::{Card, Chart, Item, Span, Table, Writer};

/// The Markdown writer.
#[derive(Default)]
pub(crate) struct Markdown {
    o: String,
}

/// Spans as Markdown text (secondary text and tags as plain text).
fn spans(spans: &[Span]) -> String {
    spans
        .iter()
        .map(|s| match s {
            Span::Text(t) | Span::Muted(t) | Span::Tag(_, t) => t.clone(),
            Span::Strong(t) => format!("**{t}**"),
            Span::Code(t) => format!("`{t}`"),
            Span::Quote(t) => format!("“{}”", quoted(t)),
        })
        .collect()
}

/// Untrusted text on one line with the characters that HTML or Markdown
/// would read as markup escaped (`<` as `&lt;`, `*` as `\*`…), so that a
/// Markdown viewer shows what was written and runs nothing.
fn quoted(t: &str) -> String {
    let mut o = String::with_capacity(t.len());
    let mut space = false;
    for c in t.chars() {
        if c.is_whitespace() || c.is_control() {
            space = true;
            continue;
        }
        if space && !o.is_empty() {
            o.push(' ');
        }
        space = false;
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '~' | '!' => {
                o.push('\\');
                o.push(c);
            }
            c => o.push(c),
        }
    }
    o
}

/// A table cell: a `|` would end it.
fn cell(s: &[Span]) -> String {
    spans(s).replace('|', "\\|")
}

impl Markdown {
    fn row(&mut self, cells: impl IntoIterator<Item = String>) {
        let cells: Vec<String> = cells.into_iter().collect();
        let _ = writeln!(self.o, "| {} |", cells.join(" | "));
    }
}

impl Writer for Markdown {
    fn begin(&mut self, title: &str, byline: &[Span]) {
        let _ = write!(self.o, "# {title}\n\n{}\n\n", spans(byline));
    }

    fn section(&mut self, _id: &str, heading: &str) {
        let _ = write!(self.o, "## {heading}\n\n");
    }

    fn end_section(&mut self) {}

    fn paragraph(&mut self, text: &[Span]) {
        let _ = write!(self.o, "{}\n\n", spans(text));
    }

    fn table(&mut self, table: &Table) {
        if table.rows.is_empty() {
            return;
        }
        self.row(table.columns.iter().map(|c| c.name.to_string()));
        self.row(
            table
                .columns
                .iter()
                .map(|c| if c.numeric { "---:" } else { "---" }.to_string()),
        );
        for r in &table.rows {
            self.row(r.iter().map(|c| cell(c)));
        }
        self.o.push('\n');
    }

    fn list(&mut self, ordered: bool, items: &[Item]) {
        if items.is_empty() {
            return;
        }
        for (i, item) in items.iter().enumerate() {
            let mark = if ordered {
                format!("{}.", i + 1)
            } else {
                "-".into()
            };
            let _ = writeln!(self.o, "{mark} {}", spans(&item.text));
            for sub in &item.sub {
                let _ = writeln!(self.o, "   - {}", spans(sub));
            }
        }
        self.o.push('\n');
    }

    fn chart(&mut self, _chart: &Chart<'_>) {}

    fn cards(&mut self, cards: &[Card<'_>]) {
        self.row(["metric", "value", "interval · n", "trend (by month)"].map(String::from));
        self.row(["---", "---:", "---", "---"].map(String::from));
        for c in cards {
            let trend = match &c.trend {
                Chart::Trend { points, .. } => points
                    .iter()
                    .map(|t| {
                        let mark = match super::svg::significant_up(t) {
                            Some(true) => " ▲",
                            Some(false) => " ▼",
                            None => "",
                        };
                        format!("{} {:.1}{mark}", t.period, t.value)
                    })
                    .collect::<Vec<_>>()
                    .join(" · "),
                _ => String::new(),
            };
            self.row([c.metric.clone(), c.value.clone(), c.detail.clone(), trend]);
        }
        self.o.push('\n');
    }

    fn finish(self) -> String {
        let mut o = self.o.trim_end().to_string();
        o.push('\n');
        o
    }
}
