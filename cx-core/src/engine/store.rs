//! The customer-response cell store: cells that cost what they hold.
//!
//! A cell is keyed by a time bucket and the interned ids of the dimensions
//! kept. Keys live in flat arrays (one `i32` bucket and `n_dims` ids per
//! cell) with a hash index of cell ids, so a key is stored once.
//!
//! A cell holds its responses in one of two forms:
//!
//! - **sparse**: the responses themselves, each packed into `width` 64-bit
//!   words of 4-bit codes (NPS, CSAT, CES, overall, then each attribute's
//!   rating and expectation), in one shared row arena;
//! - **dense**: a [`ResponseCell`] of histograms and co-moments.
//!
//! A cell turns dense when its packed rows would take more bytes than a
//! dense cell (`threshold` rows), and only then. The form is therefore a
//! function of the cell's response count alone: the same rows give the same
//! forms whatever the order, chunking or merge order. Every statistic is an
//! exact integer, and a sparse cell's statistics are its rows replayed
//! through `apply_packed`, the one per-response formula the dense cells
//! use too, so both forms answer bit-identically.

use std::hash::{Hash, Hasher};

use hashbrown::HashTable;
use rustc_hash::FxHasher;

use super::cells::{AttributeCell, ResponseBatch, ResponseCell, MISSING, NOT_APPLICABLE};
use crate::score::{CoMoments, Histogram};

/// Code of "no answer" in a packed row.
const CODE_MISSING: u64 = 15;
/// Code of an attribute's "not applicable" answer in a packed row.
const CODE_NOT_APPLICABLE: u64 = 14;
/// Codes per 64-bit word.
const CODES_PER_WORD: usize = 16;
/// `Slot::len` of a dense cell.
const DENSE: u16 = u16::MAX;

/// Where a cell's statistics are: `len` packed rows from row `at` of the
/// arena (room for `cap`), or, when `len` is [`DENSE`], dense cell `at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Slot {
    at: u32,
    len: u16,
    cap: u16,
}

/// A cell's statistics, as stored.
#[derive(Debug, Clone, Copy)]
pub enum CellForm<'a> {
    /// Packed rows, `width` words each.
    Sparse(&'a [u64]),
    /// Histograms and co-moments.
    Dense(&'a ResponseCell),
}

/// The customer-response cells of an engine.
#[derive(Debug, Clone)]
pub struct ResponseStore {
    n_dims: usize,
    n_attr: usize,
    /// 64-bit words per packed row.
    width: usize,
    /// The most rows a sparse cell holds.
    threshold: usize,
    index: HashTable<u32>,
    buckets: Vec<i32>,
    /// `n_dims` interned ids per cell.
    keys: Vec<u32>,
    slots: Vec<Slot>,
    /// Packed rows of the sparse cells.
    rows: Vec<u64>,
    /// Words of `rows` that no cell uses (left behind by a growing cell).
    garbage: usize,
    dense: Vec<ResponseCell>,
    /// Heap bytes owned by the dense cells' vectors.
    dense_heap: usize,
    /// Responses filed, over every cell.
    filed: u64,
    /// What undoes the changes since [`ResponseStore::begin`].
    journal: Option<Box<Journal>>,
}

/// What undoes a transaction on a [`ResponseStore`]: its sizes and
/// capacities at the start, and the first slot and dense cell of every
/// older cell changed since. Rows and dense cells are only ever appended
/// during a transaction (the arena is not compacted), so an older slot
/// still points at its rows.
#[derive(Debug, Clone, Default)]
struct Journal {
    cells: usize,
    rows: usize,
    dense: usize,
    garbage: usize,
    dense_heap: usize,
    filed: u64,
    /// Index, buckets, keys, slots, rows, dense.
    capacities: [usize; 6],
    slots: Vec<(u32, Slot)>,
    dense_cells: Vec<(u32, ResponseCell)>,
    seen: hashbrown::HashSet<u32, rustc_hash::FxBuildHasher>,
}

/// Room for `additional` more items, growing by a quarter at a time: the
/// store's large arrays stay within 5/4 of what they hold (a large
/// `realloc` moves pages, it does not copy them).
fn reserve<T>(v: &mut Vec<T>, additional: usize) {
    if v.capacity() - v.len() < additional {
        v.reserve_exact(additional.max(v.len() / 4).max(64));
    }
}

fn hash_key(bucket: i32, dims: &[u32]) -> u64 {
    let mut h = FxHasher::default();
    bucket.hash(&mut h);
    dims.hash(&mut h);
    h.finish()
}

/// The 4-bit code of a rating column value.
#[inline(always)]
fn code(v: u8) -> u64 {
    match v {
        MISSING => CODE_MISSING,
        NOT_APPLICABLE => CODE_NOT_APPLICABLE,
        v => u64::from(v),
    }
}

#[inline(always)]
fn put(row: &mut [u64], i: usize, c: u64) {
    row[i / CODES_PER_WORD] |= c << ((i % CODES_PER_WORD) * 4);
}

#[inline(always)]
fn get(row: &[u64], i: usize) -> u8 {
    ((row[i / CODES_PER_WORD] >> ((i % CODES_PER_WORD) * 4)) & 15) as u8
}

/// Packs row `r` of `batch` into `out` (`width` words).
fn pack(batch: &ResponseBatch, r: usize, n_attr: usize, out: &mut [u64]) {
    out.fill(0);
    put(out, 0, code(batch.nps[r]));
    put(out, 1, code(batch.csat[r]));
    put(out, 2, code(batch.ces[r]));
    put(out, 3, code(batch.overall[r]));
    for a in 0..n_attr {
        put(out, 4 + 2 * a, code(batch.attributes[a][r]));
        let e = batch.expectations[a].get(r).copied().unwrap_or(MISSING);
        let e = if e == NOT_APPLICABLE { MISSING } else { e };
        put(out, 5 + 2 * a, code(e));
    }
}

/// Adds one packed response to a dense cell: the one per-response formula of
/// the store. `buf` holds `n_attr + 1` values. Returns the heap bytes the
/// cell's co-moments took on (0 unless this was their first complete case).
#[inline]
pub(crate) fn apply_packed(
    c: &mut ResponseCell,
    row: &[u64],
    n_attr: usize,
    buf: &mut [i64],
) -> usize {
    c.responses = c.responses.saturating_add(1);
    for (i, h) in [&mut c.nps, &mut c.csat, &mut c.ces, &mut c.overall]
        .into_iter()
        .enumerate()
    {
        let v = get(row, i);
        if v <= 10 {
            let _ = h.add(v);
        }
    }
    let mut complete = n_attr > 0;
    for (a, cell) in c.attributes.iter_mut().enumerate().take(n_attr) {
        match u64::from(get(row, 4 + 2 * a)) {
            CODE_MISSING => complete = false,
            CODE_NOT_APPLICABLE => {
                cell.not_applicable = cell.not_applicable.saturating_add(1);
                complete = false;
            }
            v => {
                let v = v as u8;
                let _ = cell.ratings.add(v);
                buf[a] = i64::from(v);
                let e = get(row, 5 + 2 * a);
                if u64::from(e) != CODE_MISSING {
                    cell.gap.add(v, e);
                }
            }
        }
    }
    if !complete {
        return 0;
    }
    let mut heap = 0;
    for (score, co) in [
        (get(row, 0), &mut c.drivers_nps),
        (get(row, 3), &mut c.drivers_overall),
    ] {
        if score <= 10 {
            buf[n_attr] = i64::from(score);
            heap += co_heap(co, n_attr);
            let _ = co.add(buf);
        }
    }
    heap
}

/// The heap bytes `co` takes on with its first complete case.
fn co_heap(co: &CoMoments, n_attr: usize) -> usize {
    if co.columns != 0 {
        return 0;
    }
    let k = n_attr + 1;
    (k + k * (k + 1) / 2) * std::mem::size_of::<i64>()
}

/// Heap bytes owned by a dense cell's vectors.
fn dense_heap_of(c: &ResponseCell) -> usize {
    c.attributes.capacity() * std::mem::size_of::<AttributeCell>()
        + (c.drivers_nps.sums.capacity()
            + c.drivers_nps.cross.capacity()
            + c.drivers_overall.sums.capacity()
            + c.drivers_overall.cross.capacity())
            * std::mem::size_of::<i64>()
}

impl ResponseStore {
    /// An empty store for keys of `n_dims` ids and `n_attr` plan attributes.
    pub fn new(n_dims: usize, n_attr: usize) -> ResponseStore {
        let width = (4 + 2 * n_attr).div_ceil(CODES_PER_WORD);
        let k = n_attr + 1;
        let driver_heap = 2 * (k + k * (k + 1) / 2) * std::mem::size_of::<i64>();
        let dense_bytes = std::mem::size_of::<ResponseCell>()
            + n_attr * std::mem::size_of::<AttributeCell>()
            + driver_heap;
        let threshold = (dense_bytes / (width * 8)).clamp(1, usize::from(DENSE - 1));
        ResponseStore {
            n_dims,
            n_attr,
            width,
            threshold,
            index: HashTable::new(),
            buckets: Vec::new(),
            keys: Vec::new(),
            slots: Vec::new(),
            rows: Vec::new(),
            garbage: 0,
            dense: Vec::new(),
            dense_heap: 0,
            filed: 0,
            journal: None,
        }
    }

    /// Starts journaling changes for [`ResponseStore::rollback`].
    pub fn begin(&mut self) {
        self.journal = Some(Box::new(Journal {
            cells: self.slots.len(),
            rows: self.rows.len(),
            dense: self.dense.len(),
            garbage: self.garbage,
            dense_heap: self.dense_heap,
            filed: self.filed,
            capacities: [
                self.index.capacity(),
                self.buckets.capacity(),
                self.keys.capacity(),
                self.slots.capacity(),
                self.rows.capacity(),
                self.dense.capacity(),
            ],
            ..Journal::default()
        }));
    }

    /// Keeps the changes since [`ResponseStore::begin`] (and compacts the
    /// arena, which waits for the end of a transaction).
    pub fn commit(&mut self) {
        self.journal = None;
        self.compact();
    }

    /// Undoes the changes since [`ResponseStore::begin`], the room taken
    /// included.
    pub fn rollback(&mut self) {
        let Some(j) = self.journal.take() else {
            return;
        };
        for (id, slot) in j.slots {
            self.slots[id as usize] = slot;
        }
        for (at, cell) in j.dense_cells {
            self.dense[at as usize] = cell;
        }
        for id in (j.cells..self.slots.len()).rev() {
            let hash = hash_key(self.buckets[id], self.key(id));
            if let Ok(e) = self.index.find_entry(hash, |&i| i as usize == id) {
                e.remove();
            }
        }
        let n = self.n_dims;
        self.buckets.truncate(j.cells);
        self.keys.truncate(j.cells * n);
        self.slots.truncate(j.cells);
        self.rows.truncate(j.rows);
        self.dense.truncate(j.dense);
        (self.garbage, self.dense_heap, self.filed) = (j.garbage, j.dense_heap, j.filed);
        let [index, buckets, keys, slots, rows, dense] = j.capacities;
        let (b, k) = (&self.buckets, &self.keys);
        self.index.shrink_to(index, |&i| {
            let i = i as usize;
            hash_key(b[i], &k[i * n..(i + 1) * n])
        });
        self.buckets.shrink_to(buckets);
        self.keys.shrink_to(keys);
        self.slots.shrink_to(slots);
        self.rows.shrink_to(rows);
        self.dense.shrink_to(dense);
    }

    /// Journals cell `id` before its first change in a transaction.
    fn touch(&mut self, id: usize) {
        let Some(j) = &mut self.journal else {
            return;
        };
        if id >= j.cells || !j.seen.insert(id as u32) {
            return;
        }
        let s = self.slots[id];
        j.slots.push((id as u32, s));
        if s.len == DENSE && (s.at as usize) < j.dense {
            j.dense_cells
                .push((s.at, self.dense[s.at as usize].clone()));
        }
    }

    /// Sets the most rows a sparse cell holds (0: every cell dense). For
    /// tests comparing the two forms; existing cells keep their form until
    /// their next row.
    #[doc(hidden)]
    pub fn set_threshold(&mut self, rows: usize) {
        self.threshold = rows.min(usize::from(DENSE - 1));
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// 64-bit words per packed row.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Responses filed, over every cell.
    pub fn rows(&self) -> u64 {
        self.filed
    }

    /// Heap bytes the store owns: keys, index, slots, row arena and dense
    /// cells with their vectors.
    pub fn bytes(&self) -> usize {
        self.index.allocation_size()
            + self.buckets.capacity() * std::mem::size_of::<i32>()
            + self.keys.capacity() * std::mem::size_of::<u32>()
            + self.slots.capacity() * std::mem::size_of::<Slot>()
            + self.rows.capacity() * std::mem::size_of::<u64>()
            + self.dense.capacity() * std::mem::size_of::<ResponseCell>()
            + self.dense_heap
    }

    /// The time bucket of cell `id`.
    pub fn bucket(&self, id: usize) -> i32 {
        self.buckets[id]
    }

    /// The interned dimension ids of cell `id`.
    pub fn key(&self, id: usize) -> &[u32] {
        &self.keys[id * self.n_dims..(id + 1) * self.n_dims]
    }

    /// The id of the cell with this key, created empty when absent.
    pub fn slot(&mut self, bucket: i32, dims: &[u32]) -> u32 {
        let next = self.slots.len() as u32;
        let n = self.n_dims;
        let (buckets, keys) = (&self.buckets, &self.keys);
        let key_of = |i: u32| {
            let i = i as usize;
            (buckets[i], &keys[i * n..(i + 1) * n])
        };
        let entry = self.index.entry(
            hash_key(bucket, dims),
            |&i| key_of(i) == (bucket, dims),
            |&i| {
                let (b, k) = key_of(i);
                hash_key(b, k)
            },
        );
        match entry {
            hashbrown::hash_table::Entry::Occupied(e) => *e.get(),
            hashbrown::hash_table::Entry::Vacant(e) => {
                e.insert(next);
                reserve(&mut self.buckets, 1);
                reserve(&mut self.keys, n);
                reserve(&mut self.slots, 1);
                self.buckets.push(bucket);
                self.keys.extend_from_slice(dims);
                self.slots.push(Slot::default());
                next
            }
        }
    }

    /// Cell `id` as stored.
    pub fn form(&self, id: usize) -> CellForm<'_> {
        let s = self.slots[id];
        if s.len == DENSE {
            CellForm::Dense(&self.dense[s.at as usize])
        } else {
            let at = s.at as usize * self.width;
            CellForm::Sparse(&self.rows[at..at + usize::from(s.len) * self.width])
        }
    }

    /// Adds the statistics of cell `id` to `acc`.
    pub fn merge_into(&self, id: usize, acc: &mut ResponseCell, buf: &mut [i64]) {
        if acc.attributes.len() < self.n_attr {
            acc.attributes.resize(self.n_attr, AttributeCell::default());
        }
        match self.form(id) {
            CellForm::Dense(c) => acc.merge(c),
            CellForm::Sparse(rows) => {
                for row in rows.chunks_exact(self.width) {
                    apply_packed(acc, row, self.n_attr, buf);
                }
            }
        }
    }

    /// The statistics of cell `id`, as a dense cell.
    pub fn totals(&self, id: usize) -> ResponseCell {
        let mut acc = self.empty_dense();
        let mut buf = vec![0i64; self.n_attr + 1];
        self.merge_into(id, &mut acc, &mut buf);
        acc
    }

    fn empty_dense(&self) -> ResponseCell {
        ResponseCell {
            attributes: vec![AttributeCell::default(); self.n_attr],
            ..ResponseCell::default()
        }
    }

    /// A scratch buffer for [`ResponseStore::push_row`] and
    /// [`ResponseStore::merge_into`].
    pub fn scratch(&self) -> Vec<i64> {
        vec![0; self.n_attr + 1]
    }

    /// Files one packed response into cell `id`.
    pub fn push_row(&mut self, id: u32, row: &[u64], buf: &mut [i64]) {
        self.filed = self.filed.saturating_add(1);
        self.file_row(id as usize, row, buf);
    }

    fn file_row(&mut self, id: usize, row: &[u64], buf: &mut [i64]) {
        self.touch(id);
        let s = self.slots[id];
        if s.len != DENSE && usize::from(s.len) >= self.threshold {
            self.densify(id);
        }
        let s = self.slots[id];
        if s.len == DENSE {
            let c = &mut self.dense[s.at as usize];
            self.dense_heap += apply_packed(c, row, self.n_attr, buf);
            return;
        }
        if s.len == s.cap && !self.grow(id) {
            self.densify(id);
            return self.file_row(id, row, buf);
        }
        let s = &mut self.slots[id];
        let at = (s.at as usize + usize::from(s.len)) * self.width;
        self.rows[at..at + self.width].copy_from_slice(row);
        s.len += 1;
    }

    /// Moves cell `id`'s rows to the end of the arena with twice the room
    /// (at most `threshold`). False when the arena is past `u32` rows.
    fn grow(&mut self, id: usize) -> bool {
        let s = self.slots[id];
        let w = self.width;
        let end = self.rows.len() / w;
        let Ok(at) = u32::try_from(end) else {
            return false;
        };
        let cap = (usize::from(s.cap) * 2).clamp(1, self.threshold.max(1));
        let from = s.at as usize * w;
        reserve(&mut self.rows, cap * w);
        self.rows
            .extend_from_within(from..from + usize::from(s.len) * w);
        self.rows.resize((end + cap) * w, 0);
        self.garbage += usize::from(s.cap) * w;
        self.slots[id] = Slot {
            at,
            len: s.len,
            cap: cap as u16,
        };
        true
    }

    /// Turns sparse cell `id` into a dense cell with the same statistics.
    fn densify(&mut self, id: usize) {
        let mut cell = self.empty_dense();
        let mut buf = self.scratch();
        self.merge_into(id, &mut cell, &mut buf);
        self.garbage += usize::from(self.slots[id].cap) * self.width;
        self.dense_heap += dense_heap_of(&cell);
        self.slots[id] = Slot {
            at: self.dense.len() as u32,
            len: DENSE,
            cap: 0,
        };
        reserve(&mut self.dense, 1);
        self.dense.push(cell);
    }

    /// Makes cell `id` dense and adds `other` to it.
    pub fn merge_dense(&mut self, id: u32, other: &ResponseCell) {
        let id = id as usize;
        self.touch(id);
        if self.slots[id].len != DENSE {
            self.densify(id);
        }
        let c = &mut self.dense[self.slots[id].at as usize];
        let before = dense_heap_of(c);
        c.merge(other);
        self.filed = self.filed.saturating_add(other.responses);
        self.dense_heap = self.dense_heap - before + dense_heap_of(c);
    }

    /// Adds `responses` responses to cell `id` whose only answers are the
    /// score histograms `scores` (NPS, CSAT, CES, overall; each at most
    /// `responses` ratings). A sparse cell gets rows pairing the i-th rating
    /// of each score: no attribute is answered, so every statistic equals
    /// the histograms'.
    pub fn add_score_counts(&mut self, id: u32, responses: u64, scores: &[Histogram; 4]) {
        let s = self.slots[id as usize];
        let room = self.threshold.saturating_sub(usize::from(s.len)) as u64;
        if s.len == DENSE || responses > room {
            let mut c = self.empty_dense();
            c.responses = responses;
            [c.nps, c.csat, c.ces, c.overall] = *scores;
            return self.merge_dense(id, &c);
        }
        let mut left = scores.map(|h| h.counts);
        let mut row = vec![0u64; self.width];
        let mut buf = self.scratch();
        for _ in 0..responses {
            row.fill(0);
            for (i, counts) in left.iter_mut().enumerate() {
                let c = match counts.iter().position(|&n| n > 0) {
                    Some(r) => {
                        counts[r] -= 1;
                        r as u64
                    }
                    None => CODE_MISSING,
                };
                put(&mut row, i, c);
            }
            for a in 0..self.n_attr {
                put(&mut row, 4 + 2 * a, CODE_MISSING);
                put(&mut row, 5 + 2 * a, CODE_MISSING);
            }
            self.push_row(id, &row, &mut buf);
        }
    }

    /// Copies cell `other_id` of `other` (a store of the same shape) into
    /// cell `id`.
    pub fn merge_cell(&mut self, id: u32, other: &ResponseStore, other_id: usize) {
        match other.form(other_id) {
            CellForm::Dense(c) => self.merge_dense(id, c),
            CellForm::Sparse(rows) => {
                let mut buf = self.scratch();
                for row in rows.chunks_exact(self.width) {
                    self.push_row(id, row, &mut buf);
                }
            }
        }
    }

    /// Inserts a restored dense cell; false when the key is already there.
    pub fn insert_dense(&mut self, bucket: i32, dims: &[u32], cell: ResponseCell) -> bool {
        let id = self.slot(bucket, dims) as usize;
        if self.slots[id] != Slot::default() {
            return false;
        }
        self.touch(id);
        self.dense_heap += dense_heap_of(&cell);
        self.filed = self.filed.saturating_add(cell.responses);
        self.slots[id] = Slot {
            at: self.dense.len() as u32,
            len: DENSE,
            cap: 0,
        };
        self.dense.push(cell);
        true
    }

    /// Codes per packed row (NPS, CSAT, CES, overall, then a rating and an
    /// expectation per attribute).
    pub fn codes(&self) -> usize {
        4 + 2 * self.n_attr
    }

    /// The first code of a packed row that no response can hold (a rating
    /// past 10, "not applicable" outside an attribute's rating, a padding
    /// code that is not 0), if any.
    pub fn invalid_code(&self, row: &[u64]) -> Option<usize> {
        let codes = self.codes();
        (0..self.width * CODES_PER_WORD).find(|&i| {
            let c = u64::from(get(row, i));
            if i >= codes {
                return c != 0;
            }
            let attribute_rating = i >= 4 && i % 2 == 0;
            !(c <= 10 || c == CODE_MISSING || (attribute_rating && c == CODE_NOT_APPLICABLE))
        })
    }

    /// Room for `cells` more cells.
    pub fn reserve_cells(&mut self, cells: usize) {
        let n = self.n_dims;
        let (buckets, keys) = (&self.buckets, &self.keys);
        self.index.reserve(cells, |&i| {
            let i = i as usize;
            hash_key(buckets[i], &keys[i * n..(i + 1) * n])
        });
        self.buckets.reserve_exact(cells);
        self.keys.reserve_exact(cells * n);
        self.slots.reserve_exact(cells);
    }

    /// Inserts a restored sparse cell of `rows` (whole packed rows, checked
    /// with [`ResponseStore::invalid_code`]); false when the key is already
    /// there. More rows than the threshold make a dense cell, as filing
    /// them would.
    pub fn insert_sparse(&mut self, bucket: i32, dims: &[u32], rows: &[u64]) -> bool {
        let id = self.slot(bucket, dims);
        if self.slots[id as usize] != Slot::default() {
            return false;
        }
        self.touch(id as usize);
        let n = rows.len() / self.width;
        let at = u32::try_from(self.rows.len() / self.width);
        match at {
            Ok(at) if n <= self.threshold => {
                reserve(&mut self.rows, rows.len());
                self.rows.extend_from_slice(rows);
                // n <= threshold < DENSE.
                self.slots[id as usize] = Slot {
                    at,
                    len: n as u16,
                    cap: n as u16,
                };
                self.filed = self.filed.saturating_add(n as u64);
            }
            _ => {
                let mut buf = self.scratch();
                for row in rows.chunks_exact(self.width) {
                    self.push_row(id, row, &mut buf);
                }
            }
        }
        true
    }

    /// Files every row of `batch` (ratings already checked against their
    /// scales).
    pub fn apply(&mut self, batch: &ResponseBatch) {
        let mut key = vec![0u32; self.n_dims];
        let mut row = vec![0u64; self.width];
        let mut buf = self.scratch();
        let mut last: Option<(i32, u32)> = None;
        for r in 0..batch.len() {
            let bucket = batch.bucket[r];
            let mut same = last.is_some_and(|(b, _)| b == bucket);
            for (k, col) in key.iter_mut().zip(&batch.dims) {
                if *k != col[r] {
                    *k = col[r];
                    same = false;
                }
            }
            let id = match last {
                Some((_, id)) if same => id,
                _ => self.slot(bucket, &key),
            };
            last = Some((bucket, id));
            pack(batch, r, self.n_attr, &mut row);
            self.push_row(id, &row, &mut buf);
        }
        self.compact();
    }

    /// Rewrites the arena without the rows no cell uses, when they are more
    /// than half of it (not during a transaction: then at its commit).
    pub fn compact(&mut self) {
        if self.journal.is_some() || self.garbage * 2 <= self.rows.len() {
            return;
        }
        let w = self.width;
        let mut rows = Vec::with_capacity(self.rows.len() - self.garbage);
        for s in self.slots.iter_mut().filter(|s| s.len != DENSE) {
            let from = s.at as usize * w;
            let at = rows.len() / w;
            rows.extend_from_slice(&self.rows[from..from + usize::from(s.len) * w]);
            // The arena only shrinks, so every offset still fits.
            s.at = at as u32;
            s.cap = s.len;
        }
        self.rows = rows;
        self.garbage = 0;
    }
}
