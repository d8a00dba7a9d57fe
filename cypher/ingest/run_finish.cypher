// Close an ingest run with its totals. read = loaded + quarantined always holds.
// Params: $run_id, $finished_at: datetime, $status, $totals: {files, skipped_files, rows_read,
//   loaded, quarantined, created, updated, unchanged, older, seconds, rows_per_second}.
MATCH (r:IngestRun {run_id: $run_id})
SET r.finished_at = $finished_at, r.status = $status, r += $totals
RETURN r.run_id AS run_id
