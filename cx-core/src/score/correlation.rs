//! The service-profit link: the Pearson correlation between paired team
//! values (team eNPS or employee satisfaction vs team customer NPS), with n
//! teams and a two-sided p-value from the t distribution (n − 2 df) when
//! n ≥ 3.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::dist::two_sided_p_t;
use super::ScoreError;

/// A correlation across units (teams).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Correlation {
    /// Pearson r; `None` with fewer than 2 pairs or a constant side.
    pub r: Option<f64>,
    /// Number of pairs (teams).
    pub n: u64,
    /// Two-sided p-value of H0: ρ = 0 (t test, n − 2 df), when n ≥ 3.
    pub p: Option<f64>,
    /// Why `r` is `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Pearson r of paired values; `None` when undefined.
pub fn pearson(pairs: &[(f64, f64)]) -> Option<f64> {
    let n = pairs.len() as f64;
    if pairs.len() < 2 || pairs.iter().any(|(x, y)| !(x.is_finite() && y.is_finite())) {
        return None;
    }
    let mx = pairs.iter().map(|p| p.0).sum::<f64>() / n;
    let my = pairs.iter().map(|p| p.1).sum::<f64>() / n;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in pairs {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) * (x - mx);
        syy += (y - my) * (y - my);
    }
    (sxx > 0.0 && syy > 0.0).then(|| (sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0))
}

/// The service-profit link across teams: `pairs` = (employee value,
/// customer value) per team.
///
/// ```
/// use cx_core::score::service_profit_link;
/// let c = service_profit_link(&[(10.0, 20.0), (30.0, 35.0), (50.0, 60.0), (20.0, 15.0)]).unwrap();
/// assert_eq!(c.n, 4);
/// assert!(c.r.unwrap() > 0.9 && c.p.unwrap() < 0.1);
/// ```
pub fn service_profit_link(pairs: &[(f64, f64)]) -> Result<Correlation, ScoreError> {
    if let Some(&(x, y)) = pairs
        .iter()
        .find(|(x, y)| !(x.is_finite() && y.is_finite()))
    {
        return Err(ScoreError::InvalidNumber {
            what: "team value",
            value: if x.is_finite() { y } else { x },
        });
    }
    let n = pairs.len() as u64;
    let Some(r) = pearson(pairs) else {
        return Ok(Correlation {
            n,
            reason: Some(if n < 2 {
                "fewer than 2 teams".into()
            } else {
                "one side is constant across teams".into()
            }),
            ..Correlation::default()
        });
    };
    let p = if n >= 3 {
        let df = (n - 2) as f64;
        if r.abs() >= 1.0 {
            Some(0.0)
        } else {
            two_sided_p_t(r * (df / (1.0 - r * r)).sqrt(), df)
        }
    } else {
        None
    };
    Ok(Correlation {
        r: Some(r),
        n,
        p,
        reason: None,
    })
}
