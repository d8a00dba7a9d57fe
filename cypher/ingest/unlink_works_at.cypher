// Remove WORKS_AT links of changed person records whose employer moved or vanished in the
// source, so no stale employer is left behind. Runs before link_works_at.cypher.
// Params: $rows: [{record_id, account_record_id}].   Returns: unlinked.
UNWIND $rows AS row
MATCH (n:CustomerRecord {record_id: row.record_id})-[stale:WORKS_AT]->(other:AccountRecord)
WHERE row.account_record_id IS NULL OR other.record_id <> row.account_record_id
DELETE stale
RETURN count(*) AS unlinked
