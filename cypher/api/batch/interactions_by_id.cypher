// API DataLoader: interactions by interaction_id, for a batch of keys in one round trip.
// Params: $keys: [string].
// Returns: key, item (map of Interaction properties) for each key that exists.
// Temporals the API exposes come back as ISO text (toString) and unexposed provenance
// timestamps as null: the Python driver builds each DateTime slowly (api/graphql/types.py).
// performer_deleted: the call notes' person was deleted at their source (notes masked below
// analyst, as the record's own fields are: api/graphql/types.py interaction_from).
UNWIND $keys AS key
MATCH (n:Interaction {interaction_id: key})
RETURN key, n {.*, occurred_at: toString(n.occurred_at), performer_deleted: CASE WHEN n.notes IS NULL THEN false ELSE EXISTS { MATCH (p:CustomerRecord)-[:PERFORMED]->(n) WHERE p.deleted_at IS NOT NULL } END, first_seen: null, last_seen: null, last_changed: null} AS item
