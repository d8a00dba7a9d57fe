// API DataLoader: the company record each person record WORKS_AT, for a batch of keys in one round trip.
// Params: $keys: [string].
// Returns: key, item (AccountRecord map).
UNWIND $keys AS key
MATCH (:CustomerRecord {record_id: key})-[:WORKS_AT]->(a:AccountRecord)
RETURN key, a {.*} AS item
