// API DataLoader: the subcategories that are SUBCATEGORY_OF each category (Category.children, the
// reverse of Category.parent), by name then category_id, at most $limit per key, for a batch of
// keys in one round trip.
// Params: $keys: [string], $limit: int.
// Returns: key, items ([Category map], at most $limit).
UNWIND $keys AS key
CALL (key) {
  MATCH (c:Category)-[:SUBCATEGORY_OF]->(:Category {category_id: key})
  WITH c ORDER BY c.name, c.category_id LIMIT $limit
  RETURN collect(c {.*}) AS items
}
RETURN key, items
