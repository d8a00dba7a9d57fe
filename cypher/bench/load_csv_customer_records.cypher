// Benchmark baseline, not used by marketgraph itself: Neo4j's own LOAD CSV + CALL {} IN
// TRANSACTIONS doing the same writes as the ingest's person-record family
// (ingest/customer_records + unlink_works_at + placeholder_account_records + link_works_at),
// on a CSV of the rows the ingest sends. Values arrive as text: empty -> null.
// Run in an auto-commit transaction (CALL {} IN TRANSACTIONS requires it); bench/ingest_bench.py.
// Params: $url ('file:///customer_records.csv'), $run_id, $seen_at, $batch.
// Columns: record_id, source_system, source_id, row_hash, first_name, last_name, full_name,
//   email, phone, job_title, company_name, street, city, postcode, country, consent_email,
//   consent_sms, status, created_at, updated_at, account_record_id.
LOAD CSV WITH HEADERS FROM $url AS row
CALL (row) {
  MERGE (n:CustomerRecord {record_id: row.record_id})
    ON CREATE SET n.source_system = row.source_system, n.source_id = row.source_id,
                  n.first_seen = $seen_at, n.first_run = $run_id
  WITH n, row, n.row_hash AS old_hash
  SET n.last_seen = $seen_at
  WITH n, row, old_hash
  WHERE old_hash IS NULL OR old_hash <> toInteger(row.row_hash)
  SET n.first_name = row.first_name, n.last_name = row.last_name, n.full_name = row.full_name,
      n.email = row.email, n.phone = row.phone, n.job_title = row.job_title,
      n.company_name = row.company_name, n.street = row.street, n.city = row.city,
      n.postcode = row.postcode, n.country = row.country,
      n.consent_email = toBoolean(row.consent_email), n.consent_sms = toBoolean(row.consent_sms),
      n.status = row.status,
      n.created_at = datetime(row.created_at), n.updated_at = datetime(row.updated_at),
      n.row_hash = toInteger(row.row_hash), n.last_run = $run_id, n.last_changed = $seen_at
  REMOVE n.placeholder
  WITH n, row
  CALL (n, row) {
    OPTIONAL MATCH (n)-[stale:WORKS_AT]->(other:AccountRecord)
    WHERE row.account_record_id IS NULL OR other.record_id <> row.account_record_id
    DELETE stale
  }
  CALL (n, row) {
    WITH n, row WHERE row.account_record_id IS NOT NULL
    MERGE (a:AccountRecord {record_id: row.account_record_id})
      ON CREATE SET a.placeholder = true, a.source_system = row.source_system,
                    a.source_id = substring(row.account_record_id, size(row.source_system) + 1),
                    a.first_seen = $seen_at, a.first_run = $run_id
    MERGE (n)-[w:WORKS_AT]->(a)
      ON CREATE SET w.source_system = row.source_system, w.source_id = row.source_id,
                    w.first_seen = $seen_at, w.first_run = $run_id
    SET w.last_seen = $seen_at, w.last_run = $run_id
  }
} IN TRANSACTIONS OF $batch ROWS
