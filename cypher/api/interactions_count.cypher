// API: how many Interaction nodes match interactions.cypher's filters (its totalCount, run only
// when a client selects totalCount).
// Params: $kind, $channel, $source_system: string|null; $occurred_from, $occurred_to:
//   datetime|null.
// Returns: total: int.
MATCH (i:Interaction)
WHERE ($kind IS NULL OR i.kind = $kind)
  AND ($channel IS NULL OR i.channel = $channel)
  AND ($source_system IS NULL OR i.source_system = $source_system)
  AND ($occurred_from IS NULL OR i.occurred_at >= $occurred_from)
  AND ($occurred_to IS NULL OR i.occurred_at < $occurred_to)
RETURN count(i) AS total
