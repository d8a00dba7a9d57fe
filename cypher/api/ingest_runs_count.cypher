// API: how many IngestRun nodes match ingest_runs.cypher's filters (its totalCount, run only
// when a client selects totalCount).
// Params: $status: string|null.
// Returns: total: int.
MATCH (r:IngestRun)
WHERE $status IS NULL OR r.status = $status
RETURN count(r) AS total
