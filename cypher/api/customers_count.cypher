// API: how many unified customers match customers.cypher's filter (its totalCount, run only when a
// client selects totalCount).
// Params: $status: string|null.
// Returns: total: int.
MATCH (c:Customer)
WHERE $status IS NULL OR c.status = $status
RETURN count(c) AS total
