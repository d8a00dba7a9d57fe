// Save a job run's progress or outcome. Params: $run_id, $status, $steps (JSON string),
// $error (string or null), $finished_at (datetime or null).
MATCH (r:JobRun {run_id: $run_id})
SET r.status = $status, r.steps = $steps, r.error = $error, r.finished_at = $finished_at
