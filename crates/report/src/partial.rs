//! The dashboard's "partial scan" label: a scan that covers only part of its portfolio (one
//! shard, or shards merged with some missing) says so above the headline, in plain words.

use govscan_model::ScanScope;

/// The sentence shown above the headline, or `None` for a scan of the whole portfolio
/// (an ordinary scan, or every shard merged).
pub(crate) fn partial_note(scope: Option<&ScanScope>, domains: usize) -> Option<String> {
    match scope? {
        ScanScope::Shard(shard) => Some(format!(
            "This scan is shard {} of {}: it covers {} of the portfolio's {} domains. Scores, \
             grades and rankings describe these domains only; the whole portfolio is the merge \
             of all {} shards.",
            shard.shard.index, shard.shard.count, domains, shard.target_count, shard.shard.count
        )),
        ScanScope::Merged(merged) if merged.is_partial() => {
            let missing = merged
                .missing
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            Some(format!(
                "{} of {} shards {} missing from this scan (shard{} {missing}): it covers {} \
                 of the portfolio's {} domains. Scores, grades, rankings and the trend point \
                 describe these domains only.",
                merged.missing.len(),
                merged.shard_count,
                if merged.missing.len() == 1 {
                    "is"
                } else {
                    "are"
                },
                if merged.missing.len() == 1 { "" } else { "s" },
                domains,
                merged.target_count
            ))
        }
        ScanScope::Merged(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use govscan_model::{MergedScope, ShardScope, ShardSpec};

    fn merged(missing: Vec<u32>) -> ScanScope {
        ScanScope::Merged(MergedScope {
            shard_count: 4,
            merged: (1..=4).filter(|i| !missing.contains(i)).collect(),
            missing,
            targets_sha256: "x".to_owned(),
            target_count: 1000,
            run_id: None,
        })
    }

    #[test]
    fn only_partial_scans_are_labelled() {
        assert_eq!(partial_note(None, 10), None);
        assert_eq!(partial_note(Some(&merged(vec![])), 1000), None);
        let note = partial_note(Some(&merged(vec![2, 4])), 480).expect("partial");
        assert!(note.starts_with("2 of 4 shards are missing"), "{note}");
        assert!(note.contains("(shards 2, 4)") && note.contains("480 of the portfolio's 1000"));
        let one = partial_note(Some(&merged(vec![3])), 700).expect("partial");
        assert!(one.starts_with("1 of 4 shards is missing") && one.contains("(shard 3)"));
        let shard = ScanScope::Shard(ShardScope {
            shard: ShardSpec { index: 2, count: 8 },
            targets_sha256: "x".to_owned(),
            target_count: 1000,
            shard_target_count: 130,
            run_id: None,
        });
        let note = partial_note(Some(&shard), 130).expect("shard");
        assert!(note.starts_with("This scan is shard 2 of 8"), "{note}");
    }
}
