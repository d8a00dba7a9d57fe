// Record the start of an entity-resolution run (idempotent on run_id).
// Params: $run_id: string, $mode: "full"|"incremental", $backend: string, $at: datetime, $by: string.
MERGE (run:ResolutionRun {run_id: $run_id})
  ON CREATE SET run.source_system = 'resolution', run.source_id = $run_id,
                run.first_run = $run_id, run.first_seen = $at
SET run.last_run = $run_id, run.last_seen = $at, run.started_at = $at, run.mode = $mode,
    run.backend = $backend, run.by = $by, run.status = 'running'
