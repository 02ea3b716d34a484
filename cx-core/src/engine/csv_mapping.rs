//! CSV input with a column mapping, so real survey exports ingest without
//! editing: which column is the date (RFC 3339, `YYYY-MM-DD` or unix
//! seconds, or a fixed date when the export has none), which are
//! dimensions, which are NPS/CSAT/CES/overall/attributes/expectations, and
//! how to turn a text column into a 0/1 outcome. Each CSV row is a customer
//! response; "not applicable" values come from the plan's attributes.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::cells::ResponseBatch;
use super::ingest::{IngestReport, Position, RecordError};
use super::rows::rating_range;
use super::{Engine, ResponseRef};
use crate::error::ErrorCode;
use crate::number::{self, Range, RatingError};
use crate::record::Timestamp;

/// How a CSV column maps to a customer response.
///
/// ```json
/// {
///   "at": {"column": "date", "format": "date"},
///   "id": "respondent",
///   "dimensions": {"segment": "Customer Type", "class": "Class"},
///   "nps": "Recommend",
///   "overall": {"column": "satisfaction", "equals": "satisfied"},
///   "attributes": {"seat-comfort": "Seat comfort"},
///   "weight": "Weight"
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CsvMapping {
    /// Field delimiter (one ASCII character) \[`,`\].
    #[serde(default = "CsvMapping::d_delimiter")]
    pub delimiter: char,
    /// Column holding the record id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Column holding the time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<TimeColumn>,
    /// The date of every row, when the export has no time column.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::record::optional_date"
    )]
    pub fixed_at: Option<NaiveDate>,
    /// Dimension id (segment, touchpoint, channel, team, employee, or a
    /// custom dimension of the plan) → column.
    #[serde(default, deserialize_with = "crate::record::unique_keys")]
    pub dimensions: BTreeMap<String, String>,
    /// NPS column (0–10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nps: Option<ScoreColumn>,
    /// CSAT column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csat: Option<ScoreColumn>,
    /// CES column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ces: Option<ScoreColumn>,
    /// Overall outcome column (0–10, or a text turned into 0/1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overall: Option<ScoreColumn>,
    /// Attribute id → column.
    #[serde(default, deserialize_with = "crate::record::unique_keys")]
    pub attributes: BTreeMap<String, String>,
    /// Attribute id → column of the expected level.
    #[serde(default, deserialize_with = "crate::record::unique_keys")]
    pub expectations: BTreeMap<String, String>,
    /// Cell texts that mean "no answer" in any score column (besides the
    /// empty cell), e.g. `"NA"`.
    #[serde(default)]
    pub missing: Vec<String>,
    /// Survey-weight column: every row needs a number from 0.000001 to
    /// 100000 (written as a JSON number: `2`, `0.25`, `1.5e2`), rounded to
    /// the nearest millionth. An empty or `missing` cell, text that is no
    /// number, or a weight out of range rejects the row (field `weight`,
    /// with the column's name). Without it every row weighs 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<String>,
    /// Free-text comment column (`docs/comments.md`): an empty cell is no
    /// comment; a comment longer than `limits.maxCommentBytes` rejects the
    /// row (field `comment`). A mapping may name only `id`, a time and
    /// `comment`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl CsvMapping {
    fn d_delimiter() -> char {
        ','
    }
}

/// The time column and its format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TimeColumn {
    /// Column name.
    pub column: String,
    /// Format \[auto: RFC 3339 or `YYYY-MM-DD`\].
    #[serde(default)]
    pub format: TimeFormat,
}

/// How times are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum TimeFormat {
    /// RFC 3339 with an offset, or `YYYY-MM-DD`.
    #[default]
    Auto,
    /// RFC 3339 with an offset only.
    Rfc3339,
    /// `YYYY-MM-DD` only.
    Date,
    /// Unix seconds.
    Unix,
}

/// A score column: a column name, or a column whose text is turned into a
/// number (`equals`: 1 when the cell equals it, else 0; `map`: text → value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(
    untagged,
    expecting = "a column name, or {\"column\": NAME, \"equals\": TEXT} or {\"column\": NAME, \"map\": {TEXT: NUMBER}}"
)]
pub enum ScoreColumn {
    /// The column holds integers.
    Column(String),
    /// The column holds text to convert.
    Converted {
        /// Column name.
        column: String,
        /// 1 where the cell equals this text, 0 elsewhere.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        equals: Option<String>,
        /// Text → value.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        map: Option<BTreeMap<String, u8>>,
    },
}

impl ScoreColumn {
    fn column(&self) -> &str {
        match self {
            ScoreColumn::Column(c) | ScoreColumn::Converted { column: c, .. } => c,
        }
    }
}

/// A mapping that does not fit the CSV or the plan: an invalid argument,
/// so nothing is ingested.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MappingError {
    /// The mapping names a column the header does not have.
    #[error(
        "the mapping names column `{column}` (at {pointer}), which the CSV header does not have"
    )]
    MissingColumn {
        /// The column.
        column: String,
        /// JSON Pointer into the mapping.
        pointer: String,
    },
    /// The mapping names an attribute or dimension the plan does not have.
    #[error("{pointer}: `{id}` is not {what} of the plan")]
    UnknownId {
        /// The id.
        id: String,
        /// What kind of id was expected.
        what: &'static str,
        /// JSON Pointer into the mapping.
        pointer: String,
    },
    /// The mapping has neither `at` nor `fixedAt`, or both.
    #[error(
        "the mapping needs exactly one of `at` (a time column) or `fixedAt` (a date for every row)"
    )]
    Time,
    /// The delimiter is not one ASCII character.
    #[error("the delimiter must be one ASCII character")]
    Delimiter,
    /// The CSV header cannot be read.
    #[error("the CSV header cannot be read: {0}")]
    Header(String),
    /// The mapping document is not valid.
    #[error("{}", .0.in_document("mapping"))]
    Parse(crate::error::ParseError),
    /// The cells would pass `limits.maxCellBytes`: nothing of the call was
    /// kept.
    #[error(transparent)]
    MemoryLimit(#[from] super::MemoryLimit),
    /// The records of a kind would pass 2^53
    /// ([`MAX_SNAPSHOT_COUNT`](super::MAX_SNAPSHOT_COUNT)): nothing of the
    /// call was kept.
    #[error(transparent)]
    Overflow(#[from] super::Overflow),
    /// A quoted field that never closes: nothing of the call was kept.
    #[error(transparent)]
    Quote(#[from] super::UnterminatedQuote),
}

impl From<super::LimitError> for MappingError {
    fn from(e: super::LimitError) -> MappingError {
        match e {
            super::LimitError::MemoryLimit(e) => MappingError::MemoryLimit(e),
            super::LimitError::Overflow(e) => MappingError::Overflow(e),
        }
    }
}

impl CsvMapping {
    /// Reads a mapping from JSON text.
    pub fn from_json(text: &str) -> Result<CsvMapping, MappingError> {
        crate::plan::parse::from_json_positioned(text).map_err(MappingError::Parse)
    }
}

/// Resolved column indexes.
pub(super) struct Columns {
    pub(super) id: Option<usize>,
    pub(super) at: Option<(usize, TimeFormat)>,
    pub(super) dims: Vec<(String, usize)>,
    pub(super) nps: Option<(usize, ScoreColumn)>,
    pub(super) csat: Option<(usize, ScoreColumn)>,
    pub(super) ces: Option<(usize, ScoreColumn)>,
    pub(super) overall: Option<(usize, ScoreColumn)>,
    pub(super) attributes: Vec<(String, usize)>,
    pub(super) expectations: Vec<(String, usize)>,
    /// The weight column.
    pub(super) weight: Option<usize>,
    /// The comment column.
    pub(super) comment: Option<usize>,
    /// Per CSV column read as a rating: the field it fills (`nps`, an
    /// attribute id) and that field's range in the plan, for messages.
    pub(super) ranges: BTreeMap<usize, (String, Range)>,
}

impl Columns {
    /// The rating of column `i`'s cell `s` under the numeric standard
    /// ([`crate::number`]), or why not in the field's terms.
    fn rating(&self, i: usize, s: &str) -> Result<u8, CellError> {
        number::rating_of_text(s).map_err(|e| self.rating_fault(i, s, e))
    }

    /// Why value `found` (its text) of column `i` is no rating (`e`), in
    /// the field's terms (shared by the CSV and Arrow readers).
    #[cold]
    pub(super) fn rating_fault(&self, i: usize, found: &str, e: RatingError) -> CellError {
        let (field, expected) = self.ranges.get(&i).map_or(
            ("a rating", "a whole number on the plan's scale".to_string()),
            |(f, r)| (f.as_str(), r.expected()),
        );
        let code = if e == RatingError::OutOfRange {
            ErrorCode::OutOfRange
        } else {
            ErrorCode::InvalidValue
        };
        let why = number::rating_message(found, e, &expected);
        // The column's name is reported beside the message.
        (i, code, format!("{field}: {why}"))
    }
}

/// What every CSV ingest call reads before its rows: the text without its
/// BOM, the header's column names and the resolved mapping.
pub(super) struct Setup<'t> {
    /// The text without its BOM.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(super) text: &'t [u8],
    pub(super) names: Vec<String>,
    pub(super) cols: Columns,
}

/// A CSV reader of the engine's dialect: `delimiter`, rows of any length
/// (checked per row), a header.
pub(super) fn csv_reader<R: std::io::Read>(delimiter: u8, input: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(input)
}

impl Engine {
    /// Ingests CSV text with a column mapping. A mapping that does not fit
    /// the header or the plan is an error for the whole call; a bad row
    /// (wrong number of fields, invalid UTF-8, a non-integer score, an
    /// off-scale value, an unreadable date, a too-long record) is reported
    /// with its line, field number and column name and changes nothing.
    /// A UTF-8 BOM and CRLF line ends are accepted. This is
    /// [`CsvFeed::read`](super::CsvFeed::read) on one thread over the text
    /// (a [`CsvFeed`](super::CsvFeed) also reads files and streams, on
    /// several threads).
    pub fn ingest_csv(
        &mut self,
        text: &[u8],
        mapping: &CsvMapping,
    ) -> Result<IngestReport, MappingError> {
        match super::CsvFeed::new(mapping).read(self, text) {
            Ok(report) => Ok(report),
            Err(super::IngestError::Mapping(e)) => Err(e),
            Err(super::IngestError::MemoryLimit(e)) => Err(MappingError::MemoryLimit(e)),
            Err(super::IngestError::Overflow(e)) => Err(MappingError::Overflow(e)),
            // A slice is always read to its end.
            Err(super::IngestError::Read(e)) => Ok(e.report),
            Err(super::IngestError::Parse(e)) => Err(MappingError::Parse(e)),
            Err(super::IngestError::Quote(e)) => Err(MappingError::Quote(e)),
        }
    }

    /// The delimiter of the mapping, after the checks that need no text:
    /// exactly one of `at` and `fixedAt`, a one-byte ASCII delimiter.
    pub(super) fn csv_dialect(mapping: &CsvMapping) -> Result<u8, MappingError> {
        if mapping.at.is_some() == mapping.fixed_at.is_some() {
            return Err(MappingError::Time);
        }
        u8::try_from(mapping.delimiter)
            .ok()
            .filter(u8::is_ascii)
            .ok_or(MappingError::Delimiter)
    }

    /// Checks the mapping against the header and the plan; returns the
    /// reader positioned after the header.
    pub(super) fn csv_setup<'t>(
        &self,
        text: &'t [u8],
        mapping: &CsvMapping,
    ) -> Result<(Setup<'t>, csv::Reader<&'t [u8]>), MappingError> {
        let text = text
            .strip_prefix(b"\xEF\xBB\xBF".as_slice())
            .unwrap_or(text);
        let delimiter = Engine::csv_dialect(mapping)?;
        let mut reader = csv_reader(delimiter, text);
        let header = reader
            .byte_headers()
            .map_err(|e| MappingError::Header(e.to_string()))?;
        let names: Vec<String> = header
            .iter()
            .map(|h| String::from_utf8_lossy(h).trim().to_string())
            .collect();
        let cols = self.resolve(mapping, &names)?;
        let setup = Setup { text, names, cols };
        Ok((setup, reader))
    }

    /// Reads, checks and files the records `reader` reads after the header
    /// (the general path, for text with quotes). Each row's cells are read
    /// in place ([`RowReader`]) into a [`ResponseRef`] for the engine's row
    /// checker: no `String` per field. `input` is what `reader` reads, in
    /// two pieces; positions are counted from `at` (records before, and
    /// line ends before `input`'s second piece that it does not hold).
    pub(super) fn ingest_csv_rows<R: std::io::Read>(
        &mut self,
        reader: &mut csv::Reader<R>,
        input: [&[u8]; 2],
        rows: &mut RowReader<'_>,
        at: &mut Cursor,
        batch: &mut ResponseBatch,
        report: &mut IngestReport,
    ) {
        let mut record = csv::ByteRecord::new();
        while !self.over_budget() {
            let before = reader.position().clone();
            let read = reader.read_byte_record(&mut record);
            // The physical line where this record starts (a syntax error has
            // no record).
            let line = at.lines
                + start_line(
                    input,
                    match &read {
                        Ok(true) => record.position().unwrap_or(&before),
                        Err(e) => e.position().unwrap_or(&before),
                        Ok(false) => &before,
                    },
                );
            let pos = Position {
                index: at.index,
                line: Some(line),
            };
            match read {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    // A CSV syntax error: the reader resynchronises on the next record.
                    let error = csv_error(pos, None, ErrorCode::ParseError, e.to_string());
                    report.reject(error, self.config.limits.max_errors_listed);
                    at.index += 1;
                    if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                        break;
                    }
                    continue;
                }
            }
            if self.csv_record(&record, pos, rows, batch, report) {
                at.index += 1;
            }
        }
    }

    /// Checks and files one CSV record at `pos`, or rejects it; returns
    /// false for a blank line, which is no record.
    pub(super) fn csv_record(
        &mut self,
        record: &csv::ByteRecord,
        pos: Position,
        rows: &mut RowReader<'_>,
        batch: &mut ResponseBatch,
        report: &mut IngestReport,
    ) -> bool {
        if record.len() <= 1 && record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            return false; // blank line: not a record
        }
        let max_line = self.config.limits.max_line_bytes;
        let max_errors = self.config.limits.max_errors_listed;
        let names = rows.names;
        // The fields' bytes, without delimiters and quotes.
        let bytes = record.as_slice().len();
        if bytes > max_line {
            let message = format!(
                "the record has {bytes} bytes; the limit is {max_line} (limits.maxLineBytes)"
            );
            report.reject(
                csv_error(pos, None, ErrorCode::LineTooLong, message),
                max_errors,
            );
            return true;
        }
        if record.len() != names.len() {
            let message = format!(
                "expected {} fields, found {} (a truncated or malformed row)",
                names.len(),
                record.len()
            );
            report.reject(
                csv_error(pos, None, ErrorCode::ParseError, message),
                max_errors,
            );
            return true;
        }
        let mut custom = recycle(std::mem::take(&mut rows.spare));
        match rows.read(record, &mut custom) {
            Ok(mut row) => {
                row.dimensions = &custom;
                row.attributes = &rows.attributes;
                row.expectations = &rows.expectations;
                let before = report.errors.len();
                self.accept_row(&row, pos, batch, report);
                // Name the CSV column of a value the plan refused.
                for e in &mut report.errors[before..] {
                    if let Some((col, name)) = column_of_pointer(&e.pointer, rows.cols, names) {
                        e.column = Some(col + 1);
                        e.field = Some(name);
                    }
                }
            }
            Err((col, code, message)) => {
                let e = csv_error(pos, Some((col, names[col].clone())), code, message);
                report.reject(e, max_errors);
            }
        }
        rows.spare = recycle(custom);
        true
    }

    /// Checks the mapping against the input's column `names` and the plan;
    /// gives the mapped columns' indexes.
    pub(super) fn resolve(
        &self,
        m: &CsvMapping,
        names: &[String],
    ) -> Result<Columns, MappingError> {
        let find = |column: &str, pointer: String| -> Result<usize, MappingError> {
            names
                .iter()
                .position(|n| n == column)
                .ok_or(MappingError::MissingColumn {
                    column: column.to_string(),
                    pointer,
                })
        };
        let score = |c: &Option<ScoreColumn>,
                     name: &str|
         -> Result<Option<(usize, ScoreColumn)>, MappingError> {
            c.as_ref()
                .map(|c| Ok((find(c.column(), format!("/{name}"))?, c.clone())))
                .transpose()
        };
        let plan = self.plan();
        let mut dims = Vec::new();
        for (d, col) in &m.dimensions {
            let known = crate::plan::STANDARD_DIMENSIONS.contains(&d.as_str())
                || plan.dimensions.iter().any(|x| &x.id == d);
            if !known {
                return Err(MappingError::UnknownId {
                    id: d.clone(),
                    what: "a dimension",
                    pointer: format!("/dimensions/{d}"),
                });
            }
            dims.push((d.clone(), find(col, format!("/dimensions/{d}"))?));
        }
        let attrs = |map: &BTreeMap<String, String>,
                     key: &str|
         -> Result<Vec<(String, usize)>, MappingError> {
            let mut out = Vec::new();
            for (a, col) in map {
                if plan.attribute(a).is_none() {
                    return Err(MappingError::UnknownId {
                        id: a.clone(),
                        what: "an attribute",
                        pointer: format!("/{key}/{a}"),
                    });
                }
                out.push((a.clone(), find(col, format!("/{key}/{a}"))?));
            }
            Ok(out)
        };
        let attributes = attrs(&m.attributes, "attributes")?;
        let expectations = attrs(&m.expectations, "expectations")?;
        let nps = score(&m.nps, "nps")?;
        let csat = score(&m.csat, "csat")?;
        let ces = score(&m.ces, "ces")?;
        let overall = score(&m.overall, "overall")?;
        let mut ranges = BTreeMap::new();
        for (c, name) in [
            (&nps, "nps"),
            (&csat, "csat"),
            (&ces, "ces"),
            (&overall, "overall"),
        ] {
            if let (Some((i, _)), Some(r)) = (c, rating_range(plan, &[name])) {
                ranges.entry(*i).or_insert((format!("`{name}`"), r));
            }
        }
        for (a, i) in attributes.iter().chain(&expectations) {
            if let Some(r) = rating_range(plan, &["attributes", a]) {
                ranges.entry(*i).or_insert((format!("`{a}`"), r));
            }
        }
        Ok(Columns {
            id: m.id.as_ref().map(|c| find(c, "/id".into())).transpose()?,
            at: m
                .at
                .as_ref()
                .map(|t| Ok::<_, MappingError>((find(&t.column, "/at/column".into())?, t.format)))
                .transpose()?,
            attributes,
            expectations,
            weight: m
                .weight
                .as_ref()
                .map(|c| find(c, "/weight".into()))
                .transpose()?,
            comment: m
                .comment
                .as_ref()
                .map(|c| find(c, "/comment".into()))
                .transpose()?,
            dims,
            nps,
            csat,
            ces,
            overall,
            ranges,
        })
    }
}

pub(super) fn parse_time(s: &str, fmt: TimeFormat) -> Option<Timestamp> {
    match fmt {
        TimeFormat::Auto => s.parse().ok(),
        TimeFormat::Rfc3339 => (s.len() > 10).then(|| s.parse().ok()).flatten(),
        TimeFormat::Date => (s.len() == 10).then(|| s.parse().ok()).flatten(),
        TimeFormat::Unix => s.parse::<i64>().ok().and_then(Timestamp::from_unix),
    }
}

/// The CSV column behind a record pointer such as `/attributes/wifi`.
pub(super) fn column_of_pointer(
    pointer: &str,
    cols: &Columns,
    names: &[String],
) -> Option<(usize, String)> {
    let parts: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
    let idx = match parts.as_slice() {
        ["nps"] => cols.nps.as_ref().map(|c| c.0),
        ["csat"] => cols.csat.as_ref().map(|c| c.0),
        ["ces"] => cols.ces.as_ref().map(|c| c.0),
        ["overall"] => cols.overall.as_ref().map(|c| c.0),
        ["weight"] => cols.weight,
        ["comment"] => cols.comment,
        ["attributes", a] => cols.attributes.iter().find(|x| x.0 == *a).map(|x| x.1),
        ["expectations", a] => cols.expectations.iter().find(|x| x.0 == *a).map(|x| x.1),
        ["dimensions", d] | [d] => cols.dims.iter().find(|x| x.0 == *d).map(|x| x.1),
        _ => None,
    }?;
    Some((idx, names[idx].clone()))
}

/// A cell conversion failure: (column index, code, message). The code is
/// `invalid-utf8` for a cell that is not UTF-8 (as for a JSON line),
/// otherwise `invalid-value`.
pub(super) type CellError = (usize, ErrorCode, String);

/// Where a mapped dimension goes in a [`ResponseRef`].
#[derive(Debug, Clone, Copy)]
enum Slot {
    Segment,
    Touchpoint,
    Channel,
    Team,
    Employee,
    Custom,
}

/// Reads a CSV row's cells in place into a [`ResponseRef`], with the same
/// rules and messages as the typed conversion it replaced: every cell is
/// UTF-8 (checked once: an ASCII cell needs no decoding) and trimmed of
/// Unicode white space, a rating is a whole number 0–255, a time follows
/// the mapping's format.
pub(super) struct RowReader<'m> {
    pub(super) cols: &'m Columns,
    pub(super) names: &'m [String],
    pub(super) mapping: &'m CsvMapping,
    /// The time of every row, when the mapping has `fixedAt`.
    fixed_at: Timestamp,
    /// Per mapped dimension (in `cols.dims` order), where it goes.
    slots: Vec<Slot>,
    /// The last row's attribute ratings: (id, value).
    attributes: Vec<(&'m [u8], u8)>,
    /// The last row's expected levels: (id, value).
    expectations: Vec<(&'m [u8], u8)>,
    /// The last date or RFC 3339 cell read and its time: exports repeat
    /// them row after row.
    last_time: Option<(Vec<u8>, Timestamp)>,
    /// The custom dimensions' (id, value) pairs of a row: one allocation
    /// for the call, re-borrowed row by row.
    spare: Vec<(&'m [u8], &'static [u8])>,
}

impl<'m> RowReader<'m> {
    pub(super) fn new(
        cols: &'m Columns,
        names: &'m [String],
        mapping: &'m CsvMapping,
    ) -> RowReader<'m> {
        let slots = cols
            .dims
            .iter()
            .map(|(d, _)| match d.as_str() {
                "segment" => Slot::Segment,
                "touchpoint" => Slot::Touchpoint,
                "channel" => Slot::Channel,
                "team" => Slot::Team,
                "employee" => Slot::Employee,
                _ => Slot::Custom,
            })
            .collect();
        RowReader {
            cols,
            names,
            mapping,
            fixed_at: mapping
                .fixed_at
                .map_or(Timestamp::default(), Timestamp::from_date),
            slots,
            attributes: Vec::with_capacity(cols.attributes.len()),
            expectations: Vec::with_capacity(cols.expectations.len()),
            last_time: None,
            spare: Vec::new(),
        }
    }

    /// Reads one row whose field count matches the header. The returned
    /// row has no custom dimensions, attributes or expectations yet: they
    /// are in `custom` and `self.attributes` / `self.expectations`.
    fn read<'r>(
        &mut self,
        rec: &'r csv::ByteRecord,
        custom: &mut Vec<(&'m [u8], &'r [u8])>,
    ) -> Result<ResponseRef<'r>, CellError> {
        let cols = self.cols;
        // The order of the typed conversion, so a row with several bad
        // cells reports the same one.
        let at = self.time(rec)?;
        let id = match cols.id {
            Some(i) => Some(self.cell(rec, i)?).filter(|s| !s.is_empty()),
            None => None,
        };
        let mut row = ResponseRef {
            id,
            at,
            nps: self.score(rec, &cols.nps)?,
            csat: self.score(rec, &cols.csat)?,
            ces: self.score(rec, &cols.ces)?,
            overall: self.score(rec, &cols.overall)?,
            ..ResponseRef::default()
        };
        for ((d, i), slot) in cols.dims.iter().zip(&self.slots) {
            let v = self.cell(rec, *i)?;
            if v.is_empty() {
                continue;
            }
            match slot {
                Slot::Segment => row.segment = Some(v),
                Slot::Touchpoint => row.touchpoint = Some(v),
                Slot::Channel => row.channel = Some(v),
                Slot::Team => row.team = Some(v),
                Slot::Employee => row.employee = Some(v),
                Slot::Custom => custom.push((d.as_bytes(), v)),
            }
        }
        self.attributes.clear();
        for (a, i) in &cols.attributes {
            if let Some(v) = self.int(rec, *i)? {
                self.attributes.push((a.as_bytes(), v));
            }
        }
        self.expectations.clear();
        for (a, i) in &cols.expectations {
            if let Some(v) = self.int(rec, *i)? {
                self.expectations.push((a.as_bytes(), v));
            }
        }
        if let Some(i) = cols.weight {
            row.weight = Some(self.weight(rec, i)?);
        }
        if let Some(i) = cols.comment {
            row.comment = Some(self.cell(rec, i)?).filter(|c| !c.is_empty());
        }
        Ok(row)
    }

    /// The weight cell of column `i`: a number as JSON writes one (its
    /// range is the row checker's); an empty or `missing` cell, or text
    /// that is no number, is an error of the cell.
    fn weight(&self, rec: &csv::ByteRecord, i: usize) -> Result<f64, CellError> {
        let s = self.cell(rec, i)?;
        let text = (!self.is_missing(s)).then(|| checked(s));
        weight_of_text(i, &self.names[i], text)
    }

    /// Cell `i`, checked to be UTF-8 and trimmed.
    fn cell<'r>(&self, rec: &'r csv::ByteRecord, i: usize) -> Result<&'r [u8], CellError> {
        let raw = rec.get(i).unwrap_or_default();
        if raw.is_ascii() {
            return Ok(trim_ascii(raw));
        }
        match std::str::from_utf8(raw) {
            Ok(s) => Ok(s.trim().as_bytes()),
            Err(e) => Err((
                i,
                ErrorCode::InvalidUtf8,
                format!(
                    "column `{}` is not valid UTF-8 (byte {})",
                    self.names[i],
                    e.valid_up_to() + 1
                ),
            )),
        }
    }

    /// A rating cell: `None` when missing.
    fn int(&self, rec: &csv::ByteRecord, i: usize) -> Result<Option<u8>, CellError> {
        let s = self.cell(rec, i)?;
        if self.is_missing(s) {
            return Ok(None);
        }
        if let Some(v) = small_int(s) {
            return Ok(Some(v));
        }
        self.cols.rating(i, checked(s)).map(Some)
    }

    /// A score column, converted as the mapping says.
    fn score(
        &self,
        rec: &csv::ByteRecord,
        c: &Option<(usize, ScoreColumn)>,
    ) -> Result<Option<u8>, CellError> {
        let Some((i, how)) = c else { return Ok(None) };
        match how {
            ScoreColumn::Column(_) => self.int(rec, *i),
            ScoreColumn::Converted { equals, map, .. } => {
                let s = self.cell(rec, *i)?;
                if self.is_missing(s) {
                    return Ok(None);
                }
                if let Some(eq) = equals {
                    return Ok(Some(u8::from(s == eq.as_bytes())));
                }
                if let Some(map) = map {
                    let s = checked(s);
                    return map
                        .get(s)
                        .copied()
                        .map(Some)
                        .ok_or_else(|| not_in_map(*i, &self.names[*i], s, map));
                }
                self.int(rec, *i)
            }
        }
    }

    /// The row's time.
    fn time(&mut self, rec: &csv::ByteRecord) -> Result<Timestamp, CellError> {
        let Some((i, _)) = self.cols.at else {
            return Ok(self.fixed_at);
        };
        let s = self.cell(rec, i)?;
        self.time_of(s)
    }

    /// The time in `s`, a checked and trimmed cell of the time column.
    pub(super) fn time_of(&mut self, s: &[u8]) -> Result<Timestamp, CellError> {
        let Some((i, fmt)) = self.cols.at else {
            return Ok(self.fixed_at);
        };
        if fmt == TimeFormat::Unix {
            if let Some(t) = unix_seconds(s) {
                return Ok(t);
            }
        } else if let Some((last, t)) = &self.last_time {
            if last.as_slice() == s {
                return Ok(*t);
            }
        }
        let text = checked(s);
        let t = parse_time(text, fmt).ok_or_else(|| not_a_time(i, &self.names[i], text, fmt))?;
        if fmt != TimeFormat::Unix {
            let (last, at) = self.last_time.get_or_insert_with(|| (Vec::new(), t));
            last.clear();
            last.extend_from_slice(s);
            *at = t;
        }
        Ok(t)
    }

    /// Whether a trimmed cell means "no answer".
    pub(super) fn is_missing(&self, s: &[u8]) -> bool {
        s.is_empty() || self.mapping.missing.iter().any(|x| x.as_bytes() == s)
    }
}

/// Text `s` of column `i` (`name`) that is no key of a score column's
/// `map`.
#[cold]
pub(super) fn not_in_map(i: usize, name: &str, s: &str, map: &BTreeMap<String, u8>) -> CellError {
    let keys: Vec<&str> = map.keys().map(String::as_str).collect();
    (
        i,
        ErrorCode::InvalidValue,
        format!("column `{name}` holds `{s}`, expected one of {keys:?}"),
    )
}

/// The weight in cell text `text` of the weight column `i` (`name`;
/// `None`: the cell is empty or a `missing` text): a number in JSON
/// grammar, read to the nearest double. Shared by the CSV and Arrow
/// readers; the weight's range is checked with every input's.
pub(super) fn weight_of_text(i: usize, name: &str, text: Option<&str>) -> Result<f64, CellError> {
    let Some(text) = text else {
        return Err(no_weight(i, name));
    };
    match number::is_json_number(text).then(|| text.parse::<f64>()) {
        Some(Ok(w)) => Ok(w),
        _ => Err((
            i,
            ErrorCode::InvalidValue,
            format!("`weight`: column `{name}` holds `{text}`, which is not a number; {WEIGHT_EXPECTED}"),
        )),
    }
}

/// What a weight must be, in the user's words.
const WEIGHT_EXPECTED: &str = "expected a weight: a number from 0.000001 to 100000";

/// The error of a row without a value in the weight column `i` (`name`).
#[cold]
pub(super) fn no_weight(i: usize, name: &str) -> CellError {
    let message = format!("`weight`: column `{name}` has no value; {WEIGHT_EXPECTED}");
    (i, ErrorCode::InvalidValue, message)
}

/// Text `text` of the time column `i` (`name`) that is no time in `fmt`.
#[cold]
pub(super) fn not_a_time(i: usize, name: &str, text: &str, fmt: TimeFormat) -> CellError {
    (
        i,
        ErrorCode::InvalidValue,
        format!("column `{name}` holds `{text}`, which is not a time in the {fmt:?} format (RFC 3339 with offset, YYYY-MM-DD, or unix seconds)"),
    )
}

/// Bytes [`RowReader::cell`] has checked are UTF-8, as text.
pub(super) fn checked(s: &[u8]) -> &str {
    std::str::from_utf8(s).unwrap_or_default()
}

/// An ASCII cell without the white space `str::trim` removes (for ASCII:
/// tab, line feed, vertical tab, form feed, carriage return, space).
#[inline]
pub(super) fn trim_ascii(s: &[u8]) -> &[u8] {
    let ws = |b: &u8| matches!(b, b'\t'..=b'\r' | b' ');
    let start = s.iter().position(|b| !ws(b)).unwrap_or(s.len());
    let end = s.iter().rposition(|b| !ws(b)).map_or(start, |e| e + 1);
    &s[start..end]
}

/// A rating written as one to three ASCII digits without a leading zero,
/// up to 255: the plain case of [`number::rating_of_text`], read without
/// going through `str` (`None` for anything else, which the caller gives
/// to that function).
#[inline]
pub(super) fn small_int(s: &[u8]) -> Option<u8> {
    if s.is_empty()
        || s.len() > 3
        || !s.iter().all(u8::is_ascii_digit)
        || s.len() > 1 && s[0] == b'0'
    {
        return None;
    }
    let v = s.iter().fold(0u16, |v, &d| v * 10 + u16::from(d - b'0'));
    u8::try_from(v).ok()
}

/// Unix seconds written as up to 18 ASCII digits, in the supported range:
/// what [`parse_time`] reads for [`TimeFormat::Unix`], without going
/// through `str`.
fn unix_seconds(s: &[u8]) -> Option<Timestamp> {
    if s.is_empty() || s.len() > 18 || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let v = s.iter().fold(0i64, |v, &d| v * 10 + i64::from(d - b'0'));
    Timestamp::from_unix(v)
}

/// The 1-based line where the record read from `pos` starts: the reader's
/// line at `pos` plus the line ends it skips before the record (blank lines,
/// and the `\n` of a `\r\n` it stopped at, which it counts only when it
/// reads on). `input` is the reader's input, in two pieces.
fn start_line(input: [&[u8]; 2], pos: &csv::Position) -> usize {
    let at = usize::try_from(pos.byte()).unwrap_or(usize::MAX);
    let [a, b] = input;
    let rest = a
        .get(at..)
        .unwrap_or_default()
        .iter()
        .chain(b.get(at.saturating_sub(a.len())..).unwrap_or_default());
    let skipped = rest
        .take_while(|&&c| c == b'\r' || c == b'\n')
        .filter(|&&c| c == b'\n')
        .count();
    usize::try_from(pos.line()).unwrap_or(usize::MAX) + skipped
}

/// Where a part of a CSV input starts: the records before it, and the
/// line ends before it that its reader does not see.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Cursor {
    /// Records (accepted or rejected) before the part.
    pub(super) index: usize,
    /// Line ends to add to the lines the part's reader counts.
    pub(super) lines: usize,
}

/// A record's error at `pos`, in column `column` (0-based index and name)
/// when there is one.
fn csv_error(
    pos: Position,
    column: Option<(usize, String)>,
    code: ErrorCode,
    message: String,
) -> RecordError {
    let (column, field) = column.map_or((None, None), |(c, name)| (Some(c + 1), Some(name)));
    RecordError {
        index: pos.index,
        line: pos.line,
        column,
        pointer: String::new(),
        field,
        id: None,
        code,
        message,
    }
}

/// An empty vector with `v`'s allocation, for pairs borrowing another row.
fn recycle<'k, 'b>(mut v: Vec<(&'k [u8], &[u8])>) -> Vec<(&'k [u8], &'b [u8])> {
    v.clear();
    // Collecting an emptied vector's own iterator reuses its allocation
    // (the closure never runs).
    v.into_iter().map(|(k, _)| (k, &[][..])).collect()
}

#[cfg(test)]
pub(super) mod tests {
    //! The byte path against the typed conversion it replaced (kept here as
    //! the reference), and against the general path alone (what
    //! `ingest_csv` was before the fast path and the feed); the generators
    //! are shared with the feed's tests.

    use proptest::prelude::*;

    use super::*;
    use crate::engine::{EngineConfig, Query};
    use crate::plan::Plan;
    use crate::record::{Record, Response};

    impl Engine {
        /// The general path alone over the whole text: `ingest_csv` before
        /// the fast path and the feed.
        pub(in crate::engine) fn ingest_csv_reference(
            &mut self,
            text: &[u8],
            mapping: &CsvMapping,
        ) -> Result<IngestReport, MappingError> {
            let (setup, mut reader) = self.csv_setup(text, mapping)?;
            let input = [setup.text, &[]];
            Ok(self.transaction(|e| {
                let mut report = IngestReport::default();
                let mut batch = e.new_batch();
                let mut rows = RowReader::new(&setup.cols, &setup.names, mapping);
                let mut at = Cursor::default();
                e.ingest_csv_rows(
                    &mut reader,
                    input,
                    &mut rows,
                    &mut at,
                    &mut batch,
                    &mut report,
                );
                e.flush(&mut batch);
                report
            })?)
        }

        /// The typed CSV path as it was before the byte path: a
        /// [`Response`] with a `String` per field, per row.
        fn ingest_csv_typed(
            &mut self,
            text: &[u8],
            mapping: &CsvMapping,
        ) -> Result<IngestReport, MappingError> {
            let (setup, mut reader) = self.csv_setup(text, mapping)?;
            let (names, cols) = (&setup.names, &setup.cols);
            let mut report = IngestReport::default();
            let mut batch = self.new_batch();
            let mut record = csv::ByteRecord::new();
            let max_line = self.config.limits.max_line_bytes;
            let mut index = 0usize;
            loop {
                let before = reader.position().clone();
                let read = reader.read_byte_record(&mut record);
                let line = start_line(
                    [setup.text, &[]],
                    match &read {
                        Ok(true) => record.position().unwrap_or(&before),
                        Err(e) => e.position().unwrap_or(&before),
                        Ok(false) => &before,
                    },
                );
                let pos = Position {
                    index,
                    line: Some(line),
                };
                let fail = |column: Option<(usize, String)>, code: ErrorCode, message: String| {
                    csv_error(pos, column, code, message)
                };
                match read {
                    Ok(false) => break,
                    Ok(true) => {}
                    Err(e) => {
                        report.reject(
                            fail(None, ErrorCode::ParseError, e.to_string()),
                            self.config.limits.max_errors_listed,
                        );
                        index += 1;
                        if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                            break;
                        }
                        continue;
                    }
                }
                index += 1;
                if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) && record.len() <= 1
                {
                    index -= 1;
                    continue;
                }
                let bytes: usize = record.iter().map(<[u8]>::len).sum();
                if bytes > max_line {
                    report.reject(fail(None, ErrorCode::LineTooLong, format!("the record has {bytes} bytes; the limit is {max_line} (limits.maxLineBytes)")), self.config.limits.max_errors_listed);
                    continue;
                }
                if record.len() != names.len() {
                    report.reject(
                        fail(
                            None,
                            ErrorCode::ParseError,
                            format!(
                                "expected {} fields, found {} (a truncated or malformed row)",
                                names.len(),
                                record.len()
                            ),
                        ),
                        self.config.limits.max_errors_listed,
                    );
                    continue;
                }
                match row_to_response(&record, names, cols, mapping) {
                    Ok(resp) => {
                        let rec = Record::Response(resp);
                        let before = report.errors.len();
                        self.accept(&rec, pos, &mut batch, &mut report);
                        for e in &mut report.errors[before..] {
                            if let Some((col, name)) = column_of_pointer(&e.pointer, cols, names) {
                                e.column = Some(col + 1);
                                e.field = Some(name);
                            }
                        }
                    }
                    Err((col, code, message)) => {
                        report.reject(
                            fail(Some((col, names[col].clone())), code, message),
                            self.config.limits.max_errors_listed,
                        );
                    }
                }
            }
            self.flush(&mut batch);
            Ok(report)
        }
    }

    /// Converts one CSV row; the error is (column index, message).
    fn row_to_response(
        rec: &csv::ByteRecord,
        names: &[String],
        cols: &Columns,
        m: &CsvMapping,
    ) -> Result<Response, CellError> {
        let text = |i: usize| -> Result<&str, CellError> {
            let raw = rec.get(i).unwrap_or_default();
            std::str::from_utf8(raw).map(str::trim).map_err(|e| {
                (
                    i,
                    ErrorCode::InvalidUtf8,
                    format!(
                        "column `{}` is not valid UTF-8 (byte {})",
                        names[i],
                        e.valid_up_to() + 1
                    ),
                )
            })
        };
        let is_missing = |s: &str| s.is_empty() || m.missing.iter().any(|x| x == s);
        let int = |i: usize| -> Result<Option<u8>, CellError> {
            let s = text(i)?;
            if is_missing(s) {
                return Ok(None);
            }
            cols.rating(i, s).map(Some)
        };
        let score = |c: &Option<(usize, ScoreColumn)>| -> Result<Option<u8>, CellError> {
            let Some((i, how)) = c else { return Ok(None) };
            match how {
                ScoreColumn::Column(_) => int(*i),
                ScoreColumn::Converted { equals, map, .. } => {
                    let s = text(*i)?;
                    if is_missing(s) {
                        return Ok(None);
                    }
                    if let Some(eq) = equals {
                        return Ok(Some(u8::from(s == eq)));
                    }
                    if let Some(map) = map {
                        return map.get(s).copied().map(Some).ok_or_else(|| {
                            let keys: Vec<&str> = map.keys().map(String::as_str).collect();
                            (
                                *i,
                                ErrorCode::InvalidValue,
                                format!(
                                    "column `{}` holds `{s}`, expected one of {keys:?}",
                                    names[*i]
                                ),
                            )
                        });
                    }
                    int(*i)
                }
            }
        };
        let at = match (&cols.at, m.fixed_at) {
            (Some((i, fmt)), _) => {
                let s = text(*i)?;
                parse_time(s, *fmt).ok_or_else(|| (*i, ErrorCode::InvalidValue, format!("column `{}` holds `{s}`, which is not a time in the {fmt:?} format (RFC 3339 with offset, YYYY-MM-DD, or unix seconds)", names[*i])))?
            }
            (None, Some(d)) => Timestamp::from_date(d),
            (None, None) => Timestamp::default(),
        };
        let mut r = Response {
            at,
            id: cols
                .id
                .map(text)
                .transpose()?
                .filter(|s| !s.is_empty())
                .map(str::to_string),
            nps: score(&cols.nps)?,
            csat: score(&cols.csat)?,
            ces: score(&cols.ces)?,
            overall: score(&cols.overall)?,
            ..Response::default()
        };
        for (d, i) in &cols.dims {
            let v = text(*i)?;
            if v.is_empty() {
                continue;
            }
            let v = v.to_string();
            match d.as_str() {
                "segment" => r.segment = Some(v),
                "touchpoint" => r.touchpoint = Some(v),
                "channel" => r.channel = Some(v),
                "team" => r.team = Some(v),
                "employee" => r.employee = Some(v),
                _ => {
                    r.dimensions.insert(d.clone(), v);
                }
            }
        }
        for (a, i) in &cols.attributes {
            if let Some(v) = int(*i)? {
                r.attributes.insert(a.clone(), v);
            }
        }
        for (a, i) in &cols.expectations {
            if let Some(v) = int(*i)? {
                r.expectations.insert(a.clone(), v);
            }
        }
        Ok(r)
    }

    pub(in crate::engine) const PLAN: &str = r#"{
        "schemaVersion": 1,
        "organization": {"name": "Test"},
        "attributes": [
            {"id": "wait", "label": "Wait", "scale": {"min": 1, "max": 5}},
            {"id": "speed", "label": "Speed", "scale": {"min": 1, "max": 5}, "notApplicable": 0}
        ],
        "dimensions": [{"id": "region", "label": "Region"}],
        "scales": {"csat": {"min": 1, "max": 5}, "ces": {"min": 1, "max": 7}},
        "thresholds": {"alerts": {"detractor": true, "csatBottomTwo": true, "cesAtMost": 2}}
    }"#;

    /// The header of the generated CSVs (`c` is no mapped column).
    pub(in crate::engine) const COLUMNS: [&str; 11] = [
        "id", "at", "segment", "region", "nps", "csat", "ces", "outcome", "wait", "speed", "c",
    ];

    /// Mappings: unix seconds; auto times with `missing`, a converted
    /// outcome and expectations; a fixed date and a `map`.
    pub(in crate::engine) const MAPPINGS: [&str; 3] = [
        r#"{"id": "id", "at": {"column": "at", "format": "unix"}, "dimensions": {"segment": "segment"}, "nps": "nps", "csat": "csat", "ces": "ces"}"#,
        r#"{"id": "id", "at": {"column": "at"}, "dimensions": {"segment": "segment", "region": "region"}, "nps": "nps", "csat": "csat", "overall": {"column": "outcome", "equals": "yes"}, "attributes": {"wait": "wait", "speed": "speed"}, "expectations": {"wait": "c"}, "missing": ["NA", "-"]}"#,
        r#"{"fixedAt": "2026-03-01", "dimensions": {"team": "segment", "region": "region", "employee": "c"}, "nps": "nps", "ces": {"column": "ces", "map": {"easy": 7, "hard": 1}}, "overall": {"column": "outcome"}, "attributes": {"speed": "speed"}}"#,
    ];

    pub(in crate::engine) fn engine(config: &EngineConfig) -> Engine {
        Engine::with_config(Plan::from_json(PLAN).unwrap(), config.clone()).unwrap()
    }

    pub(in crate::engine) fn query() -> Query {
        Query::from_json(
            r#"{"metrics": ["nps", "csat", "ces", "attribute:wait", "attribute:speed"], "groupBy": ["segment", "region", "team", "period:month"]}"#,
        )
        .unwrap()
    }

    /// A cell: good and bad values, empty, white space, quoted, non-UTF-8.
    pub(in crate::engine) fn cell() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            4 => (0u8..12).prop_map(|v| v.to_string().into_bytes()),
            2 => prop::sample::select(vec![
                "1767225600", "1772323200", "-5", "99999999999999999", "2026-01-05",
                "2026-02-10T09:00:00+01:00", "2026-13-01", "fam", "seniors", "yes", "no",
                "easy", "hard", "NA", "-", "", " ", " 7 ", "4.0", "4.5", "+3", "007", "256",
                "1e1", "\u{a0}8\u{a0}", "\u{3000}", "é", "x\u{b}", "\t2\t",
            ])
            .prop_map(|s| s.as_bytes().to_vec()),
            1 => prop::sample::select(vec![
                &b"\xFF"[..], b"seg\xC3", b"\"q,uoted\"", b"\"two\nlines\"", b"\"a\"\"b\"", b"\"7\"",
                b"bad\"quote", b"\"open",
            ])
            .prop_map(<[u8]>::to_vec),
            1 => "[a-z]{1,6}".prop_map(String::into_bytes),
        ]
    }

    /// A row: its cells (some rows short or long) and line ending.
    pub(in crate::engine) fn row() -> impl Strategy<Value = Vec<u8>> {
        (
            prop::collection::vec(cell(), 9..13),
            prop::sample::select(vec![&b"\n"[..], b"\r\n", b"\n\n", b"\r\n  \r\n", b"\r"]),
        )
            .prop_map(|(cells, end)| {
                let mut line = cells.join(&b","[..]);
                line.extend_from_slice(end);
                line
            })
    }

    /// A row most mappings read without a problem (so the fast path takes
    /// it), with an unusual cell now and then.
    pub(in crate::engine) fn good_row() -> impl Strategy<Value = Vec<u8>> {
        let pick = |v: &[&'static str]| prop::sample::select(v.to_vec());
        (
            (
                "r[0-9]{1,3}",
                pick(&[
                    "1767225600",
                    "1772323200",
                    "2026-01-05",
                    "2026-02-10T09:00:00+01:00",
                ]),
                pick(&["fam", "seniors", "", "biz", " fam "]),
                pick(&["north", "south", "", "NA"]),
                pick(&["7", "8", "9", "10", "", "3"]),
                pick(&["1", "3", "4", "5", "", "NA"]),
            ),
            (
                pick(&["3", "5", "7", "easy", "hard", ""]),
                pick(&["yes", "no", "7", "", "-"]),
                pick(&["1", "2", "5", "", "-", "6"]),
                pick(&["0", "1", "4", "5", ""]),
                pick(&["1", "2", "3", "x", "", "9"]),
                pick(&["\n", "\r\n", "\n\n"]),
            ),
        )
            .prop_map(
                |((id, at, seg, region, nps, csat), (ces, out, wait, speed, c, end))| {
                    let cells = [
                        id.as_str(),
                        at,
                        seg,
                        region,
                        nps,
                        csat,
                        ces,
                        out,
                        wait,
                        speed,
                        c,
                    ];
                    let mut line = cells.join(",").into_bytes();
                    line.extend_from_slice(end.as_bytes());
                    line
                },
            )
    }

    /// Rows: mostly good ones, some of any kind.
    pub(in crate::engine) fn rows(max: usize) -> impl Strategy<Value = Vec<Vec<u8>>> {
        prop::collection::vec(prop_oneof![3 => good_row(), 2 => row()], 0..max)
    }

    /// A CSV: a BOM or not, the header, rows.
    pub(in crate::engine) fn csv_text(
        rows: impl Strategy<Value = Vec<Vec<u8>>>,
    ) -> impl Strategy<Value = Vec<u8>> {
        (any::<bool>(), any::<bool>(), rows).prop_map(|(bom, crlf, rows)| {
            let mut text = Vec::new();
            if bom {
                text.extend_from_slice(b"\xEF\xBB\xBF");
            }
            text.extend_from_slice(COLUMNS.join(",").as_bytes());
            text.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
            for r in rows {
                text.extend_from_slice(&r);
            }
            text
        })
    }

    /// Limits small enough to be reached: listed errors and alerts,
    /// distinct values, line length.
    pub(in crate::engine) fn config() -> impl Strategy<Value = EngineConfig> {
        (any::<bool>(), 1usize..6, 2usize..40).prop_map(|(small, listed, values)| {
            let mut c = EngineConfig::default();
            if small {
                c.limits.max_errors_listed = listed;
                c.limits.max_alerts_listed = listed;
                c.limits.max_distinct_values = values;
                c.limits.max_line_bytes = 60;
            }
            c
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// The byte path reports and files exactly what the typed path did.
        #[test]
        fn byte_path_equals_typed_path(
            text in csv_text(rows(40)),
            m in 0..MAPPINGS.len(),
            config in config(),
        ) {
            let mapping = CsvMapping::from_json(MAPPINGS[m]).unwrap();
            let (mut typed, mut bytes) = (engine(&config), engine(&config));
            let expected = typed.ingest_csv_typed(&text, &mapping);
            let got = bytes.ingest_csv(&text, &mapping);
            if let Err(MappingError::Quote(_)) = got {
                // A stray quote (which the reference paths read to the
                // end): the call's error, nothing filed.
                prop_assert_eq!(bytes.snapshot(), engine(&config).snapshot());
                return Ok(());
            }
            prop_assert_eq!(&got, &expected);
            let report = got.unwrap();
            prop_assert_eq!(report.accepted + report.rejected, report.total);
            prop_assert_eq!(bytes.query(&query()).unwrap(), typed.query(&query()).unwrap());
            prop_assert_eq!(bytes.alerts(), typed.alerts());
        }

        /// The fast path and the feed's chunks (one thread) file what the
        /// general path files over the whole text.
        #[test]
        fn ingest_csv_equals_the_general_path(
            text in csv_text(rows(40)),
            plain in any::<bool>(),
            m in 0..MAPPINGS.len(),
            config in config(),
        ) {
            let text = if plain { plain_text(&text) } else { text };
            let mapping = CsvMapping::from_json(MAPPINGS[m]).unwrap();
            let (mut general, mut e) = (engine(&config), engine(&config));
            let expected = general.ingest_csv_reference(&text, &mapping);
            let got = e.ingest_csv(&text, &mapping);
            if let Err(MappingError::Quote(_)) = got {
                prop_assert_eq!(e.snapshot(), engine(&config).snapshot());
                return Ok(());
            }
            prop_assert_eq!(&got, &expected);
            prop_assert_eq!(e.query(&query()).unwrap(), general.query(&query()).unwrap());
            prop_assert_eq!(e.alerts(), general.alerts());
            prop_assert_eq!(e.snapshot(), general.snapshot());
        }
    }

    /// `text` without quotes and lone `\r`s: every line a record, read by
    /// the fast path and split across threads.
    pub(in crate::engine) fn plain_text(text: &[u8]) -> Vec<u8> {
        text.iter()
            .map(|&b| match b {
                b'"' => b'x',
                b'\r' => b'\n',
                _ => b,
            })
            .collect()
    }

    /// Errors name the line a record starts on, whatever the line ends
    /// (the reader counts the `\n` of a `\r\n` only when it reads on).
    #[test]
    fn error_lines_are_the_file_lines() {
        let mapping = CsvMapping::from_json(r#"{"fixedAt": "2026-01-01", "nps": "nps"}"#).unwrap();
        for text in [
            &b"nps,c\nx,1\n9,1\n\n\nx,\"a\nb\"\nx,1"[..],
            b"nps,c\r\nx,1\r\n9,1\r\n\r\n\r\nx,\"a\r\nb\"\r\nx,1\r\n",
            b"\xEF\xBB\xBF\nnps,c\nx,1\r\n9,1\n\r\n\nx,\"a\nb\"\r\nx,1\n",
        ] {
            let mut e = engine(&EngineConfig::default());
            let r = e.ingest_csv(text, &mapping).unwrap();
            let lines: Vec<_> = r.errors.iter().map(|e| e.line.unwrap()).collect();
            let shift = usize::from(text.starts_with(b"\xEF"));
            assert_eq!(
                lines,
                [2 + shift, 6 + shift, 8 + shift],
                "{:?}",
                String::from_utf8_lossy(text)
            );
        }
    }

    #[test]
    fn parallel_splits_a_large_file_with_errors_at_the_cuts() {
        let mapping = CsvMapping::from_json(MAPPINGS[0]).unwrap();
        let mut text = COLUMNS.join(",").into_bytes();
        text.push(b'\n');
        let rows = 6000;
        for i in 0..rows {
            let nps = if i % 1000 == 999 {
                "11".into()
            } else {
                (i % 11).to_string()
            };
            let row = format!(
                "r{i},{},s{},n,{nps},3,4,yes,2,0,x\r\n",
                1_767_225_600 + i,
                i % 7
            );
            text.extend_from_slice(row.as_bytes());
        }
        let mut sequential = engine(&EngineConfig::default());
        let expected = sequential.ingest_csv(&text, &mapping).unwrap();
        assert_eq!(expected.rejected, 6);
        for threads in 1..=4 {
            let mut e = engine(&EngineConfig::default());
            let got = crate::engine::CsvFeed::new(&mapping)
                .threads(threads)
                .read(&mut e, text.as_slice())
                .unwrap();
            assert_eq!(got, expected, "{threads} threads");
            assert_eq!(
                e.query(&query()).unwrap(),
                sequential.query(&query()).unwrap()
            );
        }
    }
}
