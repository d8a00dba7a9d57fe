// API: how many person records match customer_records_search's search and filters
// (its totalCount, run only when a client selects totalCount).
// Params: $search: string; $source_system, $country: string|null; $created_from,
//   $created_to: datetime|null.
// Returns: total: int.
CALL db.index.fulltext.queryNodes('entity_names', $search) YIELD node AS n
WHERE n:CustomerRecord
  AND ($source_system IS NULL OR n.source_system = $source_system)
  AND ($country IS NULL OR n.country = $country)
  AND ($created_from IS NULL OR n.created_at >= $created_from)
  AND ($created_to IS NULL OR n.created_at < $created_to)
RETURN count(n) AS total
