//! [`Metric`]: the five rating metrics cx scores in SQL, each with its
//! rating range and the cx-core formula that scores its histogram. Nothing
//! here knows about Arrow: the functions and arrays live in `udaf.rs`,
//! `state.rs` and `result.rs`.

use std::sync::LazyLock;

use cx_core::plan::Thresholds;
use cx_core::score::{self, Histogram, NpsCounts, NpsMethod, Scale, Score, ScoreError};

/// A rating metric: what a state holds and how it is scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Metric {
    /// Net Promoter Score, ratings 0–10.
    Nps,
    /// CSAT, ratings 1–5 (the top-two-box share).
    Csat,
    /// Customer Effort Score, ratings 1–7 (the mean).
    Ces,
    /// Employee NPS, ratings 0–10.
    Enps,
    /// Attribute performance, ratings 1–5, 0 = not applicable.
    Attribute,
}

/// The plan's default minimum sample (`thresholds.minSample`, 30): below
/// it a score is flagged `smallSample`, as the engine does with a default
/// plan.
static MIN_SAMPLE: LazyLock<u64> = LazyLock::new(|| Thresholds::default().min_sample);

/// The "not applicable" rating of [`Metric::Attribute`] (as in the airline
/// plan's attributes).
pub const NOT_APPLICABLE: u8 = 0;

impl Metric {
    /// Every metric, in the order the functions are listed.
    pub const ALL: [Metric; 5] = [
        Metric::Nps,
        Metric::Csat,
        Metric::Ces,
        Metric::Enps,
        Metric::Attribute,
    ];

    /// The name stored in a state's `metric` field (`nps`, `csat`, `ces`,
    /// `enps`, `attribute`); the SQL functions are `cx_` + this name.
    pub fn name(self) -> &'static str {
        match self {
            Metric::Nps => "nps",
            Metric::Csat => "csat",
            Metric::Ces => "ces",
            Metric::Enps => "enps",
            Metric::Attribute => "attribute",
        }
    }

    /// The metric a state's `metric` field names.
    pub fn from_name(name: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.name() == name)
    }

    /// The scale its ratings are scored on.
    pub fn scale(self) -> Scale {
        match self {
            Metric::Nps | Metric::Enps => Scale::NPS,
            Metric::Csat | Metric::Attribute => Scale::FIVE,
            Metric::Ces => Scale::SEVEN,
        }
    }

    /// The ratings a function accepts: the scale, plus 0 ("not applicable")
    /// for attributes.
    pub fn accepted(self) -> (u8, u8) {
        match self {
            Metric::Attribute => (NOT_APPLICABLE, self.scale().max),
            m => (m.scale().min, m.scale().max),
        }
    }

    /// Whether the metric takes an NPS interval method (`cx_nps`, `cx_enps`).
    pub fn takes_method(self) -> bool {
        matches!(self, Metric::Nps | Metric::Enps)
    }

    /// The accepted ratings in words, for errors: "an integer from 1 to 5"
    /// (and "0 for not applicable" for attributes).
    pub fn expected(self) -> String {
        let (lo, hi) = (self.scale().min, self.scale().max);
        match self {
            Metric::Attribute => {
                format!("an integer from {lo} to {hi}, or {NOT_APPLICABLE} for not applicable")
            }
            _ => format!("an integer from {lo} to {hi}"),
        }
    }

    /// Checks that every count of a stored histogram is an accepted rating.
    pub fn check(self, h: &Histogram) -> Result<(), ScoreError> {
        match self {
            Metric::Attribute => h.without(NOT_APPLICABLE).check_scale(self.scale()),
            m => h.check_scale(m.scale()),
        }
    }

    /// The score of a histogram, by the cx-core formula `Engine::query` uses
    /// for the metric (`score::nps`, `csat`, `ces`, `attribute_performance`),
    /// flagged `smallSample` below the default plan threshold and with
    /// non-finite numbers removed, as the engine states every score. A
    /// formula's error becomes an empty score with the error as its reason,
    /// as in the engine.
    pub fn score(self, h: &Histogram, method: NpsMethod, level: f64) -> Score {
        let scored = match self {
            Metric::Nps => score::nps(&NpsCounts::from_histogram(h), method, level),
            Metric::Enps => score::enps(&NpsCounts::from_histogram(h), method, level),
            Metric::Csat => score::csat(h, self.scale(), level),
            Metric::Ces => score::ces(h, self.scale(), level),
            Metric::Attribute => {
                score::attribute_performance(h, self.scale(), Some(NOT_APPLICABLE), level)
            }
        };
        let mut s = scored.unwrap_or_else(|e| Score::empty(e.to_string()));
        s.flag_small_sample(*MIN_SAMPLE);
        s.finite()
    }
}
