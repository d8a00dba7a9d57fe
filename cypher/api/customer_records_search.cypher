// API: one page of person records matching a full-text search over the `entity_names`
// index (names, emails, company names), after a keyset cursor, with the filters and fixed
// sorts of customer_records.cypher plus RELEVANCE (key: the Lucene score, highest first).
// $search is already a Lucene query whose special characters the API escaped.
// Rows sort by `key` as Neo4j orders values (a null key after every value when ascending,
// before them when descending, as the offset version did), then by record_id ascending; the
// page starts after the row ($after_key, $after_id): no SKIP and no count
// (customer_records_search_count.cypher counts, only when a client selects totalCount).
// Datetime keys are epochMillis and date keys ISO text: plain JSON values a cursor carries
// exactly (a datetime parameter would be compared by zone as well as instant).
// Params: $search: string (a Lucene query over every field); $search_names: the same terms
//   over the name fields only, or null for roles that may read every record (see below);
//   $source_system, $country: string|null; $created_from,
//   $created_to: datetime|null; $sort: RELEVANCE|NAME_ASC|NAME_DESC|CREATED_ASC|
//   CREATED_DESC|RECORD_ID_ASC;
//   $after_key: the previous page's last key; $after_id: its record_id, null on the first page;
//   $limit: int (page size + 1, so the caller sees whether a next page exists).
// Returns: rows of item (map of CustomerRecord properties), key, id.
// Temporals the API exposes come back as ISO text (toString) and unexposed provenance
// timestamps as null: the Python driver builds each DateTime slowly (api/graphql/types.py).
// email_refused_elsewhere / phone_refused_elsewhere: a record of the same customer refused
// e-mail / SMS: the person did (masked for marketers: api/graphql/auth.py).
CALL () {
  // Analysts and admins ($search_names null): one search over every indexed field.
  WITH 1 AS go WHERE $search_names IS NULL
  CALL db.index.fulltext.queryNodes('entity_names', $search) YIELD node, score
  RETURN node AS n, score
  UNION
  // Below them, names find any record, an e-mail only a record whose address they may read
  // (not refused by the person on any of their records: api/graphql/auth.py masks it), and a
  // record deleted at its source neither.
  WITH 1 AS go WHERE $search_names IS NOT NULL
  CALL db.index.fulltext.queryNodes('entity_names', $search_names) YIELD node, score
  RETURN node AS n, score
  UNION
  WITH 1 AS go WHERE $search_names IS NOT NULL
  CALL db.index.fulltext.queryNodes('entity_names', $search) YIELD node, score
  WITH node, score WHERE coalesce(node.consent_email, true)
    AND NOT EXISTS { MATCH (node)-[:RESOLVES_TO]->(:Customer)<-[:RESOLVES_TO]-(o:CustomerRecord)
                     WHERE o.consent_email = false }
  RETURN node AS n, score
}
WITH n, max(score) AS score
WHERE n:CustomerRecord AND ($search_names IS NULL OR n.deleted_at IS NULL)
  AND ($source_system IS NULL OR n.source_system = $source_system)
  AND ($country IS NULL OR n.country = $country)
  AND ($created_from IS NULL OR n.created_at >= $created_from)
  AND ($created_to IS NULL OR n.created_at < $created_to)
WITH n, n.record_id AS id, $sort = 'RELEVANCE' OR $sort ENDS WITH '_DESC' AS descending,
     CASE $sort WHEN 'RELEVANCE' THEN score
                WHEN 'NAME_ASC' THEN n.full_name WHEN 'NAME_DESC' THEN n.full_name
                WHEN 'CREATED_ASC' THEN n.created_at.epochMillis
                WHEN 'CREATED_DESC' THEN n.created_at.epochMillis END AS key
WHERE $after_id IS NULL
   OR CASE WHEN key IS NULL THEN CASE WHEN $after_key IS NULL THEN id > $after_id
                                      ELSE NOT descending END
           WHEN $after_key IS NULL THEN descending
           WHEN key = $after_key THEN id > $after_id
           WHEN descending THEN key < $after_key
           ELSE key > $after_key END
RETURN n {.*, created_at: toString(n.created_at), updated_at: toString(n.updated_at), email_refused_elsewhere: n.email IS NOT NULL AND EXISTS { MATCH (n)-[:RESOLVES_TO]->(:Customer)<-[:RESOLVES_TO]-(o:CustomerRecord) WHERE o.consent_email = false }, phone_refused_elsewhere: n.phone IS NOT NULL AND EXISTS { MATCH (n)-[:RESOLVES_TO]->(:Customer)<-[:RESOLVES_TO]-(o:CustomerRecord) WHERE o.consent_sms = false }, first_seen: null, last_seen: null, last_changed: null} AS item, key, id
ORDER BY CASE WHEN descending THEN key END DESC,
         CASE WHEN NOT descending THEN key END ASC,
         id ASC
LIMIT $limit
