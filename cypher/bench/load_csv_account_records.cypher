// Benchmark baseline, not used by marketgraph itself: Neo4j's own LOAD CSV + CALL {} IN
// TRANSACTIONS doing the same writes as ingest/account_records.cypher, on a CSV of the rows
// the ingest sends. Values arrive as text: empty -> null.
// Run in an auto-commit transaction (CALL {} IN TRANSACTIONS requires it); bench/ingest_bench.py.
// Params: $url ('file:///account_records.csv'), $run_id, $seen_at, $batch.
// Columns: record_id, source_system, source_id, row_hash, name, domain, industry, employees,
//   city, country, created_at, updated_at.
LOAD CSV WITH HEADERS FROM $url AS row
CALL (row) {
  MERGE (n:AccountRecord {record_id: row.record_id})
    ON CREATE SET n.source_system = row.source_system, n.source_id = row.source_id,
                  n.first_seen = $seen_at, n.first_run = $run_id
  WITH n, row, n.row_hash AS old_hash
  SET n.last_seen = $seen_at
  WITH n, row, old_hash
  WHERE old_hash IS NULL OR old_hash <> toInteger(row.row_hash)
  SET n.name = row.name, n.domain = row.domain, n.industry = row.industry,
      n.employees = toInteger(row.employees), n.city = row.city, n.country = row.country,
      n.created_at = datetime(row.created_at), n.updated_at = datetime(row.updated_at),
      n.row_hash = toInteger(row.row_hash), n.last_run = $run_id, n.last_changed = $seen_at
  REMOVE n.placeholder
  WITH n, row
  CALL (n, row) {
    OPTIONAL MATCH (n)-[stale:IN_INDUSTRY]->(other:Industry)
    WHERE row.industry IS NULL OR other.name <> row.industry
    DELETE stale
  }
  CALL (n, row) {
    WITH n, row WHERE row.industry IS NOT NULL
    MERGE (i:Industry {name: row.industry})
      ON CREATE SET i.source_system = row.source_system, i.source_id = row.industry,
                    i.first_seen = $seen_at, i.first_run = $run_id
    MERGE (n)-[r:IN_INDUSTRY]->(i)
      ON CREATE SET r.source_system = row.source_system, r.source_id = row.source_id,
                    r.first_seen = $seen_at, r.first_run = $run_id
    SET r.last_seen = $seen_at, r.last_run = $run_id
  }
} IN TRANSACTIONS OF $batch ROWS
