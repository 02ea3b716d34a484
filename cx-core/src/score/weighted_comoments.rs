//! [`WeightedCoMoments`]: exact fixed-point weighted co-moment sums over
//! complete cases (Σw, Σw·xᵢ, Σw·xᵢxⱼ for i ≤ j), the sufficient statistic
//! of weighted correlations and weighted relative importance.
//!
//! Weights are integer millionths ([`WEIGHT_SCALE`]), values integers
//! (ratings 0–10), so every sum is an exact `i128` and merging is exactly
//! associative and commutative. Sums are signed so that the same type also
//! holds a *correction*: Σ(w − 1)·(1, xᵢ, xᵢxⱼ) over reweighted cases
//! ([`WeightedCoMoments::add_reweighted`]), which the engine keeps beside
//! the unweighted [`CoMoments`] of all records
//! ([`WeightedCoMoments::corrected`]). What is not here: the formulas of
//! importance ([`super::relative_importance`], which reads either type).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{CoMoments, ScoreError, WEIGHT_SCALE};

/// Exact weighted co-moment sums of `columns` integer variables over
/// complete cases, in millionths of weight.
///
/// `cross` packs Σw·xᵢxⱼ for i ≤ j row by row, as [`CoMoments::cross`].
/// All sums are checked: an overflow is an error, never a wrap. `Default`
/// (no columns, n = 0) is the identity of [`WeightedCoMoments::merge`].
///
/// ```
/// use cx_core::score::WeightedCoMoments;
/// let mut a = WeightedCoMoments::new(2);
/// a.add(&[1, 2], 500_000).unwrap(); // weight 0.5
/// let mut b = WeightedCoMoments::default();
/// b.add(&[3, 5], 2_000_000).unwrap(); // weight 2
/// a.merge(&b).unwrap();
/// assert_eq!(a.n, 2);
/// assert_eq!(a.weight, 2_500_000);
/// assert_eq!(a.cross_sum(0, 1), Some(31_000_000)); // 0.5·2 + 2·15
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WeightedCoMoments {
    /// Number of variables.
    pub columns: usize,
    /// Number of complete cases (for a correction: of reweighted cases).
    pub n: u64,
    /// Σw, in millionths.
    #[serde(with = "i128_text")]
    #[schemars(with = "String")]
    pub weight: i128,
    /// Σw·xᵢ per column, in millionths.
    #[serde(with = "i128_text::vec")]
    #[schemars(with = "Vec<String>")]
    pub sums: Vec<i128>,
    /// Σw·xᵢxⱼ for i ≤ j, packed row by row, in millionths.
    #[serde(with = "i128_text::vec")]
    #[schemars(with = "Vec<String>")]
    pub cross: Vec<i128>,
}

fn packed_len(k: usize) -> usize {
    k * (k + 1) / 2
}

/// The greatest common divisor of `a` and `b` (≥ 0).
fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

impl WeightedCoMoments {
    /// Empty sums over `columns` variables.
    pub fn new(columns: usize) -> WeightedCoMoments {
        WeightedCoMoments {
            columns,
            n: 0,
            weight: 0,
            sums: vec![0; columns],
            cross: vec![0; packed_len(columns)],
        }
    }

    /// True for `Default` (no columns, no case): the identity of `merge`.
    pub fn is_empty(&self) -> bool {
        self.columns == 0 && self.n == 0 && self.weight == 0
    }

    /// The exact weighted sums of unweighted co-moments: every case with
    /// weight 1 (n·[`WEIGHT_SCALE`], Σxᵢ·WEIGHT_SCALE, …).
    pub fn of_unweighted(co: &CoMoments) -> Result<WeightedCoMoments, ScoreError> {
        check_lengths(co.columns, co.sums.len(), co.cross.len())?;
        let s = i128::from(WEIGHT_SCALE);
        Ok(WeightedCoMoments {
            columns: co.columns,
            n: co.n,
            weight: i128::from(co.n) * s,
            sums: co.sums.iter().map(|&x| i128::from(x) * s).collect(),
            cross: co.cross.iter().map(|&x| i128::from(x) * s).collect(),
        })
    }

    fn check_shape(&self) -> Result<(), ScoreError> {
        check_lengths(self.columns, self.sums.len(), self.cross.len())
    }

    /// Adds `coef`·(1, xᵢ, xᵢxⱼ) of `row` and one case; nothing changes on
    /// an error.
    fn apply(&mut self, row: &[i64], coef: i128) -> Result<(), ScoreError> {
        if self.is_empty() {
            *self = WeightedCoMoments::new(row.len());
        }
        self.check_shape()?;
        if row.len() != self.columns {
            return Err(ScoreError::DimensionMismatch {
                expected: self.columns,
                got: row.len(),
            });
        }
        let over = ScoreError::Overflow;
        let n = self.n.checked_add(1).ok_or(over("n"))?;
        let weight = self.weight.checked_add(coef).ok_or(over("weight sum"))?;
        let sums = self
            .sums
            .iter()
            .zip(row)
            .map(|(s, &x)| s.checked_add(coef.checked_mul(i128::from(x))?))
            .collect::<Option<Vec<_>>>()
            .ok_or(over("weighted sums"))?;
        let mut cross = Vec::with_capacity(self.cross.len());
        for (i, &xi) in row.iter().enumerate() {
            for &xj in &row[i..] {
                let prod = i128::from(xi) * i128::from(xj);
                let c = self.cross[cross.len()];
                let v = coef.checked_mul(prod).and_then(|p| c.checked_add(p));
                cross.push(v.ok_or(over("weighted cross products"))?);
            }
        }
        *self = WeightedCoMoments {
            columns: self.columns,
            n,
            weight,
            sums,
            cross,
        };
        Ok(())
    }

    /// Adds one complete case of weight `millionths` (w·[`WEIGHT_SCALE`]).
    /// On `Default` the first row fixes the number of columns. Nothing is
    /// changed when an error is returned.
    pub fn add(&mut self, row: &[i64], millionths: u64) -> Result<(), ScoreError> {
        self.apply(row, i128::from(millionths))
    }

    /// Adds the correction of one case that unweighted [`CoMoments`] count
    /// with weight 1 but that has weight `millionths`: (w − 1)·(1, xᵢ,
    /// xᵢxⱼ) in millionths, and one reweighted case to `n`. See
    /// [`WeightedCoMoments::corrected`].
    pub fn add_reweighted(&mut self, row: &[i64], millionths: u64) -> Result<(), ScoreError> {
        self.apply(row, i128::from(millionths) - i128::from(WEIGHT_SCALE))
    }

    /// Adds the sums of `other` (same number of columns, or either is
    /// `Default`). Nothing is changed when an error is returned.
    pub fn merge(&mut self, other: &WeightedCoMoments) -> Result<(), ScoreError> {
        if !self.takes_sums_of(other)? {
            return Ok(());
        }
        let mut out = self.clone();
        out.n = out
            .n
            .checked_add(other.n)
            .ok_or(ScoreError::Overflow("n"))?;
        let parts = [
            (
                std::slice::from_mut(&mut out.weight),
                &[other.weight][..],
                "weight sum",
            ),
            (&mut out.sums[..], &other.sums[..], "weighted sums"),
            (
                &mut out.cross[..],
                &other.cross[..],
                "weighted cross products",
            ),
        ];
        for (into, from, what) in parts {
            for (a, b) in into.iter_mut().zip(from) {
                *a = a.checked_add(*b).ok_or(ScoreError::Overflow(what))?;
            }
        }
        *self = out;
        Ok(())
    }

    /// Whether [`WeightedCoMoments::merge`] must add `other`'s sums to
    /// these: `false` when either is the identity (and `self` is then the
    /// result), an error when the shapes disagree.
    fn takes_sums_of(&mut self, other: &WeightedCoMoments) -> Result<bool, ScoreError> {
        other.check_shape()?;
        if other.is_empty() || self.is_empty() {
            if self.is_empty() {
                *self = other.clone();
            }
            return Ok(false);
        }
        self.check_shape()?;
        match self.columns == other.columns {
            true => Ok(true),
            false => Err(ScoreError::DimensionMismatch {
                expected: self.columns,
                got: other.columns,
            }),
        }
    }

    /// The weighted co-moments of all records of a group: `co`, the
    /// unweighted co-moments of every record (each with weight 1),
    /// corrected by `reweighted`, the sum of
    /// [`WeightedCoMoments::add_reweighted`] over the records that carry a
    /// weight. n is `co`'s (every complete case once).
    ///
    /// Σw = n + Σ(w − 1), Σw·xᵢ = Σxᵢ + Σ(w − 1)·xᵢ, and so on, exactly.
    pub fn corrected(
        co: &CoMoments,
        reweighted: &WeightedCoMoments,
    ) -> Result<WeightedCoMoments, ScoreError> {
        let mut out = WeightedCoMoments::of_unweighted(co)?;
        let n = out.n;
        out.merge(reweighted)?;
        out.n = n;
        Ok(out)
    }

    /// Σw·xᵢxⱼ (symmetric in i, j); `None` outside the columns.
    pub fn cross_sum(&self, i: usize, j: usize) -> Option<i128> {
        let (i, j) = if i <= j { (i, j) } else { (j, i) };
        if j >= self.columns {
            return None;
        }
        let at = i * self.columns - i * i.saturating_sub(1) / 2 + (j - i);
        self.cross.get(at).copied()
    }

    /// Σw in units of weight.
    pub fn weight_sum(&self) -> f64 {
        self.weight as f64 / WEIGHT_SCALE as f64
    }

    /// These sums as [`CoMoments`] with Σw in place of n, each sum divided
    /// by their common divisor: by exactly [`WEIGHT_SCALE`] when that
    /// divides them all (so that weights of 1 give the unweighted
    /// co-moments to the bit). An error when Σw ≤ 0 or a sum does not fit.
    fn as_scaled(&self) -> Result<CoMoments, ScoreError> {
        self.check_shape()?;
        if self.weight <= 0 {
            return Err(ScoreError::InvalidNumber {
                what: "the weight sum of the complete cases",
                value: self.weight_sum(),
            });
        }
        let all = || {
            std::iter::once(&self.weight)
                .chain(&self.sums)
                .chain(&self.cross)
        };
        let g = all().fold(0u128, |g, v| gcd(g, v.unsigned_abs()));
        let s = u128::from(WEIGHT_SCALE);
        let d = i128::try_from(if g % s == 0 { s } else { g }).unwrap_or(1);
        let fit = |v: &i128| i64::try_from(v / d).ok();
        let over = ScoreError::Overflow("weighted co-moments beyond 2^63 after scaling");
        Ok(CoMoments {
            columns: self.columns,
            n: u64::try_from(self.weight / d).map_err(|_| over.clone())?,
            sums: self
                .sums
                .iter()
                .map(fit)
                .collect::<Option<_>>()
                .ok_or(over.clone())?,
            cross: self
                .cross
                .iter()
                .map(fit)
                .collect::<Option<_>>()
                .ok_or(over)?,
        })
    }

    /// The weighted mean of each column, Σw·xᵢ / Σw; `None` when Σw ≤ 0 or
    /// the shape is inconsistent.
    pub fn means(&self) -> Option<Vec<f64>> {
        self.as_scaled().ok()?.means()
    }

    /// The weighted Pearson correlation matrix (row-major `columns ×
    /// columns`): rᵢⱼ = Sᵢⱼ / √(Sᵢᵢ·Sⱼⱼ) with the exact scatter Sᵢⱼ =
    /// Σw·Σw·xᵢxⱼ − Σw·xᵢ·Σw·xⱼ, as R `cov.wt(x, wt = w, cor = TRUE)$cor`
    /// (the normalisation of the weights cancels). It is the one formula of
    /// [`CoMoments::correlation_matrix`] with Σw in place of n. Errors: a
    /// constant column, Σw ≤ 0, sums beyond 2^63 after scaling, or an
    /// inconsistent shape.
    pub fn correlation_matrix(&self) -> Result<Vec<Vec<f64>>, ScoreError> {
        self.as_scaled()?.correlation_matrix()
    }
}

fn check_lengths(columns: usize, sums: usize, cross: usize) -> Result<(), ScoreError> {
    if sums != columns {
        return Err(ScoreError::DimensionMismatch {
            expected: columns,
            got: sums,
        });
    }
    if cross != packed_len(columns) {
        return Err(ScoreError::DimensionMismatch {
            expected: packed_len(columns),
            got: cross,
        });
    }
    Ok(())
}

/// `i128` as decimal text in JSON (exact for every reader), read back from
/// text only.
mod i128_text {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &i128, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(v)
    }

    pub fn parse<E: serde::de::Error>(text: &str) -> Result<i128, E> {
        let digits = text.strip_prefix('-').unwrap_or(text);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(E::custom(format!(
                "`{text}` is not a whole number written in decimal digits"
            )));
        }
        text.parse()
            .map_err(|_| E::custom(format!("`{text}` is too large for a weighted sum")))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i128, D::Error> {
        parse(&std::borrow::Cow::<str>::deserialize(d)?)
    }

    pub mod vec {
        use serde::ser::SerializeSeq;
        use serde::{Deserialize, Deserializer, Serializer};

        pub fn serialize<S: Serializer>(v: &[i128], s: S) -> Result<S::Ok, S::Error> {
            let mut seq = s.serialize_seq(Some(v.len()))?;
            for x in v {
                seq.serialize_element(&x.to_string())?;
            }
            seq.end()
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<i128>, D::Error> {
            Vec::<std::borrow::Cow<str>>::deserialize(d)?
                .iter()
                .map(|t| super::parse(t))
                .collect()
        }
    }
}
