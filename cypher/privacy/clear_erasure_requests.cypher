// Drop the erasure-request flags (every ticket waiting on the record) from records an erasure
// has just covered. erase_records.cypher drops them from the records it erases; this also
// covers a record that another erasure reached first (reported as already erased), so no flag
// outlives its request.
// Params: $record_ids: [string].
// Returns: cleared.
UNWIND $record_ids AS id
MATCH (r:CustomerRecord {record_id: id})
WHERE r.erasure_requested_at IS NOT NULL
REMOVE r.erasure_requested_at, r.erasure_reference, r.erasure_request_run,
       r.erasure_more_references, r.erasure_more_runs
RETURN count(r) AS cleared
