// API: how many person records match customer_records_search's search and filters
// (its totalCount, run only when a client selects totalCount).
// Params: $search: string (a Lucene query over every field); $search_names: the same terms
//   over the name fields only, or null for roles that may read every record (see below);
//   $source_system, $country: string|null; $created_from,
//   $created_to: datetime|null.
// Returns: total: int.
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
RETURN count(n) AS total
