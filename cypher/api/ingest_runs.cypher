// API: one page of ingest runs, newest first, plus the total over the same filter.
// Params: $status: string|null; $skip, $limit: int.
// Returns: total: int, items: [map of IngestRun properties].
CALL () {
  MATCH (r:IngestRun)
  WHERE $status IS NULL OR r.status = $status
  RETURN count(r) AS total
}
CALL () {
  MATCH (r:IngestRun)
  WHERE $status IS NULL OR r.status = $status
  WITH r ORDER BY r.started_at DESC, r.run_id ASC
  SKIP $skip LIMIT $limit
  RETURN collect(r {.*}) AS items
}
RETURN total, items
