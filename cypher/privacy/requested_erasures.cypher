// Erasure requests an erasure log flagged (cypher/ingest/erasure_requests.cypher) and not yet
// honoured: erase_records.cypher drops the flag with every other property it does not keep.
// Oldest first, a page of records at a time, one row per ticket (a record two tickets name
// gives two rows, on the same page), grouped by the caller into one request per reference.
// Params: $limit: integer (records).
// Returns: record_id, reference, requested_at (ISO text: the record's latest ticket), run_id
//   (the ingest run that loaded the ticket).
MATCH (r:CustomerRecord)
WHERE r.erasure_requested_at IS NOT NULL
WITH r ORDER BY r.erasure_requested_at, r.record_id LIMIT $limit
UNWIND range(0, size(coalesce(r.erasure_more_references, []))) AS i
RETURN r.record_id AS record_id,
       CASE i WHEN 0 THEN r.erasure_reference ELSE r.erasure_more_references[i - 1] END
         AS reference,
       toString(r.erasure_requested_at) AS requested_at,
       CASE i WHEN 0 THEN r.erasure_request_run ELSE r.erasure_more_runs[i - 1] END AS run_id
ORDER BY r.erasure_requested_at, record_id, i
