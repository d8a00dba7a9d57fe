// API DataLoader: the (sub)category each product is IN_CATEGORY, for a batch of keys in one round trip.
// Params: $keys: [string].
// Returns: key, item (Category map).
UNWIND $keys AS key
MATCH (:Product {sku: key})-[:IN_CATEGORY]->(c:Category)
RETURN key, c {.*} AS item
