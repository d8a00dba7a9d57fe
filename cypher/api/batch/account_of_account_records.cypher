// API DataLoader: the unified account each company record RESOLVES_TO, for a batch of keys in one round trip.
// Params: $keys: [string].
// Returns: key, item (Account map).
// Temporals the API exposes come back as ISO text (toString) and unexposed provenance
// timestamps as null: the Python driver builds each DateTime slowly (api/graphql/types.py).
UNWIND $keys AS key
MATCH (:AccountRecord {record_id: key})-[:RESOLVES_TO]->(a:Account)
RETURN key, a {.*, first_seen: toString(a.first_seen), last_seen: toString(a.last_seen)} AS item
