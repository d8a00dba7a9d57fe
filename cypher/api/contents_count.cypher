// API: how many Content nodes match contents.cypher's filters (its totalCount, run only
// when a client selects totalCount).
// Params: $content_type, $campaign_id: string|null.
// Returns: total: int.
MATCH (c:Content)
WHERE ($content_type IS NULL OR c.content_type = $content_type)
  AND ($campaign_id IS NULL OR EXISTS { (c)-[:PART_OF]->(:Campaign {campaign_id: $campaign_id}) })
RETURN count(c) AS total
