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

use super::ingest::{IngestReport, Position, RecordError};
use super::Engine;
use crate::record::{Response, Timestamp};

/// How a CSV column maps to a customer response.
///
/// ```json
/// {
///   "at": {"column": "date", "format": "date"},
///   "id": "respondent",
///   "dimensions": {"segment": "Customer Type", "class": "Class"},
///   "nps": "Recommend",
///   "overall": {"column": "satisfaction", "equals": "satisfied"},
///   "attributes": {"seat-comfort": "Seat comfort"}
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
#[serde(untagged)]
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
    #[error("invalid mapping at line {line}, column {column} ({pointer}): {message}")]
    Parse {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// JSON Pointer.
        pointer: String,
        /// What is wrong.
        message: String,
    },
}

impl CsvMapping {
    /// Reads a mapping from JSON text.
    pub fn from_json(text: &str) -> Result<CsvMapping, MappingError> {
        crate::plan::parse::from_json_positioned(text).map_err(
            |(line, column, pointer, message)| MappingError::Parse {
                line,
                column,
                pointer,
                message,
            },
        )
    }
}

/// Resolved column indexes.
struct Columns {
    id: Option<usize>,
    at: Option<(usize, TimeFormat)>,
    dims: Vec<(String, usize)>,
    nps: Option<(usize, ScoreColumn)>,
    csat: Option<(usize, ScoreColumn)>,
    ces: Option<(usize, ScoreColumn)>,
    overall: Option<(usize, ScoreColumn)>,
    attributes: Vec<(String, usize)>,
    expectations: Vec<(String, usize)>,
}

impl Engine {
    /// Ingests CSV text with a column mapping. A mapping that does not fit
    /// the header or the plan is an error for the whole call; a bad row
    /// (wrong number of fields, invalid UTF-8, a non-integer score, an
    /// off-scale value, an unreadable date, a too-long record) is reported
    /// with its line, field number and column name and changes nothing.
    /// A UTF-8 BOM and CRLF line ends are accepted.
    pub fn ingest_csv(
        &mut self,
        text: &[u8],
        mapping: &CsvMapping,
    ) -> Result<IngestReport, MappingError> {
        let text = text
            .strip_prefix(b"\xEF\xBB\xBF".as_slice())
            .unwrap_or(text);
        if mapping.at.is_some() == mapping.fixed_at.is_some() {
            return Err(MappingError::Time);
        }
        let delimiter = u8::try_from(mapping.delimiter)
            .ok()
            .filter(u8::is_ascii)
            .ok_or(MappingError::Delimiter)?;
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .has_headers(true)
            .from_reader(text);
        let header = reader
            .byte_headers()
            .map_err(|e| MappingError::Header(e.to_string()))?
            .clone();
        let names: Vec<String> = header
            .iter()
            .map(|h| String::from_utf8_lossy(h).trim().to_string())
            .collect();
        let cols = self.resolve(mapping, &names)?;
        let mut report = IngestReport::default();
        let mut batch = self.new_batch();
        let mut record = csv::ByteRecord::new();
        let max_line = self.config.limits.max_line_bytes;
        let mut index = 0usize;
        loop {
            let before = reader.position().line() as usize;
            let read = reader.read_byte_record(&mut record);
            // The physical line where this record starts (a syntax error has
            // no record). The reader counts the header's line ending only
            // once the first record is read, hence the + 1.
            let line = 1 + match &read {
                Ok(true) => record.position().map_or(before, |p| p.line() as usize),
                Err(e) => e.position().map_or(before, |p| p.line() as usize),
                Ok(false) => before,
            };
            let pos = Position {
                index,
                line: Some(line),
            };
            let this = index;
            let fail = |column: Option<usize>,
                        field: Option<String>,
                        code: &str,
                        message: String| RecordError {
                index: this,
                line: Some(line),
                column,
                pointer: String::new(),
                field,
                id: None,
                code: code.to_string(),
                message,
            };
            match read {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    // A CSV syntax error: the reader resynchronises on the next record.
                    report.reject(
                        fail(None, None, "parse-error", e.to_string()),
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
            if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) && record.len() <= 1 {
                index -= 1; // blank line: not a record
                continue;
            }
            let bytes: usize = record.iter().map(<[u8]>::len).sum();
            if bytes > max_line {
                report.reject(fail(None, None, "line-too-long", format!("the record has {bytes} bytes; the limit is {max_line} (limits.maxLineBytes)")), self.config.limits.max_errors_listed);
                continue;
            }
            if record.len() != names.len() {
                report.reject(
                    fail(
                        None,
                        None,
                        "parse-error",
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
            match self.row_to_response(&record, &names, &cols, mapping) {
                Ok(resp) => {
                    let rec = crate::record::Record::Response(resp);
                    let before = report.errors.len();
                    self.accept(&rec, pos, &mut batch, &mut report);
                    // Name the CSV column of a value the plan refused.
                    for e in &mut report.errors[before..] {
                        if let Some((col, name)) = column_of_pointer(&e.pointer, &cols, &names) {
                            e.column = Some(col + 1);
                            e.field = Some(name);
                        }
                    }
                }
                Err((col, message)) => {
                    report.reject(
                        fail(
                            Some(col + 1),
                            Some(names[col].clone()),
                            "invalid-value",
                            message,
                        ),
                        self.config.limits.max_errors_listed,
                    );
                }
            }
        }
        self.flush(&mut batch);
        Ok(report)
    }

    fn resolve(&self, m: &CsvMapping, names: &[String]) -> Result<Columns, MappingError> {
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
        Ok(Columns {
            id: m.id.as_ref().map(|c| find(c, "/id".into())).transpose()?,
            at: m
                .at
                .as_ref()
                .map(|t| Ok((find(&t.column, "/at/column".into())?, t.format)))
                .transpose()?,
            attributes: attrs(&m.attributes, "attributes")?,
            expectations: attrs(&m.expectations, "expectations")?,
            dims,
            nps: score(&m.nps, "nps")?,
            csat: score(&m.csat, "csat")?,
            ces: score(&m.ces, "ces")?,
            overall: score(&m.overall, "overall")?,
        })
    }

    /// Converts one CSV row; the error is (column index, message).
    fn row_to_response(
        &self,
        rec: &csv::ByteRecord,
        names: &[String],
        cols: &Columns,
        m: &CsvMapping,
    ) -> Result<Response, (usize, String)> {
        let text = |i: usize| -> Result<&str, (usize, String)> {
            let raw = rec.get(i).unwrap_or_default();
            std::str::from_utf8(raw).map(str::trim).map_err(|e| {
                (
                    i,
                    format!(
                        "column `{}` is not valid UTF-8 (byte {})",
                        names[i],
                        e.valid_up_to() + 1
                    ),
                )
            })
        };
        let is_missing = |s: &str| s.is_empty() || m.missing.iter().any(|x| x == s);
        let int = |i: usize| -> Result<Option<u8>, (usize, String)> {
            let s = text(i)?;
            if is_missing(s) {
                return Ok(None);
            }
            parse_rating(s).map(Some).ok_or_else(|| (i, format!("column `{}` holds `{s}`, but a rating must be a whole number from 0 to 255", names[i])))
        };
        let score = |c: &Option<(usize, ScoreColumn)>| -> Result<Option<u8>, (usize, String)> {
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
                parse_time(s, *fmt).ok_or_else(|| (*i, format!("column `{}` holds `{s}`, which is not a time in the {fmt:?} format (RFC 3339 with offset, YYYY-MM-DD, or unix seconds)", names[*i])))?
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
}

/// A whole number 0–255; `4.0` is accepted as 4, `4.5` is not.
fn parse_rating(s: &str) -> Option<u8> {
    if let Ok(v) = s.parse::<u8>() {
        return Some(v);
    }
    let f: f64 = s.parse().ok()?;
    (f.fract() == 0.0 && (0.0..=255.0).contains(&f)).then_some(f as u8)
}

fn parse_time(s: &str, fmt: TimeFormat) -> Option<Timestamp> {
    match fmt {
        TimeFormat::Auto => s.parse().ok(),
        TimeFormat::Rfc3339 => (s.len() > 10).then(|| s.parse().ok()).flatten(),
        TimeFormat::Date => (s.len() == 10).then(|| s.parse().ok()).flatten(),
        TimeFormat::Unix => s.parse::<i64>().ok().and_then(Timestamp::from_unix),
    }
}

/// The CSV column behind a record pointer such as `/attributes/wifi`.
fn column_of_pointer(pointer: &str, cols: &Columns, names: &[String]) -> Option<(usize, String)> {
    let parts: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
    let idx = match parts.as_slice() {
        ["nps"] => cols.nps.as_ref().map(|c| c.0),
        ["csat"] => cols.csat.as_ref().map(|c| c.0),
        ["ces"] => cols.ces.as_ref().map(|c| c.0),
        ["overall"] => cols.overall.as_ref().map(|c| c.0),
        ["attributes", a] => cols.attributes.iter().find(|x| x.0 == *a).map(|x| x.1),
        ["expectations", a] => cols.expectations.iter().find(|x| x.0 == *a).map(|x| x.1),
        ["dimensions", d] | [d] => cols.dims.iter().find(|x| x.0 == *d).map(|x| x.1),
        _ => None,
    }?;
    Some((idx, names[idx].clone()))
}
