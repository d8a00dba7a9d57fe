// The person records erased on request (cypher/privacy/erase_records.cypher): a rejected row
// of a later load that names one keeps no text, and a valid row of a person export for one is
// set aside the same way unless created after the erasure (ingestion/quarantine_text.py).
// Erased records are deleted records, so the deleted_at index finds them (migration 0011):
// it grows with the deletions ever made, not with the population.
// Params: none.
// Returns: source_id, erasure_id, record_id, deleted_at (what a new sign-up's created_at
//   must pass).
MATCH (r:CustomerRecord)
WHERE r.deleted_at IS NOT NULL AND r.erased_at IS NOT NULL
RETURN r.source_id AS source_id, r.erasure_id AS erasure_id, r.record_id AS record_id,
       r.deleted_at AS deleted_at
