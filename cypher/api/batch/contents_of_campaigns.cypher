// API DataLoader: the content items PART_OF each campaign (Campaign.contents, the reverse of
// Content.campaign), newest published first then content_id, at most $limit per key, for a
// batch of keys in one round trip. Embeddings stay in the graph.
// Params: $keys: [string], $limit: int.
// Returns: key, items ([Content map], at most $limit).
UNWIND $keys AS key
CALL (key) {
  MATCH (c:Content)-[:PART_OF]->(:Campaign {campaign_id: key})
  WITH c ORDER BY c.published_at DESC, c.content_id LIMIT $limit
  RETURN collect(c {.*, embedding: null}) AS items
}
RETURN key, items
