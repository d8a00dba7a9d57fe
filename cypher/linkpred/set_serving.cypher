// Model registry: make $version the one serving model of its task (all others stop serving),
// recording who switched it and when. Params: $version, $by, $at: ISO datetime, $reason.
// Returns: version, task, previous (the version that served before, or null).
MATCH (m:ModelVersion {version: $version})
OPTIONAL MATCH (old:ModelVersion {task: m.task, serving: true})
WITH m, collect(old.version) AS previous
MATCH (other:ModelVersion {task: m.task})
SET other.serving = (other.version = $version)
WITH m, previous, count(other) AS touched
SET m.promoted_at = datetime($at), m.promoted_by = $by, m.promotion_reason = $reason,
    m.previous_serving = head(previous)
RETURN m.version AS version, m.task AS task, head(previous) AS previous
