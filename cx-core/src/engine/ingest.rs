//! Checking typed records against the plan, filing them into the columnar
//! batch or their cells, the ingest report and closed-loop alerts.

use std::collections::BTreeMap;

use chrono::Datelike;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::cells::ResponseBatch;
use super::{cells, weights, Engine, LimitError};
use crate::diagnostic::escape_pointer_token;
use crate::error::ErrorCode;
use crate::metric::Kpi;
use crate::plan::AuditMethod;
use crate::record::{Audit, AuditOutcome, EmployeeResponse, KpiObservation, Record, Timestamp};
use crate::score::{AuditItem, Outcome};

/// One rejected record: where it is and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecordError {
    /// 0-based position of the record in the call's input.
    pub index: usize,
    /// 1-based line (JSON Lines, CSV).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based column (JSON: character column; CSV: field number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// JSON Pointer of the offending value within the record (JSON inputs)
    /// or within the document (JSON arrays).
    pub pointer: String,
    /// CSV column name, when the input is CSV.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The record id, when it could be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Stable code: `parse-error`, `invalid-utf8`, `line-too-long`,
    /// `out-of-range`, `unknown-attribute`, `unknown-dimension`,
    /// `unknown-rule`, `unknown-kpi`, `invalid-value`, `too-many-values`.
    pub code: ErrorCode,
    /// What was wrong and what was expected.
    pub message: String,
}

/// Why an alert was raised. Ordered as declared (the tie-break of the
/// alerts an engine keeps, after `at` and the record id).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "camelCase")]
pub enum AlertReason {
    /// An NPS rating 0–6.
    Detractor,
    /// A CSAT in the bottom two boxes of its scale.
    CsatBottomTwo,
    /// A CES at or below `thresholds.alerts.cesAtMost`.
    HighEffort,
    /// An audit failed a critical rule.
    CriticalRuleFailed,
    /// A comment whose compound sentiment is at or below
    /// `thresholds.alerts.commentCompoundAtMost`.
    NegativeComment,
    /// A comment mentions a theme marked `alert` (named in `theme`).
    CommentTheme,
}

/// A closed-loop alert: follow this customer (or employee) up by `due`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Alert {
    /// Why.
    pub reason: AlertReason,
    /// The record id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_id: Option<String>,
    /// 0-based position of the record in the call that ingested it.
    pub index: usize,
    /// 1-based line of the record, for text inputs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The rating that raised it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<u8>,
    /// The critical rule that failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// The theme the comment mentions (`commentTheme`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theme: Option<String>,
    /// When the record was observed.
    pub at: Timestamp,
    /// Follow-up due time: `at` + `thresholds.followUpHours`.
    pub due: Timestamp,
    /// The record's dimensions (segment, touchpoint, team, employee…).
    pub dimensions: BTreeMap<String, String>,
}

/// What an ingest call did: accepted + rejected = total, always.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct IngestReport {
    /// Records read.
    pub total: u64,
    /// Records filed into the statistics.
    pub accepted: u64,
    /// Records refused (each changes nothing).
    pub rejected: u64,
    /// The rejected records, in input order (up to `limits.maxErrorsListed`).
    pub errors: Vec<RecordError>,
    /// Rejected records counted but not described (past the limit).
    pub errors_not_listed: u64,
    /// Alerts raised by the accepted records, in input order (up to
    /// `limits.maxAlertsListed`).
    pub alerts: Vec<Alert>,
    /// Alerts raised but not listed (past the limit).
    #[serde(default)]
    pub alerts_not_listed: u64,
    /// Accepted customer responses whose `weight` had more than six
    /// decimals and was rounded to the nearest millionth (weights are kept
    /// as whole millionths, `WEIGHT_SCALE` in `cx_core::score`).
    #[serde(default)]
    pub weights_rounded: u64,
}

impl IngestReport {
    /// Adds the counts, errors and alerts of `other` (a later part of the
    /// same input whose positions are already absolute).
    pub fn absorb(&mut self, other: IngestReport, max_errors: usize, max_alerts: usize) {
        self.total += other.total;
        self.accepted += other.accepted;
        self.rejected += other.rejected;
        self.errors_not_listed += other.errors_not_listed;
        self.alerts_not_listed += other.alerts_not_listed;
        self.weights_rounded += other.weights_rounded;
        for e in other.errors {
            if self.errors.len() < max_errors {
                self.errors.push(e);
            } else {
                self.errors_not_listed += 1;
            }
        }
        for a in other.alerts {
            self.list_alert(a, max_alerts);
        }
    }

    /// Lists `alert`, or counts it past `max_alerts`.
    pub(crate) fn list_alert(&mut self, alert: Alert, max_alerts: usize) {
        if self.alerts.len() < max_alerts {
            self.alerts.push(alert);
        } else {
            self.alerts_not_listed += 1;
        }
    }

    pub(crate) fn reject(&mut self, error: RecordError, max_errors: usize) {
        self.total += 1;
        self.rejected += 1;
        if self.errors.len() < max_errors {
            self.errors.push(error);
        } else {
            self.errors_not_listed += 1;
        }
    }
}

/// Where a record came from.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Position {
    pub index: usize,
    pub line: Option<usize>,
}

/// A field-level problem found while checking a record.
#[derive(Debug, Clone)]
pub(crate) struct FieldError {
    pub pointer: String,
    pub code: ErrorCode,
    pub message: String,
}

pub(crate) fn field_error(
    pointer: impl Into<String>,
    code: ErrorCode,
    message: impl Into<String>,
) -> FieldError {
    FieldError {
        pointer: pointer.into(),
        code,
        message: message.into(),
    }
}

pub(crate) fn ptr(parts: &[&str]) -> String {
    parts
        .iter()
        .map(|p| format!("/{}", escape_pointer_token(p)))
        .collect()
}

impl Engine {
    /// Ingests one typed record.
    pub fn ingest(&mut self, record: impl Into<Record>) -> Result<IngestReport, LimitError> {
        let record = record.into();
        self.ingest_batch(std::slice::from_ref(&record))
    }

    /// Ingests typed records (customer responses go through the columnar
    /// batch). Fails, keeping nothing of the call, when the cells would
    /// pass `limits.maxCellBytes` ([`LimitError::MemoryLimit`]) or the
    /// records of a kind 2^53 ([`LimitError::Overflow`]).
    pub fn ingest_batch(&mut self, records: &[Record]) -> Result<IngestReport, LimitError> {
        self.transaction(|e| {
            let mut report = IngestReport::default();
            let mut batch = e.new_batch();
            // One scratch for the whole batch: a customer response is
            // borrowed into it (no allocation per record) and goes to the
            // row checker, as `accept` would send it.
            let mut scratch = super::RowScratch::new();
            for (index, rec) in records.iter().enumerate() {
                let pos = Position { index, line: None };
                match rec {
                    Record::Response(r) => {
                        e.accept_row(&scratch.borrow(r), pos, &mut batch, &mut report)
                    }
                    _ => e.accept(rec, pos, &mut batch, &mut report),
                }
                if e.over_budget() {
                    break;
                }
            }
            e.flush(&mut batch);
            report
        })
    }

    pub(crate) fn new_batch(&self) -> ResponseBatch {
        ResponseBatch::new(self.dims.len(), self.plan.attributes.len())
    }

    /// Files the rows of `batch` (and empties it), then checks the budget.
    pub(crate) fn flush(&mut self, batch: &mut ResponseBatch) {
        if !batch.is_empty() {
            self.responses.apply(batch);
            if !batch.weights.is_empty() {
                self.weights.file_batch(batch);
            }
            batch.clear();
            self.within_budget();
        }
    }

    /// Checks and files one record; the batch is flushed when full.
    pub(crate) fn accept(
        &mut self,
        rec: &Record,
        pos: Position,
        batch: &mut ResponseBatch,
        report: &mut IngestReport,
    ) {
        let result = match rec {
            Record::Response(r) => self.check_response(r, pos, batch, report).map(|()| None),
            Record::Employee(r) => self.file_employee(r, report).map(Some),
            Record::Audit(r) => self.file_audit(r, pos).map(Some),
            Record::Kpi(r) => self.file_kpi(r).map(Some),
        };
        match result {
            Ok(None) => {} // counted by the row checker
            Ok(Some(alerts)) => {
                self.accepted(report, alerts);
                self.within_budget();
            }
            Err(e) => self.rejected(report, pos, rec.id().map(str::to_string), e),
        }
        self.after_record(batch);
    }

    /// What follows every record of a text or typed batch: a full batch is
    /// filed.
    fn after_record(&mut self, batch: &mut ResponseBatch) {
        if batch.len() >= BATCH_ROWS {
            self.flush(batch);
        }
    }

    /// Checks and files one borrowed customer response (the JSON Lines
    /// fast path); as [`Engine::accept`] for a `Record::Response`.
    pub(crate) fn accept_row(
        &mut self,
        row: &super::ResponseRef<'_>,
        pos: Position,
        batch: &mut ResponseBatch,
        report: &mut IngestReport,
    ) {
        if let Err(e) = self.check_row(row, pos, batch, report) {
            let id = row.id.map(|b| String::from_utf8_lossy(b).into_owned());
            self.rejected(report, pos, id, e);
        }
        self.after_record(batch);
    }

    fn accepted(&mut self, report: &mut IngestReport, alerts: Vec<Alert>) {
        report.total += 1;
        report.accepted += 1;
        for a in alerts {
            self.raise(report, a);
        }
    }

    pub(crate) fn rejected(
        &self,
        report: &mut IngestReport,
        pos: Position,
        id: Option<String>,
        e: FieldError,
    ) {
        report.reject(
            RecordError {
                index: pos.index,
                line: pos.line,
                column: None,
                pointer: e.pointer,
                field: None,
                id,
                code: e.code,
                message: e.message,
            },
            self.config.limits.max_errors_listed,
        );
    }

    /// Interns the dimension values of a record, all or nothing: a value that
    /// would exceed `maxDistinctValues` rejects the record.
    fn intern_dims(&mut self, values: &BTreeMap<&str, &str>) -> Result<Vec<u32>, FieldError> {
        let max = self.config.limits.max_distinct_values;
        for (d, name) in self.dims.iter().enumerate() {
            if let Some(v) = values.get(name.as_str()) {
                if self.interners[d].get(v).is_none() && self.interners[d].len() >= max {
                    let pointer = if crate::plan::STANDARD_DIMENSIONS.contains(&name.as_str()) {
                        format!("/{name}")
                    } else {
                        ptr(&["dimensions", name])
                    };
                    return Err(field_error(
                        pointer,
                        ErrorCode::TooManyValues,
                        format!("dimension `{name}` already has {max} distinct values (limits.maxDistinctValues); `{v}` would be one more"),
                    ));
                }
            }
        }
        Ok(self
            .dims
            .iter()
            .enumerate()
            .map(|(d, name)| {
                values
                    .get(name.as_str())
                    .map_or(0, |v| self.interners[d].intern(v))
            })
            .collect())
    }

    fn alert(
        &self,
        reason: AlertReason,
        id: &Option<String>,
        pos: Position,
        at: Timestamp,
        dims: &BTreeMap<&str, &str>,
    ) -> Alert {
        Alert {
            reason,
            record_id: id.clone(),
            index: pos.index,
            line: pos.line,
            value: None,
            rule: None,
            theme: None,
            at,
            due: at.plus_hours(self.plan.thresholds.follow_up_hours),
            dimensions: dims
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    pub(crate) fn note_response_time(&mut self, t: i64) {
        self.note_time(t);
        self.last_response = Some(self.last_response.map_or(t, |x| x.max(t)));
    }

    fn file_employee(
        &mut self,
        r: &EmployeeResponse,
        report: &mut IngestReport,
    ) -> Result<Vec<Alert>, FieldError> {
        let weight = r.weight.map(super::rows::check_weight).transpose()?;
        if let Some(e) = r.enps {
            if e > 10 {
                return Err(field_error(
                    "/enps",
                    ErrorCode::OutOfRange,
                    format!("`enps` is {e}, but it must be an integer from 0 to 10"),
                ));
            }
        }
        for (item, &v) in &r.satisfaction {
            if !(1..=5).contains(&v) {
                return Err(field_error(
                    ptr(&["satisfaction", item]),
                    ErrorCode::OutOfRange,
                    format!(
                        "satisfaction item `{item}` is {v}, but it must be an integer from 1 to 5"
                    ),
                ));
            }
        }
        let comment = super::comments::check_comment(
            r.comment.as_deref().map(str::as_bytes),
            self.config.limits.max_comment_bytes,
            "/comment",
        )?;
        let mut dims = BTreeMap::new();
        if let Some(t) = &r.team {
            dims.insert("team", t.as_str());
        }
        let ids = self.intern_dims(&dims)?;
        let key = cells::CellKey {
            bucket: self.bucket_of(r.at),
            method: 0,
            dims: ids.into_boxed_slice(),
        };
        let items: Vec<(usize, u8)> = r
            .satisfaction
            .iter()
            .map(|(k, &v)| ((self.items.intern(k) - 1) as usize, v))
            .collect();
        self.employees.update(&key, Default::default, |cell| {
            cell.responses += 1;
            if let Some(e) = r.enps {
                let _ = cell.enps.add(e);
            }
            for &(item, v) in &items {
                if cell.items.len() <= item {
                    cell.items.resize(item + 1, Default::default());
                }
                let _ = cell.items[item].add(v);
            }
        });
        if let Some(text) = comment {
            let analyzer = std::sync::Arc::clone(&self.comments.analyzer);
            analyzer.analyze(text, &mut self.comments.facts);
            self.comments
                .file_employee(&key, r.enps.unwrap_or(cells::MISSING));
        }
        if weight.is_some_and(|w| w.rounded) {
            report.weights_rounded += 1;
        }
        if let Some(w) = weight.filter(|w| !w.is_one()) {
            self.weights
                .employees
                .update(&key, Default::default, |cell| {
                    cell.add_record(w.millionths);
                    if let Some(e) = r.enps {
                        cell.add_rating(weights::ITEM_ENPS, e, w.millionths);
                    }
                    for &(item, v) in &items {
                        cell.add_rating(weights::EMPLOYEE_ITEMS + item as u32, v, w.millionths);
                    }
                });
        }
        self.note_time(r.at.unix());
        Ok(Vec::new())
    }

    fn file_audit(&mut self, r: &Audit, pos: Position) -> Result<Vec<Alert>, FieldError> {
        let mut items = Vec::with_capacity(r.items.len());
        let mut failed_critical = Vec::new();
        for (i, check) in r.items.iter().enumerate() {
            let Some(rule) = self.plan.rule(&check.rule) else {
                return Err(field_error(
                    ptr(&["items", &i.to_string(), "rule"]),
                    ErrorCode::UnknownRule,
                    format!(
                        "`{}` is not a rule of the game or norm of the plan",
                        check.rule
                    ),
                ));
            };
            if let Some(s) = check.score {
                if !s.is_finite() {
                    return Err(field_error(
                        ptr(&["items", &i.to_string(), "score"]),
                        ErrorCode::InvalidValue,
                        "the score must be a finite number",
                    ));
                }
            }
            let outcome = match check.outcome {
                AuditOutcome::Pass => Outcome::Pass,
                AuditOutcome::Fail => Outcome::Fail,
                AuditOutcome::NotApplicable => Outcome::NotApplicable,
            };
            if rule.critical && outcome == Outcome::Fail {
                failed_critical.push(rule.id.clone());
            }
            items.push(AuditItem {
                rule: rule.id.clone(),
                outcome,
                weight: rule.weight,
                critical: rule.critical,
            });
        }
        let mut dims = BTreeMap::new();
        for (name, v) in [
            ("employee", &r.employee),
            ("team", &r.team),
            ("touchpoint", &r.touchpoint),
        ] {
            if let Some(v) = v {
                dims.insert(name, v.as_str());
            }
        }
        let ids = self.intern_dims(&dims)?;
        let key = cells::CellKey {
            bucket: self.bucket_of(r.at),
            method: method_code(r.method),
            dims: ids.into_boxed_slice(),
        };
        let critical = !failed_critical.is_empty();
        self.audits.update(&key, Default::default, |cell| {
            // Weights were validated with the plan, so scoring cannot fail.
            let _ = cell.compliance.add_audit(&items);
            if critical {
                cell.critical_failures += 1;
            }
        });
        self.note_time(r.at.unix());
        let mut alerts = Vec::new();
        if self.plan.thresholds.alerts.critical_rule_failed {
            for rule in failed_critical {
                let mut a = self.alert(AlertReason::CriticalRuleFailed, &r.id, pos, r.at, &dims);
                a.dimensions
                    .insert("auditMethod".into(), r.method.as_str().into());
                a.rule = Some(rule);
                alerts.push(a);
            }
        }
        Ok(alerts)
    }

    fn file_kpi(&mut self, r: &KpiObservation) -> Result<Vec<Alert>, FieldError> {
        let Some(kpi) = Kpi::from_name(&r.metric) else {
            return Err(field_error(
                "/metric",
                ErrorCode::UnknownKpi,
                "the KPI name is empty",
            ));
        };
        if kpi.is_derived() {
            return Err(field_error(
                "/metric",
                ErrorCode::UnknownKpi,
                format!("`{}` is computed from raw KPIs; send its inputs (e.g. customers and retainedCustomers) instead", r.metric),
            ));
        }
        if !r.value.is_finite() {
            return Err(field_error(
                "/value",
                ErrorCode::InvalidValue,
                "the KPI value must be a finite number",
            ));
        }
        for (field, day) in [
            ("/period/start", r.period.start),
            ("/period/end", r.period.end),
        ] {
            if !(1..=9999).contains(&day.year()) {
                return Err(field_error(
                    field,
                    ErrorCode::OutOfRange,
                    format!(
                        "{day} is outside the dates the engine keeps (0001-01-01 to 9999-12-31)"
                    ),
                ));
            }
        }
        if r.period.end < r.period.start {
            return Err(field_error(
                "/period/end",
                ErrorCode::OutOfRange,
                "the period ends before it starts",
            ));
        }
        let mut dims = BTreeMap::new();
        if let Some(s) = &r.segment {
            dims.insert("segment", s.as_str());
        }
        let ids = self.intern_dims(&dims)?;
        let at = Timestamp::from_date(r.period.start);
        let key = cells::CellKey {
            bucket: self.bucket_of(at),
            method: 0,
            dims: ids.into_boxed_slice(),
        };
        // A total that would overflow (e.g. 1e308 twice) is refused: it
        // could be neither queried nor snapshotted.
        let total = self
            .kpis
            .get(&key)
            .and_then(|c| c.sums.get(kpi.name()))
            .map_or(0.0, |s| s.sum);
        if !(total + r.value).is_finite() {
            return Err(field_error(
                "/value",
                ErrorCode::OutOfRange,
                "the KPI total of this period would overflow a 64-bit float",
            ));
        }
        self.kpis.update(&key, Default::default, |cell| {
            let e = cell.sums.entry(kpi.name().to_string()).or_default();
            e.n += 1;
            e.sum += r.value;
        });
        self.note_time(at.unix());
        Ok(Vec::new())
    }
}

/// Rows per batch before the kernel runs.
pub(crate) const BATCH_ROWS: usize = 4096;

/// The audit method as stored in cell keys (0 = not an audit).
pub(crate) fn method_code(m: AuditMethod) -> u8 {
    AuditMethod::ALL
        .iter()
        .position(|x| *x == m)
        .map_or(0, |i| i as u8 + 1)
}

/// The audit method of a cell key code.
pub(crate) fn method_of(code: u8) -> Option<AuditMethod> {
    code.checked_sub(1)
        .and_then(|i| AuditMethod::ALL.get(i as usize))
        .copied()
}
