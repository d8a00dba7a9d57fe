// API: how many Campaign nodes match campaigns.cypher's filters (its totalCount, run only
// when a client selects totalCount).
// Params: $channel, $objective: string|null.
// Returns: total: int.
MATCH (c:Campaign)
WHERE ($channel IS NULL OR c.channel = $channel)
  AND ($objective IS NULL OR c.objective = $objective)
RETURN count(c) AS total
