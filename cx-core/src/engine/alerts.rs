//! The alerts an engine keeps ([`AlertLog`]) and how an accepted record's
//! alerts are raised: listed in the call's report (up to
//! `limits.maxAlertsListed`, in input order) and offered to the engine's
//! log, which keeps the newest `limits.maxAlertsKept` of every alert raised.
//!
//! "Newest" is one total order on alerts ([`order`]): by `at`, then by
//! record id (an absent id first), then by reason (in the declaration order
//! of [`AlertReason`]), then by the rest of the alert. So what the engine
//! keeps does not depend on the path (one file, a stream, split files,
//! parallel parts, a merge in any order, a restored snapshot), on the order
//! of the input or on the listing limit — only on the alerts raised.

use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeMap, BinaryHeap};

use super::cells::MISSING;
use super::ingest::{Alert, AlertReason, IngestReport, Position};
use super::Engine;
use crate::record::Timestamp;

/// An alert's fields as [`order`] reads them, strings as bytes (the order
/// of `str` is the order of its bytes): an [`Alert`] or a kept one.
struct View<'a, D> {
    at: Timestamp,
    id: Option<&'a [u8]>,
    reason: AlertReason,
    value: Option<u8>,
    rule: Option<&'a [u8]>,
    due: Timestamp,
    /// (name, value) pairs in name order, as a `BTreeMap` iterates.
    dims: D,
    index: usize,
    line: Option<usize>,
}

type Pair<'a> = (&'a [u8], &'a [u8]);

/// The order of kept alerts: `at`, record id (absent first), reason
/// (declaration order), then the other fields (the dimensions as their
/// `BTreeMap`s compare), the call-relative position (`index`, `line`)
/// last. Two alerts compare equal only when they are equal.
fn order<'a, 'b, A, B>(a: View<'a, A>, b: View<'b, B>) -> Ordering
where
    A: Iterator<Item = Pair<'a>>,
    B: Iterator<Item = Pair<'b>>,
{
    a.at.cmp(&b.at)
        .then_with(|| a.id.cmp(&b.id))
        .then_with(|| a.reason.cmp(&b.reason))
        .then_with(|| a.value.cmp(&b.value))
        .then_with(|| a.rule.cmp(&b.rule))
        .then_with(|| a.due.cmp(&b.due))
        .then_with(|| cmp_pairs(a.dims, b.dims))
        .then_with(|| a.index.cmp(&b.index))
        .then_with(|| a.line.cmp(&b.line))
}

/// The named thing that raised an alert: its critical rule, or its theme
/// (an alert has at most one, by its reason).
fn subject(a: &Alert) -> Option<&[u8]> {
    a.rule.as_deref().or(a.theme.as_deref()).map(str::as_bytes)
}

fn view(a: &Alert) -> View<'_, impl Iterator<Item = Pair<'_>>> {
    View {
        at: a.at,
        id: a.record_id.as_deref().map(str::as_bytes),
        reason: a.reason,
        value: a.value,
        rule: subject(a),
        due: a.due,
        dims: a
            .dimensions
            .iter()
            .map(|(k, v)| (k.as_bytes(), v.as_bytes())),
        index: a.index,
        line: a.line,
    }
}

/// Lexicographic order of two pair sequences (a shorter prefix first), as
/// `BTreeMap`s compare.
fn cmp_pairs<'a, 'b>(
    mut a: impl Iterator<Item = Pair<'a>>,
    mut b: impl Iterator<Item = Pair<'b>>,
) -> Ordering {
    loop {
        let (x, y) = match (a.next(), b.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => (x, y),
        };
        let c = x.0.cmp(y.0).then_with(|| x.1.cmp(y.1));
        if c != Ordering::Equal {
            return c;
        }
    }
}

/// Appends `s` to `out`, its length first (the snapshot stream's varint).
fn put_str(out: &mut Vec<u8>, s: &[u8]) {
    // Writing to a `Vec` cannot fail.
    let _ = super::stream::varint(out, s.len() as u64);
    out.extend_from_slice(s);
}

/// The strings [`put_str`] wrote, in order.
struct Strings<'a>(&'a [u8]);

impl<'a> Iterator for Strings<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let mut n = 0usize;
        let mut shift = 0;
        let mut i = 0;
        loop {
            let b = *self.0.get(i)?;
            i += 1;
            n |= usize::from(b & 0x7f).checked_shl(shift)?;
            if b < 0x80 {
                break;
            }
            shift += 7;
        }
        let (s, rest) = self.0.get(i..)?.split_at_checked(n)?;
        self.0 = rest;
        Some(s)
    }
}

/// A kept alert, compact: its strings (record id, rule, then each
/// dimension's name and value) in one allocation instead of one each and
/// a map. Ordered by [`order`] on the alert it stands for.
#[derive(Debug, Clone)]
struct Kept {
    at: Timestamp,
    due: Timestamp,
    index: usize,
    line: Option<usize>,
    reason: AlertReason,
    value: Option<u8>,
    has_id: bool,
    has_rule: bool,
    text: Box<[u8]>,
    /// The transaction that kept it (not part of the order).
    tx: u64,
}

impl Kept {
    fn of(a: &Alert) -> Kept {
        let id = a.record_id.as_deref().map(str::as_bytes);
        let rule = subject(a);
        let strings = || {
            id.into_iter().chain(rule).chain(
                a.dimensions
                    .iter()
                    .flat_map(|(k, v)| [k.as_bytes(), v.as_bytes()]),
            )
        };
        let mut text = Vec::with_capacity(strings().map(|s| s.len() + 1).sum());
        for s in strings() {
            put_str(&mut text, s);
        }
        Kept {
            at: a.at,
            due: a.due,
            index: a.index,
            line: a.line,
            reason: a.reason,
            value: a.value,
            has_id: id.is_some(),
            has_rule: rule.is_some(),
            text: text.into_boxed_slice(),
            tx: 0,
        }
    }

    fn view(&self) -> View<'_, impl Iterator<Item = Pair<'_>>> {
        let mut s = Strings(&self.text);
        let id = if self.has_id { s.next() } else { None };
        let rule = if self.has_rule { s.next() } else { None };
        View {
            at: self.at,
            id,
            reason: self.reason,
            value: self.value,
            rule,
            due: self.due,
            dims: std::iter::from_fn(move || Some((s.next()?, s.next()?))),
            index: self.index,
            line: self.line,
        }
    }

    /// The alert it stands for (its strings were UTF-8 when kept).
    fn alert(&self) -> Alert {
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        let v = self.view();
        let subject = v.rule.map(text);
        let is_theme = v.reason == AlertReason::CommentTheme;
        Alert {
            reason: v.reason,
            record_id: v.id.map(text),
            index: v.index,
            line: v.line,
            value: v.value,
            theme: if is_theme { subject.clone() } else { None },
            rule: if is_theme { None } else { subject },
            at: v.at,
            due: v.due,
            dimensions: v.dims.map(|(k, v)| (text(k), text(v))).collect(),
        }
    }
}

impl PartialEq for Kept {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Kept {}

impl PartialOrd for Kept {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Kept {
    fn cmp(&self, other: &Self) -> Ordering {
        order(self.view(), other.view())
    }
}

/// The newest `capacity` alerts offered (by [`order`]), a multiset: equal
/// alerts (the same record ingested twice) are each kept. A min-heap, so
/// the oldest kept alert — the one a newer alert replaces — is at hand, and
/// a candidate that cannot enter costs one comparison.
#[derive(Debug, Clone, Default)]
pub(crate) struct AlertLog {
    capacity: usize,
    heap: BinaryHeap<Reverse<Kept>>,
    /// The current transaction (alerts kept since [`AlertLog::begin`]
    /// carry it).
    tx: u64,
    /// During a transaction: the older alerts it pushed out.
    evicted: Option<Vec<Kept>>,
    /// The oldest alert of the full log this one feeds (the log of a part
    /// of a call split across threads): nothing older can be kept there.
    floor: Option<Kept>,
}

impl PartialEq for AlertLog {
    fn eq(&self, other: &Self) -> bool {
        self.capacity == other.capacity && self.to_vec() == other.to_vec()
    }
}

impl AlertLog {
    /// An empty log keeping at most `capacity` alerts.
    pub(crate) fn new(capacity: usize) -> AlertLog {
        AlertLog {
            capacity,
            heap: BinaryHeap::new(),
            tx: 0,
            evicted: None,
            floor: None,
        }
    }

    /// Starts journaling changes for [`AlertLog::rollback`].
    pub(crate) fn begin(&mut self) {
        self.tx += 1;
        self.evicted = Some(Vec::new());
    }

    /// Keeps the changes since [`AlertLog::begin`].
    pub(crate) fn commit(&mut self) {
        self.evicted = None;
    }

    /// Undoes the changes since [`AlertLog::begin`].
    pub(crate) fn rollback(&mut self) {
        let Some(evicted) = self.evicted.take() else {
            return;
        };
        let tx = self.tx;
        self.heap.retain(|Reverse(k)| k.tx != tx);
        self.heap.extend(evicted.into_iter().map(Reverse));
    }

    /// Refuses, from now on, what `full` would refuse: every alert not
    /// newer than its oldest, once it is full.
    #[cfg(feature = "parallel")]
    pub(crate) fn set_floor(&mut self, full: &AlertLog) {
        self.floor = (full.heap.len() >= full.capacity)
            .then(|| full.oldest_when_full().cloned())
            .flatten();
    }

    /// The oldest alert kept, once the log is full (while it has room: the
    /// floor, if any; `None` with a capacity of 0).
    fn oldest_when_full(&self) -> Option<&Kept> {
        if self.heap.len() < self.capacity {
            return self.floor.as_ref();
        }
        self.heap.peek().map(|Reverse(k)| k)
    }

    /// Whether an alert with this key could be kept: the log has room, or
    /// the key is not older than the oldest kept alert's (an equal key may
    /// still lose on the other fields: [`AlertLog::push`] decides).
    pub(crate) fn admits(&self, at: Timestamp, id: Option<&[u8]>, reason: AlertReason) -> bool {
        if self.capacity == 0 {
            return false;
        }
        self.oldest_when_full().is_none_or(|o| {
            let o = o.view();
            (at, id, reason) >= (o.at, o.id, o.reason)
        })
    }

    /// Whether `alert` would be kept.
    fn keeps(&self, alert: &Alert) -> bool {
        self.capacity > 0
            && self
                .oldest_when_full()
                .is_none_or(|o| order(view(alert), o.view()) == Ordering::Greater)
    }

    /// Keeps `kept` (the oldest kept alert makes room when full; during a
    /// transaction, an older one pushed out is journaled).
    fn insert(&mut self, mut kept: Kept) {
        kept.tx = self.tx;
        if self.heap.len() < self.capacity {
            self.heap.push(Reverse(kept));
        } else if let Some(mut oldest) = self.heap.peek_mut() {
            let Reverse(old) = std::mem::replace(&mut *oldest, Reverse(kept));
            if let Some(evicted) = self.evicted.as_mut().filter(|_| old.tx != self.tx) {
                evicted.push(old);
            }
        }
    }

    /// Keeps `alert` if it is among the newest `capacity` (the oldest kept
    /// alert makes room).
    pub(crate) fn push(&mut self, alert: Alert) {
        self.offer(&alert);
    }

    /// Keeps a copy of `alert` if it is among the newest (no copy when not).
    pub(crate) fn offer(&mut self, alert: &Alert) {
        if self.keeps(alert) {
            self.insert(Kept::of(alert));
        }
    }

    /// Keeps the newest of both logs (the newest `capacity` of the union).
    pub(crate) fn merge(&mut self, other: &AlertLog) {
        for Reverse(k) in &other.heap {
            let keep = self.capacity > 0
                && self
                    .oldest_when_full()
                    .is_none_or(|o| k.cmp(o) == Ordering::Greater);
            if keep {
                self.insert(k.clone());
            }
        }
    }

    /// Shifts the call-relative positions of every kept alert (the parts
    /// of a text ingested on several threads count from their own start).
    #[cfg(feature = "parallel")]
    pub(crate) fn shift(&mut self, index: usize, lines: usize) {
        let mut kept = std::mem::take(&mut self.heap).into_vec();
        for Reverse(a) in &mut kept {
            a.index = a.index.saturating_add(index);
            a.line = a.line.map(|l| l.saturating_add(lines));
        }
        // Adding the same numbers to every alert keeps their order.
        self.heap = BinaryHeap::from(kept);
    }

    /// The alerts kept, oldest first.
    pub(crate) fn to_vec(&self) -> Vec<Alert> {
        let mut v: Vec<&Kept> = self.heap.iter().map(|Reverse(k)| k).collect();
        v.sort();
        v.into_iter().map(Kept::alert).collect()
    }
}

/// The customer response an alert is raised for, as the row checkers see
/// it (the id's bytes are checked UTF-8).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Raised<'a> {
    pub id: Option<&'a [u8]>,
    pub pos: Position,
    pub at: Timestamp,
    pub nps: u8,
    pub csat: u8,
    pub ces: u8,
}

impl Engine {
    /// The alerts the plan's rules raise for a customer response with these
    /// ratings, with the rating that raised each, in reason order.
    fn response_reasons(&self, nps: u8, csat: u8, ces: u8) -> [Option<(AlertReason, u8)>; 3] {
        let rules = &self.plan.thresholds.alerts;
        let csat_low = self.plan.scales.csat.min + 1;
        [
            (rules.detractor && nps != MISSING && nps <= 6)
                .then_some((AlertReason::Detractor, nps)),
            (rules.csat_bottom_two && csat != MISSING && csat <= csat_low)
                .then_some((AlertReason::CsatBottomTwo, csat)),
            (rules
                .ces_at_most
                .is_some_and(|l| ces != MISSING && ces <= l))
            .then_some((AlertReason::HighEffort, ces)),
        ]
    }

    /// How many alerts a customer response with these ratings raises.
    pub(crate) fn alert_count(&self, nps: u8, csat: u8, ces: u8) -> u64 {
        self.response_reasons(nps, csat, ces)
            .iter()
            .flatten()
            .count() as u64
    }

    /// Whether a customer response with these ratings raises any alert.
    pub(crate) fn would_alert(&self, nps: u8, csat: u8, ces: u8) -> bool {
        self.alert_count(nps, csat, ces) > 0
    }

    /// Raises the alerts of one accepted customer response: each is listed
    /// in `report` (past `maxAlertsListed`, counted) and offered to the
    /// engine's kept alerts. An alert is built — its strings and `dims` —
    /// only when it is listed or kept: a candidate older than every kept
    /// alert, past the listing limit, costs a comparison.
    pub(crate) fn raise_response_alerts(
        &mut self,
        report: &mut IngestReport,
        r: Raised<'_>,
        dims: impl Fn() -> BTreeMap<String, String>,
    ) {
        let max = self.config.limits.max_alerts_listed;
        let mut built = None;
        let reasons = self.response_reasons(r.nps, r.csat, r.ces);
        // The last alert takes the dimensions built; the others a copy.
        let last = reasons.iter().rposition(Option::is_some);
        for (i, reason) in reasons.into_iter().enumerate() {
            let Some((reason, value)) = reason else {
                continue;
            };
            if report.alerts.len() >= max && !self.alerts.admits(r.at, r.id, reason) {
                report.alerts_not_listed += 1;
                continue;
            }
            let dimensions = if Some(i) == last {
                built.take().unwrap_or_else(&dims)
            } else {
                built.get_or_insert_with(&dims).clone()
            };
            let alert = Alert {
                reason,
                record_id: r.id.map(|b| String::from_utf8_lossy(b).into_owned()),
                index: r.pos.index,
                line: r.pos.line,
                value: Some(value),
                rule: None,
                theme: None,
                at: r.at,
                due: r.at.plus_hours(self.plan.thresholds.follow_up_hours),
                dimensions,
            };
            self.raise(report, alert);
        }
    }

    /// Raises the alerts of an accepted customer response's comment,
    /// analysed in `self.comments.facts`: `negativeComment` when its
    /// compound is at or below the plan's threshold, and `commentTheme` for
    /// each theme it mentions that is marked `alert` (in plan order).
    pub(crate) fn raise_comment_alerts(
        &mut self,
        report: &mut IngestReport,
        r: &Raised<'_>,
        dims: impl Fn() -> BTreeMap<String, String>,
    ) {
        let analyzer = std::sync::Arc::clone(&self.comments.analyzer);
        let facts = &self.comments.facts;
        let negative = analyzer
            .too_negative(facts.polarity.compound)
            .then_some((AlertReason::NegativeComment, None));
        let themes: Vec<(AlertReason, Option<String>)> = negative
            .into_iter()
            .chain(
                facts
                    .themes
                    .iter()
                    .filter(|&&t| analyzer.alerts_on(t))
                    .filter_map(|&t| self.plan.themes.get(t as usize))
                    .map(|t| (AlertReason::CommentTheme, Some(t.id.clone()))),
            )
            .collect();
        let max = self.config.limits.max_alerts_listed;
        for (reason, theme) in themes {
            if report.alerts.len() >= max && !self.alerts.admits(r.at, r.id, reason) {
                report.alerts_not_listed += 1;
                continue;
            }
            let alert = Alert {
                reason,
                record_id: r.id.map(|b| String::from_utf8_lossy(b).into_owned()),
                index: r.pos.index,
                line: r.pos.line,
                value: None,
                rule: None,
                theme,
                at: r.at,
                due: r.at.plus_hours(self.plan.thresholds.follow_up_hours),
                dimensions: dims(),
            };
            self.raise(report, alert);
        }
    }

    /// Lists `alert` in `report` (past `maxAlertsListed`, counts it) and
    /// offers it to the engine's kept alerts.
    pub(crate) fn raise(&mut self, report: &mut IngestReport, alert: Alert) {
        if report.alerts.len() < self.config.limits.max_alerts_listed {
            self.alerts.offer(&alert);
            report.alerts.push(alert);
        } else {
            report.alerts_not_listed += 1;
            self.alerts.push(alert);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The order as the fields of [`Alert`] define it.
    fn alert_order(a: &Alert, b: &Alert) -> Ordering {
        a.at.cmp(&b.at)
            .then_with(|| a.record_id.cmp(&b.record_id))
            .then_with(|| a.reason.cmp(&b.reason))
            .then_with(|| a.value.cmp(&b.value))
            .then_with(|| a.rule.cmp(&b.rule))
            .then_with(|| a.theme.cmp(&b.theme))
            .then_with(|| a.due.cmp(&b.due))
            .then_with(|| a.dimensions.cmp(&b.dimensions))
            .then_with(|| a.index.cmp(&b.index))
            .then_with(|| a.line.cmp(&b.line))
    }

    fn alerts() -> Vec<Alert> {
        let t = |s| Timestamp::from_unix(s).unwrap();
        let long = "é".repeat(200);
        let mut out = Vec::new();
        for (i, (id, rule, dims)) in [
            (None, None, vec![]),
            (Some("a"), None, vec![("segment", "x")]),
            (Some(""), Some("r"), vec![("segment", "x"), ("team", "")]),
            (Some(long.as_str()), None, vec![("segment", long.as_str())]),
            (Some("a"), Some(long.as_str()), vec![("region", "x")]),
            (Some("a"), None, vec![("segment", "x"), ("team", "y")]),
            (Some("b"), None, vec![("segment", "w")]),
        ]
        .into_iter()
        .enumerate()
        {
            for (at, reason, value) in [
                (0, AlertReason::Detractor, Some(3)),
                (0, AlertReason::HighEffort, None),
                (5, AlertReason::Detractor, Some(3)),
            ] {
                out.push(Alert {
                    reason,
                    record_id: id.map(str::to_string),
                    index: i % 3,
                    line: (i % 2 == 0).then_some(i),
                    value,
                    rule: rule.map(str::to_string),
                    theme: None,
                    at: t(at),
                    due: t(at + 3600),
                    dimensions: dims
                        .iter()
                        .map(|&(k, v)| (k.to_string(), v.to_string()))
                        .collect(),
                });
            }
        }
        out
    }

    #[test]
    fn kept_alerts_round_trip_and_keep_the_order() {
        let all = alerts();
        for a in &all {
            assert_eq!(&Kept::of(a).alert(), a);
            for b in &all {
                let (ka, kb) = (Kept::of(a), Kept::of(b));
                assert_eq!(ka.cmp(&kb), alert_order(a, b), "{a:?} {b:?}");
                assert_eq!(order(view(a), kb.view()), alert_order(a, b));
            }
        }
    }

    #[test]
    fn the_log_keeps_the_newest() {
        let all = alerts();
        let mut sorted = all.clone();
        sorted.sort_by(alert_order);
        for cap in [0, 1, 4, all.len(), all.len() + 3] {
            let mut log = AlertLog::new(cap);
            for a in all.iter().rev() {
                log.offer(a);
            }
            let newest = &sorted[sorted.len().saturating_sub(cap)..];
            assert_eq!(log.to_vec(), newest);
        }
    }
}
