// API DataLoader: the campaigns that TARGET each category (Category.campaigns, the reverse of
// Campaign.targetCategory), newest start first then campaign_id, at most $limit per key, for a
// batch of keys in one round trip.
// Params: $keys: [string], $limit: int.
// Returns: key, items ([Campaign map], at most $limit).
UNWIND $keys AS key
CALL (key) {
  MATCH (c:Campaign)-[:TARGETS]->(:Category {category_id: key})
  WITH c ORDER BY c.start_date DESC, c.campaign_id LIMIT $limit
  RETURN collect(c {.*}) AS items
}
RETURN key, items
