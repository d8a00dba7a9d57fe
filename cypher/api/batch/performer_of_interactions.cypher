// API DataLoader: the person record that PERFORMED each interaction, for a batch of keys in one round trip.
// Params: $keys: [string].
// Returns: key, item (CustomerRecord map).
// Temporals the API exposes come back as ISO text (toString) and unexposed provenance
// timestamps as null: the Python driver builds each DateTime slowly (api/graphql/types.py).
// email_refused_elsewhere / phone_refused_elsewhere: a record of the same customer refused
// e-mail / SMS: the person did (masked for marketers: api/graphql/auth.py).
UNWIND $keys AS key
MATCH (c:CustomerRecord)-[:PERFORMED]->(:Interaction {interaction_id: key})
RETURN key, c {.*, created_at: toString(c.created_at), updated_at: toString(c.updated_at), email_refused_elsewhere: c.email IS NOT NULL AND EXISTS { MATCH (c)-[:RESOLVES_TO]->(:Customer)<-[:RESOLVES_TO]-(o:CustomerRecord) WHERE o.consent_email = false }, phone_refused_elsewhere: c.phone IS NOT NULL AND EXISTS { MATCH (c)-[:RESOLVES_TO]->(:Customer)<-[:RESOLVES_TO]-(o:CustomerRecord) WHERE o.consent_sms = false }, first_seen: null, last_seen: null, last_changed: null} AS item
