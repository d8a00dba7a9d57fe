// API DataLoader: the person records that RESOLVE_TO each unified customer, for a batch of keys in one round trip.
// Params: $keys: [string].
// Returns: key, items ([CustomerRecord map]).
UNWIND $keys AS key
MATCH (r:CustomerRecord)-[:RESOLVES_TO]->(:Customer {customer_id: key})
WITH key, r ORDER BY r.record_id
RETURN key, collect(r {.*}) AS items
