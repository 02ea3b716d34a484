//! Significance on every comparison: a query's `compare` gives each score
//! of each row a [`ScoreChange`] against its reference, and `adjust`
//! controls the error rate over the query's family of p-values.
//!
//! - `"compare": "previousPeriod"`: each row against the row of the same
//!   key one period earlier (`groupBy` holds exactly one `period:*` key;
//!   the earlier period must be within the query's time range, or the
//!   change has no delta and says why);
//! - `"compare": "rest"`: each row against every other row of the
//!   selection taken together (with one row, there is no rest).
//!
//! The tests are those of [`crate::score::change_of`] (a z-test on net
//! scores such as NPS, Welch on means, an unpooled two-proportion z on
//! shares), on the rows' own scores: weighted when the query is in
//! weighted mode. The family is every p-value of the query, adjusted by
//! [`crate::score::adjust_p`] (`"adjust": "holm" | "bh" | "none"`, default
//! Holm), except the rows flagged `smallSample` (below the plan's minimum
//! sample, effective in weighted mode): their change keeps its p-value but
//! no adjusted one, and says so.

use std::borrow::Cow;
use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::query::{GroupBy, PeriodUnit, QueryError, ScoreRow, Totals};
use crate::metric::MetricId;
use crate::score::{adjust_p, change_of, Adjust, Flag, Score, ScoreChange, SurveyKind};

/// What each row of a query is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum CompareTo {
    /// The same key one period earlier.
    PreviousPeriod,
    /// Every other row of the selection.
    Rest,
}

/// The kind of estimate a metric's score is, for its two-sample test;
/// `None` for scores without a standard error to test (the employee
/// satisfaction index, TCS, KPIs).
pub(crate) fn kind_of(metric: &MetricId) -> Option<SurveyKind> {
    match metric {
        MetricId::Nps | MetricId::Enps | MetricId::CesIndex | MetricId::Sentiment => {
            Some(SurveyKind::Net)
        }
        MetricId::Csat | MetricId::Compliance | MetricId::Theme(_) => Some(SurveyKind::Share),
        MetricId::Ces | MetricId::Attribute(_) => Some(SurveyKind::Mean),
        MetricId::EmployeeSatisfaction | MetricId::Tcs | MetricId::Kpi(_) => None,
    }
}

/// The position of the one `period:*` key of `group_by`, for
/// `previousPeriod`.
pub(crate) fn period_slot(group_by: &[GroupBy]) -> Result<(usize, PeriodUnit), QueryError> {
    let periods: Vec<(usize, PeriodUnit)> = group_by
        .iter()
        .enumerate()
        .filter_map(|(i, g)| match g {
            GroupBy::Period(p) => Some((i, *p)),
            _ => None,
        })
        .collect();
    match periods.as_slice() {
        [one] => Ok(*one),
        _ => Err(QueryError::Compare(format!(
            "\"previousPeriod\" compares each row with the same key one period earlier, so groupBy needs exactly one period:* key; it has {}",
            periods.len()
        ))),
    }
}

/// The rows a score is estimated over: one group, or every group but one
/// (the rest of the selection).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Domain {
    /// The group of these labels.
    Group(Vec<Option<String>>),
    /// Every group but the one of these labels.
    AllBut(Vec<Option<String>>),
}

impl Domain {
    /// Whether the group labelled `key` is in the domain.
    pub(crate) fn contains(&self, key: &[Option<String>]) -> bool {
        match self {
            Domain::Group(k) => k.as_slice() == key,
            Domain::AllBut(k) => k.as_slice() != key,
        }
    }
}

/// A row's reference: its totals and its domain.
pub(crate) type Reference<'a> = (Cow<'a, Totals>, Domain);

/// The reference of every group (in `groups` order), its totals and its
/// domain: the previous period's group, or the rest of the selection.
pub(crate) fn references<'a>(
    groups: &'a [(Vec<Option<String>>, Totals)],
    compare: CompareTo,
    group_by: &[GroupBy],
) -> Result<Vec<Option<Reference<'a>>>, QueryError> {
    match compare {
        CompareTo::PreviousPeriod => {
            let (slot, unit) = period_slot(group_by)?;
            let at: BTreeMap<&[Option<String>], usize> = groups
                .iter()
                .enumerate()
                .map(|(i, (k, _))| (k.as_slice(), i))
                .collect();
            Ok(groups
                .iter()
                .map(|(key, _)| {
                    let label = key.get(slot)?.as_deref()?;
                    let mut prev = key.clone();
                    prev[slot] = Some(unit.previous(label)?);
                    let &i = at.get(prev.as_slice())?;
                    Some((Cow::Borrowed(&groups[i].1), Domain::Group(prev)))
                })
                .collect())
        }
        CompareTo::Rest => {
            // rest(i) = the groups before i merged with those after it.
            let n = groups.len();
            let mut after = vec![Totals::default(); n + 1];
            for i in (0..n).rev() {
                let mut t = after[i + 1].clone();
                t.merge(&groups[i].1);
                after[i] = t;
            }
            let mut before = Totals::default();
            let mut out = Vec::with_capacity(n);
            for (i, (key, t)) in groups.iter().enumerate() {
                let mut rest = before.clone();
                rest.merge(&after[i + 1]);
                out.push((n > 1).then(|| (Cow::Owned(rest), Domain::AllBut(key.clone()))));
                before.merge(t);
            }
            Ok(out)
        }
    }
}

/// Sets the change of every score of `rows` against `reference(row,
/// metric)`, then adjusts the family's p-values with `adjust`.
pub(crate) fn set_changes(
    rows: &mut [ScoreRow],
    metrics: &[MetricId],
    adjust: Adjust,
    mut reference: impl FnMut(usize, &MetricId) -> Option<Score>,
) {
    let mut family: Vec<(usize, String, f64)> = Vec::new();
    for (i, row) in rows.iter_mut().enumerate() {
        for m in metrics {
            let Some(kind) = kind_of(m) else { continue };
            let name = m.to_string();
            let Some(score) = row.scores.get_mut(&name) else {
                continue;
            };
            let change = match reference(i, m) {
                Some(r) => change_of(kind, score, &r),
                None => no_reference(kind),
            };
            let small = score.flags.contains(&Flag::SmallSample);
            if let (Some(p), false) = (change.p, small) {
                family.push((i, name, p));
            }
            score.change = Some(change);
        }
    }
    let p: Vec<f64> = family.iter().map(|f| f.2).collect();
    for ((i, name, _), adjusted) in family.into_iter().zip(adjust_p(&p, adjust)) {
        if let Some(c) = rows[i]
            .scores
            .get_mut(&name)
            .and_then(|s| s.change.as_mut())
        {
            c.p_adjusted = Some(adjusted);
        }
    }
    for row in rows.iter_mut() {
        for s in row.scores.values_mut() {
            let small = s.flags.contains(&Flag::SmallSample);
            if let (Some(c), true) = (s.change.as_mut(), small) {
                if c.p.is_some() {
                    c.reason =
                        Some("below the minimum sample: left out of the adjusted family".into());
                }
            }
        }
    }
}

/// The change of a row without a reference (no earlier period in the
/// selection, or no other row).
fn no_reference(kind: SurveyKind) -> ScoreChange {
    ScoreChange {
        delta: None,
        se: None,
        p: None,
        p_adjusted: None,
        method: crate::score::ChangeMethod::of(kind),
        reason: Some("nothing to compare with: no reference row in the selection".into()),
    }
}

impl PeriodUnit {
    /// The label of the period before the one labelled `label` (as
    /// [`PeriodUnit::label`] writes it); `None` for a label it does not
    /// write.
    pub fn previous(self, label: &str) -> Option<String> {
        let start = self.start_of(label)?;
        Some(self.label(start.pred_opt()?))
    }

    /// The first day of the period labelled `label`.
    fn start_of(self, label: &str) -> Option<chrono::NaiveDate> {
        use chrono::NaiveDate;
        let num = |s: &str| s.parse::<i32>().ok();
        match self {
            PeriodUnit::Day => NaiveDate::parse_from_str(label, "%Y-%m-%d").ok(),
            PeriodUnit::IsoWeek => {
                let (y, w) = label.split_once("-W")?;
                NaiveDate::from_isoywd_opt(num(y)?, w.parse().ok()?, chrono::Weekday::Mon)
            }
            PeriodUnit::Month => {
                let (y, m) = label.split_once('-')?;
                NaiveDate::from_ymd_opt(num(y)?, m.parse().ok()?, 1)
            }
            PeriodUnit::Quarter => {
                let (y, q) = label.split_once("-Q")?;
                let q: u32 = q.parse().ok()?;
                (1..=4).contains(&q).then_some(())?;
                NaiveDate::from_ymd_opt(num(y)?, 3 * q - 2, 1)
            }
            PeriodUnit::Year => NaiveDate::from_ymd_opt(num(label)?, 1, 1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previous_periods() {
        let cases = [
            (PeriodUnit::Day, "2026-03-01", "2026-02-28"),
            (PeriodUnit::IsoWeek, "2026-W01", "2025-W52"),
            (PeriodUnit::IsoWeek, "2021-W01", "2020-W53"),
            (PeriodUnit::Month, "2026-01", "2025-12"),
            (PeriodUnit::Quarter, "2026-Q1", "2025-Q4"),
            (PeriodUnit::Quarter, "2026-Q3", "2026-Q2"),
            (PeriodUnit::Year, "2026", "2025"),
        ];
        for (unit, label, prev) in cases {
            assert_eq!(unit.previous(label).as_deref(), Some(prev), "{label}");
        }
        assert_eq!(PeriodUnit::Quarter.previous("2026-Q5"), None);
        assert_eq!(PeriodUnit::Month.previous("March"), None);
    }
}
