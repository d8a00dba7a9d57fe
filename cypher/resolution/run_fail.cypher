// Mark a resolution run failed, so that it is not left 'running' for ever. What it wrote
// before failing stays (every write is idempotent; the next run picks up from it).
// Params: $run_id: string, $at: datetime, $error: the exception's class name (no message:
//   it may hold paths or hosts; the full error is in the server log).
MATCH (run:ResolutionRun {run_id: $run_id})
SET run.finished_at = $at, run.status = 'failed', run.error = $error
