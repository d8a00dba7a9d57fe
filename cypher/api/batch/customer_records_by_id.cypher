// API DataLoader: person records by record_id, for a batch of keys in one round trip.
// Params: $keys: [string].
// Returns: key, item (map of CustomerRecord properties) for each key that exists.
UNWIND $keys AS key
MATCH (n:CustomerRecord {record_id: key})
RETURN key, n {.*} AS item
