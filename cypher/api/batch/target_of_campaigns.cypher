// API DataLoader: the category each campaign TARGETS, for a batch of keys in one round trip.
// Params: $keys: [string].
// Returns: key, item (Category map).
UNWIND $keys AS key
MATCH (:Campaign {campaign_id: key})-[:TARGETS]->(c:Category)
RETURN key, c {.*} AS item
