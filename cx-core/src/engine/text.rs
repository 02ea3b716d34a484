//! JSON and JSON Lines input: records parsed straight from text, each error
//! with its line, column and JSON Pointer.

use serde::Deserialize;

use super::cells::ResponseBatch;
use super::ingest::{IngestReport, Position, RecordError};
use super::rows::rating_range;
use super::{Engine, LimitError, MemoryLimit, Overflow, ResponseRef};
use crate::error::{ErrorCode, ParseError};
use crate::number::Rating;
use crate::record::{
    Audit, EmployeeResponse, KpiObservation, Record, Response, ResponseField, ResponseField as F,
    Timestamp,
};

/// The UTF-8 byte-order mark, skipped at the start of a JSON Lines input.
const BOM: &[u8; 3] = b"\xEF\xBB\xBF";

/// How many bytes [`JsonLinesFeed::read`] reads at a time (per thread).
const READ_CHUNK: usize = 8 << 20;

/// Why a JSON document, a CSV input or a read input could not be ingested
/// ([`Engine::ingest_json`], [`CsvFeed::read`](super::CsvFeed::read),
/// [`JsonLinesFeed::read`]).
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The document is not JSON: nothing was filed.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// A CSV mapping that does not fit the header or the plan: nothing
    /// was filed.
    #[error(transparent)]
    Mapping(super::MappingError),
    /// The input could not be read to its end: the records before are
    /// filed.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// The cells would pass `limits.maxCellBytes`: nothing of the call was
    /// kept.
    #[error(transparent)]
    MemoryLimit(#[from] MemoryLimit),
    /// The records of a kind would pass 2^53
    /// ([`MAX_SNAPSHOT_COUNT`](super::MAX_SNAPSHOT_COUNT)): nothing of the
    /// call was kept.
    #[error(transparent)]
    Overflow(#[from] Overflow),
    /// A CSV quoted field that never closes (a stray quote): nothing was
    /// filed.
    #[error(transparent)]
    Quote(#[from] super::UnterminatedQuote),
}

impl From<super::MappingError> for IngestError {
    fn from(e: super::MappingError) -> IngestError {
        match e {
            super::MappingError::MemoryLimit(m) => IngestError::MemoryLimit(m),
            super::MappingError::Overflow(o) => IngestError::Overflow(o),
            super::MappingError::Quote(q) => IngestError::Quote(q),
            e => IngestError::Mapping(e),
        }
    }
}

impl From<LimitError> for IngestError {
    fn from(e: LimitError) -> IngestError {
        match e {
            LimitError::MemoryLimit(e) => IngestError::MemoryLimit(e),
            LimitError::Overflow(e) => IngestError::Overflow(e),
        }
    }
}

impl IngestError {
    /// The stable error code.
    pub fn code(&self) -> ErrorCode {
        match self {
            IngestError::Parse(_) => ErrorCode::ParseError,
            IngestError::Mapping(e) => e.code(),
            IngestError::Read(_) => ErrorCode::ReadError,
            IngestError::MemoryLimit(e) => e.code(),
            IngestError::Overflow(e) => e.code(),
            IngestError::Quote(_) => ErrorCode::ParseError,
        }
    }
}

/// A read error in [`JsonLinesFeed::read`]: the records read
/// before it are filed, and `report` is theirs.
#[derive(Debug, thiserror::Error)]
#[error("cannot read line {line}: {error}")]
pub struct ReadError {
    /// The report of the records filed before the error.
    pub report: IngestReport,
    /// The 1-based line the read failed in (the first line not filed).
    pub line: usize,
    /// The reader's error.
    #[source]
    pub error: std::io::Error,
}

/// JSON Lines fed in pieces of any size and split anywhere (network
/// packets, a browser's file stream, a pipe): each [`push`] files the lines
/// it completes and returns their report; [`finish`] files the last line
/// and returns the report of the whole input — the report, positions and
/// statistics [`Engine::ingest_json_lines`] gives for the whole text.
/// Memory holds one unfinished line at most: a line longer than
/// `limits.maxLineBytes` is counted and rejected without being kept.
///
/// A feed belongs to one engine: give every call the same one.
///
/// ```
/// use cx_core::engine::{Engine, JsonLinesFeed};
/// use cx_core::plan::Plan;
///
/// let plan = Plan::from_json(r#"{"schemaVersion": 1, "organization": {"name": "Acme"}}"#).unwrap();
/// let mut engine = Engine::new(plan).unwrap();
/// let mut feed = JsonLinesFeed::new();
/// let first = feed.push(&mut engine, b"{\"at\": \"2026-01-05\", \"nps\": 3}\n{\"at\": \"2026-").unwrap();
/// assert_eq!((first.accepted, first.alerts.len()), (1, 1)); // a detractor: act now
/// feed.push(&mut engine, b"01-06\", \"nps\": 11}").unwrap();
/// let whole = feed.finish(&mut engine).unwrap();
/// assert_eq!((whole.accepted, whole.rejected), (1, 1));
/// assert_eq!(whole.errors[0].line, Some(2));
/// ```
///
/// [`push`]: JsonLinesFeed::push
/// [`finish`]: JsonLinesFeed::finish
#[derive(Debug, Clone)]
pub struct JsonLinesFeed {
    /// The unfinished line (bytes after the last `\n` fed).
    tail: Vec<u8>,
    /// The 1-based line the next byte belongs to, once `tail` is filed.
    line: usize,
    /// The index of the next record.
    index: usize,
    /// The line being skipped because it is already too long: its bytes
    /// so far (a byte-order mark on line 1 not counted), whether they are
    /// all whitespace (a blank line is skipped, not counted), and whether
    /// the last one is `\r` (not counted at the line's end).
    long: Option<(usize, bool, bool)>,
    /// The report of everything filed so far.
    total: IngestReport,
    /// Threads that file the complete lines of each piece.
    threads: usize,
    /// The memory-limit or overflow error that spent the feed.
    failed: Option<LimitError>,
}

impl Default for JsonLinesFeed {
    fn default() -> Self {
        JsonLinesFeed::new()
    }
}

impl JsonLinesFeed {
    /// A feed at the start of an input (line 1, record 0).
    pub fn new() -> JsonLinesFeed {
        JsonLinesFeed {
            tail: Vec::new(),
            line: 1,
            index: 0,
            long: None,
            total: IngestReport::default(),
            threads: 1,
            failed: None,
        }
    }

    /// Files the complete lines of each piece on `threads` threads (with
    /// the `parallel` feature; one otherwise): the same report, positions
    /// and statistics as on one. Pieces under 64 KiB stay on one thread.
    pub fn threads(mut self, threads: usize) -> JsonLinesFeed {
        self.threads = threads.max(1);
        self
    }

    /// Reads the whole input from `reader` (a file, standard input, a
    /// socket) and ends it, as one call: the report, positions and
    /// statistics [`Engine::ingest_json_lines`] gives for the whole text.
    /// It reads 8 MiB per thread at a time, so memory holds about one chunk
    /// and the cells, whatever the input's size: a line longer than
    /// `limits.maxLineBytes` is counted and rejected without being kept.
    ///
    /// A read error stops the ingest: the complete lines read before it are
    /// filed, and the [`ReadError`] holds their report and the first line
    /// not filed. Past `limits.maxCellBytes`, or past 2^53 records of a
    /// kind, nothing of the input is kept.
    ///
    /// ```
    /// use cx_core::engine::{Engine, JsonLinesFeed};
    /// use cx_core::plan::Plan;
    ///
    /// let plan = Plan::from_json(r#"{"schemaVersion": 1, "organization": {"name": "Acme"}}"#).unwrap();
    /// let mut engine = Engine::new(plan).unwrap();
    /// let input = "{\"at\": \"2026-01-05\", \"nps\": 9}\n{\"at\": \"2026-01-06\", \"nps\": 11}\n";
    /// let report = JsonLinesFeed::new().threads(2).read(&mut engine, input.as_bytes()).unwrap();
    /// assert_eq!((report.accepted, report.rejected), (1, 1));
    /// assert_eq!((report.errors[0].line, report.errors[0].pointer.as_str()), (Some(2), "/nps"));
    /// ```
    pub fn read<R: std::io::Read>(
        self,
        engine: &mut Engine,
        reader: R,
    ) -> Result<IngestReport, IngestError> {
        let chunk = READ_CHUNK.saturating_mul(self.threads);
        self.read_chunked(engine, reader, chunk)
    }

    /// [`JsonLinesFeed::read`] with reads of `chunk` bytes: one call for
    /// the memory budget.
    fn read_chunked<R: std::io::Read>(
        self,
        engine: &mut Engine,
        reader: R,
        chunk: usize,
    ) -> Result<IngestReport, IngestError> {
        if let Some(e) = &self.failed {
            return Err(e.clone().into());
        }
        Ok(engine.transaction(|e| self.read_all(e, reader, chunk))??)
    }

    fn read_all<R: std::io::Read>(
        mut self,
        engine: &mut Engine,
        mut reader: R,
        chunk: usize,
    ) -> Result<IngestReport, ReadError> {
        use std::io::Read as _;
        let mut buf = Vec::new();
        let mut total = std::mem::take(&mut self.total);
        loop {
            buf.clear();
            // `read_to_end` retries interrupted reads and keeps what it read
            // before an error.
            let read = (&mut reader)
                .take(chunk.max(1) as u64)
                .read_to_end(&mut buf);
            match read {
                Ok(0) => {
                    self.feed(engine, &[], true, &mut total);
                    return Ok(total);
                }
                // The transaction fails at its end.
                Ok(_) if engine.over_budget() => return Ok(total),
                Ok(_) => self.feed(engine, &buf, false, &mut total),
                Err(error) => {
                    self.feed(engine, &buf, false, &mut total);
                    return Err(ReadError {
                        report: total,
                        line: self.line,
                        error,
                    });
                }
            }
        }
    }

    /// Feeds the next bytes: files the lines they complete and returns the
    /// report of those lines (their alerts are due now); positions count
    /// from the start of the input.
    ///
    /// Each push is one call for the memory budget and the record counts:
    /// when the cells would pass `limits.maxCellBytes`, or the records of
    /// a kind 2^53, nothing of this push is kept and it fails; the feed is
    /// spent then (every later call fails the same way).
    pub fn push(&mut self, engine: &mut Engine, bytes: &[u8]) -> Result<IngestReport, LimitError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let mut part = IngestReport::default();
        let done = engine.transaction(|e| self.feed(e, bytes, false, &mut part));
        if let Err(e) = done {
            self.failed = Some(e.clone());
            return Err(e);
        }
        let limits = &engine.config.limits;
        self.total.absorb(
            part.clone(),
            limits.max_errors_listed,
            limits.max_alerts_listed,
        );
        Ok(part)
    }

    /// Ends the input: files its last line (one without a final `\n`) and
    /// returns the report of the whole input, every push included (or the
    /// error that spent the feed).
    pub fn finish(mut self, engine: &mut Engine) -> Result<IngestReport, LimitError> {
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        let mut total = std::mem::take(&mut self.total);
        engine.transaction(|e| self.feed(e, &[], true, &mut total))?;
        Ok(total)
    }

    /// The 1-based line of the input the next byte belongs to, or of the
    /// unfinished line held.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The report of everything filed so far.
    pub fn report(&self) -> &IngestReport {
        &self.total
    }

    /// Files the lines `bytes` completes (and, at the `end`, the last one)
    /// into `out`.
    fn feed(&mut self, engine: &mut Engine, mut bytes: &[u8], end: bool, out: &mut IngestReport) {
        let (max_line, max_errors) = {
            let limits = &engine.config.limits;
            (limits.max_line_bytes, limits.max_errors_listed)
        };
        if let Some((len, blank, cr)) = self.long {
            let nl = bytes.iter().position(|&b| b == b'\n');
            let seen = &bytes[..nl.unwrap_or(bytes.len())];
            let len = len + seen.len();
            let blank = blank && seen.iter().all(u8::is_ascii_whitespace);
            let cr = seen.last().map_or(cr, |&b| b == b'\r');
            if nl.is_none() && !end {
                self.long = Some((len, blank, cr));
                return;
            }
            self.long = None;
            if !blank {
                let pos = Position {
                    index: self.index,
                    line: Some(self.line),
                };
                out.reject(engine.line_too_long(len - usize::from(cr), pos), max_errors);
                self.index += 1;
            }
            self.line += 1;
            bytes = &bytes[nl.map_or(bytes.len(), |i| i + 1)..];
        }
        // Complete the held line, then file the whole lines in place.
        if !self.tail.is_empty() {
            match bytes.iter().position(|&b| b == b'\n') {
                Some(nl) => {
                    self.tail.extend_from_slice(&bytes[..=nl]);
                    bytes = &bytes[nl + 1..];
                    let line = std::mem::take(&mut self.tail);
                    engine.file_lines(&line, 1, &mut self.line, &mut self.index, out);
                }
                None => {
                    self.tail.extend_from_slice(bytes);
                    bytes = &[];
                }
            }
        }
        let cut = if end {
            bytes.len()
        } else {
            bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1)
        };
        if end && !self.tail.is_empty() {
            let line = std::mem::take(&mut self.tail);
            engine.file_lines(&line, 1, &mut self.line, &mut self.index, out);
        } else if cut > 0 {
            engine.file_lines(
                &bytes[..cut],
                self.threads,
                &mut self.line,
                &mut self.index,
                out,
            );
        }
        self.tail.extend_from_slice(&bytes[cut..]);
        // An unfinished line past the limit (with room for a byte-order
        // mark and a `\r`) is skipped from here.
        if self.tail.len() > max_line.saturating_add(BOM.len() + 1) {
            let bom = if self.line == 1 && self.tail.starts_with(BOM) {
                BOM.len()
            } else {
                0
            };
            let blank = self.tail[bom..].iter().all(u8::is_ascii_whitespace);
            let cr = self.tail.last() == Some(&b'\r');
            self.long = Some((self.tail.len() - bom, blank, cr));
            self.tail = Vec::new();
        }
    }
}

/// Reads only `kind`; every other field is skipped without allocation.
#[derive(Deserialize)]
#[serde(expecting = "a record: a JSON object such as {\"at\": \"2026-03-01\", \"nps\": 9}")]
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
    #[serde(default, borrow)]
    comment: Option<std::borrow::Cow<'a, str>>,
    #[serde(default)]
    weight: Option<f64>,
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
            weight: self.weight,
            comment: self.comment.as_deref().map(str::as_bytes),
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

/// The maps of a line the flat scanner read, as (key, value) pairs in the
/// order of the line; reused from line to line.
#[derive(Default)]
struct FlatMaps<'a> {
    dimensions: Vec<(&'a [u8], &'a [u8])>,
    attributes: Vec<(&'a [u8], u8)>,
    expectations: Vec<(&'a [u8], u8)>,
}

/// A customer-response line the flat scanner read (its maps are in the
/// [`FlatMaps`] it was given).
#[derive(Default)]
struct Flat<'a> {
    id: Option<&'a [u8]>,
    at: Timestamp,
    segment: Option<&'a [u8]>,
    touchpoint: Option<&'a [u8]>,
    channel: Option<&'a [u8]>,
    team: Option<&'a [u8]>,
    employee: Option<&'a [u8]>,
    nps: Option<u8>,
    csat: Option<u8>,
    ces: Option<u8>,
    overall: Option<u8>,
    weight: Option<f64>,
    comment: Option<&'a [u8]>,
    /// A string has a byte above 0x7F: the line must be checked for UTF-8.
    high: bool,
}

impl<'a> Flat<'a> {
    fn row<'r>(&self, maps: &'r FlatMaps<'a>) -> ResponseRef<'r>
    where
        'a: 'r,
    {
        ResponseRef {
            id: self.id,
            at: self.at,
            segment: self.segment,
            touchpoint: self.touchpoint,
            channel: self.channel,
            team: self.team,
            employee: self.employee,
            dimensions: &maps.dimensions,
            nps: self.nps,
            csat: self.csat,
            ces: self.ces,
            overall: self.overall,
            attributes: &maps.attributes,
            expectations: &maps.expectations,
            weight: self.weight,
            comment: self.comment,
        }
    }
}

/// Why the flat scanner left a line to serde_json.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unread {
    /// Anything it does not fully understand.
    Other,
    /// The line has a `kind` other than `"response"`: it is not a customer
    /// response whatever else it holds ([`ResponseLine`] would either fail
    /// on it or read that kind).
    NotResponse,
}

/// The flat scanner: reads the JSON Lines line at the start of `text` when
/// it is a customer response in the plain shape almost every line has —
/// one object, members in any order, strings without escapes, ratings as
/// plain integers, `null` for an absent optional value, the maps as flat
/// objects, JSON whitespace anywhere — exactly as [`ResponseLine`] reads
/// it, without serde. Returns the row and where the line ends (its `\n` or
/// the end of `text`). Anything else — an escape, a repeated or unknown
/// member, a number with a sign, fraction or exponent, a value out of
/// `u8`, nesting, a timestamp the strict reader does not take — is left
/// to serde_json (`Err`, with how far it read: never past the line's
/// `\n`), which gives the same result or the exact error.
fn scan_flat<'a>(
    text: &'a [u8],
    maps: &mut FlatMaps<'a>,
) -> Result<(Flat<'a>, usize), (Unread, usize)> {
    let mut c = Cursor {
        b: text,
        i: 0,
        high: false,
    };
    match c.line(maps) {
        Ok(flat) => Ok((flat, c.i)),
        Err(unread) => Err((unread, c.i)),
    }
}

/// The flat scanner's position in a line. It reads a byte only when it
/// matches what it expects, and a `\n` never does: it stops at the line's
/// end at the latest.
struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
    high: bool,
}

impl<'a> Cursor<'a> {
    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    /// JSON whitespace within a line (a `\n` ends the line).
    #[inline(always)]
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    #[inline(always)]
    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek() == Some(c)).then(|| self.i += 1)
    }

    /// A string without escapes or control characters (what serde_json
    /// lends as `&str`), as its bytes.
    fn string(&mut self) -> Option<&'a [u8]> {
        const ONES: u64 = u64::from_le_bytes([0x01; 8]);
        const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
        // Whether a byte of `x` is zero (exact as a whole-word test).
        let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
        self.eat(b'"')?;
        let start = self.i;
        loop {
            // Eight bytes at a time up to the first quote, backslash,
            // control character or byte above 0x7F, which is read below.
            // (Each test is exact for the lowest flagged byte.)
            while let Some(chunk) = self.b.get(self.i..self.i + 8) {
                let x = u64::from_le_bytes(chunk.try_into().ok()?);
                let special = zero(x ^ (ONES * u64::from(b'"')))
                    | zero(x ^ (ONES * u64::from(b'\\')))
                    | (x.wrapping_sub(ONES * 0x20) & !x & HIGH)
                    | (x & HIGH);
                if special != 0 {
                    self.i += (special.trailing_zeros() / 8) as usize;
                    break;
                }
                self.i += 8;
            }
            match *self.b.get(self.i)? {
                b'"' => break,
                b'\\' | 0..=0x1F => return None,
                0x80.. => self.high = true,
                _ => {}
            }
            self.i += 1;
        }
        let s = &self.b[start..self.i];
        self.i += 1;
        Some(s)
    }

    #[inline(always)]
    fn null(&mut self) -> bool {
        let null = self.b[self.i..].starts_with(b"null");
        if null {
            self.i += 4;
        }
        null
    }

    #[inline(always)]
    fn opt_string(&mut self) -> Option<Option<&'a [u8]>> {
        if self.null() {
            return Some(None);
        }
        self.string().map(Some)
    }

    /// An integer from 0 to 255 written plainly (no sign, leading zero,
    /// fraction or exponent), as serde_json reads a `u8`.
    #[inline(always)]
    fn rating(&mut self) -> Option<u8> {
        let digit = |c: Option<u8>| c.filter(u8::is_ascii_digit).map(|c| u32::from(c - b'0'));
        let mut v = digit(self.peek())?;
        self.i += 1;
        if v != 0 {
            for _ in 0..2 {
                let Some(d) = digit(self.peek()) else { break };
                v = v * 10 + d;
                self.i += 1;
            }
        }
        if matches!(self.peek(), Some(b'0'..=b'9' | b'.' | b'e' | b'E')) {
            return None;
        }
        u8::try_from(v).ok()
    }

    #[inline(always)]
    fn opt_rating(&mut self) -> Option<Option<u8>> {
        if self.null() {
            return Some(None);
        }
        self.rating().map(Some)
    }

    /// A JSON number (RFC 8259 grammar) whose value is a finite double, or
    /// `null`, as serde_json reads an `Option<f64>` (both round to the
    /// nearest double); anything else (a string, an overflow to infinity)
    /// is left to serde_json.
    fn opt_number(&mut self) -> Option<Option<f64>> {
        if self.null() {
            return Some(None);
        }
        let start = self.i;
        while let Some(b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') = self.peek() {
            self.i += 1;
        }
        let text = std::str::from_utf8(&self.b[start..self.i]).ok()?;
        if !crate::number::is_json_number(text) {
            return None;
        }
        text.parse::<f64>().ok().filter(|v| v.is_finite()).map(Some)
    }

    /// A flat object as [`pairs`] reads it: a repeated key is left to serde.
    fn map<V>(
        &mut self,
        out: &mut Vec<(&'a [u8], V)>,
        value: impl Fn(&mut Self) -> Option<V>,
    ) -> Option<()> {
        self.eat(b'{')?;
        self.ws();
        if self.eat(b'}').is_some() {
            return Some(());
        }
        loop {
            let k = self.string()?;
            if out.iter().any(|(seen, _)| *seen == k) {
                return None;
            }
            self.ws();
            self.eat(b':')?;
            self.ws();
            let v = value(self)?;
            out.push((k, v));
            self.ws();
            match self.peek()? {
                b',' => {
                    self.i += 1;
                    self.ws();
                }
                b'}' => {
                    self.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    fn line(&mut self, maps: &mut FlatMaps<'a>) -> Result<Flat<'a>, Unread> {
        use Unread::Other;
        maps.dimensions.clear();
        maps.attributes.clear();
        maps.expectations.clear();
        let mut f = Flat::default();
        let mut at = None;
        let mut seen = 0u32;
        self.ws();
        self.eat(b'{').ok_or(Other)?;
        self.ws();
        if self.peek() == Some(b'}') {
            return Err(Other); // no `at`
        }
        loop {
            let key = self.string().ok_or(Other)?;
            let field = ResponseField::from_name(key).ok_or(Other)?;
            if seen & (1 << field as u32) != 0 {
                return Err(Other);
            }
            seen |= 1 << field as u32;
            self.ws();
            self.eat(b':').ok_or(Other)?;
            self.ws();
            let read = match field {
                F::Kind => match self.opt_string().ok_or(Other)? {
                    None | Some(b"response") => Some(()),
                    Some(_) => return Err(Unread::NotResponse),
                },
                F::Id => self.opt_string().map(|v| f.id = v),
                F::At => self.string().and_then(timestamp).map(|t| at = Some(t)),
                F::Segment => self.opt_string().map(|v| f.segment = v),
                F::Touchpoint => self.opt_string().map(|v| f.touchpoint = v),
                F::Channel => self.opt_string().map(|v| f.channel = v),
                F::Team => self.opt_string().map(|v| f.team = v),
                F::Employee => self.opt_string().map(|v| f.employee = v),
                F::Dimensions => self.map(&mut maps.dimensions, Cursor::string),
                F::Nps => self.opt_rating().map(|v| f.nps = v),
                F::Csat => self.opt_rating().map(|v| f.csat = v),
                F::Ces => self.opt_rating().map(|v| f.ces = v),
                F::Overall => self.opt_rating().map(|v| f.overall = v),
                F::Attributes => self.map(&mut maps.attributes, Cursor::rating),
                F::Expectations => self.map(&mut maps.expectations, Cursor::rating),
                F::Comment => self.opt_string().map(|v| f.comment = v),
                F::Weight => self.opt_number().map(|v| f.weight = v),
            };
            read.ok_or(Other)?;
            self.ws();
            match self.peek() {
                Some(b',') => {
                    self.i += 1;
                    self.ws();
                }
                Some(b'}') => {
                    self.i += 1;
                    break;
                }
                _ => return Err(Other),
            }
        }
        self.ws();
        if self.peek().is_some_and(|c| c != b'\n') {
            return Err(Other);
        }
        f.at = at.ok_or(Other)?;
        f.high = self.high;
        Ok(f)
    }
}

/// A timestamp as [`Timestamp`]'s `FromStr` reads it, with the plain
/// shapes read by [`rfc3339_plain`].
fn timestamp(s: &[u8]) -> Option<Timestamp> {
    rfc3339_plain(s).or_else(|| std::str::from_utf8(s).ok()?.parse().ok())
}

/// `YYYY-MM-DDTHH:MM:SS[.digits](Z|+HH:MM|-HH:MM)` with an uppercase `T`
/// and `Z`, a valid date, hours to 23, minutes and seconds to 59 (no leap
/// second) and an offset to 23:59: the shapes almost every input uses, each
/// of which chrono's RFC 3339 parser reads as the same instant (the
/// fraction is dropped, as `Timestamp` keeps whole seconds). `None` for
/// anything else, which the caller gives to that parser.
fn rfc3339_plain(s: &[u8]) -> Option<Timestamp> {
    let num = |from: usize, to: usize| -> Option<i64> {
        s.get(from..to)?.iter().try_fold(0, |v, &c| {
            c.is_ascii_digit().then(|| v * 10 + i64::from(c - b'0'))
        })
    };
    let sep = |at: usize, c: u8| s.get(at) == Some(&c);
    if !(sep(4, b'-') && sep(7, b'-') && sep(10, b'T') && sep(13, b':') && sep(16, b':')) {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (hour, minute, second) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return None,
    };
    if !(1..=month_days).contains(&day) || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let mut rest = &s[19..];
    if let Some(fraction) = rest.strip_prefix(b".") {
        let digits = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        rest = &fraction[digits..];
    }
    let offset = match rest {
        b"Z" => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (h, m) = (num(s.len() - 5, s.len() - 3)?, num(s.len() - 2, s.len())?);
            if h > 23 || m > 59 {
                return None;
            }
            if *sign == b'-' {
                -(h * 3600 + m * 60)
            } else {
                h * 3600 + m * 60
            }
        }
        _ => return None,
    };
    // Days since 1970-01-01 in the proleptic Gregorian calendar (Howard
    // Hinnant's `days_from_civil`).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    Timestamp::from_unix(days * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

/// Parses one record from JSON text: a line without `kind` (or with
/// `"kind": "response"`) is a [`Response`]; `employee`, `audit`, `kpi` the others.
pub(crate) fn parse_record(text: &str) -> Result<Record, ParseError> {
    let probe: KindProbe = match serde_json::from_str(text) {
        Ok(p) => p,
        Err(e) => {
            return Err(ParseError {
                line: e.line().max(1),
                column: e.column().max(1),
                pointer: String::new(),
                message: strip(&e.to_string()),
            })
        }
    };
    if text.trim_start().starts_with('[') {
        return Err(ParseError {
            line: 1,
            column: 1,
            pointer: String::new(),
            message: "a record is a JSON object such as {\"at\": \"2026-03-01\", \"nps\": 9}, not an array".into(),
        });
    }
    let kind = probe.kind.as_deref().map(str::to_string);
    match kind.as_deref() {
        None | Some("response") => crate::plan::parse::from_json_positioned::<Response>(text).map(Record::Response),
        Some("employee") => crate::plan::parse::from_json_positioned::<EmployeeResponse>(text).map(Record::Employee),
        Some("audit") => crate::plan::parse::from_json_positioned::<Audit>(text).map(Record::Audit),
        Some("kpi") => crate::plan::parse::from_json_positioned::<KpiObservation>(text).map(Record::Kpi),
        Some(other) => Err(ParseError {
            line: 1,
            column: 1,
            pointer: "/kind".into(),
            message: format!("unknown record kind `{other}`: expected no kind (a customer response), \"employee\", \"audit\" or \"kpi\""),
        }),
    }
}

fn strip(msg: &str) -> String {
    crate::json::user_terms(&crate::json::clean_message(msg))
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
/// and a `\r` before each `\n`: the reference the tests hold the scanner's
/// line walk to.
#[cfg(test)]
pub(crate) fn lines(text: &[u8], first_line: usize) -> impl Iterator<Item = (usize, &[u8])> {
    let text = text.strip_prefix(BOM.as_slice()).unwrap_or(text);
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
    ///
    /// Fails, keeping nothing of the call, when the cells would pass
    /// `limits.maxCellBytes` ([`LimitError::MemoryLimit`]) or the records
    /// of a kind 2^53 ([`LimitError::Overflow`]).
    pub fn ingest_json_lines(&mut self, text: &[u8]) -> Result<IngestReport, LimitError> {
        self.transaction(|e| {
            let mut report = IngestReport::default();
            e.json_lines_part(text, 1, 0, true, &mut report);
            report
        })
    }

    /// Files JSON Lines `text` whose first line is line `first_line` of the
    /// input and first record its record `first_index`, skipping a
    /// byte-order mark at the start of `text` only when `bom` (the start of
    /// the whole input: anywhere else it is part of a line, which it makes
    /// invalid JSON).
    /// The report goes to `report`, which may already hold earlier parts'
    /// (the listing limits count them). Returns the number of line ends
    /// read (the scanner finds them: the text is not searched again).
    fn json_lines_part(
        &mut self,
        text: &[u8],
        first_line: usize,
        first_index: usize,
        bom: bool,
        report: &mut IngestReport,
    ) -> usize {
        let mut batch = self.new_batch();
        let mut maps = FlatMaps::default();
        // The lines of [`lines`], each found as the flat scanner reads it: a
        // line it reads to the end is not searched again for its `\n`.
        let text = match text.strip_prefix(BOM.as_slice()) {
            Some(rest) if bom => rest,
            _ => text,
        };
        let (mut start, mut line_no, mut index) = (0, first_line, first_index);
        loop {
            let rest = &text[start..];
            let scanned = scan_flat(rest, &mut maps);
            let end = match scanned {
                Ok((_, end)) => end,
                Err((_, at)) => rest[at..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(rest.len(), |n| at + n),
            };
            let line = &rest[..end];
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if !line.iter().all(u8::is_ascii_whitespace) {
                let pos = Position {
                    index,
                    line: Some(line_no),
                };
                index += 1;
                let flat = scanned.map(|(flat, _)| flat).map_err(|(unread, _)| unread);
                self.ingest_line(line, flat, &maps, pos, &mut batch, report);
            }
            line_no += 1;
            if end == rest.len() || self.over_budget() {
                break;
            }
            start += end + 1;
        }
        self.flush(&mut batch);
        line_no - first_line - 1
    }

    /// The error for a line of `len` bytes (without its line end) over
    /// `limits.maxLineBytes`.
    fn line_too_long(&self, len: usize, pos: Position) -> RecordError {
        let max_line = self.config.limits.max_line_bytes;
        RecordError {
            index: pos.index,
            line: pos.line,
            column: None,
            pointer: String::new(),
            field: None,
            id: None,
            code: ErrorCode::LineTooLong,
            message: format!(
                "the line has {len} bytes; the limit is {max_line} (limits.maxLineBytes)"
            ),
        }
    }

    /// [`JsonLinesFeed::read`] with reads of `chunk` bytes.
    #[cfg(test)]
    fn json_lines_chunked<R: std::io::Read>(
        &mut self,
        reader: R,
        chunk: usize,
    ) -> Result<IngestReport, IngestError> {
        JsonLinesFeed::new().read_chunked(self, reader, chunk)
    }

    /// Files `text`, whole lines of a fed input starting at line `line`
    /// (record `index`), into `report`; moves both past them.
    fn file_lines(
        &mut self,
        text: &[u8],
        threads: usize,
        line: &mut usize,
        index: &mut usize,
        report: &mut IngestReport,
    ) {
        let before = report.total;
        *line += self.lines_on_threads(text, *line, *index, threads, report);
        *index += usize::try_from(report.total - before).unwrap_or(usize::MAX);
    }

    /// Ingests one non-blank line of JSON Lines, which the flat scanner
    /// read (`flat`) or left to serde_json.
    fn ingest_line(
        &mut self,
        line: &[u8],
        flat: Result<Flat<'_>, Unread>,
        maps: &FlatMaps<'_>,
        pos: Position,
        batch: &mut ResponseBatch,
        report: &mut IngestReport,
    ) {
        let fail = |code: ErrorCode,
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
            code,
            message,
        };
        if line.len() > self.config.limits.max_line_bytes {
            report.reject(
                self.line_too_long(line.len(), pos),
                self.config.limits.max_errors_listed,
            );
            return;
        }
        // A line the scanner read is valid JSON whose bytes outside strings
        // are ASCII: it is UTF-8 when no string has a byte above 0x7F, and
        // otherwise checked here (an invalid line is reported below).
        if let Ok(flat) = &flat {
            if !flat.high || std::str::from_utf8(line).is_ok() {
                self.accept_row(&flat.row(maps), pos, batch, report);
                return;
            }
        }
        let text = match std::str::from_utf8(line) {
            Ok(t) => t,
            Err(e) => {
                let err = fail(
                    ErrorCode::InvalidUtf8,
                    Some(e.valid_up_to() + 1),
                    String::new(),
                    format!("invalid UTF-8 at byte {}", e.valid_up_to() + 1),
                    None,
                );
                report.reject(err, self.config.limits.max_errors_listed);
                return;
            }
        };
        // Other customer responses are read in place by serde_json (a line
        // of another kind cannot be one).
        if !matches!(flat, Err(Unread::NotResponse)) {
            if let Ok(line) = serde_json::from_str::<ResponseLine>(text) {
                if matches!(line.kind, None | Some("response")) {
                    let row = line.borrow();
                    self.accept_row(&row, pos, batch, report);
                    return;
                }
            }
        }
        match parse_record(text) {
            Ok(rec) => self.accept(&rec, pos, batch, report),
            Err(ParseError {
                column,
                pointer,
                message,
                ..
            }) => {
                let message = self.in_plan_terms(&pointer, message);
                let e = fail(
                    ErrorCode::ParseError,
                    Some(column),
                    pointer,
                    message,
                    id_of(text),
                );
                report.reject(e, self.config.limits.max_errors_listed);
            }
        }
    }

    /// [`Engine::json_lines_part`] on `threads` threads, into
    /// `report`: the text is split on line boundaries, each part ingested
    /// by its own engine, and the engines merged in order.
    fn lines_on_threads(
        &mut self,
        text: &[u8],
        first_line: usize,
        first_index: usize,
        threads: usize,
        report: &mut IngestReport,
    ) -> usize {
        #[cfg(feature = "parallel")]
        if threads > 1 && text.len() >= 1 << 16 {
            let listed = (report.errors.len(), report.alerts.len());
            let at = (first_line, first_index);
            if let Some((r, newlines)) = self.parallel_parts(text, at, threads, listed) {
                let limits = &self.config.limits;
                report.absorb(r, limits.max_errors_listed, limits.max_alerts_listed);
                return newlines;
            }
        }
        let _ = threads;
        self.json_lines_part(text, first_line, first_index, first_line == 1, report)
    }

    /// The parts of [`Engine::lines_on_threads`]; `None` when they cannot
    /// be filed as sequential ingest would (nothing is filed then).
    #[cfg(feature = "parallel")]
    ///
    /// `listed` is how many errors and alerts the call's report already
    /// lists: a part lists no more than the room left, and keeps no alert
    /// the engine's full alert log would refuse, so that it builds no
    /// alert the call would drop.
    fn parallel_parts(
        &mut self,
        text: &[u8],
        (first_line, first_index): (usize, usize),
        threads: usize,
        listed: (usize, usize),
    ) -> Option<(IngestReport, usize)> {
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
        let parts: Vec<&[u8]> = cuts.windows(2).map(|w| &text[w[0]..w[1]]).collect();
        // Each part counts its records from 0 and its lines from 1, and its
        // line ends, on its own thread; they are shifted to the whole
        // input's below.
        let results: Vec<(Engine, IngestReport, usize)> = std::thread::scope(|s| {
            let handles: Vec<_> = parts
                .iter()
                .enumerate()
                .map(|(i, &part)| {
                    let mut e = self.empty_part(listed);
                    let bom = i == 0 && first_line == 1;
                    s.spawn(move || {
                        let mut r = IngestReport::default();
                        let newlines = e.json_lines_part(part, 1, 0, bom, &mut r);
                        (e, r, newlines)
                    })
                })
                .collect();
            handles.into_iter().filter_map(|h| h.join().ok()).collect()
        });
        // A part's thread panicked: nothing was filed yet.
        if results.len() != parts.len() {
            return None;
        }
        let newlines = results.iter().map(|r| r.2).sum();
        Some((
            self.file_parts(results, first_index, first_line - 1)?,
            newlines,
        ))
    }

    /// Files the parts of a text ingested on several threads: `(engine,
    /// report, line ends in the part)` in text order, each part's records
    /// counted from 0 and its lines from its own start. Shifts every error's
    /// and alert's index and line to the whole text's, then merges the parts
    /// in order. The parts, combined, must pass the checks sequential ingest
    /// makes record by record (KPI totals stay finite, dimensions stay within
    /// maxDistinctValues); otherwise which records are refused depends on
    /// their order: `None`, and nothing is filed into `self` (the caller
    /// ingests the text sequentially).
    #[cfg(feature = "parallel")]
    pub(crate) fn file_parts(
        &mut self,
        results: Vec<(Engine, IngestReport, usize)>,
        mut first_index: usize,
        mut lines_before: usize,
    ) -> Option<IngestReport> {
        // A part past the budget stopped early: the call fails.
        if let Some(part) = results.iter().find(|(e, ..)| e.over_budget()) {
            self.doom(part.0.cell_bytes() as u64);
            return Some(IngestReport::default());
        }
        let mut shifted = Vec::with_capacity(results.len());
        for (mut engine, mut r, newlines) in results {
            engine.alerts.shift(first_index, lines_before);
            for e in &mut r.errors {
                e.index += first_index;
                e.line = e.line.map(|l| l + lines_before);
            }
            for a in &mut r.alerts {
                a.index += first_index;
                a.line = a.line.map(|l| l + lines_before);
            }
            first_index += usize::try_from(r.total).unwrap_or(usize::MAX);
            lines_before += newlines;
            shifted.push((engine, r));
        }
        let mut parts = shifted.into_iter();
        let (mut combined, mut report) = parts
            .next()
            .unwrap_or_else(|| (self.empty_like(), IngestReport::default()));
        let limits = self.config.limits.clone();
        for (engine, r) in parts {
            combined.merge(&engine).ok()?;
            report.absorb(r, limits.max_errors_listed, limits.max_alerts_listed);
        }
        self.check_kpi_totals(&combined).ok()?;
        self.merge_inner(&combined).ok()?;
        Some(report)
    }

    /// Ingests JSON text: an array of records, or one record. A document
    /// that is not JSON is an error for the whole call (nothing is filed);
    /// otherwise each element is checked on its own and a bad one is
    /// reported with its JSON Pointer (`/3/nps`). Elements are read as JSON
    /// Lines lines are: an element with several unknown keys in one map
    /// (`dimensions`, `attributes`, `expectations`) reports the first in
    /// the element's order.
    pub fn ingest_json(&mut self, text: &str) -> Result<IngestReport, IngestError> {
        // Each element is kept as its exact text and read like a JSON line:
        // going through `serde_json::Value` would silently keep the last of
        // duplicate keys (`{"nps": 1, "nps": 9}`).
        let json_error = |e: serde_json::Error| ParseError {
            line: e.line().max(1),
            column: e.column().max(1),
            pointer: String::new(),
            message: strip(&e.to_string()),
        };
        let text = crate::json::strip_bom(text);
        let whole: &serde_json::value::RawValue = serde_json::from_str(text).map_err(json_error)?;
        let (items, prefix): (Vec<&serde_json::value::RawValue>, bool) =
            if whole.get().starts_with('[') {
                (serde_json::from_str(whole.get()).map_err(json_error)?, true)
            } else {
                (vec![whole], false)
            };
        Ok(self.transaction(|e| e.json_items(items, prefix))?)
    }

    /// The elements of a JSON document, each read as a JSON line.
    fn json_items(
        &mut self,
        items: Vec<&serde_json::value::RawValue>,
        prefix: bool,
    ) -> IngestReport {
        let mut report = IngestReport::default();
        let mut batch = self.new_batch();
        let mut maps = FlatMaps::default();
        for (index, item) in items.into_iter().enumerate() {
            if self.over_budget() {
                break;
            }
            let pos = Position { index, line: None };
            let text = item.get();
            let before = report.errors.len();
            // A plain customer response (what `JSON.stringify` writes for
            // one) is read by the JSON Lines scanner, anything else by
            // serde_json: the same record either way.
            let flat = match scan_flat(text.as_bytes(), &mut maps) {
                Ok((flat, end)) if end == text.len() => Some(flat),
                _ => None,
            };
            let read = match flat {
                Some(flat) => {
                    self.accept_row(&flat.row(&maps), pos, &mut batch, &mut report);
                    Ok(())
                }
                None => {
                    parse_record(text).map(|rec| self.accept(&rec, pos, &mut batch, &mut report))
                }
            };
            match read {
                Ok(()) => {
                    if prefix {
                        for e in &mut report.errors[before..] {
                            e.pointer = format!("/{index}{}", e.pointer);
                        }
                    }
                }
                Err(ParseError {
                    pointer, message, ..
                }) => {
                    let message = self.in_plan_terms(&pointer, message);
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
                        code: ErrorCode::ParseError,
                        message,
                    };
                    report.reject(e, self.config.limits.max_errors_listed);
                }
            }
        }
        self.flush(&mut batch);
        report
    }
}

impl Engine {
    /// A record's parse error in the plan's terms: a rating on a scale of
    /// the plan that breaks the numeric standard ([`crate::number`]) is
    /// told that scale's range (the record deserializer, which has no
    /// plan, says "on the plan's scale"). Any other message is unchanged.
    fn in_plan_terms(&self, pointer: &str, message: String) -> String {
        let Some(stem) = message.strip_suffix(Rating::ON_SCALE.0) else {
            return message;
        };
        let parts: Vec<String> = pointer
            .split('/')
            .skip(1)
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect();
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        match rating_range(&self.plan, &parts) {
            Some(range) => format!("{stem}{}", range.expected()),
            None => message,
        }
    }
}

impl Record {
    /// Parses one record from a JSON value (used by the bindings): no `kind`
    /// is a customer response. The error is `(JSON Pointer, message)`.
    pub fn from_json_value(value: &serde_json::Value) -> Result<Record, (String, String)> {
        parse_record(&value.to_string()).map_err(|e| (e.pointer, e.message))
    }

    /// Parses one record from JSON text.
    pub fn from_json(text: &str) -> Result<Record, ParseError> {
        parse_record(text)
    }
}

#[cfg(test)]
mod tests {
    //! The flat scanner and the strict timestamp reader against the typed
    //! path they shortcut: the same report, errors and statistics.

    use proptest::prelude::*;
    use proptest::sample::select;

    use super::*;
    use crate::engine::{EngineConfig, Limits, Query};
    use crate::plan::Plan;

    /// The sample plan: 12 attributes (one with a not-applicable value),
    /// a custom `region` dimension, CSAT 1–5, CES 1–7, every alert rule on.
    const PLAN: &str = include_str!("../../../examples/data/plan.json");

    fn engine(tight: bool) -> Engine {
        let mut config = EngineConfig::default();
        if tight {
            config.limits = Limits {
                max_line_bytes: 160,
                max_distinct_values: 3,
                max_errors_listed: 4,
                max_alerts_kept: 5,
                max_alerts_listed: 3,
                ..Limits::default()
            };
        }
        Engine::with_config(Plan::from_json(PLAN).unwrap(), config).unwrap()
    }

    /// JSON Lines ingest as before the flat scanner: the line checks, then
    /// (with `before`) the serde fast path, then the typed path (every line
    /// read by `parse_record` and filed by `accept`).
    fn reference(e: &mut Engine, text: &[u8], before: bool) -> IngestReport {
        let mut report = IngestReport::default();
        let mut batch = e.new_batch();
        let max_line = e.config.limits.max_line_bytes;
        let listed = e.config.limits.max_errors_listed;
        for (index, (line_no, line)) in lines(text, 1).enumerate() {
            let pos = Position {
                index,
                line: Some(line_no),
            };
            let fail = |code: ErrorCode, column, message, id| RecordError {
                index,
                line: Some(line_no),
                column,
                pointer: String::new(),
                field: None,
                id,
                code,
                message,
            };
            if line.len() > max_line {
                let message = format!(
                    "the line has {} bytes; the limit is {max_line} (limits.maxLineBytes)",
                    line.len()
                );
                report.reject(fail(ErrorCode::LineTooLong, None, message, None), listed);
                continue;
            }
            let text = match std::str::from_utf8(line) {
                Ok(t) => t,
                Err(err) => {
                    let at = err.valid_up_to() + 1;
                    let message = format!("invalid UTF-8 at byte {at}");
                    report.reject(
                        fail(ErrorCode::InvalidUtf8, Some(at), message, None),
                        listed,
                    );
                    continue;
                }
            };
            if before {
                // The serde fast path of the code before the flat scanner.
                if let Ok(line) = serde_json::from_str::<ResponseLine>(text) {
                    if matches!(line.kind, None | Some("response")) {
                        e.accept_row(&line.borrow(), pos, &mut batch, &mut report);
                        continue;
                    }
                }
            }
            match parse_record(text) {
                Ok(rec) => e.accept(&rec, pos, &mut batch, &mut report),
                Err(ParseError {
                    column,
                    pointer,
                    message,
                    ..
                }) => {
                    let message = e.in_plan_terms(&pointer, message);
                    let mut err = fail(ErrorCode::ParseError, Some(column), message, id_of(text));
                    err.pointer = pointer;
                    report.reject(err, listed);
                }
            }
        }
        e.flush(&mut batch);
        report
    }

    /// `ingest_json` as before it used the flat scanner: every element read
    /// by `parse_record` and filed by `accept`.
    fn json_reference(e: &mut Engine, text: &str) -> IngestReport {
        let whole: &serde_json::value::RawValue = serde_json::from_str(text).unwrap();
        let items: Vec<&serde_json::value::RawValue> = serde_json::from_str(whole.get()).unwrap();
        let mut report = IngestReport::default();
        let mut batch = e.new_batch();
        for (index, item) in items.into_iter().enumerate() {
            let pos = Position { index, line: None };
            let before = report.errors.len();
            match parse_record(item.get()) {
                Ok(rec) => e.accept(&rec, pos, &mut batch, &mut report),
                Err(ParseError {
                    pointer, message, ..
                }) => report.reject(
                    RecordError {
                        index,
                        line: None,
                        column: None,
                        message: e.in_plan_terms(&pointer, message),
                        pointer,
                        field: None,
                        id: id_of(item.get()),
                        code: ErrorCode::ParseError,
                    },
                    e.config.limits.max_errors_listed,
                ),
            }
            for err in &mut report.errors[before..] {
                err.pointer = format!("/{index}{}", err.pointer);
            }
        }
        e.flush(&mut batch);
        report
    }

    fn scores(e: &Engine) -> String {
        let q: Query = serde_json::from_str(
            r#"{"metrics": ["nps", "csat", "ces", "attribute:wait-time", "attribute:claim-speed"],
                "groupBy": ["segment", "region"]}"#,
        )
        .unwrap();
        format!("{:?}", e.query(&q))
    }

    /// Stands for a byte that is not UTF-8 (0xFF) in generated lines.
    const NOT_UTF8: char = '¤';

    fn timestamp_text() -> impl Strategy<Value = String> {
        let year = prop_oneof![
            select(vec![
                "0000", "0001", "1969", "1970", "2000", "2024", "2025", "2100", "9999"
            ])
            .prop_map(str::to_string),
            (0u32..10_000).prop_map(|y| format!("{y:04}")),
        ];
        let two = |hi: u32| (0..hi).prop_map(|v| format!("{v:02}"));
        let sep = select(vec!["T", "T", "T", "t", " ", "x"]);
        let fraction = select(vec![
            "",
            "",
            "",
            ".",
            ".5",
            ".123456789",
            ".1234567890123",
            ".x",
        ]);
        let offset = select(vec![
            "Z",
            "Z",
            "Z",
            "z",
            "+00:00",
            "-00:00",
            "+01:00",
            "-05:30",
            "+23:59",
            "-23:59",
            "+24:00",
            "-23:60",
            "+0100",
            "",
            "+1:00",
            "\u{2212}01:00",
            "Z ",
            "+05:30x",
        ]);
        prop_oneof![
            8 => (year.clone(), two(14), two(33), sep, two(25), two(62), two(62), fraction, offset)
                .prop_map(|(y, mo, d, s, h, mi, se, f, o)| format!("{y}-{mo}-{d}{s}{h}:{mi}:{se}{f}{o}")),
            1 => (year, two(14), two(33)).prop_map(|(y, m, d)| format!("{y}-{m}-{d}")),
            1 => "[-0-9:TZ+. ]{0,26}",
        ]
    }

    fn string_value() -> BoxedStrategy<String> {
        select(vec![
            "\"families\"",
            "\"seniors\"",
            "\"small-business\"",
            "\"north\"",
            "\"east\"",
            "\"\"",
            "\"caf\u{e9}\"",
            "\"a\\nb\"",
            "\"\\u0041\"",
            "\"tab\tin\"",
            "\"\u{a4}\"",
            "null",
            "5",
            "true",
            "{}",
            "[]",
            "\"x\u{7f}\"",
            "\"12345678901234567\"",
        ])
        .prop_map(str::to_string)
        .boxed()
    }

    fn rating() -> BoxedStrategy<String> {
        prop_oneof![
            3 => (0u32..13).prop_map(|v| v.to_string()),
            2 => select(vec![
                "8.0", "-0", "1e1", "08", "256", "255", "99999999999999999999", "null", "\"5\"",
                "1.5", "-1", "007", "1E0", "0.0", "4 ", "1e400", "NaN",
            ])
            .prop_map(str::to_string),
        ]
        .boxed()
    }

    fn object(members: Vec<String>, ws: Vec<&'static str>) -> String {
        let w = |i: usize| ws[i % ws.len()];
        let mut s = format!("{}{{{}", w(0), w(1));
        for (i, m) in members.iter().enumerate() {
            if i > 0 {
                s.push_str(&format!("{},{}", w(i + 2), w(i + 3)));
            }
            s.push_str(m);
        }
        s.push_str(&format!("{}}}{}", w(5), w(6)));
        s
    }

    fn map_of(keys: Vec<&'static str>, value: BoxedStrategy<String>) -> BoxedStrategy<String> {
        prop_oneof![
            8 => prop::collection::vec((select(keys), value), 0..5).prop_map(|kv| {
                let members = kv.iter().map(|(k, v)| format!("\"{k}\": {v}")).collect::<Vec<_>>();
                format!("{{{}}}", members.join(","))
            }),
            1 => select(vec!["null", "[]", "{,}", "{\"a\":1,}", "5"]).prop_map(str::to_string),
        ]
        .boxed()
    }

    fn member() -> impl Strategy<Value = String> {
        let strings = select(vec![
            "id",
            "segment",
            "touchpoint",
            "channel",
            "team",
            "employee",
            "comment",
        ]);
        let ratings = select(vec!["nps", "csat", "ces", "overall"]);
        let attributes = vec![
            "wait-time",
            "claim-speed",
            "courtesy",
            "nope",
            "w\\u0061it-time",
        ];
        let value = prop_oneof![string_value(), rating()];
        prop_oneof![
            4 => timestamp_text().prop_map(|t| format!("\"at\":\"{t}\"")),
            1 => select(vec!["null", "5", "\"2026-03-01\"", "\"2026-03-01T14:30:00\""])
                .prop_map(|v| format!("\"at\":{v}")),
            4 => (ratings, rating()).prop_map(|(k, v)| format!("\"{k}\":{v}")),
            4 => (strings, string_value()).prop_map(|(k, v)| format!("\"{k}\":{v}")),
            1 => (select(vec!["attributes", "expectations"]), map_of(attributes, rating()))
                .prop_map(|(k, v)| format!("\"{k}\":{v}")),
            1 => map_of(vec!["region", "nope", "segment"], string_value())
                .prop_map(|v| format!("\"dimensions\":{v}")),
            1 => select(vec!["\"response\"", "\"employee\"", "\"audit\"", "\"kpi\"", "\"Response\"", "null", "3", "\"res\\u0070onse\""])
                .prop_map(|v| format!("\"kind\":{v}")),
            1 => (select(vec!["foo", "NPS", "n\\u0070s", "enps", "\u{e9}"]), value)
                .prop_map(|(k, v)| format!("\"{k}\":{v}")),
        ]
    }

    fn response_line() -> impl Strategy<Value = String> {
        let ws = prop::collection::vec(select(vec!["", "", "", " ", "\t", "  ", "\r"]), 7);
        (
            timestamp_text(),
            prop::collection::vec(member(), 0..7),
            ws,
            any::<bool>(),
        )
            .prop_map(|(at, mut members, ws, with_at)| {
                if with_at {
                    members.insert(members.len() / 2, format!("\"at\":\"{at}\""));
                }
                object(members, ws)
            })
    }

    fn line() -> impl Strategy<Value = String> {
        prop_oneof![
            8 => response_line(),
            2 => (response_line(), any::<prop::sample::Index>(), any::<u8>(), 0..3u8).prop_map(
                |(l, at, b, op)| {
                    let mut l: Vec<char> = l.chars().collect();
                    let i = at.index(l.len() + 1);
                    let c = char::from(b % 0x80);
                    match op {
                        0 => l.insert(i, c),
                        1 if i < l.len() => drop(l.remove(i)),
                        _ if i < l.len() => l[i] = c,
                        _ => l.push(c),
                    }
                    l.into_iter().collect()
                }
            ),
            1 => select(vec![
                r#"{"kind":"employee","id":"w1","at":"2026-01-10","team":"north","enps":9,"satisfaction":{"workload":4}}"#,
                r#"{"kind":"audit","id":"a1","at":"2026-01-11","method":"callRecording","employee":"e1","team":"north","items":[{"rule":"rule-name","outcome":"pass"}]}"#,
                r#"{"kind":"kpi","metric":"customers","period":{"start":"2026-01-01","end":"2026-01-31"},"value":5000}"#,
                r#"{"kind":"kpi","kind":"audit"}"#,
                r#"{"kind":"survey","at":"2026-01-01"}"#,
                "", "   ", "\u{c}", "\u{feff}{\"at\":\"2026-01-01\"}", "[\"2026-01-01T00:00:00Z\"]",
                "{\"at\":\"2026-01-01\"} x", "{\"at\":\"2026-01-01\"}}", "{\"at\":\"2026-01-01\",\"nps\":9,\"nps\":null}",
            ])
            .prop_map(str::to_string),
        ]
    }

    fn text() -> impl Strategy<Value = Vec<u8>> {
        text_of(line())
    }

    /// Lines of [`line`] and lines over the tight engine's 160-byte limit
    /// (blank, junk, a response with a long id).
    fn long_or_short_line() -> impl Strategy<Value = String> {
        prop_oneof![
            6 => line(),
            1 => (150..420usize, 0..3u8, any::<bool>()).prop_map(|(n, kind, cr)| {
                let mut l = match kind {
                    0 => " ".repeat(n),
                    1 => "x".repeat(n),
                    _ => format!("{{\"at\":\"2026-01-01\",\"id\":\"{}\",\"nps\":9}}", "a".repeat(n)),
                };
                if cr {
                    l.push('\r');
                }
                l
            }),
        ]
    }

    /// A reader that hands out at most `step` bytes a read, with an
    /// `Interrupted` error before every other read.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
        interrupt: bool,
    }

    impl std::io::Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.interrupt = !self.interrupt;
            if self.interrupt {
                return Err(std::io::ErrorKind::Interrupted.into());
            }
            let n = self.step.min(buf.len()).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    fn text_of(line: impl Strategy<Value = String>) -> impl Strategy<Value = Vec<u8>> {
        (
            prop::collection::vec(line, 0..14),
            select(vec!["\n", "\r\n"]),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(|(lines, sep, bom, last)| {
                let mut text = lines.join(sep);
                if last {
                    text.push_str(sep);
                }
                let mut bytes = if bom {
                    b"\xEF\xBB\xBF".to_vec()
                } else {
                    Vec::new()
                };
                let mut buf = [0u8; 4];
                for c in text.chars() {
                    if c == NOT_UTF8 {
                        bytes.push(0xFF);
                    } else {
                        bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                    }
                }
                bytes
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        /// The flat scanner changes nothing: the report (every error with
        /// its line, column, pointer, code and message), alerts and
        /// statistics are those of the code before it.
        #[test]
        fn json_lines_as_before(text in text(), tight in any::<bool>()) {
            let (mut fast, mut slow) = (engine(tight), engine(tight));
            let report = fast.ingest_json_lines(&text).unwrap();
            prop_assert_eq!(&report, &reference(&mut slow, &text, true));
            prop_assert_eq!(report.accepted + report.rejected, report.total);
            prop_assert_eq!(fast.snapshot(), slow.snapshot());
            prop_assert_eq!(scores(&fast), scores(&slow));
        }

        /// ... and those of the typed path, except which error a line with
        /// several bad map keys reports: the JSON Lines path checks them in
        /// the line's order, the typed path in key order (its maps are
        /// sorted), as before the flat scanner.
        #[test]
        fn json_lines_as_typed(text in text(), tight in any::<bool>()) {
            let (mut fast, mut slow) = (engine(tight), engine(tight));
            let report = fast.ingest_json_lines(&text).unwrap();
            let typed = reference(&mut slow, &text, false);
            let lines = |r: &IngestReport| r.errors.iter().map(|e| (e.index, e.line)).collect::<Vec<_>>();
            prop_assert_eq!(
                (report.total, report.accepted, report.rejected, lines(&report), &report.alerts),
                (typed.total, typed.accepted, typed.rejected, lines(&typed), &typed.alerts)
            );
            for (a, b) in report.errors.iter().zip(&typed.errors) {
                if a.pointer.starts_with("/dimensions/") || a.pointer.starts_with("/attributes/") || a.pointer.starts_with("/expectations/") {
                    continue;
                }
                prop_assert_eq!(a, b);
            }
            prop_assert_eq!(fast.snapshot(), slow.snapshot());
            prop_assert_eq!(scores(&fast), scores(&slow));
        }

        /// An array of records (`ingest_json`, what the bindings' `ingest`
        /// reads) gives what it gave before plain responses went through the
        /// flat scanner, except which error an element with several bad map
        /// keys reports (its order in the element, as in JSON Lines).
        #[test]
        fn json_array_as_before(lines in prop::collection::vec(line(), 0..14), sep in select(vec![",", ", ", ",\n  "]), tight in any::<bool>()) {
            let items: Vec<String> = lines
                .into_iter()
                .map(|l| l.replace(NOT_UTF8, "x"))
                .filter(|l| serde_json::from_str::<&serde_json::value::RawValue>(l).is_ok())
                .collect();
            let text = format!("[{}]", items.join(sep));
            let (mut fast, mut slow) = (engine(tight), engine(tight));
            let report = fast.ingest_json(&text).unwrap();
            let typed = json_reference(&mut slow, &text);
            let index = |r: &IngestReport| r.errors.iter().map(|e| e.index).collect::<Vec<_>>();
            prop_assert_eq!(
                (report.total, report.accepted, report.rejected, index(&report), &report.alerts),
                (typed.total, typed.accepted, typed.rejected, index(&typed), &typed.alerts)
            );
            prop_assert_eq!(report.total, items.len() as u64);
            for (a, b) in report.errors.iter().zip(&typed.errors) {
                let key = |p: &str| ["/dimensions/", "/attributes/", "/expectations/"].iter().any(|m| p.contains(m));
                if !(key(&a.pointer) && key(&b.pointer)) {
                    prop_assert_eq!(a, b);
                }
            }
            prop_assert_eq!(fast.snapshot(), slow.snapshot());
            prop_assert_eq!(scores(&fast), scores(&slow));
        }

        /// A reader, whatever its chunks and short reads, gives what the
        /// whole text gives: report, alerts, statistics.
        #[test]
        fn reader_as_whole_text(
            text in text_of(long_or_short_line()),
            tight in any::<bool>(),
            chunk in 1..400usize,
            step in 1..64usize,
        ) {
            let (mut whole, mut read) = (engine(tight), engine(tight));
            let expected = whole.ingest_json_lines(&text).unwrap();
            let trickle = Trickle { data: &text, step, interrupt: false };
            let report = read.json_lines_chunked(trickle, chunk).unwrap();
            prop_assert_eq!(&report, &expected);
            prop_assert_eq!(read.snapshot(), whole.snapshot());
        }

        /// A feed, split anywhere, gives what the whole text gives; each
        /// push reports the lines it completed, in order.
        #[test]
        fn feed_as_whole_text(
            text in text_of(long_or_short_line()),
            tight in any::<bool>(),
            cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..12),
        ) {
            let (mut whole, mut fed) = (engine(tight), engine(tight));
            let expected = whole.ingest_json_lines(&text).unwrap();
            let mut cuts: Vec<usize> = cuts.iter().map(|i| i.index(text.len() + 1)).collect();
            cuts.push(0);
            cuts.push(text.len());
            cuts.sort_unstable();
            let mut feed = JsonLinesFeed::new();
            let mut pushed = 0;
            for w in cuts.windows(2) {
                let part = feed.push(&mut fed, &text[w[0]..w[1]]).unwrap();
                let positions = pushed..pushed + part.total as usize;
                prop_assert!(part.errors.iter().all(|e| positions.contains(&e.index)));
                prop_assert!(part.alerts.iter().all(|a| positions.contains(&a.index)));
                pushed += part.total as usize;
                prop_assert_eq!(feed.report().total as usize, pushed);
            }
            let report = feed.finish(&mut fed).unwrap();
            prop_assert_eq!(&report, &expected);
            prop_assert_eq!(fed.snapshot(), whole.snapshot());
        }

        /// The strict timestamp reader takes only what chrono's RFC 3339
        /// reader takes, as the same instant.
        #[test]
        fn plain_timestamps_as_chrono(t in timestamp_text()) {
            if let Some(fast) = rfc3339_plain(t.as_bytes()) {
                prop_assert_eq!(Ok(fast), t.parse::<Timestamp>(), "{}", t);
            }
        }
    }

    /// A read error stops the ingest after filing the complete lines read
    /// before it, and says which line it stopped at.
    #[test]
    fn reader_error_keeps_what_was_read() {
        struct Failing<'a>(&'a [u8]);
        impl std::io::Read for Failing<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                if self.0.is_empty() {
                    return Err(std::io::Error::other("disk gone"));
                }
                let n = buf.len().min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let text = b"{\"at\":\"2026-01-01\",\"nps\":9}\n\n{\"at\":\"2026-01-02\",\"nps\":11}\n{\"at\":\"2026-01-0";
        let mut e = engine(false);
        let Err(IngestError::Read(err)) = e.json_lines_chunked(Failing(text), 1 << 10) else {
            panic!("a read error");
        };
        assert_eq!(err.line, 4);
        assert_eq!((err.report.accepted, err.report.rejected), (1, 1));
        assert_eq!(err.report.errors[0].line, Some(3));
        assert_eq!(err.to_string(), "cannot read line 4: disk gone");
        let mut whole = engine(false);
        whole.ingest_json_lines(&text[..text.len() - 18]).unwrap();
        assert_eq!(e.snapshot(), whole.snapshot());
        // A byte-order mark starts only the first line.
        let mut e = engine(false);
        let text = b"\xEF\xBB\xBF{\"at\":\"2026-01-01\"}\n\xEF\xBB\xBF{\"at\":\"2026-01-02\"}\n";
        let r = e.json_lines_chunked(&text[..], 4).unwrap();
        assert_eq!((r.accepted, r.rejected, r.errors[0].line), (1, 1, Some(2)));
        // So does a part given with its position in the whole input.
        let mut later = IngestReport::default();
        e.json_lines_part(&text[..text.len() / 2], 5, 3, false, &mut later);
        assert_eq!(
            (later.rejected, later.errors[0].line, later.errors[0].index),
            (1, Some(5), 3)
        );
        let mut first = IngestReport::default();
        e.json_lines_part(&text[..text.len() / 2], 1, 0, true, &mut first);
        assert_eq!(first.accepted, 1);
    }

    #[test]
    fn plain_timestamps() {
        for (text, plain) in [
            ("2025-07-21T19:08:17Z", true),
            ("2026-03-01T14:30:00+01:00", true),
            ("2026-03-01T14:30:00.123456789123-05:30", true),
            ("2024-02-29T23:59:59Z", true),
            ("0001-01-01T00:00:00Z", true),
            ("9999-12-31T23:59:59Z", true),
            ("2023-02-29T00:00:00Z", false),
            ("2026-03-01t14:30:00z", false),
            ("2026-03-01T23:59:60Z", false),
            ("0001-01-01T00:00:00+00:01", false),
            ("9999-12-31T23:59:59-00:01", false),
            ("0000-12-31T23:59:59Z", false),
            ("2026-03-01T14:30:00", false),
            ("2026-03-01", false),
        ] {
            let fast = rfc3339_plain(text.as_bytes());
            assert_eq!(fast.is_some(), plain, "{text}");
            if let Some(fast) = fast {
                assert_eq!(Ok(fast), text.parse::<Timestamp>(), "{text}");
            }
            // Whatever the reader, the same result as `FromStr`.
            assert_eq!(timestamp(text.as_bytes()), text.parse().ok(), "{text}");
        }
    }

    #[test]
    fn flat_lines_are_read_by_the_scanner() {
        let mut maps = FlatMaps::default();
        for line in [
            r#"{"at":"2025-07-21T19:08:17Z","segment":"seg0007","nps":8,"csat":3,"ces":6}"#,
            r#" { "at" : "2026-01-01" ,	"dimensions": {"region": "north"}, "attributes": {"wait-time": 4}, "kind": "response" } "#,
            r#"{"id":"r1","at":"2026-01-01T13:17:00Z","segment":"café","nps":null,"comment":"très bien"}"#,
        ] {
            assert!(scan_flat(line.as_bytes(), &mut maps).is_ok(), "{line}");
        }
        let scanned = scan_flat(br#"{"kind":"audit","at":"2026-01-01"}"#, &mut maps);
        assert_eq!(scanned.err(), Some((Unread::NotResponse, 15)));
        for line in [
            r#"{"at":"2026-01-01","nps":8.0}"#,
            r#"{"at":"2026-01-01","nps":1,"nps":2}"#,
            r#"{"at":"2026-01-01","attributes":{"wait-time":1,"wait-time":2}}"#,
            r#"{"at":"2026-01-01","segment":"a\"b"}"#,
            r#"{"at":"2026-01-01","other":1}"#,
            r#"{"nps":1}"#,
        ] {
            assert!(scan_flat(line.as_bytes(), &mut maps).is_err(), "{line}");
        }
    }
}
