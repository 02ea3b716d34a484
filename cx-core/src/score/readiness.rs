//! Readiness: the five success conditions of the method, each rated 0–4, as
//! one 0–100 score with the weakest condition(s) named.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::ScoreError;

/// A success condition.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "SuccessCondition")]
pub enum Condition {
    /// Leadership and key players involved.
    Leadership,
    /// Build on existing strengths.
    ExistingStrengths,
    /// Employee enthusiasm.
    EmployeeEnthusiasm,
    /// Rigour in follow-up, evaluation and communication.
    Rigour,
    /// Celebrate successes.
    CelebrateSuccesses,
}

/// The five ratings, each 0 (absent) to 4 (fully in place).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReadinessInput {
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

/// The readiness score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Readiness {
    /// Σ ratings / 20 · 100, on 0..100.
    pub value: f64,
    /// The condition(s) with the lowest rating (all ties, in method order).
    pub weakest: Vec<Condition>,
}

/// Scores readiness; a rating above 4 is an error.
///
/// ```
/// use cx_core::score::{readiness, Condition, ReadinessInput};
/// let r = readiness(&ReadinessInput { leadership: 4, existing_strengths: 3, employee_enthusiasm: 1,
///                                     rigour: 2, celebrate_successes: 4 }).unwrap();
/// assert_eq!(r.value, 70.0);
/// assert_eq!(r.weakest, vec![Condition::EmployeeEnthusiasm]);
/// ```
pub fn readiness(input: &ReadinessInput) -> Result<Readiness, ScoreError> {
    let all = [
        (Condition::Leadership, input.leadership),
        (Condition::ExistingStrengths, input.existing_strengths),
        (Condition::EmployeeEnthusiasm, input.employee_enthusiasm),
        (Condition::Rigour, input.rigour),
        (Condition::CelebrateSuccesses, input.celebrate_successes),
    ];
    if let Some(&(_, bad)) = all.iter().find(|(_, r)| *r > 4) {
        return Err(ScoreError::ReadinessOutOfRange(bad));
    }
    let sum: u32 = all.iter().map(|(_, r)| u32::from(*r)).sum();
    let min = all.iter().map(|(_, r)| *r).min().unwrap_or(0);
    Ok(Readiness {
        value: f64::from(sum) / 20.0 * 100.0,
        weakest: all
            .iter()
            .filter(|(_, r)| *r == min)
            .map(|(c, _)| *c)
            .collect(),
    })
}
