//! `scan --shard K/N`: which targets this process scans, and what its shard scan records.

use govscan_model::{Portfolio, Target};
use govscan_store::{ShardScope, ShardSpec};

use super::resume::targets_sha256;
use crate::shard;

/// The targets one scan process covers.
pub(super) struct Selection {
    /// `(position in the whole target list, target)`, in target order.
    pub(super) targets: Vec<(u64, Target)>,
    /// The portfolio cut to those targets (every organisation kept): what the running mark
    /// hashes, so `--resume` continues only the same shard of the same targets.
    pub(super) portfolio: Portfolio,
    /// The shard record, when sharded.
    pub(super) scope: Option<ShardScope>,
}

/// Every target, or with `shard` only those in it. Positions stay those of the whole list,
/// so a merged scan reads back in the order of the target file.
pub(super) fn select(
    portfolio: &Portfolio,
    shard: Option<ShardSpec>,
    run_id: Option<String>,
) -> Selection {
    let targets: Vec<(u64, Target)> = portfolio
        .targets
        .iter()
        .enumerate()
        .filter(|(_, t)| shard.is_none_or(|s| shard::contains(s, &t.domain)))
        .map(|(i, t)| (i as u64, t.clone()))
        .collect();
    let Some(spec) = shard else {
        return Selection {
            targets,
            portfolio: portfolio.clone(),
            scope: None,
        };
    };
    let scope = ShardScope {
        shard: spec,
        targets_sha256: targets_sha256(portfolio),
        target_count: portfolio.targets.len() as u64,
        shard_target_count: targets.len() as u64,
        run_id,
    };
    let cut = Portfolio {
        organisations: portfolio.organisations.clone(),
        targets: targets.iter().map(|(_, t)| t.clone()).collect(),
    };
    Selection {
        targets,
        portfolio: cut,
        scope: Some(scope),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn portfolio(names: &[&str]) -> Portfolio {
        Portfolio {
            organisations: Vec::new(),
            targets: names
                .iter()
                .map(|n| Target {
                    domain: (*n).to_owned(),
                    organisation: None,
                    verified: false,
                    dkim_selectors: Vec::new(),
                })
                .collect(),
        }
    }

    #[test]
    fn shards_cut_the_targets_and_keep_whole_list_positions() {
        let names: Vec<String> = (0..40).map(|i| format!("www.d{i}.ee")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let whole = portfolio(&refs);
        let all = select(&whole, None, None);
        assert_eq!(all.targets.len(), 40);
        assert!(all.scope.is_none());
        let mut seen = Vec::new();
        for index in 1..=4 {
            let part = select(
                &whole,
                Some(ShardSpec { index, count: 4 }),
                Some("r".into()),
            );
            let scope = part.scope.expect("scope");
            assert_eq!(scope.target_count, 40);
            assert_eq!(scope.shard_target_count, part.targets.len() as u64);
            assert_eq!(scope.targets_sha256, targets_sha256(&whole));
            assert_eq!(part.portfolio.targets.len(), part.targets.len());
            for (position, target) in &part.targets {
                assert_eq!(whole.targets[*position as usize], *target);
            }
            seen.extend(part.targets.into_iter().map(|(p, _)| p));
        }
        seen.sort_unstable();
        assert_eq!(
            seen,
            (0..40).collect::<Vec<u64>>(),
            "each target in exactly one shard"
        );
    }
}
