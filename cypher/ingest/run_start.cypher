// Record the start of an ingest run; the node is the audit trail of what was loaded when.
// A run left 'running' was killed: re-running the same files converges (every write MERGEs).
// Params: $run_id, $started_at: datetime, $paths: [string], $force: bool, $by (who started it).
MERGE (r:IngestRun {run_id: $run_id})
  ON CREATE SET r.started_at = $started_at, r.status = 'running', r.paths = $paths,
                r.force = $force, r.started_by = $by, r.source_system = 'marketgraph',
                r.source_id = $run_id, r.first_seen = $started_at, r.first_run = $run_id
RETURN r.run_id AS run_id
