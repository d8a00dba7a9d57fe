// Upsert content (emails, landing pages, posts) with its text, the products it features and
// the campaign it belongs to. A changed text clears the stored embedding so GraphRAG's refresh
// job re-embeds exactly the content that changed.
// Params: $rows: [{content_id, source_system, source_id, row_hash, content_type, title, body,
//   url, campaign_id, product_skus, published_at, updated_at}], $run_id, $seen_at.
// Returns: created, updated.
UNWIND $rows AS row
MERGE (c:Content {content_id: row.content_id})
  ON CREATE SET c.source_system = row.source_system, c.source_id = row.source_id,
                c.first_seen = $seen_at, c.first_run = $run_id
WITH c, row, c.row_hash AS old_hash
SET c.last_seen = $seen_at
WITH c, row, old_hash
WHERE old_hash IS NULL OR old_hash <> row.row_hash
SET c.content_type = row.content_type, c.title = row.title, c.body = row.body, c.url = row.url,
    c.published_at = datetime(row.published_at), c.updated_at = datetime(row.updated_at),
    c.row_hash = row.row_hash, c.last_run = $run_id, c.last_changed = $seen_at
REMOVE c.placeholder, c.embedding
WITH c, row, old_hash
CALL (c, row) {
  OPTIONAL MATCH (c)-[stale:FEATURES|PART_OF]->()
  DELETE stale
}
CALL (c, row) {
  UNWIND coalesce(row.product_skus, []) AS sku
  MERGE (p:Product {sku: sku})
    ON CREATE SET p.placeholder = true, p.source_system = 'catalog', p.source_id = sku,
                  p.first_seen = $seen_at, p.first_run = $run_id,
                  p.last_seen = $seen_at, p.last_run = $run_id
  MERGE (c)-[f:FEATURES]->(p)
    ON CREATE SET f.source_system = row.source_system, f.source_id = row.source_id,
                  f.first_seen = $seen_at, f.first_run = $run_id
  SET f.last_seen = $seen_at, f.last_run = $run_id
}
CALL (c, row) {
  WITH c, row WHERE row.campaign_id IS NOT NULL
  MERGE (cp:Campaign {campaign_id: row.campaign_id})
    ON CREATE SET cp.placeholder = true, cp.source_system = row.source_system,
                  cp.source_id = row.campaign_id, cp.first_seen = $seen_at, cp.first_run = $run_id,
                  cp.last_seen = $seen_at, cp.last_run = $run_id
  MERGE (c)-[p:PART_OF]->(cp)
    ON CREATE SET p.source_system = row.source_system, p.source_id = row.source_id,
                  p.first_seen = $seen_at, p.first_run = $run_id
  SET p.last_seen = $seen_at, p.last_run = $run_id
}
RETURN count(CASE WHEN old_hash IS NULL THEN 1 END) AS created, count(old_hash) AS updated
