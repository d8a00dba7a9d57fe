// API customer 360: the most recent interactions performed by any of a customer's records.
// Params: $record_ids: [string], $limit: int.
// Returns: item (Interaction map), newest first, at most $limit rows.
// Temporals the API exposes come back as ISO text (toString) and unexposed provenance
// timestamps as null: the Python driver builds each DateTime slowly (api/graphql/types.py).
MATCH (r:CustomerRecord)-[:PERFORMED]->(i:Interaction)
WHERE r.record_id IN $record_ids
WITH DISTINCT i
ORDER BY i.occurred_at DESC, i.interaction_id
LIMIT $limit
RETURN i {.*, occurred_at: toString(i.occurred_at), first_seen: null, last_seen: null, last_changed: null} AS item
