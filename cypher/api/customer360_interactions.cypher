// API customer 360: the most recent interactions performed by any of a customer's records.
// Params: $record_ids: [string], $limit: int.
// Returns: item (Interaction map), newest first, at most $limit rows.
// Temporals the API exposes come back as ISO text (toString) and unexposed provenance
// timestamps as null: the Python driver builds each DateTime slowly (api/graphql/types.py).
// performer_deleted: the call notes' person was deleted at their source (notes masked below
// analyst, as the record's own fields are: api/graphql/types.py interaction_from).
MATCH (r:CustomerRecord)-[:PERFORMED]->(i:Interaction)
WHERE r.record_id IN $record_ids
WITH DISTINCT i
ORDER BY i.occurred_at DESC, i.interaction_id
LIMIT $limit
RETURN i {.*, occurred_at: toString(i.occurred_at), performer_deleted: CASE WHEN i.notes IS NULL THEN false ELSE EXISTS { MATCH (p:CustomerRecord)-[:PERFORMED]->(i) WHERE p.deleted_at IS NOT NULL } END, first_seen: null, last_seen: null, last_changed: null} AS item
