//! Streaming CSV input: [`CsvFeed`] reads a CSV from any reader in bounded
//! chunks cut at record boundaries (quoted fields may hold line ends and
//! span reads), and files each chunk — in parallel parts when asked and
//! safe — with the report, positions and statistics of
//! [`Engine::ingest_csv`] on the whole text. The mapping, the row reader
//! and the general record path live in `csv_mapping`; the fast path for
//! lines without quotes in `csv_fast`.

use std::io::Read;

use super::csv_fast::FastRows;
use super::csv_mapping::{csv_reader, Cursor, RowReader};
use super::ingest::{IngestReport, Position};
use super::{CsvMapping, Engine, IngestError, ReadError};

/// How many bytes a [`CsvFeed`] reads at a time, per thread.
const READ_CHUNK: usize = 8 << 20;

/// The UTF-8 byte-order mark, skipped at the start of a CSV input.
const BOM: &[u8; 3] = b"\xEF\xBB\xBF";

/// A CSV input read from a file, a pipe or any [`Read`]er with a column
/// mapping, in chunks of 8 MiB per thread: memory holds a chunk and the
/// cells, whatever the input's size (a record longer than a chunk is held
/// whole). The report, positions, alerts and statistics are exactly those
/// of [`Engine::ingest_csv`] on the whole text; one call is one call for
/// the memory budget (`limits.maxCellBytes`) and the record counts (2^53
/// of a kind).
///
/// ```
/// use cx_core::engine::{CsvFeed, CsvMapping, Engine};
/// use cx_core::plan::Plan;
///
/// let plan = Plan::from_json(r#"{"schemaVersion": 1, "organization": {"name": "Acme"}}"#).unwrap();
/// let mut engine = Engine::new(plan).unwrap();
/// let mapping = CsvMapping::from_json(r#"{"fixedAt": "2026-01-05", "nps": "NPS"}"#).unwrap();
/// let csv = "NPS,comment\n9,\"great,\nreally\"\n11,too high\n";
/// let report = CsvFeed::new(&mapping).threads(2).read(&mut engine, csv.as_bytes()).unwrap();
/// assert_eq!((report.accepted, report.rejected), (1, 1));
/// assert_eq!(report.errors[0].line, Some(4));
/// ```
#[derive(Debug, Clone)]
pub struct CsvFeed<'m> {
    mapping: &'m CsvMapping,
    threads: usize,
    chunk: usize,
    /// Chunks under this size stay on one thread.
    min_parallel: usize,
}

impl<'m> CsvFeed<'m> {
    /// A feed of CSV read with `mapping`, on one thread.
    pub fn new(mapping: &'m CsvMapping) -> CsvFeed<'m> {
        CsvFeed {
            mapping,
            threads: 1,
            chunk: READ_CHUNK,
            min_parallel: 1 << 16,
        }
    }

    /// Files each chunk in `threads` parts on as many threads (with the
    /// `parallel` feature; one otherwise) when that gives what one thread
    /// gives: the same report, positions and statistics. Chunks under 64
    /// KiB stay on one thread.
    pub fn threads(mut self, threads: usize) -> CsvFeed<'m> {
        self.threads = threads.max(1);
        self
    }

    /// Reads of `chunk` bytes per thread instead of 8 MiB, and parts on
    /// threads however small (tests).
    #[cfg(test)]
    pub(super) fn chunk(mut self, chunk: usize) -> CsvFeed<'m> {
        self.chunk = chunk.max(1);
        self.min_parallel = 0;
        self
    }

    /// Reads the whole input from `reader`: checks the mapping against the
    /// header and the plan (an error files nothing), then files every
    /// record. On a read error the records before it are filed and the
    /// error carries their report.
    pub fn read<R: Read>(
        self,
        engine: &mut Engine,
        reader: R,
    ) -> Result<IngestReport, IngestError> {
        let delimiter = Engine::csv_dialect(self.mapping)?;
        engine.transaction(|e| self.read_all(e, reader, delimiter))?
    }

    fn read_all<R: Read>(
        &self,
        engine: &mut Engine,
        mut reader: R,
        delimiter: u8,
    ) -> Result<IngestReport, IngestError> {
        let chunk = self.chunk.saturating_mul(self.threads);
        let mut buf = Vec::new();
        // Read up to the first record boundary after the header, or the end.
        let (mut eof, mut failed) = (false, None);
        while header_end(strip_bom(&buf), delimiter).is_none() && !eof {
            match read_more(&mut reader, &mut buf, chunk) {
                Ok(0) => eof = true,
                Ok(_) => {}
                Err(error) => {
                    failed = Some(error);
                    break;
                }
            }
        }
        let text = strip_bom(&buf);
        let end = header_end(text, delimiter);
        if let (true, None, Some(open)) = (eof, end, unclosed_quote(text, delimiter)) {
            // The header itself opens a quote that never closes.
            return Err(UnterminatedQuote::at(text, open, 0, text.len(), true).into());
        }
        if let (Some(error), None) = (&mut failed, end) {
            // The header is not complete: nothing was filed.
            let error = std::mem::replace(error, std::io::ErrorKind::Other.into());
            let report = IngestReport::default();
            return Err(ReadError {
                report,
                line: 1,
                error,
            }
            .into());
        }
        let bom = buf.len() - text.len();
        let head = text[..end.unwrap_or(text.len())].to_vec();
        let (setup, header) = engine.csv_setup(&head, self.mapping)?;
        // The header record ends where its reader stopped.
        let body =
            usize::try_from(header.position().byte()).map_or(head.len(), |b| b.min(head.len()));
        let prefix = &head[..body];
        let ctx = Part {
            prefix,
            prefix_lines: count_lines(prefix),
            delimiter,
            names: &setup.names,
            cols: &setup.cols,
            mapping: self.mapping,
        };
        buf.drain(..bom + body);
        let max_line = engine.config.limits.max_line_bytes;
        let mut cutter = Cutter::new(delimiter, max_line);
        cutter.scan(&buf);
        let mut at = Cursor::default();
        let mut total = IngestReport::default();
        loop {
            if engine.over_budget() {
                // The transaction fails at its end.
                return Ok(total);
            }
            if let Some(open) = cutter
                .open
                .filter(|_| cutter.overrun || (eof && cutter.state == Scan::Quoted))
            {
                // A stray quote: the call fails and files nothing (see
                // `UnterminatedQuote`).
                engine.abort();
                let end = if eof { buf.len() } else { open + max_line + 1 };
                let lines = ctx.prefix_lines + at.lines;
                return Err(UnterminatedQuote::at(&buf, open, lines, end, eof).into());
            }
            let cut = if eof { buf.len() } else { cutter.cut };
            if cut > 0 {
                let threads = if cut >= self.min_parallel {
                    self.threads
                } else {
                    1
                };
                engine.csv_chunk(&ctx, &buf[..cut], threads, &mut at, &mut total);
                buf.drain(..cut);
                cutter.shift(cut);
            }
            if eof {
                return Ok(total);
            }
            let read = match failed.take() {
                Some(error) => Err(error),
                None => read_more(&mut reader, &mut buf, chunk),
            };
            match read {
                Ok(0) => eof = true,
                Ok(_) => cutter.scan(&buf),
                Err(error) => {
                    cutter.scan(&buf);
                    engine.csv_chunk(&ctx, &buf[..cutter.cut], 1, &mut at, &mut total);
                    let line = ctx.prefix_lines + at.lines + 1;
                    return Err(ReadError {
                        report: total,
                        line,
                        error,
                    }
                    .into());
                }
            }
        }
    }
}

/// Reads up to `chunk` more bytes into `buf`; `Ok(0)` at the end of the
/// input. `read_to_end` retries interrupted reads and keeps what it read
/// before an error.
fn read_more<R: Read>(reader: &mut R, buf: &mut Vec<u8>, chunk: usize) -> std::io::Result<usize> {
    reader.take(chunk as u64).read_to_end(buf)
}

fn strip_bom(text: &[u8]) -> &[u8] {
    text.strip_prefix(BOM.as_slice()).unwrap_or(text)
}

fn count_lines(text: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', text).count()
}

/// Where a quoted-field-aware scan of CSV stands after a byte: the states
/// of the `csv` crate's reader that tell whether a line feed ends a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scan {
    /// At the start of a field (or of a record): a quote opens a quoted
    /// field.
    Start,
    /// In an unquoted field: a quote is a plain byte.
    Field,
    /// In a quoted field: line ends are data.
    Quoted,
    /// Just after a quote in a quoted field: a second quote is an escaped
    /// quote, anything else ends the quoting.
    After,
}

impl Scan {
    fn next(self, b: u8, delimiter: u8) -> Scan {
        match (self, b) {
            (Scan::Quoted, b'"') => Scan::After,
            (Scan::Quoted, _) => Scan::Quoted,
            (_, b'\n' | b'\r') => Scan::Start,
            (_, b) if b == delimiter => Scan::Start,
            (Scan::Start | Scan::After, b'"') => Scan::Quoted,
            _ => Scan::Field,
        }
    }
}

/// Finds record boundaries in a growing buffer: just after a line feed
/// that is not inside quotes. Reading a part that starts there on its own
/// gives the records the whole text gives.
#[derive(Debug)]
struct Cutter {
    delimiter: u8,
    state: Scan,
    /// Bytes of the buffer scanned.
    scanned: usize,
    /// The last boundary in the scanned bytes (0: none).
    cut: usize,
    /// `limits.maxLineBytes`: how far a quoted field may run.
    max_line: usize,
    /// Where the quote of the quoted field being scanned stands (it is
    /// after `cut`: never drained).
    open: Option<usize>,
    /// The quoted field at `open` runs more than `max_line` bytes: the
    /// scan stopped there.
    overrun: bool,
}

impl Cutter {
    fn new(delimiter: u8, max_line: usize) -> Cutter {
        Cutter {
            delimiter,
            state: Scan::Start,
            scanned: 0,
            cut: 0,
            max_line,
            open: None,
            overrun: false,
        }
    }

    /// Scans the bytes of `buf` not scanned yet.
    fn scan(&mut self, buf: &[u8]) {
        let new = &buf[self.scanned..];
        // A quote delimiter leaves no safe boundary: one part.
        if self.delimiter == b'"' {
            self.scanned = buf.len();
            return;
        }
        if matches!(self.state, Scan::Start | Scan::Field) && memchr::memchr(b'"', new).is_none() {
            // No quote: every line feed ends a record.
            if let Some(nl) = memchr::memrchr(b'\n', new) {
                self.cut = self.scanned + nl + 1;
            }
            if let Some(&last) = new.last() {
                let ends_field = last == b'\n' || last == b'\r' || last == self.delimiter;
                self.state = if ends_field { Scan::Start } else { Scan::Field };
            }
        } else {
            for (i, &b) in new.iter().enumerate() {
                let at = self.scanned + i;
                let before = self.state;
                self.state = self.state.next(b, self.delimiter);
                match (before, self.state) {
                    (Scan::Start, Scan::Quoted) => self.open = Some(at),
                    (Scan::After, s) if s != Scan::Quoted => self.open = None,
                    _ => {}
                }
                if b == b'\n' && self.state == Scan::Start {
                    self.cut = at + 1;
                }
                if self.open.is_some_and(|open| at - open > self.max_line) {
                    self.overrun = true;
                    self.scanned = at + 1;
                    return;
                }
            }
        }
        self.scanned = buf.len();
        if self.state != Scan::Quoted && self.state != Scan::After {
            self.open = None;
        }
    }

    /// The buffer lost its first `n` bytes (up to a boundary).
    fn shift(&mut self, n: usize) {
        self.scanned -= n;
        self.cut = self.cut.saturating_sub(n);
        // A quote before the cut was closed.
        self.open = self.open.and_then(|open| open.checked_sub(n));
    }
}

/// Where the quote of a quoted field still open at the end of `text`
/// stands (`None`: every quote closes).
fn unclosed_quote(text: &[u8], delimiter: u8) -> Option<usize> {
    let (mut state, mut open) = (Scan::Start, None);
    for (i, &b) in text.iter().enumerate() {
        let before = state;
        state = state.next(b, delimiter);
        if (before, state) == (Scan::Start, Scan::Quoted) {
            open = Some(i);
        }
    }
    open.filter(|_| state == Scan::Quoted)
}

/// A quoted field that never closes: an error of the whole CSV call,
/// which files nothing.
///
/// A quoted field may hold delimiters and line ends, so one stray quote
/// (`Bob "the boss, 9`) would otherwise swallow the rest of the input into
/// one rejected record. The rule telling a stray quote from a long
/// multi-line field: the field is unterminated when its quote is still
/// open at the end of the input, or after `limits.maxLineBytes` bytes —
/// the most a record may hold, so no field that long could be accepted
/// anyway.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "line {line}, column {column}: the quote that opens a quoted field here is never closed; \
     the field runs over {lines} line(s) {how} (a stray quote? a quote inside a field is \
     written as two quotes, and a field holding quotes is itself quoted)"
)]
pub struct UnterminatedQuote {
    /// The 1-based physical line of the quote (the header is line 1).
    pub line: usize,
    /// The 1-based column (byte) of the quote in its line.
    pub column: usize,
    /// The line ends the field runs over, up to where it was given up.
    pub lines: usize,
    /// Whether the field runs to the end of the input (else it passes
    /// `limits.maxLineBytes`).
    pub to_end: bool,
    /// How it was given up, in words.
    how: &'static str,
}

impl UnterminatedQuote {
    /// The error for the quote at `open` in `text`, whose first byte is on
    /// the line after `lines_before` line ends; the field is scanned to
    /// `end` (the input's end when `to_end`).
    fn at(
        text: &[u8],
        open: usize,
        lines_before: usize,
        end: usize,
        to_end: bool,
    ) -> UnterminatedQuote {
        let before = &text[..open];
        let line_start = memchr::memrchr(b'\n', before).map_or(0, |n| n + 1);
        UnterminatedQuote {
            line: lines_before + count_lines(before) + 1,
            column: open - line_start + 1,
            lines: count_lines(&text[open..end.min(text.len())]),
            to_end,
            how: if to_end {
                "to the end of the input"
            } else {
                "and passes limits.maxLineBytes"
            },
        }
    }
}

/// The end of the header in `text`: the first record boundary after a byte
/// that is no line end (blank lines before the header belong to it).
fn header_end(text: &[u8], delimiter: u8) -> Option<usize> {
    if delimiter == b'"' {
        return None;
    }
    let mut state = Scan::Start;
    let mut seen = false;
    for (i, &b) in text.iter().enumerate() {
        state = state.next(b, delimiter);
        if b == b'\n' && state == Scan::Start && seen {
            return Some(i + 1);
        }
        seen |= b != b'\n' && b != b'\r';
    }
    None
}

/// Record boundaries of `text` (which starts at one) near `parts` even
/// cuts: `parts + 1` offsets from 0 to `text.len()`, fewer when parts
/// would be empty.
#[cfg(feature = "parallel")]
fn part_cuts(text: &[u8], parts: usize, delimiter: u8) -> Vec<usize> {
    let mut cuts = vec![0];
    let targets = (1..parts).map(|t| text.len() * t / parts);
    if memchr::memchr(b'"', text).is_none() {
        for target in targets {
            let from = target.max(*cuts.last().unwrap_or(&0));
            if let Some(nl) = memchr::memchr(b'\n', &text[from..]) {
                if from + nl + 1 < text.len() {
                    cuts.push(from + nl + 1);
                }
            }
        }
    } else if delimiter != b'"' {
        let mut targets = targets.peekable();
        let mut state = Scan::Start;
        for (i, &b) in text.iter().enumerate() {
            state = state.next(b, delimiter);
            let Some(&target) = targets.peek() else { break };
            if b == b'\n' && state == Scan::Start && i >= target && i + 1 < text.len() {
                cuts.push(i + 1);
                while targets.next_if(|&t| t <= i).is_some() {}
            }
        }
    }
    cuts.dedup();
    cuts.push(text.len());
    cuts
}

/// What the parts of one CSV input share: the header's text (each part is
/// read after it) and the resolved mapping.
pub(super) struct Part<'a> {
    /// The text up to the first record (blank lines, the header).
    pub(super) prefix: &'a [u8],
    /// Line feeds in `prefix`.
    pub(super) prefix_lines: usize,
    /// The field delimiter.
    pub(super) delimiter: u8,
    /// The header's column names.
    pub(super) names: &'a [String],
    /// The mapping's columns.
    pub(super) cols: &'a super::csv_mapping::Columns,
    /// The mapping.
    pub(super) mapping: &'a CsvMapping,
}

impl Part<'_> {
    /// Whether every line of `text` is one record: no quote (which could
    /// hold a line end) and no `\r` but before `\n` (the reader takes a
    /// lone one as a record end of its own).
    fn plain(&self, text: &[u8]) -> bool {
        if matches!(self.delimiter, b'\n' | b'\r') || memchr::memchr(b'"', text).is_some() {
            return false;
        }
        memchr::memchr_iter(b'\r', text).all(|i| text.get(i + 1) == Some(&b'\n'))
    }
}

impl Engine {
    /// Files the records of `text` (whole records, from a boundary) on
    /// `threads` threads when that is safe, else on this one.
    fn csv_chunk(
        &mut self,
        part: &Part<'_>,
        text: &[u8],
        threads: usize,
        at: &mut Cursor,
        report: &mut IngestReport,
    ) {
        #[cfg(feature = "parallel")]
        if threads > 1 {
            let listed = (report.errors.len(), report.alerts.len());
            if let Some(r) = self.csv_parts(part, text, threads, at, listed) {
                let limits = &self.config.limits;
                report.absorb(r, limits.max_errors_listed, limits.max_alerts_listed);
                return;
            }
        }
        let _ = threads;
        self.csv_part(part, text, at, report);
    }

    /// [`Engine::csv_chunk`] on several threads: each part filed by its own
    /// engine, the engines merged in order (`file_parts`). `None` when
    /// that cannot give what sequential ingest gives: nothing is filed.
    /// `listed` is how many errors and alerts the call's report already
    /// lists (see [`Engine::empty_part`]).
    #[cfg(feature = "parallel")]
    fn csv_parts(
        &mut self,
        part: &Part<'_>,
        text: &[u8],
        threads: usize,
        at: &mut Cursor,
        listed: (usize, usize),
    ) -> Option<IngestReport> {
        let cuts = part_cuts(text, threads, part.delimiter);
        let pieces: Vec<&[u8]> = cuts.windows(2).map(|w| &text[w[0]..w[1]]).collect();
        if pieces.len() < 2 {
            return None;
        }
        let results: Vec<(Engine, IngestReport, usize)> = std::thread::scope(|s| {
            let handles: Vec<_> = pieces
                .iter()
                .map(|&piece| {
                    let mut e = self.empty_part(listed);
                    s.spawn(move || {
                        let mut r = IngestReport::default();
                        let mut local = Cursor::default();
                        e.csv_part(part, piece, &mut local, &mut r);
                        (e, r, local.lines)
                    })
                })
                .collect();
            handles.into_iter().filter_map(|h| h.join().ok()).collect()
        });
        // A part's thread panicked: nothing was filed yet.
        if results.len() != pieces.len() {
            return None;
        }
        let (records, lines) = results.iter().fold((0, 0), |(n, l), (_, r, nl)| {
            (n + usize::try_from(r.total).unwrap_or(usize::MAX), l + nl)
        });
        let report = self.file_parts(results, at.index, at.lines)?;
        at.index += records;
        at.lines += lines;
        Some(report)
    }

    /// Files the records of `text` (whole records, from a boundary) into
    /// this engine, positions counted from `at` (which moves past them).
    fn csv_part(
        &mut self,
        part: &Part<'_>,
        text: &[u8],
        at: &mut Cursor,
        report: &mut IngestReport,
    ) {
        let mut batch = self.new_batch();
        let mut rows = RowReader::new(part.cols, part.names, part.mapping);
        if part.plain(text) {
            self.plain_lines(part, text, &mut rows, at, &mut batch, report);
        } else {
            let mut reader = csv_reader(part.delimiter, part.prefix.chain(text));
            if reader.byte_headers().is_ok() {
                let input = [part.prefix, text];
                self.ingest_csv_rows(&mut reader, input, &mut rows, at, &mut batch, report);
            }
            at.lines += count_lines(text);
        }
        self.flush(&mut batch);
    }

    /// Files the lines of a text without quotes, each a record: through
    /// the fast path when it takes the row, else as the `csv` crate would
    /// read it.
    fn plain_lines(
        &mut self,
        part: &Part<'_>,
        text: &[u8],
        rows: &mut RowReader<'_>,
        at: &mut Cursor,
        batch: &mut super::cells::ResponseBatch,
        report: &mut IngestReport,
    ) {
        let mut fast = FastRows::new(self, rows, part.delimiter);
        let mut record = csv::ByteRecord::new();
        let mut line_no = part.prefix_lines + at.lines + 1;
        let mut rest = text;
        while !rest.is_empty() && !self.over_budget() {
            let (mut line, next) = match memchr::memchr(b'\n', rest) {
                Some(nl) => (&rest[..nl], &rest[nl + 1..]),
                None => (rest, &[][..]),
            };
            rest = next;
            if let [head @ .., b'\r'] = line {
                line = head;
            }
            if !line.is_empty() {
                let pos = Position {
                    index: at.index,
                    line: Some(line_no),
                };
                if fast.file(self, line, rows, batch, report) {
                    at.index += 1;
                } else {
                    record.clear();
                    for field in line.split(|&b| b == part.delimiter) {
                        record.push_field(field);
                    }
                    if self.csv_record(&record, pos, rows, batch, report) {
                        at.index += 1;
                    }
                }
            }
            line_no += 1;
        }
        at.lines += count_lines(text);
    }
}

#[cfg(test)]
mod tests {
    //! The feed against the general path over the whole text, for any
    //! chunk size and thread count.

    use proptest::prelude::*;

    use super::*;
    use crate::engine::csv_mapping::tests::{
        config, csv_text, engine, plain_text, query, rows, MAPPINGS,
    };
    use crate::engine::EngineConfig;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Any chunk size, 1 to 3 threads: the report, alerts, answers and
        /// snapshot of the whole text read at once by the general path.
        #[test]
        fn feed_equals_whole_text(
            text in csv_text(rows(50)),
            plain in any::<bool>(),
            m in 0..MAPPINGS.len(),
            config in config(),
            chunk in 1usize..400,
            threads in 1usize..=3,
        ) {
            let text = if plain { plain_text(&text) } else { text };
            let mapping = CsvMapping::from_json(MAPPINGS[m]).unwrap();
            let mut whole = engine(&config);
            let mut e = engine(&config);
            let got = CsvFeed::new(&mapping)
                .threads(threads)
                .chunk(chunk)
                .read(&mut e, text.as_slice());
            let got = match got {
                Err(IngestError::Quote(q)) => {
                    // A stray quote: the error of the text read at once,
                    // and nothing filed.
                    let at_once = CsvFeed::new(&mapping).read(&mut whole, text.as_slice());
                    prop_assert!(matches!(at_once, Err(IngestError::Quote(w)) if w == q));
                    prop_assert_eq!(e.snapshot(), engine(&config).snapshot());
                    return Ok(());
                }
                got => got.unwrap(),
            };
            let expected = whole.ingest_csv_reference(&text, &mapping).unwrap();
            prop_assert_eq!(&got, &expected);
            prop_assert_eq!(e.query(&query()).unwrap(), whole.query(&query()).unwrap());
            prop_assert_eq!(e.alerts(), whole.alerts());
            prop_assert_eq!(e.snapshot(), whole.snapshot());
        }
    }

    /// A reader that always fails: read after a text, a disk gone.
    struct Gone;

    impl std::io::Read for Gone {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk gone"))
        }
    }

    /// A read error files the whole records read before it and names the
    /// first line not filed; one in the header files nothing.
    /// A stray quote (issue #16): the same error, naming the same line,
    /// for any chunk size and thread count, LF or CRLF; nothing filed.
    #[test]
    fn stray_quote_for_any_chunk() {
        let mapping = CsvMapping::from_json(r#"{"fixedAt": "2026-01-01", "nps": "nps"}"#).unwrap();
        let mut config = EngineConfig::default();
        config.limits.max_line_bytes = 40;
        for eol in ["\n", "\r\n"] {
            let mut text = format!("nps,c{eol}");
            for i in 0..60 {
                let c = if i == 9 { "\"stray" } else { "ok" };
                text.push_str(&format!("{},{c}{eol}", i % 11));
            }
            let short = text.lines().take(14).collect::<Vec<_>>().join("\n");
            // A quoted field far below closes the stray quote.
            text.push_str(&format!("1,\"closed, \"\"really\"\"\"{eol}"));
            let open = text.find("\"stray").unwrap_or(0);
            let window = text[open..open + 41].matches('\n').count();
            for (input, to_end) in [(&short, true), (&text, false)] {
                for chunk in [1, 2, 3, 5, 8, 13, 64, 1 << 20] {
                    for threads in 1..=3 {
                        let mut e = engine(&config);
                        let got = CsvFeed::new(&mapping)
                            .chunk(chunk)
                            .threads(threads)
                            .read(&mut e, input.as_bytes());
                        let Err(IngestError::Quote(q)) = got else {
                            panic!(
                                "chunk {chunk}, {threads} thread(s): no quote error: {:?}",
                                got.map(|r| r.total).map_err(|e| e.to_string())
                            );
                        };
                        assert_eq!((q.line, q.column, q.to_end), (11, 3, to_end));
                        let lines = if to_end { 3 } else { window };
                        assert_eq!(q.lines, lines, "chunk {chunk} {threads} {eol:?}");
                        assert_eq!(e.stats().rows, 0);
                    }
                }
            }
        }
    }

    #[test]
    fn read_error_keeps_the_records_read() {
        let mapping = CsvMapping::from_json(r#"{"fixedAt": "2026-01-01", "nps": "nps"}"#).unwrap();
        let text = b"nps,c\n9,\"a\nb\"\n11,x\n\n7,\"open";
        let mut e = engine(&EngineConfig::default());
        let Err(IngestError::Read(err)) = CsvFeed::new(&mapping)
            .chunk(4)
            .read(&mut e, text.chain(Gone))
        else {
            panic!("a read error");
        };
        assert_eq!((err.report.accepted, err.report.rejected), (1, 1));
        assert_eq!(err.report.errors[0].line, Some(4));
        assert_eq!(err.line, 6);
        assert_eq!(e.stats().rows, 1);
        let mut e = engine(&EngineConfig::default());
        let Err(err) = CsvFeed::new(&mapping).read(&mut e, b"nps,".chain(Gone)) else {
            panic!("a read error");
        };
        assert_eq!(err.code(), crate::error::ErrorCode::ReadError);
        assert_eq!(e.stats().rows, 0);
    }

    /// A header ended by a lone `\r`, a quoted header, a record longer
    /// than the chunk: read as the whole text is.
    #[test]
    fn unusual_headers_and_long_records() {
        let mapping = CsvMapping::from_json(r#"{"fixedAt": "2026-01-01", "nps": "nps"}"#).unwrap();
        let long = format!("nps,c\n9,\"{}\"\n11,x\n8,y\n", "a\n".repeat(500));
        for text in [
            &b"nps,c\r9,x\n11,y\n8,z\n"[..],
            b"\"nps\",\"c\nd\"\n9,x\n11,y\n",
            b"\xEF\xBB\xBF\r\n\r\nnps,c\r\n9,x\r\n11,y",
            long.as_bytes(),
            b"nps,c",
            b"",
        ] {
            for chunk in [1, 3, 7, 64, 1 << 20] {
                let mut whole = engine(&EngineConfig::default());
                let expected = whole.ingest_csv_reference(text, &mapping);
                let mut e = engine(&EngineConfig::default());
                let got = CsvFeed::new(&mapping)
                    .chunk(chunk)
                    .threads(2)
                    .read(&mut e, text)
                    .map_err(|e| e.to_string());
                assert_eq!(
                    got,
                    expected.map_err(|e| e.to_string()),
                    "{chunk}: {text:?}"
                );
                assert_eq!(e.snapshot(), whole.snapshot());
            }
        }
    }
}
