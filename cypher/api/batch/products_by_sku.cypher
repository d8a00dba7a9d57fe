// API DataLoader: products by sku, for a batch of keys in one round trip.
// Params: $keys: [string].
// Returns: key, item (map of Product properties) for each key that exists.
UNWIND $keys AS key
MATCH (n:Product {sku: key})
RETURN key, n {.*} AS item
