// Model registry: every version, newest first, with whether it serves and whether its scores
// are in the graph. Params: $task: string or null for all.
// Returns: version, task, model, created_at, serving, scored_at, promoted_at, metrics, artifact.
MATCH (m:ModelVersion)
WHERE $task IS NULL OR m.task = $task
RETURN m.version AS version, m.task AS task, m.model AS model,
       toString(m.created_at) AS created_at, m.serving AS serving,
       toString(m.scored_at) AS scored_at, toString(m.promoted_at) AS promoted_at,
       m.promoted_by AS promoted_by, m.metrics AS metrics, m.artifact AS artifact,
       m.artifact_sha256 AS artifact_sha256, m.training_run AS training_run
ORDER BY m.created_at DESC, m.version DESC
