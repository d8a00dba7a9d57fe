// API DataLoader: the person record that PERFORMED each interaction, for a batch of keys in one round trip.
// Params: $keys: [string].
// Returns: key, item (CustomerRecord map).
UNWIND $keys AS key
MATCH (c:CustomerRecord)-[:PERFORMED]->(:Interaction {interaction_id: key})
RETURN key, c {.*} AS item
