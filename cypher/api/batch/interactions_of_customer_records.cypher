// API DataLoader: each person record's most recent interactions (PERFORMED), newest first, for a batch of keys in one round trip.
// Params: $keys: [string], $limit: int.
// Returns: key, items ([Interaction map], at most $limit).
UNWIND $keys AS key
MATCH (:CustomerRecord {record_id: key})-[:PERFORMED]->(i:Interaction)
WITH key, i ORDER BY i.occurred_at DESC, i.interaction_id
RETURN key, collect(i {.*})[..$limit] AS items
