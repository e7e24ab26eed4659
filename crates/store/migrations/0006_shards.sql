-- 0003: shards and merged scans. A scan made with `govscan scan --shard K/N` covers the
-- targets whose registrable domain hashes to shard K of N; it records which shard it is and the
-- whole target set it is a part of, so that `govscan merge` can check that N shard scans belong
-- together. A scan made by `govscan merge` records which shards it was made from and which
-- were missing (a partial scan, recorded only with --allow-partial). Ordinary scans have a row
-- in neither table. Both cascade from their scan, like every other child table.

CREATE TABLE scan_shards (
    scan_id            INTEGER          PRIMARY KEY REFERENCES scans (id) ON DELETE CASCADE,
    shard_index        INTEGER          NOT NULL,  -- K, from 1
    shard_count        INTEGER          NOT NULL,  -- N
    targets_sha256     TEXT             NOT NULL,  -- the whole target set every shard is cut from
    target_count       INTEGER          NOT NULL,  -- targets in the whole set
    shard_target_count INTEGER          NOT NULL,  -- targets that fall in this shard
    run_id             TEXT,                       -- `--run-id`, NULL when none was given
    CHECK (shard_count >= 1 AND shard_index >= 1 AND shard_index <= shard_count)
);

CREATE TABLE merged_scans (
    scan_id            INTEGER          PRIMARY KEY REFERENCES scans (id) ON DELETE CASCADE,
    shard_count        INTEGER          NOT NULL,  -- N
    merged_json        TEXT             NOT NULL,  -- JSON array: the shard indexes merged
    missing_json       TEXT             NOT NULL,  -- JSON array: those missing ([] = whole)
    targets_sha256     TEXT             NOT NULL,
    target_count       INTEGER          NOT NULL,
    run_id             TEXT,
    CHECK (shard_count >= 1)
);
