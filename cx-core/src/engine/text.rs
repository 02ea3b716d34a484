//! JSON and JSON Lines input: records parsed straight from text, each error
//! with its line, column and JSON Pointer.

use serde::Deserialize;

use super::ingest::{IngestReport, Position, RecordError};
use super::{Engine, ResponseRef};
use crate::record::{Audit, EmployeeResponse, KpiObservation, Record, Response, Timestamp};

/// Why a whole JSON document could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} at line {line}, column {column}")]
pub struct JsonError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What was wrong.
    pub message: String,
}

/// Reads only `kind`; every other field is skipped without allocation.
#[derive(Deserialize)]
struct KindProbe<'a> {
    #[serde(borrow, default)]
    kind: Option<std::borrow::Cow<'a, str>>,
}

/// A customer-response line read in place, without copying a string: the
/// fast path of JSON Lines ingest. A line it cannot read — another record
/// kind, a string with escapes, a wrong type, an unknown or repeated field
/// — goes to [`parse_record`], which reads it as before and says exactly
/// why it is wrong; so both paths accept and reject the same lines.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ResponseLine<'a> {
    #[serde(default)]
    kind: Option<&'a str>,
    #[serde(default)]
    id: Option<&'a str>,
    at: Timestamp,
    #[serde(default)]
    segment: Option<&'a str>,
    #[serde(default)]
    touchpoint: Option<&'a str>,
    #[serde(default)]
    channel: Option<&'a str>,
    #[serde(default)]
    team: Option<&'a str>,
    #[serde(default)]
    employee: Option<&'a str>,
    #[serde(default, borrow, deserialize_with = "pairs")]
    dimensions: Vec<(&'a [u8], &'a [u8])>,
    #[serde(default)]
    nps: Option<u8>,
    #[serde(default)]
    csat: Option<u8>,
    #[serde(default)]
    ces: Option<u8>,
    #[serde(default)]
    overall: Option<u8>,
    #[serde(default, borrow, deserialize_with = "pairs")]
    attributes: Vec<(&'a [u8], u8)>,
    #[serde(default, borrow, deserialize_with = "pairs")]
    expectations: Vec<(&'a [u8], u8)>,
    #[serde(default)]
    #[allow(dead_code)] // read for its type check only
    comment: Option<&'a str>,
}

fn bytes(s: Option<&str>) -> Option<&[u8]> {
    s.map(str::as_bytes)
}

impl ResponseLine<'_> {
    fn borrow(&self) -> ResponseRef<'_> {
        let b = bytes;
        ResponseRef {
            id: b(self.id),
            at: self.at,
            segment: b(self.segment),
            touchpoint: b(self.touchpoint),
            channel: b(self.channel),
            team: b(self.team),
            employee: b(self.employee),
            dimensions: &self.dimensions,
            nps: self.nps,
            csat: self.csat,
            ces: self.ces,
            overall: self.overall,
            attributes: &self.attributes,
            expectations: &self.expectations,
        }
    }
}

/// An object read in place as (key, value) pairs; a repeated key is an
/// error (as for [`Response`]).
fn pairs<'de, D, V>(d: D) -> Result<Vec<(&'de [u8], V)>, D::Error>
where
    D: serde::Deserializer<'de>,
    V: BorrowedValue<'de>,
{
    struct Visit<V>(std::marker::PhantomData<V>);
    impl<'de, V: BorrowedValue<'de>> serde::de::Visitor<'de> for Visit<V> {
        type Value = Vec<(&'de [u8], V)>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object with distinct keys")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut m: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out: Vec<(&'de [u8], V)> = Vec::new();
            while let Some(k) = m.next_key::<&'de str>()? {
                if out.iter().any(|(seen, _)| *seen == k.as_bytes()) {
                    return Err(serde::de::Error::custom("duplicate key"));
                }
                out.push((k.as_bytes(), V::read(&mut m)?));
            }
            Ok(out)
        }
    }
    d.deserialize_map(Visit(std::marker::PhantomData))
}

/// A map value [`pairs`] reads: a rating or a borrowed string (as bytes).
trait BorrowedValue<'de>: Sized {
    fn read<A: serde::de::MapAccess<'de>>(m: &mut A) -> Result<Self, A::Error>;
}

impl<'de> BorrowedValue<'de> for u8 {
    fn read<A: serde::de::MapAccess<'de>>(m: &mut A) -> Result<Self, A::Error> {
        m.next_value()
    }
}

impl<'de> BorrowedValue<'de> for &'de [u8] {
    fn read<A: serde::de::MapAccess<'de>>(m: &mut A) -> Result<Self, A::Error> {
        m.next_value::<&'de str>().map(str::as_bytes)
    }
}

/// A record parse failure: (line within the text, column, pointer, message).
pub(crate) type ParseFailure = (usize, usize, String, String);

/// Parses one record from JSON text: a line without `kind` (or with
/// `"kind": "response"`) is a [`Response`]; `employee`, `audit`, `kpi` the others.
pub(crate) fn parse_record(text: &str) -> Result<Record, ParseFailure> {
    let probe: KindProbe = match serde_json::from_str(text) {
        Ok(p) => p,
        Err(e) => {
            return Err((
                e.line().max(1),
                e.column().max(1),
                String::new(),
                strip(&e.to_string()),
            ))
        }
    };
    let kind = probe.kind.as_deref().map(str::to_string);
    match kind.as_deref() {
        None | Some("response") => crate::plan::parse::from_json_positioned::<Response>(text).map(Record::Response),
        Some("employee") => crate::plan::parse::from_json_positioned::<EmployeeResponse>(text).map(Record::Employee),
        Some("audit") => crate::plan::parse::from_json_positioned::<Audit>(text).map(Record::Audit),
        Some("kpi") => crate::plan::parse::from_json_positioned::<KpiObservation>(text).map(Record::Kpi),
        Some(other) => Err((
            1,
            1,
            "/kind".into(),
            format!("unknown record kind `{other}`: expected no kind (a customer response), \"employee\", \"audit\" or \"kpi\""),
        )),
    }
}

fn strip(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// Reads the `id` of a record that failed to parse, when it can.
fn id_of(text: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct IdProbe {
        id: Option<String>,
    }
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| serde_json::from_value::<IdProbe>(v).ok())
        .and_then(|p| p.id)
}

/// Splits JSON Lines text into (1-based line number, line bytes), skipping
/// blank lines (which are not counted), stripping a UTF-8 BOM at the start
/// and a `\r` before each `\n`.
pub(crate) fn lines(text: &[u8], first_line: usize) -> impl Iterator<Item = (usize, &[u8])> {
    let text = text
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(text);
    text.split(|&b| b == b'\n')
        .enumerate()
        .map(move |(i, l)| (first_line + i, l.strip_suffix(b"\r").unwrap_or(l)))
        .filter(|(_, l)| !l.iter().all(u8::is_ascii_whitespace))
}

impl Engine {
    /// Ingests JSON Lines: one record per line, 1-based line numbers, blank
    /// lines skipped and not counted. A bad line (invalid UTF-8, malformed
    /// JSON, wrong type, unknown field, off-scale value, unknown id, too
    /// long) is reported with its line, column and JSON Pointer and changes
    /// nothing; every good line counts.
    pub fn ingest_json_lines(&mut self, text: &[u8]) -> IngestReport {
        self.ingest_json_lines_from(text, 1, 0)
    }

    /// Ingests one part of a larger JSON Lines input whose first line is
    /// line `first_line` and first record is record `first_index` (for
    /// callers that feed a large file in chunks split on line boundaries,
    /// e.g. to show progress): positions in the report are those of the
    /// whole input.
    pub fn ingest_json_lines_from(
        &mut self,
        text: &[u8],
        first_line: usize,
        first_index: usize,
    ) -> IngestReport {
        let mut report = IngestReport::default();
        let mut batch = self.new_batch();
        let max_line = self.config.limits.max_line_bytes;
        for (index, (line_no, line)) in lines(text, first_line).enumerate() {
            let pos = Position {
                index: first_index + index,
                line: Some(line_no),
            };
            let fail = |code: &str,
                        column: Option<usize>,
                        pointer: String,
                        message: String,
                        id: Option<String>| RecordError {
                index: pos.index,
                line: pos.line,
                column,
                pointer,
                field: None,
                id,
                code: code.to_string(),
                message,
            };
            if line.len() > max_line {
                let e = fail(
                    "line-too-long",
                    None,
                    String::new(),
                    format!(
                        "the line has {} bytes; the limit is {max_line} (limits.maxLineBytes)",
                        line.len()
                    ),
                    None,
                );
                report.reject(e, self.config.limits.max_errors_listed);
                continue;
            }
            let text = match std::str::from_utf8(line) {
                Ok(t) => t,
                Err(e) => {
                    let err = fail(
                        "invalid-utf8",
                        Some(e.valid_up_to() + 1),
                        String::new(),
                        format!("invalid UTF-8 at byte {}", e.valid_up_to() + 1),
                        None,
                    );
                    report.reject(err, self.config.limits.max_errors_listed);
                    continue;
                }
            };
            // Most lines are customer responses: read them in place.
            if let Ok(line) = serde_json::from_str::<ResponseLine>(text) {
                if matches!(line.kind, None | Some("response")) {
                    let row = line.borrow();
                    self.accept_row(&row, pos, &mut batch, &mut report);
                    continue;
                }
            }
            match parse_record(text) {
                Ok(rec) => self.accept(&rec, pos, &mut batch, &mut report),
                Err((_, column, pointer, message)) => {
                    let e = fail("parse-error", Some(column), pointer, message, id_of(text));
                    report.reject(e, self.config.limits.max_errors_listed);
                }
            }
        }
        self.flush(&mut batch);
        report
    }

    /// Ingests JSON Lines on every core: the text is split on line
    /// boundaries, each part ingested by its own engine, and the engines
    /// merged in order. The statistics, report and alerts are exactly those
    /// of [`Engine::ingest_json_lines`].
    #[cfg(feature = "parallel")]
    pub fn ingest_json_lines_parallel(&mut self, text: &[u8], threads: usize) -> IngestReport {
        let threads = threads.max(1);
        if threads == 1 || text.len() < 1 << 16 {
            return self.ingest_json_lines(text);
        }
        // Cut points at line starts.
        let mut cuts = vec![0usize];
        for t in 1..threads {
            let mut at = text.len() * t / threads;
            while at < text.len() && text[at - 1] != b'\n' {
                at += 1;
            }
            if at > *cuts.last().unwrap_or(&0) && at < text.len() {
                cuts.push(at);
            }
        }
        cuts.push(text.len());
        // Line numbers and record indexes at each cut.
        let parts: Vec<&[u8]> = cuts.windows(2).map(|w| &text[w[0]..w[1]]).collect();
        let mut first_lines = vec![1usize];
        let mut first_index = vec![0usize];
        for (i, p) in parts.iter().enumerate().take(parts.len() - 1) {
            // The BOM only matters for the first part.
            let p_lines = p.iter().filter(|&&b| b == b'\n').count();
            first_lines.push(first_lines[i] + p_lines);
            first_index.push(first_index[i] + lines(p, 1).count());
        }
        let results: Vec<(Engine, IngestReport)> = std::thread::scope(|s| {
            let handles: Vec<_> = parts
                .iter()
                .enumerate()
                .map(|(i, part)| {
                    let mut e = self.empty_like();
                    let (fl, fi) = (first_lines[i], first_index[i]);
                    s.spawn(move || {
                        let r = e.ingest_json_lines_from(part, fl, fi);
                        (e, r)
                    })
                })
                .collect();
            handles.into_iter().filter_map(|h| h.join().ok()).collect()
        });
        if results.len() != parts.len() {
            // A part's thread panicked: nothing was filed yet.
            return self.ingest_json_lines(text);
        }
        // The parts, combined in order, must pass the checks sequential
        // ingest makes line by line (KPI totals stay finite, dimensions stay
        // within maxDistinctValues); otherwise which lines are refused
        // depends on their order, so the input is ingested sequentially.
        // Nothing is filed into `self` before every check has passed.
        let mut parts = results.into_iter();
        let (mut combined, mut report) = parts
            .next()
            .unwrap_or_else(|| (self.empty_like(), IngestReport::default()));
        let limits = self.config.limits.clone();
        for (engine, r) in parts {
            if combined.merge(&engine).is_err() {
                return self.ingest_json_lines(text);
            }
            report.absorb(r, limits.max_errors_listed, limits.max_alerts_listed);
        }
        if self.check_kpi_totals(&combined).is_err() || self.merge_inner(&combined, false).is_err()
        {
            return self.ingest_json_lines(text);
        }
        self.log_alerts(&report.alerts);
        report
    }

    /// Ingests JSON text: an array of records, or one record. A document
    /// that is not JSON is an error for the whole call (nothing is filed);
    /// otherwise each element is checked on its own and a bad one is
    /// reported with its JSON Pointer (`/3/nps`).
    pub fn ingest_json(&mut self, text: &str) -> Result<IngestReport, JsonError> {
        // Each element is kept as its exact text and read like a JSON line:
        // going through `serde_json::Value` would silently keep the last of
        // duplicate keys (`{"nps": 1, "nps": 9}`).
        let json_error = |e: serde_json::Error| JsonError {
            line: e.line().max(1),
            column: e.column().max(1),
            message: strip(&e.to_string()),
        };
        let whole: &serde_json::value::RawValue = serde_json::from_str(text).map_err(json_error)?;
        let (items, prefix): (Vec<&serde_json::value::RawValue>, bool) =
            if whole.get().starts_with('[') {
                (serde_json::from_str(whole.get()).map_err(json_error)?, true)
            } else {
                (vec![whole], false)
            };
        let mut report = IngestReport::default();
        let mut batch = self.new_batch();
        for (index, item) in items.into_iter().enumerate() {
            let pos = Position { index, line: None };
            let text = item.get();
            match parse_record(text) {
                Ok(rec) => {
                    let before = report.errors.len();
                    self.accept(&rec, pos, &mut batch, &mut report);
                    if prefix {
                        for e in &mut report.errors[before..] {
                            e.pointer = format!("/{index}{}", e.pointer);
                        }
                    }
                }
                Err((_, _, pointer, message)) => {
                    let pointer = if prefix {
                        format!("/{index}{pointer}")
                    } else {
                        pointer
                    };
                    let e = RecordError {
                        index,
                        line: None,
                        column: None,
                        pointer,
                        field: None,
                        id: id_of(text),
                        code: "parse-error".into(),
                        message,
                    };
                    report.reject(e, self.config.limits.max_errors_listed);
                }
            }
        }
        self.flush(&mut batch);
        Ok(report)
    }
}

impl Record {
    /// Parses one record from a JSON value (used by the bindings): no `kind`
    /// is a customer response. The error is `(JSON Pointer, message)`.
    pub fn from_json_value(value: &serde_json::Value) -> Result<Record, (String, String)> {
        parse_record(&value.to_string()).map_err(|(_, _, p, m)| (p, m))
    }

    /// Parses one record from JSON text. The error is `(line, column, JSON
    /// Pointer, message)`.
    pub fn from_json(text: &str) -> Result<Record, (usize, usize, String, String)> {
        parse_record(text)
    }
}
