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

/// The order of kept alerts: `at`, record id (absent first), reason
/// (declaration order), then the other fields, the call-relative position
/// (`index`, `line`) last. Two alerts compare equal only when they are
/// equal.
pub(crate) fn order(a: &Alert, b: &Alert) -> Ordering {
    a.at.cmp(&b.at)
        .then_with(|| a.record_id.cmp(&b.record_id))
        .then_with(|| a.reason.cmp(&b.reason))
        .then_with(|| a.value.cmp(&b.value))
        .then_with(|| a.rule.cmp(&b.rule))
        .then_with(|| a.due.cmp(&b.due))
        .then_with(|| a.dimensions.cmp(&b.dimensions))
        .then_with(|| a.index.cmp(&b.index))
        .then_with(|| a.line.cmp(&b.line))
}

/// An alert ordered by [`order`], with the transaction that kept it.
#[derive(Debug, Clone)]
struct Kept(Alert, u64);

impl PartialEq for Kept {
    fn eq(&self, other: &Self) -> bool {
        order(&self.0, &other.0) == Ordering::Equal
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
        order(&self.0, &other.0)
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
    evicted: Option<Vec<Alert>>,
    /// The oldest alert of the full log this one feeds (the log of a part
    /// of a call split across threads): nothing older can be kept there.
    floor: Option<Alert>,
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

    /// Refuses, from now on, what `full` would refuse: every alert not
    /// newer than its oldest, once it is full.
    #[cfg(feature = "parallel")]
    pub(crate) fn set_floor(&mut self, full: &AlertLog) {
        self.floor = (full.heap.len() >= full.capacity)
            .then(|| full.oldest_when_full().cloned())
            .flatten();
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
        self.heap.retain(|Reverse(Kept(_, t))| *t != tx);
        for a in evicted {
            self.heap.push(Reverse(Kept(a, 0)));
        }
    }

    /// The oldest alert kept, once the log is full (while it has room: the
    /// floor, if any; `None` with a capacity of 0).
    fn oldest_when_full(&self) -> Option<&Alert> {
        if self.heap.len() < self.capacity {
            return self.floor.as_ref();
        }
        self.heap.peek().map(|Reverse(Kept(a, _))| a)
    }

    /// Whether an alert with this key could be kept: the log has room, or
    /// the key is not older than the oldest kept alert's (an equal key may
    /// still lose on the other fields: [`AlertLog::push`] decides).
    pub(crate) fn admits(&self, at: Timestamp, id: Option<&[u8]>, reason: AlertReason) -> bool {
        if self.capacity == 0 {
            return false;
        }
        self.oldest_when_full().is_none_or(|o| {
            let oldest = (o.at, o.record_id.as_deref().map(str::as_bytes), o.reason);
            (at, id, reason) >= oldest
        })
    }

    /// Whether `alert` would be kept.
    fn keeps(&self, alert: &Alert) -> bool {
        self.capacity > 0
            && self
                .oldest_when_full()
                .is_none_or(|o| order(alert, o) == Ordering::Greater)
    }

    /// Keeps `alert` if it is among the newest `capacity` (the oldest kept
    /// alert makes room).
    pub(crate) fn push(&mut self, alert: Alert) {
        if !self.keeps(&alert) {
            return;
        }
        let kept = Reverse(Kept(alert, self.tx));
        if self.heap.len() < self.capacity {
            self.heap.push(kept);
        } else if let Some(mut oldest) = self.heap.peek_mut() {
            let Reverse(Kept(old, tx)) = std::mem::replace(&mut *oldest, kept);
            if let Some(evicted) = self.evicted.as_mut().filter(|_| tx != self.tx) {
                evicted.push(old);
            }
        }
    }

    /// Keeps a copy of `alert` if it is among the newest (no copy when not).
    pub(crate) fn offer(&mut self, alert: &Alert) {
        if self.keeps(alert) {
            self.push(alert.clone());
        }
    }

    /// Keeps the newest of both logs (the newest `capacity` of the union).
    pub(crate) fn merge(&mut self, other: &AlertLog) {
        for Reverse(Kept(a, _)) in &other.heap {
            self.offer(a);
        }
    }

    /// Shifts the call-relative positions of every kept alert (the parts
    /// of a text ingested on several threads count from their own start).
    #[cfg(feature = "parallel")]
    pub(crate) fn shift(&mut self, index: usize, lines: usize) {
        let mut kept = std::mem::take(&mut self.heap).into_vec();
        for Reverse(Kept(a, _)) in &mut kept {
            a.index = a.index.saturating_add(index);
            a.line = a.line.map(|l| l.saturating_add(lines));
        }
        // Adding the same numbers to every alert keeps their order.
        self.heap = BinaryHeap::from(kept);
    }

    /// The alerts kept, oldest first.
    pub(crate) fn to_vec(&self) -> Vec<Alert> {
        let mut v: Vec<Alert> = self
            .heap
            .iter()
            .map(|Reverse(Kept(a, _))| a.clone())
            .collect();
        v.sort_by(order);
        v
    }
}

/// The customer response an alert is raised for, as the row checkers see
/// it (the id's bytes are checked UTF-8).
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
        for (reason, value) in self
            .response_reasons(r.nps, r.csat, r.ces)
            .into_iter()
            .flatten()
        {
            if report.alerts.len() >= max && !self.alerts.admits(r.at, r.id, reason) {
                report.alerts_not_listed += 1;
                continue;
            }
            let alert = Alert {
                reason,
                record_id: r.id.map(|b| String::from_utf8_lossy(b).into_owned()),
                index: r.pos.index,
                line: r.pos.line,
                value: Some(value),
                rule: None,
                at: r.at,
                due: r.at.plus_hours(self.plan.thresholds.follow_up_hours),
                dimensions: built.get_or_insert_with(&dims).clone(),
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
