// Benchmark baseline, not used by marketgraph itself: Neo4j's own LOAD CSV + CALL {} IN
// TRANSACTIONS doing the same writes as ingest/order_lines.cypher, on a CSV of the rows the
// ingest sends. Values arrive as text: empty -> null.
// Run in an auto-commit transaction (CALL {} IN TRANSACTIONS requires it); bench/ingest_bench.py.
// Params: $url ('file:///order_lines.csv'), $run_id, $seen_at, $batch.
// Columns: order_id, source_system, source_id, row_hash, line_no, sku, quantity, unit_price.
LOAD CSV WITH HEADERS FROM $url AS row
CALL (row) {
  WITH row, toInteger(row.line_no) AS line_no, toInteger(row.row_hash) AS row_hash
  MERGE (o:Interaction {interaction_id: row.order_id})
    ON CREATE SET o.placeholder = true, o.kind = 'purchase', o.source_system = row.source_system,
                  o.source_id = substring(row.order_id, size(row.source_system) + 1),
                  o.first_seen = $seen_at, o.first_run = $run_id
  SET o:Order
  WITH o, row, line_no, row_hash
  OPTIONAL MATCH (o)-[old:CONTAINS {line_no: line_no}]->(:Product)
  WITH o, row, line_no, row_hash, old.row_hash AS old_hash, old
  WHERE old_hash IS NULL OR old_hash <> row_hash
  CALL (old) { WITH old WHERE old IS NOT NULL DELETE old }
  MERGE (p:Product {sku: row.sku})
    ON CREATE SET p.placeholder = true, p.source_system = 'catalog', p.source_id = row.sku,
                  p.first_seen = $seen_at, p.first_run = $run_id
  CREATE (o)-[l:CONTAINS {line_no: line_no}]->(p)
  SET l.quantity = toInteger(row.quantity), l.unit_price = toFloat(row.unit_price),
      l.row_hash = row_hash, l.source_system = row.source_system, l.source_id = row.source_id,
      l.first_seen = $seen_at, l.first_run = $run_id, l.last_seen = $seen_at, l.last_run = $run_id
} IN TRANSACTIONS OF $batch ROWS
