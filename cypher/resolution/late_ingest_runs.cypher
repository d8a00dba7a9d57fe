// The ingest runs whose writes the last completed resolution run may not have read: those not
// finished when it started (an ingest's finished_at is set after its last commit; both times
// come from the writers' clocks, which NTP keeps within milliseconds of each other). A
// record whose content such a run changed (its last_run) is read again by the next
// incremental run. Why runs, not times: an ingest stamps rows with its start time but commits
// them later, so a timestamp watermark would miss an update committed while a resolution read.
// Params: none.   Returns: runs ([run_id]; empty before the first completed resolution run).
OPTIONAL MATCH (done:ResolutionRun {status: 'completed'})
WITH max(done.started_at) AS since
OPTIONAL MATCH (ir:IngestRun)
WHERE since IS NOT NULL
  AND (ir.finished_at IS NULL OR ir.finished_at >= since)
RETURN collect(ir.run_id) AS runs
