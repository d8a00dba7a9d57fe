// API DataLoader: the company record each person record WORKS_AT, for a batch of keys in one round trip.
// Params: $keys: [string].
// Returns: key, item (AccountRecord map).
// Temporals the API exposes come back as ISO text (toString) and unexposed provenance
// timestamps as null: the Python driver builds each DateTime slowly (api/graphql/types.py).
UNWIND $keys AS key
MATCH (:CustomerRecord {record_id: key})-[:WORKS_AT]->(a:AccountRecord)
RETURN key, a {.*, created_at: toString(a.created_at), updated_at: toString(a.updated_at), first_seen: null, last_seen: null, last_changed: null} AS item
