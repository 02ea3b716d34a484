//! The plan's comment sections: `themes` (what customers talk about, linked
//! to the plan's attributes, processes, facets and rules) and `lexicon`
//! (sentiment words added to or replacing VADER's).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A comment theme (SPEC §2, `themes`): the terms that mention it and the
/// parts of the plan it speaks of.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Theme {
    /// Theme id, unique among themes (a theme may share an id with an
    /// attribute or a process: theme ids are their own kind).
    pub id: String,
    /// Label for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Words and phrases that mention the theme: whole words, any case; a
    /// phrase matches across any whitespace; a trailing `*` matches any run
    /// of word characters.
    pub terms: Vec<String>,
    /// The parts of the plan the theme speaks of.
    #[serde(default, skip_serializing_if = "ThemeLinks::is_empty")]
    pub links: ThemeLinks,
    /// Raise a closed-loop alert on every record whose comment mentions the
    /// theme \[false\].
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub alert: bool,
}

/// What a theme is linked to, by plan id.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ThemeLinks {
    /// Survey attributes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<String>,
    /// Processes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub processes: Vec<String>,
    /// Identity facets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub facets: Vec<String>,
    /// Rules of the game.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<String>,
}

impl ThemeLinks {
    /// True when the theme is linked to nothing.
    pub fn is_empty(&self) -> bool {
        self.attributes.is_empty()
            && self.processes.is_empty()
            && self.facets.is_empty()
            && self.rules.is_empty()
    }
}
