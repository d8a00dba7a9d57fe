// API: how many unified accounts match accounts.cypher's filter (its totalCount, run only when a
// client selects totalCount).
// Params: $status: string|null.
// Returns: total: int.
MATCH (a:Account)
WHERE $status IS NULL OR a.status = $status
RETURN count(a) AS total
