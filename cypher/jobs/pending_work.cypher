// What a refresh would find to do besides new files: source records never resolved or changed
// by an ingest since the last completed resolution run started (an incremental run reads both),
// and whether any model serves. Params: none. Returns: unresolved, serving_run.
CALL () {
  OPTIONAL MATCH (run:ResolutionRun {status: 'completed'})
  WITH max(run.started_at) AS since
  MATCH (r:CustomerRecord|AccountRecord)
  WHERE r.placeholder IS NULL AND (NOT (r)-[:RESOLVES_TO]->() OR r.last_changed > since)
  RETURN count(r) AS unresolved
}
CALL () {
  OPTIONAL MATCH (m:ModelVersion {task: 'cross_sell', serving: true})
  RETURN m.training_run AS serving_run
  LIMIT 1
}
RETURN unresolved, serving_run
