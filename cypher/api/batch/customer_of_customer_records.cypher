// API DataLoader: the unified customer each person record RESOLVES_TO, for a batch of keys in one round trip.
// Params: $keys: [string].
// Returns: key, item (Customer map).
// Temporals the API exposes come back as ISO text (toString) and unexposed provenance
// timestamps as null: the Python driver builds each DateTime slowly (api/graphql/types.py).
UNWIND $keys AS key
MATCH (:CustomerRecord {record_id: key})-[:RESOLVES_TO]->(c:Customer)
RETURN key, c {.*, first_seen: toString(c.first_seen), last_seen: toString(c.last_seen)} AS item
