// Benchmark baseline, not used by marketgraph itself: Neo4j's own LOAD CSV + CALL {} IN
// TRANSACTIONS doing the same writes as the ingest's interactions query family
// (ingest/interactions + placeholder_* + link_*), as one statement, on a CSV of the rows the
// ingest sends (after the same contracts and mapping). Values arrive as text: empty -> null.
// Run in an auto-commit transaction (CALL {} IN TRANSACTIONS requires it); bench/ingest_bench.py.
// Params: $url ('file:///interactions.csv' under server.directories.import), $run_id, $seen_at,
//   $batch (rows per inner transaction).
// Columns: interaction_id, source_system, source_id, row_hash, kind, channel, occurred_at,
//   performer_id, campaign_id, content_id, url, duration_s, outcome, notes, status, currency,
//   total, ad_id, cost.
LOAD CSV WITH HEADERS FROM $url AS row
CALL (row) {
  MERGE (i:Interaction {interaction_id: row.interaction_id})
    ON CREATE SET i.source_system = row.source_system, i.source_id = row.source_id,
                  i.first_seen = $seen_at, i.first_run = $run_id
  WITH i, row, i.row_hash AS old_hash
  SET i.last_seen = $seen_at
  WITH i, row, old_hash
  WHERE old_hash IS NULL OR old_hash <> toInteger(row.row_hash)
  SET i.kind = row.kind, i.channel = row.channel, i.occurred_at = datetime(row.occurred_at),
      i.url = row.url, i.duration_s = toInteger(row.duration_s), i.outcome = row.outcome,
      i.notes = row.notes, i.status = row.status, i.currency = row.currency,
      i.total = toFloat(row.total), i.ad_id = row.ad_id, i.cost = toFloat(row.cost),
      i.row_hash = toInteger(row.row_hash), i.last_run = $run_id, i.last_changed = $seen_at
  REMOVE i.placeholder
  FOREACH (_ IN CASE WHEN row.kind = 'purchase' THEN [1] ELSE [] END | SET i:Order)
  WITH i, row
  CALL (i, row) {
    WITH i, row WHERE row.performer_id IS NOT NULL
    MERGE (c:CustomerRecord {record_id: row.performer_id})
      ON CREATE SET c.placeholder = true, c.source_system = split(row.performer_id, ':')[0],
                    c.source_id = substring(row.performer_id, size(split(row.performer_id, ':')[0]) + 1),
                    c.first_seen = $seen_at, c.first_run = $run_id
    MERGE (c)-[p:PERFORMED]->(i)
      ON CREATE SET p.source_system = row.source_system, p.source_id = row.source_id,
                    p.first_seen = $seen_at, p.first_run = $run_id
    SET p.last_seen = $seen_at, p.last_run = $run_id
  }
  CALL (i, row) {
    WITH i, row WHERE row.campaign_id IS NOT NULL
    MERGE (cp:Campaign {campaign_id: row.campaign_id})
      ON CREATE SET cp.placeholder = true, cp.source_system = 'marketing',
                    cp.source_id = row.campaign_id, cp.first_seen = $seen_at, cp.first_run = $run_id
    MERGE (i)-[r:IN_CAMPAIGN]->(cp)
      ON CREATE SET r.source_system = row.source_system, r.source_id = row.source_id,
                    r.first_seen = $seen_at, r.first_run = $run_id
    SET r.last_seen = $seen_at, r.last_run = $run_id
  }
  CALL (i, row) {
    WITH i, row WHERE row.content_id IS NOT NULL
    MERGE (ct:Content {content_id: row.content_id})
      ON CREATE SET ct.placeholder = true, ct.source_system = 'marketing',
                    ct.source_id = row.content_id, ct.first_seen = $seen_at, ct.first_run = $run_id
    MERGE (i)-[r:ENGAGED_WITH]->(ct)
      ON CREATE SET r.source_system = row.source_system, r.source_id = row.source_id,
                    r.first_seen = $seen_at, r.first_run = $run_id
    SET r.last_seen = $seen_at, r.last_run = $run_id
  }
} IN TRANSACTIONS OF $batch ROWS
