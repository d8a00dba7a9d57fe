// Model registry: record one trained model version (idempotent on version). JSON-valued fields
// are text because Neo4j has no map properties; analysts read them with apoc.convert.fromJsonMap.
// Params: $version, $task: 'cross_sell'|'propensity', $model: model name, $training_run,
//   $created_at: ISO datetime, $cutoff: ISO datetime (end of the test window's inputs),
//   $metrics: JSON, $params: JSON, $snapshot: JSON, $windows: JSON, $artifact: path,
//   $artifact_sha256.   Returns: version.
MERGE (m:ModelVersion {version: $version})
  ON CREATE SET m.source_system = 'linkpred', m.source_id = $version,
                m.first_run = $training_run, m.first_seen = datetime($created_at),
                m.serving = false
SET m.task = $task, m.model = $model, m.training_run = $training_run,
    m.created_at = datetime($created_at), m.cutoff = datetime($cutoff), m.metrics = $metrics,
    m.params = $params, m.data_snapshot = $snapshot, m.windows = $windows,
    m.artifact = $artifact, m.artifact_sha256 = $artifact_sha256,
    m.last_run = $training_run, m.last_seen = datetime($created_at)
RETURN m.version AS version
