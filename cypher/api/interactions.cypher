// API: one page of interactions (web visits, emails, ad clicks, calls, purchases), plus the
// total over the same filters; the (kind, occurred_at) index serves kind + date filters.
// Params: $kind, $channel, $source_system: string|null; $occurred_from, $occurred_to:
//   datetime|null; $sort: OCCURRED_DESC|OCCURRED_ASC|TOTAL_DESC; $skip, $limit: int.
// Returns: total: int, items: [map of Interaction properties].
CALL () {
  MATCH (i:Interaction)
  WHERE ($kind IS NULL OR i.kind = $kind)
    AND ($channel IS NULL OR i.channel = $channel)
    AND ($source_system IS NULL OR i.source_system = $source_system)
    AND ($occurred_from IS NULL OR i.occurred_at >= $occurred_from)
    AND ($occurred_to IS NULL OR i.occurred_at < $occurred_to)
  RETURN count(i) AS total
}
CALL () {
  MATCH (i:Interaction)
  WHERE ($kind IS NULL OR i.kind = $kind)
    AND ($channel IS NULL OR i.channel = $channel)
    AND ($source_system IS NULL OR i.source_system = $source_system)
    AND ($occurred_from IS NULL OR i.occurred_at >= $occurred_from)
    AND ($occurred_to IS NULL OR i.occurred_at < $occurred_to)
  WITH i
  ORDER BY CASE $sort WHEN 'OCCURRED_DESC' THEN i.occurred_at END DESC,
           CASE $sort WHEN 'OCCURRED_ASC' THEN i.occurred_at END ASC,
           CASE $sort WHEN 'TOTAL_DESC' THEN i.total END DESC,
           i.interaction_id ASC
  SKIP $skip LIMIT $limit
  RETURN collect(i {.*}) AS items
}
RETURN total, items
