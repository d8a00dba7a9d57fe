// Wait until every index is online (after a full run recreated the blocking-key indexes), so
// the run ends with incremental lookups as fast as before it.
// Params: $seconds: how long to wait at most.
CALL db.awaitIndexes($seconds)
