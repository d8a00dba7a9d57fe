// Model registry: note when a version's scores were (re)written, or cleared (null $at).
// Params: $version, $at: ISO datetime or null, $customers: number scored.
MATCH (m:ModelVersion {version: $version})
SET m.scored_at = CASE WHEN $at IS NULL THEN null ELSE datetime($at) END,
    m.scored_customers = $customers
