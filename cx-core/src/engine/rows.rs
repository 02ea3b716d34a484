//! The row path: customer responses borrowed from the caller's memory
//! ([`ResponseRef`]) checked and filed one by one by a [`ResponseIngest`]
//! session. Typed [`Response`]s, the C ABI's `cx_response` structs and any
//! other row source go through this one checker, so every source rejects
//! the same rows with the same codes.
//!
//! Strings are bytes: the engine checks that they are UTF-8, but a
//! dimension value it has already interned is known to be UTF-8 and is not
//! checked again, so a hot path pays for validation once per distinct value,
//! not once per row.

use std::collections::BTreeMap;

use super::alerts::Raised;
use super::cells::{CellKey, ResponseBatch, MISSING, NOT_APPLICABLE};
use super::comments::check_comment;
use super::ingest::{field_error, ptr, FieldError, Position, BATCH_ROWS};
use super::{Engine, IngestReport, LimitError};
use crate::error::ErrorCode;
use crate::number::Range;
use crate::plan::{Attribute, Plan, STANDARD_DIMENSIONS};
use crate::record::{Response, Timestamp};
use crate::score::{fixed_weight, FixedWeight, WeightError};

/// A customer response borrowed from the caller: the fields of
/// [`Response`], with strings as UTF-8 bytes (checked by the engine) and
/// the maps as slices of pairs (when an id repeats, the last pair wins, as
/// in JSON).
///
/// ```
/// use cx_core::engine::{Engine, ResponseRef};
/// use cx_core::plan::Plan;
/// use cx_core::record::Timestamp;
///
/// let plan = Plan::from_json(r#"{"schemaVersion": 1, "organization": {"name": "Acme"}}"#).unwrap();
/// let mut engine = Engine::new(plan).unwrap();
/// let mut ingest = engine.response_ingest();
/// ingest.push(&ResponseRef {
///     id: Some(b"call-1"),
///     at: Timestamp::from_unix(1_767_225_600).unwrap(),
///     segment: Some(b"families"),
///     nps: Some(3),
///     ..ResponseRef::default()
/// });
/// ingest.push(&ResponseRef { nps: Some(11), ..ResponseRef::default() });
/// let report = ingest.finish().unwrap();
/// assert_eq!((report.accepted, report.rejected), (1, 1));
/// assert_eq!(report.alerts[0].dimensions["segment"], "families");
/// assert_eq!(report.errors[0].pointer, "/nps");
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct ResponseRef<'a> {
    /// Record id (echoed in alerts and errors).
    pub id: Option<&'a [u8]>,
    /// When the customer answered.
    pub at: Timestamp,
    /// Customer segment.
    pub segment: Option<&'a [u8]>,
    /// Touchpoint (process id).
    pub touchpoint: Option<&'a [u8]>,
    /// Channel.
    pub channel: Option<&'a [u8]>,
    /// Team.
    pub team: Option<&'a [u8]>,
    /// Employee.
    pub employee: Option<&'a [u8]>,
    /// Custom dimensions declared by the plan: (id, value).
    pub dimensions: &'a [(&'a [u8], &'a [u8])],
    /// Likelihood to recommend, 0–10.
    pub nps: Option<u8>,
    /// Satisfaction on the plan's CSAT scale.
    pub csat: Option<u8>,
    /// Effort on the plan's CES scale.
    pub ces: Option<u8>,
    /// Overall outcome, 0–10.
    pub overall: Option<u8>,
    /// Attribute ratings: (attribute id, rating or not-applicable value).
    pub attributes: &'a [(&'a [u8], u8)],
    /// Expected levels: (attribute id, level).
    pub expectations: &'a [(&'a [u8], u8)],
    /// Survey weight (`None`: 1): a finite number from 0.000001 to
    /// 100000, rounded to the nearest millionth (see [`Response::weight`]).
    pub weight: Option<f64>,
    /// Free-text comment (UTF-8, at most `limits.maxCommentBytes`; blank
    /// is none): scored for sentiment and themes ([`crate::comment`]).
    pub comment: Option<&'a [u8]>,
}

impl<'a> ResponseRef<'a> {
    /// The standard dimensions, in [`STANDARD_DIMENSIONS`] order.
    fn standard(&self) -> [Option<&'a [u8]>; 5] {
        [
            self.segment,
            self.touchpoint,
            self.channel,
            self.team,
            self.employee,
        ]
    }
}

/// Reusable buffers for [`RowScratch::borrow`]: the pairs of a typed
/// response's maps. One per loop, not one per row.
#[derive(Debug, Default)]
pub struct RowScratch<'a> {
    attributes: Vec<(&'a [u8], u8)>,
    expectations: Vec<(&'a [u8], u8)>,
    dimensions: Vec<(&'a [u8], &'a [u8])>,
}

impl<'a> RowScratch<'a> {
    /// Empty buffers.
    pub fn new() -> RowScratch<'a> {
        RowScratch::default()
    }

    /// Borrows a typed response (no copy of its strings).
    pub fn borrow<'s>(&'s mut self, r: &'a Response) -> ResponseRef<'s> {
        let bytes = |s: &'a Option<String>| s.as_deref().map(str::as_bytes);
        self.attributes.clear();
        self.attributes
            .extend(r.attributes.iter().map(|(k, &v)| (k.as_bytes(), v)));
        self.expectations.clear();
        self.expectations
            .extend(r.expectations.iter().map(|(k, &v)| (k.as_bytes(), v)));
        self.dimensions.clear();
        self.dimensions.extend(
            r.dimensions
                .iter()
                .map(|(k, v)| (k.as_bytes(), v.as_bytes())),
        );
        ResponseRef {
            id: bytes(&r.id),
            at: r.at,
            segment: bytes(&r.segment),
            touchpoint: bytes(&r.touchpoint),
            channel: bytes(&r.channel),
            team: bytes(&r.team),
            employee: bytes(&r.employee),
            dimensions: &self.dimensions,
            nps: r.nps,
            csat: r.csat,
            ces: r.ces,
            overall: r.overall,
            attributes: &self.attributes,
            expectations: &self.expectations,
            weight: r.weight,
            comment: bytes(&r.comment),
        }
    }
}

/// Where the value of a kept dimension comes from in a row.
#[derive(Debug, Clone, Copy)]
enum Source {
    /// `STANDARD_DIMENSIONS[i]`.
    Standard(usize),
    /// `plan.dimensions[i]`.
    Custom(usize),
}

/// What the row checker learns from the plan and cube once (not per row),
/// and its per-row buffers.
#[derive(Debug, Clone, Default)]
pub(crate) struct RowChecker {
    /// Source of each kept dimension, in key order.
    kept: Vec<Source>,
    /// Standard dimensions the cube does not keep.
    standard_dropped: Vec<usize>,
    /// Per custom dimension of the plan: whether the cube keeps it.
    custom_kept: Vec<bool>,
    /// How the row's attributes are found.
    order: AttributeOrder,
    attrs: Vec<u8>,
    expect: Vec<u8>,
    ids: Vec<u32>,
}

impl RowChecker {
    /// The checker for a plan and the dimensions a cube keeps.
    pub(crate) fn new(plan: &Plan, dims: &[String]) -> RowChecker {
        let kept = dims
            .iter()
            .map(|d| match STANDARD_DIMENSIONS.iter().position(|s| s == d) {
                Some(i) => Source::Standard(i),
                // The cube was checked against the plan when the engine was made.
                None => Source::Custom(
                    plan.dimensions
                        .iter()
                        .position(|p| &p.id == d)
                        .unwrap_or(usize::MAX),
                ),
            })
            .collect();
        RowChecker {
            kept,
            order: AttributeOrder::new(plan),
            standard_dropped: (0..STANDARD_DIMENSIONS.len())
                .filter(|&i| !dims.iter().any(|d| d == STANDARD_DIMENSIONS[i]))
                .collect(),
            custom_kept: plan
                .dimensions
                .iter()
                .map(|p| dims.contains(&p.id))
                .collect(),
            attrs: vec![MISSING; plan.attributes.len()],
            expect: vec![MISSING; plan.attributes.len()],
            ids: Vec::with_capacity(dims.len()),
        }
    }
}

/// Plan attribute ids in plan order and in id order, to find a row's
/// attributes with few comparisons.
#[derive(Debug, Clone, Default)]
struct AttributeOrder {
    /// Plan attribute indices sorted by id.
    by_id: Vec<usize>,
    /// Position in `by_id` of each plan attribute.
    rank: Vec<usize>,
    /// Whether the last row's attributes came in id order (a typed
    /// response's map) rather than in plan order: that order is tried
    /// first.
    sorted: bool,
}

impl AttributeOrder {
    fn new(plan: &Plan) -> AttributeOrder {
        let mut by_id: Vec<usize> = (0..plan.attributes.len()).collect();
        by_id.sort_by(|&a, &b| plan.attributes[a].id.cmp(&plan.attributes[b].id));
        let mut rank = vec![0; by_id.len()];
        for (r, &i) in by_id.iter().enumerate() {
            rank[i] = r;
        }
        AttributeOrder {
            by_id,
            rank,
            sorted: false,
        }
    }

    /// The plan index of attribute `id`, the row's previous attribute
    /// being plan attribute `prev`: the next one in plan order and the
    /// next one in id order are tried, then a binary search by id. Plan
    /// ids are unique (a plan with duplicates makes no engine).
    fn find(&mut self, attributes: &[Attribute], id: &[u8], prev: Option<usize>) -> Option<usize> {
        let is = |i: usize| attributes.get(i).is_some_and(|a| a.id.as_bytes() == id);
        let in_plan = prev.map_or(0, |p| p + 1);
        let in_ids = match prev {
            None => self.by_id.first(),
            Some(p) => self.rank.get(p).and_then(|&r| self.by_id.get(r + 1)),
        }
        .copied();
        let guesses = if self.sorted {
            [in_ids, Some(in_plan)]
        } else {
            [Some(in_plan), in_ids]
        };
        for (n, g) in guesses.into_iter().enumerate() {
            if let Some(i) = g.filter(|&i| is(i)) {
                self.sorted ^= n == 1;
                return Some(i);
            }
        }
        let k = self
            .by_id
            .partition_point(|&i| attributes[i].id.as_bytes() < id);
        self.by_id.get(k).copied().filter(|&i| is(i))
    }
}

/// The value of a kept dimension in a row (the last pair wins).
fn kept_value<'r>(
    source: Source,
    standard: &[Option<&'r [u8]>; 5],
    row: &ResponseRef<'r>,
    plan: &Plan,
) -> Option<&'r [u8]> {
    match source {
        Source::Standard(s) => standard[s],
        Source::Custom(c) => {
            let id = plan.dimensions.get(c)?.id.as_bytes();
            row.dimensions
                .iter()
                .rev()
                .find(|(k, _)| *k == id)
                .map(|&(_, v)| v)
        }
    }
}

/// A streaming ingest of customer responses into an engine: [`push`]
/// checks and files one row, [`refuse`] records a row the caller could not
/// read, [`finish`] returns the report. Positions (`index`) count the rows
/// pushed and refused, from 0. Dropping the session without `finish` still
/// files every accepted row. The session is one call for the memory budget
/// (`limits.maxCellBytes`) and the record counts (2^53 customer
/// responses): past either, nothing more is filed and `finish` undoes the
/// whole session and fails (a dropped session is undone too).
///
/// [`push`]: ResponseIngest::push
/// [`refuse`]: ResponseIngest::refuse
/// [`finish`]: ResponseIngest::finish
#[derive(Debug)]
pub struct ResponseIngest<'e> {
    engine: &'e mut Engine,
    batch: ResponseBatch,
    report: IngestReport,
    next: usize,
    closed: bool,
}

impl Engine {
    /// Starts a streaming ingest of customer responses (see
    /// [`ResponseIngest`]).
    pub fn response_ingest(&mut self) -> ResponseIngest<'_> {
        self.begin();
        ResponseIngest {
            batch: self.new_batch(),
            report: IngestReport::default(),
            next: 0,
            closed: false,
            engine: self,
        }
    }

    /// Ingests typed customer responses. Fails, keeping nothing of the
    /// call, when the cells would pass `limits.maxCellBytes` or the
    /// customer responses 2^53.
    pub fn ingest_responses(&mut self, responses: &[Response]) -> Result<IngestReport, LimitError> {
        let mut ingest = self.response_ingest();
        let mut scratch = RowScratch::new();
        for r in responses {
            if !ingest.push(&scratch.borrow(r)) && ingest.failed() {
                break;
            }
        }
        ingest.finish()
    }

    /// Checks one typed response; see [`Engine::check_row`].
    pub(crate) fn check_response(
        &mut self,
        r: &Response,
        pos: Position,
        batch: &mut ResponseBatch,
        report: &mut IngestReport,
    ) -> Result<(), FieldError> {
        let mut scratch = RowScratch::new();
        self.check_row(&scratch.borrow(r), pos, batch, report)
    }

    /// The one row checker: checks `row` against the plan (scales,
    /// attribute and dimension ids, UTF-8, the distinct-values limit) and,
    /// when it passes, files it in `batch`, counts it as accepted in
    /// `report` and raises its alerts (listed there up to
    /// `maxAlertsListed`; each offered to the engine's kept alerts).
    pub(crate) fn check_row(
        &mut self,
        row: &ResponseRef<'_>,
        pos: Position,
        batch: &mut ResponseBatch,
        report: &mut IngestReport,
    ) -> Result<(), FieldError> {
        let mut checker = std::mem::take(&mut self.rows);
        let result = self.check_with(&mut checker, row, pos, batch, report);
        // The placeholder `take` left holds no allocation: forgetting it
        // skips six empty `Vec` drops, which are calls in the size-optimised
        // WASM build (6% of its JSON Lines ingest).
        std::mem::forget(std::mem::replace(&mut self.rows, checker));
        result
    }
}

fn utf8(bytes: &[u8], pointer: impl FnOnce() -> String) -> Result<&str, FieldError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let pointer = pointer();
        let message = format!(
            "`{}` is not valid UTF-8 (invalid byte at offset {})",
            pointer.trim_start_matches('/'),
            e.valid_up_to()
        );
        field_error(pointer, ErrorCode::InvalidUtf8, message)
    })
}

/// The dimensions of a row as an alert names them: the standard ones
/// present, then the custom ones (a repeated name keeps its last value).
fn alert_dims(standard: &[Option<&[u8]>], row: &ResponseRef<'_>) -> BTreeMap<String, String> {
    // A map collected from pairs sorts them (stably, so the last of a
    // repeated name wins, as inserting them in turn would) and fills its
    // nodes without a search per pair; taking the standard dimensions by
    // name makes the sort one pass.
    const BY_NAME: [usize; 5] = [2, 4, 0, 3, 1];
    let mut pairs = Vec::with_capacity(standard.len() + row.dimensions.len());
    for s in BY_NAME {
        if let Some(v) = standard.get(s).copied().flatten() {
            pairs.push((STANDARD_DIMENSIONS[s].to_string(), lossy(v).into_owned()));
        }
    }
    for &(k, v) in row.dimensions {
        pairs.push((lossy(k).into_owned(), lossy(v).into_owned()));
    }
    pairs.into_iter().collect()
}

fn lossy(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

impl ResponseIngest<'_> {
    /// Checks one row against the plan and files it, or rejects it in the
    /// report (a rejected row changes nothing). Returns whether it was
    /// accepted.
    pub fn push(&mut self, row: &ResponseRef<'_>) -> bool {
        if self.failed() {
            return false;
        }
        let pos = Position {
            index: self.next,
            line: None,
        };
        self.next += 1;
        let accepted = match self
            .engine
            .check_row(row, pos, &mut self.batch, &mut self.report)
        {
            Ok(()) => true,
            Err(e) => {
                let id = row.id.map(|b| lossy(b).into_owned());
                self.engine.rejected(&mut self.report, pos, id, e);
                false
            }
        };
        if self.batch.len() >= BATCH_ROWS {
            self.engine.flush(&mut self.batch);
        }
        accepted
    }

    /// Records a row the caller could not read (e.g. a C string that is not
    /// a number): counted as rejected at the next position, with `pointer`
    /// (JSON Pointer within the row), a stable `code` and a message.
    pub fn refuse(&mut self, id: Option<&[u8]>, pointer: &str, code: ErrorCode, message: &str) {
        if self.failed() {
            return;
        }
        let pos = Position {
            index: self.next,
            line: None,
        };
        self.next += 1;
        let id = id.map(|b| lossy(b).into_owned());
        self.engine.rejected(
            &mut self.report,
            pos,
            id,
            field_error(pointer, code, message),
        );
    }

    /// Whether the session passed `limits.maxCellBytes` or 2^53 customer
    /// responses: it files nothing more, and [`ResponseIngest::finish`]
    /// undoes it and fails.
    pub fn failed(&self) -> bool {
        self.engine.over_budget()
    }

    /// Files what is left and returns the report, or, when the cells passed
    /// `limits.maxCellBytes` or the customer responses 2^53, undoes the
    /// whole session and fails.
    pub fn finish(mut self) -> Result<IngestReport, LimitError> {
        self.close()?;
        Ok(std::mem::take(&mut self.report))
    }

    fn close(&mut self) -> Result<(), LimitError> {
        if self.closed {
            return Ok(());
        }
        self.closed = true;
        self.engine.flush(&mut self.batch);
        self.engine.end()
    }
}

/// The range of the rating at a record pointer's `parts` (`["nps"]`,
/// `["attributes", "wait-time"]`, `["satisfaction", "pay"]`) under
/// `plan`; `None` where no rating is.
pub(crate) fn rating_range(plan: &Plan, parts: &[&str]) -> Option<Range> {
    let scale = |s: crate::plan::Scale| Range::new(s.min, s.max);
    match parts {
        ["nps" | "overall" | "enps"] => Some(Range::ZERO_TO_TEN),
        ["csat"] => Some(scale(plan.scales.csat)),
        ["ces"] => Some(scale(plan.scales.ces)),
        ["attributes" | "expectations", id] => plan.attribute(id).map(|a| Range {
            not_applicable: a.not_applicable,
            ..scale(a.scale)
        }),
        ["satisfaction", _] => Some(Range::new(1, 5)),
        _ => None,
    }
}

impl Engine {
    /// Checks one row (id, ratings, attributes, dimensions) and files it
    /// with its alerts, or says which field is wrong and how.
    fn check_with(
        &mut self,
        c: &mut RowChecker,
        row: &ResponseRef<'_>,
        pos: Position,
        batch: &mut ResponseBatch,
        report: &mut IngestReport,
    ) -> Result<(), FieldError> {
        let plan = &*self.plan;
        if let Some(id) = row.id {
            utf8(id, || "/id".to_string())?;
        }
        let scores = check_ratings(row, plan)?;
        let weight = match row.weight {
            None => None,
            Some(w) => Some(check_weight(w)?),
        };
        c.check_attributes(row, plan)?;
        c.check_dimensions(row, plan)?;
        let comment = check_comment(
            row.comment,
            self.config.limits.max_comment_bytes,
            "/comment",
        )?;
        let standard = row.standard();
        self.intern_kept(c, row, &standard)?;
        // Accepted from here on: file it.
        let bucket = self.bucket_of(row.at);
        batch.push_row(bucket, &c.ids, scores, &c.attrs, &c.expect);
        if let Some(w) = weight {
            file_weight(batch, w, report);
        }
        self.note_response_time(row.at.unix());
        report.total += 1;
        report.accepted += 1;
        let [nps, csat, ces, _] = scores;
        let raised = Raised {
            id: row.id,
            pos,
            at: row.at,
            nps,
            csat,
            ces,
        };
        if let Some(text) = comment {
            self.file_comment(&raised, bucket, &c.ids, text);
        }
        if self.would_alert(nps, csat, ces) {
            self.raise_response_alerts(report, raised, || alert_dims(&standard, row));
        }
        if comment.is_some() {
            self.raise_comment_alerts(report, &raised, || alert_dims(&standard, row));
        }
        Ok(())
    }

    /// Analyses an accepted response's comment and files it in the cell
    /// of `bucket` and `ids` (and its themes' verbatims).
    pub(crate) fn file_comment(&mut self, r: &Raised<'_>, bucket: i32, ids: &[u32], text: &str) {
        let c = &mut self.comments;
        let analyzer = std::sync::Arc::clone(&c.analyzer);
        analyzer.analyze(text, &mut c.facts);
        let key = CellKey {
            bucket,
            method: 0,
            dims: ids.into(),
        };
        let id = r.id.map(|b| String::from_utf8_lossy(b));
        c.file_response(&key, r.nps, r.at, id.as_deref(), text);
    }

    /// The interned ids of the row's kept dimension values into `c.ids`,
    /// all or nothing: first every value is looked up, then the new ones
    /// are checked (UTF-8, the distinct-values limit), then inserted.
    #[inline]
    fn intern_kept(
        &mut self,
        c: &mut RowChecker,
        row: &ResponseRef<'_>,
        standard: &[Option<&[u8]>; 5],
    ) -> Result<(), FieldError> {
        let plan = &*self.plan;
        c.ids.clear();
        let max = self.config.limits.max_distinct_values;
        let mut new = false;
        for (d, source) in c.kept.iter().enumerate() {
            let id = match kept_value(*source, standard, row, plan) {
                None => 0,
                Some(v) => match self.interners[d].get_bytes(v) {
                    Some(id) => id,
                    None => {
                        let pointer = || match *source {
                            Source::Standard(s) => format!("/{}", STANDARD_DIMENSIONS[s]),
                            Source::Custom(_) => ptr(&["dimensions", &self.dims[d]]),
                        };
                        let text = utf8(v, pointer)?;
                        if self.interners[d].len() >= max {
                            let name = &self.dims[d];
                            return Err(field_error(
                                pointer(),
                                ErrorCode::TooManyValues,
                                format!("dimension `{name}` already has {max} distinct values (limits.maxDistinctValues); `{text}` would be one more"),
                            ));
                        }
                        new = true;
                        u32::MAX
                    }
                },
            };
            c.ids.push(id);
        }
        if new {
            for (d, source) in c.kept.iter().enumerate() {
                if c.ids[d] == u32::MAX {
                    // Checked above: present and UTF-8.
                    let v = kept_value(*source, standard, row, plan).unwrap_or_default();
                    let text = lossy(v);
                    c.ids[d] = self.interners[d].intern(&text);
                }
            }
        }
        Ok(())
    }
}

/// A record's `weight` checked and put in fixed point, or the error of
/// field `weight` (pointer `/weight`): `invalid-value` for NaN or an
/// infinity, `out-of-range` for 0, a negative weight, or one outside
/// 0.000001..=100000 ([`fixed_weight`]'s range). Shared by every input.
pub(crate) fn check_weight(w: f64) -> Result<FixedWeight, FieldError> {
    fixed_weight(w).map_err(|e| {
        let code = match e {
            WeightError::NotFinite => ErrorCode::InvalidValue,
            _ => ErrorCode::OutOfRange,
        };
        field_error("/weight", code, format!("`weight`: {e}"))
    })
}

/// Gives the batch's last row the weight `w` (a weight of exactly 1 is
/// no weight: the row stays unweighted) and counts a rounded weight in
/// `report.weightsRounded`.
#[inline]
pub(crate) fn file_weight(batch: &mut ResponseBatch, w: FixedWeight, report: &mut IngestReport) {
    if !w.is_one() {
        batch.set_weight(batch.len().saturating_sub(1), w.millionths);
    }
    if w.rounded {
        report.weights_rounded += 1;
    }
}

/// The row's NPS, CSAT, CES and overall rating ([`MISSING`] when absent),
/// each checked against its scale.
#[inline]
fn check_ratings(row: &ResponseRef<'_>, plan: &Plan) -> Result<[u8; 4], FieldError> {
    let scales = plan.scales;
    let rating = |v: Option<u8>, lo: u8, hi: u8, name: &str| -> Result<u8, FieldError> {
        match v {
            None => Ok(MISSING),
            Some(x) if (lo..=hi).contains(&x) => Ok(x),
            Some(x) => Err(field_error(
                format!("/{name}"),
                ErrorCode::OutOfRange,
                format!("`{name}` is {x}, but it must be an integer from {lo} to {hi}"),
            )),
        }
    };
    Ok([
        rating(row.nps, 0, 10, "nps")?,
        rating(row.csat, scales.csat.min, scales.csat.max, "csat")?,
        rating(row.ces, scales.ces.min, scales.ces.max, "ces")?,
        rating(row.overall, 0, 10, "overall")?,
    ])
}

impl RowChecker {
    /// The row's attribute ratings and expected levels into `attrs` and
    /// `expect` (by plan index; not-applicable values as
    /// [`NOT_APPLICABLE`]), each attribute known and in its scale.
    #[inline]
    fn check_attributes(&mut self, row: &ResponseRef<'_>, plan: &Plan) -> Result<(), FieldError> {
        let attributes = &plan.attributes;
        for (pairs, out, key) in [
            (row.attributes, &mut self.attrs, "attributes"),
            (row.expectations, &mut self.expect, "expectations"),
        ] {
            // Not on an empty buffer: `memset` of nothing at an empty
            // `Vec`'s dangling address costs hundreds of cycles on some
            // CPUs (AVX-512 masked stores), a third of JSON Lines ingest
            // time for a plan without attributes.
            if !out.is_empty() {
                out.fill(MISSING);
            }
            // Rows list attributes in plan order or (typed) in id order:
            // `find` tries the next one in that order before searching.
            let mut prev = None;
            for &(id, v) in pairs {
                let Some(i) = self.order.find(attributes, id, prev) else {
                    let name = utf8(id, || format!("/{key}"))?;
                    return Err(field_error(
                        ptr(&[key, name]),
                        ErrorCode::UnknownAttribute,
                        format!("`{name}` is not an attribute of the plan"),
                    ));
                };
                prev = Some(i);
                out[i] = attribute_rating(&attributes[i], v, key)?;
            }
        }
        Ok(())
    }

    /// The row's custom dimensions are declared by the plan, and the values
    /// the cube does not keep (so are not interned) are UTF-8.
    #[inline]
    fn check_dimensions(&self, row: &ResponseRef<'_>, plan: &Plan) -> Result<(), FieldError> {
        for &(id, value) in row.dimensions {
            let Some(d) = plan.dimensions.iter().position(|p| p.id.as_bytes() == id) else {
                let name = utf8(id, || "/dimensions".to_string())?;
                return Err(field_error(
                    ptr(&["dimensions", name]),
                    ErrorCode::UnknownDimension,
                    format!(
                        "`{name}` is not a dimension of the plan (declare it under `dimensions`)"
                    ),
                ));
            };
            if !self.custom_kept[d] {
                utf8(value, || ptr(&["dimensions", &plan.dimensions[d].id]))?;
            }
        }
        let standard = row.standard();
        for &s in &self.standard_dropped {
            if let Some(v) = standard[s] {
                utf8(v, || format!("/{}", STANDARD_DIMENSIONS[s]))?;
            }
        }
        Ok(())
    }
}

/// Rating `v` of attribute `a` (under `key`: `attributes` or
/// `expectations`): its not-applicable value, or a value of its scale.
#[inline]
fn attribute_rating(a: &Attribute, v: u8, key: &str) -> Result<u8, FieldError> {
    if a.not_applicable == Some(v) {
        Ok(NOT_APPLICABLE)
    } else if a.scale.contains(v) {
        Ok(v)
    } else {
        let na = a
            .not_applicable
            .map_or(String::new(), |na| format!(" (or {na} for not applicable)"));
        Err(field_error(
            ptr(&[key, &a.id]),
            ErrorCode::OutOfRange,
            format!(
                "`{}` is {v}, but it must be an integer from {} to {}{na}",
                a.id, a.scale.min, a.scale.max
            ),
        ))
    }
}

impl Drop for ResponseIngest<'_> {
    fn drop(&mut self) {
        // Dropped without `finish`: the session is kept, or undone when it
        // passed the budget (nobody is left to tell).
        let _ = self.close();
    }
}
