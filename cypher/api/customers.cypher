// API: one page of unified customers that entity resolution created (none before it has run),
// plus the total over the same filter.
// Params: $status: string|null; $skip, $limit: int.
// Returns: total: int, items: [map of Customer properties].
CALL () {
  MATCH (c:Customer)
  WHERE $status IS NULL OR c.status = $status
  RETURN count(c) AS total
}
CALL () {
  MATCH (c:Customer)
  WHERE $status IS NULL OR c.status = $status
  WITH c ORDER BY c.customer_id ASC
  SKIP $skip LIMIT $limit
  RETURN collect(c {.*}) AS items
}
RETURN total, items
