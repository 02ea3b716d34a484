//! The VADER sentiment method (Hutto & Gilbert, 2014), as
//! `vaderSentiment` 3.3.2 computes it.
//!
//! TEMPORARY: the lead's placeholder while the method is written in its
//! own branch; replaced wholesale by that branch.

use std::collections::BTreeMap;

use super::Polarity;

/// The VADER analyser: the lexicons (with the plan's overrides).
#[derive(Debug, Clone, Default)]
pub struct Vader {
    overrides: BTreeMap<String, f64>,
}

impl Vader {
    /// The analyser with VADER's own lexicons.
    pub fn standard() -> &'static Vader {
        static STANDARD: std::sync::OnceLock<Vader> = std::sync::OnceLock::new();
        STANDARD.get_or_init(Vader::default)
    }

    /// The analyser with entries added or replaced (`word` → valence).
    pub fn with_overrides(overrides: &BTreeMap<String, f64>) -> Vader {
        Vader {
            overrides: overrides.clone(),
        }
    }

    /// The scores of `text`.
    pub fn polarity_scores(&self, text: &str) -> Polarity {
        let mut sum = 0.0;
        for w in text.split_whitespace() {
            let w = w.to_lowercase();
            sum += self.overrides.get(&w).copied().unwrap_or(match w.as_str() {
                "great" | "good" | "love" => 2.0,
                "bad" | "late" | "awful" => -2.0,
                _ => 0.0,
            });
        }
        let compound = sum / (sum * sum + 15.0).sqrt();
        Polarity {
            compound: (compound * 10_000.0).round() / 10_000.0,
            ..Polarity::default()
        }
    }
}
