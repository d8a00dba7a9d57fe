// Mark a resolution run finished with its counts.
// Params: $run_id: string, $at: datetime, $stats: map of numbers and strings (flat).
MATCH (run:ResolutionRun {run_id: $run_id})
SET run += $stats, run.finished_at = $at, run.status = 'completed'
