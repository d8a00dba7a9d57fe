// API DataLoader: the person records that WORK_AT each company record (AccountRecord.people, the
// reverse of CustomerRecord.account), by record_id, at most $limit per key, for a batch of keys
// in one round trip. The API masks them for the caller's role, as every person record.
// Params: $keys: [string], $limit: int.
// Returns: key, items ([CustomerRecord map], at most $limit).
// Temporals the API exposes come back as ISO text (toString) and unexposed provenance
// timestamps as null: the Python driver builds each DateTime slowly (api/graphql/types.py).
// email_refused_elsewhere / phone_refused_elsewhere: a record of the same customer refused
// e-mail / SMS: the person did (masked for marketers: api/graphql/auth.py).
UNWIND $keys AS key
CALL (key) {
  MATCH (r:CustomerRecord)-[:WORKS_AT]->(:AccountRecord {record_id: key})
  WITH r ORDER BY r.record_id LIMIT $limit
  RETURN collect(r {.*, created_at: toString(r.created_at), updated_at: toString(r.updated_at), email_refused_elsewhere: r.email IS NOT NULL AND EXISTS { MATCH (r)-[:RESOLVES_TO]->(:Customer)<-[:RESOLVES_TO]-(o:CustomerRecord) WHERE o.consent_email = false }, phone_refused_elsewhere: r.phone IS NOT NULL AND EXISTS { MATCH (r)-[:RESOLVES_TO]->(:Customer)<-[:RESOLVES_TO]-(o:CustomerRecord) WHERE o.consent_sms = false }, first_seen: null, last_seen: null, last_changed: null}) AS items
}
RETURN key, items
