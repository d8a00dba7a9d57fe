// API DataLoader: interactions by interaction_id, for a batch of keys in one round trip.
// Params: $keys: [string].
// Returns: key, item (map of Interaction properties) for each key that exists.
UNWIND $keys AS key
MATCH (n:Interaction {interaction_id: key})
RETURN key, n {.*} AS item
