//! The CX report (SPEC §3.5): one [`Report`] document — plan summary,
//! headline scores with intervals and monthly trends, goals, vital
//! processes, what customers say (comment sentiment, themes and
//! verbatims), identity alignment, compliance, impact, benchmarks,
//! recommendations and an alerts summary — serialised to JSON and rendered
//! to Markdown ([`Report::to_markdown`]) and to one self-contained HTML file
//! with inline SVG charts ([`Report::to_html`]).
//!
//! The numbers come from [`crate::analysis`] and the recommendations from
//! [`crate::playbook`]; this module only assembles and renders them.

mod comments;
mod html;
mod labels;
mod markdown;
mod sections;
mod svg;
mod writer;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::analysis::{analyse, Analysis, AnalysisOptions};
use crate::engine::{Alert, AlertReason, Engine, QueryError};
use crate::plan::trace::Coverage;
use crate::plan::{Positioning, Tier};
use crate::playbook::{evaluate, Playbook, Recommendation, Trigger};
use crate::record::Timestamp;

/// The version of the report document.
pub const REPORT_VERSION: u32 = 1;

/// The CX report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// Report document version (`1`).
    pub report_version: u32,
    /// The crate that made it (`cx-core 0.1.0`).
    pub generator: String,
    /// The plan in brief.
    pub plan: PlanSummary,
    /// Every analysis.
    pub analysis: Analysis,
    /// Recommended interventions, most urgent first.
    pub recommendations: Vec<Recommendation>,
    /// The priority of every trigger that fired, by trigger id: a
    /// recommendation's priority is the most urgent of its triggers', so
    /// the evidence of the trigger with that priority is what ranks it.
    #[serde(default)]
    pub trigger_priorities: BTreeMap<String, u8>,
    /// Closed-loop alerts the engine holds.
    pub alerts: AlertSummary,
}

/// The plan in brief.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlanSummary {
    /// Organisation name.
    pub organization: String,
    /// Sector.
    pub sector: Option<String>,
    /// Who owns CX.
    pub sponsor: Option<String>,
    /// The positioning.
    pub positioning: Option<Positioning>,
    /// The identity, tier by tier (empty without identity).
    pub identity: Vec<IdentityTier>,
    /// Traceability coverage.
    pub coverage: Coverage,
}

/// One identity tier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct IdentityTier {
    /// Tier.
    pub tier: Tier,
    /// Facet names.
    pub facets: Vec<String>,
}

/// Alerts by reason.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AlertSummary {
    /// Alerts kept by the engine (the newest raised, by `at`, up to
    /// `limits.maxAlertsKept`).
    pub total: u64,
    /// Count per reason.
    pub by_reason: BTreeMap<String, u64>,
    /// Alerts whose follow-up was due before the end of asOf.
    pub due_by_as_of: u64,
    /// Date of the latest alert.
    pub latest: Option<NaiveDate>,
    /// The follow-ups to make first: the newest alerts, latest due first
    /// (up to [`FOLLOW_UPS_LISTED`]). The engine does not know which
    /// follow-ups were made, so the newest are the ones most likely open.
    #[serde(default)]
    pub follow_ups: Vec<FollowUp>,
}

/// How many follow-ups [`AlertSummary::follow_ups`] lists at most.
pub const FOLLOW_UPS_LISTED: usize = 10;

/// One follow-up to make: who, why and by when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FollowUp {
    /// The record that raised the alert (absent when the record had no id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_id: Option<String>,
    /// Why.
    pub reason: AlertReason,
    /// When the record was observed.
    pub at: Timestamp,
    /// When the follow-up is due.
    pub due: Timestamp,
    /// Whether it was due before the end of asOf.
    pub due_by_as_of: bool,
}

/// How to build a report.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReportOptions {
    /// Analysis options (asOf, level, importance method…).
    #[serde(default)]
    pub analysis: AnalysisOptions,
    /// The playbook; default: the built-in one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub playbook: Option<Playbook>,
}

impl Report {
    /// Builds the report of an engine.
    ///
    /// ```
    /// use cx_core::demo::{generate, DemoConfig};
    /// use cx_core::engine::Engine;
    /// use cx_core::plan::Plan;
    /// use cx_core::report::{Report, ReportOptions};
    /// let plan = Plan::from_json(include_str!("../../../examples/data/plan.json")).unwrap();
    /// let mut engine = Engine::new(plan).unwrap();
    /// engine.ingest_batch(&generate(&DemoConfig { days: 45, ..DemoConfig::default() }).records).unwrap();
    /// let r = Report::build(&engine, &ReportOptions::default()).unwrap();
    /// assert!(r.to_html().starts_with("<!DOCTYPE html>"));
    /// assert!(r.to_markdown().contains("## Recommended interventions"));
    /// ```
    pub fn build(engine: &Engine, options: &ReportOptions) -> Result<Report, QueryError> {
        let analysis = analyse(engine, &options.analysis)?;
        let triggers = options.playbook.as_ref().map_or_else(
            crate::playbook::defaults::default_triggers,
            Playbook::resolve,
        );
        let recommendations = evaluate(&triggers, engine, &analysis);
        let trigger_priorities = fired_priorities(&triggers, &recommendations);
        let alerts = AlertSummary::of(&engine.alerts(), analysis.as_of);
        Ok(Report {
            report_version: REPORT_VERSION,
            generator: format!("cx-core {}", crate::VERSION),
            plan: PlanSummary::of(engine.plan()),
            analysis,
            recommendations,
            trigger_priorities,
            alerts,
        })
    }

    /// The report as pretty JSON.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The report as Markdown.
    pub fn to_markdown(&self) -> String {
        sections::write(self, markdown::Markdown::default())
    }

    /// The report as one self-contained HTML file (inline CSS and SVG, no
    /// script, no external asset).
    pub fn to_html(&self) -> String {
        sections::write(self, html::Html::default())
    }
}

/// The priority of every trigger that fired for a recommendation.
fn fired_priorities(triggers: &[Trigger], recs: &[Recommendation]) -> BTreeMap<String, u8> {
    let fired: std::collections::HashSet<&str> = recs
        .iter()
        .flat_map(|r| r.triggers.iter().map(String::as_str))
        .collect();
    triggers
        .iter()
        .filter(|t| fired.contains(t.id.as_str()))
        .map(|t| (t.id.clone(), t.priority))
        .collect()
}

impl PlanSummary {
    /// The plan in brief.
    fn of(plan: &crate::plan::Plan) -> PlanSummary {
        let identity = plan
            .strategy
            .identity
            .as_ref()
            .map(|i| {
                [Tier::Dominant, Tier::Emphasized, Tier::Base]
                    .into_iter()
                    .map(|tier| IdentityTier {
                        tier,
                        facets: i
                            .facets()
                            .filter(|(t, _)| *t == tier)
                            .map(|(_, f)| f.name.clone())
                            .collect(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        PlanSummary {
            organization: plan.organization.name.clone(),
            sector: plan.organization.sector.clone(),
            sponsor: plan.organization.sponsor.clone(),
            positioning: plan.strategy.positioning.clone(),
            identity,
            coverage: plan.trace().coverage,
        }
    }
}

impl AlertSummary {
    /// The summary of the alerts an engine keeps, as of `as_of`.
    fn of(alerts: &[Alert], as_of: Option<NaiveDate>) -> AlertSummary {
        let mut summary = AlertSummary {
            total: alerts.len() as u64,
            ..AlertSummary::default()
        };
        let end_of_as_of = as_of
            .and_then(|d| d.succ_opt())
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc().timestamp());
        let due_by_as_of = |a: &Alert| end_of_as_of.is_some_and(|end| a.due.unix() < end);
        for a in alerts {
            *summary.by_reason.entry(name_of(&a.reason)).or_default() += 1;
            if due_by_as_of(a) {
                summary.due_by_as_of += 1;
            }
            let d = a.at.date();
            if summary.latest.is_none_or(|l| d > l) {
                summary.latest = Some(d);
            }
        }
        // Latest due first; ties in an order that does not depend on the
        // order of ingestion.
        let mut newest: Vec<&Alert> = alerts.iter().collect();
        newest.sort_by(|a, b| {
            (b.due, b.at, a.reason, &a.record_id).cmp(&(a.due, a.at, b.reason, &b.record_id))
        });
        summary.follow_ups = newest
            .into_iter()
            .take(FOLLOW_UPS_LISTED)
            .map(|a| FollowUp {
                record_id: a.record_id.clone(),
                reason: a.reason,
                at: a.at,
                due: a.due,
                due_by_as_of: due_by_as_of(a),
            })
            .collect();
        summary
    }
}

/// A number for people: `—` when absent, else `digits` decimals.
pub(crate) fn num(v: Option<f64>, digits: usize) -> String {
    match v {
        Some(x) if x.is_finite() => format!("{x:.digits$}"),
        _ => "—".into(),
    }
}

/// The camelCase name of a serde enum value.
pub(crate) fn name_of<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}
