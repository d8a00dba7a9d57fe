// Delete up to $limit nodes (with their relationships) of the data graph, keeping the schema
// and the (:Migration) history. Call repeatedly until it returns 0; used by tests and resets.
// Params: $limit: int.   Returns: deleted.
MATCH (n)
WHERE NOT n:Migration
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted
