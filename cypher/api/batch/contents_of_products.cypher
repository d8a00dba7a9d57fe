// API DataLoader: the content items that FEATURE each product (Product.featuredIn, the reverse of
// Content.products), newest published first then content_id, at most $limit per key, for a batch
// of keys in one round trip. Embeddings stay in the graph.
// Params: $keys: [string], $limit: int.
// Returns: key, items ([Content map], at most $limit).
UNWIND $keys AS key
CALL (key) {
  MATCH (c:Content)-[:FEATURES]->(:Product {sku: key})
  WITH c ORDER BY c.published_at DESC, c.content_id LIMIT $limit
  RETURN collect(c {.*, embedding: null}) AS items
}
RETURN key, items
