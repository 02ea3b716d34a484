//! The scores of customer comments (`docs/comments.md`): net sentiment, a
//! trinomial like NPS, and a theme's share of the comments, a proportion
//! like CSAT.

use super::{nps, proportion, NpsCounts, NpsMethod, Score, ScoreError};
use crate::comment::{ClassCounts, COMPOUND_SCALE};

/// Net sentiment: % positive − % negative comments, −100..100, with the
/// standard error and interval of the NPS trinomial (negative comments in
/// the place of detractors, neutral of passives, positive of promoters;
/// [`nps`] with `method`), the class counts and the mean compound
/// (`compound_sum` in [`COMPOUND_SCALE`] units over the comments).
///
/// ```
/// use cx_core::comment::ClassCounts;
/// use cx_core::score::{net_sentiment, nps, NpsCounts, NpsMethod};
/// let c = ClassCounts { negative: 20, neutral: 30, positive: 50 };
/// let s = net_sentiment(&c, 120_000, NpsMethod::Wald, 0.95).unwrap();
/// let n = nps(&NpsCounts::new(20, 30, 50), NpsMethod::Wald, 0.95).unwrap();
/// assert_eq!((s.value, s.se, s.interval), (n.value, n.se, n.interval));
/// assert_eq!(s.mean_compound, Some(0.12));
/// assert_eq!(s.detractors, None);
/// ```
pub fn net_sentiment(
    classes: &ClassCounts,
    compound_sum: i128,
    method: NpsMethod,
    level: f64,
) -> Result<Score, ScoreError> {
    let counts = NpsCounts::new(classes.negative, classes.neutral, classes.positive);
    let mut s = nps(&counts, method, level)?;
    (s.detractors, s.passives, s.promoters) = (None, None, None);
    s.sentiment_classes = Some(*classes);
    s.mean_compound = mean_compound(compound_sum, classes.total());
    if s.value.is_none() {
        s.reason = Some("no comments".into());
    }
    Ok(s)
}

/// A theme's share of the comments: `theme.total()` of `comments`, in
/// percent with its Wilson interval ([`proportion`]), and the net
/// sentiment and mean compound of the comments that mention it.
///
/// ```
/// use cx_core::comment::ClassCounts;
/// use cx_core::score::theme_share;
/// let t = ClassCounts { negative: 6, neutral: 1, positive: 1 };
/// let s = theme_share(&t, -40_000, 40, 0.95).unwrap();
/// assert_eq!(s.value, Some(20.0));
/// assert_eq!(s.net_sentiment, Some(-62.5));
/// assert_eq!(s.mean_compound, Some(-0.5));
/// ```
pub fn theme_share(
    theme: &ClassCounts,
    compound_sum: i128,
    comments: u64,
    level: f64,
) -> Result<Score, ScoreError> {
    let mentions = theme.total();
    let mut s = proportion(mentions, comments, level)?;
    if s.value.is_none() {
        s.reason = Some("no comments".into());
    }
    s.sentiment_classes = Some(*theme);
    s.mean_compound = mean_compound(compound_sum, mentions);
    if mentions > 0 {
        let m = mentions as f64;
        s.net_sentiment = Some((theme.positive as f64 - theme.negative as f64) / m * 100.0);
    }
    Ok(s)
}

/// The mean compound (−1..1) of `n` comments whose compounds sum to `sum`
/// [`COMPOUND_SCALE`] units; `None` for n = 0.
pub fn mean_compound(sum: i128, n: u64) -> Option<f64> {
    (n > 0).then(|| sum as f64 / COMPOUND_SCALE as f64 / n as f64)
}
