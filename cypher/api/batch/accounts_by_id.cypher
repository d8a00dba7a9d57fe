// API DataLoader: unified accounts by account_id, for a batch of keys in one round trip.
// Params: $keys: [string].
// Returns: key, item (map of Account properties) for each key that exists.
// Temporals the API exposes come back as ISO text (toString) and unexposed provenance
// timestamps as null: the Python driver builds each DateTime slowly (api/graphql/types.py).
UNWIND $keys AS key
MATCH (n:Account {account_id: key})
RETURN key, n {.*, first_seen: toString(n.first_seen), last_seen: toString(n.last_seen)} AS item
