// API DataLoader: the products each content item FEATURES, for a batch of keys in one round trip.
// Params: $keys: [string].
// Returns: key, items ([Product map]).
UNWIND $keys AS key
MATCH (:Content {content_id: key})-[:FEATURES]->(p:Product)
WITH key, p ORDER BY p.sku
RETURN key, collect(p {.*}) AS items
