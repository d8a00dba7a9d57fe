// API DataLoader: the unified customer each person record RESOLVES_TO, for a batch of keys in one round trip.
// Params: $keys: [string].
// Returns: key, item (Customer map).
UNWIND $keys AS key
MATCH (:CustomerRecord {record_id: key})-[:RESOLVES_TO]->(c:Customer)
RETURN key, c {.*} AS item
