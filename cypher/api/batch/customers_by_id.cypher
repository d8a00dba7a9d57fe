// API DataLoader: unified customers by customer_id, for a batch of keys in one round trip.
// Params: $keys: [string].
// Returns: key, item (map of Customer properties) for each key that exists.
UNWIND $keys AS key
MATCH (n:Customer {customer_id: key})
RETURN key, n {.*} AS item
