// API DataLoader: the company records that RESOLVE_TO each unified account, for a batch of keys in one round trip.
// Params: $keys: [string].
// Returns: key, items ([AccountRecord map]).
UNWIND $keys AS key
MATCH (r:AccountRecord)-[:RESOLVES_TO]->(:Account {account_id: key})
WITH key, r ORDER BY r.record_id
RETURN key, collect(r {.*}) AS items
