//! What customers say: the sentiment of a comment (the VADER method,
//! [`vader`]), the plan's themes it mentions ([`themes`]), and the
//! mergeable statistics the engine keeps of comments ([`CommentStats`]).
//!
//! Everything here is deterministic and mergeable: a comment's facts depend
//! only on its text and the plan, and the statistics of two sets of
//! comments add up exactly (counts, and the compound sum in fixed point).

pub mod themes;
pub mod vader;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A text's VADER scores, as `vaderSentiment`'s `polarity_scores` gives
/// them: `compound` in −1..1 rounded to 4 decimals, and the shares of
/// positive, neutral and negative sentiment rounded to 3 decimals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Polarity {
    /// Normalised, weighted composite score, −1 (most negative) to 1.
    pub compound: f64,
    /// Share of the text's sentiment that is positive, 0..1.
    pub pos: f64,
    /// Share that is neutral, 0..1.
    pub neu: f64,
    /// Share that is negative, 0..1.
    pub neg: f64,
}

/// Fixed-point units of a compound score per 1: compounds are rounded to
/// 4 decimals, so a sum of them is an exact integer count of 1/10,000.
pub const COMPOUND_SCALE: i64 = 10_000;

/// A compound at or above this is positive (VADER's convention).
pub const POSITIVE_AT: f64 = 0.05;
/// A compound at or below this is negative.
pub const NEGATIVE_AT: f64 = -0.05;

/// The sentiment class of a comment, by its compound score.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "camelCase")]
pub enum SentimentClass {
    /// Compound ≤ −0.05.
    Negative,
    /// Between the two.
    Neutral,
    /// Compound ≥ 0.05.
    Positive,
}

impl SentimentClass {
    /// The class of a compound score.
    pub fn of(compound: f64) -> SentimentClass {
        if compound >= POSITIVE_AT {
            SentimentClass::Positive
        } else if compound <= NEGATIVE_AT {
            SentimentClass::Negative
        } else {
            SentimentClass::Neutral
        }
    }
}

/// A compound score in fixed point ([`COMPOUND_SCALE`] units).
pub fn compound_units(compound: f64) -> i64 {
    // Compounds lie in −1..1, so the product is at most 10,000 in size.
    (compound * COMPOUND_SCALE as f64).round() as i64
}

/// Comments counted by sentiment class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClassCounts {
    /// Negative comments.
    pub negative: u64,
    /// Neutral comments.
    pub neutral: u64,
    /// Positive comments.
    pub positive: u64,
}

impl ClassCounts {
    /// Counts one comment of `class`.
    pub fn add(&mut self, class: SentimentClass) {
        let c = match class {
            SentimentClass::Negative => &mut self.negative,
            SentimentClass::Neutral => &mut self.neutral,
            SentimentClass::Positive => &mut self.positive,
        };
        *c = c.saturating_add(1);
    }

    /// Adds the counts of `other`.
    pub fn merge(&mut self, other: &ClassCounts) {
        self.negative = self.negative.saturating_add(other.negative);
        self.neutral = self.neutral.saturating_add(other.neutral);
        self.positive = self.positive.saturating_add(other.positive);
    }

    /// Comments counted.
    pub fn total(&self) -> u64 {
        self.negative
            .saturating_add(self.neutral)
            .saturating_add(self.positive)
    }
}

/// Comments counted by the NPS group of their record (records without an
/// NPS rating are in no group).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GroupCounts {
    /// Comments of detractors (NPS 0–6).
    pub detractors: u64,
    /// Comments of passives (7–8).
    pub passives: u64,
    /// Comments of promoters (9–10).
    pub promoters: u64,
}

impl GroupCounts {
    /// Counts one comment of a record rated `nps` (0–10; other values are in
    /// no group).
    pub fn add(&mut self, nps: u8) {
        let c = match nps {
            0..=6 => &mut self.detractors,
            7 | 8 => &mut self.passives,
            9 | 10 => &mut self.promoters,
            _ => return,
        };
        *c = c.saturating_add(1);
    }

    /// Adds the counts of `other`.
    pub fn merge(&mut self, other: &GroupCounts) {
        self.detractors = self.detractors.saturating_add(other.detractors);
        self.passives = self.passives.saturating_add(other.passives);
        self.promoters = self.promoters.saturating_add(other.promoters);
    }
}

/// The comments of one theme in a set of comments.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ThemeStats {
    /// The theme's index in the plan's `themes`.
    pub theme: u32,
    /// Comments that mention it, by sentiment class.
    pub classes: ClassCounts,
    /// Their compound sum, in [`COMPOUND_SCALE`] units.
    #[serde(with = "i128_text")]
    #[schemars(with = "String")]
    pub compound: i128,
    /// The same comments by the NPS group of their record.
    pub groups: GroupCounts,
}

/// Mergeable statistics of a set of comments: what a cell keeps, and what
/// a selection of cells adds up to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CommentStats {
    /// Comments by sentiment class.
    pub classes: ClassCounts,
    /// Their compound sum, in [`COMPOUND_SCALE`] units (exact: at most
    /// 2^53 comments of at most 10,000 units each).
    #[serde(with = "i128_text")]
    #[schemars(with = "String")]
    pub compound: i128,
    /// Comments by the NPS group of their record.
    pub groups: GroupCounts,
    /// Per theme mentioned, sorted by theme index.
    pub themes: Vec<ThemeStats>,
}

impl CommentStats {
    /// Comments counted.
    pub fn comments(&self) -> u64 {
        self.classes.total()
    }

    /// Adds the statistics of `other`.
    pub fn merge(&mut self, other: &CommentStats) {
        self.classes.merge(&other.classes);
        self.compound = self.compound.saturating_add(other.compound);
        self.groups.merge(&other.groups);
        for t in &other.themes {
            let s = self.theme_mut(t.theme);
            s.classes.merge(&t.classes);
            s.compound = s.compound.saturating_add(t.compound);
            s.groups.merge(&t.groups);
        }
    }

    /// The statistics of theme `theme`, if a comment mentions it.
    pub fn theme(&self, theme: u32) -> Option<&ThemeStats> {
        self.themes
            .binary_search_by_key(&theme, |t| t.theme)
            .ok()
            .map(|i| &self.themes[i])
    }

    /// The statistics of theme `theme`, added (empty) if absent.
    pub fn theme_mut(&mut self, theme: u32) -> &mut ThemeStats {
        let i = match self.themes.binary_search_by_key(&theme, |t| t.theme) {
            Ok(i) => i,
            Err(i) => {
                self.themes.insert(
                    i,
                    ThemeStats {
                        theme,
                        ..ThemeStats::default()
                    },
                );
                i
            }
        };
        &mut self.themes[i]
    }
}

/// `i128` sums as decimal text, so that every JSON reader keeps them
/// exact.
mod i128_text {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &i128, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(v)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i128, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(d)?;
        let digits = text.strip_prefix('-').unwrap_or(&text);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(serde::de::Error::custom(format!(
                "`{text}` is not a whole number written in decimal digits"
            )));
        }
        text.parse().map_err(|_| {
            serde::de::Error::custom(format!("`{text}` is too large for a compound sum"))
        })
    }
}

/// A comment kept as an example of what customers say (a verbatim).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Verbatim {
    /// When the record was observed.
    pub at: crate::record::Timestamp,
    /// The record id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_id: Option<String>,
    /// The comment.
    pub text: String,
    /// Its compound score, in [`COMPOUND_SCALE`] units.
    pub compound: i32,
}
