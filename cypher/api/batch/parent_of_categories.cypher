// API DataLoader: the parent each category is a SUBCATEGORY_OF, for a batch of keys in one round trip.
// Params: $keys: [string].
// Returns: key, item (Category map).
UNWIND $keys AS key
MATCH (:Category {category_id: key})-[:SUBCATEGORY_OF]->(c:Category)
RETURN key, c {.*} AS item
