// API DataLoader: categories by category_id, for a batch of keys in one round trip.
// Params: $keys: [string].
// Returns: key, item (map of Category properties) for each key that exists.
UNWIND $keys AS key
MATCH (n:Category {category_id: key})
RETURN key, n {.*} AS item
