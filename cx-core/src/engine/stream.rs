//! The compact snapshot stream (version 4), written and read one cell at a
//! time, so neither side holds more than the engine and one cell.
//!
//! ```text
//! "CXSNAP" 0x00 0x04        magic and stream version
//! u64 LE  n, n bytes        the header: a version-4 snapshot document
//!                           (JSON) without customer-response cells nor
//!                           checksum
//! u64 LE  cells             customer-response cells, then each:
//!   zigzag varint           time bucket
//!   varint × dimensions     interned value ids
//!   varint k                k > 0: a sparse cell of k packed rows, each
//!                           ⌈codes / 2⌉ bytes of 4-bit codes;
//!                           0: a dense cell (its counts as varints)
//! "CXEND" 0x00 0x00 0x00    end mark: a cut stream is an error
//! u32 LE                    CRC-32 (IEEE) of every byte before it
//! ```
//!
//! Every id, count, code and shape is checked as a document's are, and
//! what the numbers say too (`integrity.rs`): a corrupted stream is an
//! error naming the cell (`/responses/7`) and the byte, never a panic. The
//! CRC-32 detects every burst error of up to 32 bits, so any one changed
//! byte (magic, version, header, cells, end mark or the checksum itself)
//! is refused. Streams of version 2 (no checksum) are refused as written by
//! an older cx. [`Engine::read_snapshot`] also reads snapshot documents.

use std::fmt::Write as _;
use std::io::{BufReader, Read, Write};

use super::cells::{AttributeCell, ResponseCell};
use super::integrity::{add_total, check_response_totals, Buckets};
use super::snapshot::{bad, check_response_counts, check_response_shape, check_version, count};
use super::snapshot::{Snapshot, SNAPSHOT_STREAM_VERSION};
use super::store::CellForm;
use super::{Engine, EngineError};
use crate::score::{CoMoments, Histogram, PairedDiff, HISTOGRAM_POINTS};

/// The first bytes of a version-4 stream.
const MAGIC: &[u8; 8] = b"CXSNAP\x00\x04";
/// The end mark of a version-4 stream (its checksum follows).
const END: &[u8; 8] = b"CXEND\x00\x00\x00";

/// A writer that keeps the CRC-32 of every byte written through it.
struct Crc<W> {
    inner: W,
    hasher: crc32fast::Hasher,
}

impl<W: Write> Write for Crc<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Replaces the checksum at the end of a stream (its last 4 bytes) with the
/// CRC-32 of every byte before it: for tools and tests that edit a stream
/// on purpose and then need it read (the `stream` fuzz target reaches the
/// checks behind the checksum this way). Does nothing to fewer than 4
/// bytes.
pub fn seal_stream(bytes: &mut [u8]) {
    let Some(body) = bytes.len().checked_sub(4) else {
        return;
    };
    let crc = crc32fast::hash(&bytes[..body]);
    bytes[body..].copy_from_slice(&crc.to_le_bytes());
}
/// The largest header read (the plan, settings, interned values and the
/// small cell maps).
const MAX_HEADER: u64 = 1 << 30;

/// Writes `v` as a LEB128 varint (7 bits a byte, low first).
pub(crate) fn varint(w: &mut impl Write, mut v: u64) -> std::io::Result<()> {
    let mut buf = [0u8; 10];
    let mut n = 0;
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            buf[n] = byte;
            n += 1;
            break;
        }
        buf[n] = byte | 0x80;
        n += 1;
    }
    w.write_all(&buf[..n])
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

fn write_histogram(w: &mut impl Write, h: &Histogram) -> std::io::Result<()> {
    h.counts.iter().try_for_each(|&c| varint(w, c))
}

fn write_comoments(w: &mut impl Write, c: &CoMoments) -> std::io::Result<()> {
    varint(w, c.columns as u64)?;
    varint(w, c.n)?;
    for &x in c.sums.iter().chain(&c.cross) {
        varint(w, zigzag(x))?;
    }
    Ok(())
}

fn write_dense(w: &mut impl Write, c: &ResponseCell) -> std::io::Result<()> {
    varint(w, c.responses)?;
    for h in [&c.nps, &c.csat, &c.ces, &c.overall] {
        write_histogram(w, h)?;
    }
    for a in &c.attributes {
        write_histogram(w, &a.ratings)?;
        varint(w, a.not_applicable)?;
        varint(w, a.gap.n)?;
        varint(w, zigzag(a.gap.sum))?;
        varint(w, a.gap.sum_sq)?;
    }
    write_comoments(w, &c.drivers_nps)?;
    write_comoments(w, &c.drivers_overall)
}

impl Engine {
    /// Writes the engine's statistics as a compact snapshot stream (version
    /// 4, ending with the CRC-32 of every byte before it): the plan, settings and interned values, then one customer-response
    /// cell at a time (a sparse cell as its packed ratings). Memory holds
    /// one cell beyond the engine. [`Engine::read_snapshot`] reads it back
    /// on any machine. Alerts are not part of a snapshot.
    ///
    /// ```
    /// use cx_core::engine::Engine;
    /// use cx_core::plan::Plan;
    ///
    /// let plan = Plan::from_json(r#"{"schemaVersion": 1, "organization": {"name": "Acme"}}"#).unwrap();
    /// let mut engine = Engine::new(plan).unwrap();
    /// engine.ingest_json_lines(b"{\"at\": \"2026-03-01\", \"nps\": 9}\n").unwrap();
    /// let mut bytes = Vec::new();
    /// engine.write_snapshot(&mut bytes).unwrap();
    /// let restored = Engine::read_snapshot(&bytes[..]).unwrap();
    /// assert_eq!(restored.stats().rows, 1);
    /// ```
    pub fn write_snapshot<W: Write>(&self, writer: W) -> std::io::Result<()> {
        let crc = Crc {
            inner: writer,
            hasher: crc32fast::Hasher::new(),
        };
        let mut w = std::io::BufWriter::with_capacity(1 << 16, crc);
        let mut header = self.snapshot_header();
        header.version = SNAPSHOT_STREAM_VERSION;
        let json = serde_json::to_vec(&header).map_err(std::io::Error::other)?;
        w.write_all(MAGIC)?;
        w.write_all(&(json.len() as u64).to_le_bytes())?;
        w.write_all(&json)?;
        let store = &self.responses;
        w.write_all(&(store.len() as u64).to_le_bytes())?;
        let row_bytes = store.codes().div_ceil(2);
        let mut bytes = vec![0u8; store.width() * 8];
        for id in 0..store.len() {
            varint(&mut w, zigzag(i64::from(store.bucket(id))))?;
            for &d in store.key(id) {
                varint(&mut w, u64::from(d))?;
            }
            match store.form(id) {
                CellForm::Sparse(rows) => {
                    varint(&mut w, (rows.len() / store.width()) as u64)?;
                    for row in rows.chunks_exact(store.width()) {
                        for (b, x) in bytes.chunks_exact_mut(8).zip(row) {
                            b.copy_from_slice(&x.to_le_bytes());
                        }
                        w.write_all(&bytes[..row_bytes])?;
                    }
                }
                CellForm::Dense(c) => {
                    varint(&mut w, 0)?;
                    write_dense(&mut w, c)?;
                }
            }
        }
        w.write_all(END)?;
        let mut crc = w.into_inner().map_err(|e| e.into_error())?;
        let sum = crc.hasher.clone().finalize();
        crc.inner.write_all(&sum.to_le_bytes())?;
        crc.inner.flush()
    }

    /// Rebuilds an engine from a snapshot stream of version 4
    /// ([`Engine::write_snapshot`]) or a version-3 JSON document
    /// ([`Engine::snapshot`] as text), read from any reader. Every id, count
    /// and shape is checked: a corrupted or cut stream is an
    /// [`EngineError::Snapshot`] naming where, never a panic.
    pub fn read_snapshot<R: Read>(reader: R) -> Result<Engine, EngineError> {
        let mut r = Reader {
            inner: BufReader::with_capacity(1 << 16, reader),
            at: 0,
            hasher: crc32fast::Hasher::new(),
        };
        // The first 8 bytes (fewer in a shorter input) tell a stream from a
        // JSON document.
        let mut magic = [0u8; 8];
        let mut got = 0;
        while got < magic.len() {
            match r.inner.read(&mut magic[got..]) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(r.io(e)),
            }
        }
        r.at = got as u64;
        r.hasher.update(&magic[..got]);
        if !magic[..got].starts_with(&MAGIC[..6]) {
            // A JSON document may start with a byte-order mark
            // (`json::strip_bom`).
            let skip = if magic[..got].starts_with(b"\xEF\xBB\xBF") {
                3
            } else {
                0
            };
            let doc: Snapshot = serde_json::from_reader((&magic[skip..got]).chain(r.inner))
                .map_err(|e| {
                    bad(
                        String::new(),
                        format!("not a snapshot stream nor a snapshot document: {e}"),
                    )
                })?;
            return Engine::restore(doc);
        }
        if got < magic.len() {
            return Err(r.bad("", "the stream ends early: it was cut"));
        }
        if magic[6] != 0 {
            return Err(r.bad("/version", "not a snapshot stream version"));
        }
        check_version(u32::from(magic[7]), SNAPSHOT_STREAM_VERSION, "/version")?;
        let len = r.u64("")?;
        if len > MAX_HEADER {
            return Err(r.bad("", format!("a header of {len} bytes; at most {MAX_HEADER}")));
        }
        let mut json = vec![0u8; len as usize];
        r.exact(&mut json, "")?;
        let header: Snapshot = serde_json::from_slice(&json).map_err(|e| {
            let e = crate::json::user_terms(&e.to_string());
            bad(String::new(), format!("the header is not a snapshot: {e}"))
        })?;
        if !header.responses.is_empty() {
            return Err(bad(
                "/responses".into(),
                "a stream's header holds no customer-response cell",
            ));
        }
        let mut engine = Engine::restore_version(header, SNAPSHOT_STREAM_VERSION)?;
        r.cells(&mut engine)?;
        engine.check_restored()?;
        Ok(engine)
    }
}

/// A stream being read, with its byte offset for errors.
struct Reader<R> {
    inner: BufReader<R>,
    at: u64,
    /// The CRC-32 of every byte read so far.
    hasher: crc32fast::Hasher,
}

impl<R: Read> Reader<R> {
    fn bad(&self, pointer: &str, message: impl std::fmt::Display) -> EngineError {
        bad(pointer.into(), format!("{message} (at byte {})", self.at))
    }

    fn io(&self, e: std::io::Error) -> EngineError {
        self.bad("", format!("cannot read the snapshot: {e}"))
    }

    fn exact(&mut self, buf: &mut [u8], pointer: &str) -> Result<(), EngineError> {
        match self.inner.read_exact(buf) {
            Ok(()) => {
                self.at += buf.len() as u64;
                self.hasher.update(buf);
                Ok(())
            }
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                Err(self.bad(pointer, "the stream ends early: it was cut"))
            }
            Err(e) => Err(self.io(e)),
        }
    }

    fn u64(&mut self, pointer: &str) -> Result<u64, EngineError> {
        let mut b = [0u8; 8];
        self.exact(&mut b, pointer)?;
        Ok(u64::from_le_bytes(b))
    }

    fn varint(&mut self, pointer: &str) -> Result<u64, EngineError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let mut b = [0u8; 1];
            self.exact(&mut b, pointer)?;
            let bits = u64::from(b[0] & 0x7f);
            if shift == 63 && bits > 1 {
                break;
            }
            v |= bits << shift;
            if b[0] & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(self.bad(pointer, "a number larger than 64 bits"))
    }

    fn signed(&mut self, pointer: &str) -> Result<i64, EngineError> {
        self.varint(pointer).map(unzigzag)
    }

    /// Every customer-response cell, then the end mark.
    fn cells(&mut self, engine: &mut Engine) -> Result<(), EngineError> {
        let n = self.u64("/responses")?;
        let n_dims = engine.dims.len();
        let values: Vec<usize> = engine.interners.iter().map(|i| i.len()).collect();
        // A count past what the bytes can hold is found cut, not reserved.
        engine
            .responses
            .reserve_cells(usize::try_from(n.min(1 << 20)).unwrap_or(0));
        if n > 0 && engine.span.is_none() {
            return Err(self.bad(
                "/span",
                "no span (earliest and latest observation) although the stream has cells",
            ));
        }
        let buckets = Buckets::new(engine.config.cube.granularity, engine.span);
        let mut total = 0u64;
        let mut dims = vec![0u32; n_dims];
        // The cell's pointer, rewritten in place (no allocation per cell).
        let mut p = String::new();
        for i in 0..n {
            p.clear();
            let _ = write!(p, "/responses/{i}");
            let bucket = i32::try_from(self.signed(&p)?)
                .map_err(|_| self.bad(&format!("{p}/bucket"), "a time bucket out of range"))?;
            buckets.check(bucket, || p.clone())?;
            for (d, slot) in dims.iter_mut().enumerate() {
                let id = self.varint(&p)?;
                if id > values[d] as u64 {
                    return Err(
                        self.bad(&format!("{p}/dims/{d}"), format!("id {id} names no value"))
                    );
                }
                *slot = id as u32;
            }
            let k = self.varint(&p)?;
            let fresh = if k == 0 {
                let cell = self.dense(engine.plan.attributes.len(), &p)?;
                add_total(&mut total, cell.responses, || format!("{p}/responses"))?;
                engine.responses.insert_dense(bucket, &dims, cell)
            } else {
                let rows = self.rows(engine, k, &p)?;
                add_total(&mut total, k, || format!("{p}/rows"))?;
                engine.responses.insert_sparse(bucket, &dims, &rows)
            };
            if !fresh {
                return Err(self.bad(&p, "a cell key seen before"));
            }
            if i % 4096 == 4095 {
                engine.check_restored()?;
            }
        }
        let mut end = [0u8; 8];
        self.exact(&mut end, "")?;
        if end != *END {
            return Err(self.bad("", "expected the end mark of the stream"));
        }
        let sum = self.hasher.clone().finalize();
        let mut claimed = [0u8; 4];
        self.exact(&mut claimed, "")?;
        let mut more = [0u8; 1];
        if self.inner.read(&mut more).map_err(|e| self.io(e))? != 0 {
            return Err(self.bad("", "expected the end of the stream"));
        }
        let claimed = u32::from_le_bytes(claimed);
        if claimed != sum {
            return Err(self.bad(
                "",
                format!("the checksum is {claimed:08x} but the stream gives {sum:08x}: the snapshot was changed after it was written"),
            ));
        }
        Ok(())
    }

    /// The `k` packed rows of a sparse cell at `p`.
    fn rows(&mut self, engine: &Engine, k: u64, p: &str) -> Result<Vec<u64>, EngineError> {
        let store = &engine.responses;
        if k >= u64::from(u16::MAX) {
            return Err(self.bad(p, format!("{k} rows in a sparse cell")));
        }
        let (w, row_bytes) = (store.width(), store.codes().div_ceil(2));
        let mut rows = Vec::with_capacity(k as usize * w);
        let (mut bytes, mut row) = (vec![0u8; w * 8], vec![0u64; w]);
        for r in 0..k {
            bytes.fill(0);
            self.exact(&mut bytes[..row_bytes], p)?;
            for (x, b) in row.iter_mut().zip(bytes.chunks_exact(8)) {
                *x = u64::from_le_bytes(b.try_into().unwrap_or_default());
            }
            if let Some(code) = store.invalid_code(&row) {
                return Err(self.bad(
                    &format!("{p}/rows/{r}"),
                    format!("code {code} of the row is not a rating of its column"),
                ));
            }
            rows.extend_from_slice(&row);
        }
        Ok(rows)
    }

    fn histogram(&mut self, p: &str) -> Result<Histogram, EngineError> {
        let mut h = Histogram::default();
        for (r, c) in h.counts.iter_mut().enumerate().take(HISTOGRAM_POINTS) {
            *c = self.varint(&format!("{p}/counts/{r}"))?;
        }
        Ok(h)
    }

    fn comoments(&mut self, p: &str, n_attr: usize) -> Result<CoMoments, EngineError> {
        let columns = self.varint(p)?;
        if columns != 0 && columns != n_attr as u64 + 1 {
            return Err(self.bad(p, "co-moments of the wrong shape"));
        }
        let k = columns as usize;
        let n = self.varint(&format!("{p}/n"))?;
        let mut take = |len: usize| -> Result<Vec<i64>, EngineError> {
            (0..len).map(|_| self.signed(p)).collect()
        };
        let sums = take(k)?;
        let cross = take(k * (k + 1) / 2)?;
        Ok(CoMoments {
            columns: k,
            n,
            sums,
            cross,
        })
    }

    /// A dense cell at `p`, checked as a document's cells are.
    fn dense(&mut self, n_attr: usize, p: &str) -> Result<ResponseCell, EngineError> {
        let mut c = ResponseCell {
            responses: self.varint(&format!("{p}/responses"))?,
            ..ResponseCell::default()
        };
        c.nps = self.histogram(&format!("{p}/nps"))?;
        c.csat = self.histogram(&format!("{p}/csat"))?;
        c.ces = self.histogram(&format!("{p}/ces"))?;
        c.overall = self.histogram(&format!("{p}/overall"))?;
        for a in 0..n_attr {
            let ap = format!("{p}/attributes/{a}");
            let ratings = self.histogram(&format!("{ap}/ratings"))?;
            let not_applicable = self.varint(&ap)?;
            let gap = PairedDiff {
                n: self.varint(&ap)?,
                sum: self.signed(&ap)?,
                sum_sq: self.varint(&ap)?,
            };
            c.attributes.push(AttributeCell {
                ratings,
                not_applicable,
                gap,
            });
        }
        c.drivers_nps = self.comoments(&format!("{p}/driversNps"), n_attr)?;
        c.drivers_overall = self.comoments(&format!("{p}/driversOverall"), n_attr)?;
        check_response_counts(&c, p)?;
        check_response_shape(&c, p, n_attr)?;
        check_response_totals(&c, p)?;
        count(c.responses, || format!("{p}/responses"))?;
        Ok(c)
    }
}
