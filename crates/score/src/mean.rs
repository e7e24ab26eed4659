//! Means as the roll-ups take them: values summed in the order given, divided once, and for
//! scores rounded once to one decimal; the family comparisons accumulated one domain at a time.

use govscan_model::{Family, FamilyComparison, FamilyScore};

use crate::scoring::{difference, round1};

/// The mean of some domain scores, rounded once: the group score rule. `None` when empty.
pub fn mean_score(scores: impl IntoIterator<Item = f64>) -> Option<f64> {
    mean(scores.into_iter()).map(round1)
}

/// A running mean: the values summed in the order given.
#[derive(Debug, Default, Clone, Copy)]
struct Mean {
    sum: f64,
    n: u32,
}

impl Mean {
    fn add(&mut self, value: f64) {
        self.sum += value;
        self.n += 1;
    }

    fn value(self) -> Option<f64> {
        (self.n > 0).then(|| self.sum / f64::from(self.n))
    }
}

pub(crate) fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let mut mean = Mean::default();
    values.for_each(|v| mean.add(v));
    mean.value()
}

/// The family comparisons, accumulated one domain at a time: for each family, the mean of the
/// domains' family sub-scores (rounded once), their mean coverage and how many were scored.
#[derive(Default)]
pub(crate) struct FamilyMeans {
    /// One per family of [`Family::ALL`], in that order.
    families: [FamilySums; Family::ALL.len()],
}

/// What the domains with one family have added so far.
#[derive(Debug, Default, Clone, Copy)]
struct FamilySums {
    /// Their family sub-scores (those that have one).
    score: Mean,
    /// Their family coverage (every domain with the family).
    coverage: Mean,
}

impl FamilyMeans {
    /// Adds one domain's family sub-scores.
    pub(crate) fn add(&mut self, families: &[FamilyScore]) {
        for (family, sums) in Family::ALL.iter().zip(self.families.iter_mut()) {
            let Some(sub) = families.iter().find(|f| f.family == *family) else {
                continue;
            };
            if let Some(score) = sub.score {
                sums.score.add(score);
            }
            sums.coverage.add(sub.coverage);
        }
    }

    /// One comparison per family some domain had, in [`Family::ALL`] order.
    pub(crate) fn comparisons(&self) -> Vec<FamilyComparison> {
        Family::ALL
            .into_iter()
            .zip(self.families)
            .filter(|(_, sums)| sums.coverage.n > 0)
            .map(|(family, sums)| {
                let score = sums.score.value().map(round1);
                FamilyComparison {
                    family,
                    score,
                    gap: score.map(|m| difference(100.0, m)),
                    coverage: sums.coverage.value().unwrap_or(0.0),
                    domains_scored: sums.score.n,
                }
            })
            .collect()
    }
}
