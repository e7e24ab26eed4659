//! Which part of a portfolio a scan covers: one shard of a sharded run (`scan --shard K/N`), or
//! shards merged into one scan (`govscan merge`). The store records it; the report labels
//! partial scans with it.

use serde::{Deserialize, Serialize};

/// Shard `index` of `count` (`K/N`, counted from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ShardSpec {
    /// K: 1 ≤ index ≤ count.
    pub index: u32,
    /// N: how many shards the target set is cut into.
    pub count: u32,
}

impl std::fmt::Display for ShardSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// What a shard scan records about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardScope {
    /// Which shard.
    pub shard: ShardSpec,
    /// SHA-256 of the whole target set (the same in every shard of a run).
    pub targets_sha256: String,
    /// Targets in the whole set.
    pub target_count: u64,
    /// Targets that fall in this shard.
    pub shard_target_count: u64,
    /// The run the shard belongs to (`--run-id`), if one was named.
    pub run_id: Option<String>,
}

/// What a merged scan records about the shards it was made of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergedScope {
    /// N.
    pub shard_count: u32,
    /// The shard indexes merged, ascending.
    pub merged: Vec<u32>,
    /// The shard indexes missing, ascending; empty when the scan covers the whole target set.
    pub missing: Vec<u32>,
    /// SHA-256 of the whole target set.
    pub targets_sha256: String,
    /// Targets in the whole set.
    pub target_count: u64,
    /// The run the shards belong to, if one was named.
    pub run_id: Option<String>,
}

impl MergedScope {
    /// True when some shards were missing (recorded with `merge --allow-partial`).
    pub fn is_partial(&self) -> bool {
        !self.missing.is_empty()
    }
}

/// Which part of its portfolio a scan covers, when it is not simply the whole of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ScanScope {
    /// One shard of a sharded run.
    Shard(ShardScope),
    /// Shards merged into one scan.
    Merged(MergedScope),
}
