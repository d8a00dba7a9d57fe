// When the last completed resolution run started: every record an ingest changed after that
// may hold content no run has read, so an incremental run reads it again (changed records).
// Params: none.   Returns: since (datetime; null before the first completed run).
MATCH (run:ResolutionRun {status: 'completed'})
RETURN max(run.started_at) AS since
