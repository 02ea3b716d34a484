//! The plan's comment sections: `themes` (what customers talk about, linked
//! to the plan's attributes, processes, facets and rules) and `lexicon`
//! (sentiment words added to or replacing VADER's).

use std::collections::BTreeSet;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Plan;
use crate::diagnostic::{escape_pointer_token, Diagnostic};
use crate::error::ErrorCode;

/// The least and greatest valence of a lexicon word (VADER's scale).
pub(crate) const VALENCE_RANGE: (f64, f64) = (-4.0, 4.0);

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

/// What is wrong with a theme term, in the user's words, or `None` when it
/// is a valid term: not empty, not only white space, not only `*`, and a
/// `*` only at its end, directly after a character that is not white space
/// ("delay*", "wi-fi", "long wait").
pub(crate) fn term_problem(term: &str) -> Option<String> {
    let trimmed = term.trim();
    if trimmed.is_empty() {
        return Some(if term.is_empty() {
            "is empty; write the word or phrase that mentions the theme".into()
        } else {
            "is only white space; write the word or phrase that mentions the theme".into()
        });
    }
    if trimmed.chars().all(|c| c == '*') {
        return Some(
            "is only `*`, which would match every word; write a word before it (\"delay*\")".into(),
        );
    }
    let body = trimmed.strip_suffix('*').unwrap_or(trimmed);
    if body.contains('*') {
        return Some(
            "has a `*` other than at its end; a `*` may only end a term, as in \"delay*\"".into(),
        );
    }
    if body.ends_with(char::is_whitespace) {
        return Some(
            "has a `*` after white space; it must follow the word it extends, as in \"delay*\""
                .into(),
        );
    }
    None
}

/// The ids a theme's links may name, by kind.
pub(super) struct LinkTargets<'a, 'p> {
    /// Survey attribute ids.
    pub attributes: &'a BTreeSet<&'p str>,
    /// Process ids.
    pub processes: &'a BTreeSet<&'p str>,
    /// Identity facet ids.
    pub facets: &'a BTreeSet<&'p str>,
    /// Rule and norm ids.
    pub rules: &'a BTreeSet<&'p str>,
}

/// The diagnostics of the plan's `themes` (terms and links; ids are checked
/// with the plan's other ids), `lexicon` and
/// `thresholds.alerts.commentCompoundAtMost`:
///
/// - `invalid-value`: a theme with no terms (`/themes/0/terms`), a term
///   that [`term_problem`] rejects (`/themes/0/terms/2`), an empty lexicon
///   word (`/lexicon/`);
/// - `dangling-reference`: a link naming no entity of its kind
///   (`/themes/0/links/processes/1`), with the ids of that kind the plan
///   has;
/// - `value-out-of-range`: a lexicon valence outside −4..4 or not a number
///   (`/lexicon/<word>`), a comment alert threshold outside −1..1.
pub(super) fn check(plan: &Plan, targets: &LinkTargets<'_, '_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, theme) in plan.themes.iter().enumerate() {
        check_terms(i, theme, &mut out);
        check_links(i, &theme.links, targets, &mut out);
    }
    for (word, &valence) in &plan.lexicon {
        let pointer = format!("/lexicon/{}", escape_pointer_token(word));
        if word.trim().is_empty() {
            out.push(Diagnostic::error(
                ErrorCode::InvalidValue,
                pointer.clone(),
                "A lexicon word is empty or only white space; write the word whose sentiment you set.",
            ));
        }
        let (low, high) = VALENCE_RANGE;
        if !(low..=high).contains(&valence) {
            out.push(Diagnostic::error(
                ErrorCode::ValueOutOfRange,
                pointer,
                format!("The valence of \"{}\" is {valence}, but it must be a number between {low} (most negative) and {high} (most positive), as in VADER's lexicon.", word.escape_debug()),
            ));
        }
    }
    if let Some(at_most) = plan.thresholds.alerts.comment_compound_at_most {
        if !(-1.0..=1.0).contains(&at_most) {
            out.push(Diagnostic::error(
                ErrorCode::ValueOutOfRange,
                "/thresholds/alerts/commentCompoundAtMost",
                format!("The comment alert threshold is {at_most}, but a compound sentiment lies between -1 and 1 (-0.6 alerts on clearly negative comments)."),
            ));
        }
    }
    out
}

/// A theme's terms: at least one, each valid.
fn check_terms(i: usize, theme: &Theme, out: &mut Vec<Diagnostic>) {
    if theme.terms.is_empty() {
        out.push(Diagnostic::error(
            ErrorCode::InvalidValue,
            format!("/themes/{i}/terms"),
            format!(
                "The theme \"{}\" has no terms; list the words or phrases that mention it.",
                theme.id
            ),
        ));
    }
    for (j, term) in theme.terms.iter().enumerate() {
        if let Some(problem) = term_problem(term) {
            out.push(Diagnostic::error(
                ErrorCode::InvalidValue,
                format!("/themes/{i}/terms/{j}"),
                format!(
                    "The term \"{}\" of theme \"{}\" {problem}.",
                    term.escape_debug(),
                    theme.id
                ),
            ));
        }
    }
}

/// A theme's links: each names an entity of its kind.
fn check_links(
    i: usize,
    links: &ThemeLinks,
    targets: &LinkTargets<'_, '_>,
    out: &mut Vec<Diagnostic>,
) {
    let kinds = [
        (
            "attributes",
            "survey attribute",
            &links.attributes,
            targets.attributes,
        ),
        ("processes", "process", &links.processes, targets.processes),
        ("facets", "identity facet", &links.facets, targets.facets),
        (
            "rules",
            "rule of the game or collaboration norm",
            &links.rules,
            targets.rules,
        ),
    ];
    for (field, kind, ids, known) in kinds {
        for (j, id) in ids.iter().enumerate() {
            if known.contains(id.as_str()) {
                continue;
            }
            out.push(Diagnostic::error(
                ErrorCode::DanglingReference,
                format!("/themes/{i}/links/{field}/{j}"),
                format!(
                    "\"{}\" does not name any {kind} in this plan; {}.",
                    id.escape_debug(),
                    listed(field, known)
                ),
            ));
        }
    }
}

/// "its processes are: a, b, c" (at most ten, then how many more), or
/// "it has no processes".
fn listed(field: &str, known: &BTreeSet<&str>) -> String {
    if known.is_empty() {
        return format!("it has no {field}");
    }
    let mut names: Vec<String> = known
        .iter()
        .take(10)
        .map(|id| format!("\"{id}\""))
        .collect();
    if known.len() > 10 {
        names.push(format!("and {} more", known.len() - 10));
    }
    format!("its {field} are {}", names.join(", "))
}
