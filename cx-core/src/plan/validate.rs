//! Plan validation (SPEC §2.1): errors make a plan unusable by the engine,
//! warnings are the method's advice.
//!
//! Every diagnostic has a stable code; the table is [`codes::ALL`] (also in
//! `docs/diagnostics.md`). Paths are JSON Pointers into the plan document.

use std::collections::{BTreeMap, BTreeSet};

use super::id::{check_id, IdKind};
use super::{Horizon, InstrumentKind, Plan, Rule, Scale, SCHEMA_VERSION};
use crate::diagnostic::{escape_pointer_token, Diagnostic, Severity};
use crate::metric::MetricId;

/// The stable diagnostic codes of plan validation.
///
/// | code | severity | when |
/// |---|---|---|
/// | `parse-error` | error | the text is not JSON or not a plan's shape (line, column, path) |
/// | `unknown-schema-version` | error | `schemaVersion` is not 1 |
/// | `duplicate-id` | error | two entities of one kind share an id (or a dimension raked twice in `weighting.rake`) |
/// | `invalid-id` | error | an id that is empty, has white space at either end, a control or invisible character, is not NFC, or (a dimension's) holds `,` or `:` ([`super::id`]) |
/// | `dangling-reference` | error | a reference names no entity of the expected kind (a `weighting.rake` dimension the plan does not have) |
/// | `identity-missing-dominant` | error | an identity without its dominant trait |
/// | `facet-in-two-tiers` | error | one facet id in two identity tiers |
/// | `goal-value-out-of-range` | error | a goal baseline or target outside the metric's range |
/// | `goal-dates-reversed` | error | a goal's target date on or before its baseline date |
/// | `rule-weight-not-positive` | error | a rule or norm weight ≤ 0 |
/// | `attribute-scale-invalid` | error | an attribute scale with min ≥ max, or max above 10 |
/// | `not-applicable-in-scale` | error | an attribute's not-applicable value is a point of its scale |
/// | `scale-not-supported` | error | a CSAT scale other than 1–5/1–7/1–10, a CES scale other than 1–7/1–5 |
/// | `value-out-of-range` | error | a number outside its documented range (importance, share, threshold, weight, success condition, benchmark; raking shares: each in 0–1, at least one, summing to 1 within 1e-9; `weighting.weights` false with a rake) |
/// | `reserved-dimension-id` | error | a custom dimension named like a standard one |
/// | `instrument-kind-mismatch` | error | a rule audit without method or with a channel, a survey with a method |
/// | `too-many-attributes` | error | more than [`MAX_ATTRIBUTES`] attributes |
/// | `invalid-value` | error | a theme with no terms, a term that is empty, only white space or only `*`, or has a `*` other than at its end or after white space; an empty lexicon word |
/// | `no-identity` | warning | no identity yet |
/// | `no-positioning` | warning | no positioning yet |
/// | `no-rules` | warning | no rules of the game |
/// | `no-needs` | warning | no customer needs captured |
/// | `no-context-analysis` | warning | no mission, vision, segment or contact reason |
/// | `positioning-not-dominant` | warning | positioning rests on a facet other than the dominant trait |
/// | `goal-not-addressed` | warning | no intervention, rule or instrument addresses a goal |
/// | `emphasized-unsupported` | warning | no rule, norm, policy or tangible supports an emphasised strength |
/// | `rule-not-measured` | warning | no rule-audit instrument covers a rule of the game |
/// | `no-employee-survey` | warning | no employee survey instrument |
/// | `leadership-not-committed` | warning | `leadershipCommitted` is false |
/// | `long-term-before-mid-term` | warning | a long-term goal is due before a mid-term one |
pub mod codes {
    use crate::error::ErrorCode;

    /// Not JSON, or not a plan's shape.
    pub const PARSE_ERROR: &str = ErrorCode::ParseError.as_str();
    /// `schemaVersion` is not 1.
    pub const UNKNOWN_SCHEMA_VERSION: &str = ErrorCode::UnknownSchemaVersion.as_str();
    /// Two entities of one kind share an id.
    pub const DUPLICATE_ID: &str = ErrorCode::DuplicateId.as_str();
    /// An id that does not follow the syntax of [`super::super::id`].
    pub const INVALID_ID: &str = ErrorCode::InvalidId.as_str();
    /// A reference names no entity of the expected kind.
    pub const DANGLING_REFERENCE: &str = ErrorCode::DanglingReference.as_str();
    /// An identity without its dominant trait.
    pub const IDENTITY_MISSING_DOMINANT: &str = ErrorCode::IdentityMissingDominant.as_str();
    /// One facet id in two tiers.
    pub const FACET_IN_TWO_TIERS: &str = ErrorCode::FacetInTwoTiers.as_str();
    /// Goal value outside the metric's range.
    pub const GOAL_VALUE_OUT_OF_RANGE: &str = ErrorCode::GoalValueOutOfRange.as_str();
    /// Goal target date on or before its baseline date.
    pub const GOAL_DATES_REVERSED: &str = ErrorCode::GoalDatesReversed.as_str();
    /// Rule weight ≤ 0.
    pub const RULE_WEIGHT_NOT_POSITIVE: &str = ErrorCode::RuleWeightNotPositive.as_str();
    /// Attribute scale with min ≥ max.
    pub const ATTRIBUTE_SCALE_INVALID: &str = ErrorCode::AttributeScaleInvalid.as_str();
    /// Not-applicable value inside the scale.
    pub const NOT_APPLICABLE_IN_SCALE: &str = ErrorCode::NotApplicableInScale.as_str();
    /// Unsupported CSAT or CES scale.
    pub const SCALE_NOT_SUPPORTED: &str = ErrorCode::ScaleNotSupported.as_str();
    /// A number outside its documented range.
    pub const VALUE_OUT_OF_RANGE: &str = ErrorCode::ValueOutOfRange.as_str();
    /// Custom dimension named like a standard one.
    pub const RESERVED_DIMENSION_ID: &str = ErrorCode::ReservedDimensionId.as_str();
    /// Instrument fields inconsistent with its kind.
    pub const INSTRUMENT_KIND_MISMATCH: &str = ErrorCode::InstrumentKindMismatch.as_str();
    /// No identity yet.
    pub const NO_IDENTITY: &str = ErrorCode::NoIdentity.as_str();
    /// No positioning yet.
    pub const NO_POSITIONING: &str = ErrorCode::NoPositioning.as_str();
    /// No rules of the game.
    pub const NO_RULES: &str = ErrorCode::NoRules.as_str();
    /// No needs captured.
    pub const NO_NEEDS: &str = ErrorCode::NoNeeds.as_str();
    /// No context analysis.
    pub const NO_CONTEXT_ANALYSIS: &str = ErrorCode::NoContextAnalysis.as_str();
    /// Positioning not on the dominant trait.
    pub const POSITIONING_NOT_DOMINANT: &str = ErrorCode::PositioningNotDominant.as_str();
    /// Goal with nothing addressing it.
    pub const GOAL_NOT_ADDRESSED: &str = ErrorCode::GoalNotAddressed.as_str();
    /// Emphasised strength with no support.
    pub const EMPHASIZED_UNSUPPORTED: &str = ErrorCode::EmphasizedUnsupported.as_str();
    /// Rule of the game no audit measures.
    pub const RULE_NOT_MEASURED: &str = ErrorCode::RuleNotMeasured.as_str();
    /// No employee survey.
    pub const NO_EMPLOYEE_SURVEY: &str = ErrorCode::NoEmployeeSurvey.as_str();
    /// More than [`super::MAX_ATTRIBUTES`] attributes.
    pub const TOO_MANY_ATTRIBUTES: &str = ErrorCode::TooManyAttributes.as_str();
    /// Leadership not committed.
    pub const LEADERSHIP_NOT_COMMITTED: &str = ErrorCode::LeadershipNotCommitted.as_str();
    /// Long-term goal due before a mid-term one.
    pub const LONG_TERM_BEFORE_MID_TERM: &str = ErrorCode::LongTermBeforeMidTerm.as_str();
    /// A theme without terms, an invalid theme term, an empty lexicon word.
    pub const INVALID_VALUE: &str = ErrorCode::InvalidValue.as_str();

    /// Every code with its severity, in table order.
    pub const ALL: [(&str, super::Severity); 30] = [
        (PARSE_ERROR, super::Severity::Error),
        (UNKNOWN_SCHEMA_VERSION, super::Severity::Error),
        (DUPLICATE_ID, super::Severity::Error),
        (INVALID_ID, super::Severity::Error),
        (DANGLING_REFERENCE, super::Severity::Error),
        (IDENTITY_MISSING_DOMINANT, super::Severity::Error),
        (FACET_IN_TWO_TIERS, super::Severity::Error),
        (GOAL_VALUE_OUT_OF_RANGE, super::Severity::Error),
        (GOAL_DATES_REVERSED, super::Severity::Error),
        (RULE_WEIGHT_NOT_POSITIVE, super::Severity::Error),
        (ATTRIBUTE_SCALE_INVALID, super::Severity::Error),
        (NOT_APPLICABLE_IN_SCALE, super::Severity::Error),
        (SCALE_NOT_SUPPORTED, super::Severity::Error),
        (VALUE_OUT_OF_RANGE, super::Severity::Error),
        (RESERVED_DIMENSION_ID, super::Severity::Error),
        (INSTRUMENT_KIND_MISMATCH, super::Severity::Error),
        (TOO_MANY_ATTRIBUTES, super::Severity::Error),
        (INVALID_VALUE, super::Severity::Error),
        (NO_IDENTITY, super::Severity::Warning),
        (NO_POSITIONING, super::Severity::Warning),
        (NO_RULES, super::Severity::Warning),
        (NO_NEEDS, super::Severity::Warning),
        (NO_CONTEXT_ANALYSIS, super::Severity::Warning),
        (POSITIONING_NOT_DOMINANT, super::Severity::Warning),
        (GOAL_NOT_ADDRESSED, super::Severity::Warning),
        (EMPHASIZED_UNSUPPORTED, super::Severity::Warning),
        (RULE_NOT_MEASURED, super::Severity::Warning),
        (NO_EMPLOYEE_SURVEY, super::Severity::Warning),
        (LEADERSHIP_NOT_COMMITTED, super::Severity::Warning),
        (LONG_TERM_BEFORE_MID_TERM, super::Severity::Warning),
    ];
}

use crate::error::ErrorCode;

/// Most attributes a plan may have. The engine keeps, per cell, the
/// co-moments of every attribute with the outcome (k(k+1)/2 sums for k
/// attributes), so the count must stay small: 200 attributes is about
/// 20,000 sums (160 KB) per cell, and far more than a survey asks.
pub const MAX_ATTRIBUTES: usize = 200;

/// Names reserved for observation dimensions and query keys.
const RESERVED_DIMENSIONS: [&str; 8] = [
    "segment",
    "touchpoint",
    "channel",
    "team",
    "employee",
    "period",
    "auditMethod",
    "kind",
];

struct Checker<'p> {
    plan: &'p Plan,
    out: Vec<Diagnostic>,
    segments: BTreeSet<&'p str>,
    facets: BTreeSet<&'p str>,
    goals: BTreeSet<&'p str>,
    processes: BTreeSet<&'p str>,
    attributes: BTreeSet<&'p str>,
    tangibles: BTreeSet<&'p str>,
    rules: BTreeSet<&'p str>,
    all_ids: BTreeSet<&'p str>,
}

fn p(parts: &[&str]) -> String {
    let mut s = String::new();
    for part in parts {
        s.push('/');
        s.push_str(&escape_pointer_token(part));
    }
    s
}

/// The ids of the list of the plan at `path`, each with its JSON Pointer
/// (`/context/needs/3/id`), in list order.
fn ids_at<'p, T>(
    path: &[&str],
    items: &'p [T],
    id: impl Fn(&'p T) -> &'p String,
) -> Vec<(String, &'p str)> {
    let list = p(path);
    items
        .iter()
        .enumerate()
        .map(|(i, x)| (format!("{list}/{i}/id"), id(x).as_str()))
        .collect()
}

impl<'p> Checker<'p> {
    fn error(&mut self, code: ErrorCode, pointer: String, message: String) {
        self.out.push(Diagnostic::error(code, pointer, message));
    }

    fn warning(&mut self, code: ErrorCode, pointer: String, message: String) {
        self.out.push(Diagnostic::warning(code, pointer, message));
    }

    /// Collects the ids of one kind, reporting duplicates and ids that do
    /// not follow the syntax of [`super::id`].
    fn ids<I>(&mut self, kind: &str, items: I) -> BTreeSet<&'p str>
    where
        I: IntoIterator<Item = (String, &'p str)>,
    {
        self.ids_of(kind, IdKind::Entity, items)
    }

    /// [`Checker::ids`] for ids of the given syntax.
    fn ids_of<I>(&mut self, kind: &str, syntax: IdKind, items: I) -> BTreeSet<&'p str>
    where
        I: IntoIterator<Item = (String, &'p str)>,
    {
        let mut seen = BTreeSet::new();
        for (pointer, id) in items {
            self.id_syntax(kind, syntax, &pointer, id);
            if !seen.insert(id) {
                self.error(
                    ErrorCode::DuplicateId,
                    pointer,
                    format!("The {kind} id \"{id}\" is used twice; every {kind} needs its own id."),
                );
            }
        }
        seen
    }

    /// Reports an id that does not follow the syntax of [`super::id`].
    fn id_syntax(&mut self, kind: &str, syntax: IdKind, pointer: &str, id: &str) {
        if let Err(e) = check_id(id, syntax) {
            self.error(
                ErrorCode::InvalidId,
                pointer.to_string(),
                format!("The {kind} id \"{}\" {}.", id.escape_debug(), e.message()),
            );
        }
    }

    fn reference(&mut self, set_name: &str, exists: bool, pointer: String, id: &str) {
        if !exists {
            self.error(
                ErrorCode::DanglingReference,
                pointer,
                format!("\"{id}\" does not name any {set_name} in this plan."),
            );
        }
    }

    fn range(&mut self, pointer: String, what: &str, value: f64, low: f64, high: f64) {
        if !(low..=high).contains(&value) {
            self.error(
                ErrorCode::ValueOutOfRange,
                pointer,
                format!("{what} is {value}, but it must be between {low} and {high}."),
            );
        }
    }

    fn metric_reference(&mut self, metric: &MetricId, pointer: String) {
        match metric {
            MetricId::Attribute(id) => {
                let exists = self.attributes.contains(id.as_str());
                self.reference("survey attribute", exists, pointer, id);
            }
            MetricId::Theme(id) => {
                let exists = self.plan.themes.iter().any(|t| &t.id == id);
                self.reference("comment theme", exists, pointer, id);
            }
            _ => {}
        }
    }

    /// The display range of a metric under this plan, if bounded.
    fn metric_range(&self, metric: &MetricId) -> Option<(f64, f64)> {
        match metric {
            MetricId::Ces => Some((
                f64::from(self.plan.scales.ces.min),
                f64::from(self.plan.scales.ces.max),
            )),
            MetricId::Attribute(id) => self
                .plan
                .attribute(id)
                .map(|a| (f64::from(a.scale.min), f64::from(a.scale.max))),
            other => other.fixed_range(),
        }
    }
}

impl Plan {
    /// Checks the plan against the method (SPEC §2.1).
    ///
    /// Returns every finding, errors first then warnings, each with a stable
    /// [`codes`] value and a JSON Pointer. A plan with no
    /// [`Severity::Error`] is usable by the engine.
    ///
    /// ```
    /// use cx_core::plan::{Plan, codes};
    /// let plan = Plan::new("Acme");
    /// let diags = plan.validate();
    /// assert!(diags.iter().any(|d| d.code == codes::NO_IDENTITY));
    /// assert!(!diags.iter().any(|d| d.is_error()));
    /// ```
    pub fn validate(&self) -> Vec<Diagnostic> {
        let mut c = Checker {
            plan: self,
            out: Vec::new(),
            segments: BTreeSet::new(),
            facets: BTreeSet::new(),
            goals: BTreeSet::new(),
            processes: BTreeSet::new(),
            attributes: BTreeSet::new(),
            tangibles: BTreeSet::new(),
            rules: BTreeSet::new(),
            all_ids: BTreeSet::new(),
        };
        c.check_version();
        c.collect_ids();
        c.check_context();
        c.check_identity();
        c.check_goals();
        c.check_attributes_and_scales();
        c.check_deployment();
        c.check_evaluation();
        c.check_interventions_benchmarks();
        c.check_thresholds();
        c.check_themes();
        c.out.extend(super::numbers::check_weights(self));
        c.out.extend(super::weighting::check(self));
        c.advice();
        let mut out = c.out;
        out.sort_by_key(|d| d.severity);
        out
    }

    /// True when [`Plan::validate`] finds no error.
    pub fn is_valid(&self) -> bool {
        !self.validate().iter().any(Diagnostic::is_error)
    }
}

impl<'p> Checker<'p> {
    fn check_version(&mut self) {
        if self.plan.schema_version != SCHEMA_VERSION {
            self.error(
                ErrorCode::UnknownSchemaVersion,
                "/schemaVersion".into(),
                format!(
                    "This plan says schemaVersion {}, but this version of cx reads schemaVersion {SCHEMA_VERSION}.",
                    self.plan.schema_version
                ),
            );
        }
    }

    /// Every id of the plan, checked (syntax, no duplicate within its
    /// kind), and the sets later checks look references up in.
    fn collect_ids(&mut self) {
        self.collect_context_ids();
        self.collect_strategy_ids();
        let plan = self.plan;
        self.processes = self.ids(
            "process",
            ids_at(&["processes"], &plan.processes, |x| &x.id),
        );
        self.attributes = self.ids(
            "attribute",
            ids_at(&["attributes"], &plan.attributes, |x| &x.id),
        );
        let dimensions = ids_at(&["dimensions"], &plan.dimensions, |x| &x.id);
        self.ids_of("dimension", IdKind::Dimension, dimensions);
        self.collect_deployment_ids();
        let ev = &plan.evaluation;
        let instruments = ids_at(&["evaluation", "instruments"], &ev.instruments, |x| &x.id);
        self.ids("instrument", instruments);
        let interventions = ids_at(&["interventions"], &plan.interventions, |x| &x.id);
        self.ids("intervention", interventions);
        self.ids(
            "benchmark",
            ids_at(&["benchmarks"], &plan.benchmarks, |x| &x.id),
        );
        let mut all = BTreeSet::new();
        for set in [&self.goals, &self.rules, &self.facets, &self.processes] {
            all.extend(set.iter().copied());
        }
        self.all_ids = all;
    }

    /// The ids of the context: segments, needs, contact reasons, resources,
    /// constraints.
    fn collect_context_ids(&mut self) {
        let ctx = &self.plan.context;
        self.segments = self.ids(
            "segment",
            ids_at(&["context", "segments"], &ctx.segments, |s| &s.id),
        );
        self.ids("need", ids_at(&["context", "needs"], &ctx.needs, |s| &s.id));
        let reasons = ids_at(&["context", "contactReasons"], &ctx.contact_reasons, |s| {
            &s.id
        });
        self.ids("contact reason", reasons);
        self.ids(
            "resource",
            ids_at(&["context", "resources"], &ctx.resources, |s| &s.id),
        );
        let constraints = ids_at(&["context", "constraints"], &ctx.constraints, |s| &s.id);
        self.ids("constraint", constraints);
    }

    /// The ids of the strategy: the identity's facets and the goals.
    fn collect_strategy_ids(&mut self) {
        let strategy = &self.plan.strategy;
        // Facets: duplicates within a tier are duplicate ids; across tiers,
        // facet-in-two-tiers (checked in check_identity).
        if let Some(identity) = &strategy.identity {
            for (tier, list) in [
                ("emphasized", &identity.emphasized),
                ("base", &identity.base),
            ] {
                self.ids(
                    "facet",
                    ids_at(&["strategy", "identity", tier], list, |f| &f.id),
                );
            }
            if let Some(d) = &identity.dominant {
                let pointer = p(&["strategy", "identity", "dominant", "id"]);
                self.id_syntax("facet", IdKind::Entity, &pointer, &d.id);
            }
            self.facets = identity.facets().map(|(_, f)| f.id.as_str()).collect();
        }
        self.goals = self.ids(
            "goal",
            ids_at(&["strategy", "goals"], &strategy.goals, |g| &g.id),
        );
    }

    /// The ids of the deployment: policies, tangible elements, rules and
    /// norms (one namespace), mobilisation actions.
    fn collect_deployment_ids(&mut self) {
        let dep = &self.plan.deployment;
        self.ids(
            "policy",
            ids_at(&["deployment", "policies"], &dep.policies, |x| &x.id),
        );
        let tangibles = ids_at(&["deployment", "tangibles"], &dep.tangibles, |x| &x.id);
        self.tangibles = self.ids("tangible element", tangibles);
        // Rules of the game and collaboration norms share one namespace:
        // audits and mobilisation reference either by id.
        let mut rules = ids_at(&["deployment", "rules"], &dep.rules, |x| &x.id);
        rules.extend(ids_at(&["deployment", "norms"], &dep.norms, |x| &x.id));
        self.rules = self.ids("rule or norm", rules);
        let mobilization = ids_at(&["deployment", "mobilization"], &dep.mobilization, |x| {
            &x.id
        });
        self.ids("mobilisation", mobilization);
    }

    fn check_context(&mut self) {
        let ctx = &self.plan.context;
        for (i, s) in ctx.segments.iter().enumerate() {
            if let Some(share) = s.share {
                self.range(
                    p(&["context", "segments", &i.to_string(), "share"]),
                    "The segment's share of customers",
                    share,
                    0.0,
                    1.0,
                );
            }
        }
        for (i, n) in ctx.needs.iter().enumerate() {
            let base = ["context", "needs", &i.to_string()];
            self.range(
                p(&[base[0], base[1], base[2], "importance"]),
                "The need's stated importance",
                f64::from(n.importance),
                1.0,
                5.0,
            );
            if let Some(seg) = &n.segment {
                let ok = self.segments.contains(seg.as_str());
                self.reference(
                    "segment",
                    ok,
                    p(&[base[0], base[1], base[2], "segment"]),
                    seg,
                );
            }
        }
        for (i, r) in ctx.contact_reasons.iter().enumerate() {
            let idx = i.to_string();
            if let Some(seg) = &r.segment {
                let ok = self.segments.contains(seg.as_str());
                self.reference(
                    "segment",
                    ok,
                    p(&["context", "contactReasons", &idx, "segment"]),
                    seg,
                );
            }
            if let Some(share) = r.share {
                self.range(
                    p(&["context", "contactReasons", &idx, "share"]),
                    "The contact reason's share of contacts",
                    share,
                    0.0,
                    1.0,
                );
            }
        }
    }

    fn check_identity(&mut self) {
        let Some(identity) = &self.plan.strategy.identity else {
            return;
        };
        if identity.dominant.is_none() {
            self.error(
                ErrorCode::IdentityMissingDominant,
                "/strategy/identity".into(),
                "The identity has no dominant trait. Choose the one trait the whole experience rests on.".into(),
            );
        }
        let mut tier_of: BTreeMap<&str, &str> = BTreeMap::new();
        let tiers = [
            ("dominant", identity.dominant.iter().collect::<Vec<_>>()),
            ("emphasized", identity.emphasized.iter().collect()),
            ("base", identity.base.iter().collect()),
        ];
        for (tier, facets) in tiers {
            for (i, f) in facets.iter().enumerate() {
                if let Some(first) = tier_of.get(f.id.as_str()) {
                    if *first != tier {
                        let pointer = if tier == "dominant" {
                            p(&["strategy", "identity", "dominant", "id"])
                        } else {
                            p(&["strategy", "identity", tier, &i.to_string(), "id"])
                        };
                        self.error(
                            ErrorCode::FacetInTwoTiers,
                            pointer,
                            format!(
                                "\"{}\" is both a {first} and a {tier} facet; each facet belongs to one tier.",
                                f.id
                            ),
                        );
                    }
                } else {
                    tier_of.insert(f.id.as_str(), tier);
                }
            }
        }
    }

    fn check_goals(&mut self) {
        let plan = self.plan;
        for (i, g) in plan.strategy.goals.iter().enumerate() {
            let idx = i.to_string();
            self.metric_reference(&g.metric, p(&["strategy", "goals", &idx, "metric"]));
            if let Some(seg) = &g.segment {
                let ok = self.segments.contains(seg.as_str());
                self.reference(
                    "segment",
                    ok,
                    p(&["strategy", "goals", &idx, "segment"]),
                    seg,
                );
            }
            if let Some(tp) = &g.touchpoint {
                let ok = self.processes.contains(tp.as_str());
                self.reference(
                    "process",
                    ok,
                    p(&["strategy", "goals", &idx, "touchpoint"]),
                    tp,
                );
            }
            if let Some((low, high)) = self.metric_range(&g.metric) {
                for (which, point) in [("baseline", &g.baseline), ("target", &g.target)] {
                    if !(low..=high).contains(&point.value) {
                        self.error(
                            ErrorCode::GoalValueOutOfRange,
                            p(&["strategy", "goals", &idx, which, "value"]),
                            format!(
                                "The {which} of goal \"{}\" is {}, but {} ranges from {low} to {high}.",
                                g.id, point.value, g.metric
                            ),
                        );
                    }
                }
            }
            if g.target.date <= g.baseline.date {
                self.error(
                    ErrorCode::GoalDatesReversed,
                    p(&["strategy", "goals", &idx, "target", "date"]),
                    format!(
                        "Goal \"{}\" is due on {}, which is not after its baseline date {}.",
                        g.id, g.target.date, g.baseline.date
                    ),
                );
            }
        }
    }

    fn check_scale(&mut self, pointer: String, scale: Scale, allowed: &[(u8, u8)], what: &str) {
        if !allowed.contains(&(scale.min, scale.max)) {
            let list: Vec<String> = allowed.iter().map(|(a, b)| format!("{a}–{b}")).collect();
            self.error(
                ErrorCode::ScaleNotSupported,
                pointer,
                format!(
                    "The {what} scale {}–{} is not supported; use {}.",
                    scale.min,
                    scale.max,
                    list.join(" or ")
                ),
            );
        }
    }

    fn check_attributes_and_scales(&mut self) {
        let plan = self.plan;
        self.check_scale(
            "/scales/csat".into(),
            plan.scales.csat,
            &[(1, 5), (1, 7), (1, 10)],
            "CSAT",
        );
        self.check_scale(
            "/scales/ces".into(),
            plan.scales.ces,
            &[(1, 7), (1, 5)],
            "CES",
        );
        if plan.attributes.len() > MAX_ATTRIBUTES {
            self.error(
                ErrorCode::TooManyAttributes,
                p(&["attributes"]),
                format!(
                    "The plan has {} attributes; at most {MAX_ATTRIBUTES} are allowed (the engine keeps their co-moments in every cell).",
                    plan.attributes.len()
                ),
            );
        }
        for (i, a) in plan.attributes.iter().enumerate() {
            let idx = i.to_string();
            if a.scale.min >= a.scale.max || a.scale.max > 10 {
                self.error(
                    ErrorCode::AttributeScaleInvalid,
                    p(&["attributes", &idx, "scale"]),
                    format!(
                        "Attribute \"{}\" has a scale from {} to {}; the lowest point must be below the highest, and the highest at most 10.",
                        a.id, a.scale.min, a.scale.max
                    ),
                );
            } else if let Some(na) = a.not_applicable {
                if a.scale.contains(na) {
                    self.error(
                        ErrorCode::NotApplicableInScale,
                        p(&["attributes", &idx, "notApplicable"]),
                        format!(
                            "Attribute \"{}\" uses {na} for \"not applicable\", but {na} is also a rating on its {}–{} scale.",
                            a.id, a.scale.min, a.scale.max
                        ),
                    );
                }
            }
            if let Some(f) = &a.facet_id {
                let ok = self.facets.contains(f.as_str());
                self.reference("identity facet", ok, p(&["attributes", &idx, "facetId"]), f);
            }
            if let Some(pr) = &a.process_id {
                let ok = self.processes.contains(pr.as_str());
                self.reference("process", ok, p(&["attributes", &idx, "processId"]), pr);
            }
            for (j, t) in a.tangibles.iter().enumerate() {
                let ok = self.tangibles.contains(t.as_str());
                self.reference(
                    "tangible element",
                    ok,
                    p(&["attributes", &idx, "tangibles", &j.to_string()]),
                    t,
                );
            }
            if let Some(imp) = a.importance {
                self.range(
                    p(&["attributes", &idx, "importance"]),
                    "The stated importance",
                    imp,
                    0.0,
                    f64::MAX,
                );
            }
        }
        for (i, d) in plan.dimensions.iter().enumerate() {
            if RESERVED_DIMENSIONS.contains(&d.id.as_str()) {
                self.error(
                    ErrorCode::ReservedDimensionId,
                    p(&["dimensions", &i.to_string(), "id"]),
                    format!("\"{}\" is a built-in dimension or query key; give the custom dimension another id.", d.id),
                );
            }
        }
        let w = plan.factor_weights;
        for (name, v) in [
            ("product", w.product),
            ("interaction", w.interaction),
            ("brand", w.brand),
        ] {
            self.range(
                p(&["factorWeights", name]),
                "A factor weight",
                v,
                0.0,
                f64::MAX,
            );
        }
        if w.product + w.interaction + w.brand <= 0.0 {
            self.error(
                ErrorCode::ValueOutOfRange,
                "/factorWeights".into(),
                "The three factor weights add up to zero; at least one must be positive.".into(),
            );
        }
    }

    fn check_supports(&mut self, base: &[&str], supports: &[String]) {
        for (j, f) in supports.iter().enumerate() {
            let ok = self.facets.contains(f.as_str());
            let mut parts = base.to_vec();
            let js = j.to_string();
            parts.push("supports");
            parts.push(&js);
            self.reference("identity facet", ok, p(&parts), f);
        }
    }

    fn check_rule_list(&mut self, list: &'p [Rule], key: &str) {
        for (i, r) in list.iter().enumerate() {
            let idx = i.to_string();
            self.check_supports(&["deployment", key, &idx], &r.supports);
            for (j, g) in r.goals.iter().enumerate() {
                let ok = self.goals.contains(g.as_str());
                self.reference(
                    "goal",
                    ok,
                    p(&["deployment", key, &idx, "goals", &j.to_string()]),
                    g,
                );
            }
            if r.weight.is_nan() || r.weight <= 0.0 {
                self.error(
                    ErrorCode::RuleWeightNotPositive,
                    p(&["deployment", key, &idx, "weight"]),
                    format!(
                        "\"{}\" has weight {}; a weight must be above 0 (use 1 when all rules count the same).",
                        r.id, r.weight
                    ),
                );
            }
        }
    }

    fn check_deployment(&mut self) {
        let d = &self.plan.deployment;
        for (i, x) in d.policies.iter().enumerate() {
            self.check_supports(&["deployment", "policies", &i.to_string()], &x.supports);
        }
        for (i, x) in d.tangibles.iter().enumerate() {
            self.check_supports(&["deployment", "tangibles", &i.to_string()], &x.supports);
        }
        self.check_rule_list(&d.rules, "rules");
        self.check_rule_list(&d.norms, "norms");
        for (i, m) in d.mobilization.iter().enumerate() {
            for (j, r) in m.rules.iter().enumerate() {
                let ok = self.rules.contains(r.as_str());
                self.reference(
                    "rule of the game or norm",
                    ok,
                    p(&[
                        "deployment",
                        "mobilization",
                        &i.to_string(),
                        "rules",
                        &j.to_string(),
                    ]),
                    r,
                );
            }
        }
    }

    fn check_evaluation(&mut self) {
        for (i, ins) in self.plan.evaluation.instruments.iter().enumerate() {
            let idx = i.to_string();
            for (j, r) in ins.rules.iter().enumerate() {
                let ok = self.rules.contains(r.as_str());
                self.reference(
                    "rule of the game or norm",
                    ok,
                    p(&["evaluation", "instruments", &idx, "rules", &j.to_string()]),
                    r,
                );
            }
            for (j, g) in ins.goals.iter().enumerate() {
                let ok = self.goals.contains(g.as_str());
                self.reference(
                    "goal",
                    ok,
                    p(&["evaluation", "instruments", &idx, "goals", &j.to_string()]),
                    g,
                );
            }
            for (j, m) in ins.metrics.iter().enumerate() {
                self.metric_reference(
                    m,
                    p(&["evaluation", "instruments", &idx, "metrics", &j.to_string()]),
                );
            }
            match ins.kind {
                InstrumentKind::RuleAudit => {
                    if ins.method.is_none() {
                        self.error(
                            ErrorCode::InstrumentKindMismatch,
                            p(&["evaluation", "instruments", &idx, "method"]),
                            format!(
                                "Rule audit \"{}\" needs a method: managerObservation, mysteryShopper, phoneCheck or callRecording.",
                                ins.id
                            ),
                        );
                    }
                    if ins.channel.is_some() {
                        self.error(
                            ErrorCode::InstrumentKindMismatch,
                            p(&["evaluation", "instruments", &idx, "channel"]),
                            format!("Rule audit \"{}\" has a survey channel; audits have a method instead.", ins.id),
                        );
                    }
                }
                InstrumentKind::CustomerSurvey | InstrumentKind::EmployeeSurvey => {
                    if ins.method.is_some() {
                        self.error(
                            ErrorCode::InstrumentKindMismatch,
                            p(&["evaluation", "instruments", &idx, "method"]),
                            format!("Survey \"{}\" has an audit method; surveys have a channel instead.", ins.id),
                        );
                    }
                }
            }
        }
    }

    fn check_interventions_benchmarks(&mut self) {
        let plan = self.plan;
        for (i, iv) in plan.interventions.iter().enumerate() {
            for (j, a) in iv.addresses.iter().enumerate() {
                let ok = self.all_ids.contains(a.as_str());
                self.reference(
                    "goal, rule, norm, facet or process",
                    ok,
                    p(&["interventions", &i.to_string(), "addresses", &j.to_string()]),
                    a,
                );
            }
        }
        for (i, b) in plan.benchmarks.iter().enumerate() {
            let idx = i.to_string();
            self.metric_reference(&b.metric, p(&["benchmarks", &idx, "metric"]));
            if let Some((low, high)) = self.metric_range(&b.metric) {
                self.range(
                    p(&["benchmarks", &idx, "value"]),
                    "The benchmark value",
                    b.value,
                    low,
                    high,
                );
            }
        }
        if let Some(sc) = plan.success_conditions {
            for (name, v) in sc.named() {
                self.range(
                    p(&["successConditions", name]),
                    "A success condition rating",
                    f64::from(v),
                    0.0,
                    4.0,
                );
            }
        }
    }

    fn check_thresholds(&mut self) {
        let t = &self.plan.thresholds;
        self.range(
            "/thresholds/complianceFloor".into(),
            "The compliance floor",
            t.compliance_floor,
            0.0,
            100.0,
        );
        self.range(
            "/thresholds/lowEnps".into(),
            "The low-eNPS threshold",
            t.low_enps,
            -100.0,
            100.0,
        );
        if !(t.significance > 0.0 && t.significance < 1.0) {
            self.error(
                ErrorCode::ValueOutOfRange,
                "/thresholds/significance".into(),
                format!("The significance level is {}, but it must be strictly between 0 and 1 (0.05 is usual).", t.significance),
            );
        }
        if t.min_sample == 0 {
            self.error(
                ErrorCode::ValueOutOfRange,
                "/thresholds/minSample".into(),
                "The minimum sample is 0; it must be at least 1 (30 is usual).".into(),
            );
        }
        if let Some(ces) = t.alerts.ces_at_most {
            let s = self.plan.scales.ces;
            self.range(
                "/thresholds/alerts/cesAtMost".into(),
                "The CES alert threshold",
                f64::from(ces),
                f64::from(s.min),
                f64::from(s.max),
            );
        }
    }

    /// The themes (ids here, as their own kind; terms, links, lexicon and
    /// the comment alert threshold in [`super::themes`]).
    fn check_themes(&mut self) {
        let plan = self.plan;
        self.ids("theme", ids_at(&["themes"], &plan.themes, |t| &t.id));
        let targets = super::themes::LinkTargets {
            attributes: &self.attributes,
            processes: &self.processes,
            facets: &self.facets,
            rules: &self.rules,
        };
        let found = super::themes::check(plan, &targets);
        self.out.extend(found);
    }

    /// Advice (warnings) on what the plan still lacks, in the method's order.
    fn advice(&mut self) {
        self.advise_identity();
        self.advise_foundations();
        self.advise_goals_addressed();
        self.advise_emphasized_supported();
        self.advise_measurement();
        if !self.plan.organization.leadership_committed {
            self.warning(
                ErrorCode::LeadershipNotCommitted,
                "/organization/leadershipCommitted".into(),
                "Leadership is not committed: if you aren't truly engaged, do nothing.".into(),
            );
        }
        self.advise_goal_horizons();
    }

    /// An identity, and a positioning on one of its facets (ideally the
    /// dominant trait).
    fn advise_identity(&mut self) {
        let plan = self.plan;
        let identity = plan.strategy.identity.as_ref();
        if identity.is_none() {
            self.warning(
                ErrorCode::NoIdentity,
                "/strategy/identity".into(),
                "No identity yet: choose a dominant trait, the strengths to emphasise to customers and the base strengths to consolidate.".into(),
            );
        }
        match &plan.strategy.positioning {
            None => self.warning(
                ErrorCode::NoPositioning,
                "/strategy/positioning".into(),
                "No positioning yet: name the one strength the organisation wants to be known for."
                    .into(),
            ),
            Some(pos) => {
                let ok = self.facets.contains(pos.facet_id.as_str());
                self.reference(
                    "identity facet",
                    ok,
                    "/strategy/positioning/facetId".into(),
                    &pos.facet_id,
                );
                if let Some(dom) = identity.and_then(|i| i.dominant.as_ref()) {
                    if ok && dom.id != pos.facet_id {
                        self.warning(
                            ErrorCode::PositioningNotDominant,
                            "/strategy/positioning/facetId".into(),
                            format!(
                                "The positioning rests on \"{}\", not on the dominant trait \"{}\": the experience rests on this specific strength.",
                                pos.facet_id, dom.id
                            ),
                        );
                    }
                }
            }
        }
    }

    /// Rules of the game, customer needs and a context analysis.
    fn advise_foundations(&mut self) {
        let plan = self.plan;
        if plan.deployment.rules.is_empty() {
            self.warning(
                ErrorCode::NoRules,
                "/deployment/rules".into(),
                "No rules of the game yet: agree with employees on the behaviours every customer should meet.".into(),
            );
        }
        if plan.context.needs.is_empty() {
            self.warning(
                ErrorCode::NoNeeds,
                "/context/needs".into(),
                "No customer needs captured: find out who the customers are and what they expect."
                    .into(),
            );
        }
        let ctx = &plan.context;
        if ctx.mission.is_none()
            && ctx.vision.is_none()
            && ctx.segments.is_empty()
            && ctx.contact_reasons.is_empty()
        {
            self.warning(
                ErrorCode::NoContextAnalysis,
                "/context".into(),
                "No context analysis: describe the mission, the vision, the customer segments and why customers contact you.".into(),
            );
        }
    }

    /// Every goal is named by an intervention, a rule or norm, or an
    /// instrument.
    fn advise_goals_addressed(&mut self) {
        let plan = self.plan;
        let mut addressed: BTreeSet<&str> = BTreeSet::new();
        for iv in &plan.interventions {
            addressed.extend(iv.addresses.iter().map(String::as_str));
        }
        for r in plan.deployment.rules.iter().chain(&plan.deployment.norms) {
            addressed.extend(r.goals.iter().map(String::as_str));
        }
        for ins in &plan.evaluation.instruments {
            addressed.extend(ins.goals.iter().map(String::as_str));
        }
        for (i, g) in plan.strategy.goals.iter().enumerate() {
            if !addressed.contains(g.id.as_str()) {
                self.warning(
                    ErrorCode::GoalNotAddressed,
                    p(&["strategy", "goals", &i.to_string()]),
                    format!(
                        "Nothing addresses goal \"{}\": no intervention, rule or instrument names it. Stop talking and start doing.",
                        g.id
                    ),
                );
            }
        }
    }

    /// Every emphasised strength is supported by a rule, norm, policy or
    /// tangible element.
    fn advise_emphasized_supported(&mut self) {
        let plan = self.plan;
        let identity = plan.strategy.identity.as_ref();
        if let Some(identity) = identity {
            let d = &plan.deployment;
            let supported: BTreeSet<&str> = d
                .rules
                .iter()
                .chain(&d.norms)
                .flat_map(|r| &r.supports)
                .chain(d.policies.iter().flat_map(|x| &x.supports))
                .chain(d.tangibles.iter().flat_map(|x| &x.supports))
                .map(String::as_str)
                .collect();
            for (i, f) in identity.emphasized.iter().enumerate() {
                if !supported.contains(f.id.as_str()) {
                    self.warning(
                        ErrorCode::EmphasizedUnsupported,
                        p(&["strategy", "identity", "emphasized", &i.to_string()]),
                        format!(
                            "The emphasised strength \"{}\" is promised to customers, but no rule, norm, policy or tangible element supports it.",
                            f.name
                        ),
                    );
                }
            }
        }
    }

    /// Every rule is measured by an audit; employees are surveyed.
    fn advise_measurement(&mut self) {
        let plan = self.plan;
        let measured: BTreeSet<&str> = plan
            .evaluation
            .instruments
            .iter()
            .filter(|i| i.kind == InstrumentKind::RuleAudit)
            .flat_map(|i| &i.rules)
            .map(String::as_str)
            .collect();
        for (i, r) in plan.deployment.rules.iter().enumerate() {
            if !measured.contains(r.id.as_str()) {
                self.warning(
                    ErrorCode::RuleNotMeasured,
                    p(&["deployment", "rules", &i.to_string()]),
                    format!(
                        "No audit measures the rule \"{}\": employees do what is measured.",
                        r.behaviour
                    ),
                );
            }
        }
        if !plan
            .evaluation
            .instruments
            .iter()
            .any(|i| i.kind == InstrumentKind::EmployeeSurvey)
        {
            self.warning(
                ErrorCode::NoEmployeeSurvey,
                "/evaluation/instruments".into(),
                "No employee survey: the customer experience depends on the employee experience."
                    .into(),
            );
        }
    }

    /// No long-term goal due before the last mid-term one.
    fn advise_goal_horizons(&mut self) {
        let plan = self.plan;
        let last_mid = plan
            .strategy
            .goals
            .iter()
            .filter(|g| g.horizon == Horizon::MidTerm)
            .map(|g| g.target.date)
            .max();
        if let Some(last_mid) = last_mid {
            for (i, g) in plan.strategy.goals.iter().enumerate() {
                if g.horizon == Horizon::LongTerm && g.target.date < last_mid {
                    self.warning(
                        ErrorCode::LongTermBeforeMidTerm,
                        p(&["strategy", "goals", &i.to_string(), "target", "date"]),
                        format!(
                            "Long-term goal \"{}\" is due on {}, before a mid-term goal due on {last_mid}.",
                            g.id, g.target.date
                        ),
                    );
                }
            }
        }
    }
}
