//! The built-in default playbook, drawn from the method (SPEC §1, §3.4).
//!
//! | id | condition | recommends | priority |
//! |---|---|---|---|
//! | `no-identity` | no identity | establishIdentity | 1 |
//! | `no-needs` | no needs captured | understandContext, analyseCustomerNeeds | 1 |
//! | `no-rules` | no rules of the game | agreeOnRulesOfTheGame | 1 |
//! | `nps-drop` | significant NPS drop, month on month | analyseCustomerNeeds | 1 |
//! | `compliance-below-floor` | team/employee below the compliance floor | prepareTraining | 2 |
//! | `no-recent-survey` | no customer response in `recentDays` | evaluateClientSatisfaction | 2 |
//! | `vital-process` | a vital process is found | modifySystemsAndProcedures, formInnovationTeam | 2 |
//! | `comments-point-at` | detractors' comments point at a process, attribute or rule (Holm) | modifySystemsAndProcedures, analyseCustomerNeeds | 2 |
//! | `low-enps` | eNPS ≤ `lowEnps` (overall or a team) | enlivenEnvironment, enlivenFaceToFaceMeetings | 2 |
//! | `goal-at-risk` | a goal at risk or missed | reportToManagement | 2 |
//! | `rule-not-measured` | a rule no audit measures | evaluateRuleAdherence | 3 |
//! | `tangible-vital` | a tangible-related attribute is vital | implantTangibleElements | 3 |

use super::{Condition, Trigger};
use crate::plan::InterventionKind as K;
use crate::score::GoalStatus;

fn t(id: &str, when: Condition, recommend: &[K], priority: u8, rationale: &str) -> Trigger {
    Trigger {
        id: id.into(),
        when,
        recommend: recommend.to_vec(),
        priority,
        rationale: rationale.into(),
    }
}

/// The default triggers, in the table's order.
///
/// ```
/// let d = cx_core::playbook::defaults::default_triggers();
/// assert_eq!(d.len(), 12);
/// ```
pub fn default_triggers() -> Vec<Trigger> {
    vec![
        t("no-identity", Condition::NoIdentity, &[K::EstablishIdentity], 1,
          "Without a dominant trait, emphasised and base strengths, nothing tells employees which experience to deliver."),
        t("no-needs", Condition::NoNeeds, &[K::UnderstandContext, K::AnalyseCustomerNeeds], 1,
          "The strategy rests on who the customers are and what they need: capture the context first."),
        t("no-rules", Condition::NoRules, &[K::AgreeOnRulesOfTheGame], 1,
          "Rules of the game turn the identity into behaviours employees can follow and be evaluated on."),
        t("nps-drop", Condition::NpsDrop { significance: None }, &[K::AnalyseCustomerNeeds], 1,
          "A significant fall in recommendation means customers' needs or expectations have moved: analyse them again."),
        t("compliance-below-floor", Condition::ComplianceBelowFloor, &[K::PrepareTraining], 2,
          "Employees do what is measured and trained: those below the compliance floor need training on the rules they miss."),
        t("no-recent-survey", Condition::NoRecentSurvey, &[K::EvaluateClientSatisfaction], 2,
          "No recent customer survey: the experience delivered is no longer known."),
        t("vital-process", Condition::VitalProcess, &[K::ModifySystemsAndProcedures, K::FormInnovationTeam], 2,
          "A vital process (high impact, low performance) is where improvement pays most: change the system or give it to an innovation team."),
        t("comments-point-at", Condition::CommentsPointAt { significance: None }, &[K::ModifySystemsAndProcedures, K::AnalyseCustomerNeeds], 2,
          "Detractors say in their own words what drives them away: the process, attribute or rule their comments point at is where to act, and what they write says what they need."),
        t("low-enps", Condition::LowEnps { threshold: None }, &[K::EnlivenEnvironment, K::EnlivenFaceToFaceMeetings], 2,
          "The customer experience depends on the employee experience: low eNPS calls for a livelier environment and face-to-face meetings."),
        t("goal-at-risk", Condition::GoalStatus { statuses: vec![GoalStatus::AtRisk, GoalStatus::Missed] }, &[K::ReportToManagement], 2,
          "A goal at risk or missed must reach the management committee, which steers CX."),
        t("rule-not-measured", Condition::RuleNotMeasured, &[K::EvaluateRuleAdherence], 3,
          "Employees do what is measured: every rule of the game needs an audit."),
        t("tangible-vital", Condition::TangibleVital, &[K::ImplantTangibleElements], 3,
          "A vital attribute rates tangible elements: signage, counters, guides or ambience need attention."),
    ]
}
