// API customer 360: the most recent interactions performed by any of a customer's records.
// Params: $record_ids: [string], $limit: int.
// Returns: item (Interaction map), newest first, at most $limit rows.
MATCH (r:CustomerRecord)-[:PERFORMED]->(i:Interaction)
WHERE r.record_id IN $record_ids
RETURN DISTINCT i {.*} AS item, i.occurred_at AS at
ORDER BY at DESC, item.interaction_id
LIMIT $limit
