// Remove up to $limit score relationships written by $version (RECOMMENDED edges and SCORED_BY
// links), so a re-score replaces them and old versions can be pruned. Call until deleted = 0.
// Params: $version, $limit.   Returns: deleted.
CALL () {
  MATCH ()-[r:RECOMMENDED]->() WHERE r.model_version = $version
  RETURN r LIMIT $limit
  UNION
  MATCH (:ModelVersion {version: $version})<-[r:SCORED_BY]-()
  RETURN r LIMIT $limit
}
WITH r LIMIT $limit
DELETE r
RETURN count(*) AS deleted
