// API: one page of person records as the source systems exported them, plus the total over the
// same filters. The sort is one of fixed CASE branches picked by $sort (a GraphQL enum value),
// so no text from a request ever becomes Cypher.
// Params: $source_system, $country: string|null; $created_from, $created_to: datetime|null;
//   $sort: NAME_ASC|NAME_DESC|CREATED_ASC|CREATED_DESC|RECORD_ID_ASC; $skip, $limit: int.
// Returns: total: int, items: [map of CustomerRecord properties].
CALL () {
  MATCH (n:CustomerRecord)
  WHERE ($source_system IS NULL OR n.source_system = $source_system)
    AND ($country IS NULL OR n.country = $country)
    AND ($created_from IS NULL OR n.created_at >= $created_from)
    AND ($created_to IS NULL OR n.created_at < $created_to)
  RETURN count(n) AS total
}
CALL () {
  MATCH (n:CustomerRecord)
  WHERE ($source_system IS NULL OR n.source_system = $source_system)
    AND ($country IS NULL OR n.country = $country)
    AND ($created_from IS NULL OR n.created_at >= $created_from)
    AND ($created_to IS NULL OR n.created_at < $created_to)
  WITH n
  ORDER BY CASE $sort WHEN 'NAME_ASC' THEN n.full_name END ASC,
           CASE $sort WHEN 'NAME_DESC' THEN n.full_name END DESC,
           CASE $sort WHEN 'CREATED_ASC' THEN n.created_at END ASC,
           CASE $sort WHEN 'CREATED_DESC' THEN n.created_at END DESC,
           n.record_id ASC
  SKIP $skip LIMIT $limit
  RETURN collect(n {.*}) AS items
}
RETURN total, items
