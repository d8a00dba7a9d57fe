// API DataLoader: content by content_id (without its embedding), for a batch of keys in one round trip.
// Params: $keys: [string].
// Returns: key, item (map of Content properties) for each key that exists.
UNWIND $keys AS key
MATCH (n:Content {content_id: key})
RETURN key, n {.*, embedding: null} AS item
