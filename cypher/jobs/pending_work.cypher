// What a refresh would find to do besides new files: source records never resolved or changed
// by an ingest the last completed resolution run may not have read (an incremental run reads
// both) or deleted at their source but still linked (it detaches them), and whether any model
// serves.
// Params: $changed_by: [IngestRun.run_id] (late_ingest_runs.cypher).
// Returns: unresolved, serving_run.
CALL () {
  MATCH (r:CustomerRecord|AccountRecord)
  WHERE r.placeholder IS NULL AND r.deleted_at IS NULL
    AND (NOT (r)-[:RESOLVES_TO]->() OR r.last_run IN $changed_by)
  RETURN count(r) AS unresolved
}
CALL () {
  // Deleted at their source but still making up an entity: the next run detaches them.
  OPTIONAL MATCH (r:CustomerRecord|AccountRecord)-[:RESOLVES_TO]->()
  WHERE r.deleted_at IS NOT NULL
  RETURN count(r) AS deleted
}
CALL () {
  OPTIONAL MATCH (m:ModelVersion {task: 'cross_sell', serving: true})
  RETURN m.training_run AS serving_run
  LIMIT 1
}
RETURN unresolved + deleted AS unresolved, serving_run
