// API: customer_records.cypher for sort RECORD_ID_ASC (the default), written out so that the
// record_id uniqueness constraint's index serves both the seek and the order: the page reads
// records from $after_id onwards in index order and stops after $limit matches — no label
// scan, no sort, no SKIP, no count (customer_records_count.cypher counts, only when asked).
// The key is always null (record_id alone orders the list), as in customer_records.cypher.
// Params: $source_system, $country: string|null; $created_from, $created_to: datetime|null;
//   $after_key: null; $after_id: the previous page's last record_id, null on the first page;
//   $limit: int (page size + 1, so the caller sees whether a next page exists).
// Returns: rows of item (map of CustomerRecord properties), key (null), id.
// Temporals the API exposes come back as ISO text (toString) and unexposed provenance
// timestamps as null: the Python driver builds each DateTime slowly (api/graphql/types.py).
// email_refused_elsewhere / phone_refused_elsewhere: a record of the same customer refused
// e-mail / SMS: the person did (masked for marketers: api/graphql/auth.py).
MATCH (n:CustomerRecord)
WHERE n.record_id > coalesce($after_id, '')
  AND ($source_system IS NULL OR n.source_system = $source_system)
  AND ($country IS NULL OR n.country = $country)
  AND ($created_from IS NULL OR n.created_at >= $created_from)
  AND ($created_to IS NULL OR n.created_at < $created_to)
RETURN n {.*, created_at: toString(n.created_at), updated_at: toString(n.updated_at), email_refused_elsewhere: n.email IS NOT NULL AND EXISTS { MATCH (n)-[:RESOLVES_TO]->(:Customer)<-[:RESOLVES_TO]-(o:CustomerRecord) WHERE o.consent_email = false }, phone_refused_elsewhere: n.phone IS NOT NULL AND EXISTS { MATCH (n)-[:RESOLVES_TO]->(:Customer)<-[:RESOLVES_TO]-(o:CustomerRecord) WHERE o.consent_sms = false }, first_seen: null, last_seen: null, last_changed: null} AS item, null AS key, n.record_id AS id
ORDER BY n.record_id ASC
LIMIT $limit
