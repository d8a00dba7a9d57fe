// API DataLoader: the content each interaction ENGAGED_WITH, for a batch of keys in one round trip.
// Params: $keys: [string].
// Returns: key, item (Content map).
UNWIND $keys AS key
MATCH (:Interaction {interaction_id: key})-[:ENGAGED_WITH]->(c:Content)
RETURN key, c {.*, embedding: null} AS item
