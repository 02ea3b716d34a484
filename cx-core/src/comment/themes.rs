//! Matching the plan's themes in a comment.
//!
//! TEMPORARY: the lead's placeholder while the matcher is written in its
//! own branch; replaced wholesale by that branch.

use crate::plan::Theme;

/// The plan's themes, compiled for matching.
#[derive(Debug, Clone, Default)]
pub struct ThemeMatcher {
    terms: Vec<Vec<String>>,
}

impl ThemeMatcher {
    /// Compiles the terms of `themes` (in plan order).
    pub fn new(themes: &[Theme]) -> ThemeMatcher {
        ThemeMatcher {
            terms: themes
                .iter()
                .map(|t| t.terms.iter().map(|s| s.to_lowercase()).collect())
                .collect(),
        }
    }

    /// Appends to `out` the index (in plan order) of every theme `text`
    /// mentions, each once, in increasing order.
    pub fn matches(&self, text: &str, out: &mut Vec<u32>) {
        let lower = text.to_lowercase();
        for (i, terms) in self.terms.iter().enumerate() {
            if terms
                .iter()
                .any(|t| lower.contains(t.trim_end_matches('*')))
            {
                out.push(i as u32);
            }
        }
    }
}
