// API: one page of company records as exported, plus the total over the same filters.
// The sort is one of fixed CASE branches picked by $sort (a GraphQL enum value).
// Params: $source_system, $industry, $country: string|null;
//   $sort: NAME_ASC|NAME_DESC|EMPLOYEES_DESC|RECORD_ID_ASC; $skip, $limit: int.
// Returns: total: int, items: [map of AccountRecord properties].
CALL () {
  MATCH (n:AccountRecord)
  WHERE ($source_system IS NULL OR n.source_system = $source_system)
    AND ($industry IS NULL OR n.industry = $industry)
    AND ($country IS NULL OR n.country = $country)
  RETURN count(n) AS total
}
CALL () {
  MATCH (n:AccountRecord)
  WHERE ($source_system IS NULL OR n.source_system = $source_system)
    AND ($industry IS NULL OR n.industry = $industry)
    AND ($country IS NULL OR n.country = $country)
  WITH n
  ORDER BY CASE $sort WHEN 'NAME_ASC' THEN n.name END ASC,
           CASE $sort WHEN 'NAME_DESC' THEN n.name END DESC,
           CASE $sort WHEN 'EMPLOYEES_DESC' THEN n.employees END DESC,
           n.record_id ASC
  SKIP $skip LIMIT $limit
  RETURN collect(n {.*}) AS items
}
RETURN total, items
