// Node counts per label and relationship counts per type, from Neo4j's count store (fast at
// any size). Params: none.   Returns: labels: map, relationships: map.
CALL apoc.meta.stats() YIELD labels, relTypesCount
RETURN labels, relTypesCount AS relationships
