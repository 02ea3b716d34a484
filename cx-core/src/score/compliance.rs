//! Rule-of-the-game compliance with QA-scorecard semantics: the score of one
//! audit ([`audit_score`]), and the mergeable counters behind the aggregates
//! — pass/fail/not-applicable counts per rule ([`RuleCounts`]) and exact
//! fixed-point sums of audit scores ([`AuditScores`]).
//!
//! Audit scores are stored in millionths (parts per million of a perfect
//! audit), so sums are exact integers and merging is associative and
//! commutative bit for bit; the rounding is at most 5·10⁻⁵ percentage points
//! per audit.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{proportion, t_quantile, Flag, Interval, IntervalMethod, Score, ScoreError};

/// Fixed-point unit of a stored audit score: 1 = 10⁻⁶ of a perfect audit.
const PPM: f64 = 1_000_000.0;

/// The outcome of one audit item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    /// The behaviour was observed.
    Pass,
    /// The behaviour was expected and not observed.
    Fail,
    /// The rule did not apply in this interaction: left out of the denominator.
    NotApplicable,
}

/// One checked rule in an audit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditItem {
    /// The rule id.
    pub rule: String,
    /// Pass, fail or not applicable.
    pub outcome: Outcome,
    /// The rule's weight (finite, ≥ 0; default 1 in plans).
    pub weight: f64,
    /// A failed critical rule sets the audit score to 0.
    pub critical: bool,
}

/// The score of one audit on 0..1: Σ weight·pass / Σ weight over applicable
/// items; 0 if a critical item failed; `None` (not scored) when no item
/// applies or every applicable weight is 0.
///
/// ```
/// use cx_core::score::{audit_score, AuditItem, Outcome};
/// let item = |rule: &str, outcome, weight, critical| AuditItem { rule: rule.into(), outcome, weight, critical };
/// let items = [
///     item("greet", Outcome::Pass, 2.0, false),
///     item("name", Outcome::Fail, 1.0, false),
///     item("refund", Outcome::NotApplicable, 5.0, false),
/// ];
/// assert_eq!(audit_score(&items).unwrap(), Some(2.0 / 3.0));
/// ```
pub fn audit_score(items: &[AuditItem]) -> Result<Option<f64>, ScoreError> {
    let mut total = 0.0;
    let mut passed = 0.0;
    let mut applicable = false;
    let mut critical_fail = false;
    for it in items {
        if !(it.weight.is_finite() && it.weight >= 0.0) {
            return Err(ScoreError::InvalidNumber {
                what: "audit item weight",
                value: it.weight,
            });
        }
        match it.outcome {
            Outcome::Pass => {
                total += it.weight;
                passed += it.weight;
                applicable = true;
            }
            Outcome::Fail => {
                total += it.weight;
                applicable = true;
                critical_fail |= it.critical;
            }
            Outcome::NotApplicable => {}
        }
    }
    if critical_fail {
        return Ok(Some(0.0));
    }
    if !applicable || total <= 0.0 {
        return Ok(None);
    }
    Ok(Some((passed / total).clamp(0.0, 1.0)))
}

/// Pass / fail / not-applicable counts of one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RuleCounts {
    /// Items passed.
    pub pass: u64,
    /// Items failed.
    pub fail: u64,
    /// Items not applicable.
    pub not_applicable: u64,
}

impl RuleCounts {
    /// Counts one outcome.
    pub fn add(&mut self, outcome: Outcome) {
        let slot = match outcome {
            Outcome::Pass => &mut self.pass,
            Outcome::Fail => &mut self.fail,
            Outcome::NotApplicable => &mut self.not_applicable,
        };
        *slot = slot.saturating_add(1);
    }

    /// Adds the counts of `other` (saturating).
    pub fn merge(&mut self, other: &RuleCounts) {
        self.pass = self.pass.saturating_add(other.pass);
        self.fail = self.fail.saturating_add(other.fail);
        self.not_applicable = self.not_applicable.saturating_add(other.not_applicable);
    }
}

/// Exact sums of audit scores (in millionths) and their squares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditScores {
    /// Scored audits.
    pub count: u64,
    /// Audits with no applicable item (not scored).
    pub unscored: u64,
    /// Σ score, in millionths.
    pub sum: u64,
    /// Σ score², in millionths squared.
    pub sum_sq: u128,
}

impl AuditScores {
    /// Records one audit score on 0..1 (`None` = not scored).
    pub fn add(&mut self, score: Option<f64>) {
        match score {
            Some(s) if s.is_finite() => {
                let q = (s.clamp(0.0, 1.0) * PPM).round() as u64;
                self.count = self.count.saturating_add(1);
                self.sum = self.sum.saturating_add(q);
                self.sum_sq = self.sum_sq.saturating_add(u128::from(q) * u128::from(q));
            }
            _ => self.unscored = self.unscored.saturating_add(1),
        }
    }

    /// Adds the sums of `other` (saturating).
    pub fn merge(&mut self, other: &AuditScores) {
        self.count = self.count.saturating_add(other.count);
        self.unscored = self.unscored.saturating_add(other.unscored);
        self.sum = self.sum.saturating_add(other.sum);
        self.sum_sq = self.sum_sq.saturating_add(other.sum_sq);
    }
}

/// The compliance statistics of one cell: counts per rule and audit sums.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ComplianceStats {
    /// Counts per rule id.
    pub rules: BTreeMap<String, RuleCounts>,
    /// Sums of audit scores.
    pub audits: AuditScores,
}

impl ComplianceStats {
    /// Records one audit (every item's outcome and the audit score); returns
    /// the audit score. Nothing is recorded when an error is returned.
    pub fn add_audit(&mut self, items: &[AuditItem]) -> Result<Option<f64>, ScoreError> {
        let score = audit_score(items)?;
        for it in items {
            self.rules
                .entry(it.rule.clone())
                .or_default()
                .add(it.outcome);
        }
        self.audits.add(score);
        Ok(score)
    }

    /// Adds the statistics of `other`.
    pub fn merge(&mut self, other: &ComplianceStats) {
        for (rule, c) in &other.rules {
            self.rules.entry(rule.clone()).or_default().merge(c);
        }
        self.audits.merge(&other.audits);
    }
}

/// Compliance with one rule: pass / (pass + fail) in percent, Wilson interval.
///
/// ```
/// use cx_core::score::{rule_compliance, RuleCounts};
/// let c = RuleCounts { pass: 29, fail: 0, not_applicable: 3 };
/// let s = rule_compliance(&c, 0.95).unwrap();
/// assert_eq!(s.value, Some(100.0));
/// assert_eq!(s.n, 29);
/// ```
pub fn rule_compliance(c: &RuleCounts, level: f64) -> Result<Score, ScoreError> {
    let n = c.pass.saturating_add(c.fail);
    let mut s = proportion(c.pass, n, level)?;
    if s.value.is_none() {
        s.reason = Some("the rule was never applicable".into());
    }
    Ok(s)
}

/// The mean audit score in percent, with a t interval (n − 1 df) clipped to
/// 0..100; n = scored audits.
pub fn audit_compliance(a: &AuditScores, level: f64) -> Result<Score, ScoreError> {
    let n = a.count;
    let nf = n as f64;
    let t = t_quantile(level, nf - 1.0)?;
    if n == 0 {
        return Ok(Score::empty("no scored audit"));
    }
    let mean = a.sum as f64 / PPM / nf;
    let mut s = Score {
        value: Some(mean * 100.0),
        n,
        ..Score::default()
    };
    if n >= 2 {
        // Exact scatter n·Σq² − (Σq)² in millionths², then to fractions.
        let scatter = (u128::from(n).saturating_mul(a.sum_sq))
            .saturating_sub(u128::from(a.sum) * u128::from(a.sum));
        let var = scatter as f64 / (PPM * PPM) / (nf * (nf - 1.0));
        let se = (var / nf).sqrt();
        s.se = Some(se * 100.0);
        if let Some(t) = t {
            s.interval = Some(Interval {
                low: ((mean - t * se) * 100.0).max(0.0),
                high: ((mean + t * se) * 100.0).min(100.0),
                level,
                method: IntervalMethod::T,
            });
        }
        if scatter == 0 {
            s.add_flag(Flag::ZeroVariance);
        }
    } else {
        s.add_flag(Flag::NoInterval);
    }
    Ok(s)
}
