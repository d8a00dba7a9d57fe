// API DataLoader: the campaign each interaction is IN_CAMPAIGN, for a batch of keys in one round trip.
// Params: $keys: [string].
// Returns: key, item (Campaign map).
UNWIND $keys AS key
MATCH (:Interaction {interaction_id: key})-[:IN_CAMPAIGN]->(c:Campaign)
RETURN key, c {.*} AS item
