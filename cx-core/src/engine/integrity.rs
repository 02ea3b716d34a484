//! The integrity of a snapshot: its checksum (CRC-32, over the canonical
//! serialization of a document, over every byte of a stream) and the
//! semantic checks a restore runs on what the bytes say, after the shapes
//! and ids are known to fit (`snapshot.rs`).
//!
//! A snapshot edited by hand, by a careless tool or by a hostile one is
//! refused, whether the edit keeps the document consistent (the checksum
//! sees it) or not (these checks name the pointer of what is wrong):
//!
//! - every count a cell keeps for one kind of answer (a histogram's total,
//!   not-applicable answers, gap pairs, co-moment cases) is at most the
//!   cell's response count;
//! - every sum is within what its count of ratings 0–10 can reach (a gap
//!   sum within ±10·n, a sum of squares within 100·n);
//! - the span is ordered (start ≤ end) and present when any cell is, and
//!   holds the latest response;
//! - every cell's time bucket is a bucket of the cube's granularity (the
//!   first day of a month in a month cube, a Monday in a week cube, 0 in a
//!   cube without time) inside the span;
//! - the totals over all cells of a kind are at most
//!   [`MAX_SNAPSHOT_COUNT`] (2^53), so an engine's sums over its cells
//!   never overflow and JSON readers keep every count exact.

use chrono::Datelike;

use super::cells::{CellKey, ResponseCell};
use super::snapshot::{bad, Snapshot, MAX_SNAPSHOT_COUNT};
use super::weights::WeightedCell;
use super::{bucket_of, date_of_day, EngineError, Granularity};
use crate::record::Timestamp;
use crate::score::{
    fixed_weight, CoMoments, Histogram, PairedDiff, WeightedCoMoments, MAX_WEIGHT, WEIGHT_SCALE,
};

/// The largest rating a cell keeps (NPS and overall are 0–10, every other
/// scale within them).
const MAX_RATING: u64 = 10;

/// The checksum of a snapshot document: `crc32:` and the CRC-32 (IEEE) of
/// the document serialized as compact JSON without its `checksum` member
/// (which `s` must not hold), in eight lowercase hex digits.
pub(crate) fn document_checksum(s: &Snapshot) -> String {
    debug_assert!(s.checksum.is_none());
    let mut hasher = crc32fast::Hasher::new();
    // Serializing a `Snapshot` into a hasher cannot fail: every map key is
    // a string and every number finite (restore checks KPI sums).
    let _ = serde_json::to_writer(HashWriter(&mut hasher), s);
    format!("crc32:{:08x}", hasher.finalize())
}

/// A writer feeding a CRC-32.
struct HashWriter<'a>(&'a mut crc32fast::Hasher);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `n` at `p` is at most `of` (the cell's response count).
fn within(n: u64, of: u64, p: impl FnOnce() -> String, what: &str) -> Result<(), EngineError> {
    if n <= of {
        return Ok(());
    }
    Err(bad(
        p(),
        format!("{n} {what}, more than the cell's {of} responses"),
    ))
}

/// The total of a histogram, checked (every count is at most 2^53 by now,
/// so eleven of them cannot overflow; the check keeps it so).
fn total(h: &Histogram) -> u64 {
    h.counts.iter().fold(0u64, |a, &c| a.saturating_add(c))
}

fn check_gap(g: &PairedDiff, p: &str) -> Result<(), EngineError> {
    let n = u128::from(g.n);
    if g.sum.unsigned_abs() as u128 > n * u128::from(MAX_RATING) {
        return Err(bad(
            format!("{p}/sum"),
            format!(
                "a gap sum of {} over {} pairs; differences of ratings 0–10 reach at most ±{}",
                g.sum,
                g.n,
                n * u128::from(MAX_RATING)
            ),
        ));
    }
    if u128::from(g.sum_sq) > n * u128::from(MAX_RATING * MAX_RATING) {
        return Err(bad(
            format!("{p}/sumSq"),
            format!(
                "a sum of squares of {} over {} pairs; at most {}",
                g.sum_sq,
                g.n,
                n * u128::from(MAX_RATING * MAX_RATING)
            ),
        ));
    }
    Ok(())
}

fn check_comoments(c: &CoMoments, p: &str, responses: u64) -> Result<(), EngineError> {
    within(c.n, responses, || format!("{p}/n"), "complete cases")?;
    let n = u128::from(c.n);
    for (i, &s) in c.sums.iter().enumerate() {
        if s < 0 || s.unsigned_abs() as u128 > n * u128::from(MAX_RATING) {
            return Err(bad(
                format!("{p}/sums/{i}"),
                format!(
                    "a sum of {s} over {} cases; ratings 0–10 give 0 to {}",
                    c.n,
                    n * u128::from(MAX_RATING)
                ),
            ));
        }
    }
    for (i, &s) in c.cross.iter().enumerate() {
        let max = n * u128::from(MAX_RATING * MAX_RATING);
        if s < 0 || s.unsigned_abs() as u128 > max {
            return Err(bad(
                format!("{p}/cross/{i}"),
                format!("a sum of products of {s} over {} cases; 0 to {max}", c.n),
            ));
        }
    }
    Ok(())
}

/// The counts and sums of one customer-response cell (at `p`) agree with
/// its response count.
pub(crate) fn check_response_totals(c: &ResponseCell, p: &str) -> Result<(), EngineError> {
    let r = c.responses;
    for (name, h) in [
        ("nps", &c.nps),
        ("csat", &c.csat),
        ("ces", &c.ces),
        ("overall", &c.overall),
    ] {
        within(total(h), r, || format!("{p}/{name}"), "ratings")?;
    }
    for (a, cell) in c.attributes.iter().enumerate() {
        let ap = format!("{p}/attributes/{a}");
        let answered = total(&cell.ratings).saturating_add(cell.not_applicable);
        within(
            answered,
            r,
            || format!("{ap}/ratings"),
            "ratings and not-applicable answers",
        )?;
        within(cell.gap.n, r, || format!("{ap}/gap/n"), "gap pairs")?;
        check_gap(&cell.gap, &format!("{ap}/gap"))?;
    }
    check_comoments(&c.drivers_nps, &format!("{p}/driversNps"), r)?;
    check_comoments(&c.drivers_overall, &format!("{p}/driversOverall"), r)
}

/// Adds `n` to the running total of a kind, failing past
/// [`MAX_SNAPSHOT_COUNT`].
pub(crate) fn add_total(
    total: &mut u64,
    n: u64,
    pointer: impl FnOnce() -> String,
) -> Result<(), EngineError> {
    match total.checked_add(n) {
        Some(t) if t <= MAX_SNAPSHOT_COUNT => {
            *total = t;
            Ok(())
        }
        _ => Err(bad(
            pointer(),
            format!(
                "the cells hold more than {MAX_SNAPSHOT_COUNT} (2^53) records of this kind together, the most an engine keeps"
            ),
        )),
    }
}

/// The span (earliest, latest observation) against the cells and the
/// latest response: present when any cell is, ordered, holding the latest
/// response.
pub(crate) fn check_span(
    span: Option<(i64, i64)>,
    last_response: Option<i64>,
    has_cells: bool,
) -> Result<(), EngineError> {
    match span {
        None if has_cells => Err(bad(
            "/span".into(),
            "no span (earliest and latest observation) although the snapshot has cells",
        )),
        None if last_response.is_some() => Err(bad(
            "/span".into(),
            "no span (earliest and latest observation) although the snapshot has a latest response",
        )),
        None => Ok(()),
        Some((lo, hi)) => {
            if Timestamp::from_unix(lo).is_none() || Timestamp::from_unix(hi).is_none() {
                return Err(bad("/span".into(), "a span outside the years 1 to 9999"));
            }
            if lo > hi {
                return Err(bad(
                    "/span".into(),
                    format!("the span starts at {lo}, after its end {hi} (unix seconds)"),
                ));
            }
            match last_response {
                Some(t) if t < lo || t > hi => Err(bad(
                    "/lastResponse".into(),
                    format!("the latest response {t} is outside the span {lo}..{hi}"),
                )),
                _ => Ok(()),
            }
        }
    }
}

/// Checks cell buckets against the cube's granularity and the span.
pub(crate) struct Buckets {
    granularity: Granularity,
    /// The buckets of the span's ends (none without a span).
    range: Option<(i32, i32)>,
}

impl Buckets {
    /// The checker for a cube of `granularity` and a span already checked
    /// by [`check_span`].
    pub(crate) fn new(granularity: Granularity, span: Option<(i64, i64)>) -> Buckets {
        let range = span.and_then(|(lo, hi)| {
            let lo = Timestamp::from_unix(lo)?;
            let hi = Timestamp::from_unix(hi)?;
            Some((bucket_of(granularity, lo), bucket_of(granularity, hi)))
        });
        Buckets { granularity, range }
    }

    /// The bucket of the cell at `p` starts a period of the granularity,
    /// within the span.
    pub(crate) fn check(&self, bucket: i32, p: impl Fn() -> String) -> Result<(), EngineError> {
        let (ok, kind) = match self.granularity {
            Granularity::None => (bucket == 0, "0 (the cube keeps no time)"),
            Granularity::Day => (true, "a day"),
            Granularity::IsoWeek => ((bucket + 3).rem_euclid(7) == 0, "a Monday (a week cube)"),
            Granularity::Month => (
                date_of_day(bucket).day() == 1,
                "the first day of a month (a month cube)",
            ),
        };
        if !ok {
            return Err(bad(
                format!("{}/bucket", p()),
                format!(
                    "the bucket {bucket} ({}) is not {kind}: the cells do not fit the cube's granularity",
                    date_of_day(bucket)
                ),
            ));
        }
        if self.granularity == Granularity::None {
            return Ok(());
        }
        match self.range {
            Some((lo, hi)) if bucket < lo || bucket > hi => Err(bad(
                format!("{}/bucket", p()),
                format!(
                    "the bucket {} is outside the span's {} to {}",
                    date_of_day(bucket),
                    date_of_day(lo),
                    date_of_day(hi)
                ),
            )),
            _ => Ok(()),
        }
    }

    /// Checks the keys of a cell map (`/employees`, …).
    pub(crate) fn check_keys<'a, T: 'a>(
        &self,
        cells: impl IntoIterator<Item = &'a (CellKey, T)>,
        kind: &str,
    ) -> Result<(), EngineError> {
        for (i, (k, _)) in cells.into_iter().enumerate() {
            self.check(k.bucket, || format!("/{kind}/{i}/0"))?;
        }
        Ok(())
    }
}

/// A weighted cell (`/weightedResponses/3/1`) says what its weights can
/// give: at most 2^53 records; its entries sorted by item and rating, each
/// of an item below `items` and a rating 0–10, counting between 1 and
/// `records` records; every Σw within `count` × [`MIN_WEIGHT`,
/// `MAX_WEIGHT`] and every Σw² within what those weights can reach; its
/// drivers corrections (`drivers_nps`, `drivers_overall`) empty or of
/// `items − 3` columns (the attributes and the outcome), counting at most
/// `records` cases, each sum within what ratings 0–10 of those cases can
/// reach with weights in range ([`check_drivers`]).
pub(crate) fn check_weighted(c: &WeightedCell, items: usize, p: &str) -> Result<(), EngineError> {
    let drivers = [
        ("driversNps", &c.drivers_nps),
        ("driversOverall", &c.drivers_overall),
    ];
    for (name, d) in drivers {
        check_drivers(
            d,
            items.saturating_sub(3),
            c.records,
            &format!("{p}/{name}"),
        )?;
    }
    if c.records > MAX_SNAPSHOT_COUNT {
        return Err(bad(format!("{p}/records"), "more than 2^53 records"));
    }
    check_weight_sums(c.records, c.weight, c.square, p)?;
    let mut last = None;
    for (i, e) in c.entries.iter().enumerate() {
        let ep = format!("{p}/entries/{i}");
        if e.item as usize >= items || u64::from(e.rating) > MAX_RATING {
            return Err(bad(ep, "an item or rating the plan does not have"));
        }
        if last.is_some_and(|l| l >= (e.item, e.rating)) {
            return Err(bad(ep, "entries out of order or repeated"));
        }
        last = Some((e.item, e.rating));
        if e.count == 0 {
            return Err(bad(format!("{ep}/count"), "an entry without records"));
        }
        within(
            e.count,
            c.records,
            || format!("{ep}/count"),
            "weighted records",
        )?;
        check_weight_sums(e.count, e.weight, e.square, &ep)?;
    }
    Ok(())
}

/// A drivers correction Σ(w − 1)·(1, xᵢ, xᵢxⱼ) (millionths) of `d.n ≤
/// records` cases over `columns` ratings 0–10: every term w − 1 is within
/// [`MIN_WEIGHT`](crate::score::MIN_WEIGHT) − 1 ..= `MAX_WEIGHT` − 1, so
/// the weight within n × that, each Σ(w − 1)·xᵢ within 10·n × that and
/// each Σ(w − 1)·xᵢxⱼ within 100·n × that.
fn check_drivers(
    d: &WeightedCoMoments,
    columns: usize,
    records: u64,
    p: &str,
) -> Result<(), EngineError> {
    if d.is_empty() {
        return Ok(());
    }
    if d.columns != columns
        || d.sums.len() != columns
        || d.cross.len() != columns * (columns + 1) / 2
    {
        return Err(bad(
            format!("{p}/columns"),
            format!("drivers of another shape than the plan's attributes and outcome ({columns} columns)"),
        ));
    }
    within(d.n, records, || format!("{p}/n"), "drivers cases")?;
    let n = i128::from(d.n);
    let s = i128::from(WEIGHT_SCALE);
    let max = i128::from(fixed_weight(MAX_WEIGHT).map_or(0, |w| w.millionths));
    // Terms (w − 1)·v with v in 0..=top and w in 1..=max millionths.
    let range = |top: i128| (n * top * (1 - s), n * top * (max - s));
    let sums = [(d.weight, 1, "weight".to_string())]
        .into_iter()
        .chain(
            (0..)
                .zip(&d.sums)
                .map(|(i, &v)| (v, 10, format!("sums/{i}"))),
        )
        .chain(
            (0..)
                .zip(&d.cross)
                .map(|(i, &v)| (v, 100, format!("cross/{i}"))),
        );
    for (v, top, at) in sums {
        let (lo, hi) = range(top);
        if v < lo || v > hi {
            return Err(bad(
                format!("{p}/{at}"),
                "a weighted co-moment its cases cannot have",
            ));
        }
    }
    Ok(())
}

/// Σw (millionths) and Σw² (millionths²) of `n` weights in range.
fn check_weight_sums(n: u64, weight: u128, square: u128, p: &str) -> Result<(), EngineError> {
    let n = u128::from(n);
    let max = u128::from(fixed_weight(MAX_WEIGHT).map_or(0, |w| w.millionths));
    // Each weight is 1..=max millionths: Σw in n..=n·max, Σw² in
    // (Σw)²/n..=max·Σw (Cauchy–Schwarz below, w ≤ max above).
    if weight < n || weight > n * max {
        return Err(bad(
            format!("{p}/weight"),
            "a weight sum its records cannot have",
        ));
    }
    let low = weight.checked_div(n).map_or(0, |m| m * m * n);
    if square < low || square > weight.saturating_mul(max) {
        return Err(bad(
            format!("{p}/square"),
            "a sum of squared weights its records cannot have",
        ));
    }
    Ok(())
}
