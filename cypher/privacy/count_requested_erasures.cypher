// How many records an erasure log flagged that wait to be erased (requested_erasures.cypher).
// Params: none. Returns: waiting.
MATCH (r:CustomerRecord)
WHERE r.erasure_requested_at IS NOT NULL
RETURN count(r) AS waiting
