// Upsert order lines as (:Order)-[:CONTAINS {line_no, quantity, unit_price}]->(:Product).
// One relationship per (order, line_no): a line whose product changed is re-pointed (a new
// relationship that keeps the line's first_seen / first_run; an unchanged line gets last_*).
// Params: $rows: [{order_id, source_system, source_id, row_hash, line_no, sku, quantity,
//   unit_price}], $run_id, $seen_at.   Returns: created, updated.
UNWIND $rows AS row
MERGE (o:Interaction {interaction_id: row.order_id})
  ON CREATE SET o.placeholder = true, o.kind = 'purchase', o.source_system = row.source_system,
                o.source_id = substring(row.order_id, size(row.source_system) + 1),
                o.first_seen = $seen_at, o.first_run = $run_id,
                o.last_seen = $seen_at, o.last_run = $run_id
SET o:Order
WITH o, row
OPTIONAL MATCH (o)-[old:CONTAINS {line_no: row.line_no}]->(:Product)
SET old.last_seen = $seen_at, old.last_run = $run_id  // a no-op for a new line
WITH o, row, old.row_hash AS old_hash, old, old.first_seen AS first_seen,
     old.first_run AS first_run
WHERE old_hash IS NULL OR old_hash <> row.row_hash
CALL (old) { WITH old WHERE old IS NOT NULL DELETE old }
MERGE (p:Product {sku: row.sku})
  ON CREATE SET p.placeholder = true, p.source_system = 'catalog', p.source_id = row.sku,
                p.first_seen = $seen_at, p.first_run = $run_id,
                p.last_seen = $seen_at, p.last_run = $run_id
CREATE (o)-[l:CONTAINS {line_no: row.line_no}]->(p)
SET l.quantity = row.quantity, l.unit_price = row.unit_price, l.row_hash = row.row_hash,
    l.source_system = row.source_system, l.source_id = row.source_id,
    l.first_seen = coalesce(first_seen, $seen_at), l.first_run = coalesce(first_run, $run_id),
    l.last_seen = $seen_at, l.last_run = $run_id, l.last_changed = $seen_at
RETURN count(CASE WHEN old_hash IS NULL THEN 1 END) AS created, count(old_hash) AS updated
