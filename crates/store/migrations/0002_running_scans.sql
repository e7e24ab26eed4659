-- 0002: resumable scans. A scan that is still being written (or was killed part-way) has a
-- row here; its domains are committed in small batches as they finish. Completing the scan
-- deletes this row in the same transaction that records the end time. Every reader of the
-- history ignores scans that have a row here, so an unfinished scan is never listed, diffed or
-- reported. (`scans.status` stays 'complete': SQLite cannot change its CHECK constraint
-- without rebuilding `scans`, and rebuilding a parent table of ON DELETE CASCADE children
-- inside the migration transaction would delete them.)

CREATE TABLE running_scans (
    scan_id            INTEGER          PRIMARY KEY REFERENCES scans (id) ON DELETE CASCADE,
    targets_sha256     TEXT             NOT NULL,  -- the target set being scanned, hashed
    target_count       INTEGER          NOT NULL
);
