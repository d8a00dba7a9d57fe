// API: how many clerical-review items match review_queue.cypher's filter (its totalCount, run
// only when a client selects totalCount).
// Params: $status: "open"|"accepted"|"rejected" or null for all.
// Returns: total: int.
MATCH (m:MatchReview)
WHERE $status IS NULL OR m.status = $status
RETURN count(m) AS total
