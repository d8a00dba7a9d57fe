// API: the latest ingest run, as the version of what a copy-writing session caches (catalog for
// the fact-check, best sellers, products). The API rebuilds its session when this changes.
// Params: none.
// Returns: one row: run_id, status (both null on a graph nothing was ingested into).
OPTIONAL MATCH (r:IngestRun)
WITH r ORDER BY r.started_at DESC, r.run_id DESC
LIMIT 1
RETURN r.run_id AS run_id, r.status AS status
