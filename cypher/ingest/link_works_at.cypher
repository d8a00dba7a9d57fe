// Link changed person records to the company record they work at. Both nodes exist
// (customer_records.cypher and placeholder_account_records.cypher ran first in the transaction).
// Params: $rows: [{record_id, account_record_id, source_system, source_id}], $run_id, $seen_at.
// Returns: linked.
UNWIND $rows AS row
MATCH (n:CustomerRecord {record_id: row.record_id})
MATCH (a:AccountRecord {record_id: row.account_record_id})
MERGE (n)-[w:WORKS_AT]->(a)
  ON CREATE SET w.source_system = row.source_system, w.source_id = row.source_id,
                w.first_seen = $seen_at, w.first_run = $run_id
SET w.last_seen = $seen_at, w.last_run = $run_id
RETURN count(w) AS linked
