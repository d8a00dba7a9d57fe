// API: one page of unified accounts that entity resolution created (none before it has run),
// plus the total over the same filter.
// Params: $status: string|null; $skip, $limit: int.
// Returns: total: int, items: [map of Account properties].
CALL () {
  MATCH (a:Account)
  WHERE $status IS NULL OR a.status = $status
  RETURN count(a) AS total
}
CALL () {
  MATCH (a:Account)
  WHERE $status IS NULL OR a.status = $status
  WITH a ORDER BY a.account_id ASC
  SKIP $skip LIMIT $limit
  RETURN collect(a {.*}) AS items
}
RETURN total, items
