// API readiness probe: proves Neo4j answers a query on the configured database.
// Params: none.   Returns: ok = 1.
RETURN 1 AS ok
