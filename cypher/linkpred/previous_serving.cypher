// Model registry: the version that served before $version was promoted (what rollback returns to).
// Params: $version.   Returns: previous (or no row for an unknown version).
MATCH (m:ModelVersion {version: $version})
RETURN m.previous_serving AS previous
