// API DataLoader: the products IN_CATEGORY of each category or of one of its subcategories
// (Category.products, the reverse of Product.inCategory: products sit in level-2 nodes, so a
// top-level category lists its subcategories' products), by name then sku, at most $limit per
// key, for a batch of keys in one round trip.
// Params: $keys: [string], $limit: int.
// Returns: key, items ([Product map], at most $limit).
UNWIND $keys AS key
CALL (key) {
  MATCH (p:Product)-[:IN_CATEGORY]->(:Category)-[:SUBCATEGORY_OF*0..1]->(:Category {category_id: key})
  WITH DISTINCT p
  WITH p ORDER BY p.name, p.sku LIMIT $limit
  RETURN collect(p {.*}) AS items
}
RETURN key, items
