// The most recent ingest runs with their totals, newest first.
// Params: $limit: int.
MATCH (r:IngestRun)
RETURN r.run_id AS run_id, r.status AS status, r.started_at AS started_at,
       r.rows_read AS rows_read, r.loaded AS loaded, r.quarantined AS quarantined,
       r.created AS created, r.updated AS updated, r.unchanged AS unchanged,
       r.seconds AS seconds
ORDER BY r.started_at DESC
LIMIT $limit
