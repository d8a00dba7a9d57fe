// API DataLoader: the company records that RESOLVE_TO each unified account, for a batch of keys in one round trip.
// Params: $keys: [string].
// Returns: key, items ([AccountRecord map]).
// Temporals the API exposes come back as ISO text (toString) and unexposed provenance
// timestamps as null: the Python driver builds each DateTime slowly (api/graphql/types.py).
UNWIND $keys AS key
MATCH (r:AccountRecord)-[:RESOLVES_TO]->(:Account {account_id: key})
WITH key, r ORDER BY r.record_id
RETURN key, collect(r {.*, created_at: toString(r.created_at), updated_at: toString(r.updated_at), first_seen: null, last_seen: null, last_changed: null}) AS items
