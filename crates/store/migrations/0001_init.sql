-- 0001: the first schema of the govscan scan history.
-- Portable SQL: TEXT RFC 3339 timestamps, DOUBLE PRECISION scores, JSON kept as TEXT,
-- no SQLite-only statements. Every child row cascades from its scan.

CREATE TABLE scans (
    id                 INTEGER PRIMARY KEY,
    started_at         TEXT             NOT NULL,  -- RFC 3339, exactly as the scan recorded it
    started_at_utc     TEXT             NOT NULL,  -- same instant, UTC, fixed width: sorts as text
    finished_at        TEXT             NOT NULL,
    govscan_version    TEXT             NOT NULL,
    schema_version     INTEGER          NOT NULL,  -- results.json layout version
    scoring_version    INTEGER          NOT NULL,
    baseline_id        TEXT             NOT NULL,
    baseline_version   TEXT             NOT NULL,
    baseline_sha256    TEXT             NOT NULL,
    organisations_json TEXT             NOT NULL,
    status             TEXT             NOT NULL CHECK (status IN ('complete'))
);
CREATE INDEX scans_by_start ON scans (started_at_utc, id);

CREATE TABLE domain_results (
    scan_id            INTEGER          NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    position           INTEGER          NOT NULL,  -- target order within the scan
    domain             TEXT             NOT NULL,
    organisation       TEXT,
    score              DOUBLE PRECISION,
    grade              TEXT             NOT NULL,
    grade_cap          TEXT,
    coverage           DOUBLE PRECISION NOT NULL,
    families_json      TEXT             NOT NULL,
    observations_json  TEXT             NOT NULL,
    PRIMARY KEY (scan_id, domain),
    UNIQUE (scan_id, position)
);
CREATE INDEX domain_results_by_domain ON domain_results (domain, scan_id);

CREATE TABLE outcomes (
    scan_id            INTEGER          NOT NULL,
    domain             TEXT             NOT NULL,
    position           INTEGER          NOT NULL,  -- registry order within the domain
    check_id           TEXT             NOT NULL,
    status             TEXT             NOT NULL CHECK (status IN
                           ('pass', 'fail', 'warn', 'info', 'not_applicable', 'inconclusive')),
    finding            TEXT             NOT NULL,
    message            TEXT             NOT NULL,
    evidence_json      TEXT             NOT NULL,
    PRIMARY KEY (scan_id, domain, position),
    FOREIGN KEY (scan_id, domain) REFERENCES domain_results (scan_id, domain) ON DELETE CASCADE
);
CREATE INDEX outcomes_by_check ON outcomes (domain, check_id, scan_id);
