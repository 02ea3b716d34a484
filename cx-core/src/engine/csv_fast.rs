//! The fast path of CSV ingest: a line without quotes, all ASCII, whose
//! every cell the mapping reads is a plain value (a small integer in
//! range, an interned dimension value, a known time) is split and filed
//! straight into the batch's columns — no `ByteRecord`, no
//! [`ResponseRef`](super::ResponseRef), no attribute ids looked up per
//! row. Any other line (a bad or unusual cell, a new dimension value, a
//! row that raises an alert) is declined and goes through the general
//! path, which reports it exactly as before; so a line filed here is
//! filed as the general path would file it.

use std::collections::BTreeMap;

use super::cells::{ResponseBatch, MISSING, NOT_APPLICABLE};
use super::csv_mapping::{checked, small_int, trim_ascii, RowReader, ScoreColumn};
use super::ingest::{IngestReport, BATCH_ROWS};
use super::rows::file_weight;
use super::Engine;
use crate::record::Timestamp;
use crate::score::{fixed_weight, FixedWeight};

/// How a score cell is read.
#[derive(Debug)]
enum How {
    /// An integer.
    Int,
    /// 1 when the cell equals the text, else 0.
    Equals(Vec<u8>),
    /// Text → value.
    Map(BTreeMap<String, u8>),
}

/// A score column (NPS, CSAT, CES, overall) and its accepted range.
#[derive(Debug)]
struct Score {
    col: usize,
    how: How,
    lo: u8,
    hi: u8,
}

/// A rating column: the plan attribute it fills and its scale.
#[derive(Debug, Clone, Copy)]
struct Rated {
    col: usize,
    attr: usize,
    lo: u8,
    hi: u8,
    na: Option<u8>,
}

/// Values of a dimension already interned, by text: most exports have few.
const CACHED_VALUES: usize = 16;

/// The fast row filler of one part of a CSV input, for one engine (it
/// caches that engine's dimension ids).
#[derive(Debug)]
pub(super) struct FastRows {
    delimiter: u8,
    fields: usize,
    max_line: usize,
    /// The time of every row when the mapping has `fixedAt`, and its bucket.
    fixed: Option<(Timestamp, i32)>,
    /// The time column.
    time_col: Option<usize>,
    /// The weight column.
    weight_col: Option<usize>,
    /// The comment column: a row with a comment takes the general path.
    comment_col: Option<usize>,
    scores: [Option<Score>; 4],
    attributes: Vec<Rated>,
    expectations: Vec<Rated>,
    /// Per dimension the engine keeps: the column of its value.
    kept: Vec<Option<usize>>,
    /// Per dimension the engine keeps: values seen and their ids.
    cache: Vec<Vec<(Vec<u8>, u32)>>,
    /// Field ends of the line being read (delimiter offsets, then its end).
    ends: Vec<usize>,
    /// Whether a one-digit cell is always its value (no `missing` text is
    /// one digit).
    digits: bool,
    attr: Vec<u8>,
    expect: Vec<u8>,
    ids: Vec<u32>,
}

impl FastRows {
    /// The filler for `engine` and the mapping `rows` reads.
    pub(super) fn new(engine: &Engine, rows: &mut RowReader<'_>, delimiter: u8) -> FastRows {
        let plan = engine.plan();
        let cols = rows.cols;
        let (csat, ces) = (plan.scales.csat, plan.scales.ces);
        let score = |c: &Option<(usize, ScoreColumn)>, lo: u8, hi: u8| {
            c.as_ref().map(|(col, how)| Score {
                col: *col,
                how: match how {
                    ScoreColumn::Converted {
                        equals: Some(eq), ..
                    } => How::Equals(eq.as_bytes().to_vec()),
                    ScoreColumn::Converted { map: Some(m), .. } => How::Map(m.clone()),
                    _ => How::Int,
                },
                lo,
                hi,
            })
        };
        let rated = |list: &[(String, usize)]| -> Vec<Rated> {
            list.iter()
                .filter_map(|(id, col)| {
                    let attr = plan.attributes.iter().position(|a| &a.id == id)?;
                    let a = &plan.attributes[attr];
                    Some(Rated {
                        col: *col,
                        attr,
                        lo: a.scale.min,
                        hi: a.scale.max,
                        na: a.not_applicable,
                    })
                })
                .collect()
        };
        let fixed = match cols.at {
            None => rows.time_of(&[]).ok().map(|t| (t, engine.bucket_of(t))),
            Some(_) => None,
        };
        let kept: Vec<Option<usize>> = engine
            .dims
            .iter()
            .map(|d| cols.dims.iter().find(|(id, _)| id == d).map(|x| x.1))
            .collect();
        let n_attr = plan.attributes.len();
        FastRows {
            delimiter,
            fields: rows.names.len(),
            max_line: engine.config.limits.max_line_bytes,
            fixed,
            time_col: cols.at.map(|(i, _)| i),
            weight_col: cols.weight,
            comment_col: cols.comment,
            scores: [
                score(&cols.nps, 0, 10),
                score(&cols.csat, csat.min, csat.max),
                score(&cols.ces, ces.min, ces.max),
                score(&cols.overall, 0, 10),
            ],
            attributes: rated(&cols.attributes),
            expectations: rated(&cols.expectations),
            cache: vec![Vec::new(); kept.len()],
            ids: Vec::with_capacity(kept.len()),
            kept,
            ends: Vec::new(),
            digits: !rows
                .mapping
                .missing
                .iter()
                .any(|m| m.len() == 1 && m.as_bytes()[0].is_ascii_digit()),
            attr: vec![MISSING; n_attr],
            expect: vec![MISSING; n_attr],
        }
    }

    /// Files `line` (a line without quotes or line ends) when it is a plain
    /// row that the general path would accept without an alert; returns
    /// whether it did (otherwise nothing changed).
    pub(super) fn file(
        &mut self,
        engine: &mut Engine,
        line: &[u8],
        rows: &mut RowReader<'_>,
        batch: &mut ResponseBatch,
        report: &mut IngestReport,
    ) -> bool {
        if self.fields < 2 || !self.split(line) {
            return false;
        }
        // The fields' bytes, without delimiters.
        if line.len() - (self.fields - 1) > self.max_line {
            return false;
        }
        if self
            .comment_col
            .is_some_and(|c| !trim_ascii(self.cell(line, c)).is_empty())
        {
            return false;
        }
        let Some(at) = self.time(line, rows) else {
            return false;
        };
        let Some(scores) = self.scores(line, rows) else {
            return false;
        };
        let [nps, csat, ces, _] = scores;
        if !self.ratings(line, rows) || !self.dimensions(engine, line) {
            return false;
        }
        let weight = match self.weight_col {
            None => None,
            Some(col) => match self.weight(line, rows, col) {
                Some(w) => Some(w),
                None => return false,
            },
        };
        if engine.would_alert(nps, csat, ces) {
            return false;
        }
        let bucket = match self.fixed {
            Some((_, bucket)) => bucket,
            None => engine.bucket_of(at),
        };
        batch.push_row(bucket, &self.ids, scores, &self.attr, &self.expect);
        if let Some(w) = weight {
            file_weight(batch, w, report);
        }
        engine.note_response_time(at.unix());
        report.total += 1;
        report.accepted += 1;
        if batch.len() >= BATCH_ROWS {
            engine.flush(batch);
        }
        true
    }

    /// Finds the field ends of `line`; false unless it is ASCII and has the
    /// header's number of fields. Eight bytes at a time: a word's
    /// delimiters are found at once and its bytes checked to be ASCII.
    fn split(&mut self, line: &[u8]) -> bool {
        const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
        const HIGH: u64 = 0x8080_8080_8080_8080;
        let fields = self.fields;
        self.ends.resize(fields, 0);
        let delimiters = u64::from_le_bytes([self.delimiter; 8]);
        // Bytes past the line's end: anything but the delimiter.
        let pad = self.delimiter.wrapping_add(1) & 0x7f;
        let mut n = 0;
        let mut high = 0;
        let words = line.chunks_exact(8);
        let rest = words.remainder();
        let mut last = [pad; 8];
        last[..rest.len()].copy_from_slice(rest);
        for (w, word) in words.chain(std::iter::once(&last[..])).enumerate() {
            let x = u64::from_le_bytes(word.try_into().unwrap_or([pad; 8]));
            high |= x;
            // 0x80 in each byte equal to the delimiter (exact: no carries
            // cross bytes).
            let t = x ^ delimiters;
            let mut found = !(((t & LOW) + LOW) | t | LOW);
            while found != 0 {
                if n + 1 >= fields {
                    return false;
                }
                self.ends[n] = w * 8 + (found.trailing_zeros() / 8) as usize;
                n += 1;
                found &= found - 1;
            }
        }
        self.ends[n] = line.len();
        high & HIGH == 0 && n + 1 == fields
    }

    /// Field `i` of the line split last, trimmed.
    #[inline(always)]
    fn cell<'l>(&self, line: &'l [u8], i: usize) -> &'l [u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] + 1 };
        trim_ascii(&line[start..self.ends[i]])
    }

    fn time(&self, line: &[u8], rows: &mut RowReader<'_>) -> Option<Timestamp> {
        if let Some((t, _)) = self.fixed {
            return Some(t);
        }
        let col = self.time_col?;
        rows.time_of(self.cell(line, col)).ok()
    }

    /// The weight in column `col`, checked; `None` when it is missing, no
    /// number or out of range (the general path says which).
    fn weight(&self, line: &[u8], rows: &RowReader<'_>, col: usize) -> Option<FixedWeight> {
        let c = self.cell(line, col);
        if rows.is_missing(c) {
            return None;
        }
        let text = checked(c);
        if !crate::number::is_json_number(text) {
            return None;
        }
        fixed_weight(text.parse().ok()?).ok()
    }

    /// The four scores, `MISSING` where absent; `None` when one is not a
    /// plain value in range.
    fn scores(&self, line: &[u8], rows: &RowReader<'_>) -> Option<[u8; 4]> {
        let mut out = [MISSING; 4];
        for (v, score) in out.iter_mut().zip(&self.scores) {
            let Some(s) = score else { continue };
            let c = self.cell(line, s.col);
            if rows.is_missing(c) {
                continue;
            }
            let x = match &s.how {
                How::Int => small_int(c)?,
                How::Equals(eq) => u8::from(c == eq.as_slice()),
                How::Map(m) => *m.get(checked(c))?,
            };
            if !(s.lo..=s.hi).contains(&x) {
                return None;
            }
            *v = x;
        }
        Some(out)
    }

    /// Reads the attribute ratings and expected levels into `attr` and
    /// `expect`; false when one is not a plain value on its scale.
    fn ratings(&mut self, line: &[u8], rows: &RowReader<'_>) -> bool {
        let mut out = std::mem::take(&mut self.attr);
        let ok = self.rated(line, rows, &self.attributes, &mut out);
        self.attr = out;
        if !ok {
            return false;
        }
        let mut out = std::mem::take(&mut self.expect);
        let ok = self.rated(line, rows, &self.expectations, &mut out);
        self.expect = out;
        ok
    }

    fn rated(&self, line: &[u8], rows: &RowReader<'_>, list: &[Rated], out: &mut [u8]) -> bool {
        if !out.is_empty() {
            out.fill(MISSING);
        }
        for r in list {
            let start = if r.col == 0 {
                0
            } else {
                self.ends[r.col - 1] + 1
            };
            let v = match &line[start..self.ends[r.col]] {
                // The common cell: one digit.
                &[d] if self.digits && d.is_ascii_digit() => d - b'0',
                raw => {
                    let c = trim_ascii(raw);
                    if rows.is_missing(c) {
                        continue;
                    }
                    let Some(v) = small_int(c) else {
                        return false;
                    };
                    v
                }
            };
            out[r.attr] = if r.na == Some(v) {
                NOT_APPLICABLE
            } else if (r.lo..=r.hi).contains(&v) {
                v
            } else {
                return false;
            };
        }
        true
    }

    /// The ids of the kept dimensions' values into `ids`; false when one
    /// is not interned yet.
    fn dimensions(&mut self, engine: &Engine, line: &[u8]) -> bool {
        self.ids.clear();
        for d in 0..self.kept.len() {
            let Some(col) = self.kept[d] else {
                self.ids.push(0);
                continue;
            };
            let v = self.cell(line, col);
            if v.is_empty() {
                self.ids.push(0);
                continue;
            }
            let cache = &mut self.cache[d];
            let id = match cache.iter().find(|(x, _)| same(x, v)) {
                Some(&(_, id)) => id,
                None => {
                    let Some(id) = engine.interners[d].get_bytes(v) else {
                        return false;
                    };
                    if cache.len() < CACHED_VALUES {
                        cache.push((v.to_vec(), id));
                    }
                    id
                }
            };
            self.ids.push(id);
        }
        true
    }
}

/// `a == b`, eight bytes at a time: dimension values are short, and a
/// `memcmp` call costs more than the comparison.
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n < 8 {
        return a.iter().zip(b).all(|(x, y)| x == y);
    }
    let word = |s: &[u8], i: usize| u64::from_le_bytes(s[i..i + 8].try_into().unwrap_or_default());
    // Whole words, then the last eight bytes (overlapping).
    (0..n - 8).step_by(8).all(|i| word(a, i) == word(b, i)) && word(a, n - 8) == word(b, n - 8)
}
