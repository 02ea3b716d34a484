//! [`CoMoments`]: exact integer co-moment sums over complete cases (n, Σxᵢ,
//! Σxᵢxⱼ for i ≤ j), the sufficient statistic of correlations and relative
//! importance. Decimal text becomes scaled integers with
//! [`crate::number::Decimal`], so that the sums stay exact.
//!
//! Correlations are scale-invariant, so a column of decimals with at most d
//! places can be entered as integers ×10^d without changing any correlation
//! or weight.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::ScoreError;

/// Exact co-moment sums of `columns` integer variables over complete cases.
///
/// `cross` packs Σxᵢxⱼ for i ≤ j row by row (`(0,0), (0,1), …, (0,k−1),
/// (1,1), …`). All sums are checked: an overflow is an error, never a wrap.
/// `Default` (no columns, n = 0) is the identity of [`CoMoments::merge`].
///
/// ```
/// use cx_core::score::CoMoments;
/// let mut a = CoMoments::new(2);
/// a.add(&[1, 2]).unwrap();
/// let mut b = CoMoments::default();
/// b.add(&[3, 5]).unwrap();
/// a.merge(&b).unwrap();
/// assert_eq!(a.n, 2);
/// assert_eq!(a.cross_sum(0, 1), Some(17));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CoMoments {
    /// Number of variables.
    pub columns: usize,
    /// Number of complete cases.
    pub n: u64,
    /// Σxᵢ per column.
    pub sums: Vec<i64>,
    /// Σxᵢxⱼ for i ≤ j, packed row by row.
    pub cross: Vec<i64>,
}

/// The low 32 bits of a `u64`.
const LOW32: u64 = 0xffff_ffff;

fn packed_len(k: usize) -> usize {
    k * (k + 1) / 2
}

impl CoMoments {
    /// Empty sums over `columns` variables.
    pub fn new(columns: usize) -> CoMoments {
        CoMoments {
            columns,
            n: 0,
            sums: vec![0; columns],
            cross: vec![0; packed_len(columns)],
        }
    }

    fn is_identity(&self) -> bool {
        self.n == 0 && self.columns == 0
    }

    fn check_shape(&self) -> Result<(), ScoreError> {
        if self.sums.len() != self.columns {
            return Err(ScoreError::DimensionMismatch {
                expected: self.columns,
                got: self.sums.len(),
            });
        }
        if self.cross.len() != packed_len(self.columns) {
            return Err(ScoreError::DimensionMismatch {
                expected: packed_len(self.columns),
                got: self.cross.len(),
            });
        }
        Ok(())
    }

    fn index(&self, i: usize, j: usize) -> Option<usize> {
        let (i, j) = if i <= j { (i, j) } else { (j, i) };
        // Rows 0..i hold Σ_{r<i} (k − r) = i·k − i(i−1)/2 entries.
        (j < self.columns).then(|| i * self.columns - i * i.saturating_sub(1) / 2 + (j - i))
    }

    /// Adds one complete case. On `Default` the first row fixes the number
    /// of columns. Nothing is changed when an error is returned.
    pub fn add(&mut self, row: &[i64]) -> Result<(), ScoreError> {
        if self.is_identity() {
            *self = CoMoments::new(row.len());
        }
        self.check_shape()?;
        if row.len() != self.columns {
            return Err(ScoreError::DimensionMismatch {
                expected: self.columns,
                got: row.len(),
            });
        }
        // Apply with wrapping arithmetic, noting any overflow, and undo it
        // (wrapping addition is invertible) when one happened: no
        // allocation, no half-applied row, and no branch per product.
        let n = self.n.checked_add(1).ok_or(ScoreError::Overflow("n"))?;
        let mut over = false;
        for (s, &x) in self.sums.iter_mut().zip(row) {
            let (v, o) = s.overflowing_add(x);
            *s = v;
            over |= o;
        }
        if over {
            self.undo(row, false);
            return Err(ScoreError::Overflow("sums"));
        }
        // Values from 0 to 2³¹ − 1 (ratings, scores) have exact products
        // of their 32-bit halves: only the additions can overflow, and
        // their sign test needs no flag chain, so the loop vectorises.
        let small = row.iter().all(|&x| (0..1 << 31).contains(&x));
        let mut rest = self.cross.as_mut_slice();
        for (i, &xi) in row.iter().enumerate() {
            let (line, tail) = rest.split_at_mut(row.len() - i);
            if small {
                let mut signs = 0i64;
                for (c, &xj) in line.iter_mut().zip(&row[i..]) {
                    let prod = ((xi as u64 & LOW32) * (xj as u64 & LOW32)) as i64;
                    let v = c.wrapping_add(prod);
                    // Negative when the addition overflowed.
                    signs |= (*c ^ v) & (prod ^ v);
                    *c = v;
                }
                over |= signs < 0;
            } else {
                for (c, &xj) in line.iter_mut().zip(&row[i..]) {
                    let (prod, o1) = xi.overflowing_mul(xj);
                    let (v, o2) = c.overflowing_add(prod);
                    *c = v;
                    over |= o1 | o2;
                }
            }
            rest = tail;
        }
        if over {
            self.undo(row, true);
            return Err(ScoreError::Overflow("cross products"));
        }
        self.n = n;
        Ok(())
    }

    /// Takes back what [`CoMoments::add`] applied of `row` with wrapping
    /// arithmetic: its sums, and its cross products when `cross`.
    fn undo(&mut self, row: &[i64], cross: bool) {
        for (s, &x) in self.sums.iter_mut().zip(row) {
            *s = s.wrapping_sub(x);
        }
        if !cross {
            return;
        }
        let mut p = 0;
        for (i, &xi) in row.iter().enumerate() {
            for &xj in &row[i..] {
                self.cross[p] = self.cross[p].wrapping_sub(xi.wrapping_mul(xj));
                p += 1;
            }
        }
    }

    /// Adds the sums of `other` (same number of columns, or either is `Default`).
    /// Nothing is changed when an error is returned.
    pub fn merge(&mut self, other: &CoMoments) -> Result<(), ScoreError> {
        other.check_shape()?;
        if other.is_identity() {
            return Ok(());
        }
        if self.is_identity() {
            *self = other.clone();
            return Ok(());
        }
        self.check_shape()?;
        if self.columns != other.columns {
            return Err(ScoreError::DimensionMismatch {
                expected: self.columns,
                got: other.columns,
            });
        }
        let add = |a: &[i64], b: &[i64]| -> Option<Vec<i64>> {
            a.iter().zip(b).map(|(x, y)| x.checked_add(*y)).collect()
        };
        let n = self
            .n
            .checked_add(other.n)
            .ok_or(ScoreError::Overflow("n"))?;
        let sums = add(&self.sums, &other.sums).ok_or(ScoreError::Overflow("sums"))?;
        let cross = add(&self.cross, &other.cross).ok_or(ScoreError::Overflow("cross products"))?;
        self.n = n;
        self.sums = sums;
        self.cross = cross;
        Ok(())
    }

    /// Σxᵢxⱼ (symmetric in i, j); `None` outside the columns.
    pub fn cross_sum(&self, i: usize, j: usize) -> Option<i64> {
        self.cross.get(self.index(i, j)?).copied()
    }

    /// The mean of each column; `None` when n = 0 or the shape is inconsistent.
    pub fn means(&self) -> Option<Vec<f64>> {
        if self.n == 0 || self.check_shape().is_err() {
            return None;
        }
        Some(
            self.sums
                .iter()
                .map(|&s| s as f64 / self.n as f64)
                .collect(),
        )
    }

    /// The exact scatter n·Σxᵢxⱼ − Σxᵢ·Σxⱼ (= n² × population covariance);
    /// `None` outside the columns or on overflow.
    pub fn scatter(&self, i: usize, j: usize) -> Option<i128> {
        let sij = i128::from(self.cross_sum(i, j)?);
        let si = i128::from(*self.sums.get(i)?);
        let sj = i128::from(*self.sums.get(j)?);
        i128::from(self.n)
            .checked_mul(sij)?
            .checked_sub(si.checked_mul(sj)?)
    }

    /// The Pearson correlation matrix (row-major `columns × columns`).
    /// Errors: a constant column, or an inconsistent shape.
    pub fn correlation_matrix(&self) -> Result<Vec<Vec<f64>>, ScoreError> {
        self.check_shape()?;
        let k = self.columns;
        let mut diag = Vec::with_capacity(k);
        for i in 0..k {
            let s = self.scatter(i, i).ok_or(ScoreError::Overflow("scatter"))?;
            if s <= 0 {
                return Err(ScoreError::ConstantColumn(i));
            }
            diag.push((s as f64).sqrt());
        }
        let mut r = vec![vec![0.0; k]; k];
        for i in 0..k {
            r[i][i] = 1.0;
            for j in (i + 1)..k {
                let s = self.scatter(i, j).ok_or(ScoreError::Overflow("scatter"))?;
                let v = (s as f64 / diag[i] / diag[j]).clamp(-1.0, 1.0);
                r[i][j] = v;
                r[j][i] = v;
            }
        }
        Ok(r)
    }
}
