// API DataLoader: the campaign each content item is PART_OF, for a batch of keys in one round trip.
// Params: $keys: [string].
// Returns: key, item (Campaign map).
UNWIND $keys AS key
MATCH (:Content {content_id: key})-[:PART_OF]->(c:Campaign)
RETURN key, c {.*} AS item
