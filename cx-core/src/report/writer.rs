//! The writer interface the report's sections are written over: a section
//! says *what* it shows (headings, sentences, tables, lists, charts, score
//! cards) through [`Writer`]; the HTML and Markdown writers say *how*.
//!
//! Text is given as [`Span`]s, unescaped: each writer escapes for its own
//! format. A chart is given as data ([`Chart`]); the Markdown writer draws
//! none, so a section that shows a chart also shows its numbers in a table
//! or a sentence.

use crate::analysis::{CommentAnalysis, TrendPoint, VitalProcesses};

/// A piece of inline text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Span {
    /// Plain text.
    Text(String),
    /// Strong text (a name the reader looks for).
    Strong(String),
    /// Code (an id from the plan or the playbook).
    Code(String),
    /// Secondary text.
    Muted(String),
    /// A status tag: `(class, text)`; HTML colours it by class.
    Tag(String, String),
    /// What someone wrote (a customer's comment): untrusted text, quoted.
    /// HTML escapes it inside `<q>`; Markdown puts it on one line, in
    /// curly quotes, with its HTML and Markdown characters escaped.
    Quote(String),
}

impl Span {
    /// Plain text.
    pub(crate) fn text(s: impl Into<String>) -> Span {
        Span::Text(s.into())
    }
}

/// One column of a [`Table`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Column {
    /// Its heading.
    pub name: &'static str,
    /// A number column (right-aligned).
    pub numeric: bool,
}

/// A text column.
pub(crate) const fn text_col(name: &'static str) -> Column {
    Column {
        name,
        numeric: false,
    }
}

/// A number column.
pub(crate) const fn num_col(name: &'static str) -> Column {
    Column {
        name,
        numeric: true,
    }
}

/// A table: the columns and one row of cells per entry.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Table {
    /// The columns.
    pub columns: Vec<Column>,
    /// The rows, each with one cell (a run of spans) per column.
    pub rows: Vec<Vec<Vec<Span>>>,
}

impl Table {
    /// An empty table with these columns.
    pub(crate) fn new(columns: &[Column]) -> Table {
        Table {
            columns: columns.to_vec(),
            rows: Vec::new(),
        }
    }

    /// Adds a row of plain-text cells.
    pub(crate) fn row<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) {
        self.rows
            .push(cells.into_iter().map(|c| vec![Span::text(c)]).collect());
    }
}

/// One entry of a list, with its sub-list.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Item {
    /// A `data-*` attribute for HTML (`("intervention", "prepareTraining")`).
    pub data: Option<(&'static str, String)>,
    /// The entry's text.
    pub text: Vec<Span>,
    /// Its sub-entries (one level).
    pub sub: Vec<Vec<Span>>,
}

/// One bar of a horizontal bar chart.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Bar {
    /// Its label.
    pub label: String,
    /// Its value (none: no bar, "—").
    pub value: Option<f64>,
    /// Its CSS class (`""`, `"below"`, a tier).
    pub class: &'static str,
}

/// A chart, as data.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Chart<'a> {
    /// Monthly values with their interval band.
    Trend {
        /// `data-chart` name.
        name: String,
        /// Title.
        title: String,
        /// The months.
        points: &'a [TrendPoint],
    },
    /// The importance–performance scatter.
    Ipa(&'a VitalProcesses),
    /// The comment themes: one bar per theme (its share of the comments)
    /// split by the sentiment of its mentions.
    Themes(&'a CommentAnalysis),
    /// Horizontal bars on 0–100, with an optional reference line.
    Bars {
        /// `data-chart` name.
        name: &'static str,
        /// Title.
        title: &'static str,
        /// The bars.
        bars: Vec<Bar>,
        /// The dashed reference line (a floor).
        reference: Option<f64>,
    },
}

/// One headline score.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Card<'a> {
    /// The metric id.
    pub metric: String,
    /// The value shown big.
    pub value: String,
    /// The interval and sample size.
    pub detail: String,
    /// Its monthly trend.
    pub trend: Chart<'a>,
}

/// What a report format implements: the sections call these in order.
pub(crate) trait Writer {
    /// The document's start: its title and a byline.
    fn begin(&mut self, title: &str, byline: &[Span]);
    /// Opens a section (`id` is its anchor) under a heading.
    fn section(&mut self, id: &str, heading: &str);
    /// Closes the section opened last.
    fn end_section(&mut self);
    /// A sentence or paragraph.
    fn paragraph(&mut self, text: &[Span]);
    /// A table.
    fn table(&mut self, table: &Table);
    /// A list, numbered or not.
    fn list(&mut self, ordered: bool, items: &[Item]);
    /// A chart (the Markdown writer draws none).
    fn chart(&mut self, chart: &Chart<'_>);
    /// The headline score cards, side by side where there is room.
    fn cards(&mut self, cards: &[Card<'_>]);
    /// The document's end; returns the text.
    fn finish(self) -> String;
}
