// API DataLoader: company records by record_id, for a batch of keys in one round trip.
// Params: $keys: [string].
// Returns: key, item (map of AccountRecord properties) for each key that exists.
UNWIND $keys AS key
MATCH (n:AccountRecord {record_id: key})
RETURN key, n {.*} AS item
