//! A deterministic, seeded generator of demo data for the sample plan
//! (`examples/data/plan.json`): nine months of customer responses with
//! attribute ratings, employee responses, audits by every method, and
//! monthly KPIs.
//!
//! The data is realistic enough for the analyses to find something, and the
//! problems are **planted** from the seed so tests can check that they are
//! found for more than one data set:
//!
//! - one emphasised strength under-performs (its attributes are rated well
//!   below the base strengths): an identity inversion;
//! - one team is below the compliance floor on two rules of the game
//!   (`rule-inform`, `rule-own`), with a low eNPS;
//! - claim settlement speed (`claim-speed`, process `claims`) drives
//!   recommendation strongly while performing below the other attributes:
//!   the first vital process.
//!
//! Nothing here reads the clock or the environment: the same seed gives the
//! same records on every machine.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::plan::AuditMethod;
use crate::record::{
    Audit, AuditCheck, AuditKind, AuditOutcome, EmployeeKind, EmployeeResponse, KpiKind,
    KpiObservation, Period, Record, Response, Timestamp,
};

/// The teams of the sample organisation.
pub const TEAMS: [&str; 4] = ["claims-north", "claims-south", "contact-centre", "branches"];
/// The emphasised strengths of the sample plan.
pub const EMPHASIZED: [&str; 2] = ["flexibility", "keeping-commitments"];

/// Settings of the generator.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DemoConfig {
    /// Seed: the planted weak team and weak strength depend on it.
    pub seed: u64,
    /// First day of data.
    pub start: NaiveDate,
    /// Number of days.
    pub days: u32,
    /// Average customer responses per day.
    pub responses_per_day: u32,
}

impl Default for DemoConfig {
    fn default() -> Self {
        DemoConfig {
            seed: 7,
            start: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default(),
            days: 273,
            responses_per_day: 60,
        }
    }
}

/// What the generator planted, for tests and the demo's narration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Planted {
    /// The team below the compliance floor.
    pub weak_team: String,
    /// The rules that team fails.
    pub weak_rules: Vec<String>,
    /// The emphasised strength that under-performs.
    pub weak_strength: String,
    /// The attribute that is the first vital one.
    pub vital_attribute: String,
    /// Its process.
    pub vital_process: String,
}

/// Generated records and what was planted.
#[derive(Debug, Clone)]
pub struct DemoData {
    /// Every record, in time order per kind.
    pub records: Vec<Record>,
    /// The planted problems.
    pub planted: Planted,
}

impl DemoData {
    /// The records as JSON Lines.
    pub fn to_json_lines(&self) -> String {
        let mut out = String::new();
        for r in &self.records {
            if let Ok(line) = serde_json::to_string(r) {
                out.push_str(&line);
                out.push('\n');
            }
        }
        out
    }
}

/// SplitMix64: small, fast, good enough for demo and benchmark data, the
/// same output for a seed on every machine (the seed is the field).
#[derive(Debug, Clone)]
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.uniform() * n as f64) as usize % n.max(1)
    }
    fn chance(&mut self, p: f64) -> bool {
        self.uniform() < p
    }
    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f64 {
        let u1 = self.uniform().max(1e-12);
        let u2 = self.uniform();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
    fn pick<'a>(&mut self, items: &[(&'a str, f64)]) -> &'a str {
        let total: f64 = items.iter().map(|(_, w)| w).sum();
        let mut x = self.uniform() * total;
        for (v, w) in items {
            if x < *w {
                return v;
            }
            x -= w;
        }
        items.last().map_or("", |(v, _)| v)
    }
}

fn rating(x: f64, lo: u8, hi: u8) -> u8 {
    x.round().clamp(f64::from(lo), f64::from(hi)) as u8
}

/// (attribute id, facet, base mean on 1–5, may be not applicable)
const ATTRIBUTES: [(&str, &str, f64, bool); 12] = [
    ("wait-time", "fluidity", 4.4, false),
    ("one-contact", "fluidity", 4.3, false),
    ("claim-speed", "fluidity", 3.5, true),
    ("cover-options", "flexibility", 4.2, false),
    ("appointment-choice", "flexibility", 4.1, true),
    ("promise-kept", "keeping-commitments", 4.2, false),
    ("kept-informed", "keeping-commitments", 4.1, false),
    ("adviser-knowledge", "skills", 3.9, false),
    ("opening-hours", "accessibility", 3.8, false),
    ("branch-comfort", "accessibility", 3.9, true),
    ("courtesy", "respect", 4.0, false),
    ("bill-clarity", "keeping-commitments", 4.0, false),
];

/// Generates the demo data for the sample plan.
///
/// ```
/// use cx_core::demo::{generate, DemoConfig};
/// let a = generate(&DemoConfig { days: 10, ..DemoConfig::default() });
/// let b = generate(&DemoConfig { days: 10, ..DemoConfig::default() });
/// assert_eq!(a.to_json_lines(), b.to_json_lines());
/// assert!(a.records.len() > 500);
/// ```
pub fn generate(config: &DemoConfig) -> DemoData {
    let mut rng = Rng(config.seed ^ 0x00C0_FFEE);
    let weak_team = TEAMS[(config.seed % 4) as usize];
    let weak_strength = EMPHASIZED[((config.seed / 4) % 2) as usize];
    let weak_rules = ["rule-inform", "rule-own"];
    let mut records = Vec::new();
    let employees: Vec<(String, &str)> = TEAMS
        .iter()
        .flat_map(|t| (1..=6).map(move |i| (format!("{t}-{i:02}"), *t)))
        .collect();
    let days = i64::from(config.days.max(1));
    for d in 0..days {
        let date = config.start + Duration::days(d);
        let progress = d as f64 / days as f64;
        let n =
            config.responses_per_day / 2 + rng.below(config.responses_per_day as usize + 1) as u32;
        for i in 0..n {
            records.push(Record::Response(response(
                &mut rng,
                date,
                d,
                i,
                progress,
                weak_team,
                weak_strength,
            )));
        }
        // Audits: about eight a day, by every method.
        for i in 0..(6 + rng.below(5)) {
            let (employee, team) = &employees[rng.below(employees.len())];
            let method = AuditMethod::ALL[rng.below(4)];
            let mut items = Vec::new();
            for rule in [
                "rule-name",
                "rule-eye-contact",
                "rule-polite",
                "rule-inform",
                "rule-own",
                "rule-confirm",
            ] {
                if !rng.chance(0.9) {
                    continue;
                }
                let weak = *team == weak_team && weak_rules.contains(&rule);
                let p = match (rule, weak) {
                    ("rule-polite", _) => 0.995,
                    (_, true) => 0.55 + 0.1 * progress,
                    _ => 0.86 + 0.06 * progress,
                };
                let outcome = if rule == "rule-eye-contact" && method == AuditMethod::PhoneCheck {
                    AuditOutcome::NotApplicable
                } else if rng.chance(p) {
                    AuditOutcome::Pass
                } else {
                    AuditOutcome::Fail
                };
                items.push(AuditCheck {
                    rule: rule.to_string(),
                    outcome,
                    score: None,
                });
            }
            records.push(Record::Audit(Audit {
                kind: AuditKind::Audit,
                id: Some(format!("a-{}-{i}", date.format("%Y%m%d"))),
                at: at(date, 9 + rng.below(9) as u32, rng.below(60) as u32),
                method,
                auditor: Some(format!("auditor-{}", 1 + rng.below(3))),
                employee: Some(employee.clone()),
                team: Some((*team).to_string()),
                touchpoint: Some(touchpoint_of(team).to_string()),
                items,
            }));
        }
        // Employee climate survey every 30 days: every employee answers.
        if d % 30 == 14 {
            for (e, team) in &employees {
                let base = if *team == weak_team { 5.6 } else { 7.6 } + 0.8 * progress;
                let mut satisfaction = BTreeMap::new();
                for (item, mu) in [
                    ("workload", 3.2),
                    ("recognition", 3.4),
                    ("tools", 3.7),
                    ("teamSpirit", 4.0),
                ] {
                    let shift = if *team == weak_team { -0.7 } else { 0.0 };
                    satisfaction.insert(
                        item.to_string(),
                        rating(mu + shift + 0.8 * rng.normal(), 1, 5),
                    );
                }
                records.push(Record::Employee(EmployeeResponse {
                    kind: EmployeeKind::Employee,
                    id: Some(format!("w-{e}-{d}")),
                    at: at(date, 12, 0),
                    team: Some((*team).to_string()),
                    enps: Some(rating(base + 1.8 * rng.normal(), 0, 10)),
                    satisfaction,
                }));
            }
        }
        // Monthly KPIs on the first day of each month, for the month.
        if date.day() == 1 {
            let end = NaiveDate::from_ymd_opt(
                date.year() + i32::from(date.month() == 12),
                date.month() % 12 + 1,
                1,
            )
            .map_or(date, |next| next - Duration::days(1));
            let period = Period { start: date, end };
            for (segment, customers) in [
                ("families", 6600.0),
                ("seniors", 3600.0),
                ("small-business", 1800.0),
            ] {
                let retention = 0.86 + 0.03 * progress + 0.01 * rng.normal();
                let complaints_per_k = 14.0 - 4.0 * progress + rng.normal();
                for (metric, value) in [
                    ("customers", customers),
                    ("retainedCustomers", (customers * retention).round()),
                    (
                        "repeatCustomers",
                        (customers * (0.31 + 0.02 * progress)).round(),
                    ),
                    (
                        "complaints",
                        (customers * complaints_per_k / 1000.0).round().max(0.0),
                    ),
                    ("orders", (customers * 0.12).round()),
                    (
                        "sales",
                        (customers * 0.12 * (410.0 + 20.0 * rng.normal())).round(),
                    ),
                ] {
                    records.push(kpi(metric, period, value, Some(segment)));
                }
            }
            records.push(kpi("headcount", period, 64.0, None));
            records.push(kpi(
                "separations",
                period,
                (1.5 + rng.normal()).round().max(0.0),
                None,
            ));
        }
    }
    DemoData {
        records,
        planted: Planted {
            weak_team: weak_team.to_string(),
            weak_rules: weak_rules.iter().map(|s| s.to_string()).collect(),
            weak_strength: weak_strength.to_string(),
            vital_attribute: "claim-speed".into(),
            vital_process: "claims".into(),
        },
    }
}

fn at(date: NaiveDate, hour: u32, minute: u32) -> Timestamp {
    date.and_hms_opt(hour, minute, 0)
        .and_then(|t| Timestamp::from_unix(t.and_utc().timestamp()))
        .unwrap_or_default()
}

fn kpi(metric: &str, period: Period, value: f64, segment: Option<&str>) -> Record {
    Record::Kpi(KpiObservation {
        kind: KpiKind::Kpi,
        id: None,
        metric: metric.to_string(),
        period,
        value,
        segment: segment.map(str::to_string),
    })
}

fn touchpoint_of(team: &str) -> &'static str {
    match team {
        "claims-north" | "claims-south" => "claims",
        "contact-centre" => "contact-centre",
        _ => "branch",
    }
}

fn response(
    rng: &mut Rng,
    date: NaiveDate,
    day: i64,
    i: u32,
    progress: f64,
    weak_team: &str,
    weak_strength: &str,
) -> Response {
    let touchpoint = rng.pick(&[
        ("claims", 0.42),
        ("contact-centre", 0.23),
        ("billing", 0.15),
        ("onboarding", 0.1),
        ("branch", 0.1),
    ]);
    let team = match touchpoint {
        "claims" => {
            if rng.chance(0.5) {
                "claims-north"
            } else {
                "claims-south"
            }
        }
        "contact-centre" | "billing" => "contact-centre",
        _ => "branches",
    };
    let segment = rng.pick(&[
        ("families", 0.55),
        ("seniors", 0.30),
        ("small-business", 0.15),
    ]);
    let channel = rng.pick(&[("phone", 0.5), ("online", 0.35), ("branch", 0.15)]);
    let region = rng.pick(&[("north", 0.4), ("south", 0.35), ("east", 0.25)]);
    let employee = format!("{team}-{:02}", 1 + rng.below(6));
    let mood = rng.normal();
    let team_effect = if team == weak_team { -0.35 } else { 0.0 };
    let mut attributes = BTreeMap::new();
    let mut values = BTreeMap::new();
    for (id, facet, mu, may_na) in ATTRIBUTES {
        let mut m = mu + team_effect * 0.5 + 0.15 * progress;
        if facet == weak_strength {
            m -= 0.95;
        }
        if rng.chance(0.04) {
            continue; // no answer
        }
        if may_na && rng.chance(0.03) {
            attributes.insert(id.to_string(), 0);
            continue;
        }
        let v = rating(m + 0.55 * mood + 0.6 * rng.normal(), 1, 5);
        attributes.insert(id.to_string(), v);
        values.insert(id, f64::from(v));
    }
    let get = |k: &str, d: f64| values.get(k).copied().unwrap_or(d);
    let drive = 1.5 * (get("claim-speed", 3.5) - 3.5)
        + 0.5 * (get("one-contact", 4.3) - 4.3)
        + 0.35 * (get("kept-informed", 4.1) - 4.1)
        + 0.3 * (get("courtesy", 4.0) - 4.0)
        + 0.2 * (get("adviser-knowledge", 3.9) - 3.9);
    let nps = rating(
        7.3 + 1.4 * progress + drive + 0.6 * mood + team_effect + 1.1 * rng.normal(),
        0,
        10,
    );
    let csat = rating(
        3.9 + 0.35 * drive + 0.5 * mood + 0.2 * progress + 0.6 * rng.normal(),
        1,
        5,
    );
    let ces = rating(
        5.0 + 0.8 * (get("one-contact", 4.3) - 4.3)
            + 0.6 * (get("wait-time", 4.4) - 4.4)
            + 0.5 * mood
            + 0.5 * progress
            + 0.9 * rng.normal(),
        1,
        7,
    );
    let overall = u8::from(0.6 * drive + mood + 0.3 * rng.normal() > -0.2);
    let mut dimensions = BTreeMap::new();
    dimensions.insert("region".to_string(), region.to_string());
    let r = Response {
        id: Some(format!("r-{}-{i}", date.format("%Y%m%d"))),
        at: at(date, 8 + rng.below(12) as u32, rng.below(60) as u32),
        segment: Some(segment.into()),
        touchpoint: Some(touchpoint.into()),
        channel: Some(channel.into()),
        team: Some(team.into()),
        employee: Some(employee),
        dimensions,
        nps: (!rng.chance(0.02)).then_some(nps),
        csat: (!rng.chance(0.05)).then_some(csat),
        ces: (!rng.chance(0.08)).then_some(ces),
        overall: Some(overall),
        attributes,
        ..Response::default()
    };
    let _ = day;
    r
}
