// API DataLoader: interactions by interaction_id, for a batch of keys in one round trip.
// Params: $keys: [string].
// Returns: key, item (map of Interaction properties) for each key that exists.
// Temporals the API exposes come back as ISO text (toString) and unexposed provenance
// timestamps as null: the Python driver builds each DateTime slowly (api/graphql/types.py).
UNWIND $keys AS key
MATCH (n:Interaction {interaction_id: key})
RETURN key, n {.*, occurred_at: toString(n.occurred_at), first_seen: null, last_seen: null, last_changed: null} AS item
