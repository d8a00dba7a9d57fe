// API: how many AccountRecord nodes match account_records.cypher's filters (its
// totalCount, run only when a client selects totalCount).
// Params: $source_system, $industry, $country: string|null.
// Returns: total: int.
MATCH (n:AccountRecord)
WHERE ($source_system IS NULL OR n.source_system = $source_system)
  AND ($industry IS NULL OR n.industry = $industry)
  AND ($country IS NULL OR n.country = $country)
RETURN count(n) AS total
