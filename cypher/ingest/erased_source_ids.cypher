// The source ids of person records erased on request (cypher/privacy/erase_records.cypher): a
// rejected row of a later load that names one keeps no text (ingestion/quarantine_text.py).
// Erased records are deleted records, so the deleted_at index finds them (migration 0011):
// it grows with the deletions ever made, not with the population.
// Params: none.
// Returns: source_id, erasure_id.
MATCH (r:CustomerRecord)
WHERE r.deleted_at IS NOT NULL AND r.erased_at IS NOT NULL
RETURN r.source_id AS source_id, r.erasure_id AS erasure_id
