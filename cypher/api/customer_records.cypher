// API: one page of person records as the source systems exported them, after a keyset
// cursor. The sort is one of fixed CASE branches picked by $sort (a GraphQL enum value), so
// no text from a request ever becomes Cypher. RECORD_ID_ASC (no key) normally runs
// customer_records_by_id.cypher, which the record_id index serves; here it is record_id alone.
// Rows sort by `key` as Neo4j orders values (a null key after every value when ascending,
// before them when descending, as the offset version did), then by record_id ascending; the
// page starts after the row ($after_key, $after_id): no SKIP and no count
// (customer_records_count.cypher counts, only when a client selects totalCount). Datetime keys
// are epochMillis and date keys ISO text: plain JSON values a cursor carries exactly (a
// datetime parameter would be compared by zone as well as instant).
// Params: $source_system, $country: string|null; $created_from, $created_to: datetime|null;
//   $sort: NAME_ASC|NAME_DESC|CREATED_ASC|CREATED_DESC|RECORD_ID_ASC;
//   $after_key: the previous page's last key; $after_id: its record_id, null on the first page;
//   $limit: int (page size + 1, so the caller sees whether a next page exists).
// Returns: rows of item (map of CustomerRecord properties), key, id.
// Temporals the API exposes come back as ISO text (toString) and unexposed provenance
// timestamps as null: the Python driver builds each DateTime slowly (api/graphql/types.py).
// email_refused_elsewhere / phone_refused_elsewhere: a record of the same customer refused
// e-mail / SMS: the person did (masked for marketers: api/graphql/auth.py).
MATCH (n:CustomerRecord)
WHERE ($source_system IS NULL OR n.source_system = $source_system)
  AND ($country IS NULL OR n.country = $country)
  AND ($created_from IS NULL OR n.created_at >= $created_from)
  AND ($created_to IS NULL OR n.created_at < $created_to)
WITH n, n.record_id AS id,
     CASE $sort WHEN 'NAME_ASC' THEN n.full_name WHEN 'NAME_DESC' THEN n.full_name
                WHEN 'CREATED_ASC' THEN n.created_at.epochMillis
                WHEN 'CREATED_DESC' THEN n.created_at.epochMillis END AS key
WHERE $after_id IS NULL
   OR CASE WHEN key IS NULL THEN CASE WHEN $after_key IS NULL THEN id > $after_id
                                      ELSE NOT $sort ENDS WITH '_DESC' END
           WHEN $after_key IS NULL THEN $sort ENDS WITH '_DESC'
           WHEN key = $after_key THEN id > $after_id
           WHEN $sort ENDS WITH '_DESC' THEN key < $after_key
           ELSE key > $after_key END
RETURN n {.*, created_at: toString(n.created_at), updated_at: toString(n.updated_at), email_refused_elsewhere: n.email IS NOT NULL AND EXISTS { MATCH (n)-[:RESOLVES_TO]->(:Customer)<-[:RESOLVES_TO]-(o:CustomerRecord) WHERE o.consent_email = false }, phone_refused_elsewhere: n.phone IS NOT NULL AND EXISTS { MATCH (n)-[:RESOLVES_TO]->(:Customer)<-[:RESOLVES_TO]-(o:CustomerRecord) WHERE o.consent_sms = false }, first_seen: null, last_seen: null, last_changed: null} AS item, key, id
ORDER BY CASE WHEN $sort ENDS WITH '_DESC' THEN key END DESC,
         CASE WHEN NOT $sort ENDS WITH '_DESC' THEN key END ASC,
         id ASC
LIMIT $limit
