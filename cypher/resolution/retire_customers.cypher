// Retire active (:Customer) nodes that no record resolves to any more (merged away or emptied by
// a split, its records deleted or erased). They are kept as tombstones: `merged` with
// merged_into, so an old id still leads somewhere, or `retired` when no entity took its records;
// an unmerge can bring either back.
// Params: $ids: [string] (candidate ids), $merged_into: map id -> surviving id, $run_id, $at.
// Returns: retired.
UNWIND $ids AS id
MATCH (e:Customer {customer_id: id})
WHERE e.status = 'active' AND NOT EXISTS { (e)<-[:RESOLVES_TO]-() }
SET e.status = CASE WHEN $merged_into[id] IS NULL THEN 'retired' ELSE 'merged' END,
    e.merged_into = $merged_into[id], e.last_run = $run_id,
    e.last_seen = $at
WITH e
OPTIONAL MATCH (e)-[w:WORKS_AT]-()
DELETE w
RETURN count(DISTINCT e) AS retired
