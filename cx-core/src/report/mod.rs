//! The CX report (SPEC §3.5): one [`Report`] document — plan summary,
//! headline scores with intervals and monthly trends, goals, vital
//! processes, identity alignment, compliance, impact, benchmarks,
//! recommendations and an alerts summary — serialised to JSON and rendered
//! to Markdown ([`Report::to_markdown`]) and to one self-contained HTML file
//! with inline SVG charts ([`Report::to_html`]).
//!
//! The numbers come from [`crate::analysis`] and the recommendations from
//! [`crate::playbook`]; this module only assembles and renders them.

mod html;
mod markdown;
mod svg;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::analysis::{analyse, Analysis, AnalysisOptions};
use crate::engine::{Engine, QueryError};
use crate::plan::trace::Coverage;
use crate::plan::{Positioning, Tier};
use crate::playbook::{evaluate, Playbook, Recommendation};

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
        let plan = engine.plan();
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
        let alerts = engine.alerts();
        let mut summary = AlertSummary {
            total: alerts.len() as u64,
            ..AlertSummary::default()
        };
        let end_of_as_of = analysis
            .as_of
            .and_then(|d| d.succ_opt())
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc().timestamp());
        for a in &alerts {
            let reason = serde_json::to_value(a.reason)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            *summary.by_reason.entry(reason).or_default() += 1;
            if end_of_as_of.is_some_and(|end| a.due.unix() < end) {
                summary.due_by_as_of += 1;
            }
            let d = a.at.date();
            if summary.latest.is_none_or(|l| d > l) {
                summary.latest = Some(d);
            }
        }
        Ok(Report {
            report_version: REPORT_VERSION,
            generator: format!("cx-core {}", crate::VERSION),
            plan: PlanSummary {
                organization: plan.organization.name.clone(),
                sector: plan.organization.sector.clone(),
                sponsor: plan.organization.sponsor.clone(),
                positioning: plan.strategy.positioning.clone(),
                identity,
                coverage: plan.trace().coverage,
            },
            analysis,
            recommendations,
            alerts: summary,
        })
    }

    /// The report as pretty JSON.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The report as Markdown.
    pub fn to_markdown(&self) -> String {
        markdown::render(self)
    }

    /// The report as one self-contained HTML file (inline CSS and SVG, no
    /// script, no external asset).
    pub fn to_html(&self) -> String {
        html::render(self)
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
