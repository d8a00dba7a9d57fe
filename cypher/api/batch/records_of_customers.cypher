// API DataLoader: the person records that RESOLVE_TO each unified customer, for a batch of keys in one round trip.
// Params: $keys: [string].
// Returns: key, items ([CustomerRecord map]).
// Temporals the API exposes come back as ISO text (toString) and unexposed provenance
// timestamps as null: the Python driver builds each DateTime slowly (api/graphql/types.py).
// email_refused_elsewhere / phone_refused_elsewhere: a record of the same customer refused
// e-mail / SMS: the person did (masked for marketers: api/graphql/auth.py).
UNWIND $keys AS key
MATCH (r:CustomerRecord)-[:RESOLVES_TO]->(:Customer {customer_id: key})
WITH key, r ORDER BY r.record_id
RETURN key, collect(r {.*, created_at: toString(r.created_at), updated_at: toString(r.updated_at), email_refused_elsewhere: r.email IS NOT NULL AND EXISTS { MATCH (r)-[:RESOLVES_TO]->(:Customer)<-[:RESOLVES_TO]-(o:CustomerRecord) WHERE o.consent_email = false }, phone_refused_elsewhere: r.phone IS NOT NULL AND EXISTS { MATCH (r)-[:RESOLVES_TO]->(:Customer)<-[:RESOLVES_TO]-(o:CustomerRecord) WHERE o.consent_sms = false }, first_seen: null, last_seen: null, last_changed: null}) AS items
