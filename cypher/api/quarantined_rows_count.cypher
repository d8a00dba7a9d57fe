// API: how many QuarantinedRow nodes match quarantined_rows.cypher's filters (its
// totalCount, run only when a client selects totalCount).
// Params: $source_type, $run_id: string|null.
// Returns: total: int.
MATCH (q:QuarantinedRow)
WHERE ($source_type IS NULL OR q.source_type = $source_type)
  AND ($run_id IS NULL OR EXISTS { (:IngestRun {run_id: $run_id})-[:QUARANTINED]->(q) })
RETURN count(q) AS total
