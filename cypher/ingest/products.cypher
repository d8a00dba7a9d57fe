// Upsert catalog products and their two-level category tree
// (:Product)-[:IN_CATEGORY]->(:Category {level: 2})-[:SUBCATEGORY_OF]->(:Category {level: 1}).
// `attributes` is the catalog's JSON object kept as text (Neo4j has no map properties).
// Params: $rows: [{sku, source_system, source_id, row_hash, name, category, subcategory,
//   category_id, subcategory_id, price, currency, attributes, description, launched_at,
//   discontinued}], $run_id, $seen_at.   Returns: created, updated.
UNWIND $rows AS row
MERGE (p:Product {sku: row.sku})
  ON CREATE SET p.source_system = row.source_system, p.source_id = row.source_id,
                p.first_seen = $seen_at, p.first_run = $run_id
WITH p, row, p.row_hash AS old_hash
SET p.last_seen = $seen_at
WITH p, row, old_hash
WHERE old_hash IS NULL OR old_hash <> row.row_hash
SET p.name = row.name, p.category = row.category, p.subcategory = row.subcategory,
    p.price = row.price, p.currency = row.currency, p.attributes = row.attributes,
    p.description = row.description, p.launched_at = date(row.launched_at),
    p.discontinued = row.discontinued,
    p.row_hash = row.row_hash, p.last_run = $run_id, p.last_changed = $seen_at
REMOVE p.placeholder
WITH p, row, old_hash
CALL (p, row) {
  OPTIONAL MATCH (p)-[stale:IN_CATEGORY]->(c:Category)
  WHERE c.category_id <> row.subcategory_id
  DELETE stale
}
MERGE (top:Category {category_id: row.category_id})
  ON CREATE SET top.name = row.category, top.level = 1, top.source_system = row.source_system,
                top.source_id = row.category_id, top.first_seen = $seen_at, top.first_run = $run_id,
                top.last_seen = $seen_at, top.last_run = $run_id
MERGE (sub:Category {category_id: row.subcategory_id})
  ON CREATE SET sub.name = row.subcategory, sub.level = 2, sub.source_system = row.source_system,
                sub.source_id = row.subcategory_id,
                sub.first_seen = $seen_at, sub.first_run = $run_id,
                sub.last_seen = $seen_at, sub.last_run = $run_id
MERGE (sub)-[s:SUBCATEGORY_OF]->(top)
  ON CREATE SET s.source_system = row.source_system, s.source_id = row.subcategory_id,
                s.first_seen = $seen_at, s.first_run = $run_id,
                s.last_seen = $seen_at, s.last_run = $run_id
MERGE (p)-[r:IN_CATEGORY]->(sub)
  ON CREATE SET r.source_system = row.source_system, r.source_id = row.source_id,
                r.first_seen = $seen_at, r.first_run = $run_id
SET r.last_seen = $seen_at, r.last_run = $run_id
RETURN count(CASE WHEN old_hash IS NULL THEN 1 END) AS created, count(old_hash) AS updated
