// API: person records matching a full-text search over the `entity_names` index (names,
// emails, company names), with the same filters and fixed sorts as customer_records plus
// RELEVANCE. $search is already a Lucene query whose special characters the API escaped.
// Params: $search: string; $source_system, $country: string|null; $created_from,
//   $created_to: datetime|null; $sort: RELEVANCE|NAME_ASC|NAME_DESC|CREATED_ASC|CREATED_DESC|
//   RECORD_ID_ASC; $skip, $limit: int.
// Returns: total: int, items: [map of CustomerRecord properties].
CALL () {
  CALL db.index.fulltext.queryNodes('entity_names', $search) YIELD node AS n
  WHERE n:CustomerRecord
    AND ($source_system IS NULL OR n.source_system = $source_system)
    AND ($country IS NULL OR n.country = $country)
    AND ($created_from IS NULL OR n.created_at >= $created_from)
    AND ($created_to IS NULL OR n.created_at < $created_to)
  RETURN count(n) AS total
}
CALL () {
  CALL db.index.fulltext.queryNodes('entity_names', $search) YIELD node AS n, score
  WHERE n:CustomerRecord
    AND ($source_system IS NULL OR n.source_system = $source_system)
    AND ($country IS NULL OR n.country = $country)
    AND ($created_from IS NULL OR n.created_at >= $created_from)
    AND ($created_to IS NULL OR n.created_at < $created_to)
  WITH n, score
  ORDER BY CASE $sort WHEN 'RELEVANCE' THEN score END DESC,
           CASE $sort WHEN 'NAME_ASC' THEN n.full_name END ASC,
           CASE $sort WHEN 'NAME_DESC' THEN n.full_name END DESC,
           CASE $sort WHEN 'CREATED_ASC' THEN n.created_at END ASC,
           CASE $sort WHEN 'CREATED_DESC' THEN n.created_at END DESC,
           n.record_id ASC
  SKIP $skip LIMIT $limit
  RETURN collect(n {.*}) AS items
}
RETURN total, items
