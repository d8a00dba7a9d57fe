// Model registry: make $version the one serving model of its task (all others stop serving),
// recording who switched it and when. Promoting the version that already serves changes
// nothing (its promotion and the version it replaced stay, so a rollback still reaches that).
// Params: $version, $by, $at: ISO datetime, $reason.
// Returns: version, task, previous (the version that served before, or null).
MATCH (m:ModelVersion {version: $version})
OPTIONAL MATCH (old:ModelVersion {task: m.task, serving: true})
  WHERE old.version <> $version
WITH m, collect(old.version) AS previous, coalesce(m.serving, false) AS was_serving
MATCH (other:ModelVersion {task: m.task})
SET other.serving = (other.version = $version)
WITH m, previous, was_serving, count(other) AS touched
FOREACH (_ IN CASE WHEN was_serving THEN [] ELSE [1] END |
  SET m.promoted_at = datetime($at), m.promoted_by = $by, m.promotion_reason = $reason,
      m.previous_serving = head(previous))
RETURN m.version AS version, m.task AS task,
       CASE WHEN was_serving THEN m.previous_serving ELSE head(previous) END AS previous
