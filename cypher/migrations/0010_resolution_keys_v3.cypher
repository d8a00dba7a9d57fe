// Migration 0010: blocking keys version 3 (models/resolution/blocking_keys.py). rk_first_last is
// gone: every pair it found, rk_first_last3 (first name + the surname's first three letters)
// finds too, swapped names included, so it cost a property and an index on every person record
// for nothing. The next full run rewrites every record's keys (their digests name the version).
DROP INDEX customer_record_rk_first_last IF EXISTS;
MATCH (r:CustomerRecord) WHERE r.rk_first_last IS NOT NULL
CALL (r) { REMOVE r.rk_first_last } IN TRANSACTIONS OF 10000 ROWS;
