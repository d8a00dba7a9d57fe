// API: customer_records_search.cypher read backwards, for backward pages (`last` / `before`): the
// rows strictly before the cursor row ($after_key, $after_id: the `before` cursor; $after_id null:
// from the end of the list), nearest the cursor first, i.e. in the exact reverse of that file's
// order: each sort's direction flipped (a null key first where it came last, last where it came
// first), ids descending. The API reverses the page back into the list's order, so both files give
// the same rows and cursors.
// Params: those of customer_records_search.cypher (filters, $sort);
//   $after_key, $after_id: the cursor row; $limit: int (page size + 1, so the caller
//   sees whether a previous page exists).
// Returns: rows of item, key, id, as customer_records_search.cypher.
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
   OR CASE WHEN key IS NULL THEN CASE WHEN $after_key IS NULL THEN id < $after_id
                                      ELSE descending END
           WHEN $after_key IS NULL THEN NOT descending
           WHEN key = $after_key THEN id < $after_id
           WHEN descending THEN key > $after_key
           ELSE key < $after_key END
RETURN n {.*, created_at: toString(n.created_at), updated_at: toString(n.updated_at), email_refused_elsewhere: n.email IS NOT NULL AND EXISTS { MATCH (n)-[:RESOLVES_TO]->(:Customer)<-[:RESOLVES_TO]-(o:CustomerRecord) WHERE o.consent_email = false }, phone_refused_elsewhere: n.phone IS NOT NULL AND EXISTS { MATCH (n)-[:RESOLVES_TO]->(:Customer)<-[:RESOLVES_TO]-(o:CustomerRecord) WHERE o.consent_sms = false }, first_seen: null, last_seen: null, last_changed: null} AS item, key, id
ORDER BY CASE WHEN descending THEN key END ASC,
         CASE WHEN NOT descending THEN key END DESC,
         id DESC
LIMIT $limit
