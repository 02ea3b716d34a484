//! Observations: the input records of the engine (SPEC §3.1, §5.2).
//!
//! - [`Response`]: one customer survey answer (NPS, CSAT, CES, attribute
//!   ratings, expectations, overall outcome).
//! - [`EmployeeResponse`]: one employee survey answer (eNPS, satisfaction items).
//! - [`Audit`]: one check of the rules of the game.
//! - [`KpiObservation`]: one impact KPI value over a period.
//!
//! In JSON Lines a line without `kind` is a [`Response`]; the others carry
//! `"kind": "employee" | "audit" | "kpi"`. Unknown fields are errors. Scores
//! are integers; a missing answer is `null` or absent and never counts in a
//! denominator. Checking values against the plan's scales happens in the
//! engine ([`crate::engine`]), which reports the field that is wrong.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Timelike, Utc};
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::number::{self, Rating};
use crate::plan::AuditMethod;

/// A point in time, as unix seconds (UTC).
///
/// In documents it is a string: RFC 3339 with an offset
/// (`2026-03-01T14:30:00+01:00`) or a date `YYYY-MM-DD` (00:00 UTC). A naive
/// date-time without offset is an error. It serialises as RFC 3339 in UTC.
///
/// ```
/// use cx_core::record::Timestamp;
/// let t: Timestamp = "2026-03-01T14:30:00+01:00".parse().unwrap();
/// assert_eq!(t.unix(), 1772371800);
/// assert_eq!("2026-03-01".parse::<Timestamp>().unwrap().to_string(), "2026-03-01T00:00:00Z");
/// assert!("2026-03-01T14:30:00".parse::<Timestamp>().is_err());
/// let past = "9999-12-31T23:59:59-23:59".parse::<Timestamp>().unwrap_err();
/// assert!(past.to_string().contains("10000-01-01T23:58:59Z in UTC"), "{past}");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

/// Why a timestamp could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimestampError {
    /// The text is no time of either shape.
    #[error("`{0}` is not a time: expected RFC 3339 with an offset (2026-03-01T14:30:00Z) or a date (2026-03-01)")]
    NotATime(String),
    /// A valid time outside the years 1–9999 once in UTC
    /// (`9999-12-31T23:59:59-23:59` is `10000-01-01T23:58:59Z`).
    #[error("`{text}` is {utc} in UTC, outside the times the engine keeps (0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z)")]
    OutOfRange {
        /// The text read.
        text: String,
        /// The same instant in UTC.
        utc: String,
    },
}

/// Unix seconds of the earliest and latest supported instants (years 1 to 9999).
const MIN_UNIX: i64 = -62_135_596_800;
const MAX_UNIX: i64 = 253_402_300_799;

impl Timestamp {
    /// A timestamp from unix seconds; `None` outside the years 1–9999.
    pub fn from_unix(seconds: i64) -> Option<Timestamp> {
        (MIN_UNIX..=MAX_UNIX)
            .contains(&seconds)
            .then_some(Timestamp(seconds))
    }

    /// Midnight UTC of a date.
    pub fn from_date(date: NaiveDate) -> Timestamp {
        Timestamp(
            date.and_hms_opt(0, 0, 0)
                .map_or(0, |d| d.and_utc().timestamp()),
        )
    }

    /// Unix seconds.
    pub fn unix(self) -> i64 {
        self.0
    }

    /// The UTC date.
    pub fn date(self) -> NaiveDate {
        self.datetime().date_naive()
    }

    fn datetime(self) -> DateTime<Utc> {
        Utc.timestamp_opt(self.0, 0).single().unwrap_or_default()
    }

    /// This instant plus `hours`.
    pub fn plus_hours(self, hours: u32) -> Timestamp {
        Timestamp(self.0.saturating_add(i64::from(hours) * 3600).min(MAX_UNIX))
    }
}

impl std::str::FromStr for Timestamp {
    type Err = TimestampError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || TimestampError::NotATime(s.to_string());
        if s.len() == 10 {
            return parse_date(s).map(Timestamp::from_date).ok_or_else(err);
        }
        let dt = DateTime::parse_from_rfc3339(s).map_err(|_| err())?;
        Timestamp::from_unix(dt.timestamp()).ok_or_else(|| {
            let u = dt.naive_utc();
            TimestampError::OutOfRange {
                text: s.to_string(),
                utc: format!(
                    "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
                    u.year(),
                    u.month(),
                    u.day(),
                    u.hour(),
                    u.minute(),
                    u.second()
                ),
            }
        })
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Written out by hand: chrono's `format` parses its pattern on every
        // call, which dominated serialising ingest reports with many alerts.
        let d = self.datetime();
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            d.year(),
            d.month(),
            d.day(),
            d.hour(),
            d.minute(),
            d.second()
        )
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<str>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Timestamp {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Timestamp".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "RFC 3339 with an offset (2026-03-01T14:30:00+01:00) or a date YYYY-MM-DD (00:00 UTC).",
            "pattern": "^\\d{4}-\\d{2}-\\d{2}([Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2}))?$"
        })
    }
}

/// Declares [`ResponseField`] from one list of `Variant = "name"`.
macro_rules! response_fields {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal, )*) => {
        /// The fields of a customer response, as every input names them: the
        /// one declaration of what a response holds. The JSON Lines scanner
        /// reads members by it; [`Response`], the engine's row
        /// (`ResponseRef`), the columns (`ResponseColumns`), the CSV mapping
        /// and the C struct `cx_response` are checked against it by
        /// `cx-core/tests/response_fields.rs` and the `cx-ffi` tests.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum ResponseField {
            $( $(#[$doc])* $variant, )*
        }

        impl ResponseField {
            /// Every field, in declaration order.
            pub const ALL: &'static [ResponseField] = &[$(ResponseField::$variant),*];

            /// The field's name in JSON, CSV mappings and C.
            pub const fn name(self) -> &'static str {
                match self {
                    $(ResponseField::$variant => $name,)*
                }
            }
        }
    };
}

response_fields! {
    /// `"response"` or absent.
    Kind = "kind",
    /// Record id, echoed in alerts and errors.
    Id = "id",
    /// When the customer answered.
    At = "at",
    /// Customer segment (a standard dimension).
    Segment = "segment",
    /// Touchpoint (a standard dimension).
    Touchpoint = "touchpoint",
    /// Channel (a standard dimension).
    Channel = "channel",
    /// Team (a standard dimension).
    Team = "team",
    /// Employee (a standard dimension).
    Employee = "employee",
    /// The plan's custom dimensions: id → value.
    Dimensions = "dimensions",
    /// Likelihood to recommend, 0–10.
    Nps = "nps",
    /// Satisfaction on the plan's CSAT scale.
    Csat = "csat",
    /// Effort on the plan's CES scale.
    Ces = "ces",
    /// Overall outcome, 0–10.
    Overall = "overall",
    /// Attribute ratings: attribute id → rating.
    Attributes = "attributes",
    /// Expected levels: attribute id → level.
    Expectations = "expectations",
    /// Free-text comment.
    Comment = "comment",
    /// Survey weight: a positive finite number, default 1.
    Weight = "weight",
}

impl ResponseField {
    /// The standard dimensions, in key order.
    pub const STANDARD_DIMENSIONS: [ResponseField; 5] = [
        ResponseField::Segment,
        ResponseField::Touchpoint,
        ResponseField::Channel,
        ResponseField::Team,
        ResponseField::Employee,
    ];

    /// The field a JSON member names (`None` for any other key): one
    /// table lookup and one comparison (the JSON Lines scanner's hot path).
    #[inline]
    pub fn from_name(key: &[u8]) -> Option<ResponseField> {
        let (&first, &last) = (key.first()?, key.last()?);
        let i = FIELD_TABLE[field_slot(key.len(), first, last)];
        let f = *ResponseField::ALL.get(usize::from(i))?;
        (f.name().as_bytes() == key).then_some(f)
    }
}

/// Where a name of `len` bytes, `first` … `last`, stands in
/// [`FIELD_TABLE`].
const fn field_slot(len: usize, first: u8, last: u8) -> usize {
    (len + first as usize * 9 + last as usize) % 64
}

/// The index in [`ResponseField::ALL`] of the field at each slot (`u8::MAX`
/// where none is). Built at compile time, which fails if two names share
/// a slot.
const FIELD_TABLE: [u8; 64] = {
    let mut table = [u8::MAX; 64];
    let mut i = 0;
    while i < ResponseField::ALL.len() {
        let n = ResponseField::ALL[i].name().as_bytes();
        let slot = field_slot(n.len(), n[0], n[n.len() - 1]);
        assert!(table[slot] == u8::MAX, "two response fields share a slot");
        table[slot] = i as u8;
        i += 1;
    }
    table
};

/// One customer survey response.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Response {
    /// Always absent or `"response"` in JSON Lines.
    #[serde(default, skip_serializing)]
    pub kind: Option<ResponseKind>,
    /// Record id (echoed in alerts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// When the customer answered (required).
    pub at: Timestamp,
    /// Customer segment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    /// Touchpoint (process id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub touchpoint: Option<String>,
    /// Channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// Team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// Employee.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employee: Option<String>,
    /// Custom dimensions declared by the plan (id → value).
    #[serde(
        default,
        deserialize_with = "unique_keys",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub dimensions: BTreeMap<String, String>,
    /// Likelihood to recommend, 0–10.
    #[serde(
        default,
        deserialize_with = "zero_to_ten",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(range(min = 0, max = 10))]
    pub nps: Option<u8>,
    /// Satisfaction on the plan's CSAT scale (default 1–5).
    #[serde(
        default,
        deserialize_with = "on_scale",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(range(min = 1, max = 10))]
    pub csat: Option<u8>,
    /// Effort on the plan's CES scale (default 1–7, higher = easier).
    #[serde(
        default,
        deserialize_with = "on_scale",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(range(min = 1, max = 7))]
    pub ces: Option<u8>,
    /// Overall outcome used by importance analysis (e.g. 0/1 satisfied, or a
    /// 1–10 rating), an integer 0–10.
    #[serde(
        default,
        deserialize_with = "zero_to_ten",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(range(min = 0, max = 10))]
    pub overall: Option<u8>,
    /// Attribute ratings (attribute id → rating on its scale, or its
    /// not-applicable value).
    #[serde(
        default,
        deserialize_with = "unique_ratings",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub attributes: BTreeMap<String, u8>,
    /// Expected levels per attribute (for gap analysis).
    #[serde(
        default,
        deserialize_with = "unique_ratings",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub expectations: BTreeMap<String, u8>,
    /// Free-text comment, UTF-8, at most `limits.maxCommentBytes` (8 KiB
    /// by default); blank is none. The engine scores its sentiment and
    /// themes (`docs/comments.md`); a record may carry only a comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Survey weight (design or expansion weight): a finite number from
    /// 0.000001 to 100000 (`MIN_WEIGHT`, `MAX_WEIGHT` in `cx_core::score`);
    /// absent (or `null`) means 1, and a
    /// weight of exactly 1 is the same as none. It is kept in millionths:
    /// a weight with more than six decimals is rounded to the nearest
    /// millionth and counted in the ingest report's `weightsRounded`. A
    /// weight of 0, a negative or non-finite one, or one outside the range
    /// rejects the record (pointer `/weight`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.000001, max = 100000))]
    pub weight: Option<f64>,
}

/// The `kind` tag of a customer response (optional).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ResponseKind {
    /// A customer response.
    Response,
}

/// The `kind` tag of an employee response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum EmployeeKind {
    /// `"employee"`.
    #[default]
    Employee,
}

/// One employee (work-climate) survey response.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EmployeeResponse {
    /// Always `"employee"`.
    pub kind: EmployeeKind,
    /// Record id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// When the employee answered (required).
    pub at: Timestamp,
    /// Team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// Likelihood to recommend the organisation as a place to work, 0–10.
    #[serde(
        default,
        deserialize_with = "zero_to_ten",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(range(min = 0, max = 10))]
    pub enps: Option<u8>,
    /// Satisfaction items (item name → 1–5).
    #[serde(
        default,
        deserialize_with = "unique_satisfaction",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub satisfaction: BTreeMap<String, u8>,
    /// Survey weight: a positive number from 0.000001 to 100000, rounded to
    /// six decimals (default 1; see [`crate::score::fixed_weight`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.000001, max = 100000))]
    pub weight: Option<f64>,
    /// Free-text comment, as a customer response's
    /// ([`Response::comment`]): scored and kept per employee cell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// The `kind` tag of an audit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum AuditKind {
    /// `"audit"`.
    #[default]
    Audit,
}

/// The outcome of one rule in an audit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum AuditOutcome {
    /// The behaviour was observed.
    Pass,
    /// The behaviour was missing.
    Fail,
    /// The rule did not apply to this contact.
    NotApplicable,
}

/// One rule checked in an audit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AuditCheck {
    /// Rule (or norm) id.
    pub rule: String,
    /// Outcome.
    pub outcome: AuditOutcome,
    /// Optional score given by the auditor (kept for the record, not scored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
}

/// One audit of the rules of the game.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Audit {
    /// Always `"audit"`.
    pub kind: AuditKind,
    /// Record id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// When the audit took place (required).
    pub at: Timestamp,
    /// How the rules were checked.
    pub method: AuditMethod,
    /// Who audited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auditor: Option<String>,
    /// The employee audited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employee: Option<String>,
    /// The team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// The touchpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub touchpoint: Option<String>,
    /// The rules checked.
    pub items: Vec<AuditCheck>,
}

/// The `kind` tag of a KPI observation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum KpiKind {
    /// `"kpi"`.
    #[default]
    Kpi,
}

/// A calendar date written `YYYY-MM-DD`, in the years 0001–9999: the dates
/// whose midnight a [`Timestamp`] can hold. Exactly four year digits, no
/// sign (chrono alone would read `-026-01-06` as the year −26, an instant a
/// snapshot could not read back).
pub(crate) fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !digits(0..4) {
        return None;
    }
    if !digits(5..7) || !digits(8..10) {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().ok();
    let year = i32::try_from(num(0..4)?).ok().filter(|y| *y >= 1)?;
    NaiveDate::from_ymd_opt(year, num(5..7)?, num(8..10)?)
}

/// Reads a [`parse_date`] date (serde `deserialize_with`).
pub(crate) fn date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    struct Visit;
    impl serde::de::Visitor<'_> for Visit {
        type Value = NaiveDate;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a date written YYYY-MM-DD")
        }
        fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<NaiveDate, E> {
            parse_date(s).ok_or_else(|| {
                E::custom(format_args!(
                    "`{s}` is not a date: expected YYYY-MM-DD in the years 0001 to 9999 (2026-03-01)"
                ))
            })
        }
    }
    d.deserialize_str(Visit)
}

/// [`date`] for an optional field (absent or `null` is `None`).
pub(crate) fn optional_date<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<NaiveDate>, D::Error> {
    #[derive(Deserialize)]
    struct Date(#[serde(deserialize_with = "date")] NaiveDate);
    Ok(Option::<Date>::deserialize(d)?.map(|x| x.0))
}

/// A period `start..=end` (dates).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Period {
    /// First day.
    #[serde(deserialize_with = "date")]
    pub start: NaiveDate,
    /// Last day.
    #[serde(deserialize_with = "date")]
    pub end: NaiveDate,
}

/// One impact KPI value over a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KpiObservation {
    /// Always `"kpi"`.
    pub kind: KpiKind,
    /// Record id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Raw KPI name: sales, orders, customers, newCustomers,
    /// retainedCustomers, repeatCustomers, complaints, claims, headcount,
    /// separations, or a custom name (derived rates are computed, not input).
    pub metric: String,
    /// The period the value covers (the engine files it under `start`).
    pub period: Period,
    /// The value (finite).
    pub value: f64,
    /// Segment, when the KPI is per segment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
}

/// Any input record.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Record {
    /// A customer response (no `kind`).
    Response(Response),
    /// `"kind": "employee"`.
    Employee(EmployeeResponse),
    /// `"kind": "audit"`.
    Audit(Audit),
    /// `"kind": "kpi"`.
    Kpi(KpiObservation),
}

impl Record {
    /// The record's id, if any.
    pub fn id(&self) -> Option<&str> {
        match self {
            Record::Response(r) => r.id.as_deref(),
            Record::Employee(r) => r.id.as_deref(),
            Record::Audit(r) => r.id.as_deref(),
            Record::Kpi(r) => r.id.as_deref(),
        }
    }
}

impl From<Response> for Record {
    fn from(r: Response) -> Self {
        Record::Response(r)
    }
}
impl From<EmployeeResponse> for Record {
    fn from(r: EmployeeResponse) -> Self {
        Record::Employee(r)
    }
}
impl From<Audit> for Record {
    fn from(r: Audit) -> Self {
        Record::Audit(r)
    }
}
impl From<KpiObservation> for Record {
    fn from(r: KpiObservation) -> Self {
        Record::Kpi(r)
    }
}

/// Deserialises a JSON object into a map, refusing a key that appears twice.
/// serde_json silently keeps the last of duplicate keys; in a record
/// (`"attributes": {"wait-time": 4, "wait-time": 1}`) or a query filter that
/// is ambiguous, so it is an error naming the key. Duplicate *fields* of a
/// struct are already errors (serde's derive).
pub(crate) fn unique_keys<'de, D, V>(d: D) -> Result<BTreeMap<String, V>, D::Error>
where
    D: Deserializer<'de>,
    V: Deserialize<'de>,
{
    unique_keys_with(d, std::marker::PhantomData::<V>)
}

/// [`unique_keys`] with each value read by `seed`.
fn unique_keys_with<'de, D, S>(d: D, seed: S) -> Result<BTreeMap<String, S::Value>, D::Error>
where
    D: Deserializer<'de>,
    S: serde::de::DeserializeSeed<'de> + Copy,
{
    struct Visit<S>(S);
    impl<'de, S: serde::de::DeserializeSeed<'de> + Copy> serde::de::Visitor<'de> for Visit<S> {
        type Value = BTreeMap<String, S::Value>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an object with distinct keys")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut m: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some(k) = m.next_key::<String>()? {
                if out.contains_key(&k) {
                    return Err(serde::de::Error::custom(format_args!(
                        "duplicate key `{k}`: each key may appear once"
                    )));
                }
                let v = m.next_value_seed(self.0)?;
                out.insert(k, v);
            }
            Ok(out)
        }
    }
    d.deserialize_map(Visit(seed))
}

/// A rating 0–10 under the numeric standard ([`crate::number`]).
fn zero_to_ten<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u8>, D::Error> {
    number::optional(d, Rating::ZERO_TO_TEN)
}

/// A rating on a scale of the plan under the numeric standard.
fn on_scale<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u8>, D::Error> {
    number::optional(d, Rating::ON_SCALE)
}

/// Attribute ratings (or expected levels) under the numeric standard,
/// distinct keys.
fn unique_ratings<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, u8>, D::Error> {
    unique_keys_with(d, Rating::ON_SCALE)
}

/// Employee satisfaction items (1–5) under the numeric standard, distinct
/// keys.
fn unique_satisfaction<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, u8>, D::Error> {
    unique_keys_with(d, Rating::ONE_TO_FIVE)
}
