// API: one page of quarantined rows (rows a data contract rejected, with the reason), plus the
// total over the same filters.
// Params: $source_type, $run_id: string|null; $skip, $limit: int.
// Returns: total: int, items: [map of QuarantinedRow properties].
CALL () {
  MATCH (q:QuarantinedRow)
  WHERE ($source_type IS NULL OR q.source_type = $source_type)
    AND ($run_id IS NULL OR EXISTS { (:IngestRun {run_id: $run_id})-[:QUARANTINED]->(q) })
  RETURN count(q) AS total
}
CALL () {
  MATCH (q:QuarantinedRow)
  WHERE ($source_type IS NULL OR q.source_type = $source_type)
    AND ($run_id IS NULL OR EXISTS { (:IngestRun {run_id: $run_id})-[:QUARANTINED]->(q) })
  WITH q ORDER BY q.file ASC, q.row_number ASC, q.row_id ASC
  SKIP $skip LIMIT $limit
  RETURN collect(q {.*}) AS items
}
RETURN total, items
