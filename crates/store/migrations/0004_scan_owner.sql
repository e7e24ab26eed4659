-- 0003: who is writing a running scan. `govscan scan` holds an exclusive lock on the sidecar
-- file `<database>.lock` for as long as it runs (the kernel releases it when the process dies,
-- however it dies) and records itself here, so a second run can say which process it waits
-- for, and `--resume` can tell a scan whose writer is gone from one whose writer still lives.
-- The same migration transaction sets `PRAGMA application_id` (done by the migration code, as
-- it is SQLite's own header field), marking the file as govscan's.

ALTER TABLE running_scans ADD COLUMN owner_pid         INTEGER;  -- process id
ALTER TABLE running_scans ADD COLUMN owner_host        TEXT;     -- host name
ALTER TABLE running_scans ADD COLUMN owner_boot_id     TEXT;     -- Linux boot id: pid reuse across reboots
ALTER TABLE running_scans ADD COLUMN owner_start_ticks INTEGER;  -- process start, clock ticks since boot
ALTER TABLE running_scans ADD COLUMN owner_since       TEXT;     -- RFC 3339: when it took the scan
