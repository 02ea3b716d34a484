//! The playbook (SPEC §3.4): triggers as data, evaluated over an
//! [`Analysis`](crate::analysis::Analysis) into de-duplicated, prioritised [`Recommendation`]s that
//! carry their evidence.
//!
//! - [`trigger`]: the [`Trigger`] and [`Condition`] types (serde + schema).
//! - [`defaults`]: the built-in default playbook drawn from the method.
//! - `conditions`: one function per [`Condition`], the evidence it finds.
//! - [`evaluate`]: conditions → evidence → recommendations.
//!
//! A [`Playbook`] document is JSON: `{"extendsDefault": true, "disable":
//! ["nps-drop"], "triggers": [...]}`. With `extendsDefault` (the default),
//! its triggers replace default triggers of the same id and add new ones;
//! `disable` removes triggers by id. Closed-loop alerts are raised by the
//! engine at ingest time ([`crate::engine::Alert`]), not here.

mod conditions;
pub mod defaults;
mod evaluate;
pub mod trigger;

use std::collections::BTreeSet;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::ErrorCode;

pub use evaluate::{evaluate, Evidence, EvidenceRow, Recommendation};
pub use trigger::{Condition, ScoreWindow, Trigger};

/// A playbook document.
///
/// ```
/// use cx_core::playbook::Playbook;
/// let p = Playbook::from_json(r#"{"triggers": [{"id": "csat-low", "when": {"type": "score",
///     "metric": "csat", "below": 90}, "recommend": ["coaching"], "priority": 2,
///     "rationale": "Satisfaction below 90% calls for coaching."}]}"#).unwrap();
/// let all = p.resolve();
/// assert!(all.iter().any(|t| t.id == "csat-low"));
/// assert!(all.iter().any(|t| t.id == "no-identity")); // extends the default
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Playbook {
    /// Start from the built-in default playbook \[true\].
    #[serde(default = "yes")]
    pub extends_default: bool,
    /// Trigger ids to remove (from the default or this document).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disable: Vec<String>,
    /// Triggers; one with a default trigger's id replaces it.
    #[serde(default)]
    pub triggers: Vec<Trigger>,
}

fn yes() -> bool {
    true
}

impl Default for Playbook {
    /// The built-in default playbook.
    fn default() -> Self {
        Playbook {
            extends_default: false,
            disable: Vec::new(),
            triggers: defaults::default_triggers(),
        }
    }
}

/// Why a playbook document cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PlaybookError {
    /// The text is not a playbook.
    #[error("{}", .0.in_document("playbook"))]
    Parse(crate::error::ParseError),
    /// Two triggers of the document share an id.
    #[error("/triggers/{index}/id: the id `{id}` is used twice")]
    DuplicateId {
        /// The id.
        id: String,
        /// Position of the second one.
        index: usize,
    },
    /// A trigger recommends no intervention, or more than two.
    #[error(
        "/triggers/{index}/recommend: a trigger recommends one or two interventions, not {count}"
    )]
    RecommendCount {
        /// Position of the trigger.
        index: usize,
        /// How many it names.
        count: usize,
    },
}

impl PlaybookError {
    /// A stable code.
    pub fn code(&self) -> ErrorCode {
        match self {
            PlaybookError::Parse(e) => e.code(),
            PlaybookError::DuplicateId { .. } => ErrorCode::DuplicateId,
            PlaybookError::RecommendCount { .. } => ErrorCode::RecommendCount,
        }
    }
}

impl Playbook {
    /// Reads and checks a playbook document.
    pub fn from_json(text: &str) -> Result<Playbook, PlaybookError> {
        let p: Playbook =
            crate::plan::parse::from_json_positioned(text).map_err(PlaybookError::Parse)?;
        p.check()?;
        Ok(p)
    }

    /// Checks ids are unique and every trigger names one or two interventions.
    pub fn check(&self) -> Result<(), PlaybookError> {
        let mut seen = BTreeSet::new();
        for (index, t) in self.triggers.iter().enumerate() {
            if !seen.insert(t.id.as_str()) {
                return Err(PlaybookError::DuplicateId {
                    id: t.id.clone(),
                    index,
                });
            }
            if !(1..=2).contains(&t.recommend.len()) {
                return Err(PlaybookError::RecommendCount {
                    index,
                    count: t.recommend.len(),
                });
            }
        }
        Ok(())
    }

    /// The triggers in force: the default ones (when extended) replaced or
    /// completed by this document's, minus the disabled ones.
    pub fn resolve(&self) -> Vec<Trigger> {
        let mut out: Vec<Trigger> = if self.extends_default {
            defaults::default_triggers()
        } else {
            Vec::new()
        };
        for t in &self.triggers {
            match out.iter_mut().find(|x| x.id == t.id) {
                Some(slot) => *slot = t.clone(),
                None => out.push(t.clone()),
            }
        }
        out.retain(|t| !self.disable.contains(&t.id));
        out
    }
}
