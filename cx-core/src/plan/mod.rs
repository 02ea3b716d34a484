//! The plan: one organisation's CX strategy (SPEC §2).
//!
//! A [`Plan`] is a serde document (JSON, camelCase, `schemaVersion: 1`) that
//! follows the method: context and analysis ([`Context`]), strategy
//! ([`Strategy`]: positioning, three-tier [`Identity`], [`Goal`]s), deployment
//! ([`Deployment`]: policies, tangibles, rules of the game, collaboration
//! norms, mobilisation), evaluation ([`Evaluation`]: instruments),
//! [`Intervention`]s, [`Benchmark`]s, [`Thresholds`], the five
//! [`SuccessConditions`] and the report's [`PlanWeighting`]. Every entity has a stable string `id`; references
//! are by id.
//!
//! This module holds the types and parsing ([`Plan::from_json`]); the
//! syntax of ids is in [`id`].
//! Validation lives in [`validate`] ([`Plan::validate`]), traceability in
//! [`trace`] ([`Plan::trace`]); the scores live in [`crate::score`].

pub mod id;
mod numbers;
pub(crate) mod parse;
mod themes;
pub mod trace;
pub mod validate;
mod weighting;

use std::collections::BTreeMap;

use chrono::NaiveDate;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::metric::MetricId;
pub use crate::score::{Factor, FactorWeights, Scale};

pub use numbers::{MAX_WEIGHT, MIN_WEIGHT};
pub use parse::PlanError;
pub use themes::{Theme, ThemeLinks};
pub use trace::Trace;
pub use validate::codes;
pub use weighting::PlanWeighting;

/// The schema version this crate reads and writes.
pub const SCHEMA_VERSION: u32 = 1;

/// One organisation's CX strategy (SPEC §2).
///
/// ```
/// use cx_core::plan::Plan;
/// let plan = Plan::from_json(r#"{"schemaVersion": 1, "organization": {"name": "Acme"}}"#).unwrap();
/// assert_eq!(plan.organization.name, "Acme");
/// // A plan still being built is usable, with advice:
/// assert!(plan.validate().iter().all(|d| !d.is_error()));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Plan {
    /// Document schema version; this crate understands `1`.
    pub schema_version: u32,
    /// Who the organisation is.
    pub organization: Organization,
    /// Step 3.1: context and analysis.
    #[serde(default)]
    pub context: Context,
    /// Step 3.2: positioning, identity and goals.
    #[serde(default)]
    pub strategy: Strategy,
    /// The organisation's processes and touchpoints (used by VOC analysis).
    #[serde(default)]
    pub processes: Vec<Process>,
    /// Survey attributes rated by customers.
    #[serde(default)]
    pub attributes: Vec<Attribute>,
    /// Custom dimensions beyond the five standard ones (e.g. `class`, `region`).
    #[serde(default)]
    pub dimensions: Vec<CustomDimension>,
    /// Scales of the CSAT and CES questions.
    #[serde(default)]
    pub scales: Scales,
    /// TCS weights of the three factors.
    #[serde(default)]
    pub factor_weights: FactorWeights,
    /// Step 3.3: deployment and mobilisation.
    #[serde(default)]
    pub deployment: Deployment,
    /// Step 3.4: evaluation instruments.
    #[serde(default)]
    pub evaluation: Evaluation,
    /// Step 4: interventions planned or under way.
    #[serde(default)]
    pub interventions: Vec<Intervention>,
    /// Competitor or industry figures (BCE).
    #[serde(default)]
    pub benchmarks: Vec<Benchmark>,
    /// Thresholds used by scores, the playbook and alerts.
    #[serde(default)]
    pub thresholds: Thresholds,
    /// Step 5: the five success conditions, each rated 0–4.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success_conditions: Option<SuccessConditions>,
    /// How the report weights the survey responses: design weights on or
    /// off, and the population shares to rake to (`docs/weighting.md`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weighting: Option<PlanWeighting>,
    /// What customers talk about in their comments: each theme's terms and
    /// links to the plan (`docs/comments.md`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub themes: Vec<Theme>,
    /// Sentiment words added to VADER's lexicon or replacing its valence
    /// (word → valence, −4..4), for domain words and other languages.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub lexicon: BTreeMap<String, f64>,
}

/// Who the organisation is and who owns CX.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Organization {
    /// Organisation name.
    pub name: String,
    /// Business sector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sector: Option<String>,
    /// Who in the management committee owns CX.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sponsor: Option<String>,
    /// Whether leadership is truly committed ("if you aren't truly engaged, do nothing").
    #[serde(default)]
    pub leadership_committed: bool,
}

/// Step 3.1: who the customers are, what they need, why they contact us,
/// mission, vision, resources and constraints.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Context {
    /// Customer segments.
    #[serde(default)]
    pub segments: Vec<Segment>,
    /// Customer needs and expectations.
    #[serde(default)]
    pub needs: Vec<Need>,
    /// Why customers contact the organisation.
    #[serde(default)]
    pub contact_reasons: Vec<ContactReason>,
    /// The mission.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mission: Option<Mission>,
    /// The vision statement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vision: Option<String>,
    /// Resources available ("are we promising too much?").
    #[serde(default)]
    pub resources: Vec<Resource>,
    /// Constraints to respect.
    #[serde(default)]
    pub constraints: Vec<Constraint>,
}

/// A customer segment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Segment {
    /// Stable id (the `segment` dimension value in observations).
    #[schemars(with = "id::IdSchema")]
    pub id: String,
    /// Display name.
    pub name: String,
    /// Share of customers, 0..1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
}

/// Category of a customer need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum NeedCategory {
    /// Service.
    Service,
    /// Quality.
    Quality,
    /// Variety.
    Variety,
    /// Speed.
    Speed,
    /// Cost.
    Cost,
    /// Anything else.
    Other,
}

/// A customer need or expectation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Need {
    /// Stable id.
    #[schemars(with = "id::IdSchema")]
    pub id: String,
    /// The need in the customer's words.
    pub statement: String,
    /// Segment id the need belongs to (all segments when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    /// Category.
    pub category: NeedCategory,
    /// Stated importance, 1–5.
    pub importance: u8,
}

/// A reason customers contact the organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ContactReason {
    /// Stable id.
    #[schemars(with = "id::IdSchema")]
    pub id: String,
    /// The reason.
    pub description: String,
    /// Segment id, when specific to one segment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    /// Share of contacts, 0..1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
}

/// The mission: what the organisation does, for whom, and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Mission {
    /// Mission statement.
    pub statement: String,
    /// Services offered.
    #[serde(default)]
    pub services: Vec<String>,
    /// Customers served.
    #[serde(default)]
    pub customers: Vec<String>,
    /// Key processes.
    #[serde(default)]
    pub key_processes: Vec<String>,
    /// Expected output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_output: Option<String>,
}

/// Kind of resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ResourceKind {
    /// People.
    Human,
    /// Equipment, premises.
    Material,
    /// Budget.
    Financial,
    /// Anything else.
    Other,
}

/// A resource available to deliver the experience.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Resource {
    /// Stable id.
    #[schemars(with = "id::IdSchema")]
    pub id: String,
    /// Kind.
    pub kind: ResourceKind,
    /// Description.
    pub description: String,
    /// Capacity, in words ("12 advisers", "€40k a year").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<String>,
}

/// Kind of constraint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ConstraintKind {
    /// Law.
    Legal,
    /// Regulation.
    Regulatory,
    /// Budget.
    Budget,
    /// Anything else.
    Other,
}

/// A constraint the experience must respect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Constraint {
    /// Stable id.
    #[schemars(with = "id::IdSchema")]
    pub id: String,
    /// Kind.
    pub kind: ConstraintKind,
    /// Description.
    pub description: String,
}

/// Step 3.2: positioning, identity and goals.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Strategy {
    /// The one strength the organisation wants to be known for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub positioning: Option<Positioning>,
    /// The three-tier identity; absent while the plan is being built.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<Identity>,
    /// Mid-term and long-term targets.
    #[serde(default)]
    pub goals: Vec<Goal>,
}

/// The positioning: the one strength the organisation wants to be known for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Positioning {
    /// The identity facet the positioning rests on (should be the dominant trait).
    pub facet_id: String,
    /// The positioning statement.
    pub statement: String,
}

/// The three-tier identity: one dominant trait, strengths emphasised to
/// customers, base strengths to consolidate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Identity {
    /// The dominant trait (exactly one; its absence is an error).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dominant: Option<Facet>,
    /// Strengths emphasised to customers.
    #[serde(default)]
    pub emphasized: Vec<Facet>,
    /// Base strengths to consolidate.
    #[serde(default)]
    pub base: Vec<Facet>,
}

/// The tier of an identity facet.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "camelCase")]
pub enum Tier {
    /// The dominant trait.
    Dominant,
    /// A strength emphasised to customers.
    Emphasized,
    /// A base strength to consolidate.
    Base,
}

/// One facet of the identity (a trait or strength).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Facet {
    /// Stable id.
    #[schemars(with = "id::IdSchema")]
    pub id: String,
    /// Display name ("Fluidity").
    pub name: String,
    /// What it means for customers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The factor of the experience it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factor: Option<Factor>,
}

impl Identity {
    /// Every facet with its tier, dominant first.
    pub fn facets(&self) -> impl Iterator<Item = (Tier, &Facet)> {
        self.dominant
            .iter()
            .map(|f| (Tier::Dominant, f))
            .chain(self.emphasized.iter().map(|f| (Tier::Emphasized, f)))
            .chain(self.base.iter().map(|f| (Tier::Base, f)))
    }
}

/// The horizon of a goal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Horizon {
    /// A mid-term target.
    MidTerm,
    /// A long-term target.
    LongTerm,
}

/// A value of a metric at a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GoalPoint {
    /// Value on the metric's display scale (SPEC §5.1).
    pub value: f64,
    /// Date (`YYYY-MM-DD`).
    #[serde(deserialize_with = "crate::record::date")]
    pub date: NaiveDate,
}

/// A goal: move a metric from a baseline to a target by a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Goal {
    /// Stable id.
    #[schemars(with = "id::IdSchema")]
    pub id: String,
    /// The metric (SPEC §5.3).
    pub metric: MetricId,
    /// Restrict to one segment (segment id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    /// Restrict to one touchpoint (process id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub touchpoint: Option<String>,
    /// Where the metric stood.
    pub baseline: GoalPoint,
    /// Where it must be.
    pub target: GoalPoint,
    /// Mid-term or long-term.
    pub horizon: Horizon,
    /// What the goal is about, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A process or touchpoint of the organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Process {
    /// Stable id (the `touchpoint` dimension value in observations).
    #[schemars(with = "id::IdSchema")]
    pub id: String,
    /// Display name.
    pub name: String,
    /// Who owns it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

/// A survey attribute rated by customers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Attribute {
    /// Stable id (key in `Response.attributes`).
    #[schemars(with = "id::IdSchema")]
    pub id: String,
    /// Question label.
    pub label: String,
    /// Rating scale.
    pub scale: Scale,
    /// A value that means "not applicable" (real exports use 0); never counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_applicable: Option<u8>,
    /// Identity facet the attribute measures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facet_id: Option<String>,
    /// Factor of the experience (product, interaction, brand) for TCS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factor: Option<Factor>,
    /// Process the attribute belongs to (for vital processes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub process_id: Option<String>,
    /// Tangible elements the attribute rates (ids in `deployment.tangibles`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tangibles: Vec<String>,
    /// Stated importance (any positive scale); derived from data when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub importance: Option<f64>,
}

/// A custom dimension of observations (beyond segment, touchpoint, channel,
/// team, employee).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CustomDimension {
    /// Stable id (key in `Response.dimensions`).
    #[schemars(with = "id::DimensionIdSchema")]
    pub id: String,
    /// Display label.
    pub label: String,
}

/// Scales of the CSAT and CES questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Scales {
    /// CSAT scale: 1–5 (default), 1–7 or 1–10.
    #[serde(default = "Scales::default_csat")]
    pub csat: Scale,
    /// CES scale: 1–7 (default) or 1–5.
    #[serde(default = "Scales::default_ces")]
    pub ces: Scale,
}

impl Scales {
    fn default_csat() -> Scale {
        Scale::FIVE
    }
    fn default_ces() -> Scale {
        Scale::SEVEN
    }
}

impl Default for Scales {
    fn default() -> Self {
        Scales {
            csat: Scales::default_csat(),
            ces: Scales::default_ces(),
        }
    }
}

fn one() -> f64 {
    1.0
}

/// Step 3.3: policies, tangible elements, rules of the game, collaboration
/// norms and mobilisation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Deployment {
    /// Policies and procedures.
    #[serde(default)]
    pub policies: Vec<Policy>,
    /// Tangible elements.
    #[serde(default)]
    pub tangibles: Vec<Tangible>,
    /// Rules of the game: behaviours with customers.
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// Collaboration norms: behaviours between colleagues.
    #[serde(default)]
    pub norms: Vec<Rule>,
    /// Guidance, coaching and training.
    #[serde(default)]
    pub mobilization: Vec<Mobilization>,
}

/// Area of a policy or procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum PolicyArea {
    /// Support systems.
    SupportSystems,
    /// Opening and availability hours.
    AvailabilityHours,
    /// Supplier policies.
    Suppliers,
    /// Treatment times.
    TreatmentTimes,
    /// Employee flexibility.
    EmployeeFlexibility,
    /// Anything else.
    Other,
}

/// A policy or procedure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Policy {
    /// Stable id.
    #[schemars(with = "id::IdSchema")]
    pub id: String,
    /// Area.
    pub area: PolicyArea,
    /// Description.
    pub description: String,
    /// Facet ids the policy supports.
    #[serde(default)]
    pub supports: Vec<String>,
}

/// Kind of tangible element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum TangibleKind {
    /// Signage.
    Signage,
    /// Cleanliness.
    Cleanliness,
    /// Service counters.
    ServiceCounter,
    /// Bulletins.
    Bulletin,
    /// Advice guides.
    AdviceGuide,
    /// Ambience.
    Ambience,
    /// Anything else.
    Other,
}

/// A tangible element of the experience.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Tangible {
    /// Stable id.
    #[schemars(with = "id::IdSchema")]
    pub id: String,
    /// Kind.
    pub kind: TangibleKind,
    /// Description.
    pub description: String,
    /// Facet ids the element supports.
    #[serde(default)]
    pub supports: Vec<String>,
}

/// A rule of the game (behaviour with customers) or a collaboration norm
/// (behaviour between colleagues).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Rule {
    /// Stable id.
    #[schemars(with = "id::IdSchema")]
    pub id: String,
    /// The expected behaviour ("Call the customer by name").
    pub behaviour: String,
    /// Facet ids the behaviour supports.
    #[serde(default)]
    pub supports: Vec<String>,
    /// Goal ids the behaviour serves.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub goals: Vec<String>,
    /// Weight in the audit score (> 0, default 1).
    #[serde(default = "one")]
    pub weight: f64,
    /// A failed critical rule fails the whole audit.
    #[serde(default)]
    pub critical: bool,
}

/// Kind of mobilisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum MobilizationKind {
    /// Guidance.
    Guidance,
    /// Coaching.
    Coaching,
    /// Training.
    Training,
}

/// Guidance, coaching or training that mobilises employees on rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Mobilization {
    /// Stable id.
    #[schemars(with = "id::IdSchema")]
    pub id: String,
    /// Kind.
    pub kind: MobilizationKind,
    /// Who it is for.
    pub audience: String,
    /// Topic.
    pub topic: String,
    /// Rule (or norm) ids it covers.
    #[serde(default)]
    pub rules: Vec<String>,
}

/// Step 3.4: evaluation instruments.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Evaluation {
    /// Surveys and audits.
    #[serde(default)]
    pub instruments: Vec<Instrument>,
}

/// Kind of evaluation instrument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum InstrumentKind {
    /// Customer satisfaction survey.
    CustomerSurvey,
    /// Employee satisfaction (work climate) survey.
    EmployeeSurvey,
    /// Audit of the rules of the game.
    RuleAudit,
}

/// Survey channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum SurveyChannel {
    /// Mail.
    Mail,
    /// Online.
    Online,
    /// Phone.
    Phone,
    /// Individual interview.
    Interview,
    /// Group interview.
    GroupInterview,
}

/// Audit method for the rules of the game.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "camelCase")]
pub enum AuditMethod {
    /// A manager observes.
    ManagerObservation,
    /// A mystery shopper.
    MysteryShopper,
    /// A phone check.
    PhoneCheck,
    /// A call recording is reviewed.
    CallRecording,
}

impl AuditMethod {
    /// Every method.
    pub const ALL: [AuditMethod; 4] = [
        AuditMethod::ManagerObservation,
        AuditMethod::MysteryShopper,
        AuditMethod::PhoneCheck,
        AuditMethod::CallRecording,
    ];

    /// The camelCase name used in documents.
    pub fn as_str(&self) -> &'static str {
        match self {
            AuditMethod::ManagerObservation => "managerObservation",
            AuditMethod::MysteryShopper => "mysteryShopper",
            AuditMethod::PhoneCheck => "phoneCheck",
            AuditMethod::CallRecording => "callRecording",
        }
    }
}

/// A survey or audit instrument.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Instrument {
    /// Stable id.
    #[schemars(with = "id::IdSchema")]
    pub id: String,
    /// Kind.
    pub kind: InstrumentKind,
    /// Channel, for surveys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<SurveyChannel>,
    /// Method, for rule audits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<AuditMethod>,
    /// Rule (or norm) ids the audit covers.
    #[serde(default)]
    pub rules: Vec<String>,
    /// Metrics the instrument measures (for surveys: `nps`, `csat`…).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub metrics: Vec<MetricId>,
    /// Goal ids the instrument tracks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub goals: Vec<String>,
    /// Cadence in days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cadence_days: Option<u32>,
}

/// The intervention catalogue (SPEC §3.6).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "camelCase")]
pub enum InterventionKind {
    /// Report results to management.
    ReportToManagement,
    /// Evaluate customer satisfaction.
    EvaluateClientSatisfaction,
    /// Evaluate adherence to the rules of the game.
    EvaluateRuleAdherence,
    /// Modify systems and procedures.
    ModifySystemsAndProcedures,
    /// Implant tangible elements.
    ImplantTangibleElements,
    /// Enliven the work environment.
    EnlivenEnvironment,
    /// Agree on rules of the game.
    AgreeOnRulesOfTheGame,
    /// Prepare training.
    PrepareTraining,
    /// Enliven face-to-face meetings.
    EnlivenFaceToFaceMeetings,
    /// Establish the identity.
    EstablishIdentity,
    /// Analyse customer needs.
    AnalyseCustomerNeeds,
    /// Understand the context.
    UnderstandContext,
    /// Form an innovation team (vital processes).
    FormInnovationTeam,
    /// Coaching (mobilisation).
    Coaching,
    /// Guidance (mobilisation).
    Guidance,
}

impl InterventionKind {
    /// Every intervention of the catalogue.
    pub const ALL: [InterventionKind; 15] = [
        InterventionKind::ReportToManagement,
        InterventionKind::EvaluateClientSatisfaction,
        InterventionKind::EvaluateRuleAdherence,
        InterventionKind::ModifySystemsAndProcedures,
        InterventionKind::ImplantTangibleElements,
        InterventionKind::EnlivenEnvironment,
        InterventionKind::AgreeOnRulesOfTheGame,
        InterventionKind::PrepareTraining,
        InterventionKind::EnlivenFaceToFaceMeetings,
        InterventionKind::EstablishIdentity,
        InterventionKind::AnalyseCustomerNeeds,
        InterventionKind::UnderstandContext,
        InterventionKind::FormInnovationTeam,
        InterventionKind::Coaching,
        InterventionKind::Guidance,
    ];
}

/// Status of an intervention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum InterventionStatus {
    /// Not started.
    Planned,
    /// Under way.
    InProgress,
    /// Finished.
    Done,
    /// Abandoned.
    Cancelled,
}

/// An intervention (SPEC §3.6) planned or under way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Intervention {
    /// Stable id.
    #[schemars(with = "id::IdSchema")]
    pub id: String,
    /// Kind, from the catalogue.
    pub kind: InterventionKind,
    /// Title.
    pub title: String,
    /// Owner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Due date.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::record::optional_date"
    )]
    pub due: Option<NaiveDate>,
    /// Status.
    pub status: InterventionStatus,
    /// Ids of the goals, rules, facets or processes it addresses.
    #[serde(default)]
    pub addresses: Vec<String>,
}

/// A competitor or industry figure (BCE).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Benchmark {
    /// Stable id.
    #[schemars(with = "id::IdSchema")]
    pub id: String,
    /// The metric.
    pub metric: MetricId,
    /// Competitor or industry name.
    pub source: String,
    /// Value on the display scale.
    pub value: f64,
    /// Sample size, when known (enables a z-test).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<u64>,
    /// Date of the figure.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::record::optional_date"
    )]
    pub date: Option<NaiveDate>,
}

/// Thresholds used by scores, the playbook and alerts (defaults in brackets).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Thresholds {
    /// Below this n a score is flagged `smallSample` \[30\].
    #[serde(default = "Thresholds::d_min_sample")]
    pub min_sample: u64,
    /// Rule compliance floor, percent \[80\].
    #[serde(default = "Thresholds::d_compliance_floor")]
    pub compliance_floor: f64,
    /// eNPS at or below this is low \[0\].
    #[serde(default)]
    pub low_enps: f64,
    /// Significance level of tests \[0.05\].
    #[serde(default = "Thresholds::d_significance")]
    pub significance: f64,
    /// A survey older than this many days is not recent \[90\].
    #[serde(default = "Thresholds::d_recent_days")]
    pub recent_days: u32,
    /// Hours to follow an alert up \[48\].
    #[serde(default = "Thresholds::d_follow_up_hours")]
    pub follow_up_hours: u32,
    /// Which answers raise an alert.
    #[serde(default)]
    pub alerts: AlertRules,
}

impl Thresholds {
    fn d_min_sample() -> u64 {
        30
    }
    fn d_compliance_floor() -> f64 {
        80.0
    }
    fn d_significance() -> f64 {
        0.05
    }
    fn d_recent_days() -> u32 {
        90
    }
    fn d_follow_up_hours() -> u32 {
        48
    }
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            min_sample: 30,
            compliance_floor: 80.0,
            low_enps: 0.0,
            significance: 0.05,
            recent_days: 90,
            follow_up_hours: 48,
            alerts: AlertRules::default(),
        }
    }
}

/// Which answers raise a closed-loop alert.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AlertRules {
    /// A detractor (NPS 0–6) \[true\].
    #[serde(default = "yes")]
    pub detractor: bool,
    /// A CSAT in the bottom two boxes \[true\].
    #[serde(default = "yes")]
    pub csat_bottom_two: bool,
    /// A CES at or below this value \[2\]; `null` disables.
    #[serde(default = "AlertRules::d_ces_at_most")]
    pub ces_at_most: Option<u8>,
    /// A failed critical rule in an audit \[true\].
    #[serde(default = "yes")]
    pub critical_rule_failed: bool,
    /// A comment whose compound sentiment is at or below this value
    /// (−1..1) \[null: none\].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment_compound_at_most: Option<f64>,
}

fn yes() -> bool {
    true
}

impl AlertRules {
    fn d_ces_at_most() -> Option<u8> {
        Some(2)
    }
}

impl Default for AlertRules {
    fn default() -> Self {
        AlertRules {
            detractor: true,
            csat_bottom_two: true,
            ces_at_most: Some(2),
            critical_rule_failed: true,
            comment_compound_at_most: None,
        }
    }
}

/// The five success conditions of step 5, each rated 0–4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SuccessConditions {
    /// Leadership and key players involved.
    pub leadership: u8,
    /// Build on existing strengths.
    pub existing_strengths: u8,
    /// Employee enthusiasm.
    pub employee_enthusiasm: u8,
    /// Rigour in follow-up, evaluation and communication.
    pub rigour: u8,
    /// Celebrate successes.
    pub celebrate_successes: u8,
}

impl SuccessConditions {
    /// The conditions with their camelCase names, in the method's order.
    pub fn named(&self) -> [(&'static str, u8); 5] {
        [
            ("leadership", self.leadership),
            ("existingStrengths", self.existing_strengths),
            ("employeeEnthusiasm", self.employee_enthusiasm),
            ("rigour", self.rigour),
            ("celebrateSuccesses", self.celebrate_successes),
        ]
    }
}

/// The standard observation dimensions (SPEC §3.1).
pub const STANDARD_DIMENSIONS: [&str; 5] = {
    use crate::record::ResponseField as F;
    let f = F::STANDARD_DIMENSIONS;
    [
        f[0].name(),
        f[1].name(),
        f[2].name(),
        f[3].name(),
        f[4].name(),
    ]
};

impl Plan {
    /// An empty plan for `name`: valid, with the warnings of a plan still
    /// being built.
    pub fn new(name: impl Into<String>) -> Plan {
        Plan {
            schema_version: SCHEMA_VERSION,
            organization: Organization {
                name: name.into(),
                sector: None,
                sponsor: None,
                leadership_committed: false,
            },
            context: Context::default(),
            strategy: Strategy::default(),
            processes: Vec::new(),
            attributes: Vec::new(),
            dimensions: Vec::new(),
            scales: Scales::default(),
            factor_weights: FactorWeights::default(),
            deployment: Deployment::default(),
            evaluation: Evaluation::default(),
            interventions: Vec::new(),
            benchmarks: Vec::new(),
            thresholds: Thresholds::default(),
            success_conditions: None,
            weighting: None,
            themes: Vec::new(),
            lexicon: BTreeMap::new(),
        }
    }

    /// The attribute with this id.
    pub fn attribute(&self, id: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.id == id)
    }

    /// The rule of the game (or collaboration norm) with this id.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.deployment
            .rules
            .iter()
            .chain(&self.deployment.norms)
            .find(|r| r.id == id)
    }

    /// The identity facet with this id, with its tier.
    pub fn facet(&self, id: &str) -> Option<(Tier, &Facet)> {
        self.strategy
            .identity
            .as_ref()
            .and_then(|i| i.facets().find(|(_, f)| f.id == id))
    }

    /// Serialises the plan as pretty JSON.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}
