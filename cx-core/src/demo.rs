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
//! - one team is below the compliance floor on the most weighted rules of
//!   the game (`rule-inform`, `rule-own` in the sample plan), with a low
//!   eNPS;
//! - the third attribute (claim settlement speed, `claim-speed`, process
//!   `claims` in the sample plan) drives recommendation strongly while
//!   performing below the other attributes: the first vital process.
//!
//! About a third of the customer responses carry a comment that follows
//! their ratings and these weaknesses (module `demo/comments.rs`), drawn
//! from a random stream of their own, so every other figure is the same
//! with or without them.
//!
//! Nothing here reads the clock or the environment: the same seed gives the
//! same records on every machine.
//!
//! No id of the plan is written here: [`generate_for`] finds each one in
//! the plan it generates for, by its role (the demo's cast): the segments and
//! their shares, the emphasised strengths, the rules (the most weighted
//! ones are the weak team's, a critical one is almost always kept), the
//! attributes with their facet and process, the processes (the
//! touchpoints), the custom dimension. Only what the plan does not hold is
//! the demo's own: the teams, the rating profile of the attributes and
//! the weight of each process, given by position in the plan's lists
//! (the sample plan's order). A plan with other ids gets the same demo; a
//! plan that lacks a role (no emphasised strength, fewer than 12
//! attributes, 5 processes or 2 rules…) is refused with a [`DemoError`]
//! naming the list.

mod comments;

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::plan::{AuditMethod, Plan};
use crate::record::{
    Audit, AuditCheck, AuditKind, AuditOutcome, EmployeeKind, EmployeeResponse, KpiKind,
    KpiObservation, Period, Record, Response, Timestamp,
};

/// The teams of the sample organisation (the plan has no teams).
pub const TEAMS: [&str; 4] = ["claims-north", "claims-south", "contact-centre", "branches"];

/// The processes (by position in the plan's `processes`) each team of
/// [`TEAMS`] serves; audits of a team are filed at its first one.
const SERVES: [&[usize]; 4] = [&[1], &[1], &[3, 2], &[4, 0]];

/// Share of the customer responses per process (by position in the plan's
/// `processes`), in the order they are drawn.
const PROCESS_MIX: [(usize, f64); 5] = [(1, 0.42), (3, 0.23), (2, 0.15), (0, 0.1), (4, 0.1)];

/// Customers of the organisation, spread over the segments by their share.
const CUSTOMERS: f64 = 12_000.0;

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

/// The rating profile of the attributes, by position in the plan's
/// `attributes` (cycled past the last): base mean on 1–5, may be not
/// applicable.
const PROFILE: [(f64, bool); 12] = [
    (4.4, false),
    (4.3, false),
    (3.5, true),
    (4.2, false),
    (4.1, true),
    (4.2, false),
    (4.1, false),
    (3.9, false),
    (3.8, false),
    (3.9, true),
    (4.0, false),
    (4.0, false),
];

/// How much each attribute (by position) drives recommendation, strongest
/// first: the first is the planted vital attribute.
const NPS_DRIVERS: [(usize, f64); 5] = [(2, 1.5), (1, 0.5), (6, 0.35), (10, 0.3), (7, 0.2)];

/// How much each attribute (by position) drives effort.
const CES_DRIVERS: [(usize, f64); 2] = [(1, 0.8), (0, 0.6)];

/// The rule (by position) that is not applicable to a phone check (eye
/// contact in the sample plan).
const IN_PERSON_RULE: usize = 1;

/// What the plan lacks for the demo: where, and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DemoError {
    /// A list of the plan is shorter than the demo needs.
    #[error("{pointer}: the demo needs {expected}")]
    Missing {
        /// JSON Pointer of the list.
        pointer: &'static str,
        /// What the demo needs there.
        expected: &'static str,
    },
}

fn missing(pointer: &'static str, expected: &'static str) -> DemoError {
    DemoError::Missing { pointer, expected }
}

/// One attribute of the plan as the demo rates it.
#[derive(Debug, Clone)]
struct Rated<'p> {
    id: &'p str,
    facet: &'p str,
    mean: f64,
    may_be_na: bool,
}

/// The plan's ids the demo writes, each found by its role.
#[derive(Debug, Clone)]
struct Cast<'p> {
    /// Segments and their shares (equal shares when the plan gives none).
    segments: Vec<(&'p str, f64)>,
    /// The emphasised strengths: one of them is planted weak.
    strengths: Vec<&'p str>,
    /// Every rule of the game, in plan order.
    rules: Vec<&'p str>,
    /// The rules of the greatest weight: the weak team fails them.
    weak_rules: Vec<&'p str>,
    /// The critical rules: almost always kept.
    critical: Vec<&'p str>,
    /// The attributes with their facet and rating profile.
    attributes: Vec<Rated<'p>>,
    /// The processes, in plan order: the touchpoints.
    processes: Vec<&'p str>,
    /// The plan's first custom dimension (`region` in the sample).
    region: Option<&'p str>,
    /// The planted vital attribute and its process.
    vital: (&'p str, &'p str),
}

impl<'p> Cast<'p> {
    /// Finds every role in `plan`; fails when the plan lacks one.
    fn of(plan: &'p Plan) -> Result<Cast<'p>, DemoError> {
        let ctx = &plan.context;
        if ctx.segments.is_empty() {
            return Err(missing("/context/segments", "at least one segment"));
        }
        let even = 1.0 / ctx.segments.len() as f64;
        let segments = ctx
            .segments
            .iter()
            .map(|s| (s.id.as_str(), s.share.unwrap_or(even)))
            .collect();
        let strengths: Vec<&str> = plan
            .strategy
            .identity
            .iter()
            .flat_map(|i| &i.emphasized)
            .map(|f| f.id.as_str())
            .collect();
        if strengths.is_empty() {
            return Err(missing(
                "/strategy/identity/emphasized",
                "at least one emphasised strength",
            ));
        }
        let rules = &plan.deployment.rules;
        let heaviest = rules
            .iter()
            .map(|r| r.weight)
            .fold(f64::NEG_INFINITY, f64::max);
        let ids = |keep: &dyn Fn(&crate::plan::Rule) -> bool| -> Vec<&'p str> {
            rules
                .iter()
                .filter(|r| keep(r))
                .map(|r| r.id.as_str())
                .collect()
        };
        if rules.len() <= IN_PERSON_RULE {
            return Err(missing(
                "/deployment/rules",
                "at least two rules of the game",
            ));
        }
        let attributes: Vec<Rated> = plan
            .attributes
            .iter()
            .enumerate()
            .map(|(i, a)| Rated {
                id: &a.id,
                facet: a.facet_id.as_deref().unwrap_or_default(),
                mean: PROFILE[i % PROFILE.len()].0,
                may_be_na: PROFILE[i % PROFILE.len()].1,
            })
            .collect();
        let vital = plan
            .attributes
            .get(NPS_DRIVERS[0].0)
            .and_then(|a| Some((a.id.as_str(), a.process_id.as_deref()?)))
            .ok_or(missing(
                "/attributes",
                "at least 12 attributes, the third with a processId",
            ))?;
        if attributes.len() < PROFILE.len() {
            return Err(missing(
                "/attributes",
                "at least 12 attributes, the third with a processId",
            ));
        }
        let processes: Vec<&str> = plan.processes.iter().map(|p| p.id.as_str()).collect();
        if processes.len() < PROCESS_MIX.len() {
            return Err(missing("/processes", "at least 5 processes"));
        }
        Ok(Cast {
            segments,
            strengths,
            rules: ids(&|_| true),
            weak_rules: ids(&|r| r.weight == heaviest),
            critical: ids(&|r| r.critical),
            attributes,
            processes,
            region: plan.dimensions.first().map(|d| d.id.as_str()),
            vital,
        })
    }

    /// The touchpoint (process) where `team`'s audits are filed.
    fn touchpoint_of(&self, team: usize) -> &'p str {
        self.processes[SERVES[team][0]]
    }
}

/// Generates the demo data for the sample plan (`examples/data/plan.json`,
/// compiled in): [`generate_for`] that plan.
///
/// ```
/// use cx_core::demo::{generate, DemoConfig};
/// let a = generate(&DemoConfig { days: 10, ..DemoConfig::default() });
/// let b = generate(&DemoConfig { days: 10, ..DemoConfig::default() });
/// assert_eq!(a.to_json_lines(), b.to_json_lines());
/// assert!(a.records.len() > 500);
/// ```
///
/// # Panics
///
/// Never: the sample plan has every role (the test
/// `demo::tests::the_sample_plan_has_every_role` checks it).
pub fn generate(config: &DemoConfig) -> DemoData {
    let made = Plan::from_json(SAMPLE_PLAN)
        .map_err(|e| e.to_string())
        .and_then(|plan| generate_for(&plan, config).map_err(|e| e.to_string()));
    match made {
        Ok(data) => data,
        Err(e) => unreachable!("the sample plan: {e}"),
    }
}

/// The sample plan's text.
const SAMPLE_PLAN: &str = include_str!("../../examples/data/plan.json");

/// Generates the demo data for `plan`, every id found in it by its role
/// (see the module documentation); fails, saying where, when the plan
/// lacks a role.
pub fn generate_for(plan: &Plan, config: &DemoConfig) -> Result<DemoData, DemoError> {
    let cast = Cast::of(plan)?;
    let mut rng = Rng(config.seed ^ 0x00C0_FFEE);
    let weak_team = (config.seed % TEAMS.len() as u64) as usize;
    let weak_strength = cast.strengths[((config.seed / 4) % cast.strengths.len() as u64) as usize];
    let planted = Planted {
        weak_team: TEAMS[weak_team].to_string(),
        weak_rules: cast.weak_rules.iter().map(|s| s.to_string()).collect(),
        weak_strength: weak_strength.to_string(),
        vital_attribute: cast.vital.0.into(),
        vital_process: cast.vital.1.into(),
    };
    let mut day = Day {
        cast: &cast,
        planted: &planted,
        weak_team,
        employees: TEAMS
            .iter()
            .enumerate()
            .flat_map(|(t, name)| (1..=6).map(move |i| (format!("{name}-{i:02}"), t)))
            .collect(),
        records: Vec::new(),
    };
    let days = i64::from(config.days.max(1));
    for d in 0..days {
        let date = config.start + Duration::days(d);
        let progress = d as f64 / days as f64;
        let n =
            config.responses_per_day / 2 + rng.below(config.responses_per_day as usize + 1) as u32;
        for i in 0..n {
            let mut r = response(&mut rng, &cast, date, i, progress, &planted);
            r.comment = comment_of(
                &r,
                &cast,
                &planted,
                config.seed,
                (d as u64) << 20 | u64::from(i),
            );
            day.records.push(Record::Response(r));
        }
        day.audits(&mut rng, date, progress);
        // Employee climate survey every 30 days: every employee answers.
        if d % 30 == 14 {
            day.climate_survey(&mut rng, date, d, progress);
        }
        // Monthly KPIs on the first day of each month, for the month.
        if date.day() == 1 {
            day.monthly_kpis(&mut rng, date, progress);
        }
    }
    Ok(DemoData {
        records: day.records,
        planted,
    })
}

/// What a day of the demo writes besides customer responses.
struct Day<'c> {
    cast: &'c Cast<'c>,
    planted: &'c Planted,
    /// Index of the weak team in [`TEAMS`].
    weak_team: usize,
    /// Every employee: (id, team index).
    employees: Vec<(String, usize)>,
    records: Vec<Record>,
}

impl Day<'_> {
    /// About eight audits a day, by every method: each checks most rules.
    fn audits(&mut self, rng: &mut Rng, date: NaiveDate, progress: f64) {
        for i in 0..(6 + rng.below(5)) {
            let (employee, team) = &self.employees[rng.below(self.employees.len())];
            let method = AuditMethod::ALL[rng.below(4)];
            let mut items = Vec::new();
            for (k, rule) in self.cast.rules.iter().enumerate() {
                if !rng.chance(0.9) {
                    continue;
                }
                let weak =
                    *team == self.weak_team && self.planted.weak_rules.iter().any(|r| r == rule);
                let p = match (self.cast.critical.contains(rule), weak) {
                    (true, _) => 0.995,
                    (_, true) => 0.55 + 0.1 * progress,
                    _ => 0.86 + 0.06 * progress,
                };
                let outcome = if k == IN_PERSON_RULE && method == AuditMethod::PhoneCheck {
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
            self.records.push(Record::Audit(Audit {
                kind: AuditKind::Audit,
                id: Some(format!("a-{}-{i}", date.format("%Y%m%d"))),
                at: at(date, 9 + rng.below(9) as u32, rng.below(60) as u32),
                method,
                auditor: Some(format!("auditor-{}", 1 + rng.below(3))),
                employee: Some(employee.clone()),
                team: Some(TEAMS[*team].to_string()),
                touchpoint: Some(self.cast.touchpoint_of(*team).to_string()),
                items,
            }));
        }
    }

    /// Every employee answers the climate survey (the weak team lower).
    fn climate_survey(&mut self, rng: &mut Rng, date: NaiveDate, d: i64, progress: f64) {
        for (e, team) in &self.employees {
            let weak = *team == self.weak_team;
            let base = if weak { 5.6 } else { 7.6 } + 0.8 * progress;
            let mut satisfaction = BTreeMap::new();
            for (item, mu) in [
                ("workload", 3.2),
                ("recognition", 3.4),
                ("tools", 3.7),
                ("teamSpirit", 4.0),
            ] {
                let shift = if weak { -0.7 } else { 0.0 };
                satisfaction.insert(
                    item.to_string(),
                    rating(mu + shift + 0.8 * rng.normal(), 1, 5),
                );
            }
            self.records.push(Record::Employee(EmployeeResponse {
                kind: EmployeeKind::Employee,
                id: Some(format!("w-{e}-{d}")),
                at: at(date, 12, 0),
                team: Some(TEAMS[*team].to_string()),
                enps: Some(rating(base + 1.8 * rng.normal(), 0, 10)),
                satisfaction,
                weight: None,
                comment: None,
            }));
        }
    }

    /// The month's KPIs per segment (customers by the segment's share),
    /// headcount and separations.
    fn monthly_kpis(&mut self, rng: &mut Rng, date: NaiveDate, progress: f64) {
        let end = NaiveDate::from_ymd_opt(
            date.year() + i32::from(date.month() == 12),
            date.month() % 12 + 1,
            1,
        )
        .map_or(date, |next| next - Duration::days(1));
        let period = Period { start: date, end };
        for &(segment, share) in &self.cast.segments {
            let customers = (CUSTOMERS * share).round();
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
                self.records.push(kpi(metric, period, value, Some(segment)));
            }
        }
        self.records.push(kpi("headcount", period, 64.0, None));
        self.records.push(kpi(
            "separations",
            period,
            (1.5 + rng.normal()).round().max(0.0),
            None,
        ));
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

/// The comment of a demo response (see [`comments`]), drawn from the
/// response's own random stream (`index` is unique per response).
fn comment_of(
    r: &Response,
    cast: &Cast<'_>,
    planted: &Planted,
    seed: u64,
    index: u64,
) -> Option<String> {
    let touchpoint = r.touchpoint.as_deref().unwrap_or_default();
    let context = comments::Context {
        nps: r.nps,
        touchpoint: cast
            .processes
            .iter()
            .position(|p| *p == touchpoint)
            .unwrap_or_default(),
        vital_process: touchpoint == cast.vital.1,
        vital_low: r
            .attributes
            .get(cast.vital.0)
            .is_some_and(|&v| (1..=2).contains(&v)),
        weak_team: r.team.as_deref() == Some(planted.weak_team.as_str()),
    };
    comments::comment(&mut comments::stream(seed, index), &context)
}

/// One customer response: a touchpoint, its team, a segment; attribute
/// ratings around their profile (the weak strength's lower, the weak
/// team's lower); NPS, CSAT and CES driven by the attributes.
fn response(
    rng: &mut Rng,
    cast: &Cast<'_>,
    date: NaiveDate,
    i: u32,
    progress: f64,
    planted: &Planted,
) -> Response {
    let mix = PROCESS_MIX.map(|(p, w)| (cast.processes[p], w));
    let touchpoint = rng.pick(&mix);
    let served = |t: usize| SERVES[t].iter().any(|&p| cast.processes[p] == touchpoint);
    let team = match (0..TEAMS.len()).filter(|&t| served(t)).collect::<Vec<_>>()[..] {
        [a, b] => {
            if rng.chance(0.5) {
                TEAMS[a]
            } else {
                TEAMS[b]
            }
        }
        [a, ..] => TEAMS[a],
        [] => TEAMS[TEAMS.len() - 1],
    };
    let segment = rng.pick(&cast.segments);
    let channel = rng.pick(&[("phone", 0.5), ("online", 0.35), ("branch", 0.15)]);
    let region = rng.pick(&[("north", 0.4), ("south", 0.35), ("east", 0.25)]);
    let employee = format!("{team}-{:02}", 1 + rng.below(6));
    let mood = rng.normal();
    let team_effect = if team == planted.weak_team {
        -0.35
    } else {
        0.0
    };
    let mut attributes = BTreeMap::new();
    let mut values: Vec<Option<f64>> = vec![None; cast.attributes.len()];
    for (k, a) in cast.attributes.iter().enumerate() {
        let mut m = a.mean + team_effect * 0.5 + 0.15 * progress;
        if a.facet == planted.weak_strength {
            m -= 0.95;
        }
        if rng.chance(0.04) {
            continue; // no answer
        }
        if a.may_be_na && rng.chance(0.03) {
            attributes.insert(a.id.to_string(), 0);
            continue;
        }
        let v = rating(m + 0.55 * mood + 0.6 * rng.normal(), 1, 5);
        attributes.insert(a.id.to_string(), v);
        values[k] = Some(f64::from(v));
    }
    // An attribute's pull: its rating's distance from its base mean (none
    // without a rating).
    let pull = |k: usize, w: f64| {
        let base = cast.attributes[k].mean;
        w * (values[k].unwrap_or(base) - base)
    };
    let drive = NPS_DRIVERS.iter().fold(0.0, |s, &(k, w)| s + pull(k, w));
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
    let effort = CES_DRIVERS.iter().fold(5.0, |s, &(k, w)| s + pull(k, w));
    let ces = rating(
        effort + 0.5 * mood + 0.5 * progress + 0.9 * rng.normal(),
        1,
        7,
    );
    let overall = u8::from(0.6 * drive + mood + 0.3 * rng.normal() > -0.2);
    let mut dimensions = BTreeMap::new();
    if let Some(dimension) = cast.region {
        dimensions.insert(dimension.to_string(), region.to_string());
    }
    Response {
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
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_plan_has_every_role() {
        let plan = Plan::from_json(SAMPLE_PLAN).unwrap();
        let cast = Cast::of(&plan).unwrap();
        assert_eq!(cast.vital, ("claim-speed", "claims"));
        assert_eq!(cast.weak_rules, ["rule-inform", "rule-own"]);
        assert_eq!(cast.critical, ["rule-polite"]);
    }
}
