-- 0003: scan health. A scan in which most domains could not be measured because of the
-- scanning side (offline, resolver down, no route) is marked, so that history, diffs and the
-- ministers' trend can leave it out (govscan_model::health). NULL health: not assessed (scans
-- saved before this migration), read as healthy.

ALTER TABLE scans ADD COLUMN health_json TEXT;
ALTER TABLE scans ADD COLUMN unhealthy INTEGER NOT NULL DEFAULT 0 CHECK (unhealthy IN (0, 1));
