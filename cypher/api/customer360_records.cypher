// API customer 360: the unified customer (if entity resolution has linked one) and every person
// record behind it, found from either a record id or a customer id. Before resolution has run
// the record alone is returned with customer = null.
// Params: $record_id, $customer_id: string|null (exactly one is set).
// Returns: one row: customer (map|null), records ([CustomerRecord map]); no row if not found.
// Temporals the API exposes come back as ISO text (toString) and unexposed provenance
// timestamps as null: the Python driver builds each DateTime slowly (api/graphql/types.py).
// email_refused_elsewhere / phone_refused_elsewhere: a record of the same customer refused
// e-mail / SMS: the person did (masked for marketers: api/graphql/auth.py).
OPTIONAL MATCH (start:CustomerRecord {record_id: $record_id})
OPTIONAL MATCH (start)-[:RESOLVES_TO]->(viaRecord:Customer)
OPTIONAL MATCH (byId:Customer {customer_id: $customer_id})
WITH start, coalesce(viaRecord, byId) AS c
WHERE start IS NOT NULL OR c IS NOT NULL
CALL (start, c) {
  OPTIONAL MATCH (r:CustomerRecord)-[:RESOLVES_TO]->(c)
  WITH start, collect(r) AS linked
  RETURN CASE WHEN size(linked) = 0 THEN [start] ELSE linked END AS recs
}
UNWIND recs AS r
WITH c, r ORDER BY r.updated_at IS NULL, r.updated_at DESC, r.record_id
RETURN CASE WHEN c IS NULL THEN null ELSE c {.*, first_seen: toString(c.first_seen), last_seen: toString(c.last_seen)} END AS customer, collect(r {.*, created_at: toString(r.created_at), updated_at: toString(r.updated_at), email_refused_elsewhere: r.email IS NOT NULL AND EXISTS { MATCH (r)-[:RESOLVES_TO]->(:Customer)<-[:RESOLVES_TO]-(o:CustomerRecord) WHERE o.consent_email = false }, phone_refused_elsewhere: r.phone IS NOT NULL AND EXISTS { MATCH (r)-[:RESOLVES_TO]->(:Customer)<-[:RESOLVES_TO]-(o:CustomerRecord) WHERE o.consent_sms = false }, first_seen: null, last_seen: null, last_changed: null}) AS records
