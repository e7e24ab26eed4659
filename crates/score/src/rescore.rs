//! Every domain of a scan rescored under a baseline, without the rest of the roll-ups: what
//! comparing an earlier scan with the one reported needs of it.

use govscan_model::{DomainView, ScanView};

use crate::baseline::Baseline;
use crate::scoring::Tallied;

/// A domain's score as the roll-ups recompute it under a baseline (the score of its
/// `DomainGap`), its organisation, and whether the score is provisional.
#[derive(Debug, Clone, PartialEq)]
pub struct Rescored {
    /// The domain.
    pub domain: String,
    /// Owning organisation, by name.
    pub organisation: Option<String>,
    /// The score under the baseline; `None` when nothing scored could be judged.
    pub score: Option<f64>,
    /// Whether the score is provisional.
    pub provisional: bool,
}

/// Every domain of `scan`, whole or light, rescored under `baseline`, in target order: the
/// scores `crate::roll_up` gives its domains.
pub fn rescore(scan: &(impl ScanView + ?Sized), baseline: &Baseline) -> Vec<Rescored> {
    scan.domain_views()
        .map(|d| {
            let tallied = Tallied::of(d.verdicts(), baseline);
            Rescored {
                domain: d.domain().to_owned(),
                organisation: d.organisation().map(str::to_owned),
                score: tallied.score_value(),
                provisional: tallied.is_provisional(),
            }
        })
        .collect()
}
