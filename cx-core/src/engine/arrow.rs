//! Arrow record batches in (feature `arrow`): the columns of a
//! [`RecordBatch`] read through a [`CsvMapping`] — the CSV mapping
//! document itself, same fields and meanings — or, when the columns carry
//! the record fields' names, through the mapping derived from the schema
//! ([`CsvMapping::of_schema`]). Each batch becomes the engine's columnar
//! input ([`ResponseColumns`], the kernel of [`Engine::ingest_columns`]):
//! ratings as bytes, times as unix seconds, dimensions dictionary-encoded
//! (an Arrow dictionary's values are mapped once per batch, its keys become
//! the codes; no string is copied per row).
//!
//! The type rules, the naming rule and the errors are written down in
//! `docs/arrow.md`. What does not live here: the mapping's meaning and its
//! check against the plan (`csv_mapping`), a row's checks against the plan
//! (the columnar path, `columns`), reading Parquet files (`parquet`).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type,
    TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::{Array, RecordBatch};
use arrow_schema::{DataType, Schema, TimeUnit};

use super::cells::MISSING;
use super::columns::ColumnExtras;
use super::csv_mapping::{
    column_of_pointer, no_weight, not_a_time, not_in_map, parse_time, small_int, weight_of_text,
    CellError, Columns,
};
use super::ingest::{IngestReport, RecordError};
use super::{
    ColumnsError, CsvMapping, DimensionColumn, Engine, MappingError, ResponseColumns, ScoreColumn,
    TimeColumn, TimeFormat, ABSENT,
};
use crate::error::ErrorCode;
use crate::number::{self, RatingError};
use crate::record::Timestamp;

/// Integer arrays of every width, as `i128` values.
macro_rules! int_values {
    ($array:expr, |$v:ident| $body:expr) => {{
        let a: &dyn Array = $array;
        match a.data_type() {
            DataType::Int8 => int_values!(@ a, Int8Type, $v, $body),
            DataType::Int16 => int_values!(@ a, Int16Type, $v, $body),
            DataType::Int32 => int_values!(@ a, Int32Type, $v, $body),
            DataType::Int64 => int_values!(@ a, Int64Type, $v, $body),
            DataType::UInt8 => int_values!(@ a, UInt8Type, $v, $body),
            DataType::UInt16 => int_values!(@ a, UInt16Type, $v, $body),
            DataType::UInt32 => int_values!(@ a, UInt32Type, $v, $body),
            DataType::UInt64 => int_values!(@ a, UInt64Type, $v, $body),
            _ => false,
        }
    }};
    (@ $a:ident, $t:ty, $v:ident, $body:expr) => {{
        // The values with the validity bitmap looked at only when some
        // value is null: a column with no null is one tight loop.
        let p = $a.as_primitive::<$t>();
        match p.nulls().filter(|n| n.null_count() > 0) {
            None => {
                for (r, &x) in p.values().iter().enumerate() {
                    let $v = (r, Some(i128::from(x)));
                    $body;
                }
            }
            Some(nulls) => {
                for (r, &x) in p.values().iter().enumerate() {
                    let $v = (r, nulls.is_valid(r).then(|| i128::from(x)));
                    $body;
                }
            }
        }
        true
    }};
}

/// Arrow or Parquet input that cannot be read as the mapping says: an
/// invalid argument (nothing is filed), a limit (nothing of the call is
/// kept), or a file that cannot be read to its end (the rows before are
/// filed, as for CSV).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ArrowIngestError {
    /// The mapping does not fit the plan (an unknown attribute or
    /// dimension, neither or both of `at` and `fixedAt`), or is not valid.
    #[error(transparent)]
    Mapping(MappingError),
    /// The mapping names a column the schema does not have.
    #[error("the mapping names column `{column}` (at {pointer}), which {input} does not have (its columns: {columns})")]
    MissingColumn {
        /// The column.
        column: String,
        /// JSON Pointer into the mapping.
        pointer: String,
        /// The schema's owner in words: "the Arrow schema", "the Parquet file".
        input: &'static str,
        /// The schema's column names, comma-separated.
        columns: String,
    },
    /// A mapped column whose Arrow type cannot hold its field.
    #[error("column `{column}` (at {pointer} of the mapping) is {found}; expected {expected}")]
    ColumnType {
        /// The column.
        column: String,
        /// JSON Pointer into the mapping.
        pointer: String,
        /// Its Arrow type.
        found: String,
        /// The types the field accepts, in words.
        expected: &'static str,
    },
    /// Without a mapping: a column whose name is no record field.
    #[error("column `{column}` is not a record field: without a mapping the columns must be named `id`, `at`, `nps`, `csat`, `ces`, `overall`, `segment`, `touchpoint`, `channel`, `team`, `employee`, `weight`, `dimensions.ID`, `attributes.ID` or `expectations.ID`; give a mapping (--mapping) to pick and rename columns")]
    UnknownColumn {
        /// The column.
        column: String,
    },
    /// Without a mapping: no `at` column.
    #[error("without a mapping the input needs an `at` column (a timestamp, a date, unix seconds or RFC 3339 text); its columns: {columns}")]
    NoTime {
        /// The schema's column names, comma-separated.
        columns: String,
    },
    /// A batch whose schema differs from the first batch's.
    #[error("batch {batch} has schema {found}, the first batch had {expected}: every batch of a call must have the same schema")]
    SchemaChanged {
        /// The batch (0-based).
        batch: usize,
        /// Its columns and types.
        found: String,
        /// The first batch's columns and types.
        expected: String,
    },
    /// The file could not be read (not Parquet, corrupt, an I/O error):
    /// the rows before `row` are filed.
    #[error("{input} cannot be read from row {row} on: {message}")]
    Read {
        /// What was read, in words ("the Parquet file").
        input: &'static str,
        /// The 0-based row of the file where reading failed (the first
        /// row not filed).
        row: usize,
        /// The reader's error.
        message: String,
        /// The report of the rows filed before the error.
        report: Box<IngestReport>,
    },
    /// The cells would pass `limits.maxCellBytes`: nothing of the call
    /// was kept.
    #[error(transparent)]
    MemoryLimit(#[from] super::MemoryLimit),
    /// The customer responses would pass 2^53: nothing of the call was
    /// kept.
    #[error(transparent)]
    Overflow(#[from] super::Overflow),
    /// Columns the columnar path refused: never for columns this module
    /// builds (one length, checked ids, codes within their dictionary);
    /// an internal error to report.
    #[error("internal error, please report it: {0}")]
    Columns(ColumnsError),
}

impl ArrowIngestError {
    /// The stable code for bindings: a column's type is `invalid-value`,
    /// a column that is no record field `unknown-column`, a schema that
    /// changes `parse-error`, a file that cannot be read `read-error`.
    pub fn code(&self) -> ErrorCode {
        match self {
            ArrowIngestError::Mapping(e) => e.code(),
            ArrowIngestError::MissingColumn { .. } => ErrorCode::MissingColumn,
            ArrowIngestError::ColumnType { .. } => ErrorCode::InvalidValue,
            ArrowIngestError::UnknownColumn { .. } => ErrorCode::UnknownColumn,
            ArrowIngestError::NoTime { .. } => ErrorCode::MappingTime,
            ArrowIngestError::SchemaChanged { .. } => ErrorCode::ParseError,
            ArrowIngestError::Read { .. } => ErrorCode::ReadError,
            ArrowIngestError::MemoryLimit(e) => e.code(),
            ArrowIngestError::Overflow(e) => e.code(),
            ArrowIngestError::Columns(e) => e.code(),
        }
    }
}

impl From<super::LimitError> for ArrowIngestError {
    fn from(e: super::LimitError) -> ArrowIngestError {
        match e {
            super::LimitError::MemoryLimit(e) => ArrowIngestError::MemoryLimit(e),
            super::LimitError::Overflow(e) => ArrowIngestError::Overflow(e),
        }
    }
}

impl From<ColumnsError> for ArrowIngestError {
    fn from(e: ColumnsError) -> ArrowIngestError {
        match e {
            ColumnsError::MemoryLimit(e) => ArrowIngestError::MemoryLimit(e),
            ColumnsError::Overflow(e) => ArrowIngestError::Overflow(e),
            e => ArrowIngestError::Columns(e),
        }
    }
}

impl CsvMapping {
    /// The mapping of a schema whose columns carry the record fields'
    /// names: `id`, `at` (any time type, format auto), `nps`, `csat`,
    /// `ces`, `overall`, `weight`, the standard dimensions (`segment`,
    /// `touchpoint`, `channel`, `team`, `employee`), and `dimensions.ID`,
    /// `attributes.ID`, `expectations.ID` for the plan's custom
    /// dimensions, attributes and expected levels. Any other column is an
    /// error (a misspelt field would otherwise be dropped); without `at`
    /// too. Ids are checked against the plan when the mapping is used.
    pub fn of_schema(schema: &Schema) -> Result<CsvMapping, ArrowIngestError> {
        let mut m = CsvMapping {
            delimiter: ',',
            ..CsvMapping::default()
        };
        for f in schema.fields() {
            let name = f.name();
            let col = || ScoreColumn::Column(name.clone());
            match name.as_str() {
                "id" => m.id = Some(name.clone()),
                "at" => {
                    m.at = Some(TimeColumn {
                        column: name.clone(),
                        format: TimeFormat::Auto,
                    })
                }
                "nps" => m.nps = Some(col()),
                "csat" => m.csat = Some(col()),
                "ces" => m.ces = Some(col()),
                "overall" => m.overall = Some(col()),
                "weight" => m.weight = Some(name.clone()),
                "comment" => m.comment = Some(name.clone()),
                d if crate::plan::STANDARD_DIMENSIONS.contains(&d) => {
                    m.dimensions.insert(d.to_string(), name.clone());
                }
                other => {
                    let (to, id) = match other.split_once('.') {
                        Some(("dimensions", id)) => (&mut m.dimensions, id),
                        Some(("attributes", id)) => (&mut m.attributes, id),
                        Some(("expectations", id)) => (&mut m.expectations, id),
                        _ => {
                            return Err(ArrowIngestError::UnknownColumn {
                                column: name.clone(),
                            })
                        }
                    };
                    to.insert(id.to_string(), name.clone());
                }
            }
        }
        if m.at.is_none() {
            return Err(ArrowIngestError::NoTime {
                columns: column_list(schema),
            });
        }
        Ok(m)
    }
}

/// The schema's column names, comma-separated, for messages.
fn column_list(schema: &Schema) -> String {
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    names.join(", ")
}

/// The schema's columns and types, for messages.
pub(super) fn schema_words(schema: &Schema) -> String {
    let cols: Vec<String> = schema
        .fields()
        .iter()
        .map(|f| format!("{}: {}", f.name(), f.data_type()))
        .collect();
    format!("[{}]", cols.join(", "))
}

/// A mapping resolved against one schema: what every batch is read with.
pub(super) struct ArrowSetup {
    pub(super) mapping: CsvMapping,
    pub(super) names: Vec<String>,
    pub(super) cols: Columns,
}

impl ArrowSetup {
    /// The schema's dimension columns.
    pub(super) fn dimension_columns(&self) -> impl Iterator<Item = usize> + '_ {
        self.cols.dims.iter().map(|d| d.1)
    }

    /// The schema's columns the mapping reads, in schema order.
    pub(super) fn used_columns(&self) -> Vec<usize> {
        let c = &self.cols;
        let mut used: Vec<usize> =
            c.id.into_iter()
                .chain(c.at.map(|(i, _)| i))
                .chain(
                    [&c.nps, &c.csat, &c.ces, &c.overall]
                        .into_iter()
                        .flatten()
                        .map(|s| s.0),
                )
                .chain(c.dims.iter().map(|d| d.1))
                .chain(c.weight)
                .chain(c.comment)
                .chain(c.attributes.iter().chain(&c.expectations).map(|a| a.1))
                .collect();
        used.sort_unstable();
        used.dedup();
        used
    }
}

/// The kinds of Arrow type a field accepts.
#[derive(Clone, Copy)]
enum Accepts {
    /// Ids and dimensions: text or integers.
    Text,
    /// Ratings: integers, floats, booleans or text.
    Rating,
    /// Converted scores: text or integers.
    Converted,
    /// Times: timestamps, dates, integers (format auto or unix) or text.
    Time(TimeFormat),
    /// Weights: floats, integers or text.
    Weight,
}

impl Accepts {
    fn words(self) -> &'static str {
        match self {
            Accepts::Text | Accepts::Converted => "strings (Utf8, LargeUtf8, Utf8View, or a dictionary of them) or integers",
            Accepts::Rating => "integers, floats, booleans or strings (Utf8, LargeUtf8, Utf8View, or a dictionary of them)",
            Accepts::Time(TimeFormat::Auto | TimeFormat::Unix) => "a timestamp (any unit, with or without a time zone), Date32, Date64, integer unix seconds, or strings",
            Accepts::Time(_) => "a timestamp (any unit, with or without a time zone), Date32, Date64, or strings in the mapping's `format`",
            Accepts::Weight => "floats, integers or strings (Utf8, LargeUtf8, Utf8View, or a dictionary of them)",
        }
    }

    fn fits(self, dt: &DataType) -> bool {
        let int = is_int(dt);
        match self {
            Accepts::Text | Accepts::Converted => int || is_text(dt),
            Accepts::Rating => {
                int || is_text(dt)
                    || matches!(
                        dt,
                        DataType::Float32 | DataType::Float64 | DataType::Boolean
                    )
            }
            Accepts::Weight => {
                int || is_text(dt) || matches!(dt, DataType::Float32 | DataType::Float64)
            }
            Accepts::Time(fmt) => {
                matches!(
                    dt,
                    DataType::Timestamp(..) | DataType::Date32 | DataType::Date64
                ) || is_text(dt)
                    || (int && matches!(fmt, TimeFormat::Auto | TimeFormat::Unix))
            }
        }
    }
}

fn is_int(dt: &DataType) -> bool {
    dt.is_integer()
}

fn is_text(dt: &DataType) -> bool {
    match dt {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => true,
        DataType::Dictionary(k, v) => k.is_integer() && is_text(v) && !v.is_dictionary_key_type(),
        _ => false,
    }
}

impl Engine {
    /// Resolves `mapping` (or the schema's own, [`CsvMapping::of_schema`])
    /// against `schema` and the plan, and checks each mapped column's type.
    /// `source` names the schema's owner in messages.
    pub(super) fn arrow_setup(
        &self,
        schema: &Schema,
        mapping: Option<&CsvMapping>,
        source: &'static str,
    ) -> Result<ArrowSetup, ArrowIngestError> {
        let mapping = match mapping {
            Some(m) => m.clone(),
            None => CsvMapping::of_schema(schema)?,
        };
        if mapping.at.is_some() == mapping.fixed_at.is_some() {
            return Err(ArrowIngestError::Mapping(MappingError::Time));
        }
        let names: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
        let cols = self.resolve(&mapping, &names).map_err(|e| match e {
            MappingError::MissingColumn { column, pointer } => ArrowIngestError::MissingColumn {
                column,
                pointer,
                input: source,
                columns: column_list(schema),
            },
            e => ArrowIngestError::Mapping(e),
        })?;
        let mut checks: Vec<(usize, String, Accepts)> = Vec::new();
        if let Some(i) = cols.id {
            checks.push((i, "/id".into(), Accepts::Text));
        }
        if let Some((i, fmt)) = cols.at {
            checks.push((i, "/at/column".into(), Accepts::Time(fmt)));
        }
        for (s, name) in [
            (&cols.nps, "nps"),
            (&cols.csat, "csat"),
            (&cols.ces, "ces"),
            (&cols.overall, "overall"),
        ] {
            if let Some((i, how)) = s {
                let accepts = match how {
                    ScoreColumn::Column(_) => Accepts::Rating,
                    ScoreColumn::Converted { .. } => Accepts::Converted,
                };
                checks.push((*i, format!("/{name}"), accepts));
            }
        }
        for (d, i) in &cols.dims {
            checks.push((*i, format!("/dimensions/{d}"), Accepts::Text));
        }
        if let Some(i) = cols.weight {
            checks.push((i, "/weight".into(), Accepts::Weight));
        }
        if let Some(i) = cols.comment {
            checks.push((i, "/comment".into(), Accepts::Text));
        }
        for (key, list) in [
            ("attributes", &cols.attributes),
            ("expectations", &cols.expectations),
        ] {
            for (a, i) in list {
                checks.push((*i, format!("/{key}/{a}"), Accepts::Rating));
            }
        }
        for (i, pointer, accepts) in checks {
            let dt = schema.field(i).data_type();
            if !accepts.fits(dt) {
                return Err(ArrowIngestError::ColumnType {
                    column: names[i].clone(),
                    pointer,
                    found: dt.to_string(),
                    expected: accepts.words(),
                });
            }
        }
        Ok(ArrowSetup {
            mapping,
            names,
            cols,
        })
    }

    /// Ingests Arrow record batches through `mapping` (`None`: the
    /// columns carry the record fields' names, see
    /// [`CsvMapping::of_schema`]). Every batch must have the first one's
    /// schema; rows are numbered from the first batch's first row (0).
    ///
    /// A mapping or schema that does not fit is an error for the whole
    /// call (nothing filed). A bad value (a float rating that is not whole,
    /// an off-scale rating, a time that cannot be read, a null time) rejects
    /// its row, reported with its row, column and field: accepted +
    /// rejected = total; a null rating is no answer. The call is one
    /// transaction: when the cells would pass `limits.maxCellBytes` or the
    /// responses 2^53, nothing of it is kept.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// use arrow_array::{ArrayRef, Int64Array, RecordBatch, StringArray};
    /// use cx_core::engine::Engine;
    /// use cx_core::plan::Plan;
    /// let plan = Plan::from_json(r#"{"schemaVersion": 1, "organization": {"name": "T"}}"#).unwrap();
    /// let mut engine = Engine::new(plan).unwrap();
    /// let batch = RecordBatch::try_from_iter([
    ///     ("at", Arc::new(StringArray::from(vec!["2026-03-01", "2026-03-02"])) as ArrayRef),
    ///     ("segment", Arc::new(StringArray::from(vec!["biz", "fam"])) as ArrayRef),
    ///     ("nps", Arc::new(Int64Array::from(vec![Some(10), None])) as ArrayRef),
    /// ]).unwrap();
    /// let report = engine.ingest_arrow([&batch], None).unwrap();
    /// assert_eq!((report.accepted, report.rejected), (2, 0));
    /// ```
    pub fn ingest_arrow<'b>(
        &mut self,
        batches: impl IntoIterator<Item = &'b RecordBatch>,
        mapping: Option<&CsvMapping>,
    ) -> Result<IngestReport, ArrowIngestError> {
        self.transaction(|e| {
            let out = e.arrow_batches(batches, mapping);
            if out.is_err() {
                // A later batch's schema or a limit: nothing of the call.
                e.abort();
            }
            out
        })?
    }

    fn arrow_batches<'b>(
        &mut self,
        batches: impl IntoIterator<Item = &'b RecordBatch>,
        mapping: Option<&CsvMapping>,
    ) -> Result<IngestReport, ArrowIngestError> {
        let mut report = IngestReport::default();
        let mut setup: Option<(ArrowSetup, arrow_schema::SchemaRef)> = None;
        let mut next_row = 0;
        for (b, batch) in batches.into_iter().enumerate() {
            let (s, first) = match &setup {
                Some(found) => found,
                None => {
                    let schema = batch.schema();
                    let s = self.arrow_setup(&schema, mapping, "the Arrow schema")?;
                    setup.insert((s, schema))
                }
            };
            if batch.schema().fields() != first.fields() {
                return Err(ArrowIngestError::SchemaChanged {
                    batch: b,
                    found: schema_words(&batch.schema()),
                    expected: schema_words(first),
                });
            }
            self.arrow_batch(s, batch, next_row, &mut report)?;
            next_row += batch.num_rows();
            if self.over_budget() {
                break;
            }
        }
        Ok(report)
    }

    /// Files one batch whose first row is row `first_row` of the input:
    /// its columns are converted (a value that cannot be converted rejects
    /// its row), then each run of rows between rejected ones goes through
    /// the columnar path, whose errors are given the column they came from.
    pub(super) fn arrow_batch(
        &mut self,
        setup: &ArrowSetup,
        batch: &RecordBatch,
        first_row: usize,
        report: &mut IngestReport,
    ) -> Result<(), ArrowIngestError> {
        let conv = Converted::of(setup, batch);
        let dicts: Vec<Vec<&str>> = conv
            .dims
            .iter()
            .map(|(_, d)| d.dictionary.iter().map(|s| s.as_ref()).collect())
            .collect();
        let ids: Option<Vec<Option<&str>>> = conv.ids.as_ref().map(IdColumn::refs);
        let limits = (
            self.config.limits.max_errors_listed,
            self.config.limits.max_alerts_listed,
        );
        let rows = batch.num_rows();
        let mut start = 0;
        for r in 0..=rows {
            let fault = conv.faults.get(r).and_then(Option::as_deref);
            if r < rows && fault.is_none() {
                continue;
            }
            if start < r && !self.over_budget() {
                let run = Run {
                    conv: &conv,
                    dicts: &dicts,
                    ids: ids.as_deref(),
                    range: start..r,
                };
                let mut sub = run.file(self, first_row)?;
                for e in &mut sub.errors {
                    if let Some((col, name)) =
                        column_of_pointer(&e.pointer, &setup.cols, &setup.names)
                    {
                        e.column = Some(col + 1);
                        e.field = Some(name);
                    }
                }
                report.absorb(sub, limits.0, limits.1);
            }
            if let Some((col, code, message)) = fault {
                report.reject(
                    RecordError {
                        index: first_row + r,
                        line: None,
                        column: Some(col + 1),
                        pointer: String::new(),
                        field: Some(setup.names[*col].clone()),
                        id: ids.as_ref().and_then(|ids| ids[r]).map(str::to_string),
                        code: *code,
                        message: message.clone(),
                    },
                    limits.0,
                );
            }
            start = r + 1;
        }
        Ok(())
    }
}

/// Consecutive rows of a converted batch without a conversion fault.
struct Run<'c, 'a> {
    conv: &'c Converted<'a>,
    dicts: &'c [Vec<&'c str>],
    ids: Option<&'c [Option<&'c str>]>,
    range: std::ops::Range<usize>,
}

impl Run<'_, '_> {
    /// Files the run through the columnar path.
    fn file(
        &self,
        engine: &mut Engine,
        first_row: usize,
    ) -> Result<IngestReport, ArrowIngestError> {
        let r = self.range.clone();
        let c = self.conv;
        let part = |k: usize| c.scores[k].as_ref().map(|v| &v[r.clone()]);
        let comments: Option<Vec<Option<&str>>> = c
            .comments
            .as_ref()
            .map(|v| v[r.clone()].iter().map(|x| x.as_deref()).collect());
        let cols = ResponseColumns {
            at: &c.at[r.clone()],
            dimensions: c
                .dims
                .iter()
                .zip(self.dicts)
                .map(|((d, b), dict)| {
                    let col = DimensionColumn {
                        dictionary: dict,
                        codes: &b.codes[r.clone()],
                    };
                    (d.as_str(), col)
                })
                .collect(),
            nps: part(0),
            csat: part(1),
            ces: part(2),
            overall: part(3),
            attributes: c
                .attributes
                .iter()
                .map(|(a, v)| (a.as_str(), &v[r.clone()]))
                .collect(),
            weight: c.weight.as_ref().map(|w| &w[r.clone()]),
            comment: comments.as_deref(),
        };
        let expectations: Vec<(&str, &[u8])> = c
            .expectations
            .iter()
            .map(|(a, v)| (a.as_str(), &v[r.clone()]))
            .collect();
        let extras = ColumnExtras {
            ids: self.ids.map(|ids| &ids[r.clone()]),
            expectations: &expectations,
            first_row: first_row + r.start,
        };
        Ok(engine.columns(&cols, &extras)?)
    }
}

/// The record ids of a batch: borrowed from a text column, or an integer
/// column's decimal texts written once per batch into one buffer.
enum IdColumn<'a> {
    Text(Vec<Option<&'a str>>),
    Integers {
        text: String,
        spans: Vec<Option<(usize, usize)>>,
    },
}

impl<'a> IdColumn<'a> {
    /// The ids of `col` (text or integers; an empty text is no id).
    fn of(col: &'a dyn Array) -> IdColumn<'a> {
        if is_text(col.data_type()) {
            let t = TextCol::of(col);
            return IdColumn::Text(
                (0..col.len())
                    .map(|r| match t.get(r) {
                        Some(Cow::Borrowed(s)) => Some(s.trim()).filter(|s| !s.is_empty()),
                        _ => None,
                    })
                    .collect(),
            );
        }
        let mut text = String::new();
        let mut spans = vec![None; col.len()];
        int_values!(col, |v| {
            let (r, x) = v;
            if let Some(x) = x {
                let start = text.len();
                // Writing to a String cannot fail.
                let _ = std::fmt::Write::write_fmt(&mut text, format_args!("{x}"));
                spans[r] = Some((start, text.len()));
            }
        });
        IdColumn::Integers { text, spans }
    }

    /// Row by row, the id.
    fn refs(&self) -> Vec<Option<&str>> {
        match self {
            IdColumn::Text(v) => v.clone(),
            IdColumn::Integers { text, spans } => {
                spans.iter().map(|s| s.map(|(a, b)| &text[a..b])).collect()
            }
        }
    }
}

/// A dimension column of a batch, dictionary-encoded.
struct DimBuild<'a> {
    dictionary: Vec<Cow<'a, str>>,
    codes: Vec<u32>,
}

/// A batch's columns converted to the columnar path's types, with the
/// first conversion fault of each row (in the order the CSV reader reads
/// a row's fields: time, scores, attributes, expectations).
struct Converted<'a> {
    at: Vec<i64>,
    ids: Option<IdColumn<'a>>,
    /// NPS, CSAT, CES, overall.
    scores: [Option<Vec<u8>>; 4],
    dims: Vec<(String, DimBuild<'a>)>,
    attributes: Vec<(String, Vec<u8>)>,
    expectations: Vec<(String, Vec<u8>)>,
    /// Weight per row (its range is the columnar path's check).
    weight: Option<Vec<f64>>,
    /// Comment per row (`None`: null).
    comments: Option<Vec<Option<Cow<'a, str>>>>,
    faults: Vec<Option<Box<CellError>>>,
}

impl<'a> Converted<'a> {
    fn of(setup: &ArrowSetup, batch: &'a RecordBatch) -> Converted<'a> {
        let rows = batch.num_rows();
        let cols = &setup.cols;
        let mut faults: Vec<Option<Box<CellError>>> = vec![None; rows];
        let reader = Reader { setup, batch };
        let at = reader.times(&mut faults);
        let ids = cols.id.map(|i| IdColumn::of(batch.column(i).as_ref()));
        let scores = [&cols.nps, &cols.csat, &cols.ces, &cols.overall].map(|s| {
            s.as_ref()
                .map(|(i, how)| reader.ratings(*i, Some(how), &mut faults))
        });
        let dims = cols
            .dims
            .iter()
            .map(|(d, i)| (d.clone(), dimension(batch.column(*i).as_ref())))
            .collect();
        let mut pairs = |list: &[(String, usize)]| -> Vec<(String, Vec<u8>)> {
            list.iter()
                .map(|(a, i)| (a.clone(), reader.ratings(*i, None, &mut faults)))
                .collect()
        };
        let attributes = pairs(&cols.attributes);
        let expectations = pairs(&cols.expectations);
        let weight = cols.weight.map(|i| reader.weights(i, &mut faults));
        let comments = cols.comment.map(|i| {
            let t = TextCol::of(batch.column(i).as_ref());
            (0..rows).map(|r| t.get(r)).collect()
        });
        Converted {
            comments,
            at,
            ids,
            scores,
            dims,
            attributes,
            expectations,
            weight,
            faults,
        }
    }
}

/// A null in the time column `i` (`name`).
#[cold]
fn null_time(i: usize, name: &str) -> CellError {
    let message = format!("column `{name}` holds no time (null): every row needs one");
    (i, ErrorCode::InvalidValue, message)
}

/// Records fault `e` for row `r` unless the row has one already (boxed:
/// a row without a fault costs a pointer).
fn fault(faults: &mut [Option<Box<CellError>>], r: usize, e: impl FnOnce() -> CellError) {
    if faults[r].is_none() {
        faults[r] = Some(Box::new(e()));
    }
}

/// Text without surrounding white space (as CSV cells are read).
fn trimmed(s: Cow<'_, str>) -> Cow<'_, str> {
    match s {
        Cow::Borrowed(b) => Cow::Borrowed(b.trim()),
        Cow::Owned(o) if o.trim().len() == o.len() => Cow::Owned(o),
        Cow::Owned(o) => Cow::Owned(o.trim().to_string()),
    }
}

/// A score column's `equals` and `map` (one of them set).
type Conversion<'m> = (&'m Option<String>, &'m Option<BTreeMap<String, u8>>);

/// Reads the columns of one batch.
struct Reader<'s, 'a> {
    setup: &'s ArrowSetup,
    batch: &'a RecordBatch,
}

impl Reader<'_, '_> {
    /// The time of every row as unix seconds (the mapping's `fixedAt`, or
    /// its time column read by type); a null or unreadable time, or one
    /// outside the years 1–9999, is a fault of its row.
    fn times(&self, faults: &mut [Option<Box<CellError>>]) -> Vec<i64> {
        let rows = self.batch.num_rows();
        let Some((i, fmt)) = self.setup.cols.at else {
            let day = self
                .setup
                .mapping
                .fixed_at
                .map_or(0, |d| Timestamp::from_date(d).unix());
            return vec![day; rows];
        };
        let name = &self.setup.names[i];
        let col = self.batch.column(i).as_ref();
        let mut at = vec![0i64; rows];
        if is_text(col.data_type()) {
            let t = TextCol::of(col);
            for (r, slot) in at.iter_mut().enumerate() {
                let Some(s) = t.get(r).map(trimmed) else {
                    fault(faults, r, || null_time(i, name));
                    continue;
                };
                match parse_time(&s, fmt) {
                    Some(ts) => *slot = ts.unix(),
                    None => fault(faults, r, || not_a_time(i, name, &s, fmt)),
                }
            }
            return at;
        }
        for (r, secs) in unix_seconds(col).into_iter().enumerate() {
            match secs.map(Timestamp::from_unix) {
                Some(Some(t)) => at[r] = t.unix(),
                Some(None) => fault(faults, r, || {
                    let secs = secs.unwrap_or_default();
                    let message = format!("column `{name}` holds {secs} seconds from 1970-01-01T00:00:00Z, outside the years 1–9999");
                    (i, ErrorCode::OutOfRange, message)
                }),
                None => fault(faults, r, || null_time(i, name)),
            }
        }
        at
    }

    /// The ratings of column `i` (a score with its conversion `how`, or an
    /// attribute or expected level): [`MISSING`] for null or a missing
    /// text; a value that is no whole number 0–255 is a fault of its row.
    fn ratings(
        &self,
        i: usize,
        how: Option<&ScoreColumn>,
        faults: &mut [Option<Box<CellError>>],
    ) -> Vec<u8> {
        let col = self.batch.column(i).as_ref();
        let rows = col.len();
        let cols = &self.setup.cols;
        let mut out = vec![MISSING; rows];
        let converted = match how {
            Some(ScoreColumn::Converted { equals, map, .. })
                if equals.is_some() || map.is_some() =>
            {
                Some((equals, map))
            }
            _ => None,
        };
        if converted.is_some() || is_text(col.data_type()) {
            let t = TextCol::of(col);
            for (r, slot) in out.iter_mut().enumerate() {
                let Some(s) = t.get(r).map(trimmed) else {
                    continue;
                };
                if self.is_missing(&s) {
                    continue;
                }
                match self.text_rating(i, converted, &s) {
                    Ok(v) => *slot = v,
                    Err(e) => fault(faults, r, || e),
                }
            }
            return out;
        }
        match col.data_type() {
            DataType::Float32 => {
                for (r, v) in col.as_primitive::<Float32Type>().iter().enumerate() {
                    if let Some(v) = v {
                        self.float(i, r, f64::from(v), &v.to_string(), &mut out, faults);
                    }
                }
            }
            DataType::Float64 => {
                for (r, v) in col.as_primitive::<Float64Type>().iter().enumerate() {
                    if let Some(v) = v {
                        self.float(i, r, v, &v.to_string(), &mut out, faults);
                    }
                }
            }
            DataType::Boolean => {
                for (r, v) in col.as_boolean().iter().enumerate() {
                    if let Some(v) = v {
                        out[r] = u8::from(v);
                    }
                }
            }
            _ => {
                int_values!(col, |v| {
                    let (r, x) = v;
                    if let Some(x) = x {
                        match u8::try_from(x) {
                            Ok(x) => out[r] = x,
                            Err(_) => fault(faults, r, || {
                                cols.rating_fault(i, &x.to_string(), RatingError::OutOfRange)
                            }),
                        }
                    }
                });
            }
        }
        out
    }

    /// The rating of a present text `s` (trimmed, not a missing text) of
    /// column `i`: `equals` gives 1 or 0, `map` its value, else a number
    /// as CSV reads one.
    fn text_rating(
        &self,
        i: usize,
        converted: Option<Conversion<'_>>,
        s: &str,
    ) -> Result<u8, CellError> {
        match converted {
            Some((Some(eq), _)) => Ok(u8::from(s == eq.as_str())),
            Some((None, Some(map))) => map
                .get(s)
                .copied()
                .ok_or_else(|| not_in_map(i, &self.setup.names[i], s, map)),
            _ => small_int(s.as_bytes())
                .map_or_else(|| number::rating_of_text(s), Ok)
                .map_err(|e| self.setup.cols.rating_fault(i, s, e)),
        }
    }

    /// A float rating `v` (shown as `text`) of column `i`, row `r`: whole
    /// and 0–255, else a fault of the row.
    fn float(
        &self,
        i: usize,
        r: usize,
        v: f64,
        text: &str,
        out: &mut [u8],
        faults: &mut [Option<Box<CellError>>],
    ) {
        match number::rating_of_f64(v) {
            Ok(x) => out[r] = x,
            Err(e) => fault(faults, r, || self.setup.cols.rating_fault(i, text, e)),
        }
    }

    /// The weights of column `i` (floats, integers, or text as CSV reads
    /// it): a null or missing text, or text that is no number, is a fault
    /// of its row (a weight column needs a weight on every row). Its
    /// range is checked by the columnar path with every input's.
    fn weights(&self, i: usize, faults: &mut [Option<Box<CellError>>]) -> Vec<f64> {
        let col = self.batch.column(i).as_ref();
        let name = &self.setup.names[i];
        let mut out = vec![1.0; col.len()];
        let mut put = |r: usize, w: Option<f64>| match w {
            Some(w) => out[r] = w,
            None => fault(faults, r, || no_weight(i, name)),
        };
        match col.data_type() {
            DataType::Float32 => {
                for (r, v) in col.as_primitive::<Float32Type>().iter().enumerate() {
                    put(r, v.map(f64::from));
                }
            }
            DataType::Float64 => {
                for (r, v) in col.as_primitive::<Float64Type>().iter().enumerate() {
                    put(r, v);
                }
            }
            dt if is_text(dt) => {
                let t = TextCol::of(col);
                for (r, slot) in out.iter_mut().enumerate() {
                    let s = t.get(r).map(trimmed);
                    let s = s.as_deref().filter(|s| !self.is_missing(s));
                    match weight_of_text(i, name, s) {
                        Ok(w) => *slot = w,
                        Err(e) => fault(faults, r, || e),
                    }
                }
            }
            _ => {
                int_values!(col, |v| {
                    let (r, x) = v;
                    // i128 to f64: exact up to 2^53, nearest beyond (far
                    // past the largest weight either way).
                    put(r, x.map(|x| x as f64));
                });
            }
        }
        out
    }

    /// Whether a trimmed text means "no answer" (empty, or one of the
    /// mapping's `missing` texts).
    fn is_missing(&self, s: &str) -> bool {
        s.is_empty() || self.setup.mapping.missing.iter().any(|m| m == s)
    }
}

/// A time column of a typed kind (timestamp of any unit, date, integer
/// unix seconds) as unix seconds, rounded down to the second; `None` for
/// null, `i64::MAX` past what `i64` holds (outside every kept year).
fn unix_seconds(col: &dyn Array) -> Vec<Option<i64>> {
    let per = |p: i64| move |v: Option<i64>| v.map(|v| v.div_euclid(p));
    match col.data_type() {
        DataType::Timestamp(TimeUnit::Second, _) => {
            col.as_primitive::<TimestampSecondType>().iter().collect()
        }
        DataType::Timestamp(TimeUnit::Millisecond, _) => col
            .as_primitive::<TimestampMillisecondType>()
            .iter()
            .map(per(1_000))
            .collect(),
        DataType::Timestamp(TimeUnit::Microsecond, _) => col
            .as_primitive::<TimestampMicrosecondType>()
            .iter()
            .map(per(1_000_000))
            .collect(),
        DataType::Timestamp(TimeUnit::Nanosecond, _) => col
            .as_primitive::<TimestampNanosecondType>()
            .iter()
            .map(per(1_000_000_000))
            .collect(),
        DataType::Date32 => col
            .as_primitive::<Date32Type>()
            .iter()
            .map(|d| d.map(|d| i64::from(d) * 86_400))
            .collect(),
        DataType::Date64 => col
            .as_primitive::<Date64Type>()
            .iter()
            .map(per(1_000))
            .collect(),
        _ => {
            let mut out = vec![None; col.len()];
            int_values!(col, |v| {
                let (r, x) = v;
                out[r] = x.map(|x| i64::try_from(x).unwrap_or(i64::MAX));
            });
            out
        }
    }
}

/// A text-like or integer column read row by row as text.
enum TextCol<'a> {
    Utf8(&'a arrow_array::StringArray),
    Large(&'a arrow_array::LargeStringArray),
    View(&'a arrow_array::StringViewArray),
    /// A dictionary: row `r` is `values[keys[r]]` unless the key is null.
    Dict {
        key_array: &'a dyn Array,
        keys: Vec<usize>,
        values: Box<TextCol<'a>>,
    },
    /// Integers, as their decimal text.
    Int(Vec<Option<i128>>),
}

impl<'a> TextCol<'a> {
    /// The reader of a column whose type is text or integers (checked by
    /// [`Engine::arrow_setup`]).
    fn of(col: &'a dyn Array) -> TextCol<'a> {
        match col.data_type() {
            DataType::Utf8 => TextCol::Utf8(col.as_string::<i32>()),
            DataType::LargeUtf8 => TextCol::Large(col.as_string::<i64>()),
            DataType::Utf8View => TextCol::View(col.as_string_view()),
            DataType::Dictionary(..) => {
                let d = col.as_any_dictionary();
                TextCol::Dict {
                    key_array: d.keys(),
                    keys: d.normalized_keys(),
                    values: Box::new(TextCol::of(d.values().as_ref())),
                }
            }
            _ => {
                let mut v = vec![None; col.len()];
                int_values!(col, |x| {
                    let (r, x) = x;
                    v[r] = x;
                });
                TextCol::Int(v)
            }
        }
    }

    /// Row `r`'s text; `None` for null.
    fn get(&self, r: usize) -> Option<Cow<'a, str>> {
        match self {
            TextCol::Utf8(a) => a.is_valid(r).then(|| Cow::Borrowed(a.value(r))),
            TextCol::Large(a) => a.is_valid(r).then(|| Cow::Borrowed(a.value(r))),
            TextCol::View(a) => a.is_valid(r).then(|| Cow::Borrowed(a.value(r))),
            TextCol::Dict {
                key_array,
                keys,
                values,
            } => {
                if key_array.is_null(r) {
                    return None;
                }
                values.get(keys[r])
            }
            TextCol::Int(v) => v[r].map(|x| Cow::Owned(x.to_string())),
        }
    }

    /// How many rows (or dictionary values) the column has.
    fn len(&self) -> usize {
        match self {
            TextCol::Utf8(a) => a.len(),
            TextCol::Large(a) => a.len(),
            TextCol::View(a) => a.len(),
            TextCol::Dict { keys, .. } => keys.len(),
            TextCol::Int(v) => v.len(),
        }
    }
}

/// A dimension column dictionary-encoded: an Arrow dictionary's values
/// are read once (trimmed; null or empty = absent) and its keys become
/// the codes; other columns are encoded by value (strings are borrowed,
/// never copied per row; integers are taken as their decimal text).
fn dimension(col: &dyn Array) -> DimBuild<'_> {
    let rows = col.len();
    if let DataType::Dictionary(..) = col.data_type() {
        let d = col.as_any_dictionary();
        let values = TextCol::of(d.values().as_ref());
        let mut dictionary = Vec::new();
        let code_of: Vec<u32> = (0..values.len())
            .map(|v| match values.get(v).map(trimmed) {
                Some(s) if !s.is_empty() => {
                    dictionary.push(s);
                    (dictionary.len() - 1) as u32
                }
                _ => ABSENT,
            })
            .collect();
        let keys = d.normalized_keys();
        let key_array = d.keys();
        let codes = (0..rows)
            .map(|r| {
                if key_array.is_null(r) {
                    ABSENT
                } else {
                    code_of[keys[r]]
                }
            })
            .collect();
        return DimBuild { dictionary, codes };
    }
    if !is_text(col.data_type()) {
        // Integers: each distinct value's text is written once.
        let mut dictionary: Vec<Cow<'_, str>> = Vec::new();
        let mut index: HashMap<i128, u32> = HashMap::new();
        let mut codes = vec![ABSENT; rows];
        int_values!(col, |v| {
            let (r, x) = v;
            if let Some(x) = x {
                codes[r] = *index.entry(x).or_insert_with(|| {
                    dictionary.push(Cow::Owned(x.to_string()));
                    (dictionary.len() - 1) as u32
                });
            }
        });
        return DimBuild { dictionary, codes };
    }
    let t = TextCol::of(col);
    let mut dictionary: Vec<Cow<'_, str>> = Vec::new();
    let mut index: HashMap<Cow<'_, str>, u32> = HashMap::new();
    let codes = (0..rows)
        .map(|r| match t.get(r).map(trimmed) {
            Some(s) if !s.is_empty() => *index.entry(s).or_insert_with_key(|s| {
                dictionary.push(s.clone());
                (dictionary.len() - 1) as u32
            }),
            _ => ABSENT,
        })
        .collect();
    DimBuild { dictionary, codes }
}
