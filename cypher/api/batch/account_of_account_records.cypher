// API DataLoader: the unified account each company record RESOLVES_TO, for a batch of keys in one round trip.
// Params: $keys: [string].
// Returns: key, item (Account map).
UNWIND $keys AS key
MATCH (:AccountRecord {record_id: key})-[:RESOLVES_TO]->(a:Account)
RETURN key, a {.*} AS item
