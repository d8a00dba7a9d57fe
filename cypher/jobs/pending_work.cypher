// What a refresh would find to do besides new files: source records never resolved, and
// whether any model serves. Params: none. Returns: unresolved, serving_run.
CALL () {
  MATCH (r:CustomerRecord|AccountRecord)
  WHERE r.placeholder IS NULL AND NOT (r)-[:RESOLVES_TO]->()
  RETURN count(r) AS unresolved
}
CALL () {
  OPTIONAL MATCH (m:ModelVersion {task: 'cross_sell', serving: true})
  RETURN m.training_run AS serving_run
  LIMIT 1
}
RETURN unresolved, serving_run
