// API DataLoader: unified accounts by account_id, for a batch of keys in one round trip.
// Params: $keys: [string].
// Returns: key, item (map of Account properties) for each key that exists.
UNWIND $keys AS key
MATCH (n:Account {account_id: key})
RETURN key, n {.*} AS item
