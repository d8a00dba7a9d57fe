// Erasure requests an erasure log flagged (cypher/ingest/erasure_requests.cypher) and not yet
// honoured: erase_records.cypher drops the flag with every other property it does not keep.
// Oldest first, a page at a time, grouped by the caller into one request per reference.
// Params: $limit: integer.
// Returns: record_id, reference, requested_at (ISO text), run_id (the ingest run that loaded it).
MATCH (r:CustomerRecord)
WHERE r.erasure_requested_at IS NOT NULL
RETURN r.record_id AS record_id, r.erasure_reference AS reference,
       toString(r.erasure_requested_at) AS requested_at, r.erasure_request_run AS run_id
ORDER BY r.erasure_requested_at, r.record_id
LIMIT $limit
