// API DataLoader: campaigns by campaign_id, for a batch of keys in one round trip.
// Params: $keys: [string].
// Returns: key, item (map of Campaign properties) for each key that exists.
UNWIND $keys AS key
MATCH (n:Campaign {campaign_id: key})
RETURN key, n {.*} AS item
