// Mark person and company records their source deleted (a deletion feed: `deleted_records`).
// The record stays in the graph — its provenance, its interactions and the history of what it
// was joined to — but entity resolution detaches it from its unified customer / account at the
// next run (detach_deleted_*_records.cypher), and reads it no more.
// A deletion of a record never loaded (deleted at the source before any export carried it)
// is kept on a placeholder, so an older export loaded later cannot bring the record back: an
// export revives a deleted record only when its row was updated (or created) after the
// deletion (customer_records.cypher, account_records.cypher).
// Symmetric: a deletion does not apply to a record whose own row was updated (or created)
// after it — a cumulative feed sent again after a restore, or a restore exported in the same
// load — just as only such a row revives a deleted record.
// Idempotent: a record already deleted at the same or a later time is left as it is.
// Params: $rows: [{record_id, record_system, source_id, family ('person' | 'company'),
//   source_type, deleted_at, reason, row_hash, source_system}], $run_id, $seen_at.
// Returns: created (deletions recorded for records not loaded yet), updated (loaded records
//   now marked deleted).
UNWIND $rows AS row
CALL (row) {
  WITH row WHERE row.family = 'person'
  MERGE (n:CustomerRecord {record_id: row.record_id})
    ON CREATE SET n.source_system = row.record_system, n.source_id = row.source_id,
                  n.placeholder = true, n.first_seen = $seen_at, n.first_run = $run_id,
                  n.last_seen = $seen_at, n.last_run = $run_id
  RETURN n
  UNION
  WITH row WHERE row.family = 'company'
  MERGE (n:AccountRecord {record_id: row.record_id})
    ON CREATE SET n.source_system = row.record_system, n.source_id = row.source_id,
                  n.placeholder = true, n.first_seen = $seen_at, n.first_run = $run_id,
                  n.last_seen = $seen_at, n.last_run = $run_id
  RETURN n
}
WITH n, row, datetime(row.deleted_at) AS deleted_at
WHERE (n.deleted_at IS NULL OR n.deleted_at < deleted_at)
  AND NOT coalesce(coalesce(n.updated_at, n.created_at) > deleted_at, false)
SET n.deleted_at = deleted_at, n.deletion_reason = row.reason, n.deleted_run = $run_id,
    n.last_run = $run_id, n.last_changed = $seen_at
RETURN count(CASE WHEN n.placeholder THEN 1 END) AS created,
       count(CASE WHEN n.placeholder IS NULL THEN 1 END) AS updated
